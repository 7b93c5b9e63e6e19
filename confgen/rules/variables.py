"""Vars, secrets and crons."""

from __future__ import annotations

import re
from collections.abc import Iterator

from confgen.cron import cron_problem
from confgen.diagnostics import Issue, KeyPath
from confgen.model import Project

SECRET_WORDS = ("PASSWORD", "SECRET", "TOKEN", "PRIVATE_KEY", "API_KEY", "CREDENTIAL")
_SECRET_NAME = re.compile("|".join(SECRET_WORDS))
# Values that are obviously not a real secret: dev stand-ins, template markers, repetitions.
_PLACEHOLDER = re.compile(
    r"^(?:|changeme|change[-_ ]?me|placeholder|dummy|example|test|testing|dev|local|todo|"
    r"none|null|fake|secret|password|your[-_ ].*|<.*>|\$\{.*\}|\{\{.*\}\}|(.)\1*|"
    r"(?:dev|test|local|fake|dummy)[-_].*|.*[-_](?:dev|test|local|placeholder))$",
    re.IGNORECASE)
_KV_ID = re.compile(r"^[0-9a-f]{32}$")
_UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")


# Environments that by their name are not production: a dev-only credential is a warning.
_DEV_ENV = re.compile(r"^(?:dev|develop|development|local|test|testing|ci|sandbox)(?:[-_].*)?$")


def _dev_only(path: KeyPath) -> bool:
    """A var declared in a development environment's own section (worker env or
    [environments.<env>]), so no production script gets it from there."""
    return (len(path) >= 3 and path[-2] == "vars" and isinstance(path[-3], str)
            and _DEV_ENV.match(path[-3]) is not None
            and (path[:1] == ("environments",) or "env" in path))


def placeholder(value: object) -> bool:
    return isinstance(value, str) and _PLACEHOLDER.match(value) is not None


def vars_and_secrets(project: Project) -> Iterator[Issue]:
    reported: set[KeyPath] = set()
    secret_like: dict[str, bool] = {}  # by name: a fleet has a few dozen names, many times
    for worker in project.workers:
        for config in worker.configs:
            secrets = {s.name for s in config.secrets}
            for var in config.vars:
                if var.path in reported:
                    continue
                looks = secret_like.get(var.name)
                if looks is None:
                    looks = secret_like[var.name] = bool(_SECRET_NAME.search(var.name.upper()))
                if var.name in secrets:
                    reported.add(var.path)
                    yield Issue("CG209", var.path, f"{var.name!r} is both a var and a secret "
                                f"of worker {worker.name!r}")
                elif looks and var.value not in ("", None):
                    reported.add(var.path)
                    if placeholder(var.value):
                        yield Issue("CG256", var.path, f"var {var.name!r} looks like a secret "
                                    f"and holds the placeholder {var.value!r}; set the real "
                                    "value with `wrangler secret put` where it matters")
                    elif _dev_only(var.path):
                        yield Issue("CG256", var.path, f"var {var.name!r} looks like a secret; "
                                    f"it is set for the development environment "
                                    f"{var.path[-3]!r} only, so a dev value is fine there")
                    else:
                        yield Issue("CG210", var.path, f"var {var.name!r} looks like a secret "
                                    "but holds a literal value; list it under `secrets` and set "
                                    "it with `wrangler secret put`")


def crons(project: Project) -> Iterator[Issue]:
    checked: set[KeyPath] = set()  # one path is one expression, inherited by many sections
    for worker in project.workers:
        for config in worker.configs:
            for expression, path in config.crons:
                if path in checked:
                    continue
                checked.add(path)
                problem = cron_problem(expression)
                if problem:
                    shown = expression if len(expression) <= 40 else expression[:37] + "..."
                    yield Issue("CG211", path, f"cron {shown!r}: {problem}")


def placeholder_ids(project: Project) -> Iterator[Issue]:
    reported: set[KeyPath] = set()
    # ids already seen to have their shape: a shared resource's id is bound many times
    good_kv: set[str] = set()
    good_d1: set[str] = set()
    for worker in project.workers:
        for config in worker.configs:
            ids = [("kv", "KV", k.resource, k.path, key, value, _KV_ID, "32 hex digits", good_kv)
                   for k in config.kv_namespaces
                   for key, value in (("id", k.id), ("preview_id", k.preview_id))
                   if value is not None and value not in good_kv]
            ids += [("d1", "D1", d.resource, d.path, "database_id", d.database_id, _UUID,
                     "a uuid", good_d1) for d in config.d1_databases
                    if d.database_id is not None and d.database_id not in good_d1]
            for kind, what, resource, path, key, value, shape, expected, good in ids:
                if shape.match(value):
                    good.add(value)
                    continue
                where = ("resources", kind, resource, key) if resource else path + (key,)
                if where not in reported:
                    reported.add(where)
                    yield Issue("CG255", where, f"{what} {key} {value!r} is not {expected}: "
                                "a placeholder or local id, which a deploy rejects")


RULES = (vars_and_secrets, crons, placeholder_ids)

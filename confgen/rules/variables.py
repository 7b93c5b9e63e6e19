"""Vars, secrets and crons."""

from __future__ import annotations

import re
from collections.abc import Iterator

from confgen.cron import cron_problem
from confgen.diagnostics import Issue, KeyPath
from confgen.model import Project

SECRET_WORDS = ("PASSWORD", "SECRET", "TOKEN", "PRIVATE_KEY", "API_KEY", "CREDENTIAL")
_SECRET_NAME = re.compile("|".join(SECRET_WORDS))


def vars_and_secrets(project: Project) -> Iterator[Issue]:
    reported: set[KeyPath] = set()
    for worker in project.workers:
        for config in worker.configs:
            secrets = {s.name: s for s in config.secrets}
            for var in config.vars:
                if var.path in reported:
                    continue
                if var.name in secrets:
                    reported.add(var.path)
                    yield Issue("CG209", var.path, f"{var.name!r} is both a var and a secret "
                                f"of worker {worker.name!r}")
                elif _SECRET_NAME.search(var.name.upper()) and var.value not in ("", None):
                    reported.add(var.path)
                    yield Issue("CG210", var.path, f"var {var.name!r} looks like a secret but "
                                "holds a literal value; list it under `secrets` and set it with "
                                "`wrangler secret put`")


def crons(project: Project) -> Iterator[Issue]:
    reported: set[KeyPath] = set()
    for worker in project.workers:
        for config in worker.configs:
            for expression, path in config.crons:
                problem = cron_problem(expression)
                if problem and path not in reported:
                    reported.add(path)
                    shown = expression if len(expression) <= 40 else expression[:37] + "..."
                    yield Issue("CG211", path, f"cron {shown!r}: {problem}")


RULES = (vars_and_secrets, crons)

"""Import stage 3: wrangler files -> manifest data, with where each manifest key came from.

One worker per file, named by the file's top-level `name`. Every worker keeps its folder,
file name and format. The environments are the union of every file's `env` sections. Each
key is written once on the worker (its top-level value) and again in an environment only
where that environment means something else, following wrangler's inheritance
(`meaning.inherited`). Whatever the format cannot say is a CG504 naming the original key;
a worker that lacks some environment is a CG506 (the format gives every worker every one).
"""

from __future__ import annotations

import copy
import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from confgen.diagnostics import Diagnostic, KeyPath, format_path
from confgen.importer.bindings import RESOURCE_KINDS, Bindings, Ctx, Worker, same
from confgen.importer.meaning import IGNORED, environments, inherited
from confgen.importer.parse import Original
from confgen.model import MODELLED_KEYS, NAMESPACE
from confgen.schema import schema

# Modelled keys wrangler inherits into environments: written on the worker, and in an
# environment only where it differs.
SETTINGS = ("main", "compatibility_date", "compatibility_flags", "workers_dev",
            "observability", "routes", "triggers")
BINDING_LISTS = ("services", "kv_namespaces", "d1_databases", "r2_buckets", "queues",
                 "dispatch_namespaces", "tail_consumers")


def _pattern(definition: str) -> re.Pattern[str]:
    return re.compile(schema()["$defs"][definition]["pattern"])


@dataclass
class Draft:
    data: dict[str, Any]
    workers: dict[str, Original]  # manifest worker -> its original file
    origins: dict[KeyPath, tuple[str, KeyPath]] = field(default_factory=dict)
    comments: dict[KeyPath, list[str]] = field(default_factory=dict)  # above a table
    diagnostics: list[Diagnostic] = field(default_factory=list)
    missing_envs: dict[str, tuple[str, ...]] = field(default_factory=dict)


class _Structurer:
    def __init__(self, originals: list[Original], project_name: str) -> None:
        self.originals = originals
        self.project_name = project_name
        self.diagnostics: list[Diagnostic] = []
        self.origins: dict[KeyPath, tuple[str, KeyPath]] = {}
        self.comments: dict[KeyPath, list[str]] = {}

    def problem(self, original: Original, path: KeyPath, code: str, message: str) -> None:
        where = format_path(path) + ": " if path else ""
        self.diagnostics.append(Diagnostic(original.path, original.line(path), 1, code,
                                           where + message))

    # -- which files become workers, and their environments -------------------------------

    def choose_workers(self) -> dict[str, Original]:
        chosen: dict[str, Original] = {}
        name_ok = _pattern("name")
        for o in self.originals:
            name = o.data.get("name")
            if not isinstance(name, str):
                self.problem(o, (), "CG504", "no top-level `name`: a manifest worker is named "
                             "by it; not imported")
            elif not name_ok.match(name) or len(name) > 63:
                self.problem(o, ("name",), "CG504", f"{name!r} cannot be a manifest worker "
                             "name (lowercase letters, digits and dashes, at most 63); not "
                             "imported")
            elif name in chosen:
                self.problem(o, ("name",), "CG503", f"worker {name!r} is also configured by "
                             f"{chosen[name].path}; only that file is imported")
            else:
                chosen[name] = o
        return chosen

    def env_names(self, chosen: dict[str, Original]) -> tuple[str, ...]:
        env_ok = _pattern("envName")
        names: set[str] = set()
        for o in chosen.values():
            for env in environments(o.data):
                if env_ok.match(env) and len(env) <= 63:
                    names.add(env)
                else:
                    self.problem(o, ("env", env), "CG504", f"{env!r} cannot be a manifest "
                                 "environment name; this section is not imported")
        return tuple(sorted(names))

    # -- one worker -----------------------------------------------------------------------

    def worker(self, b: Bindings, w: Worker, all_envs: tuple[str, ...],
               namespaced: bool) -> dict[str, Any]:
        o = w.original
        top = {k: v for k, v in o.data.items() if k not in ("name", "env") and k not in IGNORED}
        table: dict[str, Any] = {}
        base: KeyPath = ("workers", w.name)
        for key, value in top.items():
            if key == "account_id":
                continue  # decided for the whole project (`account`)
            if key in MODELLED_KEYS and key not in (*SETTINGS, *BINDING_LISTS, "vars", "secrets"):
                self.problem(o, (key,), "CG504", f"the manifest format has no {key!r}; left out")
                continue
            if key in (*SETTINGS, *BINDING_LISTS, "vars", "secrets"):
                table[key] = self.value(b, w, None, key, value)
            else:
                table.setdefault("wrangler", {})[key] = value
                self.origins[base + ("wrangler", key)] = (o.path, (key,))
                continue
            self.origins[base + (key,)] = (o.path, (key,))
        for env in w.envs:
            if env not in all_envs:
                continue
            section = self.env_section(b, w, env, top, table, namespaced)
            if section:
                table.setdefault("env", {})[env] = section
        return table

    def value(self, b: Bindings, w: Worker, ctx: Ctx, key: str, value: Any) -> Any:
        if key in BINDING_LISTS:
            return b.entries(key, w, ctx, value)
        if key == "secrets":
            if isinstance(value, dict):
                for sub in value:
                    if sub != "required":
                        self.problem(w.original, w.where(ctx, "secrets", sub), "CG504",
                                     f"the manifest format has no secrets.{sub}; left out")
                return value.get("required", [])
            return value
        if key == "triggers" and isinstance(value, dict):
            for sub in value:
                if sub != "crons":
                    self.problem(w.original, w.where(ctx, "triggers", sub), "CG504",
                                 f"the manifest format has no triggers.{sub}; left out")
            return {k: v for k, v in value.items() if k == "crons"}
        return value

    def env_section(self, b: Bindings, w: Worker, env: str, top: dict[str, Any],
                    table: dict[str, Any], namespaced: bool) -> dict[str, Any]:
        o = w.original
        raw = o.data["env"][env]
        if not isinstance(raw, dict):
            return {}
        out: dict[str, Any] = {}
        where: KeyPath = ("workers", w.name, "env", env)
        name = raw.get("name")
        if name is not None and name != f"{w.name}-{env}" and not namespaced:
            out["name"] = name
            self.origins[where + ("name",)] = (o.path, ("env", env, "name"))
        elif name is not None and namespaced and name != w.name:
            self.problem(o, ("env", env, "name"), "CG504", "a namespaced worker keeps its "
                         "plain name in every environment; left out")
        for key in sorted((set(top) | set(raw)) - {"name", "env", "account_id", *IGNORED}):
            if key in MODELLED_KEYS and key not in (*SETTINGS, *BINDING_LISTS, "vars", "secrets"):
                if key in raw:
                    self.problem(o, ("env", env, key), "CG504",
                                 f"the manifest format has no {key!r}; left out")
                continue
            path = ("env", env, key) if key in raw else (key,)
            if key == "vars":
                own = self.env_vars(w, env, top.get("vars"), raw.get("vars"))
                if own:
                    out["vars"] = own
                    self.origins[where + ("vars",)] = (o.path, path)
                continue
            if key in SETTINGS or key in BINDING_LISTS or key == "secrets":
                if key not in raw and inherited(key):
                    continue
                mine = self.value(b, w, env, key, raw.get(key, [] if key != "queues" else {}))
                worker_queues = table.get("queues")
                if key == "queues" and isinstance(mine, dict) \
                        and isinstance(worker_queues, dict):
                    # the manifest merges tables into environments, wrangler does not
                    # inherit queues at all: say [] for every part the worker has
                    for part in worker_queues:
                        mine.setdefault(part, [])
                if not same(mine, table.get(key, [] if key != "queues" else {})):
                    out[key] = mine
                    self.origins[where + (key,)] = (o.path, path)
                continue
            self.passthrough(w, env, key, top, raw, out)
        return out

    def env_vars(self, w: Worker, env: str, top: Any, own: Any) -> dict[str, Any]:
        top = top if isinstance(top, dict) else {}
        own = own if isinstance(own, dict) else {}
        lacking = [name for name in top if name not in own]
        if lacking:
            path = ("env", env, "vars") if own else ("env", env)
            self.problem(w.original, path, "CG504", f"{env!r} does not set the top level's "
                         f"var(s) {', '.join(lacking)} (wrangler does not inherit vars), but "
                         "the manifest merges a worker's vars into every environment")
        return {k: v for k, v in own.items() if k not in top or not same(top[k], v)}

    def passthrough(self, w: Worker, env: str, key: str, top: dict[str, Any],
                    raw: dict[str, Any], out: dict[str, Any]) -> None:
        o = w.original
        where: KeyPath = ("workers", w.name, "env", env, "wrangler", key)
        if key in raw:
            if same(raw[key], top.get(key)):
                return  # inherited, or written again in every section by the manifest
            out.setdefault("wrangler", {})[key] = raw[key]
            self.origins[where] = (o.path, ("env", env, key))
            return
        if inherited(key):
            return  # wrangler inherits it, and so does the manifest
        empty: Any = [] if isinstance(top[key], list) else {}
        if not isinstance(top[key], (list, dict)):
            self.problem(o, (key,), "CG504", f"{env!r} does not set {key!r} and wrangler does "
                         "not inherit it, but the manifest cannot remove a value of this kind")
            return
        out.setdefault("wrangler", {})[key] = empty
        self.origins[where] = (o.path, ("env", env))
        self.comments.setdefault(("workers", w.name, "env", env), []).append(
            f"`{key} = {'[]' if empty == [] else '{}'}`: {env} has no {key} (wrangler does not "
            "inherit it from the top level)")

    # -- the whole project ----------------------------------------------------------------

    def namespaced(self, o: Original, envs: tuple[str, ...]) -> dict[str, str] | None:
        """{env: namespace} when the file is a namespaced worker as confgen writes one."""
        hints = dict(o.namespaces)
        name = o.data.get("name")
        if not envs or any(e not in hints for e in envs):
            return None
        if any(o.data["env"][e].get("name") != name for e in envs):
            return None
        return {e: hints[e] for e in envs}

    def account(self, chosen: dict[str, Original]) -> str | None:
        ids = [o.data.get("account_id") for o in chosen.values()]
        env_ids = [(o, e, s.get("account_id")) for o in chosen.values()
                   for e, s in (o.data.get("env") or {}).items()
                   if isinstance(s, dict) and "account_id" in s]
        common = ids[0] if ids and isinstance(ids[0], str) \
            and all(same(i, ids[0]) for i in ids) else None
        for o in chosen.values():
            if "account_id" in o.data and common is None:
                self.problem(o, ("account_id",), "CG504", "account_id differs between files "
                             "(or some have none); the manifest has one [project].account_id")
        for o, env, value in env_ids:
            if value != common:
                self.problem(o, ("env", env, "account_id"), "CG504", "an environment's own "
                             "account_id cannot be expressed (the manifest has one "
                             "[project].account_id); left out")
        return common if isinstance(common, str) else None

    def run(self) -> Draft:
        chosen = self.choose_workers()
        all_envs = self.env_names(chosen)
        namespaces: dict[str, str] = {}
        deploy: dict[str, bool] = {}
        workers: dict[str, Worker] = {}
        for name, o in chosen.items():
            envs = tuple(e for e in environments(o.data) if e in all_envs)
            ns = self.namespaced(o, tuple(all_envs)) if set(envs) == set(all_envs) else None
            deploy[name] = ns is not None
            for env, namespace in (ns or {}).items():
                if namespaces.setdefault(env, namespace) != namespace:
                    self.problem(o, ("env", env), "CG504", f"deployed into namespace "
                                 f"{namespace!r}, another worker into {namespaces[env]!r}; "
                                 "the manifest has one namespace per environment")
            scripts: dict[Ctx, str] = {None: name}
            for env in all_envs:
                own = o.data.get("env", {}).get(env, {}) if env in envs else {}
                explicit = own.get("name") if isinstance(own, dict) else None
                scripts[env] = name if deploy[name] else (explicit or f"{name}-{env}")
            workers[name] = Worker(name, o, envs, scripts)
        b = Bindings(workers, all_envs)
        b.plan()
        data: dict[str, Any] = {"project": {"name": self.project_name}}
        account = self.account(chosen)
        if account:
            data["project"]["account_id"] = account
        formats = Counter(o.format for o in chosen.values())
        project_format = formats.most_common(1)[0][0] if formats else "jsonc"
        if project_format != "jsonc":
            data["project"]["format"] = project_format
        if all_envs:
            data["environments"] = {e: ({"namespace": namespaces[e]} if e in namespaces else {})
                                    for e in all_envs}
        tables: dict[str, Any] = {}
        missing: dict[str, tuple[str, ...]] = {}
        for name in sorted(workers):
            w = workers[name]
            table = self.worker(b, w, all_envs, deploy[name])
            folder = w.original.folder
            head: dict[str, Any] = {}
            if folder != f"workers/{name}":
                head["path"] = folder
            if w.original.format != project_format:
                head["format"] = w.original.format
            if deploy[name]:
                head["deploy"] = NAMESPACE
            tables[name] = {**head, **table}
            self.comments[("workers", name)] = [f"from {w.original.path}",
                                                 *w.original.comments]
            lacking = tuple(e for e in all_envs if e not in w.envs)
            if lacking:
                missing[name] = lacking
                self.problem(w.original, (), "CG506", "has no section for "
                             f"{', '.join(lacking)}; the manifest gives every worker every "
                             "environment, so the generated file will have them")
        if b.external:
            data["project"]["external_services"] = sorted(b.external)
        if b.namespaces:
            data["dispatch_namespaces"] = b.namespaces
        if b.resources:
            data["resources"] = b.resources
        data["workers"] = tables
        self.origins.update(b.origins)
        # a deep copy: leaving keys out of the draft must never touch the originals' data
        return Draft(copy.deepcopy(data), chosen, self.origins, self.comments,
                     self.diagnostics + b.diagnostics, missing)


def structure(originals: list[Original], project_name: str) -> Draft:
    return _Structurer(originals, project_name).run()


def resource_keys() -> tuple[str, ...]:
    return tuple(RESOURCE_KINDS)

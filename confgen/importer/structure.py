"""Import stage 3: wrangler files -> manifest data, with where each manifest key came from.

One worker per file, named by the file's top-level `name`, keeping its folder, file name and
format. A worker's keys are its file's top level, every wrangler key written natively
(except a value more of the file's sections share: that one is the worker's, and the top level
says its own in `top`); it takes part in the environments its file has (`environments`, left
out when that is every one). An `env.<env>` section says only what the manifest's layering would not give: a key
whose value differs from the worker's (for a table, only the sub-keys that differ), and
`unset` for what wrangler does not carry into that environment (a key it does not inherit
that the environment lacks, a var or table sub-key the environment's own table lacks).
Inheritance is wrangler's own (`confgen.surface`). Whatever the format cannot say is a CG504
naming the original key.
"""

from __future__ import annotations

import copy
import json
import re
from collections import Counter
from typing import Any

from confgen.diagnostics import Diagnostic, KeyPath, format_path
from confgen.importer.bindings import Bindings, Ctx, Worker, same
from confgen.importer.meaning import IGNORED, environments, inherited, known
from confgen.importer.parse import Original
from confgen.model import NAMESPACE
from confgen.record import field, record
from confgen.schema import schema

_UNSET_NAME = re.compile(r"^[A-Za-z0-9_-]+\Z")
# Keys whose environment value the manifest reads from the environment's own section only
# (else the top level's): never moved from the top level to the worker.
_OWN_PRESENCE = frozenset({"name", "routes", "route", "triggers"})


def _script_refs(value: Any) -> set[str]:
    """Every `service` and `script_name` string in a file (the scripts its bindings name)."""
    if isinstance(value, dict):
        found = {v for k, v in value.items() if k in ("service", "script_name")
                 and isinstance(v, str)}
        return found.union(*(_script_refs(v) for v in value.values()))
    if isinstance(value, list):
        return set().union(*(_script_refs(v) for v in value))
    return set()


def _key_json(value: Any) -> str:
    return json.dumps(value, sort_keys=True, default=repr)


def _pattern(definition: str) -> re.Pattern[str]:
    return re.compile(schema()["$defs"][definition]["pattern"])


@record(frozen=False)
class Draft:
    data: dict[str, Any]
    workers: dict[str, Original]  # manifest worker -> its original file
    origins: dict[KeyPath, tuple[str, KeyPath]] = field(default_factory=dict)
    comments: dict[KeyPath, list[str]] = field(default_factory=dict)  # above a table
    diagnostics: list[Diagnostic] = field(default_factory=list)
    # manifest key -> rule codes its line switches off (`# confgen: ignore[...]`)
    suppressed: dict[KeyPath, set[str]] = field(default_factory=dict)


class _Structurer:
    def __init__(self, originals: list[Original], project_name: str) -> None:
        self.originals = originals
        self.project_name = project_name
        self.diagnostics: list[Diagnostic] = []
        self.origins: dict[KeyPath, tuple[str, KeyPath]] = {}
        self.comments: dict[KeyPath, list[str]] = {}
        self.scripts: dict[str, str | None] = {}  # manifest key -> top-level script name

    def problem(self, original: Original, path: KeyPath, code: str, message: str) -> None:
        where = format_path(path) + ": " if path else ""
        self.diagnostics.append(Diagnostic(original.path, original.line(path), 1, code,
                                           where + message))

    # -- which files become workers, and their environments -------------------------------

    def choose_workers(self) -> dict[str, Original]:
        """Manifest key -> file. A file's key is its top-level `name`; a file whose name an
        earlier file already took, or that has none, gets a key from its folder (and says its
        script name, or that it has none, in `name`: self.scripts)."""
        chosen: dict[str, Original] = {}
        name_ok = _pattern("scriptName")
        valid = [o.data.get("name") for o in self.originals]
        taken = {n for n in valid if isinstance(n, str) and name_ok.match(n) and len(n) <= 63}
        for o in self.originals:  # a key never takes a name a binding uses for a script
            taken.update(_script_refs(o.data))
        for o in self.originals:
            name = o.data.get("name")
            if name is None:
                key = self.folder_key(o, taken)
                self.problem(o, (), "CG509", f"no top-level `name`: imported as worker "
                             f"{key!r} with `name = false`")
                self.scripts[key] = None
            elif not isinstance(name, str) or not name_ok.match(name) or len(name) > 63:
                self.problem(o, ("name",), "CG504", f"{name!r} cannot be a script name in the "
                             "manifest (wrangler's script names: lowercase letters, digits, "
                             "`-` and `_`, at most 63); not imported")
                continue
            elif name in chosen:
                key = self.folder_key(o, taken)
                self.problem(o, ("name",), "CG503", f"script {name!r} is also configured by "
                             f"{chosen[name].path}: imported as worker {key!r} with "
                             f"`name = \"{name}\"` (CG257)")
                self.scripts[key] = name
            else:
                key = name
                self.scripts[key] = name
            taken.add(key)
            chosen[key] = o
        return chosen

    @staticmethod
    def folder_key(o: Original, taken: set[str]) -> str:
        """A manifest key from the file's folder: its last part, or as many more as make it
        unique (`starters-minimal`), else numbered; never a key or script name in use."""
        parts = [p for p in o.folder.split("/") if p not in ("", ".")]
        candidates = []
        for n in range(1, len(parts) + 1):
            slug = re.sub(r"[^a-z0-9_-]+", "-", "-".join(parts[-n:]).lower())
            slug = slug.strip("-")[:63].strip("-")
            if slug and slug not in candidates:
                candidates.append(slug)
        candidates = candidates or ["worker"]  # the imported folder itself
        for slug in candidates:
            if slug not in taken:
                return slug
        base = candidates[-1][:59]
        return next(f"{base}-{i}" for i in range(2, len(taken) + 3)
                    if f"{base}-{i}" not in taken)

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

    def section(self, b: Bindings, w: Worker, ctx: Ctx) -> dict[str, Any]:
        """A section's keys as the manifest writes them (references, shared resources)."""
        raw = w.section(ctx)
        out: dict[str, Any] = {}
        for key, value in raw.items():
            if key in ("name", "env") or key in IGNORED:
                continue
            if not known(key):
                self.problem(w.original, w.where(ctx, key), "CG508", f"{key!r} is not a key of "
                             "wrangler's schema: wrangler ignores it (\"Unexpected fields\"), "
                             "so the manifest leaves it out")
                continue
            if key == "secrets" and isinstance(value, dict) and set(value) <= {"required"}:
                value = value.get("required", [])  # the manifest lists secret names only
            out[key] = b.value(key, w, ctx, value)
        return out

    def worker(self, b: Bindings, w: Worker, account: str | None,
               namespaced: bool) -> dict[str, Any]:
        o = w.original
        top = self.section(b, w, None)
        if account is not None:
            top.pop("account_id", None)
        envs = {env: self.env_meaning(b, w, env, top) for env in w.envs}
        table = dict(top)
        for key, value in self.shared_by_environments(top, envs).items():
            table[key] = value
        base: KeyPath = ("workers", w.name)
        for key in table:
            self.origins[base + (key,)] = (o.path, (key,))
        own = self.diff(o, (), base + ("top",), top, table)
        for env in w.envs:
            section: dict[str, Any] = {}
            name = w.section(env).get("name")
            script = self.scripts[w.name]
            default = f"{script}-{env}" if script is not None else None
            if name is not None and not namespaced and name != default:
                section["name"] = name
                self.origins[base + ("env", env, "name")] = (o.path, ("env", env, "name"))
            section.update(self.diff(o, ("env", env), base + ("env", env), envs[env], table))
            if "unset" in section:
                self.comments[base + ("env", env)] = [
                    f"unset: what {env} does not have of the worker's values",
                    "(wrangler does not carry these keys into an environment)"]
            if section:
                table.setdefault("env", {})[env] = section
        if own:
            table["top"] = own
        return table

    def env_meaning(self, b: Bindings, w: Worker, env: str,
                    top: dict[str, Any]) -> dict[str, Any]:
        """What an environment has, as the manifest writes it: its own keys, and the top
        level's for the keys wrangler inherits and it does not set."""
        mine = self.section(b, w, env)
        return {**{k: v for k, v in top.items() if k not in mine and inherited(k)}, **mine}

    @staticmethod
    def shared_by_environments(top: dict[str, Any],
                               envs: dict[str, dict[str, Any]]) -> dict[str, Any]:
        """Values that more of the file's sections share than have the top level's: they
        go on the worker (once), and the top level says its own in `top`."""
        out: dict[str, Any] = {}
        keys = {k for m in envs.values() for k in m} - _OWN_PRESENCE
        for key in sorted(keys):
            counts = Counter(_key_json(m[key]) for m in envs.values() if key in m)
            if not counts:
                continue
            best, n = counts.most_common(1)[0]
            mine = _key_json(top[key]) if key in top else None
            if best == mine or n < 2:
                continue
            keeps = 1 + sum(1 for m in envs.values() if key in m and _key_json(m[key]) == mine) \
                if mine is not None else 1 + sum(1 for m in envs.values() if key not in m)
            if n > keeps:
                out[key] = next(m[key] for m in envs.values()
                                if key in m and _key_json(m[key]) == best)
        return out

    def diff(self, o: Original, at: KeyPath, where: KeyPath, mine: dict[str, Any],
             below: dict[str, Any]) -> dict[str, Any]:
        """A section that makes `below` (the worker's keys) mean `mine`: the keys whose value
        differs (for a table, only the sub-keys that differ, since the manifest merges tables
        one level deep and wrangler replaces them whole), and `unset` for what `mine` lacks."""
        out: dict[str, Any] = {}
        unset: list[str] = []
        for key in sorted(set(below) | set(mine)):
            if key == "env":
                continue
            if key not in mine:
                unset.append(key)  # wrangler does not carry it here
                continue
            value, under = mine[key], below.get(key)
            if key in below and same(value, under):
                continue
            self.origins[where + (key,)] = (o.path, at + (key,))
            if isinstance(value, dict) and isinstance(under, dict):
                changed = {k: v for k, v in value.items() if k not in under
                           or not same(under[k], v)}
                gone = [k for k in under if k not in value]
                for sub in gone:
                    if _UNSET_NAME.match(sub):
                        unset.append(f"{key}.{sub}")
                    else:
                        self.problem(o, at + (key,), "CG504", f"lacks {key}.{sub}, which the "
                                     "manifest can only remove with `unset` (letters, "
                                     "digits, `-` and `_`); it stays")
                if changed or not gone:
                    out[key] = changed
                continue
            out[key] = value
        if unset:
            out["unset"] = sorted(unset)
            self.origins[where + ("unset",)] = (o.path, at)
        return out

    # -- the whole project ----------------------------------------------------------------

    def namespaced(self, o: Original, envs: tuple[str, ...], key: str) -> dict[str, str] | None:
        """{env: namespace} when the file is a namespaced worker as confgen writes one (its
        script is its key in every environment)."""
        hints = dict(o.namespaces)
        name = o.data.get("name")
        if name != key or not envs or any(e not in hints for e in envs):
            return None
        if any(o.data["env"][e].get("name") != name for e in envs):
            return None
        return {e: hints[e] for e in envs}

    @staticmethod
    def account(chosen: dict[str, Original]) -> str | None:
        """[project].account_id, when every file's top level names the same account."""
        ids = [o.data.get("account_id") for o in chosen.values()]
        if ids and isinstance(ids[0], str) and all(same(i, ids[0]) for i in ids):
            return ids[0]
        return None

    def run(self) -> Draft:
        chosen = self.choose_workers()
        all_envs = self.env_names(chosen)
        namespaces: dict[str, str] = {}
        deploy: dict[str, bool] = {}
        workers: dict[str, Worker] = {}
        for name, o in chosen.items():
            envs = tuple(e for e in environments(o.data) if e in all_envs)
            ns = self.namespaced(o, envs, name) if envs else None
            for env, namespace in (ns or {}).items():
                if namespaces.setdefault(env, namespace) != namespace:
                    ns = None  # the manifest has one namespace per environment
            deploy[name] = ns is not None
            script = self.scripts[name]
            scripts: dict[Ctx, str] = {None: script} if script is not None else {}
            for env in all_envs:
                own = o.data["env"][env] if env in envs else {}
                explicit = own.get("name")
                if deploy[name] or not envs:
                    if script is not None:
                        scripts[env] = script  # one script answers in every environment
                elif env in envs and isinstance(explicit, str):
                    scripts[env] = explicit
                elif env in envs and script is not None:
                    scripts[env] = f"{script}-{env}"
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
        for name in sorted(workers):
            w = workers[name]
            table = self.worker(b, w, account, deploy[name])
            folder = w.original.folder
            head: dict[str, Any] = {}
            if self.scripts[name] != name:  # a shared script name, or none (`false`)
                head["name"] = self.scripts[name] or False
                self.origins[("workers", name, "name")] = (w.original.path, ("name",))
            if folder != f"workers/{name}":
                head["path"] = folder
            if w.original.format != project_format:
                head["format"] = w.original.format
            if deploy[name]:
                head["deploy"] = NAMESPACE
            if set(w.envs) != set(all_envs):
                head["environments"] = list(w.envs)
            tables[name] = {**head, **table}
            self.comments[("workers", name)] = [f"from {w.original.path}",
                                                 *w.original.comments]
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
                     self.diagnostics + b.diagnostics)


def structure(originals: list[Original], project_name: str) -> Draft:
    return _Structurer(originals, project_name).run()

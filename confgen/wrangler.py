"""Model -> the data of each worker's wrangler file (top level and every environment).

Only data here; templates/wrangler.*.j2 turn it into text. Keys wrangler does
not inherit into `env.<name>` are written in full in every section, keys it
does inherit only where an environment changes them.
"""

from __future__ import annotations

from typing import Any

from confgen.model import NAMESPACE, NOT_INHERITED, Config, Project, Route, Worker
from confgen.record import record

_BLOCK_TABLES = frozenset({"vars"})
# Written in every environment (wrangler does not inherit them), in this order.
_BINDING_KEYS = ("services", "kv_namespaces", "d1_databases", "r2_buckets", "queues",
                 "dispatch_namespaces", "vars", "secrets", "tail_consumers")


@record
class Section:
    env: str | None
    comment: str
    entries: tuple[tuple[str, Any], ...]

    def as_dict(self) -> dict[str, Any]:
        return dict(self.entries)

    @property
    def tables(self) -> tuple[tuple[str, Any], ...]:
        """Entries a TOML file writes as `[table]` blocks (after every inline key)."""
        return tuple((k, v) for k, v in self.entries if k in _BLOCK_TABLES)

    @property
    def inline(self) -> tuple[tuple[str, Any], ...]:
        return tuple((k, v) for k, v in self.entries if k not in _BLOCK_TABLES)


@record
class WranglerFile:
    worker: Worker
    path: str
    format: str
    top: Section
    envs: tuple[Section, ...]

    def data(self) -> dict[str, Any]:
        """What the file must parse back to."""
        out = self.top.as_dict()
        if self.envs:
            out["env"] = {s.env: s.as_dict() for s in self.envs}
        return out


def _given(entry: dict[str, Any]) -> dict[str, Any]:
    """An entry without the ids it lacks (wrangler creates such resources on deploy)."""
    return {k: v for k, v in entry.items() if v is not None}


def _bindings(config: Config) -> dict[str, Any]:
    out: dict[str, Any] = {}
    out["services"] = [
        {"binding": s.binding, "service": s.script,
         **({"entrypoint": s.entrypoint} if s.entrypoint else {}), **dict(s.extra)}
        for s in config.services]
    out["kv_namespaces"] = [
        _given({"binding": k.binding, "id": k.id, "preview_id": k.preview_id, **dict(k.extra)})
        for k in config.kv_namespaces]
    out["d1_databases"] = [
        _given({"binding": d.binding, "database_name": d.database_name,
                "database_id": d.database_id, **dict(d.extra)})
        for d in config.d1_databases]
    out["r2_buckets"] = [_given({"binding": r.binding, "bucket_name": r.bucket_name,
                                 **dict(r.extra)})
                         for r in config.r2_buckets]
    queues: dict[str, Any] = {}
    if config.producers:
        queues["producers"] = [{"binding": p.binding, "queue": p.queue, **dict(p.extra)}
                               for p in config.producers]
    if config.consumers:
        queues["consumers"] = [{"queue": c.queue, **dict(c.settings)} for c in config.consumers]
    out["queues"] = queues
    out["dispatch_namespaces"] = [
        {"binding": d.binding, "namespace": d.namespace,
         **({"outbound": d.outbound} if d.outbound is not None else {}), **dict(d.extra)}
        for d in config.dispatch_namespaces]
    out["vars"] = {v.name: v.value for v in config.vars}
    out["secrets"] = {"required": [s.name for s in config.secrets]} if config.secrets else {}
    out["tail_consumers"] = [{"service": t.script, **dict(t.extra)}
                             for t in config.tail_consumers]
    return out


def _route(r: Route) -> Any:
    if r.zone_name is None and r.zone_id is None and not r.custom_domain:
        return r.pattern
    entry: dict[str, Any] = {"pattern": r.pattern}
    if r.custom_domain:
        entry["custom_domain"] = True
    if r.zone_name is not None:
        entry["zone_name"] = r.zone_name
    if r.zone_id is not None:
        entry["zone_id"] = r.zone_id
    return entry


def _routes(config: Config) -> list[Any]:
    return [_route(r) for r in config.routes if not r.singular]


def _singular(config: Config) -> Any:
    return next((_route(r) for r in config.routes if r.singular), None)


def _inherited(config: Config) -> dict[str, Any]:
    """Keys wrangler inherits into environments."""
    out: dict[str, Any] = {
        "main": config.main,
        "compatibility_date": config.compatibility_date,
        "compatibility_flags": list(config.compatibility_flags),
        "routes": _routes(config),
        "route": _singular(config),
        "triggers": {"crons": [c for c, _ in config.crons]} if config.crons else None,
    }
    return out


def _ordered(values: dict[str, Any], copied: dict[str, Any]) -> dict[str, Any]:
    """name, account_id, main and the dates first; then the other inherited keys; then
    routes, triggers and bindings; wrangler's keys that are not inherited last."""
    head = ("name", "account_id", "main", "compatibility_date", "compatibility_flags")
    out = {k: values.get(k, copied.get(k)) for k in head if k in values or k in copied}
    out.update((k, v) for k, v in copied.items() if k not in NOT_INHERITED and k not in out)
    out.update((k, v) for k, v in values.items() if k not in out)
    out.update((k, v) for k, v in copied.items() if k not in out)
    return out


def _entries(values: dict[str, Any], given: dict[str, Any]) -> tuple[tuple[str, Any], ...]:
    """Set values; a wrangler key the manifest gives empty (`assets = {}`) is kept as given."""
    return tuple((k, v) for k, v in values.items()
                 if v is not None and (v not in ([], {}) or k in given))


def _top(project: Project, worker: Worker) -> Section:
    c = worker.top
    values: dict[str, Any] = {"name": c.name}  # None (`name = false`): left out
    values.update(_inherited(c))
    values.update(_bindings(c))
    return Section(None, "", _entries(_ordered(values, dict(c.wrangler)), dict(c.wrangler)))  # the templates comment env sections only


def _env(project: Project, worker: Worker, config: Config, top_inherited: dict[str, Any],
         top_bindings: dict[str, Any]) -> Section:
    """An env section: what differs from the top level (`top_*`, computed once per file)."""
    values: dict[str, Any] = {}
    if config.name_explicit and config.name is not None:
        values["name"] = config.name
    for key, value in _inherited(config).items():
        if value != top_inherited[key]:
            if key in ("routes", "route") and not config.routes_own:
                continue
            values[key] = value
    for key, value in _bindings(config).items():
        if value or top_bindings[key]:
            values[key] = value
    if config.crons_own and not config.crons and worker.top.crons:
        values["triggers"] = {"crons": []}  # an explicit empty list stops inheritance
    values = _ordered(values, dict(config.wrangler))
    env = config.env or ""
    if worker.deploy == NAMESPACE:
        namespace = next((e.namespace for e in project.environments if e.name == env), None)
        comment = (f"{env}: script {config.name!r}, deploy with "
                   f"`wrangler deploy -e {env} --dispatch-namespace {namespace}`")
    elif config.name is None:
        comment = f"{env}: no script name (not deployable)"
    else:
        comment = f"{env}: script {config.name!r}"
    kept = tuple((k, v) for k, v in values.items()
                 if v is not None and (v not in ([], {}) or top_bindings.get(k)
                                       or k == "routes"))
    return Section(env, comment, kept)


def wrangler_file(project: Project, worker: Worker) -> WranglerFile:
    top_inherited, top_bindings = _inherited(worker.top), _bindings(worker.top)
    return WranglerFile(worker, worker.output, worker.format, _top(project, worker),
                        tuple(_env(project, worker, c, top_inherited, top_bindings)
                              for c in worker.envs))


def wrangler_files(project: Project) -> tuple[WranglerFile, ...]:
    return tuple(wrangler_file(project, w) for w in project.workers)

"""Stage 3 (builder), one entry at a time: a binding, route or secret list as written in the
manifest -> its model object.

A fleet's sections share most of their entries: each environment inherits the worker's
`secrets` and `d1_databases`, every section binds the same tail consumer, a resource
without per-environment values resolves alike everywhere. Each object is made once per
distinct (entry, where, what the environment changes in it) and the sections that have
it share it, which saves the time and the memory of thousands of equal copies.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, TypeVar

from confgen.diagnostics import KeyPath
from confgen.layering import extra
from confgen.model import D1, R2, Consumer, Dispatch, Kv, Producer, Route, Service, Tail, Var

T = TypeVar("T")


class Entries:
    def __init__(self, resources: Mapping[str, Any], namespaces: Mapping[str, Any]) -> None:
        self.resources = resources
        self.namespaces = namespaces
        self.merged: dict[tuple[str, str, str | None], Mapping[str, Any]] = {}
        # key -> (the entry as written, the object). The key holds the entry's id(); the
        # entry is kept here, so no other object can take that id while the key exists.
        self.made: dict[tuple[Any, ...], tuple[object, Any]] = {}

    def once(self, key: tuple[Any, ...], entry: object, make: Callable[[], T]) -> T:
        found = self.made.get(key)
        if found is None:
            found = self.made[key] = (entry, make())
        made: T = found[1]
        return made

    def resource(self, kind: str, rid: str | None, env: str | None) -> Mapping[str, Any]:
        """A declared resource's keys in `env` (read only: shared by every binding to it;
        one object for every environment that changes nothing in it)."""
        if rid is None:
            return {}
        key = (kind, rid, env)
        found = self.merged.get(key)
        if found is None:
            base: Mapping[str, Any] = self.resources.get(kind, {}).get(rid, {})
            over: Mapping[str, Any] = base.get("env", {}).get(env, {}) if env else {}
            found = self.merged[key] = {**base, **over} if over else base
        return found

    def service(self, path: KeyPath, s: Mapping[str, Any], script: str) -> Service:
        return self.once(("service", id(s), path, script), s, lambda: Service(
            s["binding"], s["service"], script, s.get("entrypoint"), path,
            extra(s, "binding", "service", "entrypoint")))

    def tail(self, path: KeyPath, t: Mapping[str, Any], script: str) -> Tail:
        return self.once(("tail", id(t), path, script), t, lambda: Tail(
            t["service"], script, path, extra(t, "service")))

    def _found(self, kind: str, entry: Mapping[str, Any], env: str | None
               ) -> tuple[str | None, Mapping[str, Any]]:
        rid = entry.get("resource")
        return rid, (self.resource(kind, rid, env) if rid else entry)

    def kv(self, path: KeyPath, entry: Mapping[str, Any], env: str | None) -> Kv:
        rid, found = self._found("kv", entry, env)
        return self.once(("kv", id(entry), path, id(found)), entry, lambda: Kv(
            entry.get("binding", found.get("binding")), found.get("id"),
            found.get("preview_id"), rid, path, extra(entry, "binding", "id", "preview_id")))

    def d1(self, path: KeyPath, entry: Mapping[str, Any], env: str | None) -> D1:
        rid, found = self._found("d1", entry, env)
        return self.once(("d1", id(entry), path, id(found)), entry, lambda: D1(
            entry.get("binding", found.get("binding")), found.get("database_name"),
            found.get("database_id"), rid, path,
            extra(entry, "binding", "database_name", "database_id")))

    def r2(self, path: KeyPath, entry: Mapping[str, Any], env: str | None) -> R2:
        rid, found = self._found("r2", entry, env)
        return self.once(("r2", id(entry), path, id(found)), entry, lambda: R2(
            entry.get("binding", found.get("binding")), found.get("bucket_name"), rid, path,
            extra(entry, "binding", "bucket_name")))

    def producer(self, path: KeyPath, entry: Mapping[str, Any], env: str | None) -> Producer:
        rid, found = self._found("queues", entry, env)
        return self.once(("producer", id(entry), path, id(found)), entry, lambda: Producer(
            entry.get("binding", found.get("binding")), found.get("queue"), rid, path,
            extra(entry, "binding", "queue")))

    def consumer(self, path: KeyPath, entry: Mapping[str, Any], env: str | None) -> Consumer:
        rid, found = self._found("queues", entry, env)
        return self.once(("consumer", id(entry), path, id(found)), entry, lambda: Consumer(
            found.get("queue"), rid,
            tuple(sorted((k, v) for k, v in entry.items() if k not in ("resource", "queue"))),
            path))

    def dispatch(self, path: KeyPath, entry: Mapping[str, Any], env: str | None
                 ) -> Dispatch | None:
        ref = entry["namespace"]
        declared = self.namespaces.get(ref)
        if declared is None:
            real = ref
        elif isinstance(names := declared["namespace"], dict):
            real = names.get(env) if env is not None else names.get("default")
            if real is None:
                return None  # top level without `default`, or an env the table misses (CG212)
        else:
            real = names
        binding = entry.get("binding", declared.get("binding") if declared else None)
        return self.once(("dispatch", id(entry), path, real), entry, lambda: Dispatch(
            binding, real, ref, entry.get("outbound"), path,
            extra(entry, "binding", "namespace", "outbound")))

    def routes(self, value: Any, where: KeyPath) -> tuple[Route, ...]:
        """A `routes` list: strings, or tables with a `pattern`."""
        return self.once(("routes", id(value), where), value, lambda: tuple(
            self.route(where + (i,), r) for i, r in enumerate(value)))

    def route(self, path: KeyPath, entry: Any, singular: bool = False) -> Route:
        if isinstance(entry, str):
            return Route(entry, None, None, False, path, singular=singular)
        return Route(entry["pattern"], entry.get("zone_name"), entry.get("zone_id"),
                     bool(entry.get("custom_domain", False)), path, is_table=True,
                     singular=singular)

    def secrets(self, value: Any, where: KeyPath) -> tuple[Var, ...]:
        """`secrets`, in the manifest's order, as wrangler keeps `secrets.required`."""
        return self.once(("secrets", id(value), where), value, lambda: tuple(
            Var(s, None, where + (i,)) for i, s in enumerate(value)))

    def crons(self, value: Any, where: KeyPath) -> tuple[tuple[str, KeyPath], ...]:
        return self.once(("crons", id(value), where), value, lambda: tuple(
            (c, where + ("crons", i)) for i, c in enumerate(value)))

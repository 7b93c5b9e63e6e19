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
from confgen.layering import extra, known
from confgen.model import D1, R2, Consumer, Dispatch, Kv, Producer, Route, Service, Tail, Var

T = TypeVar("T")
# What each kind of entry reads itself; the rest is copied as given (layering.extra).
_SERVICE_READS = known("binding", "service", "entrypoint")
_TAIL_READS = known("service")
_KV_READS = known("binding", "id", "preview_id")
_D1_READS = known("binding", "database_name", "database_id")
_R2_READS = known("binding", "bucket_name")
_PRODUCER_READS = known("binding", "queue")
_DISPATCH_READS = known("binding", "namespace", "outbound")


Key = tuple[Any, ...]


class Entries:
    def __init__(self, resources: Mapping[str, Any], namespaces: Mapping[str, Any]) -> None:
        self.resources = resources
        self.namespaces = namespaces
        self.merged: dict[tuple[str, str, str | None], Mapping[str, Any]] = {}
        # Per kind: key -> (the entry as written, its object). A key holds the entry's id();
        # the entry is kept beside it, so no other object can take that id meanwhile.
        self.services: dict[Key, tuple[object, Service]] = {}
        self.tails: dict[Key, tuple[object, Tail]] = {}
        self.kvs: dict[Key, tuple[object, Kv]] = {}
        self.d1s: dict[Key, tuple[object, D1]] = {}
        self.r2s: dict[Key, tuple[object, R2]] = {}
        self.producers: dict[Key, tuple[object, Producer]] = {}
        self.consumers: dict[Key, tuple[object, Consumer]] = {}
        self.dispatches: dict[Key, tuple[object, Dispatch]] = {}
        self.lists: dict[Key, tuple[object, tuple[Any, ...]]] = {}

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
        key = (id(s), path, script)
        hit = self.services.get(key)
        if hit is not None:
            return hit[1]
        made = Service(s["binding"], s["service"], script, s.get("entrypoint"), path,
                       extra(s, _SERVICE_READS))
        self.services[key] = (s, made)
        return made

    def tail(self, path: KeyPath, t: Mapping[str, Any], script: str) -> Tail:
        key = (id(t), path, script)
        hit = self.tails.get(key)
        if hit is not None:
            return hit[1]
        made = Tail(t["service"], script, path, extra(t, _TAIL_READS))
        self.tails[key] = (t, made)
        return made

    def kv(self, path: KeyPath, entry: Mapping[str, Any], env: str | None) -> Kv:
        rid = entry.get("resource")
        found = self.resource("kv", rid, env) if rid else entry
        key = (id(entry), path, id(found))
        hit = self.kvs.get(key)
        if hit is not None:
            return hit[1]
        made = Kv(entry.get("binding", found.get("binding")), found.get("id"),
                  found.get("preview_id"), rid, path, extra(entry, _KV_READS))
        self.kvs[key] = (entry, made)
        return made

    def d1(self, path: KeyPath, entry: Mapping[str, Any], env: str | None) -> D1:
        rid = entry.get("resource")
        found = self.resource("d1", rid, env) if rid else entry
        key = (id(entry), path, id(found))
        hit = self.d1s.get(key)
        if hit is not None:
            return hit[1]
        made = D1(entry.get("binding", found.get("binding")), found.get("database_name"),
                  found.get("database_id"), rid, path,
                  extra(entry, _D1_READS))
        self.d1s[key] = (entry, made)
        return made

    def r2(self, path: KeyPath, entry: Mapping[str, Any], env: str | None) -> R2:
        rid = entry.get("resource")
        found = self.resource("r2", rid, env) if rid else entry
        key = (id(entry), path, id(found))
        hit = self.r2s.get(key)
        if hit is not None:
            return hit[1]
        made = R2(entry.get("binding", found.get("binding")), found.get("bucket_name"), rid,
                  path, extra(entry, _R2_READS))
        self.r2s[key] = (entry, made)
        return made

    def producer(self, path: KeyPath, entry: Mapping[str, Any], env: str | None) -> Producer:
        rid = entry.get("resource")
        found = self.resource("queues", rid, env) if rid else entry
        key = (id(entry), path, id(found))
        hit = self.producers.get(key)
        if hit is not None:
            return hit[1]
        made = Producer(entry.get("binding", found.get("binding")), found.get("queue"), rid,
                        path, extra(entry, _PRODUCER_READS))
        self.producers[key] = (entry, made)
        return made

    def consumer(self, path: KeyPath, entry: Mapping[str, Any], env: str | None) -> Consumer:
        rid = entry.get("resource")
        found = self.resource("queues", rid, env) if rid else entry
        key = (id(entry), path, id(found))
        hit = self.consumers.get(key)
        if hit is not None:
            return hit[1]
        made = Consumer(found.get("queue"), rid, tuple(sorted(
            (k, v) for k, v in entry.items() if k not in ("resource", "queue"))), path)
        self.consumers[key] = (entry, made)
        return made

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
        key = (id(entry), path, real)
        hit = self.dispatches.get(key)
        if hit is not None:
            return hit[1]
        made = Dispatch(entry.get("binding", declared.get("binding") if declared else None),
                        real, ref, entry.get("outbound"), path,
                        extra(entry, _DISPATCH_READS))
        self.dispatches[key] = (entry, made)
        return made

    def _list(self, what: str, value: Any, where: KeyPath,
              make: Callable[[], tuple[T, ...]]) -> tuple[T, ...]:
        key = (what, id(value), where)
        hit = self.lists.get(key)
        if hit is None:
            hit = self.lists[key] = (value, make())
        made: tuple[T, ...] = hit[1]
        return made

    def routes(self, value: Any, where: KeyPath) -> tuple[Route, ...]:
        """A `routes` list: strings, or tables with a `pattern`."""
        return self._list("routes", value, where, lambda: tuple(
            [self.route(where + (i,), r) for i, r in enumerate(value)]))

    @staticmethod
    def route(path: KeyPath, entry: Any, singular: bool = False) -> Route:
        if isinstance(entry, str):
            return Route(entry, None, None, False, path, singular=singular)
        return Route(entry["pattern"], entry.get("zone_name"), entry.get("zone_id"),
                     bool(entry.get("custom_domain", False)), path, is_table=True,
                     singular=singular)

    def secrets(self, value: Any, where: KeyPath) -> tuple[Var, ...]:
        """`secrets`, in the manifest's order, as wrangler keeps `secrets.required`."""
        return self._list("secrets", value, where, lambda: tuple(
            [Var(s, None, where + (i,)) for i, s in enumerate(value)]))

    def crons(self, value: Any, where: KeyPath) -> tuple[tuple[str, KeyPath], ...]:
        return self._list("crons", value, where, lambda: tuple(
            [(c, where + ("crons", i)) for i, c in enumerate(value)]))

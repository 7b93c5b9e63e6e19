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
Key = tuple[Any, ...]
# What each kind of entry reads itself; the rest is copied as given (layering.extra).
_SERVICE_READS = known("binding", "service", "entrypoint")
_TAIL_READS = known("service")
_DISPATCH_READS = known("binding", "namespace", "outbound")
_KV_READS = known("binding", "id", "preview_id")
_D1_READS = known("binding", "database_name", "database_id")
_R2_READS = known("binding", "bucket_name")
_PRODUCER_READS = known("binding", "queue")

# A binding that may name a declared resource, by its kind of entry: the [resources] kind
# and how its object is made from (the entry, the resource's keys or the entry itself,
# the resource's id, where).
Found = Mapping[str, Any]
_RESOURCE_BINDINGS: dict[str, tuple[str, Callable[[Found, Found, Any, KeyPath], Any]]] = {
    "kv": ("kv", lambda e, f, rid, path: Kv(
        e.get("binding", f.get("binding")), f.get("id"), f.get("preview_id"), rid, path,
        extra(e, _KV_READS))),
    "d1": ("d1", lambda e, f, rid, path: D1(
        e.get("binding", f.get("binding")), f.get("database_name"), f.get("database_id"),
        rid, path, extra(e, _D1_READS))),
    "r2": ("r2", lambda e, f, rid, path: R2(
        e.get("binding", f.get("binding")), f.get("bucket_name"), rid, path,
        extra(e, _R2_READS))),
    "producer": ("queues", lambda e, f, rid, path: Producer(
        e.get("binding", f.get("binding")), f.get("queue"), rid, path,
        extra(e, _PRODUCER_READS))),
    "consumer": ("queues", lambda e, f, rid, path: Consumer(
        f.get("queue"), rid, tuple(sorted(
            (k, v) for k, v in e.items() if k not in ("resource", "queue"))), path)),
}


class Entries:
    def __init__(self, resources: Mapping[str, Any], namespaces: Mapping[str, Any]) -> None:
        self.resources = resources
        self.namespaces = namespaces
        self.merged: dict[tuple[str, str, str | None], Mapping[str, Any]] = {}
        # (kind of entry, *key) -> (the entry as written, its object). A key holds the
        # entry's id(); the entry is kept beside it, so no other object can take that id
        # meanwhile.
        self.made: dict[Key, tuple[object, Any]] = {}

    def _once(self, key: Key, entry: object, make: Callable[[], T]) -> T:
        """The object made for `key`, made by `make` the first time it is asked for."""
        hit = self.made.get(key)
        if hit is None:
            hit = self.made[key] = (entry, make())
        made: T = hit[1]
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
        return self._once(("service", id(s), path, script), s, lambda: Service(
            s["binding"], s["service"], script, s.get("entrypoint"), path,
            extra(s, _SERVICE_READS)))

    def tail(self, path: KeyPath, t: Mapping[str, Any], script: str) -> Tail:
        return self._once(("tail", id(t), path, script), t, lambda: Tail(
            t["service"], script, path, extra(t, _TAIL_READS)))

    def _bound(self, what: str, path: KeyPath, entry: Mapping[str, Any],
               env: str | None) -> Any:
        """A binding of a kind in _RESOURCE_BINDINGS: its keys from the resource it names
        (in `env`), else from the entry itself."""
        kind, make = _RESOURCE_BINDINGS[what]
        rid = entry.get("resource")
        found = self.resource(kind, rid, env) if rid else entry
        key = (what, id(entry), path, id(found))
        hit = self.made.get(key)  # _once, without a closure per binding (the hot path)
        if hit is None:
            hit = self.made[key] = (entry, make(entry, found, rid, path))
        return hit[1]

    def kv(self, path: KeyPath, entry: Mapping[str, Any], env: str | None) -> Kv:
        made: Kv = self._bound("kv", path, entry, env)
        return made

    def d1(self, path: KeyPath, entry: Mapping[str, Any], env: str | None) -> D1:
        made: D1 = self._bound("d1", path, entry, env)
        return made

    def r2(self, path: KeyPath, entry: Mapping[str, Any], env: str | None) -> R2:
        made: R2 = self._bound("r2", path, entry, env)
        return made

    def producer(self, path: KeyPath, entry: Mapping[str, Any], env: str | None) -> Producer:
        made: Producer = self._bound("producer", path, entry, env)
        return made

    def consumer(self, path: KeyPath, entry: Mapping[str, Any], env: str | None) -> Consumer:
        made: Consumer = self._bound("consumer", path, entry, env)
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
        return self._once(("dispatch", id(entry), path, real), entry, lambda: Dispatch(
            entry.get("binding", declared.get("binding") if declared else None), real, ref,
            entry.get("outbound"), path, extra(entry, _DISPATCH_READS)))

    def _list(self, what: str, value: Any, where: KeyPath,
              make: Callable[[], tuple[T, ...]]) -> tuple[T, ...]:
        return self._once((what, id(value), where), value, make)

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

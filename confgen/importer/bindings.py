"""Import stage 3a: wrangler binding entries -> manifest entries, per worker and context.

A context is the top level (None) or an environment. Bindings that name the same resource in
every context by several workers become one shared `[resources.<kind>.<id>]` (KV, D1, R2);
every dispatch namespace binding becomes a `[dispatch_namespaces.<id>]`; a service or tail
consumer that names a worker of the import (`api` at the top level, `api-staging` in staging)
becomes a reference to it, any other name an external service. Sub-keys the manifest format
does not have are reported (CG504) and left out; which sub-keys it has is read from confgen's
own schema, never listed here.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from confgen.diagnostics import Diagnostic, KeyPath
from confgen.importer.parse import Original
from confgen.schema import schema

Ctx = str | None
# wrangler key -> (resource kind, schema definition of an entry, fields that identify it)
RESOURCE_KINDS = {
    "kv_namespaces": ("kv", "kv", ("id", "preview_id")),
    "d1_databases": ("d1", "d1", ("database_name", "database_id")),
    "r2_buckets": ("r2", "r2", ("bucket_name",)),
}
REFERENCE_KINDS = {"services": "service", "tail_consumers": "tailConsumer"}


def _json(value: Any) -> str:
    try:
        return json.dumps(value, sort_keys=True, default=repr)
    except TypeError:  # keys of mixed types cannot be sorted
        return json.dumps(value, default=repr)


def same(a: Any, b: Any) -> bool:
    """Equal as wrangler sees values: JSON-equal, so `1`, `1.0` and `true` differ."""
    return _json(a) == _json(b)


def allowed(definition: str) -> frozenset[str]:
    """The sub-keys an entry of `$defs.<definition>` may have, from confgen's schema."""
    props: dict[str, Any] = schema()["$defs"][definition]["properties"]
    return frozenset(props) - {"resource"}


def slug(text: str, taken: Iterable[str]) -> str:
    """A manifest id from a name: lowercase letters, digits and dashes, unique."""
    base = re.sub(r"[^a-z0-9-]+", "-", text.lower()).strip("-") or "x"
    out, n = base, 2
    taken = set(taken)
    while out in taken:
        out, n = f"{base}-{n}", n + 1
    return out


@dataclass
class Worker:
    """What the binding mapping needs to know about one imported worker."""

    name: str
    original: Original
    envs: tuple[str, ...]  # the environments its file declares
    scripts: dict[Ctx, str]  # its script name per context (every manifest environment)

    def section(self, ctx: Ctx) -> dict[str, Any]:
        data = self.original.data
        return data if ctx is None else data["env"][ctx]

    def where(self, ctx: Ctx, *path: str | int) -> KeyPath:
        return path if ctx is None else ("env", ctx, *path)


@dataclass
class Bindings:
    workers: dict[str, Worker]
    env_names: tuple[str, ...]
    resources: dict[str, dict[str, Any]] = field(default_factory=dict)  # kind -> id -> decl
    namespaces: dict[str, dict[str, Any]] = field(default_factory=dict)
    external: set[str] = field(default_factory=set)
    diagnostics: list[Diagnostic] = field(default_factory=list)
    origins: dict[KeyPath, tuple[str, KeyPath]] = field(default_factory=dict)
    _shared: dict[tuple[str, str, str], tuple[str, bool]] = field(default_factory=dict)
    _dispatch: dict[tuple[str, str], str] = field(default_factory=dict)
    _reported: set[tuple[str, KeyPath]] = field(default_factory=set)

    # -- profiles: what one (worker, binding) names in every context -----------------------

    def _profiles(self, key: str, fields: tuple[str, ...]) -> dict[tuple[str, str], dict[Ctx, Any]]:
        out: dict[tuple[str, str], dict[Ctx, Any]] = {}
        for w in self.workers.values():
            for ctx in (None, *w.envs):
                entries = w.section(ctx).get(key) or []
                for entry in entries if isinstance(entries, list) else []:
                    if isinstance(entry, dict) and isinstance(entry.get("binding"), str):
                        value = tuple(entry.get(f) for f in fields) if len(fields) > 1 \
                            else entry.get(fields[0])
                        out.setdefault((w.name, entry["binding"]), {})[ctx] = value
        return out

    @staticmethod
    def _signature(profile: dict[Ctx, Any]) -> str:
        return json.dumps(sorted(([c or "", v] for c, v in profile.items()),
                                 key=lambda cv: str(cv[0])), default=repr)

    def plan(self) -> None:
        """Decide the shared resources and the dispatch namespaces, before any mapping."""
        for key, (kind, _, fields) in RESOURCE_KINDS.items():
            groups: dict[str, list[tuple[str, str, dict[Ctx, Any]]]] = {}
            for (worker, binding), profile in self._profiles(key, fields).items():
                groups.setdefault(self._signature(profile), []).append((worker, binding, profile))
            for users in groups.values():
                if len({u[0] for u in users}) < 2:
                    continue
                self._declare_resource(kind, fields, users)
        groups_ns: dict[tuple[str, str], list[tuple[str, dict[Ctx, Any]]]] = {}
        for (worker, binding), profile in self._profiles("dispatch_namespaces",
                                                         ("namespace",)).items():
            groups_ns.setdefault((self._signature(profile), binding), []).append(
                (worker, profile))
        for (_, binding), ns_users in sorted(groups_ns.items(), key=lambda g: g[0][1]):
            self._declare_namespace(binding, ns_users)

    def _declare_resource(self, kind: str, fields: tuple[str, ...],
                          users: list[tuple[str, str, dict[Ctx, Any]]]) -> None:
        profile = users[0][2]
        ctxs = sorted(profile, key=lambda c: (c is not None, c or ""))
        values = {c: dict(zip(fields, profile[c] if len(fields) > 1 else (profile[c],)))
                  for c in ctxs}
        base = {k: v for k, v in values[ctxs[0]].items() if v is not None}
        decl: dict[str, Any] = dict(base)
        overrides = {c: {k: v for k, v in values[c].items() if v is not None
                         and not same(base.get(k), v)} for c in ctxs[1:] if c is not None}
        if any(overrides.values()):
            decl["env"] = {c: o for c, o in overrides.items() if o}
        names = {binding for _, binding, _ in users}
        table = self.resources.setdefault(kind, {})
        rid = slug(min(names), table)
        if len(names) == 1:
            decl["binding"] = names.pop()
        table[rid] = decl
        first_worker, first_binding, _ = users[0]
        w = self.workers[first_worker]
        self.origins[("resources", kind, rid)] = (w.original.path, self._binding_path(
            w, ctxs[0], first_binding, kind))
        for worker, binding, _ in users:
            self._shared[(kind, worker, binding)] = (rid, "binding" in decl)

    def _binding_path(self, w: Worker, ctx: Ctx, binding: str, kind: str) -> KeyPath:
        key = next(k for k, v in RESOURCE_KINDS.items() if v[0] == kind)
        entries = w.section(ctx).get(key) or []
        index = next((i for i, e in enumerate(entries) if isinstance(e, dict)
                      and e.get("binding") == binding), 0)
        return w.where(ctx, key, index)

    def _declare_namespace(self, binding: str, users: list[tuple[str, dict[Ctx, Any]]]) -> None:
        profile = users[0][1]
        values = [v for v in profile.values() if isinstance(v, str)]
        if not values:
            return
        base = profile.get(None, values[0])
        namespace: Any
        if len(set(values)) == 1 and (None in profile or not self.env_names):
            namespace = base
        else:
            namespace = {e: profile.get(e, base) for e in self.env_names}
            if None in profile:
                namespace["default"] = profile[None]
        nid = slug(str(base), self.namespaces)
        self.namespaces[nid] = {"namespace": namespace, "binding": binding}
        w = self.workers[users[0][0]]
        ctx = None if None in profile else next(iter(profile))
        entries = w.section(ctx).get("dispatch_namespaces") or []
        index = next((i for i, e in enumerate(entries) if isinstance(e, dict)
                      and e.get("binding") == binding), 0)
        self.origins[("dispatch_namespaces", nid)] = (w.original.path,
                                                       w.where(ctx, "dispatch_namespaces", index))
        for worker, _ in users:
            self._dispatch[(worker, binding)] = nid

    # -- mapping one entry --------------------------------------------------------------------

    def _unexpressible(self, w: Worker, path: KeyPath, message: str) -> None:
        if (w.original.path, path) in self._reported:
            return
        self._reported.add((w.original.path, path))
        from confgen.diagnostics import format_path

        self.diagnostics.append(Diagnostic(w.original.path, w.original.line(path), 1, "CG504",
                                           f"{format_path(path)}: {message}"))

    def _filtered(self, w: Worker, path: KeyPath, entry: dict[str, Any], definition: str,
                  what: str) -> dict[str, Any]:
        keep = allowed(definition)
        for key in entry:
            if key not in keep:
                self._unexpressible(w, path + (key,), f"the manifest format has no {key!r} "
                                    f"in a {what}; left out")
        return {k: v for k, v in entry.items() if k in keep}

    def target(self, name: Any, ctx: Ctx, w: Worker, path: KeyPath) -> Any:
        """A service or tail-consumer target: a manifest worker or an external service."""
        if not isinstance(name, str):
            return name
        for other in self.workers.values():
            if other.scripts.get(ctx) == name:
                return other.name
        for other in self.workers.values():
            if name in other.scripts.values():
                self._unexpressible(w, path, f"names {other.name!r}'s script {name!r} of "
                                    "another environment; the manifest retargets a worker "
                                    "per environment, so it points at "
                                    f"{other.scripts.get(ctx)!r} here")
                return other.name
        self.external.add(name)
        return name

    def entry(self, key: str, w: Worker, ctx: Ctx, index: int, entry: Any) -> Any:
        path = w.where(ctx, key, index)
        if not isinstance(entry, dict):
            return entry
        if key in RESOURCE_KINDS:
            kind, definition, _ = RESOURCE_KINDS[key]
            shared = self._shared.get((kind, w.name, str(entry.get("binding"))))
            inline = self._filtered(w, path, entry, definition, f"{kind} binding")
            if shared is None:
                return inline
            rid, canonical = shared
            return {"resource": rid} if canonical else {"binding": entry.get("binding"),
                                                         "resource": rid}
        if key in REFERENCE_KINDS:
            out = self._filtered(w, path, entry, REFERENCE_KINDS[key], key.rstrip("s"))
            if "service" in out:
                out["service"] = self.target(out["service"], ctx, w, path + ("service",))
            return out
        if key == "dispatch_namespaces":
            out = self._filtered(w, path, entry, "dispatchBinding", "dispatch namespace binding")
            nid = self._dispatch.get((w.name, str(entry.get("binding"))))
            if nid is None:
                return out
            out.pop("binding", None)
            out["namespace"] = nid
            return out
        return entry

    def entries(self, key: str, w: Worker, ctx: Ctx, values: Any) -> Any:
        if key == "queues":
            return self.queues(w, ctx, values)
        if not isinstance(values, list):
            return values
        return [self.entry(key, w, ctx, i, e) for i, e in enumerate(values)]

    def queues(self, w: Worker, ctx: Ctx, values: Any) -> Any:
        if not isinstance(values, dict):
            return values
        out: dict[str, Any] = {}
        for part, definition in (("producers", "queueProducer"), ("consumers", "queueConsumer")):
            items = values.get(part)
            if isinstance(items, list):
                out[part] = [self._filtered(w, w.where(ctx, "queues", part, i), e, definition,
                                            f"queue {part[:-1]}") if isinstance(e, dict) else e
                             for i, e in enumerate(items)]
        for part in values:
            if part not in ("producers", "consumers"):
                self._unexpressible(w, w.where(ctx, "queues", part), "the manifest format "
                                    f"has no queues.{part}; left out")
        return out

"""Import stage 3a: wrangler binding entries -> manifest entries, per worker and context.

A context is the top level (None) or an environment. What wrangler calls a script (a service
binding's `service`, a tail consumer's, a Durable Object's or Workflow's `script_name`)
becomes a reference to a manifest worker when it names that worker's script in the same
context (`api` at the top level, `api-staging` or the env's own `name` in staging); any
other service name is an external service. Bindings of one resource (same identity in every
context where they meet) by two or more workers become one shared `[resources.<kind>.<id>]`,
for every kind wrangler's schema gives an identity (`confgen.surface.resource_kinds`, plus
KV, D1, R2 and queues, producers and consumers alike); every dispatch namespace binding a
`[dispatch_namespaces.<id>]`. Sub-keys are kept as written: confgen's schema takes every
sub-key wrangler's does, and `fit` reports what it rejects.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Iterable
from typing import Any

from confgen import surface
from confgen.diagnostics import Diagnostic, KeyPath, format_path
from confgen.importer.parse import Original
from confgen.record import field, record

Ctx = str | None
# wrangler key -> (manifest resource kind, sub-keys that identify the resource; None: every
# sub-key but the entry's name). confgen resolves KV, D1 and R2 itself (their other sub-keys
# stay on the entry); the rest are wrangler's own kinds under their wrangler key.
_OWN_KINDS: dict[str, tuple[str, tuple[str, ...] | None]] = {
    "kv_namespaces": ("kv", ("id", "preview_id")),
    "d1_databases": ("d1", ("database_name", "database_id")),
    "r2_buckets": ("r2", ("bucket_name",)),
}
# Workflows are not shared: their `script_name` is retargeted per environment after a
# resource is filled in, so each binding is kept as its worker writes it.
_UNSHARED = frozenset({"workflows"})
REFERENCE_KEYS = ("services", "tail_consumers")
SCRIPT_KEYS = ("durable_objects", "workflows")
QUEUE_KIND = "queues"
# Sub-keys whose value makes a readable resource id.
_NAMING = ("queue", "bucket_name", "database_name", "index_name", "dataset", "pipeline",
           "secret_name", "name")


def resource_kinds() -> dict[str, tuple[str, tuple[str, ...] | None]]:
    out = dict(_OWN_KINDS)
    for key in surface.resource_kinds():
        if key not in _UNSHARED:
            out[key] = (key, None)
    return out


def _json(value: Any) -> str:
    try:
        return json.dumps(value, sort_keys=True, default=repr)
    except TypeError:  # keys of mixed types cannot be sorted
        return json.dumps(value, default=repr)


def same(a: Any, b: Any) -> bool:
    """Equal as wrangler sees values: JSON-equal, so `1`, `1.0` and `true` differ."""
    return _json(a) == _json(b)


def slug(text: str, taken: Iterable[str]) -> str:
    """A manifest id from a name: lowercase letters, digits and dashes, unique."""
    base = re.sub(r"[^a-z0-9-]+", "-", text.lower()).strip("-")[:60].strip("-") or "x"
    if not base[0].isalnum():
        base = "x" + base
    out, n = base, 2
    taken = set(taken)
    while out in taken:
        out, n = f"{base}-{n}", n + 1
    return out


@record(frozen=False)
class Worker:
    """What the binding mapping needs to know about one imported worker."""

    name: str
    original: Original
    envs: tuple[str, ...]  # the environments its file declares (and the manifest gives it)
    scripts: dict[Ctx, str]  # its script name per context it answers to

    def section(self, ctx: Ctx) -> dict[str, Any]:
        data = self.original.data
        found: dict[str, Any] = data if ctx is None else data["env"][ctx]
        return found

    def where(self, ctx: Ctx, *path: str | int) -> KeyPath:
        return path if ctx is None else ("env", ctx, *path)


# One binding of a resource: (wrangler key, worker, slot) where slot is the entry's name, or
# for queues ("producer", binding) / ("consumer", queue position).
Slot = tuple[str, str, Any]


@record(frozen=False)
class _Group:
    keys: frozenset[str]
    profile: dict[Ctx, dict[str, Any]]
    slots: list[tuple[Slot, str | None]] = field(default_factory=list)  # (slot, its name)

    def fits(self, keys: frozenset[str], profile: dict[Ctx, dict[str, Any]]) -> bool:
        return keys == self.keys and all(same(self.profile[c], v) for c, v in profile.items()
                                         if c in self.profile)


@record(frozen=False)
class Bindings:
    workers: dict[str, Worker]
    env_names: tuple[str, ...]
    resources: dict[str, dict[str, Any]] = field(default_factory=dict)  # kind -> id -> decl
    namespaces: dict[str, dict[str, Any]] = field(default_factory=dict)
    external: set[str] = field(default_factory=set)
    diagnostics: list[Diagnostic] = field(default_factory=list)
    origins: dict[KeyPath, tuple[str, KeyPath]] = field(default_factory=dict)
    _shared: dict[Slot, tuple[str, bool]] = field(default_factory=dict)  # -> (id, canonical)
    _dispatch: dict[tuple[str, str], str] = field(default_factory=dict)
    _reported: set[tuple[str, KeyPath]] = field(default_factory=set)

    # -- planning: which bindings name one shared resource ----------------------------------

    def _contexts(self, w: Worker) -> list[tuple[Ctx, dict[str, Any]]]:
        return [(c, w.section(c)) for c in (None, *w.envs)]

    def _slots(self, key: str, ident: tuple[str, ...] | None
               ) -> dict[Slot, tuple[str | None, dict[Ctx, dict[str, Any]]]]:
        """Every binding of `key`: its name and what it names in each context."""
        out: dict[Slot, tuple[str | None, dict[Ctx, dict[str, Any]]]] = {}
        if key == QUEUE_KIND:
            for w in self.workers.values():
                for ctx, section in self._contexts(w):
                    queues = section.get("queues")
                    if not isinstance(queues, dict):
                        continue
                    for part in ("producers", "consumers"):
                        items = queues.get(part)
                        for i, e in enumerate(items if isinstance(items, list) else []):
                            if not isinstance(e, dict) or not isinstance(e.get("queue"), str):
                                continue
                            name = e.get("binding") if part == "producers" else None
                            if part == "producers" and not isinstance(name, str):
                                continue
                            slot = (key, w.name, (part, name if name else i))
                            out.setdefault(slot, (name, {}))[1][ctx] = {"queue": e["queue"]}
            return out
        name_key = surface.name_key(key) if key in surface.resource_kinds() else "binding"
        for w in self.workers.values():
            for ctx, section in self._contexts(w):
                entries = section.get(key)
                for e in entries if isinstance(entries, list) else []:
                    if not isinstance(e, dict) or not isinstance(e.get(name_key), str):
                        continue
                    found = {k: v for k, v in e.items() if k != name_key
                             and (ident is None or k in ident)}
                    slot = (key, w.name, e[name_key])
                    out.setdefault(slot, (e[name_key], {}))[1][ctx] = found
        return out

    def plan(self) -> None:
        """Decide the shared resources and the dispatch namespaces, before any mapping."""
        kinds = {**resource_kinds(), QUEUE_KIND: (QUEUE_KIND, ("queue",))}
        for key, (kind, ident) in sorted(kinds.items()):
            groups: list[_Group] = []
            for slot, (name, profile) in sorted(self._slots(key, ident).items(), key=str):
                shapes = {frozenset(v) for v in profile.values()}
                if len(shapes) != 1 or not next(iter(shapes)):
                    continue  # an entry without identity, or not the same sub-keys everywhere
                keys = next(iter(shapes))
                group = next((g for g in groups if g.fits(keys, profile)), None)
                if group is None:
                    group = _Group(keys, {})
                    groups.append(group)
                group.profile.update(profile)
                group.slots.append((slot, name))
            for group in groups:
                if len({slot[1] for slot, _ in group.slots}) >= 2:
                    self._declare(key, kind, group)
        self._plan_namespaces()

    def _declare(self, key: str, kind: str, group: _Group) -> None:
        ctxs = sorted(group.profile, key=lambda c: (c is not None, c or ""))
        base = group.profile[ctxs[0]]
        decl: dict[str, Any] = dict(base)
        overrides = {c: {k: v for k, v in group.profile[c].items() if not same(base.get(k), v)}
                     for c in ctxs[1:] if c is not None}
        if any(overrides.values()):
            decl["env"] = {c: o for c, o in overrides.items() if o}
        names = {name for _, name in group.slots if name is not None}
        name_key = surface.name_key(key) if key in surface.resource_kinds() else "binding"
        canonical = len(names) == 1
        if canonical:
            decl[name_key] = next(iter(names))
        table = self.resources.setdefault(kind, {})
        label = next((base[k] for k in _NAMING if isinstance(base.get(k), str)),
                     min(names) if names else kind)
        rid = slug(str(label), table)
        table[rid] = decl
        (_, first, _), _ = group.slots[0]
        w = self.workers[first]
        at = ctxs[0] if ctxs[0] is None or ctxs[0] in w.envs else None
        self.origins[("resources", kind, rid)] = (w.original.path, w.where(at, key))
        for slot, _ in group.slots:
            self._shared[slot] = (rid, canonical)

    def _plan_namespaces(self) -> None:
        groups: dict[tuple[str, str], list[tuple[str, dict[Ctx, Any]]]] = {}
        for (_, worker, binding), (_, profile) in self._slots("dispatch_namespaces",
                                                              ("namespace",)).items():
            flat = {c: v.get("namespace") for c, v in profile.items()}
            sig = _json(sorted(([c or "", v] for c, v in flat.items()), key=lambda cv: cv[0]))
            groups.setdefault((sig, binding), []).append((worker, flat))
        per_binding = Counter(binding for _, binding in groups)
        for (_, binding), users in sorted(groups.items(), key=lambda g: g[0][1]):
            if per_binding[binding] == 1:  # else inline: one binding name per declaration
                self._declare_namespace(binding, users)

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
        self.origins[("dispatch_namespaces", nid)] = (w.original.path,
                                                       w.where(ctx, "dispatch_namespaces"))
        for worker, _ in users:
            self._dispatch[(worker, binding)] = nid

    # -- mapping one section ----------------------------------------------------------------

    def _unexpressible(self, w: Worker, path: KeyPath, message: str) -> None:
        if (w.original.path, path) in self._reported:
            return
        self._reported.add((w.original.path, path))
        self.diagnostics.append(Diagnostic(w.original.path, w.original.line(path), 1, "CG504",
                                           f"{format_path(path)}: {message}"))

    def target(self, name: Any, ctx: Ctx, w: Worker, path: KeyPath, service: bool) -> Any:
        """A script a binding names: a manifest worker's, or external (as written)."""
        if not isinstance(name, str):
            return name
        for other in self.workers.values():
            if other.scripts.get(ctx) == name:
                return other.name
        owner = next((o for o in self.workers.values() if o.scripts.get(None) == name), None)
        if owner is not None:
            self._unexpressible(w, path, f"names {name!r}, which is {owner.name!r}'s top-level "
                                f"script, in {ctx!r}; a manifest reference means "
                                f"{owner.scripts.get(ctx, name)!r} there")
        elif service:
            self.external.add(name)
        return name

    def _resource_entry(self, key: str, w: Worker, entry: dict[str, Any],
                        slot: Slot, ident: tuple[str, ...] | None, name_key: str) -> Any:
        shared = self._shared.get(slot)
        if shared is None:
            return entry
        rid, canonical = shared
        own = {k: v for k, v in entry.items() if k != name_key and ident is not None
               and k not in ident}
        named = {} if canonical or name_key not in entry else {name_key: entry[name_key]}
        return {**named, "resource": rid, **own}

    def value(self, key: str, w: Worker, ctx: Ctx, value: Any) -> Any:
        """One key of a section as the manifest writes it."""
        kinds = resource_kinds()
        if key in kinds and isinstance(value, list):
            ident = kinds[key][1]
            name_key = surface.name_key(key) if key in surface.resource_kinds() else "binding"
            return [self._resource_entry(key, w, e, (key, w.name, e.get(name_key)), ident,
                                         name_key) if isinstance(e, dict) else e for e in value]
        if key in REFERENCE_KEYS and isinstance(value, list):
            return [{**e, "service": self.target(e["service"], ctx, w,
                                                 w.where(ctx, key, i, "service"), True)}
                    if isinstance(e, dict) and "service" in e else e
                    for i, e in enumerate(value)]
        if key in SCRIPT_KEYS:
            return self.scripts(key, w, ctx, value)
        if key == "dispatch_namespaces" and isinstance(value, list):
            return [self.dispatch(w, e) for e in value]
        if key == QUEUE_KIND and isinstance(value, dict):
            return self.queues(w, value)
        return value

    def scripts(self, key: str, w: Worker, ctx: Ctx, value: Any) -> Any:
        entries = value.get("bindings") if isinstance(value, dict) else value
        if not isinstance(entries, list):
            return value
        sub = ("bindings",) if isinstance(value, dict) else ()
        fixed = [{**e, "script_name": self.target(e["script_name"], ctx, w, w.where(
            ctx, key, *sub, i, "script_name"), False)}
            if isinstance(e, dict) and "script_name" in e else e for i, e in enumerate(entries)]
        return {**value, "bindings": fixed} if isinstance(value, dict) else fixed

    def dispatch(self, w: Worker, entry: Any) -> Any:
        if not isinstance(entry, dict):
            return entry
        nid = self._dispatch.get((w.name, str(entry.get("binding"))))
        if nid is None:
            return entry
        return {**{k: v for k, v in entry.items() if k != "binding"}, "namespace": nid}

    def queues(self, w: Worker, value: dict[str, Any]) -> dict[str, Any]:
        out = dict(value)
        for part in ("producers", "consumers"):
            items = value.get(part)
            if not isinstance(items, list):
                continue
            mapped = []
            for i, e in enumerate(items):
                slot_name = e.get("binding") if part == "producers" and isinstance(e, dict) \
                    else i
                shared = self._shared.get((QUEUE_KIND, w.name, (part, slot_name)))
                if shared is None or not isinstance(e, dict):
                    mapped.append(e)
                    continue
                rid, canonical = shared
                own = {k: v for k, v in e.items() if k not in ("queue", "binding")}
                named = {} if canonical or part == "consumers" else {"binding": e["binding"]}
                mapped.append({**named, "resource": rid, **own})
            out[part] = mapped
        return out

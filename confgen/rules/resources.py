"""Shared resources of every binding kind wrangler has (confgen.surface.resource_kinds):
`[resources.<kind>.<id>]` declared once, bound with `resource = "<id>"`; singletons
(`[resources.ai] binding = "AI"`) give one canonical binding name.

kv, d1, r2 and queues keep their own rules (bindings.py, references.py, graph.py).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from confgen import surface
from confgen.diagnostics import Issue, KeyPath
from confgen.model import Project

Use = tuple[str, str | None, Any, KeyPath]  # (kind, resource id, the entry as written, where)


def _sections(data: Mapping[str, Any]) -> Iterator[tuple[KeyPath, Mapping[str, Any]]]:
    yield ("defaults",), data.get("defaults", {})
    for name, worker in data.get("workers", {}).items():
        yield ("workers", name), worker
        yield ("workers", name, "top"), worker.get("top", {})
        for env, section in worker.get("env", {}).items():
            yield ("workers", name, "env", env), section


def _uses(data: Mapping[str, Any]) -> Iterator[Use]:
    kinds = surface.resource_kinds()
    singletons = surface.singletons()
    every = singletons.union(kinds)
    for path, section in _sections(data):
        if every.isdisjoint(section):
            continue  # most sections bind none of these: one set operation, not 25 lookups
        for kind in kinds:
            for i, entry in enumerate(section.get(kind, ()) or ()):
                if isinstance(entry, dict):
                    yield kind, entry.get("resource"), entry, path + (kind, i)
        for kind in singletons:
            if isinstance(section.get(kind), dict):
                yield kind, None, section[kind], path + (kind,)


def declared_resources(project: Project) -> Iterator[Issue]:
    resources = project.data.get("resources", {})
    used: set[tuple[str, str]] = set()
    for kind, rid, entry, path in _uses(project.data):
        declared = resources.get(kind)
        if rid is not None:
            used.add((kind, rid))
            if rid not in (declared or {}):
                yield Issue("CG204", path + ("resource",),
                            f"no resource {rid!r} under [resources.{kind}]")
                continue
            declared = declared[rid]
        name = surface.name_key(kind)
        canonical = (declared or {}).get("binding") if name == "binding" else None
        if canonical and entry.get(name, canonical) != canonical:
            what = f"[resources.{kind}.{rid}]" if rid else f"[resources.{kind}]"
            yield Issue("CG207", path + (name,), f"{kind} binding {entry[name]!r} must be "
                        f"{canonical!r}, as declared in {what}")
    for kind in surface.resource_kinds():
        for rid in resources.get(kind, {}):
            if (kind, rid) not in used:
                yield Issue("CG253", ("resources", kind, rid),
                            f"{kind} resource {rid!r} is bound by no worker")


def complete_entries(project: Project) -> Iterator[Issue]:
    """What wrangler requires of an entry, once its resource is filled in."""
    reported: set[KeyPath] = set()
    for worker in project.workers:
        for config in worker.configs:
            for kind, value in config.wrangler:
                if kind not in surface.resource_kinds() or not isinstance(value, list):
                    continue
                for i, entry in enumerate(value):
                    if not isinstance(entry, dict) or "resource" in entry:
                        continue  # an undeclared resource: CG204
                    path = config.origin(kind) + (i,)
                    missing = [k for k in surface.required(kind) if k not in entry]
                    if missing and path not in reported:
                        reported.add(path)
                        yield Issue("CG104", path, f"{kind} entry misses {', '.join(missing)} "
                                    "(set it here or on its [resources] declaration)")


def consistent_names(project: Project) -> Iterator[Issue]:
    """A resource without a canonical `binding`, bound under several names: drift (warning)."""
    resources = project.data.get("resources", {})
    names: dict[tuple[str, str], dict[str, list[KeyPath]]] = {}
    for kind, rid, entry, path in _uses(project.data):
        declared = resources.get(kind, {}).get(rid) if rid else None
        name = entry.get(surface.name_key(kind))
        if not isinstance(declared, dict) or "binding" in declared or not isinstance(name, str):
            continue
        names.setdefault((kind, str(rid)), {}).setdefault(name, []).append(path)
    for (kind, rid), used in sorted(names.items()):
        if len(used) < 2:
            continue
        majority = max(sorted(used), key=lambda n: len(used[n]))
        for name in sorted(used):
            if name != majority:
                for path in used[name]:
                    yield Issue("CG251", path + (surface.name_key(kind),), f"{kind} {rid!r} is "
                                f"bound as {name!r} here but as {majority!r} elsewhere; use one "
                                f"name (or declare it: [resources.{kind}.{rid}] binding)")


RULES = (declared_resources, complete_entries, consistent_names)

"""Binding names: one name per namespace and resource, no duplicates within a worker."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator

from confgen import surface
from confgen.diagnostics import Issue, KeyPath
from confgen.model import RESOURCE_BINDINGS, Config, Project


def _named(config: Config) -> Iterator[tuple[str, str, KeyPath]]:
    """Every name on `env` in this section: (name, kind, where)."""
    for s in config.services:
        yield s.binding, "service", s.path + ("binding",)
    for attr, kind in RESOURCE_BINDINGS:
        for entry in getattr(config, attr):
            if entry.binding is not None:
                yield entry.binding, kind, entry.path + ("binding",)
    for d in config.dispatch_namespaces:
        if d.binding is not None:
            yield d.binding, "dispatch namespace", d.path
    kinds = surface.binding_kinds()
    for key, value in config.wrangler:
        if key in kinds:
            for name in _binding_names(value):
                yield name, kinds[key], config.origin(key)
    for v in config.vars:
        yield v.name, "var", v.path
    for v in config.secrets:
        yield v.name, "secret", v.path


def _binding_names(value: object) -> Iterator[str]:
    """Binding names inside a wrangler binding key: `{binding}` (ai, browser, ...), lists of
    `{binding}` or `{name}` (vectorize, send_email, ...), durable_objects.bindings[].name."""
    if isinstance(value, dict):
        if isinstance(value.get("binding"), str):
            yield value["binding"]
        yield from _binding_names(value.get("bindings"))
    elif isinstance(value, list):
        for item in value:
            if isinstance(item, dict):
                name = item.get("binding", item.get("name"))
                if isinstance(name, str):
                    yield name


def _names(config: Config) -> list[str]:
    """The names of _named, without where they are declared."""
    names = [s.binding for s in config.services]
    for attr, _ in RESOURCE_BINDINGS:
        names += [e.binding for e in getattr(config, attr) if e.binding is not None]
    names += [d.binding for d in config.dispatch_namespaces if d.binding is not None]
    kinds = surface.binding_kinds()
    for key, value in config.wrangler:
        if key in kinds:
            names += _binding_names(value)
    names += [v.name for v in config.vars]
    names += [v.name for v in config.secrets]
    return names


def duplicate_bindings(project: Project) -> Iterator[Issue]:
    seen_issues: set[tuple[str, KeyPath]] = set()
    for worker in project.workers:
        for config in worker.configs:
            names = _names(config)
            if len(set(names)) == len(names):
                continue  # the common case, without a key path for every name
            first: dict[str, tuple[str, KeyPath]] = {}
            for name, kind, path in _named(config):
                if name not in first:
                    first[name] = (kind, path)
                    continue
                other_kind, _ = first[name]
                if {kind, other_kind} == {"var", "secret"}:
                    continue  # CG209 says it better
                if (name, path) in seen_issues:
                    continue  # the same declaration, inherited into another environment
                seen_issues.add((name, path))
                where = f"environment {config.env!r}" if config.env else "the top level"
                yield Issue("CG208", path, f"binding name {name!r} is used twice by worker "
                            f"{worker.name!r} in {where} ({other_kind} and {kind})")


def namespace_binding_names(project: Project) -> Iterator[Issue]:
    declared = project.data.get("dispatch_namespaces", {})
    owner: dict[str, str] = {}
    clashing: set[str] = set()
    for ref, raw in declared.items():
        if raw["binding"] in owner:
            clashing.add(raw["binding"])
            yield Issue("CG203", ("dispatch_namespaces", ref, "binding"), f"binding "
                        f"{raw['binding']!r} is already declared for namespace "
                        f"{owner[raw['binding']]!r}; each namespace needs its own name")
        else:
            owner[raw["binding"]] = ref
    for worker in project.workers:
        for config in worker.configs:
            for d in config.dispatch_namespaces:
                if d.ref is None or d.ref not in declared or d.binding is None:
                    continue
                expected = declared[d.ref]["binding"]
                if d.binding != expected:
                    yield Issue("CG203", d.path + ("binding",), f"binding {d.binding!r} for "
                                f"namespace {d.ref!r} must be {expected!r}, as declared in "
                                f"[dispatch_namespaces.{d.ref}]")
                elif d.binding not in clashing and owner.get(d.binding, d.ref) != d.ref:
                    yield Issue("CG203", d.path + ("namespace",), f"binding {d.binding!r} is "
                                f"declared for namespace {owner[d.binding]!r}, not {d.ref!r}")


def resource_binding_names(project: Project) -> Iterator[Issue]:
    resources = project.data.get("resources", {})
    seen: set[KeyPath] = set()
    for worker in project.workers:
        for config in worker.configs:
            for attr, kind in RESOURCE_BINDINGS:
                for entry in getattr(config, attr):
                    if entry.path in seen:
                        continue
                    seen.add(entry.path)
                    declared = resources.get(kind, {}).get(entry.resource or "", {}) \
                        .get("binding")
                    if declared and entry.binding != declared:
                        yield Issue("CG207", entry.path + ("binding",), f"binding "
                                    f"{entry.binding!r} for {kind} resource "
                                    f"{entry.resource!r} must be {declared!r}, as declared in "
                                    f"[resources.{kind}.{entry.resource}]")


def consistent_names(project: Project) -> Iterator[Issue]:
    """One target bound under several names across workers is drift (warning)."""
    uses: dict[tuple[str, str], dict[str, list[KeyPath]]] = defaultdict(lambda: defaultdict(list))
    resources = project.data.get("resources", {})
    # Resources that declare their binding are held to it by CG207 instead.
    declared = {kind: {r for r, raw in resources.get(kind, {}).items() if "binding" in raw}
                for _, kind in RESOURCE_BINDINGS}
    for worker in project.workers:
        for config in worker.configs:
            for s in config.services:  # where the entry is: its `binding` once reported
                uses[("service", s.service)][s.binding].append(s.path)
            for attr, kind in RESOURCE_BINDINGS:
                for entry in getattr(config, attr):
                    if entry.resource and entry.binding and entry.resource not in declared[kind]:
                        uses[(kind, entry.resource)][entry.binding].append(entry.path)
    for (kind, target), names in sorted(uses.items()):
        if len(names) < 2:
            continue
        majority = max(sorted(names), key=lambda n: len(set(names[n])))
        for name in sorted(names):
            if name == majority:
                continue
            for path in sorted((p + ("binding",) for p in set(names[name])), key=str):
                yield Issue("CG251", path, f"{kind} {target!r} is bound as {name!r} here but as "
                            f"{majority!r} elsewhere; use one name")


RULES = (duplicate_bindings, namespace_binding_names, resource_binding_names, consistent_names)

"""References between declarations: services, resources, namespaces, environments."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from confgen.diagnostics import Issue, KeyPath
from confgen.model import NAMESPACE, RESOURCE_USES, Config, Project, Service, Tail

# Keys that make a worker complete without `main`: an assets-only worker, a Pages project.
NO_SCRIPT = ("assets", "pages_build_output_dir")


def complete_workers(project: Project) -> Iterator[Issue]:
    for worker in project.workers:  # environments inherit both from the top level
        if not worker.top.main and not any(worker.top.get(k) is not None for k in NO_SCRIPT):
            yield Issue("CG105", worker.path, f"worker {worker.name!r} has no `main` "
                        f"(set it on the worker or in [defaults]) and no `assets`")
        if not worker.top.compatibility_date:
            yield Issue("CG105", worker.path, f"worker {worker.name!r} has no "
                        "`compatibility_date` (set it on the worker, in [defaults] or in "
                        "[project])")


def worker_targets(config: Config) -> list[tuple[str, KeyPath, str]]:
    """(target worker, where, what) of a section's service bindings and tail consumers."""
    return [(s.service, s.path + ("service",), "service binding") for s in config.services] \
        + [(t.service, t.path + ("service",), "tail consumer") for t in config.tail_consumers]


def _bound_workers(config: Config) -> tuple[Service | Tail, ...]:
    """A section's service bindings and tail consumers (each names a worker: `service`)."""
    return (*config.services, *config.tail_consumers)


def service_targets(project: Project) -> Iterator[Issue]:
    known = project.workers_by_name
    external = set(project.external_services)
    for worker in project.workers:
        for config in worker.configs:
            if all(known[e.service].deploy != NAMESPACE if e.service in known
                   else e.service in external
                   for e in _bound_workers(config)):
                continue  # every target reachable: no key path made for any
            for target, path, what in worker_targets(config):
                if target not in known and target in external:
                    continue
                if target not in known:
                    yield Issue("CG201", path, f"{what} target {target!r} is not a worker of "
                                "this manifest nor in [project].external_services")
                elif known[target].deploy == NAMESPACE:
                    yield Issue("CG202", path, f"{what} target {target!r} is deployed into a "
                                "dispatch namespace, which a service binding cannot reach "
                                "(upload error 10143); bind the namespace and call "
                                f"get({target!r}) instead")


def declared_references(project: Project) -> Iterator[Issue]:
    resources = project.data.get("resources", {})
    namespaces = project.data.get("dispatch_namespaces", {})
    for worker in project.workers:
        for config in worker.configs:
            for attr, kind in RESOURCE_USES:
                for entry in getattr(config, attr):
                    if entry.resource is not None and entry.resource not in resources.get(kind, {}):
                        yield Issue("CG204", entry.path + ("resource",),
                                    f"no resource {entry.resource!r} under [resources.{kind}]")
                    if attr != "consumers" and entry.binding is None:
                        yield Issue("CG213", entry.path, f"binding for {kind} resource "
                                    f"{entry.resource!r} has no name and the resource declares "
                                    "no `binding`")
            for d in config.dispatch_namespaces:
                if d.ref is not None and d.ref not in namespaces:
                    yield Issue("CG205", d.path + ("namespace",),
                                f"no dispatch namespace {d.ref!r} under [dispatch_namespaces]")


def removed_inherited(project: Project) -> Iterator[Issue]:
    seen: set[tuple[str, KeyPath]] = set()
    for worker in project.workers:
        for config in worker.configs:
            for key, where in config.cannot_remove:
                if (key, where) not in seen:
                    seen.add((key, where))
                    yield Issue("CG215", where, f"wrangler inherits `{key}` from the top level "
                                f"into environment {config.env!r} of worker {worker.name!r}, "
                                "where the manifest gives it none: set a value there")


def environment_targets(project: Project) -> Iterator[Issue]:
    """A worker bound in an environment must take part in it (its `environments`)."""
    known = project.workers_by_name
    for worker in project.workers:
        for config in worker.envs:
            for entry in _bound_workers(config):
                found = known.get(entry.service)
                if found is not None and found.envs and found.config(config.env) is None:
                    yield Issue("CG216", entry.path + ("service",), f"worker {entry.service!r} "
                                f"does not take part in environment {config.env!r} (see its "
                                f"`environments`), so {worker.name!r} cannot bind it there")
    declared = set(project.env_names)
    for worker in project.workers:
        taking = {c.env for c in worker.envs}
        for env in project.data["workers"][worker.name].get("env", {}):
            if env in declared and env not in taking:
                yield Issue("CG206", worker.path + ("env", env), f"worker {worker.name!r} does "
                            f"not take part in environment {env!r} (its `environments`), so "
                            "this section is never used")


def environment_names(project: Project) -> Iterator[Issue]:
    declared = set(project.env_names)
    data = project.data
    sections: list[tuple[KeyPath, Any]] = [(("workers", w, "env"), raw.get("env", {}))
                for w, raw in data.get("workers", {}).items()]
    for kind, entries in data.get("resources", {}).items():
        sections += [(("resources", kind, r, "env"), raw.get("env", {}))
                     for r, raw in entries.items() if isinstance(raw, dict)]
    for w, raw in data.get("workers", {}).items():
        chosen = raw.get("environments")
        sections += [(("workers", w, "environments"), {e: i for i, e in enumerate(chosen or ())})]
    chosen = data.get("defaults", {}).get("environments")
    sections += [(("defaults", "environments"), {e: i for i, e in enumerate(chosen or ())})]
    sections.append((("router", "namespace_bindings"),
                     data.get("router", {}).get("namespace_bindings", {})))
    for path, envs in sections:
        for env in envs:
            if env not in declared:
                index = envs[env] if path[-1] == "environments" else env
                yield Issue("CG206", path + (index,), f"environment {env!r} is not declared "
                            "under [environments]")
    for ref, raw in data.get("dispatch_namespaces", {}).items():
        names = raw.get("namespace")
        if not isinstance(names, dict):
            continue
        for env in names:
            if env != "default" and env not in declared:
                yield Issue("CG206", ("dispatch_namespaces", ref, "namespace", env),
                            f"environment {env!r} is not declared under [environments]")
        for env in sorted(declared - set(names)):
            yield Issue("CG212", ("dispatch_namespaces", ref, "namespace"),
                        f"namespace table of {ref!r} names no namespace for environment {env!r}")


def namespaced_names(project: Project) -> Iterator[Issue]:
    for worker in project.workers:
        if worker.deploy != NAMESPACE:
            continue
        for env, section in project.data["workers"][worker.name].get("env", {}).items():
            if "name" in section:
                yield Issue("CG214", worker.path + ("env", env, "name"), f"namespaced worker "
                            f"{worker.name!r} cannot be renamed in {env!r}: the dispatcher "
                            f"looks it up as {worker.name!r} in the namespace")


def _sections(data: Mapping[str, Any]) -> Iterator[tuple[KeyPath, Mapping[str, Any]]]:
    """[defaults], every worker and every worker environment section."""
    yield ("defaults",), data.get("defaults", {})
    for name, worker in data.get("workers", {}).items():
        yield ("workers", name), worker
        for env, section in worker.get("env", {}).items():
            yield ("workers", name, "env", env), section


RULES = (complete_workers, removed_inherited, environment_targets, namespaced_names, service_targets, declared_references, environment_names)

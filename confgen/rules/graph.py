"""Whole-platform checks: service-binding cycles, unused declarations, lonely queues."""

from __future__ import annotations

from collections.abc import Iterator

from confgen.diagnostics import Issue, KeyPath
from confgen.model import RESOURCE_USES, Project
from confgen.rules import durable


def service_edges(project: Project) -> dict[str, dict[str, KeyPath]]:
    """worker -> {bound worker of this manifest: where}; the deploy-order graph (service
    bindings, and the hosts of Durable Object classes and Workflows it binds). A worker
    that binds itself (OpenNext's WORKER_SELF_REFERENCE) needs no order: no edge."""
    names = {w.name for w in project.workers}
    edges: dict[str, dict[str, KeyPath]] = {}
    for worker in project.workers:
        out: dict[str, KeyPath] = {}
        for config in worker.configs:
            for s in config.services:
                if s.service in names and s.service != worker.name:
                    out.setdefault(s.service, s.path)
            for host, path in durable.hosts_with_paths(project, config):
                if host != worker.name:
                    out.setdefault(host, path)
        edges[worker.name] = out
    return edges


def find_cycles(edges: dict[str, dict[str, KeyPath]]) -> list[list[str]]:
    """Each elementary cycle once, found by depth-first search, in a stable order.
    Iterative: a chain of thousands of bindings must not hit Python's recursion limit."""
    cycles: list[list[str]] = []
    seen: set[frozenset[str]] = set()
    state: dict[str, int] = {}  # 1: on the current path, 2: finished
    for root in sorted(edges):
        if root in state:
            continue
        path = [root]
        where = {root: 0}  # node -> its index in path
        state[root] = 1
        frames = [iter(sorted(edges.get(root, {})))]
        while frames:
            for nxt in frames[-1]:
                if state.get(nxt) == 1:
                    cycle = path[where[nxt]:]
                    if frozenset(cycle) not in seen:
                        seen.add(frozenset(cycle))
                        cycles.append(cycle)
                elif nxt not in state:
                    state[nxt] = 1
                    where[nxt] = len(path)
                    path.append(nxt)
                    frames.append(iter(sorted(edges.get(nxt, {}))))
                    break
            else:
                done = path.pop()
                del where[done]
                state[done] = 2
                frames.pop()
    return cycles


def service_cycles(project: Project) -> Iterator[Issue]:
    edges = service_edges(project)
    for cycle in find_cycles(edges):
        start = min(cycle)
        i = cycle.index(start)
        ordered = cycle[i:] + cycle[:i]
        loop = " -> ".join(ordered + [ordered[0]])
        yield Issue("CG252", edges[ordered[0]][ordered[1 % len(ordered)]],
                    f"bindings form a cycle ({loop}): no deploy order exists")


def unused(project: Project) -> Iterator[Issue]:
    used: set[tuple[str, str]] = set()
    for worker in project.workers:
        for config in worker.configs:
            for attr, kind in RESOURCE_USES:
                for e in getattr(config, attr):
                    if e.resource:
                        used.add((kind, e.resource))
            for d in config.dispatch_namespaces:
                if d.ref:
                    used.add(("namespace", d.ref))
    data = project.data
    legacy = {kind for _, kind in RESOURCE_USES}  # other kinds: rules/resources.py
    for kind, entries in sorted(data.get("resources", {}).items()):
        if kind not in legacy:
            continue
        for rid in entries:
            if (kind, rid) not in used:
                yield Issue("CG253", ("resources", kind, rid),
                            f"resource [resources.{kind}.{rid}] is bound by no worker")
    for ref in data.get("dispatch_namespaces", {}):
        if ("namespace", ref) not in used:
            yield Issue("CG253", ("dispatch_namespaces", ref),
                        f"dispatch namespace {ref!r} is bound by no worker")
    for env in project.environments:
        if env.namespace or env.vars or _named_anywhere(project, env.name):
            continue
        yield Issue("CG253", ("environments", env.name), f"environment {env.name!r} declares "
                    "nothing (no namespace, no vars) and no section names it")


def _named_anywhere(project: Project, env: str) -> bool:
    data = project.data
    if any(env in raw.get("env", {}) for raw in data.get("workers", {}).values()):
        return True
    if any(env in raw.get("env", {}) for kind in data.get("resources", {}).values()
           for raw in kind.values() if isinstance(raw, dict)):
        return True
    return any(isinstance(raw.get("namespace"), dict) and env in raw["namespace"]
               for raw in data.get("dispatch_namespaces", {}).values())


def queues_without_consumer(project: Project) -> Iterator[Issue]:
    consumed = {c.queue for w in project.workers for cfg in w.configs for c in cfg.consumers}
    reported: set[str] = set()
    for worker in project.workers:
        for config in worker.configs:
            for p in config.producers:
                if p.queue and p.queue not in consumed and p.queue not in reported:
                    reported.add(p.queue)
                    yield Issue("CG254", p.path, f"queue {p.queue!r} has producers but no "
                                "worker consumes it")


RULES = (service_cycles, unused, queues_without_consumer)

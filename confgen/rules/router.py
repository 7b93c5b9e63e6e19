"""[router]: the dispatcher, its targets, its keys, and the namespaces it needs."""

from __future__ import annotations

import re
from collections.abc import Iterator

from confgen.diagnostics import Issue, KeyPath
from confgen.model import NAMESPACE, Project
from confgen.router_table import normalise_host, path_prefix

_HOST = re.compile(r"^(\*\.)?([a-z0-9]([a-z0-9-]*[a-z0-9])?)(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*\.?\Z",
                   re.IGNORECASE | re.ASCII)
_PATH = re.compile(r"^/([A-Za-z0-9._~!$&'()+,;=:@%-]+/)*[A-Za-z0-9._~!$&'()+,;=:@%-]*/?\Z")


def dispatcher(project: Project) -> Iterator[Issue]:
    router = project.router
    if router is None:
        return
    worker = project.worker(router.worker)
    if worker is None:
        yield Issue("CG313", ("router", "worker"), f"router worker {router.worker!r} is not a "
                    "worker of this manifest")
    elif worker.deploy == NAMESPACE:
        yield Issue("CG313", ("router", "worker"), f"router worker {router.worker!r} is "
                    "deployed into a namespace; the dispatcher must be a standalone worker")


def targets(project: Project) -> Iterator[Issue]:
    router = project.router
    if router is None:
        return
    found: list[tuple[KeyPath, str]] = [(("router", "hosts", k), t) for k, t in router.hosts]
    found += [(("router", "paths", k), t) for k, t in router.paths]
    if router.default is not None:
        found.append((("router", "default"), router.default))
    for path, target in found:
        worker = project.worker(target)
        if worker is None:
            yield Issue("CG311", path, f"router target {target!r} is not a worker of this "
                        "manifest")
        elif worker.deploy != NAMESPACE:
            yield Issue("CG312", path, f"router target {target!r} is a standalone worker; the "
                        "dispatcher can only reach workers with deploy = \"namespace\"")


def keys(project: Project) -> Iterator[Issue]:
    router = project.router
    if router is None:
        return
    seen: dict[str, str] = {}
    for key, _ in router.hosts:
        if not _HOST.match(key):
            yield Issue("CG316", ("router", "hosts", key), f"host key {key!r} is not a host "
                        "or `*.host` (no port, no path, `*` only as the first label)")
            continue
        norm = normalise_host(key)
        if norm in seen:
            yield Issue("CG315", ("router", "hosts", key), f"host key {key!r} is the same host "
                        f"as {seen[norm]!r} (hosts compare without case or trailing dot)")
        else:
            seen[norm] = key
    prefixes: dict[str, str] = {}
    for key, _ in router.paths:
        if not _PATH.match(key) or "//" in key:
            yield Issue("CG316", ("router", "paths", key), f"path key {key!r} must be a path "
                        "prefix such as \"/api/db/\" (whole segments, no `*`, no query)")
            continue
        prefix = path_prefix(key)
        if prefix in prefixes:
            yield Issue("CG315", ("router", "paths", key), f"path key {key!r} is the same "
                        f"prefix as {prefixes[prefix]!r} (prefixes are whole segments)")
        else:
            prefixes[prefix] = key
    for i, domain in enumerate(router.root_domains):
        if domain.startswith("*") or not _HOST.match(domain):
            yield Issue("CG316", ("router", "root_domains", i), f"root domain {domain!r} is "
                        "not a host")


def namespaces_for_namespaced_workers(project: Project) -> Iterator[Issue]:
    namespaced = [w.name for w in project.workers if w.deploy == NAMESPACE]
    if not namespaced and project.router is None:
        return
    for env in project.environments:
        if env.namespace is None:
            why = (f"namespaced workers ({', '.join(namespaced)}) deploy into it"
                   if namespaced else "the router binds one namespace per environment")
            yield Issue("CG314", ("environments", env.name), f"environment {env.name!r} has "
                        f"no `namespace`, but {why}")


RULES = (dispatcher, targets, keys, namespaces_for_namespaced_workers)

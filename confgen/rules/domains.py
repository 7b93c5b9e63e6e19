"""[domains]: every entry names a reachable service through a binding the api worker has."""

from __future__ import annotations

import re
from collections.abc import Iterator

from confgen.diagnostics import Issue
from confgen.domains import api_bindings
from confgen.model import Project

_DOMAIN = re.compile(r"^(\*\.)?[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*\Z")


def domain_routes(project: Project) -> Iterator[Issue]:
    domains = project.domains
    if domains is None:
        return
    api = project.worker(domains.worker)
    if api is None:
        yield Issue("CG327", ("domains", "worker"), f"domains worker {domains.worker!r} is not "
                    "a worker of this manifest")
    bindings = {s.binding: s.service for s in api.top.services} if api else {}
    known = {w.name for w in project.workers} | set(project.external_services)
    seen: dict[str, int] = {}
    by_service = api_bindings(project)
    for n, route in enumerate(domains.routes):
        domain = route.domain.lower().rstrip(".")
        if not route.domain.isascii() or not _DOMAIN.match(domain):  # no look-alikes (K, ſ)
            yield Issue("CG325", route.path + ("domain",), f"domain {route.domain!r} is not a "
                        "host or `*.host`")
        elif domain in seen:
            yield Issue("CG324", route.path + ("domain",), f"domain {route.domain!r} is routed "
                        f"twice (also domains.routes[{seen[domain]}])")
        else:
            seen[domain] = n
        if route.service not in known:
            yield Issue("CG321", route.path + ("service",), f"service {route.service!r} is not "
                        "a worker of this manifest nor in [project].external_services")
            continue
        if api is None:
            continue
        if route.binding is None:
            found = by_service.get(route.service, [])
            if len(found) != 1:
                what = "no binding" if not found else f"several bindings ({', '.join(found)})"
                yield Issue("CG326", route.path, f"`binding` omitted, and api worker "
                            f"{api.name!r} has {what} to service {route.service!r}")
        elif route.binding not in bindings:
            yield Issue("CG322", route.path + ("binding",), f"api worker {api.name!r} has no "
                        f"service binding {route.binding!r}")
        elif bindings[route.binding] != route.service:
            yield Issue("CG323", route.path + ("binding",), f"binding {route.binding!r} of api "
                        f"worker {api.name!r} points at service {bindings[route.binding]!r}, "
                        f"not {route.service!r}")


RULES = (domain_routes,)

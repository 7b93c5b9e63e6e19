"""[domains] -> the entries of domain-routes.json, sorted: exact domains, then wildcards."""

from __future__ import annotations

from typing import Any

from confgen.model import Project


def api_bindings(project: Project) -> dict[str, list[str]]:
    """service -> the api worker's service-binding names that point at it (top level),
    built once so each domain route is one lookup."""
    api = project.worker(project.domains.worker) if project.domains is not None else None
    found: dict[str, set[str]] = {}
    for s in api.top.services if api is not None else ():
        found.setdefault(s.service, set()).add(s.binding)
    return {service: sorted(names) for service, names in found.items()}


def entries(project: Project) -> list[dict[str, Any]]:
    if project.domains is None:
        return []
    out = []
    bindings = api_bindings(project)
    for route in project.domains.routes:
        binding = route.binding
        if binding is None:
            found = bindings.get(route.service, [])
            binding = found[0] if len(found) == 1 else None
        out.append({"domain": route.domain.lower(), "service": route.service,
                    "binding": binding, "requiresAuth": route.requires_auth})
    return sorted(out, key=lambda e: (e["domain"].startswith("*."), e["domain"]))

"""[domains] -> the entries of domain-routes.json, sorted: exact domains, then wildcards."""

from __future__ import annotations

from typing import Any

from confgen.model import Project


def api_bindings_to(project: Project, service: str) -> list[str]:
    """The api worker's service-binding names that point at `service` (top level)."""
    if project.domains is None:
        return []
    api = project.worker(project.domains.worker)
    if api is None:
        return []
    return sorted({s.binding for s in api.top.services if s.service == service})


def entries(project: Project) -> list[dict[str, Any]]:
    if project.domains is None:
        return []
    out = []
    for route in project.domains.routes:
        binding = route.binding
        if binding is None:
            found = api_bindings_to(project, route.service)
            binding = found[0] if len(found) == 1 else None
        out.append({"domain": route.domain.lower(), "service": route.service,
                    "binding": binding, "requiresAuth": route.requires_auth})
    return sorted(out, key=lambda e: (e["domain"].startswith("*."), e["domain"]))

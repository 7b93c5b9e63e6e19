"""Worker routes: Cloudflare's grammar, zones, one script per pattern, none on namespaced."""

from __future__ import annotations

from collections.abc import Iterator

from confgen.diagnostics import Issue, KeyPath
from confgen.model import NAMESPACE, Project, Route
from confgen.patterns import parse_pattern


def route_grammar(project: Project) -> Iterator[Issue]:
    seen: set[KeyPath] = set()
    for worker in project.workers:
        for config in worker.configs:
            for route in config.routes:
                if route.path in seen:
                    continue
                seen.add(route.path)
                _, problems = parse_pattern(route.pattern, custom_domain=route.custom_domain,
                                            zone_name=route.zone_name)
                for problem in problems:
                    if problem.startswith("a custom domain"):
                        code = "CG302"
                    elif "outside zone" in problem:
                        code = "CG303"
                    else:
                        code = "CG301"
                    yield Issue(code, route.pattern_path, f"route {route.pattern!r}: {problem}")


def routes_on_namespaced(project: Project) -> Iterator[Issue]:
    for worker in project.workers:
        if worker.deploy != NAMESPACE:
            continue
        seen: set[KeyPath] = set()
        for config in worker.configs:
            for route in config.routes:
                if route.path not in seen:
                    seen.add(route.path)
                    yield Issue("CG305", route.pattern_path, f"route {route.pattern!r} on namespaced "
                                f"worker {worker.name!r} never fires: requests reach it through "
                                "the dispatcher; route the host in [router] instead")


def _key(pattern: str) -> str:
    scheme, sep, rest = pattern.rpartition("://")
    host, slash, path = rest.partition("/")
    return f"{scheme.lower()}{sep}{host.lower().rstrip('.')}{slash}{path}"


def one_script_per_pattern(project: Project) -> Iterator[Issue]:
    claims: dict[str, list[tuple[str, str, Route]]] = {}
    for worker in project.workers:
        if worker.deploy == NAMESPACE:
            continue  # reported by routes_on_namespaced
        for config in worker.configs:
            how = "top level" if config.env is None else (
                f"environment {config.env!r}" + ("" if config.routes_own else ", inherited"))
            for route in config.routes:
                claims.setdefault(_key(route.pattern), []).append((config.name or f"{worker.name} (no script name)", how, route))
    reported: set[tuple[KeyPath, str]] = set()
    for pattern, claimants in sorted(claims.items()):
        first_script, first_how, _ = claimants[0]
        for script, how, route in claimants[1:]:
            if script == first_script:
                continue
            where = route.pattern_path
            if (where, script) in reported:
                continue
            reported.add((where, script))
            yield Issue("CG304", where, f"route {route.pattern!r} is claimed by script "
                        f"{first_script!r} ({first_how}) and by {script!r} ({how}); a pattern "
                        "may belong to one script only")


RULES = (route_grammar, routes_on_namespaced, one_script_per_pattern)

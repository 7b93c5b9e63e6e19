"""`confgen route`: where a request goes, edge first, then the dispatcher's router table.

The router step runs the very module `generate` writes (rendered in memory), so
the answer is what the deployed dispatcher would do.
"""

from __future__ import annotations

import types
from typing import Any

from confgen import urls
from confgen.model import NAMESPACE, Project
from confgen.patterns import RoutePattern, best_match, in_zone, parse_pattern
from confgen.record import record
from confgen.render import router_spec
from confgen.router_table import render_router_module


@record
class Claim:
    script: str
    worker: str
    pattern: str
    score: int
    why_lost: str | None = None


@record
class Explanation:
    url: str
    env: str | None
    edge: Claim | None
    others: tuple[Claim, ...] = ()
    dispatched: str | None = None  # the namespace worker the router table picks
    namespace: str | None = None
    rule: dict[str, Any] | None = None
    not_found: dict[str, Any] | None = None

    @property
    def routed(self) -> bool:
        return self.edge is not None and self.not_found is None

    def as_dict(self) -> dict[str, Any]:
        def claim(c: Claim | None) -> dict[str, Any] | None:
            if c is None:
                return None
            out = {"script": c.script, "worker": c.worker, "pattern": c.pattern, "score": c.score}
            if c.why_lost:
                out["lost_because"] = c.why_lost
            return out

        return {"url": self.url, "env": self.env, "routed": self.routed, "route": claim(self.edge),
                "other_matches": [claim(c) for c in self.others],
                "dispatch": None if self.rule is None and self.not_found is None else {
                    "namespace": self.namespace, "service": self.dispatched, "rule": self.rule,
                    "not_found": self.not_found}}


def _candidates(project: Project, env: str | None,
                host: str) -> list[tuple[Claim, RoutePattern]]:
    out = []
    for worker in project.workers:
        if worker.deploy == NAMESPACE:
            continue
        config = worker.config(env)
        if config is None:
            continue  # the worker takes no part in this environment (its `environments`)
        for route in config.routes:
            # Routes belong to a zone: a `*/*` route of zone db.mw never sees db.do.
            if route.zone_name and not in_zone(host, route.zone_name.lower().rstrip(".")):
                continue
            pattern, _problems = parse_pattern(route.pattern, custom_domain=route.custom_domain)
            if pattern is not None:
                out.append((Claim(config.name or worker.name, worker.name, route.pattern, pattern.score),
                            pattern))
    return out


def router_module(project: Project) -> types.ModuleType | None:
    spec = router_spec(project, "project.toml")
    if spec is None:
        return None
    module = types.ModuleType("confgen_router_table")
    code = compile(render_router_module(spec), "<router_table>", "exec")
    exec(code, module.__dict__)  # noqa: S102 -- our own generated module, as deployed
    return module


def explain(project: Project, url: str, env: str | None) -> Explanation:
    """ValueError when `url` is not one a browser would send (see confgen.urls)."""
    parsed = urls.parse(url)
    url, host = str(parsed), parsed.host
    candidates = _candidates(project, env, host)
    winner, losers = best_match([p for _, p in candidates], url)
    if winner is None:
        return Explanation(url, env, None)
    edge = candidates[winner][0]
    others = tuple(Claim(**{**candidates[i][0].__dict__, "why_lost": why}) for i, why in losers)
    router = project.router
    if router is None or edge.worker != router.worker:
        return Explanation(url, env, edge, others)
    module = router_module(project)
    assert module is not None
    host = parsed.host if parsed.port is None else f"{parsed.host}:{parsed.port}"
    path = parsed.path
    namespace = next((e.namespace for e in project.environments if e.name == env), None)
    service = module.resolve(host, path)
    if service is None:
        return Explanation(url, env, edge, others, None, namespace, None,
                           module.not_found(host, path))
    return Explanation(url, env, edge, others, service, namespace, module.explain(host, path))


def as_text(e: Explanation) -> str:
    where = f"environment {e.env!r}" if e.env else "the top level (no --env)"
    if e.edge is None:
        return f"{e.url}: no route in {where} matches; Cloudflare does not run a worker for it"
    lines = [e.url, (f"  route: {e.edge.pattern!r} -> script {e.edge.script!r} "
                     f"(score {e.edge.score}) in {where}")]
    for c in e.others:
        lines.append(f"  also matched: {c.pattern!r} -> script {c.script!r}: lost, {c.why_lost}")
    if e.not_found is not None:
        lines.append(f"  dispatch: no rule matches; 404 {e.not_found}")
    elif e.rule is not None:
        ns = f" in namespace {e.namespace!r}" if e.namespace else ""
        lines.append(f"  dispatch: {e.dispatched!r}{ns} by {e.rule['rule']} rule "
                     f"{e.rule['key']!r}")
    return "\n".join(lines)

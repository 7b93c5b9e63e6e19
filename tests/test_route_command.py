"""`confgen route`'s edge step agrees with a brute-force matcher written from the rule.

Routes are spread over several standalone workers of a real manifest, so the
whole path (manifest -> model -> explain) is exercised, not only patterns.py.
"""

from __future__ import annotations

import json

from hypothesis import given, settings
from hypothesis import strategies as st
from test_patterns import brute_best, route_texts, urls

from confgen import resolve
from confgen.explain import explain
from confgen.model import Project


def project_with_routes(texts: list[str]) -> Project:
    """Route i belongs to worker w<i % 3>, declared in order within each worker."""
    workers: dict[str, dict[str, object]] = {f"w{n}": {"main": "x.js", "routes": []}
                                             for n in range(3)}
    for i, text in enumerate(texts):
        routes = workers[f"w{i % 3}"]["routes"]
        assert isinstance(routes, list)
        routes.append(text)
    return resolve.build({"project": {"name": "p", "compatibility_date": "2025-10-01"},
                          "workers": workers})


@settings(max_examples=300, deadline=None)
@given(st.lists(route_texts, max_size=8, unique=True), urls)
def test_route_picks_the_script_brute_force_picks(texts: list[str], url: str) -> None:
    project = project_with_routes(texts)
    found = explain(project, url, None)
    # explain sees routes in worker order (w0's, then w1's, ...): brute force must too.
    ordered = [t for n in range(3) for i, t in enumerate(texts) if i % 3 == n]
    best, others = brute_best(ordered, url)
    if best is None:
        assert found.edge is None and not found.routed
        return
    assert found.edge is not None
    assert found.edge.pattern == ordered[best]
    assert sorted(c.pattern for c in found.others) == sorted(ordered[i] for i in others)
    assert all(c.why_lost for c in found.others)


def test_cloudflare_documented_oddities_through_route() -> None:
    project = project_with_routes(["example.com/images/*", "*.example.com/a",
                                   "example.com/images*", "a.example.com/*"])
    images = explain(project, "https://example.com/images/cat.png", None)
    assert images.edge is not None and images.edge.pattern == "example.com/images*"
    named = explain(project, "https://a.example.com/a", None)
    assert named.edge is not None and named.edge.pattern == "a.example.com/*"
    assert [c.pattern for c in named.others] == ["*.example.com/a"]
    assert json.loads(json.dumps(named.as_dict()))["route"]["script"] == "w0"

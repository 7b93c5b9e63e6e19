"""Cloudflare route patterns: what parses, what matches, and which route wins.

Sources: https://developers.cloudflare.com/workers/configuration/routing/routes/ and the
"Route specificity" entry of https://developers.cloudflare.com/workers/platform/known-issues/.
"""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from confgen.patterns import RoutePattern, best_match, matches, parse_pattern


def pat(text: str) -> RoutePattern:
    """Parse a pattern the test expects to be valid."""
    pattern, problems = parse_pattern(text)
    assert pattern is not None and problems == [], problems
    return pattern


# --- grammar -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "scheme", "host", "path"),
    [
        ("example.com", None, "example.com", ""),
        ("example.com/", None, "example.com", "/"),
        ("https://example.com/*", "https", "example.com", "/*"),
        ("http://*.example.com/images/*", "http", "*.example.com", "/images/*"),
        ("*example.com/*", None, "*example.com", "/*"),
        ("*/*", None, "*", "/*"),
        ("Example.COM/Path", None, "example.com", "/Path"),  # host folds, path does not
        ("example.com/images*", None, "example.com", "/images*"),
    ],
)
def test_valid_patterns(text: str, scheme: str | None, host: str, path: str) -> None:
    assert pat(text) == RoutePattern(text=text, scheme=scheme, host=host, path=path)


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("", "empty route pattern"),
        ("example.com/*.jpg", "end of the path"),
        ("example.com/a*/b", "end of the path"),
        ("a.*.example.com/*", "start of the host"),
        ("example.*/*", "start of the host"),
        ("example.com/?foo=*", "query strings"),
        ("example.com?x=1", "query strings"),
        ("example.com:8080/*", "ports"),
        ("ftp://example.com/*", "scheme 'ftp'"),
        ("/path/*", "empty host"),
        ("https:///*", "empty host"),
        ("example..com/*", "empty label"),
        ("*./*", "empty label"),
        ("exa mple.com/*", "whitespace"),
        ("exa$mple.com/*", "invalid label"),
        ("example.com/#top", "fragments"),
    ],
)
def test_invalid_patterns(text: str, fragment: str) -> None:
    pattern, problems = parse_pattern(text)
    assert pattern is None
    assert any(fragment in p for p in problems), problems


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("*.example.com", "wildcard host"),
        ("example.com/", "no path"),
        ("example.com/api", "no path"),
        ("https://example.com", "no scheme"),
    ],
)
def test_custom_domain_must_be_a_bare_host(text: str, fragment: str) -> None:
    pattern, problems = parse_pattern(text, custom_domain=True)
    assert pattern is not None  # parsed, but not usable as a custom domain
    assert any(fragment in p for p in problems), problems


def test_custom_domain_bare_host_is_fine() -> None:
    assert parse_pattern("api.example.com", custom_domain=True)[1] == []


@pytest.mark.parametrize(
    ("text", "zone", "ok"),
    [
        ("example.com/*", "example.com", True),
        ("api.example.com/*", "example.com", True),
        ("*.example.com/*", "example.com", True),
        ("*example.com/*", "example.com", True),
        ("*.api.example.com/*", "Example.com", True),
        ("*/*", "example.com", True),  # Cloudflare for SaaS: docs pair */* with zone_name
        ("example.org/*", "example.com", False),
        ("badexample.com/*", "example.com", False),  # suffix, but not on a label boundary
        ("*ample.com/*", "example.com", False),  # judged by what follows the star
        ("com/*", "example.com", False),
    ],
)
def test_zone_name(text: str, zone: str, ok: bool) -> None:
    pattern, problems = parse_pattern(text, zone_name=zone)
    assert pattern is not None
    assert (problems == []) is ok, problems
    if not ok:
        assert "outside zone" in problems[0]


# --- matching ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "url", "expected"),
    [
        # a pathless pattern means path "/" and nothing else
        ("example.com", "https://example.com/", True),
        ("example.com", "http://example.com", True),
        ("example.com", "https://example.com/a", False),
        # scheme: optional in the pattern; a URL without scheme is https
        ("https://example.com/*", "http://example.com/", False),
        ("http://example.com/*", "example.com/", False),
        ("example.com/*", "ftp://example.com/", False),
        # *.host is subhosts only, *host is the host and its subhosts, * is any host
        ("*.example.com/*", "https://www.example.com/", True),
        ("*.example.com/*", "https://a.b.example.com/x", True),
        ("*.example.com/*", "https://example.com/", False),
        ("*example.com/*", "https://example.com/", True),
        ("*example.com/*", "https://www.example.com/", True),
        ("*example.com/*", "https://badexample.com/", False),
        ("*/*", "https://anything.test/x", True),
        # trailing * matches any suffix, including the empty one
        ("example.com/images/*", "https://example.com/images/", True),
        ("example.com/images/*", "https://example.com/images/a/b.png", True),
        ("example.com/images/*", "https://example.com/images", False),
        ("example.com/images*", "https://example.com/images", True),
        ("example.com/images*", "https://example.com/images123", True),
        # without a star the path is exact
        ("example.com/a", "https://example.com/a", True),
        ("example.com/a", "https://example.com/a/", False),
        ("example.com/a", "https://example.com/ab", False),
        # paths are case sensitive, hosts are not
        ("example.com/Images/*", "https://example.com/images/x", False),
        ("example.com/a", "https://EXAMPLE.Com/a", True),
        ("EXAMPLE.com/a", "https://example.com/a", True),
        # port, userinfo and fragment are ignored
        ("example.com/a", "https://Example.com:443/a", True),
        ("example.com/a", "https://user@example.com:8080/a#frag", True),
        # the query string is part of what is matched (docs: "the entire request URL")
        ("example.com/a", "https://example.com/a?q=1", False),
        ("example.com/a*", "https://example.com/a?q=1", True),
        ("example.com/*", "https://example.com?q=1", True),
    ],
)
def test_matches(text: str, url: str, expected: bool) -> None:
    assert matches(pat(text), url) is expected


# --- precedence --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "score"),
    [
        ("example.com", 54),  # 26*2 + len(["", ""])
        ("example.com/*", 52),  # 26*2 + 2 - 2
        ("example.com/images*", 54),  # "images*" is not a bare "*" part
        ("example.com/images/*", 53),
        ("*.example.com/a", 28),  # 26*(3-2) + 2
        ("a.example.com/*", 78),
        ("*example.com/a", 54),  # first label "*example" is not a bare "*"
        ("*/*", -26),
    ],
)
def test_score(text: str, score: int) -> None:
    assert pat(text).score == score


def test_known_issue_images_star_beats_images_slash_star() -> None:
    routes = [pat("example.com/images/*"), pat("example.com/images*")]
    for url in ("example.com/images", "example.com/images123", "example.com/images/hello"):
        assert best_match(routes, url)[0] == 1
    assert best_match(routes, "example.com/images/hello")[1] == [(0, "score 53 < 54")]


def test_known_issue_named_host_beats_wildcard_host_with_path() -> None:
    routes = [pat("*.example.com/a"), pat("a.example.com/*")]
    assert best_match(routes, "https://a.example.com/a") == (1, [(0, "score 28 < 78")])


def test_docs_examples_of_specificity() -> None:
    routes = [pat("*.example.com/*"), pat("www.example.com/*")]
    assert best_match(routes, "https://www.example.com/")[0] == 1
    routes = [pat("example.com/*"), pat("example.com/hello/*")]
    assert best_match(routes, "example.com/hello/world")[0] == 1


def test_ties_go_to_the_longer_pattern_then_to_the_first_declared() -> None:
    routes = [pat("example.com/*"), pat("https://example.com/*"), pat("example.com/*")]
    assert best_match(routes, "https://example.com/x") == (
        1,
        [
            (0, "same score 52, shorter pattern (13 < 21)"),
            (2, "same score 52, shorter pattern (13 < 21)"),
        ],
    )
    routes = [pat("example.com/a*"), pat("example.com/ab")]
    assert best_match(routes, "example.com/ab") == (
        0,
        [(1, "same score and length, declared later")],
    )


def test_no_match() -> None:
    assert best_match([pat("example.com/a")], "https://example.com/b") == (None, [])
    assert best_match([], "https://example.com/") == (None, [])


# --- property: best_match against a brute force written from the rule text ---------------


def brute_regex(text: str) -> re.Pattern[str]:
    """A whole-URL regex for ``text``, built straight from the docs' wording."""
    m = re.fullmatch(r"(?:(https?)://)?([^/]+)(/.*)?", text)
    assert m is not None
    scheme, host, path = m.group(1), m.group(2).lower(), m.group(3) or "/"
    if host == "*":
        host_re = r"[^/:?#]+"
    elif host.startswith("*."):
        host_re = r"[^/:?#]+" + re.escape(host[1:])
    elif host.startswith("*"):
        host_re = r"(?:[^/:?#]+\.)?" + re.escape(host[1:])
    else:
        host_re = re.escape(host)
    if path.endswith("*"):
        path_re = re.escape(path[:-1]) + r"[^#]*"
    else:
        path_re = re.escape(path)
    return re.compile(f"{scheme or 'https?'}://{host_re}(?::[0-9]+)?{path_re}(?:#.*)?")


def brute_score(text: str) -> int:
    """26 per host label, 1 per path segment, the wildcard discounts of the rule text."""
    m = re.fullmatch(r"(?:https?://)?([^/]+)(/.*)?", text)
    assert m is not None
    labels = m.group(1).split(".")
    parts = (m.group(2) or "/").split("/")
    host = len(labels) - (2 if labels[0] == "*" else 0)
    return 26 * host + len(parts) - (2 if parts[-1] == "*" else 0)


def brute_best(texts: list[str], url: str) -> tuple[int | None, set[int]]:
    """Try every pattern; keep the best (score, length, -index)."""
    full = url if "://" in url else "https://" + url
    scheme, rest = full.split("://", 1)
    authority, _, tail = rest.partition("/")
    candidate = f"{scheme}://{authority.lower()}/{tail}"  # hosts fold case, paths do not
    hits = {i for i, t in enumerate(texts) if brute_regex(t).fullmatch(candidate)}
    if not hits:
        return None, set()
    best = max(hits, key=lambda i: (brute_score(texts[i]), len(texts[i]), -i))
    return best, hits - {best}


route_texts = st.builds(
    lambda scheme, host, path: scheme + host + path,
    st.sampled_from(["", "http://", "https://"]),
    st.sampled_from(
        [
            "example.com",
            "a.example.com",
            "b.a.example.com",
            "*.example.com",
            "*example.com",
            "*.a.example.com",
            "*",
            "other.com",
        ]
    ),
    st.sampled_from(
        ["", "/", "/*", "/a", "/a*", "/a/*", "/a/b", "/images", "/images*", "/images/*"]
    ),
)
urls = st.builds(
    lambda scheme, host, port, path, query: scheme + host + port + path + query,
    st.sampled_from(["", "http://", "https://"]),
    st.sampled_from(
        [
            "example.com",
            "a.example.com",
            "b.a.example.com",
            "A.Example.COM",
            "badexample.com",
            "other.com",
        ]
    ),
    st.sampled_from(["", ":443", ":8080"]),
    st.sampled_from(
        ["/", "/a", "/a/", "/a/b", "/ab", "/images", "/images/", "/images/hello", "/images123"]
    ),
    st.sampled_from(["", "?q=1"]),
)


@given(st.lists(route_texts, max_size=8), urls)
def test_best_match_agrees_with_brute_force(texts: list[str], url: str) -> None:
    winner, losers = best_match([pat(t) for t in texts], url)
    expected_winner, expected_losers = brute_best(texts, url)
    assert winner == expected_winner
    assert {i for i, _ in losers} == expected_losers

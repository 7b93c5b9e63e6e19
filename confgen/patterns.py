"""Cloudflare Workers route patterns: grammar, URL matching and precedence.

Why this module exists: wrangler accepts almost any ``pattern`` string and Cloudflare only
complains at deploy time, or silently routes a request to another Worker.  We check the
grammar up front and can explain, for a given URL, which route wins and why the others lose.

Semantics, and where each choice comes from:

* Grammar ``[scheme://]host[/path]``; scheme ``http`` or ``https`` only; no query string, no
  port, no infix ``*`` ("Matching behavior" and "Validity" in
  https://developers.cloudflare.com/workers/configuration/routing/routes/).
* No path means the implied path ``/``: ``example.com`` matches ``https://example.com/`` and
  nothing else (routes docs, "Route patterns must include your zone").  So a pathless route is
  legal, just narrow; it is scored as ``/``.
* Host ``*example.com`` matches ``example.com`` and its subhosts; ``*.example.com`` subhosts
  only; ``*`` any host (routes docs, "Hostnames may optionally begin with *").  We compare on
  label boundaries as the docs describe; miniflare does a plain suffix test, so it also lets
  ``*example.com`` match ``badexample.com``.
* A trailing path ``*`` matches any suffix, including none (routes docs, "Paths may optionally
  end with *").
* The query string counts: "Route pattern matching considers the entire request URL,
  including the query parameter string", so ``/a?x=1`` matches ``/a*`` but not ``/a``.  The
  URL's port, userinfo and fragment play no part.
* Hosts match case-insensitively (DNS names; ``new URL`` lowercases them).  Paths are case
  sensitive (routes docs: ``/Images/*`` and ``/images/*`` are distinct).
* A URL with no scheme is read as ``https://``.
* Precedence is the specificity function in miniflare's router ("adapted from internal
  config service routing table implementation", workers-sdk), which is the manifest spec's
  formula: ``26 * host_score + path_score`` where ``host_score`` is the number of ``.``-labels
  minus 2 if the first label is exactly ``*``, and ``path_score`` is the number of parts of
  ``path.split("/")`` (``/`` and ``/a`` count 2, ``/a/*`` counts 3) minus 2 if the last part is
  exactly ``*``.  The host's minus 2 is in labels, i.e. 52 points.  A tie goes to the longer
  pattern text, scheme included, then to the pattern declared first.

The two quirks from https://developers.cloudflare.com/workers/platform/known-issues/
("Route specificity") both follow from that: ``example.com/images*`` scores 52+2 = 54 and
beats ``example.com/images/*`` at 52+3-2 = 53 (``images*`` is not a bare ``*`` part), and
``a.example.com/*`` (78+2-2 = 78) beats ``*.example.com/a`` ((3-2)*26+2 = 28).  A subtler
one: ``*example.com/x`` ties with ``example.com/x`` (its first label is ``*example``, not
``*``) and wins as the longer pattern.

Choices beyond the docs: a bare ``*`` host may carry a ``zone_name`` (the routes docs use
``*/*`` with ``zone_name`` for Cloudflare for SaaS); a custom domain must also have no scheme.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from confgen.record import record

SCHEMES = ("http", "https")
_LABEL_RE = re.compile(r"^(?:[A-Za-z0-9_-]|[^\x00-\x7f])+\Z")


@record
class RoutePattern:
    """One parsed route pattern; ``text`` is kept verbatim because ties compare its length."""

    text: str
    scheme: str | None
    host: str
    path: str

    @property
    def host_wildcard(self) -> bool:
        """True for ``*``, ``*.zone`` and ``*zone`` hosts."""
        return self.host.startswith("*")

    @property
    def path_wildcard(self) -> bool:
        """True when the path ends with ``*`` (prefix match)."""
        return self.path.endswith("*")

    @property
    def score(self) -> int:
        """Cloudflare's specificity; higher wins (see the module docstring)."""
        labels = self.host.split(".")
        host_score = len(labels) - (2 if labels[0] == "*" else 0)
        parts = (self.path or "/").split("/")
        path_score = len(parts) - (2 if parts[-1] == "*" else 0)
        return 26 * host_score + path_score


def _grammar_problems(text: str, scheme: str | None, host: str, path: str) -> list[str]:
    """Problems that make the pattern meaningless to Cloudflare."""
    problems: list[str] = []
    if text.split() != [text]:  # str.split cuts at exactly the characters isspace() names
        problems.append("whitespace is not allowed in a route pattern")
    if scheme is not None and scheme not in SCHEMES:
        problems.append(f"scheme {scheme!r} is not allowed: use http://, https:// or none")
    rest = host + path
    if "?" in rest:
        problems.append("query strings are not allowed in a route pattern")
    if "#" in rest:
        problems.append("fragments are not allowed in a route pattern")
    if not host:
        problems.append("empty host")
        return problems
    if ":" in host:
        problems.append("ports are not allowed in a route pattern")
    if "*" in host[1:]:
        problems.append("'*' may only stand at the start of the host")
    if host != "*":
        bare = host.split(":", 1)[0]
        bare = bare[2:] if bare.startswith("*.") else bare.lstrip("*")
        for label in bare.split("."):
            if not label:
                problems.append(f"host {host!r} has an empty label")
                break
            if "*" not in label and not _LABEL_RE.match(label):
                problems.append(f"host {host!r} has an invalid label {label!r}")
                break
    if "*" in path[:-1]:
        problems.append("'*' may only stand at the end of the path")
    return problems


def in_zone(host: str, zone: str) -> bool:
    """Whether every host the pattern can match lies in ``zone``."""
    if host == "*":
        return True
    bare = host[2:] if host.startswith("*.") else host.lstrip("*")
    return bare == zone or bare.endswith("." + zone)


def parse_pattern(
    text: str, *, custom_domain: bool = False, zone_name: str | None = None
) -> tuple[RoutePattern | None, list[str]]:
    """Parse ``text``; the pattern is None exactly when the grammar is broken.

    Custom-domain and zone problems leave the pattern parsed, so callers can still show it.
    """
    if not text:
        return None, ["empty route pattern"]
    scheme: str | None = None
    rest = text
    if "://" in text:
        raw_scheme, rest = text.split("://", 1)
        scheme = raw_scheme.lower()
    host, slash, path = rest.partition("/")
    path = slash + path
    for mark in "?#":
        if mark in host:
            host, tail = host.split(mark, 1)
            path = mark + tail + path
    host = host.lower()
    problems = _grammar_problems(text, scheme, host, path)
    if problems:
        return None, problems
    pattern = RoutePattern(text=text, scheme=scheme, host=host, path=path)
    if custom_domain:
        if pattern.host_wildcard:
            problems.append("a custom domain cannot have a wildcard host")
        if path:
            problems.append("a custom domain is a bare host: no path")
        if scheme is not None:
            problems.append("a custom domain is a bare host: no scheme")
    if zone_name is not None:
        zone = zone_name.strip().lower().rstrip(".")
        if not in_zone(host, zone):
            problems.append(f"host {host!r} is outside zone {zone_name!r}")
    return pattern, problems


def _split_url(url: str) -> tuple[str, str, str]:
    """Return (scheme, lowercased host, path plus any non-empty query) of ``url``."""
    scheme, sep, rest = url.partition("://")
    if not sep:
        scheme, rest = "https", url
    rest = rest.split("#", 1)[0]
    cut = min((i for i in (rest.find("/"), rest.find("?")) if i >= 0), default=len(rest))
    authority, target = rest[:cut], rest[cut:]
    host = authority.rpartition("@")[2]
    name, colon, port = host.rpartition(":")
    if colon and (port.isdigit() or not port):
        host = name
    path, qmark, query = target.partition("?")
    path = path or "/"
    return scheme.lower(), host.lower(), path + (qmark + query if query else "")


def _host_matches(pattern_host: str, host: str) -> bool:
    """Host test on label boundaries, as the routes docs describe."""
    if pattern_host == "*":
        return True
    if pattern_host.startswith("*."):
        return host.endswith(pattern_host[1:])
    if pattern_host.startswith("*"):
        bare = pattern_host[1:]
        return host == bare or host.endswith("." + bare)
    return host == pattern_host


def matches(pattern: RoutePattern, url: str) -> bool:
    """Whether Cloudflare would consider ``pattern`` for a request to ``url``."""
    scheme, host, target = _split_url(url)
    if scheme not in SCHEMES or (pattern.scheme is not None and pattern.scheme != scheme):
        return False
    if not _host_matches(pattern.host, host):
        return False
    path = pattern.path or "/"
    if pattern.path_wildcard:
        return target.startswith(path[:-1])
    return target == path


def best_match(
    patterns: Sequence[RoutePattern], url: str
) -> tuple[int | None, list[tuple[int, str]]]:
    """Index of the route Cloudflare runs for ``url`` and why each other match lost.

    Losers come in precedence order (runner-up first).
    """
    ranked = sorted(
        (i for i, p in enumerate(patterns) if matches(p, url)),
        key=lambda i: (-patterns[i].score, -len(patterns[i].text), i),
    )
    if not ranked:
        return None, []
    winner = patterns[ranked[0]]
    reasons: list[tuple[int, str]] = []
    for i in ranked[1:]:
        p = patterns[i]
        if p.score != winner.score:
            why = f"score {p.score} < {winner.score}"
        elif len(p.text) != len(winner.text):
            why = f"same score {p.score}, shorter pattern ({len(p.text)} < {len(winner.text)})"
        else:
            why = "same score and length, declared later"
        reasons.append((i, why))
    return ranked[0], reasons

"""Compile host and path routing rules into a standalone Python module for the dispatcher.

The generated module answers every request with a handful of dict and set lookups, so the
cost of routing does not grow with the number of rules; all sorting, normalising and
checking happens here, once, at generation time.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from confgen.record import record

TEMPLATE = "router.py.j2"
WILDCARD = "*."


@record
class RouterSpec:
    """What the dispatcher routes on, as read from the manifest."""

    hosts: Mapping[str, str]
    """Host -> service; keys starting "*." match any subdomain of the rest."""
    paths: Mapping[str, str]
    """Path prefix -> service, matched on whole segments when no host rule applies."""
    root_domains: tuple[str, ...]
    """Hosts that fall through to `default` when neither host nor path rules match."""
    default: str | None
    """Service for the root domains, or None."""
    namespace_bindings: Mapping[str, str]
    """Environment -> dispatch-namespace binding name."""
    source: str = "project.toml"
    """Named in the header so a reader knows what to edit instead."""


def normalise_host(host: str) -> str:
    """Lower case, no port, no trailing dots: the generated module applies the same rule.

    A bracketed IPv6 host ("[::1]:8787") keeps its brackets; an unbracketed one with several
    colons has no port to strip and is left alone.
    """
    host = host.lower()
    if host[:1] == "[":
        end = host.find("]")
        return host if end < 0 else host[: end + 1]
    if host.count(":") == 1:
        host = host[: host.index(":")]
    return host.rstrip(".")


def path_prefix(key: str) -> str:
    """The table form of a path rule: no trailing slash, so "/" becomes ""."""
    if not key.startswith("/"):
        raise ValueError(f"path rule {key!r} must start with '/'")
    prefix = key.rstrip("/")
    if "//" in prefix:
        raise ValueError(f"path rule {key!r} has an empty segment")
    return prefix


def _unique(rule: str, pairs: Iterable[tuple[str, str, str]]) -> list[tuple[str, str, str]]:
    """Sorted (table key, service, manifest key); two manifest keys may not share a table key."""
    seen: dict[str, str] = {}
    rows: list[tuple[str, str, str]] = []
    for key, service, original in pairs:
        if key in seen:
            raise ValueError(f"{rule} rules {seen[key]!r} and {original!r} are the same rule")
        if not isinstance(service, str) or not service:
            raise ValueError(f"{rule} rule {original!r} needs a service name")
        seen[key] = original
        rows.append((key, service, original))
    return sorted(rows)


def _host_key(key: str) -> str:
    host = normalise_host(key)
    if not host or "*" in host:
        raise ValueError(f"host rule {key!r} is not a host or a leading '*.' wildcard")
    return host


def _context(spec: RouterSpec) -> dict[str, object]:
    """Everything the template prints, already normalised, checked and sorted."""
    if not spec.source.isprintable():
        raise ValueError("source must be one printable line: it goes into a comment")
    exact = _unique(
        "host",
        ((_host_key(k), s, k) for k, s in spec.hosts.items() if not k.startswith(WILDCARD)),
    )
    wildcards = _unique(
        "wildcard",
        (
            (_host_key(k[len(WILDCARD) :]), s, k)
            for k, s in spec.hosts.items()
            if k.startswith(WILDCARD)
        ),
    )
    paths = _unique("path", ((path_prefix(k), s, k) for k, s in spec.paths.items()))
    roots = sorted({_host_key(d) for d in spec.root_domains})
    if spec.default is not None and not spec.default:
        raise ValueError("default must be a service name or None")
    services = {s for _, s, _ in exact + wildcards + paths}
    if spec.default is not None:
        services.add(spec.default)
    return {
        "source": spec.source,
        "hosts": [(k, s) for k, s, _ in exact],
        "wildcards": [(k, s) for k, s, _ in wildcards],
        "paths": [(k, s) for k, s, _ in paths],
        "path_keys": [(k, o) for k, _, o in paths],
        "path_depth": max((k.count("/") for k, _, _ in paths), default=0),
        "root_domains": roots,
        "default": spec.default,
        "services": sorted(services),
        "namespace_bindings": sorted(spec.namespace_bindings.items()),
    }


def table_data(spec: RouterSpec) -> dict[str, object]:
    """The module-level tables the generated module must define, by name: what its text
    has to parse back to (see confgen.render.verify)."""
    c: dict[str, Any] = _context(spec)
    return {
        "_HOSTS": dict(c["hosts"]),
        "_WILDCARDS": dict(c["wildcards"]),
        "_PATHS": dict(c["paths"]),
        "_PATH_KEYS": dict(c["path_keys"]),
        "_PATH_DEPTH": c["path_depth"],
        "_ROOT_DOMAINS": frozenset(c["root_domains"]),
        "DEFAULT": c["default"],
        "SERVICES": tuple(c["services"]),
        "NAMESPACE_BINDINGS": dict(c["namespace_bindings"]),
    }


def render_router_module(spec: RouterSpec) -> str:
    """The router module's text: same spec, same bytes, whatever order the mappings had.

    Raises ValueError for rules that cannot be compiled. Its syntax (Python 3.9) and tables
    are checked by confgen.render.verify before the file is written.
    """
    from confgen.templating import render  # deferred: validate needs this module, not jinja2

    return render(TEMPLATE, **_context(spec))

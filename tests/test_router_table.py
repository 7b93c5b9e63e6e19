"""The generated router module: every row of the platform's routing tables, the edge cases
the dispatcher meets (ports, case, trailing dots, IPv6, segment boundaries), and agreement
with a brute-force reference for random rules."""

from __future__ import annotations

import ast
import hashlib
import importlib.util
import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from confgen.record import replace
from confgen.render import router_spec
from confgen.router_table import RouterSpec, normalise_host, render_router_module
from confgen.validate import validate_file

REPO = Path(__file__).resolve().parents[1]

# Rows of the platform's routing tables ([router] in project.toml) that must keep routing.
HOSTS = {
    "gateway.do": "gateway",
    "db.do": "db",
    "auth.do": "auth",
    "schedule.do": "schedule",
    "webhooks.do": "webhooks",
    "email.do": "email",
    "mcp.do": "mcp",
    "queue.do": "queue",
    "db.apis.do": "db",
    "db.mw": "db",
}
WILDCARD_HOSTS = {"a.mcp.do": "*.mcp.do", "x.y.mcp.do": "*.mcp.do", "eu.db.mw": "*.db.mw"}
PATHS = {"/api/db/": "db", "/api/auth/": "auth", "/api/schedule/": "schedule"}
SERVICES = ["auth", "db", "email", "gateway", "mcp", "queue", "schedule", "webhooks"]
WILD = RouterSpec(
    hosts={"*.mcp.do": "mcp", "*.deep.mcp.do": "deep", "exact.mcp.do": "exact", "*.do": "any"},
    paths={},
    root_domains=(),
    default=None,
    namespace_bindings={},
)
NESTED = RouterSpec(
    hosts={},
    paths={"/": "root", "/api/": "api", "/api/db/": "db", "/api/db/admin": "admin"},
    root_domains=(),
    default=None,
    namespace_bindings={},
)


def load(src: str, directory: Path) -> ModuleType:
    """Import generated text the way the dispatcher would: as a file on disk."""
    name = "router_" + hashlib.sha256(src.encode()).hexdigest()[:16]
    file = directory / f"{name}.py"
    file.write_text(src, encoding="utf-8")
    spec = importlib.util.spec_from_file_location(name, file)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def modules(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("routers")


@pytest.fixture(scope="module")
def platform() -> RouterSpec:
    """The real manifest, through the loader and spec builder `confgen generate` uses."""
    result = validate_file(REPO / "project.toml")
    assert result.project is not None and result.errors == 0, result.diagnostics
    spec = router_spec(result.project, "project.toml")
    assert spec is not None
    return spec


@pytest.fixture(scope="module")
def router(platform: RouterSpec, modules: Path) -> ModuleType:
    return load(render_router_module(platform), modules)


@pytest.mark.parametrize(("host", "service"), sorted(HOSTS.items()))
def test_every_host_row(router: ModuleType, host: str, service: str) -> None:
    assert router.resolve(host) == service
    assert router.resolve(host, "/api/db/query") == service  # a host rule beats a path rule
    assert router.explain(host) == {"service": service, "rule": "host", "key": host}


@pytest.mark.parametrize(("host", "key"), sorted(WILDCARD_HOSTS.items()))
def test_platform_wildcards(router: ModuleType, host: str, key: str) -> None:
    service = "db" if key == "*.db.mw" else "mcp"
    assert router.explain(host, "/api/auth/") == {
        "service": service,
        "rule": "wildcard",
        "key": key,
    }


@pytest.mark.parametrize(("prefix", "service"), sorted(PATHS.items()))
@pytest.mark.parametrize("host", ["example.com", "do", "api.do", "localhost:8787"])
def test_every_path_row_when_no_host_matched(
    router: ModuleType, host: str, prefix: str, service: str
) -> None:
    bare = prefix.rstrip("/")
    for path in (prefix, bare, bare + "/query", bare + "/a/b?c=d", bare + "//x"):
        assert router.resolve(host, path) == service, path
    assert router.explain(host, bare + "/x") == {"service": service, "rule": "path", "key": prefix}


@pytest.mark.parametrize("host", ["do", "api.do", "DO", "api.do.:443", "Api.Do:8787"])
def test_root_domains_go_to_default(router: ModuleType, host: str) -> None:
    assert router.resolve(host) == "gateway"
    assert router.resolve(host, "/anything/else") == "gateway"
    assert router.explain(host)["rule"] == "default"


def test_unknown_host_is_none_with_a_404_body(router: ModuleType) -> None:
    assert router.resolve("example.com", "/x") is None
    assert router.explain("example.com", "/x") == {"service": None, "rule": None, "key": None}
    assert router.not_found("example.com", "/x") == {
        "error": "Service not found",
        "message": "No worker found for example.com/x",
        "available_services": SERVICES,
    }


def test_services_and_bindings(router: ModuleType) -> None:
    assert router.SERVICES == tuple(SERVICES)
    assert router.NAMESPACE_BINDINGS == {
        "development": "DEVELOPMENT",
        "production": "PRODUCTION",
        "staging": "STAGING",
    }


@pytest.mark.parametrize(
    "host", ["DB.DO", "db.do:8787", "db.do.", "db.do..", "Db.Do.:443", "db.do:"]
)
def test_host_case_port_and_trailing_dot(router: ModuleType, host: str) -> None:
    assert router.resolve(host) == "db"
    assert router.explain(host)["key"] == "db.do"


@pytest.mark.parametrize("host", ["[::1]:8787", "[::1]", "[::1", "::1", "[", ":", "", "."])
def test_odd_hosts_do_not_crash(router: ModuleType, host: str) -> None:
    assert router.resolve(host) is None
    assert router.resolve(host, "/api/db/x") == "db"
    assert router.normalise_host(host) == normalise_host(host)


def test_ipv6_keeps_brackets_and_drops_port(router: ModuleType) -> None:
    assert router.normalise_host("[::1]:8787") == normalise_host("[::1]:8787") == "[::1]"
    assert router.explain("[::1]:8787", "/api/auth/x")["key"] == "/api/auth/"


@pytest.mark.parametrize("path", ["/api/dbx", "/api/dbx/query", "/api", "/api/", "/", "", "/db"])
def test_path_prefixes_are_whole_segments(router: ModuleType, path: str) -> None:
    assert router.resolve("example.com", path) is None


def test_path_without_leading_slash(router: ModuleType) -> None:
    assert router.resolve("example.com", "api/db/query") == "db"


@pytest.mark.parametrize(
    ("host", "service", "key"),
    [
        ("a.mcp.do", "mcp", "*.mcp.do"),
        ("x.y.mcp.do", "mcp", "*.mcp.do"),
        ("A.MCP.DO.:443", "mcp", "*.mcp.do"),
        ("deep.mcp.do", "mcp", "*.mcp.do"),  # a wildcard never matches its own suffix
        ("x.deep.mcp.do", "deep", "*.deep.mcp.do"),  # longest suffix wins
        ("exact.mcp.do", "exact", "exact.mcp.do"),  # exact beats wildcard
        ("mcp.do", "any", "*.do"),  # not via *.mcp.do
        ("xmcp.do", "any", "*.do"),  # label boundary
        ("do", None, None),
    ],
)
def test_wildcards(modules: Path, host: str, service: str | None, key: str | None) -> None:
    router = load(render_router_module(WILD), modules)
    assert router.resolve(host) == service
    assert router.explain(host)["key"] == key


def test_wildcard_suffix_alone_is_not_matched(modules: Path) -> None:
    only = RouterSpec({"*.mcp.do": "mcp"}, {}, (), None, {})
    router = load(render_router_module(only), modules)
    assert router.resolve("mcp.do") is None
    assert router.resolve("a.mcp.do") == "mcp"


@pytest.mark.parametrize(
    ("path", "service", "key"),
    [
        ("/api/db/admin/x", "admin", "/api/db/admin"),
        ("/api/db/admin", "admin", "/api/db/admin"),
        ("/api/db/adminx", "db", "/api/db/"),
        ("/api/db", "db", "/api/db/"),
        ("/api/x", "api", "/api/"),
        ("/apix", "root", "/"),
        ("", "root", "/"),
    ],
)
def test_longest_path_prefix_wins(modules: Path, path: str, service: str, key: str) -> None:
    router = load(render_router_module(NESTED), modules)
    assert router.explain("example.com", path) == {"service": service, "rule": "path", "key": key}


def test_deterministic_whatever_the_input_order(platform: RouterSpec) -> None:
    first = render_router_module(platform)
    assert render_router_module(platform) == first
    reordered = replace(
        platform,
        hosts=dict(list(platform.hosts.items())[::-1]),
        paths=dict(list(platform.paths.items())[::-1]),
        root_domains=platform.root_domains[::-1],
        namespace_bindings=dict(list(platform.namespace_bindings.items())[::-1]),
    )
    assert list(reordered.hosts) != list(platform.hosts)
    assert render_router_module(reordered).encode() == first.encode()


def test_header_says_generated_and_how_to_regenerate(platform: RouterSpec) -> None:
    head = "".join(render_router_module(platform).splitlines(keepends=True)[:2])
    assert head.startswith("# Generated from project.toml by confgen.")
    assert "Do not edit" in head and "`confgen generate`" in head


def test_parses_as_python_39_and_imports_only_stdlib(platform: RouterSpec) -> None:
    tree = ast.parse(render_router_module(platform), feature_version=(3, 9))
    imported = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            imported |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            assert node.level == 0 and node.module is not None
            imported.add(node.module.split(".")[0])
    assert imported <= sys.stdlib_module_names | {"__future__"}, imported
    assert not any(isinstance(node, ast.Match) for node in ast.walk(tree))


def python39() -> str | None:
    """A working Python 3.9 on this machine, if there is one."""
    candidates = [str(p) for p in Path.home().glob(".pyenv/versions/3.9*/bin/python3.9")]
    for exe in ["python3.9", *candidates]:
        try:
            done = subprocess.run([exe, "-c", "pass"], check=False, capture_output=True, timeout=30)
        except (OSError, subprocess.TimeoutExpired):
            continue
        if done.returncode == 0:
            return exe
    return None


def test_runs_on_python_39(platform: RouterSpec, modules: Path) -> None:
    exe = python39()
    if exe is None:
        pytest.skip("no Python 3.9 interpreter here")
    file = modules / "router39.py"
    file.write_text(render_router_module(platform), encoding="utf-8")
    check = (
        "import runpy, sys; m = runpy.run_path(sys.argv[1]); "
        "assert m['resolve']('DB.do:1', '/') == 'db'; "
        "assert m['explain']('x', '/api/auth')['rule'] == 'path'; "
        "assert m['resolve']('[::1]:8787') is None"
    )
    subprocess.run([exe, "-c", check, str(file)], check=True, timeout=60)


@pytest.mark.parametrize(
    "spec",
    [
        RouterSpec({"db.do": "a", "DB.do.": "b"}, {}, (), None, {}),
        RouterSpec({"*.x.do": "a", "*.X.DO": "b"}, {}, (), None, {}),
        RouterSpec({"a.*.do": "a"}, {}, (), None, {}),
        RouterSpec({"*.": "a"}, {}, (), None, {}),
        RouterSpec({}, {"/api/db": "a", "/api/db/": "b"}, (), None, {}),
        RouterSpec({}, {"api/db": "a"}, (), None, {}),
        RouterSpec({}, {"/api//db": "a"}, (), None, {}),
        RouterSpec({"db.do": ""}, {}, (), None, {}),
        RouterSpec({}, {}, ("",), "gateway", {}),
        RouterSpec({}, {}, (), None, {}, source="project.toml\nimport os"),
    ],
)
def test_rules_that_cannot_compile_are_refused(spec: RouterSpec) -> None:
    with pytest.raises(ValueError):
        render_router_module(spec)


# --- random rules against a brute-force reference -------------------------------------------

NAMES = st.lists(st.sampled_from(["a", "b", "do", "mcp"]), min_size=1, max_size=4).map(".".join)
SEGMENTS = st.lists(st.sampled_from(["api", "db", "dbx", "x"]), max_size=3).map("/".join)
SERVICE = st.sampled_from(["s1", "s2", "s3", "s4"])
SPELLING = st.sampled_from(["{}", "{}.", "{}:8787", "{}.:443", "{}.."]).flatmap(
    lambda f: st.sampled_from([f, f.upper()])
)
KEY_SPELLING: st.SearchStrategy[Callable[[str], str]] = st.sampled_from(
    [str, str.upper, "{}.".format]
)


@st.composite
def specs(draw: st.DrawFn) -> RouterSpec:
    exact = draw(st.dictionaries(NAMES, SERVICE, max_size=6))
    wild = draw(st.dictionaries(NAMES, SERVICE, max_size=6))
    paths = draw(st.dictionaries(SEGMENTS, st.tuples(SERVICE, st.booleans()), max_size=6))
    hosts = {draw(KEY_SPELLING)(k): s for k, s in exact.items()}
    hosts |= {"*." + k: s for k, s in wild.items()}
    return RouterSpec(
        hosts=hosts,
        paths={"/" + k + ("/" if slash and k else ""): s for k, (s, slash) in paths.items()},
        root_domains=tuple(draw(st.lists(NAMES, max_size=3))),
        default=draw(st.none() | SERVICE),
        namespace_bindings={},
    )


HOST_QUERIES = st.tuples(SPELLING, NAMES).map(lambda t: t[0].format(t[1])) | st.text(max_size=8)
PATH_QUERIES = (
    st.tuples(
        st.sampled_from(["/", "", "//"]), SEGMENTS, st.sampled_from(["", "/", "//", "/q"])
    ).map("".join)
    | st.text(alphabet="/apidbx", max_size=12)
    | st.text(max_size=6)
)


def ref_host(host: str) -> str:
    """Host normalisation restated from the rules: lower case, no port, no trailing dots."""
    h = host.lower()
    if h.startswith("["):
        bracketed = re.match(r"\[[^\]]*\]", h)
        return bracketed.group(0) if bracketed else h
    return (h.split(":")[0] if h.count(":") == 1 else h).rstrip(".")


def reference(spec: RouterSpec, host: str, path: str) -> str | None:
    """Scan every rule, in the documented order; slow and obviously right."""
    h = ref_host(host)
    for key, service in spec.hosts.items():
        if not key.startswith("*.") and ref_host(key) == h:
            return service
    wild: list[tuple[int, str]] = []
    for key, service in spec.hosts.items():
        if key.startswith("*.") and h.endswith("." + ref_host(key[2:])):
            wild.append((len(ref_host(key[2:])), service))
    if wild:
        return max(wild, key=lambda hit: hit[0])[1]
    p = path if path.startswith("/") else "/" + path
    prefixes: list[tuple[int, str]] = []
    for key, service in spec.paths.items():
        k = key.rstrip("/")
        if p == k or p.startswith(k + "/"):
            prefixes.append((len(k), service))
    if prefixes:
        return max(prefixes, key=lambda hit: hit[0])[1]
    if h in {ref_host(d) for d in spec.root_domains}:
        return spec.default
    return None


@settings(max_examples=300, deadline=None)
@given(specs(), st.lists(st.tuples(HOST_QUERIES, PATH_QUERIES), min_size=1, max_size=25))
def test_resolve_agrees_with_brute_force(
    modules: Path, spec: RouterSpec, queries: list[tuple[str, str]]
) -> None:
    router = load(render_router_module(spec), modules)
    for host, path in queries:
        expected = reference(spec, host, path)
        assert router.resolve(host, path) == expected, (host, path)
        explained: dict[str, Any] = router.explain(host, path)
        assert explained["service"] == expected
        assert (explained["rule"] is None) == (expected is None)


@given(HOST_QUERIES | st.text(alphabet="[]:.aA\u0130", max_size=8))
def test_normalise_host_is_the_rule_the_module_uses(router: ModuleType, host: str) -> None:
    assert normalise_host(host) == router.normalise_host(host) == ref_host(host)

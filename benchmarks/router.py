"""Benchmark the generated router table against a linear scan and werkzeug's host routing.

Run as `.venv/bin/python benchmarks/router.py`. The claim under test: resolve() costs the
same for 10 rules or 100,000, because every rule kind is a dict or set lookup.
"""

from __future__ import annotations

import gc
import importlib.util
import platform
import py_compile
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import timeit
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from types import ModuleType
from typing import Any

from confgen.router_table import RouterSpec, normalise_host, render_router_module

SIZES = (10, 1_000, 10_000, 100_000)
BUILD_LIMIT_S = 60.0
Query = tuple[str, str]
Resolver = Callable[[str, str], "str | None"]


def make_spec(n: int) -> RouterSpec:
    """n rules: 80% exact hosts, 10% wildcard hosts, 10% path prefixes (at least one each)."""
    wild = max(1, n // 10)
    paths = max(1, n // 10)
    exact = n - wild - paths
    hosts = {f"h{i}.do": f"svc{i % 97}" for i in range(exact)}
    hosts |= {f"*.w{i}.do": f"wild{i % 89}" for i in range(wild)}
    return RouterSpec(
        hosts=hosts,
        paths={f"/api/p{i}/": f"path{i % 83}" for i in range(paths)},
        root_domains=("do", "api.do"),
        default="gateway",
        namespace_bindings={"production": "PRODUCTION"},
        source="benchmark",
    )


def make_mix(n: int) -> list[Query]:
    """The same twelve requests at every size: seven hits, five misses, spread over the table."""
    wild = max(1, n // 10)
    exact = n - 2 * wild
    return [
        (f"h{exact // 2}.do", "/"),
        (f"H{exact - 1}.DO:8787", "/x"),
        (f"a.w{wild // 2}.do", "/"),
        (f"x.y.w{wild - 1}.do", "/deep/path"),
        ("unknown.example", f"/api/p{wild // 2}/items/7"),
        ("unknown.example", f"/api/p{wild - 1}"),
        ("do", "/"),
        ("api.do", "/nothing"),
        ("nope.example", "/"),
        ("nope.example", f"/api/p{wild // 2}x"),
        ("[::1]:8787", "/zzz"),
        ("w0.do", "/"),
    ]


def linear_scan(spec: RouterSpec) -> Resolver:
    """The obvious router: one pass over every rule per request (keys normalised up front)."""
    rules = [("host", normalise_host(k), s) for k, s in spec.hosts.items() if k[:2] != "*."]
    rules += [("wild", normalise_host(k[2:]), s) for k, s in spec.hosts.items() if k[:2] == "*."]
    rules += [("path", k.rstrip("/"), s) for k, s in spec.paths.items()]
    roots = [normalise_host(d) for d in spec.root_domains]

    def resolve(host: str, path: str) -> str | None:
        h = normalise_host(host)
        p = path if path.startswith("/") else "/" + path
        wild: tuple[int, str | None] = (-1, None)
        prefix: tuple[int, str | None] = (-1, None)
        for kind, key, service in rules:
            if kind == "host":
                if h == key:
                    return service
            elif kind == "wild":
                if len(key) > wild[0] and h.endswith("." + key):
                    wild = (len(key), service)
            elif len(key) > prefix[0] and (p == key or p.startswith(key + "/")):
                prefix = (len(key), service)
        return wild[1] or prefix[1] or (spec.default if h in roots else None)

    return resolve


class BuildTimeout(Exception):
    """Raised by SIGALRM when werkzeug's Map takes longer than BUILD_LIMIT_S to build."""


@contextmanager
def deadline(seconds: float) -> Iterator[None]:
    if not hasattr(signal, "SIGALRM"):
        yield
        return

    def expire(signum: int, frame: Any) -> None:
        raise BuildTimeout

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def werkzeug_router(spec: RouterSpec) -> tuple[Resolver, float]:
    """Map(host_matching=True): a rule pair ("/" and "/<path:p>") per host, wildcard and root;
    path rules and a catch-all on any host. Returns bind()+match() per request, build seconds."""
    from werkzeug.exceptions import NotFound
    from werkzeug.routing import Map, Rule

    start = time.perf_counter()
    rules: list[Rule] = []
    for key, service in spec.hosts.items():
        host = "<sub>." + key[2:] if key.startswith("*.") else key
        rules += [
            Rule("/", host=host, endpoint=service),
            Rule("/<path:p>", host=host, endpoint=service),
        ]
    for key, service in spec.paths.items():
        bare = key.rstrip("/")
        rules += [Rule(bare, host="<h>", endpoint=service)]
        rules += [Rule(bare + "/<path:p>", host="<h>", endpoint=service)]
    for root in spec.root_domains:
        rules += [Rule("/", host=root, endpoint=spec.default)]
        rules += [Rule("/<path:p>", host=root, endpoint=spec.default)]
    rules += [Rule("/", host="<h>", endpoint=""), Rule("/<path:p>", host="<h>", endpoint="")]
    table = Map(rules, host_matching=True)
    table.update()  # compile the matcher now rather than on the first request
    built = time.perf_counter() - start

    def resolve(host: str, path: str) -> str | None:
        try:
            endpoint = table.bind(host).match(path)[0]
        except NotFound:
            return None
        return str(endpoint) or None

    return resolve, built


def per_call_us(resolve: Resolver, mix: list[Query]) -> float:
    """Best of five timeit runs over the whole mix, as microseconds per request."""

    def run() -> None:
        for host, path in mix:
            resolve(host, path)

    timer = timeit.Timer(run)
    loops, _ = timer.autorange()
    best = min(timer.repeat(repeat=5, number=loops))
    return best / (loops * len(mix)) * 1e6


def import_ms(directory: Path, name: str) -> float:
    """Median of three fresh interpreters importing the module; interpreter startup excluded."""
    code = (
        f"import sys, time; sys.path.insert(0, {str(directory)!r}); t = time.perf_counter(); "
        f"import {name}; print(time.perf_counter() - t)"
    )
    runs = [
        float(
            subprocess.run(
                [sys.executable, "-B", "-c", code], check=True, capture_output=True, text=True
            ).stdout
        )
        for _ in range(3)
    ]
    return statistics.median(runs) * 1e3


def load(file: Path) -> ModuleType:
    spec = importlib.util.spec_from_file_location(file.stem, file)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def measure(n: int, directory: Path, previous_build: float | None) -> dict[str, str]:
    spec = make_spec(n)
    mix = make_mix(n)
    timings = []
    for _ in range(3 if n <= 10_000 else 1):
        start = time.perf_counter()
        text = render_router_module(spec)
        timings.append(time.perf_counter() - start)
    name = f"router_{n}"
    file = directory / f"{name}.py"
    file.write_text(text, encoding="utf-8")
    source_ms = import_ms(directory, name)  # -B and no __pycache__: compiled from source
    py_compile.compile(str(file), doraise=True)
    cached_ms = import_ms(directory, name)  # the .pyc written just above is loaded
    module = load(file)
    ours = per_call_us(module.resolve, mix)
    expected = [module.resolve(h, p) for h, p in mix]
    naive = linear_scan(spec)
    assert [naive(h, p) for h, p in mix] == expected, "linear scan disagrees"
    row = {
        "rules": f"{n:,}",
        "module": f"{len(text.encode()) / 1024:,.0f} KiB",
        "generate": f"{min(timings) * 1e3:,.1f} ms",
        "import (no .pyc)": f"{source_ms:,.1f} ms",
        "import (.pyc)": f"{cached_ms:,.1f} ms",
        "resolve()": f"{ours:.2f} us",
        "linear scan": f"{per_call_us(naive, mix):,.1f} us",
    }
    row.update(werkzeug_columns(spec, mix, expected, ours, previous_build))
    return row


def werkzeug_columns(
    spec: RouterSpec,
    mix: list[Query],
    expected: list[str | None],
    ours: float,
    previous_build: float | None,
) -> dict[str, str]:
    if importlib.util.find_spec("werkzeug") is None:
        missing = "not installed"
        return {"wz build": missing, "werkzeug": missing, "speedup": "n/a"}
    skipped = f"skipped (build > {BUILD_LIMIT_S:.0f} s)"
    # A build estimated (linearly, from the last size) at twice the limit is not attempted.
    if previous_build is not None and previous_build * 10 > 2 * BUILD_LIMIT_S:
        return {"wz build": skipped, "werkzeug": "-", "speedup": "-"}
    try:
        with deadline(BUILD_LIMIT_S):
            resolve, built = werkzeug_router(spec)
    except BuildTimeout:
        gc.collect()
        return {"wz build": skipped, "werkzeug": "-", "speedup": "-"}
    hosts = [(normalise_host(h), p) for h, p in mix]  # werkzeug does not strip ports itself
    agree = sum(resolve(h, p) == e for (h, p), e in zip(hosts, expected))
    theirs = per_call_us(resolve, hosts)
    note = "" if agree == len(mix) else f" ({agree}/{len(mix)} agree)"
    return {
        "wz build": f"{built:,.2f} s",
        "werkzeug": f"{theirs:,.1f} us{note}",
        "speedup": f"{theirs / ours:,.0f}x",
    }


def main() -> None:
    rows = []
    previous_build: float | None = None
    with tempfile.TemporaryDirectory() as tmp:
        for n in SIZES:
            row = measure(n, Path(tmp), previous_build)
            built = row["wz build"]
            previous_build = float(built[:-2].replace(",", "")) if built.endswith(" s") else None
            rows.append(row)
            print(f"... {n:,} rules done", file=sys.stderr, flush=True)
    columns = list(rows[0])
    widths = {c: max(len(c), *(len(r[c]) for r in rows)) for c in columns}
    print(
        f"Python {platform.python_version()} on {platform.machine()}; "
        "rules = 80% exact hosts, 10% wildcards, 10% path prefixes"
    )
    print("  ".join(c.rjust(widths[c]) for c in columns))
    print("  ".join("-" * widths[c] for c in columns))
    for row in rows:
        print("  ".join(row[c].rjust(widths[c]) for c in columns))
    print(
        "generate: render_router_module() incl. ast.parse, best of 3 (1 at 100,000).\n"
        "import: median of 3 fresh `python -B` subprocesses timing only the import statement;\n"
        "  no .pyc = compiled from source, .pyc = after py_compile wrote the cache file.\n"
        "resolve / linear scan / werkzeug: us per request, best of 5 timeit runs over the same\n"
        "  12 requests (7 hits, 5 misses). werkzeug = Map(host_matching=True).bind(host)\n"
        "  .match(path) with hosts pre-normalised (it keeps ports); speedup = werkzeug/resolve.\n"
        f"wz build: Rule objects + Map + update(), run under a {BUILD_LIMIT_S:.0f} s SIGALRM limit;\n"
        "  'skipped' means that limit fired (or the last size, scaled 10x, predicted > 120 s)."
    )


if __name__ == "__main__":
    main()

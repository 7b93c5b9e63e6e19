"""A fleet of 3,000 workers x 3 environments: clean, complete, and no stage grows faster
than the fleet.

Work is counted, not timed: every line of confgen's own code that a stage executes,
at 300 workers and at 3,000. Ten times the workers must cost at most about ten times
the lines (12x allowed); one pass that looks every worker up by scanning all of them
would cost about a hundred times, on a machine of any speed.
"""

from __future__ import annotations

import importlib.util
import sys
from collections.abc import Callable
from pathlib import Path
from types import FrameType, ModuleType
from typing import Any

import pytest

import confgen
from confgen import fs, lockfile, render, resolve, rules, schema, wrangler, write
from confgen.load import Loaded, parse
from confgen.model import Project
from confgen.validate import validate_loaded

REPO = Path(__file__).resolve().parent.parent
CONFGEN_DIR = str(Path(confgen.__file__).resolve().parent)
SMALL, LARGE = 300, 3_000
LINEAR = 12.0  # 10x the workers; a quadratic pass would be ~100x


def _fleet() -> ModuleType:
    spec = importlib.util.spec_from_file_location("fleet", REPO / "benchmarks" / "fleet.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def loaded(n: int) -> Loaded:
    text = _fleet().manifest(n)
    result = parse(text.encode(), "project.toml", REPO)
    assert isinstance(result, Loaded)
    return result


@pytest.fixture(scope="module")
def fleets() -> dict[int, Loaded]:
    return {n: loaded(n) for n in (SMALL, LARGE)}


def lines_run(stage: Callable[[], Any], under: str = CONFGEN_DIR) -> int:
    """How many lines of confgen's code `stage()` executes (library code is not counted)."""
    count = 0

    def local(frame: FrameType, event: str, arg: Any) -> Any:
        nonlocal count
        if event == "line":
            count += 1
        return local

    def calls(frame: FrameType, event: str, arg: Any) -> Any:
        return local if frame.f_code.co_filename.startswith(under) else None

    sys.settrace(calls)
    try:
        stage()
    finally:
        sys.settrace(None)
    return count


def test_the_large_fleet_is_clean_and_every_output_parses_back(fleets: dict[int, Loaded]) -> None:
    result = validate_loaded(fleets[LARGE])
    assert result.diagnostics == ()
    assert result.project is not None
    assert not fleets[LARGE].positions.built  # no diagnostic, so no source map was built
    outputs = render.render_all(result.project)
    assert len(outputs) == LARGE + 2  # a wrangler file per worker, domain routes, router
    assert sum(o.syntax == "toml" for o in outputs.values()) == LARGE // 10 - 1
    for output in outputs.values():
        render.verify(output)


def _stages(data: dict[str, Any], project: Project) -> dict[str, Callable[[], Any]]:
    stages: dict[str, Callable[[], Any]] = {
        "schema": lambda: schema.check(data),
        "model": lambda: resolve.build(data),
        "wrangler data": lambda: wrangler.wrangler_files(project),
        "render": lambda: render.render_all(project),
    }
    for rule in rules.RULES:
        stages[f"rule {rule.__name__}"] = lambda rule=rule: list(rule(project))  # type: ignore[misc]
    return stages


def test_no_stage_grows_faster_than_the_fleet(fleets: dict[int, Loaded],
                                              tmp_path: Path) -> None:
    work: dict[str, dict[int, int]] = {}
    for n, fleet in fleets.items():
        project = resolve.build(fleet.data)
        stages = _stages(fleet.data, project)
        # The disk side, against a lock that lists every output: nothing on disk yet.
        outputs = render.render_all(project)
        lock = lockfile.Lock(outputs={path: "0" * 64 for path in outputs})
        tree = fs.Tree.open(tmp_path)
        stages["compare with the disk"] = lambda t=tree, o=outputs, k=lock: (  # type: ignore[misc]
            write.compare(t, o, k, "project.toml"), write.conflicting_configs(t, o, k))
        for name, stage in stages.items():
            work.setdefault(name, {})[n] = lines_run(stage)
        tree.close()
    ratios = {name: counts[LARGE] / max(counts[SMALL], 1) for name, counts in work.items()}
    too_much = {name: f"{r:.1f}x" for name, r in ratios.items() if r > LINEAR}
    assert too_much == {}, f"work at {LARGE} vs {SMALL} workers: {too_much}"
    assert work["render"][LARGE] > work["render"][SMALL] * 5  # the count does measure work


def test_the_counter_catches_a_quadratic_pass(fleets: dict[int, Loaded]) -> None:
    """The yardstick itself: a lookup by linear scan, once per worker, is flagged."""
    def scan_per_worker(project: Project) -> None:
        for w in project.workers:
            next(x for x in project.workers if x.name == w.name)

    here = str(Path(__file__).parent)
    counts = {}
    for n, fleet in fleets.items():
        project = resolve.build(fleet.data)
        counts[n] = lines_run(lambda p=project: scan_per_worker(p), under=here)  # type: ignore[misc]
    assert counts[LARGE] / counts[SMALL] > LINEAR


def test_a_chain_of_thousands_of_bindings_is_no_recursion_error() -> None:
    """w0 binds w1 binds w2 ... : depth-first search deeper than Python's recursion limit."""
    from confgen.rules.graph import find_cycles

    n = sys.getrecursionlimit() * 3
    chain: dict[str, dict[str, tuple[str, ...]]] = {
        f"w{i:05d}": {f"w{i + 1:05d}": ()} for i in range(n - 1)}
    chain[f"w{n - 1:05d}"] = {}
    assert find_cycles(chain) == []
    chain[f"w{n - 1:05d}"] = {"w00000": ()}
    assert find_cycles(chain) == [[f"w{i:05d}" for i in range(n)]]

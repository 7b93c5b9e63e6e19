"""What the whole wrangler surface costs `confgen validate`, as a user feels it.

Cold runs (a fresh `python -m confgen validate` per run, imports included) on manifests that
use wrangler keys: the bundled project, the wrangler_surface golden scenario and the largest
corpus manifest (capgo's plugin: one worker, twelve environments). Each row is the median of
RUNS, beside the same run with another checkout's code when `--against DIR` is given (for
example a checkout of main: manifests it rejects show as `-`), and beside a bare Python
start-up as the floor.

Run: .venv/bin/python benchmarks/surface.py [--against ../main]
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SCRATCH = Path(tempfile.gettempdir())  # not a checkout: `-m confgen` imports PYTHONPATH's code
RUNS = 9
MANIFESTS = {
    "bundled project.toml": REPO / "project.toml",
    "golden wrangler_surface": REPO / "tests" / "golden" / "wrangler_surface" / "project.toml",
    "corpus capgo plugin": REPO / "tests" / "corpus_manifests" / "Cap-go__capgo" / "plugin.toml",
}


def median_ms(args: list[str], code: Path | None) -> float | None:
    # bytecode cached outside both checkouts, so neither pays for compiling and none is written
    env = dict(os.environ, PYTHONPYCACHEPREFIX=str(SCRATCH / "confgen-bench-pycache"))
    if code is not None:
        env["PYTHONPATH"] = str(code)
    samples = []
    for _ in range(RUNS):
        start = time.perf_counter()
        done = subprocess.run([sys.executable, *args], env=env, check=False, cwd=SCRATCH,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        samples.append((time.perf_counter() - start) * 1000)
        if done.returncode != 0:
            return None  # that checkout rejects this manifest (keys it does not know)
    return statistics.median(samples)


def main() -> None:
    against = None
    if sys.argv[1:2] == ["--against"] and len(sys.argv) == 3:
        against = Path(sys.argv[2]).resolve()
    elif sys.argv[1:]:
        sys.exit("usage: benchmarks/surface.py [--against DIR]")
    floor = median_ms(["-c", "pass"], None)
    print(f"| manifest | this checkout (ms) | {'against (ms)' if against else ''} |")
    print("|---|---:|---:|")
    print(f"| python start-up (floor) | {floor:.0f} | |")
    for label, manifest in MANIFESTS.items():
        args = ["-m", "confgen", "validate", "--manifest", str(manifest)]
        mine = median_ms(args, REPO)
        other = median_ms(args, against) if against else None
        shown = "-" if other is None else f"{other:.0f}"
        print(f"| {label} | {'-' if mine is None else f'{mine:.0f}'} | "
              f"{shown if against else ''} |")


if __name__ == "__main__":
    main()

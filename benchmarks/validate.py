"""Wall time of confgen's commands on the bundled project, as a user feels them.

Each figure is the median of cold runs: a fresh `python -m confgen` process per run
(so interpreter start-up and imports are included), in a scratch copy of the
bundled project. Run: make bench (or .venv/bin/python benchmarks/validate.py).
"""

from __future__ import annotations

import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
RUNS = 9


def timed(args: list[str], cwd: Path) -> float:
    start = time.perf_counter()
    subprocess.run([sys.executable, *args], cwd=cwd, check=False,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def median_ms(args: list[str], cwd: Path, prepare: object = None) -> tuple[float, float, float]:
    samples = []
    for _ in range(RUNS):
        if callable(prepare):
            prepare()
        samples.append(timed(args, cwd) * 1000)
    return statistics.median(samples), min(samples), max(samples)


def main() -> None:
    with tempfile.TemporaryDirectory() as scratch:
        root = Path(scratch)
        shutil.copy(REPO / "project.toml", root / "project.toml")
        shutil.copy(REPO / "confgen.lock", root / "confgen.lock")
        shutil.copytree(REPO / "workers", root / "workers")

        def make_stale() -> None:
            target = root / "workers/db/wrangler.jsonc"
            target.write_text(target.read_text().replace("default", "defaulT", 1))

        rows = [
            ("python -c pass (interpreter floor)", median_ms(["-c", "pass"], root)),
            ("import confgen.cli", median_ms(["-c", "import confgen.cli"], root)),
            ("import confgen.validate (+jsonschema)",
             median_ms(["-c", ("import confgen.validate, confgen.schema; "
                              "confgen.schema._validator()")], root)),
            ("confgen validate", median_ms(["-m", "confgen", "validate"], root)),
            ("confgen generate --check (current)",
             median_ms(["-m", "confgen", "generate", "--check"], root)),
            ("confgen generate (nothing to write)",
             median_ms(["-m", "confgen", "generate"], root)),
            ("confgen generate (one stale file)",
             median_ms(["-m", "confgen", "generate", "--force"], root, make_stale)),
        ]
    print(f"bundled project.toml, {RUNS} cold runs each, Python {sys.version.split()[0]}")
    print(f"{'command':44} {'median ms':>10} {'min':>8} {'max':>8}")
    for name, (med, lo, hi) in rows:
        print(f"{name:44} {med:10.1f} {lo:8.1f} {hi:8.1f}")


if __name__ == "__main__":
    main()

"""This checkout against a git revision, run for run: the before/after table of a change.

Each measure alternates a whole process of the baseline (the revision's confgen, exported
with `git archive` and put first on PYTHONPATH, same interpreter and packages) with one
of this checkout, so load from other jobs on the machine falls on both alike; medians.
Measures: the bundled project's `generate --check`, and on a generated fleet of N
workers x 3 environments (benchmarks/fleet.py) a fresh `generate` (no outputs on disk)
and `generate --check` with every output current.

Run: .venv/bin/python benchmarks/ab.py REVISION [--workers 1000] [--runs 7]
"""

from __future__ import annotations

import argparse
import compileall
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

from fleet import write_fleet
from measure import CONFGEN, Sample, byte_compiled, ms, run, table

REPO = Path(__file__).resolve().parent.parent


def export(revision: str, into: Path) -> Path:
    """The revision's confgen package, byte-compiled, in `into`."""
    into.mkdir()
    archive = subprocess.run(["git", "archive", revision, "confgen", "templates", "schemas"],
                             cwd=REPO, check=True, capture_output=True).stdout
    subprocess.run(["tar", "-x", "-C", str(into)], input=archive, check=True)
    compileall.compile_dir(into / "confgen", quiet=1)
    return into


def alternate(runs: int, cmd: list[str], cwd: Callable[[], Path],
              envs: dict[str, dict[str, str]]) -> dict[str, list[Sample]]:
    out: dict[str, list[Sample]] = {name: [] for name in envs}
    for _ in range(runs):
        for name, env in envs.items():
            sample = run(cmd, cwd(), env)
            if sample.returncode not in (0, 1):
                raise SystemExit(f"{name}: {' '.join(cmd)} exited {sample.returncode}")
            out[name].append(sample)
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("revision")
    parser.add_argument("--workers", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    print(byte_compiled())
    with tempfile.TemporaryDirectory(prefix="confgen-ab-") as tmp:
        root = Path(tmp)
        base = export(args.revision, root / "base")
        envs = {args.revision: {**os.environ, "PYTHONPATH": str(base)},
                "this checkout": dict(os.environ)}
        bundled = root / "bundled"
        bundled.mkdir()
        shutil.copy(REPO / "project.toml", bundled)
        shutil.copy(REPO / "confgen.lock", bundled)
        shutil.copytree(REPO / "workers", bundled / "workers")
        fleet = root / "fleet"
        write_fleet(fleet, args.workers)
        subprocess.run([*CONFGEN, "generate"], cwd=fleet, check=False, capture_output=True)
        fresh_n = [0]

        def fresh() -> Path:
            fresh_n[0] += 1
            folder = root / f"fresh{fresh_n[0]}"
            write_fleet(folder, args.workers)
            return folder

        rows = []
        for label, cmd, cwd in (
                ("bundled generate --check", [*CONFGEN, "generate", "--check"], lambda: bundled),
                (f"{args.workers:,} workers: fresh generate", [*CONFGEN, "generate"], fresh),
                (f"{args.workers:,} workers: generate --check", [*CONFGEN, "generate", "--check"],
                 lambda: fleet)):
            found = alternate(args.runs, cmd, cwd, envs)
            before, after = (found[name] for name in envs)
            wall = [statistics.median(s.wall for s in x) for x in (before, after)]
            cpu = [statistics.median(s.cpu for s in x) for x in (before, after)]
            rows.append([label, ms(wall[0]), ms(wall[1]), f"{wall[1] / wall[0]:.2f}",
                         ms(cpu[0]), ms(cpu[1])])
        print(table(["measure", f"{args.revision} wall", "now wall", "ratio",
                     f"{args.revision} CPU", "now CPU"], rows))
        shutil.rmtree(root, ignore_errors=True)
    sys.exit(0)


if __name__ == "__main__":
    main()

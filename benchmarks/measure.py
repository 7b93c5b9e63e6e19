"""Whole-process measurement shared by the benchmarks: wall time, CPU time, peak RSS.

Every figure comes from a fresh process (interpreter start-up and imports included),
paired with the bare interpreter (`python -c pass`) run just before it, so a loaded
machine moves both numbers together.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

FLOOR = [sys.executable, "-c", "pass"]


@dataclass(frozen=True)
class Sample:
    wall: float  # seconds
    cpu: float  # seconds, user + system
    rss_mb: float  # peak resident set size
    returncode: int


def run(cmd: Sequence[str], cwd: Path, env: dict[str, str] | None = None) -> Sample:
    """One process, measured by wait4 (its own rusage, not its siblings')."""
    start = time.perf_counter()
    proc = subprocess.Popen(list(cmd), cwd=cwd, env=env, stdin=subprocess.DEVNULL,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    rss_kb = usage.ru_maxrss  # kilobytes on Linux
    return Sample(wall, usage.ru_utime + usage.ru_stime, rss_kb / 1024, proc.returncode)


@dataclass(frozen=True)
class Paired:
    """Medians of a command and of the floor run just before each of its runs."""

    wall: float
    cpu: float
    rss_mb: float
    floor_wall: float
    floor_cpu: float
    floor_rss_mb: float
    runs: int
    returncodes: frozenset[int]

    @property
    def ratio(self) -> float:
        return self.wall / self.floor_wall

    def cell(self) -> str:
        return f"{ms(self.wall)} ({self.ratio:.1f}x)"


def ms(seconds: float) -> str:
    return f"{seconds * 1000:,.0f} ms" if seconds < 10 else f"{seconds:,.1f} s"


def paired(cmd: Sequence[str], cwd: Path | Callable[[], Path], runs: int,
           budget: float = 20.0, prepare: Callable[[], None] | None = None,
           env: dict[str, str] | None = None) -> Paired:
    """Up to `runs` (floor, command) pairs, fewer once `budget` seconds are spent (>= 1).
    `cwd` may be a function, asked after `prepare` (a new folder for each run)."""
    ours: list[Sample] = []
    floors: list[Sample] = []
    spent = 0.0
    while len(ours) < runs and (not ours or spent < budget):
        if prepare is not None:
            prepare()
        where = cwd() if callable(cwd) else cwd
        floors.append(run(FLOOR, where))
        sample = run(cmd, where, env)
        ours.append(sample)
        spent += sample.wall
    return summary(ours, floors)


def summary(ours: Sequence[Sample], floors: Sequence[Sample]) -> Paired:
    """Medians of a command's samples and of the floor runs paired with them."""
    return Paired(
        wall=statistics.median(s.wall for s in ours),
        cpu=statistics.median(s.cpu for s in ours),
        rss_mb=max(s.rss_mb for s in ours),
        floor_wall=statistics.median(s.wall for s in floors),
        floor_cpu=statistics.median(s.cpu for s in floors),
        floor_rss_mb=max(s.rss_mb for s in floors),
        runs=len(ours),
        returncodes=frozenset(s.returncode for s in ours),
    )


def table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(header)]
    lines = ["  ".join(h.ljust(w) if i == 0 else h.rjust(w)
                       for i, (h, w) in enumerate(zip(header, widths)))]
    lines.append("  ".join("-" * w for w in widths))
    for row in rows:
        lines.append("  ".join(c.ljust(w) if i == 0 else c.rjust(w)
                               for i, (c, w) in enumerate(zip(row, widths))))
    return "\n".join(lines)


CONFGEN = [sys.executable, "-m", "confgen"]


def byte_compiled() -> str:
    """Compile confgen's modules to .pyc, as installing a wheel does (pip compiles what it
    installs; an editable checkout under PYTHONDONTWRITEBYTECODE=1 would otherwise compile
    every module from source on every run). Returns a line saying what was done."""
    import compileall

    import confgen

    folder = Path(confgen.__file__).parent
    ok = compileall.compile_dir(folder, quiet=1)
    return f"confgen byte-compiled ({folder}): {'ok' if ok else 'FAILED'}"

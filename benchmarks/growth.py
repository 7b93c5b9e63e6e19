"""How CPU time grows from 1,000 to 3,000 workers, measured interleaved.

scale.py measures each fleet size in turn, so a change of load between the sizes shows
as growth (one run measured 3.5x while the same code gave 2.6x interleaved). Here every
round runs both sizes back to back: validate, generate --check (outputs current) and a
fresh generate (a new folder each time), so both sizes see the same load. Linear is 3x;
the issue's bound is 3.3x.

Run: .venv/bin/python benchmarks/growth.py [--rounds 3] [--sizes 1000,3000]
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
from pathlib import Path

from fleet import write_fleet
from measure import CONFGEN, byte_compiled, ms, run, table


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--sizes", default="1000,3000")
    args = parser.parse_args()
    small, large = (int(s) for s in args.sizes.split(","))
    print(byte_compiled())
    with tempfile.TemporaryDirectory() as scratch:
        root = Path(scratch)
        current = {n: write_fleet(root / f"current-{n}", n).parent for n in (small, large)}
        for folder in current.values():
            run([*CONFGEN, "generate"], folder)  # outputs on disk: --check finds them current
        cpu: dict[tuple[str, int], list[float]] = {}
        for r in range(args.rounds):
            for n in (small, large):
                fresh = write_fleet(root / f"fresh-{n}-{r}", n).parent
                for what, cmd, where in (("validate", ["validate"], current[n]),
                                         ("--check", ["generate", "--check"], current[n]),
                                         ("fresh generate", ["generate"], fresh)):
                    sample = run([*CONFGEN, *cmd], where)
                    if sample.returncode != 0:
                        raise SystemExit(f"{what} on {n} workers exited {sample.returncode}")
                    cpu.setdefault((what, n), []).append(sample.cpu)
    rows = []
    for what in ("validate", "fresh generate", "--check"):
        a, b = (statistics.median(cpu[(what, n)]) for n in (small, large))
        rows.append([what, ms(a), ms(b), f"{b / a:.2f}x"])
    print(f"\nCPU time, median of {args.rounds} interleaved rounds "
          f"(linear = {large / small:.1f}x)\n")
    print(table(["command", f"{small:,} workers", f"{large:,} workers", "growth"], rows))


if __name__ == "__main__":
    main()

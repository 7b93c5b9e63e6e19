"""`confgen import` on every corpus repository (tests/corpus): what it proves, and how long
it takes as a user feels it.

Per repository, in a scratch copy: files found, workers imported, worker x environment pairs
proven equal / pairs the originals have, files adopted in confgen.lock, and the wall time of
a whole `python -m confgen import --force` process (median of RUNS cold runs), paired with
`confgen validate` of the manifest it wrote and the bare interpreter as baselines.
Run: .venv/bin/python benchmarks/import_corpus.py
"""

from __future__ import annotations

import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
CORPUS = REPO / "tests" / "corpus"
RUNS = 5


def timed(args: list[str], cwd: Path) -> tuple[float, str]:
    start = time.perf_counter()
    proc = subprocess.run([sys.executable, *args], cwd=cwd, check=False, capture_output=True,
                          text=True)
    return (time.perf_counter() - start) * 1000, proc.stdout


def median_ms(args: list[str], cwd: Path) -> float:
    return statistics.median(timed(args, cwd)[0] for _ in range(RUNS))


def main() -> None:
    rows = [("repository", "files", "workers", "pairs equal", "adopted", "import ms",
             "validate ms", "python ms")]
    totals = [0, 0, 0, 0, 0]
    with tempfile.TemporaryDirectory() as scratch:
        for repo in sorted(p for p in CORPUS.iterdir() if p.is_dir()):
            work = Path(scratch) / repo.name
            shutil.copytree(repo, work)
            _, out = timed(["-m", "confgen", "import", "--force", "--format", "json", "."], work)
            data = json.loads(out)
            files = len(data["workers"])
            workers = sum(1 for w in data["workers"] if w["worker"])
            import_ms = median_ms(["-m", "confgen", "import", "--force", "--format", "json",
                                   "."], work)
            validate_ms = median_ms(["-m", "confgen", "validate"], work)
            floor = median_ms(["-c", "pass"], work)
            rows.append((repo.name, str(files), str(workers),
                         f"{data['pairs_equal']}/{data['pairs_total']}",
                         f"{len(data['adopted'])}/{files}", f"{import_ms:.0f}",
                         f"{validate_ms:.0f}", f"{floor:.0f}"))
            for i, v in enumerate((files, workers, data["pairs_equal"], data["pairs_total"],
                                   len(data["adopted"]))):
                totals[i] += v
    rows.append(("total", str(totals[0]), str(totals[1]), f"{totals[2]}/{totals[3]}",
                 f"{totals[4]}/{totals[0]}", "", "", ""))
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    for n, row in enumerate(rows):
        print("  ".join(c.ljust(w) if i == 0 else c.rjust(w)
                        for i, (c, w) in enumerate(zip(row, widths))).rstrip())
        if n == 0 or n == len(rows) - 2:
            print("  ".join("-" * w for w in widths))


if __name__ == "__main__":
    main()

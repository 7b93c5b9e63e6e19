"""What `confgen deploy --dry-run` costs on top of wrangler itself, on the bundled project.

Paired, alternating runs in one scratch copy of the bundled project, environment
production (10 steps), each a whole process:

* baseline: the plan's 10 commands run one after the other with the pinned wrangler, as a
  hand-written Makefile loop would (`wrangler deploy ... --dry-run --outdir DIR`);
* `confgen deploy --env production --dry-run` with the same wrangler (WRANGLER=...);
* `confgen deploy` with a stand-in wrangler that answers at once
  (tests/stand_in_wrangler.py): confgen's own part (generate --check, plan, secrets,
  version check, private files, 10 process starts).

Needs scripts/install-wrangler. Run: .venv/bin/python benchmarks/deploy.py [RUNS]
"""

from __future__ import annotations

import os
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "tests"))

import wrangler_tool as wt

from confgen.plan import plan
from confgen.validate import validate_file

ENV = "production"


def timed(argv: list[str], cwd: Path, env: dict[str, str]) -> float:
    start = time.perf_counter()
    proc = subprocess.run(argv, cwd=cwd, env=env, stdout=subprocess.DEVNULL,
                          stderr=subprocess.DEVNULL, check=False)
    if proc.returncode != 0:
        raise SystemExit(f"{shlex.join(argv)} failed with exit {proc.returncode}")
    return time.perf_counter() - start


def main(runs: int) -> None:
    with tempfile.TemporaryDirectory() as scratch:
        root = Path(scratch) / "project"
        root.mkdir()
        for name in ("project.toml", "confgen.lock"):
            shutil.copy(REPO / name, root / name)
        shutil.copytree(REPO / "workers", root / "workers")
        project = validate_file(root / "project.toml").project
        assert project is not None
        steps = plan(project, ENV)
        wrangler = wt.wrapper(Path(scratch))
        secrets = {n: f"bench-{n}" for s in steps for n in s.secrets}
        env = {**os.environ, **secrets}
        for s in steps:
            if s.secrets:
                (root / str(s.secrets_file)).write_text(
                    "{" + ",".join(f'"{n}": "x"' for n in s.secrets) + "}")
        out = Path(scratch) / "out"

        def baseline() -> float:
            return sum(timed([str(wrangler), *s.args(), "--dry-run", "--outdir",
                              str(out / s.worker)], root, env) for s in steps)

        confgen = [sys.executable, "-m", "confgen", "deploy", "--env", ENV, "--dry-run"]
        stand_in = shlex.join([sys.executable, str(REPO / "tests" / "stand_in_wrangler.py")])
        record = Path(scratch) / "record.jsonl"
        rows: dict[str, list[float]] = {"baseline": [], "confgen": [], "own": []}
        for _ in range(runs):
            rows["baseline"].append(baseline())
            rows["confgen"].append(timed(confgen, root, {**env, "WRANGLER": str(wrangler)}))
            rows["own"].append(timed(confgen, root, {**env, "WRANGLER": stand_in,
                                                     "STANDIN_RECORD": str(record)}))
    base = statistics.median(rows["baseline"])
    print(f"confgen deploy --env {ENV} --dry-run, bundled project, {len(steps)} steps, "
          f"median of {runs} paired runs (s)\n")
    print(f"| {'what':<62} | median |   min |   max | vs baseline |")
    print(f"|{'-' * 64}|--------|-------|-------|-------------|")
    for key, label in (("baseline", "wrangler loop: the plan's commands, --dry-run (baseline)"),
                       ("confgen", "confgen deploy --dry-run (same wrangler)"),
                       ("own", "confgen deploy --dry-run, stand-in wrangler (confgen's part)")):
        xs = rows[key]
        med = statistics.median(xs)
        print(f"| {label:<62} | {med:6.2f} | {min(xs):5.2f} | {max(xs):5.2f} | "
              f"{med - base:+10.2f}s |")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 3)

"""confgen at every size: the bundled project's start-up and generated fleets of N workers.

Every figure is a whole `python -m confgen ...` process (start-up and imports included),
median of several runs, each paired with the bare interpreter run just before it
("x" = times that floor). CPU is user + system time; RSS is the peak resident set.

Tables:
1. the bundled project.toml: validate, generate --check, generate with nothing to write;
2. fleets from benchmarks/fleet.py (N workers x 3 environments) for N = 100 .. 3,000:
   validate, fresh generate (no outputs on disk), generate --check (all current);
3. the same checks done by other tools: `wrangler deploy --dry-run` over every worker x
   environment of the bundled project, and check-jsonschema (schema only) on the manifest.

Run: make bench, or .venv/bin/python benchmarks/scale.py [--sizes 100,300] [--no-others]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
import time
from itertools import pairwise
from pathlib import Path

from fleet import write_fleet
from measure import CONFGEN, FLOOR, Paired, Sample, byte_compiled, ms, paired, run, summary, table

REPO = Path(__file__).resolve().parent.parent
SIZES = (100, 300, 1_000, 3_000)


def bundled_copy(root: Path) -> Path:
    shutil.copy(REPO / "project.toml", root / "project.toml")
    shutil.copy(REPO / "confgen.lock", root / "confgen.lock")
    shutil.copytree(REPO / "workers", root / "workers")
    return root / "project.toml"


def startup(root: Path) -> tuple[str, dict[str, Paired]]:
    bundled_copy(root)
    found = {
        "validate": paired([*CONFGEN, "validate"], root, 15),
        "generate --check": paired([*CONFGEN, "generate", "--check"], root, 15),
        "generate (nothing to write)": paired([*CONFGEN, "generate"], root, 15),
        "--help": paired([*CONFGEN, "--help"], root, 15),
    }
    floor = found["validate"]
    rows = [["python -c pass (floor)", ms(floor.floor_wall), "1.0x",
             ms(floor.floor_cpu), f"{floor.floor_rss_mb:.0f} MB"]]
    for name, p in found.items():
        rows.append([f"confgen {name}", ms(p.wall), f"{p.ratio:.1f}x", ms(p.cpu),
                     f"{p.rss_mb:.0f} MB"])
    head = ["bundled project.toml", "wall (median)", "x floor", "CPU", "peak RSS"]
    return table(head, rows), found


class FreshFolders:
    """A new folder holding only project.toml for each fresh generate, deleted only after
    the fleet's runs: deleting thousands of files just before creating as many made ext4
    skip the recently freed inodes one by one (`recently_deleted`), which tripled the
    run's system time, a cost of the benchmark's churn that no fresh checkout pays."""

    def __init__(self, folder: Path) -> None:
        self.source = folder / "project.toml"
        self.made: list[Path] = []
        self.current = folder

    def prepare(self) -> None:
        self.current = self.source.parent.with_name(
            f"{self.source.parent.name}-fresh{len(self.made)}")
        self.current.mkdir()
        shutil.copy(self.source, self.current / "project.toml")
        self.made.append(self.current)

    def cleanup(self) -> None:
        for folder in self.made:
            shutil.rmtree(folder)


def fleet_row(n: int, root: Path) -> tuple[list[str], dict[str, Paired]]:
    folder = root / f"fleet-{n}"
    write_fleet(folder, n)
    runs = 7 if n <= 300 else 5 if n <= 1000 else 3
    val = paired([*CONFGEN, "validate"], folder, runs, budget=30)
    folders = FreshFolders(folder)
    fresh, bare = fresh_and_bare(folders, root / f"bare-{n}", runs)
    shutil.copytree(folders.current, folder, dirs_exist_ok=True)  # outputs for --check
    check = paired([*CONFGEN, "generate", "--check"], folder, runs, budget=30)
    folders.cleanup()
    for what, p in (("validate", val), ("generate", fresh), ("--check", check),
                    ("bare creation", bare)):
        if p.returncodes != {0}:
            raise SystemExit(f"fleet {n}: {what} exited {sorted(p.returncodes)}")
    peak = max(val.rss_mb, fresh.rss_mb, check.rss_mb)
    row = [f"{n:,}", val.cell(), ms(val.cpu), fresh.cell(), ms(fresh.cpu), check.cell(),
           ms(check.cpu), f"{peak:.0f} MB ({peak / val.floor_rss_mb:.1f}x)"]
    return row, {"validate": val, "generate": fresh, "check": check, "bare": bare}


def fresh_and_bare(folders: FreshFolders, scratch: Path, runs: int) -> tuple[Paired, Paired]:
    """A fresh generate and benchmarks/bare_tree.py creating the same files, run by turns
    (each in a fresh folder, each after its own floor run), so that both meet the same
    state of the filesystem: how fast ext4 creates files swings with what was just
    deleted on the machine. The files are listed from the first generate's outputs."""
    scratch.mkdir()
    shutil.copy(folders.source, scratch / "project.toml")  # bare_tree ignores it
    bare_folders = FreshFolders(scratch)
    listed = scratch.parent / f"{scratch.name}.json"
    samples: dict[str, list[Sample]] = {"fresh": [], "bare": [], "fresh floor": [],
                                        "bare floor": []}
    bare_cmd = [sys.executable, str(Path(__file__).with_name("bare_tree.py")), str(listed)]
    try:
        for _ in range(runs):
            folders.prepare()
            samples["fresh floor"].append(run(FLOOR, folders.current))
            samples["fresh"].append(run([*CONFGEN, "generate"], folders.current))
            if not listed.exists():
                made = folders.current
                listed.write_text(json.dumps(sorted(
                    (p.relative_to(made).as_posix(), p.stat().st_size)
                    for p in made.rglob("*") if p.is_file() and p.name != "project.toml")))
            bare_folders.prepare()
            samples["bare floor"].append(run(FLOOR, bare_folders.current))
            samples["bare"].append(run(bare_cmd, bare_folders.current))
    finally:
        bare_folders.cleanup()
    return (summary(samples["fresh"], samples["fresh floor"]),
            summary(samples["bare"], samples["bare floor"]))


def fleets(root: Path, sizes: tuple[int, ...]) -> str:
    rows: list[list[str]] = []
    measured: dict[int, dict[str, Paired]] = {}
    for n in sizes:
        row, measured[n] = fleet_row(n, root)
        rows.append(row)
        print(f"... fleet of {n:,} done", file=sys.stderr, flush=True)
    head = ["workers", "validate", "CPU", "fresh generate", "CPU", "--check", "CPU",
            "peak RSS"]
    out = table(head, rows)
    pairs = list(pairwise(sizes))
    if pairs:
        growth = []
        for a, b in pairs:
            cells = [f"{measured[b][k].cpu / measured[a][k].cpu:.2f}x"
                     for k in ("validate", "generate", "check")]
            growth.append([f"{a:,} -> {b:,} ({b / a:.1f}x the workers)", *cells])
        out += "\n\nGrowth in CPU time between sizes (linear = the worker ratio)\n"
        out += table(["sizes", "validate", "fresh generate", "--check"], growth)
    floors = [[f"{n:,}", ms(m["generate"].wall), ms(m["bare"].wall), ms(m["bare"].cpu),
               ms(m["generate"].wall - m["bare"].wall)] for n, m in measured.items()]
    out += ("\n\nFresh generate against creating its files alone (benchmarks/bare_tree.py: "
            "one mkdir per folder, one create-write-close per file, in a fresh folder)\n")
    out += table(["workers", "fresh generate", "creating its files", "CPU",
                  "the rest (wall)"], floors)
    return out


def wrangler_total(root: Path) -> tuple[float, float, int] | None:
    """Wall and CPU seconds for `wrangler deploy --dry-run` over every worker x environment."""
    sys.path.insert(0, str(REPO / "tests"))
    import wrangler_tool

    if not wrangler_tool.available():
        return None
    root.mkdir()
    manifest = bundled_copy(root)
    import tomllib

    data = tomllib.loads(manifest.read_text())
    envs = [None, *sorted(data.get("environments", {}))]
    total = cpu = 0.0
    count = 0
    for name, raw in sorted(data["workers"].items()):
        config = root / "workers" / name / "wrangler.jsonc"
        namespaced = raw.get("deploy") == "namespace"
        for env in envs:
            args = ["deploy", "--dry-run", "--outdir", str(root / "out"), "-c", str(config)]
            args += ["-e", env or ""]
            if namespaced and env is not None:
                args += ["--dispatch-namespace", data["environments"][env]["namespace"]]
            with wrangler_tool._scratch([config]) as scratch:
                sample = run(wrangler_tool._wrangler_cmd(*args), config.parent,
                             env=wrangler_tool._env(scratch))
            if sample.returncode != 0:
                raise SystemExit(f"wrangler dry-run failed: {' '.join(args)}")
            total += sample.wall
            cpu += sample.cpu
            count += 1
    return total, cpu, count


def check_jsonschema(manifest: Path) -> Paired | None:
    tool = shutil.which("check-jsonschema") or str(REPO / ".cache/bench/bin/check-jsonschema")
    if not Path(tool).exists():
        return None
    return paired([tool, "--schemafile", str(REPO / "schemas/project.schema.json"),
                   str(manifest)], manifest.parent, 9)


def others(root: Path, ours: dict[str, Paired]) -> str:
    check, val = ours["generate --check"], ours["validate"]
    rows = []
    found = wrangler_total(root / "wrangler")
    if found is None:
        rows.append(["wrangler deploy --dry-run", "not installed (make wrangler)", "", "", ""])
    else:
        total, cpu, count = found
        rows.append([f"wrangler deploy --dry-run, {count} worker x env", ms(total), ms(cpu),
                     f"{total / check.wall:,.0f}x ({cpu / check.cpu:,.0f}x)",
                     f"{total / val.wall:,.0f}x ({cpu / val.cpu:,.0f}x)"])
    (root / "cj").mkdir()
    cj = check_jsonschema(bundled_copy(root / "cj"))
    if cj is None:
        rows.append(["check-jsonschema (schema only)", "not installed", "", "", ""])
    else:
        rows.append(["check-jsonschema (schema only)", ms(cj.wall), ms(cj.cpu),
                     f"{cj.wall / check.wall:.1f}x ({cj.cpu / check.cpu:.1f}x)",
                     f"{cj.wall / val.wall:.1f}x ({cj.cpu / val.cpu:.1f}x)"])
    head = ["the same check by another tool (bundled)", "wall", "CPU",
            "/ confgen --check (CPU)", "/ confgen validate (CPU)"]
    return table(head, rows)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default=",".join(map(str, SIZES)))
    parser.add_argument("--no-others", action="store_true", help="skip wrangler, check-jsonschema")
    args = parser.parse_args()
    sizes = tuple(int(s) for s in args.sizes.split(",") if s)
    started = time.perf_counter()
    compiled = byte_compiled()
    with tempfile.TemporaryDirectory() as scratch:
        root = Path(scratch)
        (root / "bundled").mkdir()
        startup_table, ours = startup(root / "bundled")
        print(f"Python {sys.version.split()[0]}; whole processes, median of paired runs; "
              f"load average before: {os.getloadavg()[0]:.1f}")
        print(compiled, "\n")
        print(startup_table, "\n", flush=True)
        if sizes:
            print("Generated fleets (benchmarks/fleet.py): N workers x 3 environments\n")
            print(fleets(root, sizes), "\n", flush=True)
        if not args.no_others:
            print(others(root, ours), flush=True)
    print(f"\n(benchmark took {time.perf_counter() - started:.0f} s; load average after: "
          f"{os.getloadavg()[0]:.1f})")


if __name__ == "__main__":
    main()

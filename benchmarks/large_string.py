"""validate and generate on a manifest holding one very large string var (issue #9).

The claim: cost grows linearly with the string, and a fresh generate (render, parse
back, write) costs at most 3x validate. One worker, three environments, one var of
5 MB and one of 50 MB (plus a 0.5 MB point for the slope); whole processes, each
paired with the bare interpreter, median of a few runs.

Run: make bench, or .venv/bin/python benchmarks/large_string.py [--sizes 0.5,5,50]
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from pathlib import Path

from measure import CONFGEN, ms, paired, table

SIZES_MB = (0.5, 5.0, 50.0)


def manifest(megabytes: float) -> str:
    # Printable ASCII and some escapes, so every stage handles the worst ordinary text.
    chunk = 'abcdefghij klmnopqrstuvwxyz 0123456789 "quoted" \\back\\ é ü 世界 '
    size = int(megabytes * 1_000_000)
    body = (chunk * (size // len(chunk.encode()) + 1))
    body = body.encode()[:size].decode("utf-8", "ignore")
    literal = body.replace("\\", "\\\\").replace('"', '\\"')
    return "\n".join([
        "[project]", 'name = "big"', 'compatibility_date = "2025-10-01"', "",
        "[environments.production]", "[environments.staging]", "[environments.development]", "",
        "[workers.big]", 'main = "src/index.js"', f'vars = {{ PAYLOAD = "{literal}" }}', "",
    ])


def clear(folder: Path) -> None:
    for entry in folder.iterdir():
        if entry.name != "project.toml":
            shutil.rmtree(entry) if entry.is_dir() else entry.unlink()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default=",".join(map(str, SIZES_MB)))
    args = parser.parse_args()
    sizes = [float(s) for s in args.sizes.split(",") if s]
    rows = []
    with tempfile.TemporaryDirectory() as scratch:
        for mb in sizes:
            folder = Path(scratch) / f"s{mb}"
            folder.mkdir()
            (folder / "project.toml").write_text(manifest(mb), encoding="utf-8")
            runs = 5 if mb <= 5 else 3
            val = paired([*CONFGEN, "validate"], folder, runs, budget=60)
            gen = paired([*CONFGEN, "generate"], folder, runs, budget=120,
                         prepare=lambda f=folder: clear(f))  # type: ignore[misc]
            if val.returncodes != {0} or gen.returncodes != {0}:
                raise SystemExit(f"{mb} MB: exit {sorted(val.returncodes | gen.returncodes)}")
            written = (folder / "workers/big/wrangler.jsonc").stat().st_size / 1e6
            rows.append([f"{mb:g} MB", ms(val.wall), ms(val.wall / mb), ms(gen.wall),
                         ms(gen.wall / mb), f"{gen.wall / val.wall:.1f}x",
                         f"{written:.0f} MB", f"{max(val.rss_mb, gen.rss_mb):.0f} MB"])
            print(f"... {mb:g} MB done", file=sys.stderr, flush=True)
    print("One worker x 3 environments with one string var of the given size "
          "(the wrangler file holds it 4 times)")
    print(table(["var", "validate", "per MB", "fresh generate", "per MB", "gen / val",
                 "wrangler.jsonc", "peak RSS"], rows))


if __name__ == "__main__":
    main()

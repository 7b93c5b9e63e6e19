"""The kernel's floor for a fresh generate: create the files it created, and nothing else.

One mkdir per folder and one create-write-close per file, in the order given, with bytes
of the same sizes: no temporary file, rename or fsync, no Python work to speak of.
scale.py runs it beside each fresh generate, in a fresh folder of its own, so that the
table shows how much of a fresh generate is creating files on this filesystem at all.

Run: python benchmarks/bare_tree.py LISTING (a JSON list of [relative path, size]),
in the folder to fill.
"""

from __future__ import annotations

import json
import os
import sys


def main() -> None:
    with open(sys.argv[1], encoding="utf-8") as handle:
        listing: list[tuple[str, int]] = json.load(handle)
    made: set[str] = set()
    for rel, size in listing:
        folder = os.path.dirname(rel)
        if folder and folder not in made:
            os.makedirs(folder, exist_ok=True)
            made.add(folder)
        fd = os.open(rel, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
        os.write(fd, b"x" * size)
        os.close(fd)


if __name__ == "__main__":
    main()

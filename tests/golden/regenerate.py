"""Regenerate every golden tree under tests/golden/ (run: make golden).

Review the diff before committing: a golden change is a change in what users get.
"""

from __future__ import annotations

import sys
from pathlib import Path

from confgen.generate import generate

HERE = Path(__file__).resolve().parent


def main() -> int:
    status = 0
    for manifest in sorted(HERE.glob("*/project.toml")):
        done = generate(manifest, force=True)
        for d in done.diagnostics:
            print(f"{manifest.parent.name}: {d.file}:{d.line}:{d.column}: {d.code} {d.message}")
        status |= not done.ok
        print(f"{manifest.parent.name}: {len(done.written)} file(s) written")
    return status


if __name__ == "__main__":
    sys.exit(main())

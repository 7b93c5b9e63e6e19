"""Import stage 1: find the wrangler files under a folder.

Skips `node_modules`, `.wrangler` and every dot folder, follows no symlink (a linked wrangler
file is reported: confgen writes only regular files), and reports a folder that holds two wrangler files (wrangler reads only the first of
wrangler.json, wrangler.jsonc, wrangler.toml, so import takes that one too).
"""

from __future__ import annotations

import os
from pathlib import Path

from confgen.diagnostics import Diagnostic
from confgen.record import record
from confgen.write import WRANGLER_NAMES

SKIPPED_FOLDERS = frozenset({"node_modules", ".wrangler"})


@record
class Found:
    files: tuple[str, ...]  # posix paths relative to the folder, sorted
    diagnostics: tuple[Diagnostic, ...]


def _inside(path: Path, root: Path) -> bool:
    return path.resolve().is_relative_to(root)


def find(folder: Path) -> Found:
    root = folder.resolve()
    files: list[str] = []
    problems: list[Diagnostic] = []
    for current, dirs, names in os.walk(root):
        here = Path(current)
        dirs[:] = sorted(d for d in dirs if d not in SKIPPED_FOLDERS and not d.startswith(".")
                         and _inside(here / d, root))
        present = [n for n in WRANGLER_NAMES if n in names]
        if not present:
            continue
        first = present[0]
        rel = (here / first).relative_to(root).as_posix()
        if (here / first).is_symlink() or not (here / first).is_file():
            problems.append(Diagnostic(rel, 1, 1, "CG501", "a symbolic link or not a regular "
                                       "file: confgen writes only regular files inside the "
                                       "folder, so it is not imported"))
            continue
        files.append(rel)
        for other in present[1:]:
            other_rel = (here / other).relative_to(root).as_posix()
            problems.append(Diagnostic(
                other_rel, 1, 1, "CG502", f"a second wrangler file beside {first}; wrangler "
                f"reads only {first}, so import takes that one and ignores this file"))
    return Found(tuple(sorted(files)), tuple(problems))

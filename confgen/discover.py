"""Which manifest a command means: named, a folder's project.toml, found upward from the
current folder as git finds its repository, or every manifest of the repository.

Paths come back relative to the current folder where they can be, so that diagnostics,
`--diff` and SARIF name files as the user (or CI, at the repository root) reaches them.
"""

from __future__ import annotations

import os
from pathlib import Path

DEFAULT = "project.toml"
_SKIP = frozenset({"node_modules", ".venv", "venv", "__pycache__"})


class NotFound(Exception):
    """No manifest where one was looked for."""


def _relative(path: Path) -> Path:
    """`path` relative to the current folder (`../../project.toml` when found above)."""
    try:
        return Path(os.path.relpath(path))
    except ValueError:  # another drive (Windows)
        return path


def named(arg: str) -> Path:
    """A manifest argument: a file as given, or a folder's project.toml."""
    path = Path(arg)
    return path / DEFAULT if path.is_dir() else path


def upward(start: Path | None = None) -> Path:
    """The nearest project.toml in the current folder or above, like git's search."""
    here = (start or Path.cwd()).absolute()
    for folder in (here, *here.parents):
        candidate = folder / DEFAULT
        if candidate.is_file():
            return _relative(candidate)
    raise NotFound(f"no {DEFAULT} in {here} or any folder above it")


def everywhere(start: Path | None = None) -> list[Path]:
    """Every confgen manifest of the repository (or, outside git, under the current
    folder): each project.toml, and each NAME.toml with a NAME.confgen.lock beside it."""
    here = (start or Path.cwd()).absolute()
    files = _git_files(here)
    if files is None:
        files = _walk(here)
    found = set()
    names = set(files)
    for rel in files:
        folder, _, name = rel.rpartition("/")
        if name == DEFAULT:
            found.add(rel)
        elif name.endswith(".confgen.lock") and name != "confgen.lock":
            manifest = f"{folder}/{name[:-13]}.toml" if folder else f"{name[:-13]}.toml"
            if manifest in names:
                found.add(manifest)
    top = _git_top(here) or here
    return [_relative(top / rel) for rel in sorted(found) if (top / rel).is_file()]


def _git_top(here: Path) -> Path | None:
    import subprocess  # deferred: only --all asks git

    try:
        out = subprocess.run(["git", "rev-parse", "--show-toplevel"], cwd=here,
                             capture_output=True, text=True, check=False, timeout=30)
    except OSError:
        return None
    return Path(out.stdout.strip()) if out.returncode == 0 else None


def _git_files(here: Path) -> list[str] | None:
    """Tracked and untracked-but-not-ignored files, relative to the repository's top."""
    top = _git_top(here)
    if top is None:
        return None
    import subprocess

    out = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
                         cwd=top, capture_output=True, check=False, timeout=60)
    if out.returncode != 0:
        return None
    return [p for p in out.stdout.decode("utf-8", "surrogateescape").split("\0") if p]


def _walk(here: Path) -> list[str]:
    found: list[str] = []
    for dirpath, dirnames, filenames in os.walk(here):
        dirnames[:] = [d for d in dirnames if not d.startswith(".") and d not in _SKIP]
        rel = os.path.relpath(dirpath, here)
        found.extend(n if rel == "." else f"{rel}/{n}" for n in filenames)
    return found

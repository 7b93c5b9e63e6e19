"""Where the manifest's paths land on the real filesystem, symbolic links resolved.

The rules in confgen.rules check paths as text; this stage, run by `validate` on a
manifest file, asks the filesystem: an output whose folder resolves outside the manifest's
folder (`workers_dir = "ln/.."` with `ln` a link out, or `workers/hello` a link to
elsewhere) is an error, and a `main` outside it a warning. Only paths the manifest derives
are looked at, and nothing is read or followed beyond `realpath`.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path

from confgen.diagnostics import Issue, KeyPath
from confgen.model import Project
from confgen.paths import normalise
from confgen.rules.outputs import output_paths


def _inside(root: str, path: str) -> bool:
    """Both resolved (absolute, normalised): `path` is `root` or below it."""
    return path == root or path.startswith(root.rstrip("/") + "/")


class _Resolver:
    """What the OS makes of relative paths under root, exactly os.path.realpath(root / raw)
    (links first, then `..`), one component at a time with every resolved folder kept:
    a thousand workers under `workers/` cost one lstat of `workers`, not a thousand, and
    nothing below a path that does not exist is looked at (realpath takes it as text)."""

    def __init__(self, root: Path) -> None:
        self.root = str(root)
        self.known: dict[str, str] = {"": self.root}
        self.whole: set[str] = set()  # behind a looping or dangling link: realpath as a whole
        self.absent: set[str] = set()  # no such path (or not a folder): nothing below is a link

    def __call__(self, raw: str) -> Path:
        return Path(self.resolve(raw))

    def resolve(self, rel: str) -> str:
        found = self.known.get(rel)
        if found is not None:
            return found
        parent, _, name = rel.rpartition("/")
        base = self.resolve(parent)  # real already: only `name` can be a link
        if parent in self.whole:
            out = os.path.realpath(Path(self.root, rel))
            self.whole.add(rel)
        elif name in ("", "."):
            out = base
            if parent in self.absent:
                self.absent.add(rel)
        elif name == "..":
            out = os.path.dirname(base)
        elif parent in self.absent:  # lstat would fail here too: realpath goes on as text
            out = os.path.join(base, name)
            self.absent.add(rel)
        else:
            out = os.path.join(base, name)
            try:
                link = stat.S_ISLNK(os.lstat(out).st_mode)
            except OSError:
                link = False
                self.absent.add(rel)
            if link:
                try:
                    out = os.path.realpath(out, strict=True)
                except OSError:  # realpath gives up there and takes the rest as text
                    out = os.path.realpath(out)
                    self.whole.add(rel)
        self.known[rel] = out
        return out


def outputs(project: Project, root: Path, resolves: _Resolver) -> Iterator[Issue]:
    real_files: dict[str, str] = {}  # two outputs that are one file through a link
    top = resolves.root
    for raw, where, what in output_paths(project):
        norm = normalise(raw)
        if norm is None:
            continue  # CG402 already
        folder = raw.rstrip("/").rpartition("/")[0]
        real = resolves.resolve(folder) if folder else top
        lexical = resolves.resolve(norm.rpartition("/")[0]) if "/" in norm else top
        if not _inside(top, real):
            yield Issue("CG402", where, f"{what} would be written under {folder!r}, which "
                        f"resolves to {real} through a symbolic link, outside the manifest's "
                        "folder")
        elif real != lexical:
            yield Issue("CG402", where, f"{what}: {raw!r} means one folder to the OS and "
                        "another once `..` is taken literally (a symbolic link before `..`); "
                        "write the path without `..`")
        else:
            file = os.path.join(real, norm.rpartition("/")[2])
            if file in real_files:
                yield Issue("CG401", where, f"{what} and {real_files[file]} are one file "
                            "through a symbolic link")
            real_files.setdefault(file, what)


def mains(project: Project, root: Path, resolves: _Resolver) -> Iterator[Issue]:
    seen: set[tuple[str, str]] = set()
    for worker in project.workers:
        if normalise(worker.dir) is None:
            continue  # its output is CG402 already
        for config in worker.configs:
            main = config.main
            if main is None or (worker.dir, main) in seen:
                continue
            seen.add((worker.dir, main))
            real = resolves.resolve(f"{worker.dir}/{main}")
            if not _inside(resolves.root, real):
                yield Issue("CG404", _main_key(project, worker.name, config.path),
                            f"main {main!r} of {worker.name!r} lies outside the manifest's "
                            "folder, where confgen's checks do not reach")


def _main_key(project: Project, worker: str, section: KeyPath) -> KeyPath:
    """The innermost table that sets `main`: the env section, the worker or [defaults]."""
    node: object = project.data
    for part in section:
        node = node.get(part, {}) if isinstance(node, dict) else {}
    if isinstance(node, dict) and "main" in node:
        return (*section, "main")
    if "main" in project.data["workers"].get(worker, {}):
        return ("workers", worker, "main")
    return ("defaults", "main")


def check(project: Project, root: Path) -> list[Issue]:
    resolves = _Resolver(root)
    return [*outputs(project, root, resolves), *mains(project, root, resolves)]

"""Scan every worker's source: from its `main` through the relative imports it makes.

`scan_project` reads only files the filesystem rule allows (see confgen.source.files)
and returns, per worker, its WorkerFacts, or None when its sources are not in the
repository (no folder or no `main` file): such workers are skipped, not errors.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from confgen.model import Project, Worker
from confgen.source import files
from confgen.source.facts import ClassDef, FileFacts, Loc, WorkerFacts

Scanner = Callable[[str, bytes], FileFacts]


@dataclass(frozen=True)
class Sources:
    """The scan of a whole project: facts per worker name (None: not in the repository)."""

    workers: dict[str, WorkerFacts | None]

    def get(self, name: str) -> WorkerFacts | None:
        return self.workers.get(name)

    @property
    def skipped(self) -> list[str]:
        return sorted(n for n, f in self.workers.items() if f is None)


def _scanner(path: str) -> Scanner:
    if path.endswith(files.PY_SUFFIXES):
        from confgen.source import python

        return python.scan
    from confgen.source import javascript  # deferred: only projects with JS pay for it

    return javascript.scan


def _rel(path: Path, root: Path) -> str:
    return path.relative_to(root).as_posix() if path.is_relative_to(root) else path.as_posix()


def scan_worker(root: Path, worker: Worker) -> WorkerFacts | None:
    """The facts of one worker; None when its folder or `main` is not there."""
    main = worker.top.main
    if not main:
        return None
    folder = (root / worker.dir)
    if not folder.is_dir():
        return None
    folder = folder.resolve()
    entry = root / worker.dir / main
    if not files.inside(folder, root) or not entry.is_file():
        return None
    python = main.endswith(files.PY_SUFFIXES)
    scanned: dict[str, FileFacts] = {}
    order: list[Path] = []
    problems: list[tuple[Loc, str]] = []
    queue = deque([entry])
    seen = {entry.resolve()}
    while queue:
        path = queue.popleft()
        shown = _rel(root / path.relative_to(root) if path.is_relative_to(root) else path, root)
        try:
            data = files.read(path, folder)
        except files.Refused as exc:
            problems.append((Loc(shown, 1, 1), f"not scanned: {exc}"))
            continue
        facts = _scanner(path.name)(shown, data)
        scanned[str(path)] = facts
        order.append(path)
        if facts.error is not None:
            problems.append((facts.error[0], f"not scanned: {facts.error[1]}"))
        for spec in facts.imports:
            target = _resolve(path, spec, entry.parent, folder, python)
            if target is not None and target.resolve() not in seen:
                seen.add(target.resolve())
                queue.append(target)
    main_facts = scanned.get(str(entry))
    if main_facts is None:
        return WorkerFacts(_rel(entry, root), (), {}, {}, None, {}, None, tuple(problems))
    uses: dict[str, list[Loc]] = {}
    process: dict[str, list[Loc]] = {}
    dynamic: list[Loc] = []
    for path in order:
        f = scanned[str(path)]
        for name, loc in f.uses:
            uses.setdefault(name, []).append(loc)
        for name, loc in f.process_uses:
            process.setdefault(name, []).append(loc)
        dynamic.extend(f.dynamic)
    exports = _exports(entry, scanned, entry.parent, folder, python, set())
    return WorkerFacts(
        main=_rel(entry, root), files=tuple(scanned[str(p)].path for p in order),
        uses={k: tuple(v) for k, v in uses.items()},
        process_uses={k: tuple(v) for k, v in process.items()},
        dynamic=dynamic[0] if dynamic else None, exports=exports,
        default=main_facts.default, problems=tuple(problems))


def _resolve(importer: Path, spec: str, base: Path, folder: Path, python: bool) -> Path | None:
    if not python:
        return files.resolve_js(importer, spec, folder)
    level = len(spec) - len(spec.lstrip("."))
    return files.resolve_py(importer, spec[level:], level, base, folder)


def _exports(path: Path, scanned: dict[str, FileFacts], base: Path, folder: Path,
             python: bool, visiting: set[str]) -> dict[str, ClassDef]:
    """Exported classes of one module, following re-exports into scanned modules."""
    facts = scanned.get(str(path))
    if facts is None or str(path) in visiting:
        return {}
    visiting.add(str(path))
    out: dict[str, ClassDef] = {}

    def follow(spec: str) -> dict[str, ClassDef]:
        target = _resolve(path, spec, base, folder, python)
        return _exports(target, scanned, base, folder, python, visiting) if target else {}

    for spec in facts.star_exports:
        out.update(follow(spec))
    for exported, name, spec in facts.reexports:
        if name in (found := follow(spec)):
            out[exported] = found[name]
    for exported, local in facts.exports.items():
        if local in facts.classes:
            out[exported] = facts.classes[local]
        elif local in facts.imported:
            name, spec = facts.imported[local]
            if name in (found := follow(spec)):
                out[exported] = found[name]
    visiting.discard(str(path))
    return out


def scan_project(project: Project, root: Path) -> Sources:
    root = root.resolve()
    return Sources({w.name: scan_worker(root, w) for w in project.workers})

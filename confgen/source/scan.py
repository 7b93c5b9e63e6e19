"""Scan every worker's source: from its `main` through the relative imports it makes.

`scan_project` reads only files the filesystem rule allows (see confgen.source.files)
and returns, per worker, its WorkerFacts, or None when its sources are not in the
repository (no folder or no `main` file): such workers are skipped, not errors.
"""

from __future__ import annotations

import os
from collections import deque
from collections.abc import Callable
from pathlib import Path

from confgen.model import Project, Worker
from confgen.record import record
from confgen.source import files
from confgen.source.facts import ClassDef, FileFacts, Loc, WorkerFacts

Scanner = Callable[[str, bytes], FileFacts]


@record
class Sources:
    """The scan of a whole project: facts per worker name (None: not in the repository)."""

    workers: dict[str, WorkerFacts | None]

    def get(self, name: str) -> WorkerFacts | None:
        return self.workers.get(name)

    @property
    def scanned(self) -> bool:
        """Whether any worker's sources are here."""
        return any(f is not None for f in self.workers.values())

    @property
    def skipped(self) -> list[str]:
        return sorted(n for n, f in self.workers.items() if f is None)


def _scanner(path: str) -> Scanner:
    if path.endswith(files.PY_SUFFIXES):
        from confgen.source import python

        return python.scan
    from confgen.source import javascript  # deferred: only projects with JS pay for it

    return javascript.scan


def scan_worker(root: Path, worker: Worker) -> WorkerFacts | None:
    """The facts of one worker; None when its folder or `main` is not there."""
    main = worker.top.main
    folder = os.path.join(root, worker.dir)
    if not main or not os.path.isdir(folder):
        return None
    entry = os.path.normpath(os.path.join(folder, main))
    if not os.path.isfile(entry):  # before realpath: a fleet's config-only folders are many
        return None
    real_folder = Path(os.path.realpath(folder))
    if not files.inside(real_folder, root):
        return None
    python = main.endswith(files.PY_SUFFIXES)
    base = os.path.dirname(entry)
    prefix = len(str(root)) + 1

    def shown(path: str) -> str:  # relative to the manifest's folder, posix
        return path[prefix:].replace(os.sep, "/") if path.startswith(str(root) + os.sep) \
            else path

    resolved: dict[tuple[str, str], str | None] = {}

    def resolve(importer: str, spec: str) -> str | None:
        key = (importer, spec)
        if key not in resolved:
            if python:
                level = len(spec) - len(spec.lstrip("."))
                resolved[key] = files.resolve_py(importer, spec[level:], level, base,
                                                 str(real_folder))
            else:
                resolved[key] = files.resolve_js(importer, spec, str(real_folder))
        return resolved[key]

    scanned: dict[str, FileFacts] = {}
    problems: list[tuple[Loc, str]] = []
    entry = os.path.realpath(entry)  # every path from here on is resolved
    queue = deque([entry])
    seen = {entry}
    while queue:
        path = queue.popleft()
        try:
            data = files.read(path, real_folder, resolved=True)
        except files.Refused as exc:
            problems.append((Loc(shown(path), 1, 1), f"not scanned: {exc}"))
            continue
        facts = _scanner(path)(shown(path), data)
        scanned[path] = facts
        if facts.error is not None:
            problems.append((facts.error[0], f"not scanned: {facts.error[1]}"))
        for spec in facts.imports:
            target = resolve(path, spec)
            if target is not None and target not in seen:
                seen.add(target)
                queue.append(target)
    main_facts = scanned.get(entry)
    if main_facts is None:
        return WorkerFacts(shown(entry), (), {}, {}, None, {}, None, tuple(problems))
    uses: dict[str, list[Loc]] = {}
    process: dict[str, list[Loc]] = {}
    dynamic: list[Loc] = []
    for f in scanned.values():
        for name, loc in f.uses:
            uses.setdefault(name, []).append(loc)
        for name, loc in f.process_uses:
            process.setdefault(name, []).append(loc)
        dynamic.extend(f.dynamic)
    return WorkerFacts(
        main=shown(entry), files=tuple(f.path for f in scanned.values()),
        uses={k: tuple(v) for k, v in uses.items()},
        process_uses={k: tuple(v) for k, v in process.items()},
        dynamic=dynamic[0] if dynamic else None,
        exports=_exports(entry, scanned, resolve, set()),
        default=main_facts.default, problems=tuple(problems))


def _exports(path: str, scanned: dict[str, FileFacts],
             resolve: Callable[[str, str], str | None], visiting: set[str]) -> dict[str, ClassDef]:
    """Exported classes of one module, following re-exports into scanned modules."""
    facts = scanned.get(path)
    if facts is None or path in visiting:
        return {}
    visiting.add(path)
    out: dict[str, ClassDef] = {}

    def follow(spec: str) -> dict[str, ClassDef]:
        target = resolve(path, spec)
        return _exports(target, scanned, resolve, visiting) if target else {}

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
    visiting.discard(path)
    return out


def scan_project(project: Project, root: Path) -> Sources:
    root = root.resolve()
    return Sources({w.name: scan_worker(root, w) for w in project.workers})

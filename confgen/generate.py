"""validate -> render -> compare, and (for `generate`) write: one call per command mode.

The manifest's folder is locked (flock) for the whole comparison and write: shared for
--check and --diff, exclusive for generate, so two runs never interleave.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from confgen import fs, lockfile, selection, write
from confgen.diagnostics import Diagnostic, Severity
from confgen.record import record, replace
from confgen.render import RenderError, planned, verify
from confgen.selection import EVERYTHING, Selection
from confgen.validate import Result, validate_file

LOCK_TIMEOUT = float(os.environ.get("CONFGEN_LOCK_TIMEOUT", "30"))  # seconds to wait for a run


@record
class Generated:
    diagnostics: tuple[Diagnostic, ...]  # validation, render and disk problems
    entries: tuple[write.Entry, ...] = ()
    written: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()
    suppressed: tuple[Diagnostic, ...] = ()

    @property
    def ok(self) -> bool:
        return not any(d.severity is Severity.ERROR for d in self.diagnostics)


class _Stop(Exception):
    """A problem that ends the run: reported, nothing (more) written."""

    def __init__(self, diagnostic: Diagnostic) -> None:
        self.diagnostic = diagnostic


@contextmanager
def _opened(manifest: Path, exclusive: bool) -> Iterator[fs.Tree]:
    """The manifest's folder, open and locked; _Stop when it cannot be."""
    try:
        tree = fs.Tree.open(fs.manifest_root(manifest))
    except OSError as exc:
        raise _Stop(Diagnostic(str(manifest), 1, 1, "CG421",
                               f"cannot open the manifest's folder: {exc.strerror}")) from None
    try:
        with tree.locked(exclusive, LOCK_TIMEOUT):
            yield tree
    except fs.Busy:
        raise _Stop(Diagnostic(lockfile.lock_name(manifest.name), 1, 1, "CG420",
                               f"another confgen run is writing in this folder; waited "
                               f"{LOCK_TIMEOUT:g} s")) from None
    finally:
        tree.close()


def _compare(tree: fs.Tree, result: Result, manifest: Path,
             writing: bool = False) -> tuple[write.Disk, list[Diagnostic]]:
    assert result.project is not None
    name = manifest.name
    try:
        lock = write.read_lock(tree, name)
    except lockfile.LockError as exc:
        raise _Stop(Diagnostic(lockfile.lock_name(name), exc.line, 1, "CG417",
                               f"{exc.message}; confgen writes nothing until it is fixed "
                               "(or deleted: then every existing output counts as "
                               "hand-written until `confgen generate --force`)")) from None
    except fs.Refused as exc:
        raise _Stop(Diagnostic(exc.path, 1, 1, "CG417", exc.reason)) from None
    outputs = planned(result.project, name)
    try:
        # renders each output in turn; before writing, each changed one parses back
        disk = write.compare(tree, outputs, lock, name, verify if writing else None)
    except RenderError as exc:
        raise _Stop(Diagnostic(exc.path, 1, 1, "CG421", exc.reason)) from None
    return disk, write.conflicting_configs(tree, outputs, lock) + list(disk.problems)


def _run(manifest: Path, exclusive: bool, force: bool, writing: bool,
         chosen: Selection) -> Generated:
    result = validate_file(manifest, chosen=chosen)
    if result.errors or result.project is None:
        return Generated(result.diagnostics, suppressed=result.suppressed)
    done = _write_stage(manifest, result, exclusive, force, writing)
    # What the write stage found goes through the same selection (CG418, CG419...).
    picked = selection.apply(done.diagnostics, str(manifest), None,
                             chosen.merged(result.loaded.data.get("lint") if result.loaded
                                           else None))
    return replace(done, diagnostics=picked.kept,
                   suppressed=result.suppressed + picked.suppressed)


def _write_stage(manifest: Path, result: Result, exclusive: bool, force: bool,
                 writing: bool) -> Generated:
    found: list[Diagnostic] = []
    entries: tuple[write.Entry, ...] = ()
    try:
        with _opened(manifest, exclusive) as tree:
            disk, problems = _compare(tree, result, manifest, writing)
            entries = disk.entries
            found = problems
            if not writing:
                found += write.diagnostics(entries, manifest.name)
                return _done(result, found, entries)
            found += write.diagnostics(write.blocked(entries, force), manifest.name)
            if any(d.severity is Severity.ERROR for d in found):
                return _done(result, found, entries)
            applied = write.apply(tree, entries, manifest.name)
            return _done(result, found, entries, applied)
    except _Stop as stop:
        return _done(result, [*found, stop.diagnostic], entries)
    except RenderError as exc:
        return _done(result, [Diagnostic(exc.path, 1, 1, "CG421", exc.reason)], entries)
    except fs.Changed as exc:
        return _done(result, [Diagnostic(exc.path, 1, 1, "CG420", "changed on disk during "
                                         "this run; nothing more written, run again")], entries)
    except fs.Refused as exc:
        return _done(result, [Diagnostic(exc.path, 1, 1, "CG416", exc.reason)], entries)
    except write.WriteFailed as exc:
        return _done(result, [Diagnostic(exc.path, 1, 1, "CG421",
                                         f"cannot write: {exc.reason}")], entries)
    except OSError as exc:
        where = exc.filename if isinstance(exc.filename, str) else manifest.name
        return _done(result, [Diagnostic(where, 1, 1, "CG421",
                                         f"cannot read: {exc.strerror}")], entries)


def _done(result: Result, problems: list[Diagnostic], entries: tuple[write.Entry, ...] = (),
          applied: write.Applied | None = None) -> Generated:
    extra = tuple(d for d in problems if d not in result.diagnostics)
    return Generated(tuple(sorted(result.diagnostics + extra)), entries,
                     applied.written if applied else (), applied.removed if applied else ())


def check(manifest: Path, chosen: Selection = EVERYTHING) -> Generated:
    """Write nothing; every output that is not current is a diagnostic."""
    return _run(manifest, exclusive=False, force=False, writing=False, chosen=chosen)


def generate(manifest: Path, force: bool = False, chosen: Selection = EVERYTHING) -> Generated:
    """Write every output that changed, unless anything at all is wrong."""
    return _run(manifest, exclusive=True, force=force, writing=True, chosen=chosen)

"""validate -> render -> compare, and (for `generate`) write: one call per command mode."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from confgen import write
from confgen.diagnostics import Diagnostic
from confgen.render import RenderError, render_all, verify
from confgen.validate import Result, validate_file


@dataclass(frozen=True)
class Generated:
    validation: Result
    diagnostics: tuple[Diagnostic, ...]  # validation, render and disk problems
    entries: tuple[write.Entry, ...] = ()
    written: tuple[str, ...] = field(default=())

    @property
    def ok(self) -> bool:
        return not any(str(d.severity) == "error" for d in self.diagnostics)


def _prepare(manifest: Path) -> tuple[Result, list[write.Entry] | Diagnostic | None]:
    result = validate_file(manifest)
    if result.errors or result.project is None:
        return result, None
    source = manifest.name
    try:
        outputs = render_all(result.project, source)
        entries = write.compare(manifest.resolve().parent, outputs)
    except RenderError as exc:
        return result, Diagnostic(exc.path, 1, 1, "CG421", exc.reason)
    except OSError as exc:
        return result, Diagnostic(_shown(exc, manifest.resolve().parent), 1, 1, "CG421",
                                  f"cannot read: {exc.strerror}")
    return result, entries


def _shown(exc: OSError, root: Path) -> str:
    """The failing file, relative to the manifest's folder when it is inside it."""
    where = Path(exc.filename).resolve() if exc.filename else root
    return where.relative_to(root).as_posix() if where.is_relative_to(root) else str(where)


def check(manifest: Path) -> Generated:
    """Write nothing; every output that is not current is a diagnostic."""
    result, entries = _prepare(manifest)
    if not isinstance(entries, list):
        extra = (entries,) if isinstance(entries, Diagnostic) else ()
        return Generated(result, result.diagnostics + extra)
    found = write.diagnostics(entries, manifest.name)
    return Generated(result, result.diagnostics + tuple(found), tuple(entries))


def generate(manifest: Path, force: bool = False) -> Generated:
    result, entries = _prepare(manifest)
    if not isinstance(entries, list):
        extra = (entries,) if isinstance(entries, Diagnostic) else ()
        return Generated(result, result.diagnostics + extra)
    refused = write.blocked(entries, force)
    if refused:
        found = [d for d in write.diagnostics(refused, manifest.name)]
        return Generated(result, result.diagnostics + tuple(found), tuple(entries))
    root = manifest.resolve().parent
    try:
        for entry in entries:
            if entry.output is not None and entry.state is not write.State.CURRENT:
                verify(entry.output)
    except RenderError as exc:
        problem = Diagnostic(exc.path, 1, 1, "CG421", exc.reason)
        return Generated(result, result.diagnostics + (problem,), tuple(entries))
    try:
        written = write.apply(root, entries, force)
    except OSError as exc:
        problem = Diagnostic(_shown(exc, root), 1, 1, "CG421", f"cannot write: {exc.strerror}")
        return Generated(result, result.diagnostics + (problem,), tuple(entries))
    return Generated(result, result.diagnostics, tuple(entries), tuple(written))

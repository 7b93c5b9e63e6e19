"""validate -> render -> compare, and (for `generate`) write: one call per command mode."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from confgen import write
from confgen.diagnostics import Diagnostic, Severity
from confgen.render import RenderError, render_all, verify
from confgen.validate import Result, validate_file


@dataclass(frozen=True)
class Generated:
    diagnostics: tuple[Diagnostic, ...]  # validation, render and disk problems
    entries: tuple[write.Entry, ...] = ()
    written: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        return not any(d.severity is Severity.ERROR for d in self.diagnostics)


def _shown(exc: OSError, root: Path) -> str:
    """The failing file, relative to the manifest's folder when it is inside it."""
    where = Path(exc.filename).resolve() if exc.filename else root
    return where.relative_to(root).as_posix() if where.is_relative_to(root) else str(where)


def _prepare(manifest: Path) -> tuple[Result, list[write.Entry], list[Diagnostic]]:
    """Validate, render and compare. Non-empty problems stop every mode."""
    result = validate_file(manifest)
    if result.errors or result.project is None:
        return result, [], list(result.diagnostics)
    root = manifest.resolve().parent
    try:
        outputs = render_all(result.project, manifest.name)
        owned = write.read_lock(root)
        conflicts = write.conflicting_configs(root, outputs, owned)
        entries = write.compare(root, outputs, owned)
    except RenderError as exc:
        return result, [], [Diagnostic(exc.path, 1, 1, "CG421", exc.reason)]
    except OSError as exc:
        return result, [], [Diagnostic(_shown(exc, root), 1, 1, "CG421",
                                       f"cannot read: {exc.strerror}")]
    except ValueError as exc:  # a path the OS refuses (validate rejects the known cases)
        return result, [], [Diagnostic(str(manifest), 1, 1, "CG421", str(exc))]
    return result, entries, conflicts


def _done(result: Result, problems: list[Diagnostic], entries: list[write.Entry] | None = None,
          written: tuple[str, ...] = ()) -> Generated:
    extra = tuple(d for d in problems if d not in result.diagnostics)
    return Generated(tuple(sorted(result.diagnostics + extra)), tuple(entries or ()),
                     written)


def check(manifest: Path) -> Generated:
    """Write nothing; every output that is not current is a diagnostic."""
    result, entries, problems = _prepare(manifest)
    return _done(result, problems + write.diagnostics(entries, manifest.name), entries)


def generate(manifest: Path, force: bool = False) -> Generated:
    """Write every output that changed, unless anything at all is wrong."""
    result, entries, problems = _prepare(manifest)
    problems += write.diagnostics(write.blocked(entries, force), manifest.name)
    if problems:
        return _done(result, problems, entries)
    root = manifest.resolve().parent
    try:
        for entry in entries:
            if entry.output is not None and entry.state is not write.State.CURRENT:
                verify(entry.output)
        written = write.apply(root, entries, force)
    except RenderError as exc:
        return _done(result, [Diagnostic(exc.path, 1, 1, "CG421", exc.reason)], entries)
    except OSError as exc:
        return _done(result, [Diagnostic(_shown(exc, root), 1, 1, "CG421",
                                         f"cannot write: {exc.strerror}")], entries)
    return _done(result, [], entries, tuple(written))

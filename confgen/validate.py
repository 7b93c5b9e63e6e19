"""The validate pipeline: load -> schema -> model -> rules, as located diagnostics.

Never raises on any manifest text; the only exception that leaves is
load.Unreadable, for a file that cannot be read at all (exit 2).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from confgen import load, placement, resolve, rules, schema, selection
from confgen.diagnostics import Diagnostic, Issue, Severity, format_path
from confgen.model import Project
from confgen.selection import EVERYTHING, Selection


@dataclass(frozen=True)
class Result:
    diagnostics: tuple[Diagnostic, ...]
    project: Project | None  # None when the manifest did not get past the schema
    loaded: load.Loaded | None
    suppressed: tuple[Diagnostic, ...] = ()  # switched off by --ignore, [lint] or a comment

    @property
    def errors(self) -> int:
        return sum(d.severity is Severity.ERROR for d in self.diagnostics)

    @property
    def warnings(self) -> int:
        return sum(d.severity is Severity.WARNING for d in self.diagnostics)


def locate(loaded: load.Loaded, issues: list[Issue]) -> tuple[Diagnostic, ...]:
    found = set()
    for issue in issues:
        line, column = loaded.positions.locate(issue.path)
        found.add(Diagnostic(loaded.file, line, column, issue.code, issue.message,
                             format_path(issue.path)))
    return tuple(sorted(found))


def validate_loaded(loaded: load.Loaded) -> Result:
    issues = schema.check(loaded.data)
    if issues:
        return Result(locate(loaded, issues), None, loaded)
    project = resolve.build(loaded.data, Path(loaded.file).name)
    return Result(locate(loaded, rules.run(project)), project, loaded)


def validate_text(raw: bytes, file: str = "project.toml", root: Path = Path(".")) -> Result:
    parsed = load.parse(raw, file, root)
    if isinstance(parsed, Diagnostic):
        return Result((parsed,), None, None)
    return validate_loaded(parsed)


def validate_file(path: Path, display: str | None = None,
                  chosen: Selection = EVERYTHING, raw: bytes | None = None) -> Result:
    """validate_text, then where the manifest's paths land on the real filesystem, then
    the rule selection (`raw`: the manifest's bytes when they do not come from `path`)."""
    from confgen.fs import manifest_root

    root = manifest_root(path)
    result = validate_text(load.read(path) if raw is None else raw, display or str(path), root)
    found: tuple[Diagnostic, ...] = ()
    if result.project is not None and result.loaded is not None:
        found = locate(result.loaded, placement.check(result.project, root))
    return select(Result(tuple(sorted(set(result.diagnostics + found))), result.project,
                         result.loaded), chosen)


def select(result: Result, chosen: Selection) -> Result:
    """Apply --select / --ignore, the manifest's [lint] table and its ignore comments."""
    loaded = result.loaded
    if loaded is not None:
        chosen = chosen.merged(loaded.data.get("lint"))
    file = loaded.file if loaded else ""
    picked = selection.apply(result.diagnostics, file, loaded.text if loaded else None, chosen)
    return Result(picked.kept, result.project, result.loaded,
                  result.suppressed + picked.suppressed)

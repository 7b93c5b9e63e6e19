"""The validate pipeline: load -> schema -> model -> rules, as located diagnostics.

Never raises on any manifest text; the only exception that leaves is
load.Unreadable, for a file that cannot be read at all (exit 2).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from confgen import load, placement, resolve, rules, schema
from confgen.diagnostics import Diagnostic, Issue, Severity, format_path
from confgen.model import Project


@dataclass(frozen=True)
class Result:
    diagnostics: tuple[Diagnostic, ...]
    project: Project | None  # None when the manifest did not get past the schema
    loaded: load.Loaded | None

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


def validate_file(path: Path, display: str | None = None) -> Result:
    """validate_text, then where the manifest's paths land on the real filesystem."""
    from confgen.fs import manifest_root

    root = manifest_root(path)
    result = validate_text(load.read(path), display or str(path), root)
    if result.project is None or result.loaded is None:
        return result
    found = locate(result.loaded, placement.check(result.project, root))
    return Result(tuple(sorted(set(result.diagnostics + found))), result.project,
                  result.loaded)

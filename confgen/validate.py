"""The validate pipeline: load -> schema -> model -> rules, as located diagnostics.

Never raises on any manifest text; the only exception that leaves is
load.Unreadable, for a file that cannot be read at all (exit 2).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from confgen import load, resolve, rules, schema
from confgen.diagnostics import Diagnostic, Issue, Severity, format_path
from confgen.model import Project
from confgen.source.scan import scan_project


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

    @property
    def notes(self) -> int:
        return sum(d.severity is Severity.INFO for d in self.diagnostics)


def locate(loaded: load.Loaded, issues: list[Issue]) -> tuple[Diagnostic, ...]:
    found = set()
    for issue in issues:
        if issue.where is not None:  # a worker's source file, relative to the manifest
            found.add(Diagnostic(*issue.where, issue.code, issue.message,
                                 format_path(issue.path)))
            continue
        line, column = loaded.positions.locate(issue.path)
        found.add(Diagnostic(loaded.file, line, column, issue.code, issue.message,
                             format_path(issue.path)))
    return tuple(sorted(found))


def validate_loaded(loaded: load.Loaded, sources: bool = True) -> Result:
    """`sources`: also scan the workers' code under loaded.root (confgen.source)."""
    issues = schema.check(loaded.data)
    if issues:
        return Result(locate(loaded, issues), None, loaded)
    project = resolve.build(loaded.data, Path(loaded.file).name)
    issues = rules.run(project)
    if sources:
        issues += rules.run_sources(project, scan_project(project, loaded.root))
    return Result(locate(loaded, issues), project, loaded)


def validate_text(raw: bytes, file: str = "project.toml", root: Path = Path("."),
                  sources: bool = False) -> Result:
    """The manifest text alone, unless `sources` (then the code under `root` too)."""
    parsed = load.parse(raw, file, root)
    if isinstance(parsed, Diagnostic):
        return Result((parsed,), None, None)
    return validate_loaded(parsed, sources)


def validate_file(path: Path, display: str | None = None) -> Result:
    return validate_text(load.read(path), display or str(path), path.resolve().parent,
                         sources=True)

"""The validate pipeline: load -> schema -> model -> rules, as located diagnostics.

Never raises on any manifest text; the only exception that leaves is
load.Unreadable, for a file that cannot be read at all (exit 2).
"""

from __future__ import annotations

from pathlib import Path

from confgen import load, placement, resolve, rules, schema, selection
from confgen.diagnostics import Diagnostic, Issue, Severity, format_path
from confgen.model import Project
from confgen.record import record
from confgen.selection import EVERYTHING, Selection
from confgen.source.scan import scan_project


@record
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


def validate_file(path: Path, display: str | None = None,
                  chosen: Selection = EVERYTHING, raw: bytes | None = None) -> Result:
    """validate_text with the workers' sources, then where the manifest's paths land on
    the real filesystem, then the rule selection (`raw`: the manifest's bytes when they do not come from `path`)."""
    from confgen.fs import manifest_root

    root = manifest_root(path)
    result = validate_text(load.read(path) if raw is None else raw, display or str(path), root,
                           sources=True)
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

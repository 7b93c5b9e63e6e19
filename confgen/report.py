"""Diagnostics out: one formatter per output format, chosen from FORMATTERS."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence

from confgen import __version__
from confgen.diagnostics import CODES, Diagnostic, Severity

_COLORS = {Severity.ERROR: "\033[31m", Severity.WARNING: "\033[33m", Severity.INFO: "\033[36m"}
# GitHub annotations and SARIF name the lowest level differently.
_GITHUB = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}
_SARIF = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}


def _summary(diagnostics: Sequence[Diagnostic]) -> dict[str, int]:
    return {"errors": sum(d.severity is Severity.ERROR for d in diagnostics),
            "warnings": sum(d.severity is Severity.WARNING for d in diagnostics),
            "notes": sum(d.severity is Severity.INFO for d in diagnostics)}


def text(diagnostics: Sequence[Diagnostic], color: bool = False) -> str:
    lines = []
    for d in diagnostics:
        severity = str(d.severity)
        if color:
            severity = _COLORS[d.severity] + severity + "\033[0m"
        where = f"{d.path}: " if d.path else ""
        lines.append(f"{d.file}:{d.line}:{d.column}: {severity} {d.code} {where}{d.message}")
    s = _summary(diagnostics)
    if diagnostics:
        notes = f", {s['notes']} note(s)" if s["notes"] else ""
        lines.append(f"{s['errors']} error(s), {s['warnings']} warning(s){notes}")
    return "\n".join(lines)


def as_json(diagnostics: Sequence[Diagnostic], color: bool = False) -> str:
    return json.dumps({"diagnostics": [d.as_dict() for d in diagnostics],
                       "summary": _summary(diagnostics)}, indent=2, ensure_ascii=False)


def github(diagnostics: Sequence[Diagnostic], color: bool = False) -> str:
    def esc(value: str) -> str:
        return value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")

    def prop(value: str) -> str:
        return esc(value).replace(":", "%3A").replace(",", "%2C")

    return "\n".join(
        f"::{_GITHUB[d.severity]} file={prop(d.file)},line={d.line},col={d.column},"
        f"title={prop(d.code)}::{esc((d.path + ': ' if d.path else '') + d.message)}"
        for d in diagnostics)


def sarif(diagnostics: Sequence[Diagnostic], color: bool = False) -> str:
    used = sorted({d.code for d in diagnostics})
    rules = [{"id": c, "name": CODES[c].title, "shortDescription": {"text": CODES[c].title},
              "fullDescription": {"text": CODES[c].help},
              "defaultConfiguration": {"level": _SARIF[CODES[c].severity]}} for c in used]
    results = [{"ruleId": d.code, "ruleIndex": used.index(d.code), "level": _SARIF[d.severity],
                "message": {"text": (d.path + ": " if d.path else "") + d.message},
                "locations": [{"physicalLocation": {
                    "artifactLocation": {"uri": d.file},
                    "region": {"startLine": d.line, "startColumn": d.column}}}]}
               for d in diagnostics]
    log = {"$schema": "https://json.schemastore.org/sarif-2.1.0.json", "version": "2.1.0",
           "runs": [{"tool": {"driver": {"name": "confgen", "version": __version__,
                                         "informationUri": "https://github.com/confgen/confgen",
                                         "rules": rules}},
                     "results": results}]}
    return json.dumps(log, indent=2, ensure_ascii=False)


FORMATTERS: dict[str, Callable[..., str]] = {
    "text": text, "json": as_json, "sarif": sarif, "github": github}

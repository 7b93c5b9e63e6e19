"""Diagnostics out: one formatter per output format, chosen from FORMATTERS.

Every formatter takes the reported diagnostics and the suppressed ones (counted in the
summary; in SARIF, listed with a suppression so code scanning shows them as dismissed).
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Sequence
from urllib.parse import quote

from confgen import __version__
from confgen.diagnostics import CODES, Diagnostic, Severity

JSON_FORMAT_VERSION = 1  # bumped when the JSON output's shape changes
HELP_URI = os.environ.get(
    "CONFGEN_HELP_URI", "https://github.com/confgen/confgen/blob/main/docs/diagnostics.md")


_COLORS = {Severity.ERROR: "\033[31m", Severity.WARNING: "\033[33m", Severity.INFO: "\033[36m"}
# GitHub annotations and SARIF name the lowest level differently.
_GITHUB = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}
_SARIF = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}


def _summary(diagnostics: Sequence[Diagnostic], suppressed: Sequence[Diagnostic]
             ) -> dict[str, int]:
    return {"errors": sum(d.severity is Severity.ERROR for d in diagnostics),
            "warnings": sum(d.severity is Severity.WARNING for d in diagnostics),
            "notes": sum(d.severity is Severity.INFO for d in diagnostics),
            "suppressed": len(suppressed)}


def text(diagnostics: Sequence[Diagnostic], color: bool = False,
         suppressed: Sequence[Diagnostic] = ()) -> str:
    lines = []
    for d in diagnostics:
        severity = str(d.severity)
        if color:
            severity = _COLORS[d.severity] + severity + "\033[0m"
        where = f"{d.path}: " if d.path else ""
        lines.append(f"{d.file}:{d.line}:{d.column}: {severity} {d.code} {where}{d.message}")
    s = _summary(diagnostics, suppressed)
    if diagnostics or suppressed:
        tail = f", {s['suppressed']} suppressed" if suppressed else ""
        notes = f", {s['notes']} note(s)" if s["notes"] else ""
        lines.append(f"{s['errors']} error(s), {s['warnings']} warning(s){notes}{tail}")
    return "\n".join(lines)


def as_json(diagnostics: Sequence[Diagnostic], color: bool = False,
            suppressed: Sequence[Diagnostic] = ()) -> str:
    return json.dumps({"version": JSON_FORMAT_VERSION,
                       "diagnostics": [d.as_dict() for d in diagnostics],
                       "summary": _summary(diagnostics, suppressed)}, indent=2,
                      ensure_ascii=False)


def github(diagnostics: Sequence[Diagnostic], color: bool = False,
           suppressed: Sequence[Diagnostic] = ()) -> str:
    def esc(value: str) -> str:
        return value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")

    def prop(value: str) -> str:
        return esc(value).replace(":", "%3A").replace(",", "%2C")

    return "\n".join(
        f"::{_GITHUB[d.severity]} file={prop(d.file)},line={d.line},col={d.column},"
        f"title={prop(d.code)}::{esc((d.path + ': ' if d.path else '') + d.message)}"
        for d in diagnostics)


def artifact(file: str) -> dict[str, str]:
    """A SARIF artifactLocation: a percent-encoded relative reference against %SRCROOT%
    (the folder confgen ran in), or a file: URI for a path outside it."""
    path = file.replace(os.sep, "/")
    if os.path.isabs(path) or path.startswith("../"):
        absolute = os.path.abspath(path).replace(os.sep, "/")
        return {"uri": "file://" + quote(absolute if absolute.startswith("/") else "/" + absolute)}
    return {"uri": quote(path), "uriBaseId": "%SRCROOT%"}


def anchor(code: str) -> str:
    """The heading anchor of a code in docs/diagnostics.md (GitHub's slug rules)."""
    return f"{code.lower()}-{CODES[code].title}"


def _rule(code: str) -> dict[str, object]:
    c = CODES[code]
    sentence = c.help.split(". ")[0].rstrip(".") + "."
    uri = f"{HELP_URI}#{anchor(code)}"
    return {"id": code, "name": "".join(w.capitalize() for w in c.title.split("-")),
            "shortDescription": {"text": sentence}, "fullDescription": {"text": c.help},
            "help": {"text": f"{c.help} See {uri}", "markdown": f"**{code} {c.title}**\n\n"
                     f"{c.help}\n\n[More about {code}]({uri})"},
            "helpUri": uri, "defaultConfiguration": {"level": _SARIF[c.severity]},
            "properties": {"tags": [c.title]}}


def _fingerprint(d: Diagnostic) -> str:
    """Stable while lines move: the code, the file and the manifest key, not the line."""
    key = f"{d.code}\0{d.file}\0{d.path or d.line}\0{d.message if not d.path else ''}"
    import hashlib  # deferred: SARIF output alone needs it

    return hashlib.sha256(key.encode()).hexdigest()[:32]


def sarif(diagnostics: Sequence[Diagnostic], color: bool = False,
          suppressed: Sequence[Diagnostic] = ()) -> str:
    everything = [(d, False) for d in diagnostics] + [(d, True) for d in suppressed]
    used = sorted({d.code for d, _ in everything})
    results = []
    for d, quiet in everything:
        result: dict[str, object] = {
            "ruleId": d.code, "ruleIndex": used.index(d.code), "level": _SARIF[d.severity],
            "message": {"text": (d.path + ": " if d.path else "") + d.message},
            "locations": [{"physicalLocation": {
                "artifactLocation": artifact(d.file),
                "region": {"startLine": d.line, "startColumn": d.column}}}],
            "partialFingerprints": {"confgenDiagnostic/v1": _fingerprint(d)}}
        if quiet:
            result["suppressions"] = [{"kind": "inSource"}]
        results.append(result)
    log = {"$schema": "https://json.schemastore.org/sarif-2.1.0.json", "version": "2.1.0",
           "runs": [{"tool": {"driver": {"name": "confgen", "version": __version__,
                                         "informationUri": "https://github.com/confgen/confgen",
                                         "rules": [_rule(c) for c in used]}},
                     "columnKind": "unicodeCodePoints",
                     "results": results}]}
    return json.dumps(log, indent=2, ensure_ascii=False)


FORMATTERS: dict[str, Callable[..., str]] = {
    "text": text, "json": as_json, "sarif": sarif, "github": github}

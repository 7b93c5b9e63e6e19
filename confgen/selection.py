"""Which diagnostics are reported: `--select` / `--ignore`, the manifest's `[lint]` table,
and `# confgen: ignore[CODE, ...]` comments on the manifest line a diagnostic points at.

Codes are selected by prefix, as ruff does (`CG2` is every CG2xx). Problems that stop the
pipeline (CG0xx load, CG1xx schema) and output errors (CG4xx: where files go and their
state on disk) cannot be switched off: without them confgen would have nothing sound to
go on, or would write where it must not. A comment
that suppresses nothing is itself a warning (CG003), so stale suppressions do not pile up.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from confgen.diagnostics import CODES, Diagnostic, Severity
from confgen.record import record

_DIRECTIVE = re.compile(r"#\s*confgen:\s*ignore\[([^\]]*)\]")
_CODE = re.compile(r"CG[0-9]{0,3}\Z")


class SelectionError(ValueError):
    """A --select / --ignore value that names no code."""


@record
class Selection:
    select: tuple[str, ...] | None = None  # prefixes; None: every code
    ignore: tuple[str, ...] = ()

    def wants(self, code: str) -> bool:
        if any(code.startswith(p) for p in self.ignore):
            return False
        return self.select is None or any(code.startswith(p) for p in self.select)

    def merged(self, table: object) -> Selection:
        """This (command-line) selection over the manifest's [lint] table: --select
        replaces the table's select, --ignore adds to its ignore."""
        if not isinstance(table, dict):
            return self
        select = self.select
        if select is None and isinstance(table.get("select"), list):
            select = tuple(str(c) for c in table["select"])
        ignore = self.ignore + tuple(str(c) for c in table.get("ignore", ()) or ())
        return Selection(select, ignore)


EVERYTHING = Selection()  # every code, no ignores: the default


def codes(values: Iterable[str]) -> tuple[str, ...]:
    """`--ignore CG253,CG210 --ignore CG3` -> ('CG253', 'CG210', 'CG3')."""
    found = []
    for value in values:
        for part in value.split(","):
            part = part.strip().upper()
            if not part:
                continue
            if not _CODE.match(part) or not any(c.startswith(part) for c in CODES):
                raise SelectionError(f"{part!r} names no diagnostic code (see `confgen codes`)")
            found.append(part)
    return tuple(found)


def always_reported(d: Diagnostic) -> bool:
    """Load and schema problems, and every output error (where files go, their state on
    disk): switching those off would let confgen write where it must not."""
    return d.code[:3] in ("CG0", "CG1") or (d.code[:3] == "CG4" and d.severity is Severity.ERROR)


@record
class Directive:
    line: int
    column: int
    codes: tuple[str, ...]


def directives(text: str) -> list[Directive]:
    """`# confgen: ignore[...]` comments, found only in comments (not inside strings)."""
    if _DIRECTIVE.search(text) is None:  # the usual case, without a Python step per character
        return []  # (exact: a match inside a comment is a match in the whole text)
    found = []
    for n, comment, column in _comments(text):
        match = _DIRECTIVE.search(comment)
        if match:
            named = tuple(c.strip().upper() for c in match.group(1).split(",") if c.strip())
            found.append(Directive(n, column + match.start(), named))
    return found


def _comments(text: str) -> Iterable[tuple[int, str, int]]:
    """(line, comment text, 1-based column of its #) for every TOML comment."""
    in_multi: str | None = None
    for n, line in enumerate(text.splitlines(), start=1):
        i, quote = 0, None
        while i < len(line):
            if in_multi:
                end = line.find(in_multi, i)
                if end < 0:
                    break
                i, in_multi = end + 3, None
                continue
            char = line[i]
            if quote:
                if char == "\\" and quote == '"':
                    i += 2
                    continue
                if char == quote:
                    quote = None
            elif line.startswith(('"""', "'''"), i):
                in_multi, i = line[i:i + 3], i + 3
                continue
            elif char in "\"'":
                quote = char
            elif char == "#":
                yield n, line[i:], i + 1
                break
            i += 1


@record
class Selected:
    kept: tuple[Diagnostic, ...]
    suppressed: tuple[Diagnostic, ...]


def apply(diagnostics: Sequence[Diagnostic], manifest: str, text: str | None,
          selection: Selection) -> Selected:
    """Split diagnostics into reported and suppressed; unused comments become CG003."""
    marks = directives(text) if text else []
    by_line = {m.line: m for m in marks}
    used: set[tuple[int, str]] = set()
    fixed: set[tuple[int, str]] = set()  # named by a comment, but never switched off
    kept, suppressed = [], []
    for d in diagnostics:
        if always_reported(d):
            if d.file == manifest:
                fixed.add((d.line, d.code))
            kept.append(d)
            continue
        mark = by_line.get(d.line) if d.file == manifest else None
        if mark is not None and d.code in mark.codes:
            used.add((mark.line, d.code))
            suppressed.append(d)
        elif not selection.wants(d.code):
            suppressed.append(d)
        else:
            kept.append(d)
    for mark in marks:
        for code in mark.codes or ("",):
            if (mark.line, code) in used:
                continue
            why = ("names no code" if not code else f"{code} is not a diagnostic code"
                   if code not in CODES else f"{code} cannot be switched off (load, schema "
                   "and on-disk errors are always reported)" if (mark.line, code) in fixed
                   else f"no {code} is reported on this line")
            unused = Diagnostic(manifest, mark.line, mark.column, "CG003",
                                f"suppression comment suppresses nothing: {why}")
            if selection.wants("CG003"):
                kept.append(unused)
    return Selected(tuple(sorted(kept)), tuple(sorted(suppressed)))

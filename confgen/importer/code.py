"""Import stage 5a: the workers' code against the imported manifest.

`confgen validate` also reads each worker's code (CG6xx: confgen/source). What the code does
is not the import's to change, and wrangler files routinely leave secrets out (they are set
with `wrangler secret put`), so the code may use names no wrangler file binds. Import runs
those checks on its manifest; each code that reports an error is switched off in the
manifest's `[lint] ignore` (source diagnostics point into the code, where no manifest comment
can reach), with a comment that lists what it found, and each finding is a CG507 warning at
the code's line. Declaring the names (`secrets = [...]`) and removing the entry turns the
checks back on.
"""

from __future__ import annotations

from pathlib import Path

from confgen.diagnostics import Diagnostic, Severity
from confgen.validate import validate_text

SOURCE_PREFIX = "CG6"
SHOWN = 12  # findings listed in the [lint] comment; the rest are counted


def source_errors(text: str, root: Path) -> list[Diagnostic]:
    """The errors the workers' code checks report on the manifest `text` in `root`."""
    result = validate_text(text.encode(), "project.toml", root, sources=True)
    return [d for d in result.diagnostics if d.severity is Severity.ERROR
            and d.code.startswith(SOURCE_PREFIX)]


def switch_off(data: dict[str, object], comments: dict[tuple[str | int, ...], list[str]],
               found: list[Diagnostic]) -> list[Diagnostic]:
    """Add `[lint] ignore` for the codes in `found` (in place); returns the CG507s."""
    codes = sorted({d.code for d in found})
    ordered = {k: data.pop(k) for k in list(data) if k in ("project", "defaults")}
    rest = {k: data.pop(k) for k in list(data)}
    data.update(ordered)
    data["lint"] = {"ignore": codes}
    data.update(rest)
    lines = ["`confgen import`: the workers' code uses what no wrangler file binds (often a",
             "secret set with `wrangler secret put`), so these checks are off. Declare the",
             "names (`secrets = [...]`, which adds `secrets.required` to the generated files)",
             "or fix the code, then remove the codes here:"]
    lines += [f"  {d.file}:{d.line}: {d.code} {d.message}" for d in found[:SHOWN]]
    if len(found) > SHOWN:
        lines.append(f"  ... and {len(found) - SHOWN} more")
    comments[("lint",)] = lines
    return [Diagnostic(d.file, d.line, d.column, "CG507", f"kept as the code has it, with "
                       f"{d.code} switched off in [lint] ignore ({d.code}: {d.message})")
            for d in found]

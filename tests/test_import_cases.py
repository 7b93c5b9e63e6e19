"""Every `confgen import` diagnostic, demonstrated by a folder of wrangler files.

Each folder under tests/import_cases/ is imported as it is (in a scratch copy); its
`expected` file lists, one `CODE FILE:LINE` per line, the exact set of errors and import
warnings (CG5xx) import must report (an empty `expected`: every file is proven equal and
adopted). Folders are named
`<code>_<slug>` or `clean_<slug>`.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from confgen import importer
from confgen.diagnostics import CODES, Severity
from confgen.validate import validate_file

CASES = Path(__file__).parent / "import_cases"
CASE_DIRS = sorted(p for p in CASES.iterdir() if p.is_dir())


def expected(case: Path) -> set[tuple[str, str, int]]:
    out = set()
    for line in (case / "expected").read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            code, where = line.split()
            file, _, row = where.rpartition(":")
            out.add((code, file, int(row)))
    return out


@pytest.mark.parametrize("case", CASE_DIRS, ids=[p.name for p in CASE_DIRS])
def test_import_case_reports_exactly_the_expected_diagnostics(case: Path,
                                                              tmp_path: Path) -> None:
    work = tmp_path / case.name
    shutil.copytree(case, work, ignore=shutil.ignore_patterns("expected"))
    done = importer.run(work)
    got = {(d.code, d.file, d.line) for d in done.diagnostics
           if d.severity is Severity.ERROR or d.code.startswith("CG5")}
    assert got == expected(case), "\n".join(
        f"{d.file}:{d.line} {d.code} {d.message}" for d in done.diagnostics)
    assert validate_file(work / "project.toml").errors == 0
    if not {e for e in expected(case) if CODES[e[0]].severity is Severity.ERROR}:
        assert done.ok and len(done.adopted) == len(done.files)


def test_every_import_code_has_a_case() -> None:
    covered = {p.name.split("_")[0] for p in CASE_DIRS}
    assert {c for c in CODES if c.startswith("CG5")} <= covered
    for case in CASE_DIRS:
        code = case.name.split("_")[0]
        assert code == "clean" or code in {c for c, _, _ in expected(case)}

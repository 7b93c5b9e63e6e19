"""Every diagnostic code, demonstrated by a manifest that triggers it.

Each folder under tests/cases/ holds a `project.toml` and an `expected` file:
one `CODE LINE:COLUMN` per line, the exact set validate must report (an empty
`expected` means the manifest is clean). Folders are named `<code>_<slug>` or
`clean_<slug>`. Cases of the source checks (CG6xx) keep the workers' code beside
the manifest (`workers/<name>/src/...`); a diagnostic in a source file is listed
as `CODE path:LINE:COLUMN`, the path relative to the case folder.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from confgen.diagnostics import CODES
from confgen.validate import validate_file

CASES = Path(__file__).parent / "cases"
CASE_DIRS = sorted(p for p in CASES.iterdir() if p.is_dir())

# Codes that are about files on disk rather than manifest text: their cases are tests.
CODES_TESTED_ELSEWHERE = {
    "CG002": "tests/test_cli.py::test_unreadable_manifest_is_a_usage_error",
    "CG411": "tests/test_generate.py::test_check_reports_stale_output",
    "CG412": "tests/test_generate.py::test_check_reports_missing_output",
    "CG413": "tests/test_generate.py::test_hand_edited_file_is_never_overwritten",
    "CG414": "tests/test_generate.py::test_orphaned_output_is_reported_then_removed",
    "CG415": "tests/test_generate.py::"
             "test_another_wrangler_file_beside_a_generated_one_is_reported",
    "CG416": "tests/test_hostile.py::"
             "test_an_output_path_that_is_not_a_regular_file_is_refused_not_read",
    "CG417": "tests/test_hostile.py::"
             "test_an_untrustworthy_lock_is_its_own_error_and_nothing_is_written",
    "CG418": "tests/test_hostile.py::"
             "test_a_lock_entry_with_the_right_hash_does_not_make_a_file_removable",
    "CG419": "tests/test_hostile.py::test_leftover_temporary_files_are_reported_then_removed",
    "CG420": "tests/test_hostile.py::test_a_second_generate_waits_for_the_first",
    "CG421": "tests/test_hostile.py::test_a_write_failure_names_the_file",
    # `confgen import` codes are about folders of wrangler files: tests/import_cases/
    **{code: "tests/test_import_cases.py::"
             "test_import_case_reports_exactly_the_expected_diagnostics"
       for code in ("CG501", "CG502", "CG503", "CG504", "CG505", "CG507", "CG508",
                    "CG509")},
}


Position = tuple[str, int, int] | tuple[str, str, int, int]


def expected(case: Path) -> set[Position]:
    out: set[Position] = set()
    for line in (case / "expected").read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            code, position = line.split()
            *file, row, column = position.split(":")
            if file:
                out.add((code, file[0], int(row), int(column)))
            else:
                out.add((code, int(row), int(column)))
    return out


def _codes(found: set[Position]) -> set[str]:
    return {str(p[0]) for p in found}


@pytest.mark.parametrize("case", CASE_DIRS, ids=[p.name for p in CASE_DIRS])
def test_case_reports_exactly_the_expected_diagnostics(case: Path) -> None:
    result = validate_file(case / "project.toml")
    manifest = str(case / "project.toml")
    got: set[Position] = {(d.code, d.line, d.column) if d.file == manifest
                          else (d.code, d.file, d.line, d.column) for d in result.diagnostics}
    assert got == expected(case), "\n".join(
        f"{d.file}:{d.line}:{d.column} {d.code} {d.message}" for d in result.diagnostics)


@pytest.mark.parametrize("case", [p for p in CASE_DIRS if not p.name.startswith("clean_")],
                         ids=lambda p: p.name)
def test_case_folder_is_named_after_a_code_it_expects(case: Path) -> None:
    code = case.name.split("_")[0]
    assert code in CODES
    assert code in _codes(expected(case))


def test_every_code_has_a_case() -> None:
    covered = {p.name.split("_")[0] for p in CASE_DIRS} | set(CODES_TESTED_ELSEWHERE)
    assert sorted(set(CODES) - covered) == []


def test_there_are_clean_manifests() -> None:
    clean = [p for p in CASE_DIRS if p.name.startswith("clean_")]
    assert len(clean) >= 3
    assert all(expected(p) == set() for p in clean)


def test_codes_tested_elsewhere_point_at_real_tests() -> None:
    root = Path(__file__).parent.parent
    for code, where in CODES_TESTED_ELSEWHERE.items():
        file, _, name = where.partition("::")
        assert f"def {name}(" in (root / file).read_text(), (code, where)

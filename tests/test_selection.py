"""Rule selection as data: each folder under tests/selection/ holds a `project.toml`, the
command-line `options` (one line), and the exact `expected` (reported) and `suppressed`
diagnostics as `CODE LINE:COLUMN` lines."""

from __future__ import annotations

import shlex
from itertools import pairwise
from pathlib import Path

import pytest
from click.testing import CliRunner

from confgen import selection
from confgen.cli import main
from confgen.generate import generate
from confgen.selection import Selection
from confgen.validate import validate_file

SELECTION = Path(__file__).parent / "selection"
FOLDERS = sorted(p for p in SELECTION.iterdir() if p.is_dir())
CASES = Path(__file__).parent / "cases"


def positions(file: Path) -> set[tuple[str, int, int]]:
    out = set()
    for line in file.read_text().splitlines():
        if line.strip():
            code, where = line.split()
            row, column = where.split(":")
            out.add((code, int(row), int(column)))
    return out


def chosen(options: str) -> Selection:
    args = shlex.split(options)
    select = [v for k, v in pairwise(args) if k == "--select"]
    ignore = [v for k, v in pairwise(args) if k == "--ignore"]
    return Selection(selection.codes(select) if select else None, selection.codes(ignore))


@pytest.mark.parametrize("case", FOLDERS, ids=[p.name for p in FOLDERS])
def test_selection_case(case: Path) -> None:
    result = validate_file(case / "project.toml", chosen=chosen((case / "options").read_text()))
    assert {(d.code, d.line, d.column) for d in result.diagnostics} == positions(
        case / "expected")
    assert {(d.code, d.line, d.column) for d in result.suppressed} == positions(
        case / "suppressed")


def test_the_command_line_counts_suppressed_diagnostics_in_its_summary() -> None:
    case = SELECTION / "command_line_ignore_adds_to_the_table"
    result = CliRunner().invoke(main, ["validate", str(case / "project.toml"),
                                       "--ignore", "CG201"])
    assert result.exit_code == 0
    assert result.output.strip().endswith("0 error(s), 0 warning(s), 2 suppressed")


def test_an_ignored_warning_no_longer_fails_strict() -> None:
    manifest = str(SELECTION / "inline_comment_suppresses_its_line" / "project.toml")
    runner = CliRunner()
    assert runner.invoke(main, ["validate", manifest, "--strict"]).exit_code == 1
    assert runner.invoke(main, ["validate", manifest, "--strict", "--ignore", "CG253"]
                         ).exit_code == 0


def test_a_select_value_that_names_no_code_is_a_usage_error() -> None:
    result = CliRunner().invoke(main, ["validate", str(CASES / "clean_minimal"),
                                       "--select", "XY1"])
    assert result.exit_code == 2 and "names no diagnostic code" in result.output


@pytest.mark.parametrize("case", sorted(p for p in CASES.iterdir() if p.is_dir()),
                         ids=lambda p: p.name)
def test_switching_off_every_reported_code_never_breaks_generate(case: Path,
                                                                 tmp_path: Path) -> None:
    """Whatever a user switches off, generate either writes or reports; it never raises."""
    (tmp_path / "project.toml").write_bytes((case / "project.toml").read_bytes())
    reported = validate_file(case / "project.toml").diagnostics
    everything = Selection(None, tuple(sorted({d.code for d in reported})))
    done = generate(tmp_path / "project.toml", chosen=everything)
    assert done.ok or all(selection.always_reported(d) or d.code == "CG003"
                          for d in done.diagnostics), done.diagnostics

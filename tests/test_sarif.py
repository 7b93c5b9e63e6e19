"""SARIF for GitHub code scanning, checked by the SARIF multitool (pinned in tests/sarif,
installed by scripts/install-sarif) against the SARIF 2.1.0 schema and GitHub's rules,
plus what code scanning needs that the schema does not enforce."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from confgen.cli import main

REPO = Path(__file__).resolve().parent.parent
MULTITOOL = REPO / ".cache/sarif/node_modules/@microsoft/sarif-multitool-linux/Sarif.Multitool"
MANIFEST = """\
[project]
name = "dotdo"
compatibility_date = "2025-10-01"

[resources.kv.cache]  # confgen: ignore[CG253]
id = "0123456789abcdef0123456789abcdef"

[resources.kv.spare]
id = "fedcba9876543210fedcba9876543210"

[workers.gateway]
main = "src/index.ts"
vars = { NOTE = "🙂🙂", NOPE = "x" }
services = [{ binding = "NOPE", service = "nowhere" }]
"""


def multitool_findings(sarif_file: Path, tmp_path: Path) -> list[dict[str, object]]:
    if not os.access(MULTITOOL, os.X_OK):
        raise RuntimeError(f"{MULTITOOL} is missing: run scripts/install-sarif (make test does)")
    out = tmp_path / "validation.sarif"
    run = subprocess.run([str(MULTITOOL), "validate", str(sarif_file), "--rule-kind", "Sarif;Gh",
                          "--level", "Error;Warning;Note", "-o", str(out), "--log",
                          "ForceOverwrite"], capture_output=True, text=True, timeout=300,
                         env={**os.environ, "DOTNET_CLI_TELEMETRY_OPTOUT": "1"}, check=False)
    assert run.returncode == 0, run.stdout + run.stderr
    results: list[dict[str, object]] = json.loads(out.read_text())["runs"][0]["results"]
    return results


@pytest.fixture
def sarif_log(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, dict[str, object]]:
    folder = tmp_path / "my infra"
    folder.mkdir()
    (folder / "project.toml").write_text(MANIFEST)
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["validate", "my infra", "--format", "sarif"])
    assert result.exit_code == 1
    path = tmp_path / "confgen.sarif"
    path.write_text(result.output)
    return path, json.loads(result.output)


def test_the_multitool_finds_no_error_or_warning_and_no_github_rule(
        sarif_log: tuple[Path, dict[str, object]], tmp_path: Path) -> None:
    findings = multitool_findings(sarif_log[0], tmp_path)
    assert [f for f in findings if f.get("level") in ("error", "warning")] == []
    assert [f["ruleId"] for f in findings if str(f["ruleId"]).startswith("GH")] == []


def test_the_multitool_does_find_what_github_requires_when_it_is_missing(
        sarif_log: tuple[Path, dict[str, object]], tmp_path: Path) -> None:
    """The check above can fail: without `help`, GitHub's rule GH2012 fires."""
    log = sarif_log[1]
    for rule in log["runs"][0]["tool"]["driver"]["rules"]:  # type: ignore[index]
        del rule["help"]
    broken = tmp_path / "broken.sarif"
    broken.write_text(json.dumps(log))
    assert "GH2012" in {f["ruleId"] for f in multitool_findings(broken, tmp_path)}


def test_rules_carry_help_a_sentence_and_a_help_uri(
        sarif_log: tuple[Path, dict[str, object]]) -> None:
    run = sarif_log[1]["runs"][0]  # type: ignore[index]
    for rule in run["tool"]["driver"]["rules"]:
        assert rule["shortDescription"]["text"].endswith(".")
        assert " " in rule["shortDescription"]["text"]
        assert rule["help"]["text"] and rule["help"]["markdown"]
        code = rule["id"]
        assert rule["helpUri"].endswith(f"docs/diagnostics.md#{code.lower()}-"
                                        f"{rule['properties']['tags'][0]}")
        heading = f"## {code} {rule['properties']['tags'][0]}"
        assert heading in (REPO / "docs/diagnostics.md").read_text()


def test_results_have_fingerprints_relative_uris_and_code_point_columns(
        sarif_log: tuple[Path, dict[str, object]]) -> None:
    run = sarif_log[1]["runs"][0]  # type: ignore[index]
    assert run["columnKind"] == "unicodeCodePoints"
    results = run["results"]
    for result in results:
        location = result["locations"][0]["physicalLocation"]["artifactLocation"]
        assert location == {"uri": "my%20infra/project.toml", "uriBaseId": "%SRCROOT%"}
        assert len(result["partialFingerprints"]["confgenDiagnostic/v1"]) == 32
    suppressed = [r for r in results if r.get("suppressions")]
    assert [r["ruleId"] for r in suppressed] == ["CG253"]
    # After two emoji (two UTF-16 units each), the column still counts code points.
    collision = next(r for r in results if r["ruleId"] == "CG208"
                     and r["locations"][0]["physicalLocation"]["region"]["startLine"] == 13)
    line = MANIFEST.splitlines()[12]
    column = collision["locations"][0]["physicalLocation"]["region"]["startColumn"]
    assert "🙂" in line[:column] and line[column - 1:].startswith("NOPE")


def test_a_fingerprint_survives_lines_moving(tmp_path: Path,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    prints = []
    for text in (MANIFEST, "# a new first line\n\n" + MANIFEST):
        (tmp_path / "project.toml").write_text(text)
        log = json.loads(CliRunner().invoke(main, ["validate", "--format", "sarif"]).output)
        prints.append({r["ruleId"]: r["partialFingerprints"]["confgenDiagnostic/v1"]
                       for r in log["runs"][0]["results"]})
    assert prints[0] == prints[1]


def test_a_path_outside_the_current_folder_is_an_absolute_file_uri(tmp_path: Path) -> None:
    (tmp_path / "project.toml").write_text(MANIFEST)
    log = json.loads(CliRunner().invoke(main, ["validate", str(tmp_path / "project.toml"),
                                               "--format", "sarif"]).output)
    uri = log["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]
    assert uri == {"uri": "file://" + str(tmp_path / "project.toml")}

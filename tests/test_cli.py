"""The command line: wiring, exit codes and output formats (behaviour lives elsewhere)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from click.testing import CliRunner

from confgen.cli import main
from confgen.schema import schema_text

REPO = Path(__file__).resolve().parent.parent
CASES = REPO / "tests" / "cases"


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args))
    # CliRunner catches exceptions: anything but a deliberate exit would be a traceback.
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exc_info
    return result.exit_code, result.output


def test_bundled_manifest_validates_clean() -> None:
    code, out = run("validate", "--manifest", str(REPO / "project.toml"), "--strict")
    assert (code, out) == (0, "")


def test_errors_exit_1_with_compiler_style_lines() -> None:
    code, out = run("validate", "--manifest", str(CASES / "CG203_namespace_binding_renamed"
                                                  / "project.toml"))
    assert code == 1
    first = out.splitlines()[0]
    assert first.endswith("must be 'CRM_DISPATCH', as declared in [dispatch_namespaces.crm]")
    assert ":16:26: error CG203 workers.campaign.dispatch_namespaces[0].binding: " in first


def test_json_format_has_the_documented_shape() -> None:
    code, out = run("validate", "--format", "json", "--manifest",
                    str(CASES / "CG203_namespace_binding_renamed" / "project.toml"))
    data = json.loads(out)
    assert code == 1
    assert data["version"] == 1
    assert data["summary"] == {"errors": 1, "warnings": 0, "suppressed": 0}
    assert set(data["diagnostics"][0]) == {"code", "severity", "message", "file", "line",
                                           "column", "path"}


def test_sarif_and_github_formats(tmp_path: Path) -> None:
    manifest = str(CASES / "CG203_namespace_binding_renamed" / "project.toml")
    _, sarif = run("validate", "--format", "sarif", "--manifest", manifest)
    log = json.loads(sarif)
    assert log["version"] == "2.1.0"
    assert log["runs"][0]["results"][0]["ruleId"] == "CG203"
    _, github = run("validate", "--format", "github", "--manifest", manifest)
    assert github.startswith("::error file=") and ",line=16,col=26,title=CG203::" in github


def test_warnings_fail_only_with_strict(tmp_path: Path) -> None:
    case = next(CASES.glob("CG253_*")) / "project.toml"
    assert run("validate", "--manifest", str(case))[0] == 0
    assert run("validate", "--manifest", str(case), "--strict")[0] == 1


def test_unreadable_manifest_is_a_usage_error(tmp_path: Path) -> None:
    code, out = run("validate", "--manifest", str(tmp_path / "missing.toml"))
    assert code == 2 and out.endswith("missing.toml:1:1: error CG002 no such file\n"
                                      "1 error(s), 0 warning(s)\n")
    code, out = run("validate", "--manifest", str(tmp_path))  # a folder: its project.toml
    assert code == 2 and f"{tmp_path}/project.toml:1:1: error CG002 no such file" in out


def test_schema_command_prints_the_schema() -> None:
    code, out = run("schema")
    assert code == 0 and json.loads(out) == json.loads(schema_text())


def test_generate_check_and_diff(tmp_path: Path) -> None:
    shutil.copy(REPO / "tests/golden/toml_output/project.toml", tmp_path / "project.toml")
    manifest = str(tmp_path / "project.toml")
    code, out = run("generate", "--check", "--manifest", manifest)
    assert code == 1 and "CG412" in out
    code, out = run("generate", "--diff", "--manifest", manifest)
    assert code == 1 and "+++ b/workers/notes/wrangler.toml" in out
    assert not (tmp_path / "workers").exists()  # --check and --diff write nothing
    assert run("generate", "--manifest", manifest)[0] == 0
    assert run("generate", "--check", "--manifest", manifest) == (0, "")


def test_route_command_exit_codes() -> None:
    manifest = str(REPO / "project.toml")
    code, out = run("route", "https://db.do/query", "--env", "production", "--manifest", manifest)
    assert code == 0 and "'db' in namespace 'dotdo-production' by host rule 'db.do'" in out
    code, out = run("route", "https://nobody.do/", "--env", "production", "--manifest",
                    manifest, "--format", "json")
    assert code == 1 and json.loads(out)["dispatch"]["not_found"]["error"] == "Service not found"
    assert run("route", "https://db.do/", "--env", "nope", "--manifest", manifest)[0] == 2


def test_docs_list_every_code_as_generated() -> None:
    code, out = run("codes")
    assert code == 0
    assert (REPO / "docs" / "diagnostics.md").read_text() == out


def test_route_rejects_a_malformed_url_as_usage() -> None:
    code, out = run("route", "http://[oops/", "--manifest", str(REPO / "project.toml"))
    assert code == 2 and "is not a URL" in out


def test_route_reports_manifest_errors_in_the_asked_format() -> None:
    code, out = run("route", "https://db.do/", "--format", "json", "--manifest",
                    str(CASES / "CG203_namespace_binding_renamed" / "project.toml"))
    assert code == 1 and json.loads(out)["diagnostics"][0]["code"] == "CG203"


def test_output_files_are_reported_as_reached_from_the_working_directory(tmp_path: Path,
        monkeypatch: object) -> None:
    import os

    sub = tmp_path / "sub"
    sub.mkdir()
    shutil.copy(REPO / "tests/golden/toml_output/project.toml", sub / "project.toml")
    old = os.getcwd()
    os.chdir(tmp_path)
    try:
        code, out = run("generate", "--check", "--manifest", "sub/project.toml")
    finally:
        os.chdir(old)
    assert code == 1
    assert "sub/workers/notes/wrangler.toml:1:1: error CG412 missing" in out


def test_diff_still_reports_problems_it_cannot_show_as_a_diff(tmp_path: Path) -> None:
    shutil.copy(REPO / "tests/golden/toml_output/project.toml", tmp_path / "project.toml")
    (tmp_path / "workers/notes").mkdir(parents=True)
    (tmp_path / "workers/notes/wrangler.json").write_text("{}\n")
    code, out = run("generate", "--diff", "--manifest", str(tmp_path / "project.toml"))
    assert code == 1 and "CG415" in out

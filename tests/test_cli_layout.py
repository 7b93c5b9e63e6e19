"""Manifests anywhere and output control: which manifest a command means, how paths are
shown, and what --quiet, --color and the colour variables do."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
GOLDEN = REPO / "tests/golden/toml_output/project.toml"
BROKEN = REPO / "tests/cases/CG201_unknown_service_binding/project.toml"


def confgen(cwd: Path, *args: str, stdin: str | None = None,
            env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "FORCE_COLOR")}
    return subprocess.run([sys.executable, "-m", "confgen", *args], cwd=cwd, input=stdin,
                          capture_output=True, text=True, timeout=120, check=False,
                          env={**clean, **(env or {})})


@pytest.fixture
def layout(tmp_path: Path) -> Path:
    """A repository with manifests at infra/ and tools/other.toml, and a worker folder."""
    (tmp_path / "infra/workers/notes/src").mkdir(parents=True)
    shutil.copy(GOLDEN, tmp_path / "infra/project.toml")
    (tmp_path / "tools").mkdir()
    shutil.copy(GOLDEN, tmp_path / "tools/other.toml")
    subprocess.run(["git", "init", "-q"], cwd=tmp_path, check=True)
    return tmp_path


def test_with_no_argument_the_nearest_manifest_upward_is_used(layout: Path) -> None:
    result = confgen(layout / "infra/workers/notes/src", "generate", "--check")
    assert result.returncode == 1
    assert "../../../workers/notes/wrangler.toml:1:1: error CG412 missing" in result.stdout
    assert confgen(layout / "infra/workers/notes", "validate").returncode == 0


def test_no_manifest_anywhere_upward_is_a_usage_error(tmp_path: Path) -> None:
    result = confgen(tmp_path, "validate")
    assert result.returncode == 2 and "no project.toml in" in result.stderr


def test_a_folder_argument_means_its_project_toml_and_several_are_taken(layout: Path) -> None:
    result = confgen(layout, "generate", "--check", "infra", "tools/other.toml")
    assert result.returncode == 1
    assert "infra/workers/notes/wrangler.toml:1:1: error CG412" in result.stdout
    assert "tools/workers/notes/wrangler.toml:1:1: error CG412" in result.stdout
    assert "tools/other.confgen.lock" in result.stdout


def test_all_finds_every_manifest_of_the_repository(layout: Path) -> None:
    assert confgen(layout, "generate", "--all").returncode == 0
    assert (layout / "infra/workers/notes/wrangler.toml").is_file()
    assert not (layout / "tools/workers").exists()  # other.toml has no lock yet: not found
    assert confgen(layout, "generate", "tools/other.toml", "--quiet").returncode == 0
    (layout / "tools/workers/notes/wrangler.toml").unlink()
    result = confgen(layout / "infra", "generate", "--check", "--all")
    assert result.returncode == 1
    assert "../tools/workers/notes/wrangler.toml:1:1: error CG412" in result.stdout


def test_standard_input_is_validated_as_if_it_were_here(tmp_path: Path) -> None:
    result = confgen(tmp_path, "validate", "-", stdin=BROKEN.read_text())
    assert result.returncode == 1 and result.stdout.startswith("<stdin>:")
    assert "CG201" in result.stdout
    assert confgen(tmp_path, "generate", "-").returncode == 2


def test_diff_paths_apply_with_git_from_the_current_folder(layout: Path) -> None:
    assert confgen(layout, "generate", "infra").returncode == 0
    manifest = layout / "infra/project.toml"
    manifest.write_text(manifest.read_text().replace('name = "notes"', 'name = "notes"'))
    text = manifest.read_text()
    manifest.write_text(text + '\n[workers.extra]\nmain = "src/index.js"\n')
    patch = confgen(layout, "generate", "--diff", "infra")
    assert patch.returncode == 1 and "+++ b/infra/workers/extra/wrangler.toml" in patch.stdout
    applied = subprocess.run(["git", "apply", "-"], cwd=layout, input=patch.stdout,
                             capture_output=True, text=True, check=False)
    assert applied.returncode == 0, applied.stderr
    assert confgen(layout, "generate", "--check", "infra").returncode == 0


def test_quiet_prints_diagnostics_only(layout: Path) -> None:
    loud = confgen(layout, "generate", "infra")
    assert "wrote infra/workers/notes/wrangler.toml" in loud.stderr
    (layout / "infra/workers/notes/wrangler.toml").unlink()
    quiet = confgen(layout, "generate", "infra", "--quiet")
    assert quiet.returncode == 0 and quiet.stdout == "" and quiet.stderr == ""
    failing = confgen(REPO, "validate", str(BROKEN), "-q")
    assert failing.returncode == 1 and "error(s)" not in failing.stdout
    assert "CG201" in failing.stdout


@pytest.mark.parametrize(("args", "env", "colored"), [
    ([], {}, False),  # not a terminal
    (["--color", "always"], {}, True),
    (["--color", "always"], {"NO_COLOR": "1"}, True),  # the flag wins
    ([], {"FORCE_COLOR": "1"}, True),
    (["--color", "never"], {"FORCE_COLOR": "1"}, False),
    ([], {"FORCE_COLOR": "0"}, False),
    (["--color", "auto"], {"NO_COLOR": ""}, False),
])
def test_color_choice(args: list[str], env: dict[str, str], colored: bool) -> None:
    result = confgen(REPO, "validate", str(BROKEN), *args, env=env)
    assert ("\033[31m" in result.stdout) is colored


def test_help_shows_examples_and_exit_codes() -> None:
    for command in ("validate", "generate"):
        result = confgen(REPO, command, "--help")
        assert "Examples:" in result.stdout and "Exit codes:" in result.stdout

"""confgen on Python 3.10 (Ubuntu 22.04's python3, which pre-commit uses there): installed
from this checkout into a 3.10 virtualenv, it validates and generates byte for byte what
3.11 does. The 3.10 interpreter is found on PATH or under pyenv; a machine without one (a
fresh one with only Python 3.11, where `make test` must still pass) reports these tests as
skipped, with the reason, never as passed."""

from __future__ import annotations

import glob
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
SHIPPED = ["pyproject.toml", "README.md", "confgen", "schemas", "templates"]


def python310() -> str:
    """A working 3.10: pyenv's own binary first (its shim answers only when selected)."""
    candidates = sorted(glob.glob(str(Path.home() / ".pyenv/versions/3.10*/bin/python3.10")))
    candidates += [c for c in [shutil.which("python3.10")] if c]
    for candidate in candidates:
        if subprocess.run([candidate, "--version"], capture_output=True,
                          check=False).returncode == 0:
            return candidate
    pytest.skip("no Python 3.10 on this machine (PATH or ~/.pyenv/versions): "
                "the 3.10 checks did not run")


@pytest.fixture(scope="module")
def confgen310(tmp_path_factory: pytest.TempPathFactory) -> Path:
    base = tmp_path_factory.mktemp("py310")
    source = base / "src"
    source.mkdir()
    for name in SHIPPED:
        if (REPO / name).is_dir():
            shutil.copytree(REPO / name, source / name,
                            ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy(REPO / name, source / name)
    venv = base / "venv"
    subprocess.run([python310(), "-m", "venv", str(venv)], check=True, timeout=300)
    install = subprocess.run([str(venv / "bin/python"), "-m", "pip", "install", "--quiet",
                              str(source)], capture_output=True, text=True, timeout=900,
                             check=False)
    assert install.returncode == 0, install.stdout + install.stderr
    return venv / "bin/confgen"


def test_it_runs_on_python_310(confgen310: Path) -> None:
    version = subprocess.run([str(confgen310.parent / "python"), "--version"],
                             capture_output=True, text=True, check=True).stdout
    assert version.startswith("Python 3.10")
    run = subprocess.run([str(confgen310), "validate", "--strict"], cwd=REPO,
                         capture_output=True, text=True, timeout=120, check=False)
    assert run.returncode == 0, run.stdout + run.stderr
    run = subprocess.run([str(confgen310), "generate", "--check"], cwd=REPO,
                         capture_output=True, text=True, timeout=120, check=False)
    assert run.returncode == 0, run.stdout + run.stderr


@pytest.mark.parametrize("scenario", sorted(p.parent.name for p in
                                            (REPO / "tests/golden").glob("*/project.toml")))
def test_python_310_generates_the_same_bytes(confgen310: Path, scenario: str,
                                             tmp_path: Path) -> None:
    fresh = tmp_path / scenario
    shutil.copytree(REPO / "tests/golden" / scenario, fresh, ignore=shutil.ignore_patterns(
        "wrangler.jsonc", "wrangler.toml", "*.json", "confgen.lock", "router_table.py"))
    run = subprocess.run([str(confgen310), "generate"], cwd=fresh, capture_output=True,
                         text=True, timeout=120, check=False)
    assert run.returncode == 0, run.stdout + run.stderr
    for path in (REPO / "tests/golden" / scenario).rglob("*"):
        if path.is_file() and path.name != "project.toml":
            rel = path.relative_to(REPO / "tests/golden" / scenario)
            assert (fresh / rel).read_bytes() == path.read_bytes(), rel
    assert sys.version_info >= (3, 11)  # and the suite itself runs on 3.11+


def test_python_310_imports_the_golden_wrangler_files(confgen310: Path, tmp_path: Path) -> None:
    fresh = tmp_path / "three_environments"
    shutil.copytree(REPO / "tests/golden/three_environments", fresh,
                    ignore=shutil.ignore_patterns("project.toml", "confgen.lock"))
    run = subprocess.run([str(confgen310), "import"], cwd=fresh, capture_output=True,
                         text=True, timeout=120, check=False)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "20/20 worker x environment pairs" in run.stdout

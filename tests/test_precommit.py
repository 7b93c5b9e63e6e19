"""confgen's hooks under the real pre-commit, in the layouts users have.

The hooks come from a git repository made of this checkout's working tree (so the test
checks the hooks as they are now, committed or not); pre-commit installs confgen from it
into its own environment, as it does for a user. Its cache lives in .cache/pre-commit, so
only the first run after a change to confgen pays for the install.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
SHIPPED = ["pyproject.toml", "README.md", ".pre-commit-hooks.yaml", "confgen", "schemas",
           "templates"]
GIT_ENV = {"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.com",
           "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.com",
           "GIT_AUTHOR_DATE": "2026-01-01T00:00:00Z", "GIT_COMMITTER_DATE": "2026-01-01T00:00:00Z",
           "GIT_CONFIG_GLOBAL": "/dev/null", "GIT_CONFIG_NOSYSTEM": "1"}
MANIFEST = """\
[project]
name = "m"
compatibility_date = "2025-10-01"

[workers.auth]
main = "src/index.js"

[workers.api]
main = "src/index.js"
services = [{ binding = "AUTH", service = "auth" }]

[domains]
worker = "api"
output = "cfg/routes.json"
routes = []
"""


def git(cwd: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True,
                          env={**os.environ, **GIT_ENV}, check=check, timeout=120)


@pytest.fixture(scope="module")
def hook_repo(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """This working tree's shipped files as a one-commit repository; same files, same sha."""
    repo = tmp_path_factory.mktemp("hooks") / "confgen"
    repo.mkdir()
    for name in SHIPPED:
        source = REPO / name
        if source.is_dir():
            shutil.copytree(source, repo / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy(source, repo / name)
    git(repo, "init", "-q", "-b", "main")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "hooks under test")
    return repo, git(repo, "rev-parse", "HEAD").stdout.strip()


def make_project(root: Path, hook_repo: tuple[Path, str], hooks: list[str],
                 manifests: list[str]) -> Path:
    """A git repository with confgen manifests at `manifests` (folders), generated and
    committed with the hooks installed."""
    root.mkdir()
    git(root, "init", "-q", "-b", "main")
    repo, rev = hook_repo
    hook_lines = "".join(f"      - id: {h}\n" for h in hooks)
    (root / ".pre-commit-config.yaml").write_text(
        f"repos:\n  - repo: {repo}\n    rev: {rev}\n    hooks:\n{hook_lines}")
    for folder in manifests:
        base = root / folder
        for worker in ("auth", "api"):
            (base / "workers" / worker / "src").mkdir(parents=True)
            (base / "workers" / worker / "src/index.js").write_text("export default {}\n")
        (base / "project.toml").write_text(MANIFEST)
        subprocess.run([sys.executable, "-m", "confgen", "generate", "--quiet"], cwd=base,
                       check=True, capture_output=True, timeout=120)
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "start", "--no-verify")
    run = pre_commit(root, "install")
    assert run.returncode == 0, run.stdout + run.stderr
    return root


def pre_commit(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    home = REPO / ".cache" / "pre-commit"
    return subprocess.run([sys.executable, "-m", "pre_commit", *args], cwd=root,
                          capture_output=True, text=True, timeout=900, check=False,
                          env={**os.environ, **GIT_ENV, "PRE_COMMIT_HOME": str(home)})


def commit(root: Path) -> subprocess.CompletedProcess[str]:
    git(root, "add", "-A")
    return subprocess.run(["git", "commit", "-m", "change"], cwd=root, stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT, text=True, timeout=900, check=False,
                          env={**os.environ, **GIT_ENV,
                               "PRE_COMMIT_HOME": str(REPO / ".cache" / "pre-commit")})


BOTH = ["confgen-validate", "confgen-check"]


def stale(manifest: Path) -> None:
    """A valid change to the manifest that its generated files do not have yet."""
    text = manifest.read_text()
    manifest.write_text(text.replace('[workers.api]\n', '[workers.api]\nvars = { MODE = "live" }\n'))


@pytest.mark.parametrize("folder", ["", "infra"])
def test_a_clean_change_commits_and_a_broken_manifest_does_not(
        tmp_path: Path, hook_repo: tuple[Path, str], folder: str) -> None:
    root = make_project(tmp_path / "p", hook_repo, BOTH, [folder])
    (root / "notes.txt").write_text("unrelated\n")
    clean = commit(root)
    assert clean.returncode == 0, clean.stdout
    manifest = root / folder / "project.toml"
    manifest.write_text(manifest.read_text().replace('service = "auth"', 'service = "nope"'))
    broken = commit(root)
    assert broken.returncode != 0
    shown = f"{folder}/project.toml" if folder else "project.toml"
    assert f"{shown}:10:" in broken.stdout and "CG201" in broken.stdout, broken.stdout


@pytest.mark.parametrize("change", ["stale-second-manifest", "deleted-output",
                                    "hand-written-wrangler-json", "edited-custom-output"])
def test_every_way_to_break_outputs_fails_the_commit(tmp_path: Path,
                                                     hook_repo: tuple[Path, str],
                                                     change: str) -> None:
    root = make_project(tmp_path / "p", hook_repo, BOTH, ["", "infra"])
    if change == "stale-second-manifest":
        stale(root / "infra/project.toml")
    elif change == "deleted-output":
        git(root, "rm", "-q", "infra/workers/auth/wrangler.jsonc")
    elif change == "hand-written-wrangler-json":
        (root / "infra/workers/auth/wrangler.json").write_text("{}\n")
    else:
        (root / "infra/cfg/routes.json").write_text("[]\n")
    result = commit(root)
    assert result.returncode != 0, result.stdout
    assert "confgen generate --check" in result.stdout and "Failed" in result.stdout
    assert "error CG4" in result.stdout and "CG1" not in result.stdout, result.stdout


def test_the_generate_hook_regenerates_then_the_commit_goes_through(
        tmp_path: Path, hook_repo: tuple[Path, str]) -> None:
    root = make_project(tmp_path / "p", hook_repo, ["confgen-generate"], ["infra"])
    stale(root / "infra/project.toml")
    first = commit(root)
    assert first.returncode != 0 and "files were modified by this hook" in first.stdout
    assert '"MODE": "live"' in (root / "infra/workers/api/wrangler.jsonc").read_text()
    second = commit(root)
    assert second.returncode == 0, second.stdout

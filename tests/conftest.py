from __future__ import annotations

import shutil
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent

SMALL = """\
[project]
name = "small"
compatibility_date = "2025-10-01"

[environments.production]
namespace = "small-production"

[workers.db]
main = "src/index.js"
vars = { GREETING = "hello" }

[workers.web]
main = "src/index.js"
services = [{ binding = "DB", service = "db" }]
"""


@pytest.fixture
def small_project(tmp_path: Path) -> Path:
    """A two-worker project in a scratch folder; returns its manifest."""
    manifest = tmp_path / "project.toml"
    manifest.write_text(SMALL)
    for worker in ("db", "web"):
        (tmp_path / "workers" / worker / "src").mkdir(parents=True)
        (tmp_path / "workers" / worker / "src" / "index.js").write_text(
            "export default { fetch() { return new Response('ok') } }\n")
    return manifest


@pytest.fixture
def bundled_copy(tmp_path: Path) -> Path:
    """The repository's own project.toml with its committed outputs, in a scratch folder."""
    shutil.copy(REPO / "project.toml", tmp_path / "project.toml")
    shutil.copy(REPO / "confgen.lock", tmp_path / "confgen.lock")
    shutil.copytree(REPO / "workers", tmp_path / "workers")
    return tmp_path / "project.toml"


@pytest.fixture(scope="session")
def corpus_readings() -> dict[Path, dict[str | None, object]]:
    """wrangler's reading of every corpus file, top level and every environment (two Node
    processes, shared by every test that needs them)."""
    import wrangler_reader

    files = sorted(p for p in (REPO / "tests" / "corpus").rglob("*")
                   if p.name in ("wrangler.toml", "wrangler.json", "wrangler.jsonc"))
    return wrangler_reader.read_all_environments(files)  # type: ignore[return-value]

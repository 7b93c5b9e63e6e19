"""The wheel carries the schema and templates: confgen works installed, from any folder."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def test_installed_wheel_validates_and_checks_from_another_folder(tmp_path: Path) -> None:
    dist = tmp_path / "dist"
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w",
                    str(dist), str(REPO)], check=True, capture_output=True)
    wheel = next(dist.glob("confgen-*.whl"))
    names = zipfile.ZipFile(wheel).namelist()
    assert "confgen/schemas/project.schema.json" in names
    assert {"confgen/templates/wrangler.jsonc.j2", "confgen/templates/wrangler.toml.j2",
            "confgen/templates/router.py.j2", "confgen/templates/domain-routes.json.j2",
            "confgen/templates/wrangler.json.j2",
            "confgen/importer/wrangler_defaults.json"} <= set(names)

    site = tmp_path / "site"
    subprocess.run([sys.executable, "-m", "pip", "install", "--no-deps", "--quiet", "--target",
                    str(site), str(wheel)], check=True, capture_output=True)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = {**os.environ, "PYTHONPATH": str(site)}

    def confgen(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "confgen", *args], cwd=elsewhere, env=env,
                              capture_output=True, text=True, check=False)

    where = subprocess.run([sys.executable, "-c", "import confgen; print(confgen.__file__)"],
                           cwd=elsewhere, env=env, capture_output=True, text=True, check=True)
    assert where.stdout.startswith(str(site))  # the wheel, not the checkout
    manifest = str(REPO / "project.toml")
    assert confgen("validate", "--manifest", manifest).returncode == 0
    assert confgen("generate", "--check", "--manifest", manifest).returncode == 0
    assert "$defs" in json.loads(confgen("schema").stdout)
    (elsewhere / "api").mkdir()
    (elsewhere / "api" / "wrangler.json").write_text(
        '{"name": "api", "main": "index.js", "compatibility_date": "2025-06-01"}')
    imported = confgen("import", "--format", "json")
    assert imported.returncode == 0, imported.stderr
    assert json.loads(imported.stdout)["adopted"] == ["api/wrangler.json"]

"""Golden trees: each scenario under tests/golden/ is generated afresh and compared whole.

To accept an intended change: `make golden`, then review and commit the diff.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from confgen import lockfile
from confgen.generate import generate
from confgen.lockfile import DEFAULT as LOCK

GOLDEN = Path(__file__).parent / "golden"
SCENARIOS = sorted(p.parent for p in GOLDEN.glob("*/project.toml"))


def outputs_of(root: Path) -> dict[str, bytes]:
    names = sorted(lockfile.parse((root / LOCK).read_bytes(), "project.toml").outputs) + [LOCK]
    return {name: (root / name).read_bytes() for name in names}


@pytest.mark.parametrize("scenario", SCENARIOS, ids=lambda p: p.name)
def test_golden_tree_matches_a_fresh_generate(scenario: Path, tmp_path: Path) -> None:
    fresh = tmp_path / scenario.name
    shutil.copytree(scenario, fresh, ignore=shutil.ignore_patterns(
        "wrangler.jsonc", "wrangler.toml", "*.json", LOCK, "router_table.py"))
    done = generate(fresh / "project.toml")
    assert done.ok, done.diagnostics
    assert outputs_of(fresh) == outputs_of(scenario)


def test_there_are_golden_scenarios_for_each_shape() -> None:
    names = {p.name for p in SCENARIOS}
    assert {"no_environments", "three_environments", "toml_output"} <= names
    formats = {p.suffix for s in SCENARIOS for p in s.rglob("wrangler.*")}
    assert formats == {".jsonc", ".toml"}


@pytest.mark.parametrize("manifest", [*(s / "project.toml" for s in SCENARIOS),
                                      GOLDEN.parent.parent / "project.toml"],
                         ids=lambda p: p.parent.name)
def test_every_output_parses_back_to_what_was_meant(manifest: Path) -> None:
    from confgen.render import render_all, verify
    from confgen.validate import validate_file

    project = validate_file(manifest).project
    assert project is not None
    for output in render_all(project).values():
        verify(output)

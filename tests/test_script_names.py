"""A worker's script name apart from its manifest key (`workers.<key>.name`), or none
(`name = false`): what confgen writes, and what the pinned wrangler's own reader makes of it.

Bindings name manifest keys; each generated file names the target's script in that
environment. Needs `scripts/install-wrangler` for the reader (never skips).
"""

from __future__ import annotations

import json
from pathlib import Path

import json5
import pytest
import wrangler_reader as wr
from click.testing import CliRunner

from confgen import plan
from confgen.cli import main
from confgen.generate import generate
from confgen.validate import validate_file

MANIFEST = """\
[project]
name = "shop"
compatibility_date = "2025-10-01"

[environments.production]
vars = { STAGE = "production" }
[environments.staging]
vars = { STAGE = "staging" }

[workers.api]
main = "src/index.ts"
services = [{ binding = "BILLING", service = "billing" }]
durable_objects = { bindings = [{ name = "CART", class_name = "Cart", script_name = "billing" }] }

[workers.billing]
name = "billing-svc"
main = "src/index.ts"
durable_objects = { bindings = [{ name = "CART", class_name = "Cart" }] }
migrations = [{ tag = "v1", new_sqlite_classes = ["Cart"] }]

[workers.billing.env.staging]
name = "billing-preview"

[workers.api-test]
name = false
path = "workers/api/test"
main = "test/index.ts"

[workers.api-test.env.production]
name = "api-smoke"
"""


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("names")
    (root / "project.toml").write_text(MANIFEST)
    result = validate_file(root / "project.toml")
    assert result.errors == 0, result.diagnostics
    assert generate(root / "project.toml").ok
    return root


def read(root: Path, worker: str) -> dict[str, object]:
    loaded: dict[str, object] = json5.loads((root / "workers" / worker / "wrangler.jsonc")
                                             .read_text())
    return loaded


def test_the_script_name_is_written_and_the_key_is_not(generated: Path) -> None:
    billing = read(generated, "billing")
    assert billing["name"] == "billing-svc"
    envs = billing["env"]
    assert isinstance(envs, dict)
    assert "name" not in envs["production"]  # wrangler's default: billing-svc-production
    assert envs["staging"]["name"] == "billing-preview"


def test_no_name_writes_none_and_an_env_keeps_its_own(generated: Path) -> None:
    tests = read(generated, "api/test")
    assert "name" not in tests
    envs = tests["env"]
    assert isinstance(envs, dict)
    assert "name" not in envs["staging"]
    assert envs["production"]["name"] == "api-smoke"


def test_bindings_name_the_targets_script_in_each_environment(generated: Path) -> None:
    api = read(generated, "api")
    text = json.dumps(api)
    assert '"service": "billing"' not in text and '"script_name": "billing"' not in text
    assert api["services"] == [{"binding": "BILLING", "service": "billing-svc"}]
    envs = api["env"]
    assert isinstance(envs, dict)
    assert envs["production"]["services"][0]["service"] == "billing-svc-production"
    assert envs["staging"]["services"][0]["service"] == "billing-preview"
    assert envs["staging"]["durable_objects"]["bindings"][0]["script_name"] == "billing-preview"


@pytest.mark.wrangler
def test_wrangler_reads_every_name_as_the_model_has_it(generated: Path) -> None:
    project = validate_file(generated / "project.toml").project
    assert project is not None
    requests = [(generated / w.output, c.env) for w in project.workers for c in w.configs]
    readings = wr.read_many(requests)
    expected = [c.name for w in project.workers for c in w.configs]
    assert [r.error for r in readings] == [None] * len(readings)
    assert [r.name for r in readings] == expected
    assert expected.count(None) == 2  # api-test at the top level and in staging
    by_env = {(r.path.parent.name, r.env): r.config for r in readings}
    api_staging = by_env[("api", "staging")]
    assert api_staging is not None
    assert [s["service"] for s in api_staging["services"]] == ["billing-preview"]


def test_plan_leaves_out_a_worker_without_a_name_and_says_so(generated: Path) -> None:
    project = validate_file(generated / "project.toml").project
    assert project is not None
    staging = plan.plan(project, "staging")
    assert [(s.worker, s.script) for s in staging] == [("billing", "billing-preview"),
                                                       ("api", "api-staging")]
    assert plan.unnamed(project, "staging") == ["api-test"]
    assert "not deployed: api-test has no script name" in plan.as_text(
        staging, "staging", tuple(plan.unnamed(project, "staging")))
    production = plan.plan(project, "production")
    assert ("api-test", "api-smoke") in [(s.worker, s.script) for s in production]
    assert plan.unnamed(project, "production") == []


def test_plan_command_names_what_it_leaves_out(generated: Path) -> None:
    manifest = str(generated / "project.toml")
    runner = CliRunner()
    text = runner.invoke(main, ["plan", "--env", "staging", "--manifest", manifest])
    assert text.exit_code == 0
    assert "-c workers/api/test/wrangler.jsonc" not in text.output
    assert text.output.rstrip().endswith("(`name = false`; `wrangler deploy` needs one)")
    data = runner.invoke(main, ["plan", "--format", "json", "--manifest", manifest])
    assert json.loads(data.output)["not_deployed"] == ["api-test"]  # the top level

"""`confgen plan` (deploy order and commands) and `confgen graph` (the picture)."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from confgen import resolve
from confgen.cli import main
from confgen.graph import dot, mermaid
from confgen.plan import CycleError, deploy_order, plan

DATA = {
    "project": {"name": "p", "compatibility_date": "2025-10-01", "external_services": ["logger"]},
    "environments": {"production": {"namespace": "p-production"}},
    "defaults": {"main": "src/index.js"},
    "workers": {
        "web": {"services": [{"binding": "API", "service": "api"}], "secrets": ["SESSION_KEY"]},
        "api": {"services": [{"binding": "DB", "service": "db"}],
                "tail_consumers": [{"service": "logger"}]},
        "db": {},
        "app": {"deploy": "namespace", "secrets": ["TOKEN"]},
    },
}


def test_bound_workers_deploy_first() -> None:
    order = deploy_order(resolve.build(DATA))
    assert order.index("db") < order.index("api") < order.index("web")
    assert sorted(order) == ["api", "app", "db", "web"]


def test_commands_name_the_script_and_namespace_of_the_environment() -> None:
    steps = {s.worker: s for s in plan(resolve.build(DATA), "production")}
    assert steps["web"].commands == (
        "wrangler deploy -c workers/web/wrangler.jsonc -e production",
        "wrangler secret put SESSION_KEY --name web-production",
    )
    assert steps["app"].commands == (
        ("wrangler deploy -c workers/app/wrangler.jsonc -e production "
        "--dispatch-namespace p-production"),
        "wrangler secret put TOKEN --name app --dispatch-namespace p-production",
    )


def test_a_cycle_has_no_plan() -> None:
    data = {**DATA, "workers": {**DATA["workers"],  # type: ignore[dict-item]
                                "db": {"services": [{"binding": "WEB", "service": "web"}]}}}
    with pytest.raises(CycleError, match="db -> web -> api -> db|api -> db -> web -> api"):
        deploy_order(resolve.build(data))


def test_graph_draws_every_binding_once_and_deterministically() -> None:
    project = resolve.build(DATA)
    text = mermaid(project)
    assert text == mermaid(resolve.build(DATA))
    assert text.startswith("flowchart LR\n")
    assert text.count('|"DB"|') == 1  # the top level and production bind it: drawn once
    assert '["logger"]' in text and "-.->" in text  # tail consumer, dashed
    assert 'subgraph namespaced["namespaced workers"]' in text
    picture = dot(project)
    assert picture.startswith("digraph confgen {") and picture.count("{") == picture.count("}")


def test_plan_and_graph_commands(tmp_path: Path) -> None:
    repo = Path(__file__).resolve().parent.parent
    runner = CliRunner()
    result = runner.invoke(main, ["plan", "--env", "staging", "--manifest",
                                  str(repo / "project.toml")])
    assert result.exit_code == 0
    assert "wrangler secret put CLICKHOUSE_PASSWORD --name db --dispatch-namespace " \
           "dotdo-staging" in result.output
    result = runner.invoke(main, ["graph", "--format", "dot", "--manifest",
                                  str(repo / "project.toml")])
    assert result.exit_code == 0 and "namespaced workers" in result.output

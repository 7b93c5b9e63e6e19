"""`confgen plan` (deploy order and commands) and `confgen graph` (the picture)."""

from __future__ import annotations

import json
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


def test_commands_name_the_script_and_namespace_and_carry_the_secrets() -> None:
    steps = {s.worker: s for s in plan(resolve.build(DATA), "production")}
    assert steps["web"].commands == (
        ("wrangler deploy -c workers/web/wrangler.jsonc -e production "
        "--secrets-file web.production.secrets.json"),
    )
    assert steps["app"].commands == (
        ("wrangler deploy -c workers/app/wrangler.jsonc -e production "
        "--dispatch-namespace p-production --secrets-file app.production.secrets.json"),
    )
    assert steps["db"].commands == ("wrangler deploy -c workers/db/wrangler.jsonc -e production",)
    assert plan(resolve.build(DATA), None)[0].commands == (
        "wrangler deploy -c workers/app/wrangler.jsonc --secrets-file app.secrets.json",)


def test_a_worker_binding_its_environments_namespace_deploys_after_the_namespace() -> None:
    data = {**DATA, "dispatch_namespaces": {"apps": {
        "namespace": {"production": "p-production"}, "binding": "APPS"}},
        "workers": {**DATA["workers"],  # type: ignore[dict-item]
                    "aaa": {"dispatch_namespaces": [{"namespace": "apps"}]},
                    "zzz": {"deploy": "namespace"}}}
    order = deploy_order(resolve.build(data))
    assert order.index("app") < order.index("aaa") and order.index("zzz") < order.index("aaa")
    # a namespaced worker that calls the dispatching worker keeps its service-binding order
    data["workers"]["zzz"] = {"deploy": "namespace",  # type: ignore[index]
                              "services": [{"binding": "A", "service": "aaa"}]}
    order = deploy_order(resolve.build(data))
    assert order.index("aaa") < order.index("zzz") and order.index("app") < order.index("aaa")


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
    assert ("wrangler deploy -c workers/db/wrangler.jsonc -e staging --dispatch-namespace "
            "dotdo-staging --secrets-file db.staging.secrets.json") in result.output
    assert "#   CLICKHOUSE_PASSWORD <- $CLICKHOUSE_PASSWORD" in result.output
    assert "secret put" not in result.output  # wrangler 4.164 rejects it for namespaced workers
    result = runner.invoke(main, ["plan", "--env", "staging", "--format", "json", "--manifest",
                                  str(repo / "project.toml")])
    db = next(s for s in json.loads(result.output)["steps"] if s["worker"] == "db")
    assert db["secrets_file"] == "db.staging.secrets.json"
    assert [s["name"] for s in db["secrets"]] == ["CLICKHOUSE_PASSWORD", "DATABASE_URL"]
    result = runner.invoke(main, ["graph", "--format", "dot", "--manifest",
                                  str(repo / "project.toml")])
    assert result.exit_code == 0 and "namespaced workers" in result.output

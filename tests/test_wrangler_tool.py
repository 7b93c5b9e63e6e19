"""Tests of the wrangler harness (tests/wrangler_tool.py) against the real pinned wrangler.

Needs `scripts/install-wrangler` to have run; without it these tests fail (never skip)."""

from __future__ import annotations

import json
import urllib.request
from pathlib import Path

import pytest
import wrangler_tool as wt
from wrangler_tool import Binding

pytestmark = pytest.mark.wrangler

WORKER_JS = """\
export default { async fetch(request, env) { return new Response("ok"); } };
export class Counter {}
export class Api {}
"""


def _write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def _worker(tmp_path: Path, config: dict[str, object], js: str = WORKER_JS) -> Path:
    _write(tmp_path / "index.js", js)
    base: dict[str, object] = {
        "name": "a",
        "main": "index.js",
        "compatibility_date": "2025-01-01",
    }
    # jsonc on purpose: a comment and a trailing comma must be accepted by wrangler
    body = json.dumps({**base, **config}, indent=2)
    return _write(tmp_path / "wrangler.jsonc", "// generated for a test\n" + body[:-2] + ",\n}\n")


def test_installed_and_pinned() -> None:
    assert wt.available(), "run scripts/install-wrangler"
    assert wt.wrangler_version() == "4.164.0"
    schema = wt.config_schema()
    top = schema["definitions"]["RawConfig"]["properties"]
    assert {"services", "kv_namespaces", "secrets", "tail_consumers"} <= set(top)


def test_dry_run_parses_bindings_table(tmp_path: Path) -> None:
    config = _worker(
        tmp_path,
        {
            "vars": {"S": "hello", "N": "2", "X": 2, "J": {"k": [1, "v"]}},
            "secrets": {"required": ["API_KEY"]},
            "services": [
                {"binding": "B", "service": "b-production"},
                {"binding": "C", "service": "c", "entrypoint": "Api"},
            ],
            "kv_namespaces": [{"binding": "KV", "id": "0123456789abcdef0123456789abcdef"}],
            "d1_databases": [
                {
                    "binding": "DB",
                    "database_name": "db-main",
                    "database_id": "11111111-2222-3333-4444-555555555555",
                }
            ],
            "r2_buckets": [{"binding": "BUCKET", "bucket_name": "my-bucket"}],
            "queues": {"producers": [{"binding": "Q", "queue": "jobs"}]},
            "dispatch_namespaces": [{"binding": "DISPATCH", "namespace": "customers"}],
            "durable_objects": {"bindings": [{"name": "COUNTER", "class_name": "Counter"}]},
            "migrations": [{"tag": "v1", "new_sqlite_classes": ["Counter"]}],
            "ai": {"binding": "AI"},
            "tail_consumers": [{"service": "tailer"}],
            "triggers": {"crons": ["*/5 * * * *"]},
            "env": {
                "production": {
                    "name": "a-production",
                    "vars": {"S": "prod"},
                    "secrets": {"required": ["API_KEY"]},
                    "services": [{"binding": "B", "service": "b-production"}],
                }
            },
        },
    )
    top = wt.dry_run(config, env="")
    assert top.returncode == 0, top.output
    assert top.errors == []
    assert sorted(top.bindings, key=lambda b: b.name) == sorted(
        [
            Binding("S", '"hello"', "Environment Variable"),
            Binding("N", '"2"', "Environment Variable"),
            Binding("X", "2", "Environment Variable"),
            Binding("J", '{"k":[1,"v"]}', "Environment Variable"),
            Binding("B", "b-production", "Worker"),
            Binding("C", "c#Api", "Worker"),
            Binding("KV", "0123456789abcdef0123456789abcdef", "KV Namespace"),
            Binding("DB", "db-main", "D1 Database"),
            Binding("BUCKET", "my-bucket", "R2 Bucket"),
            Binding("Q", "jobs", "Queue"),
            Binding("DISPATCH", "customers", "Dispatch Namespace"),
            Binding("COUNTER", "Counter", "Durable Object"),
            Binding("AI", None, "AI"),
        ],
        key=lambda b: b.name,
    )
    assert top.tail_consumers == ["tailer"]
    # secrets.required names are not printed in the table
    assert all(b.name != "API_KEY" for b in top.bindings)

    prod = wt.dry_run(config, env="production")
    assert prod.returncode == 0, prod.output
    assert prod.bindings == [
        Binding("B", "b-production", "Worker"),
        Binding("S", '"prod"', "Environment Variable"),
    ]
    assert prod.binding("S").value == '"prod"'
    # the env section leaves out what the top level has: wrangler warns, naming them
    assert len(prod.warnings) == 1
    assert prod.warnings[0].startswith("▲ [WARNING] Processing wrangler.jsonc configuration:")
    missing_kv = '"kv_namespaces" exists at the top level, but not on "env.production"'
    assert missing_kv in prod.warnings[0]

    # no -e with an env section: wrangler's "no target environment" warning
    no_env = wt.dry_run(config)
    assert no_env.returncode == 0, no_env.output
    assert any("no target environment was specified" in w for w in no_env.warnings)


def test_dry_run_captures_unexpected_fields_warning(tmp_path: Path) -> None:
    config = _worker(tmp_path, {"bogus_key": 1, "vars": {"V": "x"}})
    result = wt.dry_run(config)
    assert result.returncode == 0, result.output
    assert result.warnings == [
        (
            "▲ [WARNING] Processing wrangler.jsonc configuration:\n"
            "\n"
            '    - Unexpected fields found in top-level field: "bogus_key"'
        )
    ]
    assert result.bindings == [Binding("V", '"x"', "Environment Variable")]
    # no leftovers next to the config (wrangler's .wrangler/tmp bundling folder)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["index.js", "wrangler.jsonc"]


def test_dry_run_duplicate_binding_name_fails(tmp_path: Path) -> None:
    config = _worker(
        tmp_path,
        {"vars": {"B": "x"}, "services": [{"binding": "B", "service": "b"}]},
    )
    result = wt.dry_run(config)
    assert result.returncode != 0
    assert result.bindings == []
    assert len(result.errors) == 1
    assert result.errors[0].startswith("✘ [ERROR] Processing wrangler.jsonc configuration:")
    assert "B assigned to Worker and Environment Variable bindings." in result.errors[0]


def test_dry_run_secret_name_clashing_with_var_fails(tmp_path: Path) -> None:
    config = _worker(tmp_path, {"vars": {"API_KEY": "x"}, "secrets": {"required": ["API_KEY"]}})
    result = wt.dry_run(config)
    assert result.returncode != 0
    assert any("API_KEY assigned to Environment Variable and Secret" in e for e in result.errors)


def test_parse_table_with_mode_column_and_odd_values() -> None:
    output = (
        "a has access to the following bindings:\n"
        "Binding                                  Resource                  Mode\n"
        'env.SP ("a  b (c)")                      Environment Variable      local\n'
        "env.D (customers (outbound -> out))      Dispatch Namespace        local\n"
        "env.B (b)                                Worker                    local [not connected]\n"
        "env.ASSETS                               Assets                    local\n"
        "\n"
        "Your Worker is sending Tail events to the following Workers:\n"
        "- tailer\n"
        "- st (streaming)\n"
    )
    parsed = wt.parse_output(0, output)
    assert parsed.bindings == [
        Binding("SP", '"a  b (c)"', "Environment Variable"),
        Binding("D", "customers (outbound -> out)", "Dispatch Namespace"),
        Binding("B", "b", "Worker"),
        Binding("ASSETS", None, "Assets"),
    ]
    assert parsed.tail_consumers == ["tailer", "st (streaming)"]


def test_dev_two_workers_over_service_binding(tmp_path: Path) -> None:
    a_dir, b_dir = tmp_path / "a", tmp_path / "b"
    _write(
        a_dir / "index.js",
        "export default { async fetch(request, env) {\n"
        '  const r = await env.B.fetch("http://b/hello");\n'
        '  return new Response("a<" + r.status + ":" + (await r.text()) + ">");\n'
        "} };\n",
    )
    _write(
        b_dir / "index.js",
        "export default { async fetch(request) {\n"
        '  return new Response("b says " + new URL(request.url).pathname);\n'
        "} };\n",
    )
    a = _write(
        a_dir / "wrangler.jsonc",
        '{ "name": "a", "main": "index.js", "compatibility_date": "2025-01-01",\n'
        '  "services": [ { "binding": "B", "service": "b" } ] }\n',
    )
    b = _write(
        b_dir / "wrangler.jsonc",
        '{ "name": "b", "main": "index.js", "compatibility_date": "2025-01-01" }\n',
    )
    with wt.dev([a, b], port=wt.free_port()) as base:
        assert base.startswith("http://127.0.0.1:")
        with urllib.request.urlopen(base + "/x", timeout=30) as resp:
            assert resp.status == 200
            assert resp.read().decode() == "a<200:b says /hello>"
    # nothing left behind next to the configs
    assert sorted(p.name for p in a_dir.iterdir()) == ["index.js", "wrangler.jsonc"]
    assert sorted(p.name for p in b_dir.iterdir()) == ["index.js", "wrangler.jsonc"]


def test_dev_reports_wrangler_output_when_it_cannot_start(tmp_path: Path) -> None:
    config = _write(
        tmp_path / "wrangler.jsonc",
        '{ "name": "a", "main": "missing.js", "compatibility_date": "2025-01-01" }\n',
    )
    with (
        pytest.raises(RuntimeError, match="missing.js"),
        wt.dev([config], port=wt.free_port(), timeout=30),
    ):
        pass


def test_missing_install_raises(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(wt, "STAMP", tmp_path / "no-stamp")
    assert not wt.available()
    with pytest.raises(RuntimeError, match="scripts/install-wrangler"):
        wt.dry_run(tmp_path / "wrangler.jsonc")
    with pytest.raises(RuntimeError, match="scripts/install-wrangler"):
        wt.config_schema()

"""What the manifest's real-world shapes compile to (docs/wrangler-surface.md), section by section."""

from __future__ import annotations

from typing import Any

from confgen.validate import validate_text
from confgen.wrangler import wrangler_files

BASE = """\
[project]
name = "shop"
account_id = "0123456789abcdef0123456789abcdef"
compatibility_date = "2025-10-01"

[defaults]
main = "src/index.js"
observability = { enabled = true }

[environments.staging]
vars = { STAGE = "staging", TRACE = "1" }
[environments.production]
vars = { STAGE = "production" }
"""


def compiled(workers: str) -> dict[str, dict[str, Any]]:
    result = validate_text((BASE + workers).encode())
    assert result.project is not None and not result.errors, [
        f"{d.line}:{d.column} {d.code} {d.message}" for d in result.diagnostics]
    return {f.worker.name: f.data() for f in wrangler_files(result.project)}


def messages(workers: str) -> list[str]:
    return [f"{d.code} {d.message}" for d in validate_text((BASE + workers).encode()).diagnostics]


def test_unset_removes_a_named_binding_a_var_and_a_table_key() -> None:
    out = compiled("""
[workers.api]
kv_namespaces = [
  { binding = "CACHE", id = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa" },
  { binding = "USERS", id = "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb" },
]
[workers.api.env.staging]
unset = ["kv_namespaces.CACHE", "vars.TRACE", "observability.enabled"]
observability = { head_sampling_rate = 0.5 }
""")["api"]
    staging = out["env"]["staging"]
    assert [k["binding"] for k in staging["kv_namespaces"]] == ["USERS"]
    assert staging["vars"] == {"STAGE": "staging"}
    assert staging["observability"] == {"head_sampling_rate": 0.5}  # written whole
    assert [k["binding"] for k in out["env"]["production"]["kv_namespaces"]] == ["CACHE", "USERS"]
    assert "observability" not in out["env"]["production"]  # equal to the top level's


def test_tables_merge_and_are_written_whole_where_they_differ() -> None:
    out = compiled("""
[workers.api.env.production]
observability = { head_sampling_rate = 0.1 }
""")["api"]
    assert out["observability"] == {"enabled": True}
    assert out["env"]["production"]["observability"] == {"enabled": True, "head_sampling_rate": 0.1}


def test_account_id_per_environment_and_a_top_level_of_its_own() -> None:
    out = compiled("""
[workers.api]
vars = { MODE = "deployed" }
[workers.api.top]
vars = { MODE = "local" }
[workers.api.env.production]
account_id = "fedcba9876543210fedcba9876543210"
""")["api"]
    assert out["account_id"] == "0123456789abcdef0123456789abcdef"
    assert out["vars"] == {"MODE": "local"}
    assert out["env"]["production"]["account_id"] == "fedcba9876543210fedcba9876543210"
    assert out["env"]["production"]["vars"]["MODE"] == "deployed"
    assert "account_id" not in out["env"]["staging"]  # inherited from the top level


def test_a_single_script_worker_is_bound_by_its_one_name_everywhere() -> None:
    out = compiled("""
[workers.audit]
environments = []
[workers.api]
services = [{ binding = "AUDIT", service = "audit" }]
""")
    assert "env" not in out["audit"]
    assert out["api"]["env"]["production"]["services"] == [{"binding": "AUDIT", "service": "audit"}]


def test_unknown_keys_say_what_was_meant() -> None:
    assert messages("[workers.api]\nkv_namespace = []\n") == [
        "CG101 unknown key 'kv_namespace'; did you mean 'kv_namespaces'?"]
    assert messages("[workers.api.env.staging]\nkeep_vars = true\n[workers.api]\n") == [
        ("CG101 unknown key 'keep_vars': wrangler allows it at the top level only (set it on "
         "the worker or in `top`)")]


def test_a_value_wrangler_rejects_is_a_located_error() -> None:
    found = messages('[workers.api]\nplacement = { mode = "clever" }\n')
    assert found == [('CG103 invalid value {"mode": "clever"}: Specify how the Worker should '
                      "be located to minimize round-trip time")]


def test_plan_deploys_hosts_first_and_skips_workers_outside_the_environment() -> None:
    from pathlib import Path

    from confgen.plan import plan
    from confgen.validate import validate_file

    manifest = Path(__file__).parent / "golden" / "wrangler_surface" / "project.toml"
    project = validate_file(manifest).project
    assert project is not None
    staging = [(s.worker, s.commands[0]) for s in plan(project, "staging")]
    assert staging == [  # rooms hosts chat_api's Room class; site is production only
        ("audit", "wrangler deploy -c workers/audit/wrangler.jsonc"),
        ("rooms", "wrangler deploy -c workers/rooms/wrangler.jsonc -e staging"),
        ("chat_api", "wrangler deploy -c workers/chat_api/wrangler.jsonc -e staging")]

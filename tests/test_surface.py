"""schemas/wrangler-keys.json classifies every key of the pinned wrangler, and confgen uses it.

The file is derived by scripts/wrangler-surface from the pinned wrangler's config-schema.json
(and two facts from its config reader). Bumping wrangler makes these tests fail until the
script is re-run and its diff read.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import wrangler_tool

from confgen import model, surface
from confgen.schema import schema

ROOT = Path(__file__).resolve().parent.parent


def wrangler_schema_keys() -> tuple[set[str], set[str]]:
    definitions = wrangler_tool.config_schema()["definitions"]
    top = set(definitions["RawConfig"]["properties"]) - {"$schema", "env"}
    env = set(definitions["RawEnvironment"]["properties"])
    return top, env


def test_every_key_of_the_pinned_wrangler_is_classified() -> None:
    top, env = wrangler_schema_keys()
    keys = surface.keys()
    assert sorted(top - set(keys)) == [], "unclassified: run scripts/wrangler-surface"
    assert sorted(set(keys) - top) == [], "no longer in wrangler: run scripts/wrangler-surface"
    assert {k for k, v in keys.items() if v["section"] == "env"} == env
    for key in env:
        assert isinstance(keys[key]["inherited"], bool), key
    assert surface.surface()["wrangler"] == wrangler_tool.wrangler_version()


def test_the_committed_file_is_exactly_what_the_script_derives() -> None:
    done = subprocess.run([sys.executable, str(ROOT / "scripts" / "wrangler-surface"), "--check"],
                          check=False, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


def test_inheritance_comes_from_wranglers_wording() -> None:
    definitions = wrangler_tool.config_schema()["definitions"]
    env = definitions["RawEnvironment"]["properties"]
    wording = surface.surface()["not_inherited_wording"]
    for key, entry in surface.keys().items():
        if entry["section"] != "env":
            continue
        worded = any(w in env[key].get("description", "") for w in wording)
        if worded:  # wrangler's own words win; the reader's code only adds keys they miss
            assert entry["inherited"] is False and entry["evidence"] == "description", key
        elif entry["inherited"] is False:
            assert entry["evidence"] == "code: notInheritable", key


def test_model_uses_the_file_not_a_hand_written_list() -> None:
    derived = {k for k, v in surface.keys().items() if v.get("inherited") is False}
    assert model.NOT_INHERITED == derived
    # the keys issue #7 found missing from the old hand-written list
    assert {"containers", "worker_loaders", "artifacts", "streaming_tail_consumers",
            "vpc_services", "ai_search_namespaces", "durable_objects"} <= model.NOT_INHERITED
    assert not {"main", "routes", "observability", "placement"} & model.NOT_INHERITED


@pytest.mark.parametrize("definition", ["worker", "defaults", "workerTop"])
def test_every_wrangler_key_is_accepted_on_a_worker(definition: str) -> None:
    accepted = set(schema()["$defs"][definition]["properties"])
    assert set(surface.keys()) - {"name"} <= accepted


def test_an_env_section_accepts_every_key_wrangler_allows_there_and_no_other() -> None:
    accepted = set(schema()["$defs"]["workerEnv"]["properties"])
    env_keys = {k for k, v in surface.keys().items() if v["section"] == "env"}
    assert env_keys <= accepted
    assert not surface.top_only() & accepted


def test_binding_entries_accept_every_sub_key_wranglers_definition_has() -> None:
    defs = schema()["$defs"]
    for sub_key, definition in [("preview_bucket_name", "r2"), ("migrations_dir", "d1"),
                                ("remote", "dispatchBinding"), ("delivery_delay", "queueProducer"),
                                ("props", "service")]:
        assert sub_key in defs[definition]["properties"], (definition, sub_key)


def test_binding_kinds_are_wranglers() -> None:
    kinds = surface.binding_kinds()
    assert kinds["kv_namespaces"] == "KV Namespace"
    assert kinds["durable_objects"] == "Durable Object"
    assert "observability" not in kinds and "main" not in kinds


def test_confgen_schema_prints_the_whole_surface_for_editors() -> None:
    """`confgen schema` (what an editor is pointed at) knows every wrangler key: a manifest
    that uses them validates against the printed schema alone."""
    import json

    import jsonschema
    import tomllib

    from confgen.schema import schema_text

    printed = json.loads(schema_text())
    jsonschema.Draft202012Validator.check_schema(printed)
    manifest = ROOT / "tests" / "golden" / "wrangler_surface" / "project.toml"
    data = tomllib.loads(manifest.read_text())
    assert list(jsonschema.Draft202012Validator(printed).iter_errors(data)) == []
    assert "placement" in printed["$defs"]["worker"]["properties"]


def test_the_keys_confgen_defines_itself_are_wrangler_keys() -> None:
    """confgen's own definitions (services, vars, routes, ...) stand in for wrangler keys: a
    key wrangler dropped would leave one behind."""
    assert surface.CONFGEN_DEFINED <= set(surface.keys())
    assert not surface.CONFGEN_DEFINED & surface.copied()

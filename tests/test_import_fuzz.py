"""Whatever a folder of wrangler files holds, `confgen import` reports, never crashes, and
writes a manifest that `confgen validate` accepts (hypothesis: random configs built from
wrangler's own keys and odd values)."""

from __future__ import annotations

import json
import shutil
import tempfile
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from confgen import importer
from confgen.validate import validate_file

KEYS = ["name", "main", "compatibility_date", "compatibility_flags", "vars", "routes", "route",
        "services", "kv_namespaces", "d1_databases", "queues", "dispatch_namespaces",
        "tail_consumers", "triggers", "ai", "durable_objects", "account_id", "secrets",
        "observability", "workers_dev", "$schema", "assets", "hyperdrive", "workflows",
        "analytics_engine_datasets", "ratelimits", "placement", "containers", "migrations"]
scalars = st.one_of(st.none(), st.booleans(), st.integers(-5, 5), st.floats(allow_nan=False),
                    st.text(max_size=8), st.sampled_from(["api", "api-dev", "aaaa" * 8,
                                                          "src/index.ts", "2025-01-01"]))
values = st.recursive(scalars, lambda inner: st.one_of(
    st.lists(inner, max_size=3),
    st.dictionaries(st.sampled_from(KEYS + ["binding", "id", "service", "pattern", "crons",
                                            "script_name", "queue", "producers", "consumers",
                                            "bindings", "class_name", "dataset"]),
                    inner, max_size=3)), max_leaves=8)
sections = st.dictionaries(st.sampled_from(KEYS), values, max_size=6)
configs = st.fixed_dictionaries(
    {"name": st.sampled_from(["api", "web", "api_x", "Api"]), "main": st.just("i.js"),
     "compatibility_date": st.just("2025-01-01")},
    optional={"env": st.dictionaries(st.sampled_from(["dev", "prod", "default", "Bad Env"]),
                                     sections, max_size=2)},
).flatmap(lambda base: sections.map(lambda extra: {**extra, **base}))


def as_toml(data: dict[str, Any]) -> str | None:
    """The config as TOML (which has no null), or None for a shape tomlkit cannot write."""
    import tomlkit
    from tomlkit.exceptions import TOMLKitError

    try:
        return tomlkit.dumps(json.loads(json.dumps(data).replace("null", '""')))
    except (TOMLKitError, ValueError, TypeError):
        return None


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(configs, min_size=1, max_size=3), st.sampled_from(["json", "jsonc", "toml"]))
def test_import_never_crashes_and_always_writes_a_valid_manifest(
    files: list[dict[str, Any]], fmt: str,
) -> None:
    folder = Path(tempfile.mkdtemp(prefix="confgen-import-fuzz-"))
    try:
        for n, data in enumerate(files):
            path = folder / f"w{n}" / f"wrangler.{fmt}"
            path.parent.mkdir()
            text = as_toml(data) if fmt == "toml" else json.dumps(data, indent=2)
            if text is not None:
                path.write_text(text)
        try:
            done = importer.run(folder)
        except importer.Refused:
            return  # no file could be written in this format
        assert validate_file(folder / "project.toml").errors == 0
        assert {p.file for p in done.pairs} <= set(done.files)
        for d in done.diagnostics:
            assert d.line >= 1 and d.message
    finally:
        shutil.rmtree(folder, ignore_errors=True)

"""`confgen.importer.meaning` is wrangler's reading: checked against the pinned wrangler.

import proves an import by comparing `meaning(original, env)` with `meaning(generated, env)`.
That is only a proof if `meaning` says what wrangler's own reader (`unstable_readConfig`)
says. On every corpus file, at the top level and in every environment: every key `meaning`
gives has wrangler's value, and every key wrangler sets beyond its defaults is in `meaning`.
Needs `scripts/install-wrangler` (never skips)."""

from __future__ import annotations

import json
import posixpath
import re
from pathlib import Path
from typing import Any

import pytest
import wrangler_reader as wr
import wrangler_tool
from wrangler_reader import Reading

from confgen.importer import parse
from confgen.importer.meaning import NOT_INHERITED_KEYS, meaning

pytestmark = pytest.mark.wrangler

CORPUS = Path(__file__).resolve().parent / "corpus"
META = {"configPath", "userConfigPath", "topLevelName", "definedEnvironments",
        "targetEnvironment"}


def disagreements(mine: Any, theirs: Any, where: str = "") -> list[str]:
    """Where `theirs` (wrangler) does not have `mine`'s value; wrangler may add defaults inside
    tables, and reads `./x` as `x`."""
    if isinstance(mine, dict):
        if not isinstance(theirs, dict):
            return [f"{where}: {mine!r} vs {theirs!r}"]
        return [d for k, v in mine.items() for d in disagreements(v, theirs.get(k), f"{where}.{k}")]
    if isinstance(mine, list):
        if not isinstance(theirs, list) or len(mine) != len(theirs):
            return [f"{where}: {mine!r} vs {theirs!r}"]
        return [d for i, (a, b) in enumerate(zip(mine, theirs))
                for d in disagreements(a, b, f"{where}[{i}]")]
    if type(mine) is type(theirs) and mine == theirs:
        return []
    if isinstance(mine, str) and isinstance(theirs, str) \
            and posixpath.normpath(mine) == posixpath.normpath(theirs):
        return []
    return [f"{where}: {mine!r} vs {theirs!r}"]


@pytest.fixture(scope="module")
def readings(corpus_readings: dict[Path, dict[str | None, Reading]],
             ) -> dict[Path, dict[str | None, Reading]]:
    return corpus_readings


@pytest.fixture(scope="module")
def defaults(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    folder = tmp_path_factory.mktemp("minimal")
    (folder / "wrangler.json").write_text(
        '{"name": "x", "main": "index.js", "compatibility_date": "2025-01-01"}')
    config = wr.read(folder / "wrangler.json").config
    assert config is not None
    return config


def _original(path: Path) -> parse.Original:
    rel = path.relative_to(CORPUS)
    read = parse.read(CORPUS / rel.parts[0], "/".join(rel.parts[1:]))
    assert isinstance(read, parse.Original), read
    return read


def test_meaning_agrees_with_wranglers_reader_on_every_corpus_file(
    readings: dict[Path, dict[str | None, Reading]], defaults: dict[str, Any],
) -> None:
    checked = 0
    for path, by_env in readings.items():
        data = _original(path).data
        for env, reading in by_env.items():
            assert reading.config is not None, reading.error
            mine = meaning(data, env)
            assert disagreements(mine, reading.config) == [], (path, env)
            beyond_defaults = {
                k for k, v in reading.config.items() if k not in META
                and json.dumps(v, sort_keys=True) != json.dumps(defaults.get(k), sort_keys=True)}
            assert beyond_defaults <= set(mine), (path, env, beyond_defaults - set(mine))
            checked += 1
    assert checked > 100


def test_not_inherited_keys_are_the_ones_wranglers_schema_names() -> None:
    schema = wrangler_tool.config_schema()["definitions"]["RawEnvironment"]["properties"]
    worded = {k for k, v in schema.items()
              if "not automatically inherited" in re.sub(r"\s+", " ", v.get("description") or "")}
    assert worded <= NOT_INHERITED_KEYS
    # Not inherited by wrangler's reader although the schema does not say so (checked below);
    # `assets_binding` is no wrangler key at all (kept by the model for its own use).
    assert NOT_INHERITED_KEYS - worded == {"durable_objects", "version_metadata",
                                           "assets_binding"}


def test_durable_objects_and_version_metadata_are_not_inherited(tmp_path: Path) -> None:
    config = tmp_path / "wrangler.json"
    config.write_text(json.dumps({
        "name": "w", "main": "index.js", "compatibility_date": "2025-01-01",
        "durable_objects": {"bindings": [{"name": "D", "class_name": "D"}]},
        "migrations": [{"tag": "v1", "new_sqlite_classes": ["D"]}],
        "version_metadata": {"binding": "VM"}, "env": {"dev": {}}}))
    top, dev = wr.read_many([(config, None), (config, "dev")])
    assert top.config is not None and dev.config is not None
    assert top.config["durable_objects"]["bindings"] and top.config["version_metadata"]
    assert dev.config["durable_objects"]["bindings"] == []
    assert "version_metadata" not in dev.config
    assert dev.config["migrations"] == top.config["migrations"]  # inherited, as meaning says
    data = json.loads(config.read_text())
    assert "durable_objects" not in meaning(data, "dev")
    assert meaning(data, "dev")["migrations"] == data["migrations"]

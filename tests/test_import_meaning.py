"""`confgen.importer.meaning` is wrangler's reading: checked against the pinned wrangler.

import proves an import by comparing `meaning(original, env)` with `meaning(generated, env)`.
That is only a proof if `meaning` says what wrangler's own reader (`unstable_readConfig`)
says. On every corpus file, at the top level and in every environment, `meaning` has every
key of wrangler's reading, with wrangler's value; its defaults file is what the pinned
wrangler says; and where `meaning` calls two files equal, wrangler reads them equal.
Needs `scripts/install-wrangler` (never skips)."""

from __future__ import annotations

import json
import posixpath
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import wrangler_reader as wr
import wrangler_tool
from wrangler_reader import Reading

from confgen.importer import parse
from confgen.importer.meaning import NOT_INHERITED_KEYS, canonical, meaning

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


def _original(path: Path) -> parse.Original:
    rel = path.relative_to(CORPUS)
    read = parse.read(CORPUS / rel.parts[0], "/".join(rel.parts[1:]))
    assert isinstance(read, parse.Original), read
    return read


def test_meaning_agrees_with_wranglers_reader_on_every_corpus_file(
    readings: dict[Path, dict[str | None, Reading]],
) -> None:
    checked = 0
    for path, by_env in readings.items():
        data = _original(path).data
        for env, reading in by_env.items():
            assert reading.config is not None, reading.error
            mine = meaning(data, env)
            assert disagreements(mine, reading.config) == [], (path, env)
            assert set(reading.config) - META <= set(mine), (path, env)
            checked += 1
    assert checked > 100


def test_not_inherited_keys_are_the_ones_wranglers_schema_names() -> None:
    schema = wrangler_tool.config_schema()["definitions"]["RawEnvironment"]["properties"]
    worded = {k for k, v in schema.items()
              if "not automatically inherited" in re.sub(r"\s+", " ", v.get("description") or "")}
    assert worded <= NOT_INHERITED_KEYS
    # Not inherited by wrangler's reader although the schema does not say so (checked below);
    # k2's description words it "must be specified separately in each named environment"
    # (schemas/wrangler-keys.json, from scripts/wrangler-surface).
    assert NOT_INHERITED_KEYS - worded == {"durable_objects", "version_metadata", "k2"}


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
    assert meaning(data, "dev")["durable_objects"] == {}  # wrangler's default, canonical
    assert "version_metadata" not in meaning(data, "dev")
    assert meaning(data, "dev")["migrations"] == data["migrations"]


def test_the_defaults_file_is_what_the_pinned_wrangler_says() -> None:
    script = Path(__file__).resolve().parent.parent / "scripts" / "wrangler-defaults"
    proc = subprocess.run([sys.executable, str(script), "--check"], capture_output=True,
                          text=True, check=False)
    assert proc.returncode == 0, proc.stderr


BASE: dict[str, Any] = {"name": "w", "main": "index.js", "compatibility_date": "2025-01-01"}
VARIANTS: dict[str, dict[str, Any]] = {
    "a key set to wrangler's default": {"compatibility_flags": [], "vars": {},
                                        "jsx_factory": "React.createElement"},
    "empty parts inside a value": {"queues": {"producers": []}, "triggers": {}},
    "assets = {} (no default)": {"assets": {}},
    "crons = [] (removes cron triggers)": {"triggers": {"crons": []}},
    "a real value": {"vars": {"A": "1"}},
}


@pytest.mark.parametrize("variant", sorted(VARIANTS))
def test_meaning_calls_files_equal_exactly_when_wrangler_reads_them_equal(
    variant: str, tmp_path: Path,
) -> None:
    base, other = tmp_path / "base" / "wrangler.json", tmp_path / "other" / "wrangler.json"
    for path, data in ((base, BASE), (other, {**BASE, **VARIANTS[variant]})):
        path.parent.mkdir()
        path.write_text(json.dumps(data))
    a, b = wr.read_many([(base, None), (other, None)])
    assert a.config is not None and b.config is not None
    wrangler_equal = canonical({k: v for k, v in a.config.items() if k not in META}) == \
        canonical({k: v for k, v in b.config.items() if k not in META})
    meaning_equal = meaning(json.loads(base.read_text()), None) == \
        meaning(json.loads(other.read_text()), None)
    assert meaning_equal == wrangler_equal
    assert meaning_equal == variant.startswith(("a key set", "empty parts"))


def test_a_key_wranglers_schema_does_not_have_means_nothing(tmp_path: Path) -> None:
    """wrangler warns "Unexpected fields" and drops the key from its reading, at the top level
    and in an environment (`usage_model` is gone from wrangler 4), so `meaning` drops it too."""
    path = tmp_path / "wrangler.toml"
    path.write_text('name = "w"\nmain = "i.js"\ncompatibility_date = "2025-06-01"\n'
                    'usage_model = "bundled"\nkv_namespace = 1\n'
                    '[env.dev]\nusage_model = "unbound"\nworkers_dev = false\n')
    data = parse.read(tmp_path, "wrangler.toml")
    assert isinstance(data, parse.Original)
    for reading, env in zip(wr.read_many([(path, None), (path, "dev")]), (None, "dev")):
        assert reading.config is not None, reading.error
        assert "usage_model" not in reading.config and "kv_namespace" not in reading.config
        assert any("Unexpected fields" in w for w in reading.warnings)
        mine = meaning(data.data, env)
        assert "usage_model" not in mine and "kv_namespace" not in mine
        assert disagreements(mine, reading.config) == []
        assert set(reading.config) - META <= set(mine)

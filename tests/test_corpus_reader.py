"""The corpus of real wrangler files (tests/corpus) and the wrangler-reader helper.

`wrangler_reader.read_all_environments` reads every corpus file with the pinned wrangler's
own `unstable_readConfig`, at the top level and in every environment the file declares. These
tests prove the helper on the whole corpus: wrangler accepts every file, lists the file's
environments, computes each environment's script name by its own rule, and the helper keeps
wrangler's warnings and errors. Needs `scripts/install-wrangler` (never skips)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import json5
import pytest
import wrangler_reader as wr
from wrangler_reader import Reading

from confgen.compat import tomllib

pytestmark = pytest.mark.wrangler

CORPUS = Path(__file__).resolve().parent / "corpus"
NAMES = ("wrangler.toml", "wrangler.json", "wrangler.jsonc")
ROW = re.compile(r"^\| `([^`]+)` \| \[([^\]]+)\]\([^)]+\) \| `([^`]+)` \| `([0-9a-f]{40})` \|")


def corpus_files() -> list[Path]:
    return sorted(p for p in CORPUS.rglob("*") if p.name in NAMES)


def raw(path: Path) -> dict[str, Any]:
    text = path.read_text(encoding="utf-8")
    data: dict[str, Any] = tomllib.loads(text) if path.suffix == ".toml" else json5.loads(text)
    return data


@pytest.fixture(scope="module")
def readings(corpus_readings: dict[Path, dict[str | None, Reading]],
             ) -> dict[Path, dict[str | None, Reading]]:
    return corpus_readings


def test_readme_names_the_origin_of_every_corpus_file() -> None:
    rows = [ROW.match(line) for line in (CORPUS / "README.md").read_text().splitlines()]
    listed = {m.group(1): m for m in rows if m}
    on_disk = {p.relative_to(CORPUS).as_posix() for p in corpus_files()}
    assert set(listed) == on_disk
    for rel, m in listed.items():
        owner_repo = m.group(2)
        assert rel.startswith(owner_repo.replace("/", "__") + "/")
        assert rel.split("/", 1)[1] == m.group(3)  # kept at its original path
    assert len(on_disk) >= 30
    assert len({m.group(2) for m in listed.values()}) >= 8


def test_wrangler_reads_every_file_at_the_top_level_and_in_every_environment(
    readings: dict[Path, dict[str | None, Reading]],
) -> None:
    files = corpus_files()
    assert set(readings) == {p.resolve() for p in files}
    total = 0
    for path in files:
        data = raw(path)
        declared = list(data.get("env", {}))
        by_env = readings[path.resolve()]
        assert set(by_env) == {None, *declared}, path
        for env, reading in by_env.items():
            total += 1
            assert reading.error is None, f"{path} env={env}: {reading.error}"
            assert reading.config is not None
            assert reading.environments == declared
            assert reading.config.get("targetEnvironment") == env
            assert reading.config["configPath"] == path.name
            if env is None:
                assert reading.name == data.get("name")
            else:
                # wrangler's rule: the env's own name, else "<top-level name>-<env>"
                own = data["env"][env].get("name")
                assert reading.name == (own or f"{data['name']}-{env}"), (path, env)
    assert total > len(files)  # environments were read, not only top levels


def test_paths_are_relative_to_the_config_folder(
    readings: dict[Path, dict[str | None, Reading]],
) -> None:
    path = CORPUS / "Cap-go__capgo" / "cloudflare_workers" / "api" / "wrangler.jsonc"
    config = readings[path.resolve()]["prod"].config
    assert config is not None
    assert config["main"] == "index.ts"  # "./index.ts" in the file, absolute in wrangler
    assert str(CORPUS) not in repr(config)


def test_wranglers_warnings_are_kept_per_reading(
    readings: dict[Path, dict[str | None, Reading]],
) -> None:
    path = (CORPUS / "cloudflare__mcp-server-cloudflare/apps/ai-gateway/wrangler.jsonc").resolve()
    top, staging = readings[path][None], readings[path]["staging"]
    assert top.warnings == []
    assert len(staging.warnings) == 1
    assert 'vars exist at the top level, but not on "env.staging.vars"' in staging.warnings[0]
    assert "CLOUDFLARE_CLIENT_ID" in staging.warnings[0]
    assert "\x1b[" not in staging.warnings[0]


def test_errors_and_unknown_keys_come_back_as_wrangler_words(tmp_path: Path) -> None:
    config = tmp_path / "wrangler.toml"
    config.write_text(
        'name = "w"\nmain = "index.js"\ncompatibility_date = "2025-01-01"\n'
        "not_a_wrangler_key = 1\n[env.dev]\n"
    )
    top, missing = wr.read_many([(config, None), (config, "nope")])
    assert top.error is None and top.name == "w"
    assert any('Unexpected fields found in top-level field: "not_a_wrangler_key"' in w
               for w in top.warnings)
    assert missing.config is None
    assert missing.error is not None
    assert 'No environment found in configuration with name "nope"' in missing.error

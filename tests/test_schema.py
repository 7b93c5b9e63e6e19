"""The manifest's JSON Schema: valid 2020-12, closed everywhere, described for editors.

wrangler's own keys and definitions (confgen.surface) are as wrangler writes them: open
where wrangler's are, described where wrangler describes them; tests/test_surface.py
holds them to the pinned wrangler."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import jsonschema

from confgen import surface
from confgen.resources import data_dir
from confgen.schema import schema


def wranglers(path: str) -> bool:
    """A wrangler key's or definition's schema, copied from the pinned wrangler."""
    parts = path.split("/")
    return (any(p.startswith("wrangler.") for p in parts)
            or (len(parts) > 1 and parts[-2] == "properties" and parts[-1] in surface.copied()))


def objects(node: Any, path: str = "#") -> Iterator[tuple[str, dict[str, Any]]]:
    if wranglers(path):
        return
    if isinstance(node, dict):
        if "properties" in node:
            yield path, node
        for key, value in node.items():
            yield from objects(value, f"{path}/{key}")
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from objects(value, f"{path}/{i}")


def wrangler_item_keys(path: str) -> set[str]:
    """Sub-keys a binding entry takes from wrangler's definition of that binding."""
    name = path.rsplit("/", 1)[-1]
    base = json.loads((data_dir("schemas") / "project.schema.json").read_text())["$defs"]
    return set(schema()["$defs"].get(name, {}).get("properties", {})) - set(
        base.get(name, {}).get("properties", {}))


def test_schema_is_valid_against_the_2020_12_metaschema() -> None:
    assert schema()["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    jsonschema.Draft202012Validator.check_schema(schema())


def test_every_table_is_closed_except_verbatim_passthroughs() -> None:
    verbatim = {"observability", "outbound"}  # copied into wrangler files as given
    open_tables = [path for path, node in objects(schema())
                   if node.get("additionalProperties") is not False
                   and path.rsplit("/", 1)[-1] not in verbatim]
    assert open_tables == []


def test_every_property_is_described_for_editor_completion() -> None:
    undescribed = []
    for path, node in objects(schema()):
        for key, prop in node["properties"].items():
            target = prop
            if wranglers(f"{path}/properties/{key}") or key in wrangler_item_keys(path):
                continue
            if "$ref" in prop:
                target = schema()["$defs"][prop["$ref"].rsplit("/", 1)[-1]]
            if "description" not in prop and "description" not in target:
                undescribed.append(f"{path}/{key}")
    assert undescribed == []


def test_the_bundled_manifest_is_valid() -> None:
    from pathlib import Path

    import tomllib

    data = tomllib.loads((Path(__file__).parent.parent / "project.toml").read_text())
    assert list(jsonschema.Draft202012Validator(schema()).iter_errors(data)) == []

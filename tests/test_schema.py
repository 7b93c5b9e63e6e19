"""The manifest's JSON Schema: valid 2020-12, closed everywhere, described for editors."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import jsonschema

from confgen.schema import schema


def objects(node: Any, path: str = "#") -> Iterator[tuple[str, dict[str, Any]]]:
    if isinstance(node, dict):
        if "properties" in node:
            yield path, node
        for key, value in node.items():
            yield from objects(value, f"{path}/{key}")
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from objects(value, f"{path}/{i}")


def test_schema_is_valid_against_the_2020_12_metaschema() -> None:
    assert schema()["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    jsonschema.Draft202012Validator.check_schema(schema())


def test_every_table_is_closed_except_verbatim_passthroughs() -> None:
    verbatim = {"observability", "outbound", "wrangler"}  # copied into wrangler files as given
    open_tables = [path for path, node in objects(schema())
                   if node.get("additionalProperties") is not False
                   and path.rsplit("/", 1)[-1] not in verbatim]
    assert open_tables == []


def test_every_property_is_described_for_editor_completion() -> None:
    undescribed = []
    for path, node in objects(schema()):
        for key, prop in node["properties"].items():
            target = prop
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

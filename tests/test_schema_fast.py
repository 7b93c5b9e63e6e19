"""The compiled schema says "valid" exactly when jsonschema does, so diagnostics never change.

validate asks the compiled checks first (confgen.schema_fast) and jsonschema only when
they say no; these tests hold the two to the same verdict on every rule case, on the
fuzzer's manifests and on targeted corner cases of the Draft 2020-12 keywords.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import jsonschema  # type: ignore[import-untyped]
import pytest
from hypothesis import given
from hypothesis import strategies as st
from test_fuzz import BUNDLED_DATA, BUNDLED_PATHS, FUZZ, MANIFESTS, VALUES, replaced

from confgen import schema
from confgen.load import Loaded, parse
from confgen.schema_fast import Unsupported, Unsure, compile_schema
from confgen.validate import validate_file

CASES = sorted(p for p in (Path(__file__).parent / "cases").iterdir() if p.is_dir())


def jsonschema_says_valid(data: Any) -> bool:
    return not any(True for _ in schema._validator().iter_errors(data))


def agrees(data: Any) -> None:
    """The compiled verdict is jsonschema's, or it declines to judge (never a wrong yes)."""
    compiled = schema._compiled()
    assert compiled is not None
    try:
        verdict = compiled(data)
    except Unsure:
        return
    assert verdict == jsonschema_says_valid(data)


def test_the_shipped_schema_compiles() -> None:
    """Otherwise validate silently falls back to jsonschema for everything (slow, not wrong)."""
    assert schema._compiled() is not None
    assert schema.passes(BUNDLED_DATA)
    # validate compiles each `$ref` when data first reaches it: every one must compile
    assert compile_schema(schema.schema(), lazy=False)(BUNDLED_DATA)


@pytest.mark.parametrize("case", CASES, ids=[p.name for p in CASES])
def test_diagnostics_are_identical_without_the_fast_path(case: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    fast = validate_file(case / "project.toml").diagnostics
    monkeypatch.setattr(schema, "passes", lambda data: False)  # jsonschema judges every time
    slow = validate_file(case / "project.toml").diagnostics
    assert fast == slow


@pytest.mark.parametrize("case", CASES, ids=[p.name for p in CASES])
def test_compiled_verdict_matches_jsonschema_on_rule_cases(case: Path) -> None:
    loaded = parse((case / "project.toml").read_bytes(), "project.toml", case)
    if isinstance(loaded, Loaded):  # not a TOML syntax case
        agrees(loaded.data)


@FUZZ
@given(MANIFESTS)
def test_compiled_verdict_matches_jsonschema_on_generated_manifests(data: Any) -> None:
    agrees(data)


@FUZZ
@given(st.sampled_from(BUNDLED_PATHS), VALUES, st.booleans())
def test_compiled_verdict_matches_jsonschema_on_changed_bundled_manifests(
        path: tuple[Any, ...], new: Any, delete: bool) -> None:
    agrees(replaced(BUNDLED_DATA, path, new, delete))


def judge(schema_: dict[str, Any], value: Any) -> bool:
    expected = jsonschema.Draft202012Validator(schema_).is_valid(value)
    assert compile_schema(schema_)(value) == expected
    return expected


def test_keyword_semantics_follow_jsonschema() -> None:
    assert judge({"type": "integer"}, 2.0)
    assert not judge({"type": "integer"}, True)
    assert not judge({"type": "number"}, False)
    assert judge({"type": ["string", "number"]}, 1.5)
    assert judge({"minimum": 1}, math.nan)  # nan is not below the minimum
    assert judge({"not": {"minimum": 1}}, 0)
    assert judge({"maxLength": 2}, "é☃")
    assert not judge({"pattern": "^a$"}, "b")
    assert judge({"pattern": "^a$"}, "a\n")  # `$` before a final newline, as re.search does
    assert judge({"properties": {"a": {"type": "string"}}}, "not an object")
    assert not judge({"additionalProperties": False, "properties": {"a": True}}, {"b": 1})
    assert not judge({"propertyNames": {"pattern": "^x"}}, {"y": 1})
    assert not judge({"oneOf": [{"type": "integer"}, {"minimum": 0}]}, 3)
    assert judge({"anyOf": [{"type": "integer"}, {"minimum": 0}]}, 3)
    assert not judge({"required": ["a"], "minProperties": 1}, {})
    assert not judge({"enum": ["a", "b"]}, True)
    assert not judge({"uniqueItems": True}, ["a", "a"])
    root = {"$defs": {"n": {"type": "array", "items": {"$ref": "#/$defs/n"}}},
            "$ref": "#/$defs/n"}
    assert judge(root, [[[]]])
    assert not judge(root, [[1]])


def test_what_cannot_be_judged_exactly_goes_to_jsonschema() -> None:
    with pytest.raises(Unsure):
        compile_schema({"uniqueItems": True})([{"a": 1}, {"a": 1.0}])
    with pytest.raises(Unsupported):
        compile_schema({"format": "uuid"})
    with pytest.raises(Unsupported):
        compile_schema({"$ref": "https://example.com/schema.json"})
    with pytest.raises(Unsupported):
        compile_schema({"enum": [{"a": 1}]})
    # scalar enums and consts (wrangler's definitions have them) keep JSON's equality
    assert compile_schema({"enum": [1, True]})(True) and not compile_schema({"const": 1})(True)
    assert compile_schema({"const": 1})(1.0) and not compile_schema({"const": "1"})(1)

"""Any string survives the trip manifest -> wrangler file -> parser, in both formats.

The render stage already refuses to return text that does not parse back to its
data; these tests drive it with hostile strings and check the values themselves.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import json5
import pytest
import tomllib
from hypothesis import given, settings
from hypothesis import strategies as st

from confgen import render, resolve, wrangler
from confgen.render import parse_jsonc, render_wrangler, verify

HOSTILE = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)),
                  max_size=40) | st.sampled_from(
    ['"', "\\", "*/", "/*", "//", "\n", "\r\n", "'''", '"""', "\u2028", "\x00", "${x}",
     "}}", "{{", "{%", "# not a comment", "é☃𝄞"])
IDENTIFIER = st.from_regex(r"\A[A-Za-z_$][A-Za-z0-9_$]{0,12}\Z")


def project(fmt: str, var_name: str, value: str, secret: str, pattern: str) -> Any:
    return resolve.build({
        "project": {"name": "p", "format": fmt, "compatibility_date": "2025-10-01"},
        "environments": {"production": {"vars": {"ENV_ONLY": value}}},
        "workers": {"w": {"main": value or "x.js", "vars": {var_name: value, "NESTED": {value: [value]}},
                          "secrets": [secret], "routes": [{"pattern": pattern, "zone_name": value}]}},
    })


def parse(fmt: str, text: str) -> Any:
    return json5.loads(text) if fmt == "jsonc" else tomllib.loads(text)


@settings(max_examples=150, deadline=None)
@given(fmt=st.sampled_from(["jsonc", "toml"]), var_name=IDENTIFIER, value=HOSTILE,
       secret=IDENTIFIER, pattern=HOSTILE)
def test_hostile_strings_round_trip_exactly(fmt: str, var_name: str, value: str, secret: str,
                                            pattern: str) -> None:
    model = project(fmt, var_name, value, secret, pattern)
    file = wrangler.wrangler_file(model, model.workers[0])
    output = render_wrangler(file, "project.toml")
    verify(output)  # what generate does before writing
    data = parse(fmt, output.text)
    assert data["vars"][var_name] == value
    assert data["vars"]["NESTED"] == {value: [value]}
    assert data["secrets"]["required"] == [secret]
    assert data["routes"][0] == {"pattern": pattern, "zone_name": value}
    assert data["env"]["production"]["vars"]["ENV_ONLY"] == value


@settings(max_examples=60, deadline=None)
@given(value=HOSTILE)
def test_json_literals_are_plain_json(value: str) -> None:
    """JSONC output stays valid strict JSON once its comment lines are removed."""
    model = project("jsonc", "V", value, "S", "a.com/*")
    text = render_wrangler(wrangler.wrangler_file(model, model.workers[0]), "project.toml").text
    body = "\n".join(line for line in text.split("\n") if not line.lstrip().startswith("//"))
    assert json.loads(body)["vars"]["V"] == value


@settings(max_examples=100, deadline=None)
@given(fmt_value=HOSTILE, var_name=IDENTIFIER)
def test_fast_parse_back_reads_what_json5_reads(fmt_value: str, var_name: str) -> None:
    """verify parses jsonc with strict JSON after blanking comment lines: same value as JSON5."""
    model = project("jsonc", var_name, fmt_value, "S", "a.com/*")
    text = render_wrangler(wrangler.wrangler_file(model, model.workers[0]), "project.toml").text
    assert parse_jsonc(text) == json5.loads(text)


def test_text_strict_json_refuses_falls_back_to_json5() -> None:
    trailing_comma = '// header\n{\n  "a": [1, 2,],\n}\n'
    assert parse_jsonc(trailing_comma) == {"a": [1, 2]}
    # JSON5 ends a // comment at U+2028, so the rest of that line is not a comment there:
    # the fast path must not blank it, and JSON5 decides (here: it is not valid at all).
    with pytest.raises(ValueError):
        parse_jsonc('// a\u2028 "x"\n{}\n')
    with pytest.raises(render.RenderError):  # NaN is JSON5, not JSON: confgen never writes it
        render.verify(render.Output("w/wrangler.jsonc", "jsonc", '{"a": NaN}', {"a": 1}))


def test_parse_back_compares_types_not_just_equality() -> None:
    """1 == True and 1 == 1.0 in Python; a wrangler file that says 1 where true was meant
    is still wrong."""
    for text, meant in (('{"a": 1}', {"a": True}), ('{"a": 1.0}', {"a": 1}),
                        ('{"a": 1}', {"a": 1.0})):
        with pytest.raises(render.RenderError):
            verify(render.Output("w/wrangler.jsonc", "jsonc", text, meant))
    verify(render.Output("w/wrangler.jsonc", "jsonc", '{"a": true}', {"a": True}))


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False)
    | HOSTILE,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(HOSTILE, inner, max_size=4)
    # tuples and keys json.dumps converts take the filter's general path
    | st.lists(inner, max_size=3).map(tuple) | st.dictionaries(st.integers(), inner, max_size=2),
    max_leaves=30)


@settings(max_examples=200, deadline=None)
@given(value=JSON_VALUES, indent=st.sampled_from([None, 0, 2, 6]))
def test_json_filter_writes_what_json_dumps_writes(value: Any, indent: int | None) -> None:
    """The json filter builds indented JSON from the C encoder's pieces (the pure-Python
    encoder that json.dumps uses for indent= was most of render's time): same bytes."""
    from confgen.templating import _LINE_BREAKERS, json_value

    expected = json.dumps(value, ensure_ascii=False, allow_nan=False,
                          indent=None if indent is None else 2)
    if indent:
        expected = expected.replace("\n", "\n" + " " * indent)
    expected = _LINE_BREAKERS.sub(lambda m: f"\\u{ord(m.group()):04x}", expected)
    assert json_value(value, indent) == expected


def _retyped(draw: st.DrawFn, value: Any) -> Any:
    """`value` with some scalars swapped for an equal one of another JSON type."""
    if isinstance(value, dict):
        return {k: _retyped(draw, v) for k, v in value.items()}
    if isinstance(value, list):
        return [_retyped(draw, v) for v in value]
    # equal values (True == 1 == 1.0 hash alike: one key each) of every JSON type
    swaps: dict[Any, list[Any]] = {1: [True, 1, 1.0], 0: [False, 0, 0.0, -0.0], 2: [2, 2.0]}
    if type(value) in (bool, int, float) and value in swaps and draw(st.booleans()):
        return draw(st.sampled_from(swaps[value]))
    return value


@st.composite
def _equal_pairs(draw: st.DrawFn) -> tuple[Any, Any]:
    value = draw(JSON_VALUES | st.lists(st.sampled_from([True, False, 0, 1, 0.0, 2, "x"])))
    return value, _retyped(draw, value)


@settings(max_examples=300, deadline=None)
@given(pair=_equal_pairs())
def test_verify_tells_equal_values_of_other_json_types_apart(pair: tuple[Any, Any]) -> None:
    """Parsed data equal (==) to what was meant passes only if every scalar also has the
    same JSON text: what the canonical JSON dump decided before, without dumping."""
    parsed, meant = pair
    text = json.dumps(parsed)
    output = render.Output("w/wrangler.json", "json", text, meant)
    back = json.loads(text)
    same = back == meant and json.dumps(back, sort_keys=True) == json.dumps(meant, sort_keys=True)
    if same:
        verify(output)
    else:
        with pytest.raises(render.RenderError):
            verify(output)


def test_an_env_file_that_lost_a_member_does_not_verify() -> None:
    """The typed Env's parse-back data is made only when verified (a current file never
    needs it): made then, it still catches a declaration that does not match."""
    from confgen import envtypes
    from confgen.validate import validate_file

    manifest = Path(__file__).parent / "golden" / "three_environments" / "project.toml"
    project = validate_file(manifest).project
    assert project is not None
    checked = 0
    for worker in project.workers:
        if envtypes.output_path(worker) is None or envtypes.is_python(worker):
            continue
        output = envtypes.output(worker, "project.toml")
        assert callable(output.meant)
        verify(output)
        lines = output.text.split("\n")
        member = next(i for i, line in enumerate(lines) if line.startswith("\t") and ": " in line
                      and "mainModule" not in line)
        with pytest.raises(render.RenderError, match="does not parse back"):
            verify(render.Output(output.path, output.syntax,
                                 "\n".join(lines[:member] + lines[member + 1:]), output.meant))
        checked += 1
    assert checked >= 3


@settings(max_examples=300, deadline=None)
@given(value=st.one_of(st.booleans(), st.integers(), st.integers(-2**70, 2**70),
                       st.floats(allow_nan=False, allow_infinity=False)))
def test_toml_filter_writes_scalars_as_tomlkit_does(value: Any) -> None:
    """Booleans and integers are written without tomlkit (its import is 10 ms and more):
    the same text as tomlkit's, which still writes floats."""
    import tomlkit

    from confgen.templating import toml_value

    assert toml_value(value) == tomlkit.item(value).as_string()

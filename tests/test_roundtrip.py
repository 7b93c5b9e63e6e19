"""Any string survives the trip manifest -> wrangler file -> parser, in both formats.

The render stage already refuses to return text that does not parse back to its
data; these tests drive it with hostile strings and check the values themselves.
"""

from __future__ import annotations

import json
from typing import Any

import json5
import tomllib
from hypothesis import given, settings
from hypothesis import strategies as st

from confgen import resolve, wrangler
from confgen.render import render_wrangler, verify

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

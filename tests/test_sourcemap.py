"""The source map steps over string values in one regex match each (a 50 MB var took
minutes character by character); positions after any kind of string stay exact."""

from __future__ import annotations

import pytest
import tomllib

from confgen import sourcemap

STRINGS = [
    '""', '"plain"', '"esc \\" \\\\ \\u00e9 # not a comment"', "''", "'lit \\ # x'",
    '"""multi\nline"""', '"""ends in one quote""""', '"""ends in two quotes"""""',
    '"""\\\nline continuation \\""" inside"""', "'''lit\nmulti'''", "'''two''''",
    "'''three'''''", '"' + "x" * 100_000 + '"',
]


@pytest.mark.parametrize("value", STRINGS, ids=range(len(STRINGS)))
def test_positions_after_a_string_value(value: str) -> None:
    text = f"a = {value}\nb = [{value}, 1]\n\n[t]\n  y = {{ z = {value} }}\nw = 2\n"
    tomllib.loads(text)  # the scanner only ever sees accepted TOML
    positions = sourcemap.build(text)
    lines = text.split("\n")

    def at(line_prefix: str, key: str) -> tuple[int, int]:
        for n, line in enumerate(lines, start=1):
            if line.startswith(line_prefix):
                return n, line.index(key) + 1
        raise AssertionError(line_prefix)

    assert positions.locate(("b",)) == at("b = [", "b")
    assert positions.locate(("t", "y")) == at("  y = ", "y")
    assert positions.locate(("t", "w")) == at("w = 2", "w")

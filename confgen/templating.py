"""The one Jinja2 environment: strict, newline-preserving, one escaping filter per format."""

from __future__ import annotations

import json
import re
from functools import cache
from typing import Any

import jinja2

from confgen.resources import data_dir

# Characters that some editors and line-based tools take for line ends: always escaped.
_LINE_BREAKERS = re.compile("[\x7f-\x9f\u2028\u2029]")


def json_value(value: Any, indent: int | None = None) -> str:
    """A JSON literal; non-ASCII kept as is (but U+2028/9, which some parsers treat as
    line ends), so the file reads like the manifest. With `indent`, pretty-printed with
    every continuation line shifted right by that many spaces."""
    text = json.dumps(value, ensure_ascii=False, indent=2 if indent is not None else None,
                      allow_nan=False)
    text = _LINE_BREAKERS.sub(lambda m: f"\\u{ord(m.group()):04x}", text)
    if indent:
        text = text.replace("\n", "\n" + " " * indent)
    return text


def toml_value(value: Any) -> str:
    """A TOML literal on one line: strings by toml_string, inline arrays and tables."""
    if isinstance(value, dict):
        if not value:
            return "{}"
        inner = ", ".join(f"{toml_key(k)} = {toml_value(v)}" for k, v in value.items())
        return "{ " + inner + " }"
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    if isinstance(value, str):
        return toml_string(value)
    import tomlkit  # deferred: only TOML outputs need it

    text: str = tomlkit.item(value).as_string()
    return text


_TOML_ESCAPES = {'"': '\\"', "\\": "\\\\", "\b": "\\b", "\t": "\\t", "\n": "\\n",
                 "\f": "\\f", "\r": "\\r"}
_TOML_ESCAPED = re.compile('["\\\\\x00-\x1f\x7f-\x9f\u2028\u2029]')


def toml_string(value: str) -> str:
    """A TOML basic string: quotes, backslashes and every control or line-breaking
    character escaped (U+0085, U+2028 and U+2029 too), everything else as is."""
    return '"' + _TOML_ESCAPED.sub(
        lambda m: _TOML_ESCAPES.get(m.group(), f"\\u{ord(m.group()):04x}"), value) + '"'


def toml_block(value: Any) -> str:
    """Like toml_value, but an array of tables puts one table per line."""
    if isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
        return "[\n" + "".join(f"  {toml_value(v)},\n" for v in value) + "]"
    return toml_value(value)


def toml_key(key: str) -> str:
    """A TOML key: bare when it can be, quoted otherwise."""
    if key and all(c.isascii() and (c.isalnum() or c in "_-") for c in key):
        return key
    return toml_string(key)


def py_value(value: Any) -> str:
    """A Python literal; repr is exact for str, int, bool, None, tuples and dicts of them."""
    return repr(value)


FILTERS = {"json": json_value, "toml": toml_value, "toml_block": toml_block, "toml_key": toml_key,
           "py": py_value}


@cache
def environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(data_dir("templates"))),
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
        autoescape=False,
    )
    env.filters.update(FILTERS)
    return env


def render(template: str, **context: Any) -> str:
    return environment().get_template(template).render(**context)

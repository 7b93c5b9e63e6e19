"""The one Jinja2 environment: strict, newline-preserving, one escaping filter per format."""

from __future__ import annotations

import json
from functools import cache
from typing import Any

import jinja2
import tomlkit

from confgen.resources import data_dir


def json_value(value: Any) -> str:
    """A JSON literal; non-ASCII kept as is, so the file reads like the manifest."""
    return json.dumps(value, ensure_ascii=False, sort_keys=False)


def toml_value(value: Any) -> str:
    """A TOML literal (string, number, bool, inline array or inline table)."""
    return tomlkit.item(value).as_string()


def toml_key(key: str) -> str:
    """A TOML key: bare when it can be, quoted otherwise."""
    return tomlkit.key(key).as_string()


def py_value(value: Any) -> str:
    """A Python literal; repr is exact for str, int, bool, None, tuples and dicts of them."""
    return repr(value)


FILTERS = {"json": json_value, "toml": toml_value, "toml_key": toml_key, "py": py_value}


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

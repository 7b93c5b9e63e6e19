"""The one Jinja2 environment: strict, newline-preserving, one escaping filter per format."""

from __future__ import annotations

import importlib
import json
import re
from collections.abc import MutableMapping
from functools import cache
from typing import Any

import jinja2

from confgen.resources import data_dir

# Characters that some editors and line-based tools take for line ends: always escaped.
_LINE_BREAKERS = re.compile("[\x7f-\x9f\u2028\u2029]")


# The C encoder, built once: json.dumps builds a new encoder per call, and with `indent`
# it falls back to the pure-Python one (most of a large fleet's render time).
_ONE_LINE = json.JSONEncoder(ensure_ascii=False, allow_nan=False).encode


_STRING = json.encoder.encode_basestring  # C, non-ASCII kept as is


def _pretty(value: Any, pad: str) -> str:
    """Exactly json.dumps(value, indent=2) with every line after the first shifted right by
    `pad`, built from the C encoder's one-line pieces."""
    if isinstance(value, str):
        return str(_STRING(value))
    if isinstance(value, dict) and value and all(isinstance(k, str) for k in value):
        inner = pad + "  "
        items = [inner + _STRING(k) + ": " + _pretty(v, inner) for k, v in value.items()]
        return "{\n" + ",\n".join(items) + "\n" + pad + "}"
    if isinstance(value, (list, tuple)) and value:
        inner = pad + "  "
        return "[\n" + ",\n".join(inner + _pretty(v, inner) for v in value) + "\n" + pad + "]"
    if isinstance(value, dict) and value:  # keys json.dumps would convert: let it
        return json.dumps(value, ensure_ascii=False, indent=2,
                          allow_nan=False).replace("\n", "\n" + pad)
    return _ONE_LINE(value)


def json_value(value: Any, indent: int | None = None) -> str:
    """A JSON literal; non-ASCII kept as is (but U+2028/9, which some parsers treat as
    line ends), so the file reads like the manifest. With `indent`, pretty-printed with
    every continuation line shifted right by that many spaces."""
    text = _ONE_LINE(value) if indent is None else _pretty(value, " " * indent)
    return _LINE_BREAKERS.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


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


_BARE_KEY = re.compile(r"[A-Za-z0-9_-]+\Z")


def toml_key(key: str) -> str:
    """A TOML key: bare when it can be, quoted otherwise."""
    if _BARE_KEY.match(key):
        return key
    return toml_string(key)


def py_value(value: Any) -> str:
    """A Python literal; repr is exact for str, int, bool, None, tuples and dicts of them."""
    return repr(value)


FILTERS = {"json": json_value, "toml": toml_value, "toml_block": toml_block, "toml_key": toml_key,
           "py": py_value}


OPTIONS: dict[str, Any] = {"keep_trailing_newline": True, "trim_blocks": True,
                           "lstrip_blocks": True, "autoescape": False}
COMPILED = "confgen.compiled_templates"  # a module per template, written by `make templates`


def compiled_module(name: str) -> str:
    """The module that holds a template's precompiled code: wrangler.jsonc.j2 ->
    confgen.compiled_templates.wrangler_jsonc."""
    return f"{COMPILED}.{name.removesuffix('.j2').replace('.', '_').replace('-', '_')}"


def compiled_source(name: str) -> str:
    """The text of a template's precompiled module: the code Jinja2 generates, with what it
    was generated from, so a changed template, Jinja2 or option is never served stale."""
    env = environment()
    source = (data_dir("templates") / name).read_text(encoding="utf-8")
    code = env.compile(source, name, name, raw=True, defer_init=True)
    return (f"# Generated by `make templates` from templates/{name}: do not edit.\n"
            "# mypy: ignore-errors\n# ruff: noqa\n"
            f"JINJA2 = {jinja2.__version__!r}\nOPTIONS = {_options_key()!r}\n"
            f"SOURCE = {source!r}\n{code}\n")


def _options_key() -> str:
    return repr(sorted(OPTIONS.items()))


class _Loader(jinja2.FileSystemLoader):
    """Templates from their files, but served from the precompiled module (and so from its
    .pyc, with no Jinja2 compilation at all) while that module was made from exactly this
    text, by this Jinja2, with these options; compiled from the file otherwise."""

    def load(self, environment: jinja2.Environment, name: str,
             globals: MutableMapping[str, Any] | None = None) -> jinja2.Template:
        source, _, _ = self.get_source(environment, name)
        try:
            module = importlib.import_module(compiled_module(name))
        except ImportError:
            module = None
        if (module is not None and getattr(module, "SOURCE", None) == source
                and getattr(module, "JINJA2", None) == jinja2.__version__
                and getattr(module, "OPTIONS", None) == _options_key()):
            return environment.template_class.from_module_dict(
                environment, vars(module), globals or {})
        return super().load(environment, name, globals)


@cache
def environment() -> jinja2.Environment:
    env = jinja2.Environment(loader=_Loader(str(data_dir("templates"))),
                             undefined=jinja2.StrictUndefined, **OPTIONS)
    env.filters.update(FILTERS)
    return env


def render(template: str, **context: Any) -> str:
    return environment().get_template(template).render(**context)

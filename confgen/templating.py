"""Templates at run time: one escaping filter per format, and each template served from its
plain-Python module (confgen.template_compiler, `make templates`), with no Jinja2."""

from __future__ import annotations

import importlib
import json
import re
from collections.abc import Callable
from functools import cache, partial
from pathlib import Path
from typing import Any, NoReturn

from confgen.resources import data_dir

# Characters that some editors and line-based tools take for line ends: always escaped.
_LINE_BREAKERS = re.compile("[\x7f-\x9f\u2028\u2029]")


# The C encoder, built once: json.dumps builds a new encoder per call, and with `indent`
# it falls back to the pure-Python one (most of a large fleet's render time).
_ONE_LINE = json.JSONEncoder(ensure_ascii=False, allow_nan=False).encode


_STRING = json.encoder.encode_basestring  # C, non-ASCII kept as is


_SCALARS = frozenset({int, bool, float, type(None)})  # exact types: the C encoder's own


def _pretty(value: Any, pad: str) -> str:
    """Exactly json.dumps(value, indent=2) with every line after the first shifted right by
    `pad`, built from the C encoder's one-line pieces. Members of the exact built-in
    types are written inline (no call per scalar: most of a large fleet's render time)."""
    kind = type(value)
    if kind is dict and value:
        inner = pad + "  "
        parts = []
        for k, v in value.items():
            if type(k) is not str:
                return _general(value, pad)
            if type(v) is str:
                parts.append(_STRING(k) + ": " + _STRING(v))
            elif type(v) in _SCALARS:
                parts.append(_STRING(k) + ": " + _ONE_LINE(v))
            else:
                parts.append(_STRING(k) + ": " + _pretty(v, inner))
        return "{\n" + inner + (",\n" + inner).join(parts) + "\n" + pad + "}"
    if (kind is list or kind is tuple) and value:
        inner = pad + "  "
        items = [_STRING(v) if type(v) is str else _pretty(v, inner) for v in value]
        return "[\n" + inner + (",\n" + inner).join(items) + "\n" + pad + "]"
    return _general(value, pad)


def _general(value: Any, pad: str) -> str:
    """_pretty for any value (subclasses, keys json.dumps would convert, empty ones)."""
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


def _escape_breaker(match: re.Match[str]) -> str:
    return f"\\u{ord(match.group()):04x}"


def json_value(value: Any, indent: int | None = None) -> str:
    """A JSON literal; non-ASCII kept as is (but U+2028/9, which some parsers treat as
    line ends), so the file reads like the manifest. With `indent`, pretty-printed with
    every continuation line shifted right by that many spaces."""
    if type(value) is str:
        text = _STRING(value)
    else:
        text = _ONE_LINE(value) if indent is None else _pretty(value, " " * indent)
    if text.isascii() and "\x7f" not in text:  # two C scans: no line breaker in it
        return text
    return _LINE_BREAKERS.sub(_escape_breaker, text)


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
    if type(value) is bool:
        return "true" if value else "false"
    if type(value) is int:  # what tomlkit writes for them (tests/test_roundtrip.py)
        return str(value)
    import tomlkit  # deferred: floats and dates only (importing it is 10 ms and more)

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
COMPILER = 2  # confgen.template_compiler's output format: bump when what it writes changes


class TemplateError(Exception):
    """A template that does not parse, or a name or attribute it reads that is missing."""

    def __init__(self, message: str, name: str | None = None,
                 lineno: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.name = name  # with lineno: where a syntax error is
        self.lineno = lineno


def undefined(name: str) -> NoReturn:
    """StrictUndefined, at once: a compiled template read a name the context lacks."""
    raise TemplateError(f"{name!r} is undefined")


MISSING = object()  # what getattr answers, in compiled templates, for no such attribute


def attr(obj: Any, name: str) -> Any:
    """Jinja2's `obj.name`: the attribute, else the item; neither is an error."""
    found = getattr(obj, name, MISSING)
    return found if found is not MISSING else item(obj, name)


def item(obj: Any, name: str) -> Any:
    """The second half of Jinja2's `obj.name`, for an object without that attribute."""
    try:
        return obj[name]
    except (TypeError, LookupError):
        raise TemplateError(f"{type(obj).__name__!r} object has no attribute {name!r}") \
            from None


def template_dir() -> Path:
    return data_dir("templates")


def compiled_module(name: str) -> str:
    """The module compiled from a template: wrangler.jsonc.j2 ->
    confgen.compiled_templates.wrangler_jsonc."""
    return f"{COMPILED}.{name.removesuffix('.j2').replace('.', '_').replace('-', '_')}"


def options_key() -> str:
    return repr(sorted(OPTIONS.items()))


@cache
def renderer(name: str) -> Callable[[dict[str, Any]], str]:
    """The template's compiled module (no Jinja2 at all) while it was compiled from exactly
    this text, by this compiler, with these options; Jinja2 from the file otherwise."""
    source = (template_dir() / name).read_text(encoding="utf-8")
    try:
        module = importlib.import_module(compiled_module(name))
    except ImportError:
        module = None
    if (module is not None and getattr(module, "SOURCE", None) == source
            and getattr(module, "COMPILER", None) == COMPILER
            and getattr(module, "OPTIONS", None) == options_key()):
        served: Callable[[dict[str, Any]], str] = module.render
        return served
    from confgen.template_compiler import jinja_render  # deferred: Jinja2, 20 to 35 ms

    return partial(jinja_render, name)


def render(template: str, **context: Any) -> str:
    """The template rendered; TemplateError for a missing name or attribute (or, from a
    template edited since `make templates`, a syntax error)."""
    return renderer(template)(context)

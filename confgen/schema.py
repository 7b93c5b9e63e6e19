"""Stage 2: the manifest's data against schemas/project.schema.json.

Each jsonschema error becomes one Issue at the offending key: unknown keys at
the key itself, `oneOf` failures at the branch the value was meant for.
"""

from __future__ import annotations

import datetime
import json
import math
import re
from collections.abc import Callable, Iterator
from functools import cache
from typing import Any

from confgen import surface
from confgen.diagnostics import Issue, KeyPath
from confgen.resources import data_dir

SCHEMA_FILE = "project.schema.json"


def schema_text() -> str:
    """The whole schema: schemas/project.schema.json with wrangler's keys (confgen.surface)."""
    return json.dumps(_composed(), indent=2, ensure_ascii=False) + "\n"


@cache
def _composed() -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads((data_dir("schemas") / SCHEMA_FILE).read_text("utf-8"))
    return surface.extend(loaded)


def _whole(pattern: str) -> str:
    """The pattern with its `$` anchors as `\\Z`: JSON Schema patterns are ECMA regexes,
    where `$` is the end of the text, while Python's `$` also matches before a final
    newline (`"prod\\n"` would pass `^[a-z]+$`). `$` inside a class or escaped stays."""
    out, in_class, escaped = [], False, False
    for char in pattern:
        if escaped:
            escaped = False
        elif char == "\\":
            escaped = True
        elif char == "[":
            in_class = True
        elif char == "]":
            in_class = False
        elif char == "$" and not in_class:
            out.append("\\Z")
            continue
        out.append(char)
    return "".join(out)


def _anchored(node: Any) -> Any:
    if isinstance(node, dict):
        return {k: _whole(v) if k == "pattern" and isinstance(v, str) else _anchored(v)
                for k, v in node.items()}
    if isinstance(node, list):
        return [_anchored(v) for v in node]
    return node


@cache
def schema() -> dict[str, Any]:
    """The schema as confgen evaluates it (patterns matched whole, see _whole)."""
    loaded: dict[str, Any] = _anchored(_composed())
    return loaded


@cache
def _compiled() -> Callable[[Any], bool] | None:
    """The schema as plain Python checks, or None if it uses what they cannot check."""
    from confgen.schema_fast import Unsupported, compile_schema

    try:  # from the composed schema itself: no anchored copy of all of it
        return compile_schema(_composed(), lazy=True, pattern=_whole)
    except (Unsupported, re.error):
        return None


def passes(data: Any) -> bool:
    """True only when jsonschema would find nothing wrong (False may mean: ask it)."""
    from confgen.schema_fast import Unsupported, Unsure

    compiled = _compiled()
    if compiled is None:
        return False
    try:
        return compiled(data)
    except (Unsure, Unsupported, re.error):  # the last two: a lazily compiled part
        return False


@cache
def _validator() -> Any:
    import jsonschema  # type: ignore[import-untyped]  # deferred: a third of confgen's start-up time, needed only here

    return jsonschema.Draft202012Validator(schema())


def _toml_type(value: object) -> str:
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "an array"
    if isinstance(value, dict):
        return "a table"
    if isinstance(value, (datetime.date, datetime.time)):
        return "an unquoted date/time (quote it)"
    return type(value).__name__


_TYPE_WORDS = {"string": "a string", "object": "a table", "array": "an array",
               "boolean": "a boolean", "integer": "an integer", "number": "a number"}


def _short(value: object) -> str:
    text = json.dumps(value, ensure_ascii=False, default=str)
    return text if len(text) <= 60 else text[:57] + "..."


def _issues(error: Any) -> Iterator[Issue]:
    path: KeyPath = tuple(error.absolute_path)
    kind = error.validator
    instance = error.instance
    if kind == "additionalProperties" and isinstance(instance, dict):
        known = set(error.schema.get("properties", {}))
        for key in sorted(k for k in instance if k not in known):
            yield Issue("CG101", path + (key,), f"unknown key {key!r}{_hint(key, known)}")
    elif kind == "required":
        for key in error.validator_value:
            if isinstance(instance, dict) and key not in instance:
                yield Issue("CG104", path, f"missing required key {key!r}")
    elif kind == "type":
        expected = error.validator_value
        names: list[str] = expected if isinstance(expected, list) else [expected]
        words = " or ".join(_TYPE_WORDS.get(t, t) for t in names)
        yield Issue("CG102", path, f"expected {words}, got {_toml_type(instance)}")
    elif "propertyNames" in error.schema_path:
        yield Issue("CG103", path + (instance,), f"invalid name {_short(instance)}: {_describe(error)}")
    elif kind in ("oneOf", "anyOf"):
        yield from _branch_issues(error, path)
    else:
        yield Issue("CG103", path, f"invalid value {_short(instance)}: {_describe(error)}")


def _hint(key: str, known: set[str]) -> str:
    if key in surface.top_only():
        return ": wrangler allows it at the top level only (set it on the worker or in `top`)"
    import difflib  # deferred: only a suggestion needs it

    close = difflib.get_close_matches(key, sorted(known), n=1, cutoff=0.7)
    return f"; did you mean {close[0]!r}?" if close else ""


def _describe(error: Any) -> str:
    kind = error.validator
    if kind == "pattern":
        description = _pattern_description(error.validator_value)
        return description or f"must match {error.validator_value.replace(chr(92) + 'Z', '$')}"
    if kind == "enum":
        return "must be one of " + ", ".join(json.dumps(v) for v in error.validator_value)
    if kind == "maxLength":
        return f"longer than {error.validator_value} characters"
    if kind == "minLength":
        return "must not be empty"
    if kind == "uniqueItems":
        return "has duplicate items"
    if kind in ("minimum", "maximum"):
        return f"{kind} is {error.validator_value}"
    if kind == "type":
        return f"expected {error.validator_value}"
    return str(error.message)


@cache
def _pattern_descriptions() -> dict[str, str]:
    """pattern -> the description of the $defs entry that declares it, for readable messages."""
    out: dict[str, str] = {}
    for entry in schema()["$defs"].values():
        if "pattern" in entry and "description" in entry:
            out.setdefault(entry["pattern"], entry["description"].rstrip("."))
    return out


def _pattern_description(pattern: str) -> str | None:
    found = _pattern_descriptions().get(pattern)
    return f"expected {found[0].lower()}{found[1:]}" if found else None


def _branch_issues(error: Any, path: KeyPath) -> Iterator[Issue]:
    """A oneOf failed: if one branch fits the value's type, report that branch's problems."""
    branches: dict[object, list[Any]] = {}
    for sub in error.context or ():
        branches.setdefault(sub.schema_path[0], []).append(sub)
    fitting = [subs for subs in branches.values()
               if not any(s.validator == "type" and tuple(s.absolute_path) == path for s in subs)]
    if len(fitting) == 1:
        precise = [s for s in fitting[0] if s.validator not in ("required", "not", "oneOf")]
        if precise:
            for sub in precise:
                yield from _issues(sub)
            return
    described = _first_sentence(error.schema.get("description", ""))
    if "(wrangler `" in error.schema.get("description", ""):  # wrangler's own definition
        described = f"invalid value {_short(error.instance)}: {described or 'see wrangler'}"
    yield Issue("CG103", path, described or f"invalid value {_short(error.instance)}")


def _first_sentence(text: str) -> str:
    """One line: wrangler's descriptions run to paragraphs."""
    flat = " ".join(text.split())
    end = flat.find(". ")
    return (flat if end < 0 else flat[:end]).rstrip(".")


def _no_json_form(data: object, path: KeyPath = ()) -> Iterator[Issue]:
    """TOML has inf, nan, dates and times; JSON, and so wrangler's config parser, has none of
    them. Checked everywhere, verbatim tables included, so whatever validate accepts,
    generate can write."""
    stack: list[tuple[object, KeyPath]] = [(data, path)]
    while stack:
        value, where = stack.pop()
        if isinstance(value, float) and not math.isfinite(value):
            yield Issue("CG103", where, f"{value!r} is not a number wrangler can read")
        elif isinstance(value, (datetime.date, datetime.time)):
            yield Issue("CG102", where, f"expected a string, got {_toml_type(value)}: TOML "
                        "dates and times have no JSON form")
        elif isinstance(value, dict):
            stack.extend((v, where + (k,)) for k, v in value.items())
        elif isinstance(value, list):
            stack.extend((v, where + (i,)) for i, v in enumerate(value))


def _all_json(data: object) -> bool:
    """No date, time, inf or nan anywhere: _no_json_form's common answer, without building
    a key path for every value."""
    stack = [data]
    while stack:
        value = stack.pop()
        if isinstance(value, dict):
            stack.extend(value.values())
        elif isinstance(value, list):
            stack.extend(value)
        elif isinstance(value, (datetime.date, datetime.time)) or (
                isinstance(value, float) and not math.isfinite(value)):
            return False
    return True


def check(data: dict[str, Any]) -> list[Issue]:
    issues: list[Issue] = [] if _all_json(data) else list(_no_json_form(data))
    if passes(data):  # the common case, without loading jsonschema at all
        return issues
    said = {i.path for i in issues}
    for error in _validator().iter_errors(data):
        issues.extend(i for i in _issues(error) if i.path not in said)
    return issues

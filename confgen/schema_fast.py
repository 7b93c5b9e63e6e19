"""The manifest schema compiled once into plain Python checks: is this data valid, yes or no.

jsonschema explains failures well but spends most of validate's time resolving `$ref`s
on the way to saying nothing about a valid manifest. This module answers only the
yes/no question, for the keywords the schema uses, with jsonschema's meaning (Draft
2020-12); confgen.schema asks jsonschema only when the answer is no, so every
diagnostic still comes from jsonschema.

Exact or nothing: a keyword this module does not know makes `compile_schema` refuse
(confgen then uses jsonschema for everything), and a value it cannot judge exactly
(say uniqueItems over tables) raises Unsure, which counts as "ask jsonschema".
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import partial
from typing import Any

Check = Callable[[Any], bool]

# Keywords that describe and never constrain.
_ANNOTATIONS = frozenset({"$schema", "$id", "$comment", "title", "description", "default",
                          "examples", "deprecated", "readOnly", "writeOnly", "$defs"})
_KNOWN = _ANNOTATIONS | {"type", "properties", "additionalProperties", "required",
                         "propertyNames", "minProperties", "items", "uniqueItems", "enum", "const", "multipleOf",
                         "pattern", "minLength", "maxLength", "minimum", "maximum", "not",
                         "oneOf", "anyOf", "allOf", "$ref"}


_BARE_REF = _ANNOTATIONS | {"$ref"}  # a schema that only points elsewhere


class Unsupported(Exception):
    """The schema uses something this module cannot check exactly."""


class Unsure(Exception):
    """This value cannot be judged exactly here; jsonschema must decide."""


def _is_number(x: Any) -> bool:
    return isinstance(x, (int, float)) and not isinstance(x, bool)


_TYPES: dict[str, Check] = {
    "string": lambda x: isinstance(x, str),
    "object": lambda x: isinstance(x, dict),
    "array": lambda x: isinstance(x, list),
    "boolean": lambda x: isinstance(x, bool),
    "null": lambda x: x is None,
    "number": _is_number,
    "integer": lambda x: (isinstance(x, int) and not isinstance(x, bool))
    or (isinstance(x, float) and x.is_integer()),
}
_PY_TYPES = {"string": str, "object": dict, "array": list}  # where isinstance alone is exact


class _Compiler:
    def __init__(self, root: dict[str, Any], lazy: bool = False,
                 pattern: Callable[[str], str] = str) -> None:
        self.root = root
        self.refs: dict[str, Check] = {}
        self.targets: dict[str, Check] = {}  # lazily: each `$ref` target, compiled
        self.lazy = lazy  # compile a `$ref`'s target when data first reaches it
        self.pattern = pattern  # a `pattern` as Python's re is to read it

    def target(self, pointer: str) -> Any:
        if not pointer.startswith("#/"):
            raise Unsupported(f"$ref {pointer!r}")
        target: Any = self.root
        for part in pointer[2:].split("/"):
            part = part.replace("~1", "/").replace("~0", "~")
            if not isinstance(target, dict) or part not in target:
                raise Unsupported(f"$ref {pointer!r} points nowhere")
            target = target[part]
        return target

    def sub(self, schema: Any, place: Callable[[Check], None]) -> Check:
        """A property's, an extra key's or an item's schema: lazily, compiled when data
        first reaches it (a manifest touches a few of wrangler's hundreds of keys). `place`
        then puts the compiled check where this stand-in was, so the values after the first
        go to it directly (for a bare `$ref`, to its target's check)."""
        if not self.lazy:
            return self.compile(schema)

        def check(x: Any) -> bool:
            compiled = self.direct(schema)
            place(compiled)
            return compiled(x)

        return check

    def direct(self, schema: Any) -> Check:
        """compile(schema), with a schema that is only a `$ref` compiled as its target."""
        if isinstance(schema, dict) and "$ref" in schema and schema.keys() <= _BARE_REF:
            return self.resolved(schema["$ref"])
        return self.compile(schema)

    def resolved(self, pointer: str) -> Check:
        """A `$ref`'s target, compiled once (its own references stay lazy stand-ins)."""
        found = self.targets.get(pointer)
        if found is None:
            found = self.targets[pointer] = self.compile(self.target(pointer))
        return found

    def ref(self, pointer: str) -> Check:
        if pointer not in self.refs:
            target = self.target(pointer)
            slot: list[Check] = []
            if self.lazy:  # most of wrangler's definitions are never reached by a manifest
                def check(x: Any) -> bool:
                    if not slot:
                        slot.append(self.resolved(pointer))
                    return slot[0](x)

                self.refs[pointer] = check
            else:
                self.refs[pointer] = lambda x: slot[0](x)  # recursion-safe forward reference
                slot.append(self.compile(target))
        return self.refs[pointer]

    def compile(self, schema: Any) -> Check:
        if schema is True:
            return lambda x: True
        if schema is False:
            return lambda x: False
        if not isinstance(schema, dict):
            raise Unsupported(f"schema {schema!r}")
        unknown = set(schema) - _KNOWN
        if unknown:
            raise Unsupported(f"keywords {sorted(unknown)}")
        # A single type that a keyword's own check can test ("object" for the object
        # keywords, ...) is tested there, not by a second function per value.
        single = schema.get("type") if isinstance(schema.get("type"), str) else None
        shaped = [self.object_check(schema, single == "object"),
                  self.array_check(schema, single == "array"),
                  self.string_check(schema, single == "string")]
        typed = any(c is not None and kind == single
                    for c, kind in zip(shaped, ("object", "array", "string")))
        checks = [c for c in (None if typed else self.type_check(schema), *shaped,
                              self.number_check(schema)) if c is not None]
        checks += self.logic_checks(schema)
        if "$ref" in schema:
            checks.append(self.ref(schema["$ref"]))
        if "enum" in schema:
            checks.append(_enum(schema["enum"]))
        if "const" in schema:  # wrangler's definitions use it: an enum of one
            checks.append(_enum([schema["const"]]))
        if not checks:
            return lambda x: True
        if len(checks) == 1:
            return checks[0]
        if len(checks) == 2:
            first, second = checks
            return lambda x: first(x) and second(x)
        return lambda x: all(c(x) for c in checks)

    @staticmethod
    def type_check(schema: dict[str, Any]) -> Check | None:
        if "type" not in schema:
            return None
        names = schema["type"] if isinstance(schema["type"], list) else [schema["type"]]
        if any(n not in _TYPES for n in names):
            raise Unsupported(f"type {names!r}")
        if len(names) == 1 and names[0] in _PY_TYPES:
            py = _PY_TYPES[names[0]]
            return lambda x: isinstance(x, py)
        tests = [_TYPES[n] for n in names]
        return lambda x: any(t(x) for t in tests)

    def object_check(self, schema: dict[str, Any], strict: bool = False) -> Check | None:
        """`strict`: the schema's type is "object", so anything else fails here."""
        keys = ("properties", "additionalProperties", "required", "propertyNames",
                "minProperties")
        if not any(k in schema for k in keys):
            return None
        props: dict[str, Check] = {}
        for k, v in schema.get("properties", {}).items():
            props[k] = self.sub(v, partial(props.__setitem__, k))
        extra = schema.get("additionalProperties", True)
        extras: list[Check] = []  # the check of every other key, if any
        if extra is not True and extra is not False:
            extras.append(self.sub(extra, partial(extras.__setitem__, 0)))
        closed = extra is False
        required = tuple(schema.get("required", ()))
        names = self.compile(schema["propertyNames"]) if "propertyNames" in schema else None
        least = schema.get("minProperties", 0)

        def check(x: Any) -> bool:
            if not isinstance(x, dict):
                return not strict
            if len(x) < least:
                return False
            for key in required:
                if key not in x:
                    return False
            for key, value in x.items():
                sub = props.get(key)
                if sub is not None:
                    if not sub(value):
                        return False
                elif closed or extras and not extras[0](value):
                    return False
                if names is not None and not names(key):
                    return False
            return True

        return check

    def array_check(self, schema: dict[str, Any], strict: bool = False) -> Check | None:
        """`strict`: the schema's type is "array", so anything else fails here."""
        if "items" not in schema and not schema.get("uniqueItems"):
            return None
        items: list[Check] = []
        if "items" in schema:
            items.append(self.sub(schema["items"], partial(items.__setitem__, 0)))
        unique = bool(schema.get("uniqueItems"))

        def check(x: Any) -> bool:
            if not isinstance(x, list):
                return not strict
            if items:
                for value in x:
                    if not items[0](value):
                        return False
            if unique:
                if not all(isinstance(v, str) for v in x):
                    raise Unsure("uniqueItems over values other than strings")
                return len(set(x)) == len(x)
            return True

        return check

    def string_check(self, schema: dict[str, Any], strict: bool = False) -> Check | None:
        """`strict`: the schema's type is "string", so anything else fails here."""
        if not any(k in schema for k in ("pattern", "minLength", "maxLength")):
            return None
        search = re.compile(self.pattern(schema["pattern"])).search if "pattern" in schema \
            else None
        least = schema.get("minLength", 0)
        most = schema.get("maxLength")

        def check(x: Any) -> bool:
            if not isinstance(x, str):
                return not strict
            if len(x) < least or (most is not None and len(x) > most):
                return False
            return search is None or search(x) is not None

        return check

    @staticmethod
    def number_check(schema: dict[str, Any]) -> Check | None:
        if "minimum" not in schema and "maximum" not in schema and "multipleOf" not in schema:
            return None
        low, high = schema.get("minimum"), schema.get("maximum")
        step = schema.get("multipleOf")

        def check(x: Any) -> bool:
            if not _is_number(x):
                return True
            if step is not None:
                raise Unsure("multipleOf")  # rare (wrangler's definitions): jsonschema decides
            return not ((low is not None and x < low) or (high is not None and x > high))

        return check

    def logic_checks(self, schema: dict[str, Any]) -> list[Check]:
        out: list[Check] = []
        if "not" in schema:
            inner = self.compile(schema["not"])
            out.append(lambda x: not inner(x))
        if "allOf" in schema:
            every = [self.compile(s) for s in schema["allOf"]]
            out.append(lambda x: all(c(x) for c in every))
        if "anyOf" in schema:
            some = [self.compile(s) for s in schema["anyOf"]]
            out.append(lambda x: any(c(x) for c in some))
        if "oneOf" in schema:
            branches = [self.compile(s) for s in schema["oneOf"]]
            out.append(lambda x: sum(1 for c in branches if c(x)) == 1)
        return out


def _same(x: Any, v: Any) -> bool:
    """JSON equality of scalars: booleans are not numbers, 1 == 1.0."""
    if isinstance(x, bool) or isinstance(v, bool):
        return isinstance(x, bool) and isinstance(v, bool) and x == v
    if isinstance(v, (int, float)):
        return isinstance(x, (int, float)) and x == v
    return type(x) is type(v) and x == v


def _scalar_enum(values: list[Any]) -> Check:
    if not all(v is None or isinstance(v, (str, bool, int, float)) for v in values):
        raise Unsupported("enum of values other than scalars")

    def check(x: Any) -> bool:
        if isinstance(x, (dict, list, str, bool, int, float)) or x is None:
            return any(_same(x, v) for v in values)
        raise Unsure(f"enum against {type(x).__name__}")

    return check


def _enum(values: list[Any]) -> Check:
    if not all(isinstance(v, str) for v in values):
        return _scalar_enum(values)  # wrangler's definitions have `const: true` and numbers
    allowed = frozenset(values)

    def check(x: Any) -> bool:
        if isinstance(x, str):
            return x in allowed
        if isinstance(x, (dict, list, bool, int, float)) or x is None:
            return False  # no JSON value of another type equals a string
        raise Unsure(f"enum against {type(x).__name__}")

    return check


def compile_schema(schema: dict[str, Any], lazy: bool = False,
                   pattern: Callable[[str], str] = str) -> Check:
    """A function data -> bool, exactly jsonschema's `is_valid` for this schema, which
    may raise Unsure. Raises Unsupported for a schema it cannot check exactly: at once,
    or with `lazy` (each `$ref` compiled when data first reaches it) possibly from the
    check itself, which then means the same as Unsure (ask jsonschema). `pattern`: how
    each `pattern` is rewritten for Python's re (confgen.schema anchors its `$`)."""
    return _Compiler(schema, lazy, pattern).compile(schema)

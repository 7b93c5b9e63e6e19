"""Import stage 5: manifest data -> project.toml text, written with tomlkit.

Readable first: one table per worker, its origin and the original's top-level comments as
comments, binding lists one entry per line, small tables inline, big ones as sub-tables,
per-environment overrides as `[workers.<w>.env.<env>]`. The text must parse back to exactly
the data (checked here).
"""

from __future__ import annotations

from typing import Any

import tomlkit
from tomlkit.items import Array, InlineTable, Item, Table

from confgen import sourcemap
from confgen.compat import tomllib
from confgen.diagnostics import KeyPath

INLINE_WIDTH = 80
# Tables whose entries are themselves tables (one header each).
SUPER_TABLES = frozenset({"workers", "environments", "dispatch_namespaces", "resources", "env"})


class EmitError(Exception):
    """The written text does not parse back to the data (a bug in this module)."""


def _inline(value: Any) -> Any:
    if isinstance(value, dict):
        table = tomlkit.inline_table()
        for key, item in value.items():
            table.append(key, _inline(item))
        return table
    if isinstance(value, list):
        array = tomlkit.array()
        array.extend(_inline(v) for v in value)
        return array
    return value


def _item(value: Any) -> Any:
    """A value inside a table: lists of tables one per line, other values inline."""
    if isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
        array: Array = tomlkit.array()
        array.extend(_inline(v) for v in value)
        array.multiline(True)
        return array
    return _inline(value)


def _fits_inline(value: Any) -> bool:
    if not isinstance(value, dict):
        return True
    table = _inline(value)
    text: str = table.as_string() if isinstance(table, InlineTable) else ""
    return len(text) <= INLINE_WIDTH and "\n" not in text


def _is_super(key: str, path: KeyPath, value: dict[str, Any]) -> bool:
    """A table whose entries are all tables (`[workers.a]`, `[resources.kv.x]`...)."""
    if key == "env" and path[:1] == ("resources",):
        return False  # a resource's per-environment values: one inline table per line
    return bool(value) and (key in SUPER_TABLES or path == ("resources",))


def _table(data: dict[str, Any], path: KeyPath, comments: dict[KeyPath, list[str]],
           super_table: bool = False) -> Table:
    table = tomlkit.table(is_super_table=super_table)
    for line in comments.get(path, []):
        table.add(tomlkit.comment(line))
    nested: list[tuple[str, Any]] = []
    for key, value in data.items():
        big = key in ("wrangler", "vars") and len(value) > 3 if isinstance(value, dict) else False
        if isinstance(value, dict) and (super_table or _is_super(key, path, value) or big
                                        or not _fits_inline(value)):
            nested.append((key, value))
        else:
            table.add(key, _item(value))
    for key, value in nested:
        table.add(key, _table(value, path + (key,), comments, _is_super(key, path, value)))
    return table


def _suppress(text: str, suppressed: dict[KeyPath, set[str]]) -> str:
    """`# confgen: ignore[CODE]` at the end of the line validate reports each key at."""
    positions = sourcemap.build(text)
    marks: dict[int, set[str]] = {}
    for path, codes in suppressed.items():
        line, _ = positions.locate(path)
        marks.setdefault(line, set()).update(codes)
    lines = text.split("\n")
    for line, codes in marks.items():
        lines[line - 1] += f"  # confgen: ignore[{', '.join(sorted(codes))}]"
    return "\n".join(lines)


def manifest_text(data: dict[str, Any], comments: dict[KeyPath, list[str]],
                  header: list[str], suppressed: dict[KeyPath, set[str]] | None = None) -> str:
    doc = tomlkit.document()
    for line in header:
        doc.add(tomlkit.comment(line))
    for key, value in data.items():
        doc.add(tomlkit.nl())
        item: Item = _table(value, (key,), comments, _is_super(key, (), value))
        doc.add(key, item)
    text = tomlkit.dumps(doc).lstrip("\n")
    if not text.startswith("#"):
        text = text.lstrip()
    if suppressed:
        text = _suppress(text, suppressed)
    try:
        parsed = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise EmitError(f"written manifest does not parse: {exc}") from None
    if parsed != data:
        raise EmitError("written manifest does not parse back to the imported data")
    return text

"""How a section's keys are found: layers ([defaults] < worker < `top` or `env.<env>`), the
`unset` entries that remove values from the layers below, and the merge of what remains."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from confgen.diagnostics import KeyPath

Layer = tuple[KeyPath, Mapping[str, Any]]  # (where it is declared, its keys)
Keys = dict[str, tuple[Any, KeyPath]]  # key -> (merged value, where the winning layer sets it)
# The keys that name an entry of a binding list, for `unset = ["<key>.<name>"]`.
_NAME_KEYS = ("binding", "name", "service", "queue", "class_name")


def extra(entry: Mapping[str, Any], known: frozenset[str]) -> tuple[tuple[str, Any], ...]:
    """A binding entry's sub-keys beyond the `known` ones confgen reads (wrangler's, copied
    as given); `known` includes "resource"."""
    if entry.keys() <= known:
        return ()  # the common entry: nothing beyond them
    return tuple(sorted((k, v) for k, v in entry.items() if k not in known))


def known(*keys: str) -> frozenset[str]:
    """The keys extra() leaves out: these and `resource`."""
    return frozenset({*keys, "resource"})


def _drop_named(value: Any, name: str) -> Any:
    """`value` without the entries called `name`: list items, table keys, nested lists."""
    if isinstance(value, list):
        return [v for v in value if not (isinstance(v, dict)
                                         and any(v.get(k) == name for k in _NAME_KEYS))]
    if isinstance(value, dict):
        return {k: _drop_named(v, name) if isinstance(v, list) else v
                for k, v in value.items() if k != name}
    return value


def with_tables(layers: list[Layer]) -> list[Layer]:
    """Each layer followed by its `wrangler = {...}` table, if any: wrangler keys grouped in
    one table (as `confgen import` writes them) mean the same as written directly, and an
    empty table in it removes that key from the layers below."""
    out: list[Layer] = []
    for path, keys in layers:
        out.append((path, keys))
        grouped = keys.get("wrangler")
        if isinstance(grouped, dict):
            # an empty table there (`ai = {}`) means none here, as the importer writes it
            emptied = [k for k, v in grouped.items() if v == {}]
            kept = {k: v for k, v in grouped.items() if v != {}}
            out.append((path + ("wrangler",), {**kept, "unset": emptied} if emptied else kept))
    return out


def unset_layers(layers: list[Layer]) -> list[Layer]:
    """Apply each layer's `unset` to the layers below it: `key` removes a key,
    `key.name` one var, one table key or one named binding of that key."""
    out: list[Layer] = []
    for path, keys in layers:
        for entry in keys.get("unset", ()):
            key, _, name = entry.partition(".")
            for i, (lower_path, lower) in enumerate(out):
                if key not in lower:
                    continue
                changed = dict(lower)
                if name:
                    changed[key] = _drop_named(lower[key], name)
                else:
                    del changed[key]
                out[i] = (lower_path, changed)
        out.append((path, keys))
    return out


def merge(layers: list[Layer], below: Keys | None = None) -> Keys:
    """Every key the layers set, as `pick` finds it, in one pass over the layers (on top of
    `below`, the merge of lower layers): a section asks for some twenty keys, and a fleet
    has thousands of sections sharing their lower layers."""
    out: Keys = dict(below) if below else {}
    for path, keys in layers:
        for key, new in keys.items():
            if isinstance(new, dict):
                old = out.get(key)
                if old is not None and isinstance(old[0], dict):
                    new = {**old[0], **new}
            out[key] = (new, path + (key,))
    return out


def pick(layers: list[Layer], key: str) -> tuple[Any, KeyPath | None]:
    """The last layer that sets `key` wins; tables merge one level, key by key."""
    value: Any = None
    where: KeyPath | None = None
    for path, keys in layers:
        if key not in keys:
            continue
        new = keys[key]
        if isinstance(new, dict) and isinstance(value, dict):
            value = {**value, **new}
        else:
            value = new
        where = path + (key,)
    return value, where

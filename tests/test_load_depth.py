"""load.depth walks a level at a time and carries only tables and arrays down; it must
mean what the plain recursive definition means: the value itself is level 1, and each
value inside a table or array is one level below it."""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from confgen.load import MAX_DEPTH, depth


def recursive_depth(value: Any) -> int:
    children = value.values() if isinstance(value, dict) else \
        value if isinstance(value, list) else ()
    return 1 + max((recursive_depth(v) for v in children), default=0)


VALUES = st.recursive(st.one_of(st.integers(), st.text(max_size=2), st.booleans()),
                      lambda inner: st.lists(inner, max_size=3)
                      | st.dictionaries(st.text(max_size=2), inner, max_size=3),
                      max_leaves=40)


@settings(max_examples=500)
@given(VALUES)
def test_depth_is_the_recursive_definition(value: Any) -> None:
    assert depth(value) == recursive_depth(value)


def test_depth_past_the_limit_is_reported_past_it_on_any_chain() -> None:
    for leaf in ({}, [], 1, {"a": 1}):
        for levels in (MAX_DEPTH - 2, MAX_DEPTH - 1, MAX_DEPTH, MAX_DEPTH + 1):
            value: Any = leaf
            for i in range(levels):
                value = {"k": value} if i % 2 else [value]
            assert (depth(value) > MAX_DEPTH) == (recursive_depth(value) > MAX_DEPTH)

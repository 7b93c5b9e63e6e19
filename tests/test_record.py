"""confgen.record behaves as @dataclass does for what confgen declares: the same
constructor, repr, equality, hashing, order, frozenness, defaults and replace()."""

from __future__ import annotations

import dataclasses
from typing import Any, ClassVar

import pytest

from confgen.record import FrozenInstanceError, field, record, replace


@record(order=True)
class Point:
    x: int
    label: str = "p"
    tags: tuple[str, ...] = field(default_factory=tuple)
    note: str = field(default="", repr=False, compare=False)
    KIND: ClassVar[str] = "point"


@dataclasses.dataclass(frozen=True, order=True)
class PointDC:
    x: int
    label: str = "p"
    tags: tuple[str, ...] = dataclasses.field(default_factory=tuple)
    note: str = dataclasses.field(default="", repr=False, compare=False)
    KIND: ClassVar[str] = "point"


@record(frozen=False)
class Bag:
    items: list[int] = field(default_factory=list)


CASES: list[tuple[tuple[Any, ...], dict[str, Any]]] = [
    ((1,), {}), ((2, "q"), {}), ((1,), {"tags": ("a",)}), ((1,), {"note": "ignored"}),
    ((3, "p", ("b", "c")), {"note": "n"}), ((), {"x": 0, "label": ""}),
]


def test_repr_equality_hash_and_order_are_dataclasses() -> None:
    mine = [Point(*a, **k) for a, k in CASES]
    theirs = [PointDC(*a, **k) for a, k in CASES]
    for a, b in zip(mine, theirs):
        assert repr(a).replace("Point(", "PointDC(") == repr(b)
    for i, a in enumerate(mine):
        for j, b in enumerate(mine):
            assert (a == b) == (theirs[i] == theirs[j])
            assert (a < b) == (theirs[i] < theirs[j])
            assert (a >= b) == (theirs[i] >= theirs[j])
            if a == b:
                assert hash(a) == hash(b)
    assert sorted(mine) == sorted(mine, key=lambda p: (p.x, p.label, p.tags))


def test_fields_not_compared_leave_equality_and_hash_alone() -> None:
    assert Point(1, note="a") == Point(1, note="b")
    assert hash(Point(1, note="a")) == hash(Point(1, note="b"))
    assert "note" not in repr(Point(1, note="a"))


def test_another_class_is_never_equal() -> None:
    assert Point(1) != PointDC(1)
    assert Point(1).__eq__(PointDC(1)) is NotImplemented


def test_frozen_records_refuse_assignment_and_deletion() -> None:
    p = Point(1)
    with pytest.raises(FrozenInstanceError):
        p.x = 2  # type: ignore[misc]
    with pytest.raises(FrozenInstanceError):
        del p.x  # type: ignore[misc]
    assert isinstance(FrozenInstanceError(), AttributeError)


def test_factories_make_a_new_value_for_every_instance() -> None:
    a, b = Bag(), Bag()
    a.items.append(1)
    assert b.items == [] and a.items == [1]
    a.items = [2]  # not frozen
    assert a == Bag([2])
    with pytest.raises(TypeError):
        hash(a)  # equal by value and mutable: unhashable, as dataclasses


def test_constructor_takes_positions_keywords_and_defaults_like_dataclasses() -> None:
    assert Point(1, label="z") == Point(x=1, label="z") == Point(1, "z")
    with pytest.raises(TypeError):
        Point()  # type: ignore[call-arg]
    with pytest.raises(TypeError):
        Point(1, bogus=2)  # type: ignore[call-arg]
    assert Point.__match_args__ == ("x", "label", "tags", "note")  # type: ignore[attr-defined]
    assert Point.KIND == "point" and Point.label == "p"


def test_replace_changes_only_what_it_is_given() -> None:
    p = Point(1, "a", ("t",), note="n")
    q = replace(p, label="b")
    assert (q.x, q.label, q.tags, q.note) == (1, "b", ("t",), "n") and p.label == "a"
    with pytest.raises(TypeError):
        replace(p, bogus=1)


def test_a_required_field_after_a_default_is_refused_at_class_creation() -> None:
    with pytest.raises(TypeError, match="'b' without a default follows 'a'"):
        @record
        class Wrong:
            a: int = 1
            b: int  # type: ignore[misc]

"""Records: classes declared by annotated fields, frozen by default, as @dataclass makes them.

Why not dataclasses: @dataclass writes and compiles six functions per frozen class when its
module is imported (__init__, __repr__, __eq__, __hash__, __setattr__, __delattr__), about
0.6 ms a class, and confgen declares over sixty: a quarter of `confgen validate`'s own
start-up on a small project. A record shares one generic __repr__, __eq__, __hash__ and
frozen __setattr__ between all classes (tuples of the fields, built by C code), and
compiles only __init__, the first time the class is instantiated, so classes a command
never builds cost nothing.

For type checkers `record` is a dataclass_transform, so mypy checks construction, field
types, frozenness and order exactly as for @dataclass.
"""

from __future__ import annotations

from collections.abc import Callable
from operator import attrgetter
from typing import Any, TypeVar, overload

from confgen.compat import dataclass_transform

T = TypeVar("T")
_MISSING: Any = object()


class FrozenInstanceError(AttributeError):
    """Assigning to or deleting a field of a frozen record."""


class Field:
    """A field's options, as given to field() in the class body."""

    __slots__ = ("compare", "default", "default_factory", "repr")

    def __init__(self, default: Any, default_factory: Any, repr: bool, compare: bool) -> None:
        self.default, self.default_factory = default, default_factory
        self.repr, self.compare = repr, compare


def field(*, default: Any = _MISSING, default_factory: Callable[[], Any] = _MISSING,
          repr: bool = True, compare: bool = True) -> Any:
    """Options for one field: a default or a factory for one, and whether it takes part
    in repr, equality, hashing and order."""
    return Field(default, default_factory, repr, compare)


def replace(obj: T, /, **changes: Any) -> T:
    """A copy of a record with some fields changed (dataclasses.replace)."""
    kind = type(obj)
    values = {name: getattr(obj, name) for name in kind.__record_fields__}  # type: ignore[attr-defined]
    values.update(changes)
    return kind(**values)


def _is_classvar(annotation: object) -> bool:
    text = annotation if isinstance(annotation, str) else getattr(annotation, "__name__", "")
    return isinstance(text, str) and text.split("[", 1)[0] in ("ClassVar", "typing.ClassVar")


def _tuple_getter(names: tuple[str, ...]) -> Callable[[Any], tuple[Any, ...]]:
    """A C-speed function from a record to the tuple of these fields."""
    if not names:
        return lambda _: ()
    if len(names) == 1:
        one = attrgetter(names[0])
        return lambda obj: (one(obj),)
    many: Callable[[Any], tuple[Any, ...]] = attrgetter(*names)
    return many


def _init_source(names: tuple[str, ...], options: dict[str, Field], frozen: bool) -> str:
    """__init__'s text: parameters in field order, defaults and factories by name."""
    params, body = [], []
    for name in names:
        option = options[name]
        if option.default_factory is not _MISSING:
            params.append(f"{name}=_MISSING")
            body.append(f"    if {name} is _MISSING: {name} = _factory_{name}()")
        elif option.default is not _MISSING:
            params.append(f"{name}=_default_{name}")
        else:
            params.append(name)
    if frozen:
        fields = ", ".join(f"{name!r}: {name}" for name in names)
        body.append(f"    _set(self, '__dict__', {{{fields}}})")
    else:
        body += [f"    self.{name} = {name}" for name in names]
    return f"def __init__(self, {', '.join(params)}):\n" + "\n".join(body or ["    pass"])


def _lazy_init(cls: type, names: tuple[str, ...], options: dict[str, Field],
               frozen: bool) -> Callable[..., None]:
    """An __init__ that compiles the real one on its first call and puts it in its place."""

    def __init__(self: Any, *args: Any, **kwargs: Any) -> None:
        scope: dict[str, Any] = {"_MISSING": _MISSING, "_set": object.__setattr__}
        for name, option in options.items():
            scope[f"_default_{name}"] = option.default
            scope[f"_factory_{name}"] = option.default_factory
        exec(_init_source(names, options, frozen), scope)  # noqa: S102 - our own text
        real = scope["__init__"]
        real.__qualname__ = f"{cls.__qualname__}.__init__"
        cls.__init__ = real  # type: ignore[misc]
        real(self, *args, **kwargs)

    return __init__


def _frozen_setattr(self: Any, name: str, value: Any) -> None:
    raise FrozenInstanceError(f"cannot assign to field {name!r}")


def _frozen_delattr(self: Any, name: str) -> None:
    raise FrozenInstanceError(f"cannot delete field {name!r}")


def _repr(self: Any) -> str:
    shown = type(self).__record_repr__
    inner = ", ".join(f"{name}={getattr(self, name)!r}" for name in shown)
    return f"{type(self).__qualname__}({inner})"


def _eq(self: Any, other: Any) -> Any:
    if other.__class__ is not self.__class__:
        return NotImplemented
    key = self.__record_key__
    return key(self) == key(other)


def _hash(self: Any) -> int:
    return hash(self.__record_key__(self))


def _order(compare: Callable[[tuple[Any, ...], tuple[Any, ...]], bool]) -> Callable[..., Any]:
    def method(self: Any, other: Any) -> Any:
        if other.__class__ is not self.__class__:
            return NotImplemented
        key = self.__record_key__
        return compare(key(self), key(other))
    return method


_ORDER = {"__lt__": _order(lambda a, b: a < b), "__le__": _order(lambda a, b: a <= b),
          "__gt__": _order(lambda a, b: a > b), "__ge__": _order(lambda a, b: a >= b)}


def _make(cls: type[T], frozen: bool, order: bool) -> type[T]:
    annotations = cls.__dict__.get("__annotations__", {})  # noqa: RUF063 - inspect costs ms
    names = tuple(name for name, kind in annotations.items() if not _is_classvar(kind))
    options: dict[str, Field] = {}
    first_default = None
    for name in names:
        given = cls.__dict__.get(name, _MISSING)
        option = given if isinstance(given, Field) else Field(given, _MISSING, True, True)
        if isinstance(given, Field):  # the class keeps the plain default, as dataclasses
            if given.default is _MISSING:
                delattr(cls, name)
            else:
                setattr(cls, name, given.default)
        if option.default is not _MISSING or option.default_factory is not _MISSING:
            first_default = first_default or name
        elif first_default:
            raise TypeError(f"{cls.__name__}: field {name!r} without a default follows "
                            f"{first_default!r}, which has one")
        options[name] = option
    cls.__record_fields__ = names  # type: ignore[attr-defined]
    cls.__record_repr__ = tuple(n for n in names if options[n].repr)  # type: ignore[attr-defined]
    compared = tuple(n for n in names if options[n].compare)
    cls.__record_key__ = staticmethod(_tuple_getter(compared))  # type: ignore[attr-defined]
    cls.__match_args__ = names  # type: ignore[attr-defined,misc]
    cls.__init__ = _lazy_init(cls, names, options, frozen)  # type: ignore[method-assign]
    own = cls.__dict__
    methods: dict[str, Any] = {"__repr__": _repr, "__eq__": _eq}
    if frozen:
        methods |= {"__hash__": _hash, "__setattr__": _frozen_setattr,
                    "__delattr__": _frozen_delattr}
    if order:
        methods |= _ORDER
    for name, method in methods.items():
        if name not in own:  # what the class writes itself wins, as with dataclasses
            setattr(cls, name, method)
    if not frozen and own.get("__hash__", _MISSING) is _MISSING:
        cls.__hash__ = None  # type: ignore[assignment]  # equal by value, so unhashable
    return cls


@overload
def record(cls: type[T], /) -> type[T]: ...


@overload
def record(*, frozen: bool = True, order: bool = False) -> Callable[[type[T]], type[T]]: ...


@dataclass_transform(frozen_default=True, field_specifiers=(field, Field))
def record(cls: type[T] | None = None, /, *, frozen: bool = True,
           order: bool = False) -> type[T] | Callable[[type[T]], type[T]]:
    """Make cls a record: `@record` (frozen) or `@record(frozen=False, order=...)`."""
    if cls is not None:
        return _make(cls, frozen, order)
    return lambda given: _make(given, frozen, order)

"""The tree an expression parses into (:mod:`qualify.core.questionnaire.expressions`
parses, :mod:`~qualify.core.questionnaire.conditions` evaluates it), and the walks
over it.

Each node is immutable and compares, hashes, prints and pickles by its type and its
fields, in their order, as a frozen dataclass with slots does (``Name("a", 4) ==
Name("a", 4)``; nodes of different types are never equal). They are written out on a
shared base rather than made by ``@dataclass``, which compiles each class's methods
afresh in every process: half a millisecond a class, some 6 ms of every `qualify
validate` of a changed set for the eleven of the parser.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import FrozenInstanceError
from operator import attrgetter
from typing import Any

_set = object.__setattr__


class Node:
    """An immutable record of the fields its class names in ``_fields``, in the order
    they are given, compared, hashed, printed and pickled (its ``__slots__``)."""

    __slots__ = ()
    _fields: tuple[str, ...] = ()
    __match_args__: tuple[str, ...] = ()
    _key: Callable[[Any], tuple[Any, ...]]
    """The node's fields as a tuple (an attrgetter, set for each class)."""

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        fields = cls._fields
        cls.__match_args__ = fields
        get = attrgetter(*fields)
        cls._key = staticmethod(get if len(fields) > 1 else lambda node: (get(node),))

    def __eq__(self, other: object) -> bool:
        if other.__class__ is self.__class__:
            return self._key(self) == other._key(other)  # type: ignore[attr-defined]
        return NotImplemented

    def __hash__(self) -> int:
        return hash(self._key(self))

    def __repr__(self) -> str:
        fields = ", ".join(f"{name}={getattr(self, name)!r}" for name in self._fields)
        return f"{self.__class__.__qualname__}({fields})"

    def __setattr__(self, name: str, value: Any) -> None:
        raise FrozenInstanceError(f"cannot assign to field {name!r}")

    def __delattr__(self, name: str) -> None:
        raise FrozenInstanceError(f"cannot delete field {name!r}")

    def __getstate__(self) -> list[Any]:
        return list(self._key(self))

    def __setstate__(self, state: list[Any]) -> None:
        for name, value in zip(self._fields, state, strict=False):
            _set(self, name, value)


class Name(Node):
    _fields = ("id", "offset", "set_id")
    __slots__ = _fields
    id: str
    offset: int
    set_id: str | None
    """The earlier stage's set a qualified name (`first-date.x`) refers to."""

    def __init__(self, id: str, offset: int, set_id: str | None = None) -> None:
        _set(self, "id", id)
        _set(self, "offset", offset)
        _set(self, "set_id", set_id)

    @property
    def key(self) -> str:
        """The name under which the value is looked up: `x` or `first-date.x`."""
        return self.id if self.set_id is None else f"{self.set_id}.{self.id}"


class This(Node):
    """`.`: the answer a constraint checks."""

    _fields = ("offset",)
    __slots__ = _fields
    offset: int

    def __init__(self, offset: int) -> None:
        _set(self, "offset", offset)


class Literal(Node):
    _fields = ("value", "offset")
    __slots__ = _fields
    value: str | float | bool
    offset: int

    def __init__(self, value: str | float | bool, offset: int) -> None:
        _set(self, "value", value)
        _set(self, "offset", offset)


class ListLiteral(Node):
    _fields = ("items", "offset")
    __slots__ = _fields
    items: tuple[Literal, ...]
    offset: int

    def __init__(self, items: tuple[Literal, ...], offset: int) -> None:
        _set(self, "items", items)
        _set(self, "offset", offset)


class _Pair(Node):
    """A node of an operator between two operands (Arith, Compare): one layout, one
    constructor, and one class for the walks to test."""

    _fields = ("op", "left", "right", "offset")
    __slots__ = _fields
    op: str
    left: Expr
    right: Expr
    offset: int

    def __init__(self, op: str, left: Expr, right: Expr, offset: int) -> None:
        _set(self, "op", op)
        _set(self, "left", left)
        _set(self, "right", right)
        _set(self, "offset", offset)


class _Single(Node):
    """A node of an operator before one operand (Neg, Not)."""

    _fields = ("operand", "offset")
    __slots__ = _fields
    operand: Expr
    offset: int

    def __init__(self, operand: Expr, offset: int) -> None:
        _set(self, "operand", operand)
        _set(self, "offset", offset)


class Arith(_Pair):
    """`left op right` with op one of + - * /."""

    __slots__ = ()


class Neg(_Single):
    """`-operand`."""

    __slots__ = ()


class Call(Node):
    _fields = ("function", "args", "offset")
    __slots__ = _fields
    function: str
    args: tuple[Expr, ...]
    offset: int

    def __init__(self, function: str, args: tuple[Expr, ...], offset: int) -> None:
        _set(self, "function", function)
        _set(self, "args", args)
        _set(self, "offset", offset)


class Compare(_Pair):
    """`left op right` with op a comparison (== != < <= > >= in, not in…)."""

    __slots__ = ()


class BoolOp(Node):
    _fields = ("op", "operands", "offset")
    __slots__ = _fields
    op: str  # "and" | "or"
    operands: tuple[Expr, ...]
    offset: int

    def __init__(self, op: str, operands: tuple[Expr, ...], offset: int) -> None:
        _set(self, "op", op)
        _set(self, "operands", operands)
        _set(self, "offset", offset)


class Not(_Single):
    """`not operand`."""

    __slots__ = ()


Expr = Name | This | Literal | ListLiteral | Arith | Neg | Call | Compare | BoolOp | Not
Operand = Expr


def children(node: Expr) -> tuple[Expr, ...]:
    if isinstance(node, _Pair):
        return (node.left, node.right)
    if isinstance(node, BoolOp):
        return node.operands
    if isinstance(node, _Single):
        return (node.operand,)
    if isinstance(node, Call):
        return node.args
    return ()


def names(expr: Expr) -> list[Name]:
    """Every question the expression refers to, in order of appearance."""
    out: list[Name] = []
    stack = [expr]
    while stack:
        node = stack.pop()
        if isinstance(node, Name):
            out.append(node)
        else:
            stack.extend(reversed(children(node)))
    return out


def uses(expr: Expr, kinds: tuple[type, ...]) -> bool:
    """True when some node of the expression is one of `kinds`."""
    stack = [expr]
    while stack:
        node = stack.pop()
        if isinstance(node, kinds):
            return True
        stack.extend(children(node))
    return False


def calls_today(expr: Expr) -> bool:
    """The expression needs today's date (`today()`, `days_since(...)`)."""
    stack = [expr]
    while stack:
        node = stack.pop()
        if isinstance(node, Call) and node.function in ("today", "days_since"):
            return True
        stack.extend(children(node))
    return False

"""The expression tree's nodes behave as the frozen dataclasses they replace: equal by
type and fields, hashed, printed, pickled and matched by their fields in order,
immutable."""

from __future__ import annotations

import copy
import pickle
from dataclasses import FrozenInstanceError

import pytest

from qualify.core.questionnaire.tree import (
    Arith,
    BoolOp,
    Call,
    Compare,
    ListLiteral,
    Literal,
    Name,
    Neg,
    Not,
    This,
)

NODES = [
    Name("a", 4),
    Name("b", 10, "first-date"),
    This(33),
    Literal("x", 26),
    ListLiteral((Literal(1.0, 39), Literal("y", 42)), 38),
    Arith("+", Name("a", 0), Literal(1.0, 4), 2),
    Neg(Name("a", 1), 0),
    Call("max", (Name("a", 4), Literal(1.0, 7)), 0),
    Compare("==", Name("a", 0), Literal("x", 5), 2),
    BoolOp("and", (Name("a", 0), Name("b", 6)), 0),
    Not(Name("a", 4), 0),
]


@pytest.mark.parametrize("node", NODES, ids=lambda n: type(n).__name__)
def test_a_node_is_a_value(node) -> None:
    fields = type(node).__match_args__
    values = tuple(getattr(node, f) for f in fields)
    twin = type(node)(*values)
    assert twin == node
    assert (twin != node) is False
    assert hash(twin) == hash(node) == hash(values)
    shown = ", ".join(f"{f}={v!r}" for f, v in zip(fields, values, strict=True))
    assert repr(node) == f"{type(node).__name__}({shown})"
    assert pickle.loads(pickle.dumps(node)) == node
    assert copy.deepcopy(node) == node and copy.copy(node) == node
    assert not hasattr(node, "__dict__")
    with pytest.raises(FrozenInstanceError, match=f"cannot assign to field '{fields[0]}'"):
        setattr(node, fields[0], None)
    with pytest.raises(FrozenInstanceError, match=f"cannot delete field '{fields[0]}'"):
        delattr(node, fields[0])
    with pytest.raises(FrozenInstanceError):
        node.other = 1  # type: ignore[union-attr]


def test_nodes_of_different_types_never_equal() -> None:
    assert Neg(Name("a", 1), 0) != Not(Name("a", 1), 0)
    assert Arith("+", Name("a", 0), Name("b", 4), 2) != Compare("+", Name("a", 0), Name("b", 4), 2)
    assert len(set(NODES)) == len(NODES)
    assert Literal(1.0, 0) == Literal(True, 0)  # as the dataclass compared: 1.0 == True
    assert Name("a", 4) != Name("a", 5) and Name("a", 4) != Name("a", 4, "s")


def test_nodes_match_by_position() -> None:
    match Compare("==", Name("a", 0), Literal("x", 5), 2):
        case Compare(op, Name(question), Literal(value), offset):
            assert (op, question, value, offset) == ("==", "a", "x", 2)
        case _:
            pytest.fail("no match")

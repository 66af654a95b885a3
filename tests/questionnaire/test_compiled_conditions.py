"""Conditions and formulas are compiled once into functions (issue 17): a compiled one says
what the language's rules say wherever today's date is read, deep in the tree too, and a
tree is compiled once, with a bounded memory of the trees compiled."""

from __future__ import annotations

from datetime import date

import pytest

from qualify.core.questionnaire import conditions
from qualify.core.questionnaire.conditions import (
    compute,
    condition_function,
    evaluate,
    formula_function,
)
from qualify.core.questionnaire.expressions import Literal, parse_condition, parse_formula

TODAY = date(2026, 1, 11)
ANSWERS = {"started": "2026-01-01", "limit": 5, "zero": 0}
"""`started` is 10 days before TODAY."""


@pytest.mark.parametrize(
    ("condition", "expected"),
    [
        ("days_since(started)", True),  # a bare number: true when not 0
        ("days_since(started) > limit", True),  # neither side a literal
        ("limit < days_since(started)", True),
        ("days_since(started) > 5", True),
        ("not days_since(started) > 5", False),
        ("missing == 1 or days_since(started) > 5", True),
        ("limit == 5 and days_since(started) == 10", True),
    ],
)
def test_today_reaches_every_part_of_a_condition(condition: str, expected: bool) -> None:
    """Each part that reads today's date gets it; unknown, each such part is unanswered."""
    assert evaluate(condition, ANSWERS, today=TODAY) is expected
    unknown = evaluate(condition, ANSWERS, today=None)
    assert unknown is (condition.startswith("not ") and not expected)


@pytest.mark.parametrize(
    ("formula", "expected"),
    [
        ("1 + days_since(started)", 11.0),
        ("days_since(started) * 2 - limit", 15.0),
        ("-days_since(started)", -10.0),
        ("max(limit, days_since(started))", 10.0),
        ("round(days_since(started) / 3, 1)", 3.3),
    ],
)
def test_today_reaches_every_part_of_a_formula(formula: str, expected: float) -> None:
    assert compute(formula, ANSWERS, today=TODAY) == expected
    assert compute(formula, ANSWERS, today=None) is None


def test_a_tree_is_compiled_once_and_evaluates_as_its_text() -> None:
    tree = parse_condition("limit >= 5 and started == '2026-01-01'")
    compiled = condition_function(tree)
    assert condition_function(tree) is compiled
    assert compiled(ANSWERS, None) is True
    assert compiled({"limit": 4, "started": "2026-01-01"}, None) is False
    assert evaluate(tree, ANSWERS) is True

    formula = parse_formula("limit * 2 + zero")
    made = formula_function(formula)
    assert formula_function(formula) is made
    assert made(ANSWERS, None) == 10.0
    assert compute(formula, ANSWERS) == 10.0
    assert condition_function("limit > 1") is condition_function("limit > 1")

    both = parse_formula("limit - 4")  # a tree read as a condition and as a formula
    assert condition_function(both)(ANSWERS, None) is True
    value = formula_function(both)(ANSWERS, None)
    assert value == 1.0 and type(value) is float


def test_the_memory_of_compiled_trees_stays_bounded() -> None:
    """Trees built by hand (not parsed from a text) are remembered by identity; past 4,096
    the memory starts again rather than growing with every tree ever evaluated."""
    trees = [Literal(n % 2 == 0, n) for n in range(4_100)]
    for n, tree in enumerate(trees):
        assert evaluate(tree, {}) is (n % 2 == 0)
        assert 0 < len(conditions._TREES) <= 4_096
    assert condition_function(trees[-1]) is condition_function(trees[-1])

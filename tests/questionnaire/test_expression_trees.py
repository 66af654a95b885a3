"""What the parser makes of an expression, node by node and column by column: the
checker reports problems at these columns, so a tree with a wrong operator, operand or
offset points an author at the wrong place. Plus the documented limits (length, depth,
numbers, dates) and the questions an expression reads."""

from __future__ import annotations

from datetime import date

import pytest

from qualify.core.questionnaire.expressions import (
    Arith,
    BoolOp,
    Call,
    Compare,
    ConditionError,
    FormulaError,
    ListLiteral,
    Literal,
    Name,
    Neg,
    Not,
    This,
    calls_today,
    names,
    parse_condition,
    parse_date,
    parse_formula,
    uses,
)


def test_a_condition_tree() -> None:
    #         0         1         2         3         4         5
    #         0123456789012345678901234567890123456789012345678901234
    text = "not a and first-date.b == 'x' or . in [1, 'y', true, -2]"
    assert parse_condition(text) == BoolOp(
        "or",
        (
            BoolOp(
                "and",
                (
                    Not(Name("a", 4), 0),
                    Compare("==", Name("b", 10, "first-date"), Literal("x", 26), 23),
                ),
                0,
            ),
            Compare(
                "in",
                This(33),
                ListLiteral(
                    (Literal(1.0, 39), Literal("y", 42), Literal(True, 47), Literal(-2.0, 53)),
                    38,
                ),
                35,
            ),
        ),
        0,
    )


def test_every_comparison_and_not_in() -> None:
    assert parse_condition("a not in ['p'] and b != 2.5") == BoolOp(
        "and",
        (
            Compare("not in", Name("a", 0), ListLiteral((Literal("p", 10),), 9), 2),
            Compare("!=", Name("b", 19), Literal(2.5, 24), 21),
        ),
        0,
    )
    assert parse_condition("x <= 1 or y >= 2 or z < 3 and w > 4") == BoolOp(
        "or",
        (
            Compare("<=", Name("x", 0), Literal(1.0, 5), 2),
            Compare(">=", Name("y", 10), Literal(2.0, 15), 12),
            BoolOp(
                "and",
                (
                    Compare("<", Name("z", 20), Literal(3.0, 24), 22),
                    Compare(">", Name("w", 30), Literal(4.0, 34), 32),
                ),
                20,
            ),
        ),
        0,
    )
    assert parse_condition("[]") == ListLiteral((), 0)
    assert parse_condition("false") == Literal(False, 0)


def test_a_formula_tree() -> None:
    #        0         1         2         3
    #        0123456789012345678901234567890123456789
    text = "-a + b * (c - 2) / days_between(d, today())"
    assert parse_formula(text) == Arith(
        "+",
        Neg(Name("a", 1), 0),
        Arith(
            "/",
            Arith("*", Name("b", 5), Arith("-", Name("c", 10), Literal(2.0, 14), 12), 7),
            Call("days_between", (Name("d", 32), Call("today", (), 35)), 19),
            17,
        ),
        3,
    )
    assert parse_formula("round(x, -1) - min(1, 2, 3)") == Arith(
        "-",
        Call("round", (Name("x", 6), Literal(-1.0, 9)), 0),
        Call("min", (Literal(1.0, 19), Literal(2.0, 22), Literal(3.0, 25)), 15),
        13,
    )
    assert parse_formula("max(-(a), 4)") == Call("max", (Neg(Name("a", 6), 4), Literal(4.0, 10)), 0)


def test_quotes_inside_strings() -> None:
    assert parse_condition('\'it\\\'s\' == "say \\"hi\\""') == Compare(
        "==", Literal("it's", 0), Literal('say "hi"', 11), 8
    )


@pytest.mark.parametrize(
    "text",
    [
        "(" * 32 + "a" + ")" * 32,
        "not " * 32 + "a",
        "-" * 32 + "a",
        " + ".join(["(a)"] * 40) + " > 1",  # many groups side by side are not deep
        " and ".join(["not a"] * 40),
        "[" + ", ".join(["-1"] * 40) + "] == a",
        " + ".join(["min(a, 1)"] * 40) + " > 1",
        " or ".join(["a in [1]"] * 40),  # lists side by side, too
        "(" * 20 + "a in [1] and " + "(" * 12 + "b" + ")" * 32,
        "(" * 20 + "min(a, 1) > 0 and " + "(" * 12 + "b" + ")" * 32,
        "(" * 20 + "not a and " + "(" * 12 + "b" + ")" * 32,
        "(" * 20 + "-a > 0 and " + "(" * 12 + "b" + ")" * 32,
        "(" * 20 + "(a) and " + "(" * 12 + "b" + ")" * 32,
    ],
)
def test_as_deep_as_allowed(text: str) -> None:
    assert parse_condition(text) is not None


@pytest.mark.parametrize(
    ("text", "offset"),
    [
        ("(" * 33 + "a" + ")" * 33, 32),
        ("not " * 33 + "a", 128),
        ("-" * 33 + "a", 32),
        ("min(" * 33 + "1" + ", 1)" * 33, 131),
        ("[" * 33 + "]" * 33, 32),
        ("(" * 20 + "a in [1] and " + "(" * 13 + "b" + ")" * 33, 45),  # a list closed is left
        ("(" * 20 + "min(a, 1) > 0 and " + "(" * 13 + "b" + ")" * 33, 50),  # so is a call
        ("(" * 20 + "not a and " + "(" * 13 + "b" + ")" * 33, 42),  # and a not
        ("(" * 20 + "-a > 0 and " + "(" * 13 + "b" + ")" * 33, 43),  # a minus
        ("(" * 20 + "(a) and " + "(" * 13 + "b" + ")" * 33, 40),  # a bracket closed
    ],
)
def test_too_deep(text: str, offset: int) -> None:
    with pytest.raises(ConditionError) as info:
        parse_condition(text)
    assert (info.value.offset, info.value.message) == (offset, "nested more than 32 levels deep")


def test_too_long() -> None:
    with pytest.raises(ConditionError) as condition:
        parse_condition("x" * 2001)
    assert (condition.value.offset, condition.value.message) == (
        2000,
        "the condition is 2,001 characters; at most 2,000 "
        "(split it over several questions or sections)",
    )
    with pytest.raises(FormulaError) as formula:
        parse_formula("x" * 2001)
    assert (formula.value.offset, formula.value.message) == (
        2000,
        "the formula is 2,001 characters; at most 2,000 (split it over several calculated questions)",
    )
    assert parse_condition("x" * 2000) == Name("x" * 2000, 0)


@pytest.mark.parametrize(
    ("formula", "message"),
    [
        ("1.5e15", "1.5e15 is too large: numbers lie within ±10¹⁵"),
        ("1" * 400, "1" * 20 + " is too large: numbers lie within ±10¹⁵"),
        ("days_since()", "days_since() takes 1 value, got 0"),
        ("days_since(a, b)", "days_since() takes 1 value, got 2"),
        ("round()", "round() takes 1 to 2 values, got 0"),
        ("today(1, 2)", "today() takes no value, got 2"),
        ("min(" + ", ".join(["1"] * 21) + ")", "min() takes 2 to 20 values, got 21"),
    ],
)
def test_numbers_and_calls_out_of_bounds(formula: str, message: str) -> None:
    with pytest.raises(FormulaError) as info:
        parse_formula(formula)
    assert (info.value.offset, info.value.message) == (0, message)


def test_bounds_that_are_allowed() -> None:
    assert parse_formula("1e15") == Literal(1e15, 0)
    assert parse_formula("max(" + ", ".join(["1"] * 20) + ")") == Call(
        "max", tuple(Literal(1.0, 4 + 3 * n) for n in range(20)), 0
    )


@pytest.mark.parametrize(
    ("value", "parsed"),
    [
        ("2020-02-29", date(2020, 2, 29)),
        ("2019-02-29", None),  # no such day
        ("1799-12-31", None),  # before the years a date may have
        ("1800-01-01", date(1800, 1, 1)),
        ("2200-12-31", date(2200, 12, 31)),
        ("2201-01-01", None),
        ("2020-2-1", None),  # ISO only
        (" 2020-02-01", None),
        ("2020-02-01x", None),
        (20200101, None),
        (date(1799, 1, 1), None),
        (date(1800, 1, 1), date(1800, 1, 1)),
        (date(2200, 1, 1), date(2200, 1, 1)),
        (date(2201, 1, 1), None),
    ],
)
def test_dates(value: object, parsed: date | None) -> None:
    assert parse_date(value) == parsed


def test_the_questions_an_expression_reads_and_whether_it_needs_today() -> None:
    assert names(parse_condition("a == b and first-date.c > a")) == [
        Name("a", 0),
        Name("b", 5),
        Name("c", 11, "first-date"),
        Name("a", 26),
    ]
    assert uses(parse_formula("min(a, 1)"), (Call,)) is True
    assert uses(parse_formula("a + -b"), (Call,)) is False
    assert uses(parse_formula("a + -b"), (Neg,)) is True
    assert calls_today(parse_formula("1 + days_since(a)")) is True
    assert calls_today(parse_condition("a < today()")) is True
    assert calls_today(parse_formula("days_between(a, b)")) is False

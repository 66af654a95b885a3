"""The expression language of formulas and conditions: every operator, function and type,
missing inputs, division by zero, precedence, and located errors."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from qualify.core.questionnaire.condition_checks import (
    Scope,
    Stages,
    check_condition,
    check_formula,
)
from qualify.core.questionnaire.conditions import compute, evaluate
from qualify.core.questionnaire.expressions import (
    MAX_DEPTH,
    MAX_LENGTH,
    Call,
    ConditionError,
    FormulaError,
    Name,
    This,
    names,
    parse_condition,
    parse_formula,
)
from qualify.core.questionnaire.model import QuestionSet

TODAY = date(2026, 3, 1)
VALUES = {
    "a": 6,
    "b": 4,
    "z": 0,
    "half": 0.5,
    "big": 1e14,
    "founded": "2016-03-01",
    "audit": "2025-03-01",
    "kind": "dealer",
    "tags": ["x", "y"],
    "yes": True,
    "first-date.reps": 3,
    "first_date.reps": 30,
    "first-date.founded": "2000-01-01",
}


# ------------------------------------------------------------------ arithmetic


@pytest.mark.parametrize(
    ("formula", "expected"),
    [
        ("1 + 2", 3),
        ("a + b", 10),
        ("a - b", 2),
        ("a * b", 24),
        ("a / b", 1.5),
        ("-a", -6),
        ("- -a", 6),
        ("-a + b", -2),
        ("a - -b", 10),
        ("a + b * 2", 14),  # * before +
        ("(a + b) * 2", 20),  # parentheses first
        ("a - b - 1", 1),  # left to right
        ("a / b / 2", 0.75),
        ("a / b * 2", 3),
        ("2 * -b", -8),
        ("min(a, b)", 4),
        ("max(a, b, 10)", 10),
        ("min(a, b) + max(a, b)", 10),
        ("round(2.5)", 3),  # half away from zero, as people round
        ("round(-2.5)", -3),
        ("round(2.45, 1)", 2.5),
        ("round(1234, -2)", 1200),
        ("round(a / b)", 2),
        ("half * 4", 2),
        (".5 * 4", 2),
        ("1e3 / 10", 100),
        ("first-date.reps * 2", 6),  # a hyphenated set id: the name, not a subtraction
        ("first_date.reps * 2", 60),
        ("first-date.reps - 1", 2),
        ("a-b", 2),  # no dot: a subtraction
        ("days_since(founded)", 3652),
        ("days_since(audit)", 365),
        ("days_between(founded, audit)", 3287),
        ("days_between(audit, founded)", -3287),
        ("days_between('2024-01-01', '2024-03-01')", 60),  # leap year
        ("days_between(first-date.founded, today())", 9556),
        ("round(days_since(founded) / 365.25, 1)", 10),
        ("z * a", 0),
        ("-z", 0),
    ],
)
def test_formula_values(formula: str, expected: float) -> None:
    assert compute(formula, VALUES, today=TODAY) == pytest.approx(expected)


@pytest.mark.parametrize(
    "formula",
    [
        "a / z",  # division by zero
        "(a + b) / (b - 4)",
        "missing + 1",  # an input not answered
        "a + missing * 0",
        "min(a, missing)",
        "round(missing)",
        "other-set.x + 1",  # an earlier stage not answered
        "days_since(missing)",
        "days_since(founded)",  # today unknown (see below)
        "big * big",  # beyond ±10¹⁵
        " * ".join(["1e15"] * 21) + " - " + " * ".join(["1e15"] * 21),  # inf - inf inside
        "kind + 1",  # text is no number
        "tags * 2",
        "yes + 1",
        "days_since(kind)",  # not a date
        "days_between(founded, '2024-02-30')",  # not a real date
        "days_since('1700-01-01')",  # out of the years a date may have
        "round(a, 0.5)",
    ],
)
def test_unanswered_formulas(formula: str) -> None:
    today = None if formula == "days_since(founded)" else TODAY
    assert compute(formula, VALUES, today=today) is None


def test_a_zero_result_is_never_negative_zero() -> None:
    result = compute("-z", VALUES)
    assert result == 0 and str(result) == "0.0"


# ------------------------------------------------------------------ conditions


@pytest.mark.parametrize(
    ("condition", "expected"),
    [
        ("a + b > 9", True),
        ("a * 2 == 12", True),
        ("a / z > 0", False),  # unanswered: every comparison is false
        ("not (a / z > 0)", True),
        ("founded < audit", True),
        ("founded < '2016-03-02'", True),
        ("founded == '2016-03-01'", True),
        ("founded >= today()", False),
        ("audit <= today()", True),
        ("days_since(audit) > 364", True),
        ("days_since(audit) > 365", False),
        ("first-date.reps >= 3", True),
        ("first-date.founded < founded", True),
        ("other-set.reps > 1", False),
        ("not other-set.reps > 1", True),
        ("max(a, b) - min(a, b) == 2", True),
        ("-a < 0", True),
        ("a > -7", True),
        ("kind in ['dealer', 'integrator']", True),
        ("'x' in tags", True),
        ("yes", True),
    ],
)
def test_condition_values(condition: str, expected: bool) -> None:
    assert evaluate(condition, VALUES, today=TODAY) is expected


def test_today_unknown_makes_comparisons_false() -> None:
    assert evaluate("audit <= today()", VALUES) is False
    assert evaluate("audit <= today()", VALUES, today=TODAY) is True


def test_this_stands_for_the_answer_being_checked() -> None:
    expr = parse_condition(". >= 0 and . <= 100")
    assert isinstance(expr.operands[0].left, This)  # type: ignore[union-attr]
    assert evaluate(expr, {".": 50}) is True
    assert evaluate(expr, {".": 150}) is False
    assert evaluate(expr, {}) is False


def test_qualified_names_keep_their_set_id() -> None:
    found = names(parse_formula("first-date.competing_lines + getting-to-know.revenue - x"))
    assert [(n.set_id, n.id, n.key) for n in found] == [
        ("first-date", "competing_lines", "first-date.competing_lines"),
        ("getting-to-know", "revenue", "getting-to-know.revenue"),
        (None, "x", "x"),
    ]
    assert isinstance(parse_formula("today()"), Call)
    assert parse_formula("-3") == parse_formula("- 3")  # a negative literal is folded


# ------------------------------------------------------------------ located errors


@pytest.mark.parametrize(
    ("formula", "offset", "message"),
    [
        ("", 0, "empty formula"),
        ("a +", 3, "formula ends too early: a value is missing"),
        ("a + * b", 4, "expected a question id or a value, found '*'"),
        ("(a + b", 6, "expected ')', found end of formula"),
        ("(a > 1) * 2", 3, "expected ')', found '>'"),  # no comparison in brackets either
        ("a + b)", 5, "unexpected ')'"),
        ("a true", 2, "unexpected 'true'"),
        ("a or b", 2, "a formula computes a number: 'or' belongs in a condition"),
        ("a not b", 2, "a formula computes a number: 'not' belongs in a condition"),
        ("a in b", 2, "a formula computes a number: 'in' belongs in a condition"),
        ("a first-date.x", 2, "unexpected 'first-date.x' (missing an operator such as + or *?)"),
        ("a 'x'", 2, "unexpected \"'x'\" (missing an operator such as + or *?)"),
        ("a 2", 2, "unexpected '2' (missing an operator such as + or *?)"),
        ("a b", 2, "unexpected 'b' (missing an operator such as + or *?)"),
        ("a > b", 2, "a formula computes a number: '>' belongs in a condition"),
        ("a and b", 2, "a formula computes a number: 'and' belongs in a condition"),
        ("true + 1", 0, "a formula computes a number: true is not one"),
        ("[1, 2]", 0, "a formula computes a number: a list is not one"),
        (
            "sqrt(a)",
            0,
            "unknown function 'sqrt'; functions: today(), days_since(), days_between(), "
            "min(), max(), round()",
        ),
        (
            "__import__('os')",
            0,
            "unknown function '__import__'; functions: today(), days_since(), days_between(), "
            "min(), max(), round()",
        ),
        ("min(a)", 0, "min() takes 2 to 20 values, got 1"),
        ("today(a)", 0, "today() takes no value, got 1"),
        ("days_between(a)", 0, "days_between() takes 2 values, got 1"),
        ("round(a, 1, 2)", 0, "round() takes 1 to 2 values, got 3"),
        ("max(a b)", 6, "expected ',' or ')', found 'b'"),
        ("a ^ 2", 2, "unexpected character '^'"),
        ("a = 2", 2, "unexpected character '=' (use == to compare)"),
        (
            "${a} + 1",
            0,
            "unexpected character '$' (write a question id on its own, without ${...})",
        ),
        ("A.upper", 1, "unexpected character '.'"),  # set ids are lowercase
        ("a * 1e16", 4, "1e16 is too large: numbers lie within ±10¹⁵"),
        ("'x", 0, "unterminated string"),
        ("+a", 0, "a value is missing before '+'"),
        ("a % 2", 2, "unexpected character '%'"),
    ],
)
def test_formula_syntax_errors_are_located(formula: str, offset: int, message: str) -> None:
    with pytest.raises(FormulaError) as info:
        parse_formula(formula)
    assert info.value.offset == offset
    assert info.value.message == message  # word for word, as the author reads it


def test_formulas_are_bounded() -> None:
    with pytest.raises(FormulaError, match="at most 2,000"):
        parse_formula("1 + " * (MAX_LENGTH // 4) + "1")
    with pytest.raises(FormulaError, match=f"nested more than {MAX_DEPTH} levels deep"):
        parse_formula("(" * 40 + "a" + ")" * 40)
    with pytest.raises(FormulaError, match="nested more than"):
        parse_formula("-" * 40 + "a")
    with pytest.raises(FormulaError, match="nested more than"):
        parse_formula("min(" * 40 + "a" + ", 1)" * 40)
    with pytest.raises(ConditionError, match="nested more than"):
        parse_condition("[" * 1500)  # used to be a RecursionError
    parse_formula("(" * MAX_DEPTH + "a" + ")" * MAX_DEPTH)


def test_a_long_flat_formula_is_fine() -> None:
    formula = " + ".join(["a"] * 400)
    assert len(formula) < MAX_LENGTH
    assert compute(formula, VALUES) == 2400


# ------------------------------------------------------------------ type checks

SET = QuestionSet.model_validate(
    {
        "id": "this-set",
        "title": "T",
        "version": 1,
        "sections": [
            {
                "id": "s",
                "title": "S",
                "questions": [
                    {"id": "reps", "text": "R", "type": "number"},
                    {"id": "rating", "text": "R", "type": "scale"},
                    {"id": "founded", "text": "F", "type": "date"},
                    {"id": "notes", "text": "N", "type": "text"},
                    {"id": "kind", "text": "K", "type": "choice", "options": [{"value": "a"}]},
                    {"id": "lines", "text": "L", "type": "multi", "options": [{"value": "a"}]},
                    {"id": "ok", "text": "O", "type": "yes_no"},
                    {"id": "cost", "text": "C", "type": "calculated", "formula": "reps * 2"},
                ],
            },
            {
                "id": "refs",
                "title": "Refs",
                "repeat": {"max": 3},
                "questions": [{"id": "ref_name", "text": "N", "type": "text"}],
            },
        ],
    }
)
EARLIER = QuestionSet.model_validate(
    {
        "id": "first-date",
        "title": "F",
        "version": 1,
        "sections": [
            {
                "id": "s",
                "title": "S",
                "questions": [
                    {"id": "competing_lines", "text": "C", "type": "number"},
                    {"id": "since", "text": "S", "type": "date"},
                ],
            },
            {
                "id": "r",
                "title": "R",
                "repeat": {"max": 2},
                "questions": [{"id": "ref", "text": "R", "type": "text"}],
            },
        ],
    }
)
STAGES = Stages(earlier={"first-date": EARLIER}, known={"first-date", "this-set", "later"})


def _scope(**kw: Any) -> Scope:
    base: dict[str, Any] = {
        "questions": SET.questions,
        "earlier": SET.questions,
        "set_id": SET.id,
        "repeat_of": SET.repeat_of,
        "stages": STAGES,
    }
    return Scope(**{**base, **kw})


@pytest.mark.parametrize(
    ("formula", "problem"),
    [
        ("reps * 2 + rating", None),
        ("cost / reps", None),
        ("days_since(founded) / 365", None),
        ("days_between(founded, first-date.since)", None),
        ("first-date.competing_lines * reps", None),
        ("round(reps, 2)", None),
        (
            "founded",
            "a formula computes a number, but 'founded' is a date: use days_since(founded)",
        ),
        ("founded + 1", "'founded' is a date: compute with it through days_since(founded)"),
        ("notes * 2", "arithmetic needs numbers, but 'notes' (text)"),
        ("kind + 1", "arithmetic needs numbers, but 'kind' (a choice)"),
        ("ok + 1", "arithmetic needs numbers, but 'ok' (true/false)"),
        ("'x' + 1", "arithmetic needs numbers, but a string ('x')"),
        ("days_since(reps)", "expected a date, but 'reps' (a number) is not one"),
        ("days_since('2024-02-30')", "'2024-02-30' is not a date (write a date as 'YYYY-MM-DD'"),
        ("round(reps, reps)", "round(x, digits): digits is a whole number from -15 to 15"),
        ("round(reps, 1.5)", "round(x, digits): digits is a whole number"),
        ("nope + 1", "unknown question 'nope'"),
        ("rep + 1", "unknown question 'rep' (did you mean 'reps'?)"),
        ("ref_name", "'ref_name' is in the repeated section 'refs'"),
        ("first-date.nope", "'nope' is not a question of first-date"),
        ("first-date.ref", "'first-date.ref' is in the repeated section 'r' of first-date"),
        ("later.x", "'later.x': 'later' is not asked at a stage before this set's"),
        ("frist-date.x", "unknown question set 'frist-date' (did you mean 'first-date'?)"),
        ("reps-kind.x", "unknown question set 'reps-kind' (to subtract, put spaces around '-')"),
        ("this-set.reps", "'this-set' is this set: write 'reps' without the set id"),
        ("reps.upper", "'reps' is a question, not a question set"),
        (". + 1", "'.' (the answer being checked) is only used in constraint:"),
    ],
)
def test_formula_type_checks(formula: str, problem: str | None) -> None:
    found = check_formula(parse_formula(formula), _scope())
    if problem is None:
        assert found == []
    else:
        assert any(problem in message for _, message, _ in found), found


def test_an_earlier_stage_cannot_be_checked_alone_only_warned() -> None:
    found = check_formula(parse_formula("first-date.competing_lines + 1"), _scope(stages=None))
    ((offset, message, severity),) = found
    assert (offset, severity) == (0, "warning")
    assert "cannot be checked when this file is validated alone" in message


@pytest.mark.parametrize(
    ("condition", "problem"),
    [
        ("founded < '2020-01-01'", None),
        ("founded <= today()", None),
        ("days_since(founded) > 365", None),
        ("reps + rating > 3", None),
        ("cost >= first-date.competing_lines * 2", None),
        ("first-date.since < founded", None),
        ("reps == cost", None),
        ("reps * 2 == 6", None),
        ("founded < 5", "< compares a date with a number (5)"),
        ("founded == 'soon'", "'soon' is not a date"),
        ("founded < 'soon'", "'soon' is not a date"),
        ("founded", "'founded' is a date question: compare it with a value"),
        ("reps + 1", "a calculation on its own is not a condition: compare it"),
        ("notes < 3", "< compares numbers, but 'notes' is text"),
        ("reps * 2 == 'x'", "a number is compared with a string ('x')"),
        ("cost == 'x'", "calculated question 'cost' is compared with a string ('x')"),
        (". > 1", "'.' (the answer being checked) is only used in constraint:"),
    ],
)
def test_condition_type_checks(condition: str, problem: str | None) -> None:
    found = check_condition(parse_condition(condition), _scope())
    if problem is None:
        assert found == []
    else:
        assert any(problem in message for _, message, _ in found), found


def test_this_has_the_type_of_the_question_it_checks() -> None:
    scope = _scope(this=SET.questions["founded"])
    assert check_condition(parse_condition(". <= today()"), scope) == []
    (problem,) = check_condition(parse_condition(". > 3"), scope)
    assert "< compares" in problem[1] or "compares a date" in problem[1]


def test_names_of_the_tree() -> None:
    expr = parse_formula("min(a, -b) + first-date.c * (d / e)")
    assert [n.key for n in names(expr)] == ["a", "b", "first-date.c", "d", "e"]
    assert all(isinstance(n, Name) for n in names(expr))


@pytest.mark.parametrize(
    ("formula", "expected"),
    [
        ("round(1234.5678, 15)", 1234.5678),  # up to 15 decimals
        ("round(1.5, -15)", 0.0),
        ("round(1.5, 16)", None),  # beyond: unanswered
        ("round(1.5, -16)", None),
        ("round(1e15, 15)", None),  # more digits than a number holds
        ("round(2.675, 2)", 2.68),  # as typed, not as the float is stored
        ("round(-0.4)", 0.0),
        ("1e15", 1e15),  # the largest value there is
        ("-1e15", -1e15),
        ("1e15 + 1", None),  # beyond it: unanswered
        ("0 - 1e15 - 1", None),
        ("min(a, 3, -1)", -1.0),
        ("max(a, 3)", 6.0),
        ("days_between(founded, founded)", 0.0),
        ("days_between(founded, today())", 3652.0),
        ("1 / 3", 1 / 3),
        ("z * -1", 0.0),
    ],
)
def test_formula_bounds(formula: str, expected: float | None) -> None:
    assert compute(formula, VALUES, today=TODAY) == expected


def test_a_date_formula_needs_today_when_it_says_so() -> None:
    assert compute("days_between(founded, today())", VALUES) is None
    assert compute("days_between(founded, audit)", VALUES) == 3287.0


def test_what_is_not_a_number_is_unanswered() -> None:
    assert compute("today()", VALUES, today=TODAY) is None  # a date is no number
    assert compute("-missing", VALUES) is None
    assert compute("days_since('2026-02-19')", VALUES, today=TODAY) == 10.0


def test_arithmetic_in_a_condition_is_true_when_not_zero() -> None:
    assert evaluate("a - 6", VALUES) is False
    assert evaluate("a - 5", VALUES) is True
    assert evaluate("min(a, 3) == 3", VALUES) is True
    assert evaluate("days_since(founded) > 1", VALUES) is False  # today unknown

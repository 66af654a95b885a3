"""Properties of the expression language: whatever is typed, a located error or a tree;
whatever the answers, a number or "unanswered" (never an exception); and arithmetic that
agrees with Python's on the same operations in the same order."""

from __future__ import annotations

import math
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from qualify.core.questionnaire import parse_question_set
from qualify.core.questionnaire.conditions import compute, evaluate
from qualify.core.questionnaire.expressions import (
    MAX_LENGTH,
    MAX_VALUE,
    ConditionError,
    parse_condition,
    parse_formula,
)
from qualify.core.scoring import score

SETTINGS = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])

_PIECES = [
    "a", "b", "c", "first-date.x", "first_date.y", "x-y.z", ".", "1", "0", "2.5", "1e308",
    "-", "+", "*", "/", "(", ")", ",", " ", "min", "max", "round", "today", "days_since",
    "days_between", "'2024-02-29'", "'x'", "==", "<", ">=", "and", "or", "not", "in", "[", "]",
    "true", "$", "=", "'", "\\", "é", "\n", "__import__", "A.b",
]  # fmt: skip


@SETTINGS
@given(st.lists(st.sampled_from(_PIECES), max_size=40).map("".join))
def test_any_text_parses_or_fails_with_a_located_error(text: str) -> None:
    for parse in (parse_formula, parse_condition):
        try:
            parse(text)
        except ConditionError as exc:
            assert 0 <= exc.offset <= max(len(text), MAX_LENGTH)
            assert exc.message


@SETTINGS
@given(st.text(max_size=300))
def test_arbitrary_unicode_never_escapes_as_another_exception(text: str) -> None:
    for parse in (parse_formula, parse_condition):
        try:
            parse(text)
        except ConditionError as exc:
            assert 0 <= exc.offset <= max(len(text), MAX_LENGTH)


_values = st.one_of(
    st.none(),
    st.integers(-(10**16), 10**16),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from(["2024-02-29", "2024-02-30", "1700-01-01", "dealer", "", "x"]),
    st.booleans(),
    st.lists(st.sampled_from(["a", "b"]), max_size=2),
)


@SETTINGS
@given(
    st.lists(st.sampled_from(_PIECES), max_size=30).map("".join),
    st.fixed_dictionaries(
        {k: _values for k in ("a", "b", "c", "first-date.x", "first_date.y", "x-y.z", ".")}
    ),
    st.one_of(st.none(), st.dates(date(1800, 1, 1), date(2200, 12, 31))),
)
def test_evaluation_never_raises_and_stays_finite(text: str, values: dict, today: Any) -> None:
    try:
        formula = parse_formula(text)
    except ConditionError:
        formula = None
    if formula is not None:
        result = compute(formula, values, today=today)
        assert result is None or (math.isfinite(result) and abs(result) <= MAX_VALUE)
    try:
        condition = parse_condition(text)
    except ConditionError:
        return
    assert evaluate(condition, values, today=today) in (True, False)


# --------------------------------------------------------- arithmetic as Python does it


@st.composite
def arithmetic(draw: st.DrawFn, depth: int = 0) -> tuple[str, Any]:
    """(formula text, a function of the values giving Python's float result or None)."""
    if depth >= 4 or draw(st.booleans()):
        if draw(st.booleans()):
            name = draw(st.sampled_from(["a", "b", "c"]))
            return name, lambda v, n=name: v[n]
        number = draw(st.integers(0, 1000))
        return str(number), lambda v, x=float(number): x
    op = draw(st.sampled_from(["+", "-", "*", "/", "neg", "min", "max", "round"]))
    left_text, left = draw(arithmetic(depth + 1))
    if op == "neg":
        return f"-({left_text})", lambda v: _neg(left(v))
    if op == "round":
        return f"round({left_text})", lambda v: _round(left(v))
    right_text, right = draw(arithmetic(depth + 1))
    if op in ("min", "max"):
        f = min if op == "min" else max
        return f"{op}({left_text}, {right_text})", lambda v: _both(left(v), right(v), f)
    return f"({left_text}) {op} ({right_text})", lambda v: _op(op, left(v), right(v))


def _finite(x: float | None) -> float | None:
    return x if x is not None and math.isfinite(x) else None


def _neg(x: float | None) -> float | None:
    return None if x is None else -x


def _round(x: float | None) -> float | None:
    """Half away from zero, on the number as written (its shortest repr)."""
    if x is None:
        return None
    return float(Decimal(repr(x)).quantize(Decimal(1), ROUND_HALF_UP))


def _both(x: float | None, y: float | None, f: Any) -> float | None:
    return None if x is None or y is None else f(x, y)


def _op(op: str, x: float | None, y: float | None) -> float | None:
    if x is None or y is None:
        return None
    if op == "/":
        return None if y == 0 else _finite(x / y)
    return _finite({"+": x + y, "-": x - y, "*": x * y}[op])


@SETTINGS
@given(
    arithmetic(),
    st.fixed_dictionaries({k: st.integers(-1000, 1000).map(float) for k in ("a", "b", "c")}),
)
def test_arithmetic_agrees_with_python(case: tuple[str, Any], values: dict) -> None:
    text, reference = case
    expected = reference(values)
    if expected is not None and (not math.isfinite(expected) or abs(expected) > MAX_VALUE):
        expected = None
    got = compute(text, values)
    if expected is None:
        assert got is None
    else:
        assert got == expected or math.isclose(got or 0.0, expected, rel_tol=1e-12)


@SETTINGS
@given(arithmetic())
def test_a_missing_input_leaves_the_value_unanswered(case: tuple[str, Any]) -> None:
    text, _ = case
    if any(name in text for name in ("a", "b", "c")):
        assert compute(text, {"a": 1.0, "b": 2.0}) is None or "c" not in text


# --------------------------------------------------------- sets using the new keys

_scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-5, 30),
    st.sampled_from(
        [
            "calculated",
            "date",
            "number",
            "a + b",
            "a / 0",
            "first-date.x",
            ". >= 0",
            "a > ",
            "days_since(a)",
            "mean",
            "min",
            "",
        ]
    ),
    st.text(max_size=6),
)
_keys = st.sampled_from(
    [
        "id",
        "title",
        "version",
        "sections",
        "questions",
        "type",
        "text",
        "formula",
        "constraint",
        "constraint_message",
        "required_when",
        "integer",
        "repeat",
        "repeat_score",
        "min",
        "max",
        "score_bands",
        "when",
    ]
)
_data = st.recursive(
    _scalars,
    lambda children: st.one_of(
        st.lists(children, max_size=4), st.dictionaries(_keys, children, max_size=6)
    ),
    max_leaves=30,
)


@settings(max_examples=200, deadline=None)
@given(_data)
def test_structured_garbage_with_the_new_keys_yields_problems(data: Any) -> None:
    text = yaml.safe_dump(data, allow_unicode=True)
    qs, problems = parse_question_set(text, "fuzz.yaml")
    assert qs is not None or problems
    for p in problems:
        assert p.line >= 1 and p.col >= 1 and p.message
    if qs is not None:
        score(qs, {}, today=date(2026, 1, 1))


_question = st.fixed_dictionaries(
    {
        "type": st.sampled_from(["number", "calculated", "date", "scale"]),
        "formula": st.lists(st.sampled_from(["q0", "q1", "q2", "q3", "+", "*", "-", "1"]), min_size=1, max_size=5).map(" ".join),
        "when": st.sampled_from([None, "q0 > 1", "q1 > 1", "q2 > 0"]),
    }
)  # fmt: skip


@settings(max_examples=200, deadline=None)
@given(st.lists(_question, min_size=1, max_size=4), st.lists(st.integers(0, 5), max_size=4))
def test_random_calculations_validate_and_score_without_exceptions(
    questions: list[dict[str, Any]], answers: list[int]
) -> None:
    items = []
    for i, q in enumerate(questions):
        item: dict[str, Any] = {"id": f"q{i}", "text": f"Q{i}?", "help": "h", "type": q["type"]}
        if q["type"] == "calculated":
            item["formula"] = q["formula"]
            item["score_bands"] = [{"below": 3, "score": 1}, {"score": 2}]
        if q["when"]:
            item["when"] = q["when"]
        items.append(item)
    doc = {
        "id": "t",
        "title": "T",
        "version": 1,
        "sections": [{"id": "s", "title": "S", "questions": items}],
    }
    qs, problems = parse_question_set(yaml.safe_dump(doc), "t.yaml")
    assert qs is not None or any(p.severity == "error" for p in problems)
    if qs is None:
        return
    values = {
        f"q{i}": v
        for i, v in enumerate(answers)
        if i < len(items) and items[i]["type"] in ("number", "scale")
    }
    breakdown = score(qs, values, today=date(2026, 1, 1))
    assert breakdown.score is None or 0 <= breakdown.score <= 100

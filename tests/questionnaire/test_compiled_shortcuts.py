"""The compiled shortcuts of conditions and formulas (a comparison with written texts,
`round(x, n)` with its places written, a constant formula) say what the general rules
say, whatever the answer: they only skip work for the common kinds."""

from __future__ import annotations

from datetime import date
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from qualify.core.questionnaire.conditions import _TESTS, _apply, compute, evaluate

_texts = st.sampled_from(["a", "b", "2024-02-29", "1", "", "A", "true"])
_answers = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-5, 5),
    st.floats(allow_nan=True, allow_infinity=True),
    _texts,
    st.text(max_size=3),
    st.dates(date(1990, 1, 1), date(2030, 1, 1)),
    st.lists(st.one_of(_texts, st.integers(-2, 2), st.booleans()), max_size=3),
)


@settings(max_examples=400, deadline=None)
@given(
    _answers, _texts, st.lists(_texts, max_size=3), st.sampled_from(["==", "!=", "in", "not in"])
)
def test_a_comparison_with_written_texts_says_what_the_general_test_says(
    answer: Any, text: str, texts: list[str], op: str
) -> None:
    written: Any = text if op in ("==", "!=") else texts
    source = f"x {op} {written!r}".replace('"', "'")
    expected = False if answer is None else _TESTS[op](answer, written)
    assert evaluate(source, {"x": answer}) is expected


@settings(max_examples=300, deadline=None)
@given(
    st.one_of(st.floats(-1e6, 1e6), st.integers(-(10**6), 10**6), st.none(), _texts),
    st.sampled_from(["0", "1", "2", "-1", "1.5", "'x'"]),
)
def test_round_with_its_places_written_says_what_the_general_rule_says(
    value: Any, places: str
) -> None:
    literal: Any = {"'x'": "x"}.get(places)
    digits = float(places) if literal is None else literal
    general = None if value is None else _apply("round", [value, digits], None)
    found = compute(f"round(a, {places})", {"a": value})
    if general is None or not isinstance(general, float):
        assert found is None
    else:
        assert found == (0.0 if general == 0 else general)


def test_a_constant_formula_is_its_value_on_any_day() -> None:
    assert compute("85", {}) == 85.0
    assert compute("85", {"a": 1}, today=date(2026, 1, 1)) == 85.0
    assert compute("0", {}) == 0.0

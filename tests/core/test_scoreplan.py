"""The compiled scoring plan of a question set gives exactly what the rules say."""

from __future__ import annotations

import gc
import weakref
from dataclasses import fields
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from scoring_strategies import SETTINGS, question_sets, set_and_answers

from qualify.core.breakdown import QuestionScore, SectionScore
from qualify.core.questionnaire.model import QuestionSet
from qualify.core.scoreplan import plan_of
from qualify.core.scoring import _frozen, points_of, score

ANY_VALUE = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-5, 40),
    st.floats(-5, 40, allow_nan=False),
    st.sampled_from(["a", "b", "c", "d", "zz", ""]),
    st.lists(st.sampled_from(["a", "b", "c", "d", "zz"]), max_size=5),
)


@SETTINGS
@given(question_sets(), st.data())
def test_compiled_points_are_the_points_of_the_rules(qs: QuestionSet, data: st.DataObject) -> None:
    """Whatever the answer (of the right kind or not), the plan's points are points_of's."""
    for compiled in plan_of(qs).order:
        value = data.draw(ANY_VALUE)
        try:
            expected = points_of(compiled.question, value)
        except TypeError:  # a value of a kind the question never stores
            with pytest.raises(TypeError):
                compiled.points(value, points_of)
            continue
        assert compiled.points(value, points_of) == expected
        assert type(compiled.points(value, points_of)) is type(expected)


@SETTINGS
@given(set_and_answers())
def test_a_set_scores_the_same_compiled_afresh(case: tuple[QuestionSet, dict[str, Any]]) -> None:
    """Scoring reuses the set's plan; a plan compiled anew for an equal set scores alike."""
    qs, answers = case
    first = score(qs, answers)
    assert score(qs, answers) == first
    again = QuestionSet.model_validate(qs.model_dump())
    assert plan_of(again) is not plan_of(qs)
    assert score(again, answers) == first


def test_one_plan_per_set_forgotten_with_the_set() -> None:
    qs = QuestionSet.model_validate(
        {
            "id": "p",
            "title": "P",
            "version": 1,
            "sections": [
                {"id": "s", "title": "S", "questions": [{"id": "q", "text": "Q?", "type": "text"}]}
            ],
        }
    )
    assert plan_of(qs) is plan_of(qs)
    held = weakref.ref(qs)
    del qs
    gc.collect()
    assert held() is None  # the plan does not keep its set alive


@pytest.mark.parametrize("cls", [QuestionScore, SectionScore])
def test_a_line_made_fast_is_the_line_the_dataclass_makes(cls: type) -> None:
    """Score lines and sections are made without their frozen __init__, to the same effect."""
    values: dict[str, Any] = {f.name: f"v{n}" for n, f in enumerate(fields(cls))}
    fast = _frozen(cls, values)
    assert fast == cls(**values)
    assert type(fast) is cls
    assert vars(fast) == vars(cls(**values))
    assert not hasattr(cls, "__post_init__") and not hasattr(cls, "__slots__")

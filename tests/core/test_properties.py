"""Properties of scoring that must hold for any question set and any answers."""

from __future__ import annotations

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st
from scoring_strategies import SETTINGS, answers_for, question_sets, set_and_answers, value_for

from qualify.core.questionnaire.expressions import names, parse_condition
from qualify.core.questionnaire.model import QuestionSet
from qualify.core.scoring import score, visible_questions


def referenced(qs: QuestionSet) -> set[str]:
    """Every question id some condition (when or knockout.when) refers to."""
    conditions = [s.when for s in qs.sections if s.when]
    for q in qs.questions.values():
        conditions += [c for c in (q.when, q.knockout.when if q.knockout else None) if c]
    return {n.id for c in conditions for n in names(parse_condition(c))}


# ------------------------------------------------------------------ properties


def in_range(value: float | None) -> bool:
    return value is None or -1e-9 <= value <= 100 + 1e-9


@SETTINGS
@given(set_and_answers())
def test_scores_are_always_within_0_and_100_or_none(case: tuple[QuestionSet, dict]) -> None:
    qs, answers = case
    b = score(qs, answers)
    assert in_range(b.score)
    assert all(in_range(s.score) for s in b.sections)
    assert all(in_range(v) for v in b.directions.values())
    assert b.coverage is None or 0 <= b.coverage <= 1
    for s in b.sections:
        for line in s.questions:
            if line.points is not None:
                assert 0 <= line.points <= line.max
    if b.score is None:
        assert b.band in (None, "Not a fit")
    total = sum(line.contribution or 0 for s in b.sections for line in s.questions)
    assert total == pytest.approx(b.score if b.score is not None else 0, abs=1e-6)


@SETTINGS
@given(st.data())
def test_a_higher_scoring_option_never_lowers_its_section_score(data: st.DataObject) -> None:
    qs = data.draw(question_sets())
    free = [q for q in qs.questions.values() if q.type == "choice" and q.id not in referenced(qs)]
    assume(free)
    target = data.draw(st.sampled_from(free))
    answers = data.draw(answers_for(qs))
    low, high = sorted(
        data.draw(st.lists(st.sampled_from(target.options), min_size=2, max_size=2)),
        key=lambda o: o.score,
    )
    section_id = qs.section_of[target.id].id
    before = score(qs, {**answers, target.id: low.value}).section(section_id).score
    after = score(qs, {**answers, target.id: high.value}).section(section_id).score
    if before is None:
        assert after is None  # same visibility, same scored questions
    else:
        assert after is not None and after >= before - 1e-9


@SETTINGS
@given(st.data())
def test_answers_to_hidden_questions_never_change_the_result(data: st.DataObject) -> None:
    qs = data.draw(question_sets())
    answers = data.draw(answers_for(qs))
    hidden = [qid for qid, shown in visible_questions(qs, answers).items() if not shown]
    assume(hidden)
    changed = dict(answers)
    for qid in hidden:
        if data.draw(st.booleans()):
            changed.pop(qid, None)
        else:
            changed[qid] = data.draw(value_for(qs.questions[qid]))
    assert score(qs, changed).to_dict() == score(qs, answers).to_dict()

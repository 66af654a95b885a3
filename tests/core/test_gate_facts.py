"""A gate reads what it checks (required questions, answers to verify) from what scoring
found while scoring, not from the score lines, which would work the interview out again
(issue 17). Both must say the same, for any set and any answers."""

from __future__ import annotations

import copy
from datetime import date
from typing import Any

from hypothesis import given
from hypothesis import strategies as st
from scoring_strategies import SETTINGS, answers_for, condition_on, question_sets
from test_lazy_lines import _unread

from qualify.core.breakdown import ScoreBreakdown
from qualify.core.gates import evaluate_gate
from qualify.core.questionnaire.model import QuestionSet, Stage
from qualify.core.scoring import score


def _read_from_lines(b: ScoreBreakdown) -> ScoreBreakdown:
    """The same breakdown without what scoring found: a copy keeps its fields only."""
    made = copy.copy(b)
    assert made.asked is None
    return made


@st.composite
def gated(draw: st.DrawFn) -> tuple[QuestionSet, dict[str, Any], Stage, dict[str, str]]:
    """A random set whose questions may be required, required when an earlier answer
    says so, or to verify; answers for it; a gate naming some of its questions to verify;
    and the answers' sources."""
    data = draw(question_sets()).model_dump(mode="json", exclude_none=True)
    earlier: list[dict[str, Any]] = []
    for section in data["sections"]:
        for q in section["questions"]:
            if draw(st.integers(0, 3)) == 0:
                q["required"] = True
            elif earlier and draw(st.integers(0, 2)) == 0:
                when = draw(condition_on(draw(st.sampled_from(earlier))))
                if when:
                    q["required_when"] = when
            q["verify"] = draw(st.integers(0, 2)) == 0
            earlier.append(q)
    qs = QuestionSet.model_validate(data)
    ids = list(qs.questions)
    verified = draw(st.lists(st.sampled_from(ids), unique=True, max_size=3))
    stage = Stage.model_validate(
        {"id": "s", "title": "S", "questionnaire": qs.id, "gate": {"verified": verified}}
    )
    answers = draw(answers_for(qs))
    sources = {k: draw(st.sampled_from(["verified", "stated", "observed"])) for k in answers}
    return qs, answers, stage, sources


@SETTINGS
@given(gated())
def test_a_gate_reads_the_same_from_scoring_as_from_the_lines(case) -> None:
    qs, answers, stage, sources = case
    b = score(qs, answers)
    found = evaluate_gate(stage, qs, b, sources=sources)
    assert _unread(b)  # the gate made no score line
    from_lines = evaluate_gate(stage, qs, _read_from_lines(b), sources=sources)
    assert found.to_dict() == from_lines.to_dict()
    assert [str(c.text) for c in found.criteria] == [str(c.text) for c in from_lines.criteria]


REPEATED = QuestionSet.model_validate(
    {
        "id": "refs",
        "title": "References",
        "version": 1,
        "sections": [
            {
                "id": "basics",
                "title": "Basics",
                "questions": [
                    {"id": "reps", "text": "Sales reps?", "type": "number", "required": True},
                ],
            },
            {
                "id": "calls",
                "title": "Reference calls",
                "repeat": {"min": 1, "max": 3},
                "questions": [
                    {"id": "company", "text": "Which customer?", "type": "text"},
                    {
                        "id": "outcome",
                        "text": "How did the call go?",
                        "type": "choice",
                        "required_when": "company != ''",
                        "verify": True,
                        "options": [{"value": "good", "score": 5}, {"value": "bad", "score": 0}],
                    },
                ],
            },
        ],
    }
)


def test_repeated_questions_are_checked_per_repeat_in_the_order_asked() -> None:
    answers = {
        "calls[0].company": "Acme",
        "calls[0].outcome": "good",
        "calls[1].company": "Beta",  # its outcome is required now, and missing
        "calls[2].outcome": "bad",
    }
    b = score(REPEATED, answers)
    assert b.asked is not None
    assert (b.asked.required, b.asked.missing) == (3, ("reps", "calls[1].outcome"))
    assert b.asked.to_verify == ("calls[0].outcome", "calls[2].outcome")
    stage = Stage.model_validate(
        {"id": "s", "title": "S", "questionnaire": "refs", "gate": {"verified": ["reps"]}}
    )
    sources = {"calls[0].outcome": "verified"}
    found = evaluate_gate(stage, REPEATED, b, sources=sources)
    from_lines = evaluate_gate(stage, REPEATED, _read_from_lines(b), sources=sources)
    assert found.to_dict() == from_lines.to_dict()
    unmet = [c.key for c in found.criteria if not c.met]
    assert unmet == ["required", "verified:reps", "verified:calls[2].outcome"]


def test_a_band_lowered_by_a_red_flag_keeps_what_scoring_found() -> None:
    b = score(REPEATED, {"reps": 3})
    lowered = b.with_band("Not yet")
    assert lowered.band == "Not yet" and lowered.asked == b.asked
    assert lowered.values == b.values and lowered.score == b.score


def test_required_when_reads_the_day_scoring_is_given() -> None:
    """`required_when` with a date function: required only on the day it says."""
    qs = QuestionSet.model_validate(
        {
            "id": "audit",
            "title": "Audit",
            "version": 1,
            "sections": [
                {
                    "id": "s",
                    "title": "S",
                    "questions": [
                        {"id": "audited", "text": "Last audit?", "type": "date"},
                        {
                            "id": "findings",
                            "text": "What did the audit find?",
                            "type": "text",
                            "required_when": "days_since(audited) > 365",
                        },
                    ],
                }
            ],
        }
    )
    answers = {"audited": "2025-01-10"}
    late = score(qs, answers, today=date(2026, 6, 1)).asked
    fresh = score(qs, answers, today=date(2025, 3, 1)).asked
    assert late is not None and (late.required, late.missing) == (1, ("findings",))
    assert fresh is not None and (fresh.required, fresh.missing) == (0, ())

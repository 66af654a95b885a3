"""Properties of gates by direction of fit and by section, for any set and any answers."""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from qualify.core.gates import evaluate_gate
from qualify.core.questionnaire.model import QuestionSet, Stage
from qualify.core.scoring import score

SETTINGS = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
DIRECTIONS = ("they_fit_us", "we_fit_them")


@st.composite
def scored_question(draw: st.DrawFn, qid: str) -> dict[str, Any]:
    """A scored question whose answer `zero` (or the scale's floor) earns nothing."""
    kind = draw(st.sampled_from(["choice", "scale", "yes_no", "number"]))
    q: dict[str, Any] = {
        "id": qid,
        "text": f"{qid}?",
        "type": kind,
        "weight": draw(st.sampled_from([0.5, 1, 2, 3])),
    }
    if kind == "choice":
        q["options"] = [
            {"value": "zero", "score": 0},
            {"value": "some", "score": draw(st.integers(1, 5))},
            {"value": "more", "score": draw(st.integers(1, 5))},
        ]
    elif kind == "yes_no":
        q["score"] = {"yes": draw(st.integers(1, 5)), "no": 0}
    elif kind == "number":
        q["score_bands"] = [{"below": 10, "score": 0}, {"score": draw(st.integers(1, 5))}]
    return q


def zero_answer(q: dict[str, Any]) -> Any:
    return {"choice": "zero", "scale": 1, "yes_no": False, "number": 3}[q["type"]]


def any_answer(q: dict[str, Any], draw: st.DrawFn) -> Any:
    if q["type"] == "choice":
        return draw(st.sampled_from(["zero", "some", "more"]))
    if q["type"] == "scale":
        return draw(st.integers(1, 5))
    if q["type"] == "yes_no":
        return draw(st.booleans())
    return draw(st.integers(0, 50))


@st.composite
def case(draw: st.DrawFn) -> tuple[QuestionSet, dict[str, Any], str, str]:
    """A set with sections of both directions, answers that score zero in one direction
    (or leave it unanswered), anything in the other; the direction and one of its sections."""
    sections = []
    n = 0
    for direction in DIRECTIONS:
        for si in range(draw(st.integers(1, 3))):
            questions = []
            for _ in range(draw(st.integers(1, 4))):
                questions.append(draw(scored_question(f"q{n}")))
                n += 1
            sections.append(
                {
                    "id": f"{direction}_{si}",
                    "title": f"{direction} {si}",
                    "direction": direction,
                    "weight": draw(st.sampled_from([0.5, 1, 2, 3])),
                    "questions": questions,
                }
            )
    qs = QuestionSet.model_validate({"id": "t", "title": "T", "version": 1, "sections": sections})
    zero = draw(st.sampled_from(DIRECTIONS))
    answers: dict[str, Any] = {}
    for section in sections:
        for q in section["questions"]:
            if section["direction"] == zero:
                if draw(st.booleans()):
                    answers[q["id"]] = zero_answer(q)
            elif draw(st.booleans()):
                answers[q["id"]] = any_answer(q, draw)
    section_id = draw(st.sampled_from([s["id"] for s in sections if s["direction"] == zero]))
    return qs, answers, zero, section_id


@SETTINGS
@given(case(), st.floats(min_value=0.01, max_value=100))
def test_zero_in_a_direction_never_passes_its_minimum(data: Any, minimum: float) -> None:
    qs, answers, zero, section_id = data
    breakdown = score(qs, answers)
    by_direction = Stage.model_validate(
        {"id": "s", "title": "S", "questionnaire": "t", "gate": {"min_direction": {zero: minimum}}}
    )
    result = evaluate_gate(by_direction, qs, breakdown)
    assert not result.passed
    assert result.criterion(f"min_direction:{zero}") is not None
    assert not result.criterion(f"min_direction:{zero}").met  # type: ignore[union-attr]
    by_section = Stage.model_validate(
        {
            "id": "s",
            "title": "S",
            "questionnaire": "t",
            "gate": {"min_section": {section_id: minimum}},
        }
    )
    assert not evaluate_gate(by_section, qs, breakdown).passed


@SETTINGS
@given(case())
def test_a_minimum_of_zero_is_met_by_any_scored_direction(data: Any) -> None:
    """The criterion only asks for a score at least the minimum: 0 passes once scored."""
    qs, answers, zero, _ = data
    breakdown = score(qs, answers)
    stage = Stage.model_validate(
        {"id": "s", "title": "S", "questionnaire": "t", "gate": {"min_direction": {zero: 0}}}
    )
    criterion = evaluate_gate(stage, qs, breakdown).criterion(f"min_direction:{zero}")
    assert criterion is not None
    assert criterion.met == (breakdown.directions[zero] is not None)

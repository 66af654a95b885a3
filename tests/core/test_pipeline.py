"""Stage gates: each criterion met and unmet, in the exact words people read."""

from __future__ import annotations

import json
from dataclasses import replace
from typing import Any

import pytest

from qualify.core.breakdown import KnockoutHit, ScoreBreakdown
from qualify.core.gates import GateResult, evaluate_gate
from qualify.core.nextstep import next_step
from qualify.core.questionnaire.model import QuestionSet, Stage
from qualify.core.scoring import score


def make_set() -> QuestionSet:
    """`fit` scores its option number out of 100, so the overall score is the option."""
    fit_options = [{"value": f"s{n}", "score": n} for n in (0, 42, 49.96, 50, 63, 100)]
    return QuestionSet.model_validate(
        {
            "id": "t",
            "title": "Test",
            "version": 1,
            "sections": [
                {
                    "id": "basics",
                    "title": "Basics",
                    "questions": [
                        {
                            "id": "fit",
                            "text": "Fit?",
                            "type": "choice",
                            "required": True,
                            "options": [
                                *fit_options,
                                {"value": "rental", "knockout": "Rental only"},
                            ],
                        },
                        {"id": "kind", "text": "Kind?", "type": "text", "required": True},
                        {"id": "region", "text": "Region?", "type": "text", "required": True},
                        {
                            "id": "partner",
                            "text": "Partner?",
                            "type": "yes_no",
                            "required": True,
                            "when": "fit == 's100'",
                        },
                    ],
                },
                {
                    "id": "gtm",
                    "title": "Go-to-market",
                    "questions": [
                        {"id": f"g{i}", "text": f"G{i}?", "type": "text"} for i in range(1, 6)
                    ]
                    + [
                        {
                            "id": "refs",
                            "text": "References?",
                            "type": "yes_no",
                            "verify": True,
                        },
                        {"id": "plan", "text": "Written plan?", "type": "text"},
                    ],
                },
            ],
        }
    )


def stage(**gate: Any) -> Stage:
    return Stage.model_validate(
        {"id": "first-date", "title": "First date", "questionnaire": "t", "gate": gate}
    )


NEXT = Stage.model_validate({"id": "going-steady", "title": "Going steady", "questionnaire": "t"})

ALL_TEXT = {"kind": "dealer", "region": "north", **{f"g{i}": "x" for i in range(1, 6)}}
"""Every text question answered (not `plan`, `refs`)."""


def gate_for(
    answers: dict[str, Any], sources: dict[str, str] | None = None, **gate: Any
) -> tuple[GateResult, ScoreBreakdown]:
    qs = make_set()
    b = score(qs, answers)
    return evaluate_gate(stage(**gate), qs, b, sources=sources, next_stage=NEXT), b


def text_of(result: GateResult, key: str) -> str:
    found = result.criterion(key)
    assert found is not None, [c.key for c in result.criteria]
    return found.text


# ----------------------------------------------------------------- always checked


def test_no_knockouts_is_always_checked() -> None:
    result, _ = gate_for({"fit": "s63", "kind": "a", "region": "b"})
    c = result.criterion("knockouts")
    assert c is not None and c.met and c.text == "No knock-outs"


def test_a_knockout_is_named_with_its_reason_and_question() -> None:
    result, _ = gate_for({"fit": "rental", "kind": "a", "region": "b"})
    assert not result.passed
    assert text_of(result, "knockouts") == "Knocked out: Rental only (“Fit?”)"
    assert result.unmet == ["Knocked out: Rental only (“Fit?”)"]


def test_several_knockouts_are_all_named() -> None:
    qs = make_set()
    b = score(qs, {"fit": "rental"})
    two = replace(b, knockouts=(*b.knockouts, KnockoutHit("kind", "Rival")))
    result = evaluate_gate(stage(), qs, two)
    assert text_of(result, "knockouts") == "Knocked out: Rental only (“Fit?”); Rival (“Kind?”)"
    assert result.criterion("knockouts").questions == ("fit", "kind")


def test_without_required_questions_the_criterion_is_met() -> None:
    qs = QuestionSet.model_validate(
        {
            "id": "n",
            "title": "N",
            "version": 1,
            "sections": [
                {"id": "s", "title": "S", "questions": [{"id": "a", "text": "A", "type": "text"}]}
            ],
        }
    )
    result = evaluate_gate(stage(), qs, score(qs, {}))
    c = result.criterion("required")
    assert c.met and c.text == "No required questions to answer"
    assert result.passed


def test_required_questions_unanswered_are_counted_and_named() -> None:
    result, _ = gate_for({"g1": "x"})
    assert (
        text_of(result, "required") == "3 required questions unanswered: “Fit?”; “Kind?”; “Region?”"
    )
    assert result.criterion("required").questions == ("fit", "kind", "region")
    assert not result.passed


def test_one_required_question_unanswered_reads_singular() -> None:
    result, _ = gate_for({"fit": "s50", "kind": "a"})
    assert text_of(result, "required") == "1 required question unanswered: “Region?”"


def test_hidden_required_question_is_not_needed() -> None:
    # `partner` is required but only asked when fit == 's100'
    result, _ = gate_for({"fit": "s50", "kind": "a", "region": "b"})
    c = result.criterion("required")
    assert c.met and c.text == "All 3 required questions answered"
    shown, _ = gate_for({"fit": "s100", "kind": "a", "region": "b"})
    assert text_of(shown, "required") == "1 required question unanswered: “Partner?”"


def test_gate_without_options_passes_on_the_always_criteria() -> None:
    result, _ = gate_for({"fit": "s0", "kind": "a", "region": "b"})
    assert result.passed
    assert [c.key for c in result.criteria] == ["knockouts", "required"]
    assert result.unmet == []


# ----------------------------------------------------------------- score and coverage


def test_score_below_the_minimum() -> None:
    result, _ = gate_for({**ALL_TEXT, "fit": "s42"}, min_score=50)
    assert text_of(result, "min_score") == "score 42 below 50"
    assert not result.passed


def test_score_at_or_above_the_minimum() -> None:
    result, _ = gate_for({**ALL_TEXT, "fit": "s63"}, min_score=50)
    assert text_of(result, "min_score") == "score 63 ≥ 50"
    assert result.passed
    exact, _ = gate_for({**ALL_TEXT, "fit": "s50"}, min_score=50)
    assert text_of(exact, "min_score") == "score 50 ≥ 50"
    assert exact.passed


def test_score_just_below_is_not_rounded_up_to_the_minimum() -> None:
    result, _ = gate_for({**ALL_TEXT, "fit": "s49.96"}, min_score=50)
    assert text_of(result, "min_score") == "score 49.96 below 50"


def test_no_score_yet() -> None:
    result, _ = gate_for({"kind": "a"}, min_score=50)
    assert text_of(result, "min_score") == "no score yet (needs 50)"
    assert not result.criterion("min_score").met


def test_coverage_below_the_minimum() -> None:
    # visible: fit kind region g1..g5 refs plan = 10; answered 6
    answers = {"fit": "s63", "kind": "a", "region": "b", "g1": "x", "g2": "x", "g3": "x"}
    result, b = gate_for(answers, min_coverage=0.8)
    assert b.coverage == pytest.approx(0.6)
    assert text_of(result, "min_coverage") == "coverage 60% below 80%"
    assert not result.passed


def test_coverage_at_the_minimum() -> None:
    result, b = gate_for({**ALL_TEXT, "fit": "s63", "plan": "x"}, min_coverage=0.8)
    assert b.coverage == pytest.approx(0.9)
    assert text_of(result, "min_coverage") == "coverage 90% ≥ 80%"
    assert result.passed


# ------------------------------------------------------------------------ verified


def test_gate_verified_question_unanswered() -> None:
    result, _ = gate_for({**ALL_TEXT, "fit": "s63"}, verified=["plan"])
    assert (
        text_of(result, "verified:plan") == "“Written plan?” unanswered; it needs a verified answer"
    )
    assert not result.passed


def test_gate_verified_question_answered_but_only_stated() -> None:
    answers = {**ALL_TEXT, "fit": "s63", "plan": "yes"}
    result, _ = gate_for(answers, {"plan": "stated"}, verified=["plan"])
    assert text_of(result, "verified:plan") == "“Written plan?” not verified yet (stated)"
    estimated, _ = gate_for(answers, {"plan": "estimated"}, verified=["plan"])
    assert text_of(estimated, "verified:plan") == "“Written plan?” not verified yet (estimated)"
    no_sources, _ = gate_for(answers, verified=["plan"])
    assert text_of(no_sources, "verified:plan") == "“Written plan?” not verified yet (stated)"


def test_gate_verified_question_verified() -> None:
    answers = {**ALL_TEXT, "fit": "s63", "plan": "yes"}
    result, _ = gate_for(answers, {"plan": "verified"}, verified=["plan"])
    c = result.criterion("verified:plan")
    assert c.met and c.text == "“Written plan?” verified"
    assert result.passed


def test_answered_verify_true_question_must_be_verified() -> None:
    answers = {**ALL_TEXT, "fit": "s63", "refs": True}
    result, _ = gate_for(answers, {"refs": "stated"})
    assert text_of(result, "verified:refs") == "“References?” not verified yet (stated)"
    assert not result.passed
    ok, _ = gate_for(answers, {"refs": "verified"})
    assert ok.passed


def test_unanswered_verify_true_question_is_not_a_criterion() -> None:
    result, _ = gate_for({**ALL_TEXT, "fit": "s63"})
    assert result.criterion("verified:refs") is None


def test_hidden_or_unknown_gate_questions_are_not_asked_for() -> None:
    result, _ = gate_for({**ALL_TEXT, "fit": "s63"}, verified=["partner", "gone"])
    assert result.criterion("verified:partner") is None  # hidden: fit is not s100
    assert result.criterion("verified:gone") is None  # not in this version of the set
    assert result.passed


# ------------------------------------------------------------------------ result


def test_all_criteria_in_order_and_to_dict() -> None:
    answers = {"fit": "s42", "kind": "a", "refs": True}
    result, _ = gate_for(
        answers, {"refs": "stated"}, min_score=50, min_coverage=0.8, verified=["plan"]
    )
    assert [c.key for c in result.criteria] == [
        "knockouts",
        "required",
        "min_score",
        "min_coverage",
        "verified:plan",
        "verified:refs",
    ]
    assert result.unmet == [
        "1 required question unanswered: “Region?”",
        "score 42 below 50",
        "coverage 30% below 80%",
        "“Written plan?” unanswered; it needs a verified answer",
        "“References?” not verified yet (stated)",
    ]
    data = json.loads(json.dumps(result.to_dict()))
    assert data["stage"] == "first-date"
    assert data["next_stage"] == "going-steady"
    assert data["passed"] is False
    assert data["unmet"] == result.unmet
    assert data["criteria"][0] == {
        "key": "knockouts",
        "met": True,
        "text": "No knock-outs",
        "questions": [],
    }
    assert data["score"] == pytest.approx(42)


def test_next_stage_is_optional() -> None:
    qs = make_set()
    result = evaluate_gate(stage(), qs, score(qs, {}))
    assert result.next_stage_id is None


# --------------------------------------------------------------------- next step


def step_for(answers: dict[str, Any], sources: dict[str, str] | None = None, **gate: Any) -> str:
    qs = make_set()
    b = score(qs, answers)
    st = stage(**gate)
    result = evaluate_gate(st, qs, b, sources=sources, next_stage=NEXT)
    return next_step(st, result, b, qs, next_stage=NEXT)


def test_next_step_when_the_gate_is_met() -> None:
    step = step_for({**ALL_TEXT, "fit": "s63"}, min_score=50)
    assert step == "Ready for Going steady: propose the next meeting"


def test_next_step_at_the_last_stage() -> None:
    qs = make_set()
    b = score(qs, {**ALL_TEXT, "fit": "s63"})
    st = stage()
    result = evaluate_gate(st, qs, b)
    assert next_step(st, result, b, qs) == (
        "First date gate met: keep the relationship measured with regular reviews"
    )


def test_next_step_when_knocked_out() -> None:
    step = step_for({"fit": "rental"}, min_score=50)
    assert step == (
        "Not a fit: confirm the deal-breaker (Rental only, at “Fit?”), then part ways with that reason"
    )


def test_next_step_names_the_section_with_most_unanswered_questions_and_what_to_verify() -> None:
    answers = {"fit": "s63", "kind": "a", "region": "b", "refs": True}
    step = step_for(answers, {"refs": "stated"}, min_coverage=0.8)
    assert step == "Keep dating: cover Go-to-market — 6 questions unanswered; verify “References?”"


def test_next_step_asks_for_required_questions_first() -> None:
    step = step_for({"fit": "s63"}, min_score=50)
    assert step == "Keep dating: answer 2 required questions: “Kind?”; “Region?”"


def test_next_step_when_only_the_score_is_short() -> None:
    """Fully answered and still below the gate: the conversation has happened, so the step
    is a verdict (here they fit us least: part ways), with the reason and what would have
    to change, not "keep dating"."""
    answers = {**ALL_TEXT, "fit": "s42", "refs": False, "plan": "x"}
    step = step_for(answers, {"refs": "verified"}, min_score=50)
    assert step == (
        "Part ways (score 42; the gate needs 50): they do not fit us. Reopen only if you can "
        "strengthen Basics."
    )

"""What a gate says, word for word: the sentences an area manager reads in the CLI, the
app and a move's history, the questions it quotes, and which answers need evidence."""

from __future__ import annotations

from dataclasses import replace

import pytest

from qualify.core.gates import evaluate_gate, evidence_shares, needs_evidence
from qualify.core.questionnaire.model import QuestionSet, Stage
from qualify.core.scoring import score


def question_set(*questions: dict, **extra: object) -> QuestionSet:
    return QuestionSet.model_validate(
        {
            "id": "words",
            "title": "Words",
            "version": 1,
            "sections": [{"id": "s", "title": "Sales", "questions": list(questions)}],
            **extra,
        }
    )


def stage(**gate: object) -> Stage:
    return Stage.model_validate(
        {"id": "st", "title": "Stage", "questionnaire": "words", "gate": gate}
    )


def yes_no(qid: str, text: str, **more: object) -> dict:
    return {"id": qid, "text": text, "type": "yes_no", **more}


def test_needs_evidence_when_the_set_or_the_gate_asks_for_it() -> None:
    qs = question_set(
        yes_no("signed", "Signed?", verify=True),
        yes_no("plan", "Plan?"),
        yes_no("other", "Other?"),
    )
    gate = stage(verified=["plan"])
    assert needs_evidence(None, qs, "signed") is True  # the set says verify: true
    assert needs_evidence(gate, qs, "signed") is True
    assert needs_evidence(gate, qs, "plan") is True  # the gate lists it
    assert needs_evidence(None, qs, "plan") is False
    assert needs_evidence(gate, qs, "other") is False
    assert needs_evidence(gate, qs, "lines") is False  # not in this set
    assert needs_evidence(stage(verified=["lines"]), qs, "lines") is True


def test_evidence_shares_add_up_every_answer_of_a_source() -> None:
    choice = {"type": "choice", "options": [{"value": "a", "score": 1}, {"value": "b", "score": 3}]}
    qs = question_set(
        {"id": "one", "text": "One?", **choice},
        {"id": "two", "text": "Two?", **choice},
        {"id": "three", "text": "Three?", **choice},
    )
    breakdown = score(qs, {"one": "b", "two": "b", "three": "b"})  # equal weights and points
    shares = evidence_shares(breakdown, {"one": "verified", "two": "verified", "three": "hearsay"})
    assert shares == {
        "verified": pytest.approx(2 / 3),  # both verified answers count, not just the last
        "our_records": 0.0,
        "observed": 0.0,
        "stated": pytest.approx(1 / 3),  # a source qualify does not know counts as stated
        "estimated": 0.0,
    }
    assert list(shares) == ["verified", "our_records", "observed", "stated", "estimated"]


def test_a_score_of_one_point_still_has_its_shares() -> None:
    qs = question_set(
        {
            "id": "tiny",
            "text": "Tiny?",
            "type": "choice",
            "options": [{"value": "a", "score": 1}, {"value": "b", "score": 100}],
        }
    )
    breakdown = score(qs, {"tiny": "a"})
    assert breakdown.score == pytest.approx(1.0)
    shares = evidence_shares(breakdown, {"tiny": "observed"})
    assert shares is not None and shares["observed"] == pytest.approx(1.0)


REFS = {
    "id": "refs",
    "title": "References",
    "repeat": {"max": 3},
    "questions": [{"id": "who", "text": "Who  is the\nreference?", "type": "text"}],
}


def test_a_gate_quotes_the_questions_as_asked() -> None:
    """Whitespace folded, long texts cut at 70 characters, a repeat numbered, another
    stage's question by its id, and no more than two quoted in a condition's line."""
    long = "Has the dealer signed the partner plan with named targets for each quarter ahead?"
    qs = QuestionSet.model_validate(
        {
            "id": "words",
            "title": "Words",
            "version": 1,
            "sections": [
                {
                    "id": "s",
                    "title": "Sales",
                    "questions": [
                        yes_no("a", "Is  the\nplan signed?", required=True),
                        yes_no("b", long, required=True),
                        yes_no("c", "C?", required=True),
                        yes_no("d", "D?", required=True),
                    ],
                },
                {**REFS, "questions": [{**REFS["questions"][0], "required": True}]},
            ],
        }
    )
    gate = stage(
        require=[
            {"when": "a and b and c", "text": "Plan, targets and C"},
            {"when": "first-date.lines > 3 or a", "text": "Lines or a plan"},
        ]
    )
    result = evaluate_gate(gate, qs, score(qs, {"d": True}))
    required = result.criterion("required")
    assert required is not None and required.text == (
        "4 required questions unanswered: “Is the plan signed?”; "
        "“Has the dealer signed the partner plan with named targets for each qu…”; "
        "“C?” and 1 more"
    )
    assert required.questions == ("a", "b", "c", "refs[0].who")
    first, second = result.criterion("require:0"), result.criterion("require:1")
    assert first is not None and first.text == (
        "not known yet (“Is the plan signed?”; “Has the dealer signed the partner plan with "
        "named targets for each qu…” and 1 more unanswered): Plan, targets and C"
    )
    assert second is not None and second.text == (
        "not known yet (first-date.lines; “Is the plan signed?” unanswered): Lines or a plan"
    )
    answered = score(qs, {"a": True, "b": True, "c": True, "d": True})
    left = evaluate_gate(gate, qs, answered).criterion("required")
    assert left is not None and left.text == (
        "1 required question unanswered: “Who is the reference? (#1)”"
    )


def test_a_gate_result_as_stored_with_a_move() -> None:
    qs = question_set(yes_no("a", "A?", required=True))
    result = evaluate_gate(stage(min_coverage=0.5), qs, score(qs, {}), next_stage=stage())
    assert result.to_dict() == {
        "stage": "st",
        "next_stage": "st",
        "passed": False,
        "score": None,
        "coverage": 0.0,
        "criteria": [
            {"key": "knockouts", "met": True, "text": "No knock-outs", "questions": []},
            {
                "key": "required",
                "met": False,
                "text": "1 required question unanswered: “A?”",
                "questions": ["a"],
            },
            {"key": "min_coverage", "met": False, "text": "coverage 0% below 50%", "questions": []},
        ],
        "unmet": ["1 required question unanswered: “A?”", "coverage 0% below 50%"],
    }


def test_a_question_is_cut_only_past_seventy_characters() -> None:
    seventy = "Q" * 69 + "?"
    qs = question_set(
        yes_no("exact", seventy, required=True), yes_no("over", "Q" * 70 + "?", required=True)
    )
    required = evaluate_gate(stage(), qs, score(qs, {})).criterion("required")
    assert required is not None
    assert required.text == f"2 required questions unanswered: “{seventy}”; “{'Q' * 69}…”"


def test_minimums_per_direction_and_section_in_words() -> None:
    choice = {
        "type": "choice",
        "options": [
            {"value": "a", "score": 1, "knockout": "Too small"},
            {"value": "b", "score": 3},
            {"value": "c", "score": 5},
        ],
    }
    qs = QuestionSet.model_validate(
        {
            "id": "words",
            "title": "Words",
            "version": 1,
            "sections": [
                {
                    "id": "s",
                    "title": "Sales",
                    "questions": [{"id": "one", "text": "One?", **choice}],
                },
                {
                    "id": "t",
                    "title": "Service",
                    "direction": "we_fit_them",
                    "questions": [{"id": "two", "text": "Two?", **choice}],
                },
                {**REFS, "questions": [{"id": "who", "text": "Who is it?", **choice}]},
            ],
        }
    )
    gate = stage(
        min_direction={"they_fit_us": 33.333, "we_fit_them": 50},
        min_section={"s": 70, "refs": 10},
    )
    texts = {c.key: c.text for c in evaluate_gate(gate, qs, score(qs, {"one": "b"})).criteria}
    assert texts["min_direction:they_fit_us"] == "how well they fit us 60 ≥ 33.33"
    assert (
        texts["min_direction:we_fit_them"] == "how well we can serve them: no score yet (needs 50)"
    )
    assert texts["min_section:s"] == "Sales 60 below 70"
    assert texts["min_section:refs"] == "References: no score yet (needs 10)"
    knocked = evaluate_gate(gate, qs, score(qs, {"one": "b", "refs[1].who": "a"}))
    knockouts = knocked.criterion("knockouts")
    assert knockouts is not None  # a repeated section's question quoted as asked
    assert knockouts.text == "Knocked out: Too small (“Who is it?”)"


def test_a_breakdown_recorded_without_required_flags_still_counts_the_sets() -> None:
    """Breakdowns stored before `required` was recorded per line read it as false: the
    set's own `required: true` still holds the gate."""
    qs = question_set(yes_no("a", "A?", required=True), yes_no("b", "B?"))
    fresh = score(qs, {"b": True})
    old = replace(
        fresh,
        sections=tuple(
            replace(s, questions=tuple(replace(q, required=False) for q in s.questions))
            for s in fresh.sections
        ),
    )
    required = evaluate_gate(stage(), qs, old).criterion("required")
    assert required is not None and not required.met
    assert required.text == "1 required question unanswered: “A?”"

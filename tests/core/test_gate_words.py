"""What a gate says, word for word: the sentences an area manager reads in the CLI, the
app and a move's history, the questions it quotes, and which answers need evidence."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime

import pytest

from qualify.core.gates import GateResult, evaluate_gate, evidence_shares, needs_evidence
from qualify.core.questionnaire.model import QuestionSet, Stage
from qualify.core.redflags import RedFlag
from qualify.core.scoring import score
from qualify.i18n import tr, use_language


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


def test_a_knocked_out_prospect_never_passes_and_says_so() -> None:
    choice = {
        "type": "choice",
        "options": [{"value": "a", "score": 1, "knockout": "Too small"}, {"value": "b"}],
    }
    qs = question_set({"id": "size", "text": "Size?", **choice})
    hit = evaluate_gate(stage(), qs, score(qs, {"size": "a"}))
    assert hit.passed is False
    assert hit.to_dict()["criteria"][0] == {
        "key": "knockouts",
        "met": False,
        "text": "Knocked out: Too small (“Size?”)",
        "questions": ["size"],
    }
    # a breakdown knocked out without a named hit (recorded so by an older version)
    unnamed = replace(score(qs, {"size": "b"}), knocked_out=True, knockouts=())
    result = evaluate_gate(stage(), qs, unnamed)
    assert result.passed is False
    assert result.to_dict()["criteria"][0] == {
        "key": "knockouts",
        "met": False,
        "text": "Knocked out",
        "questions": [],
    }
    assert result.unmet == ["Knocked out"]


FLAG = RedFlag(
    id="words.fit",
    set_id="words",
    stage="st",
    interview_id="i",
    key="fit",
    question="Fit?",
    answer="a",
    reason="Weak fit",
    holds_every_gate=False,
    raised_at=datetime(2026, 1, 1, tzinfo=UTC),
)

CHOICE = {"type": "choice", "options": [{"value": "a", "score": 1}, {"value": "b", "score": 3}]}

EVERY_CRITERION = question_set(
    yes_no("plan", "Plan signed?", required=True, verify=True),
    yes_no("lines", "Lines?", required=True),
    {"id": "fit", "text": "Fit?", **CHOICE},
    {"id": "size", "text": "Size?", "type": "number", "verify": True},
    {"id": "refs", "text": "References?", "type": "text"},
    verdict_coverage=0.9,
)
FULL_GATE = stage(
    min_score=50,
    min_coverage=0.75,
    verified=["refs", "fit"],
    require=[
        {"when": "lines", "text": "Has lines"},
        {"when": "plan and fit == 'b'", "text": "Plan and fit"},
    ],
    no_open_red_flags=True,
)


def sentences(result: GateResult) -> list[tuple[str, bool, str, tuple[str, ...]]]:
    return [(c.key, c.met, c.text, c.questions) for c in result.criteria]


def test_every_criterion_unmet_in_words() -> None:
    breakdown = score(EVERY_CRITERION, {"plan": True, "lines": False, "fit": "a"})
    sources = {"plan": "stated", "fit": "our_records"}  # our records count as evidence
    result = evaluate_gate(FULL_GATE, EVERY_CRITERION, breakdown, sources=sources, red_flags=[FLAG])
    assert sentences(result) == [
        ("knockouts", True, "No knock-outs", ()),
        ("required", True, "All 2 required questions answered", ()),
        ("red_flags", False, "1 red flag open: Weak fit (words: fit)", ("words.fit",)),
        ("min_score", False, "score 33 below 50", ()),
        ("require:0", False, "not so: Has lines", ()),
        ("require:1", False, "not so: Plan and fit", ()),
        ("min_coverage", False, "coverage 60% below 75%", ()),
        ("verified:refs", False, "“References?” unanswered; it needs a verified answer", ("refs",)),
        ("verified:fit", True, "“Fit?” verified", ("fit",)),
        ("verified:plan", False, "“Plan signed?” not verified yet (stated)", ("plan",)),
    ]
    assert result.passed is False
    assert (result.score, result.coverage) == (pytest.approx(100 / 3), 0.6)


def test_every_criterion_met_in_words() -> None:
    answers = {"plan": True, "lines": True, "fit": "b", "size": 3, "refs": "Acme"}
    sources = {"plan": "verified", "fit": "observed", "size": "estimated", "refs": "verified"}
    result = evaluate_gate(
        FULL_GATE, EVERY_CRITERION, score(EVERY_CRITERION, answers), sources=sources
    )
    assert sentences(result) == [
        ("knockouts", True, "No knock-outs", ()),
        ("required", True, "All 2 required questions answered", ()),
        ("red_flags", True, "No open red flags", ()),
        ("min_score", True, "score 100 ≥ 50", ()),
        ("require:0", True, "Has lines", ()),
        ("require:1", True, "Plan and fit", ()),
        ("min_coverage", True, "coverage 100% ≥ 75%", ()),
        ("verified:refs", True, "“References?” verified", ("refs",)),
        ("verified:fit", False, "“Fit?” not verified yet (observed)", ("fit",)),
        ("verified:plan", True, "“Plan signed?” verified", ("plan",)),
        ("verified:size", False, "“Size?” not verified yet (estimated)", ("size",)),
    ]
    assert result.passed is False
    passing = evaluate_gate(
        FULL_GATE,
        EVERY_CRITERION,
        score(EVERY_CRITERION, answers),
        sources={k: "verified" for k in answers},
        next_stage=stage(),
    )
    assert passing.passed is True and passing.unmet == []
    assert passing.to_dict()["passed"] is True and passing.to_dict()["next_stage"] == "st"


def test_a_red_flag_at_a_gate_that_does_not_ask_holds_it_all_the_same() -> None:
    breakdown = score(EVERY_CRITERION, {"plan": True})
    result = evaluate_gate(stage(), EVERY_CRITERION, breakdown, red_flags=[FLAG, FLAG])
    assert sentences(result)[1:3] == [
        ("required", False, "1 required question unanswered: “Lines?”", ("lines",)),
        (
            "red_flags:held",
            False,
            "2 red flags open: Weak fit (words: fit); Weak fit (words: fit)",
            ("words.fit", "words.fit"),
        ),
    ]
    assert sentences(result)[3:] == [
        ("verified:plan", False, "“Plan signed?” not verified yet (stated)", ("plan",))
    ]


def test_too_little_answered_for_a_verdict() -> None:
    qs = question_set(
        {"id": "fit", "text": "Fit?", **CHOICE},
        {"id": "fit2", "text": "Fit 2?", **CHOICE},
        yes_no("only", "Only?", required=True),
        verdict_coverage=0.6,
    )
    thin = score(qs, {"fit": "b", "only": True})
    assert sentences(evaluate_gate(stage(min_coverage=0), qs, thin)) == [
        ("knockouts", True, "No knock-outs", ()),
        ("required", True, "1 required question answered", ()),
        (
            "verdict_coverage",
            False,
            "too little answered for a verdict: 50% of the scored weight (needs 60%)",
            (),
        ),
        ("min_coverage", True, "coverage 67% ≥ 0%", ()),
    ]
    enough = score(qs, {"fit": "b", "fit2": "a", "only": True})
    assert evaluate_gate(stage(), qs, enough).criterion("verdict_coverage") is None


def test_hidden_sections_and_questions_and_earlier_stages() -> None:
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
                        yes_no("shop", "Shop?"),
                        yes_no("signed", "Signed?", verify=True),
                        {**yes_no("space", "Space?"), "when": "shop"},
                    ],
                },
                {
                    "id": "t",
                    "title": "Showroom",
                    "when": "shop",
                    "questions": [{"id": "fit", "text": "Fit?", **CHOICE}],
                },
            ],
        }
    )
    gate = stage(
        min_section={"t": 50},
        verified=["space", "signed"],  # `space` hidden; `signed` also says verify: true
        require=[
            {"when": "first-date.lines > 3 and signed", "text": "Lines and signed"},
            {"when": "first-date.lines > 3 or first-date.lines < 0", "text": "Lines known"},
        ],
    )
    breakdown = score(qs, {"shop": False, "signed": True}, earlier={"first-date": {"lines": 5}})
    assert sentences(evaluate_gate(gate, qs, breakdown, sources={"signed": "verified"})) == [
        ("knockouts", True, "No knock-outs", ()),
        ("required", True, "No required questions to answer", ()),
        ("min_section:t", True, "Showroom: not asked of this prospect", ()),
        ("require:0", True, "Lines and signed", ()),
        ("require:1", True, "Lines known", ()),
        ("verified:signed", True, "“Signed?” verified", ("signed",)),  # once
    ]
    unknown = score(qs, {"shop": True}, earlier={"first-date": {"lines": None}})
    assert sentences(evaluate_gate(gate, qs, unknown))[2:] == [
        ("min_section:t", False, "Showroom: no score yet (needs 50)", ()),
        (
            "require:0",
            False,
            "not known yet (first-date.lines; “Signed?” unanswered): Lines and signed",
            ("first-date.lines", "signed"),
        ),
        (
            "require:1",
            False,
            "not known yet (first-date.lines unanswered): Lines known",  # named once
            ("first-date.lines",),
        ),
        ("verified:space", False, "“Space?” unanswered; it needs a verified answer", ("space",)),
        ("verified:signed", False, "“Signed?” unanswered; it needs a verified answer", ("signed",)),
    ]


def test_thresholds_with_decimals_in_words() -> None:
    qs = question_set(
        *({"id": f"q{n}", "text": f"Q{n}?", **CHOICE} for n in range(4)),
        verdict_coverage=0.8888,
    )
    three = score(qs, {"q0": "b", "q1": "b", "q2": "a"})
    result = evaluate_gate(stage(min_score=33.333), qs, three)
    assert sentences(result)[2:] == [
        ("min_score", True, "score 78 ≥ 33.33", ()),
        (
            "verdict_coverage",
            False,
            "too little answered for a verdict: 75% of the scored weight (needs 88.9%)",
            (),
        ),
    ]
    nothing = evaluate_gate(stage(min_score=33.333), qs, score(qs, {}))
    assert sentences(nothing)[2:] == [("min_score", False, "no score yet (needs 33.33)", ())]
    assert nothing.criteria[2].met is False


def test_coverage_thresholds_and_unknown_directions_in_words() -> None:
    qs = question_set(yes_no("a", "A?"), yes_no("b", "B?"), yes_no("c", "C?"))
    result = evaluate_gate(
        stage(min_coverage=0.66666, min_direction={"sideways": 50}, min_section={"nowhere": 5}),
        qs,
        score(qs, {"a": True}),
    )
    assert sentences(result)[2:] == [  # the loader refuses these; a gate built in code
        ("min_direction:sideways", False, "sideways: no score yet (needs 50)", ()),
        ("min_section:nowhere", False, "nowhere: no score yet (needs 5)", ()),
        ("min_coverage", False, "coverage 33% below 66.7%", ()),
    ]


def test_every_section_minimum_after_a_hidden_one_and_conditions_on_today() -> None:
    qs = QuestionSet.model_validate(
        {
            "id": "words",
            "title": "Words",
            "version": 1,
            "sections": [
                {"id": "s", "title": "Sales", "questions": [yes_no("shop", "Shop?")]},
                {
                    "id": "t",
                    "title": "Showroom",
                    "when": "shop",
                    "questions": [{"id": "fit", "text": "Fit?", **CHOICE}],
                },
                {
                    "id": "u",
                    "title": "Service",
                    "questions": [
                        {"id": "fit2", "text": "Fit 2?", **CHOICE},
                        {"id": "since", "text": "Since?", "type": "date"},
                    ],
                },
            ],
        }
    )
    gate = stage(
        min_section={"t": 50, "u": 50},
        require=[{"when": "days_since(since) > 30", "text": "A month in"}],
    )
    answers = {"shop": False, "fit2": "b", "since": "2026-01-01"}
    breakdown = score(qs, answers, today=date(2026, 3, 1))
    assert sentences(evaluate_gate(gate, qs, breakdown))[2:] == [
        ("min_section:t", True, "Showroom: not asked of this prospect", ()),
        ("min_section:u", True, "Service 100 ≥ 50", ()),  # still checked
        ("require:0", True, "A month in", ()),  # today as the breakdown had it
    ]


def test_a_threshold_is_never_rounded_into_the_score_it_blocks() -> None:
    """A minimum of 60.004 blocks a score of 60: the sentence says so, not "60 below 60";
    a threshold that does not collide keeps its usual two decimals."""
    none_or_all = {
        "type": "choice",
        "options": [{"value": "a", "score": 0}, {"value": "b", "score": 3}],
    }
    qs = question_set(*({"id": f"q{n}", "text": f"Q{n}?", **none_or_all} for n in range(4)))
    breakdown = score(qs, {"q0": "b", "q1": "b", "q2": "a", "q3": "a"})
    assert breakdown.score == 50
    value = "50"
    blocked = evaluate_gate(stage(min_score=breakdown.score + 0.004), qs, breakdown)
    [criterion] = [c for c in blocked.criteria if c.key == "min_score"]
    assert (criterion.met, criterion.text) == (False, f"score {value} below {value}.004")
    far = evaluate_gate(stage(min_score=breakdown.score + 10.004), qs, breakdown)
    [criterion] = [c for c in far.criteria if c.key == "min_score"]
    assert criterion.text == f"score {value} below {breakdown.score + 10:g}"
    # as many decimals as keep them apart, and no more
    finer = evaluate_gate(stage(min_score=breakdown.score + 0.0041234), qs, breakdown)
    [criterion] = [c for c in finer.criteria if c.key == "min_score"]
    assert criterion.text == f"score {value} below {value}.004"
    # a section's and a direction's minimum alike
    parts = evaluate_gate(
        stage(min_section={"s": 50.004}, min_direction={"they_fit_us": 50.004}), qs, breakdown
    )
    assert [c.text for c in parts.criteria if c.key.startswith("min_")] == [
        "how well they fit us 50 below 50.004",
        "Sales 50 below 50.004",
    ]


def test_coverage_thresholds_are_said_with_one_decimal_and_never_rounded_into_the_value() -> None:
    five = question_set(
        yes_no("plan", "Is the plan signed?", verify=True, score={"yes": 5}),
        *(yes_no(f"q{n}", f"Q{n}?", score={"yes": 5}) for n in range(4)),
    )
    everything = {"plan": True, "q0": True, "q1": True, "q2": True, "q3": True}
    met = evaluate_gate(stage(min_coverage=0.8266), five, score(five, everything))
    assert met.criterion("min_coverage").text == "coverage 100% ≥ 82.7%"  # type: ignore[union-attr]
    four = score(five, {"plan": True, "q0": True, "q1": True, "q2": True})  # 80%
    short = evaluate_gate(stage(min_coverage=0.80004), five, four, sources={"plan": "stated"})
    assert short.criterion("min_coverage").text == "coverage 80% below 80.004%"  # type: ignore[union-attr]
    # the source of an answer not verified yet, in the language in use
    claim = short.criterion("verified:plan")
    assert claim is not None and claim.text == "“Is the plan signed?” not verified yet (stated)"
    with use_language("de"):
        assert tr(claim.text) == "„Is the plan signed?“ noch nicht geprüft (angegeben)"


def test_a_coverage_minimum_with_nothing_to_answer_says_so() -> None:
    hidden = question_set(yes_no("a", "A?", when="other.x == 1"))  # never asked here
    gate = evaluate_gate(stage(min_coverage=0.8), hidden, score(hidden, {}))
    criterion = gate.criterion("min_coverage")
    assert criterion is not None and not criterion.met
    assert criterion.text == "nothing to answer (needs 80%)"

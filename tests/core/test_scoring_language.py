"""Scoring with the grown-up language: calculated values, dates, required_when, repeated
sections and earlier stages' answers, each with a hand-computed example."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import pytest

from qualify.core.breakdown import RedFlagHit
from qualify.core.gates import evaluate_gate
from qualify.core.questionnaire.model import QuestionSet, Stage
from qualify.core.scoring import score, visible_questions

TODAY = date(2026, 3, 1)


def make(*sections: dict[str, Any]) -> QuestionSet:
    return QuestionSet.model_validate(
        {"id": "t", "title": "T", "version": 1, "sections": list(sections)}
    )


def q(qid: str, qtype: str = "number", **extra: Any) -> dict[str, Any]:
    return {"id": qid, "text": f"{qid}?", "type": qtype, **extra}


BANDS = [{"below": 1, "score": 0}, {"below": 2, "score": 2}, {"score": 4}]

COST = make(
    {
        "id": "support",
        "title": "Support load",
        "questions": [
            q("hours"),
            q("rate"),
            q("visits"),
            q("visit_rate"),
            q("training_days"),
            q("day_rate"),
            q(
                "cost_to_serve",
                "calculated",
                formula="hours * rate * 12 + visits * visit_rate * 4 + training_days * day_rate",
                unit="€",
            ),
            q("revenue"),
            q("margin"),
            q("earnings", "calculated", formula="revenue * margin / 100", unit="€"),
            q(
                "earnings_ratio",
                "calculated",
                formula="round(earnings / cost_to_serve, 2)",
                score_bands=BANDS,
                knockout={"when": "earnings_ratio < 0.5", "reason": "Costs twice what it earns"},
            ),
        ],
    }
)
COST_ANSWERS = {
    "hours": 10,
    "rate": 60,
    "visits": 2,
    "visit_rate": 400,
    "training_days": 3,
    "day_rate": 800,
    "revenue": 200_000,
    "margin": 12,
}


def test_cost_to_serve_against_earnings() -> None:
    b = score(COST, COST_ANSWERS)
    line = {x.id: x for x in b.sections[0].questions}
    assert line["cost_to_serve"].value == 10 * 60 * 12 + 2 * 400 * 4 + 3 * 800 == 12_800
    assert line["earnings"].value == 24_000
    assert line["earnings_ratio"].value == 1.88
    assert line["earnings_ratio"].points == 2 and b.score == 50
    assert line["earnings_ratio"].inputs == (("earnings", 24_000), ("cost_to_serve", 12_800))
    assert line["cost_to_serve"].inputs == tuple(
        (k, COST_ANSWERS[k])
        for k in ("hours", "rate", "visits", "visit_rate", "training_days", "day_rate")
    )
    assert not b.knocked_out


def test_a_partner_that_costs_more_than_it_earns_is_knocked_out() -> None:
    b = score(COST, {**COST_ANSWERS, "hours": 40, "revenue": 60_000})
    ratio = b.question("earnings_ratio")
    assert ratio is not None and ratio.value == 0.21 and ratio.points == 0
    assert b.knocked_out and b.knockouts[0].reason == "Costs twice what it earns"


@pytest.mark.parametrize(
    ("change", "why"),
    [
        ({"rate": None}, "an input unanswered"),
        ({"hours": 0, "visits": 0, "training_days": 0}, "zero cost"),
    ],
)
def test_a_calculated_value_is_unanswered_never_an_error(change: dict, why: str) -> None:
    answers = {k: v for k, v in {**COST_ANSWERS, **change}.items() if v is not None}
    b = score(COST, answers)
    ratio = b.question("earnings_ratio")
    assert ratio is not None and not ratio.answered and ratio.value is None, why
    assert ratio.points is None and ratio.contribution is None
    assert b.score is None  # nothing scored is answered
    assert not b.knocked_out


def test_calculated_questions_count_in_no_coverage() -> None:
    b = score(COST, COST_ANSWERS)
    assert (b.answered, b.visible, b.coverage) == (8, 8, 1.0)


def test_a_hidden_input_leaves_the_value_unanswered() -> None:
    qs = make(
        {
            "id": "s",
            "title": "S",
            "questions": [
                q("installs", "yes_no"),
                q("technicians", when="installs"),
                q("per_tech", "calculated", formula="100 / technicians", score_bands=BANDS),
            ],
        }
    )
    shown = score(qs, {"installs": True, "technicians": 4})
    hidden = score(qs, {"installs": False, "technicians": 4})
    assert shown.question("per_tech").value == 25  # type: ignore[union-attr]
    assert hidden.question("per_tech").value is None  # type: ignore[union-attr]


def test_a_formula_reading_a_later_question_and_conditions_on_calculated_values() -> None:
    qs = make(
        {
            "id": "summary",
            "title": "Summary",
            "questions": [q("ratio", "calculated", formula="earnings / cost", score_bands=BANDS)],
        },
        {
            "id": "money",
            "title": "Money",
            "questions": [
                q("earnings"),
                q("cost", "calculated", formula="hours * 50"),
                q("hours"),
                q("why_so_costly", "text", when="ratio < 1"),
            ],
        },
    )
    b = score(qs, {"earnings": 1000, "hours": 40})
    assert b.question("cost").value == 2000  # type: ignore[union-attr]
    assert b.question("ratio").value == 0.5  # type: ignore[union-attr]
    assert b.question("why_so_costly").visible  # type: ignore[union-attr]
    assert not score(qs, {"earnings": 5000, "hours": 40}).question("why_so_costly").visible  # type: ignore[union-attr]


def test_dates_and_today() -> None:
    qs = make(
        {
            "id": "s",
            "title": "S",
            "questions": [
                q("founded", "date"),
                q(
                    "years",
                    "calculated",
                    formula="round(days_since(founded) / 365.25)",
                    score_bands=[{"below": 3, "score": 0}, {"below": 10, "score": 3}, {"score": 5}],
                ),
                q("last_audit", "date"),
                q("audit_findings", "text", when="days_since(last_audit) <= 365"),
                q("young", "yes_no", when="founded > '2020-01-01'"),
            ],
        }
    )
    answers = {"founded": "2016-02-15", "last_audit": "2025-06-01"}
    b = score(qs, answers, today=TODAY)
    assert b.question("years").value == 10 and b.question("years").points == 5  # type: ignore[union-attr]
    assert b.question("years").inputs == (("founded", "2016-02-15"), ("today()", "2026-03-01"))  # type: ignore[union-attr]
    assert b.question("audit_findings").visible  # type: ignore[union-attr]
    assert not b.question("young").visible  # type: ignore[union-attr]
    assert b.today == TODAY
    unknown_day = score(qs, answers)  # no date given: nothing that needs today is known
    assert unknown_day.question("years").value is None  # type: ignore[union-attr]
    assert not unknown_day.question("audit_findings").visible  # type: ignore[union-attr]


def test_required_when_makes_a_question_required_for_the_gate() -> None:
    qs = make(
        {
            "id": "s",
            "title": "S",
            "questions": [
                q("hours"),
                q("why", "text", required_when="hours > 20"),
            ],
        }
    )
    stage = Stage(id="s", title="S", questionnaire="t")
    light = score(qs, {"hours": 5})
    heavy = score(qs, {"hours": 25})
    assert not light.question("why").required and heavy.question("why").required  # type: ignore[union-attr]
    assert evaluate_gate(stage, qs, light).passed
    gate = evaluate_gate(stage, qs, heavy)
    assert not gate.passed
    assert gate.criterion("required").questions == ("why",)  # type: ignore[union-attr]


# ------------------------------------------------------------------ repeated sections


def refs_set(repeat_score: str = "mean") -> QuestionSet:
    return make(
        {
            "id": "basics",
            "title": "Basics",
            "questions": [q("reps", score_bands=BANDS)],
        },
        {
            "id": "refs",
            "title": "References",
            "repeat": {"min": 1, "max": 3},
            "repeat_score": repeat_score,
            "questions": [
                q("ref_company", "text"),
                q(
                    "ref_outcome",
                    "choice",
                    when="ref_company != ''",
                    options=[
                        {"value": "confirm", "score": 4},
                        {"value": "mixed", "score": 2},
                        {"value": "negative", "score": 0, "knockout": "A reference warned us off"},
                    ],
                ),
                q("ref_years", score_bands=BANDS, when="ref_outcome != 'negative'"),
            ],
        },
    )


REFS = {
    "reps": 3,  # 4 of 4
    "refs[0].ref_company": "Acme",
    "refs[0].ref_outcome": "confirm",  # 4 of 4
    "refs[0].ref_years": 1.5,  # 2 of 4: repeat 0 scores 75
    "refs[1].ref_company": "Beta",
    "refs[1].ref_outcome": "mixed",  # 2 of 4: repeat 1 scores 50 (years unanswered)
}


@pytest.mark.parametrize(
    ("how", "section", "overall"), [("mean", 62.5, 81.25), ("min", 50, 75), ("max", 75, 87.5)]
)
def test_a_repeated_section_scores_each_repeat(how: str, section: float, overall: float) -> None:
    b = score(refs_set(how), REFS)
    refs = b.section("refs")
    assert refs is not None and refs.repeats is not None
    assert [(r.index, r.score, r.answered, r.visible) for r in refs.repeats] == [
        (0, 75, 3, 3),
        (1, 50, 2, 3),
    ]
    assert refs.score == section and b.score == overall
    assert (refs.answered, refs.visible) == (5, 6) and refs.coverage == pytest.approx(5 / 6)
    assert refs.repeat_score == how
    assert sum(x.contribution or 0 for s in b.sections for x in s.questions) == pytest.approx(
        overall
    )
    keys = [(x.answer_key, x.repeat) for x in refs.questions]
    assert keys[:4] == [
        ("refs[0].ref_company", 0),
        ("refs[0].ref_outcome", 0),
        ("refs[0].ref_years", 0),
        ("refs[1].ref_company", 1),
    ]


@pytest.mark.parametrize(("how", "section"), [("mean", 0.25), ("min", 0), ("max", 0.5)])
def test_a_repeat_that_scores_0_counts_as_0(how: str, section: float) -> None:
    qs = make(
        {
            "id": "refs",
            "title": "R",
            "repeat": {"min": 1, "max": 3},
            "repeat_score": how,
            "questions": [
                q(
                    "outcome",
                    "choice",
                    options=[
                        {"value": "bad", "score": 0},
                        {"value": "meh", "score": 1},
                        {"value": "great", "score": 200},
                    ],
                )
            ],
        }
    )
    # repeat 0 scores 0, repeat 1 scores 100 × 1 / 200 = 0.5
    b = score(qs, {"refs[0].outcome": "bad", "refs[1].outcome": "meh"})
    assert [r.score for r in b.section("refs").repeats] == [0, 0.5]  # type: ignore[union-attr]
    assert b.score == pytest.approx(section)


def test_conditions_inside_a_repeat_read_that_repeat() -> None:
    answers = {**REFS, "refs[1].ref_outcome": "negative", "refs[1].ref_years": 5}
    b = score(refs_set(), answers)
    assert b.question("refs[0].ref_years").visible  # type: ignore[union-attr]
    assert not b.question("refs[1].ref_years").visible  # type: ignore[union-attr]
    assert b.knocked_out and b.knockouts[0].question == "ref_outcome"


def test_repeats_shown_follow_the_answers_and_min() -> None:
    qs = refs_set()
    assert score(qs, {}).section("refs").repeats[0].visible == 1  # type: ignore[index,union-attr]
    shown = visible_questions(qs, {"refs[2].ref_company": "Gamma"})
    assert {k for k in shown if k.startswith("refs[")} == {
        f"refs[{r}].{x}" for r in range(3) for x in ("ref_company", "ref_outcome", "ref_years")
    }
    assert "refs[1].ref_company" in visible_questions(qs, {}, repeats={"refs": 2})


def test_repeats_shown_ignore_what_no_repeat_can_hold() -> None:
    answers = {
        "reps": 3,  # not a repeat's key
        "other[0].ref_company": "Nowhere",  # no such repeated section
        "refs[1].ref_company": "Beta",
        "refs[2].ref_company": None,  # cleared: asks for no third repeat
        "refs[3].ref_company": "Delta",  # beyond max 3 (repeats 0, 1 and 2)
    }
    b = score(refs_set(), answers)
    assert [r.index for r in b.section("refs").repeats] == [0, 1]  # type: ignore[union-attr]
    assert b.question("refs[1].ref_company").value == "Beta"  # type: ignore[union-attr]
    shown = visible_questions(refs_set(), answers)
    assert sorted({k.split(".")[0] for k in shown if "[" in k}) == ["refs[0]", "refs[1]"]


def test_a_repeated_section_with_min_0_is_left_out_until_answered() -> None:
    qs = make({"id": "owners", "title": "O", "repeat": {"min": 0, "max": 2}, "questions": [q("x")]})
    assert visible_questions(qs, {}) == {}
    assert score(qs, {}).section("owners").repeats == ()  # type: ignore[union-attr]
    assert list(visible_questions(qs, {"owners[0].x": 1})) == ["owners[0].x"]


def test_knockouts_and_red_flags_inside_a_repeat_read_that_repeat_and_the_rest() -> None:
    qs = make(
        {"id": "basics", "title": "B", "questions": [q("reps")]},
        {
            "id": "refs",
            "title": "R",
            "repeat": {"min": 1, "max": 3},
            "questions": [
                q(
                    "ref_years",
                    knockout={"when": "ref_years < 1", "reason": "A reference of months"},
                    red_flag={"when": "ref_years > reps", "reason": "Older than the team"},
                ),
            ],
        },
    )
    answers = {"reps": 4, "refs[0].ref_years": 5, "refs[1].ref_years": 0.5, "refs[2].ref_years": 2}
    b = score(qs, answers)
    assert [(k.question, k.reason) for k in b.knockouts] == [("ref_years", "A reference of months")]
    assert b.question("refs[1].ref_years").knockout == "A reference of months"  # type: ignore[union-attr]
    assert b.question("refs[0].ref_years").knockout is None  # type: ignore[union-attr]
    assert [f.key for f in b.red_flags] == ["refs[0].ref_years"]


def test_a_condition_inside_a_repeat_reads_the_rest_of_the_set_and_today() -> None:
    qs = make(
        {"id": "basics", "title": "B", "questions": [q("reps")]},
        {
            "id": "visits",
            "title": "V",
            "repeat": {"min": 1, "max": 2},
            "questions": [
                q("on", "date"),
                q("follow_up", "text", when="reps > 2 and days_since(on) < 30"),
            ],
        },
    )
    answers = {"reps": 3, "visits[0].on": "2026-02-20", "visits[1].on": "2025-12-01"}
    shown = visible_questions(qs, answers, today=TODAY)
    assert shown["visits[0].follow_up"] and not shown["visits[1].follow_up"]
    assert not visible_questions(qs, answers)["visits[0].follow_up"]  # no today
    assert not visible_questions(qs, {**answers, "reps": 2}, today=TODAY)["visits[0].follow_up"]


def test_a_section_shown_by_days_since_and_a_formula_inside_a_repeat() -> None:
    qs = make(
        {"id": "basics", "title": "B", "questions": [q("last_visit", "date")]},
        {
            "id": "recent",
            "title": "Recent",
            "when": "days_since(last_visit) < 90",
            "repeat": {"min": 1, "max": 2},
            "questions": [
                q("units"),
                q("price"),
                q("order", "calculated", formula="units * price", score_bands=BANDS),
                q("on", "date"),
                q("age", "calculated", formula="days_since(on)"),
            ],
        },
    )
    answers = {
        "last_visit": "2026-01-15",  # 45 days before TODAY
        "recent[0].units": 3,
        "recent[0].price": 0.5,
        "recent[1].units": 2,
        "recent[1].on": "2026-02-20",
    }
    b = score(qs, answers, today=TODAY)
    assert b.question("recent[1].age").value == 9  # type: ignore[union-attr]
    assert b.section("recent").shown  # type: ignore[union-attr]
    assert b.question("recent[0].order").value == 1.5  # type: ignore[union-attr]
    assert b.question("recent[0].order").points == 2  # type: ignore[union-attr]
    assert b.question("recent[0].order").inputs == (("units", 3), ("price", 0.5))  # type: ignore[union-attr]
    assert b.question("recent[1].order").value is None  # no price: unanswered
    assert b.section("recent").score == 50  # type: ignore[union-attr]
    assert not score(qs, answers).section("recent").shown  # type: ignore[union-attr]
    old = score(qs, {**answers, "last_visit": "2025-06-01"}, today=TODAY)
    assert not old.section("recent").shown and old.score is None  # type: ignore[union-attr]


def test_knockouts_and_red_flags_may_count_days_since() -> None:
    qs = make(
        {
            "id": "s",
            "title": "S",
            "questions": [
                q(
                    "last_audit",
                    "date",
                    knockout={"when": "days_since(last_audit) > 730", "reason": "No audit"},
                    red_flag={"when": "days_since(last_audit) > 365", "reason": "Old audit"},
                ),
            ],
        }
    )
    old = score(qs, {"last_audit": "2023-06-01"}, today=TODAY)  # 1004 days before
    assert [k.reason for k in old.knockouts] == ["No audit"]
    assert [f.reason for f in old.red_flags] == ["Old audit"]
    aging = score(qs, {"last_audit": "2024-12-01"}, today=TODAY)  # 455 days
    assert not aging.knocked_out and [f.reason for f in aging.red_flags] == ["Old audit"]
    recent = score(qs, {"last_audit": "2025-06-01"}, today=TODAY)  # 273 days
    assert not recent.knocked_out and recent.red_flags == ()
    unknown_day = score(qs, {"last_audit": "2023-06-01"})  # no today: nothing can hold
    assert not unknown_day.knocked_out and unknown_day.red_flags == ()


def test_red_flags_knockouts_and_required_on_each_line() -> None:
    qs = make(
        {
            "id": "s",
            "title": "S",
            "questions": [
                q(
                    "last_audit",
                    "date",
                    red_flag={
                        "when": "days_since(last_audit) > 365",
                        "reason": "Old audit",
                        "holds_every_gate": True,
                    },
                ),
                q("audit_plan", "text", required_when="days_since(last_audit) > 365"),
                q(
                    "shelf",
                    "yes_no",
                    score={"yes": 1},
                    knockout={"when": "not shelf", "reason": "No shelf"},
                    red_flag={"when": "not shelf", "reason": "Shelf in doubt"},
                ),
                q(
                    "markets",
                    "multi",
                    options=[
                        {"value": "grey", "knockout": "Grey imports"},
                        {"value": "parallel", "knockout": "Parallel trade"},
                        {"value": "av", "score": 1},
                    ],
                ),
            ],
        }
    )
    answers = {"last_audit": "2024-12-01", "markets": ["grey", "parallel"]}
    b = score(qs, answers, today=TODAY)
    assert b.red_flags == (RedFlagHit("last_audit", "last_audit", "Old audit", True),)
    assert b.question("last_audit").red_flag == "Old audit"  # type: ignore[union-attr]
    assert b.question("audit_plan").required  # type: ignore[union-attr]
    assert not score(qs, answers).question("audit_plan").required  # type: ignore[union-attr]
    # both reasons of one answer, on its line and in the list
    assert b.question("markets").knockout == "Grey imports; Parallel trade"  # type: ignore[union-attr]
    assert [k.reason for k in b.knockouts] == ["Grey imports", "Parallel trade"]
    # `not shelf` holds while shelf is unanswered, yet only an answer knocks out or flags
    assert b.question("shelf").knockout is None and b.question("shelf").red_flag is None  # type: ignore[union-attr]
    no_shelf = score(qs, {"shelf": False}, today=TODAY)
    assert [k.reason for k in no_shelf.knockouts] == ["No shelf"]
    assert no_shelf.red_flags == (RedFlagHit("shelf", "shelf", "Shelf in doubt", False),)


def test_questions_shown_follow_earlier_stages_and_today() -> None:
    assert visible_questions(LATER, {}, earlier={"first-date": {"competing_lines": 3}}) == {
        "share_of_mind": True,
        "exclusivity": True,
    }
    assert not any(visible_questions(LATER, {}).values())  # nothing known of the first date
    qs = make(
        {
            "id": "s",
            "title": "S",
            "questions": [
                q("last_audit", "date"),
                q("findings", "text", when="days_since(last_audit) <= 365"),
            ],
        }
    )
    assert visible_questions(qs, {"last_audit": "2025-06-01"}, today=TODAY)["findings"]
    assert not visible_questions(qs, {"last_audit": "2025-06-01"})["findings"]


def test_a_repeated_breakdown_survives_json() -> None:
    data = json.loads(json.dumps(score(refs_set(), REFS).to_dict()))
    refs = data["sections"][1]
    assert refs["repeat_score"] == "mean"
    assert [r["score"] for r in refs["repeats"]] == [75, 50]
    assert refs["questions"][0]["key"] == "refs[0].ref_company"
    assert "key" not in data["sections"][0]["questions"][0]


def test_a_plain_set_breakdown_has_no_new_fields() -> None:
    data = score(
        make({"id": "s", "title": "S", "questions": [q("n", score_bands=BANDS)]}), {"n": 3}
    ).to_dict()
    assert set(data["sections"][0]) == {
        "id",
        "title",
        "direction",
        "weight",
        "score",
        "coverage",
        "answered",
        "visible",
        "questions",
    }
    assert "inputs" not in data["sections"][0]["questions"][0]


# ------------------------------------------------------------------ earlier stages

LATER = make(
    {
        "id": "s",
        "title": "S",
        "when": "first-date.competing_lines < 10",
        "questions": [
            q(
                "share_of_mind",
                "calculated",
                formula="100 / (first-date.competing_lines + 1)",
                score_bands=[{"below": 10, "score": 0}, {"below": 25, "score": 2}, {"score": 4}],
            ),
            q(
                "exclusivity",
                "yes_no",
                knockout={
                    "when": "exclusivity and first-date.carries_competitor",
                    "reason": "Exclusivity while carrying our competitor",
                },
            ),
        ],
    }
)


def test_earlier_stages_feed_conditions_formulas_and_knockouts() -> None:
    earlier = {"first-date": {"competing_lines": 3, "carries_competitor": True}}
    b = score(LATER, {"exclusivity": True}, earlier=earlier)
    assert b.question("share_of_mind").value == 25 and b.score == 100  # type: ignore[union-attr]
    assert b.question("share_of_mind").inputs == (("first-date.competing_lines", 3),)  # type: ignore[union-attr]
    assert b.knocked_out
    assert not score(
        LATER, {"exclusivity": True}, earlier={"first-date": {"competing_lines": 3}}
    ).knocked_out
    hidden = score(LATER, {"exclusivity": True}, earlier={"first-date": {"competing_lines": 12}})
    assert not hidden.question("exclusivity").visible  # type: ignore[union-attr]
    assert score(LATER, {}).sections[0].visible == 0  # nothing known of the first date


def test_score_is_pure() -> None:
    earlier = {"first-date": {"competing_lines": 3}}
    first = score(LATER, {"exclusivity": False}, earlier=earlier, today=TODAY).to_dict()
    second = score(LATER, {"exclusivity": False}, earlier=earlier, today=TODAY).to_dict()
    assert first == second

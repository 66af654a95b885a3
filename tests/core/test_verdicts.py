"""Verdicts a channel manager would sign: verdict coverage, gates by direction and section,
gate conditions on earlier stages, red flags that travel, next steps after a full
conversation, and after-care at review."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from qualify.core.assess import Snapshots, assess, list_row
from qualify.core.gates import evaluate_gate
from qualify.core.nextstep import next_step
from qualify.core.questionnaire import content_hash, load_catalog
from qualify.core.questionnaire.model import Pipeline, QuestionSet, Stage
from qualify.core.records import (
    AnswerRecord,
    HistoryEntry,
    Interview,
    Prospect,
    ProspectRecords,
)
from qualify.core.scoring import score

NOW = datetime(2026, 6, 1, 12, tzinfo=UTC)


def qset(sections: list[dict[str, Any]], **extra: Any) -> QuestionSet:
    return QuestionSet.model_validate(
        {"id": extra.pop("id", "t"), "title": "T", "version": 1, "sections": sections, **extra}
    )


def scale(qid: str, **extra: Any) -> dict[str, Any]:
    return {"id": qid, "text": f"{qid}?", "type": "scale", **extra}


FIT = qset(
    [
        {
            "id": "niche",
            "title": "Niche",
            "improve": "confirm a niche of ours",
            "questions": [scale("a"), scale("b")],
        },
        {
            "id": "serve",
            "title": "Serve",
            "direction": "we_fit_them",
            "improve": "find a gap our line fills",
            "questions": [scale("c"), scale("d")],
        },
    ],
    verdict_coverage=0.6,
)


def stage(**gate: Any) -> Stage:
    return Stage.model_validate(
        {"id": "s", "title": "First date", "questionnaire": "t", "gate": gate}
    )


# ------------------------------------------------------------ verdict coverage


def test_a_thin_score_is_provisional_and_has_no_band() -> None:
    b = score(FIT, {"a": 5})
    assert b.weight_answered == pytest.approx(0.25)
    assert b.provisional and b.band is None and b.score == 100
    full = score(FIT, {"a": 5, "b": 4, "c": 4})
    assert full.weight_answered == pytest.approx(0.75)
    assert not full.provisional and full.band == "Strong fit"
    assert b.to_dict()["provisional"] is True and b.to_dict()["band"] is None


def test_verdict_coverage_weighs_only_the_scored_questions_asked() -> None:
    qs = qset(
        [
            {
                "id": "s",
                "title": "S",
                "questions": [
                    scale("a"),  # weight 1 × 4 points
                    scale("b", when="a > 2"),
                    scale("c", weight=3),  # 3 × 4
                    {"id": "note", "text": "note?", "type": "text"},
                ],
            },
            {"id": "t", "title": "T", "weight": 3, "questions": [scale("d"), scale("e")]},
        ],
        verdict_coverage=0.5,
    )
    # s: b hidden, the note unscored: a answered, 4 of 16; t: d, 4 of 8; (1×¼ + 3×½) / 4
    b = score(qs, {"a": 1, "note": "x", "d": 3})
    assert b.weight_answered == pytest.approx(0.4375)
    assert b.provisional and b.band is None
    # b shown and answered: s 8 of 20 (⅖), t ½: (1×⅖ + 3×½) / 4 = 0.475, still short
    assert score(qs, {"a": 3, "b": 2, "d": 3}).weight_answered == pytest.approx(0.475)
    enough = score(qs, {"a": 3, "b": 2, "d": 3, "e": 3})
    assert enough.weight_answered == pytest.approx(0.85) and not enough.provisional
    one_point = qset(
        [
            {
                "id": "s",
                "title": "S",
                "questions": [scale("a"), {**scale("y"), "type": "yes_no", "score": {"yes": 1}}],
            }
        ]
    )
    assert score(one_point, {"a": 5}).weight_answered == pytest.approx(0.8)  # 4 of 4 + 1
    two = qset(
        [
            {"id": "s", "title": "S", "questions": [scale("a")]},
            {
                "id": "t",
                "title": "T",
                "questions": [{**scale("y"), "type": "yes_no", "score": {"yes": 1}}],
            },
        ]
    )
    assert score(two, {"a": 5}).weight_answered == pytest.approx(0.5)  # s all, t none of 1 point


def test_two_references_of_five_are_the_40_percent_a_set_asks_for() -> None:
    refs = qset(
        [
            {
                "id": "refs",
                "title": "References",
                "repeat": {"min": 5, "max": 5},
                "questions": [scale("outcome", weight=0.7)],
            }
        ],
        verdict_coverage=0.4,
    )
    b = score(refs, {"refs[0].outcome": 4, "refs[1].outcome": 5})
    assert b.weight_answered == pytest.approx(0.4)  # 0.39999999999999997 in floating point
    assert not b.provisional and b.band is not None


def test_a_provisional_score_does_not_pass_a_gate() -> None:
    result = evaluate_gate(stage(min_score=50), FIT, score(FIT, {"a": 5}))
    verdict = result.criterion("verdict_coverage")
    assert verdict is not None and not verdict.met and not result.passed
    assert verdict.text == "too little answered for a verdict: 25% of the scored weight (needs 60%)"
    step = next_step(stage(min_score=50), result, score(FIT, {"a": 5}), FIT)
    assert step.startswith("Keep dating: cover ")


def test_a_knock_out_is_a_verdict_however_thin() -> None:
    qs = qset(
        [
            {
                "id": "s",
                "title": "S",
                "questions": [
                    {**scale("a"), "knockout": {"when": "a == 1", "reason": "no"}},
                    scale("b"),
                ],
            }
        ],
        verdict_coverage=0.9,
    )
    b = score(qs, {"a": 1})
    assert b.knocked_out and not b.provisional and b.band == "Not a fit"


# ------------------------------------------------ gates by direction and section


def test_gates_by_direction_and_section_say_what_is_short() -> None:
    b = score(FIT, {"a": 5, "b": 5, "c": 1, "d": 2})
    result = evaluate_gate(
        stage(min_direction={"they_fit_us": 55, "we_fit_them": 45}, min_section={"niche": 50}),
        FIT,
        b,
    )
    texts = {c.key: (c.met, c.text) for c in result.criteria}
    assert texts["min_direction:they_fit_us"] == (True, "how well they fit us 100 ≥ 55")
    assert texts["min_direction:we_fit_them"] == (False, "how well we can serve them 12 below 45")
    assert texts["min_section:niche"] == (True, "Niche 100 ≥ 50")


def test_fully_answered_below_the_gate_for_us_is_just_friends_with_the_fix_in_words() -> None:
    b = score(FIT, {"a": 5, "b": 5, "c": 1, "d": 2})
    st = stage(min_direction={"we_fit_them": 45})
    step = next_step(st, evaluate_gate(st, FIT, b), b, FIT)
    assert step == (
        "Just friends: how well we can serve them 12 (needs 45). Agree a date to call "
        "again, and reopen when you can find a gap our line fills."
    )


def test_fully_answered_below_the_gate_for_them_is_part_ways() -> None:
    b = score(FIT, {"a": 1, "b": 2, "c": 5, "d": 5})
    st = stage(min_score=60, min_section={"niche": 50})
    step = next_step(st, evaluate_gate(st, FIT, b), b, FIT)
    assert step.startswith("Part ways (score 56; the gate needs 60): Niche 12 (needs 50).")
    assert step.endswith("Reopen only if you can confirm a niche of ours.")
    assert "strengthen" not in step


def test_a_section_without_improve_words_falls_back_to_its_title() -> None:
    plain = qset([{"id": "x", "title": "Support load", "questions": [scale("a")]}])
    assert plain.sections[0].improvement == "strengthen Support load"


def test_gate_conditions_read_earlier_stages_and_name_what_is_unknown() -> None:
    st = stage(require=[{"when": "first-date.lines < 3 and a >= 3", "text": "few competing lines"}])
    b = score(FIT, {"a": 4}, earlier={"first-date": {"lines": 5}})
    c = evaluate_gate(st, FIT, b).criterion("require:0")
    assert c is not None and not c.met and c.text == "not so: few competing lines"
    b = score(FIT, {"a": 4}, earlier={"first-date": {"lines": 1}})
    assert evaluate_gate(st, FIT, b).criterion("require:0").met  # type: ignore[union-attr]
    c = evaluate_gate(st, FIT, score(FIT, {"a": 4})).criterion("require:0")
    assert c is not None and c.text.startswith("not known yet (first-date.lines unanswered)")


# --------------------------------------------------------------- the pipeline file


def write_folder(tmp_path: Path, pipeline: str, sets: dict[str, str]) -> Path:
    for name, text in sets.items():
        (tmp_path / f"{name}.yaml").write_text(text, "utf-8")
    (tmp_path / "pipeline.yaml").write_text(pipeline, "utf-8")
    return tmp_path


def one_set(set_id: str, body: str = "") -> str:
    return (
        f"id: {set_id}\ntitle: T\nversion: 1\nsections:\n"
        "  - id: niche\n    title: Niche\n    questions:\n"
        "      - {id: a, text: A, help: h, type: scale}\n" + body
    )


def test_the_loader_places_unknown_directions_sections_and_kinds(tmp_path: Path) -> None:
    folder = write_folder(
        tmp_path,
        "stages:\n"
        "  - id: one\n    title: One\n    questionnaire: {default: a, distributer: b}\n"
        "    gate: {min_direction: {they_fit_sus: 50, we_fit_them: 10}, min_section: {nich: 5}}\n"
        "  - id: two\n    title: Two\n    questionnaire: b\n"
        '    gate:\n      require:\n        - {when: "one.a > 2", text: t}\n',
        {"a": one_set("a"), "b": one_set("b")},
    )
    out = sorted(str(p).replace(str(folder) + "/", "") for p in load_catalog(folder).errors)
    assert out == [
        "pipeline.yaml:11:19: condition: unknown question set 'one'",
        "pipeline.yaml:4:33: 'distributer' is not a kind of partner (did you mean "
        "'distributor'?); use default, dealer, distributor, reseller, integrator, other",
        "pipeline.yaml:5:28: 'they_fit_sus' is not a direction of fit (did you mean "
        "'they_fit_us'?); use they_fit_us or we_fit_them",
        "pipeline.yaml:5:46: a has no section of the direction 'we_fit_them': it would never pass",
        "pipeline.yaml:5:46: b has no section of the direction 'we_fit_them': it would never pass",
        "pipeline.yaml:5:78: 'nich' is not a section of a (did you mean 'niche'?)",
        "pipeline.yaml:5:78: 'nich' is not a section of b (did you mean 'niche'?)",
    ]


def test_per_kind_sets_are_picked_by_kind_with_a_default() -> None:
    st = Stage.model_validate(
        {"id": "g", "title": "G", "questionnaire": {"default": "g", "distributor": "g-d"}}
    )
    assert st.set_for("distributor") == "g-d"
    assert st.set_for("dealer") == st.set_for() == "g"
    assert st.set_ids == ("g", "g-d")


def test_red_flag_conditions_are_checked_against_the_whole_pipeline(tmp_path: Path) -> None:
    first = one_set(
        "first",
        "      - id: b\n        text: B\n        help: h\n        type: scale\n"
        "        red_flag: {when: 'b < 3', reason: low, cleared_when: \"later.c == 'ok'\"}\n",
    )
    later = one_set("later").replace(
        "type: scale}", "type: scale}\n      - {id: d, text: D, help: h, type: text}"
    )
    folder = write_folder(
        tmp_path,
        "stages:\n  - {id: f, title: F, questionnaire: first}\n  - {id: l, title: L, questionnaire: later}\n",
        {"first": first, "later": later},
    )
    errors = [p.message for p in load_catalog(folder).errors]
    assert errors == [
        "condition: 'c' is not a question of later (did you mean 'd'?)"
    ] or errors == ["condition: 'c' is not a question of later"]


# ------------------------------------------------------------ red flags, assessed


FLAGGED = qset(
    [
        {
            "id": "niche",
            "title": "Niche",
            "questions": [
                {
                    "id": "lines",
                    "text": "Competing line?",
                    "type": "choice",
                    "options": [{"value": "none", "score": 5}, {"value": "direct", "score": 1}],
                    "red_flag": {
                        "when": "lines == 'direct'",
                        "reason": "Carries a competing line",
                        "cleared_when": "terms.plan == 'ours_lead'",
                    },
                },
            ],
        }
    ],
    id="first",
)
TERMS = qset(
    [
        {
            "id": "t",
            "title": "Terms",
            "questions": [
                {
                    "id": "plan",
                    "text": "Plan?",
                    "type": "choice",
                    "options": [{"value": "ours_lead", "score": 5}, {"value": "open", "score": 5}],
                }
            ],
        }
    ],
    id="terms",
    bands=[
        {"min": 75, "label": "Ready to sign", "without_red_flags": True},
        {"min": 0, "label": "Not ready"},
    ],
)
PIPELINE = Pipeline.model_validate(
    {
        "stages": [
            {"id": "first", "title": "First", "questionnaire": "first"},
            {
                "id": "terms",
                "title": "Terms",
                "questionnaire": "terms",
                "gate": {"no_open_red_flags": True},
            },
        ]
    }
)


def interview(
    qs: QuestionSet, stage_id: str, answers: dict[str, tuple[Any, str]], n: int
) -> Interview:
    at = NOW - timedelta(days=10 - n)
    return Interview(
        id=f"i{n}",
        prospect_id="p",
        stage=stage_id,
        questionnaire_id=qs.id,
        questionnaire_version=1,
        questionnaire_hash=content_hash(qs),
        started_at=at,
        updated_at=at,
        answers={
            k: AnswerRecord(question_id=k, value=v, source=src, answered_at=at)  # type: ignore[arg-type]
            for k, (v, src) in answers.items()
        },
    )


def assess_terms(plan: tuple[Any, str] | None, history: tuple[HistoryEntry, ...] = ()) -> Any:
    interviews = [interview(FLAGGED, "first", {"lines": ("direct", "stated")}, 0)]
    interviews.append(interview(TERMS, "terms", {"plan": plan} if plan else {}, 1))
    records = ProspectRecords(Prospect(id="p", name="P", stage="terms"), tuple(interviews), history)
    snapshots = Snapshots({content_hash(FLAGGED): FLAGGED, content_hash(TERMS): TERMS})
    active = {"first": FLAGGED, "terms": TERMS}
    return (
        assess(records, pipeline=PIPELINE, snapshots=snapshots, active_sets=active, now=NOW),
        records,
        snapshots,
    )


def test_an_open_red_flag_travels_holds_the_gate_and_lowers_the_band() -> None:
    a, records, snapshots = assess_terms(("open", "verified"))
    assert [f.status for f in a.red_flags] == ["open"]
    assert a.breakdown.score == 100 and a.breakdown.band == "Not ready"
    assert not a.gate.passed and a.gate.criterion("red_flags").questions == ("first.lines",)
    assert a.next_step.startswith("Held at Terms by 1 red flag: settle each with evidence")
    assert list_row(records, snapshots, today=NOW.date()).band == "Not ready"


def test_a_claim_does_not_clear_a_red_flag_evidence_does() -> None:
    a, _, _ = assess_terms(("ours_lead", "stated"))
    assert a.red_flags[0].status == "open" and a.red_flags[0].waiting_for == ("terms.plan",)
    for source in ("verified", "our_records"):
        a, _, _ = assess_terms(("ours_lead", source))
        assert a.red_flags[0].status == "cleared" and a.red_flags[0].cleared_by == ("terms.plan",)
        assert a.breakdown.band == "Ready to sign" and a.gate.passed


def test_overriding_a_gate_that_needs_no_red_flags_accepts_them() -> None:
    a, _, _ = assess_terms(("open", "verified"))
    moved = HistoryEntry(
        prospect_id="p",
        action="advance",
        from_stage="terms",
        to_stage="done",
        gate=a.gate.to_dict(),
        overridden=True,
        reason="Director accepts the competing line for one year",
    )
    a, records, snapshots = assess_terms(("open", "verified"), (moved,))
    flag = a.red_flags[0]
    assert flag.status == "overridden" and flag.override.startswith("Director accepts")
    # accepted at signature, it no longer lowers the band, in the list too
    assert a.breakdown.band == "Ready to sign"
    assert list_row(records, snapshots, today=NOW.date()).band == "Ready to sign"

"""The one assessment: which interview counts, the gate, the next step, the list row, and
the moves that follow from them — decided once for the CLI, the app, reports and the store."""

from __future__ import annotations

import json
import shutil
import time
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path

import pytest

from qualify.core import moves
from qualify.core.assess import Assessment, Snapshots, assess, earlier_values, list_row
from qualify.core.questionnaire import Catalog, content_hash, load_catalog, load_question_set
from qualify.core.questionnaire.model import Pipeline, QuestionSet
from qualify.core.records import (
    AnswerRecord,
    HistoryEntry,
    Interview,
    Prospect,
    ProspectRecords,
    ProspectStatus,
)

FIXTURES = Path(__file__).parents[1] / "reports" / "fixtures" / "questionnaires"
T0 = datetime(2025, 3, 1, 9, 0, tzinfo=UTC)
NOW = datetime(2025, 6, 1, 12, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return load_catalog(FIXTURES)


def snapshots_of(catalog: Catalog) -> Snapshots:
    return Snapshots({content_hash(qs): qs for qs in catalog.question_sets.values()})


def interview(
    catalog: Catalog,
    stage: str,
    answers: dict[str, object],
    *,
    at: datetime = T0,
    kind: str = "stage",
    sources: dict[str, str] | None = None,
) -> Interview:
    qs = (
        catalog.question_sets[catalog.pipeline.stage_map[stage].questionnaire]
        if kind == "stage"
        else catalog.question_sets["review"]
    )  # type: ignore[union-attr]
    return Interview(
        id=f"i-{stage}-{at:%m%d}",
        prospect_id="p1",
        stage=stage,
        kind=kind,  # type: ignore[arg-type]
        questionnaire_id=qs.id,
        questionnaire_version=qs.version,
        questionnaire_hash=content_hash(qs),
        answers={
            qid: AnswerRecord(
                question_id=qid, value=v, answered_at=at, source=(sources or {}).get(qid, "stated")
            )  # type: ignore[arg-type]
            for qid, v in answers.items()
        },
        started_at=at,
        updated_at=at,
    )


STRONG_INTRO = {"business": "integrator", "years": 25, "local_presence": True}


def run(catalog: Catalog, prospect: Prospect, *interviews: Interview, history=()):
    records = ProspectRecords(prospect, tuple(interviews), tuple(history))
    return assess(
        records,
        pipeline=catalog.pipeline,  # type: ignore[arg-type]
        snapshots=snapshots_of(catalog),
        active_sets=catalog.question_sets,
        now=NOW,
        tz=UTC,
    )


def test_a_new_prospect_has_a_gate_saying_what_is_missing(catalog: Catalog) -> None:
    a = run(catalog, Prospect(id="p1", name="New", stage="intro"))
    assert a.current is None and a.basis is None and a.breakdown is None
    assert a.gate is not None and not a.gate.passed
    assert a.gate_set is catalog.question_sets["intro"]
    assert a.gate.criterion("required") is not None
    assert not a.gate.criterion("required").met  # type: ignore[union-attr]
    assert a.next_step.startswith("Book the First date conversation:")
    row = a.summary()
    assert row.score is None and row.band is None and row.stage == "intro"


def test_after_a_move_the_earlier_verdict_stands_until_the_new_stage_has_answers(
    catalog: Catalog,
) -> None:
    intro = interview(catalog, "intro", STRONG_INTRO)
    p = Prospect(id="p1", name="Atlas", stage="plan")
    a = run(catalog, p, intro)
    assert a.current is None  # nothing asked at Going steady yet
    assert a.basis is not None and a.basis.interview.stage == "intro"
    row = a.summary()
    assert row.score == a.basis.breakdown.score and row.band == a.basis.breakdown.band  # type: ignore[union-attr]
    plan = interview(catalog, "plan", {"plan_signed": True}, at=T0 + timedelta(days=5))
    b = run(catalog, p, intro, plan)
    assert b.basis is not None and b.basis.interview.stage == "plan"
    assert b.current is b.basis


def test_list_row_from_records_equals_the_assessments_row(catalog: Catalog) -> None:
    intro = interview(catalog, "intro", STRONG_INTRO)
    p = Prospect(id="p1", name="Atlas", stage="intro", updated_at=T0 - timedelta(days=9))
    records = ProspectRecords(p, (intro,), ())
    assert list_row(records, snapshots_of(catalog)) == run(catalog, p, intro).summary()
    # the last activity is the answer, not the older change of facts
    assert list_row(records, snapshots_of(catalog)).updated_at == T0


def test_declined_prospect_has_no_gate_and_gives_its_reason(catalog: Catalog) -> None:
    p = Prospect(id="p1", name="Gone", stage="intro", status=ProspectStatus.declined)
    history = [
        HistoryEntry(prospect_id="p1", action="decline", reason="Sells  only\nonline", at=T0)
    ]
    a = run(catalog, p, interview(catalog, "intro", STRONG_INTRO), history=history)
    assert a.gate is None
    assert a.reason == "Sells only online"
    assert (
        a.next_step == "Parted ways (Sells only online). Reopen only if the reason no longer holds."
    )


def test_committed_partner_row_shows_its_latest_review_and_review_due(catalog: Catalog) -> None:
    committed_at = T0 + timedelta(days=1)
    p = Prospect(id="p1", name="Partner", stage="review", status=ProspectStatus.committed)
    history = [
        HistoryEntry(prospect_id="p1", action="advance", to_stage="commit", at=committed_at),
    ]
    a = run(catalog, p, interview(catalog, "intro", STRONG_INTRO), history=history)
    assert a.review is None
    assert a.review_due == (committed_at + timedelta(days=90)).date()
    review_at = T0 + timedelta(days=40)
    review = interview(catalog, "review", {"outcome": "grow"}, at=review_at, kind="review")
    b = run(catalog, p, interview(catalog, "intro", STRONG_INTRO), review, history=history)
    assert b.review is not None and b.review.interview.id == review.id
    assert b.review_due == (review_at + timedelta(days=90)).date()
    assert b.summary().score == b.review.breakdown.score  # type: ignore[union-attr]


# ------------------------------------------------------------------------ moves


def test_advance_moves_to_the_next_stage_and_commits_at_the_last(catalog: Catalog) -> None:
    pipeline = catalog.pipeline
    assert pipeline is not None
    a = run(catalog, Prospect(id="p1", name="Atlas", stage="intro"))
    assert a.gate is not None and not a.gate.passed
    with pytest.raises(moves.MoveRefused, match="gate is not met"):
        moves.advance(a.prospect, a.gate, pipeline)
    with pytest.raises(moves.MoveRefused, match="needs a reason"):
        moves.advance(a.prospect, a.gate, pipeline, override="  ")
    move = moves.advance(a.prospect, a.gate, pipeline, override="Director's call", by="anna")
    assert move.prospect.stage == "plan" and move.prospect.status == ProspectStatus.active
    assert move.entry.overridden and move.entry.reason == "Director's call"
    assert move.entry.gate == a.gate.to_dict() and move.entry.by == "anna"
    at_plan = Prospect(id="p1", name="Atlas", stage="plan")
    to_commit = moves.advance(at_plan, a.gate, pipeline, override="x")
    assert (to_commit.prospect.stage, to_commit.prospect.status) == ("commit", "committed")
    at_commit = Prospect(id="p1", name="Atlas", stage="commit", status=ProspectStatus.committed)
    to_review = moves.advance(at_commit, a.gate, pipeline, override="x")
    assert to_review.prospect.stage == "review"
    at_review = Prospect(id="p1", name="Atlas", stage="review", status=ProspectStatus.committed)
    with pytest.raises(moves.MoveRefused, match="past the last stage"):
        moves.advance(at_review, a.gate, pipeline, override="x")


def test_status_changes_need_reasons_and_apply_only_where_they_make_sense() -> None:
    p = Prospect(id="p1", name="Atlas", stage="plan")
    with pytest.raises(moves.MoveRefused, match="needs a reason"):
        moves.change_status(p, "decline", "  ")
    with pytest.raises(moves.MoveRefused, match="only declined or on-hold"):
        moves.change_status(p, "reopen", "why not")
    held = moves.change_status(p, "hold", "Budget frozen", recontact_on=date(2026, 1, 5))
    assert held.prospect.status == ProspectStatus.on_hold
    assert held.prospect.recontact_on == date(2026, 1, 5)
    assert (held.entry.from_stage, held.entry.to_stage) == ("plan", "plan")
    back = moves.change_status(held.prospect, "reopen", "Budget released")
    assert back.prospect.status == ProspectStatus.active and back.prospect.recontact_on is None
    gone = moves.change_status(p, "decline", " Online discounter ")
    assert gone.entry.reason == "Online discounter"
    with pytest.raises(moves.MoveRefused, match="already declined"):
        moves.change_status(gone.prospect, "decline", "again")
    with pytest.raises(moves.MoveRefused, match="reopen"):
        moves.check_can_advance(gone.prospect, catalog_pipeline())


def catalog_pipeline():
    return load_catalog(FIXTURES).pipeline


# ------------------------------------------------------------------- next steps


def prospect(stage: str, **facts: object) -> Prospect:
    return Prospect(id="p1", name="Atlas", stage=stage, **facts)  # type: ignore[arg-type]


def commit_at(at: datetime) -> HistoryEntry:
    return HistoryEntry(
        prospect_id="p1", action="advance", from_stage="plan", to_stage="commit", at=at
    )


def test_a_declined_or_held_prospect_is_told_what_the_method_says(catalog: Catalog) -> None:
    gone = run(catalog, prospect("intro", status=ProspectStatus.declined))
    assert gone.reason == ""  # no decline entry kept a reason
    assert gone.next_step == "Parted ways. Reopen only if the reason no longer holds."
    held = {"stage": "intro", "status": ProspectStatus.on_hold}
    assert run(catalog, prospect(**held)).next_step == "Just friends: agree a date to call again."
    today = run(catalog, prospect(**held, recontact_on=NOW.date()))
    assert today.next_step == "Just friends: due for a call (re-contact date 2025-06-01)."
    later = run(catalog, prospect(**held, recontact_on=NOW.date() + timedelta(days=1)))
    assert later.next_step == "Just friends: call again on 2025-06-02."


def test_a_committed_partner_settles_in_then_moves_on_to_the_reviews(catalog: Catalog) -> None:
    committed = prospect("commit", status=ProspectStatus.committed)
    # committed before the onboarding conversation (an advance overridden): the reviews
    # cannot start yet, so it is onboarding that is due, not a review
    assert run(catalog, committed, history=[commit_at(T0)]).next_step == (
        "Settling in: finish onboarding — Book the Commitment conversation: 2 questions to "
        "ask, 2 of them required."
    )
    started = interview(catalog, "commit", {"first_order": True})
    assert run(catalog, committed, started).next_step == (
        "Settling in: finish onboarding — answer the required question “Is the agreement "
        "signed?”; cover Onboarding — 1 question unanswered."
    )
    claimed = interview(catalog, "commit", {"first_order": True, "agreement_signed": True})
    assert run(catalog, committed, claimed).next_step == (
        "Settling in: finish onboarding — verify “Is the agreement signed?”."
    )
    failed = interview(
        catalog,
        "commit",
        {"first_order": False, "agreement_signed": False},
        sources={"agreement_signed": "verified"},
    )
    assert run(catalog, committed, failed).next_step == (
        "Settling in: finish onboarding — Part ways (score 0; the gate needs 90): they do not "
        "fit us. Reopen only if you can strengthen Onboarding."
    )
    done = interview(
        catalog,
        "commit",
        {"first_order": True, "agreement_signed": True},
        sources={"agreement_signed": "verified"},
    )
    a = run(catalog, committed, done, history=[commit_at(T0)])
    assert a.committed_at == T0 and a.review_due == date(2025, 5, 30)
    assert a.next_step == (
        "Onboarding complete: move on to the relationship reviews (advance); the first review "
        "is due on 2025-05-30."
    )
    assert run(catalog, committed, done).next_step == (
        "Onboarding complete: move on to the relationship reviews (advance)."
    )


def test_a_committed_partner_is_reviewed_on_the_pipelines_cadence(catalog: Catalog) -> None:
    partner = prospect("review", status=ProspectStatus.committed)
    overdue = run(catalog, partner, history=[commit_at(T0)])
    assert overdue.review_due == date(2025, 5, 30)
    assert overdue.next_step == (
        "Keep the relationship measured: next review overdue since 2025-05-30."
    )
    # due today is not overdue yet
    today = run(catalog, partner, history=[commit_at(NOW - timedelta(days=90))])
    assert today.next_step == "Keep the relationship measured: next review due on 2025-06-01."
    # a change of facts at the last stage is not the commitment
    edit = HistoryEntry(
        prospect_id="p1", action="edit", from_stage="commit", to_stage="commit", at=NOW
    )
    assert run(catalog, partner, history=[commit_at(T0), edit]).committed_at == T0
    assert run(catalog, partner).next_step == (
        "Keep the relationship measured with regular reviews."
    )
    no_reviews = catalog.pipeline.model_copy(update={"review": None})  # type: ignore[union-attr]
    records = ProspectRecords(partner, (), (commit_at(T0),))
    a = assess(
        records,
        pipeline=no_reviews,
        snapshots=snapshots_of(catalog),
        active_sets=catalog.question_sets,
        now=NOW,
    )
    assert a.review_due is None


def test_a_prospect_not_started_is_told_what_the_conversation_asks(catalog: Catalog) -> None:
    assert run(catalog, prospect("commit")).next_step == (
        "Book the Commitment conversation: 2 questions to ask, 2 of them required."
    )
    one = QuestionSet.model_validate(
        {
            "id": "intro",
            "title": "First date",
            "version": 3,
            "sections": [
                {
                    "id": "s",
                    "title": "S",
                    "questions": [{"id": "fit", "text": "Fit?", "type": "yes_no"}],
                }
            ],
        }
    )
    records = ProspectRecords(prospect("intro"))
    asked = {"snapshots": snapshots_of(catalog), "now": NOW, "pipeline": catalog.pipeline}
    a = assess(records, active_sets={"intro": one}, **asked)  # type: ignore[arg-type]
    assert a.next_step == (
        "Book the First date conversation: 1 question to ask, 0 of them required."
    )
    # the stage's set is gone from the folder: nothing to count, no gate
    gone = assess(records, active_sets={}, **asked)  # type: ignore[arg-type]
    assert gone.gate is None and gone.gate_set is None
    assert gone.next_step == "Book the First date conversation."
    unknown = run(catalog, prospect("nowhere"))
    assert unknown.stage is None and unknown.gate is None
    assert unknown.next_step == (
        "Stage 'nowhere' is not in the pipeline: move the prospect to a known stage."
    )


def test_answers_whose_set_is_lost_leave_no_gate_only_keep_dating(catalog: Catalog) -> None:
    started = interview(catalog, "intro", STRONG_INTRO)
    records = ProspectRecords(prospect("intro"), (started,))
    a = assess(
        records,
        pipeline=catalog.pipeline,  # type: ignore[arg-type]
        snapshots=Snapshots(),
        active_sets={},
        now=NOW,
    )
    assert a.current is not None and a.current.breakdown is None and a.gate is None
    assert a.next_step == "Keep dating."


def test_the_stage_step_ends_with_one_full_stop(catalog: Catalog) -> None:
    plan = interview(catalog, "plan", {"plan_signed": True, "champion": "Ann"})
    assert run(catalog, prospect("plan"), plan).next_step == (
        "Keep dating: verify “Is the first-year plan signed by both sides?”."
    )
    weak = {
        "business": "rental",
        "years": 1,
        "local_presence": False,
        "help_needed": 5,
        "asked_about": ["margin"],
    }
    assert run(catalog, prospect("intro"), interview(catalog, "intro", weak)).next_step == (
        "Part ways (score 11; the gate needs 50): they do not fit us. Reopen only if you can "
        "strengthen Company and business model."
    )
    knocked = interview(catalog, "intro", {"business": "online_discounter"})
    assert run(catalog, prospect("intro"), knocked).next_step == (
        "Not a fit: confirm the deal-breaker (Sells only by discounting online: channel "
        "conflict, at “How would you describe your business today?”), then part ways with "
        "that reason."
    )


# ------------------------------------------------------------ what others read


def test_the_assessment_as_json_says_where_the_prospect_stands(catalog: Catalog) -> None:
    started = interview(catalog, "intro", {"years": 5})
    data = run(catalog, prospect("intro"), started).to_dict()
    assert json.loads(json.dumps(data)) == data  # plain JSON: dates as text
    assert data["prospect"]["id"] == "p1" and data["stage"] == "intro"
    assert data["interview"] == started.id
    assert data["question_set"] == {"id": "intro", "version": 2}
    assert data["breakdown"]["score"] == 60 and data["gate"]["passed"] is False
    assert data["next_step"].startswith("Keep dating: answer 2 required questions")
    nowhere = run(catalog, prospect("nowhere")).to_dict()
    assert [nowhere[k] for k in ("stage", "interview", "question_set", "breakdown", "gate")] == [
        None
    ] * 5


def test_an_unassessed_prospect_keeps_its_facts_and_nothing_else(catalog: Catalog) -> None:
    records = ProspectRecords(prospect("intro"))
    bare = Assessment.unassessed(records)
    assert bare.next_step == "" and bare.reason == "" and bare.records is records
    assert bare.gate is None and bare.review_due is None and bare.scored == ()
    said = Assessment.unassessed(records, "Fix the question set intro.yaml first.")
    assert said.next_step == "Fix the question set intro.yaml first."
    assert said.to_dict()["prospect"]["name"] == "Atlas" and said.to_dict()["gate"] is None


def test_a_lost_snapshot_is_scored_against_todays_set_or_not_at_all(catalog: Catalog) -> None:
    started = interview(catalog, "intro", STRONG_INTRO)
    digest = started.questionnaire_hash
    found = Snapshots()
    found.add_missing(started, catalog.question_sets, "unreadable")
    assert found.get(digest) is catalog.question_sets["intro"]
    assert found.warnings == {
        digest: "the snapshot of intro v2 is unreadable; scored against today's v2"
    }
    gone = Snapshots()
    gone.add_missing(started, {})
    assert gone.get(digest) is None
    assert gone.warnings == {
        digest: "the snapshot of intro v2 is missing and the set no longer exists: "
        "its answers are not scored"
    }


# ------------------------------------------------- earlier stages and the clock

FIRST = QuestionSet.model_validate(
    {
        "id": "first",
        "title": "First",
        "version": 1,
        "bands": [
            {"min": 75, "label": "Strong fit", "without_red_flags": True},
            {"min": 0, "label": "Not yet"},
        ],
        "sections": [
            {
                "id": "lines",
                "title": "Lines",
                "questions": [
                    {
                        "id": "lines",
                        "text": "How many competing lines do they carry?",
                        "type": "number",
                        "min": 0,
                        "max": 50,
                        "score_bands": [{"below": 1, "score": 5}, {"score": 4}],
                        "red_flag": {
                            "when": "lines > 0",
                            "reason": "Carries competing lines",
                            "cleared_when": "dropped_on <= today()",
                        },
                    },
                    {
                        "id": "dropped_on",
                        "text": "When do they drop the competing lines?",
                        "type": "date",
                    },
                ],
            },
            {
                "id": "refs",
                "title": "References",
                "repeat": {"min": 0, "max": 3},
                "questions": [{"id": "ref", "text": "Reference?", "type": "text"}],
            },
        ],
    }
)
LATER = QuestionSet.model_validate(
    {
        "id": "later",
        "title": "Later",
        "version": 1,
        "sections": [
            {
                "id": "fit",
                "title": "Fit",
                "questions": [
                    {
                        "id": "share",
                        "text": "Our share of their lines",
                        "type": "calculated",
                        "formula": "round(100 / (first.lines + 1))",
                        "score_bands": [{"below": 30, "score": 0}, {"score": 5}],
                    },
                    {
                        "id": "clean_days",
                        "text": "Days since the competing lines went",
                        "type": "calculated",
                        "formula": "days_since(first.dropped_on)",
                        "score_bands": [{"below": 30, "score": 1}, {"score": 5}],
                    },
                    {"id": "signed", "text": "Signed?", "type": "yes_no", "required": True},
                ],
            }
        ],
    }
)
STAGES = Pipeline.model_validate(
    {
        "stages": [
            {"id": "first", "title": "First", "questionnaire": "first"},
            {"id": "later", "title": "Later", "questionnaire": "later"},
        ]
    }
)
SETS = {"first": FIRST, "later": LATER}


def asked(qs: QuestionSet, answers: dict[str, object], day: int, src: str = "verified"):
    at = T0 + timedelta(days=day)
    return Interview(
        id=f"{qs.id}-{day}",
        prospect_id="p1",
        stage=qs.id,
        questionnaire_id=qs.id,
        questionnaire_version=1,
        questionnaire_hash=content_hash(qs),
        answers={
            k: AnswerRecord(question_id=k, value=v, answered_at=at, source=src)  # type: ignore[arg-type]
            for k, v in answers.items()
        },
        started_at=at,
        updated_at=at,
    )


def staged(stage: str, *interviews: Interview, now: datetime = NOW, tz=UTC):
    records = ProspectRecords(prospect(stage), interviews)
    snapshots = Snapshots({content_hash(qs): qs for qs in SETS.values()})
    a = assess(records, pipeline=STAGES, snapshots=snapshots, active_sets=SETS, now=now, tz=tz)
    return a, records, snapshots


DROPS = {"lines": 1, "dropped_on": "2025-05-02", "refs[0].ref": "Klinikum Nord"}


def test_a_later_stage_reads_the_earlier_answers_as_of_today(catalog: Catalog) -> None:
    first = asked(FIRST, DROPS, 0)
    a, _, _ = staged("later", first)
    # nothing asked at the later stage yet: its gate is judged with the earlier answers
    assert a.gate_breakdown is not None
    assert a.gate_breakdown.values["share"] == 50 and a.gate_breakdown.values["clean_days"] == 30
    b, _, _ = staged("later", first, asked(LATER, {"signed": True}, 5))
    assert b.breakdown is not None and b.breakdown.values["share"] == 50
    assert b.breakdown.values["clean_days"] == 30
    # an interview started again and left unanswered does not hide the answers before it
    c, _, _ = staged("later", first, asked(FIRST, {}, 3), asked(LATER, {"signed": True}, 5))
    assert c.breakdown is not None and c.breakdown.values["share"] == 50


def test_earlier_values_are_the_latest_answers_before_an_interview() -> None:
    first = asked(FIRST, DROPS, 0)
    again = asked(FIRST, {"lines": 3}, 2)
    empty = asked(FIRST, {}, 3)
    later = asked(LATER, {"signed": True}, 5)
    a, _, _ = staged("later", first, again, empty, later)
    scored = a.scored
    # a repeated section's answers are not for other stages to read
    assert earlier_values(scored, first.id) == {}
    assert earlier_values(scored, again.id) == {"first": {"lines": 1, "dropped_on": "2025-05-02"}}
    assert earlier_values(scored)["first"] == {"lines": 3}
    assert set(earlier_values(scored)) == {"first", "later"}
    assert set(earlier_values(scored, exclude="later")) == {"first"}
    assert earlier_values(scored, later.id, exclude="first") == {}


def test_red_flags_and_dates_are_judged_on_the_workspaces_day(catalog: Catalog) -> None:
    first = asked(FIRST, {"lines": 1, "dropped_on": "2025-06-02"}, 0)
    # 12:00 UTC on June 1 is already June 2 on Kiritimati (UTC+14)
    kiritimati = timezone(timedelta(hours=14))
    a, records, snapshots = staged("first", first, tz=kiritimati)
    assert [f.status for f in a.red_flags] == ["cleared"]
    assert a.breakdown is not None and a.breakdown.band == "Strong fit"
    b, _, _ = staged("first", first, tz=UTC)
    assert [f.status for f in b.red_flags] == ["open"]
    assert b.breakdown is not None and b.breakdown.band == "Not yet"
    assert list_row(records, snapshots, today=date(2025, 6, 2)).band == "Strong fit"
    assert list_row(records, snapshots, today=date(2025, 6, 1)).band == "Not yet"
    # a clock in another zone is the same moment: 23:30 at UTC-5 is June 2 in UTC
    evening = datetime(2025, 6, 1, 23, 30, tzinfo=timezone(timedelta(hours=-5)))
    c, _, _ = staged("first", first, now=evening, tz=UTC)
    assert [f.status for f in c.red_flags] == ["cleared"]


def test_the_list_row_scores_with_the_day_it_is_given() -> None:
    first = asked(FIRST, DROPS, 0)
    later = asked(LATER, {"signed": True}, 5)
    records = ProspectRecords(prospect("later"), (first, later))
    snapshots = Snapshots({content_hash(qs): qs for qs in SETS.values()})
    # share 5 of 5; clean_days 30 on June 1 (5 of 5), 29 a day earlier (1 of 5)
    assert list_row(records, snapshots, today=date(2025, 6, 1)).score == 100
    assert list_row(records, snapshots, today=date(2025, 5, 31)).score == 60


def test_the_verdict_is_the_current_stages_once_it_has_answers() -> None:
    first = asked(FIRST, {"lines": 1}, 0)
    later = asked(LATER, {"signed": True}, 5)
    # moved back to the first stage: its answers are the verdict, not the later ones
    back, records, snapshots = staged("first", first, later)
    assert back.basis is back.current and back.current is not None
    assert back.current.interview.id == first.id
    assert back.summary().score == 80 and list_row(records, snapshots).score == 80
    # the later stage started, nothing answered yet: the first stage's verdict stands
    started, _, _ = staged("later", first, asked(LATER, {}, 5))
    assert started.current is not None and started.current.interview.stage == "later"
    assert started.basis is not None and started.basis.interview.id == first.id
    assert started.summary().score == 80


def test_the_list_row_shows_kind_knock_out_thin_evidence_and_last_activity(
    catalog: Catalog,
) -> None:
    dealer = prospect("intro", kind="dealer")
    knocked = interview(catalog, "intro", {"business": "online_discounter"})
    row = run(catalog, dealer, knocked).summary()
    assert row.kind == "dealer" and row.knocked_out and row.score == 0
    fresh = run(catalog, prospect("intro")).summary()
    assert not fresh.knocked_out and not fresh.provisional
    thin = QuestionSet.model_validate(
        {
            "id": "thin",
            "title": "Thin",
            "version": 1,
            "verdict_coverage": 0.6,
            "sections": [
                {
                    "id": "s",
                    "title": "S",
                    "questions": [
                        {"id": "a", "text": "A?", "type": "scale"},
                        {"id": "b", "text": "B?", "type": "scale"},
                    ],
                }
            ],
        }
    )
    one = asked(thin, {"a": 5}, 0)
    row = list_row(ProspectRecords(prospect("thin"), (one,)), Snapshots({content_hash(thin): thin}))
    assert row.provisional and row.score == 100 and row.band is None
    # the last activity compares moments: a timestamp without a zone (an older version
    # wrote them) is UTC; 16:00 at UTC+5 is 11:00 UTC
    facts = prospect("intro", updated_at=datetime(2025, 3, 1, 12, 0))
    answer = interview(
        catalog,
        "intro",
        STRONG_INTRO,
        at=datetime(2025, 3, 1, 16, tzinfo=timezone(timedelta(hours=5))),
    )
    moved = HistoryEntry(
        prospect_id="p1", action="edit", at=datetime(2025, 3, 1, 11, 30, tzinfo=UTC)
    )
    records = ProspectRecords(facts, (answer,), (moved,))
    assert list_row(records, snapshots_of(catalog)).updated_at == datetime(2025, 3, 1, 12, 0)


# ------------------------------------------------------------------------ reviews


def review_of(catalog: Catalog, day: int, **answers: object) -> Interview:
    values = {"revenue_vs_plan": 100, "support_hours_month": 4, **answers}
    return interview(catalog, "review", values, at=T0 + timedelta(days=day), kind="review")


def test_since_when_a_partner_consumes_more_than_it_earns(catalog: Catalog) -> None:
    partner = prospect("review", status=ProspectStatus.committed)
    fine = review_of(catalog, 10, support_vs_revenue="in_proportion", outcome="grow")
    lagging = {"support_vs_revenue": "high_lagging", "outcome": "fix"}
    first, second = review_of(catalog, 40, **lagging), review_of(catalog, 70, **lagging)
    a = run(catalog, partner, fine, first, second)
    assert a.cost is not None and a.cost.flagged and a.cost_since == first.updated_at
    assert run(catalog, partner, fine, second).cost_since == second.updated_at
    assert run(catalog, partner, second, fine).cost_since is None
    assert a.outcome == "Fix: improvement plan"


def test_an_improvement_plan_sets_the_next_review_date(catalog: Catalog, tmp_path: Path) -> None:
    folder = tmp_path / "sets"
    shutil.copytree(FIXTURES, folder)
    with (folder / "review.yaml").open("a", encoding="utf-8") as out:
        out.write(
            "  - id: plan\n    title: Improvement plan\n    questions:\n"
            "      - {id: plan_review_on, text: When is the plan reviewed?, type: date}\n"
        )
    planning = load_catalog(folder)
    partner = prospect("review", status=ProspectStatus.committed)
    review = review_of(planning, 40, outcome="fix", plan_review_on="2025-07-15")
    assert run(planning, partner, review).review_due == date(2025, 7, 15)
    usual = review_of(planning, 40, outcome="grow")
    assert (
        run(planning, partner, usual).review_due == (usual.updated_at + timedelta(days=90)).date()
    )


def test_a_review_scored_without_an_outcome_question_has_no_outcome(
    catalog: Catalog, tmp_path: Path
) -> None:
    review = review_of(catalog, 40, outcome="grow")
    assert run(catalog, prospect("review", status=ProspectStatus.committed), review).outcome == (
        "Grow: invest more"
    )
    unanswered = review_of(catalog, 40)
    partner = prospect("review", status=ProspectStatus.committed)
    assert run(catalog, partner, unanswered).outcome is None
    # the snapshot is lost and today's review set asks no outcome any more
    text = (FIXTURES / "review.yaml").read_text(encoding="utf-8")
    (tmp_path / "review.yaml").write_text(
        text.split("  - id: review_outcome")[0].replace("version: 1", "version: 2"),
        encoding="utf-8",
    )
    today = load_question_set(tmp_path / "review.yaml")
    assert "outcome" not in today.questions
    snapshots = Snapshots()
    snapshots.add_missing(review.model_copy(), {"review": today})
    a = assess(
        ProspectRecords(partner, (review,)),
        pipeline=catalog.pipeline,  # type: ignore[arg-type]
        snapshots=snapshots,
        active_sets={"review": today},
        now=NOW,
    )
    assert a.review is not None and a.outcome is None


def test_review_dates_are_days_in_the_workspaces_zone(catalog: Catalog) -> None:
    partner = prospect("review", status=ProspectStatus.committed)
    noon = datetime(2025, 3, 1, 12, tzinfo=UTC)  # 02:00 on March 2 at UTC+14
    kiritimati = timezone(timedelta(hours=14))
    records = ProspectRecords(partner, (), (commit_at(noon),))
    zone = {"pipeline": catalog.pipeline, "snapshots": snapshots_of(catalog), "now": NOW}
    committed = assess(records, active_sets=catalog.question_sets, tz=kiritimati, **zone)  # type: ignore[arg-type]
    assert committed.review_due == date(2025, 5, 31)
    review = interview(catalog, "review", {"outcome": "grow"}, at=noon, kind="review")
    records = ProspectRecords(partner, (review,), (commit_at(T0),))
    reviewed = assess(records, active_sets=catalog.question_sets, tz=kiritimati, **zone)  # type: ignore[arg-type]
    assert reviewed.review_due == date(2025, 5, 31)


@pytest.mark.skipif(not hasattr(time, "tzset"), reason="the process's zone is set by TZ")
def test_a_timestamp_without_a_zone_is_utc_on_any_machine(
    catalog: Catalog, monkeypatch: pytest.MonkeyPatch
) -> None:
    partner = prospect("review", status=ProspectStatus.committed)
    legacy = commit_at(T0).model_copy(update={"at": datetime(2025, 3, 1, 12, 0)})
    monkeypatch.setenv("TZ", "KIT-14")  # a machine 14 hours east of UTC
    time.tzset()
    try:
        a = run(catalog, partner, history=[legacy])
    finally:
        monkeypatch.undo()
        time.tzset()
    assert a.committed_at == datetime(2025, 3, 1, 12, 0)
    assert a.review_due == date(2025, 5, 30)


def test_an_open_red_flag_holds_onboarding_too() -> None:
    held = Pipeline.model_validate(
        {
            "stages": [
                {"id": "first", "title": "First", "questionnaire": "first"},
                {
                    "id": "later",
                    "title": "Onboarding",
                    "questionnaire": "later",
                    "gate": {"no_open_red_flags": True},
                },
            ]
        }
    )
    interviews = (asked(FIRST, {"lines": 1}, 0), asked(LATER, {"signed": True}, 5))
    records = ProspectRecords(prospect("later", status=ProspectStatus.committed), interviews)
    snapshots = Snapshots({content_hash(qs): qs for qs in SETS.values()})
    a = assess(records, pipeline=held, snapshots=snapshots, active_sets=SETS, now=NOW)
    assert a.next_step.startswith(
        "Settling in: finish onboarding — Held at Onboarding by 1 red flag: settle each with "
        "evidence"
    )


def test_a_stage_not_started_asks_the_set_of_the_prospects_kind() -> None:
    by_kind = Pipeline.model_validate(
        {
            "stages": [
                {
                    "id": "first",
                    "title": "First",
                    "questionnaire": {"default": "first", "distributor": "later"},
                }
            ]
        }
    )
    records = ProspectRecords(prospect("first", kind="distributor"))
    a = assess(records, pipeline=by_kind, snapshots=Snapshots(), active_sets=SETS, now=NOW)
    assert a.gate_set is LATER
    assert a.next_step == "Book the First conversation: 3 questions to ask, 1 of them required."


def test_a_red_flag_names_the_question_and_the_answer_that_raised_it() -> None:
    refs = QuestionSet.model_validate(
        {
            "id": "refs",
            "title": "References",
            "version": 1,
            "sections": [
                {
                    "id": "calls",
                    "title": "Reference calls",
                    "repeat": {"min": 0, "max": 3},
                    "questions": [
                        {
                            "id": "outcome",
                            "text": "How did the reference call go?",
                            "type": "choice",
                            "options": [
                                {"value": "good", "label": "Glowing", "score": 5},
                                {"value": "bad", "label": "Warned us off", "score": 0},
                            ],
                            "red_flag": {
                                "when": "outcome == 'bad'",
                                "reason": "A reference warned",
                            },
                        }
                    ],
                }
            ],
        }
    )
    stages = Pipeline.model_validate(
        {"stages": [{"id": "refs", "title": "References", "questionnaire": "refs"}]}
    )
    interview = asked(refs, {"calls[0].outcome": "good", "calls[1].outcome": "bad"}, 0)
    records = ProspectRecords(prospect("refs"), (interview,))
    snapshots = Snapshots({content_hash(refs): refs})
    a = assess(records, pipeline=stages, snapshots=snapshots, active_sets={"refs": refs}, now=NOW)
    # the second call raised it: its key, the question asked and the option picked
    assert [(f.key, f.question, f.answer, f.reason) for f in a.red_flags] == [
        (
            "calls[1].outcome",
            "How did the reference call go?",
            "Warned us off",
            "A reference warned",
        )
    ]

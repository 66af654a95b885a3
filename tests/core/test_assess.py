"""The one assessment: which interview counts, the gate, the next step, the list row, and
the moves that follow from them — decided once for the CLI, the app, reports and the store."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from qualify.core import moves
from qualify.core.assess import Snapshots, assess, list_row
from qualify.core.questionnaire import Catalog, content_hash, load_catalog
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

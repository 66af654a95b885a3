"""Undoing a move puts the prospect back exactly where the move found it, as a real
status (never a bare string), and refuses what cannot be undone."""

from __future__ import annotations

from datetime import date

import pytest

from qualify.core import moves
from qualify.core.gates import GateResult
from qualify.core.moves import MoveRefused
from qualify.core.questionnaire import load_catalog
from qualify.core.records import HistoryEntry, Prospect, ProspectStatus
from qualify.core.undo import undo_move
from qualify.paths import bundled_questionnaires_dir

PIPELINE = load_catalog(bundled_questionnaires_dir()).pipeline
assert PIPELINE is not None


def _gate(stage: str, passed: bool = True) -> GateResult:
    following = [s.id for s in PIPELINE.stages]
    nxt = (
        following[following.index(stage) + 1]
        if following.index(stage) + 1 < len(following)
        else None
    )
    return GateResult(stage_id=stage, next_stage_id=nxt, passed=passed, criteria=())


def _moved(prospect: Prospect, action: str) -> tuple[Prospect, HistoryEntry]:
    if action == "advance":
        move = moves.advance(prospect, _gate(prospect.stage), PIPELINE)
    elif action == "hold":
        move = moves.change_status(
            prospect, "hold", "budget next year", recontact_on=date(2027, 3, 1)
        )
    else:
        move = moves.change_status(prospect, action, "the reason")  # type: ignore[arg-type]
    return move.prospect, move.entry


@pytest.mark.parametrize(
    ("start", "action"),
    [
        (ProspectStatus.active, "advance"),
        (ProspectStatus.active, "decline"),
        (ProspectStatus.active, "hold"),
        (ProspectStatus.declined, "reopen"),
        (ProspectStatus.on_hold, "reopen"),
    ],
)
def test_undo_restores_stage_and_status(start: ProspectStatus, action: str) -> None:
    before = Prospect(name="Nordic AV", stage=PIPELINE.stages[0].id, status=start)
    after, entry = _moved(before, action)
    assert (after.stage, after.status) != (before.stage, before.status) or action == "reopen"
    undone = undo_move(after, entry, [entry], PIPELINE, "pressed the wrong key", by="anna")
    assert undone.prospect.stage == before.stage
    assert isinstance(undone.prospect.status, ProspectStatus)
    assert undone.prospect.status == before.status
    assert undone.entry.action == "undo" and undone.entry.by == "anna"
    assert undone.entry.reason == "pressed the wrong key"


def test_undo_of_a_hold_gives_back_the_recontact_date_it_replaced() -> None:
    before = Prospect(name="Nordic AV", stage=PIPELINE.stages[0].id)
    after, entry = _moved(before, "hold")
    assert after.recontact_on == date(2027, 3, 1)
    undone = undo_move(after, entry, [entry], PIPELINE, "not on hold after all")
    assert undone.prospect.recontact_on is None


def test_undo_refuses_a_prospect_that_changed_since_and_a_move_undone_already() -> None:
    before = Prospect(name="Nordic AV", stage=PIPELINE.stages[0].id)
    after, entry = _moved(before, "advance")
    moved_on, later = _moved(after, "decline")
    with pytest.raises(MoveRefused, match="has changed since"):
        undo_move(moved_on, entry, [entry, later], PIPELINE, "oops")
    undone = undo_move(after, entry, [entry], PIPELINE, "oops")
    with pytest.raises(MoveRefused, match="undone already"):
        undo_move(after, entry, [entry, undone.entry], PIPELINE, "again")


def test_undo_needs_a_reason() -> None:
    before = Prospect(name="Nordic AV", stage=PIPELINE.stages[0].id)
    after, entry = _moved(before, "decline")
    with pytest.raises(MoveRefused):
        undo_move(after, entry, [entry], PIPELINE, "   ")


def test_only_moves_can_be_undone() -> None:
    prospect = Prospect(name="Nordic AV", stage=PIPELINE.stages[0].id)
    edit = HistoryEntry(prospect_id=prospect.id, action="edit", from_stage=prospect.stage,
                        to_stage=prospect.stage)  # fmt: skip
    with pytest.raises(MoveRefused, match="cannot be undone"):
        undo_move(prospect, edit, [edit], PIPELINE, "reason")


def test_an_interviews_undo_sees_its_own_answers_only() -> None:
    """ctrl+z in an interview: that interview's latest answer, never a move (however
    recent) nor another interview's answer."""
    from datetime import UTC, datetime, timedelta

    from qualify.core.records import AnswerRecord, Interview, ProspectRecords
    from qualify.core.undo import latest_undoable

    t0 = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
    prospect, entry = _moved(Prospect(name="Nordic AV", stage=PIPELINE.stages[0].id), "advance")
    entry = entry.model_copy(update={"at": t0 + timedelta(hours=2)})

    def interview(stage: str, answered: datetime, previous: dict | None) -> Interview:
        record = AnswerRecord(question_id="q", value=2, answered_at=answered, previous=previous)
        return Interview(
            prospect_id=prospect.id,
            stage=stage,
            questionnaire_id="s",
            questionnaire_version=1,
            questionnaire_hash="h",
            answers={"q": record},
        )

    before = interview(entry.from_stage or "", t0, {"value": None, "state": "answered"})
    now = interview(prospect.stage, t0 + timedelta(hours=3), None)  # nothing to go back to
    records = ProspectRecords(prospect, (before, now), (entry,))
    assert latest_undoable(records).kind == "move"  # the prospect's ctrl+z, the CLI
    assert latest_undoable(records, now.id) is None
    found = latest_undoable(records, before.id)
    assert found is not None and found.kind == "answer" and found.interview is before

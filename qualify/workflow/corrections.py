"""Undoing the latest move or answer, for `qualify undo` and ctrl+z in the app.

An undo is saved as a new `undo` entry of the history (see :mod:`qualify.core.undo`):
what was undone, by whom and why. Correcting an answer at a stage the prospect has left
is :meth:`Qualifier.record` with ``stage=``; it marks the history with a `correct` entry.
"""

from __future__ import annotations

from dataclasses import dataclass

from qualify.core.errors import QualifyError
from qualify.core.moves import MoveRefused
from qualify.core.phrase import Moment, Phrase
from qualify.core.records import HistoryEntry, Prospect, utcnow
from qualify.core.undo import Undoable, describe, latest_undoable, undo_answer, undo_move
from qualify.workflow.qualifier import Qualifier, WorkflowError


@dataclass(frozen=True)
class Undone:
    """What an undo took back: the history entry that says so, and the words for it."""

    entry: HistoryEntry
    what: str


def undoable(
    q: Qualifier, prospect: Prospect, interview_id: str | None = None
) -> tuple[Undoable, str] | None:
    """The latest move or answer of the prospect an undo would take back, and its words;
    None when there is nothing to undo. With `interview_id`: that interview's latest
    answer only (the interview's ctrl+z never offers a move)."""
    item = latest_undoable(q.records(prospect), interview_id)
    if item is None:
        return None
    return item, _words(q, item)


def undo(q: Qualifier, prospect: Prospect, reason: str, interview_id: str | None = None) -> Undone:
    """Take back the latest move (advance, decline, hold, reopen) or answer, recording
    why; StageConflict if someone moved the prospect meanwhile. With `interview_id`:
    that interview's latest answer only."""
    records = q.records(prospect)
    prospect = records.prospect
    item = latest_undoable(records, interview_id)
    if item is None:
        raise WorkflowError(Phrase("nothing to undo for {name}", name=prospect.name))
    what = _words(q, item)
    try:
        if item.kind == "move":
            assert item.entry is not None
            move = undo_move(prospect, item.entry, records.history, q.pipeline, reason, by=q.user)
            with q.store.all_or_nothing():
                q.store.move_prospect(
                    move.prospect,
                    move.entry,
                    expected_stage=prospect.stage,
                    expected_status=prospect.status,
                )
                if item.entry.action == "advance":
                    _reopen_interview(q, prospect, item.entry.from_stage or "")
            return Undone(move.entry, what)
        assert item.interview is not None and item.answer is not None
        restored, entry = undo_answer(item.interview, item.answer, prospect, reason, by=q.user)
        with q.store.all_or_nothing():
            q.store.record_answers(item.interview.id, [restored])
            q.store.append_history(entry)
        return Undone(entry, what)
    except MoveRefused as exc:
        raise WorkflowError(*exc.args) from None


def _reopen_interview(q: Qualifier, prospect: Prospect, stage_id: str) -> None:
    """The stage moved back to is being asked again: its interview is open once more."""
    found = [i for i in q.store.interviews(prospect.id) if i.stage == stage_id]
    if found and found[-1].status == "complete":
        q.store.update_interview(
            found[-1].model_copy(update={"status": "in_progress", "completed_at": None})
        )


def _words(q: Qualifier, item: Undoable) -> str:
    titles = {s.id: s.title for s in q.pipeline.stages}
    if q.pipeline.review is not None:
        titles[q.pipeline.review.id] = q.pipeline.review.title
    question = None
    if item.kind == "answer" and item.interview is not None and item.answer is not None:
        try:
            found = q.snapshot(item.interview).resolve(item.answer.question_id)
        except (QualifyError, ValueError):  # a lost snapshot: name the question by its id
            found = None
        question = " ".join(found[0].text.split()) if found is not None else None
    when = Moment((item.at or utcnow()).astimezone())
    return Phrase("{what}, {when}", what=describe(item, titles, question), when=when)


__all__ = ["Undone", "undo", "undoable"]

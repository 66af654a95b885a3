"""Taking back the latest move or answer, as a new line of the history.

History stays append-only: an undo never removes what it takes back. It adds an
``undo`` entry that names it (``details.undoes``: the entry's id, or ``answer``), says
what it was, by whom it is undone and why (``reason``), and puts the prospect, or the
answer, back as it was before. Moves are undone latest first, one at a time; an answer
can be undone while it still remembers the one it replaced (``AnswerRecord.previous``).

Pure decisions; the workflow (:mod:`qualify.workflow.corrections`) saves them.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any, Literal

from qualify.core.moves import Move, MoveRefused
from qualify.core.phrase import Phrase, in_quotes
from qualify.core.questionnaire.model import Pipeline
from qualify.core.records import (
    AnswerRecord,
    HistoryEntry,
    Interview,
    Prospect,
    ProspectRecords,
    ProspectStatus,
    utcnow,
)
from qualify.core.safe_text import readable

UNDOABLE = ("advance", "decline", "hold", "reopen")
"""The history entries an undo can take back (with the answers)."""

_RESULT = {"decline": "declined", "hold": "on_hold", "reopen": "active"}
"""The status each change of status leaves the prospect in."""


@dataclass(frozen=True)
class Undoable:
    """The latest thing that can be undone: a move (its history entry) or an answer."""

    kind: Literal["move", "answer"]
    at: datetime
    entry: HistoryEntry | None = None
    interview: Interview | None = None
    answer: AnswerRecord | None = None


def _utc(value: datetime) -> datetime:
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def undone_ids(history: Iterable[HistoryEntry]) -> set[str]:
    """The ids of the entries an `undo` entry took back."""
    return {
        str(h.details.get("undoes"))
        for h in history
        if h.action == "undo" and h.details.get("undoes") not in (None, "answer")
    }


def effective(history: Sequence[HistoryEntry]) -> list[HistoryEntry]:
    """The history as it stands: without the entries undone and the undos themselves."""
    undone = undone_ids(history)
    return [h for h in history if h.action != "undo" and h.id not in undone]


def latest_undoable(records: ProspectRecords, interview_id: str | None = None) -> Undoable | None:
    """The latest move not undone yet, or the latest answer that remembers the one it
    replaced, whichever came last; None when there is nothing to undo.

    With `interview_id`, only the answers of that interview (an interview's ctrl+z): no
    move, however recent, and no other interview's answer."""
    found: list[Undoable] = []
    undone = undone_ids(records.history)
    moves = [h for h in records.history if h.action in UNDOABLE and h.id not in undone]
    if moves and interview_id is None:
        entry = max(moves, key=lambda h: _utc(h.at))
        found.append(Undoable("move", _utc(entry.at), entry=entry))
    for interview in records.interviews:
        if interview_id is not None and interview.id != interview_id:
            continue
        for answer in interview.answers.values():
            if answer.previous is not None:
                found.append(
                    Undoable("answer", _utc(answer.answered_at), interview=interview, answer=answer)
                )
    return max(found, key=lambda u: u.at) if found else None


def replaced(record: AnswerRecord | None) -> dict[str, Any]:
    """What an answer about to be replaced leaves for an undo (an open question: no value)."""
    if record is None:
        return {"value": None, "state": "answered", "source": "stated", "note": ""}
    return record.model_dump(mode="json", exclude={"previous"})


def undo_answer(
    interview: Interview, answer: AnswerRecord, prospect: Prospect, reason: str, *, by: str = ""
) -> tuple[AnswerRecord, HistoryEntry]:
    """The answer as it was before `answer` (its note kept), and the entry saying so."""
    reason = _reason(reason)
    before = answer.previous
    if before is None:
        raise MoveRefused(Phrase("that answer has nothing to go back to"))
    restored = AnswerRecord.model_validate(
        {**before, "question_id": answer.question_id, "note": answer.note, "previous": None}
    )
    entry = HistoryEntry(
        prospect_id=prospect.id,
        action="undo",
        from_stage=prospect.stage,
        to_stage=prospect.stage,
        reason=reason,
        by=by,
        details={
            "undoes": "answer",
            "interview": interview.id,
            "stage": interview.stage,
            "question": answer.question_id,
            "undone": {"value": answer.value, "state": answer.state, "source": answer.source},
            "restored": {"value": restored.value, "state": restored.state},
        },
    )
    return restored, entry


def undo_move(
    prospect: Prospect,
    entry: HistoryEntry,
    history: Sequence[HistoryEntry],
    pipeline: Pipeline,
    reason: str,
    *,
    by: str = "",
    at: datetime | None = None,
) -> Move:
    """The prospect back where `entry` found it, and the `undo` entry recording that."""
    reason = _reason(reason)
    if entry.action not in UNDOABLE:
        raise MoveRefused(f"a {entry.action!r} entry cannot be undone")
    if entry.id in undone_ids(history):
        raise MoveRefused(Phrase("that move was undone already"))
    after = _status_after(entry, pipeline)
    if prospect.stage != entry.to_stage or prospect.status.value != after:
        raise MoveRefused(
            Phrase(
                "{name} has changed since that {action} (it is at {stage}, {status}); "
                "nothing was undone",
                name=prospect.name,
                action=entry.action,
                stage=prospect.stage,
                status=prospect.status.value,
            )
        )
    status = entry.details.get("from_status") or _status_before(entry, history, pipeline)
    update: dict[str, Any] = {
        "stage": entry.from_stage or prospect.stage,
        "status": ProspectStatus(status),
    }
    if entry.action in ("hold", "reopen") or "from_recontact_on" in entry.details:
        back = entry.details.get("from_recontact_on")
        update["recontact_on"] = date.fromisoformat(back) if back else None
    restored = prospect.model_copy(update=update)
    undo = HistoryEntry(
        prospect_id=prospect.id,
        at=at or utcnow(),
        action="undo",
        from_stage=prospect.stage,
        to_stage=restored.stage,
        reason=reason,
        by=by,
        details={
            "undoes": entry.id,
            "undone": entry.action,
            "undone_at": _utc(entry.at).isoformat(),
            "undone_by": entry.by,
            "from_status": prospect.status.value,
            "to_status": ProspectStatus(status).value,
        },
    )
    return Move(restored, undo)


def describe(
    item: Undoable, titles: dict[str, str] | None = None, question: str | None = None
) -> str:
    """What an undo would take back, in a few words (the confirmation and the CLI);
    `question` is the answered question as asked."""
    titles = titles or {}
    if item.kind == "answer" and item.answer is not None:
        before = item.answer.previous or {}
        asked = in_quotes(question, None) if question else item.answer.question_id
        if before.get("value") is None and before.get("state") == "answered":
            return Phrase("the answer to {question} (back to open)", question=asked)
        return Phrase("the answer to {question} (back to the answer before it)", question=asked)
    entry = item.entry
    assert entry is not None
    if entry.action == "advance":
        src = titles.get(entry.from_stage or "", entry.from_stage)
        dst = titles.get(entry.to_stage or "", entry.to_stage)
        return Phrase("the move {src} → {dst} (back to {src})", src=src, dst=dst)
    words = {
        "decline": Phrase("parting ways"),
        "hold": Phrase("just friends"),
        "reopen": Phrase("the reopening"),
    }
    return words[entry.action]


def _reason(reason: str) -> str:
    reason = reason.strip()
    if not readable(reason):
        raise MoveRefused(Phrase("an undo needs a reason (it is kept in the history)"))
    return reason


def _status_after(entry: HistoryEntry, pipeline: Pipeline) -> str:
    if entry.action == "advance":
        ends = {pipeline.stages[-1].id} if pipeline.stages else set()
        if pipeline.review is not None:
            ends.add(pipeline.review.id)
        return "committed" if entry.to_stage in ends else "active"
    return _RESULT[entry.action]


def _status_before(entry: HistoryEntry, history: Sequence[HistoryEntry], pipeline: Pipeline) -> str:
    """For entries written before moves recorded it: the status the latest earlier move
    (not undone) left, else active."""
    earlier = [
        h for h in effective(history) if h.action in UNDOABLE and _utc(h.at) < _utc(entry.at)
    ]
    return _status_after(earlier[-1], pipeline) if earlier else "active"


def correction_entry(
    prospect: Prospect,
    interview: Interview,
    before: Mapping[str, AnswerRecord],
    records: Iterable[AnswerRecord],
    by: str,
) -> HistoryEntry:
    """The history's mark of answers changed at a stage the prospect had left."""
    changed = {
        r.question_id: {
            "old": before[r.question_id].value if r.question_id in before else None,
            "new": r.value,
            "state": r.state,
        }
        for r in records
    }
    return HistoryEntry(
        prospect_id=prospect.id,
        action="correct",
        from_stage=interview.stage,
        to_stage=prospect.stage,
        by=by,
        details={"interview": interview.id, "stage": interview.stage, "answers": changed},
    )


__all__ = [
    "UNDOABLE",
    "Undoable",
    "correction_entry",
    "describe",
    "effective",
    "latest_undoable",
    "replaced",
    "undo_answer",
    "undo_move",
    "undone_ids",
]

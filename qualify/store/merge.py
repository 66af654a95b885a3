"""How two versions of a prospect's records become one: the rules of import and sync.

Facts from the side changed last; interviews and history entries united by id;
answers united by question. Where both sides answered a question differently, one
answer stays current and the other is reported as a :class:`Conflict` *and* kept in
the prospect's history (an ``edit`` entry holding both), so nothing is dropped.
Pure: records in, records out.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

import orjson

from qualify.core.records import AnswerRecord, HistoryEntry, Interview, ProspectRecords


@dataclass
class Conflict:
    """One answer given differently on both sides: the local one was kept."""

    prospect_id: str
    prospect_name: str
    interview_id: str
    stage: str
    question_id: str
    kept: dict[str, Any]
    other: dict[str, Any]
    already_recorded: bool = False

    def describe(self) -> str:
        def side(answer: dict[str, Any]) -> str:
            who = answer.get("by") or "someone"
            when = str(answer.get("answered_at", ""))[:16].replace("T", " ")
            value = answer.get("value") if answer.get("state") == "answered" else answer["state"]
            note = f", note {answer['note']!r}" if answer.get("note") else ""
            return f"{value!r} by {who} at {when}{note}"

        seen = " (already recorded)" if self.already_recorded else ""
        return (
            f"{self.prospect_name} ({self.prospect_id}) {self.stage}/{self.question_id}: "
            f"kept {side(self.kept)}; other {side(self.other)}{seen}"
        )


def _substance(answer: AnswerRecord) -> tuple[Any, ...]:
    """What makes two answers different; when and by whom alone do not."""
    value = orjson.dumps(answer.value, option=orjson.OPT_SORT_KEYS)
    return (value, answer.state, answer.source, answer.note)


def answer_fingerprint(answer: AnswerRecord) -> str:
    """What an answer said (not when or by whom), short: sync remembers it as the base."""
    value, *rest = _substance(answer)
    return hashlib.sha256(b"\0".join([value, *(str(r).encode() for r in rest)])).hexdigest()[:16]


def _conflict_entry_id(interview_id: str, other: dict[str, Any]) -> str:
    digest = hashlib.sha256(
        interview_id.encode() + b"\0" + orjson.dumps(other, option=orjson.OPT_SORT_KEYS)
    )
    return "x" + digest.hexdigest()[:11]


def merge_prospect(
    local: ProspectRecords | None,
    incoming: ProspectRecords,
    *,
    source: str = "",
    base: dict[tuple[str, str], str] | None = None,
    label: str = "import",
    kept_side: str = "local",
) -> tuple[ProspectRecords | None, str, list[Conflict]]:
    """The merged prospect (None if nothing changes), the outcome, and the conflicts.

    Rules: facts from whichever side was updated last; interviews and
    history entries united by id; answers united by question, and where both sides
    differ the local answer is kept and the other goes to the conflict list and to
    an ``edit`` history entry (whose id derives from its content, so importing the
    same file again adds nothing).

    ``base`` (sync) maps (interview id, question id) to the fingerprint of the answer
    both sides agreed on at the last sync: an answer changed on one side only is then
    taken from that side, and only one changed on both sides is a conflict.
    """
    if local is None:
        return incoming, "added", []
    conflicts: list[Conflict] = []
    known_history = {h.id for h in local.history}
    extra_history: list[HistoryEntry] = []

    prospect = local.prospect
    if incoming.prospect.updated_at > local.prospect.updated_at:
        prospect = incoming.prospect

    theirs = {i.id: i for i in incoming.interviews}
    interviews: list[Interview] = []
    for mine in local.interviews:
        other = theirs.pop(mine.id, None)
        if other is None:
            interviews.append(mine)
            continue
        answers = dict(mine.answers)
        for qid, their_answer in other.answers.items():
            kept = answers.get(qid)
            if kept is None:
                answers[qid] = their_answer
            elif _substance(kept) != _substance(their_answer):
                agreed = base.get((mine.id, qid)) if base is not None else None
                if agreed is not None and answer_fingerprint(kept) == agreed:
                    answers[qid] = their_answer  # changed on their side only
                    continue
                if agreed is not None and answer_fingerprint(their_answer) == agreed:
                    continue  # changed on our side only
                other_doc = their_answer.model_dump(mode="json")
                kept_doc = kept.model_dump(mode="json")
                entry_id = _conflict_entry_id(mine.id, other_doc)
                conflicts.append(
                    Conflict(
                        prospect_id=prospect.id,
                        prospect_name=prospect.name,
                        interview_id=mine.id,
                        stage=mine.stage,
                        question_id=qid,
                        kept=kept_doc,
                        other=other_doc,
                        already_recorded=entry_id in known_history,
                    )
                )
                if entry_id not in known_history:
                    known_history.add(entry_id)
                    extra_history.append(
                        HistoryEntry(
                            id=entry_id,
                            prospect_id=prospect.id,
                            action="edit",
                            from_stage=mine.stage,
                            to_stage=mine.stage,
                            reason=f"{label} conflict on {qid}: kept the {kept_side} answer",
                            details={
                                "conflict": {
                                    "interview_id": mine.id,
                                    "question_id": qid,
                                    "kept": kept_doc,
                                    "other": other_doc,
                                    "source": source,
                                }
                            },
                        )
                    )
        merged = mine.model_copy(
            update={
                "answers": answers,
                "status": "complete" if "complete" in (mine.status, other.status) else mine.status,
                "completed_at": mine.completed_at or other.completed_at,
                "notes": mine.notes or other.notes,
                "interviewer": mine.interviewer or other.interviewer,
            }
        )
        if merged != mine:
            merged = merged.model_copy(
                update={"updated_at": max(mine.updated_at, other.updated_at)}
            )
        interviews.append(merged)
    interviews.extend(theirs.values())
    interviews.sort(key=lambda i: i.started_at)

    history = list(local.history)
    history.extend(h for h in incoming.history if h.id not in known_history)
    history.extend(extra_history)
    history.sort(key=lambda h: h.at)

    result = ProspectRecords(prospect, tuple(interviews), tuple(history))
    if result == local:
        return None, "unchanged", conflicts
    return result, "updated", conflicts


__all__ = ["Conflict", "answer_fingerprint", "merge_prospect"]

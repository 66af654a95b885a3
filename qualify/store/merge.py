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

from qualify.core.phrase import Phrase
from qualify.core.records import AnswerRecord, HistoryEntry, Interview, Prospect, ProspectRecords


@dataclass
class Conflict:
    """One answer (or, with ``field``, one fact of the prospect) given differently on both
    sides: the local one was kept, the other is in the prospect's history."""

    prospect_id: str
    prospect_name: str
    interview_id: str
    stage: str
    question_id: str
    kept: dict[str, Any]
    other: dict[str, Any]
    already_recorded: bool = False
    field: str = ""
    """A fact (name, territory, stage…): ``kept``/``other`` hold its value, who and when."""

    def describe(self) -> str:
        """The conflict in a line (a phrase: the command line says it in the user's
        language; values, names and notes stay as they were written)."""

        def side(answer: dict[str, Any]) -> Phrase:
            who = answer.get("by") or Phrase("someone")
            when = str(answer.get("answered_at", answer.get("at", "")))[:16].replace("T", " ")
            if self.field:
                value: Any = answer.get("value")
            else:
                answered = answer.get("state") == "answered"
                value = answer.get("value") if answered else answer["state"]
            said = Phrase("{value} by {who} at {when}", value=repr(value), who=who, when=when)
            if not self.field and answer.get("note"):
                return Phrase("{said}, note {note}", said=said, note=repr(answer["note"]))
            return said

        what = self.field if self.field else f"{self.stage}/{self.question_id}"
        said = Phrase(
            "{name} ({id}) {what}: kept {kept}; other {other}",
            name=self.prospect_name,
            id=self.prospect_id,
            what=what,
            kept=side(self.kept),
            other=side(self.other),
        )
        return Phrase("{said} (already recorded)", said=said) if self.already_recorded else said


FACT_FIELDS_SKIPPED = frozenset({"id", "created_at", "updated_at"})
"""Facts that are not merged field by field (identity and times)."""


def fact_fingerprints(prospect: Prospect) -> dict[str, str]:
    """Field → a digest of its value: what sync remembers both sides agreed on."""
    data = prospect.model_dump(mode="json")
    return {
        name: hashlib.sha256(orjson.dumps(value, option=orjson.OPT_SORT_KEYS)).hexdigest()[:16]
        for name, value in data.items()
        if name not in FACT_FIELDS_SKIPPED
    }


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
    facts_base: dict[str, str] | None = None,
) -> tuple[ProspectRecords | None, str, list[Conflict]]:
    """The merged prospect (None if nothing changes), the outcome, and the conflicts.

    Rules: interviews and history entries united by id; answers united by question,
    and where both sides differ the local answer is kept and the other goes to the
    conflict list and to an ``edit`` history entry (whose id derives from its content,
    so importing the same file again adds nothing). Two open interviews of the same
    stage (two people started it apart) become one: the other's answers join the local
    one (differing ones are conflicts) and it is marked merged into it.

    Facts: with ``facts_base`` (sync: field → fingerprint both sides agreed on at the
    last sync), field by field: a field changed on one side only is taken from that
    side, one changed on both is a conflict (the local value kept); a field never
    agreed on is taken from the side updated last and, where it differs, listed as a
    conflict too. Without it (an import), the facts of the side updated last.

    ``base`` (sync) maps (interview id, question id) to the fingerprint of the answer
    both sides agreed on at the last sync: an answer changed on one side only is then
    taken from that side, and only one changed on both sides is a conflict.
    """
    if local is None:
        return incoming, "added", []
    merger = _Merger(local, incoming, source=source, label=label, kept_side=kept_side)
    prospect = merger.facts(facts_base)

    theirs = {i.id: i for i in incoming.interviews}
    interviews: list[Interview] = []
    for mine in local.interviews:
        other = theirs.pop(mine.id, None)
        interviews.append(mine if other is None else merger.interview(mine, other, base))
    interviews.extend(theirs.values())
    interviews.sort(key=lambda i: i.started_at)
    interviews = merger.split(interviews, {i.id for i in local.interviews})

    history = list(local.history)
    history.extend(h for h in incoming.history if h.id not in merger.known_history)
    history.extend(merger.extra_history)
    history.sort(key=lambda h: h.at)

    result = ProspectRecords(prospect, tuple(interviews), tuple(history))
    if result == local:
        return None, "unchanged", merger.conflicts
    return result, "updated", merger.conflicts


class _Merger:
    """The conflicts and extra history entries of one prospect's merge."""

    def __init__(
        self,
        local: ProspectRecords,
        incoming: ProspectRecords,
        *,
        source: str,
        label: str,
        kept_side: str,
    ) -> None:
        self.local = local
        self.incoming = incoming
        self.source = source
        self.label = label
        self.kept_side = kept_side
        self.conflicts: list[Conflict] = []
        self.known_history = {h.id for h in local.history}
        self.extra_history: list[HistoryEntry] = []

    # ------------------------------------------------------------------ facts
    def facts(self, base: dict[str, str] | None) -> Prospect:
        mine, theirs = self.local.prospect, self.incoming.prospect
        newer = theirs.updated_at > mine.updated_at
        if mine == theirs:
            return mine
        if base is None:  # an import: the side updated last (moves are in the history)
            return theirs if newer else mine
        ours, other = mine.model_dump(mode="json"), theirs.model_dump(mode="json")
        ours_fp, other_fp = fact_fingerprints(mine), fact_fingerprints(theirs)
        update: dict[str, Any] = {}
        for name, fp in ours_fp.items():
            if fp == other_fp.get(name, fp):
                continue
            agreed = base.get(name) if base is not None else None
            if agreed is not None and fp == agreed:
                update[name] = getattr(theirs, name)  # changed on their side only
                continue
            if agreed is not None and other_fp[name] == agreed:
                continue  # changed on our side only
            take_theirs = agreed is None and newer  # never agreed on: the side updated last
            kept, lost = (other, ours) if take_theirs else (ours, other)
            kept_rec, lost_rec = (
                (self.incoming, self.local) if take_theirs else (self.local, self.incoming)
            )
            if take_theirs:
                update[name] = getattr(theirs, name)
            self._conflict(
                interview_id="",
                stage=mine.stage,
                question_id="",
                field=name,
                kept=_fact_side(kept[name], kept_rec, name),
                other=_fact_side(lost[name], lost_rec, name),
            )
        if not update:
            return mine
        stamp = max(mine.updated_at, theirs.updated_at)
        return mine.model_copy(update={**update, "updated_at": stamp})

    # ------------------------------------------------------------------ answers
    def interview(
        self, mine: Interview, other: Interview, base: dict[tuple[str, str], str] | None
    ) -> Interview:
        """One interview held by both sides, answers united by question."""
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
                self._answer_conflict(mine, qid, kept, their_answer)
        merged = mine.model_copy(
            update={
                "answers": answers,
                "status": "complete" if "complete" in (mine.status, other.status) else mine.status,
                "completed_at": mine.completed_at or other.completed_at,
                "notes": mine.notes or other.notes,
                "interviewer": mine.interviewer or other.interviewer,
                "merged_into": mine.merged_into or other.merged_into,
            }
        )
        if merged != mine:
            merged = merged.model_copy(
                update={"updated_at": max(mine.updated_at, other.updated_at)}
            )
        return merged

    def split(self, interviews: list[Interview], local_ids: set[str]) -> list[Interview]:
        """Two open interviews of one stage (started apart on each side) become one."""
        first: dict[tuple[str, str], Interview] = {}
        for interview in interviews:
            if interview.status != "in_progress" or interview.merged_into:
                continue
            key = (interview.stage, interview.kind)
            held = first.get(key)
            if held is None or (interview.id in local_ids and held.id not in local_ids):
                first[key] = interview
        result: list[Interview] = []
        joined: dict[str, Interview] = {i.id: i for i in first.values()}
        for interview in interviews:
            key = (interview.stage, interview.kind)
            into = first.get(key)
            open_ = interview.status == "in_progress" and not interview.merged_into
            if into is None or not open_ or into.id == interview.id:
                result.append(interview)
                continue
            target = joined[into.id]
            answers = dict(target.answers)
            for qid, answer in interview.answers.items():
                kept = answers.get(qid)
                if kept is None:
                    answers[qid] = answer
                elif _substance(kept) != _substance(answer):
                    self._answer_conflict(target, qid, kept, answer, split_from=interview.id)
            joined[into.id] = target.model_copy(
                update={
                    "answers": answers,
                    "updated_at": max(target.updated_at, interview.updated_at),
                }
            )
            result.append(interview.model_copy(update={"merged_into": into.id}))
        return [joined.get(i.id, i) for i in result]

    # ------------------------------------------------------------------ conflicts
    def _answer_conflict(
        self,
        interview: Interview,
        qid: str,
        kept: AnswerRecord,
        other: AnswerRecord,
        split_from: str = "",
    ) -> None:
        self._conflict(
            interview_id=interview.id,
            stage=interview.stage,
            question_id=qid,
            kept=kept.model_dump(mode="json"),
            other=other.model_dump(mode="json"),
            split_from=split_from,
        )

    def _conflict(
        self,
        *,
        interview_id: str,
        stage: str,
        question_id: str,
        kept: dict[str, Any],
        other: dict[str, Any],
        field: str = "",
        split_from: str = "",
    ) -> None:
        prospect = self.local.prospect
        entry_id = _conflict_entry_id(interview_id or f"fact:{field}", other)
        self.conflicts.append(
            Conflict(
                prospect_id=prospect.id,
                prospect_name=prospect.name,
                interview_id=interview_id,
                stage=stage,
                question_id=question_id,
                kept=kept,
                other=other,
                already_recorded=entry_id in self.known_history,
                field=field,
            )
        )
        if entry_id in self.known_history:
            return
        self.known_history.add(entry_id)
        what = field or question_id
        detail: dict[str, Any] = {"kept": kept, "other": other, "source": self.source}
        if interview_id:
            detail.update(interview_id=interview_id, question_id=question_id)
        else:
            detail["field"] = field
        if split_from:
            detail["split_from"] = split_from
        self.extra_history.append(
            HistoryEntry(
                id=entry_id,
                prospect_id=prospect.id,
                action="edit",
                from_stage=stage,
                to_stage=stage,
                reason=f"{self.label} conflict on {what}: kept the {self.kept_side} "
                + ("value" if field else "answer"),
                details={"conflict": detail},
            )
        )


def _fact_side(value: Any, records: ProspectRecords, field: str) -> dict[str, Any]:
    """A fact's value, with who changed it last (as its history tells) and when."""
    prospect = records.prospect
    who = ""
    for entry in reversed(records.history):
        moved = field in ("stage", "status") and entry.action != "edit"
        if moved or field in entry.details or entry.action == "created":
            who = entry.by
            break
    return {"value": value, "by": who, "at": prospect.updated_at.isoformat()}


__all__ = ["Conflict", "answer_fingerprint", "fact_fingerprints", "merge_prospect"]

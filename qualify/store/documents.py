"""The operations on one prospect, for backends that keep each prospect as one document.

Each operation is a change of the prospect's records made through
:meth:`~qualify.store.base.Store.merge_prospect`, which the backend implements once
(read, change, compute the list row, write, all under one lock): the embedded workspace
derives from :class:`DocumentStore`, and so does the tests' in-memory store. PostgreSQL
keeps rows per record and implements these operations in SQL instead.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import replace

from qualify.core.records import (
    AnswerRecord,
    HistoryEntry,
    Interview,
    Prospect,
    ProspectRecords,
    ProspectStatus,
    utcnow,
)
from qualify.store import missing, refusals
from qualify.store.base import (
    Store,
    StoreError,
    answer_records,
    check_expected,
    check_stage,
    created_entry,
    is_safe_id,
)


class DocumentStore(Store):
    """The per-prospect operations of :class:`Store`, written once as changes of records."""

    # -- prospects -------------------------------------------------------------------
    def add_prospect(self, prospect: Prospect, *, by: str = "") -> Prospect:
        """Store a new prospect and its `created` history entry."""
        pid = prospect.id
        if not is_safe_id(pid):
            raise StoreError(refusals.unsafe_prospect_id(pid))
        created = created_entry(prospect, by)

        def add(current: ProspectRecords | None) -> ProspectRecords:
            if current is not None:
                raise StoreError(refusals.prospect_exists(pid))
            return ProspectRecords(prospect, (), (created,))

        self.merge_prospect(pid, add)
        return prospect

    def get_prospect(self, prospect_id: str) -> Prospect:
        """Raise NotFound when missing."""
        return self.read_prospect(prospect_id).prospect

    def update_prospect(self, prospect: Prospect) -> Prospect:
        """Replace the prospect's facts (name, territory, stage, status…); bumps updated_at."""
        pid = _known(prospect.id)

        def update(current: ProspectRecords | None) -> ProspectRecords:
            stored = _existing(current, pid)
            return replace(stored, prospect=_saved(prospect, stored.prospect))

        return _stored(self.merge_prospect(pid, update), pid).prospect

    # -- interviews ------------------------------------------------------------------
    def add_interview(self, interview: Interview) -> Interview:
        pid = _known(interview.prospect_id)

        def add(current: ProspectRecords | None) -> ProspectRecords:
            stored = _existing(current, pid)
            if any(i.id == interview.id for i in stored.interviews):
                raise StoreError(refusals.interview_exists(interview.id))
            return replace(stored, interviews=_by_start((*stored.interviews, interview)))

        self.merge_prospect(pid, add)
        return interview

    def get_interview(self, interview_id: str) -> Interview:
        pid = self._owner(interview_id)
        return _interview_of(self.read_prospect(pid), interview_id)

    def interviews(self, prospect_id: str) -> list[Interview]:
        """A prospect's interviews, oldest first."""
        return list(self.read_prospect(prospect_id).interviews)

    def update_interview(self, interview: Interview) -> Interview:
        """Replace status, notes, completion time (not answers: use record_answers)."""
        pid = self._owner(interview.id)

        def update(current: ProspectRecords | None) -> ProspectRecords:
            stored = _interview_of(_existing(current, pid), interview.id)
            saved = interview.model_copy(
                update={
                    "id": stored.id,
                    "prospect_id": stored.prospect_id,
                    "answers": stored.answers,
                    "updated_at": utcnow(),
                }
            )
            return _with_interview(_existing(current, pid), saved)

        return _interview_of(_stored(self.merge_prospect(pid, update), pid), interview.id)

    def start_interview(self, interview: Interview) -> Interview:
        """The open interview of the prospect's stage: this one if there is none yet."""
        pid = _known(interview.prospect_id)
        found: list[Interview] = []

        def start(current: ProspectRecords | None) -> ProspectRecords | None:
            stored = _existing(current, pid)
            check_stage(stored.prospect, interview.stage, stored.history)
            found[:] = [i for i in stored.interviews if _open_of(i, interview.stage)]
            if found:
                return None
            if any(i.id == interview.id for i in stored.interviews):
                raise StoreError(refusals.interview_exists(interview.id))
            return replace(stored, interviews=_by_start((*stored.interviews, interview)))

        self.merge_prospect(pid, start)
        return found[0] if found else interview

    def record_answers(
        self,
        interview_id: str,
        answers: Sequence[AnswerRecord],
        *,
        expected_stage: str | None = None,
    ) -> Interview:
        """Store all the answers or none (each replacing that question's); durable when
        this returns. The list row is recomputed on every stored answer, other writers'
        included."""
        records = answer_records(answers)
        pid = self._owner(interview_id)

        def record(current: ProspectRecords | None) -> ProspectRecords | None:
            stored = _interview_of(_existing(current, pid), interview_id)
            if expected_stage is not None:
                assert current is not None
                check_stage(current.prospect, expected_stage, current.history)
            if not records:
                return None
            answered = {**stored.answers, **{r.question_id: r for r in records}}
            saved = stored.model_copy(update={"answers": answered, "updated_at": utcnow()})
            return _with_interview(_existing(current, pid), saved)

        return _interview_of(_stored(self.merge_prospect(pid, record), pid), interview_id)

    def _owner(self, interview_id: str) -> str:
        owner = self.interview_owners([interview_id]).get(interview_id)
        if owner is None or not is_safe_id(owner):
            raise missing.no_interview(interview_id)
        return owner

    # -- moves -----------------------------------------------------------------------
    def move_prospect(
        self,
        prospect: Prospect,
        entry: HistoryEntry,
        *,
        expected_stage: str,
        expected_status: ProspectStatus,
    ) -> Prospect:
        """Compare-and-set a stage or status move (or an edit of the facts): save
        ``prospect`` and ``entry`` only if the stored prospect is still at
        ``expected_stage``/``expected_status``; StageConflict otherwise, so of two
        `advance` at once the prospect moves once."""
        pid = _known(prospect.id)
        if entry.prospect_id != pid:
            raise StoreError(refusals.move_of_another(pid))

        def move(current: ProspectRecords | None) -> ProspectRecords:
            stored = _existing(current, pid)
            check_expected(stored.prospect, expected_stage, expected_status, stored.history)
            if any(h.id == entry.id for h in stored.history):
                raise _append_only(entry)
            return ProspectRecords(
                _saved(prospect, stored.prospect),
                stored.interviews,
                _by_time((*stored.history, entry)),
            )

        return _stored(self.merge_prospect(pid, move), pid).prospect

    # -- history ---------------------------------------------------------------------
    def append_history(self, entry: HistoryEntry) -> HistoryEntry:
        """Append-only: entries are never changed or removed; the same entry again (a
        retried command) changes nothing."""
        pid = _known(entry.prospect_id)
        doc = entry.model_dump(mode="json")

        def append(current: ProspectRecords | None) -> ProspectRecords | None:
            stored = _existing(current, pid)
            same = next((h for h in stored.history if h.id == entry.id), None)
            if same is not None:
                if same.model_dump(mode="json") == doc:
                    return None
                raise _append_only(entry)
            return replace(stored, history=_by_time((*stored.history, entry)))

        self.merge_prospect(pid, append)
        return entry

    def history(self, prospect_id: str) -> list[HistoryEntry]:
        """Oldest first."""
        return list(self.read_prospect(prospect_id).history)


# ------------------------------------------------------------------ helpers


def _known(prospect_id: str) -> str:
    """An id that can name a stored prospect (anything else is simply not found)."""
    if not is_safe_id(prospect_id):
        raise missing.no_prospect(prospect_id)
    return prospect_id


def _existing(current: ProspectRecords | None, prospect_id: str) -> ProspectRecords:
    if current is None:
        raise missing.no_prospect(prospect_id)
    return current


def _stored(result: ProspectRecords | None, prospect_id: str) -> ProspectRecords:
    return _existing(result, prospect_id)


def _saved(prospect: Prospect, stored: Prospect) -> Prospect:
    """The new facts as stored: created when first stored, updated now."""
    return prospect.model_copy(update={"created_at": stored.created_at, "updated_at": utcnow()})


def _open_of(interview: Interview, stage: str) -> bool:
    """Whether ``interview`` is the open interview of ``stage`` (in progress, not merged)."""
    return (
        interview.stage == stage and interview.status == "in_progress" and not interview.merged_into
    )


def _interview_of(records: ProspectRecords, interview_id: str) -> Interview:
    for interview in records.interviews:
        if interview.id == interview_id:
            return interview
    raise missing.no_interview(interview_id)


def _with_interview(records: ProspectRecords, saved: Interview) -> ProspectRecords:
    changed = (saved if i.id == saved.id else i for i in records.interviews)
    return replace(records, interviews=_by_start(changed))


def _by_start(interviews: Iterable[Interview]) -> tuple[Interview, ...]:
    """Oldest first; a stable sort, so the stored order breaks ties."""
    return tuple(sorted(interviews, key=lambda i: i.started_at))


def _by_time(history: Iterable[HistoryEntry]) -> tuple[HistoryEntry, ...]:
    return tuple(sorted(history, key=lambda h: h.at))


def _append_only(entry: HistoryEntry) -> StoreError:
    return StoreError(refusals.history_exists(entry.id))


__all__ = ["DocumentStore"]

"""The one interface every backend implements (the embedded workspace, PostgreSQL).

The CLI, the TUI, the reports, export/import and sync talk to a :class:`Store` and
never know which backend is behind it. What a backend reads and writes as a whole is
a prospect's :class:`~qualify.core.records.ProspectRecords` (the prospect, its
interviews with their answers, its history).

The prospects list's row (:class:`~qualify.core.records.ProspectSummary`) is the
store's own business: every write that changes a prospect's records recomputes it,
with :func:`qualify.core.assess.list_row`, inside the same lock or transaction (see
:mod:`qualify.store.rows`), so a row never disagrees with the records it shows.
Callers never pass one.
"""

from __future__ import annotations

import re
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from typing import Any, Literal

from qualify.core.errors import QualifyError
from qualify.core.evidence import Attachment, EvidenceError, EvidenceTally, check_attachment, tally
from qualify.core.phrase import said
from qualify.core.records import (
    AnswerRecord,
    HistoryEntry,
    Interview,
    Prospect,
    ProspectRecords,
    ProspectStatus,
    ProspectSummary,
    is_demo,
)
from qualify.store import refusals
from qualify.store.stamping import Stamps
from qualify.store.watching import Changes, Watch, change_digest

Merge = Callable[[ProspectRecords | None], ProspectRecords | None]
"""Given a prospect's stored records (None: no such prospect), what to store instead
(None: nothing to change). See :meth:`Store.merge_prospect`."""


class StoreError(QualifyError):
    """A problem the user can act on; its message is one clear line."""


class NotFound(StoreError):
    """No record with that id."""


class ServerUnavailable(StoreError):
    """The server could not be reached, or stopped answering (an outage, a timeout): the
    command stops at once; whatever its transaction held is rolled back."""


class StoreLocked(StoreError):
    """Another process holds the workspace for longer than we are willing to wait."""


class StoreCorrupt(StoreError):
    """A file cannot be read; it is left untouched, and the message names the fix."""

    reason: str = ""
    """Why, in a few words (the message also names the file and the fix)."""


class EvidenceTooLarge(StoreError):
    """The store refused an evidence file over its own size limit (a team server's)."""

    def __init__(self, name: str, size: int, max_bytes: int) -> None:
        from qualify.core.evidence import limit_words
        from qualify.core.phrase import Num, Phrase
        from qualify.core.words import size_phrase

        self.name, self.size, self.max_bytes = name, size, max_bytes
        super().__init__(
            Phrase(
                "{name}: {size} ({bytes} bytes) is over the team server's limit of {limit}; "
                "attach a smaller file, or ask the schema owner to raise it (docs/team.md)",
                name=name,
                size=size_phrase(size),
                bytes=Num(size, grouped=True),
                limit=limit_words(max_bytes),
            )
        )


class StageConflict(StoreError):
    """The prospect moved (or changed status) since it was read: nothing was changed."""

    exit_code = 4


FileState = Literal["ok", "changed", "missing", "unnamed"]
"""An evidence file as `doctor` finds it: as attached; its bytes no longer hash to its
name (or have another size); named by a record but not kept; kept but named by none."""


@dataclass(frozen=True)
class StoredFile:
    """One evidence file of a prospect as kept by a store, for `qualify doctor`."""

    prospect_id: str
    sha256: str
    state: FileState
    named_by: tuple[str, ...] = ()
    """The records naming it: `id (name)`, oldest first."""


class Store(Stamps, ABC):
    """Prospects, interviews (with question-set snapshots), answers and stage history.

    Backends implement the abstract methods; a backend keeping each prospect as one
    document derives from :class:`~qualify.store.documents.DocumentStore`, which
    implements the operations on one prospect as changes of its records. The contract
    suite (tests/store/test_store_contract.py) runs on every backend.
    """

    login: str = ""
    """Who the backend knows the user as (the database login); empty for the workspace."""
    location: str = ""
    """Where the records are, as it may be shown: a folder, or a URL without its password."""

    # -- whole prospects -------------------------------------------------------------
    @abstractmethod
    def read_prospect(self, prospect_id: str) -> ProspectRecords:
        """A prospect's records as of one moment (one file read, one round trip);
        NotFound when missing."""

    def read_prospects(
        self, prospect_ids: Iterable[str], unreadable: Callable[[str, StoreCorrupt], object]
    ) -> dict[str, ProspectRecords]:
        """Many prospects' records (a sync's thousands), faster than one by one where the
        backend can; one not found is left out, as is one unreadable (to `unreadable`)."""
        found: dict[str, ProspectRecords] = {}
        for pid in prospect_ids:
            try:
                found[pid] = self.read_prospect(pid)
            except NotFound:
                continue
            except StoreCorrupt as exc:
                unreadable(pid, exc)
        return found

    @abstractmethod
    def merge_prospect(self, prospect_id: str, merge: Merge) -> ProspectRecords | None:
        """Hand the stored records (None if there is no such prospect) to ``merge`` and
        store what it returns, with a freshly computed list row, atomically for that
        prospect (under the workspace lock; in one transaction with the prospect's row
        locked on PostgreSQL).

        ``merge`` returns None to change nothing; what it raises propagates and nothing
        is written. It may be called more than once (PostgreSQL merges again if the
        prospect changed between its read and its lock), so it must not do more than
        remember its last result. Returns the records as stored afterwards (None: there
        is still no such prospect). Interviews and history entries are never removed.
        """

    def merge_prospects(self, merges: Iterable[tuple[str, Merge]]) -> list[ProspectRecords | None]:
        """:meth:`merge_prospect` for many prospects (a re-score of thousands): each
        merge atomic for its prospect as there, the results in order. Backends do it
        faster than one by one (the workspace: a thousand at a time under its lock, with
        one sync). What a merge raises propagates: the merges of its batch not yet
        stored are not, those of earlier batches are."""
        return [self.merge_prospect(prospect_id, merge) for prospect_id, merge in merges]

    def revisions(self, prospect_ids: Iterable[str]) -> Iterator[tuple[str, str | None]]:
        """Each prospect's revision, in order: a token that changes with any change of
        its records and never names other records (a digest of a workspace file, the
        server-stamped transaction of a change on PostgreSQL); None where the store
        cannot tell. A cache of what is derived from records keys it by this."""
        return ((pid, None) for pid in prospect_ids)

    def read_revision(self, prospect_id: str) -> tuple[ProspectRecords, str | None]:
        """The prospect's records and the revision of exactly those records."""
        return self.read_prospect(prospect_id), None

    def opener(self) -> Callable[[], Store] | None:
        """How another process opens this same store (picklable: the portfolio assesses
        in worker processes); None where it cannot."""
        return None

    @abstractmethod
    def prospect_ids(self) -> list[str]:
        """The id of every prospect (that this login may see), sorted."""

    def add_prospects_bulk(self, bundles: Iterable[ProspectRecords]) -> int:
        """Store many prospects at once (demo data, tests), each replacing a prospect with
        the same id (history is only ever added to); returns how many. Backends do it
        faster than one by one."""
        count = 0
        for records in bundles:
            self.merge_prospect(records.prospect.id, _replacing(records))
            count += 1
        return count

    def add_new_prospects(self, bundles: Iterable[ProspectRecords]) -> list[ProspectRecords]:
        """Store the prospects that do not exist yet (imports, sync); returns, untouched,
        those that do, for the caller to merge."""
        existing: list[ProspectRecords] = []
        for records in bundles:
            adder = _AddIfNew(records)
            try:
                self.merge_prospect(records.prospect.id, adder)
            except StoreError as exc:  # say which prospect it was
                raise type(exc)(f"{records.prospect.name} ({records.prospect.id}): {exc}") from None
            if not adder.added:
                existing.append(records)
        return existing

    # -- prospects -------------------------------------------------------------------
    @abstractmethod
    def add_prospect(self, prospect: Prospect, *, by: str = "") -> Prospect:
        """Store a new prospect and its `created` history entry."""

    @abstractmethod
    def get_prospect(self, prospect_id: str) -> Prospect:
        """Its facts; NotFound when missing."""

    @abstractmethod
    def update_prospect(self, prospect: Prospect) -> Prospect:
        """Replace the prospect's facts (name, territory, stage, status…); bumps updated_at."""

    @abstractmethod
    def list_prospects(self) -> list[ProspectSummary]:
        """Every prospect's list row, most recently active first; cheap for 10,000 rows."""

    def recent_prospects(self, count: int) -> list[ProspectSummary] | None:
        """The ``count`` most recently active list rows, when this store gives them much
        faster than :meth:`list_prospects` (the app paints them first, then the rest);
        None when it does not. A row may still be left out by the full list after (its
        file gone, say): the full list is what counts."""
        return None

    def doubtful_rows(self) -> dict[str, str]:
        """Prospect id → the login whose list row disagreed with its records when
        :meth:`list_prospects` checked it (the row was shown as the records say); empty
        where every row is the store's own."""
        return {}

    @abstractmethod
    def resolve_id(self, id_or_prefix: str) -> str:
        """A full id from an unambiguous prefix (as users type them); NotFound otherwise."""

    # -- question-set snapshots ------------------------------------------------------
    @abstractmethod
    def put_snapshot(self, content_hash: str, question_set: dict[str, Any]) -> None:
        """Keep a question set as it was asked; idempotent per hash."""

    @abstractmethod
    def get_snapshot(self, content_hash: str) -> dict[str, Any]:
        """The question set as it was asked; NotFound when missing."""

    @abstractmethod
    def snapshot_hashes(self) -> set[str]:
        """The hash of every snapshot kept (sync sends only the missing ones)."""

    # -- interviews ------------------------------------------------------------------
    @abstractmethod
    def interview_owners(self, interview_ids: Iterable[str]) -> dict[str, str]:
        """Interview id → id of the prospect holding it, for those of ``interview_ids``
        that exist (and this login may see)."""

    @abstractmethod
    def add_interview(self, interview: Interview) -> Interview: ...

    @abstractmethod
    def get_interview(self, interview_id: str) -> Interview: ...

    @abstractmethod
    def interviews(self, prospect_id: str) -> list[Interview]:
        """A prospect's interviews, oldest first."""

    @abstractmethod
    def update_interview(self, interview: Interview) -> Interview:
        """Replace status, notes, completion time (not answers: use record_answers)."""

    @abstractmethod
    def start_interview(self, interview: Interview) -> Interview:
        """The open interview (in progress, not merged) of ``interview``'s prospect and
        stage: ``interview`` stored if there is none, else the one already there, so two
        people starting the same stage at once get the same interview. StageConflict if
        the prospect is no longer at that stage (nothing is stored then)."""

    @abstractmethod
    def record_answers(
        self,
        interview_id: str,
        answers: Sequence[AnswerRecord],
        *,
        expected_stage: str | None = None,
    ) -> Interview:
        """Store all the answers or none (each replacing that question's answer); durable
        when this returns. The list row is recomputed on every stored answer, other
        writers' included.

        With ``expected_stage`` (the stage the answers were given for), StageConflict if
        the prospect has moved on meanwhile, saying who moved it: nothing is stored."""

    # -- moves -----------------------------------------------------------------------
    @abstractmethod
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

    # -- history ---------------------------------------------------------------------
    @abstractmethod
    def append_history(self, entry: HistoryEntry) -> HistoryEntry:
        """Append-only: entries are never changed or removed; the same entry again (a
        retried command) changes nothing."""

    @abstractmethod
    def history(self, prospect_id: str) -> list[HistoryEntry]:
        """Oldest first."""

    # -- evidence files --------------------------------------------------------------
    @abstractmethod
    def add_attachment(self, attachment: Attachment, content: bytes) -> Attachment:
        """Keep an evidence file of a prospect: its bytes under their SHA-256 (once per
        content), then its record; both durable when this returns, and a crash in
        between leaves no record without its file. The same record again (a retried
        command, an import, a sync) changes nothing; records are never changed or
        removed. Returns the record as stored (on a server its author is the login).
        NotFound when there is no such prospect; StoreError when ``content`` is not the
        file the record describes (see :func:`checked_attachment`)."""

    @abstractmethod
    def attachments(self, prospect_id: str) -> list[Attachment]:
        """A prospect's attachment records, oldest first (empty when it has none)."""

    @abstractmethod
    def attachment_content(self, prospect_id: str, sha256: str) -> bytes:
        """The bytes of a prospect's evidence file; NotFound when it has no such file,
        StoreCorrupt when the kept bytes no longer match their hash."""

    def evidence_tallies(self, prospect_ids: Iterable[str]) -> dict[str, EvidenceTally]:
        """Prospect id → how many evidence files it has in force and when the newest was
        attached, for those of ``prospect_ids`` that have any (one read per prospect here;
        a server answers in one query)."""
        found: dict[str, EvidenceTally] = {}
        for pid in prospect_ids:
            counted = tally(self.attachments(pid))
            if counted is not None:
                found[pid] = counted
        return found

    def stored_evidence(self) -> Iterator[StoredFile]:
        """Every evidence file this login may see, checked against its hash (for `qualify
        doctor`): each kept file with the records naming it, and each record whose file
        is not kept. Here through this interface (a file no record names cannot be
        found this way); a server hashes in SQL and finds those too."""
        for pid in self.prospect_ids():
            by_file: dict[str, list[str]] = {}
            for a in self.attachments(pid):
                by_file.setdefault(a.sha256, []).append(f"{a.id} ({a.name})")
            for digest, names in by_file.items():
                try:
                    self.attachment_content(pid, digest)
                    state: FileState = "ok"
                except NotFound:
                    state = "missing"
                except StoreCorrupt:
                    state = "changed"
                yield StoredFile(pid, digest, state, tuple(names))

    # -- what could not be read ----------------------------------------------------------
    def note_unreadable(self, message: str, key: str = "") -> None:
        """Remember a prospect (or a part of an index) left out of a listing, a report or
        an export because it cannot be read; ``message`` names the file and the fix.
        ``key`` (a prospect id) keeps one message per prospect, the first."""
        notes: dict[str, str] = self.__dict__.setdefault("_unreadable", {})
        notes.setdefault(key or message, message)

    def unreadable(self) -> list[str]:
        """Every message noted since the store was opened, oldest first, each once: the
        command line prints them and exits with status 5, the app shows them."""
        return list(self.__dict__.get("_unreadable", {}).values())

    # -- demo data -------------------------------------------------------------------
    @abstractmethod
    def delete_demo_prospect(self, prospect_id: str) -> bool:
        """Remove a prospect made by `qualify demo`, with its interviews, answers and
        history; False when there is no such prospect. The one deletion a store offers,
        and only `qualify demo --remove` uses it: a prospect that is not demo data
        (:func:`qualify.core.records.is_demo`) is refused with StoreError, whoever asks
        (on PostgreSQL the server itself refuses)."""

    def delete_demo_prospects(self, prospect_ids: Iterable[str]) -> list[str]:
        """The demo prospects among ``prospect_ids`` removed, each as
        :meth:`delete_demo_prospect` removes one; a prospect that is not demo data (its
        `demo` tag taken off: the user's own now) or is gone is left alone. Returns the
        ids removed. Backends do it faster than one by one."""
        removed: list[str] = []
        for prospect_id in prospect_ids:
            try:
                prospect = self.get_prospect(prospect_id)
            except NotFound:
                continue
            if is_demo(prospect) and self.delete_demo_prospect(prospect_id):
                removed.append(prospect_id)
        return removed

    # -- lifecycle -------------------------------------------------------------------
    def watch(self) -> Watch | None:
        """Something to wait on for other people's or processes' changes (a live screen);
        None where the backend cannot tell."""
        return None

    @contextmanager
    def all_or_nothing(self) -> Iterator[bool]:
        """Writes inside the block land together or not at all where the backend can
        promise that (PostgreSQL: yields True); elsewhere each write stays atomic on
        its own (yields False)."""
        yield False

    def close(self) -> None:
        """Release files and connections."""

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


# ------------------------------------------------------------------ records, checked

_SAFE_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,127}")
_WINDOWS_RESERVED = frozenset(
    {"CON", "PRN", "AUX", "NUL"} | {f"{p}{n}" for p in ("COM", "LPT") for n in range(1, 10)}
)


def is_safe_id(value: str) -> bool:
    """Ids become file names and keys: letters, digits, ``_ . -``, not starting with a dot."""
    return (
        bool(_SAFE_ID.fullmatch(value))
        and value.split(".")[0].upper() not in _WINDOWS_RESERVED
        and not value.endswith(".")
    )


def check_records(records: ProspectRecords, prospect_id: str | None = None) -> None:
    """Every part must belong to the prospect, or it would be filed under the wrong one."""
    pid = records.prospect.id
    if not is_safe_id(pid):
        raise StoreError(refusals.unsafe_prospect_id(pid))
    if prospect_id is not None and pid != prospect_id:
        raise StoreError(refusals.records_given_for(pid, prospect_id))
    for interview in records.interviews:
        if interview.prospect_id != pid:
            raise StoreError(refusals.interview_of(interview.id, interview.prospect_id))
    for entry in records.history:
        if entry.prospect_id != pid:
            raise StoreError(refusals.history_entry_of(entry.id, entry.prospect_id))


def checked_attachment(attachment: Attachment, content: bytes) -> Attachment:
    """The record, if it can be stored with ``content``; StoreError saying why not."""
    if not is_safe_id(attachment.id) or not is_safe_id(attachment.prospect_id):
        raise StoreError(refusals.unsafe_attachment_id(attachment.id))
    try:
        check_attachment(attachment, content)
    except EvidenceError as exc:
        raise StoreError(said(exc)) from None
    return attachment


def same_attachment(kept: Attachment, given: Attachment, login: str = "") -> bool:
    """Whether ``kept`` is ``given`` as a store (a server, as ``login``) would keep it."""
    if kept == given:
        return True
    offline = given.recorded_as or ("" if given.by == login else given.by)
    mine = given.model_copy(update={"by": login, "recorded_as": offline})
    return kept.model_dump(mode="json") == mine.model_dump(mode="json")


def not_demo(prospect: Prospect) -> StoreError:
    """The refusal to delete a prospect that is not demo data."""
    return StoreError(refusals.not_demo(prospect.name, prospect.id))


def answer_records(answers: Sequence[AnswerRecord | dict[str, Any]]) -> list[AnswerRecord]:
    """Answers validated before anything is written (ValueError on a bad one)."""
    return [a if isinstance(a, AnswerRecord) else AnswerRecord.model_validate(a) for a in answers]


def created_entry(prospect: Prospect, by: str = "") -> HistoryEntry:
    """The first line of every prospect's history."""
    return HistoryEntry(
        prospect_id=prospect.id,
        action="created",
        to_stage=prospect.stage,
        at=prospect.created_at,
        by=by,
    )


def check_expected(
    current: Prospect,
    expected_stage: str,
    expected_status: ProspectStatus,
    history: Sequence[HistoryEntry] = (),
) -> None:
    """Raise StageConflict, saying who moved the prospect, unless it is where we expect it."""
    if current.stage == expected_stage and current.status == expected_status:
        return
    raise StageConflict(
        refusals.changed_meanwhile(
            current.name,
            current.stage,
            current.status.value,
            refusals.last_move(history),
            expected_stage,
            expected_status.value,
        )
    )


def check_stage(
    current: Prospect, expected_stage: str, history: Sequence[HistoryEntry] = ()
) -> None:
    """Raise StageConflict, saying who moved the prospect, unless it is still at the stage
    the answers were given for (an answer for a stage just left is refused, not filed
    under the wrong stage)."""
    if current.stage == expected_stage:
        return
    who = refusals.last_move(history)
    raise StageConflict(
        refusals.moved_on_meanwhile(current.name, current.stage, who, expected_stage)
    )


def _replacing(records: ProspectRecords) -> Merge:
    """A merge storing ``records`` in place of what is stored; history is only added to."""

    def merge(current: ProspectRecords | None) -> ProspectRecords:
        if current is None:
            return records
        given = {h.id for h in records.history}
        kept = [h for h in current.history if h.id not in given]
        united = sorted((*kept, *records.history), key=lambda h: h.at)
        return replace(records, history=tuple(united))

    return merge


class _AddIfNew:
    """A merge storing its records only where there is no such prospect yet."""

    def __init__(self, records: ProspectRecords) -> None:
        self.records = records
        self.added = False

    def __call__(self, current: ProspectRecords | None) -> ProspectRecords | None:
        self.added = current is None
        return self.records if current is None else None


__all__ = [
    "Changes",
    "Merge",
    "NotFound",
    "ServerUnavailable",
    "StageConflict",
    "Store",
    "StoreCorrupt",
    "StoreError",
    "StoreLocked",
    "Watch",
    "answer_records",
    "change_digest",
    "check_expected",
    "check_records",
    "check_stage",
    "checked_attachment",
    "created_entry",
    "is_safe_id",
    "not_demo",
    "same_attachment",
]

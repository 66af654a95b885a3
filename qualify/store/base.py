"""The one interface every backend implements (the embedded workspace, PostgreSQL).

The CLI, the TUI and the reports talk to a :class:`Store` and never know which
backend is behind it.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from qualify.core.errors import QualifyError
from qualify.core.records import (
    AnswerRecord,
    HistoryEntry,
    Interview,
    Prospect,
    ProspectStatus,
    ProspectSummary,
)

if TYPE_CHECKING:
    from qualify.store.workspace import ProspectData

SummaryArg = ProspectSummary | Callable[[Interview], ProspectSummary] | None
"""What record_answers puts in the prospects list: a summary, or a function of the stored
interview (all its answers, other people's included) called inside the same write."""


class StoreError(QualifyError):
    """A problem the user can act on; its message is one clear line."""


class NotFound(StoreError):
    """No record with that id."""


class StoreLocked(StoreError):
    """Another process holds the workspace for longer than we are willing to wait."""


class StoreCorrupt(StoreError):
    """A file cannot be read; it is left untouched, and the message names the backup."""


class StageConflict(StoreError):
    """The prospect moved (or changed status) since it was read: nothing was changed."""

    exit_code = 4


class Store(ABC):
    """Prospects, interviews (with question-set snapshots), answers and stage history."""

    login: str = ""
    """Who the backend knows the user as (the database login); empty for the workspace."""

    # -- prospects -------------------------------------------------------------
    @abstractmethod
    def add_prospect(self, prospect: Prospect, *, by: str = "") -> Prospect:
        """Store a new prospect and its `created` history entry."""

    @abstractmethod
    def get_prospect(self, prospect_id: str) -> Prospect:
        """Raise NotFound when missing."""

    @abstractmethod
    def update_prospect(self, prospect: Prospect) -> Prospect:
        """Replace the prospect's facts (name, territory, stage, status…); bumps updated_at."""

    @abstractmethod
    def list_prospects(self) -> list[ProspectSummary]:
        """Every prospect's summary, cheap enough for 10,000 rows."""

    @abstractmethod
    def resolve_id(self, id_or_prefix: str) -> str:
        """A full id from an unambiguous prefix (as users type them); NotFound otherwise."""

    @abstractmethod
    def set_summary(self, summary: ProspectSummary) -> None:
        """Update what the prospects list shows (score, band, coverage…)."""

    # -- question-set snapshots ------------------------------------------------
    @abstractmethod
    def put_snapshot(self, content_hash: str, question_set: dict[str, Any]) -> None:
        """Keep a question set as it was asked; idempotent per hash."""

    @abstractmethod
    def get_snapshot(self, content_hash: str) -> dict[str, Any]:
        """The question set as it was asked; NotFound when missing."""

    # -- interviews --------------------------------------------------------------
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
    def record_answers(
        self,
        interview_id: str,
        answers: Sequence[AnswerRecord],
        *,
        summary: SummaryArg = None,
    ) -> Interview:
        """Store all the answers or none; durable when this returns.

        ``summary`` may be a function of the stored interview: it then runs under the
        same lock or transaction, so a score never misses another writer's answer.
        """

    # -- moves -----------------------------------------------------------------------
    def move_prospect(
        self,
        prospect: Prospect,
        entry: HistoryEntry,
        *,
        expected_stage: str,
        expected_status: ProspectStatus,
        summary: ProspectSummary | None = None,
    ) -> Prospect:
        """Compare-and-set a stage or status move: save ``prospect``, its summary and ``entry``
        only if the stored prospect is still at ``expected_stage``/``expected_status``.

        Raises StageConflict otherwise, so two `advance` at once move a prospect once.
        Backends override this to make it atomic; this fallback is for single-user stores.
        """
        current = self.get_prospect(prospect.id)
        check_expected(current, expected_stage, expected_status, self.history(prospect.id))
        saved = self.update_prospect(prospect)
        if summary is not None:
            self.set_summary(summary)
        self.append_history(entry)
        return saved

    # -- history -------------------------------------------------------------------
    @abstractmethod
    def append_history(self, entry: HistoryEntry) -> HistoryEntry:
        """Append-only: entries are never changed or removed."""

    @abstractmethod
    def history(self, prospect_id: str) -> list[HistoryEntry]:
        """Oldest first."""

    # -- lifecycle -------------------------------------------------------------------
    def merge_prospect_data(
        self,
        prospect_id: str,
        merge: Callable[[ProspectData | None], ProspectData | None],
    ) -> ProspectData | None:
        """Hand the stored prospect with everything it owns (None if new) to ``merge`` and
        save what it returns (None: nothing to write), atomically for that prospect."""
        raise StoreError(f"{type(self).__name__} cannot merge prospects")

    @contextmanager
    def all_or_nothing(self) -> Iterator[None]:
        """Writes inside the block land together or not at all, where the backend can
        promise that (PostgreSQL); elsewhere each write stays atomic on its own."""
        yield

    def close(self) -> None:  # noqa: B027 - optional for backends without resources
        """Release files and connections."""

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def add_prospects_bulk(
        self,
        prospects: Iterable[tuple[Prospect, list[Interview], list[HistoryEntry], ProspectSummary]],
    ) -> int:
        """Load many prospects at once (demo data, imports); backends may do it faster."""
        n = 0
        for prospect, interviews, history, summary in prospects:
            self.add_prospect(prospect)
            for interview in interviews:
                answers = list(interview.answers.values())
                self.add_interview(interview.model_copy(update={"answers": {}}))
                if answers:
                    self.record_answers(interview.id, answers)
            for entry in history:
                self.append_history(entry)
            self.set_summary(summary)
            n += 1
        return n


def check_expected(
    current: Prospect,
    expected_stage: str,
    expected_status: ProspectStatus,
    history: Sequence[HistoryEntry] = (),
) -> None:
    """Raise StageConflict, saying who moved the prospect, unless it is where we expect it."""
    if current.stage == expected_stage and current.status == expected_status:
        return
    last = next((h for h in reversed(history) if h.action != "created"), None)
    who = ""
    if last is not None:
        by = f" by {last.by}" if last.by else ""
        who = f" ({last.action}{by} at {last.at:%Y-%m-%d %H:%M} UTC)"
    raise StageConflict(
        f"{current.name} changed meanwhile: it is now at {current.stage}, "
        f"{current.status.value}{who}, not at {expected_stage}, {expected_status.value}; "
        "nothing was changed"
    )

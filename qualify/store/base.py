"""The one interface every backend implements (the embedded workspace, PostgreSQL).

The CLI, the TUI and the reports talk to a :class:`Store` and never know which
backend is behind it.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterable, Sequence
from typing import Any

from qualify.errors import QualifyError
from qualify.records import (
    AnswerRecord,
    HistoryEntry,
    Interview,
    Prospect,
    ProspectSummary,
)


class StoreError(QualifyError):
    """A problem the user can act on; its message is one clear line."""


class NotFound(StoreError):
    """No record with that id."""


class StoreLocked(StoreError):
    """Another process holds the workspace for longer than we are willing to wait."""


class StoreCorrupt(StoreError):
    """A file cannot be read; it is left untouched, and the message names the backup."""


class Store(ABC):
    """Prospects, interviews (with question-set snapshots), answers and stage history."""

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
        summary: ProspectSummary | None = None,
    ) -> Interview:
        """Store all the answers or none; durable on disk when this returns."""

    # -- history -------------------------------------------------------------------
    @abstractmethod
    def append_history(self, entry: HistoryEntry) -> HistoryEntry:
        """Append-only: entries are never changed or removed."""

    @abstractmethod
    def history(self, prospect_id: str) -> list[HistoryEntry]:
        """Oldest first."""

    # -- lifecycle -------------------------------------------------------------------
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

"""A Store kept in dicts: the report tests need records, not a database."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from qualify.core.records import (
    AnswerRecord,
    HistoryEntry,
    Interview,
    Prospect,
    ProspectSummary,
)
from qualify.store.base import NotFound, Store, StoreError


class MemoryStore(Store):
    """Implements every abstract method of :class:`Store` with plain dicts."""

    def __init__(self) -> None:
        self.prospects: dict[str, Prospect] = {}
        self.summaries: dict[str, ProspectSummary] = {}
        self.snapshots: dict[str, dict[str, Any]] = {}
        self.interview_rows: dict[str, Interview] = {}
        self.history_rows: list[HistoryEntry] = []

    def add_prospect(self, prospect: Prospect, *, by: str = "") -> Prospect:
        self.prospects[prospect.id] = prospect
        return prospect

    def get_prospect(self, prospect_id: str) -> Prospect:
        try:
            return self.prospects[prospect_id]
        except KeyError:
            raise NotFound(f"no prospect with id {prospect_id!r}") from None

    def update_prospect(self, prospect: Prospect) -> Prospect:
        self.get_prospect(prospect.id)
        self.prospects[prospect.id] = prospect
        return prospect

    def list_prospects(self) -> list[ProspectSummary]:
        out = []
        for pid, p in self.prospects.items():
            out.append(
                self.summaries.get(pid)
                or ProspectSummary(
                    id=pid, name=p.name, territory=p.territory, kind=p.kind, stage=p.stage
                )
            )
        return out

    def resolve_id(self, id_or_prefix: str) -> str:
        if id_or_prefix in self.prospects:
            return id_or_prefix
        found = [pid for pid in self.prospects if pid.startswith(id_or_prefix)]
        if len(found) == 1 and id_or_prefix:
            return found[0]
        if len(found) > 1:
            raise StoreError(f"id prefix {id_or_prefix!r} is ambiguous")
        raise NotFound(f"no prospect with id {id_or_prefix!r}")

    def set_summary(self, summary: ProspectSummary) -> None:
        self.summaries[summary.id] = summary

    def put_snapshot(self, content_hash: str, question_set: dict[str, Any]) -> None:
        self.snapshots.setdefault(content_hash, question_set)

    def get_snapshot(self, content_hash: str) -> dict[str, Any]:
        try:
            return self.snapshots[content_hash]
        except KeyError:
            raise NotFound(f"no snapshot {content_hash}") from None

    def add_interview(self, interview: Interview) -> Interview:
        self.interview_rows[interview.id] = interview
        return interview

    def get_interview(self, interview_id: str) -> Interview:
        try:
            return self.interview_rows[interview_id]
        except KeyError:
            raise NotFound(f"no interview {interview_id}") from None

    def interviews(self, prospect_id: str) -> list[Interview]:
        return [i for i in self.interview_rows.values() if i.prospect_id == prospect_id]

    def update_interview(self, interview: Interview) -> Interview:
        current = self.get_interview(interview.id)
        self.interview_rows[interview.id] = interview.model_copy(
            update={"answers": current.answers}
        )
        return self.interview_rows[interview.id]

    def record_answers(
        self,
        interview_id: str,
        answers: Sequence[AnswerRecord],
        *,
        summary: ProspectSummary | None = None,
    ) -> Interview:
        current = self.get_interview(interview_id)
        merged = {**current.answers, **{a.question_id: a for a in answers}}
        self.interview_rows[interview_id] = current.model_copy(update={"answers": merged})
        if summary is not None:
            self.set_summary(summary)
        return self.interview_rows[interview_id]

    def append_history(self, entry: HistoryEntry) -> HistoryEntry:
        self.history_rows.append(entry)
        return entry

    def history(self, prospect_id: str) -> list[HistoryEntry]:
        return [h for h in self.history_rows if h.prospect_id == prospect_id]

"""The prospects list's row, as every backend computes it on every write.

The rules are the core's (:func:`qualify.core.assess.list_row`: which interview
counts, its score, band and coverage, the last activity); a store only supplies the
question-set snapshots the interviews were asked with. Snapshots are immutable per
content hash, so each store keeps the ones it parsed for as long as it is open.
The scoring is imported on the first write: reading the list needs none of it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime
from typing import TYPE_CHECKING, Any

from qualify.store.base import NotFound
from qualify.store.missing import no_snapshot

if TYPE_CHECKING:
    from qualify.core.questionnaire.model import QuestionSet
    from qualify.core.records import ProspectRecords, ProspectSummary

Fetch = Callable[[str], dict[str, Any]]
"""Content hash → the snapshot as stored; NotFound when there is none."""


class ListRows:
    """Computes list rows, parsing each snapshot once."""

    def __init__(self) -> None:
        self._sets: dict[str, QuestionSet | None] = {}
        """Hash → parsed set; None for a snapshot this qualify cannot parse."""

    def row(self, records: ProspectRecords, fetch: Fetch) -> ProspectSummary:
        """The row of ``records``; ``fetch`` reads a snapshot not parsed yet (inside the
        caller's transaction, where it has one).

        An interview whose snapshot is missing, or no longer parses, is not scored
        (the reports fall back to today's set and say so; a list row has no room for
        that). Any other error, a lost connection say, propagates.
        """
        from pydantic import ValidationError

        from qualify.core.assess import Snapshots, list_row
        from qualify.setcache import question_set

        snapshots = Snapshots()
        for interview in records.interviews:
            digest = interview.questionnaire_hash
            if digest not in self._sets:
                try:
                    raw = fetch(digest)
                except NotFound:
                    continue  # may arrive later (an import adds it): not remembered
                try:
                    self._sets[digest] = question_set(raw)
                except (ValidationError, ValueError):
                    self._sets[digest] = None
            parsed = self._sets[digest]
            if parsed is not None:
                snapshots.sets[digest] = parsed
        # today() in formulas (days since founded…) is the writer's local date
        return list_row(records, snapshots, today=datetime.now().astimezone().date())

    def rows(self, many: Iterable[ProspectRecords], fetch: Fetch) -> list[ProspectSummary]:
        """The rows of many prospects (a bulk load): a missing snapshot is looked for once."""
        absent: set[str] = set()

        def fetch_once(content_hash: str) -> dict[str, Any]:
            if content_hash in absent:
                raise no_snapshot(content_hash)
            try:
                return fetch(content_hash)
            except NotFound:
                absent.add(content_hash)
                raise

        return [self.row(records, fetch_once) for records in many]


__all__ = ["Fetch", "ListRows"]

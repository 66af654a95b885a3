"""Writing many prospects at once (a demo, an import, a re-score of thousands): in runs
of :data:`BULK_CHUNK` under the workspace lock, the files of a run with one sync instead
of one fsync each, each index shard written once per run. The order of a single write
holds: the interview index before the files (a kill in between leaves an entry
pointing at nothing, never an interview nobody can find), the list rows after (a kill
in between leaves a row older than its file, which listing notices and repairs).
Mixed into :class:`~qualify.store.workspace.store.Workspace`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from contextlib import AbstractContextManager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from qualify.atomic import write_many
from qualify.core.records import ProspectRecords, ProspectSummary
from qualify.store import refusals
from qualify.store.base import Merge, StoreError, check_records, is_safe_id
from qualify.store.rows import ListRows
from qualify.store.runs import batched
from qualify.store.workspace.files import ProspectFile, encode, read_prospect_file
from qualify.store.workspace.index import Index
from qualify.store.workspace.storage import Backups

BULK_CHUNK = 1000
"""Prospects written under one hold of the lock, with one sync."""


@dataclass(frozen=True)
class _Change:
    """A merge's result, ready to be written."""

    path: Path
    records: ProspectRecords
    payload: bytes
    owners: dict[str, str]
    """The interviews new to the prospect: the interview index's entries to add."""
    row: ProspectSummary | None
    """Its list row, when it differs from the stored one (else None: no index write)."""
    stored_row: ProspectSummary | None


class BulkWrites:
    """:meth:`~qualify.store.base.Store.add_prospects_bulk`, ``add_new_prospects`` and
    ``merge_prospects`` of the workspace, and the merge its single writes share."""

    _index: Index
    _owners: dict[str, str]
    _rows: ListRows
    _backups: Backups
    _durable: bool
    prospect_path: Callable[[str], Path]
    locked: Callable[[], AbstractContextManager[None]]
    get_snapshot: Callable[[str], dict[str, Any]]
    _read_file: Callable[[Path], ProspectFile | None]
    _row: Callable[[ProspectRecords], ProspectSummary]

    def add_prospects_bulk(self, bundles: Iterable[ProspectRecords]) -> int:
        """Written in chunks: one sync per chunk and each index shard once per chunk; a
        prospect with the same id is replaced (its history only added to)."""
        count = 0
        for chunk in batched(bundles, BULK_CHUNK):
            self.write_bulk(chunk, replace=True)
            count += len(chunk)
        return count

    def add_new_prospects(self, bundles: Iterable[ProspectRecords]) -> list[ProspectRecords]:
        """Store the prospects that do not exist yet, in chunks; return those that do."""
        existing: list[ProspectRecords] = []
        for chunk in batched(bundles, BULK_CHUNK):
            existing.extend(self.write_bulk(chunk, replace=False))
        return existing

    def write_bulk(self, chunk: list[ProspectRecords], *, replace: bool) -> list[ProspectRecords]:
        """Prospect files written together (one sync), then each index shard once.

        Without ``replace`` an existing prospect is left alone and returned. Rows are
        computed before the lock is taken (they depend only on what is written), except
        for a prospect that is replaced: its history is united with the stored one under
        the lock. A file that cannot be read is never replaced.
        """
        for records in chunk:
            check_records(records)
        todo = [r for r in chunk if replace or not self.prospect_path(r.prospect.id).exists()]
        computed = self._rows.rows(todo, self.get_snapshot)
        rows = {r.prospect.id: row for r, row in zip(todo, computed, strict=True)}
        skipped: list[ProspectRecords] = []
        items: list[tuple[Path, bytes]] = []
        owners: dict[str, str] = {}
        written: dict[str, ProspectSummary | None] = {}
        with self.locked():
            for records in chunk:
                pid = records.prospect.id
                path = self.prospect_path(pid)
                if path.exists() and not replace:
                    skipped.append(records)  # the caller merges it
                    continue
                row = rows.get(pid) or self._row(records)
                if path.exists():
                    stored = read_prospect_file(path)  # never replace a file we cannot read
                    records, row = self._replacing(stored, records, row)
                items.append((path, encode(records, row)))
                owners.update({i.id: pid for i in records.interviews})
                written[pid] = row
            self._index.put_owners(owners, conflicts=False, bulk=True)
            self._owners.update(owners)
            write_many(items, durable=self._durable)
            self._index.put_rows(written, bulk=True)
        return skipped

    def _replacing(
        self, stored: ProspectFile | None, records: ProspectRecords, row: ProspectSummary
    ) -> tuple[ProspectRecords, ProspectSummary]:
        if stored is None:
            return records, row
        given = {h.id for h in records.history}
        kept = [h for h in stored.records.history if h.id not in given]
        if not kept:
            return records, row
        united = sorted((*kept, *records.history), key=lambda h: h.at)
        records = replace(records, history=tuple(united))
        return records, self._row(records)

    def merge_prospects(self, merges: Iterable[tuple[str, Merge]]) -> list[ProspectRecords | None]:
        """A thousand merges at a time under the lock, in the order of merge_prospect's
        (interview index, files, list rows), with one sync for the files and each index
        shard written once: a re-score of 10,000 prospects is not 10,000 fsyncs."""
        results: list[ProspectRecords | None] = []
        for chunk in batched(merges, BULK_CHUNK):
            with self.locked():
                changes: dict[str, _Change] = {}
                for prospect_id, merge in chunk:
                    current, change = self._merged(prospect_id, merge, changes)
                    if change is not None:
                        changes[prospect_id] = change
                    results.append(current if change is None else change.records)
                owners = {k: v for c in changes.values() for k, v in c.owners.items()}
                if owners:
                    self._index.put_owners(owners, bulk=True)
                    self._owners.update(owners)
                write_many(
                    [(c.path, c.payload) for c in changes.values()],
                    durable=self._durable,
                    before_replace=self._backups.before_replace,
                )
                rows: dict[str, ProspectSummary | None] = {
                    pid: c.row for pid, c in changes.items() if c.row is not None
                }
                if rows:
                    self._index.put_rows(rows, bulk=True)
        return results

    def _merged(
        self, prospect_id: str, merge: Merge, earlier: dict[str, _Change]
    ) -> tuple[ProspectRecords | None, _Change | None]:
        """``merge`` applied to the stored records (or to those an ``earlier`` merge of
        the same batch made): the records as they stay, and what to write, if anything."""
        if not is_safe_id(prospect_id):
            raise StoreError(refusals.unsafe_prospect_id(prospect_id, why=False))
        before = earlier.get(prospect_id)
        if before is not None:
            current, stored_row = before.records, before.stored_row
        else:
            path = self.prospect_path(prospect_id)
            stored = self._read_file(path)  # a corrupt file fails before anything changes
            current = stored.records if stored is not None else None
            stored_row = stored.row if stored is not None else None
        result = merge(current)
        if result is None or result == current:
            return current, None
        check_records(result, prospect_id)
        row = self._row(result)
        known = {i.id for i in current.interviews} if current is not None else set()
        owners = {i.id: prospect_id for i in result.interviews if i.id not in known}
        if before is not None:
            owners = {**before.owners, **owners}
        return result, _Change(
            path=self.prospect_path(prospect_id),
            records=result,
            payload=encode(result, row),
            owners=owners,
            row=row if stored_row is None or stored_row != row else None,
            stored_row=stored_row,
        )

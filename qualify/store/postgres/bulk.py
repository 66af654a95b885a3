"""Many prospects written (or read) at once on the server: COPY into temporary tables,
then one statement per table, in place of a handful of statements per prospect.

Moving a workspace of 2,000 prospects up with ``qualify import`` wrote them one by one:
about eight round trips and a savepoint each. The records of a run new to the server
now go in together; what the server refuses in a run (a prospect of a territory this
login may not write, an id another prospect holds that it cannot see, one added
meanwhile) is written again one by one, so the refusal names its prospect exactly as
before, and whatever one by one would store is what is stored.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

import psycopg

from qualify.core.records import ProspectRecords
from qualify.store.base import ServerUnavailable, Store, StoreCorrupt, StoreError, check_records
from qualify.store.postgres import sql
from qualify.store.runs import batched

if TYPE_CHECKING:
    from qualify.store.postgres.connection import Connections
    from qualify.store.rows import ListRows

BULK_CHUNK = 5000
"""Prospects per COPY of a demo load."""
NEW_RUN = 500
"""Prospects per COPY of those an import or a sync adds (a run refused is written again
one by one: small enough that it costs little), and per statement reading many."""


class BulkWrites:
    """:meth:`Store.add_prospects_bulk`, :meth:`Store.add_new_prospects` and
    :meth:`Store.read_prospects` of the server (mixed into
    :class:`~qualify.store.postgres.store.PostgresStore`)."""

    _db: Connections
    _rows: ListRows
    _save_row: Callable[[psycopg.Connection[Any], str], ProspectRecords]

    def add_prospects_bulk(self, bundles: Iterable[ProspectRecords]) -> int:
        """COPY in chunks of 5,000; a prospect with the same id is replaced (its history
        only added to), so loading the same demo data twice is harmless."""
        count = 0
        for chunk in batched(bundles, BULK_CHUNK):
            for records in chunk:
                check_records(records)
            count += self._copy(chunk)
        return count

    def _copy(self, chunk: list[ProspectRecords]) -> int:
        with self._db.tx() as conn:
            ids = [r.prospect.id for r in chunk]
            replaced = [
                r[0]
                for r in conn.execute(
                    "SELECT id FROM prospects WHERE id = ANY(%s)", (ids,)
                ).fetchall()
            ]
            rows = self._rows.rows(chunk, sql.snapshot_fetcher(conn))
            sql.copy_chunk(conn, list(zip(chunk, rows, strict=True)))
            for pid in replaced:  # what is stored now also holds what was there before
                self._save_row(conn, pid)
        return len(chunk)

    def read_prospects(
        self, prospect_ids: Iterable[str], unreadable: Callable[[str, StoreCorrupt], object]
    ) -> dict[str, ProspectRecords]:
        """Runs of :data:`NEW_RUN` prospects read in one statement each."""
        found: dict[str, ProspectRecords] = {}
        for run in batched(prospect_ids, NEW_RUN):
            with self._db.conn() as conn:
                found.update((r.prospect.id, r) for r in sql.read_many(conn, run, unreadable))
        return found

    def add_new_prospects(self, bundles: Iterable[ProspectRecords]) -> list[ProspectRecords]:
        """The prospects this login cannot find on the server added in runs of
        :data:`NEW_RUN`, each run in one transaction (inside the caller's, where there
        is one); returns, untouched, those it finds, for the caller to merge."""
        existing: list[ProspectRecords] = []
        for run in batched(bundles, NEW_RUN):
            existing.extend(self._add_run(run))
        return existing

    def _add_run(self, run: list[ProspectRecords]) -> list[ProspectRecords]:
        for records in run:
            check_records(records)
        with self._db.conn() as conn:
            ids = [r.prospect.id for r in run]
            found = conn.execute("SELECT id FROM prospects WHERE id = ANY(%s)", (ids,)).fetchall()
        there = {r[0] for r in found}
        new = [r for r in run if r.prospect.id not in there]
        if new:
            try:
                with self._db.tx() as conn:
                    rows = self._rows.rows(new, sql.snapshot_fetcher(conn))
                    sql.copy_chunk(conn, list(zip(new, rows, strict=True)), replace=False)
            except ServerUnavailable:
                raise
            except (StoreError, psycopg.DatabaseError):  # refused, rolled back: which one?
                return Store.add_new_prospects(self, run)  # type: ignore[arg-type]
        return [r for r in run if r.prospect.id in there]


__all__ = ["BULK_CHUNK", "NEW_RUN", "BulkWrites"]

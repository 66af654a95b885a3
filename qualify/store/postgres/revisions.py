"""Prospects' revisions on the team server: the server's identity and the transaction
that last changed a prospect's records.

The transaction is stamped by the server's triggers on every change of a prospect, its
interviews, answers and history, whoever writes and however (migrations/0004: a login
cannot set it to anything else); transaction numbers never repeat on one server, and
the server's identity tells servers apart (a new one counts from the start again).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from functools import partial
from typing import Any

import psycopg

from qualify.core.records import ProspectRecords
from qualify.store import missing
from qualify.store.postgres import sql

REVISIONS = "SELECT id, changed_xact::text FROM prospects WHERE id = ANY(%s)"
SERVER = "SELECT system_identifier::text FROM pg_control_system()"


class RevisionQueries:
    """:meth:`qualify.store.base.Store.revisions` and ``read_revision`` (mixed into the
    store)."""

    _db: Any
    url: str
    _server_id: str | None = None

    def opener(self) -> Callable[[], Any]:
        """A worker's own connection (one: it reads one prospect at a time)."""
        from qualify.store.postgres.store import PostgresStore

        return partial(PostgresStore, self.url, max_connections=1)

    def revisions(self, prospect_ids: Iterable[str]) -> Iterator[tuple[str, str | None]]:
        ids = list(prospect_ids)
        with self._db.conn() as conn:
            server = self._server(conn)
            found = dict(conn.execute(REVISIONS, (ids,)).fetchall()) if server else {}
        return ((p, f"{server}:{found[p]}" if found.get(p) else None) for p in ids)

    def read_revision(self, prospect_id: str) -> tuple[ProspectRecords, str | None]:
        with self._db.conn() as conn:
            server = self._server(conn)
            found = sql.read_revision(conn, prospect_id)
        if found is None:
            raise missing.no_prospect(prospect_id)
        records, xact = found
        return records, f"{server}:{xact}" if server and xact else None

    def _server(self, conn: Any) -> str | None:
        """The server's identity, asked once (None where the login may not ask it: then
        nothing is cached)."""
        if self._server_id is None:
            try:
                with conn.transaction():  # a savepoint inside an all-or-nothing block
                    row = conn.execute(SERVER).fetchone()
                self._server_id = str(row[0]) if row else ""
            except psycopg.Error:
                self._server_id = ""
        return self._server_id or None

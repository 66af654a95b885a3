"""List rows on the team server that nobody can pass off as the records', and snapshots
that are what their key says.

A list row's figures (score, band, knock-out, coverage, last activity) come from
qualify's scoring, which the server cannot run, so the server cannot check them when
they are written. What it does instead (migrations/0004) is stamp every change of a
prospect, its row included, with the transaction and the login that made it, in a way
no client can forge, and mark a row *vouched for* when the schema owner's own qualify
wrote it in that transaction. A reader then trusts:

- a vouched row;
- a row whose last change was its own login's (it computed that row itself);
- any other row only after recomputing it from the records, once per change: a row
  that disagrees is replaced by the recomputed one, and the login that wrote it noted.

``qualify db verify`` (the schema owner, e.g. from cron) recomputes every row nobody
vouched for and rewrites it, so readers have few to check.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from qualify.core.phrase import Phrase
from qualify.core.questionnaire.loader import canonical_hash
from qualify.core.records import ProspectSummary
from qualify.store.base import StoreError
from qualify.store.postgres import sql
from qualify.store.rows import ListRows

CHUNK = 500


def snapshot_problem(content_hash: str, question_set: dict[str, Any]) -> Phrase | None:
    """Why the server would refuse this snapshot (None if it would not)."""
    try:
        digest = canonical_hash(question_set)
    except (TypeError, ValueError) as exc:
        return Phrase(
            "question-set snapshot {hash} cannot be hashed ({error})", hash=content_hash, error=exc
        )
    if digest != content_hash:
        return Phrase(
            "question-set snapshot {hash} does not match its content (which hashes to "
            "{digest}): not stored; a snapshot is kept only under its own hash",
            hash=content_hash,
            digest=digest,
        )
    return None


@dataclass
class RowCheck:
    """The rows one store's reader recomputed, and those that disagreed."""

    rows: ListRows
    login: str
    checked: dict[str, str] = field(default_factory=dict)
    """Prospect id → the change (``'login xact'``) whose row was checked."""
    disagreed: dict[str, str] = field(default_factory=dict)
    """Prospect id → the login that wrote a row its records do not give."""
    unreadable: dict[str, str] = field(default_factory=dict)
    """Prospect id → why its records could not be read, in the latest listing: its row
    is left out (a record written by hand past the checks must not hide the others)."""

    def suspects(self, unvouched: dict[int, tuple[str, str]]) -> list[int]:
        """Indexes of the rows to recompute, of those nobody vouched for (index → (prospect
        id, ``'login xact'``)): last changed by another login, not checked at this change
        yet."""
        found = []
        self.unreadable = {}
        for n, (prospect_id, stamp) in unvouched.items():
            if self.checked.get(prospect_id) == stamp:
                continue
            if stamp.split(" ", 1)[0] == self.login:
                continue
            found.append(n)
        return found

    def recheck(
        self,
        conn: sql.Conn,
        listed: list[ProspectSummary],
        unvouched: dict[int, tuple[str, str]],
        suspects: list[int],
    ) -> bool:
        """Replace the ``suspects`` of ``listed`` by rows computed from their records;
        True if any changed (the caller sorts again)."""
        changed = False
        fetch = sql.snapshot_fetcher(conn)
        stamps = {listed[n].id: unvouched[n][1] for n in suspects}

        def skip(prospect_id: str, exc: Exception) -> None:
            who = (stamps.get(prospect_id) or "?").split(" ", 1)[0]
            self.unreadable[prospect_id] = (
                f"{exc} (last changed by {who}): left out of the list until the record is put right"
            )

        for start in range(0, len(suspects), CHUNK):
            part = suspects[start : start + CHUNK]
            ids = [listed[n].id for n in part]
            found = {r.prospect.id: r for r in sql.read_many(conn, ids, unreadable=skip)}
            for n in part:
                records = found.get(listed[n].id)
                if records is None:
                    continue
                row = self.rows.row(records, fetch)
                stamp = unvouched[n][1]
                if row != listed[n]:
                    listed[n] = row
                    self.disagreed[row.id] = stamp.split(" ", 1)[0]
                    changed = True
                self.checked[row.id] = stamp
        return changed


def vouch(
    conn: sql.Conn,
    rows: ListRows,
    unreadable: Callable[[str, Exception], object] | None = None,
) -> tuple[int, list[tuple[str, str, str]]]:
    """Recompute and rewrite every row nobody vouched for (run as the schema owner: each
    write vouches for its row). Returns how many were checked, and (prospect id, name,
    writer) of those that disagreed with their records. A prospect whose records cannot
    be read is handed to `unreadable` (with `unreadable`) and stays unvouched."""
    owner = conn.execute("SELECT qualify.is_schema_owner()").fetchone()
    if not (owner and owner[0]):
        raise StoreError(
            Phrase("only the schema owner vouches for list rows: run it as that login")
        )
    wrong: list[tuple[str, str, str]] = []
    pending = conn.execute(
        "SELECT id, recorded_by, changed_xact::text FROM prospects "
        "WHERE checked_xact IS NULL OR checked_xact <> changed_xact ORDER BY id"
    ).fetchall()
    fetch = sql.snapshot_fetcher(conn)
    for start in range(0, len(pending), CHUNK):
        part = pending[start : start + CHUNK]
        with conn.transaction():
            stored = {
                r[0]: r[1:]
                for r in conn.execute(
                    f"SELECT id, {', '.join('s_' + c for c in sql.ROW_COLUMNS[1:])} "
                    "FROM prospects WHERE id = ANY(%s) FOR NO KEY UPDATE",
                    ([p[0] for p in part],),
                ).fetchall()
            }
            ids = [p[0] for p in part]
            found = {r.prospect.id: r for r in sql.read_many(conn, ids, unreadable=unreadable)}
            for pid, writer, xact in part:
                records = found.get(pid)
                if records is None or pid not in stored:
                    continue
                row = rows.row(records, fetch)
                before = ProspectSummary.model_validate(sql.row_dict((pid, *stored[pid])))
                if before != row:
                    wrong.append((pid, row.name, writer))
                # compare-and-set: a row changed since it was read stays unvouched
                conn.execute(
                    f"UPDATE prospects SET {sql.ROW_SET} WHERE id = %s AND changed_xact::text = %s",
                    (*sql.row_values(row), pid, xact),
                )
    return len(pending), wrong


__all__ = ["RowCheck", "snapshot_problem", "vouch"]

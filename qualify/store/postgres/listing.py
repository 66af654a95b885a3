"""The prospects list on the team server, read again only where it changed.

Every change of a prospect (its facts, its list row, or any of its records, which touch
it) is stamped by the server with the transaction that made it (``changed_xact``,
migrations/0004), which no client can forge. A store keeps the list rows it read, and
the snapshot it read them in; listing again asks only for the rows whose last change
that snapshot did not see (``pg_visible_in_snapshot``), from the list index
(migrations/0009), which holds every column the list reads.

What the snapshot cannot tell: a prospect removed, or one this login may see now or no
longer without the prospect changing (a territory granted or taken away). So the store
also remembers whom it listed for (director or not, which territories: what row-level
security decides by) and how many rows it saw; when either differs, every prospect's
change stamp is read, in list order, and only the rows whose stamp is new are read
whole. All queries of one listing run in one read-only REPEATABLE READ transaction, so
they see the same committed state.
"""

from __future__ import annotations

from operator import attrgetter
from typing import Any

from pydantic import TypeAdapter

from qualify.core.records import ProspectSummary
from qualify.store.postgres import sql
from qualify.store.postgres.rows import RowCheck

_ROWS = TypeAdapter(list[ProspectSummary])

STATE = (
    "SELECT pg_current_snapshot()::text, "
    "(SELECT qualify.is_director()), "
    "ARRAY(SELECT t FROM qualify.my_territories() t ORDER BY 1), "
    "(SELECT count(*) FROM prospects)"
)
"""The transaction's snapshot, whom row-level security lets this login see, how many."""

ASK_ALL = 0.5
"""When more than this share of the rows changed, all of them are read in one query."""

Entry = tuple[Any, ProspectSummary, Any]
"""A listed row: the transaction that last changed it, the row, its vouching stamp."""


class Listing:
    """The list rows this store last read, and what they were read in."""

    def __init__(self) -> None:
        self._known: dict[str, Entry] = {}
        self._order: list[str] = []
        self._since: str | None = None
        self._sees: tuple[Any, Any] | None = None
        self._rows: list[ProspectSummary] = []
        self._stamps: dict[int, tuple[str, str]] = {}

    def read(self, conn: sql.Conn) -> tuple[list[ProspectSummary], dict[int, tuple[str, str]]]:
        """The rows in list order, and (id, stamp) of each row nobody vouched for, by
        its index (see RowCheck.suspects)."""
        with conn.cursor(binary=True) as cur:
            row = cur.execute(STATE).fetchone()
            assert row is not None
            snapshot, director, territories, count = row
            sees = (director, territories)
            if self._known and sees == self._sees and self._since:
                changed = self._changed_since(cur, count)
                if changed is None:
                    self._full(cur)
                    changed = True
            else:
                self._full(cur)
                changed = True
        self._since, self._sees = snapshot, sees
        if changed:
            self._update()
        return list(self._rows), self._stamps

    def _update(self) -> None:
        entries = [self._known[pid] for pid in self._order]
        self._rows = [e[1] for e in entries]
        self._stamps = {
            n: (pid, e[2])
            for n, (pid, e) in enumerate(zip(self._order, entries, strict=True))
            if e[2] is not None
        }

    def _changed_since(self, cur: Any, count: int) -> bool | None:
        """Add the rows changed since the last listing (whether there were any); None
        when that cannot tell the whole story (a prospect gone or hidden)."""
        fresh = cur.execute(sql.LIST_SINCE, (self._since,)).fetchall()
        if not fresh:
            return False if len(self._known) == count else None
        known = dict(self._known)
        new = self._remember(fresh, known)
        if len(known) != count:
            return None
        self._known = known
        order = [pid for pid in self._order if pid not in new] + list(new)
        self._order = self._sorted(order)
        return True

    def _sorted(self, ids: list[str]) -> list[str]:
        """``ids`` in list order: most recently active first, then by id."""
        rows = [self._known[pid][1] for pid in ids]
        in_list_order(rows)
        return [r.id for r in rows]

    def _full(self, cur: Any) -> None:
        """Every prospect's change stamp in list order; whole rows only where new."""
        known = self._known
        if not known:
            fresh = cur.execute(sql.LIST_QUERY).fetchall()
            self._known = {}
            self._remember(fresh, self._known)
            self._order = [r[0] for r in fresh]
            return
        heads = cur.execute(sql.LIST_CHANGES).fetchall()
        wanted = [pid for pid, xact in heads if pid not in known or known[pid][0] != xact]
        if len(wanted) > ASK_ALL * len(heads):
            fresh = cur.execute(sql.LIST_QUERY).fetchall()
        else:
            fresh = cur.execute(sql.LIST_SOME, (wanted,)).fetchall() if wanted else []
        order = [pid for pid, _ in heads]
        self._known = {pid: known[pid] for pid in order if pid in known}
        self._remember(fresh, self._known)
        self._order = order

    @staticmethod
    def _remember(fresh: list[Any], known: dict[str, Entry]) -> set[str]:
        """Validate the server's rows (in bulk) into ``known``; their ids."""
        rows = _validated(fresh)
        for raw, row in zip(fresh, rows, strict=True):
            known[row.id] = (raw[-2], row, raw[-1])
        return {row.id for row in rows}

    def replace(self, rows: list[ProspectSummary], indexes: list[int]) -> None:
        """Keep the rows at ``indexes`` (recomputed from their records) instead of the
        server's, until their prospect changes again."""
        for n in indexes:
            row = rows[n]
            xact, _, stamp = self._known[row.id]
            self._known[row.id] = (xact, row, stamp)
        self._order = self._sorted(self._order)
        self._update()


def first_page(conn: sql.Conn, count: int, check: RowCheck) -> list[ProspectSummary]:
    """The ``count`` most recently active rows, in one query on the list index, checked
    as the whole list is: a row nobody vouched for that another login changed is shown
    as its records give it, and one whose records cannot be read is left out. `check`
    is the page's own: what it checks stays out of the whole list's (which keeps the
    rows it checked in its listing, and checks these again)."""
    with conn.transaction():
        with conn.cursor(binary=True) as cur:
            fresh = cur.execute(sql.LIST_RECENT, (count,)).fetchall()
        listed = _validated(fresh)
        pairs = enumerate(zip(fresh, listed, strict=True))
        unvouched = {n: (row.id, raw[-1]) for n, (raw, row) in pairs if raw[-1] is not None}
        suspects = check.suspects(unvouched)
        if suspects and check.recheck(conn, listed, unvouched, suspects):
            in_list_order(listed)
    return [row for row in listed if row.id not in check.unreadable]


def in_list_order(rows: list[ProspectSummary]) -> None:
    """Sort `rows` as LIST_ORDER does: most recently active first, then by id."""
    rows.sort(key=attrgetter("id"))
    rows.sort(key=attrgetter("updated_at"), reverse=True)


def _validated(fresh: list[Any]) -> list[ProspectSummary]:
    """The server's list rows, validated in bulk (the change stamps after them left out)."""
    fields = sql.LIST_FIELDS  # zip stops there
    return _ROWS.validate_python([dict(zip(fields, r, strict=False)) for r in fresh])


__all__ = ["Listing", "first_page", "in_list_order"]

"""The shared team store on PostgreSQL: the same Store interface as the workspace.

Answers are rows (one per interview and question), so two people answering the
same interview at once both keep their answers. Every write transaction that
touches a prospect's records first locks that prospect's row, always in that
order, so concurrent writers never deadlock and a stage move is a compare-and-set;
the list row is recomputed in the same transaction. Who may see or change what is
decided by the server's row-level security (migrations/0002), never by filtering
here: a row this login may not see is not found."""

from __future__ import annotations

import gc
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import psycopg
from psycopg import errors as pgerrors

from qualify.core.evidence import Attachment
from qualify.core.phrase import Phrase, said
from qualify.core.records import (
    AnswerRecord,
    HistoryEntry,
    Interview,
    Prospect,
    ProspectRecords,
    ProspectStatus,
    ProspectSummary,
    is_demo,
    utcnow,
)
from qualify.store import missing, refusals
from qualify.store.base import (
    Merge,
    NotFound,
    Store,
    StoreError,
    Watch,
    answer_records,
    check_expected,
    check_records,
    check_stage,
    checked_attachment,
    created_entry,
    is_safe_id,
    not_demo,
)
from qualify.store.postgres import evidence, migrate, sql
from qualify.store.postgres.bulk import BulkWrites
from qualify.store.postgres.connection import Connections, Timeouts, connect, first_line
from qualify.store.postgres.listing import Listing, first_page, in_list_order
from qualify.store.postgres.revisions import RevisionQueries
from qualify.store.postgres.rows import RowCheck, snapshot_problem, vouch
from qualify.store.rows import ListRows
from qualify.store.urls import redact_url


class PostgresStore(BulkWrites, evidence.EvidenceQueries, RevisionQueries, Store):
    """Prospects of the territories this login may see, on a PostgreSQL server."""

    def __init__(
        self,
        url: str,
        *,
        check_schema: bool = True,
        max_connections: int = 4,
        timeouts: Timeouts | None = None,
    ) -> None:
        self.url = url
        self.display_url = redact_url(url)
        self.location = self.display_url
        self.timeouts = timeouts or Timeouts.from_env()
        first = connect(url, timeouts=self.timeouts)
        try:
            self.schema_version = migrate.current_version(first)
            row = first.execute("SELECT current_user").fetchone()
            self.login: str = row[0] if row else ""
            if check_schema:
                migrate.check(self.schema_version)
        except BaseException:
            first.close()
            raise
        self._db = Connections(
            url,
            login=self.login,
            max_connections=max_connections,
            timeouts=self.timeouts,
            first=first,
        )
        self._rows = ListRows()
        self._listing = Listing()
        self.rows = RowCheck(self._rows, self.login)
        """Checks the list rows nobody vouched for (see :meth:`list_prospects`)."""

    def __repr__(self) -> str:
        return f"PostgresStore({self.display_url!r}, login={self.login!r})"

    # ------------------------------------------------------------------ plumbing
    @contextmanager
    def all_or_nothing(self) -> Iterator[bool]:
        """One transaction around the block: an error anywhere rolls all of it back (a
        block inside another: that block, if the error is caught in between)."""
        with self._db.all_or_nothing():
            yield True

    @contextmanager
    def _writing(self, territory: str | None = None) -> Iterator[psycopg.Connection[Any]]:
        """A write transaction; a refusal of row-level security names the territories."""
        try:
            with self._db.tx() as conn:
                yield conn
        except StoreError as exc:
            if territory is not None and "row-level security" in str(exc):
                raise self._denied(territory) from None
            raise

    def _lock(self, conn: psycopg.Connection[Any], prospect_id: str) -> Prospect:
        """Lock a prospect's row for writing (always first) and return its facts.

        A prospect this login cannot see is not found; one it can see but not change
        gives a permission error naming the territory.
        """
        row = conn.execute(
            "SELECT doc FROM prospects WHERE id = %s FOR NO KEY UPDATE", (prospect_id,)
        ).fetchone()
        if row is not None:
            return Prospect.model_validate(row[0])
        seen = conn.execute(
            "SELECT territory FROM prospects WHERE id = %s", (prospect_id,)
        ).fetchone()
        if seen is None:
            raise missing.no_prospect(prospect_id)
        raise StoreError(refusals.read_only_territory(self.login, seen[0]))

    def _denied(self, territory: str) -> StoreError:
        with self._db.conn() as conn:
            rows = conn.execute(
                "SELECT territory FROM team_territories WHERE login = current_user "
                "ORDER BY territory"
            ).fetchall()
        return StoreError(refusals.territory_denied(self.login, territory, [r[0] for r in rows]))

    def _row(self, conn: psycopg.Connection[Any], records: ProspectRecords) -> ProspectSummary:
        """The list row of ``records``, any snapshot read in the same transaction."""
        return self._rows.row(records, sql.snapshot_fetcher(conn))

    def _save_row(self, conn: psycopg.Connection[Any], prospect_id: str) -> ProspectRecords:
        """Recompute the list row from what the transaction now holds; returns the records."""
        found = sql.read_records(conn, prospect_id)
        if found is None:
            raise missing.no_prospect(prospect_id)
        records, stored = found
        row = self._row(conn, records)
        if row != stored:
            sql.write_row(conn, row)
        return records

    # ------------------------------------------------------------------ whole prospects
    def read_prospect(self, prospect_id: str) -> ProspectRecords:
        """Prospect, interviews with their answers and history, in one statement."""
        with self._db.conn() as conn:
            found = sql.read_records(conn, prospect_id)
        if found is None:
            raise missing.no_prospect(prospect_id)
        return found[0]

    def merge_prospect(self, prospect_id: str, merge: Merge) -> ProspectRecords | None:
        """The prospect's row stays locked while its merge is written, so nobody's write
        lands in between; a merge that changes nothing takes no lock (a read-only login
        may sync)."""
        if not is_safe_id(prospect_id):
            raise StoreError(refusals.unsafe_prospect_id(prospect_id, why=False))
        result: ProspectRecords | None = None
        try:
            with self._db.tx() as conn:
                found = sql.read_records(conn, prospect_id)
                local = found[0] if found is not None else None
                result = merge(local)
                if result is None or result == local:
                    return local
                if found is not None:
                    self._lock(conn, prospect_id)
                    fresh = sql.read_records(conn, prospect_id)
                    if fresh is not None and fresh[0] != local:  # written meanwhile: again
                        found, local, result = fresh, fresh[0], merge(fresh[0])
                        if result is None or result == local:
                            return local
                check_records(result, prospect_id)
                row = self._row(conn, result)
                if found is None:
                    sql.insert_prospect(conn, result.prospect, row)
                    sql.insert_interviews(conn, list(result.interviews))
                    sql.insert_history(conn, result.history)
                else:
                    sql.write_changes(conn, result, found[0])
                    if row != found[1]:
                        sql.write_row(conn, row)
                # as stored: the server sets who wrote what
                return self._save_row(conn, prospect_id)
        except pgerrors.UniqueViolation as exc:
            raise _unique(exc, Phrase("prospect {id}", id=prospect_id)) from None
        except StoreError as exc:
            if "row-level security" in str(exc) and result is not None:
                raise self._denied(result.prospect.territory) from None
            raise

    def prospect_ids(self) -> list[str]:
        with self._db.conn() as conn:
            return [r[0] for r in conn.execute("SELECT id FROM prospects ORDER BY id").fetchall()]

    # ------------------------------------------------------------------ prospects
    def add_prospect(self, prospect: Prospect, *, by: str = "") -> Prospect:
        pid = prospect.id
        if not is_safe_id(pid):
            raise StoreError(refusals.unsafe_prospect_id(pid))
        records = ProspectRecords(prospect, (), (created_entry(prospect, by),))
        try:
            with self._writing(prospect.territory) as conn:
                sql.insert_prospect(conn, prospect, self._row(conn, records))
                sql.insert_history(conn, records.history)
        except pgerrors.UniqueViolation:
            raise StoreError(refusals.prospect_exists(pid)) from None
        return prospect

    def get_prospect(self, prospect_id: str) -> Prospect:
        with self._db.conn() as conn:
            row = conn.execute("SELECT doc FROM prospects WHERE id = %s", (prospect_id,)).fetchone()
        if row is None:
            raise missing.no_prospect(prospect_id)
        return Prospect.model_validate(row[0])

    def update_prospect(self, prospect: Prospect) -> Prospect:
        with self._writing(prospect.territory) as conn:
            stored = self._lock(conn, prospect.id)
            saved = prospect.model_copy(
                update={"created_at": stored.created_at, "updated_at": utcnow()}
            )
            sql.write_facts(conn, saved)
            self._save_row(conn, prospect.id)
        return saved

    def list_prospects(self) -> list[ProspectSummary]:
        """Most recently active first; listing again reads only the rows changed since
        (:mod:`.listing`). A row nobody vouched for that another login changed is
        recomputed from its records first (:mod:`.rows`). The cyclic garbage collector is
        paused meanwhile: 100,000 new objects would trigger it dozens of times."""
        paused = gc.isenabled()
        gc.disable()
        try:
            with self._db.conn() as conn:
                alone = conn.info.transaction_status == psycopg.pq.TransactionStatus.IDLE
                with conn.transaction():
                    if alone:  # one snapshot for both queries
                        conn.execute(
                            "SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY; "
                            "SET LOCAL work_mem = '64MB'"
                        )
                    listed, stamps = self._listing.read(conn)
                    # Rows nobody vouched for, changed by another login: recomputed here.
                    suspects = self.rows.suspects(stamps)
                    if suspects and self.rows.recheck(conn, listed, stamps, suspects):
                        self._listing.replace(listed, suspects)
                        in_list_order(listed)
            for prospect_id, message in self.rows.unreadable.items():
                self.note_unreadable(message, key=prospect_id)
            if self.rows.unreadable:
                listed = [r for r in listed if r.id not in self.rows.unreadable]
            return listed
        finally:
            if paused:
                gc.enable()

    def recent_prospects(self, count: int) -> list[ProspectSummary] | None:
        """One query with a limit on the list index (the first listing of 100,000 reads
        every row: most of a second)."""
        with self._db.conn() as conn:
            return first_page(conn, count, RowCheck(self._rows, self.login))

    def doubtful_rows(self) -> dict[str, str]:
        return dict(self.rows.disagreed)

    def resolve_id(self, id_or_prefix: str) -> str:
        wanted = id_or_prefix.strip()
        if not wanted:
            raise missing.no_id_given()
        pattern = wanted.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        with self._db.conn() as conn:
            exact = conn.execute("SELECT id FROM prospects WHERE id = %s", (wanted,)).fetchone()
            if exact is not None:
                return exact[0]
            matches = [
                r[0]
                for r in conn.execute(
                    "SELECT id FROM prospects WHERE lower(id) LIKE %s ORDER BY id LIMIT 4",
                    (pattern + "%",),
                ).fetchall()
            ]
            total = len(matches)
            if total > 3:
                row = conn.execute(
                    "SELECT count(*) FROM prospects WHERE lower(id) LIKE %s", (pattern + "%",)
                ).fetchone()
                total = int(row[0]) if row else total
        if total == 1:
            return matches[0]
        raise missing.no_single_match(wanted, total if matches else 0, matches)

    # ------------------------------------------------------------------ snapshots
    def put_snapshot(self, content_hash: str, question_set: dict[str, Any]) -> None:
        """Stored only if the content hashes to its key: checked here for a clear message,
        and by the server (a constraint), whoever writes."""
        if not is_safe_id(content_hash):
            raise StoreError(refusals.unsafe_snapshot_hash(content_hash))
        problem = snapshot_problem(content_hash, question_set)
        if problem:
            raise StoreError(problem)
        try:
            with self._db.conn() as conn:
                conn.execute(
                    "INSERT INTO snapshots (hash, question_set) VALUES (%s, %s) "
                    "ON CONFLICT (hash, added_by) DO NOTHING",  # one copy per login
                    (content_hash, sql.json(question_set)),
                )
        except pgerrors.CheckViolation:
            raise StoreError(refusals.snapshot_refused(content_hash)) from None

    def get_snapshot(self, content_hash: str) -> dict[str, Any]:
        with self._db.conn() as conn:
            found = sql.read_snapshot(conn, content_hash)
        if found is None:
            raise missing.no_snapshot(content_hash, self.display_url)
        return found

    def snapshot_hashes(self) -> set[str]:
        with self._db.conn() as conn:
            return {r[0] for r in conn.execute("SELECT DISTINCT hash FROM snapshots").fetchall()}

    # ------------------------------------------------------------------ evidence files
    def add_attachment(self, attachment: Attachment, content: bytes) -> Attachment:
        """One transaction with the prospect's row locked (so a login that may not change
        the prospect is told so): file, then record."""
        checked_attachment(attachment, content)
        with self._db.tx() as conn:
            self._lock(conn, attachment.prospect_id)
            return evidence.insert(conn, attachment, content, self.login)

    def attachments(self, prospect_id: str) -> list[Attachment]:
        with self._db.conn() as conn:
            return evidence.records(conn, prospect_id)

    def attachment_content(self, prospect_id: str, sha256: str) -> bytes:
        with self._db.conn() as conn:
            return evidence.content(conn, prospect_id, sha256)

    # ------------------------------------------------------------------ interviews
    def interview_owners(self, interview_ids: Iterable[str]) -> dict[str, str]:
        with self._db.conn() as conn:
            rows = conn.execute(
                "SELECT id, prospect_id FROM interviews WHERE id = ANY(%s)", (list(interview_ids),)
            ).fetchall()
        return {iid: pid for iid, pid in rows}

    def _owner_in(self, conn: psycopg.Connection[Any], interview_id: str) -> str:
        row = conn.execute(
            "SELECT prospect_id FROM interviews WHERE id = %s", (interview_id,)
        ).fetchone()
        if row is None:
            raise missing.no_interview(interview_id)
        return str(row[0])

    def add_interview(self, interview: Interview) -> Interview:
        try:
            with self._db.tx() as conn:
                self._lock(conn, interview.prospect_id)
                sql.insert_interviews(conn, [interview])
                self._save_row(conn, interview.prospect_id)
                stored = sql.read_interview(conn, interview.id)
        except pgerrors.UniqueViolation as exc:
            raise _unique(exc, Phrase("interview {id}", id=interview.id)) from None
        assert stored is not None
        return stored

    def start_interview(self, interview: Interview) -> Interview:
        """INSERT … ON CONFLICT on the one open interview of a prospect and stage, with the
        prospect's row locked: two at once get the same interview."""
        pid = interview.prospect_id
        try:
            with self._db.tx() as conn:
                current = self._lock(conn, pid)
                if current.stage != interview.stage:
                    check_stage(current, interview.stage, sql.read_history(conn, pid))
                iid = sql.start_interview(conn, interview)
                self._save_row(conn, pid)
                stored = sql.read_interview(conn, iid)
        except pgerrors.UniqueViolation as exc:
            raise _unique(exc, Phrase("interview {id}", id=interview.id)) from None
        assert stored is not None
        return stored

    def interviews(self, prospect_id: str) -> list[Interview]:
        return list(self.read_prospect(prospect_id).interviews)

    def get_interview(self, interview_id: str) -> Interview:
        with self._db.conn() as conn:
            found = sql.read_interview(conn, interview_id)
        if found is None:
            raise missing.no_interview(interview_id)
        return found

    def update_interview(self, interview: Interview) -> Interview:
        with self._db.tx() as conn:
            pid = self._owner_in(conn, interview.id)
            self._lock(conn, pid)
            saved = interview.model_copy(
                update={"prospect_id": pid, "answers": {}, "updated_at": utcnow()}
            )
            sql.write_interview(conn, saved)
            records = self._save_row(conn, pid)
        return next(i for i in records.interviews if i.id == interview.id)

    def record_answers(
        self,
        interview_id: str,
        answers: Sequence[AnswerRecord],
        *,
        expected_stage: str | None = None,
    ) -> Interview:
        """One transaction: the prospect's row locked (and still at ``expected_stage``),
        the answers upserted, the row recomputed."""
        records = answer_records(answers)
        with self._db.tx() as conn:
            pid = self._owner_in(conn, interview_id)
            current = self._lock(conn, pid)
            if expected_stage is not None and current.stage != expected_stage:
                check_stage(current, expected_stage, sql.read_history(conn, pid))
            if not records:
                found = sql.read_interview(conn, interview_id)
                assert found is not None  # its owner was just found, in this transaction
                return found
            conn.execute(
                "UPDATE interviews SET doc = jsonb_set(doc, '{updated_at}', %s) WHERE id = %s",
                (sql.json(sql.doc_time(utcnow())), interview_id),
            )
            sql.upsert_answers(conn, [(interview_id, pid, r) for r in records])
            stored = self._save_row(conn, pid)
        return next(i for i in stored.interviews if i.id == interview_id)

    # ------------------------------------------------------------------ moves
    def move_prospect(
        self,
        prospect: Prospect,
        entry: HistoryEntry,
        *,
        expected_stage: str,
        expected_status: ProspectStatus,
    ) -> Prospect:
        """Compare-and-set in one transaction on the locked row: of two at once, one moves."""
        pid = prospect.id
        if entry.prospect_id != pid:
            raise StoreError(refusals.move_of_another(pid))
        with self._db.tx() as conn:
            current = self._lock(conn, pid)
            if current.stage != expected_stage or current.status != expected_status:
                history = sql.read_history(conn, pid)
                check_expected(current, expected_stage, expected_status, history)
            saved = prospect.model_copy(
                update={"created_at": current.created_at, "updated_at": utcnow()}
            )
            sql.write_facts(conn, saved)
            try:
                with conn.transaction():
                    sql.insert_history(conn, [entry])
            except pgerrors.UniqueViolation:
                raise StoreError(refusals.history_exists(entry.id)) from None
            self._save_row(conn, pid)
        return saved

    # ------------------------------------------------------------------ demo data
    def delete_demo_prospect(self, prospect_id: str) -> bool:
        """The server's remove_demo_prospect() (migrations/0003) deletes, after checking
        that the prospect is demo data and that this login may change it."""
        try:
            prospect = self.get_prospect(prospect_id)
        except NotFound:
            return False
        if not is_demo(prospect):
            raise not_demo(prospect)
        with self._db.tx() as conn:
            row = conn.execute("SELECT remove_demo_prospect(%s)", (prospect_id,)).fetchone()
        return bool(row and row[0])

    # ------------------------------------------------------------------ history
    def append_history(self, entry: HistoryEntry) -> HistoryEntry:
        """The entry as stored (its author is the login)."""
        with self._db.tx() as conn:
            self._lock(conn, entry.prospect_id)
            row = conn.execute(
                "INSERT INTO history (id, prospect_id, at, doc) VALUES (%s, %s, %s, %s) "
                "ON CONFLICT (id) DO NOTHING RETURNING doc",
                (entry.id, entry.prospect_id, entry.at, sql.json(sql.doc(entry))),
            ).fetchone()
            if row is not None:
                self._save_row(conn, entry.prospect_id)
                return HistoryEntry.model_validate(row[0])
            stored = conn.execute("SELECT doc FROM history WHERE id = %s", (entry.id,)).fetchone()
        if stored is not None:
            kept = HistoryEntry.model_validate(stored[0])
            if _same_entry(kept, entry, self.login):
                return kept  # the same entry again (a retried command): nothing to do
        raise StoreError(refusals.history_exists(entry.id))

    def history(self, prospect_id: str) -> list[HistoryEntry]:
        with self._db.conn() as conn, conn.transaction():
            if conn.execute("SELECT 1 FROM prospects WHERE id = %s", (prospect_id,)).fetchone():
                return sql.read_history(conn, prospect_id)
        raise missing.no_prospect(prospect_id)

    def vouch_rows(self) -> tuple[int, list[tuple[str, str, str]]]:
        """As the schema owner: recompute and rewrite every list row nobody vouched for;
        how many, and (id, name, writer) of those that disagreed with their records; a
        prospect whose records cannot be read is noted (:meth:`unreadable`) and skipped."""

        def skip(prospect_id: str, exc: Exception) -> None:
            self.note_unreadable(
                Phrase("{error}: its row stays unvouched", error=said(exc)), key=prospect_id
            )

        with self._db.conn() as conn:
            return vouch(conn, self._rows, unreadable=skip)

    def watch(self) -> Watch:
        """LISTEN on a connection of its own for every committed change (NOTIFY)."""
        from qualify.store.postgres.watch import ServerWatch

        return ServerWatch(self.url, self.timeouts)

    def close(self) -> None:
        """Close the pooled connections."""
        self._db.close()


def _unique(exc: pgerrors.UniqueViolation, what: str) -> StoreError:
    """A unique violation in words: an open interview of that stage, or an id in use."""
    if exc.diag.constraint_name == "one_open_interview":
        return StoreError(refusals.open_interview_taken(what))
    if what.startswith("interview"):
        return StoreError(Phrase("{what} already exists", what=what))
    return StoreError(refusals.id_in_use(what, first_line(exc)))


def _same_entry(kept: HistoryEntry, entry: HistoryEntry, login: str) -> bool:
    """The stored entry is ``entry`` as this login would have stored it."""
    offline = entry.recorded_as or ("" if entry.by == login else entry.by)
    mine = entry.model_copy(update={"by": login, "recorded_as": offline})
    return kept.model_dump(mode="json") == mine.model_dump(mode="json") or kept == entry


__all__ = ["PostgresStore", "connect"]

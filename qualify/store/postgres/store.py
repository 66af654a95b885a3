"""The shared team store on PostgreSQL: the same Store interface as the workspace.

Answers are rows (one per interview and question), so two people answering the
same interview at once both keep their answers. Every write transaction that
touches a prospect's records first locks that prospect's row, always in that
order, so concurrent writers never deadlock and a stage move is a compare-and-set.
Who may see or change what is decided by the server's row-level security
(migrations/0002), never by filtering here: a row this login may not see is simply
not found.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime
from itertools import islice
from typing import Any

import orjson
import psycopg
from psycopg import errors as pgerrors
from psycopg.types.json import Jsonb, set_json_loads
from psycopg_pool import ConnectionPool, PoolTimeout
from pydantic import TypeAdapter

from qualify.core.records import (
    AnswerRecord,
    HistoryEntry,
    Interview,
    Prospect,
    ProspectStatus,
    ProspectSummary,
    utcnow,
)
from qualify.store import redact_url
from qualify.store.base import (
    NotFound,
    Store,
    StoreError,
    SummaryArg,
    check_expected,
)
from qualify.store.postgres import migrate
from qualify.store.workspace import ProspectData, is_safe_id, summary_from, to_tables

CONNECT_TIMEOUT = 10
BULK_CHUNK = 5000
_SUMMARIES = TypeAdapter(list[ProspectSummary])
_SUMMARY_COLUMNS = (
    "id",
    "name",
    "territory",
    "kind",
    "stage",
    "status",
    "score",
    "band",
    "knocked_out",
    "coverage",
    "updated_at",
)
_PROSPECT_COLUMNS = (
    "id, territory, name, stage, status, created_at, updated_at, doc, "
    "s_name, s_territory, s_kind, s_stage, s_status, s_score, s_band, s_knocked_out, "
    "s_coverage, s_updated_at"
)


def _json(value: Any) -> Jsonb:
    return Jsonb(value, dumps=_dumps)


def _dumps(value: Any) -> str:
    return orjson.dumps(value).decode()


def _doc(model: Any, *, without: str | None = None) -> dict[str, Any]:
    data = model.model_dump(mode="json")
    if without:
        data.pop(without, None)
    return data


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def connect(url: str, **kwargs: Any) -> psycopg.Connection[Any]:
    """One autocommit connection with a clear one-line error when the server says no."""
    try:
        conn = psycopg.connect(url, autocommit=True, connect_timeout=CONNECT_TIMEOUT, **kwargs)
    except psycopg.OperationalError as exc:
        raise StoreError(f"cannot connect to {redact_url(url)}: {_first_line(exc)}") from None
    except psycopg.ProgrammingError as exc:  # e.g. a URL libpq cannot parse
        raise StoreError(f"cannot use {redact_url(url)}: {_first_line(exc)}") from None
    _configure(conn)
    return conn


def _configure(conn: psycopg.Connection[Any]) -> None:
    """Every connection: our schema, UTC, and JSON read back exactly as it was written."""
    set_json_loads(orjson.loads, conn)
    conn.execute(f"SET search_path = {migrate.SCHEMA_NAME}; SET TIME ZONE 'UTC'")


def _summary_row(summary: ProspectSummary) -> tuple[Any, ...]:
    return (
        summary.name,
        summary.territory,
        summary.kind.value,
        summary.stage,
        summary.status.value,
        summary.score,
        summary.band,
        summary.knocked_out,
        summary.coverage,
        summary.updated_at,
    )


def _prospect_row(prospect: Prospect, summary: ProspectSummary) -> tuple[Any, ...]:
    return (
        prospect.id,
        prospect.territory,
        prospect.name,
        prospect.stage,
        prospect.status.value,
        prospect.created_at,
        prospect.updated_at,
        _json(_doc(prospect)),
        *_summary_row(summary),
    )


def _batched(items: Iterable[Any], size: int) -> Iterator[list[Any]]:
    iterator = iter(items)
    while chunk := list(islice(iterator, size)):
        yield chunk


class PostgresStore(Store):
    """Prospects of the territories this login may see, on a PostgreSQL server."""

    def __init__(self, url: str, *, check_schema: bool = True, max_connections: int = 4) -> None:
        self.url = url
        self.display_url = redact_url(url)
        first = connect(url)
        try:
            self.schema_version = migrate.current_version(first)
            row = first.execute("SELECT current_user").fetchone()
            self.login: str = row[0] if row else ""
        finally:
            first.close()
        if check_schema:
            migrate.check(self.schema_version)
        self._pool = ConnectionPool(
            url,
            min_size=1,
            max_size=max_connections,
            kwargs={"autocommit": True, "connect_timeout": CONNECT_TIMEOUT},
            configure=_configure,
            open=True,
            timeout=30,
            name="qualify",
        )
        self._pinned = threading.local()
        """The connection of an all_or_nothing block, per thread."""

    def __repr__(self) -> str:
        return f"PostgresStore({self.display_url!r}, login={self.login!r})"

    # ------------------------------------------------------------------ plumbing
    @contextmanager
    def _conn(self) -> Iterator[psycopg.Connection[Any]]:
        """A pooled connection; server errors become one-line StoreErrors."""
        pinned = getattr(self._pinned, "conn", None)
        try:
            if pinned is not None:  # inside all_or_nothing: its transactions nest (savepoints)
                yield pinned
                return
            with self._pool.connection() as conn:
                yield conn
        except PoolTimeout:
            raise StoreError(f"no connection to {self.display_url} within 30 s") from None
        except pgerrors.InsufficientPrivilege as exc:
            raise StoreError(
                f"permission denied for {self.login}: {_first_line(exc)} "
                "(ask whoever runs `qualify db grant` for access)"
            ) from None
        except (pgerrors.UndefinedTable, pgerrors.InvalidSchemaName) as exc:
            raise StoreError(
                f"{self.display_url}: {_first_line(exc)}; run `qualify db upgrade`"
            ) from None
        except psycopg.OperationalError as exc:
            raise StoreError(f"{self.display_url}: {_first_line(exc)}") from None

    @contextmanager
    def all_or_nothing(self) -> Iterator[None]:
        """One transaction around the block: an error anywhere rolls all of it back."""
        if getattr(self._pinned, "conn", None) is not None:
            yield  # already inside one
            return
        with self._conn() as conn, conn.transaction():
            self._pinned.conn = conn
            try:
                yield
            finally:
                self._pinned.conn = None

    @contextmanager
    def _tx(self) -> Iterator[psycopg.Connection[Any]]:
        """One transaction: everything inside commits together or not at all."""
        with self._conn() as conn, conn.transaction():
            yield conn

    def _lock(self, conn: psycopg.Connection[Any], prospect_id: str) -> dict[str, Any]:
        """Lock a prospect's row for writing (always first) and return its record.

        A prospect this login cannot see is not found; one it can see but not change
        gives a permission error naming the territory.
        """
        row = conn.execute(
            "SELECT doc FROM prospects WHERE id = %s FOR NO KEY UPDATE", (prospect_id,)
        ).fetchone()
        if row is not None:
            return row[0]
        seen = conn.execute(
            "SELECT territory FROM prospects WHERE id = %s", (prospect_id,)
        ).fetchone()
        if seen is None:
            raise NotFound(f"no prospect with id {prospect_id!r}")
        raise StoreError(
            f"permission denied: {self.login} may read but not change prospects of territory "
            f"{seen[0]!r}"
        )

    def _denied(self, territory: str) -> StoreError:
        with self._conn() as conn:
            rows = conn.execute(
                "SELECT territory FROM team_territories WHERE login = current_user "
                "ORDER BY territory"
            ).fetchall()
        mine = ", ".join(repr(r[0]) for r in rows) or "none"
        return StoreError(
            f"permission denied: {self.login} cannot write prospects of territory "
            f"{territory!r} (their territories: {mine}; `qualify db grant` adds one)"
        )

    def _visible(self, conn: psycopg.Connection[Any], prospect_id: str) -> None:
        row = conn.execute("SELECT 1 FROM prospects WHERE id = %s", (prospect_id,)).fetchone()
        if row is None:
            raise NotFound(f"no prospect with id {prospect_id!r}")

    # ------------------------------------------------------------------ prospects
    def add_prospect(self, prospect: Prospect, *, by: str = "") -> Prospect:
        pid = prospect.id
        if not is_safe_id(pid):
            raise StoreError(f"prospect id {pid!r} cannot be stored (letters, digits, _ . - only)")
        created = HistoryEntry(
            prospect_id=pid,
            action="created",
            to_stage=prospect.stage,
            at=prospect.created_at,
            by=by,
        )
        try:
            with self._tx() as conn:
                self._insert_prospect(conn, prospect, summary_from(prospect, None))
                self._insert_history(conn, [created])
        except pgerrors.UniqueViolation:
            raise StoreError(f"a prospect with id {pid} already exists") from None
        except StoreError as exc:
            if "row-level security" in str(exc):
                raise self._denied(prospect.territory) from None
            raise
        return prospect

    @staticmethod
    def _insert_prospect(
        conn: psycopg.Connection[Any], prospect: Prospect, summary: ProspectSummary
    ) -> None:
        conn.execute(
            f"INSERT INTO prospects ({_PROSPECT_COLUMNS}) VALUES "
            "(%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)",
            _prospect_row(prospect, summary),
        )

    @staticmethod
    def _write_prospect(
        conn: psycopg.Connection[Any], prospect: Prospect, summary: ProspectSummary | None
    ) -> None:
        """Replace the facts; the list row follows them (keeping its score) or ``summary``."""
        params: list[Any] = [
            prospect.territory,
            prospect.name,
            prospect.stage,
            prospect.status.value,
            prospect.updated_at,
            _json(_doc(prospect)),
        ]
        if summary is None:
            sets = (
                "s_name = %s, s_territory = %s, s_kind = %s, s_stage = %s, s_status = %s, "
                "s_updated_at = %s"
            )
            params += [
                prospect.name,
                prospect.territory,
                prospect.kind.value,
                prospect.stage,
                prospect.status.value,
                prospect.updated_at,
            ]
        else:
            sets = _SUMMARY_SET
            params += list(_summary_row(summary))
        conn.execute(
            "UPDATE prospects SET territory = %s, name = %s, stage = %s, status = %s, "
            f"updated_at = %s, doc = %s, {sets} WHERE id = %s",
            (*params, prospect.id),
        )

    def get_prospect(self, prospect_id: str) -> Prospect:
        with self._conn() as conn:
            row = conn.execute("SELECT doc FROM prospects WHERE id = %s", (prospect_id,)).fetchone()
        if row is None:
            raise NotFound(f"no prospect with id {prospect_id!r}")
        return Prospect.model_validate(row[0])

    def update_prospect(self, prospect: Prospect) -> Prospect:
        try:
            with self._tx() as conn:
                stored = self._lock(conn, prospect.id)
                saved = prospect.model_copy(
                    update={
                        "created_at": Prospect.model_validate(stored).created_at,
                        "updated_at": utcnow(),
                    }
                )
                self._write_prospect(conn, saved, None)
        except StoreError as exc:
            if "row-level security" in str(exc):
                raise self._denied(prospect.territory) from None
            raise
        return saved

    def list_prospects(self) -> list[ProspectSummary]:
        """Most recently active first: one query over the list columns, validated in bulk.

        The cyclic garbage collector is paused meanwhile: 100,000 new objects would
        otherwise trigger it dozens of times, each pass walking every row built so far
        (it is most of the cost of listing a large portfolio).
        """
        paused = gc.isenabled()
        gc.disable()
        try:
            with self._conn() as conn, conn.transaction():
                conn.execute("SET LOCAL work_mem = '64MB'")  # sort 100,000 rows in memory
                with conn.cursor(binary=True) as cur:
                    rows = cur.execute(_LIST_QUERY).fetchall()
            keys = _SUMMARY_COLUMNS
            return _SUMMARIES.validate_python([dict(zip(keys, r, strict=True)) for r in rows])
        finally:
            if paused:
                gc.enable()

    def resolve_id(self, id_or_prefix: str) -> str:
        wanted = id_or_prefix.strip()
        if not wanted:
            raise NotFound("give a prospect id (or its first characters)")
        pattern = wanted.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        with self._conn() as conn:
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
        if not matches:
            raise NotFound(
                f"no prospect id starts with {wanted!r}; `qualify prospect list` shows the ids"
            )
        shown = ", ".join(matches[:3]) + (", …" if total > 3 else "")
        raise NotFound(f"{wanted!r} matches {total} prospects ({shown}); type more of the id")

    def set_summary(self, summary: ProspectSummary) -> None:
        with self._tx() as conn:
            self._lock(conn, summary.id)
            conn.execute(
                f"UPDATE prospects SET {_SUMMARY_SET} WHERE id = %s",
                (*_summary_row(summary), summary.id),
            )

    # ------------------------------------------------------------------ snapshots
    def put_snapshot(self, content_hash: str, question_set: dict[str, Any]) -> None:
        if not is_safe_id(content_hash):
            raise StoreError(f"snapshot hash {content_hash!r} cannot be used as a file name")
        with self._conn() as conn:
            conn.execute(
                "INSERT INTO snapshots (hash, question_set) VALUES (%s, %s) "
                "ON CONFLICT (hash) DO NOTHING",
                (content_hash, _json(question_set)),
            )

    def get_snapshot(self, content_hash: str) -> dict[str, Any]:
        with self._conn() as conn:
            row = conn.execute(
                "SELECT question_set FROM snapshots WHERE hash = %s", (content_hash,)
            ).fetchone()
        if row is None:
            raise NotFound(f"no question-set snapshot {content_hash!r} in {self.display_url}")
        return row[0]

    def snapshot_hashes(self) -> set[str]:
        """Every snapshot the server keeps (sync sends only the missing ones)."""
        with self._conn() as conn:
            return {r[0] for r in conn.execute("SELECT hash FROM snapshots").fetchall()}

    # ------------------------------------------------------------------ interviews
    def add_interview(self, interview: Interview) -> Interview:
        try:
            with self._tx() as conn:
                self._lock(conn, interview.prospect_id)
                self._insert_interviews(conn, [interview])
        except pgerrors.UniqueViolation:
            raise StoreError(f"interview {interview.id} already exists") from None
        return interview

    @staticmethod
    def _insert_interviews(conn: psycopg.Connection[Any], interviews: list[Interview]) -> None:
        with conn.cursor() as cur:
            cur.executemany(
                "INSERT INTO interviews (id, prospect_id, started_at, doc) VALUES (%s, %s, %s, %s)",
                [
                    (i.id, i.prospect_id, i.started_at, _json(_doc(i, without="answers")))
                    for i in interviews
                ],
            )
        answers = [(i.id, i.prospect_id, a) for i in interviews for a in i.answers.values()]
        if answers:
            PostgresStore._upsert_answers(conn, answers)

    @staticmethod
    def _upsert_answers(
        conn: psycopg.Connection[Any], answers: list[tuple[str, str, AnswerRecord]]
    ) -> None:
        """(interview id, prospect id, answer) rows: added, or replacing that question's."""
        with conn.cursor() as cur:
            cur.executemany(
                "INSERT INTO answers (interview_id, question_id, prospect_id, doc) "
                "VALUES (%s, %s, %s, %s) ON CONFLICT (interview_id, question_id) "
                "DO UPDATE SET doc = EXCLUDED.doc",
                [(iid, a.question_id, pid, _json(_doc(a))) for iid, pid, a in answers],
            )

    @staticmethod
    def _answers(conn: psycopg.Connection[Any], column: str, key: str) -> dict[str, dict]:
        """interview id → {question id: answer doc}, in the order first answered."""
        out: dict[str, dict[str, Any]] = {}
        for iid, doc in conn.execute(
            f"SELECT interview_id, doc FROM answers WHERE {column} = %s ORDER BY seq", (key,)
        ).fetchall():
            out.setdefault(iid, {})[doc["question_id"]] = doc
        return out

    def _read_interview(self, conn: psycopg.Connection[Any], interview_id: str) -> Interview:
        row = conn.execute("SELECT doc FROM interviews WHERE id = %s", (interview_id,)).fetchone()
        if row is None:
            raise NotFound(f"no interview with id {interview_id!r}")
        answers = self._answers(conn, "interview_id", interview_id).get(interview_id, {})
        return Interview.model_validate({**row[0], "answers": answers})

    def get_interview(self, interview_id: str) -> Interview:
        with self._conn() as conn:
            return self._read_interview(conn, interview_id)

    def _interviews(self, conn: psycopg.Connection[Any], prospect_id: str) -> list[Interview]:
        answers = self._answers(conn, "prospect_id", prospect_id)
        rows = conn.execute(
            "SELECT id, doc FROM interviews WHERE prospect_id = %s ORDER BY started_at, seq",
            (prospect_id,),
        ).fetchall()
        return [
            Interview.model_validate({**doc, "answers": answers.get(iid, {})}) for iid, doc in rows
        ]

    def interviews(self, prospect_id: str) -> list[Interview]:
        with self._conn() as conn, conn.transaction():
            self._visible(conn, prospect_id)
            return self._interviews(conn, prospect_id)

    def _owner(self, conn: psycopg.Connection[Any], interview_id: str) -> str:
        row = conn.execute(
            "SELECT prospect_id FROM interviews WHERE id = %s", (interview_id,)
        ).fetchone()
        if row is None:
            raise NotFound(f"no interview with id {interview_id!r}")
        return str(row[0])

    def update_interview(self, interview: Interview) -> Interview:
        with self._tx() as conn:
            pid = self._owner(conn, interview.id)
            self._lock(conn, pid)
            doc = _doc(interview, without="answers")
            doc.update(id=interview.id, prospect_id=pid, updated_at=_doc_time(utcnow()))
            conn.execute(
                "UPDATE interviews SET doc = %s, started_at = %s WHERE id = %s",
                (_json(doc), interview.started_at, interview.id),
            )
            return self._read_interview(conn, interview.id)

    def record_answers(
        self,
        interview_id: str,
        answers: Sequence[AnswerRecord],
        *,
        summary: SummaryArg = None,
    ) -> Interview:
        """One transaction: the prospect's row locked, the answers upserted, the list row set."""
        records = [
            a if isinstance(a, AnswerRecord) else AnswerRecord.model_validate(a) for a in answers
        ]
        with self._tx() as conn:
            pid = self._owner(conn, interview_id)
            self._lock(conn, pid)
            if not records and summary is None:
                return self._read_interview(conn, interview_id)
            conn.execute(
                "UPDATE interviews SET doc = jsonb_set(doc, '{updated_at}', %s) WHERE id = %s",
                (_json(_doc_time(utcnow())), interview_id),
            )
            if records:
                self._upsert_answers(conn, [(interview_id, pid, r) for r in records])
            result = self._read_interview(conn, interview_id)
            final = summary(result) if callable(summary) else summary
            if final is not None:
                if final.id != pid:
                    raise StoreError(f"summary of {final.id} given for an interview of {pid}")
                conn.execute(
                    f"UPDATE prospects SET {_SUMMARY_SET} WHERE id = %s",
                    (*_summary_row(final), pid),
                )
        return result

    # ------------------------------------------------------------------ moves
    def move_prospect(
        self,
        prospect: Prospect,
        entry: HistoryEntry,
        *,
        expected_stage: str,
        expected_status: ProspectStatus,
        summary: ProspectSummary | None = None,
    ) -> Prospect:
        """Compare-and-set in one transaction on the locked row: of two at once, one moves."""
        pid = prospect.id
        if entry.prospect_id != pid or (summary is not None and summary.id != pid):
            raise StoreError(f"the move of {pid} carries records of another prospect")
        with self._tx() as conn:
            current = Prospect.model_validate(self._lock(conn, pid))
            if current.stage != expected_stage or current.status != expected_status:
                check_expected(current, expected_stage, expected_status, self._history(conn, pid))
            saved = prospect.model_copy(
                update={"created_at": current.created_at, "updated_at": utcnow()}
            )
            self._write_prospect(conn, saved, summary)
            try:
                with conn.transaction():
                    self._insert_history(conn, [entry])
            except pgerrors.UniqueViolation:
                raise StoreError(
                    f"history entry {entry.id} already exists; history is append-only"
                ) from None
        return saved

    # ------------------------------------------------------------------ history
    @staticmethod
    def _insert_history(conn: psycopg.Connection[Any], entries: list[HistoryEntry]) -> None:
        with conn.cursor() as cur:
            cur.executemany(
                "INSERT INTO history (id, prospect_id, at, doc) VALUES (%s, %s, %s, %s)",
                [(h.id, h.prospect_id, h.at, _json(_doc(h))) for h in entries],
            )

    def append_history(self, entry: HistoryEntry) -> HistoryEntry:
        doc = _doc(entry)
        with self._tx() as conn:
            self._lock(conn, entry.prospect_id)
            row = conn.execute(
                "INSERT INTO history (id, prospect_id, at, doc) VALUES (%s, %s, %s, %s) "
                "ON CONFLICT (id) DO NOTHING RETURNING id",
                (entry.id, entry.prospect_id, entry.at, _json(doc)),
            ).fetchone()
            if row is not None:
                return entry
            stored = conn.execute("SELECT doc FROM history WHERE id = %s", (entry.id,)).fetchone()
        if stored is not None and stored[0] == doc:
            return entry  # the same entry again (a retried command): nothing to do
        raise StoreError(f"history entry {entry.id} already exists; history is append-only")

    @staticmethod
    def _history(conn: psycopg.Connection[Any], prospect_id: str) -> list[HistoryEntry]:
        rows = conn.execute(
            "SELECT doc FROM history WHERE prospect_id = %s ORDER BY at, seq", (prospect_id,)
        ).fetchall()
        return [HistoryEntry.model_validate(r[0]) for r in rows]

    def history(self, prospect_id: str) -> list[HistoryEntry]:
        with self._conn() as conn, conn.transaction():
            self._visible(conn, prospect_id)
            return self._history(conn, prospect_id)

    # ------------------------------------------------------------------ bundles (sync)
    def _read_bundle(self, conn: psycopg.Connection[Any], prospect_id: str) -> ProspectData | None:
        row = conn.execute(
            "SELECT doc, id, s_name, s_territory, s_kind, s_stage, s_status, s_score, s_band, "
            "s_knocked_out, s_coverage, s_updated_at FROM prospects WHERE id = %s",
            (prospect_id,),
        ).fetchone()
        if row is None:
            return None
        summary = ProspectSummary.model_validate(dict(zip(_SUMMARY_COLUMNS, row[1:], strict=True)))
        return ProspectData(
            Prospect.model_validate(row[0]),
            summary,
            self._interviews(conn, prospect_id),
            self._history(conn, prospect_id),
        )

    def read_prospect_data(self, prospect_id: str) -> ProspectData:
        """Prospect, summary, interviews and history as of one moment."""
        with self._conn() as conn, conn.transaction():
            conn.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
            data = self._read_bundle(conn, prospect_id)
        if data is None:
            raise NotFound(f"no prospect with id {prospect_id!r}")
        return data

    def prospect_ids(self) -> list[str]:
        """The ids of every prospect this login can see, sorted."""
        with self._conn() as conn:
            return [r[0] for r in conn.execute("SELECT id FROM prospects ORDER BY id").fetchall()]

    def merge_prospect_data(
        self,
        prospect_id: str,
        merge: Callable[[ProspectData | None], ProspectData | None],
    ) -> ProspectData | None:
        """Hand the stored prospect (None if new) to ``merge`` and save its result, atomically.

        The prospect's row stays locked meanwhile, so nobody's write lands in between.
        """
        if not is_safe_id(prospect_id):
            raise StoreError(f"prospect id {prospect_id!r} cannot be stored")
        result: ProspectData | None = None
        try:
            with self._tx() as conn:
                local = self._read_bundle(conn, prospect_id)
                result = merge(local)
                if result is None:
                    return local  # nothing to write: no lock needed (a read-only login may sync)
                if local is not None:
                    self._lock(conn, prospect_id)
                    fresh = self._read_bundle(conn, prospect_id)
                    if fresh is not None and to_tables(fresh) != to_tables(local):
                        local, result = fresh, merge(fresh)  # written meanwhile: merge again
                        if result is None:
                            return local
                result.check()
                if result.prospect.id != prospect_id:
                    raise StoreError(f"merge of {prospect_id} returned {result.prospect.id}")
                self._write_bundle(conn, result, local)
                return result
        except pgerrors.UniqueViolation as exc:
            raise StoreError(
                f"prospect {prospect_id}: an id is already used elsewhere on the server "
                f"({_first_line(exc)})"
            ) from None
        except StoreError as exc:
            if "row-level security" in str(exc) and result is not None:
                raise self._denied(result.prospect.territory) from None
            raise

    def _write_bundle(
        self, conn: psycopg.Connection[Any], data: ProspectData, local: ProspectData | None
    ) -> None:
        """Write what differs from ``local``; history is only ever added to."""
        summary = data.summary or summary_from(data.prospect, None)
        if local is None:
            self._insert_prospect(conn, data.prospect, summary)
        elif (data.prospect, summary) != (local.prospect, local.summary):
            self._write_prospect(conn, data.prospect, summary)
            conn.execute(
                "UPDATE prospects SET created_at = %s WHERE id = %s",
                (data.prospect.created_at, data.prospect.id),
            )
        known = {i.id: i for i in (local.interviews if local else [])}
        fresh = [i for i in data.interviews if i.id not in known]
        if fresh:
            self._insert_interviews(conn, fresh)
        changed_answers: list[tuple[str, str, AnswerRecord]] = []
        for interview in data.interviews:
            before = known.get(interview.id)
            if before is None:
                continue
            if _doc(before, without="answers") != _doc(interview, without="answers"):
                conn.execute(
                    "UPDATE interviews SET doc = %s, started_at = %s WHERE id = %s",
                    (_json(_doc(interview, without="answers")), interview.started_at, interview.id),
                )
            changed_answers.extend(
                (interview.id, interview.prospect_id, a)
                for qid, a in interview.answers.items()
                if before.answers.get(qid) != a
            )
        if changed_answers:
            self._upsert_answers(conn, changed_answers)
        seen = {h.id for h in (local.history if local else [])}
        new_history = [h for h in data.history if h.id not in seen]
        if new_history:
            self._insert_history(conn, new_history)

    # ------------------------------------------------------------------ bulk
    def add_prospects_bulk(
        self,
        prospects: Iterable[tuple[Prospect, list[Interview], list[HistoryEntry], ProspectSummary]],
    ) -> int:
        """COPY into temporary tables, then one INSERT per table: 100,000 prospects in seconds.

        A prospect with the same id is replaced (its history only added to), so loading
        the same demo data twice is harmless.
        """
        count = 0
        for chunk in _batched(prospects, BULK_CHUNK):
            for prospect, *_ in chunk:
                if not is_safe_id(prospect.id):
                    raise StoreError(f"prospect id {prospect.id!r} cannot be stored")
            with self._tx() as conn:
                self._copy_chunk(conn, chunk)
            count += len(chunk)
        return count

    @staticmethod
    def _copy_chunk(conn: psycopg.Connection[Any], chunk: list[Any]) -> None:
        conn.execute(
            "CREATE TEMP TABLE bulk_p ON COMMIT DROP AS "
            f"SELECT {_PROSPECT_COLUMNS} FROM prospects WITH NO DATA; "
            "CREATE TEMP TABLE bulk_i ON COMMIT DROP AS "
            "SELECT id, prospect_id, started_at, doc FROM interviews WITH NO DATA; "
            "CREATE TEMP TABLE bulk_a ON COMMIT DROP AS "
            "SELECT interview_id, question_id, prospect_id, doc FROM answers WITH NO DATA; "
            "CREATE TEMP TABLE bulk_h ON COMMIT DROP AS "
            "SELECT id, prospect_id, at, doc FROM history WITH NO DATA"
        )
        with conn.cursor() as cur:
            with cur.copy(f"COPY bulk_p ({_PROSPECT_COLUMNS}) FROM STDIN") as copy:
                for prospect, _, _, summary in chunk:
                    row = list(_prospect_row(prospect, summary))
                    row[7] = _dumps(_doc(prospect))
                    copy.write_row(row)
            with cur.copy("COPY bulk_i (id, prospect_id, started_at, doc) FROM STDIN") as copy:
                for _, interviews, _, _ in chunk:
                    for i in interviews:
                        copy.write_row(
                            (i.id, i.prospect_id, i.started_at, _dumps(_doc(i, without="answers")))
                        )
            with cur.copy(
                "COPY bulk_a (interview_id, question_id, prospect_id, doc) FROM STDIN"
            ) as copy:
                for _, interviews, _, _ in chunk:
                    for i in interviews:
                        for a in i.answers.values():
                            copy.write_row((i.id, a.question_id, i.prospect_id, _dumps(_doc(a))))
            with cur.copy("COPY bulk_h (id, prospect_id, at, doc) FROM STDIN") as copy:
                for _, _, history, _ in chunk:
                    for h in history:
                        copy.write_row((h.id, h.prospect_id, h.at, _dumps(_doc(h))))
        updates = ", ".join(
            f"{c} = EXCLUDED.{c}" for c in _PROSPECT_COLUMNS.replace(" ", "").split(",")[1:]
        )
        conn.execute(
            f"INSERT INTO prospects ({_PROSPECT_COLUMNS}) SELECT {_PROSPECT_COLUMNS} FROM bulk_p "
            f"ON CONFLICT (id) DO UPDATE SET {updates}"
        )
        conn.execute(
            "INSERT INTO interviews (id, prospect_id, started_at, doc) "
            "SELECT id, prospect_id, started_at, doc FROM bulk_i "
            "ON CONFLICT (id) DO UPDATE SET doc = EXCLUDED.doc, started_at = EXCLUDED.started_at"
        )
        conn.execute(
            "INSERT INTO answers (interview_id, question_id, prospect_id, doc) "
            "SELECT interview_id, question_id, prospect_id, doc FROM bulk_a "
            "ON CONFLICT (interview_id, question_id) DO UPDATE SET doc = EXCLUDED.doc"
        )
        conn.execute(
            "INSERT INTO history (id, prospect_id, at, doc) SELECT id, prospect_id, at, doc "
            "FROM bulk_h ORDER BY at ON CONFLICT (id) DO NOTHING"
        )

    def close(self) -> None:
        """Close the pooled connections."""
        self._pool.close()


_SUMMARY_SET = (
    "s_name = %s, s_territory = %s, s_kind = %s, s_stage = %s, s_status = %s, s_score = %s, "
    "s_band = %s, s_knocked_out = %s, s_coverage = %s, s_updated_at = %s"
)
_LIST_QUERY = (
    "SELECT id, s_name, s_territory, s_kind, s_stage, s_status, s_score, s_band, "
    "s_knocked_out, s_coverage, s_updated_at FROM prospects ORDER BY s_updated_at DESC, id"
)
_TIME = TypeAdapter(datetime)


def _doc_time(value: datetime) -> str:
    """Exactly as pydantic writes datetimes in model_dump(mode="json")."""
    return _TIME.dump_python(value, mode="json")


__all__ = ["PostgresStore", "connect"]

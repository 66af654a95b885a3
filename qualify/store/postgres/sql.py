"""A prospect's records in PostgreSQL's tables: read in one statement, written row by row.

``prospects`` holds the facts (``doc``) and the list row (the ``s_`` columns),
``interviews`` each interview without its answers, ``answers`` one row per question of
an interview, ``history`` the append-only entries. Every function takes the caller's
connection, inside the caller's transaction.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime
from typing import Any, TypeVar

import orjson
import psycopg
from psycopg.types.json import Jsonb
from pydantic import BaseModel, TypeAdapter, ValidationError

from qualify.core.phrase import Phrase
from qualify.core.records import (
    AnswerRecord,
    HistoryEntry,
    Interview,
    Prospect,
    ProspectRecords,
    ProspectSummary,
)
from qualify.store import missing
from qualify.store.base import StoreCorrupt, StoreError
from qualify.store.rows import Fetch

Conn = psycopg.Connection[Any]

R = TypeVar("R", bound=BaseModel)

ROW_COLUMNS = (
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
    "next_meeting",
)
"""The list row (ProspectSummary) field by field: ``id`` and the ``s_`` columns."""
PROSPECT_COLUMNS = (
    "id, territory, name, stage, status, created_at, updated_at, doc, "
    "s_name, s_territory, s_kind, s_stage, s_status, s_score, s_band, s_knocked_out, "
    "s_coverage, s_updated_at, s_next_meeting"
)
ROW_SET = (
    "s_name = %s, s_territory = %s, s_kind = %s, s_stage = %s, s_status = %s, s_score = %s, "
    "s_band = %s, s_knocked_out = %s, s_coverage = %s, s_updated_at = %s, s_next_meeting = %s"
)
_ROW_SELECT = (
    "id, s_name, s_territory, s_kind, s_stage, s_status, s_score, s_band, "
    "s_knocked_out, s_coverage, s_updated_at, s_next_meeting"
)
_STAMP = (
    # who last changed a row nobody vouched for, and in which transaction (NULL: vouched)
    "CASE WHEN checked_xact IS NULL OR checked_xact <> changed_xact "
    "THEN recorded_by || ' ' || coalesce(changed_xact::text, '') END"
)
_LIST_SELECT = (
    f"{_ROW_SELECT}, s_score IS NOT NULL AND s_band IS NULL AND NOT s_knocked_out, "
    f"changed_xact::text, {_STAMP}"
)
LIST_FIELDS = (*ROW_COLUMNS, "provisional")
"""The fields of a list query's rows: a list row (``provisional`` as row_dict says it),
then the transaction that last changed the prospect and, when nobody vouched for the
row, ``'login xact'``."""
LIST_ORDER = "ORDER BY s_updated_at DESC, id"
"""Most recently active first: the order of the list index (migrations/0009), which
holds every column the list queries read, so they never read the records."""
LIST_QUERY = f"SELECT {_LIST_SELECT} FROM prospects {LIST_ORDER}"
"""Every list row (LIST_FIELDS)."""
LIST_RECENT = f"{LIST_QUERY} LIMIT %s"
"""The first rows of LIST_QUERY: the page the app paints first."""
LIST_SOME = f"SELECT {_LIST_SELECT} FROM prospects WHERE id = ANY(%s)"
"""LIST_QUERY's columns for the prospects given."""
LIST_SINCE = (
    f"SELECT {_LIST_SELECT} FROM prospects "
    "WHERE changed_xact IS NOT NULL AND NOT pg_visible_in_snapshot(changed_xact, %s::pg_snapshot) "
    f"{LIST_ORDER}"
)
"""LIST_QUERY's columns for the prospects changed since the snapshot given."""
LIST_CHANGES = f"SELECT id, changed_xact::text FROM prospects {LIST_ORDER}"
"""Every listed prospect in list order, with the transaction that last changed it."""
_READ_QUERY = (
    f"SELECT p.doc, {', '.join('p.' + c for c in _ROW_SELECT.split(', '))}, "
    "(SELECT coalesce(jsonb_agg(i.doc ORDER BY i.started_at, i.seq), '[]'::jsonb) "
    " FROM interviews i WHERE i.prospect_id = p.id), "
    "(SELECT coalesce(jsonb_agg(jsonb_build_array(a.interview_id, a.doc) ORDER BY a.seq), "
    " '[]'::jsonb) FROM answers a WHERE a.prospect_id = p.id), "
    "(SELECT coalesce(jsonb_agg(h.doc ORDER BY h.at, h.seq), '[]'::jsonb) "
    " FROM history h WHERE h.prospect_id = p.id) "
    "FROM prospects p WHERE p.id = %s"
)
_TIME = TypeAdapter(datetime)


def json(value: Any) -> Jsonb:
    return Jsonb(value, dumps=dumps)


def dumps(value: Any) -> str:
    return orjson.dumps(value).decode()


def doc(model: Any, *, without: str | None = None) -> dict[str, Any]:
    data = model.model_dump(mode="json")
    if without:
        data.pop(without, None)
    return data


def doc_time(value: datetime) -> str:
    """Exactly as pydantic writes datetimes in model_dump(mode="json")."""
    return _TIME.dump_python(value, mode="json")


def row_dict(values: Any) -> dict[str, Any]:
    """A list row from its ``s_`` columns. ``provisional`` has no column of its own: a
    score without a band (and no knock-out) is the one state that means it (the list
    queries say the same in SQL, see LIST_FIELDS)."""
    row = dict(zip(ROW_COLUMNS, values[: len(ROW_COLUMNS)], strict=True))
    row["provisional"] = row["score"] is not None and row["band"] is None and not row["knocked_out"]
    return row


def row_values(row: ProspectSummary) -> tuple[Any, ...]:
    """The ``s_`` columns of a list row."""
    return (
        row.name,
        row.territory,
        row.kind.value,
        row.stage,
        row.status.value,
        row.score,
        row.band,
        row.knocked_out,
        row.coverage,
        row.updated_at,
        row.next_meeting,
    )


def prospect_values(prospect: Prospect, row: ProspectSummary) -> tuple[Any, ...]:
    """A ``prospects`` row in the order of PROSPECT_COLUMNS."""
    return (
        prospect.id,
        prospect.territory,
        prospect.name,
        prospect.stage,
        prospect.status.value,
        prospect.created_at,
        prospect.updated_at,
        json(doc(prospect)),
        *row_values(row),
    )


# ------------------------------------------------------------------ reading


def read_records(conn: Conn, prospect_id: str) -> tuple[ProspectRecords, ProspectSummary] | None:
    """A prospect's records and its stored list row, in one statement (one round trip)."""
    found = conn.execute(_READ_QUERY, (prospect_id,)).fetchone()
    if found is None:
        return None
    facts, *row, interviews, answers, history = found
    records = _records(prospect_id, facts, interviews, answers, history)
    return records, _valid(prospect_id, ProspectSummary, row_dict(row), f"prospects.{prospect_id}")


_REVISION_QUERY = _READ_QUERY.replace("SELECT p.doc, ", "SELECT p.changed_xact::text, p.doc, ", 1)


def read_revision(conn: Conn, prospect_id: str) -> tuple[ProspectRecords, str | None] | None:
    """A prospect's records and the transaction that last changed them, in one statement."""
    found = conn.execute(_REVISION_QUERY, (prospect_id,)).fetchone()
    if found is None:
        return None
    xact, facts, *_, interviews, answers, history = found
    return _records(prospect_id, facts, interviews, answers, history), xact


def read_many(
    conn: Conn,
    prospect_ids: list[str],
    unreadable: Callable[[str, StoreCorrupt], object] | None = None,
) -> list[ProspectRecords]:
    """Several prospects' records in one statement (those this login may see). A
    prospect whose records cannot be read raises StoreCorrupt, or, with `unreadable`,
    is handed to it and left out (one broken prospect never hides the others)."""
    query = _READ_QUERY.replace("WHERE p.id = %s", "WHERE p.id = ANY(%s)")
    found: list[ProspectRecords] = []
    for row in conn.execute(query, (prospect_ids,)).fetchall():
        facts, *_, interviews, answers, history = row
        prospect_id = str(facts.get("id", ""))
        try:
            found.append(_records(prospect_id, facts, interviews, answers, history))
        except StoreCorrupt as exc:
            if unreadable is None:
                raise
            unreadable(prospect_id, exc)
    return found


def _records(
    prospect_id: str, facts: Any, interviews: Any, answers: Any, history: Any
) -> ProspectRecords:
    by_interview: dict[str, dict[str, Any]] = {}
    for interview_id, answer in answers:
        by_interview.setdefault(interview_id, {})[answer.get("question_id")] = answer
    return ProspectRecords(
        _valid(prospect_id, Prospect, facts, f"prospects.{prospect_id}"),
        tuple(
            _valid(
                prospect_id,
                Interview,
                {**i, "answers": by_interview.get(i.get("id"), {})},
                f"interviews.{i.get('id')}",
            )
            for i in interviews
        ),
        tuple(_valid(prospect_id, HistoryEntry, h, f"history.{h.get('id')}") for h in history),
    )


def _valid(prospect_id: str, model: type[R], doc: Any, where: str) -> R:
    """The record `doc` of `model`; StoreCorrupt naming it by its table and id
    (``interviews.7bfde1e4e019.answers.q1.state: …``), as the rows hold them."""
    try:
        return model.model_validate(doc)
    except ValidationError as exc:
        from qualify.core.questionnaire.friendly import at_path  # only on an error

        raise StoreCorrupt(
            Phrase(
                "prospect {id} holds a record this qualify cannot read: {problem}",
                id=repr(prospect_id),
                problem=at_path(where, exc.errors()[0], model),
            )
        ) from None


def read_snapshot(conn: Conn, content_hash: str) -> dict[str, Any] | None:
    found = conn.execute(
        "SELECT question_set FROM snapshots WHERE hash = %s LIMIT 1", (content_hash,)
    ).fetchone()
    return None if found is None else found[0]


def snapshot_fetcher(conn: Conn) -> Fetch:
    """Snapshots read on ``conn``: inside its transaction, without a second connection."""

    def fetch(content_hash: str) -> dict[str, Any]:
        found = read_snapshot(conn, content_hash)
        if found is None:
            raise missing.no_snapshot(content_hash)
        return found

    return fetch


def read_interview(conn: Conn, interview_id: str) -> Interview | None:
    found = conn.execute("SELECT doc FROM interviews WHERE id = %s", (interview_id,)).fetchone()
    if found is None:
        return None
    answers = {
        d["question_id"]: d
        for (d,) in conn.execute(
            "SELECT doc FROM answers WHERE interview_id = %s ORDER BY seq", (interview_id,)
        ).fetchall()
    }
    return Interview.model_validate({**found[0], "answers": answers})


def read_history(conn: Conn, prospect_id: str) -> list[HistoryEntry]:
    rows = conn.execute(
        "SELECT doc FROM history WHERE prospect_id = %s ORDER BY at, seq", (prospect_id,)
    ).fetchall()
    return [HistoryEntry.model_validate(r[0]) for r in rows]


# ------------------------------------------------------------------ writing


def insert_prospect(conn: Conn, prospect: Prospect, row: ProspectSummary) -> None:
    placeholders = ", ".join(["%s"] * 19)
    conn.execute(
        f"INSERT INTO prospects ({PROSPECT_COLUMNS}) VALUES ({placeholders})",
        prospect_values(prospect, row),
    )


def write_facts(conn: Conn, prospect: Prospect) -> None:
    """Replace a prospect's facts (its list row is written separately)."""
    conn.execute(
        "UPDATE prospects SET territory = %s, name = %s, stage = %s, status = %s, "
        "created_at = %s, updated_at = %s, doc = %s WHERE id = %s",
        (
            prospect.territory,
            prospect.name,
            prospect.stage,
            prospect.status.value,
            prospect.created_at,
            prospect.updated_at,
            json(doc(prospect)),
            prospect.id,
        ),
    )


def write_row(conn: Conn, row: ProspectSummary) -> None:
    conn.execute(f"UPDATE prospects SET {ROW_SET} WHERE id = %s", (*row_values(row), row.id))


def insert_interviews(conn: Conn, interviews: list[Interview]) -> None:
    """One statement per table (the server's triggers then run once, not per row)."""
    if not interviews:
        return
    conn.execute(
        "INSERT INTO interviews (id, prospect_id, started_at, doc) "
        "SELECT * FROM unnest(%s::text[], %s::text[], %s::timestamptz[], %s::jsonb[])",
        (
            [i.id for i in interviews],
            [i.prospect_id for i in interviews],
            [i.started_at for i in interviews],
            [json(doc(i, without="answers")) for i in interviews],
        ),
    )
    answers = [(i.id, i.prospect_id, a) for i in interviews for a in i.answers.values()]
    if answers:
        upsert_answers(conn, answers)


OPEN = "doc->>'status' = 'in_progress' AND coalesce(doc->>'merged_into', '') = ''"
"""An open interview: the predicate of the unique index one_open_interview (migration 3)."""


def start_interview(conn: Conn, interview: Interview) -> str:
    """The id of the open interview of ``interview``'s prospect and stage: ``interview``
    inserted if there is none (INSERT … ON CONFLICT on the unique index), else the one
    there."""
    values = (
        interview.id,
        interview.prospect_id,
        interview.started_at,
        json(doc(interview, without="answers")),
    )
    is_open = interview.status == "in_progress" and not interview.merged_into
    conflict = f"ON CONFLICT (prospect_id, (doc->>'stage')) WHERE {OPEN} DO NOTHING "
    for _ in range(3):  # the open one may be closed between the two statements
        row = conn.execute(
            "INSERT INTO interviews (id, prospect_id, started_at, doc) VALUES (%s, %s, %s, %s) "
            + (conflict if is_open else "")
            + "RETURNING id",
            values,
        ).fetchone()
        if row is not None:
            answers = [(interview.id, interview.prospect_id, a) for a in interview.answers.values()]
            upsert_answers(conn, answers)
            return str(row[0])
        found = conn.execute(
            f"SELECT id FROM interviews WHERE prospect_id = %s AND doc->>'stage' = %s AND {OPEN}",
            (interview.prospect_id, interview.stage),
        ).fetchone()
        if found is not None:
            return str(found[0])
    raise StoreError(
        Phrase("interview {id}: the stage's open interview keeps changing", id=interview.id)
    )


def write_interview(conn: Conn, interview: Interview) -> None:
    """Replace an interview's own fields (its answers are rows of their own)."""
    conn.execute(
        "UPDATE interviews SET doc = %s, started_at = %s WHERE id = %s",
        (json(doc(interview, without="answers")), interview.started_at, interview.id),
    )


def upsert_answers(conn: Conn, answers: list[tuple[str, str, AnswerRecord]]) -> None:
    """(interview id, prospect id, answer) rows: added, or replacing that question's (the
    last of the same question wins), in one statement."""
    rows = {(iid, a.question_id): (pid, a) for iid, pid, a in answers}
    if not rows:
        return
    conn.execute(
        "INSERT INTO answers (interview_id, question_id, prospect_id, doc) "
        "SELECT * FROM unnest(%s::text[], %s::text[], %s::text[], %s::jsonb[]) "
        "ON CONFLICT (interview_id, question_id) DO UPDATE SET doc = EXCLUDED.doc",
        (
            [iid for iid, _ in rows],
            [qid for _, qid in rows],
            [pid for pid, _ in rows.values()],
            [json(doc(a)) for _, a in rows.values()],
        ),
    )


def insert_history(conn: Conn, entries: Iterable[HistoryEntry]) -> None:
    entries = list(entries)
    if not entries:
        return
    conn.execute(
        "INSERT INTO history (id, prospect_id, at, doc) "
        "SELECT * FROM unnest(%s::text[], %s::text[], %s::timestamptz[], %s::jsonb[])",
        (
            [h.id for h in entries],
            [h.prospect_id for h in entries],
            [h.at for h in entries],
            [json(doc(h)) for h in entries],
        ),
    )


def write_changes(conn: Conn, new: ProspectRecords, old: ProspectRecords) -> None:
    """Write what ``new`` changes in ``old``: facts, interviews, answers; history is only
    ever added to, and nothing is removed."""
    if new.prospect != old.prospect:
        write_facts(conn, new.prospect)
    known = {i.id: i for i in old.interviews}
    fresh = [i for i in new.interviews if i.id not in known]
    if fresh:
        insert_interviews(conn, fresh)
    changed: list[tuple[str, str, AnswerRecord]] = []
    for interview in new.interviews:
        before = known.get(interview.id)
        if before is None:
            continue
        if doc(before, without="answers") != doc(interview, without="answers"):
            write_interview(conn, interview)
        changed.extend(
            (interview.id, interview.prospect_id, a)
            for qid, a in interview.answers.items()
            if before.answers.get(qid) != a
        )
    if changed:
        upsert_answers(conn, changed)
    seen = {h.id for h in old.history}
    added = [h for h in new.history if h.id not in seen]
    if added:
        insert_history(conn, added)


def copy_chunk(
    conn: Conn, chunk: list[tuple[ProspectRecords, ProspectSummary]], *, replace: bool = True
) -> None:
    """COPY into temporary tables, then one INSERT per table: 100,000 prospects in seconds.

    With ``replace``, a prospect with the same id is replaced (interviews and answers
    upserted, history only added to); without, any record already there (a prospect
    added meanwhile, one this login cannot see) fails the whole statement, unchanged.
    The temporary tables go with the chunk, so a transaction may copy many.
    """
    conn.execute(
        "CREATE TEMP TABLE bulk_p ON COMMIT DROP AS "
        f"SELECT {PROSPECT_COLUMNS} FROM prospects WITH NO DATA; "
        "CREATE TEMP TABLE bulk_i ON COMMIT DROP AS "
        "SELECT id, prospect_id, started_at, doc FROM interviews WITH NO DATA; "
        "CREATE TEMP TABLE bulk_a ON COMMIT DROP AS "
        "SELECT interview_id, question_id, prospect_id, doc FROM answers WITH NO DATA; "
        "CREATE TEMP TABLE bulk_h ON COMMIT DROP AS "
        "SELECT id, prospect_id, at, doc FROM history WITH NO DATA"
    )
    with conn.cursor() as cur:
        with cur.copy(f"COPY bulk_p ({PROSPECT_COLUMNS}) FROM STDIN") as copy:
            for records, row in chunk:
                values = list(prospect_values(records.prospect, row))
                values[7] = dumps(doc(records.prospect))
                copy.write_row(values)
        with cur.copy("COPY bulk_i (id, prospect_id, started_at, doc) FROM STDIN") as copy:
            for records, _ in chunk:
                for i in records.interviews:
                    copy.write_row(
                        (i.id, i.prospect_id, i.started_at, dumps(doc(i, without="answers")))
                    )
        with cur.copy(
            "COPY bulk_a (interview_id, question_id, prospect_id, doc) FROM STDIN"
        ) as copy:
            for records, _ in chunk:
                for i in records.interviews:
                    for a in i.answers.values():
                        copy.write_row((i.id, a.question_id, i.prospect_id, dumps(doc(a))))
        with cur.copy("COPY bulk_h (id, prospect_id, at, doc) FROM STDIN") as copy:
            for records, _ in chunk:
                for h in records.history:
                    copy.write_row((h.id, h.prospect_id, h.at, dumps(doc(h))))
    updates = ", ".join(
        f"{c} = EXCLUDED.{c}" for c in PROSPECT_COLUMNS.replace(" ", "").split(",")[1:]
    )
    conflict = {
        "p": f" ON CONFLICT (id) DO UPDATE SET {updates}",
        "i": " ON CONFLICT (id) DO UPDATE SET doc = EXCLUDED.doc, started_at = EXCLUDED.started_at",
        "a": " ON CONFLICT (interview_id, question_id) DO UPDATE SET doc = EXCLUDED.doc",
        "h": " ON CONFLICT (id) DO NOTHING",
    }
    if not replace:
        conflict = dict.fromkeys(conflict, "")
    conn.execute(
        f"INSERT INTO prospects ({PROSPECT_COLUMNS}) SELECT {PROSPECT_COLUMNS} FROM bulk_p"
        + conflict["p"]
    )
    conn.execute(
        "INSERT INTO interviews (id, prospect_id, started_at, doc) "
        "SELECT id, prospect_id, started_at, doc FROM bulk_i" + conflict["i"]
    )
    conn.execute(
        "INSERT INTO answers (interview_id, question_id, prospect_id, doc) "
        "SELECT interview_id, question_id, prospect_id, doc FROM bulk_a" + conflict["a"]
    )
    conn.execute(
        "INSERT INTO history (id, prospect_id, at, doc) SELECT id, prospect_id, at, doc "
        "FROM bulk_h ORDER BY at" + conflict["h"]
    )
    conn.execute("DROP TABLE bulk_p, bulk_i, bulk_a, bulk_h")


__all__ = [
    "LIST_CHANGES",
    "LIST_FIELDS",
    "LIST_QUERY",
    "LIST_SINCE",
    "LIST_SOME",
    "PROSPECT_COLUMNS",
    "ROW_COLUMNS",
    "ROW_SET",
    "copy_chunk",
    "doc",
    "doc_time",
    "insert_history",
    "insert_interviews",
    "insert_prospect",
    "json",
    "read_history",
    "read_interview",
    "read_many",
    "read_records",
    "read_snapshot",
    "row_dict",
    "snapshot_fetcher",
    "start_interview",
    "upsert_answers",
    "write_changes",
    "write_facts",
    "write_interview",
    "write_row",
]

"""The server's answer log (schema 10: one insert per statement): a line for every answer
written, none for one rewritten unchanged, each with the login that wrote it, however
many answers a statement writes and whoever writes them with raw SQL."""

from __future__ import annotations

import pytest
from psycopg import errors
from psycopg.types.json import Jsonb

from qualify.core.records import AnswerRecord, Interview, Prospect
from qualify.store.postgres import PostgresStore, connect, migrate


def _prospect(pg) -> tuple[str, str]:  # type: ignore[no-untyped-def]
    with PostgresStore(pg.admin_url) as admin:
        p = admin.add_prospect(Prospect(name="North Co", stage="s1", territory="North"))
        i = admin.add_interview(
            Interview(
                prospect_id=p.id,
                stage="s1",
                questionnaire_id="x",
                questionnaire_version=1,
                questionnaire_hash="h",
            )
        )
    return p.id, i.id


def _log(pg, pid: str) -> list[tuple]:  # type: ignore[no-untyped-def]
    return pg.sql(
        "SELECT question_id, doc->>'value', recorded_by FROM qualify.answer_log "
        "WHERE prospect_id = %s ORDER BY seq",
        (pid,),
    )


def test_each_answer_of_a_statement_is_logged_once_with_its_author(pg) -> None:
    pid, iid = _prospect(pg)
    with PostgresStore(pg.grant("anna", "North")) as anna:
        answers = [AnswerRecord(question_id=f"q{n}", value=str(n)) for n in range(1, 6)]
        anna.record_answers(iid, answers)  # five answers, one statement
        assert _log(pg, pid) == [(f"q{n}", str(n), "anna") for n in range(1, 6)]
        anna.record_answers(iid, [AnswerRecord(question_id="q2", value="two")])
    with PostgresStore(pg.grant("bob", "North")) as bob:
        bob.record_answers(iid, [AnswerRecord(question_id="q3", value="three", by="anna")])
    log = _log(pg, pid)
    assert log[5:] == [("q2", "two", "anna"), ("q3", "three", "bob")]


def test_raw_sql_writes_are_logged_and_the_log_stays_the_servers(pg) -> None:
    pid, iid = _prospect(pg)
    pg.grant("anna", "North")
    doc = lambda q, v: Jsonb({"question_id": q, "value": v})  # noqa: E731
    with connect(pg.url("anna")) as conn:
        conn.execute(
            "INSERT INTO answers (interview_id, question_id, prospect_id, doc) "
            "VALUES (%s, 'a', %s, %s), (%s, 'b', %s, %s)",
            (iid, pid, doc("a", 1), iid, pid, doc("b", 2)),
        )
        # an upsert of both: a changed, b the same
        conn.execute(
            "INSERT INTO answers (interview_id, question_id, prospect_id, doc) "
            "VALUES (%s, 'a', %s, %s), (%s, 'b', %s, %s) "
            "ON CONFLICT (interview_id, question_id) DO UPDATE SET doc = EXCLUDED.doc",
            (iid, pid, doc("a", 10), iid, pid, doc("b", 2)),
        )
        # an update that rewrites every answer, changing none of them
        conn.execute("UPDATE answers SET doc = doc WHERE prospect_id = %s", (pid,))
        with pytest.raises(errors.InsufficientPrivilege):  # still the server's alone
            conn.execute(
                "INSERT INTO answer_log (interview_id, question_id, prospect_id, doc) "
                "VALUES (%s, 'a', %s, '{}')",
                (iid, pid),
            )
    # the server stamps the author into the doc too (schema 3): the values as written
    assert _log(pg, pid) == [("a", "1", "anna"), ("b", "2", "anna"), ("a", "10", "anna")]


def test_an_answer_naming_another_prospects_interview_is_still_refused(pg) -> None:
    pid, iid = _prospect(pg)
    with PostgresStore(pg.admin_url) as admin:
        other = admin.add_prospect(Prospect(name="Other", stage="s1", territory="North"))
    # as the schema's owner, whom row-level security does not stop: the keys alone
    with connect(pg.admin_url) as conn:
        for prospect_id in (other.id, "nobody"):
            with pytest.raises(errors.ForeignKeyViolation):
                conn.execute(
                    "INSERT INTO answers (interview_id, question_id, prospect_id, doc) "
                    "VALUES (%s, 'q', %s, %s)",
                    (iid, prospect_id, Jsonb({"question_id": "q"})),
                )
        with pytest.raises(errors.ForeignKeyViolation):  # an interview that is not there
            conn.execute(
                "INSERT INTO answers (interview_id, question_id, prospect_id, doc) "
                "VALUES ('nope', 'q', %s, %s)",
                (pid, Jsonb({"question_id": "q"})),
            )
    assert _log(pg, pid) == []


def _keys(conn) -> set[str]:  # type: ignore[no-untyped-def]
    rows = conn.execute(
        "SELECT conname FROM pg_constraint WHERE contype = 'f' "
        "AND conrelid IN ('qualify.answers'::regclass, 'qualify.answer_log'::regclass)"
    ).fetchall()
    return {r[0] for r in rows}


def _schema_9_with_an_answer(conn, *, stray_line: bool) -> None:  # type: ignore[no-untyped-def]
    """A schema-9 database holding an answer written at schema 2 (and logged then); with
    `stray_line`, a log line of that time filing the answer's interview under another
    prospect, as nothing checked before schema 3."""
    migrate.upgrade(conn, target=2)
    for pid in ("p1", "p2"):
        conn.execute(
            "INSERT INTO qualify.prospects (id, territory, name, stage, status, created_at, "
            "updated_at, doc, s_name, s_territory, s_kind, s_stage, s_status, s_updated_at) "
            "VALUES (%s, 'North', 'Co', 's1', 'active', now(), now(), %s, 'Co', 'North', "
            "'dealer', 's1', 'active', now())",
            (pid, Jsonb({"id": pid, "name": "Co", "territory": "North", "stage": "s1"})),
        )
    conn.execute(
        "INSERT INTO qualify.interviews (id, prospect_id, started_at, doc) "
        "VALUES ('i1', 'p1', now(), %s)",
        (Jsonb({"id": "i1", "prospect_id": "p1", "stage": "s1"}),),
    )
    conn.execute(
        "INSERT INTO qualify.answers (interview_id, question_id, prospect_id, doc) "
        "VALUES ('i1', 'q1', 'p1', %s)",
        (Jsonb({"question_id": "q1", "value": 1}),),
    )
    if stray_line:
        conn.execute(
            "INSERT INTO qualify.answer_log (interview_id, question_id, prospect_id, doc) "
            "VALUES ('i1', 'q0', 'p2', %s)",
            (Jsonb({"question_id": "q0", "value": 0}),),
        )
    migrate.upgrade(conn, target=9)


def test_the_upgrade_drops_the_keys_the_pairs_hold(empty_db: str) -> None:
    with connect(empty_db) as conn:
        _schema_9_with_an_answer(conn, stray_line=False)
        assert "answers_prospect_id_fkey" in _keys(conn)
        assert [m.version for m in migrate.upgrade(conn)] == [10]
        assert _keys(conn) == {"answer_interview_of_prospect", "logged_interview_of_prospect"}
        conn.execute(
            "UPDATE qualify.answers SET doc = %s WHERE interview_id = 'i1'",
            (Jsonb({"question_id": "q1", "value": 2}),),
        )
        lines = conn.execute("SELECT doc->>'value' FROM qualify.answer_log ORDER BY seq").fetchall()
        assert lines == [("1",), ("2",)]


def test_an_old_log_line_that_breaks_the_pair_key_keeps_the_logs_keys(
    empty_db: str,
) -> None:
    with connect(empty_db) as conn:
        _schema_9_with_an_answer(conn, stray_line=True)
        assert [m.version for m in migrate.upgrade(conn)] == [10]
        assert _keys(conn) == {
            "answer_interview_of_prospect",
            "logged_interview_of_prospect",
            "answer_log_interview_id_fkey",
            "answer_log_prospect_id_fkey",
        }

"""Row-level security, checked with each person's own connection and raw SQL.

The application does no filtering of its own: what a login cannot see, the server
does not return; what it may not change, the server refuses.
"""

from __future__ import annotations

import pytest
from psycopg import errors

from qualify.core.records import AnswerRecord, HistoryEntry, Interview, Prospect
from qualify.store import StoreError
from qualify.store.postgres import PostgresStore, connect


def _fill(pg) -> dict[str, str]:  # type: ignore[no-untyped-def]
    """A North and a South prospect, each with an interview, answers and history."""
    ids = {}
    with PostgresStore(pg.admin_url) as admin:
        for territory in ("North", "South"):
            p = admin.add_prospect(Prospect(name=territory, stage="s1", territory=territory))
            i = admin.add_interview(
                Interview(
                    prospect_id=p.id,
                    stage="s1",
                    questionnaire_id="x",
                    questionnaire_version=1,
                    questionnaire_hash="h",
                )
            )
            admin.record_answers(i.id, [AnswerRecord(question_id="q1", value=territory)])
            admin.append_history(HistoryEntry(prospect_id=p.id, action="edit", reason="x"))
            ids[territory] = p.id
            ids[territory + "-interview"] = i.id
    return ids


def test_a_manager_sees_and_changes_only_their_territories(pg) -> None:
    ids = _fill(pg)
    pg.grant("anna", "North")
    with connect(pg.url("anna")) as conn:
        q = lambda sql, *a: conn.execute(sql, a).fetchall()  # noqa: E731
        assert q("SELECT territory FROM prospects") == [("North",)]
        for table in ("interviews", "answers", "answer_log", "history"):
            rows = q(f"SELECT DISTINCT prospect_id FROM {table}")
            assert rows == [(ids["North"],)], table
        assert q("SELECT 1 FROM prospects WHERE id = %s", ids["South"]) == []
        # Writes to the other territory touch nothing, or are refused outright.
        cur = conn.execute("UPDATE prospects SET name = 'mine' WHERE territory = 'South'")
        assert cur.rowcount == 0
        cur = conn.execute("UPDATE answers SET doc = '{}' WHERE prospect_id = %s", (ids["South"],))
        assert cur.rowcount == 0
        with pytest.raises(errors.InsufficientPrivilege, match="row-level security"):
            conn.execute(
                "INSERT INTO answers (interview_id, question_id, prospect_id, doc) "
                "VALUES (%s, 'q2', %s, '{}')",
                (ids["South-interview"], ids["South"]),
            )
        with pytest.raises(errors.InsufficientPrivilege, match="row-level security"):
            conn.execute(
                "INSERT INTO history (id, prospect_id, at, doc) VALUES ('h1', %s, now(), '{}')",
                (ids["South"],),
            )
        with pytest.raises(errors.InsufficientPrivilege, match="row-level security"):
            conn.execute(
                "UPDATE prospects SET territory = 'South' WHERE id = %s", (ids["North"],)
            )  # moving a prospect out of your territories
        with pytest.raises(errors.InsufficientPrivilege):
            conn.execute("DELETE FROM prospects")
        with pytest.raises(errors.InsufficientPrivilege):
            conn.execute("INSERT INTO team_territories (login, territory) VALUES ('anna', 'South')")
        with pytest.raises(errors.InsufficientPrivilege):  # history is only ever added to
            conn.execute("UPDATE history SET doc = '{}' WHERE prospect_id = %s", (ids["North"],))
        # Own territory: fine (the record's JSON must agree with its columns).
        cur = conn.execute(
            "UPDATE prospects SET name = 'N', doc = jsonb_set(doc, '{name}', '\"N\"') "
            "WHERE id = %s",
            (ids["North"],),
        )
        assert cur.rowcount == 1


def test_the_store_reports_what_rls_refuses_in_one_line(pg) -> None:
    ids = _fill(pg)
    with PostgresStore(pg.grant("anna", "North")) as anna:
        assert [r.territory for r in anna.list_prospects()] == ["North"]
        with pytest.raises(StoreError, match="no prospect with id"):
            anna.get_prospect(ids["South"])
        with pytest.raises(StoreError, match="no interview"):
            anna.record_answers(ids["South-interview"], [AnswerRecord(question_id="q", value=1)])
        with pytest.raises(StoreError, match=r"cannot write prospects of territory 'South'"):
            anna.add_prospect(Prospect(name="x", stage="s1", territory="South"))
        north = anna.get_prospect(ids["North"])
        with pytest.raises(StoreError, match="cannot write prospects of territory 'South'"):
            anna.update_prospect(north.model_copy(update={"territory": "South"}))


def test_directors_see_everything_read_only_or_not(pg) -> None:
    ids = _fill(pg)
    with PostgresStore(pg.grant("dora", director=True, read_only=True)) as dora:
        assert sorted(r.territory for r in dora.list_prospects()) == ["North", "South"]
        with pytest.raises(StoreError, match="may read but not change"):
            dora.record_answers(ids["South-interview"], [AnswerRecord(question_id="q", value=1)])
    with connect(pg.url("dora")) as conn:
        assert conn.execute("UPDATE prospects SET name = 'x'").rowcount == 0
    with PostgresStore(pg.grant("dirk", director=True)) as dirk:
        saved = dirk.record_answers(
            ids["South-interview"], [AnswerRecord(question_id="q9", value=9, by="dirk")]
        )
        assert saved.answers["q9"].value == 9
        dirk.add_prospect(Prospect(name="New", stage="s1", territory="East"))
        assert len(dirk.list_prospects()) == 3


def test_who_made_each_change_is_set_by_the_server(pg) -> None:
    ids = _fill(pg)
    with PostgresStore(pg.grant("anna", "North")) as anna:
        # The client claims someone else: the server records the login anyway.
        anna.record_answers(
            ids["North-interview"], [AnswerRecord(question_id="q1", value="x", by="mallory")]
        )
        anna.append_history(HistoryEntry(prospect_id=ids["North"], action="edit", by="anna"))
    rows = pg.sql(
        "SELECT doc->>'by', doc->>'recorded_as', recorded_by FROM qualify.answer_log "
        "WHERE prospect_id = %s ORDER BY seq",
        (ids["North"],),
    )
    assert rows == [("qualify_admin", "", "qualify_admin"), ("anna", "mallory", "anna")]
    [(who,)] = pg.sql(
        "SELECT recorded_by FROM qualify.history WHERE prospect_id = %s ORDER BY seq DESC LIMIT 1",
        (ids["North"],),
    )
    assert who == "anna"


def test_grant_and_revoke(pg) -> None:
    from qualify.store.postgres import team

    with connect(pg.admin_url) as conn:
        assert team.grant(conn, "erik", ["West", "East"]) == [
            "created login erik",
            "added erik to qualify_team",
            "territory 'West'",
            "territory 'East'",
        ]
        assert team.grant(conn, "erik", ["West"]) == []  # idempotent
        assert team.revoke(conn, "erik", ["West"]) == ["territory 'West'"]
        [erik] = [p for p in team.people(conn) if p.login == "erik"]
        assert (erik.territories, erik.member, erik.can_login) == (["East"], True, True)
        with pytest.raises(StoreError, match="--read-only goes with --director"):
            team.grant(conn, "erik", ["x"], read_only=True)
        assert team.revoke(conn, "erik", [], everything=True) == [
            "territory 'East'",
            "membership of qualify_team",
        ]
    with connect(pg.url("erik")) as conn, pytest.raises(errors.InsufficientPrivilege):
        conn.execute("SELECT * FROM qualify.prospects")
    pg.grant("anna", "North")
    with connect(pg.url("anna")) as conn, pytest.raises(StoreError, match="cannot grant"):
        team.grant(conn, "anna", ["South"])

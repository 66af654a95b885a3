"""Schema migrations: from the first schema to the latest, idempotent, clear when due."""

from __future__ import annotations

import pytest
from click.testing import CliRunner
from psycopg import errors

from qualify.cli import main
from qualify.core.records import AnswerRecord
from qualify.store import StoreError
from qualify.store.postgres import PostgresStore, connect, migrate


def test_upgrade_from_the_first_schema_keeps_every_record(empty_db: str) -> None:
    with connect(empty_db) as conn:
        assert [m.version for m in migrate.upgrade(conn, target=1)] == [1]
        # Records written by a qualify of schema 1 (answers already rows, no territories yet).
        conn.execute(
            "INSERT INTO qualify.prospects (id, territory, name, stage, status, created_at, "
            "updated_at, doc, s_name, s_territory, s_kind, s_stage, s_status, s_updated_at) "
            "VALUES ('p1', 'North', 'Old Co', 's1', 'active', now(), now(), %s, 'Old Co', "
            "'North', 'dealer', 's1', 'active', now())",
            (
                '{"id": "p1", "name": "Old Co", "territory": "North", "stage": "s1", '
                '"created_at": "2025-01-01T00:00:00Z", "updated_at": "2025-01-01T00:00:00Z"}',
            ),
        )
        conn.execute(
            "INSERT INTO qualify.interviews (id, prospect_id, started_at, doc) VALUES "
            "('i1', 'p1', now(), %s)",
            (
                '{"id": "i1", "prospect_id": "p1", "stage": "s1", "questionnaire_id": "x", '
                '"questionnaire_version": 1, "questionnaire_hash": "h"}',
            ),
        )
        conn.execute(
            "INSERT INTO qualify.answers (interview_id, question_id, prospect_id, doc) VALUES "
            '(\'i1\', \'q1\', \'p1\', \'{"question_id": "q1", "value": 3, "by": "ann"}\')'
        )
        latest = migrate.LATEST
        with pytest.raises(
            StoreError, match=rf"version 1, this qualify needs {latest}.*qualify db upgrade"
        ):
            PostgresStore(empty_db)
        assert migrate.status(conn).pending[0].name == "team_territories"
        assert [m.version for m in migrate.upgrade(conn)] == list(range(2, latest + 1))
        assert migrate.upgrade(conn) == []  # idempotent
        assert migrate.status(conn).describe() == f"schema version {latest}: up to date"
        # The first schema's answers are in the new answer log, with who wrote them.
        assert conn.execute(
            "SELECT question_id, recorded_by FROM qualify.answer_log"
        ).fetchall() == [("q1", "qualify_admin")]
        # History is append-only, even for the owner.
        conn.execute(
            "INSERT INTO qualify.history (id, prospect_id, at, doc) VALUES ('h', 'p1', now(), "
            '\'{"id": "h", "prospect_id": "p1", "action": "edit"}\')'
        )
        with pytest.raises(errors.InsufficientPrivilege, match="append-only"):
            conn.execute("DELETE FROM qualify.history")
    with PostgresStore(empty_db) as store:
        [row] = store.list_prospects()
        assert (row.name, row.territory) == ("Old Co", "North")
        saved = store.record_answers("i1", [AnswerRecord(question_id="q2", value=4)])
        assert {q: a.value for q, a in saved.answers.items()} == {"q1": 3, "q2": 4}


def test_cli_upgrade_status_and_the_out_of_date_message(empty_db: str, tmp_path) -> None:  # type: ignore[no-untyped-def]
    runner = CliRunner()
    env = {"QUALIFY_STORE": empty_db, "QUALIFY_DATA_DIR": str(tmp_path / "ws")}
    result = runner.invoke(main, ["prospect", "list"], env=env)
    assert result.exit_code == 1
    latest = migrate.LATEST
    assert result.output.strip().splitlines() == [
        f"qualify: error: no qualify schema yet (this qualify needs version {latest}): "
        "run `qualify db upgrade`"
    ]
    result = runner.invoke(main, ["db", "status"], env=env)
    assert result.exit_code == 3, result.output  # no schema yet: an upgrade is due
    result = runner.invoke(main, ["db", "upgrade", "--to", "1"], env=env)
    assert result.exit_code == 0, result.output
    result = runner.invoke(main, ["db", "status"], env=env)
    assert "upgrade due (0002_team_territories, 0003_" in result.output
    assert result.exit_code == 3, result.output
    result = runner.invoke(main, ["prospect", "list"], env=env)
    assert "Traceback" not in result.output
    assert f"schema version 1, this qualify needs {latest}" in result.output
    result = runner.invoke(main, ["db", "upgrade"], env=env)
    assert "applied 0002_team_territories" in result.output
    assert f"upgraded to schema version {latest}" in result.output
    assert "list rows checked: 0, rewritten: 0" in result.output
    result = runner.invoke(main, ["db", "upgrade"], env=env)
    assert f"already at schema version {latest}" in result.output
    result = runner.invoke(main, ["db", "status"], env=env)
    assert result.output.strip().endswith(f"schema version {latest}: up to date")
    assert result.exit_code == 0

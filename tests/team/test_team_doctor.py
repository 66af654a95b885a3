"""`qualify doctor` on a team server: the question-set snapshots against their hashes;
the rest is the server's transactions' business, and --repair is for the workspace."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner
from psycopg.types.json import Jsonb

from qualify.cli import main
from qualify.core.questionnaire import content_hash, load_catalog
from qualify.core.questionnaire.model import canonical
from qualify.store.postgres import PostgresStore

MINI = Path(__file__).resolve().parents[1] / "cli" / "fixtures" / "mini"


def test_doctor_checks_the_servers_snapshots(pg) -> None:  # type: ignore[no-untyped-def]
    url = pg.grant("dora", director=True)
    qs = load_catalog(MINI).question_sets["mini-first"]
    with PostgresStore(url) as store:
        store.put_snapshot(content_hash(qs), canonical(qs))
    runner = CliRunner()
    result = runner.invoke(main, ["--store", url, "doctor"], env={"QUALIFY_STORE": ""})
    assert result.exit_code == 0, result.output
    assert "only the question-set snapshots were checked" in result.output
    assert "checked 1 snapshots" in result.output and ": healthy" in result.output
    # The server refuses such a snapshot (a constraint, since schema 3), so a damaged
    # one is planted by the owner with the constraint lifted, as a server restored from
    # an old dump or edited by hand could hold it.
    constraint = "snapshot_matches_its_hash"
    pg.sql(f"ALTER TABLE qualify.snapshots DROP CONSTRAINT {constraint}")
    try:
        pg.sql(
            "INSERT INTO qualify.snapshots (hash, question_set) VALUES (%s, %s)",
            ("0123456789abcdef01234567", Jsonb({**canonical(qs), "title": "Edited"})),
        )
        result = runner.invoke(main, ["--store", url, "doctor"], env={"QUALIFY_STORE": ""})
    finally:
        pg.sql("DELETE FROM qualify.snapshots WHERE hash = '0123456789abcdef01234567'")
        pg.sql(
            f"ALTER TABLE qualify.snapshots ADD CONSTRAINT {constraint} "
            "CHECK (hash = qualify.snapshot_hash(question_set))"
        )
    assert result.exit_code == 5, result.output
    assert "problem: snapshot 0123456789abcdef01234567: holds a question set whose" in result.output
    result = runner.invoke(main, ["--store", url, "doctor", "--repair"], env={"QUALIFY_STORE": ""})
    assert result.exit_code == 2 and "--repair is for the embedded workspace" in result.output

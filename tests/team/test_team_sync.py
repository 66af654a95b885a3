"""`qualify sync`: round trips, conflicts (both answers kept), and a second sync changing nothing."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from qualify.cli import main
from qualify.core.questionnaire.loader import canonical_hash
from qualify.core.records import AnswerRecord, Interview, Prospect
from qualify.store.postgres import PostgresStore
from qualify.store.sync import STATE_DIR, SyncReport
from qualify.store.sync import sync as run_sync
from qualify.store.workspace import Workspace

SNAPSHOT = {"id": "x", "version": 1}
HASH1 = canonical_hash(SNAPSHOT)


def _interview(prospect_id: str) -> Interview:
    return Interview(
        prospect_id=prospect_id,
        stage="s1",
        questionnaire_id="x",
        questionnaire_version=1,
        questionnaire_hash=HASH1,
        interviewer="anna",
    )


def sync(laptop: Workspace, server: PostgresStore) -> SyncReport:
    return run_sync(laptop, server, state_dir=laptop.root / STATE_DIR)


def _files(root: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(root)): p.read_bytes()
        for p in sorted(root.rglob("*.json"))
        if "sync" not in p.parts
    }


@pytest.fixture
def sides(pg, tmp_path: Path):  # type: ignore[no-untyped-def]
    """anna's laptop, anna on the server, and carl (same territory) on the server."""
    anna_url = pg.grant("anna", "North")
    carl_url = pg.grant("carl", "North")
    laptop = Workspace(tmp_path / "laptop")
    server = PostgresStore(anna_url)
    carl = PostgresStore(carl_url)
    yield laptop, server, carl
    server.close()
    carl.close()


def test_round_trip_both_ways_and_a_second_sync_changes_nothing(sides, pg) -> None:  # type: ignore[no-untyped-def]
    laptop, server, carl = sides
    laptop.put_snapshot(HASH1, SNAPSHOT)
    mine = laptop.add_prospect(
        Prospect(name="Offline AV", stage="s1", territory="North"), by="anna"
    )
    interview = laptop.add_interview(_interview(mine.id))
    laptop.record_answers(interview.id, [AnswerRecord(question_id="q1", value=1, by="anna")])
    theirs = carl.add_prospect(Prospect(name="Carl's Co", stage="s1", territory="North"))
    south = carl.add_prospect  # carl cannot add South; the admin can:
    with PostgresStore(pg.admin_url) as admin:
        hidden = admin.add_prospect(Prospect(name="South Co", stage="s1", territory="South"))
    del south

    report = sync(laptop, server)
    assert (report.pushed, report.pulled, report.conflicts) == (1, 1, [])
    assert server.get_interview(interview.id).answers["q1"].value == 1
    assert server.get_snapshot(HASH1) == SNAPSHOT
    assert laptop.get_prospect(theirs.id).name == "Carl's Co"  # the territory came back
    assert hidden.id not in laptop.prospect_ids()  # another territory never does
    for pid in (mine.id, theirs.id):
        assert laptop.read_prospect(pid) == server.read_prospect(pid)
        assert laptop.list_prospects() == server.list_prospects()

    before_files = _files(laptop.root)
    before_log = pg.sql("SELECT count(*) FROM qualify.answer_log")
    again = sync(laptop, server)
    assert (again.pushed, again.pulled, again.conflicts, again.unchanged) == (0, 0, [], 2)
    assert _files(laptop.root) == before_files
    assert pg.sql("SELECT count(*) FROM qualify.answer_log") == before_log


def test_same_answer_changed_on_both_sides_is_a_conflict_and_both_are_kept(sides) -> None:  # type: ignore[no-untyped-def]
    laptop, server, carl = sides
    prospect = laptop.add_prospect(Prospect(name="Both AV", stage="s1", territory="North"))
    interview = laptop.add_interview(_interview(prospect.id))
    laptop.record_answers(
        interview.id,
        [
            AnswerRecord(question_id="q1", value="first", by="anna"),
            AnswerRecord(question_id="q2", value="first", by="anna"),
            AnswerRecord(question_id="q3", value="first", by="anna"),
        ],
    )
    sync(laptop, server)
    # Offline: anna changes q1 and q2; carl, on the server, changes q1 and q3.
    laptop.record_answers(
        interview.id,
        [
            AnswerRecord(question_id="q1", value="laptop", by="anna"),
            AnswerRecord(question_id="q2", value="laptop", by="anna"),
        ],
    )
    carl.record_answers(
        interview.id,
        [
            AnswerRecord(question_id="q1", value="server", by="carl"),
            AnswerRecord(question_id="q3", value="server", by="carl"),
        ],
    )
    report = sync(laptop, server)
    [conflict] = report.conflicts
    assert (conflict.question_id, conflict.kept["value"], conflict.other["value"]) == (
        "q1",
        "server",
        "laptop",
    )
    text = conflict.describe()
    assert "'server' by carl" in text and "'laptop' by anna" in text
    answers = {q: a.value for q, a in server.get_interview(interview.id).answers.items()}
    assert answers == {"q1": "server", "q2": "laptop", "q3": "server"}  # one-sided: taken
    [entry] = [h for h in server.history(prospect.id) if h.action == "edit"]
    assert entry.details["conflict"]["other"]["value"] == "laptop"  # nothing dropped
    assert entry.details["conflict"]["kept"]["by"] == "carl"
    assert laptop.read_prospect(prospect.id) == server.read_prospect(prospect.id)
    again = sync(laptop, server)
    assert (again.pushed, again.pulled, again.conflicts) == (0, 0, [])


def test_prospects_of_other_territories_stay_on_the_laptop(sides) -> None:  # type: ignore[no-untyped-def]
    laptop, server, _ = sides
    south = laptop.add_prospect(Prospect(name="South AV", stage="s1", territory="South"))
    report = sync(laptop, server)
    [(pid, name, why)] = report.refused
    assert (pid, name) == (south.id, "South AV")
    assert "territory 'South'" in why
    assert laptop.get_prospect(south.id) == south
    assert server.list_prospects() == []


def test_sync_command(sides, pg, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    laptop, _, carl = sides
    carl.add_prospect(Prospect(name="Pulled Co", stage="s1", territory="North"))
    env = {"QUALIFY_DATA_DIR": str(laptop.root), "QUALIFY_STORE": ""}
    result = CliRunner().invoke(main, ["sync", pg.url("anna")], env=env)
    assert result.exit_code == 0, result.output
    assert "0 sent to the server, 1 updated here, 0 unchanged; 0 conflict(s)" in result.output
    result = CliRunner().invoke(main, ["sync"], env=env)
    assert result.exit_code == 2 and "no server given" in result.output


def test_a_read_only_director_syncs_every_territory_down(sides, pg, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    _, _, carl = sides
    carl.add_prospect(Prospect(name="North Co", stage="s1", territory="North"))
    with PostgresStore(pg.admin_url) as admin:
        admin.add_prospect(Prospect(name="South Co", stage="s1", territory="South"))
    laptop = Workspace(tmp_path / "dora")
    with PostgresStore(pg.grant("dora", director=True, read_only=True)) as dora:
        report = sync(laptop, dora)
        assert (report.pulled, report.refused) == (2, [])
        assert sync(laptop, dora).refused == []  # nothing to write: nothing refused
    assert sorted(r.name for r in laptop.list_prospects()) == ["North Co", "South Co"]

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


def test_facts_merge_field_by_field_and_both_changes_are_listed(sides) -> None:  # type: ignore[no-untyped-def]
    laptop, server, carl = sides
    mine = laptop.add_prospect(
        Prospect(name="Facts AV", stage="s1", territory="North", notes="n0"), by="anna"
    )
    sync(laptop, server)
    # Offline, anna renames it and writes notes; carl, on the server, changes its kind
    # and notes too.
    from qualify.core.records import PartnerKind, utcnow

    here = laptop.get_prospect(mine.id)
    laptop.update_prospect(here.model_copy(update={"name": "Facts AV Oy", "notes": "laptop"}))
    there = carl.get_prospect(mine.id)
    carl.update_prospect(
        there.model_copy(update={"kind": PartnerKind.integrator, "notes": "server"})
    )
    before = utcnow()
    report = sync(laptop, server)
    [conflict] = report.conflicts
    assert conflict.field == "notes"
    assert (conflict.kept["value"], conflict.other["value"]) == ("server", "laptop")
    text = conflict.describe()
    assert "notes: kept 'server' by" in text and "other 'laptop' by" in text
    merged = server.get_prospect(mine.id)
    assert (merged.name, merged.kind, merged.notes) == ("Facts AV Oy", "integrator", "server")
    assert merged.updated_at <= utcnow() and laptop.get_prospect(mine.id) == merged
    [entry] = [h for h in server.history(mine.id) if h.details.get("conflict")]
    assert entry.details["conflict"]["other"]["value"] == "laptop"  # nothing dropped
    assert entry.at >= before
    again = sync(laptop, server)
    assert (again.pushed, again.pulled, again.conflicts) == (0, 0, [])


def test_a_stage_started_apart_on_both_sides_becomes_one_interview(sides, pg) -> None:  # type: ignore[no-untyped-def]
    laptop, server, carl = sides
    prospect = laptop.add_prospect(Prospect(name="Split AV", stage="s1", territory="North"))
    sync(laptop, server)
    # Both sides start the stage's interview on their own and answer the revenue.
    mine = laptop.start_interview(_interview(prospect.id))
    theirs = carl.start_interview(_interview(prospect.id))
    assert mine.id != theirs.id
    laptop.record_answers(
        mine.id,
        [
            AnswerRecord(question_id="revenue", value=5_000_000, by="anna"),
            AnswerRecord(question_id="staff", value=12, by="anna"),
        ],
    )
    carl.record_answers(theirs.id, [AnswerRecord(question_id="revenue", value=6_000_000)])
    report = sync(laptop, server)
    [conflict] = report.conflicts
    assert (conflict.question_id, conflict.kept["value"], conflict.other["value"]) == (
        "revenue",
        6_000_000,
        5_000_000,
    )
    interviews = server.interviews(prospect.id)
    [live] = [i for i in interviews if not i.merged_into]
    assert live.id == theirs.id
    assert {q: a.value for q, a in live.answers.items()} == {"revenue": 6_000_000, "staff": 12}
    [merged] = [i for i in interviews if i.merged_into]
    assert (merged.id, merged.merged_into) == (mine.id, theirs.id)
    assert laptop.read_prospect(prospect.id) == server.read_prospect(prospect.id)
    assert laptop.list_prospects() == server.list_prospects()
    again = sync(laptop, server)
    assert (again.pushed, again.pulled, again.conflicts) == (0, 0, [])


def test_a_prospect_kept_on_the_laptop_still_receives_the_servers_changes(
    sides, pg, tmp_path
) -> None:  # type: ignore[no-untyped-def]
    _, _, carl = sides
    shared = carl.add_prospect(Prospect(name="Seen AV", stage="s1", territory="North"))
    laptop = Workspace(tmp_path / "dora")
    with PostgresStore(pg.grant("dora", director=True, read_only=True)) as dora:
        sync(laptop, dora)
        # dora notes something offline (the server will not take it: read-only) ...
        here = laptop.get_prospect(shared.id)
        laptop.update_prospect(here.model_copy(update={"notes": "dora's note"}))
        # ... while carl renames it on the server.
        there = carl.get_prospect(shared.id)
        carl.update_prospect(there.model_copy(update={"name": "Seen AV Group"}))
        report = sync(laptop, dora)
        assert [pid for pid, _, _ in report.refused] == [shared.id]
        assert report.pulled == 1
    kept = laptop.get_prospect(shared.id)
    assert (kept.name, kept.notes) == ("Seen AV Group", "dora's note")


def _laptop_prospects(laptop: Workspace, territories: list[str]) -> list[str]:
    ids = []
    for n, territory in enumerate(territories):
        p = laptop.add_prospect(Prospect(name=f"{territory} {n}", stage="s1", territory=territory))
        laptop.put_snapshot(HASH1, SNAPSHOT)
        i = laptop.add_interview(_interview(p.id))
        laptop.record_answers(i.id, [AnswerRecord(question_id="q1", value=n, by="anna")])
        ids.append(p.id)
    return ids


def test_a_first_sync_sends_the_prospects_new_to_the_server_together(sides, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    import qualify.store.postgres.bulk as bulk

    laptop, server, _ = sides
    monkeypatch.setattr(bulk, "NEW_RUN", 2)
    ids = _laptop_prospects(laptop, ["North"] * 5)
    one_by_one = PostgresStore.merge_prospect
    monkeypatch.setattr(PostgresStore, "merge_prospect", lambda *a: pytest.fail("one by one"))
    report = sync(laptop, server)
    assert (report.pushed, report.refused, report.conflicts) == (5, [], [])
    monkeypatch.setattr(PostgresStore, "merge_prospect", one_by_one)
    for pid in ids:  # the laptop holds what the server stored (its stamps too)
        assert laptop.read_prospect(pid) == server.read_prospect(pid)
    again = sync(laptop, server)
    assert (again.pushed, again.pulled, again.conflicts, again.unchanged) == (0, 0, [], 5)


def test_one_refused_among_the_new_ones_is_listed_and_the_others_are_sent(sides) -> None:  # type: ignore[no-untyped-def]
    laptop, server, _ = sides
    ids = _laptop_prospects(laptop, ["North", "South", "North"])
    report = sync(laptop, server)
    assert [pid for pid, _, _ in report.refused] == [ids[1]]
    assert report.pushed == 2
    assert sorted(r.id for r in server.list_prospects()) == sorted([ids[0], ids[2]])
    assert laptop.read_prospect(ids[0]) == server.read_prospect(ids[0])
    again = sync(laptop, server)
    assert (again.pushed, again.pulled, again.conflicts) == (0, 0, [])
    assert [pid for pid, _, _ in again.refused] == [ids[1]]

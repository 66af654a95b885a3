"""The embedded workspace: round trips, ids, all-or-nothing writes, layout, backups."""

from __future__ import annotations

import os
from datetime import date, timedelta
from pathlib import Path

import orjson
import pytest
from storekit import T0, answer, make_interview, make_prospect
from tinydb import TinyDB

from qualify.records import (
    Contact,
    HistoryEntry,
    PartnerKind,
    ProspectStatus,
    ProspectSummary,
    new_id,
)
from qualify.store import NotFound, StoreError, open_store, storage
from qualify.store.storage import AtomicJSONStorage
from qualify.store.workspace import Workspace, shard_of

# ------------------------------------------------------------------ round trips


def test_prospect_round_trip_keeps_every_field(ws: Workspace) -> None:
    prospect = make_prospect(
        "Ökoton Systèmes",
        territory="North-West",
        kind=PartnerKind.integrator,
        contacts=[Contact(name="Ann", role="CEO", email="ann@example.com", phone="+33 1")],
        tags=["retail", "education"],
        notes="met at the fair\nsecond line",
        status=ProspectStatus.on_hold,
        owner="bob",
        recontact_on=date(2027, 1, 15),
        created_at=T0,
        updated_at=T0,
    )
    assert ws.add_prospect(prospect, by="bob") == prospect
    assert ws.get_prospect(prospect.id) == prospect
    assert open_store(ws.root).get_prospect(prospect.id) == prospect  # from disk


def test_add_prospect_records_created_history_and_summary(ws: Workspace) -> None:
    prospect = ws.add_prospect(make_prospect(territory="South", created_at=T0), by="ann")
    [created] = ws.history(prospect.id)
    assert (created.action, created.to_stage, created.at, created.by) == (
        "created",
        "discovery",
        T0,
        "ann",
    )
    [row] = ws.list_prospects()
    assert (row.id, row.name, row.territory, row.stage, row.score) == (
        prospect.id,
        "Acme Audio",
        "South",
        "discovery",
        None,
    )


def test_interview_round_trip_with_every_kind_of_answer(ws: Workspace) -> None:
    prospect = ws.add_prospect(make_prospect())
    interview = make_interview(prospect.id, kind="review", notes="first visit", interviewer="ann")
    ws.add_interview(interview)
    answers = [
        answer("choice", "dealer"),
        answer("multi", ["a", "b"], source="verified"),
        answer("scale", 4, note="fairly sure"),
        answer("number", 12.5, source="estimated"),
        answer("yes_no", False),
        answer("text", 'Ünïcode ✓ and "quotes"\nnewline'),
        answer("unknown", None, state="unknown"),
        answer("declined", None, state="declined", by="ann"),
    ]
    saved = ws.record_answers(interview.id, answers)
    assert saved.answers == {a.question_id: a for a in answers}
    fresh = open_store(ws.root)
    assert fresh.get_interview(interview.id) == saved
    assert fresh.interviews(prospect.id) == [saved]
    assert saved.model_copy(update={"answers": {}, "updated_at": interview.updated_at}) == interview


def test_history_round_trip_and_order(ws: Workspace) -> None:
    prospect = ws.add_prospect(make_prospect(created_at=T0))
    move = HistoryEntry(
        prospect_id=prospect.id,
        at=T0 + timedelta(days=3),
        action="advance",
        from_stage="discovery",
        to_stage="fit",
        gate={"passed": False, "unmet": ["budget known"], "score": 2.5},
        overridden=True,
        reason="CEO asked",
        by="ann",
        details={"nested": {"list": [1, 2]}},
    )
    earlier = HistoryEntry(prospect_id=prospect.id, at=T0 + timedelta(days=1), action="review")
    assert ws.append_history(move) == move
    ws.append_history(earlier)
    history = ws.history(prospect.id)
    assert [h.action for h in history] == ["created", "review", "advance"]
    assert history[2] == move


def test_history_is_append_only(ws: Workspace) -> None:
    prospect = ws.add_prospect(make_prospect())
    entry = ws.append_history(HistoryEntry(prospect_id=prospect.id, action="hold", reason="x"))
    ws.append_history(entry)  # the same entry again (a retried command) is a no-op
    assert len(ws.history(prospect.id)) == 2
    with pytest.raises(StoreError, match="append-only"):
        ws.append_history(entry.model_copy(update={"reason": "rewritten"}))
    assert ws.history(prospect.id)[1].reason == "x"


def test_summary_round_trip_and_list_order(ws: Workspace) -> None:
    old = ws.add_prospect(make_prospect("Old"))
    new = ws.add_prospect(make_prospect("New"))
    summary = ProspectSummary(
        id=old.id,
        name="Old",
        territory="East",
        kind=PartnerKind.dealer,
        stage="fit",
        status=ProspectStatus.committed,
        score=3.75,
        band="promising",
        knocked_out=True,
        coverage=0.5,
        updated_at=T0 + timedelta(days=400),
    )
    ws.set_summary(summary)
    rows = open_store(ws.root).list_prospects()
    assert rows[0] == summary  # most recently active first
    assert [r.id for r in rows] == [old.id, new.id]


def test_snapshot_round_trip_and_write_once(ws: Workspace) -> None:
    question_set = {"id": "fit", "version": 3, "questions": [{"id": "q1", "text": "Ça va ?"}]}
    ws.put_snapshot("abc123", question_set)
    path = ws.snapshot_path("abc123")
    before = path.stat().st_mtime_ns
    ws.put_snapshot("abc123", {"something": "else"})  # same hash: kept as first written
    assert path.stat().st_mtime_ns == before
    assert open_store(ws.root).get_snapshot("abc123") == question_set
    with pytest.raises(NotFound, match="snapshot"):
        ws.get_snapshot("nope")


def test_update_prospect_bumps_updated_at_and_syncs_the_list(ws: Workspace) -> None:
    prospect = ws.add_prospect(make_prospect(created_at=T0, updated_at=T0))
    ws.set_summary(ProspectSummary(id=prospect.id, name="Acme Audio", stage="discovery", score=2))
    moved = ws.update_prospect(
        prospect.model_copy(update={"stage": "fit", "status": ProspectStatus.declined})
    )
    assert moved.updated_at > T0
    assert moved.created_at == T0
    assert ws.get_prospect(prospect.id) == moved
    [row] = ws.list_prospects()
    assert (row.stage, row.status, row.score) == ("fit", ProspectStatus.declined, 2)


def test_update_interview_never_touches_answers(ws: Workspace) -> None:
    prospect = ws.add_prospect(make_prospect())
    interview = ws.add_interview(make_interview(prospect.id))
    ws.record_answers(interview.id, [answer("q1", 1)])
    done = ws.update_interview(
        interview.model_copy(update={"status": "complete", "completed_at": T0, "notes": "ok"})
    )
    assert (done.status, done.completed_at, done.notes) == ("complete", T0, "ok")
    assert list(done.answers) == ["q1"]
    assert ws.get_interview(interview.id) == done


def test_interviews_are_oldest_first(ws: Workspace) -> None:
    prospect = ws.add_prospect(make_prospect())
    late = ws.add_interview(make_interview(prospect.id, "fit", started_at=T0 + timedelta(days=9)))
    early = ws.add_interview(make_interview(prospect.id, "discovery", started_at=T0))
    assert [i.id for i in ws.interviews(prospect.id)] == [early.id, late.id]


def test_missing_records_raise_not_found(ws: Workspace) -> None:
    prospect = ws.add_prospect(make_prospect())
    with pytest.raises(NotFound):
        ws.get_prospect("000000000000")
    with pytest.raises(NotFound):
        ws.get_interview("nope")
    with pytest.raises(NotFound):
        ws.record_answers("nope", [answer("q", 1)])
    with pytest.raises(NotFound):
        ws.add_interview(make_interview("000000000000"))
    with pytest.raises(NotFound):
        ws.append_history(HistoryEntry(prospect_id="000000000000", action="edit"))
    with pytest.raises(NotFound):
        ws.set_summary(ProspectSummary(id="000000000000", name="x", stage="s"))
    with pytest.raises(NotFound):
        ws.get_prospect("../" + prospect.id)  # never a path outside the workspace


def test_duplicate_and_unusable_ids_are_refused(ws: Workspace) -> None:
    prospect = ws.add_prospect(make_prospect())
    with pytest.raises(StoreError, match="already exists"):
        ws.add_prospect(prospect)
    interview = ws.add_interview(make_interview(prospect.id))
    with pytest.raises(StoreError, match="already exists"):
        ws.add_interview(interview)
    for bad in ("../evil", "a/b", ".hidden", "CON", ""):
        with pytest.raises(StoreError):
            ws.add_prospect(make_prospect(id=bad))


# ------------------------------------------------------------------ ids


def test_resolve_id_accepts_an_unambiguous_prefix(ws: Workspace) -> None:
    ids = ["ab12cd34ef56", "ab99cd34ef56", "ff00aa11bb22"]
    for pid in ids:
        ws.add_prospect(make_prospect(id=pid))
    assert ws.resolve_id("ff") == "ff00aa11bb22"
    assert ws.resolve_id("AB12") == "ab12cd34ef56"  # typed in capitals
    assert ws.resolve_id(" ab99cd34ef56 ") == "ab99cd34ef56"
    with pytest.raises(NotFound, match=r"'ab' matches 2 prospects \(ab12cd34ef56, ab99cd34ef56\)"):
        ws.resolve_id("ab")
    with pytest.raises(NotFound, match="no prospect id starts with 'zz'"):
        ws.resolve_id("zz")
    with pytest.raises(NotFound):
        ws.resolve_id("  ")


def test_resolve_id_with_real_ids(ws: Workspace) -> None:
    pid = ws.add_prospect(make_prospect()).id
    assert len(pid) == len(new_id()) == 12
    assert ws.resolve_id(pid[:8]) == pid
    message = ""
    try:
        ws.resolve_id("")
    except NotFound as exc:
        message = str(exc)
    assert "\n" not in message and message


# ------------------------------------------------------------------ all or nothing


def _files(root: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(root)): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file() and p.name != "workspace.lock"
    }


def test_record_answers_is_all_or_nothing_on_a_bad_answer(ws: Workspace) -> None:
    prospect = ws.add_prospect(make_prospect())
    interview = ws.add_interview(make_interview(prospect.id))
    ws.record_answers(interview.id, [answer("q0", 0)])
    before = _files(ws.root)
    batch = [answer("q1", 1), answer("q2", 2), {"question_id": "q3", "state": "bogus"}]
    with pytest.raises(ValueError):
        ws.record_answers(interview.id, batch)  # type: ignore[list-item]
    assert _files(ws.root) == before
    assert list(ws.get_interview(interview.id).answers) == ["q0"]


@pytest.mark.parametrize("fail_at", ["fsync", "replace"])
def test_record_answers_is_all_or_nothing_when_the_write_fails(
    ws: Workspace, monkeypatch: pytest.MonkeyPatch, fail_at: str
) -> None:
    prospect = ws.add_prospect(make_prospect())
    interview = ws.add_interview(make_interview(prospect.id))
    ws.record_answers(interview.id, [answer("q0", 0)])
    before = _files(ws.root)

    def boom(*args: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(storage.os, fail_at, boom)
    summary = ProspectSummary(id=prospect.id, name="x", stage="discovery", score=5)
    with pytest.raises(OSError, match="No space"):
        ws.record_answers(interview.id, [answer(f"q{n}", n) for n in range(1, 40)], summary=summary)
    monkeypatch.undo()
    assert _files(ws.root) == before  # no partial file, no temp file left behind
    assert list(ws.get_interview(interview.id).answers) == ["q0"]
    assert ws.list_prospects()[0].score is None


def test_record_answers_updates_the_summary_with_the_answers(ws: Workspace) -> None:
    prospect = ws.add_prospect(make_prospect())
    interview = ws.add_interview(make_interview(prospect.id))
    summary = ProspectSummary(id=prospect.id, name="Acme Audio", stage="discovery", score=4.0)
    saved = ws.record_answers(interview.id, [answer("q1", 1)], summary=summary)
    assert saved.answers["q1"].value == 1
    assert ws.list_prospects() == [summary]
    assert ws.read_prospect_data(prospect.id).summary == summary
    with pytest.raises(StoreError):
        ws.record_answers(interview.id, [], summary=summary.model_copy(update={"id": "other"}))


def test_recording_an_answer_rewrites_only_its_prospect_and_one_shard(ws: Workspace) -> None:
    """Why cost stays flat: nothing else in the workspace is read-modified-written."""
    ids = [ws.add_prospect(make_prospect(f"P{n}")).id for n in range(30)]
    interview = ws.add_interview(make_interview(ids[7]))
    ws.record_answers(interview.id, [answer("warm", 1)])
    before = {p: p.stat().st_ino for p in ws.root.rglob("*.json")}
    summary = ProspectSummary(id=ids[7], name="P7", stage="discovery", score=1)
    ws.record_answers(interview.id, [answer("q1", 1)], summary=summary)
    changed = {p.relative_to(ws.root) for p, ino in before.items() if p.stat().st_ino != ino}
    assert changed == {
        ws.prospect_path(ids[7]).relative_to(ws.root),
        Path("index", "prospects", f"{shard_of(ids[7])}.json"),
    }


# ------------------------------------------------------------------ layout


def test_layout_and_tinydb_compatibility(ws: Workspace) -> None:
    prospect = ws.add_prospect(make_prospect())
    interview = ws.add_interview(make_interview(prospect.id))
    ws.record_answers(interview.id, [answer("q1", "yes")])
    meta = orjson.loads((ws.root / "workspace.json").read_bytes())
    assert meta["schema"] == 2
    path = ws.prospect_path(prospect.id)
    assert path == ws.root / "prospects" / shard_of(prospect.id) / f"{prospect.id}.json"
    # Each prospect file is a TinyDB database, readable with TinyDB itself.
    with TinyDB(path, storage=AtomicJSONStorage, access_mode="r") as db:
        assert set(db.tables()) == {"prospect", "summary", "interviews", "history"}
        [doc] = db.table("interviews").all()
        assert doc["answers"]["q1"]["value"] == "yes"
        assert db.table("prospect").get(doc_id=1)["name"] == "Acme Audio"


def test_bulk_add_stores_exactly_what_it_is_given(ws: Workspace) -> None:
    def items(n: int):
        for k in range(n):
            prospect = make_prospect(f"Bulk {k}", id=f"bulk{k:04d}")
            interview = make_interview(prospect.id, id=f"bulk{k:04d}-i", answers={})
            interview = interview.model_copy(
                update={"answers": {"q": answer("q", k)}} if k % 2 else {}
            )
            history = [HistoryEntry(prospect_id=prospect.id, action="created", at=T0)]
            summary = ProspectSummary(id=prospect.id, name=prospect.name, stage="x", score=k)
            yield prospect, [interview], history, summary

    assert ws.add_prospects_bulk(items(1200)) == 1200
    assert len(ws.list_prospects()) == 1200
    assert ws.get_interview("bulk0007-i").answers["q"].value == 7
    assert len(ws.history("bulk0007")) == 1
    assert ws.resolve_id("bulk0011") == "bulk0011"
    assert ws.add_prospects_bulk(items(3)) == 3  # same ids again: replaced, not duplicated
    assert len(ws.list_prospects()) == 1200


def test_rebuild_index_recovers_the_list(ws: Workspace) -> None:
    prospect = ws.add_prospect(make_prospect())
    interview = ws.add_interview(make_interview(prospect.id))
    for path in (ws.root / "index").rglob("*.json"):
        path.unlink()
    assert ws.rebuild_index() == 1
    assert [r.id for r in ws.list_prospects()] == [prospect.id]
    assert ws.get_interview(interview.id).id == interview.id


def test_leftover_temp_files_are_cleaned_at_open(ws: Workspace) -> None:
    prospect = ws.add_prospect(make_prospect())
    folder = ws.prospect_path(prospect.id).parent
    leftover = folder / f".{prospect.id}.json.4242.deadbeef.tmp"
    leftover.write_bytes(b'{"half": ')
    (ws.root / "index" / "prospects" / ".00.json.1.aa.tmp").write_bytes(b"")
    Workspace(ws.root)
    assert not leftover.exists()
    assert not list(ws.root.rglob("*.tmp"))
    assert ws.get_prospect(prospect.id) == prospect


def test_backups_rotate_and_are_hard_links_of_old_versions(tmp_path: Path) -> None:
    root = tmp_path / "ws"
    Workspace(root)
    prospect = make_prospect()
    versions = []
    for n in range(5):  # a fresh Workspace each time: each open backs up once
        store = Workspace(root, backup_interval=3600)
        if n == 0:
            store.add_prospect(prospect)
        else:
            store.update_prospect(prospect.model_copy(update={"notes": f"v{n}"}))
            store.update_prospect(prospect.model_copy(update={"notes": f"v{n}b"}))
        versions.append(store.prospect_path(prospect.id).read_bytes())
    path = Workspace(root).prospect_path(prospect.id)
    backups = [path.with_name(path.name + s) for s in (".bak", ".bak.1", ".bak.2")]
    assert [b.read_bytes() for b in backups] == [versions[3], versions[2], versions[1]]
    assert not path.with_name(path.name + ".bak.3").exists()
    if os.name != "nt":
        assert backups[0].stat().st_nlink == 1  # its twin was replaced, the link stayed


def test_store_interface_via_open_store(tmp_path: Path) -> None:
    target = tmp_path / "new" / "deeper"
    with open_store(target) as store:
        assert isinstance(store, Workspace)
        assert store.list_prospects() == []
    assert (target / "workspace.json").exists()


def test_list_heals_rows_left_stale_by_a_crash_between_two_writes(ws: Workspace) -> None:
    """A kill after the prospect file was replaced but before its list row was."""
    import os

    prospect = ws.add_prospect(make_prospect())
    other = ws.add_prospect(make_prospect(name="Zeta AV"))
    shard = ws.root / "index" / "prospects" / f"{ws.prospect_path(prospect.id).parent.name}.json"
    before = shard.read_bytes()
    ws.set_summary(ws.list_prospects()[0].model_copy(update={"id": prospect.id, "score": 88.0}))
    # the crash: the shard goes back to its old content, older than the prospect file
    shard.write_bytes(before)
    old = ws.prospect_path(prospect.id).stat().st_mtime_ns - 10_000_000
    os.utime(shard, ns=(old, old))
    for path in (ws.root / "index" / "prospects").glob("*.json"):
        if path != shard:
            os.utime(path, ns=(old, old))
    rows = {r.id: r for r in ws.list_prospects()}
    assert rows[prospect.id].score == 88.0
    assert other.id in rows
    (ws.root / "index" / "prospects" / f"{ws.prospect_path(other.id).parent.name}.json").unlink()
    assert other.id in {r.id for r in ws.list_prospects()}  # a lost shard comes back too

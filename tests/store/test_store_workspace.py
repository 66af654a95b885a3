"""The embedded workspace: round trips, ids, all-or-nothing writes, layout, backups."""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

import orjson
import pytest
from storekit import SCORED_SET, T0, answer, make_interview, make_prospect
from support import spy_reads
from tinydb import TinyDB

from qualify.core.records import HistoryEntry
from qualify.store import NotFound, open_store
from qualify.store.workspace import Workspace, shard_of, storage
from qualify.store.workspace.tinydb_storage import AtomicJSONStorage

# ------------------------------------------------------------------ round trips


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


# ------------------------------------------------------------------ ids


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
    with pytest.raises(OSError, match="No space"):
        ws.record_answers(interview.id, [answer(f"q{n}", n) for n in range(1, 40)])
    monkeypatch.undo()
    assert _files(ws.root) == before  # no partial file, no temp file left behind
    assert list(ws.get_interview(interview.id).answers) == ["q0"]


def test_recording_an_answer_rewrites_only_its_prospect_and_one_shard(
    ws: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Why cost stays flat: one read and one fsync'd write of the prospect file, then its
    list row's shard; nothing else in the workspace is read, let alone rewritten."""
    ids = [ws.add_prospect(make_prospect(f"P{n}")).id for n in range(30)]
    ws.put_snapshot("discoveryhash0001", SCORED_SET)
    interview = ws.add_interview(make_interview(ids[7]))
    ws.record_answers(interview.id, [answer("q2", True)])  # the snapshot is parsed once
    before = {p: p.stat().st_ino for p in ws.root.rglob("*.json")}
    fsyncs: list[int] = []
    real_fsync = os.fsync

    def fsync(fd: int) -> None:
        fsyncs.append(fd)
        real_fsync(fd)

    reads = spy_reads(monkeypatch)
    monkeypatch.setattr(os, "fsync", fsync)
    ws.record_answers(interview.id, [answer("q1", 1)])
    monkeypatch.undo()
    prospect_file = ws.prospect_path(ids[7])
    shard = ws.root / "index" / "prospects" / f"{shard_of(ids[7])}.json"
    # the interview's owner is remembered, and so is the prospect file this workspace
    # wrote last (same inode, size and time): only the shard is read
    assert reads == [shard]
    assert len(fsyncs) == 4  # each of the two files, and each of their folders
    changed = {p for p, ino in before.items() if p.stat().st_ino != ino}
    assert changed == {prospect_file, shard}

    # another process (a new Workspace) reads the prospect file once, and only once
    other = Workspace(ws.root)
    other.interview_owners([interview.id])
    reads = spy_reads(monkeypatch)
    other.read_prospect(ids[7])
    other.record_answers(interview.id, [answer("q1", 2)])
    other.read_prospect(ids[7])
    monkeypatch.undo()
    assert reads.count(prospect_file) == 1


def test_a_prospect_file_replaced_by_another_process_is_read_again(ws: Workspace) -> None:
    """What a workspace remembers of a file it read never hides another writer's change."""
    prospect = ws.add_prospect(make_prospect("Before"))
    other = Workspace(ws.root)
    assert other.read_prospect(prospect.id).prospect.name == "Before"
    ws.update_prospect(prospect.model_copy(update={"name": "After"}))
    assert other.read_prospect(prospect.id).prospect.name == "After"
    assert other.get_prospect(prospect.id).name == "After"


def test_a_write_that_leaves_the_list_row_as_it_was_skips_the_index(ws: Workspace) -> None:
    prospect = ws.add_prospect(make_prospect())
    interview = ws.add_interview(make_interview(prospect.id))
    shard = ws.root / "index" / "prospects" / f"{shard_of(prospect.id)}.json"
    before = shard.stat().st_ino
    ws.update_interview(interview.model_copy(update={"notes": "new notes"}))
    # the interview's updated_at is the prospect's last activity: the row changed
    assert shard.stat().st_ino != before
    before = shard.stat().st_ino
    ws.append_history(
        HistoryEntry(prospect_id=prospect.id, action="edit", at=T0 - timedelta(days=1))
    )  # an older entry: the last activity, and so the row, stays
    assert shard.stat().st_ino == before
    assert len(ws.history(prospect.id)) == 2


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


def test_rebuild_index_recovers_the_list(ws: Workspace) -> None:
    prospect = ws.add_prospect(make_prospect())
    interview = ws.add_interview(make_interview(prospect.id))
    for path in (ws.root / "index").rglob("*.json"):
        path.unlink()
    assert ws.rebuild_index() == 1
    assert [r.id for r in ws.list_prospects()] == [prospect.id]
    assert ws.get_interview(interview.id).id == interview.id


def test_leftover_temp_files_are_never_read_and_cleaned_by_the_next_writer(
    ws: Workspace,
) -> None:
    """A killed writer's temp files: a reader passes them by (opening to read scans no
    folder for them, so 10,000 prospects open fast); the next write removes them all."""
    prospect = ws.add_prospect(make_prospect())
    folder = ws.prospect_path(prospect.id).parent
    leftover = folder / f".{prospect.id}.json.4242.deadbeef.tmp"
    leftover.write_bytes(b'{"half": ')
    (ws.root / "index" / "prospects" / ".00.json.1.aa.tmp").write_bytes(b"")
    again = Workspace(ws.root)
    assert [r.id for r in again.list_prospects()] == [prospect.id]
    assert again.get_prospect(prospect.id) == prospect and again.unreadable() == []
    again.update_prospect(prospect.model_copy(update={"notes": "met again"}))
    assert not leftover.exists()
    assert not list(ws.root.rglob("*.tmp"))
    assert ws.get_prospect(prospect.id).notes == "met again"


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
    ws.put_snapshot("discoveryhash0001", SCORED_SET)
    interview = ws.add_interview(make_interview(prospect.id))
    ws.record_answers(interview.id, [answer("q1", 3)])
    # the crash: the shard goes back to its old content, older than the prospect file
    shard.write_bytes(before)
    old = ws.prospect_path(prospect.id).stat().st_mtime_ns - 10_000_000
    os.utime(shard, ns=(old, old))
    for path in (ws.root / "index" / "prospects").glob("*.json"):
        if path != shard:
            os.utime(path, ns=(old, old))
    rows = {r.id: r for r in ws.list_prospects()}
    assert rows[prospect.id].score == 50.0
    assert other.id in rows
    (ws.root / "index" / "prospects" / f"{ws.prospect_path(other.id).parent.name}.json").unlink()
    assert other.id in {r.id for r in ws.list_prospects()}  # a lost shard comes back too

"""Corruption is reported and never compounded; older layouts are migrated; newer refused."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from storekit import T0, answer, make_interview, make_prospect

from qualify.core.records import HistoryEntry, ProspectRecords
from qualify.store import StoreCorrupt, StoreError, open_store
from qualify.store.workspace import Workspace, shard_of

# ------------------------------------------------------------------ corruption


def _workspace_with_backup(root: Path) -> tuple[Workspace, str, str]:
    ws = Workspace(root)
    prospect = ws.add_prospect(make_prospect())
    interview = ws.add_interview(make_interview(prospect.id))  # first rewrite: makes .bak
    ws.record_answers(interview.id, [answer("q1", 1)])
    return ws, prospect.id, interview.id


def test_truncated_prospect_file_is_reported_and_left_untouched(tmp_path: Path) -> None:
    ws, pid, iid = _workspace_with_backup(tmp_path / "ws")
    path = ws.prospect_path(pid)
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    broken = path.read_bytes()
    backup = path.with_name(path.name + ".bak")
    assert backup.exists()

    with pytest.raises(StoreCorrupt) as caught:
        ws.get_prospect(pid)
    message = str(caught.value)
    assert str(path) in message and str(backup) in message and "\n" not in message
    assert "left untouched" in message

    attempts = [
        lambda: ws.interviews(pid),
        lambda: ws.history(pid),
        lambda: ws.get_interview(iid),
        lambda: ws.record_answers(iid, [answer("q2", 2)]),
        lambda: ws.update_prospect(make_prospect(id=pid)),
        lambda: ws.append_history(HistoryEntry(prospect_id=pid, action="edit")),
        lambda: ws.read_prospect(pid),
        lambda: ws.add_interview(make_interview(pid)),
        lambda: ws.add_prospects_bulk([ProspectRecords(make_prospect(id=pid))]),
        lambda: ws.merge_prospect(pid, lambda current: None),
    ]
    for attempt in attempts:
        with pytest.raises(StoreCorrupt):
            attempt()
    again = ProspectRecords(make_prospect(id=pid))
    assert ws.add_new_prospects([again]) == [again]  # here already: left for a merge
    Workspace(ws.root)  # opening the workspace still works (other prospects stay usable)
    assert path.read_bytes() == broken  # never overwritten

    shutil.copyfile(backup, path)  # what the message says to do
    assert ws.get_prospect(pid).id == pid


def test_corrupt_file_without_backup_says_so(ws: Workspace) -> None:
    prospect = ws.add_prospect(make_prospect())
    path = ws.prospect_path(prospect.id)
    path.write_bytes(b"")
    with pytest.raises(StoreCorrupt, match=r"empty file.*no backup exists"):
        ws.get_prospect(prospect.id)
    assert path.read_bytes() == b""


def test_corrupt_index_shard_is_reported(ws: Workspace) -> None:
    # fixed ids in two different shards (random ones shared a shard one run in 256)
    prospect = ws.add_prospect(make_prospect(id="broken000001"))
    shard = ws.root / "index" / "prospects" / f"{shard_of(prospect.id)}.json"
    shard.write_bytes(b'{"x": [')
    other = ws.add_prospect(make_prospect("Other", id="other0000001"))
    assert shard_of(other.id) != shard_of(prospect.id)
    # One unreadable shard never hides the rest: skipped, and said so with the fix.
    assert [r.id for r in ws.list_prospects()] == [other.id]
    [note] = ws.unreadable()
    assert str(shard) in note and "qualify doctor --repair" in note
    assert shard.read_bytes() == b'{"x": ['


def test_valid_json_that_is_not_a_prospect_is_corrupt(ws: Workspace) -> None:
    prospect = ws.add_prospect(make_prospect())
    path = ws.prospect_path(prospect.id)
    path.write_text(json.dumps({"prospect": {"1": {"id": prospect.id}}}))
    with pytest.raises(StoreCorrupt, match="invalid record"):
        ws.get_prospect(prospect.id)


def test_unreadable_workspace_json(tmp_path: Path) -> None:
    root = tmp_path / "ws"
    Workspace(root)
    (root / "workspace.json").write_text("{nope")
    with pytest.raises(StoreCorrupt, match=r"workspace\.json"):
        open_store(root)


# ------------------------------------------------------------------ schema


def _schema_1(root: Path) -> dict:
    """A workspace as the naive first layout wrote it: one TinyDB file, four tables."""
    a = make_prospect("Alpha", id="aaaa00000001", created_at=T0, updated_at=T0)
    b = make_prospect("Beta", id="bbbb00000002", created_at=T0, updated_at=T0)
    interview = make_interview(a.id, id="iv0000000001", started_at=T0)
    interview = interview.model_copy(
        update={"answers": {"q1": answer("q1", 3), "q2": answer("q2", ["x", "y"])}}
    )
    history = [
        HistoryEntry(id="h1", prospect_id=a.id, action="created", at=T0),
        HistoryEntry(id="h2", prospect_id=b.id, action="created", at=T0),
        HistoryEntry(id="h3", prospect_id=a.id, action="decline", reason="no fit", at=T0),
    ]

    def table(docs: list) -> dict:
        return {str(n): d for n, d in enumerate(docs, 1)}

    doc = {
        "_default": {},
        "prospects": table([a.model_dump(mode="json"), b.model_dump(mode="json")]),
        "interviews": table([interview.model_dump(mode="json")]),
        "history": table([h.model_dump(mode="json") for h in history]),
        "snapshots": table([{"hash": "discoveryhash0001", "question_set": {"id": "disc"}}]),
    }
    root.mkdir(parents=True)
    (root / "qualify.json").write_text(json.dumps(doc))
    return {"a": a, "b": b, "interview": interview, "history": history}


def test_schema_1_workspace_is_migrated_with_a_backup(tmp_path: Path) -> None:
    root = tmp_path / "old"
    old = _schema_1(root)
    original = (root / "qualify.json").read_bytes()

    store = open_store(root)

    assert json.loads((root / "workspace.json").read_text())["schema"] == 2
    assert isinstance(store, Workspace) and store.schema == 2
    [backup] = (root / "backups").iterdir()
    assert backup.read_bytes() == original
    assert not (root / "qualify.json").exists()
    assert store.get_prospect("aaaa00000001") == old["a"]
    assert store.get_prospect(store.resolve_id("bbbb")) == old["b"]
    assert store.get_interview("iv0000000001") == old["interview"]
    assert store.interviews(old["a"].id) == [old["interview"]]
    assert [h.id for h in store.history(old["a"].id)] == ["h1", "h3"]
    assert store.history(old["b"].id) == [old["history"][1]]
    assert store.get_snapshot("discoveryhash0001") == {"id": "disc"}
    assert sorted(r.name for r in store.list_prospects()) == ["Alpha", "Beta"]
    # Opening again does nothing more; writing works.
    again = open_store(root)
    again.record_answers("iv0000000001", [answer("q3", True)])
    assert len(list((root / "backups").iterdir())) == 1
    assert set(again.get_interview("iv0000000001").answers) == {"q1", "q2", "q3"}


def test_a_migration_killed_before_removing_the_old_file_finishes(tmp_path: Path) -> None:
    root = tmp_path / "old"
    _schema_1(root)
    original = (root / "qualify.json").read_bytes()
    open_store(root)
    (root / "qualify.json").write_bytes(original)  # as if killed just before the unlink
    store = open_store(root)
    assert not (root / "qualify.json").exists()
    assert store.get_prospect("aaaa00000001").name == "Alpha"


def test_unreadable_schema_1_file_is_not_migrated(tmp_path: Path) -> None:
    root = tmp_path / "old"
    root.mkdir()
    (root / "qualify.json").write_text('{"prospects": {"1": ')
    with pytest.raises(StoreCorrupt, match=r"qualify\.json"):
        open_store(root)
    assert (root / "qualify.json").read_text() == '{"prospects": {"1": '
    assert not (root / "workspace.json").exists()


def test_schema_1_with_an_invalid_record_changes_nothing(tmp_path: Path) -> None:
    root = tmp_path / "old"
    root.mkdir()
    bad = {"prospects": {"1": {"id": "p1"}}, "interviews": {}, "history": {}, "snapshots": {}}
    (root / "qualify.json").write_text(json.dumps(bad))
    with pytest.raises(StoreCorrupt, match="prospects document 1"):
        open_store(root)
    assert sorted(p.name for p in root.iterdir()) == ["qualify.json", "workspace.lock"]


def test_newer_schema_is_refused(tmp_path: Path) -> None:
    root = tmp_path / "future"
    Workspace(root)
    (root / "workspace.json").write_text(json.dumps({"schema": 3}))
    with pytest.raises(
        StoreError, match=r"workspace schema 3 is newer than this qualify \(max 2\)"
    ):
        open_store(root)

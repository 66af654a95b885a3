"""A prospect file's stamp: what says, without reading the file, that it did not change
since a revision was read (see qualify/store/workspace/revisions.py)."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from qualify.core.records import Prospect
from qualify.store import open_store
from qualify.store.workspace import revisions
from qualify.store.workspace.revisions import SETTLED, settled_stamps
from qualify.store.workspace.store import Workspace

LATER = int((SETTLED + 1) * 1e9)
"""Nanoseconds after a write when its file counts as settled."""


@pytest.fixture
def ws(tmp_path: Path) -> Workspace:
    store = open_store(tmp_path / "ws")
    store.add_prospect(Prospect(id="acme", name="Acme", stage="first-date"))
    return store


def stamp(ws: Workspace, pid: str = "acme", after_ns: int = LATER) -> bytes | None:
    return settled_stamps(ws.root / "prospects", [pid], time.time_ns() + after_ns).get(pid)


def test_a_file_just_written_has_no_stamp_until_it_settles(ws) -> None:
    assert ws.stamps(["acme"]) == {}  # written a moment ago
    assert stamp(ws, after_ns=0) is None
    assert stamp(ws) is not None


def test_the_stamp_stays_while_the_file_does_and_changes_with_any_write(ws) -> None:
    before = stamp(ws)
    assert stamp(ws) == before
    ws.update_prospect(ws.get_prospect("acme").model_copy(update={"name": "Acme GmbH"}))
    assert stamp(ws) != before


def test_bytes_changed_in_place_with_the_old_times_put_back_change_the_stamp(ws) -> None:
    """A teammate's tool that rewrites the file where it is, keeps its size and sets its
    modification time back (rsync -t, an editor): the change time still moves."""
    path = ws.prospect_path("acme")
    before, old = stamp(ws), os.stat(path)
    raw = path.read_bytes()
    changed = raw.replace(b'"Acme"', b'"Acne"')
    assert len(changed) == len(raw) and changed != raw
    time.sleep(0.01)
    with open(path, "r+b") as f:  # the same inode
        f.write(changed)
    os.utime(path, ns=(old.st_atime_ns, old.st_mtime_ns))
    assert os.stat(path).st_ino == old.st_ino and os.stat(path).st_mtime_ns == old.st_mtime_ns
    assert stamp(ws) != before


def test_no_stamp_for_a_missing_file_or_an_unsafe_id(ws, monkeypatch) -> None:
    monkeypatch.setattr(revisions, "SETTLED", -60.0)  # every file counts as settled
    found = ws.stamps(["acme", "nobody", "../acme", ""])
    assert list(found) == ["acme"]


def test_a_store_without_stamps_gives_none() -> None:
    from memstore import MemoryStore

    store = MemoryStore()
    store.add_prospect(Prospect(id="acme", name="Acme", stage="first-date"))
    assert dict(store.stamps(["acme"])) == {}


def test_a_read_gives_the_stamp_the_stamps_give(ws, monkeypatch) -> None:
    """A prospect assessed keeps the stamp its file was read under: the one `stamps`
    gives for it (none while it is not settled), taken from the file opened."""
    records, revision, fresh = ws.read_stamped("acme")
    assert fresh is None and (records, revision) == ws.read_revision("acme")
    monkeypatch.setattr(revisions, "SETTLED", -60.0)  # every file counts as settled
    _, again, stamped = ws.read_stamped("acme")
    assert again == revision and stamped is not None and stamped == ws.stamps(["acme"])["acme"]


def test_a_store_without_stamps_reads_none() -> None:
    from memstore import MemoryStore

    store = MemoryStore()
    store.add_prospect(Prospect(id="acme", name="Acme", stage="first-date"))
    records, revision, stamp = store.read_stamped("acme")
    assert stamp is None and (records, revision) == store.read_revision("acme")

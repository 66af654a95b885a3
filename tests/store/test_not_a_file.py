"""A pipe or a device where the workspace keeps a file of its own is a located problem
at once, never a read that waits forever for a writer that does not come."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from qualify.atomic import NotAFile, read_whole
from qualify.core.records import Prospect
from qualify.store import StoreCorrupt
from qualify.store.workspace import Workspace
from qualify.store.workspace.recent import recent_rows

pytestmark = pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes here")


def _piped(tmp_path: Path) -> tuple[Workspace, str, Path]:
    ws = Workspace(tmp_path / "ws")
    pid = ws.add_prospect(Prospect(name="Piped AV", stage="first-date")).id
    ws.add_prospect(Prospect(name="Plain AV", stage="first-date"))
    path = ws.prospect_path(pid)
    path.unlink()
    os.mkfifo(path)
    return ws, pid, path


@pytest.mark.timeout(20)
def test_a_pipe_for_a_prospect_file_is_corruption_not_a_hang(tmp_path: Path) -> None:
    ws, pid, path = _piped(tmp_path)
    with pytest.raises(StoreCorrupt, match="a pipe or a device where a file should be"):
        ws.read_prospect(pid)
    with pytest.raises(StoreCorrupt, match=str(path.name)):
        ws.read_revision(pid)
    assert dict(ws.revisions([pid]))[pid] is None
    assert [r.name for r in ws.list_prospects()] == ["Plain AV"]
    assert any(pid in note for note in ws.unreadable())


@pytest.mark.timeout(20)
def test_a_pipe_for_an_index_shard_sends_the_first_page_to_the_store(tmp_path: Path) -> None:
    ws, _, _ = _piped(tmp_path)
    shard = next((ws.root / "index" / "prospects").glob("*.json"))
    shard.unlink()
    os.mkfifo(shard)
    assert recent_rows(ws.root, 200) is None  # the store reads them, and says what is wrong


def test_read_whole_reads_files_and_names_what_is_not_one(tmp_path: Path) -> None:
    (tmp_path / "f").write_bytes(b"whole")
    assert read_whole(tmp_path / "f") == b"whole"
    os.mkfifo(tmp_path / "p")
    with pytest.raises(NotAFile):
        read_whole(tmp_path / "p")
    with pytest.raises(IsADirectoryError):
        read_whole(tmp_path)
    with pytest.raises(FileNotFoundError):
        read_whole(tmp_path / "none")


@pytest.mark.timeout(20)
def test_a_pipe_swapped_in_after_the_check_is_not_waited_on(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The file is checked, then replaced by a pipe before it is opened: the pipe is
    opened without waiting for a writer, seen for what it is, and not read."""
    (tmp_path / "f").write_bytes(b"x")
    regular = os.stat(tmp_path / "f")
    os.mkfifo(tmp_path / "p")
    real_stat = os.stat

    def checked(path: object, *args: object, **kwargs: object) -> os.stat_result:
        return regular if path == tmp_path / "p" else real_stat(path, *args, **kwargs)

    monkeypatch.setattr(os, "stat", checked)
    with pytest.raises(NotAFile):
        read_whole(tmp_path / "p")


def test_read_whole_reads_a_file_larger_than_one_read(tmp_path: Path) -> None:
    data = bytes(range(256)) * 4099
    (tmp_path / "big").write_bytes(data)
    assert read_whole(tmp_path / "big") == data
    (tmp_path / "empty").write_bytes(b"")
    assert read_whole(tmp_path / "empty") == b""

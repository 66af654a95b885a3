"""The one atomic writer: a crash or a refusal leaves the old file, never half a new one."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from qualify import atomic


def _leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(atomic.TMP_SUFFIX))


def test_replaces_whole_file_and_leaves_no_temp_file(tmp_path: Path) -> None:
    target = tmp_path / "report.md"
    target.write_text("old")
    atomic.write_text(target, "new ✓")
    assert target.read_text(encoding="utf-8") == "new ✓"
    assert _leftovers(tmp_path) == []


def test_no_clobber_refuses_an_existing_file_and_writes_nothing(tmp_path: Path) -> None:
    target = tmp_path / "report.md"
    target.write_text("mine")
    with pytest.raises(FileExistsError):
        atomic.write_bytes(target, b"theirs", replace=False)
    assert target.read_text() == "mine"
    assert _leftovers(tmp_path) == []
    fresh = atomic.write_bytes(tmp_path / "new.md", b"x", replace=False)
    assert fresh.read_bytes() == b"x"
    assert _leftovers(tmp_path) == []


def test_keep_mode_keeps_the_permissions_of_the_replaced_file(tmp_path: Path) -> None:
    target = tmp_path / "first-date.yaml"
    target.write_text("a")
    os.chmod(target, 0o640)
    atomic.write_text(target, "b", keep_mode=True)
    assert target.stat().st_mode & 0o777 == 0o640


def test_a_failure_before_the_rename_leaves_the_old_file(tmp_path: Path) -> None:
    target = tmp_path / "prospect.json"
    target.write_bytes(b"{}")

    def boom(path: Path) -> None:
        raise OSError("disk full")

    with pytest.raises(OSError, match="disk full"):
        atomic.write_bytes(target, b'{"a": 1}', before_replace=boom)
    assert target.read_bytes() == b"{}"
    assert _leftovers(tmp_path) == []


def test_streaming_replaces_only_when_the_block_finishes(tmp_path: Path) -> None:
    target = tmp_path / "export.json"
    target.write_bytes(b"old")
    with pytest.raises(RuntimeError), atomic.streaming(target) as out:
        out.write(b"half")
        raise RuntimeError("interrupted")
    assert target.read_bytes() == b"old"
    with atomic.streaming(target) as out:
        out.write(b"whole")
    assert target.read_bytes() == b"whole"
    assert _leftovers(tmp_path) == []


def test_write_many_and_clean_tmp_files(tmp_path: Path) -> None:
    atomic.write_many([(tmp_path / "a" / "1.json", b"1"), (tmp_path / "2.json", b"2")])
    assert (tmp_path / "a" / "1.json").read_bytes() == b"1"
    stray = atomic.tmp_path(tmp_path / "3.json")
    stray.write_bytes(b"killed mid-write")
    assert atomic.clean_tmp_files([tmp_path, tmp_path / "missing"]) == 1
    assert not stray.exists()


def test_a_full_disk_names_the_target(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import errno

    def full(fd: int) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(atomic.os, "fsync", full)
    target = tmp_path / "export.json"
    target.write_text("old")
    with pytest.raises(OSError) as info:
        atomic.write_text(target, "new")
    assert info.value.filename == str(target) and info.value.errno == errno.ENOSPC
    assert target.read_text() == "old"
    assert _leftovers(tmp_path) == []


class Syncs:
    """What was fsynced (by path), and whether the whole file system was synced."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.paths: list[Path] = []
        self.sync_calls = 0
        real_fsync = os.fsync

        def fsync(fd: int) -> None:
            self.paths.append(Path(os.readlink(f"/proc/self/fd/{fd}")))
            real_fsync(fd)

        def sync() -> None:
            self.sync_calls += 1

        monkeypatch.setattr(atomic.os, "fsync", fsync)
        monkeypatch.setattr(atomic.os, "sync", sync)


needs_proc = pytest.mark.skipif(not Path("/proc/self/fd").is_dir(), reason="needs /proc")


@needs_proc
def test_a_durable_write_syncs_the_file_then_its_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    syncs = Syncs(monkeypatch)
    target = tmp_path / "prospect.json"
    atomic.write_bytes(target, b"{}")
    assert len(syncs.paths) == 2
    synced_file, synced_dir = syncs.paths
    assert synced_file.parent == tmp_path and synced_file.name.startswith(".prospect.json.")
    assert synced_dir == tmp_path  # the rename itself survives a power cut
    syncs.paths.clear()
    atomic.write_bytes(target, b"[]", durable=False)
    assert syncs.paths == [] and target.read_bytes() == b"[]"


@needs_proc
def test_streaming_syncs_the_file_then_its_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    syncs = Syncs(monkeypatch)
    target = tmp_path / "export.csv"
    with atomic.streaming(target) as out:
        out.write(b"a,b\n")
    assert [p.parent for p in syncs.paths] == [tmp_path, tmp_path.parent]
    assert syncs.paths[1] == tmp_path
    syncs.paths.clear()
    with atomic.streaming(target, durable=False) as out:
        out.write(b"c\n")
    assert syncs.paths == [] and target.read_bytes() == b"c\n"


@needs_proc
def test_write_many_syncs_once_then_every_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    syncs = Syncs(monkeypatch)
    items = [(tmp_path / "a" / "1.json", b"1"), (tmp_path / "b" / "2.json", b"2")]
    atomic.write_many(items)
    assert syncs.sync_calls == 1  # one sync for all the files, not one fsync each
    assert sorted(syncs.paths) == [tmp_path / "a", tmp_path / "b"]
    assert [p.read_bytes() for p, _ in items] == [b"1", b"2"]
    syncs.paths.clear()
    atomic.write_many([(tmp_path / "c.json", b"3")], durable=False)
    assert syncs.sync_calls == 1 and syncs.paths == []
    assert (tmp_path / "c.json").read_bytes() == b"3"


@needs_proc
def test_write_many_without_a_whole_disk_sync_fsyncs_each_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    syncs = Syncs(monkeypatch)
    monkeypatch.delattr(atomic.os, "sync")
    atomic.write_many([(tmp_path / "1.json", b"1"), (tmp_path / "2.json", b"2")])
    files, folder = syncs.paths[:2], syncs.paths[2:]
    assert [p.name.split(".")[1] for p in files] == ["1", "2"]  # the temp files
    assert folder == [tmp_path]


def test_write_many_stops_at_the_first_failure_and_leaves_no_temp_file(tmp_path: Path) -> None:
    (tmp_path / "taken").mkdir()
    (tmp_path / "taken" / "x.json").mkdir()  # a folder where a file should go
    items = [(tmp_path / "1.json", b"1"), (tmp_path / "taken" / "x.json", b"x")]
    with pytest.raises(OSError):
        atomic.write_many(items)
    assert _leftovers(tmp_path) == [] and _leftovers(tmp_path / "taken") == []
    assert (tmp_path / "1.json").read_bytes() == b"1"  # renamed before the failure


def test_a_temp_file_is_hidden_beside_its_target_and_unique(tmp_path: Path) -> None:
    target = tmp_path / "report.md"
    first, second = atomic.tmp_path(target), atomic.tmp_path(target)
    assert first != second
    assert first.parent == tmp_path
    assert re.fullmatch(rf"\.report\.md\.{os.getpid()}\.[0-9a-f]{{8}}\.tmp", first.name)


def test_new_files_follow_the_umask_or_stay_private(tmp_path: Path) -> None:
    old = os.umask(0o022)
    try:
        shared = atomic.write_bytes(tmp_path / "a.md", b"a")
        private = atomic.write_bytes(tmp_path / "b.md", b"b", private=True)
        kept = atomic.write_bytes(tmp_path / "new" / "c.md", b"c", keep_mode=True)
    finally:
        os.umask(old)
    assert shared.stat().st_mode & 0o777 == 0o644
    assert private.stat().st_mode & 0o777 == 0o600
    assert kept.stat().st_mode & 0o777 == 0o644  # nothing to keep: as any new file
    assert kept.read_bytes() == b"c"  # its folder was made


def test_no_clobber_refuses_a_file_that_appears_meanwhile(tmp_path: Path) -> None:
    target = tmp_path / "answers.yaml"

    def someone_else(path: Path) -> None:
        path.write_bytes(b"theirs")

    with pytest.raises(FileExistsError):
        atomic.write_bytes(target, b"mine", replace=False, before_replace=someone_else)
    assert target.read_bytes() == b"theirs"
    assert _leftovers(tmp_path) == []


def test_no_clobber_without_hard_links(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import errno

    def no_links(src: object, dst: object) -> None:
        raise OSError(errno.EPERM, "Operation not permitted")

    monkeypatch.setattr(atomic.os, "link", no_links)
    target = tmp_path / "answers.yaml"
    atomic.write_bytes(target, b"mine", replace=False)
    assert target.read_bytes() == b"mine" and _leftovers(tmp_path) == []

    def someone_else(path: Path) -> None:
        path.write_bytes(b"theirs")

    other = tmp_path / "other.yaml"
    with pytest.raises(FileExistsError):
        atomic.write_bytes(other, b"mine", replace=False, before_replace=someone_else)
    assert other.read_bytes() == b"theirs" and _leftovers(tmp_path) == []


def test_an_error_names_the_file_asked_for(tmp_path: Path) -> None:
    (tmp_path / "folder.md").mkdir()
    with pytest.raises(IsADirectoryError) as info:
        atomic.write_text(tmp_path / "folder.md", "x")
    assert info.value.filename == str(tmp_path / "folder.md")
    assert info.value.strerror == "Is a directory"
    assert _leftovers(tmp_path) == []
    blocker = tmp_path / "file"
    blocker.write_text("")
    with pytest.raises(NotADirectoryError) as opening:
        atomic.write_text(blocker / "report.md", "x")  # a file where a folder should be
    assert opening.value.filename == str(blocker / "report.md")
    with pytest.raises(NotADirectoryError) as streaming, atomic.streaming(blocker / "r.md"):
        pass
    assert streaming.value.filename == str(blocker / "r.md")


def test_streaming_keeps_the_name_of_another_files_error(tmp_path: Path) -> None:
    target = tmp_path / "export.json"
    with pytest.raises(FileNotFoundError) as info, atomic.streaming(target):
        (tmp_path / "missing.csv").read_bytes()  # an error reading the source
    assert info.value.filename == str(tmp_path / "missing.csv")
    assert not target.exists() and _leftovers(tmp_path) == []
    with pytest.raises(IsADirectoryError) as replacing, atomic.streaming(tmp_path) as out:
        out.write(b"x")  # the rename over a folder fails: named as the target
    assert replacing.value.filename == str(tmp_path)
    assert _leftovers(tmp_path.parent) == []


def test_a_windows_reader_holding_the_file_is_waited_for(monkeypatch: pytest.MonkeyPatch) -> None:
    attempts: list[tuple[object, object]] = []
    naps: list[float] = []

    def held_twice(src: object, dst: object) -> None:
        attempts.append((src, dst))
        if len(attempts) <= 2:
            raise PermissionError(13, "in use")

    monkeypatch.setattr(atomic, "_WINDOWS", True)
    monkeypatch.setattr(atomic.os, "replace", held_twice)
    monkeypatch.setattr(atomic.time, "sleep", naps.append)
    atomic.replace_file(Path("a.tmp"), Path("a"))
    assert attempts == [(Path("a.tmp"), Path("a"))] * 3 and naps == [0.02, 0.02]
    attempts.clear()
    naps.clear()

    def always_held(src: object, dst: object) -> None:
        attempts.append((src, dst))
        raise PermissionError(13, "in use")

    monkeypatch.setattr(atomic.os, "replace", always_held)
    with pytest.raises(PermissionError):
        atomic.replace_file(Path("a.tmp"), Path("a"))
    assert len(attempts) == 50 and len(naps) == 49  # about a second, then the error
    monkeypatch.setattr(atomic, "_WINDOWS", False)
    attempts.clear()
    with pytest.raises(PermissionError):
        atomic.replace_file(Path("a.tmp"), Path("a"))
    assert len(attempts) == 1  # elsewhere a refusal is final


def test_clean_tmp_files_removes_only_hidden_temp_files(tmp_path: Path) -> None:
    keep = [tmp_path / "notes.tmp", tmp_path / ".hidden", tmp_path / "a.json"]
    for path in keep:
        path.write_bytes(b"")
    strays = [atomic.tmp_path(tmp_path / "a.json"), atomic.tmp_path(tmp_path / "b.json")]
    for path in strays:
        path.write_bytes(b"")
    not_a_folder = tmp_path / "a.json"
    assert atomic.clean_tmp_files([tmp_path / "missing", not_a_folder, tmp_path]) == 2
    assert all(p.exists() for p in keep) and not any(p.exists() for p in strays)


def test_two_writers_cleaning_at_once_never_fail(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another process removes a stray temp file between this one's listing and its
    unlink: nothing to do, and it is not counted."""
    strays = [atomic.tmp_path(tmp_path / "a.json"), atomic.tmp_path(tmp_path / "b.json")]
    for path in strays:
        path.write_bytes(b"")
    real_scandir = os.scandir

    def listed_then_taken(directory: Path) -> list[os.DirEntry[str]]:
        with real_scandir(directory) as entries:
            found = list(entries)
        strays[0].unlink()  # the other process was quicker
        return found

    monkeypatch.setattr(atomic.os, "scandir", listed_then_taken)
    assert atomic.clean_tmp_files([tmp_path]) == 1
    assert not any(p.exists() for p in strays)


def test_fsync_dir_never_fails(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    atomic.fsync_dir(tmp_path / "missing")  # cannot be opened: nothing to do
    closed: list[int] = []
    real_close = os.close

    def refuse(fd: int) -> None:
        raise OSError(22, "Invalid argument")

    def close(fd: int) -> None:
        closed.append(fd)
        real_close(fd)

    monkeypatch.setattr(atomic.os, "fsync", refuse)
    monkeypatch.setattr(atomic.os, "close", close)
    atomic.fsync_dir(tmp_path)  # a file system that cannot sync folders
    assert len(closed) == 1  # and the folder is closed again
    monkeypatch.setattr(atomic, "_WINDOWS", True)
    atomic.fsync_dir(tmp_path)
    assert len(closed) == 1  # folders cannot be opened on Windows: not tried


def test_write_many_cleans_every_temp_file_after_a_failure(tmp_path: Path) -> None:
    (tmp_path / "taken").mkdir()
    (tmp_path / "taken" / "x.json").mkdir()  # the second rename fails
    items = [
        (tmp_path / "1.json", b"1"),
        (tmp_path / "taken" / "x.json", b"x"),
        (tmp_path / "3.json", b"3"),
    ]
    with pytest.raises(OSError):
        atomic.write_many(items)
    assert _leftovers(tmp_path) == [] and _leftovers(tmp_path / "taken") == []
    assert not (tmp_path / "3.json").exists()
    blocker = tmp_path / "file"
    blocker.write_text("")
    with pytest.raises(NotADirectoryError):  # the second temp file cannot even be made
        atomic.write_many([(tmp_path / "4.json", b"4"), (blocker / "5.json", b"5")])
    assert _leftovers(tmp_path) == [] and not (tmp_path / "4.json").exists()


def test_a_replaced_file_gets_new_permissions_unless_kept(tmp_path: Path) -> None:
    target = tmp_path / "answers.yaml"
    target.write_text("a")
    os.chmod(target, 0o600)
    old = os.umask(0o022)
    try:
        atomic.write_text(target, "b")
    finally:
        os.umask(old)
    assert target.stat().st_mode & 0o777 == 0o644


def test_no_clobber_names_the_file_that_is_there(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "answers.yaml"
    target.write_text("mine")
    with pytest.raises(FileExistsError) as first:
        atomic.write_bytes(target, b"x", replace=False)
    assert first.value.args == (target,)

    def no_links(src: object, dst: object) -> None:
        raise OSError(1, "Operation not permitted")

    def someone_else(path: Path) -> None:
        path.write_bytes(b"theirs")

    monkeypatch.setattr(atomic.os, "link", no_links)
    other = tmp_path / "other.yaml"
    with pytest.raises(FileExistsError) as second:
        atomic.write_bytes(other, b"x", replace=False, before_replace=someone_else)
    assert second.value.args == (other,)


def test_a_planted_temp_file_is_never_written_through(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(atomic.secrets, "token_hex", lambda n: "deadbeef")
    target = tmp_path / "report.md"
    victim = tmp_path / "victim"
    victim.write_text("keep me")
    atomic.tmp_path(target).symlink_to(victim)  # someone guessed the temp file's name
    with pytest.raises(FileExistsError) as info:
        atomic.write_text(target, "x")
    assert info.value.filename == str(target)
    assert victim.read_text() == "keep me" and not target.exists()


def test_write_many_files_follow_the_umask(tmp_path: Path) -> None:
    old = os.umask(0o022)
    try:
        atomic.write_many([(tmp_path / "a.json", b"1")])
    finally:
        os.umask(old)
    assert (tmp_path / "a.json").stat().st_mode & 0o777 == 0o644

"""The one atomic writer: a crash or a refusal leaves the old file, never half a new one."""

from __future__ import annotations

import os
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

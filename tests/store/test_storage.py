"""The workspace's JSON files: an unreadable one is named with what puts it right and
left as it is; backups rotate, are hard links where the file system has them, and
every backup named in a message is one that reads."""

from __future__ import annotations

from pathlib import Path

import pytest
from support import deny_reading

from qualify.store.base import StoreCorrupt
from qualify.store.workspace import storage
from qualify.store.workspace.storage import (
    Backups,
    backup_paths,
    corrupt,
    newest_backup,
    read_json,
    rotate_backups,
    write_json_atomic,
)

NO_BACKUP = (
    "no backup exists; `qualify doctor --repair` moves it to quarantine/ "
    "(then import it again from an export)"
)


def test_backup_names_newest_first(tmp_path: Path) -> None:
    path = tmp_path / "p.json"
    assert backup_paths(path) == [
        tmp_path / "p.json.bak",
        tmp_path / "p.json.bak.1",
        tmp_path / "p.json.bak.2",
    ]
    assert backup_paths(path, 1) == [tmp_path / "p.json.bak"]
    assert backup_paths(path, 4)[-1] == tmp_path / "p.json.bak.3"


def test_the_newest_backup_named_is_one_that_reads(tmp_path: Path) -> None:
    path = tmp_path / "p.json"
    assert newest_backup(path) is None
    first, second, third = backup_paths(path)
    third.write_text("{}")
    assert newest_backup(path, keep=1) == third  # three are always looked at
    second.write_text('{"a": 1}')
    first.write_text("{trunc")  # a bad backup is never the one named
    assert newest_backup(path) == second
    first.write_text("[]")  # JSON, even if not an object, reads
    assert newest_backup(path) == first


def test_a_corrupt_file_is_named_with_what_puts_it_right(tmp_path: Path) -> None:
    path = tmp_path / "p.json"
    error = corrupt(path, "empty file")
    assert isinstance(error, StoreCorrupt) and error.reason == "empty file"
    assert str(error) == f"{path} is unreadable (empty file); it was left untouched; {NO_BACKUP}"
    backup = tmp_path / "p.json.bak.1"
    backup.write_text("{}")
    assert str(corrupt(path, "empty file")) == (
        f"{path} is unreadable (empty file); it was left untouched; "
        f"`qualify doctor --repair --restore-backups` puts back its newest backup that reads "
        f"({backup})"
    )
    assert str(corrupt(path, "odd", "do this")) == (
        f"{path} is unreadable (odd); it was left untouched; do this"
    )


def reason(path: Path, **options: object) -> str:
    with pytest.raises(StoreCorrupt) as info:
        read_json(path, **options)  # type: ignore[arg-type]
    assert str(info.value).startswith(f"{path} is unreadable (")
    return info.value.reason


def test_read_json(tmp_path: Path) -> None:
    path = tmp_path / "p.json"
    assert read_json(path) is None  # not there yet
    path.write_text('{"a": [1, 2]}')
    assert read_json(path) == {"a": [1, 2]}
    path.write_text(" \n ")
    assert reason(path) == "empty file"
    assert read_json(path, empty_ok=True) is None
    path.write_text("")
    assert reason(path) == "empty file"
    path.write_text("{bad")
    assert reason(path) == (
        "invalid JSON: unexpected character, expected a string key: line 1 column 2 (char 1)"
    )
    path.write_text("[1]")
    assert reason(path) == "expected a JSON object, found list"
    path.write_text("[1]")
    with pytest.raises(StoreCorrupt) as info:
        read_json(path, fix="run this")
    assert str(info.value).endswith("; run this")
    assert path.read_text() == "[1]"  # left as it was
    folder = tmp_path / "d.json"
    folder.mkdir()
    assert reason(folder) == "a directory where a file should be"


def test_an_unreadable_file_says_why(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "p.json"
    path.write_text("{}")

    deny_reading(monkeypatch, path)
    assert reason(path) == "cannot read it: Permission denied"


def test_rotation_shifts_every_backup_and_links_the_current_version(tmp_path: Path) -> None:
    path = tmp_path / "p.json"
    for n in range(5):
        write_json_atomic(path, {"v": n})  # a new file each time, as every write is
        assert rotate_backups(path) == tmp_path / "p.json.bak"
    assert [read_json(p) for p in backup_paths(path)] == [{"v": 4}, {"v": 3}, {"v": 2}]
    assert (tmp_path / "p.json.bak").stat().st_ino == path.stat().st_ino  # a hard link
    assert not (tmp_path / "p.json.bak.3").exists()
    rotate_backups(path, keep=1)
    assert read_json(tmp_path / "p.json.bak.1") == {"v": 3}  # beyond keep: untouched


def test_without_hard_links_a_backup_is_a_copy(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def no_links(src: object, dst: object) -> None:
        raise OSError(1, "Operation not permitted")

    monkeypatch.setattr(storage.os, "link", no_links)
    path = tmp_path / "p.json"
    path.write_text("{}")
    backup = rotate_backups(path)
    assert backup.read_text() == "{}" and backup.stat().st_ino != path.stat().st_ino


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_a_file_is_backed_up_on_its_first_write_then_once_per_interval(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    clock = Clock()
    monkeypatch.setattr(storage.time, "monotonic", clock)
    path = tmp_path / "p.json"
    backups = Backups(keep=2, interval=300)
    write_json_atomic(path, {"v": 1}, backups=backups)
    assert not (tmp_path / "p.json.bak").exists()  # a new file: nothing to back up
    write_json_atomic(path, {"v": 2}, backups=backups)
    assert read_json(tmp_path / "p.json.bak") == {"v": 1}  # first write of an old file
    clock.now += 299
    write_json_atomic(path, {"v": 3}, backups=backups)
    assert read_json(tmp_path / "p.json.bak") == {"v": 1}  # not again within the interval
    clock.now += 1
    write_json_atomic(path, {"v": 4}, backups=backups)
    assert read_json(tmp_path / "p.json.bak") == {"v": 3}
    assert read_json(tmp_path / "p.json.bak.1") == {"v": 1}
    assert read_json(path) == {"v": 4}
    other = tmp_path / "q.json"
    other.write_text("{}")
    write_json_atomic(other, {"w": 1}, backups=backups)  # each file has its own clock
    assert read_json(tmp_path / "q.json.bak") == {}


def test_no_backups_when_none_are_kept(tmp_path: Path) -> None:
    path = tmp_path / "p.json"
    path.write_text("{}")
    write_json_atomic(path, {"v": 1}, backups=Backups(keep=0))
    write_json_atomic(path, {"v": 2}, backups=None)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["p.json"]


def test_a_value_that_cannot_be_serialised_touches_nothing(tmp_path: Path) -> None:
    path = tmp_path / "p.json"
    path.write_text('{"v": 1}')
    with pytest.raises(TypeError):
        write_json_atomic(path, {"v": {1, 2}}, backups=Backups())
    assert sorted(p.name for p in tmp_path.iterdir()) == ["p.json"]
    assert path.read_text() == '{"v": 1}'


def test_backups_looked_at_are_as_many_as_kept_and_at_least_three(tmp_path: Path) -> None:
    path = tmp_path / "p.json"
    (tmp_path / "p.json.bak.3").write_text("{}")  # a fourth backup: beyond the default
    assert newest_backup(path) is None
    assert newest_backup(path, keep=1) is None
    assert newest_backup(path, keep=4) == tmp_path / "p.json.bak.3"
    (tmp_path / "p.json.bak.4").write_text("{}")
    (tmp_path / "p.json.bak.3").unlink()
    assert newest_backup(path, keep=5) == tmp_path / "p.json.bak.4"


def test_every_unreadable_kind_carries_the_fix_given(tmp_path: Path) -> None:
    broken = {"empty.json": "", "bad.json": "{bad", "list.json": "[1]"}
    for name, text in broken.items():
        (tmp_path / name).write_text(text)
    (tmp_path / "dir.json").mkdir()
    for name in [*broken, "dir.json"]:
        with pytest.raises(StoreCorrupt) as info:
            read_json(tmp_path / name, fix="run this")
        assert str(info.value).endswith("; it was left untouched; run this"), name


def test_an_unreadable_file_carries_the_fix_given(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "p.json").write_bytes(b"{}")  # there, and not ours to read
    deny_reading(monkeypatch, tmp_path / "p.json")
    with pytest.raises(StoreCorrupt) as info:
        read_json(tmp_path / "p.json", fix="run this")
    assert str(info.value).endswith(
        "(cannot read it: Permission denied); it was left untouched; run this"
    )


def test_backups_by_default_three_every_five_minutes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    clock = Clock()
    monkeypatch.setattr(storage.time, "monotonic", clock)
    path = tmp_path / "p.json"
    backups = Backups()
    for n in range(6):
        write_json_atomic(path, {"v": n}, backups=backups)
        clock.now += 300
    assert [read_json(p) for p in backup_paths(path)] == [{"v": 4}, {"v": 3}, {"v": 2}]
    assert not (tmp_path / "p.json.bak.3").exists()
    clock.now += 299 - 300
    write_json_atomic(path, {"v": 6}, backups=backups)
    assert read_json(tmp_path / "p.json.bak") == {"v": 4}  # not within five minutes


@pytest.mark.parametrize("keep", [1, 2])
def test_backups_kept_as_many_as_asked(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, keep: int
) -> None:
    clock = Clock()
    monkeypatch.setattr(storage.time, "monotonic", clock)
    path = tmp_path / "p.json"
    backups = Backups(keep=keep, interval=1)
    for n in range(5):
        write_json_atomic(path, {"v": n}, backups=backups)
        clock.now += 1
    assert [read_json(p) for p in backup_paths(path, keep)] == [{"v": 3 - i} for i in range(keep)]
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        ["p.json", *(p.name for p in backup_paths(path, keep))]
    )


def test_a_json_file_is_synced_unless_told_not_to(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    synced: list[int] = []
    monkeypatch.setattr(storage.os, "fsync", synced.append)
    write_json_atomic(tmp_path / "p.json", {"v": 1})
    assert len(synced) == 2  # the file, then its folder
    write_json_atomic(tmp_path / "p.json", {"v": 2}, durable=False)
    assert len(synced) == 2 and read_json(tmp_path / "p.json") == {"v": 2}


def test_an_unreadable_file_is_said_in_the_systems_words_or_the_errors_own() -> None:
    """The system's reason (strerror) as it wrote it; an error without one (raised by a
    library, say) by its own text, never as 'None'."""
    from qualify.store.workspace.storage import cannot_read

    assert str(cannot_read(PermissionError(13, "Permission denied"))) == (
        "cannot read it: Permission denied"
    )
    assert str(cannot_read(OSError("the share went away"))) == (
        "cannot read it: the share went away"
    )

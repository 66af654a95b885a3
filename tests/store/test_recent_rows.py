"""The app's first page, and every row `qualify prospect list` shows, read from the index
without the store (store.workspace.recent): the same rows, in the same order, as the
store's own reading; and no rows at all (the store then decides, and says what is
wrong) whenever the index is not as it writes it."""

from __future__ import annotations

import os
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import orjson
import pytest

from qualify.core.records import (
    PartnerKind,
    Prospect,
    ProspectRecords,
    ProspectStatus,
    ProspectSummary,
)
from qualify.store import open_store
from qualify.store.workspace import recent
from qualify.store.workspace.recent import KINDS, STATUSES, ListRow, every_row, recent_rows

START = datetime(2026, 3, 1, tzinfo=UTC)


def _workspace(root: Path, count: int = 12) -> None:
    """``count`` prospects, active an hour apart, three pairs of them at the same moment."""
    store = open_store(root)
    store.add_prospects_bulk(
        ProspectRecords(
            Prospect(
                name=f"P{n:02d}",
                stage="first-date",
                territory="North" if n % 2 else "",
                kind="distributor" if n % 3 else "dealer",
                status="on_hold" if n == 5 else "active",
                next_meeting={"day": date(2026, 4, n + 1)} if n % 4 == 0 else None,
                updated_at=START + timedelta(hours=n // 2 if n < 6 else n),
            )
        )
        for n in range(count)
    )
    store.close()


def _plain(row: ProspectSummary | ListRow) -> tuple:
    return tuple(getattr(getattr(row, f), "value", getattr(row, f)) for f in ListRow._fields)


def _store_rows(root: Path, count: int) -> list[ProspectSummary] | None:
    store = open_store(root)
    try:
        return store.recent_prospects(count)
    finally:
        store.close()


def test_the_rows_are_the_models_fields_and_values() -> None:
    assert ListRow._fields == tuple(ProspectSummary.model_fields)
    assert {k.value for k in PartnerKind} == KINDS
    assert {s.value for s in ProspectStatus} == STATUSES


@pytest.mark.parametrize("count", [1, 3, 5, 12, 20])
def test_the_most_recent_rows_are_the_stores_in_its_order(tmp_path: Path, count: int) -> None:
    root = tmp_path / "ws"
    _workspace(root)
    made = recent_rows(root, count)
    expected = _store_rows(root, count)
    assert made is not None and expected is not None
    assert [_plain(r) for r in made] == [_plain(r) for r in expected]
    listed = open_store(root).list_prospects()[:count]
    assert [r.id for r in made] == [r.id for r in listed]  # ties as the full list has them


def test_a_prospect_whose_file_is_gone_is_left_out(tmp_path: Path) -> None:
    root = tmp_path / "ws"
    _workspace(root)
    store = open_store(root)
    newest = store.list_prospects()[0]
    store.prospect_path(newest.id).unlink()
    store.close()
    made = recent_rows(root, 3)
    assert made is not None and newest.id not in [r.id for r in made] and len(made) == 2


def _edit_newest_row(root: Path, change: dict) -> None:
    store = open_store(root)
    newest = store.list_prospects()[0]
    shard = store._index.row_shard(newest.id)
    store.close()
    rows = orjson.loads(shard.read_bytes())
    rows[newest.id].update(change)
    shard.write_bytes(orjson.dumps(rows))


@pytest.mark.parametrize(
    "change",
    [
        {"score": 80},  # validation would make it 80.0: the store's reading decides
        {"kind": "spaceship"},
        {"updated_at": "2026-03-09T00:22:29"},  # no zone
        {"updated_at": "yesterday"},
        {"extra": "field"},
    ],
)
def test_a_row_not_as_the_index_writes_it_gives_no_rows(tmp_path: Path, change: dict) -> None:
    root = tmp_path / "ws"
    _workspace(root)
    _edit_newest_row(root, change)
    assert recent_rows(root, 3) is None


def test_rows_a_crash_left_stale_give_no_rows(tmp_path: Path) -> None:
    """A prospect file newer than its shard (killed between the two writes): the store
    repairs the row first, so the first page must not show it as it was."""
    root = tmp_path / "ws"
    _workspace(root)
    store = open_store(root)
    path = store.prospect_path(store.list_prospects()[-1].id)
    store.close()
    later = path.stat().st_mtime + 60
    os.utime(path, (later, later))
    os.utime(path.parent, (later, later))
    assert recent_rows(root, 3) is None
    assert every_row(root) is None  # nor the whole list


@pytest.mark.parametrize(
    "damage",
    [
        lambda root: (root / "workspace.json").unlink(),  # not a workspace (yet)
        lambda root: (root / "workspace.json").write_bytes(b'{"schema": 1}'),
        lambda root: (root / "workspace.json").write_bytes(b"{not json"),
        lambda root: next((root / "index" / "prospects").glob("*.json")).write_bytes(b""),
        lambda root: next((root / "index" / "prospects").glob("*.json")).write_bytes(b"[]"),
    ],
)
def test_a_workspace_not_as_the_store_writes_it_gives_no_rows(tmp_path: Path, damage) -> None:
    root = tmp_path / "ws"
    _workspace(root)
    damage(root)
    assert recent_rows(root, 3) is None


def test_no_workspace_gives_no_rows(tmp_path: Path) -> None:
    assert recent_rows(tmp_path / "nothing-here", 3) is None


@pytest.fixture
def remembered(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The user cache on (the tests' default is off): the first page is remembered."""
    folder = tmp_path / "cache"
    monkeypatch.setenv("QUALIFY_CACHE_DIR", str(folder))
    return folder


def _same_as_the_store(root: Path, count: int) -> None:
    made, expected = recent_rows(root, count), _store_rows(root, count)
    assert made is not None and expected is not None
    assert [_plain(r) for r in made] == [_plain(r) for r in expected]


def test_a_start_that_finds_the_same_shards_takes_the_rows_remembered(
    tmp_path: Path, remembered: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = tmp_path / "ws"
    _workspace(root)
    first = recent_rows(root, 5)
    assert first is not None and list(remembered.glob("*.pickle"))

    def not_again(*args: object) -> None:
        raise AssertionError("the rows were parsed again")

    monkeypatch.setattr(recent, "_chosen", not_again)
    assert recent_rows(root, 5) == first


def test_the_rows_remembered_follow_every_change(tmp_path: Path, remembered: Path) -> None:
    """Each change rewrites a shard; the next start shows the rows as they are now, even
    after a change that keeps the shard's size (a rename to a name as long)."""
    root = tmp_path / "ws"
    _workspace(root)
    _same_as_the_store(root, 4)
    store = open_store(root)
    newest = store.list_prospects()[0]
    oldest = store.list_prospects()[-1]
    store.close()
    changes = [
        lambda s: s.update_prospect(s.get_prospect(newest.id).model_copy(update={"name": "Q11"})),
        lambda s: s.update_prospect(s.get_prospect(oldest.id).model_copy(update={"name": "Zed"})),
        lambda s: s.update_prospect(
            s.get_prospect(newest.id).model_copy(update={"territory": "South"})
        ),
    ]
    for change in changes:
        store = open_store(root)
        change(store)
        store.close()
        _same_as_the_store(root, 4)
        _same_as_the_store(root, 2)  # another page size, another entry


def test_the_rows_remembered_are_still_checked(tmp_path: Path, remembered: Path) -> None:
    """A prospect file gone since, or newer than its row: as without the cache."""
    root = tmp_path / "ws"
    _workspace(root)
    assert recent_rows(root, 3) is not None
    store = open_store(root)
    newest, oldest = store.list_prospects()[0], store.list_prospects()[-1]
    store.prospect_path(newest.id).unlink()
    path = store.prospect_path(oldest.id)
    store.close()
    made = recent_rows(root, 3)
    assert made is not None and newest.id not in [r.id for r in made] and len(made) == 2
    later = path.stat().st_mtime + 60
    os.utime(path, (later, later))
    os.utime(path.parent, (later, later))
    assert recent_rows(root, 3) is None


def test_a_damaged_remembered_page_is_made_again(tmp_path: Path, remembered: Path) -> None:
    root = tmp_path / "ws"
    _workspace(root)
    first = recent_rows(root, 3)
    for entry in remembered.glob("*.pickle"):
        entry.write_bytes(entry.read_bytes()[:-7])
    assert recent_rows(root, 3) == first


def test_a_workspace_without_a_row_remembers_nothing(tmp_path: Path, remembered: Path) -> None:
    root = tmp_path / "ws"
    open_store(root).close()
    assert recent_rows(root, 3) == []
    assert not list(remembered.glob("*.pickle"))  # no entry for an empty page


# ---------------------------------------------------------------- every row (prospect list)


def _every_row_as_the_store(root: Path) -> list[ListRow]:
    made = every_row(root)
    store = open_store(root)
    try:
        listed = store.list_prospects()
    finally:
        store.close()
    assert made is not None
    assert [_plain(r) for r in made] == [_plain(r) for r in listed]  # ties in its order too
    return made


def test_every_row_is_the_stores_listing_in_its_order(tmp_path: Path) -> None:
    root = tmp_path / "ws"
    _workspace(root, 20)
    assert len(_every_row_as_the_store(root)) == 20


def test_every_row_remembered_is_taken_and_follows_a_change(
    tmp_path: Path, remembered: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each shard's rows are kept under its own bytes: the same bytes, nothing parsed;
    after a change, only the shard that changed."""
    root = tmp_path / "ws"
    _workspace(root)
    parsed: list[bytes] = []
    real = recent._shard_values

    def counted(raw: bytes):
        parsed.append(raw)
        return real(raw)

    monkeypatch.setattr(recent, "_shard_values", counted)
    first = _every_row_as_the_store(root)
    assert parsed  # every shard, the first time
    parsed.clear()
    assert every_row(root) == first and parsed == []
    store = open_store(root)
    oldest = store.list_prospects()[-1]
    store.update_prospect(store.get_prospect(oldest.id).model_copy(update={"name": "Zed"}))
    shard = store._index.row_shard(oldest.id).read_bytes()
    store.close()
    again = _every_row_as_the_store(root)
    assert again[0].id == oldest.id and again[0].name == "Zed"
    assert parsed == [shard]  # that shard alone
    parsed.clear()
    assert every_row(root) == again and parsed == [shard]  # not written anew for one shard


def test_every_row_kept_by_other_code_is_read_afresh(tmp_path: Path, remembered: Path) -> None:
    root = tmp_path / "ws"
    _workspace(root)
    first = _every_row_as_the_store(root)
    from qualify import setcache

    context = f"{root.resolve()}\0every".encode()
    kept = setcache.read_entry(recent.FIRST_PAGE, context, recent.SCOPE)
    damaged = {name: (digest, ((1, 2),)) for name, (digest, _rows) in kept.items()}
    setcache.write_entry(recent.FIRST_PAGE, context, recent.SCOPE, damaged)
    assert every_row(root) == first


def test_a_file_gone_gives_no_rows_for_the_store_to_name(tmp_path: Path) -> None:
    """The first page leaves a row whose file is gone out; the full list must say so,
    which only the store's listing does."""
    root = tmp_path / "ws"
    _workspace(root)
    store = open_store(root)
    store.prospect_path(store.list_prospects()[-1].id).unlink()
    store.close()
    assert every_row(root) is None


@pytest.mark.parametrize("change", [{"score": 80}, {"extra": "field"}, {"updated_at": "now"}])
def test_every_row_gives_none_for_a_row_not_as_written(tmp_path: Path, change: dict) -> None:
    root = tmp_path / "ws"
    _workspace(root)
    _edit_newest_row(root, change)
    assert every_row(root) is None


def test_no_workspace_gives_no_rows_for_the_whole_list_either(tmp_path: Path) -> None:
    assert every_row(tmp_path / "nothing-here") is None

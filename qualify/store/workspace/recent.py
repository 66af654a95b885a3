"""The most recently active list rows, read from the index with orjson alone.

The app paints the most recently active prospects before it reads the rest. Reading
them through the store first imported pydantic and the record models (~40 ms) and
opened the store, all before anything was on screen; this module imports neither, and
makes plain rows (:class:`ListRow`) the list can show. It reads only what the store
itself writes and gives up (None) on anything else: another schema, rows left stale by
a crash, a shard that cannot be read, a row not exactly as the index writes one. The
caller then asks the store, which validates (and says what is wrong). The rows chosen
are remembered in the user cache under the digest of the shards' bytes, so a start that
finds the same bytes reads 256 small files and no row (:func:`_remembered`).

The index's layout and the row's checks live here, so that the store's own reading
(:mod:`.index`, :mod:`.trusted`) shares them rather than copying them.
"""

from __future__ import annotations

import heapq
import os
import re
import zlib
from datetime import date, datetime
from pathlib import Path
from typing import Any, NamedTuple

from qualify.core.kinds import PartnerKind, ProspectStatus

SCHEMA = 2
"""The layout the store writes (see :mod:`.store`); older ones are migrated on open."""
META_FILE = "workspace.json"
ROWS_DIR = ("index", "prospects")
"""Where the list-row shards are, under the workspace folder."""


def shard_of(key: str) -> str:
    """Two hex digits spreading ids evenly over 256 files or folders."""
    return f"{zlib.crc32(key.encode('utf-8')) & 0xFF:02x}"


def sharded_file(folder: str, key: str) -> str:
    """`folder/ab/key.json`, `ab` its shard: where a prospect's file is under the
    workspace's ``prospects`` (a string: a portfolio names 10,000 of them, and a Path
    costs more to build than the rest of the read's checks)."""
    return f"{folder}{os.sep}{shard_of(key)}{os.sep}{key}.json"


class ListRow(NamedTuple):
    """A list row as the index wrote it, without the model: what the list shows until
    every row is read (then ProspectSummary rows replace these), and all `qualify
    prospect list` needs. The fields are the model's, in its order (tests/store checks);
    kind and status are their plain values. A tuple: 10,000 are made (or unpickled) in
    a few milliseconds, and their columns are a ``zip``."""

    id: str
    name: str
    territory: str
    kind: str
    stage: str
    status: str
    score: float | None
    band: str | None
    knocked_out: bool
    coverage: float | None
    updated_at: datetime
    provisional: bool
    next_meeting: date | None


FIELDS = ListRow._fields
KINDS = frozenset(kind.value for kind in PartnerKind)
STATUSES = frozenset(status.value for status in ProspectStatus)
_WHEN = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d{1,6})?(?:Z|[+-]\d\d:\d\d)").fullmatch
"""A time as the index writes it: ISO 8601 with its zone, nothing more lenient."""
_DAY = re.compile(r"\d{4}-\d\d-\d\d").fullmatch


def row_values(doc: Any) -> tuple[Any, ...] | None:
    """The row's values in :data:`FIELDS` order (times and days parsed) when ``doc`` is
    exactly as the index writes a row, else None: anything another writer, an older
    qualify or a hand may have put there is left to validation."""
    if type(doc) is not dict or len(doc) != len(FIELDS):
        return None
    try:
        pid, name, territory, kind, stage, status, score, band, ko, coverage, when, prov, day = (
            doc[f] for f in FIELDS
        )
    except KeyError:
        return None
    if not (
        type(pid) is str
        and type(name) is str
        and type(territory) is str
        and type(stage) is str
        and type(kind) is str
        and kind in KINDS
        and type(status) is str
        and status in STATUSES
        and (score is None or type(score) is float)
        and (band is None or type(band) is str)
        and type(ko) is bool
        and (coverage is None or type(coverage) is float)
        and type(when) is str
        and _WHEN(when)
        and type(prov) is bool
        and (day is None or (type(day) is str and _DAY(day)))
    ):
        return None
    try:
        updated_at = datetime.fromisoformat(when)
        meeting = date.fromisoformat(day) if day is not None else None
    except ValueError:  # e.g. a 31st of February
        return None
    return (pid, name, territory, kind, stage, status, score, band, ko, coverage,
            updated_at, prov, meeting)  # fmt: skip


def shard_names(rows_dir: Path) -> list[str]:
    """The list-row shards' file names, in the order listings read them."""
    return sorted(
        e.name
        for e in os.scandir(rows_dir)
        if e.name.endswith(".json") and not e.name.startswith(".")
    )


def stale_files(rows_dir: Path, prospects_dir: Path) -> list[Path]:
    """Prospect files written after their list-row shard: a crash between the two writes.

    A prospect file is always replaced before its list row, so a file newer than its
    shard (or a shard that is missing) means the row may be stale. Files are replaced
    by a rename, which also stamps their folder, so a folder no newer than its shard
    is skipped: one stat per folder (256), and one per file only in folders written
    since their shard.
    """
    stale: list[Path] = []
    try:
        folders = list(os.scandir(prospects_dir))
    except FileNotFoundError:
        return stale
    for folder in folders:
        if not folder.is_dir():
            continue
        try:
            shard_time = (rows_dir / f"{folder.name}.json").stat().st_mtime_ns
        except FileNotFoundError:
            shard_time = -1
        if folder.stat().st_mtime_ns <= shard_time:
            continue
        for entry in os.scandir(folder.path):
            if entry.name.endswith(".json") and entry.stat().st_mtime_ns > shard_time:
                stale.append(Path(entry.path))
    return stale


def most_recent(docs: list[Any], count: int) -> list[int] | None:
    """The indexes of the ``count`` docs last active, in the order the store's listing
    puts them (most recent first; equal times in reading order); None when a doc's time
    cannot be read without validating it."""
    try:  # every row's time read in C (an aware time, or no first page)
        times = [datetime.fromisoformat(doc["updated_at"]) for doc in docs]
    except (KeyError, TypeError, ValueError):
        return None
    if any(when.tzinfo is None for when in times):
        return None
    # as sorted(reverse=True)[:count]: equal times keep their reading order, as the
    # listing's stable sort keeps them
    return heapq.nlargest(count, range(len(docs)), key=times.__getitem__)


def recent_rows(root: Path, count: int) -> list[ListRow] | None:
    """The ``count`` rows of the workspace in ``root`` last active, most recent first,
    each one's file present; None when anything is not as the store writes it (the store
    then reads them, or says what is wrong). Never writes to the workspace, never locks:
    files are replaced whole, so what is read is a whole file."""
    shards = _shards(root)
    if shards is None:
        return None
    chosen = _remembered(root, count, shards) if shards else []  # no row: nothing to keep
    if chosen is None:
        return None
    folder = os.fspath(root / "prospects")
    return [row for row in chosen if os.path.exists(sharded_file(folder, row.id))]


def every_row(root: Path) -> list[ListRow] | None:
    """Every row of the workspace in ``root``, in the order the store lists them (most
    recently active first), as :func:`recent_rows` reads them; None also when a row's
    file is gone, which the store's listing names (and leaves out)."""
    shards = _shards(root)
    if shards is None:
        return None
    rows = _every_kept(root, shards)
    if rows is None:
        return None
    present = present_ids(root / "prospects")
    if any(row.id not in present for row in rows):
        return None
    return rows


def present_ids(prospects_dir: Path) -> set[str]:
    """The id of every prospect file under ``prospects_dir``: one listing per folder
    (~12 ms at 10,000), not a stat per prospect."""
    found: set[str] = set()
    try:
        with os.scandir(prospects_dir) as folders:
            for folder in folders:
                if not folder.is_dir():
                    continue
                with os.scandir(folder.path) as files:
                    found.update(
                        e.name[:-5]
                        for e in files
                        if e.name.endswith(".json") and not e.name.startswith(".")
                    )
    except FileNotFoundError:
        pass
    return found


def _shards(root: Path) -> list[tuple[str, bytes]] | None:
    """Every list-row shard's name and bytes, when the workspace in ``root`` is of the
    layout this code reads and no crash left a row stale; else None."""
    import orjson

    from qualify.atomic import read_whole

    rows_dir = root.joinpath(*ROWS_DIR)
    try:
        meta = orjson.loads(read_whole(root / META_FILE))
        if type(meta) is not dict or meta.get("schema") != SCHEMA:
            return None
        if stale_files(rows_dir, root / "prospects"):
            return None
        return [(name, read_whole(rows_dir / name)) for name in shard_names(rows_dir)]
    except (OSError, orjson.JSONDecodeError):
        return None


def holds_no_prospect(root: Path) -> bool:
    """Not one prospect file in the workspace folder ``root`` (or no such folder): what
    an empty list of rows means only when the files agree (rows may be missing)."""
    try:
        with os.scandir(root / "prospects") as folders:
            for folder in folders:
                if not folder.is_dir():
                    return False
                with os.scandir(folder.path) as files:
                    if any(True for _ in files):
                        return False
    except FileNotFoundError:
        return True
    except OSError:
        return False
    return True


FIRST_PAGE = "first-page"
"""The kind of the user-cache entry that remembers a workspace's first page."""
SCOPE = ("core", "store")
"""The code the remembered rows depend on: this module, the store they mirror, and the
kinds and statuses a row is checked against (qualify.core.kinds)."""


def _remembered(root: Path, count: int, shards: list[tuple[str, bytes]]) -> list[ListRow] | None:
    """The most recent rows of these shards, as :func:`_chosen` makes them: remembered
    in the user cache (:mod:`qualify.setcache`: checked when read, written atomically,
    readable by the user alone) under the digest of the shards' names and bytes, so that
    the next start with the same bytes skips parsing every row (10,000: most of the first
    page's cost). Equal bytes, equal rows: no clock or inode number is trusted."""
    import hashlib

    from qualify import setcache

    digest = hashlib.blake2b(digest_size=20)
    for name, raw in shards:
        digest.update(f"{name}\0{len(raw)}\0".encode())
        digest.update(raw)
    context = f"{root.resolve()}\0{count}".encode()  # one entry per workspace, replaced
    kept = setcache.read_entry(FIRST_PAGE, context, SCOPE)
    if type(kept) is tuple and len(kept) == 2 and kept[0] == digest.digest():
        try:
            return list(map(ListRow._make, kept[1]))
        except TypeError:  # not rows of this code: made again, and the entry replaced
            pass
    rows = _chosen(shards, count)
    if rows is not None:  # plain tuples: they unpickle in half the time of named ones
        values = tuple(map(tuple, rows))
        setcache.write_entry(FIRST_PAGE, context, SCOPE, (digest.digest(), values))
    return rows


def _every_kept(root: Path, shards: list[tuple[str, bytes]]) -> list[ListRow] | None:
    """Every row of these shards, most recently active first (equal times in reading
    order, as the store's listing has them); None when a shard or a row is not exactly
    as the index writes it. Each shard's rows are kept in the user cache under the digest
    of its own bytes: after a change (an answer rewrites one shard of 256) only that
    shard is parsed again, not 10,000 rows."""
    from qualify import setcache

    context = f"{root.resolve()}\0every".encode()  # one entry per workspace, replaced
    found = setcache.read_entry(FIRST_PAGE, context, SCOPE)
    kept = found if type(found) is dict else {}
    for source in (kept, {}):  # rows kept by other code: every shard parsed again
        try:
            gathered = _gathered(shards, source)
            if gathered is None:
                return None
            made = list(map(ListRow._make, gathered[1]))
            break
        except TypeError:
            continue
    else:
        return None
    fresh, _values, parsed = gathered
    if parsed > REKEEP_AFTER or (parsed and not kept) or fresh.keys() != kept.keys():
        setcache.write_entry(FIRST_PAGE, context, SCOPE, fresh)
    made.sort(key=_updated_at, reverse=True)  # stable: ties keep their reading order
    return made


REKEEP_AFTER = 16
"""Shards parsed again before the kept rows are written anew: writing every row again
(some 30 ms at 10,000) costs what parsing about 100 of the 256 shards does, so a few
shards changed since are parsed on each listing instead."""


def _gathered(
    shards: list[tuple[str, bytes]], kept: dict[str, Any]
) -> tuple[dict[str, Any], list[tuple[Any, ...]], int] | None:
    """Each shard's digest and row values, taken from ``kept`` where its digest is the
    same, else parsed; every row's values in reading order; how many shards were parsed."""
    import hashlib

    fresh: dict[str, Any] = {}
    values: list[tuple[Any, ...]] = []
    parsed = 0
    for name, raw in shards:
        digest = hashlib.blake2b(raw, digest_size=20).digest()
        hit = kept.get(name)
        if type(hit) is tuple and len(hit) == 2 and hit[0] == digest:
            rows = hit[1]
        else:
            rows, parsed = _shard_values(raw), parsed + 1
            if rows is None:
                return None
        fresh[name] = (digest, rows)
        values.extend(rows)
    return fresh, values, parsed


def _updated_at(row: ListRow) -> datetime:
    return row.updated_at


def _shard_values(raw: bytes) -> tuple[tuple[Any, ...], ...] | None:
    """The values (:func:`row_values`) of every row of one shard; None when the shard or
    a row is not exactly as the index writes it."""
    docs = _shard_docs(raw)
    if docs is None:
        return None
    rows = []
    for doc in docs:
        values = row_values(doc)
        if values is None:
            return None
        rows.append(values)
    return tuple(rows)


def _shard_docs(raw: bytes) -> list[Any] | None:
    """The rows of one shard as parsed; None when it is not a JSON object."""
    import orjson

    try:
        shard = orjson.loads(raw)
    except orjson.JSONDecodeError:
        return None
    return list(shard.values()) if type(shard) is dict else None


def _chosen(shards: list[tuple[str, bytes]], count: int) -> list[ListRow] | None:
    """The ``count`` rows last active in these shards (their files not checked); None
    when a shard or a row is not exactly as the index writes it."""
    docs: list[Any] = []
    for _name, raw in shards:
        found = _shard_docs(raw)
        if found is None:
            return None
        docs.extend(found)
    first = most_recent(docs, count)
    if first is None:
        return None
    rows = []
    for i in first:
        values = row_values(docs[i])
        if values is None:
            return None
        rows.append(ListRow(*values))
    return rows


__all__ = [
    "FIELDS",
    "SCHEMA",
    "ListRow",
    "every_row",
    "holds_no_prospect",
    "most_recent",
    "present_ids",
    "recent_rows",
    "row_values",
    "shard_names",
    "shard_of",
    "stale_files",
]

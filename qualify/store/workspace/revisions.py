"""A prospect file's revision: the digest of its bytes; and its stamp, which says the
revision did not change without reading the file.

The revision is what a cache of results derived from a prospect's records (the
portfolio's shares, :mod:`qualify.reports.portfolio_cache`) is keyed by: equal digests,
equal bytes, equal records, whatever happened in between. Records read with their
revision are parsed from the very bytes digested, so the two always match, even when
the file is replaced meanwhile.

Reading 10,000 files to digest them is most of a portfolio whose shares are all kept,
so the cache also keeps each file's stamp: its device, inode, size, modification and
change times, as ``git status`` does. Every write renames a new file into place (a new
inode, a new change time), and nobody can set a change time back. A stamp is only given
for a file *settled* for :data:`SETTLED` seconds, and taken before the revision is read:
any change after it then gets a later time than the stamp holds, even where the file
system's clock ticks coarsely (a change within the same tick as the stamp is what would
otherwise go unseen: git's "racy" files).
"""

from __future__ import annotations

import hashlib
import os
import struct
import time
from collections.abc import Callable, Hashable, Iterable, Iterator
from pathlib import Path

from qualify.atomic import read_whole
from qualify.core.records import ProspectRecords
from qualify.store.base import NotFound, is_safe_id
from qualify.store.workspace.files import ProspectFile, from_tables
from qualify.store.workspace.recent import sharded_file
from qualify.store.workspace.storage import parse_json, read_raw_stat

SETTLED = 2.0
"""Seconds a file must be unchanged for a stamp: more than the coarsest clock tick of
the file systems a workspace sits on (FAT's two seconds)."""
_STAMP = struct.Struct("<QQqqq")
"""Device, inode, size, modification and change times (ns), packed: a portfolio keeps
10,000 stamps, and five Python ints take three times the room."""


def digest(raw: bytes) -> str:
    """128 bits of SHA-256 of the bytes: as collision-resistant as the BLAKE2b-128 it
    replaces, and half its time where the processor computes SHA-256 itself (x86-64 and
    Arm since 2017): a portfolio digests 10,000 files. (A cache keyed by the old digests
    misses once: the portfolio's is keyed by this module's code as well.)"""
    return hashlib.sha256(raw).hexdigest()[:32]


def file_revision(path: Path) -> str | None:
    """The digest of the file's bytes; None when it cannot be read (reading it for its
    records says why)."""
    try:
        return digest(read_whole(path))
    except OSError:
        return None


def read_revised(path: Path | str) -> tuple[ProspectFile, str, bytes | None] | None:
    """The prospect file, the digest of the bytes it was parsed from, and the stamp of
    the file they were read from (taken once it was open, before they were read; None
    when it is not settled); None when there is none, StoreCorrupt when it does not
    parse."""
    settled = time.time_ns() - int(SETTLED * 1e9)
    found = read_raw_stat(path)
    if found is None:
        return None
    raw, info = found
    data = parse_json(path, raw)
    assert data is not None  # not empty_ok: an empty file raised
    return from_tables(path, data), digest(raw), _stamp(info, settled)


def _stamp(st: os.stat_result, settled: int) -> bytes | None:
    """The stamp of a file whose status is `st`, if it has not changed since `settled`
    (ns since the epoch); else None, as for figures no stamp holds."""
    if st.st_mtime_ns < settled and st.st_ctime_ns < settled:
        try:
            return _STAMP.pack(st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns)
        except struct.error:
            return None
    return None


def settled_stamps(
    folder: Path, prospect_ids: Iterable[str], now_ns: int | None = None
) -> dict[str, bytes]:
    """The stamp of each settled prospect file under `folder` (the workspace's
    ``prospects``; ids already checked safe), by prospect id; files changed in the last
    :data:`SETTLED` seconds (by `now_ns`, default the clock), or not there, get none."""
    settled = (time.time_ns() if now_ns is None else now_ns) - int(SETTLED * 1e9)
    root, stat = os.fspath(folder), os.stat
    stamps: dict[str, bytes] = {}
    for pid in prospect_ids:
        try:
            found = _stamp(stat(sharded_file(root, pid)), settled)
        except OSError:  # not there: none
            continue
        if found is not None:
            stamps[pid] = found
    return stamps


class FileRevisions:
    """:meth:`qualify.store.base.Store.revisions`, ``stamps``, ``read_revision`` and
    ``read_stamped`` of the workspace (mixed into it)."""

    root: Path
    prospect_path: Callable[[str], Path]
    _existing_file: Callable[[str], str]
    _missing: Callable[[str], NotFound]

    def revisions(self, prospect_ids: Iterable[str]) -> Iterator[tuple[str, str | None]]:
        """The digest of each prospect file's bytes."""
        for pid in prospect_ids:
            yield pid, file_revision(self.prospect_path(pid)) if is_safe_id(pid) else None

    def stamps(self, prospect_ids: Iterable[str]) -> dict[str, bytes]:
        safe = (pid for pid in prospect_ids if is_safe_id(pid))
        return settled_stamps(self.root / "prospects", safe)

    def read_revision(self, prospect_id: str) -> tuple[ProspectRecords, str | None]:
        records, revision, _ = self.read_stamped(prospect_id)
        return records, revision

    def read_stamped(self, prospect_id: str) -> tuple[ProspectRecords, str | None, Hashable | None]:
        found = read_revised(self._existing_file(prospect_id))
        if found is None:
            raise self._missing(prospect_id)
        return found[0].records, found[1], found[2]

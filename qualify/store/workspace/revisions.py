"""A prospect file's revision: the digest of its bytes.

What a cache of results derived from a prospect's records (the portfolio's shares,
:mod:`qualify.reports.portfolio_cache`) is keyed by: equal digests, equal bytes, equal
records, whatever happened in between (no clock, no inode number to trust). The bytes
last digested are kept until the next file's, so a prospect read right after its
revision (a cache miss) is parsed from them: the file is read once, and the records
returned are always exactly those the revision names.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from qualify.store.workspace.files import ProspectFile, from_tables
from qualify.store.workspace.storage import parse_json, read_raw


def digest(raw: bytes) -> str:
    return hashlib.blake2b(raw, digest_size=16).hexdigest()


def _identity(stat: os.stat_result) -> tuple[int, ...]:
    return (stat.st_dev, stat.st_ino, stat.st_size, stat.st_mtime_ns)


class FileRevisions:
    """Revisions of prospect files, and the records of one revision."""

    def __init__(self) -> None:
        self._last: tuple[Path, tuple[int, ...], bytes] | None = None

    def revision(self, path: Path) -> str | None:
        """The digest of the file's bytes; None when it cannot be read (reading it for
        its records says why)."""
        self._last = None
        try:
            with open(path, "rb") as file:
                identity = _identity(os.fstat(file.fileno()))
                raw = file.read()
        except OSError:
            return None
        self._last = (path, identity, raw)
        return digest(raw)

    def read(self, path: Path) -> tuple[ProspectFile, str] | None:
        """The prospect file and the digest of the bytes it was parsed from (those just
        digested, if the file was not replaced since); None when there is none,
        StoreCorrupt when it does not parse."""
        raw = None
        if self._last is not None and self._last[0] == path:
            try:
                if _identity(os.stat(path)) == self._last[1]:
                    raw = self._last[2]
            except OSError:
                pass
        if raw is None:
            raw = read_raw(path)
            if raw is None:
                return None
        data = parse_json(path, raw)
        assert data is not None  # not empty_ok: an empty file raised
        return from_tables(path, data), digest(raw)

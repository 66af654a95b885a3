"""A prospect file's revision: the digest of its bytes.

What a cache of results derived from a prospect's records (the portfolio's shares,
:mod:`qualify.reports.portfolio_cache`) is keyed by: equal digests, equal bytes, equal
records, whatever happened in between (no clock, no inode number to trust). Records
read with their revision are parsed from the very bytes digested, so the two always
match, even when the file is replaced meanwhile.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from qualify.atomic import read_whole
from qualify.store.workspace.files import ProspectFile, from_tables
from qualify.store.workspace.storage import parse_json, read_raw


def digest(raw: bytes) -> str:
    return hashlib.blake2b(raw, digest_size=16).hexdigest()


def file_revision(path: Path) -> str | None:
    """The digest of the file's bytes; None when it cannot be read (reading it for its
    records says why)."""
    try:
        return digest(read_whole(path))
    except OSError:
        return None


def read_revised(path: Path) -> tuple[ProspectFile, str] | None:
    """The prospect file and the digest of the bytes it was parsed from; None when there
    is none, StoreCorrupt when it does not parse."""
    raw = read_raw(path)
    if raw is None:
        return None
    data = parse_json(path, raw)
    assert data is not None  # not empty_ok: an empty file raised
    return from_tables(path, data), digest(raw)

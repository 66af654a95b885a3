"""Noticing outside edits to a file the app has open (the question-set editor)."""

from __future__ import annotations

from pathlib import Path


def file_stamp(path: Path) -> tuple[int, int] | None:
    """(mtime in ns, size) of a file, or None when it is missing: enough to notice outside edits."""
    try:
        st = path.stat()
    except OSError:
        return None
    return st.st_mtime_ns, st.st_size

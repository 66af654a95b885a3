"""Where `qualify doctor --repair` puts a file it repairs away: never deleted, moved
under ``quarantine/`` (the same relative path, stamped with the time) with a
``.why.txt`` note beside it saying what was wrong and when."""

from __future__ import annotations

import os
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

from qualify.atomic import fsync_dir, write_text
from qualify.core.phrase import Phrase, render

QUARANTINE = "quarantine"
"""Where repaired-away files go (never deleted): ``quarantine/<their path>.<UTC time>``."""


def quarantine(
    root: Path, path: Path, why: str, now: datetime, say: Callable[[Any], str] = render
) -> str:
    """Move ``path`` under quarantine/ (never deleted) with a note beside it; returns where
    it went, relative to ``root``."""
    rel = path.relative_to(root)
    stamp = now.strftime("%Y%m%dT%H%M%SZ")
    folder = root / QUARANTINE / rel.parent
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / f"{rel.name}.{stamp}"
    n = 1
    while target.exists():
        n += 1
        target = folder / f"{rel.name}.{stamp}-{n}"
    os.replace(path, target)
    note = Phrase(
        "{file}\nmoved here by `qualify doctor --repair` at {at}\nwhat was wrong: {why}\n"
        "qualify no longer reads it; nothing was deleted. Delete it once you no longer need "
        "it.\n",
        file=str(rel),
        at=now.isoformat(timespec="seconds"),
        why=why,
    )
    write_text(target.with_name(target.name + ".why.txt"), say(note))
    fsync_dir(path.parent)
    return str(target.relative_to(root))


__all__ = ["QUARANTINE", "quarantine"]

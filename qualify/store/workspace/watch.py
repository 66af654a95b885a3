"""Other processes' changes to a workspace, seen by polling (a live screen).

Every change of a prospect replaces its file ``prospects/<xx>/<id>.json`` by a rename,
which also stamps the folder. So a poll stats the 256 folders (about half a
millisecond) and, only in a folder whose time moved, the prospect files, to name the
prospects that changed. Polling rather than inotify & co (e.g. watchfiles): no extra
dependency, the same on every platform and on network or synced folders (where change
events are often missing), and at two polls a second it costs nothing measurable.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

from qualify.store.base import Changes, Watch

POLL = 0.25
"""Seconds between two looks at the folders."""


class FolderWatch(Watch):
    """The prospect files' times, as last seen."""

    def __init__(self, prospects_dir: Path) -> None:
        self.root = Path(prospects_dir)
        self._folders: dict[str, int] = {}
        self._files: dict[str, dict[str, int]] = {}
        self._ready = False
        self._look()  # what is there now is not a change
        self._ready = True

    def _look(self) -> set[str]:
        changed: set[str] = set()
        try:
            folders = list(os.scandir(self.root))
        except FileNotFoundError:
            return changed
        for folder in folders:
            try:
                stamp = folder.stat().st_mtime_ns
            except FileNotFoundError:
                continue
            if self._folders.get(folder.name) == stamp:
                continue
            self._folders[folder.name] = stamp
            before = self._files.get(folder.name)
            now = _file_times(folder.path)
            self._files[folder.name] = now
            if before is not None:
                changed.update(pid for pid, t in now.items() if before.get(pid) != t)
            elif self._ready:
                changed.update(now)  # a new folder: all of it is new
        return changed

    def wait(self, timeout: float) -> Changes:
        deadline = time.monotonic() + timeout
        while True:
            changed = self._look()
            if changed or time.monotonic() >= deadline:
                return Changes(ids=frozenset(changed))
            time.sleep(min(POLL, max(0.0, deadline - time.monotonic())))


def _file_times(folder: str) -> dict[str, int]:
    times: dict[str, int] = {}
    try:
        entries = list(os.scandir(folder))
    except FileNotFoundError:
        return times
    for entry in entries:
        name = entry.name
        if not name.endswith(".json") or name.startswith("."):
            continue
        try:
            times[name[: -len(".json")]] = entry.stat().st_mtime_ns
        except FileNotFoundError:
            continue
    return times


__all__ = ["POLL", "FolderWatch"]

"""The workspace lock: one OS file lock (``workspace.lock``) held around every
read-modify-write of the embedded store, so two qualify processes never interleave
their changes. It is reentrant: a change may call another under the same lock."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from filelock import FileLock, Timeout

from qualify.store.base import StoreLocked


class WorkspaceLock:
    """The lock file of one workspace; waits up to `timeout` seconds for another holder."""

    def __init__(self, path: Path, timeout: float) -> None:
        self.path = path
        self._lock = FileLock(path, timeout=timeout)

    @contextmanager
    def held(self) -> Iterator[None]:
        """Held for the block; StoreLocked (one line naming the file) if another process
        keeps it longer than the timeout."""
        try:
            self._lock.acquire()
        except Timeout:
            raise StoreLocked(
                f"{self.path} is held: another qualify is writing to this workspace; try again"
            ) from None
        try:
            yield
        finally:
            self._lock.release()

    @contextmanager
    def if_free(self) -> Iterator[bool]:
        """Held for the block if nobody holds it right now (True); otherwise not held and
        False, also where the lock file cannot be created (a read-only folder)."""
        try:
            self._lock.acquire(blocking=False)
        except (Timeout, OSError):
            yield False
            return
        try:
            yield True
        finally:
            self._lock.release()


__all__ = ["WorkspaceLock"]

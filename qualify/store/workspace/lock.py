"""The workspace lock: one OS file lock (``workspace.lock``) held around every
read-modify-write of the embedded store, so two qualify processes never interleave
their changes. It is reentrant: a change may call another under the same lock."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import TYPE_CHECKING

from qualify.store.base import StoreLocked

if TYPE_CHECKING:
    from filelock import FileLock


class WorkspaceLock:
    """The lock file of one workspace; waits up to `timeout` seconds for another holder."""

    def __init__(self, path: Path, timeout: float) -> None:
        self.path = path
        self.timeout = timeout
        self._lock: FileLock | None = None
        """Made at the first write: filelock (its import costs ~15 ms) is imported
        then, never by a command or an app start that only reads."""
        self._making = threading.Lock()

    def held(self) -> WorkspaceLock:
        """`with lock.held():` holds it for the block; StoreLocked (one line naming the
        file) if another process keeps it longer than the timeout."""
        return self

    def __enter__(self) -> None:
        from filelock import FileLock, Timeout

        with self._making:  # two threads' first writes make one lock, not two
            if self._lock is None:
                self._lock = FileLock(self.path, timeout=self.timeout)
        try:
            self._lock.acquire()
        except Timeout:
            raise StoreLocked(
                f"{self.path} is held: another qualify is writing to this workspace; try again"
            ) from None

    def __exit__(self, *exc: object) -> None:
        assert self._lock is not None  # entered first
        self._lock.release()


__all__ = ["WorkspaceLock"]

"""The workspace lock: one OS file lock (``workspace.lock``) held around every
read-modify-write of the embedded store, so two qualify processes never interleave
their changes. It is reentrant: a change may call another under the same lock."""

from __future__ import annotations

from pathlib import Path

from filelock import FileLock, Timeout

from qualify.store.base import StoreLocked


class WorkspaceLock:
    """The lock file of one workspace; waits up to `timeout` seconds for another holder."""

    def __init__(self, path: Path, timeout: float) -> None:
        self.path = path
        self._lock = FileLock(path, timeout=timeout)

    def held(self) -> WorkspaceLock:
        """`with lock.held():` holds it for the block; StoreLocked (one line naming the
        file) if another process keeps it longer than the timeout."""
        return self

    def __enter__(self) -> None:
        try:
            self._lock.acquire()
        except Timeout:
            raise StoreLocked(
                f"{self.path} is held: another qualify is writing to this workspace; try again"
            ) from None

    def __exit__(self, *exc: object) -> None:
        self._lock.release()


__all__ = ["WorkspaceLock"]

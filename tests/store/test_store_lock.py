"""The workspace lock: a second writer waits, then gets one line naming the lock file;
the holder may take it again (a change calling another); released after an error."""

from __future__ import annotations

from contextlib import AbstractContextManager
from pathlib import Path

import pytest

from qualify.store import StoreLocked
from qualify.store.workspace.lock import WorkspaceLock
from qualify.store.workspace.store import Workspace


def refused(lock: AbstractContextManager[object]) -> bool:
    """True when taking the lock gave StoreLocked (and the block never ran)."""
    try:
        with lock:
            return False
    except StoreLocked:
        return True


def test_a_held_lock_refuses_a_second_writer_with_one_line_naming_the_file(
    tmp_path: Path,
) -> None:
    path = tmp_path / "workspace.lock"
    holder = WorkspaceLock(path, timeout=5)
    impatient = WorkspaceLock(path, timeout=0.05)
    with holder.held():
        with holder.held():  # reentrant: a change may call another under the lock
            assert path.exists()
        with pytest.raises(StoreLocked) as caught, impatient.held():
            pytest.fail("two writers held the lock at once")
        assert str(caught.value) == (
            f"{path} is held: another qualify is writing to this workspace; try again"
        )
        assert caught.value.__cause__ is None and caught.value.__suppress_context__
    with impatient.held():  # released when the block ended
        assert refused(WorkspaceLock(path, timeout=0.05).held())
    with WorkspaceLock(path, timeout=0.05).held():  # and released after it
        pass


def test_a_lock_released_after_an_error_in_the_block(tmp_path: Path) -> None:
    path = tmp_path / "workspace.lock"
    with pytest.raises(ValueError), WorkspaceLock(path, timeout=0.05).held():
        raise ValueError("the change failed")
    with WorkspaceLock(path, timeout=0.05).held():
        pass


def test_a_workspace_waits_for_the_lock_as_long_as_told(tmp_path: Path) -> None:
    root = tmp_path / "ws"
    first = Workspace(root)
    second = Workspace(root, lock_timeout=0.05)
    with first.locked():
        assert refused(second.locked())
    with second.locked():
        pass

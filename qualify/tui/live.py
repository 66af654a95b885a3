"""Live screens: other people's and processes' changes, followed as they happen.

The store says what changed (:meth:`qualify.store.base.Store.watch`: LISTEN/NOTIFY on
the team server, a poll of the prospect folders in the embedded workspace); this loop,
run in a worker thread of the app, waits on it and posts one
:class:`~qualify.tui.messages.ChangedElsewhere` per burst. The app hands it to the
screens showing those prospects. Nothing here imports Textual, nor the store before
the workspace is open: the loop starts with the app, and importing the store (pydantic's
models) in this thread would hold the interpreter while the first page is read and painted.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from qualify.store.base import Changes, Watch
    from qualify.tui.workspace import Workspace

WAIT = 0.5
"""Seconds one wait lasts (how soon a cancelled loop notices it)."""
GAP = 0.5
"""Seconds at least between two calls: a burst of changes (or a teammate's flood of
notifications, which any login can send) reloads the screens once per GAP at most; a
change after a quiet spell is passed on at once."""
RETRY = 3.0
"""Seconds before watching again after the watch was lost (a server restart)."""


def follow(
    workspace: Workspace,
    changed: Callable[[Changes], object],
    cancelled: Callable[[], bool],
) -> None:
    """Until ``cancelled()``: wait for changes and call ``changed`` with each burst; after
    the watch was lost (a server restart), watch again and call it with everything."""
    while not workspace.is_open:
        if cancelled():
            return
        time.sleep(0.1)
    from qualify.core.errors import QualifyError
    from qualify.store.base import Changes

    watch: Watch | None = None
    pending, last = Changes(), 0.0
    """Changes not passed on yet, and when the last were (a flood becomes one call a GAP)."""
    try:
        while not cancelled():
            if not workspace.is_open:
                time.sleep(0.1)
                continue
            if watch is None:
                try:
                    watch, seen_all = workspace.take_watch()
                except QualifyError:
                    _sleep(RETRY, cancelled)
                    continue
                if watch is None:
                    return  # this store cannot tell: the screens reload as before
                if not seen_all:  # opened after the list was read, or after an outage
                    changed(Changes(everything=True))
            quiet = last + GAP - time.monotonic()
            try:
                changes = watch.wait(min(WAIT, quiet) if pending else WAIT)
            except QualifyError:
                watch.close()
                watch = None
                _sleep(RETRY, cancelled)
                continue
            pending = pending | changes
            if pending and time.monotonic() >= last + GAP and not cancelled():
                changed(pending)
                pending, last = Changes(), time.monotonic()
    finally:
        if watch is not None:
            watch.close()


def _sleep(seconds: float, cancelled: Callable[[], bool]) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and not cancelled():
        time.sleep(0.1)


__all__ = ["follow"]

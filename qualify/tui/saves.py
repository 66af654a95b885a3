"""Answers on their way to disk: one ordered queue of writes per prospect, written off the
UI thread and never dropped.

A write to the store reads the prospect's file, scores, and does an fsync'd atomic
write under a file lock that may wait for another process; none of that may freeze the
keyboard. So the interview puts each write in its prospect's :class:`SaveQueue`; a
worker of the app (``QualifyApp._write_answers``) takes them one at a time, in the order
given, and each write posts a message back saying what happened (the screen shows
"saved" only then). Writes continue if the screen that asked for them closes, and
quitting runs whatever is still queued (:meth:`SaveQueues.flush`) before the app ends.

Nothing here imports Textual: a write is a callable that returns the message to post,
and the queue posts it (``post_message`` may be called from any thread).
"""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from textual.message import Message
    from textual.message_pump import MessagePump

WAIT = 30.0
"""Seconds a reader waits for the writes before it reads anyway (the store's file lock
gives up after 10 s, so a write never takes this long)."""


@dataclass(frozen=True)
class SaveJob:
    """One write, and who is told about it."""

    write: Callable[[], Message]
    """Does the write (in a worker thread) and returns the message that says how it went;
    an exception it raises becomes ``failed(exc)``'s message instead."""
    failed: Callable[[BaseException], Message]
    """The message for a write that raised."""
    reply_to: MessagePump
    """Where the message goes (a screen; if it has closed, the message is dropped)."""
    changed: bool = True
    """The write changes the prospect (the prospects list should reload)."""


class SaveQueue:
    """The writes for one prospect, run one at a time in the order they were put."""

    def __init__(self, prospect_id: str, start: Callable[[SaveQueue], Any]) -> None:
        self.prospect_id = prospect_id
        self._start = start
        """Starts a worker that calls :meth:`drain` (given by the app)."""
        self._jobs: deque[SaveJob] = deque()
        self._cond = threading.Condition()
        self._writing = False
        """A job is being written (by the worker, or by :meth:`flush`)."""
        self._draining = False
        """A worker has been started and has not found the queue empty yet."""
        self.on_changed: Callable[[str], None] | None = None
        """Told (from the writing thread) after each write that changed the prospect."""

    @property
    def idle(self) -> bool:
        """Nothing queued and nothing being written."""
        with self._cond:
            return not self._jobs and not self._writing

    def put(self, job: SaveJob) -> None:
        """Queue a write; starts the worker unless one is already draining this queue."""
        with self._cond:
            self._jobs.append(job)
            start = not self._draining
            self._draining = True
        if start:
            try:
                self._start(self)
            except Exception:  # no worker now (the app is closing): flush() writes it
                with self._cond:
                    self._draining = False

    def drain(self) -> None:
        """Write every queued job, in order, until the queue is empty (in a worker)."""
        while self._run_next(stop_draining=True):
            pass

    def flush(self, timeout: float = WAIT) -> bool:
        """Write what is still queued in this thread, after the job being written now
        (quitting). False if a write in another thread did not finish in time."""
        with self._cond:
            if not self._cond.wait_for(lambda: not self._writing, timeout):
                return False
        while self._run_next(stop_draining=False):
            pass
        return True

    def wait_idle(self, timeout: float = WAIT) -> bool:
        """Block until every queued write is done (a reader that must see them)."""
        with self._cond:
            return self._cond.wait_for(lambda: not self._jobs and not self._writing, timeout)

    def _run_next(self, *, stop_draining: bool) -> bool:
        with self._cond:
            self._cond.wait_for(lambda: not self._writing)
            if not self._jobs:
                if stop_draining:
                    self._draining = False
                return False
            job = self._jobs.popleft()
            self._writing = True
        try:
            message = job.write()
            ok = True
        except Exception as exc:  # any failure is reported, and the next write still runs
            message = job.failed(exc)
            ok = False
        finally:
            with self._cond:
                self._writing = False
                self._cond.notify_all()
        # Told after the job is done, so a handler that checks `idle` sees it done.
        if ok and job.changed and self.on_changed is not None:
            self.on_changed(self.prospect_id)
        job.reply_to.post_message(message)
        return True


class SaveQueues:
    """Every prospect's queue, owned by the app."""

    def __init__(
        self,
        start: Callable[[SaveQueue], Any],
        changed: Callable[[str], None] | None = None,
    ) -> None:
        self._start = start
        self._changed = changed
        self._queues: dict[str, SaveQueue] = {}
        self._lock = threading.Lock()

    def for_prospect(self, prospect_id: str) -> SaveQueue:
        """The prospect's queue (the same one for every screen that writes for it)."""
        with self._lock:
            queue = self._queues.get(prospect_id)
            if queue is None:
                queue = self._queues[prospect_id] = SaveQueue(prospect_id, self._start)
                queue.on_changed = self._changed
            return queue

    def flush(self, timeout: float = WAIT) -> bool:
        """Write everything still queued, for every prospect (quitting)."""
        with self._lock:
            queues = list(self._queues.values())
        return all([queue.flush(timeout) for queue in queues])

    @property
    def idle(self) -> bool:
        with self._lock:
            queues = list(self._queues.values())
        return all(queue.idle for queue in queues)

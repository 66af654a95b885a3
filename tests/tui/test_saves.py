"""The answers' way to disk (qualify.tui.saves): one ordered queue per prospect, written
off the UI thread, never dropped, flushed when the app quits."""

from __future__ import annotations

import threading
import time

from qualify.tui.saves import SaveJob, SaveQueues


class Inbox:
    """Stands in for the screen the replies go to."""

    def __init__(self) -> None:
        self.messages: list[object] = []

    def post_message(self, message: object) -> bool:
        self.messages.append(message)
        return True


def in_threads(queue) -> None:
    """The app starts a worker thread per drain; so does this."""
    threading.Thread(target=queue.drain).start()


def test_writes_run_in_order_in_one_thread_at_a_time_and_none_is_dropped() -> None:
    written: list[int] = []
    busy = threading.Lock()
    changed: list[str] = []
    queues = SaveQueues(start=in_threads, changed=changed.append)
    queue = queues.for_prospect("p1")
    inbox = Inbox()

    def job(n: int) -> SaveJob:
        def write() -> str:
            assert busy.acquire(blocking=False), "two writes at once"
            try:
                time.sleep(0.001)
                written.append(n)
            finally:
                busy.release()
            return f"saved {n}"

        return SaveJob(write=write, failed=lambda exc: f"failed {exc}", reply_to=inbox)

    for n in range(200):
        queue.put(job(n))
        if n % 50 == 0:
            time.sleep(0.01)  # let a drain finish, so another one has to start
    assert queue.wait_idle(10)
    assert written == list(range(200))
    assert inbox.messages == [f"saved {n}" for n in range(200)]
    assert changed == ["p1"] * 200
    assert queues.for_prospect("p1") is queue and queues.idle


def test_a_failed_write_is_reported_and_the_next_one_still_runs() -> None:
    queue = SaveQueues(start=in_threads).for_prospect("p1")
    inbox = Inbox()

    def broken() -> str:
        raise OSError("disk full")

    queue.put(SaveJob(write=broken, failed=lambda exc: f"not saved: {exc}", reply_to=inbox))
    queue.put(SaveJob(write=lambda: "saved", failed=str, reply_to=inbox))
    assert queue.wait_idle(10)
    assert inbox.messages == ["not saved: disk full", "saved"]


def test_flush_writes_what_no_worker_has_taken_yet() -> None:
    """Quitting: the worker never started (or is busy elsewhere), the queue still empties,
    in order, in the thread that flushes."""
    started: list[object] = []
    queues = SaveQueues(start=started.append)  # a worker that never runs
    inbox = Inbox()
    threads: list[str] = []

    def write(n: int):
        def run() -> int:
            threads.append(threading.current_thread().name)
            return n

        return run

    for n in range(3):
        queues.for_prospect(f"p{n % 2}").put(SaveJob(write=write(n), failed=str, reply_to=inbox))
    assert not queues.idle
    assert queues.flush(timeout=5)
    assert queues.idle
    assert sorted(inbox.messages) == [0, 1, 2]
    assert set(threads) == {threading.current_thread().name}

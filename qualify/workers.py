"""Work over many prospects on every core: runs of prospect ids shared among worker
processes, each with its own store, the results taken in the order they were asked.

A portfolio with nothing kept, or a re-score preview, scores every interview of
every prospect: seconds for 10,000, nearly all of it scoring, which one Python process
does on one core. So when there are many, worker processes share the work: each opens
the same store (``Store.opener``: on a team server its own connection, as the same
login), makes its state once (``begin``), and sends back the result of each run of
prospects it is given (``work``); the caller takes the results in the order of the runs,
so what it makes of them is what one process makes (its tests compare the two).

Fewer than :data:`MIN_PROSPECTS`, a store that cannot be opened twice, or one core: all
in the caller's process (``here``). A worker that dies (killed, out of memory) or fails
costs time, not the result: the runs it had not sent back are done in the caller's
process, which says what fails, if anything. No worker outlives the caller: interrupted
(Ctrl-C), it stops them; killed, they see it between two runs and stop. Workers are
forked on Linux while no other thread runs (they start at once, sharing what is
loaded), else spawned (a fresh interpreter each: the functions and ``setup`` are
pickled, so they must be module-level and picklable).
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import sys
import threading
from collections.abc import Callable, Iterator
from multiprocessing.connection import Connection
from typing import TYPE_CHECKING, Any, TypeVar

from qualify.i18n import current, set_language

if TYPE_CHECKING:
    from qualify.store.base import Store

R = TypeVar("R")

MIN_PROSPECTS = 1000
"""Fewer, and starting workers would cost more than they save."""
CHUNK = 250
"""Prospects per run (small enough to share the work evenly)."""
MAX_WORKERS = 8


def in_runs(
    store: Store,
    ids: list[str],
    *,
    begin: Callable[[Store, Any], Any],
    work: Callable[[Any, list[str]], R],
    setup: Any,
    here: Callable[[list[str]], R],
    workers: int | None = None,
    chunk: int | None = None,
) -> Iterator[R]:
    """The result of each run of `chunk` prospects of `ids` (default :data:`CHUNK`), in
    order: in worker processes when there are many (`workers`: how many, default one per
    core), each sending back ``work(begin(its own store, setup), run)``; else
    ``here(run)``."""
    size = chunk or CHUNK
    chunks = [ids[i : i + size] for i in range(0, len(ids), size)]
    count = workers if workers is not None else min(_cores(), MAX_WORKERS)
    opener = store.opener() if count > 1 and len(ids) >= MIN_PROSPECTS else None
    if opener is None:
        for chunk in chunks:
            yield here(chunk)
        return
    count = min(count, len(chunks))
    mp = _context()
    start = (opener, begin, work, setup, current())
    procs: list[multiprocessing.process.BaseProcess | None] = []
    pipes: list[Connection] = []
    try:
        for n in range(count):  # worker n takes the runs n, n + count, n + 2 * count…
            receive, send = mp.Pipe(duplex=False)
            # a forked worker holds a copy of every read end there is: it closes them, so
            # that once this process is gone nobody reads, and its sending fails at once
            inherited = [*pipes, receive] if mp.get_start_method() == "fork" else []
            proc = mp.Process(
                target=_run,
                args=(send, inherited, os.getpid(), start, chunks[n::count]),
                daemon=True,
            )
            try:
                proc.start()
            except OSError:  # no process to be had (a limit reached): its runs done here
                receive.close()
                proc = None
            send.close()  # the worker's end only: its death is then an end of file here
            procs.append(proc)
            pipes.append(receive)
        for k, chunk in enumerate(chunks):
            try:
                result = pipes[k % count].recv()
            except (EOFError, OSError):  # that worker died: its runs are done here
                result = here(chunk)
            yield result
    finally:  # done, or interrupted (Ctrl-C is this process's): no worker outlives it
        started = [proc for proc in procs if proc is not None]
        for proc in started:
            if proc.is_alive():
                proc.terminate()
        for proc in started:
            proc.join()
        for pipe in pipes:
            pipe.close()


def _cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def _context() -> multiprocessing.context.BaseContext:
    """Fork where it is safe (Linux, and no other thread that could hold a lock the
    workers would inherit held): the workers start at once, sharing what is loaded.
    Elsewhere a fresh interpreter per worker."""
    forkable = sys.platform == "linux" and threading.active_count() == 1
    return multiprocessing.get_context("fork" if forkable else "spawn")


# ------------------------------------------------------------------ in a worker


def _run(
    send: Connection,
    inherited: list[Connection],
    parent: int,
    start: tuple[Callable[[], Store], Callable[..., Any], Callable[..., Any], Any, str],
    chunks: list[list[str]],
) -> None:
    """A worker: its runs of prospects, each result sent back as soon as it is made. It
    stops when the caller's process is gone (killed: nobody would read the rest)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C: the caller stops the workers
    for pipe in inherited:
        pipe.close()
    opener, begin, work, setup, words = start
    try:
        set_language(words)  # qualify's own words, as in the caller's process
        state = begin(opener(), setup)
        for chunk in chunks:
            if os.getppid() != parent:
                return
            send.send(work(state, chunk))
    except OSError:  # the caller's process is gone (a broken pipe)
        return
    except Exception:  # said once, by the caller, which does the rest itself
        return
    finally:
        send.close()


__all__ = ["CHUNK", "MIN_PROSPECTS", "in_runs"]

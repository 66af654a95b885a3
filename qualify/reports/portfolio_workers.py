"""Assessing the prospects a portfolio has no kept share for, on every core.

The first portfolio of the day (or after the sets change) assesses every prospect:
seconds for 10,000, nearly all of it scoring, which one Python process does on one
core. So when there are many, worker processes share the work: each opens the same
store (``Store.opener``), reads and assesses runs of prospects, and sends back their
shares; the portfolio takes them in the order it asked for them, so the report is the
one a single process makes (the tests compare the two).

Fewer than :data:`MIN_PROSPECTS`, a store that cannot be opened twice, or one core:
all in this process, one prospect at a time. A worker that dies (killed, out of
memory) costs time, not the report: what it had not sent back is assessed here. No
worker outlives the portfolio: interrupted (Ctrl-C), it stops them; killed, they see
it between two runs of prospects and stop.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import sys
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime, tzinfo
from multiprocessing.connection import Connection
from typing import TYPE_CHECKING

from qualify.core.assess import Snapshots
from qualify.i18n import current, set_language
from qualify.reports.context import ReportContext
from qualify.reports.portfolio import ProspectShare, prospect_share
from qualify.store.reading import read_snapshots, readable_revision

if TYPE_CHECKING:
    from qualify.core.questionnaire import Catalog
    from qualify.store.base import Store

MIN_PROSPECTS = 1000
"""Fewer to assess, and starting workers would cost more than they save."""
CHUNK = 250
"""Prospects a worker assesses per run (small enough to share the work evenly)."""
MAX_WORKERS = 8


@dataclass(frozen=True)
class Assessed:
    """One prospect, read and assessed."""

    prospect_id: str
    revision: str | None
    share: ProspectShare | None
    """None: its records could not be read (noted on the store)."""
    keep: bool
    """Its share may be kept for the next run: it has a revision and every snapshot
    its interviews were asked with could be read (a warning must be given every time)."""


def assess_all(
    store: Store,
    ctx: ReportContext,
    ids: list[str],
    language: str | None,
    *,
    workers: int | None = None,
) -> Iterator[Assessed]:
    """Each prospect of `ids` read and assessed on `ctx`, in that order; in worker
    processes when there are enough of them (`workers`: how many, default one per core).
    Snapshot warnings end up in ``ctx.snapshots``, unreadable prospects noted on `store`."""
    count = workers if workers is not None else min(_cores(), MAX_WORKERS)
    opener = store.opener() if count > 1 and len(ids) >= MIN_PROSPECTS else None
    if opener is None:
        yield from _assess(store, ctx, ids, language)
        return
    chunks = [ids[i : i + CHUNK] for i in range(0, len(ids), CHUNK)]
    count = min(count, len(chunks))
    mp = _context()
    start = (opener, ctx.catalog, ctx.now, ctx.tz, language, current())
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
                found, warnings, notes = pipes[k % count].recv()
            except (EOFError, OSError):  # that worker died: its runs are assessed here
                yield from _assess(store, ctx, chunk, language)
                continue
            ctx.snapshots.warnings.update(warnings)
            for note in notes:
                store.note_unreadable(note)
            yield from found
    finally:  # done, or interrupted (Ctrl-C is this process's): no worker outlives it
        started = [proc for proc in procs if proc is not None]
        for proc in started:
            if proc.is_alive():
                proc.terminate()
        for proc in started:
            proc.join()
        for pipe in pipes:
            pipe.close()


def _assess(
    store: Store, ctx: ReportContext, ids: list[str], language: str | None
) -> Iterator[Assessed]:
    for pid in ids:
        read = readable_revision(store, pid)
        if read is None:
            yield Assessed(pid, None, None, keep=False)
            continue
        records, revision = read
        read_snapshots(
            store,
            records.interviews,
            ctx.catalog.question_sets,
            into=ctx.snapshots,
            language=language,
        )
        share = prospect_share(ctx.assess(records), ctx)
        warned = any(i.questionnaire_hash in ctx.snapshots.warnings for i in records.interviews)
        yield Assessed(pid, revision, share, keep=revision is not None and not warned)


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

_worker: tuple[Store, ReportContext, str | None] | None = None


def _run(
    send: Connection,
    inherited: list[Connection],
    parent: int,
    start: tuple[Callable[[], Store], Catalog, datetime, tzinfo | None, str | None, str],
    chunks: list[list[str]],
) -> None:
    """A worker: its runs of prospects, each sent back as soon as it is assessed. It
    stops when the portfolio's process is gone (killed: nobody would read the rest)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C: the portfolio stops the workers
    for pipe in inherited:
        pipe.close()
    try:
        _start(*start)
        for chunk in chunks:
            if os.getppid() != parent:
                return
            send.send(_work(chunk))
    except OSError:  # the portfolio's process is gone (a broken pipe)
        return
    except Exception:  # said once, by the portfolio, which does the rest itself
        return
    finally:
        send.close()


def _start(
    opener: Callable[[], Store],
    catalog: Catalog,
    now: datetime,
    tz: tzinfo | None,
    language: str | None,
    words: str,
) -> None:
    global _worker
    set_language(words)  # qualify's own words, as in the portfolio's process
    _worker = (opener(), ReportContext(catalog, Snapshots(), now, tz), language)


def _work(ids: list[str]) -> tuple[list[Assessed], dict[str, str], list[str]]:
    """A run of prospects assessed; with the snapshot warnings and the notes of
    unreadable prospects it added."""
    assert _worker is not None
    store, ctx, language = _worker
    warned, noted = set(ctx.snapshots.warnings), len(store.unreadable())
    found = list(_assess(store, ctx, ids, language))
    warnings = {k: v for k, v in ctx.snapshots.warnings.items() if k not in warned}
    return found, warnings, store.unreadable()[noted:]


__all__ = ["MIN_PROSPECTS", "Assessed", "assess_all"]

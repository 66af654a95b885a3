"""Assessing the prospects a portfolio has no kept share for, on every core.

A portfolio with nothing kept (the first, or after the sets change) assesses every
prospect: seconds for 10,000, nearly all of it scoring. So when there are many, workers
share them (:mod:`qualify.workers`): each reads and assesses runs of prospects and sends
back their shares, with the snapshot warnings and the notes of unreadable prospects
they gave; the portfolio takes them in the order it asked for them, so the report is
the one a single process makes (the tests compare the two).
"""

from __future__ import annotations

from collections.abc import Hashable, Iterator
from dataclasses import dataclass
from datetime import datetime, tzinfo
from typing import TYPE_CHECKING, Any

from qualify.core.assess import Snapshots
from qualify.core.days import DayDependence, NotingReads, WatchedDay
from qualify.reports.context import ReportContext
from qualify.reports.portfolio import ProspectShare, prospect_share
from qualify.store.reading import read_snapshots, readable_revision
from qualify.workers import in_runs

if TYPE_CHECKING:
    from qualify.core.questionnaire import Catalog
    from qualify.store.base import Store


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
    depends: DayDependence | None = None
    """What the assessment asked of the day: on which other days the share holds."""
    sets: tuple[str, ...] = ()
    """The active question sets the assessment read (a gate of a stage not started)."""
    stamp: Hashable | None = None
    """The stamp its records were read under (``Store.read_stamped``; None: none)."""


Run = tuple[list[Assessed], dict[str, str], list[str]]
"""A run of prospects assessed, with the snapshot warnings and the notes of unreadable
prospects it gave (a worker's: the portfolio's own go straight to its context)."""


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

    def here(run: list[str]) -> Run:
        return list(_assess(store, ctx, run, language)), {}, []

    setup = (ctx.catalog, ctx.now, ctx.tz, language)
    runs = in_runs(store, ids, begin=_start, work=_work, setup=setup, here=here, workers=workers)
    for found, warnings, notes in runs:
        ctx.snapshots.warnings.update(warnings)
        for note in notes:
            store.note_unreadable(note)
        yield from found


def _assess(
    store: Store, ctx: ReportContext, ids: list[str], language: str | None
) -> Iterator[Assessed]:
    for pid in ids:
        read = readable_revision(store, pid)
        if read is None:
            yield Assessed(pid, None, None, keep=False)
            continue
        records, revision, stamp = read
        read_snapshots(
            store,
            records.interviews,
            ctx.catalog.question_sets,
            into=ctx.snapshots,
            language=language,
        )
        # the day and the active sets, noting what the assessment reads of them: a kept
        # share is assessed again when those change, not when any day or set does
        day = WatchedDay(ctx.today)
        sets: dict[str, tuple[bool, Any]] = {}
        read_sets = NotingReads(ctx.catalog.question_sets, sets)
        share = prospect_share(ctx.assess(records, day, read_sets), ctx, day)
        warned = any(i.questionnaire_hash in ctx.snapshots.warnings for i in records.interviews)
        keep = revision is not None and not warned
        depends = day.dependence()
        read_sets = tuple(sorted(sets))
        yield Assessed(pid, revision, share, keep, depends, read_sets, stamp)


# ------------------------------------------------------------------ in a worker

Worker = tuple["Store", ReportContext, str | None]


def _start(store: Store, setup: tuple[Catalog, datetime, tzinfo | None, str | None]) -> Worker:
    catalog, now, tz, language = setup
    return store, ReportContext(catalog, Snapshots(), now, tz), language


def _work(worker: Worker, ids: list[str]) -> Run:
    """A run of prospects assessed in a worker; with the snapshot warnings and the notes
    of unreadable prospects it added."""
    store, ctx, language = worker
    warned, noted = set(ctx.snapshots.warnings), len(store.unreadable())
    found = list(_assess(store, ctx, ids, language))
    warnings = {k: v for k, v in ctx.snapshots.warnings.items() if k not in warned}
    return found, warnings, store.unreadable()[noted:]


__all__ = ["Assessed", "assess_all"]

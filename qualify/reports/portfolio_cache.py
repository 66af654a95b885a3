"""The portfolio read from a store, with each prospect's share kept from one run to
the next.

Assessing 10,000 prospects takes seconds, and most did not change since the last
portfolio. A prospect's share (:class:`~qualify.reports.portfolio.ProspectShare`: its
row, its place in the funnel, its territory's load) depends on its records, the active
question sets and pipeline, the day, the time zone, the language and qualify's code,
and on nothing else. So each run keeps the shares in the user cache dir, as one entry of
:mod:`qualify.setcache` (checked when read, written atomically, made by the same code)
keyed by all of that but the records, the day and the active sets; each share is kept
under its prospect's revision (``Store.revisions``: the digest of its file's bytes in a
workspace, the server's stamp of its last change on PostgreSQL), what its assessment
asked of the day (:mod:`qualify.core.days`: the days its date comparisons hold for, and
the set's conditions and formulas that read the day, with the answers they read) and
the digests of the active sets it read (the gate of a stage not started: interviews
are scored against their snapshots). The next portfolio, the same day or a later one,
takes a share only when the revision is the same, everything asked of the day gives the
same answers today and those sets are unchanged; every other prospect is read and
assessed as before. So the first portfolio of a day assesses only the prospects that
changed, or whose re-contact date, review or `today()` came due. Nor does it read the
files of the others to know that they did not change: a share also keeps the stamp its
revision was read under (``Store.stamps``; a file's inode, size and times, as git's),
and while the stamp is the same so is the revision.

Never kept: a prospect whose question-set snapshot could not be read (so its warning
is given every time), one that could not be read at all, or one whose store gives no
revision. Another pipeline, time zone or language starts afresh.
``QUALIFY_CACHE_DIR=off`` turns it off.
"""

from __future__ import annotations

import hashlib
import os
import time
from collections.abc import Callable, Collection, Hashable, Iterator, Sequence
from datetime import datetime, tzinfo
from typing import TYPE_CHECKING

import orjson

from qualify.core.assess import Snapshots
from qualify.core.days import DayDependence
from qualify.core.questionnaire.conditions import compiled_text
from qualify.i18n import current
from qualify.reports.capacity import Capacity
from qualify.reports.context import ReportContext
from qualify.reports.portfolio import ProspectShare, assemble_portfolio
from qualify.reports.portfolio_workers import assess_all
from qualify.reports.views import PortfolioReport
from qualify.setcache import read_entry, write_entry

if TYPE_CHECKING:
    from qualify.core.questionnaire import Catalog
    from qualify.core.records import ProspectSummary
    from qualify.store.base import Store

KIND = "portfolio"
SCOPE = ("core", "i18n", "reports", "store")
"""The code a share depends on: the assessment, the words, the rows, the records read."""

SetDigests = tuple[tuple[str, str | None], ...]
"""The active question sets an assessment read: (set id, its digest; None: not there)."""
Progress = Callable[[int, int], None]
"""Told (done, total) as prospects are assessed: a command's progress line."""
Kept = dict[str, tuple[str, Hashable, DayDependence, SetDigests, ProspectShare]]
"""Prospect id → its revision, the stamp it was read under (None: none), what its
assessment asked of the day and the active sets it read, and its share."""


def portfolio_report(
    store: Store,
    catalog: Catalog,
    *,
    capacity: Capacity | None = None,
    territory: str | None = None,
    now: datetime | None = None,
    tz: tzinfo | None = None,
    language: str | None = None,
    progress: Progress | None = None,
    summaries: Sequence[ProspectSummary] | None = None,
) -> PortfolioReport:
    """Every prospect of a store (of `territory`, if given) in the portfolio; the sets'
    texts in `language`. One prospect's records are held at a time. `progress` is told
    how many of the prospects to assess are done (see :func:`portfolio_shares`).
    `summaries`: the store's list of prospects, when the caller has read it already."""
    if summaries is None:
        summaries = store.list_prospects()
    listed = [s.id for s in summaries]
    ids = listed if territory is None else [s.id for s in summaries if s.territory == territory]
    ctx = ReportContext(catalog, Snapshots(), now, tz)
    shares = (
        share
        for share in portfolio_shares(
            store, ctx, ids, listed=listed, language=language, progress=progress
        )
        if territory is None or share.row.territory == territory
    )
    evidence = store.evidence_tallies(ids)
    return assemble_portfolio(
        shares, ctx, capacity=capacity, territory=territory, evidence=evidence
    )


def portfolio_shares(
    store: Store,
    ctx: ReportContext,
    ids: list[str],
    *,
    listed: Collection[str],
    language: str | None = None,
    workers: int | None = None,
    progress: Progress | None = None,
) -> Iterator[ProspectShare]:
    """The share of each prospect of `ids`, in order: kept from an earlier run when its
    revision is the same (known without reading the records while their stamp is the
    same, see :meth:`~qualify.store.base.Store.stamps`), else read and assessed on `ctx`
    (its snapshots read into ``ctx.snapshots`` in `language`; in `workers` processes
    when there are many, see :mod:`qualify.reports.portfolio_workers`). A prospect that
    cannot be read is left out and noted on the store. When the walk ends, the shares
    are kept for the next run, for the prospects still `listed` (every prospect of the
    store, not only these). `progress(done, total)` is called as each prospect without a
    kept share is assessed (`total`: how many there are; never called when none)."""
    context, digests = _context(store, ctx, language), _digests(ctx)
    found = read_entry(KIND, context, SCOPE)
    kept: Kept = {
        pid: hit
        for pid, hit in (found.items() if isinstance(found, dict) else ())
        if isinstance(hit, tuple) and len(hit) == 5 and isinstance(hit[2], DayDependence)
    }
    # the stamps of the kept shares, before any revision is read (see Store.stamps); a
    # prospect assessed gives the stamp it is read under (Store.read_stamped)
    stamps = store.stamps([pid for pid in ids if pid in kept]) if kept else {}
    # a kept share's revision is read again only when its stamp is not the same; where
    # nothing is kept the assessment reads the revision, so none is read twice
    unsure = [
        pid
        for pid in ids
        if pid in kept and (stamps.get(pid) is None or stamps[pid] != kept[pid][1])
    ]
    revisions = dict(store.revisions(unsure)) if unsure else {}
    planned: list[tuple[str, ProspectShare | None]] = []
    changed = False
    for pid in ids:
        hit = kept.get(pid)
        if hit is None:
            planned.append((pid, None))
            continue
        revision = revisions[pid] if pid in revisions else hit[0]
        fits = (
            revision is not None
            and hit[0] == revision
            and hit[2].holds_on(ctx.today, compiled_text)
            and all(digests.get(set_id, None) == digest for set_id, digest in hit[3])
        )
        stamp = stamps.get(pid)
        if fits and stamp is not None and stamp != hit[1]:  # the same bytes, touched
            kept[pid] = (hit[0], stamp, *hit[2:])
            changed = True
        planned.append((pid, hit[4] if fits else None))
    misses = [pid for pid, share in planned if share is None]
    assessed = assess_all(store, ctx, misses, language, workers=workers)
    done = 0
    for pid, share in planned:
        if share is None:
            a = next(assessed)
            done += 1
            if progress is not None:
                progress(done, len(misses))
            known = a.revision is not None and a.share is not None and a.depends is not None
            if a.keep and known:
                read = tuple((set_id, digests.get(set_id)) for set_id in a.sets)
                kept[pid] = (a.revision, a.stamp, a.depends, read, a.share)
                changed = True
            else:
                changed |= kept.pop(pid, None) is not None
            if a.share is None:
                continue
            share = a.share
        yield share
    gone = kept.keys() - set(listed)
    if changed or gone:
        for pid in gone:
            del kept[pid]
        write_entry(KIND, context, SCOPE, kept)


def _context(store: Store, ctx: ReportContext, language: str | None) -> bytes:
    """Everything a share depends on but the prospect's records, the day, the active
    question sets it read (see :func:`_digests`) and the code."""
    pipeline = hashlib.blake2b(ctx.pipeline.model_dump_json().encode(), digest_size=20)
    return orjson.dumps(
        {
            "store": [type(store).__name__, store.location, store.login],
            "pipeline": pipeline.hexdigest(),
            "zone": _zone(ctx.tz),
            "language": [language or "", current()],  # the sets' texts, qualify's words
        }
    )


def _digests(ctx: ReportContext) -> dict[str, str]:
    """Each active question set's digest: all of it, texts and titles too (a next step
    names a set's meeting), in the language it was read in."""
    return {
        set_id: hashlib.blake2b(qs.model_dump_json().encode(), digest_size=20).hexdigest()
        for set_id, qs in ctx.catalog.question_sets.items()
    }


def _zone(tz: tzinfo | None) -> str:
    """The time zone dates are read in; without one, the machine's own (which a laptop
    changes when it travels)."""
    if tz is not None:
        return repr(tz)
    try:
        local = os.path.realpath("/etc/localtime")
    except OSError:
        local = ""
    return repr((os.environ.get("TZ"), time.tzname, time.timezone, time.altzone, local))


__all__ = ["portfolio_report", "portfolio_shares"]

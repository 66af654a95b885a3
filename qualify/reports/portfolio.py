"""The territory portfolio: ranking per stage, funnel, decline reasons, support
capacity and the partners who cost more than they bring, built from the core's
assessment of every prospect.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date, datetime, tzinfo
from typing import TYPE_CHECKING, Any

from qualify.core import rules
from qualify.core.assess import Assessment, ScoredInterview, Snapshots, review_outcome
from qualify.core.breakdown import frozen
from qualify.core.evidence import EvidenceTally
from qualify.core.records import ProspectRecords, ProspectStatus
from qualify.core.words import KIND_LABELS, STATUS_LABELS, band_class
from qualify.i18n import _, band_word, tr
from qualify.reports.capacity import Capacity
from qualify.reports.context import ReportContext
from qualify.reports.views import (
    CostConcern,
    DeclineReason,
    FunnelStep,
    PortfolioReport,
    PortfolioRow,
    StageGroup,
    TerritoryLoad,
)

if TYPE_CHECKING:
    from qualify.core.questionnaire import Catalog


def _row(a: Assessment, ctx: ReportContext, rank: int | None, today: date) -> PortfolioRow:
    p = a.records.prospect
    basis = a.basis
    b = basis.breakdown if basis is not None else None
    qs = basis.question_set if basis is not None else None
    # A prospect ranks on its current stage's interview; a committed partner on its review.
    if p.status == ProspectStatus.committed and a.review is not None:
        b, qs = a.review.breakdown, a.review.question_set
    elif basis is not a.current:
        b = None
    due = (
        p.status == ProspectStatus.on_hold
        and p.recontact_on is not None
        and p.recontact_on <= today
    )
    return PortfolioRow(
        rank=rank,
        id=p.id,
        name=p.name,
        territory=p.territory,
        kind=p.kind.value,
        kind_label=KIND_LABELS.get(p.kind.value, p.kind.value),
        stage=ctx.stage(p.stage),
        status=p.status.value,
        status_label=STATUS_LABELS.get(p.status.value, p.status.value),
        score=b.score if b else None,
        band=band_word(b.band) if b else None,
        band_class=band_class(qs, b.band if b else None, b.knocked_out if b else False),
        knocked_out=b.knocked_out if b else False,
        coverage=b.coverage if b else None,
        gate_passed=a.gate.passed if a.gate is not None else None,
        next_step=tr(a.next_step),
        reason=a.reason,
        recontact_on=p.recontact_on,
        due=due,
        support_cost=a.cost if p.status == ProspectStatus.committed else None,
        updated_at=ctx.local(p.updated_at),
        provisional=bool(b and b.provisional),
        trend=tuple(r.breakdown.score for r in a.reviews if r.breakdown is not None),
    )


def _ranked(row: PortfolioRow) -> bool:
    """A verdict to rank on: a score, not provisional (too little answered to compare),
    or a knock-out (not a fit, however little is answered)."""
    return row.score is not None and (row.knocked_out or not row.provisional)


def ranking(rows: Iterable[PortfolioRow]) -> tuple[PortfolioRow, ...]:
    """One stage's rows, best first (:func:`_rank_key`), the verdicts ranked 1, 2, 3…
    with no number skipped; a provisional score, or none yet, after them, unranked: too
    thin to compare."""
    ordered = sorted(rows, key=_rank_key)
    verdicts = sum(map(_ranked, ordered))
    return (*map(_with_rank, ordered[:verdicts], range(1, verdicts + 1)), *ordered[verdicts:])


def _rank_key(row: PortfolioRow) -> tuple[Any, ...]:
    """Best first: the verdicts (not knocked out, then knocked out; highest score, then
    the most complete), then a provisional score, then none yet; then by name."""
    return (
        not _ranked(row),
        row.knocked_out,
        row.score is None,
        -(row.score or 0.0),
        -(row.coverage or 0.0),
        row.name.casefold(),
        row.id,
    )


@dataclass(frozen=True)
class ProspectShare:
    """One prospect's part of the portfolio: its row (before its rank and its evidence
    files, which are not in its records) and what it adds to the funnel and to its
    territory's support load. A function of the prospect's records, the sets, the day,
    the time zone and the language only, so the portfolio cache can keep it
    (:mod:`qualify.reports.portfolio_cache`)."""

    row: PortfolioRow
    reach: int
    """How far the prospect got: its stage's index in the pipeline."""
    status: ProspectStatus
    hours: Any = None
    """A committed partner's support hours from its latest review (as answered)."""
    concern: CostConcern | None = None
    """A committed partner whose support costs more than it brings."""
    about_to_commit: bool = False


def prospect_share(a: Assessment, ctx: ReportContext, today: date | None = None) -> ProspectShare:
    """The prospect's part of the portfolio, from its assessment (made on `today`, a
    watched day, when given: see :mod:`qualify.core.days`)."""
    if today is None:
        today = ctx.today
    p = a.records.prospect
    hours: Any = None
    concern = None
    if p.status == ProspectStatus.committed:
        if a.review is not None:
            hours = a.review.values.get(rules.SUPPORT_QUESTIONS[0])
        if a.cost is not None and a.cost.flagged:
            concern = _concern(a, ctx, today)
    return ProspectShare(
        row=_row(a, ctx, None, today),
        reach=ctx.stage_index.get(p.stage, len(ctx.pipeline.stages)),
        status=p.status,
        hours=hours,
        concern=concern,
        about_to_commit=p.status == ProspectStatus.active and p.stage in ctx.late_stages,
    )


def build_portfolio_report(
    records: Iterable[ProspectRecords],
    catalog: Catalog,
    snapshots: Snapshots,
    *,
    capacity: Capacity | None = None,
    territory: str | None = None,
    now: datetime | None = None,
    tz: tzinfo | None = None,
    evidence: Mapping[str, EvidenceTally] | None = None,
) -> PortfolioReport:
    """The territory portfolio (or one territory's). Pure: same records and clock, same
    report. ``evidence``: each prospect's evidence files (``Store.evidence_tallies``).

    One pass: each prospect is assessed, reduced to its share (row, funnel, load) and
    let go, so a portfolio of 10,000 holds 10,000 rows, not 10,000 assessments.
    `records` may be read lazily; `snapshots` need only hold an interview's set by the
    time its prospect comes."""
    ctx = ReportContext(catalog, snapshots, now, tz)
    shares = (
        prospect_share(ctx.assess(r), ctx)
        for r in records
        if territory is None or r.prospect.territory == territory
    )
    return assemble_portfolio(
        shares, ctx, capacity=capacity, territory=territory, evidence=evidence
    )


def assemble_portfolio(
    shares: Iterable[ProspectShare],
    ctx: ReportContext,
    *,
    capacity: Capacity | None = None,
    territory: str | None = None,
    evidence: Mapping[str, EvidenceTally] | None = None,
) -> PortfolioReport:
    """The portfolio from every prospect's share (of `territory`'s prospects, if given):
    ranked per stage, the funnel, the decline reasons, each territory's support load."""
    capacity = capacity or Capacity()
    pipeline = ctx.pipeline
    evidence = evidence or {}

    # Ranked per stage (active and committed), then just friends, then parted ways.
    by_stage: dict[str, list[PortfolioRow]] = {sid: [] for sid in pipeline.stage_ids}
    friends: list[PortfolioRow] = []
    parted: list[PortfolioRow] = []
    reach: list[tuple[int, ProspectStatus]] = []  # each prospect's stage index and status
    loads: dict[str, _Load] = {}
    concerns: list[CostConcern] = []
    for share in shares:
        row = share.row
        tally = evidence.get(row.id)
        if tally is not None:
            row = replace(row, evidence_files=tally.files, evidence_latest=ctx.local(tally.latest))
        if share.status == ProspectStatus.on_hold:
            friends.append(row)
        elif share.status == ProspectStatus.declined:
            parted.append(row)
        else:
            by_stage.setdefault(row.stage.id, []).append(row)
        reach.append((share.reach, share.status))
        load = loads.setdefault(row.territory, _Load())
        if share.status == ProspectStatus.committed:
            load.committed += 1
            load.hours.append(share.hours)
            if share.concern is not None:
                load.over_cost += 1
                concerns.append(share.concern)
        elif share.about_to_commit:
            load.about_to_commit += 1
    groups = []
    for sid, rows in by_stage.items():
        groups.append(StageGroup(ctx.stage(sid), ranking(rows)))
    friends.sort(key=lambda r: (r.recontact_on or date.max, r.name.casefold(), r.id))
    parted.sort(key=lambda r: (r.updated_at, r.name.casefold(), r.id), reverse=True)

    # The funnel: how far prospects got, where they are, where they were let go.
    steps = pipeline.stage_ids  # the review's last: committed partners past onboarding
    reached = Counter(index for index, _ in reach)
    here = Counter(reach)
    funnel: list[FunnelStep] = []
    for i, stage_id in enumerate(steps):
        funnel.append(
            FunnelStep(
                stage=ctx.stage(stage_id),
                reached=sum(n for index, n in reached.items() if index >= i),
                here=here[i, ProspectStatus.active] + here[i, ProspectStatus.committed],
                on_hold=here[i, ProspectStatus.on_hold],
                declined=here[i, ProspectStatus.declined],
            )
        )
    reasons: dict[str, Counter[str]] = {}
    for row in parted:
        text = row.reason or _("no reason recorded")
        reasons.setdefault(text, Counter())[row.stage.title] += 1
    decline_reasons = sorted(
        (
            DeclineReason(text, sum(c.values()), tuple(sorted(c, key=lambda t: (-c[t], t))))
            for text, c in reasons.items()
        ),
        key=lambda d: (-d.count, d.reason.casefold()),
    )

    # Support capacity per territory, and the partners who cost more than they bring.
    names = set(loads)
    if territory is None:
        names |= set(capacity.territories)
    else:
        names.add(territory)
    territory_loads: list[TerritoryLoad] = []
    for name in sorted(names, key=lambda t: (t == "", t.casefold())):
        load = loads.get(name) or _Load()
        cap = capacity.for_territory(name)
        check = rules.capacity_check(name, load.committed, load.about_to_commit, cap)
        numbers = [h for h in load.hours if isinstance(h, int | float) and not isinstance(h, bool)]
        territory_loads.append(
            TerritoryLoad(
                territory=name,
                committed=load.committed,
                about_to_commit=load.about_to_commit,
                capacity=cap,
                status=check.status,
                message=tr(check.message),
                support_hours=float(sum(numbers)) if numbers else None,
                over_cost=load.over_cost,
            )
        )
    concerns.sort(key=lambda c: (c.row.territory.casefold(), c.row.name.casefold(), c.row.id))
    warnings = tuple(dict.fromkeys(ctx.snapshots.warnings.values()))
    return PortfolioReport(
        generated_at=ctx.now,
        territory=territory,
        total=len(reach),
        groups=tuple(groups),
        just_friends=tuple(friends),
        parted_ways=tuple(parted),
        funnel=tuple(funnel),
        decline_reasons=tuple(decline_reasons),
        territories=tuple(territory_loads),
        cost_concerns=tuple(concerns),
        capacity_source=capacity.source,
        warnings=warnings,
    )


@dataclass
class _Load:
    """One territory's share of the support capacity, counted as prospects go by."""

    committed: int = 0
    about_to_commit: int = 0
    over_cost: int = 0
    hours: list[Any] = field(default_factory=list)
    """Each committed partner's support hours from its latest review (as answered)."""


def _concern(a: Assessment, ctx: ReportContext, today: date) -> CostConcern:
    """A committed partner whose support costs more than it brings."""
    review, cost = a.review, a.cost
    assert review is not None and cost is not None
    return CostConcern(
        row=_row(a, ctx, None, today),
        reasons=tuple(tr(r) for r in cost.reasons),
        reviewed_at=ctx.local(review.interview.completed_at or review.interview.updated_at),
        outcome=_cost_outcome(review),
        since=ctx.local(a.cost_since) if a.cost_since is not None else None,
    )


def _cost_outcome(review: ScoredInterview) -> str | None:
    """The review's decision beside a partner that costs more support than it brings:
    "grow" there contradicts the figures, and the portfolio says so."""
    outcome = review_outcome(review)
    if outcome is not None and review.values.get("outcome") == "grow":
        return _("Grow was decided, but support costs more than the revenue: review it")
    return outcome


def _with_rank(row: PortfolioRow, rank: int) -> PortfolioRow:
    """The row with its rank: what `dataclasses.replace` makes, without its __init__ over
    26 fields (a quarter of the time, on each of 10,000 rows: 60 ms of the portfolio's
    100), made as scoring makes its frozen records (:func:`~qualify.core.breakdown.frozen`)."""
    return frozen(type(row), {**vars(row), "rank": rank})

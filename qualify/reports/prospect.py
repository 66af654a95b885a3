"""The fit report of one prospect: its view model, built from the core's assessment.

Pure: :func:`build_prospect_report` takes records, the catalog and the parsed snapshots;
:func:`prospect_report` reads them from a store first (once). What counts as a
strength or a risk is decided in :mod:`qualify.core.rules`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime, tzinfo
from typing import TYPE_CHECKING, Any

from qualify.core import rules
from qualify.core.aftercare import review_plan_date
from qualify.core.agenda import AgendaItem, build_agenda
from qualify.core.assess import Assessment, ScoredInterview, Snapshots, review_outcome
from qualify.core.compare import compare, ideal_from_partners
from qualify.core.evidence import Attachment
from qualify.core.gates import evidence_shares
from qualify.core.questionnaire.model import DIRECTION_TITLES, QuestionSet
from qualify.core.records import ProspectRecords, ProspectStatus
from qualify.core.words import (
    KIND_LABELS,
    STATUS_LABELS,
    answer_text,
    band_class,
    one_line,
    score_class,
)
from qualify.i18n import _, band_word, tr
from qualify.reports.context import ReportContext
from qualify.reports.findings import findings, gate_view, headline, red_flag_views
from qualify.reports.interviews import attachment_views, interview_view, timeline
from qualify.reports.loading import load_prospect
from qualify.reports.views import (
    ComparisonView,
    Evidence,
    FitView,
    GapView,
    Header,
    KnockoutView,
    MoneyView,
    ProspectReport,
    QuestionSetRef,
    ReviewEntry,
    ReviewView,
    SectionGapView,
    SectionView,
    Verdict,
)

if TYPE_CHECKING:
    from qualify.core.questionnaire import Catalog
    from qualify.store.base import Store


def _direction_title(direction: str) -> str:
    return _(DIRECTION_TITLES.get(direction, direction))


def _evidence(scored: ScoredInterview) -> Evidence | None:
    sources = {qid: rec.source for qid, rec in scored.interview.answers.items()}
    shares = evidence_shares(scored.breakdown, sources)
    return Evidence(**shares) if shares is not None else None


def _question_text(qs: QuestionSet | None, question_id: str) -> str:
    question = qs.questions.get(question_id) if qs is not None else None
    return one_line(question.text) if question is not None else question_id


def _said(cost: rules.CostCheck) -> rules.CostCheck:
    """The check with its reasons and figures in the language in use."""
    reasons = tuple(tr(r) for r in cost.reasons)
    return replace(cost, reasons=reasons, cost=tr(cost.cost), earnings=tr(cost.earnings))


def _review_entries(a: Assessment, ctx: ReportContext) -> tuple[ReviewEntry, ...]:
    entries = []
    for n, (r, cost) in enumerate(zip(a.reviews, a.review_costs, strict=True), start=1):
        b = r.breakdown
        outcome_record = r.interview.answers.get(rules.OUTCOME_QUESTION)
        plan = r.values.get("improvement_plan")
        entries.append(
            ReviewEntry(
                number=n,
                at=ctx.local(r.at),
                stage=ctx.stage(r.interview.stage),
                score=b.score if b else None,
                band=band_word(b.band) if b else None,
                band_class=band_class(
                    r.question_set, b.band if b else None, bool(b and b.knocked_out)
                ),
                knocked_out=bool(b and b.knocked_out),
                outcome=review_outcome(r),
                outcome_reason=one_line(outcome_record.note) if outcome_record else "",
                plan=one_line(plan) if isinstance(plan, str) else "",
                plan_due=review_plan_date(r.values),
                support_cost=_said(cost),
                status=r.interview.status,
            )
        )
    return tuple(entries)


def _money(a: Assessment, ctx: ReportContext) -> MoneyView | None:
    """Cost to serve against earnings: the latest review's, else the latest stage's."""
    for s in reversed(a.scored):
        if s.question_set is None or s.breakdown is None:
            continue
        found = rules.money(s.question_set, s.breakdown.values)
        if found is not None:
            stage = ctx.stage(s.interview.stage)
            return MoneyView(
                stage,
                tr(found.cost),
                tr(found.earnings),
                found.ratio,
                found.exceeds,
                tr(found.text),
            )
    return None


def _review_view(a: Assessment, ctx: ReportContext) -> ReviewView | None:
    r = a.review
    if r is None or r.breakdown is None:
        return None
    due = a.review_due
    return ReviewView(
        at=ctx.local(r.interview.completed_at or r.interview.updated_at),
        stage=ctx.stage(r.interview.stage),
        score=r.breakdown.score,
        band=band_word(r.breakdown.band),
        band_class=band_class(r.question_set, r.breakdown.band, r.breakdown.knocked_out),
        outcome=review_outcome(r),
        support_cost=_said(a.cost or rules.CostCheck(False)),
        due_on=due,
        overdue=due is not None and due < ctx.today,
    )


def build_prospect_report(
    records: ProspectRecords,
    catalog: Catalog,
    snapshots: Snapshots,
    *,
    now: datetime | None = None,
    tz: tzinfo | None = None,
    partners: dict[str, list[dict[str, Any]]] | None = None,
    attachments: Sequence[Attachment] = (),
) -> ProspectReport:
    """The fit report of one prospect. Pure: same records and clock, same report.

    `tz` is the time zone dates are shown in (default: the machine's local zone).
    `partners`: the answers of your best committed partners per question set, for the
    comparison with the ideal partner (left out when fewer than two answered the set).
    `attachments`: the prospect's evidence files (their records).
    """
    ctx = ReportContext(catalog, snapshots, now, tz)
    a = ctx.assess(records)
    p = records.prospect
    basis = a.basis
    b = basis.breakdown if basis is not None else None
    qs = basis.question_set if basis is not None else None

    knockouts: list[KnockoutView] = []
    if basis is not None and b is not None and qs is not None:
        for hit in b.knockouts:
            line = b.question(hit.question)
            knockouts.append(
                KnockoutView(
                    question_id=hit.question,
                    question=line.text if line else hit.question,
                    answer=tr(
                        answer_text(qs.questions.get(hit.question), line.value if line else None)
                    ),
                    reason=one_line(hit.reason),
                    stage=ctx.stage(basis.interview.stage),
                )
            )
    verdict = Verdict(
        basis=ctx.stage(basis.interview.stage) if basis is not None else None,
        question_set=ctx.question_set_ref(basis.interview) if basis is not None else None,
        score=b.score if b else None,
        band=band_word(b.band) if b else None,
        band_class=band_class(qs, b.band if b else None, b.knocked_out if b else False),
        coverage=b.coverage if b else None,
        answered=b.answered if b else 0,
        visible=b.visible if b else 0,
        knocked_out=b.knocked_out if b else False,
        knockouts=tuple(knockouts),
        evidence=_evidence(basis) if basis is not None else None,
        headline=headline(a, ctx),
        provisional=bool(b and b.provisional),
        weight_answered=b.weight_answered if b else None,
    )
    fit: list[FitView] = []
    sections: list[SectionView] = []
    if b is not None:
        for direction, title in DIRECTION_TITLES.items():
            value = b.directions.get(direction)
            count = sum(1 for s in b.sections if s.direction == direction and s.visible)
            fit.append(FitView(direction, _(title), value, score_class(value, qs), count))
        for s in b.sections:
            if not s.shown:
                continue
            sections.append(
                SectionView(
                    id=s.id,
                    title=s.title,
                    direction=s.direction,
                    direction_title=_direction_title(s.direction),
                    weight=s.weight,
                    score=s.score,
                    band_class=score_class(s.score, qs),
                    coverage=s.coverage,
                    answered=s.answered,
                    visible=s.visible,
                )
            )
    strengths, risks = findings(a, ctx)

    interviews = tuple(
        interview_view(s, ctx, snapshots.warnings.get(s.interview.questionnaire_hash, ""))
        for s in a.scored
    )
    used: dict[str, QuestionSetRef] = {}
    for view in interviews:
        if view.question_set is not None:
            used.setdefault(f"{view.stage.id}:{view.question_set.hash}", view.question_set)
    interviewers = tuple(
        dict.fromkeys(
            name
            for i in records.interviews
            for name in (i.interviewer, *(r.by for r in i.answers.values()))
            if name
        )
    )
    contacts = [i.completed_at or i.updated_at for i in records.interviews]
    header = Header(
        id=p.id,
        name=p.name,
        territory=p.territory,
        kind=p.kind.value,
        kind_label=KIND_LABELS.get(p.kind.value, p.kind.value),
        stage=ctx.stage(p.stage),
        status=p.status.value,
        status_label=STATUS_LABELS.get(p.status.value, p.status.value),
        owner=p.owner,
        interviewers=interviewers,
        created_at=ctx.local(p.created_at),
        updated_at=ctx.local(p.updated_at),
        last_contact=ctx.local(max(contacts)) if contacts else None,
        recontact_on=p.recontact_on,
        tags=tuple(p.tags),
        notes=p.notes.strip(),
        question_sets=tuple(used.values()),
        next_meeting=p.next_meeting,
    )
    warnings = tuple(
        dict.fromkeys(
            snapshots.warnings[i.questionnaire_hash]
            for i in records.interviews
            if i.questionnaire_hash in snapshots.warnings
        )
    )
    return ProspectReport(
        generated_at=ctx.now,
        header=header,
        verdict=verdict,
        gate=gate_view(a, ctx),
        fit=tuple(fit),
        sections=tuple(sections),
        strengths=tuple(strengths),
        risks=tuple(risks),
        interviews=interviews,
        timeline=tuple(timeline(a, ctx)),
        review=_review_view(a, ctx),
        next_step=tr(a.next_step),
        warnings=warnings,
        agenda=_agenda(a),
        comparison=_comparison(a, partners or {}),
        red_flags=red_flag_views(a, ctx),
        reviews=_review_entries(a, ctx),
        money=_money(a, ctx),
        attachments=attachment_views(attachments, records, ctx),
        review_bands=tuple(
            (b.min, b.label)
            for b in (
                a.review.question_set.effective_bands if a.review and a.review.question_set else ()
            )
        ),
    )


MAX_GAPS = 5


def _comparison(a: Assessment, partners: dict[str, list[dict[str, Any]]]) -> ComparisonView | None:
    basis = a.basis
    if basis is None or basis.question_set is None:
        return None
    qs = basis.question_set
    answers = partners.get(qs.id, [])
    if len(answers) < 2:
        return None
    ideal = ideal_from_partners(qs, answers)
    result = compare(qs, basis.values, ideal)
    gaps = [
        GapView(
            question_id=g.question_id,
            question=one_line(g.text),
            prospect=tr(answer_text(qs.questions.get(g.question_id), g.left)),
            ideal=tr(answer_text(qs.questions.get(g.question_id), g.right)),
            impact=g.impact,
            knockout=one_line(g.knockout) if g.knockout else None,
        )
        for g in result.answers
        if g.left is not None and g.right is not None
    ]
    return ComparisonView(
        label=_("your {n} best committed partners").format(n=len(answers)),
        question_set=qs.title,
        partners=len(answers),
        prospect_score=result.left.score,
        ideal_score=result.right.score,
        sections=tuple(
            SectionGapView(one_line(s.title), s.left, s.right, s.delta) for s in result.sections
        ),
        gaps=tuple(gaps[:MAX_GAPS]),
    )


def _agenda(a: Assessment) -> tuple[AgendaItem, ...]:
    """Open items of the current stage's interview; none once the prospect is declined."""
    if a.records.prospect.status == ProspectStatus.declined or a.gate_set is None:
        return ()
    if a.gate_breakdown is None:
        return ()
    answers = a.current.interview.answers if a.current is not None else {}
    items = build_agenda(a.gate_set, answers, a.gate_breakdown, a.stage).items
    return tuple(replace(item, why=tr(item.why)) for item in items)


def prospect_report(
    store: Store,
    catalog: Catalog,
    prospect_id: str,
    *,
    now: datetime | None = None,
    tz: tzinfo | None = None,
) -> ProspectReport:
    """Read one prospect (an id or an unambiguous prefix) from a store and build its report."""
    inputs = load_prospect(store, catalog, prospect_id)
    return build_prospect_report(
        inputs.records,
        catalog,
        inputs.snapshots,
        now=now,
        tz=tz,
        partners=inputs.partners,
        attachments=inputs.attachments,
    )

"""What a prospect report says in sentences of its own: the headline of the verdict, the
strengths and risks, the gate and its criteria, and the red flags; every sentence in the
language in use (qualify's catalog), the core's sentences said with :func:`i18n.tr`."""

from __future__ import annotations

from typing import Any

from qualify.core import rules
from qualify.core.assess import Assessment
from qualify.core.gates import SOURCE_WORDS, needs_evidence
from qualify.core.questionnaire.model import EVIDENCE_SOURCES, QuestionSet
from qualify.core.records import ProspectStatus
from qualify.core.words import answer_text, one_line
from qualify.i18n import _, band_word, fmt_date, fmt_num, fmt_score, ngettext, tr
from qualify.reports.context import ReportContext
from qualify.reports.flag_words import gate_words
from qualify.reports.views import CriterionView, Finding, GateView, RedFlagView

__all__ = ["findings", "gate_view", "headline", "red_flag_views"]


def _source(source: str) -> str:
    return tr(SOURCE_WORDS.get(source, source))


def _earns(q: Any) -> str:
    return _("earns {points} of {max} points").format(points=fmt_num(q.points), max=fmt_num(q.max))


def findings(a: Assessment, ctx: ReportContext) -> tuple[list[Finding], list[Finding]]:
    """Strengths and risks of the verdict's interview, each traced to its question."""
    strengths: list[Finding] = []
    risks: list[Finding] = []
    basis = a.basis
    if basis is not None and basis.breakdown is not None and basis.question_set is not None:
        qs, b, interview = basis.question_set, basis.breakdown, basis.interview
        stage_ref = ctx.stage(interview.stage)
        lines = [(s, q) for s in b.sections for q in s.questions if q.visible]

        def finding(kind: str, text: str, s: Any, q: Any) -> Finding:
            rec = interview.answers.get(q.answer_key)
            return Finding(
                kind=kind,
                text=text,
                question_id=q.answer_key,
                question=q.text,
                answer=tr(answer_text(qs.questions.get(q.id), q.value)) if q.answered else None,
                section=s.title,
                stage=stage_ref,
                points=q.points,
                max=q.max or None,
                source=rec.source if rec is not None and q.answered else None,
                note=(rec.note if rec is not None else "").strip(),
            )

        scored = [(s, q) for s, q in lines if q.answered and q.points is not None and q.max]
        good = [(s, q) for s, q in scored if q.points / q.max >= rules.STRENGTH_RATIO]
        good.sort(key=lambda sq: (-(sq[1].contribution or 0), -sq[1].points / sq[1].max))
        for s, q in good[: rules.MAX_STRENGTHS]:
            strengths.append(finding("strength", _earns(q), s, q))

        for hit in b.knockouts:
            for s, q in lines:
                if q.id == hit.question:
                    text = _("Deal-breaker: {reason}").format(reason=one_line(hit.reason))
                    risks.append(finding("knockout", text, s, q))
                    break
        for s, q in lines:
            if q.required and not q.answered:
                rec = interview.answers.get(q.answer_key)
                state = rec.state if rec is not None else "unanswered"
                if state == "unknown":
                    text = _("Required question open: the prospect did not know yet")
                elif state == "declined":
                    text = _("Required question open: the prospect would not say")
                else:
                    text = _("Required question open: not answered yet")
                risks.append(finding("unanswered", text, s, q))
        stage = ctx.pipeline.stage_map.get(interview.stage)
        for s, q in lines:
            rec = interview.answers.get(q.answer_key)
            if q.answered and needs_evidence(stage, qs, q.id):
                source = rec.source if rec is not None else "stated"
                if source not in EVIDENCE_SOURCES:
                    text = _("Needs evidence: the answer is {source}, not verified").format(
                        source=_source(source)
                    )
                    risks.append(finding("unverified", text, s, q))
        low = [(s, q) for s, q in scored if q.points / q.max <= rules.RISK_RATIO]
        low.sort(key=lambda sq: (sq[1].points / sq[1].max, -sq[1].weight))
        listed = {r.question_id for r in risks}
        listed |= {f.key for f in a.open_red_flags if f.interview_id == interview.id}
        low = [(s, q) for s, q in low if q.id not in listed and q.answer_key not in listed]
        for s, q in low[: rules.MAX_LOW_SCORES]:
            risks.append(finding("low_score", _earns(q), s, q))

    p = a.records.prospect
    for flag in a.open_red_flags:
        since = fmt_date(ctx.local(flag.raised_at))
        if flag.waiting_for:
            text = _(
                "Red flag, open since {date}: {reason} (waiting for evidence: {waiting})"
            ).format(date=since, reason=flag.reason, waiting=", ".join(flag.waiting_for))
        else:
            text = _("Red flag, open since {date}: {reason}").format(date=since, reason=flag.reason)
        risks.insert(
            sum(1 for r in risks if r.kind == "knockout"),
            Finding(
                kind="red_flag",
                text=text,
                question_id=flag.key,
                question=flag.question,
                answer=tr(flag.answer),
                stage=ctx.stage(flag.stage),
                source=_source_of(a, flag.interview_id, flag.key),
            ),
        )
    if a.cost is not None and a.cost.flagged and a.review is not None:
        reasons = "; ".join(tr(r) for r in a.cost.reasons)
        if a.cost_since is not None and a.cost_since != a.review.at:
            text = _(
                "Consumes more support than the revenue it creates (since the review of "
                "{date}): {reasons}"
            ).format(date=fmt_date(ctx.local(a.cost_since)), reasons=reasons)
        else:
            text = _("Consumes more support than the revenue it creates: {reasons}").format(
                reasons=reasons
            )
        risks.append(
            Finding(kind="support_cost", text=text, stage=ctx.stage(a.review.interview.stage))
        )
    if (
        p.status == ProspectStatus.committed
        and a.committed_at is not None
        and a.gate is not None
        and not a.gate.passed
        and a.stage is not None
        and a.stage.id == ctx.pipeline.stages[-1].id
    ):
        days = (ctx.now - ctx.local(a.committed_at)).days
        if days > rules.ONBOARDING_DAYS:
            text = _(
                "Not activated {days} days after signing (onboarding should take about "
                "{usual}): raise it now"
            ).format(days=days, usual=rules.ONBOARDING_DAYS)
            risks.append(Finding(kind="onboarding", text=text, stage=ctx.stage(a.stage.id)))
    if p.status == ProspectStatus.committed:
        due = a.review_due
        review_stage = ctx.pipeline.review
        if due is not None and due < ctx.today:
            risks.append(
                Finding(
                    kind="review_due",
                    text=_("Relationship review overdue since {date}").format(date=fmt_date(due)),
                    stage=ctx.stage_or_none(review_stage.id if review_stage else None),
                )
            )
    return strengths, risks


def _source_of(a: Assessment, interview_id: str, key: str) -> str | None:
    scored = next((s for s in a.scored if s.interview.id == interview_id), None)
    record = scored.interview.answers.get(key) if scored is not None else None
    return record.source if record is not None else None


def headline(a: Assessment, ctx: ReportContext) -> str:
    basis = a.basis
    if basis is None or basis.breakdown is None:
        return _("Not scored yet: no answers recorded.")
    b = basis.breakdown
    where = ctx.stage(basis.interview.stage).title
    if b.provisional:
        shown = "—" if b.score is None else fmt_num(round(b.score))
        return _(
            "Provisional at {stage}: {score} · provisional · {answered} of {visible} answered "
            "— too little answered for a verdict."
        ).format(stage=where, score=shown, answered=b.answered, visible=b.visible)
    if b.knocked_out:
        return _("{band} at {stage}: {reasons}").format(
            band=band_word(b.band) or _("Not a fit"),
            stage=where,
            reasons="; ".join(one_line(k.reason) for k in b.knockouts),
        )
    text = _("{band} at {stage}: score {score}, {answered} of {visible} questions answered").format(
        band=b.band or _("No band"),
        stage=where,
        score=fmt_score(b.score),
        answered=b.answered,
        visible=b.visible,
    )
    if basis is not a.current and a.stage is not None:
        text += " " + _("(nothing answered yet at {stage})").format(stage=a.stage.title)
    return text + "."


def _question_text(qs: QuestionSet | None, question_id: str) -> str:
    question = qs.questions.get(question_id) if qs is not None else None
    return one_line(question.text) if question is not None else question_id


def gate_view(a: Assessment, ctx: ReportContext) -> GateView | None:
    gate = a.gate
    if gate is None or a.stage is None:
        return None
    nxt = ctx.stage_or_none(gate.next_stage_id)
    if nxt:
        name = _("Gate to {stage}").format(stage=nxt.title)
    else:
        name = _("{stage} gate").format(stage=a.stage.title)
    if gate.passed:
        summary = _("{gate}: met.").format(gate=name)
    else:
        missing = len(gate.unmet)
        summary = ngettext(
            "{gate}: not met ({n} criterion open).", "{gate}: not met ({n} criteria open).", missing
        ).format(gate=name, n=missing)
    flags = {f.id: f.question for f in a.red_flags}
    return GateView(
        stage=ctx.stage(a.stage.id),
        next_stage=nxt,
        title=name,
        passed=gate.passed,
        criteria=tuple(
            CriterionView(
                c.key,
                c.met,
                one_line(tr(c.text)),
                tuple(c.questions),
                tuple(
                    flags[q]
                    if c.key == "red_flags" and q in flags
                    else _question_text(a.gate_set, q)
                    for q in c.questions
                ),
            )
            for c in gate.criteria
        ),
        summary=summary,
    )


def red_flag_views(a: Assessment, ctx: ReportContext) -> tuple[RedFlagView, ...]:
    marked = [s.title for s in ctx.pipeline.stages if s.gate.no_open_red_flags]
    if not marked:
        usual = _("no gate")
    elif len(marked) == 1:
        usual = gate_words(marked[0])
    else:
        usual = _("the {stages} gates").format(
            stages=_("{first} and {last}").format(first=", ".join(marked[:-1]), last=marked[-1])
        )
    views = [
        RedFlagView(
            id=f.id,
            stage=ctx.stage(f.stage),
            question_id=f.key,
            question=f.question,
            answer=tr(f.answer),
            reason=f.reason,
            status=f.status,
            holds=_("every gate from {stage}").format(stage=ctx.stage(f.stage).title)
            if f.holds_every_gate
            else usual,
            cleared_by=f.cleared_by,
            waiting_for=f.waiting_for,
            override=f.override,
        )
        for f in a.red_flags
    ]
    order = {"open": 0, "overridden": 1, "cleared": 2}
    return tuple(sorted(views, key=lambda v: order.get(v.status, 3)))

"""The answers of every interview and the stage timeline, as a report shows them."""

from __future__ import annotations

from collections.abc import Sequence

from qualify.core.assess import Assessment, ScoredInterview, review_outcome
from qualify.core.evidence import Attachment, oldest_first, superseded_by
from qualify.core.gates import needs_evidence
from qualify.core.phrase import in_quotes
from qualify.core.questionnaire.model import EVIDENCE_SOURCES, QuestionSet
from qualify.core.records import HistoryEntry, ProspectRecords
from qualify.core.undo import undone_ids
from qualify.core.words import (
    ACTION_LABELS,
    answer_text,
    band_class,
    one_line,
)
from qualify.i18n import _, band_word, fmt_date, fmt_score, fmt_size, tr
from qualify.reports.context import ReportContext
from qualify.reports.views import (
    AnswerView,
    AttachmentView,
    InterviewView,
    SectionAnswers,
    TimelineEntry,
)

UNCHECKED = frozenset({"stated", "estimated", None})
"""Sources of an answer that rests on a claim or an estimate (not evidence, not a judgement)."""


def interview_view(scored: ScoredInterview, ctx: ReportContext, warning: str) -> InterviewView:
    interview = scored.interview
    qs, b = scored.question_set, scored.breakdown
    sections: list[SectionAnswers] = []
    if qs is not None and b is not None:
        stage = ctx.pipeline.stage_map.get(interview.stage)
        for s in b.sections:
            answers: list[AnswerView] = []
            for q in s.questions:
                rec = interview.answers.get(q.answer_key)
                if not q.visible:
                    continue  # not asked of this prospect (or hidden by a later change)
                question = qs.questions.get(q.id)
                if q.answered:
                    state = "answered"
                elif rec is not None and rec.state != "answered":
                    state = rec.state
                else:
                    state = "unanswered"
                source = rec.source if rec is not None and q.answered else None
                needs = (
                    q.answered
                    and source not in EVIDENCE_SOURCES
                    and needs_evidence(stage, qs, q.id)
                )
                answers.append(
                    AnswerView(
                        question_id=q.answer_key,
                        question=q.text,
                        type=q.type,
                        state=state,
                        value=q.value if q.answered else None,
                        answer=tr(answer_text(question, q.value)) if q.answered else "",
                        points=q.points,
                        max=q.max,
                        weight=q.weight,
                        contribution=q.contribution,
                        source=source,
                        note=(rec.note if rec is not None else "").strip(),
                        answered_at=ctx.local_opt(rec.answered_at) if rec is not None else None,
                        by=rec.by if rec is not None else "",
                        required=q.required,
                        needs_evidence=needs,
                        unverified_in_score=bool(q.contribution) and source in UNCHECKED,
                        knockout=q.knockout,
                    )
                )
            if not s.shown and not answers:
                continue
            sections.append(
                SectionAnswers(
                    id=s.id,
                    title=s.title,
                    direction=s.direction,
                    score=s.score,
                    answered=s.answered,
                    visible=s.visible,
                    answers=tuple(answers),
                )
            )
    return InterviewView(
        id=interview.id,
        stage=ctx.stage(interview.stage),
        kind=interview.kind,
        status=interview.status,
        interviewer=interview.interviewer,
        started_at=ctx.local(interview.started_at),
        completed_at=ctx.local_opt(interview.completed_at),
        question_set=ctx.question_set_ref(interview),
        score=b.score if b else None,
        band=band_word(b.band) if b else None,
        band_class=band_class(qs, b.band if b else None, b.knocked_out if b else False),
        coverage=b.coverage if b else None,
        answered=b.answered if b else 0,
        visible=b.visible if b else 0,
        notes=interview.notes.strip(),
        sections=tuple(sections),
        warning=warning,
    )


def _correction_text(
    h: HistoryEntry,
    by_id: dict[str, HistoryEntry],
    ctx: ReportContext,
    sets: dict[str, QuestionSet | None],
) -> str:
    """An undo or a correction as a sentence: what it took back or changed, and why; the
    questions quoted as asked."""
    reason = one_line(h.reason)
    why = f": {reason}" if reason else ""
    d = h.details

    def asked(qid: object) -> str:
        qs = sets.get(str(d.get("interview")))
        found = qs.resolve(str(qid)) if qs is not None else None
        return tr(in_quotes(found[0].text)) if found is not None else str(qid)

    if h.action == "correct":
        stage = ctx.stage_or_none(str(d.get("stage") or h.from_stage or ""))
        changed = "; ".join(asked(q) for q in (d.get("answers") or {}))
        where = stage.title if stage else _("an earlier stage")
        said = _("Corrected after the stage was left ({stage}): {changed}")
        return said.format(stage=where, changed=changed) + why
    if d.get("undoes") == "answer":
        said = _("Undone: the answer to {question}")
        return said.format(question=asked(d.get("question", "?"))) + why
    undone = by_id.get(str(d.get("undoes")))
    if undone is None:
        return _("Undone: {what}").format(what=d.get("undone", _("a move"))) + why
    src, dst = ctx.stage_or_none(undone.from_stage), ctx.stage_or_none(undone.to_stage)
    if undone.action == "advance":
        what = _("the move {move}").format(
            move=f"{src.title if src else '?'} → {dst.title if dst else '?'}"
        )
    else:
        what = _(ACTION_LABELS.get(undone.action, undone.action)).lower()
    return (
        _("Undone: {what} of {date}").format(what=what, date=fmt_date(ctx.local(undone.at))) + why
    )


def timeline(a: Assessment, ctx: ReportContext) -> list[TimelineEntry]:
    entries: list[TimelineEntry] = []
    scored = {s.interview.id: s for s in a.scored}
    undone = undone_ids(a.records.history)
    by_id = {h.id: h for h in a.records.history}
    sets = {s.interview.id: s.question_set for s in a.scored}
    for h in a.records.history:
        src, dst = ctx.stage_or_none(h.from_stage), ctx.stage_or_none(h.to_stage)
        reason = one_line(h.reason)
        unmet: tuple[str, ...] = ()
        if h.gate and isinstance(h.gate.get("unmet"), list):
            unmet = tuple(one_line(str(u)) for u in h.gate["unmet"])
        where = (dst or src).title if (dst or src) else ""
        if h.action == "created":
            text = _("Added at {stage}").format(stage=where) if where else _("Added")
        elif h.action == "advance":
            text = f"{src.title if src else '?'} → {dst.title if dst else '?'}"
            if h.overridden:
                said = reason or _("no reason given")
                text += ", " + _("gate overridden: {reason}").format(reason=said)
            elif h.gate and h.gate.get("passed") is True:
                text += ", " + _("gate met")
        elif h.action == "review" and isinstance(h.details.get("review"), int):
            text = _("Review {n} started").format(n=h.details["review"])
        elif h.action in ("undo", "correct"):
            text = _correction_text(h, by_id, ctx, sets)
        else:
            label = _(ACTION_LABELS.get(h.action, h.action))
            text = _("{action} at {stage}").format(action=label, stage=where) if where else label
            if reason:
                text += f": {reason}"
            if h.action == "rescore" and isinstance(h.details.get("old"), dict):
                old, new = h.details["old"], h.details.get("new") or {}
                text += (
                    f" — score {fmt_score(old.get('score'))} {old.get('band') or ''}".rstrip()
                    + f" → {fmt_score(new.get('score'))} {new.get('band') or ''}".rstrip()
                )
        if h.action == "created" and reason:
            text += f": {reason}"
        entries.append(
            TimelineEntry(
                at=ctx.local(h.at),
                action=h.action,
                label=_(ACTION_LABELS.get(h.action, h.action)),
                text=text,
                from_stage=src,
                to_stage=dst,
                overridden=h.overridden,
                reason=reason,
                by=h.by,
                unmet=unmet if h.overridden else (),
                undone=h.id in undone,
            )
        )
    for interview in a.records.interviews:
        if interview.kind != "review":
            continue
        s = scored[interview.id]
        if s.breakdown is None:
            continue
        outcome = review_outcome(s)
        band = band_word(s.breakdown.band) or _("not scored")
        text = _("Relationship review: {band}").format(band=band)
        if s.breakdown.score is not None:
            text += f" ({fmt_score(s.breakdown.score)})"
        if outcome:
            text += ", " + _("outcome {outcome}").format(outcome=outcome)
        entries.append(
            TimelineEntry(
                at=ctx.local(interview.completed_at or interview.updated_at),
                action="review",
                label=_(ACTION_LABELS["review"]),
                text=text,
                from_stage=None,
                to_stage=ctx.stage(interview.stage),
                overridden=False,
                reason="",
                by=interview.interviewer,
            )
        )
    entries.sort(key=lambda e: e.at)
    return entries


def attachment_views(
    attachments: Sequence[Attachment], records: ProspectRecords, ctx: ReportContext
) -> tuple[AttachmentView, ...]:
    """Evidence files, oldest first, each named by its stage and question; a superseded
    one says which newer file took its place."""
    sets: dict[str, QuestionSet] = {}
    for interview in records.interviews:  # the latest interview of each stage wins
        qs = ctx.snapshots.get(interview.questionnaire_hash)
        if qs is not None:
            sets[interview.stage] = qs
    newer = superseded_by(attachments)
    views: list[AttachmentView] = []
    for a in oldest_first(attachments):
        qs = sets.get(a.stage)
        found = qs.resolve(a.question_id) if qs is not None else None
        later = newer.get(a.id)
        views.append(
            AttachmentView(
                stage=ctx.stage(a.stage),
                question_id=a.question_id,
                question=one_line(found[0].text) if found is not None else a.question_id,
                name=a.name,
                size=a.size,
                size_text=fmt_size(a.size),
                sha256=a.sha256,
                by=a.by,
                at=ctx.local(a.at),
                note=a.note,
                superseded_by=later.name if later is not None else None,
            )
        )
    return tuple(views)

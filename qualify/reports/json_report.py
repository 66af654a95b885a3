"""The fit report as JSON, for tools downstream: a documented, versioned contract.

The shape is written out field by field here (not dumped from the model), so a
refactoring of the model cannot silently change what other tools read. The
contract is ``qualify/reports/schema/report.schema.json`` (JSON Schema 2020-12)
and ``docs/report-schema.md``; every document carries ``"schema":
"qualify.report/1"``. Within version 1 fields are only ever added; a field that
changes meaning or goes away means ``qualify.report/2``.
"""

from __future__ import annotations

import json
import re
from datetime import date, datetime
from importlib import resources
from typing import Any

from qualify.reports.views import (
    AnswerView,
    Finding,
    InterviewView,
    ProspectReport,
    QuestionSetRef,
    StageRef,
)

SCHEMA_FILE = "report.schema.json"


def schema() -> dict[str, Any]:
    """The JSON Schema every prospect report validates against."""
    text = resources.files("qualify.reports").joinpath("schema", SCHEMA_FILE).read_text("utf-8")
    return json.loads(text)


def _dt(value: datetime | None) -> str | None:
    return None if value is None else value.isoformat()


def _d(value: date | None) -> str | None:
    return None if value is None else value.isoformat()


def _stage(ref: StageRef | None) -> dict[str, str] | None:
    return None if ref is None else {"id": ref.id, "title": ref.title}


def _qs(ref: QuestionSetRef | None) -> dict[str, Any] | None:
    if ref is None:
        return None
    return {
        "id": ref.id,
        "version": ref.version,
        "title": ref.title,
        "hash": ref.hash,
        "stage": _stage(ref.stage),
        "current_version": ref.current_version,
    }


def _value(value: Any) -> Any:
    """Answers are str, number, bool or a list of str; anything else becomes its text."""
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, list | tuple):
        return [v if isinstance(v, str | int | float | bool) else str(v) for v in value]
    return str(value)


def _finding(f: Finding) -> dict[str, Any]:
    return {
        "kind": f.kind,
        "text": f.text,
        "question_id": f.question_id,
        "question": f.question,
        "answer": f.answer,
        "section": f.section,
        "stage": _stage(f.stage),
        "points": f.points,
        "max": f.max,
        "source": f.source,
        "note": f.note,
    }


def _answer(a: AnswerView) -> dict[str, Any]:
    return {
        "question_id": a.question_id,
        "question": a.question,
        "type": a.type,
        "state": a.state,
        "value": _value(a.value),
        "answer": a.answer,
        "points": a.points,
        "max": a.max,
        "weight": a.weight,
        "contribution": a.contribution,
        "source": a.source,
        "note": a.note,
        "answered_at": _dt(a.answered_at),
        "by": a.by,
        "required": a.required,
        "needs_evidence": a.needs_evidence,
        "unverified_in_score": a.unverified_in_score,
        "knockout": a.knockout,
    }


def _interview(v: InterviewView) -> dict[str, Any]:
    return {
        "id": v.id,
        "stage": _stage(v.stage),
        "kind": v.kind,
        "status": v.status,
        "interviewer": v.interviewer,
        "started_at": _dt(v.started_at),
        "completed_at": _dt(v.completed_at),
        "question_set": _qs(v.question_set),
        "score": v.score,
        "band": v.band,
        "band_class": v.band_class,
        "coverage": v.coverage,
        "answered": v.answered,
        "visible": v.visible,
        "notes": v.notes,
        "warning": v.warning,
        "sections": [
            {
                "id": s.id,
                "title": s.title,
                "direction": s.direction,
                "score": s.score,
                "answered": s.answered,
                "visible": s.visible,
                "answers": [_answer(a) for a in s.answers],
            }
            for s in v.sections
        ],
    }


def prospect_to_dict(report: ProspectReport) -> dict[str, Any]:
    """The report as plain JSON data, in the documented shape."""
    h, v, g, r = report.header, report.verdict, report.gate, report.review
    return {
        "schema": report.schema,
        "kind": "prospect",
        "generated_at": _dt(report.generated_at),
        "prospect": {
            "id": h.id,
            "name": h.name,
            "territory": h.territory,
            "kind": h.kind,
            "kind_label": h.kind_label,
            "stage": _stage(h.stage),
            "status": h.status,
            "status_label": h.status_label,
            "owner": h.owner,
            "interviewers": list(h.interviewers),
            "created_at": _dt(h.created_at),
            "updated_at": _dt(h.updated_at),
            "last_contact": _dt(h.last_contact),
            "recontact_on": _d(h.recontact_on),
            "next_meeting": (
                h.next_meeting.model_dump(mode="json") if h.next_meeting is not None else None
            ),
            "tags": list(h.tags),
            "notes": h.notes,
        },
        "question_sets": [_qs(q) for q in h.question_sets],
        "verdict": {
            "basis": _stage(v.basis),
            "question_set": _qs(v.question_set),
            "score": v.score,
            "band": v.band,
            "band_class": v.band_class,
            "provisional": v.provisional,
            "weight_answered": v.weight_answered,
            "coverage": v.coverage,
            "answered": v.answered,
            "visible": v.visible,
            "knocked_out": v.knocked_out,
            "knockouts": [
                {
                    "question_id": k.question_id,
                    "question": k.question,
                    "answer": k.answer,
                    "reason": k.reason,
                    "stage": _stage(k.stage),
                }
                for k in v.knockouts
            ],
            "evidence": (
                None
                if v.evidence is None
                else {
                    "verified": v.evidence.verified,
                    "stated": v.evidence.stated,
                    "estimated": v.evidence.estimated,
                    "observed": v.evidence.observed,
                    "our_records": v.evidence.our_records,
                }
            ),
            "headline": v.headline,
        },
        "gate": (
            None
            if g is None
            else {
                "stage": _stage(g.stage),
                "next_stage": _stage(g.next_stage),
                "title": g.title,
                "passed": g.passed,
                "summary": g.summary,
                "criteria": [
                    {
                        "key": c.key,
                        "met": c.met,
                        "text": c.text,
                        "questions": list(c.questions),
                        "question_texts": list(c.question_texts),
                    }
                    for c in g.criteria
                ],
            }
        ),
        "fit": [
            {
                "direction": f.direction,
                "title": f.title,
                "score": f.score,
                "band_class": f.band_class,
                "sections": f.sections,
            }
            for f in report.fit
        ],
        "sections": [
            {
                "id": s.id,
                "title": s.title,
                "direction": s.direction,
                "weight": s.weight,
                "score": s.score,
                "band_class": s.band_class,
                "coverage": s.coverage,
                "answered": s.answered,
                "visible": s.visible,
            }
            for s in report.sections
        ],
        "strengths": [_finding(f) for f in report.strengths],
        "risks": [_finding(f) for f in report.risks],
        "interviews": [_interview(i) for i in report.interviews],
        "timeline": [
            {
                "at": _dt(t.at),
                "action": t.action,
                "label": t.label,
                "text": t.text,
                "from_stage": _stage(t.from_stage),
                "to_stage": _stage(t.to_stage),
                "overridden": t.overridden,
                "reason": t.reason,
                "by": t.by,
                "unmet": list(t.unmet),
                "undone": t.undone,
            }
            for t in report.timeline
        ],
        "review": (
            None
            if r is None
            else {
                "at": _dt(r.at),
                "stage": _stage(r.stage),
                "score": r.score,
                "band": r.band,
                "band_class": r.band_class,
                "outcome": r.outcome,
                "support_cost": {
                    "flagged": r.support_cost.flagged,
                    "measured": r.support_cost.measured,
                    "reasons": list(r.support_cost.reasons),
                },
                "due_on": _d(r.due_on),
                "overdue": r.overdue,
            }
        ),
        "next_step": report.next_step,
        "warnings": list(report.warnings),
        "agenda": [item.to_dict() for item in report.agenda],
        "comparison": _comparison(report),
        "red_flags": [
            {
                "id": f.id,
                "stage": _stage(f.stage),
                "question_id": f.question_id,
                "question": f.question,
                "answer": f.answer,
                "reason": f.reason,
                "status": f.status,
                "holds": f.holds,
                "cleared_by": list(f.cleared_by),
                "waiting_for": list(f.waiting_for),
                "override": f.override,
            }
            for f in report.red_flags
        ],
        "reviews": [
            {
                "number": e.number,
                "at": _dt(e.at),
                "stage": _stage(e.stage),
                "status": e.status,
                "score": e.score,
                "band": e.band,
                "band_class": e.band_class,
                "knocked_out": e.knocked_out,
                "outcome": e.outcome,
                "outcome_reason": e.outcome_reason,
                "improvement_plan": e.plan,
                "plan_due": _d(e.plan_due),
                "support_cost": {
                    "flagged": e.support_cost.flagged,
                    "measured": e.support_cost.measured,
                    "reasons": list(e.support_cost.reasons),
                    "cost": e.support_cost.cost,
                    "earnings": e.support_cost.earnings,
                },
            }
            for e in report.reviews
        ],
        "money": (
            None
            if report.money is None
            else {
                "stage": _stage(report.money.stage),
                "cost_to_serve": report.money.cost,
                "margin_earned": report.money.earnings,
                "ratio": report.money.ratio,
                "exceeds": report.money.exceeds,
                "text": report.money.text,
            }
        ),
        "attachments": [
            {
                "stage": _stage(v.stage),
                "question_id": v.question_id,
                "question": v.question,
                "name": v.name,
                "size": v.size,
                "sha256": v.sha256,
                "by": v.by,
                "at": _dt(v.at),
                "note": v.note,
                "superseded_by": v.superseded_by,
            }
            for v in report.attachments
        ],
    }


def _comparison(report: ProspectReport) -> dict[str, Any] | None:
    c = report.comparison
    if c is None:
        return None
    return {
        "label": c.label,
        "question_set": c.question_set,
        "partners": c.partners,
        "prospect_score": c.prospect_score,
        "ideal_score": c.ideal_score,
        "sections": [
            {"title": s.title, "prospect": s.prospect, "ideal": s.ideal, "delta": s.delta}
            for s in c.sections
        ],
        "gaps": [
            {
                "question": g.question_id,
                "text": g.question,
                "prospect": g.prospect,
                "ideal": g.ideal,
                "impact": g.impact,
                "knockout": g.knockout,
            }
            for g in c.gaps
        ],
    }


_INVISIBLE = re.compile("[\x7f-\x9f\u200b-\u200f\u2028\u2029\u202a-\u202e\u2060-\u2069\ufeff]")


def render_prospect(report: ProspectReport) -> str:
    """Pretty-printed UTF-8 JSON with a trailing newline; keys in the documented order.

    Characters a terminal would act on or hide are written as `\\uXXXX` escapes: the
    data is the same for a JSON reader, and printing the file shows them as text."""
    text = json.dumps(prospect_to_dict(report), indent=2, ensure_ascii=False) + "\n"
    return _INVISIBLE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)

"""Plain-text renderings for the terminal (`qualify score`, `qualify prospect show`)."""

from __future__ import annotations

from qualify.core.breakdown import ScoreBreakdown
from qualify.core.questionnaire.model import DIRECTION_TITLES, QuestionSet
from qualify.core.words import answer_text, bar, fmt_pct, fmt_score, provisional_text


def breakdown_table(question_set: QuestionSet, breakdown: ScoreBreakdown) -> str:
    """The score, every section and every question, so any figure can be traced back."""
    lines: list[str] = []
    lines.append(f"{question_set.title} ({question_set.id} v{question_set.version})")
    if breakdown.provisional:
        verdict = (
            f"Score {provisional_text(breakdown.score, breakdown.answered, breakdown.visible)}"
        )
    else:
        verdict = f"Score {fmt_score(breakdown.score)}"
        if breakdown.band:
            verdict += f" · {breakdown.band}"
    verdict += f" · coverage {fmt_pct(breakdown.coverage)}"
    lines.append(verdict)
    for direction, value in breakdown.directions.items():
        lines.append(f"  {DIRECTION_TITLES.get(direction, direction)}: {fmt_score(value)}")
    if breakdown.knockouts:
        lines.append("Knock-outs:")
        for hit in breakdown.knockouts:
            lines.append(f"  ✗ {hit.question}: {hit.reason}")
    else:
        lines.append("Knock-outs: none")
    for flag in breakdown.red_flags:
        lines.append(f"  ⚑ red flag, {flag.key}: {flag.reason}")
    lines.append("")
    title_w = max((len(s.title) for s in breakdown.sections), default=10)
    lines.append("Sections")
    for s in breakdown.sections:
        lines.append(
            f"  {s.title:<{title_w}}  {bar(s.score)} {fmt_score(s.score):>5}  "
            f"weight {s.weight:g}  answered {s.answered}/{s.visible}"
        )
    lines.append("")
    lines.append("Questions (points/max × weight → contribution to the score)")
    id_w = max((len(q.answer_key) for s in breakdown.sections for q in s.questions), default=8)
    for s in breakdown.sections:
        lines.append(f"  [{s.title}]")
        for q in s.questions:
            question = question_set.questions.get(q.id)
            if not q.visible:
                status = "hidden"
            elif not q.answered:
                status = "unanswered"
            elif q.points is None:
                status = f"{answer_text(question, q.value)} (not scored)"
            else:
                contribution = "" if q.contribution is None else f" → {q.contribution:+.1f}"
                status = (
                    f"{answer_text(question, q.value)}: {q.points:g}/{q.max:g} × {q.weight:g}"
                    f"{contribution}"
                )
            if q.knockout:
                status += f"  ✗ knock-out: {q.knockout}"
            if q.inputs is not None and q.answered:
                status += "  = " + ", ".join(
                    f"{k} {v:g}" if isinstance(v, float) else f"{k} {v}" for k, v in q.inputs
                )
            lines.append(f"    {q.answer_key:<{id_w}}  {status}")
    return "\n".join(lines)

"""Plain-text renderings for the terminal (`qualify score`, `qualify prospect show`), in
the language in use (qualify's catalog; English as ever by default)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date
from typing import TYPE_CHECKING

from qualify.core.breakdown import ScoreBreakdown
from qualify.core.questionnaire.model import DIRECTION_TITLES, QuestionSet
from qualify.core.safe_text import visible
from qualify.core.words import SOURCE_LABELS, STATE_LABELS, answer_text, bar
from qualify.i18n import _, band_word, fmt_date, fmt_num, fmt_pct, fmt_score, tr
from qualify.reports.flag_words import flag_line

if TYPE_CHECKING:
    from qualify.core.records import AnswerRecord


def _figure(value: object) -> str:
    """A formula's input as the language writes it: numbers, and dates (a date answer,
    `today()`), which the core keeps as ISO dates."""
    if isinstance(value, float):
        return fmt_num(value)
    if isinstance(value, date):
        return fmt_date(value)
    if isinstance(value, str) and _ISO_DATE.fullmatch(value):
        try:
            return fmt_date(date.fromisoformat(value))
        except ValueError:  # 2026-02-30: not a date after all
            return value
    return str(value)


_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def breakdown_table(
    question_set: QuestionSet,
    breakdown: ScoreBreakdown,
    answers: Mapping[str, AnswerRecord] | None = None,
) -> str:
    """The score, every section and every question, so any figure can be traced back.
    With the interview's `answers`, each line also says what the interviewer recorded
    beside the value: "would not say" rather than "unanswered", a source other than the
    prospect's word, and the note (a note is often the reason behind the figure)."""
    answers = answers or {}
    lines: list[str] = []
    lines.append(f"{question_set.title} ({question_set.id} v{question_set.version})")
    if breakdown.provisional:
        shown = "—" if breakdown.score is None else fmt_num(round(breakdown.score))
        verdict = _("Score {score} · provisional · {answered} of {visible} answered").format(
            score=shown, answered=breakdown.answered, visible=breakdown.visible
        )
    else:
        verdict = _("Score {score}").format(score=fmt_score(breakdown.score))
        if breakdown.band:
            verdict += f" · {band_word(breakdown.band)}"
    verdict += " · " + _("coverage {coverage}").format(coverage=fmt_pct(breakdown.coverage))
    lines.append(verdict)
    for direction, value in breakdown.directions.items():
        lines.append(f"  {_(DIRECTION_TITLES.get(direction, direction))}: {fmt_score(value)}")
    if breakdown.knockouts:
        lines.append(_("Knock-outs:"))
        for hit in breakdown.knockouts:
            lines.append(f"  ✗ {hit.question}: {hit.reason}")
    else:
        lines.append(_("Knock-outs: none"))
    for flag in breakdown.red_flags:
        lines.append("  " + flag_line(flag.key, flag.reason))
    lines.append("")
    title_w = max((len(s.title) for s in breakdown.sections), default=10)
    lines.append(_("Sections"))
    for s in breakdown.sections:
        lines.append(
            f"  {s.title:<{title_w}}  {bar(s.score)} {fmt_score(s.score):>5}  "
            + _("weight {weight}  answered {answered}/{visible}").format(
                weight=fmt_num(s.weight), answered=s.answered, visible=s.visible
            )
        )
    lines.append("")
    lines.append(_("Questions (points/max × weight → contribution to the score)"))
    id_w = max((len(q.answer_key) for s in breakdown.sections for q in s.questions), default=8)
    for s in breakdown.sections:
        lines.append(f"  [{s.title}]")
        for q in s.questions:
            question = question_set.questions.get(q.id)
            given = answers.get(q.answer_key)
            if not q.visible:
                status = _("hidden")
            elif not q.answered:
                state = given.state if given is not None else "answered"
                status = _(STATE_LABELS[state]) if state != "answered" else _("unanswered")
            elif q.points is None:
                status = _("{answer} (not scored)").format(
                    answer=tr(answer_text(question, q.value))
                )
            else:
                contribution = "" if q.contribution is None else f" → {q.contribution:+.1f}"
                if contribution and "." not in fmt_num(0.5):
                    contribution = contribution.replace(".", ",")
                status = (
                    f"{tr(answer_text(question, q.value))}: {fmt_num(q.points)}/{fmt_num(q.max)}"
                    f" × {fmt_num(q.weight)}{contribution}"
                )
            if q.knockout:
                status += "  ✗ " + _("knock-out: {reason}").format(reason=q.knockout)
            if q.inputs is not None and q.answered:
                status += "  = " + ", ".join(f"{k} {_figure(v)}" for k, v in q.inputs)
            if given is not None and q.answered and given.source != "stated":
                status += " · " + _(SOURCE_LABELS.get(given.source, given.source))
            lines.append(f"    {q.answer_key:<{id_w}}  {status}")
            if given is not None and given.note.strip() and q.visible:
                note = _("Note: {note}").format(note=visible(given.note, one_line=True))
                lines.append(f"    {'':<{id_w}}    {note}")
    return "\n".join(lines)

"""Words and numbers as every report format writes them, so Markdown, HTML and CSV agree.

Pure functions with no markup: each renderer escapes what these return for its
own format.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from qualify.core.questionnaire.model import Question, QuestionSet

STATUS_LABELS: dict[str, str] = {
    "active": "Dating",
    "committed": "Committed",
    "declined": "Parted ways",
    "on_hold": "Just friends",
}
"""Prospect statuses in the words of the method (the same words as the TUI)."""

KIND_LABELS: dict[str, str] = {
    "dealer": "Dealer",
    "distributor": "Distributor",
    "reseller": "Reseller",
    "integrator": "Integrator",
    "other": "Other",
}

SOURCE_LABELS: dict[str, str] = {
    "stated": "stated",
    "verified": "verified",
    "estimated": "estimated",
}
"""Where an answer came from: the prospect said so, we saw evidence, or we estimated."""

STATE_LABELS: dict[str, str] = {
    "answered": "answered",
    "unknown": "not known yet",
    "declined": "would not say",
    "unanswered": "not answered",
}

DIRECTION_SHORT: dict[str, str] = {
    "they_fit_us": "they fit us",
    "we_fit_them": "we fit them",
}

ACTION_LABELS: dict[str, str] = {
    "created": "Added",
    "advance": "Moved on",
    "decline": "Parted ways",
    "reopen": "Reopened",
    "hold": "Just friends",
    "review": "Reviewed",
    "rescore": "Rescored",
    "edit": "Facts edited",
}

CAPACITY_ALERTS: dict[str, str] = {
    "over": "already exceeded",
    "full": "reached",
    "stretched": "would be exceeded by the prospects about to commit",
}
"""How the portfolio sums up territories by capacity status (see rules.capacity_check)."""

BAND_CLASSES = ("strong", "possible", "weak", "out", "none")


def one_line(text: str | None) -> str:
    """Collapse whitespace, so a note typed over several lines reads as one."""
    return " ".join((text or "").split())


def fmt_score(score: float | None) -> str:
    return "—" if score is None else f"{score:.1f}"


def fmt_pct(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.0f}%"


def fmt_num(value: float | None) -> str:
    """A weight or points figure without needless decimals: 3, 2.5."""
    if value is None:
        return "—"
    return f"{value:g}"


def fmt_date(value: datetime | date | None) -> str:
    """YYYY-MM-DD: stable, sortable and unambiguous in every country."""
    if value is None:
        return "—"
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d")
    return value.isoformat()


def fmt_datetime(value: datetime | None) -> str:
    return "—" if value is None else value.strftime("%Y-%m-%d %H:%M")


def band_class(question_set: QuestionSet | None, band: str | None, knocked_out: bool) -> str:
    """strong / possible / weak for the top, middle and lowest band of the set; out; none.

    Renderers colour by it, but always print the band's words beside it.
    """
    if knocked_out:
        return "out"
    if band is None:
        return "none"
    if question_set is None:
        return "possible"
    labels = [b.label for b in question_set.effective_bands]
    if band not in labels:
        return "possible"
    if band == labels[0] and len(labels) > 1:
        return "strong"
    if band == labels[-1]:
        return "weak"
    return "possible"


def score_class(score: float | None, question_set: QuestionSet | None) -> str:
    """band_class for a bare figure (a section or a direction of fit)."""
    if score is None:
        return "none"
    band = question_set.band_for(score) if question_set is not None else None
    return band_class(question_set, band, False)


def answer_text(question: Question | None, value: Any) -> str:
    """An answer as the interviewer reads it: option labels, yes/no, units, scale words."""
    if value is None:
        return "—"
    if isinstance(value, bool):
        return "yes" if value else "no"
    options = question.option_map if question is not None else {}
    if isinstance(value, list | tuple):
        if not value:
            return "none of these"
        return ", ".join(options[v].display if v in options else str(v) for v in value)
    if isinstance(value, str) and value in options:
        return options[value].display
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value)
    if question is None:
        return text
    if question.type == "number" and question.unit:
        text = f"{text} {question.unit}"
    elif question.type == "scale":
        text = f"{text} of {fmt_num(question.scale_max)}"
        if question.labels and isinstance(value, int | float):
            label = question.labels.get(int(value))
            if label:
                text = f"{text} ({label})"
    return text


def plural(n: int, word: str, words: str | None = None) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {words or word + 's'}"

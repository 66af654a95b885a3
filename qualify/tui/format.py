"""What the app adds to the shared words of :mod:`qualify.core.words`: local time.

Stored times are UTC; the app shows them in the user's time zone.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from qualify.core import words
from qualify.core.words import (  # noqa: F401 - the app's screens import these from here for now
    TYPE_WORDS,
    bar,
    fmt_pct,
    fmt_score,
    kind_word,
    one_line,
    score_label,
    status_word,
)

KIND_WORDS = words.KIND_LABELS
STATUS_WORDS = words.STATUS_LABELS


def fmt_answer(value: Any, question: Any = None) -> str:
    """An answer as the interviewer reads it (see :func:`qualify.core.words.answer_text`)."""
    return words.answer_text(question, value)


def band_class(band: str | None, knocked_out: bool = False, score: float | None = None) -> str:
    """A CSS class for a band, so themes colour it: -strong, -possible, -weak, -out, -none."""
    if knocked_out:
        return "-out"
    if score is None and band is None:
        return "-none"
    text = (band or "").lower()
    if "strong" in text or "ready" in text or "proceed" in text:
        return "-strong"
    if "possible" in text or "condition" in text or "promising" in text:
        return "-possible"
    if score is not None:
        if score >= 75:
            return "-strong"
        if score >= 50:
            return "-possible"
    return "-weak"


def fmt_date(value: datetime | date | None) -> str:
    """A date as YYYY-MM-DD in local time (stable, sortable, unambiguous)."""
    if isinstance(value, datetime):
        value = value.astimezone()
    return words.fmt_date(value)


def fmt_datetime(value: datetime | None) -> str:
    return words.fmt_datetime(None if value is None else value.astimezone())


def fmt_time(value: datetime | None) -> str:
    if value is None:
        return ""
    return value.astimezone().strftime("%H:%M:%S")


def display_path(path: object) -> str:
    """A path as a person reads it: the home folder shown as ~."""
    from pathlib import Path

    text = str(path)
    home = str(Path.home())
    if home not in ("", "/") and (text == home or text.startswith(home + "/")):
        return "~" + text[len(home) :]
    return text

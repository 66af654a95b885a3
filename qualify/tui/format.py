"""What the app adds to the shared words of :mod:`qualify.core.words`: local time, and
paths as a person reads them.

Stored times are UTC; the app shows them in the user's time zone.
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

from qualify import i18n


def fmt_date(value: datetime | date | None) -> str:
    """A date in local time, as the language in use writes it (English: YYYY-MM-DD,
    stable, sortable, unambiguous; German: 01.03.2026)."""
    if isinstance(value, datetime):
        value = value.astimezone()
    return i18n.fmt_date(value)


def fmt_datetime(value: datetime | None) -> str:
    return i18n.fmt_datetime(None if value is None else value.astimezone())


def fmt_time(value: datetime | None) -> str:
    if value is None:
        return ""
    return value.astimezone().strftime("%H:%M:%S")


def score_label(
    score: float | None, band: str | None, knocked_out: bool = False, provisional: bool = False
) -> str:
    """:func:`qualify.core.words.score_label` in the language in use (German `63,4 Passt
    gut`, `— nicht bewertet`); English as it is."""
    from qualify.core import words

    if i18n.english():
        return words.score_label(score, band, knocked_out, provisional)
    if knocked_out:
        return f"✗ {i18n.band_word(band) or i18n._('Not a fit')}"
    if score is None:
        return "— " + i18n._("not scored")
    if provisional:
        return f"{i18n.fmt_num(round(score))} {i18n._('provisional')}"
    return f"{i18n.fmt_score(score)} {band or ''}".rstrip()


def display_path(path: object) -> str:
    """A path as a person reads it: the home folder shown as ~."""
    text = str(path)
    home = str(Path.home())
    if home not in ("", "/") and (text == home or text.startswith(home + "/")):
        return "~" + text[len(home) :]
    return text

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


def display_path(path: object) -> str:
    """A path as a person reads it: the home folder shown as ~."""
    text = str(path)
    home = str(Path.home())
    if home not in ("", "/") and (text == home or text.startswith(home + "/")):
        return "~" + text[len(home) :]
    return text

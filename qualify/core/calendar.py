"""Next meetings as an iCalendar file (RFC 5545) that Thunderbird, Outlook and Google
Calendar import: one event per prospect with a next meeting.

Written by hand (no dependency): CRLF line ends, text escaped (backslash, semicolon,
comma, line breaks), lines folded at 75 octets without splitting a character. A meeting
with a time is a one-hour event in floating local time (it happens at 14:30 wherever the
area manager is); one without a time is an all-day event. Each event's UID is the
prospect's, so importing a newer file updates the meeting instead of adding another.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from qualify.core.words import visible

PRODID = "-//qualify//next meetings//EN"
LENGTH = timedelta(hours=1)
"""How long a meeting with a time is shown to last."""


@dataclass(frozen=True)
class Event:
    """One meeting as the calendar shows it."""

    uid: str
    day: date
    start: time | None
    summary: str
    description: str = ""


def escape(text: str) -> str:
    """TEXT as RFC 5545 wants it (section 3.3.11); control characters made visible."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    return "\\n".join(
        visible(line).replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
        for line in lines
    )


def fold(line: str) -> str:
    """A content line folded at 75 octets (continuations start with a space)."""
    out: list[str] = []
    current, size = "", 0
    for char in line:
        width = len(char.encode("utf-8"))
        limit = 75 if not out else 74  # a continuation's leading space counts
        if size + width > limit:
            out.append(current)
            current, size = "", 0
        current += char
        size += width
    out.append(current)
    return "\r\n ".join(out)


def _stamp(value: datetime) -> str:
    return value.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def _event_lines(event: Event, now: datetime) -> list[str]:
    lines = ["BEGIN:VEVENT", f"UID:{escape(event.uid)}", f"DTSTAMP:{_stamp(now)}"]
    if event.start is None:
        lines.append(f"DTSTART;VALUE=DATE:{event.day:%Y%m%d}")
        lines.append(f"DTEND;VALUE=DATE:{event.day + timedelta(days=1):%Y%m%d}")
    else:
        begin = datetime.combine(event.day, event.start.replace(tzinfo=None))
        lines.append(f"DTSTART:{begin:%Y%m%dT%H%M%S}")
        lines.append(f"DTEND:{begin + LENGTH:%Y%m%dT%H%M%S}")
    lines.append(f"SUMMARY:{escape(event.summary)}")
    if event.description:
        lines.append(f"DESCRIPTION:{escape(event.description)}")
    lines.append("END:VEVENT")
    return lines


def calendar(events: Iterable[Event], *, now: datetime, name: str = "qualify") -> bytes:
    """The whole calendar, UTF-8 with CRLF line ends."""
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:{PRODID}",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        f"X-WR-CALNAME:{escape(name)}",
    ]
    for event in events:
        lines.extend(_event_lines(event, now))
    lines.append("END:VCALENDAR")
    return ("".join(fold(line) + "\r\n" for line in lines)).encode("utf-8")


__all__ = ["Event", "calendar", "escape", "fold"]

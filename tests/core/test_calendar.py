"""The next meetings as an iCalendar file: text escaped and lines folded as RFC 5545 wants,
so Thunderbird, Outlook and Google Calendar read back exactly what was typed."""

from __future__ import annotations

import time as time_module
from datetime import UTC, date, datetime, time, timedelta, timezone

import pytest

from qualify.core.calendar import Event, calendar, escape, fold

NOW = datetime(2026, 3, 1, 9, 0, tzinfo=timezone(timedelta(hours=1)))


@pytest.mark.parametrize(
    ("text", "escaped"),
    [
        ("Müller & Søn AV", "Müller & Søn AV"),
        ("a;b,c", "a\\;b\\,c"),
        ("C:\\deals", "C:\\\\deals"),
        ("one\ntwo", "one\\ntwo"),
        ("one\r\ntwo\rthree", "one\\ntwo\\nthree"),
        ("bell\x07", "bell\\\\x07"),  # a control character shown, its backslash escaped
        ("", ""),
    ],
)
def test_text_is_escaped(text: str, escaped: str) -> None:
    assert escape(text) == escaped


def test_a_short_line_is_not_folded() -> None:
    assert fold("x" * 75) == "x" * 75


def test_long_lines_fold_at_75_octets_with_a_space_on_each_continuation() -> None:
    assert fold("x" * 76) == "x" * 75 + "\r\n x"
    assert fold("x" * 160) == "x" * 75 + "\r\n " + "x" * 74 + "\r\n " + "x" * 11


def test_folding_never_splits_a_character() -> None:
    folded = fold("é" * 40)  # 80 octets: 37 characters are 74, a 38th would be 76
    assert folded == "é" * 37 + "\r\n " + "é" * 3
    assert all(len(part.encode("utf-8")) <= 75 for part in folded.split("\r\n"))


def test_a_meeting_with_a_time_lasts_an_hour_in_local_time() -> None:
    event = Event("p1", date(2026, 3, 2), time(14, 30), "Müller; & Søn, AV", "Prices\nand plan")
    assert calendar([event], now=NOW).decode("utf-8").split("\r\n") == [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//qualify//next meetings//EN",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        "X-WR-CALNAME:qualify",
        "BEGIN:VEVENT",
        "UID:p1",
        "DTSTAMP:20260301T080000Z",  # 09:00 at UTC+1
        "DTSTART:20260302T143000",
        "DTEND:20260302T153000",
        "SUMMARY:Müller\\; & Søn\\, AV",
        "DESCRIPTION:Prices\\nand plan",
        "END:VEVENT",
        "END:VCALENDAR",
        "",
    ]


def test_a_meeting_without_a_time_is_all_day_and_a_time_zone_is_dropped() -> None:
    day = Event("p2", date(2026, 12, 31), None, "Fjord Systems")
    zoned = Event("p;3", date(2026, 3, 2), time(23, 30, tzinfo=UTC), "Rhine")
    text = calendar([day, zoned], now=NOW, name="Area, north").decode("utf-8")
    assert "X-WR-CALNAME:Area\\, north\r\n" in text
    assert "DTSTART;VALUE=DATE:20261231\r\nDTEND;VALUE=DATE:20270101\r\n" in text
    assert "DESCRIPTION" not in text  # none given, none written
    assert "UID:p\\;3\r\n" in text
    assert "DTSTART:20260302T233000\r\nDTEND:20260303T003000\r\n" in text


def test_a_long_summary_is_folded_in_the_file() -> None:
    raw = calendar([Event("p", date(2026, 3, 2), None, "Å" * 50)], now=NOW)
    assert raw.endswith(b"END:VCALENDAR\r\n")
    assert all(len(line) <= 75 for line in raw.split(b"\r\n"))
    assert "SUMMARY:" + "Å" * 33 + "\r\n " + "Å" * 17 + "\r\n" in raw.decode("utf-8")


@pytest.mark.skipif(not hasattr(time_module, "tzset"), reason="the process's zone is set by TZ")
def test_the_stamp_is_utc_whatever_the_machines_zone(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TZ", "KIT-14")  # a machine 14 hours east of UTC
    time_module.tzset()
    try:
        text = calendar([Event("p1", date(2026, 3, 2), None, "x")], now=NOW).decode("utf-8")
    finally:
        monkeypatch.undo()
        time_module.tzset()
    assert "DTSTAMP:20260301T080000Z\r\n" in text

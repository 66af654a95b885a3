"""Next meetings: agree one, list the coming ones with their agendas, and write them
as a calendar (`qualify meet`, `qualify agenda --due`, `qualify calendar`, the app).

Which prospects have a meeting is read from the list rows (``ProspectSummary.
next_meeting``), so only those prospects' records are read, however large the portfolio.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from qualify.core.agenda import Agenda, AgendaOrder, build_agenda
from qualify.core.assess import earlier_values
from qualify.core.calendar import Event, calendar
from qualify.core.errors import QualifyError
from qualify.core.phrase import Phrase
from qualify.core.questionnaire.answer_values import AnswerError, read_date
from qualify.core.records import HistoryEntry, NextMeeting, Prospect, ProspectSummary, utcnow
from qualify.core.scoring import score
from qualify.core.words import meeting_words, one_line
from qualify.workflow.qualifier import Qualifier, WorkflowError, today


def meeting_agenda(
    q: Qualifier, prospect: Prospect, *, order: AgendaOrder = "conversation"
) -> Agenda:
    """What to ask at the next meeting, from the current stage's interview, in the
    order of the conversation (or the gate's: what unlocks it first)."""
    a = q.assess(prospect)
    current = a.current
    if current is not None and current.question_set and current.breakdown is not None:
        qs, breakdown = current.question_set, current.breakdown
        return build_agenda(qs, current.interview.answers, breakdown, a.stage, order=order)
    if a.gate_set is not None and a.gate_breakdown is not None:
        return build_agenda(a.gate_set, {}, a.gate_breakdown, a.stage, order=order)
    if a.stage is not None:
        set_id = a.stage.set_for(prospect.kind.value)
    else:
        review = q.pipeline.review
        if review is None or review.id != prospect.stage:
            raise WorkflowError(
                Phrase("stage {stage} is not in the pipeline", stage=repr(prospect.stage))
            )
        set_id = review.questionnaire
    qs = q.active_question_set(set_id)
    earlier = earlier_values(a.scored, exclude=qs.id)
    return build_agenda(qs, {}, score(qs, {}, earlier=earlier, today=today()), a.stage, order=order)


_WITHIN = re.compile(r"\s*(\d{1,4})\s*([dw]?)\s*", re.IGNORECASE)


def parse_within(text: str) -> int:
    """`7d`, `2w` or `10` (days) → days."""
    match = _WITHIN.fullmatch(text)
    if match is None:
        raise WorkflowError(
            Phrase("{text} is not a period: use e.g. 7d (days) or 2w (weeks)", text=repr(text))
        )
    days = int(match[1]) * (7 if match[2].lower() == "w" else 1)
    return days


def parse_time(text: str) -> time:
    """HH:MM (24-hour clock)."""
    try:
        parsed = datetime.strptime(text.strip(), "%H:%M").time()
    except ValueError:
        raise WorkflowError(
            Phrase("{text} is not a time: use HH:MM, e.g. 14:30", text=repr(text))
        ) from None
    return parsed


def parse_day(text: str, *, now: date | None = None) -> date:
    """YYYY-MM-DD, or `today`, `tomorrow`, `+3d`, `+2w`."""
    text = text.strip()
    base, word = now or today(), text.lower()
    if word == "today":
        return base
    if word == "tomorrow":
        return base + timedelta(days=1)
    if word.startswith("+"):
        return base + timedelta(days=parse_within(word[1:]))
    try:  # a day as an answer's date is read (2026-02-30 is no real day; 20260301 no form)
        return read_date(text)
    except AnswerError as exc:
        if _DAY_OR_YEAR.fullmatch(text):  # its own words: not a real day, a year alone…
            raise WorkflowError(exc.args[0]) from None
        raise WorkflowError(
            Phrase(
                "{text} is not a date: use YYYY-MM-DD (or today, tomorrow, +3d)", text=repr(text)
            )
        ) from None


_DAY_OR_YEAR = re.compile(r"\d{4}(-\d{2}-\d{2})?")
"""What `read_date` explains better than "not a date": a day that is none, a year alone."""


def meeting_text(meeting: NextMeeting) -> str:
    """`2026-12-01 14:30 · bring the price list`."""
    return meeting_words(meeting)


def check_meeting_day(day: date | None, agreed: NextMeeting | None) -> None:
    """A day that has passed is a slip (2025 typed for 2027), not a plan: the meeting would
    be overdue at once and the meant day lost. Refused, but for the day already agreed
    (its time or note changed; it may have passed since)."""
    if day is None or (agreed is not None and day == agreed.day):
        return
    now = today()
    if day < now:
        raise WorkflowError(
            Phrase(
                "the day of the next meeting, {day}, has passed: give today ({today}) or a "
                "later day",
                day=day.isoformat(),
                today=now.isoformat(),
            )
        )


def set_meeting(
    q: Qualifier,
    prospect: Prospect,
    day: date | None,
    start: time | None = None,
    note: str = "",
) -> Prospect:
    """Agree the next meeting (None clears it); the history keeps it as an edit of the
    facts, saved compare-and-set as every edit is; a day that has passed is refused
    (:func:`check_meeting_day`)."""
    current = q.store.get_prospect(prospect.id)
    meeting = NextMeeting(day=day, start=start, note=note.strip()) if day is not None else None
    if meeting == current.next_meeting:
        return current
    check_meeting_day(day, current.next_meeting)
    shown = meeting_text(meeting) if meeting is not None else "cleared"
    return q.store.move_prospect(
        current.model_copy(update={"next_meeting": meeting, "updated_at": utcnow()}),
        HistoryEntry(
            prospect_id=current.id,
            action="edit",
            from_stage=current.stage,
            to_stage=current.stage,
            by=q.user,
            details={"next_meeting": shown},
        ),
        expected_stage=current.stage,
        expected_status=current.status,
    )


def overdue(rows: Iterable[ProspectSummary], on: date | None = None) -> list[ProspectSummary]:
    """Prospects whose next meeting is past (a follow-up is due), oldest first; declined
    ones are left out."""
    day = on or today()
    late = [
        r
        for r in rows
        if r.next_meeting is not None and r.next_meeting < day and r.status.value != "declined"
    ]
    return sorted(late, key=lambda r: (r.next_meeting, r.name.casefold()))


@dataclass(frozen=True)
class Meeting:
    """A coming (or overdue) meeting and what to ask at it."""

    prospect: Prospect
    meeting: NextMeeting
    stage_title: str
    overdue: bool
    agenda: Agenda | None
    problem: str = ""
    """Why there is no agenda (a broken question set, say)."""


def coming(
    q: Qualifier, within_days: int | None = None, *, on: date | None = None
) -> list[Meeting]:
    """Meetings up to `within_days` from today (every one when None), overdue ones
    first, each with its agenda; declined prospects are left out."""
    day = on or today()
    last = day + timedelta(days=within_days) if within_days is not None else None
    rows = [
        r
        for r in q.store.list_prospects()
        if r.next_meeting is not None
        and r.status.value != "declined"
        and (last is None or r.next_meeting <= last)
    ]
    titles = {s.id: s.title for s in q.pipeline.stages}
    if q.pipeline.review is not None:
        titles[q.pipeline.review.id] = q.pipeline.review.title
    found: list[Meeting] = []
    for row in rows:
        prospect = q.store.get_prospect(row.id)
        meeting = prospect.next_meeting
        if meeting is None:
            continue
        agenda, problem = None, ""
        try:
            agenda = meeting_agenda(q, prospect)
        except QualifyError as exc:
            problem = str(exc)
        found.append(
            Meeting(
                prospect,
                meeting,
                titles.get(prospect.stage, prospect.stage),
                meeting.day < day,
                agenda,
                problem,
            )
        )
    found.sort(key=lambda m: (m.meeting.day, m.meeting.start or time(0), m.prospect.name))
    return found


AGENDA_IN_CALENDAR = 8
"""Agenda items written into a calendar event's description."""


def calendar_file(
    q: Qualifier, meetings: Iterable[Meeting], *, now: datetime | None = None
) -> bytes:
    """The meetings as an RFC 5545 calendar, each with its note and its agenda."""
    events = []
    for m in meetings:
        lines = []
        if m.meeting.note:
            lines.append(m.meeting.note.strip())
        lines.append(f"{m.prospect.name} · {m.stage_title} · id {m.prospect.id}")
        items = m.agenda.items if m.agenda is not None else ()
        if items:
            lines.append("")
            lines.append("Agenda:")
            for n, item in enumerate(items[:AGENDA_IN_CALENDAR], start=1):
                flag = " (blocks the gate)" if item.blocks_gate else ""
                lines.append(f"{n}. {one_line(item.text)}{flag}")
            if len(items) > AGENDA_IN_CALENDAR:
                more = len(items) - AGENDA_IN_CALENDAR
                lines.append(f"… and {more} more (qualify agenda {m.prospect.id})")
        events.append(
            Event(
                uid=f"next-meeting-{m.prospect.id}@qualify",
                day=m.meeting.day,
                start=m.meeting.start,
                summary=f"{m.prospect.name}: {m.stage_title}",
                description="\n".join(lines),
            )
        )
    return calendar(events, now=now or utcnow(), name="qualify: next meetings")


__all__ = [
    "Meeting",
    "calendar_file",
    "coming",
    "meeting_agenda",
    "meeting_text",
    "overdue",
    "parse_day",
    "parse_time",
    "parse_within",
    "set_meeting",
]

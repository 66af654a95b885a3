"""The next meeting: a date, an optional time and a note, set from the interview summary
or the prospect (`m`), as `qualify meet` does."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, time
from typing import TYPE_CHECKING, ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Label, Static

from qualify.core.errors import QualifyError
from qualify.core.words import visible
from qualify.i18n import _
from qualify.tui.modals.dialog import Dialog
from qualify.tui.widgets.keys_in_order import Input

if TYPE_CHECKING:
    from qualify.core.records import NextMeeting
    from qualify.tui.screens.base import QualifyScreen


@dataclass(frozen=True)
class MeetingResult:
    """The meeting given (None for all three: no meeting any more)."""

    day: date | None
    start: time | None = None
    note: str = ""


class MeetingPrompt(Dialog[MeetingResult | None]):
    """Ask for the next meeting; dismisses with a MeetingResult, or None when cancelled."""

    CSS_PATH = "modals.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="dialog.cancel"),
    ]

    def __init__(self, name: str, current: NextMeeting | None = None) -> None:
        super().__init__()
        self.prospect_name = name
        self.current = current

    def compose(self) -> ComposeResult:
        meeting = self.current
        with Vertical(classes="dialog"):
            yield Static(
                _("Next meeting with {name}").format(name=visible(self.prospect_name)),
                classes="title",
                markup=False,
            )
            yield Label(_("Date (YYYY-MM-DD, or today, tomorrow, +3d, +2w)"), classes="field-label")
            yield Input(meeting.day.isoformat() if meeting else "", placeholder="+7d", id="day")
            yield Label(_("Time (HH:MM, optional)"), classes="field-label")
            start = f"{meeting.start:%H:%M}" if meeting and meeting.start else ""
            yield Input(start, placeholder="14:30", id="start")
            yield Label(_("Note (where, who, what to bring)"), classes="field-label")
            yield Input(meeting.note if meeting else "", id="note")
            yield Static("", classes="error", id="error", markup=False)
            with Horizontal(classes="buttons"):
                yield Button(_("Save"), id="ok", variant="primary")
                if meeting is not None:
                    yield Button(_("No meeting"), id="clear")
                yield Button(_("Cancel"), id="cancel")

    def on_mount(self) -> None:
        self.query_one("#day", Input).focus()

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self._finish()

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "ok":
            self._finish()
        elif event.button.id == "clear":
            self.dismiss(MeetingResult(None))
        else:
            self.dismiss(None)

    def _finish(self) -> None:
        from qualify.workflow.meetings import check_meeting_day, parse_day, parse_time

        error = self.query_one("#error", Static)
        try:  # said here, where what was typed can be mended, not after the dialog is gone
            day = parse_day(self.query_one("#day", Input).value)
            check_meeting_day(day, self.current)
            text = self.query_one("#start", Input).value.strip()
            start = parse_time(text) if text else None
        except QualifyError as exc:
            error.update(str(exc))
            return
        self.dismiss(MeetingResult(day, start, self.query_one("#note", Input).value.strip()))

    def action_cancel(self) -> None:
        self.dismiss(None)


def ask_meeting(screen: QualifyScreen, prospect_id: str, done: Callable[[], object]) -> None:
    """Ask for the prospect's next meeting and save it (an edit kept in the history)."""
    from qualify.workflow import meetings

    q = screen.qualifier
    try:
        prospect = q.store.get_prospect(prospect_id)
    except QualifyError as exc:
        screen.notify(str(exc), title=_("Next meeting"), severity="error", markup=False)
        return

    def given(result: MeetingResult | None) -> None:
        if result is None:
            return
        try:
            saved = meetings.set_meeting(
                q, q.store.get_prospect(prospect_id), result.day, result.start, result.note
            )
        except QualifyError as exc:
            screen.notify(str(exc), title=_("Next meeting"), severity="error", markup=False)
            return
        if saved.next_meeting is None:
            screen.notify(_("{name}: no next meeting.").format(name=prospect.name), markup=False)
        else:
            text = meetings.meeting_text(saved.next_meeting)
            screen.notify(
                _("{name}: next meeting {when}.").format(name=prospect.name, when=text),
                markup=False,
            )
        screen.prospects_changed(prospect_id)
        done()

    screen.app.push_screen(MeetingPrompt(prospect.name, prospect.next_meeting), given)


__all__ = ["MeetingPrompt", "MeetingResult", "ask_meeting"]

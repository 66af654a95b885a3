"""The one "reason" prompt of the app: decline, override a gate, put on hold.

Every one of those moves is kept in the prospect's history with its reason, so
the prompt refuses an empty reason.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Label, OptionList, Static
from textual.widgets.option_list import Option

from qualify.core.errors import QualifyError
from qualify.core.safe_text import readable
from qualify.i18n import _, error_text
from qualify.tui.modals.dialog import Dialog
from qualify.tui.widgets.keys_in_order import Input


@dataclass(frozen=True)
class ReasonResult:
    """What the user gave: the reason, and for a hold, when to call again."""

    reason: str
    recontact_on: date | None = None


class ReasonPrompt(Dialog[ReasonResult | None]):
    """Ask why; dismisses with a :class:`ReasonResult`, or None when cancelled."""

    CSS_PATH = "modals.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="dialog.cancel"),
    ]

    def __init__(
        self,
        title: str,
        body: str = "",
        *,
        action: str = "",
        suggestions: tuple[str, ...] = (),
        ask_date: bool = False,
        danger: bool = False,
    ) -> None:
        super().__init__()
        self.title_text = title
        self.body_text = body
        self.action_label = action or _("OK")
        """Label of the confirm button, e.g. "Decline"."""
        self.suggestions = suggestions
        """Common reasons offered below the field (pick one with Enter)."""
        self.ask_date = ask_date
        """Also ask for a re-contact date (just friends)."""
        self.danger = danger

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog -danger" if self.danger else "dialog"):
            yield Static(self.title_text, classes="title", markup=False)
            if self.body_text:
                yield Static(self.body_text, classes="body", markup=False)
            yield Label(_("Reason (kept in the history)"), classes="field-label")
            yield Input(placeholder=_("Why?"), id="reason")
            if self.suggestions:
                yield Label(_("Or pick a common reason:"), classes="field-label")
                yield OptionList(
                    *[Option(s, id=f"s{i}") for i, s in enumerate(self.suggestions)],
                    id="suggestions",
                )
            if self.ask_date:
                yield Label(_("Re-contact on (YYYY-MM-DD, optional)"), classes="field-label")
                yield Input(placeholder="2027-03-01", id="date")
            yield Static("", classes="error", id="error")
            with Horizontal(classes="buttons"):
                yield Button(
                    self.action_label, id="ok", variant="error" if self.danger else "primary"
                )
                yield Button(_("Cancel"), id="cancel")

    def on_mount(self) -> None:
        self.query_one("#reason", Input).focus()

    @on(OptionList.OptionSelected, "#suggestions")
    def _pick(self, event: OptionList.OptionSelected) -> None:
        field = self.query_one("#reason", Input)
        field.value = str(event.option.prompt)
        field.focus()

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self._finish()

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "ok":
            self._finish()
        else:
            self.dismiss(None)

    def _finish(self) -> None:
        reason = self.query_one("#reason", Input).value.strip()
        reason = reason if readable(reason) else ""
        error = self.query_one("#error", Static)
        if not reason:
            error.update(_("A reason is needed: it is kept in the prospect's history."))
            self.query_one("#reason", Input).focus()
            return
        when: date | None = None
        if self.ask_date:
            text = self.query_one("#date", Input).value.strip()
            if text:
                # read as `qualify hold --recontact` reads it: a real day, not one passed
                from qualify.core.moves import read_recontact
                from qualify.workflow.checks import today

                try:
                    when = read_recontact(text, today())
                except QualifyError as exc:
                    error.update(error_text(exc))
                    self.query_one("#date", Input).focus()
                    return
        self.dismiss(ReasonResult(reason, when))

    def action_cancel(self) -> None:
        self.dismiss(None)

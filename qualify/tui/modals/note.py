"""A note on a question: what the prospect said beyond the answer, kept with it."""

from __future__ import annotations

from collections.abc import Callable
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Label, Static

from qualify.i18n import _
from qualify.tui.modals.dialog import Dialog
from qualify.tui.widgets.keys_in_order import Input


class NotePrompt(Dialog[str | None]):
    """Edit the note of one question; Enter saves, an empty note removes it."""

    CSS_PATH = "modals.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="dialog.cancel"),
    ]

    def __init__(
        self, question: str, note: str = "", *, keep: Callable[[str], None] | None = None
    ) -> None:
        super().__init__()
        self.question = question
        """The question's text, as a reminder."""
        self.note = note
        """The note as it is now."""
        self.keep = keep
        """Saves a note typed here when the app quits with the dialog open."""

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(_("Note"), classes="title")
            yield Static(self.question, classes="body", markup=False)
            yield Label(_("Your note (Enter saves; empty removes it)"), classes="field-label")
            yield Input(self.note, placeholder=_("What they said, what to check…"), id="note")
            with Horizontal(classes="buttons"):
                yield Button(_("Save"), id="save", variant="primary")
                yield Button(_("Cancel"), id="cancel")

    def on_mount(self) -> None:
        self.query_one(Input).focus()

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.dismiss(event.value.strip())

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "save":
            self.dismiss(self.query_one(Input).value.strip())
        else:
            self.dismiss(None)

    def action_cancel(self) -> None:
        self.dismiss(None)

    def save_pending(self) -> None:
        """Quitting is not cancelling: keep a note typed but not saved yet."""
        typed = self.query_one(Input).value.strip()
        if self.keep is not None and typed != self.note.strip():
            self.note = typed
            self.keep(typed)

"""The one confirm dialog of the app: a question, a yes and a no.

The no (Cancel) button has the focus: Enter pressed out of habit never confirms; `y`,
a click or Tab then Enter does."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.visual import Visual
from textual.widgets import Button, Static

from qualify.i18n import _
from qualify.tui.modals.dialog import Dialog


class ConfirmDialog(Dialog[bool]):
    """Ask a yes/no question; dismisses with True (yes) or False (no, escape)."""

    CSS_PATH = "modals.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "answer(False)", "Cancel", id="dialog.cancel"),
        Binding("y", "answer(True)", "Yes", show=False, id="dialog.yes"),
        Binding("n", "answer(False)", "No", show=False, id="dialog.no"),
    ]

    def __init__(
        self,
        title: str,
        body: str | Visual = "",
        *,
        yes: str = "",
        no: str = "",
        danger: bool = False,
    ) -> None:
        super().__init__()
        self.title_text = title
        """The question, in one line."""
        self.body_text = body
        """Details: what will happen (a Visual: lines that wrap under their words)."""
        self.yes_label = yes or _("Yes")
        self.no_label = no or _("Cancel")
        self.danger = danger
        """Styled as a destructive action."""

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog -danger" if self.danger else "dialog"):
            yield Static(self.title_text, classes="title", markup=False)
            if self.body_text:
                # the details scroll (Tab, then the arrows), the question and the buttons stay:
                # at 80×24 a long body scrolled the title off to keep the focused button in view
                with VerticalScroll(classes="body-scroll"):
                    yield Static(self.body_text, classes="body", markup=False)
            with Horizontal(classes="buttons"):
                yield Button(
                    self.yes_label, id="yes", variant="error" if self.danger else "primary"
                )
                yield Button(self.no_label, id="no")

    def on_mount(self) -> None:
        self.query_one("#no", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.dismiss(event.button.id == "yes")

    def action_answer(self, yes: bool) -> None:
        self.dismiss(yes)

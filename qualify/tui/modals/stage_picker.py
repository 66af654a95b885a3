"""Pick a stage of the timeline whose interview to open (to correct an earlier stage)."""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from qualify.core.words import visible
from qualify.i18n import _
from qualify.tui.modals.dialog import Dialog


class StagePicker(Dialog[str | None]):
    """The stages with an interview; dismisses with the stage id picked, or None."""

    CSS_PATH = "modals.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="dialog.cancel"),
    ]

    def __init__(self, stages: list[tuple[str, str]]) -> None:
        super().__init__()
        self.stages = stages
        """(stage id, label), in the order of the timeline."""

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(_("Open a stage's interview"), classes="title")
            yield Static(
                _(
                    "An earlier stage opens to be corrected: every change is marked in the "
                    "history and the reports. Enter opens, Esc cancels."
                ),
                classes="body",
            )
            yield OptionList(
                *[Option(visible(label, one_line=True), id=sid) for sid, label in self.stages],
                id="stages",
            )

    def on_mount(self) -> None:
        stages = self.query_one("#stages", OptionList)
        stages.highlighted = 0
        stages.focus()

    @on(OptionList.OptionSelected, "#stages")
    def _picked(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(event.option.id)

    def action_cancel(self) -> None:
        self.dismiss(None)

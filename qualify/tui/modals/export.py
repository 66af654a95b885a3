"""Pick the format of an export: Markdown, HTML or JSON (the formats of qualify.reports)."""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from qualify.i18n import _
from qualify.tui.modals.dialog import Dialog
from qualify.tui.report import EXPORT_FORMATS


class ExportDialog(Dialog[str | None]):
    """Dismisses with a format (`md`, `html`, `json`), or None when cancelled."""

    CSS_PATH = "modals.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="dialog.cancel"),
        Binding("m", "pick('md')", "Markdown", show=False, id="export.md"),
        Binding("h", "pick('html')", "HTML", show=False, id="export.html"),
        Binding("j", "pick('json')", "JSON", show=False, id="export.json"),
    ]

    def __init__(self, name: str) -> None:
        super().__init__()
        self.prospect_name = name
        """Whose report is exported (shown in the title)."""

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(
                _("Export the fit report of {name}").format(name=self.prospect_name),
                classes="title",
            )
            yield Static(
                _("Written to the workspace's reports folder. Enter picks; m, h or j directly."),
                classes="body",
            )
            yield OptionList(
                *[Option(f"{_(label)}  (.{fmt})", id=fmt) for fmt, label in EXPORT_FORMATS.items()],
                id="formats",
            )

    def on_mount(self) -> None:
        self.query_one(OptionList).highlighted = 0

    @on(OptionList.OptionSelected)
    def _picked(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(event.option.id)

    def action_pick(self, fmt: str) -> None:
        self.dismiss(fmt)

    def action_cancel(self) -> None:
        self.dismiss(None)

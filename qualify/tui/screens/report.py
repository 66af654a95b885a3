"""Report preview: the prospect's fit report rendered as Markdown, with export and copy."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.message import Message
from textual.widgets import Header, Markdown, Static

from qualify.i18n import _
from qualify.tui.screens.base import QualifyScreen
from qualify.tui.widgets.footer import Footer


class ReportScreen(QualifyScreen):
    """The fit report of one prospect."""

    CSS_PATH = "report.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "Back", tooltip="Back to the prospect", id="report.back"),
        Binding(
            "x",
            "app.export_report",
            "Export",
            tooltip="Write the report to a Markdown file in the workspace's reports folder",
            id="report.export",
        ),
        Binding(
            "c",
            "copy",
            "Copy",
            tooltip="Copy the Markdown to the clipboard (works over SSH)",
            id="report.copy",
        ),
        Binding("j", "scroll(1)", "Down", show=False, id="report.down"),
        Binding("k", "scroll(-1)", "Up", show=False, id="report.up"),
    ]

    @dataclass
    class Rendered(Message):
        markdown: str

    def __init__(self, prospect_id: str) -> None:
        super().__init__()
        self.prospect_id = prospect_id
        """The prospect reported on."""
        self.markdown = ""
        """The report as last rendered."""

    def compose(self) -> ComposeResult:
        yield Header(icon="◆")
        with VerticalScroll(id="report-scroll"):
            yield Static(_("Rendering the report…"), id="report-status")
            yield Markdown("", id="report")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.sub_title = _("Fit report")
        self.render_report()

    @work(thread=True, exclusive=True, exit_on_error=False, group="report")
    def render_report(self) -> None:
        from qualify.tui.report import render_markdown

        forced = bool(getattr(self.app, "language_forced", False))
        shown = render_markdown(self.workspace, self.prospect_id, forced=forced)
        self.post_message(self.Rendered(shown))

    @on(Rendered)
    async def _rendered(self, event: Rendered) -> None:
        self.markdown = event.markdown
        await self.query_one(Markdown).update(event.markdown)
        self.query_one("#report-status", Static).display = False
        self.query_one("#report-scroll").focus()

    def action_back(self) -> None:
        self.app.pop_screen()

    def action_copy(self) -> None:
        if self.markdown:
            self.app.copy_to_clipboard(self.markdown)
            self.notify(_("Report copied to the clipboard (Markdown)."), timeout=3)

    def action_scroll(self, lines: int) -> None:
        self.query_one("#report-scroll", VerticalScroll).scroll_relative(y=lines, animate=False)

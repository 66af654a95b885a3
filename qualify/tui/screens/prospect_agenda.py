"""The prospect screen's agenda: its own tab (what to ask at the next meeting, Enter opens
the interview on the question), the summary on the overview, and the agenda written as
Markdown."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import work
from textual.content import Content
from textual.widgets import Static, TabbedContent

from qualify.core.words import one_line
from qualify.i18n import _, counted
from qualify.tui.widgets.agenda_list import AgendaList
from qualify.tui.widgets.text import hang

if TYPE_CHECKING:
    from qualify.core.agenda import Agenda
    from qualify.tui.screens.prospect import ProspectScreen

OVERVIEW = "overview"
"""Id of the overview tab."""
AGENDA = "agenda"
"""Id of the agenda tab."""
AGENDA_PREVIEW = 3
"""How many agenda items the overview lists."""
DETAIL_LINES = 3
"""Lines of the highlighted item's hint on the agenda tab (its max-height, less the rule)."""


class AgendaActions:
    """The agenda tab and its summary on the overview, shown and acted on."""

    def _show_agenda(
        self: ProspectScreen, agenda: Agenda | None, problem: str, stage_title: str
    ) -> None:  # type: ignore[misc]
        """The agenda tab, its tab label and the one-line summary on the overview."""
        items = agenda.items if agenda is not None else ()
        blocking = sum(1 for i in items if i.blocks_gate)
        risky = sum(1 for i in items if i.could_knock_out)
        tabs = self.query_one(TabbedContent)
        label = _("Agenda")
        tabs.get_tab(AGENDA).label = Content(f"{label} ({len(items)})" if items else label)
        self.query_one(AgendaList).show(agenda, problem)
        facts: list[tuple[str, str]] = []
        if blocking:
            said = counted("{n} blocks the gate", "{n} block the gate", blocking)
            facts.append((f"⚑ {said}", "bold $text-warning"))
        if risky:
            said = counted("{n} possible deal-breaker", "{n} possible deal-breakers", risky)
            facts.append((f"✗ {said}", "$text-error"))
        head: list[tuple[str, str]] = [
            (_("Next meeting"), "bold"),
            (f" · {stage_title}", "$text-accent"),
        ]
        if items:
            head.append((" · " + counted("{n} item", "{n} items", len(items)), ""))
            for fact in facts:
                head += [(" · ", "$text-muted"), fact]
            keys = _("Enter opens the interview on the question · m writes it as Markdown")
            head.append(("\n" + keys, "$text-muted"))
        self.query_one("#agenda-head", Static).update(Content.assemble(*head))
        summary = self.query_one("#agenda-summary", Static)
        if items:
            parts: list[tuple[str, str]] = [
                (counted("Agenda: {n} item to ask", "Agenda: {n} items to ask", len(items)), "")
            ]
            for fact in facts:
                parts += [(" · ", "$text-muted"), fact]
            parts.append(("  (g)", "$text-muted"))
            top = [
                Content.assemble(
                    (f"  {n}. ", "$text-accent"),
                    (one_line(item.text, 70), ""),
                    (" ⚑" if item.blocks_gate else "", "bold $text-warning"),
                )
                for n, item in enumerate(items[:AGENDA_PREVIEW], start=1)
            ]
            if len(items) > AGENDA_PREVIEW:
                more = _("… {n} more").format(n=len(items) - AGENDA_PREVIEW)
                top.append(Content.styled(f"  {more}", "$text-muted"))
            summary.update(Content("\n").join([Content.assemble(*parts), *top]))
            summary.display = True
        else:
            summary.display = False
        self._show_agenda_detail()

    def _show_agenda_detail(self: ProspectScreen) -> None:  # type: ignore[misc]
        """The highlighted item's hint, in at most :data:`DETAIL_LINES` lines of the
        detail's width, cut with "…" (laid out again when the width changes: Reflowed)."""
        item = self.query_one(AgendaList).current
        detail = self.query_one("#agenda-detail", Static)
        if item is None or not item.help:
            detail.display = False
            return
        width = detail.content_size.width or max(20, self.size.width - 2)
        parts = [(_("Listen for: "), "bold"), (one_line(item.help), "italic")]
        lines = [line.truncate(width, ellipsis=True) for line in hang(parts, width, 0)]
        if len(lines) > DETAIL_LINES:
            last = lines[DETAIL_LINES - 1]
            if last.cell_length >= width:
                last = last.truncate(width - 1)
            lines = [*lines[: DETAIL_LINES - 1], Content.assemble(last, ("…", "italic"))]
        detail.update(Content("\n").join(lines))
        detail.display = True

    def action_agenda(self: ProspectScreen) -> None:  # type: ignore[misc]
        """Show the agenda tab (and focus its list); again: back to the overview."""
        tabs = self.query_one(TabbedContent)
        if tabs.active == AGENDA:
            tabs.active = OVERVIEW
            self.query_one("#main").focus()
        else:
            tabs.active = AGENDA
            self.query_one(AgendaList).focus()
        self.refresh_bindings()

    def action_export_agenda(self: ProspectScreen) -> None:  # type: ignore[misc]
        """Write the agenda as Markdown into the reports folder, and copy it."""
        if self.view is None or self.view.agenda is None:
            self.notify(
                self.view.agenda_problem if self.view else _("Still loading."),
                title=_("No agenda"),
                severity="warning",
                markup=False,
            )
            return
        self.export_agenda()

    @work(thread=True, exclusive=True, exit_on_error=False, group="agenda-export")
    def export_agenda(self: ProspectScreen) -> None:  # type: ignore[misc]
        from qualify.tui.insights import export_agenda

        view = self.view
        if view is None or view.agenda is None:
            return
        path, markdown = export_agenda(self.workspace, view.prospect, view.agenda)
        self.post_message(self.AgendaExported(path, markdown))

"""The next meeting's agenda as a list: numbered, most useful first, each item with its
flags (blocks the gate, possible deal-breaker), section, kind and why; Enter opens the
interview on that question."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from textual import on
from textual.content import Content
from textual.message import Message
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from qualify.core.words import one_line, visible
from qualify.i18n import N_, _, tr
from qualify.tui.widgets.text import hang

if TYPE_CHECKING:
    from qualify.core.agenda import Agenda, AgendaItem

NOTHING_OPEN = N_("Nothing open.")
"""Shown before an agenda is read; a read agenda says how sure its answers are."""


def item_prompt(number: int, item: AgendaItem, width: int = 0) -> Content:
    """The question, then flags, section, kind and why (then the last note), laid out
    with a hanging indent when `width` is given."""
    from qualify.core.agenda import ITEM_KIND_WORDS

    width = width if width > 20 else 10_000
    head = hang([(f"{number:>2}. ", "bold $text-accent"), (one_line(item.text), "bold")], width, 4)
    facts: list[tuple[str, str]] = []
    if item.blocks_gate:
        facts.append(("⚑ " + _("blocks the gate"), "bold $text-warning"))
    if item.could_knock_out:
        facts.append(("✗ " + _("possible deal-breaker"), "bold $text-error"))
    facts.append((item.section, ""))
    facts.append((tr(ITEM_KIND_WORDS.get(item.kind, item.kind)), "italic"))
    if item.why:
        facts.append((one_line(tr(item.why)), "$text-muted"))
    line: list[tuple[str, str]] = [("    ", "")]
    for i, fact in enumerate(facts):
        if i:
            line.append((" · ", "$text-muted"))
        line.append(fact)
    lines = [*head, *hang(line, width, 4)]
    if item.note:
        lines += hang(
            [("    " + _("Last note: "), "$text-muted"), (visible(one_line(item.note)), "italic")],
            width,
            4,
        )
    return Content("\n").join(lines)


class AgendaList(OptionList):
    """The agenda items; `Chosen` when one is picked (Enter or a click)."""

    DEFAULT_CSS = """
    AgendaList {
        height: 1fr;
        border: none;
        padding: 0;
    }
    """

    @dataclass
    class Chosen(Message):
        """An agenda item was picked: open the interview on its question."""

        question_id: str

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.items: tuple[AgendaItem, ...] = ()
        """The items shown, in order."""
        self._agenda: Agenda | None = None
        self._problem = ""

    def show(self, agenda: Agenda | None, problem: str = "") -> None:
        """Show an agenda (or why there is none)."""
        highlighted = self.highlighted
        self._agenda, self._problem = agenda, problem
        self.items = agenda.items if agenda is not None else ()
        if not self.items:
            text = problem or (tr(agenda.nothing_open) if agenda is not None else _(NOTHING_OPEN))
            style = "$text-error" if problem else "$text-success"
            self.set_options([Option(Content.styled(text, style), disabled=True)])
            return
        width = self.scrollable_content_region.width - 2 if self.size.width else 0
        self.set_options(
            [
                Option(item_prompt(n, item, width), id=item.question_id)
                for n, item in enumerate(self.items, start=1)
            ]
        )
        self.highlighted = min(highlighted or 0, len(self.items) - 1)

    def on_resize(self) -> None:
        if self.items:
            self.show(self._agenda, self._problem)

    @property
    def current(self) -> AgendaItem | None:
        """The highlighted item."""
        index = self.highlighted
        if index is None or not 0 <= index < len(self.items):
            return None
        return self.items[index]

    @on(OptionList.OptionSelected)
    def _selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if event.option.id is not None:
            self.post_message(self.Chosen(event.option.id))

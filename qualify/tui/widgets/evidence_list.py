"""A prospect's evidence files as a list, newest first: name, size and short hash; the
question it documents, who attached it and when; its note; a superseded file marked,
with the newer one that replaced it. Enter opens the highlighted file."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from textual import on
from textual.content import Content
from textual.message import Message
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from qualify.core.words import one_line, visible
from qualify.i18n import _, fmt_size
from qualify.tui.format import fmt_datetime

if TYPE_CHECKING:
    from qualify.core.evidence import Attachment
    from qualify.workflow.evidence import Listed

HASH_SHOWN = 12
"""How many hex digits of a file's SHA-256 the list shows."""


def evidence_prompt(item: Listed, question: str) -> Content:
    """Two or three lines: the file, then its question, who and when, then its note."""
    a = item.attachment
    old = item.superseded_by is not None
    head: list[tuple[str, str]] = [
        ("  " if old else "● ", "bold $text-accent"),
        (visible(a.name, one_line=True), "$text-muted strike" if old else "bold"),
        (f"  {fmt_size(a.size)} · {a.sha256[:HASH_SHOWN]}", "$text-muted"),
    ]
    if item.superseded_by is not None:
        newer = visible(item.superseded_by.name, one_line=True)
        head.append(("  " + _("superseded by {name}").format(name=newer), "$text-warning"))
    who = visible(a.by, one_line=True) or _("someone")
    lines = [
        Content.assemble(*head),
        Content.assemble(
            ("    ", ""),
            (visible(one_line(question, 90), one_line=True), ""),
            (f" · {who} · {fmt_datetime(a.at)}", "$text-muted"),
        ),
    ]
    if a.note:
        lines.append(
            Content.assemble(("    “", "$text-muted"), (visible(one_line(a.note, 200)), "italic"))
            + Content.styled("”", "$text-muted")
        )
    return Content("\n").join(lines)


class EvidenceList(OptionList):
    """The files shown; `Chosen` when one is picked (Enter or a click)."""

    DEFAULT_CSS = """
    EvidenceList {
        height: 1fr;
        border: none;
        padding: 0;
    }
    """

    @dataclass
    class Chosen(Message):
        """A file was picked: open it with the system viewer."""

        attachment: Attachment

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.items: list[Listed] = []
        """The files shown, newest first."""

    def show(self, items: list[Listed], question_of: Callable[[Attachment], str]) -> None:
        """Show ``items`` (oldest first, as :func:`qualify.workflow.evidence.listed` gives
        them) newest first; ``question_of`` names the question a file documents. The
        highlighted file stays highlighted when it is still there."""
        kept = self.current
        self.items = list(reversed(items))
        self.clear_options()
        self.add_options(
            Option(evidence_prompt(i, question_of(i.attachment)), id=i.attachment.id)
            for i in self.items
        )
        if not self.items:
            return
        ids = [i.attachment.id for i in self.items]
        self.highlighted = ids.index(kept.id) if kept is not None and kept.id in ids else 0

    @property
    def current(self) -> Attachment | None:
        """The highlighted file."""
        index = self.highlighted
        if index is None or not 0 <= index < len(self.items):
            return None
        return self.items[index].attachment

    @on(OptionList.OptionSelected)
    def _selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        index = event.option_index
        if 0 <= index < len(self.items):
            self.post_message(self.Chosen(self.items[index].attachment))


__all__ = ["HASH_SHOWN", "EvidenceList", "evidence_prompt"]

"""Pick a prospect by name: type a few letters (fuzzy: "nwav" finds Northwind AV), the
best matches first; Enter picks, Esc cancels."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING, ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.fuzzy import Matcher
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from qualify.i18n import _
from qualify.tui.modals.dialog import Dialog
from qualify.tui.widgets.keys_in_order import Input

if TYPE_CHECKING:
    from qualify.core.records import ProspectSummary

SHOWN = 50
"""At most this many matches are listed."""


def find_prospects(
    summaries: Sequence[ProspectSummary], query: str, *, limit: int = SHOWN
) -> list[tuple[ProspectSummary, Content]]:
    """The best matches of `query` among the names (fuzzy), each with its highlight.

    An empty query lists the prospects by name. A cheap subsequence filter runs
    first, so 10,000 prospects stay instant; only its hits are scored.
    """
    query = query.strip()
    if not query:
        ordered = sorted(summaries, key=lambda s: s.name.lower())[:limit]
        return [(s, Content(s.name)) for s in ordered]
    pattern = re.compile(".*?".join(re.escape(ch) for ch in query if not ch.isspace()), re.I)
    matcher = Matcher(query)
    scored = []
    for summary in summaries:
        if pattern.search(summary.name) is None:
            continue
        score = matcher.match(summary.name)
        if score > 0:
            scored.append((score, summary))
    scored.sort(key=lambda pair: (-pair[0], pair[1].name.lower()))
    return [(s, matcher.highlight(s.name)) for _score, s in scored[:limit]]


class ProspectPicker(Dialog[str | None]):
    """Dismisses with the picked prospect's id, or None when cancelled."""

    CSS_PATH = "modals.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="dialog.cancel"),
        Binding("down", "move(1)", "Down", show=False, id="picker.down"),
        Binding("up", "move(-1)", "Up", show=False, id="picker.up"),
    ]

    def __init__(
        self, title: str, summaries: Sequence[ProspectSummary], *, exclude: str | None = None
    ) -> None:
        super().__init__()
        self.title_text = title
        """What the pick is for."""
        self.summaries = [s for s in summaries if s.id != exclude]
        """The prospects to pick from."""
        self.shown: list[ProspectSummary] = []
        """The matches listed, in order."""

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(self.title_text, classes="title", markup=False)
            yield Input(placeholder=_("Type a name (a few letters are enough)"), id="picker-input")
            yield OptionList(id="picker-list")
            yield Static(_("↑/↓ choose · Enter picks · Esc cancels"), classes="hint")

    def on_mount(self) -> None:
        self._filter("")
        self.query_one(Input).focus()

    @on(Input.Changed, "#picker-input")
    def _changed(self, event: Input.Changed) -> None:
        self._filter(event.value)

    def _filter(self, query: str) -> None:
        found = find_prospects(self.summaries, query)
        self.shown = [s for s, _highlight in found]
        options = self.query_one(OptionList)
        if not found:
            options.set_options(
                [Option(Content.styled(_("No prospect matches."), "$text-muted"), disabled=True)]
            )
            return
        options.set_options(
            [
                Option(
                    highlight
                    + Content.styled(f"  · {s.territory or '—'} · {s.stage}", "$text-muted"),
                    id=s.id,
                )
                for s, highlight in found
            ]
        )
        options.highlighted = 0

    def action_move(self, delta: int) -> None:
        options = self.query_one(OptionList)
        if delta > 0:
            options.action_cursor_down()
        else:
            options.action_cursor_up()

    @on(Input.Submitted, "#picker-input")
    def _submitted(self) -> None:
        options = self.query_one(OptionList)
        index = options.highlighted
        if self.shown and index is not None and 0 <= index < len(self.shown):
            self.dismiss(self.shown[index].id)

    @on(OptionList.OptionSelected, "#picker-list")
    def _picked(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if event.option.id is not None:
            self.dismiss(event.option.id)

    def action_cancel(self) -> None:
        self.dismiss(None)

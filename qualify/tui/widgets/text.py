"""Laying out styled text to a width: a hanging indent for lists whose items wrap (a
mark, `✗ ` or `3. `, and words that go on under the words, not under the mark), and
widgets that say when their width changes so their text can be laid out again."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from textual.containers import VerticalScroll
from textual.content import Content
from textual.css.styles import RulesMap
from textual.message import Message
from textual.strip import Strip
from textual.style import Style
from textual.visual import RenderOptions, Visual
from textual.widget import Widget
from textual.widgets import OptionList, Static


def hang(parts: list[tuple[str, str]], width: int, indent: int) -> list[Content]:
    """Styled words laid out in lines of at most `width` cells; lines after the first
    start `indent` spaces in (a hanging indent, so a list stays easy to scan): the
    first `indent` cells are the line's mark (see :class:`Hanging`)."""
    whole = Content.assemble(*parts)
    return Hanging([(whole[:indent], whole[indent:])]).lines(width)


Line = tuple[Content, Content]
"""A line's mark (empty: none) and its text."""


class Hanging(Visual):
    """Each line's text wrapped at the width left beside its mark, its other lines
    indented under the text. Laid out at the width it is drawn at: a widget showing
    one needs no :class:`Reflowed` to lay it out again."""

    def __init__(self, marked: Sequence[Line]) -> None:
        self.marked = tuple(marked)
        self._last: tuple[int, list[Content]] | None = None
        """The lines at the last width asked: the layout asks the height, the render the
        strips, both at one width."""

    def lines(self, width: int) -> list[Content]:
        """The lines as they show at `width`: wrapped, indented (a word longer than the
        room beside its mark is folded, never cut off)."""
        if self._last is not None and self._last[0] == width:
            return self._last[1]
        out: list[Content] = []
        for mark, text in self.marked:
            indent = mark.cell_length
            room = max(width - indent, 1)
            for n, part in enumerate(text.wrap(room) if text else [Content("")]):
                out.append((mark if n == 0 else Content(" " * indent)) + part)
        self._last = (width, out)
        return out

    def laid_out(self, width: int) -> Content:
        """:meth:`lines` as one text."""
        return Content("\n").join(self.lines(width))

    def render_strips(
        self, width: int, height: int | None, style: Style, options: RenderOptions
    ) -> list[Strip]:
        return self.laid_out(width).render_strips(width, height, style, options)

    def get_optimal_width(self, rules: RulesMap, container_width: int) -> int:
        widths = (
            mark.cell_length + text.get_optimal_width(rules, container_width)
            for mark, text in self.marked
        )
        return max(widths, default=0)

    def get_height(self, rules: RulesMap, width: int) -> int:
        return len(self.lines(width))

    def __str__(self) -> str:
        """The lines' words, unwrapped, as a Content says its own."""
        return "\n".join(mark.plain + text.plain for mark, text in self.marked)


@dataclass
class Reflowed(Message):
    """A widget whose text is laid out to its width now has another width: lay it out
    again (the first layout of a screen can come before its breakpoint classes apply)."""

    widget: Widget
    width: int

    @property
    def control(self) -> Widget:
        """The widget: ``@on(Reflowed, "#id")`` picks one widget's."""
        return self.widget


class _Reflow:
    """Posts :class:`Reflowed` when the widget's width changes."""

    _reflow_width = -1

    def on_resize(self) -> None:
        width = self.size.width  # type: ignore[attr-defined]
        if width and width != self._reflow_width:
            self._reflow_width = width
            self.post_message(Reflowed(self, width))  # type: ignore[attr-defined]


class ReflowOptionList(_Reflow, OptionList):
    """An OptionList whose prompts are laid out to its width."""


class ReflowScroll(_Reflow, VerticalScroll):
    """A VerticalScroll whose text is laid out to its width."""


class ReflowStatic(_Reflow, Static):
    """A Static whose text is laid out to its width."""

"""Laying out styled text to a width: a hanging indent for lists whose items wrap, and
widgets that say when their width changes so their text can be laid out again."""

from __future__ import annotations

import re
from dataclasses import dataclass

from textual.containers import VerticalScroll
from textual.content import Content
from textual.message import Message
from textual.widget import Widget
from textual.widgets import OptionList, Static


def hang(parts: list[tuple[str, str]], width: int, indent: int) -> list[Content]:
    """Styled words laid out in lines of at most `width` cells; lines after the first
    start `indent` spaces in (a hanging indent, so a list stays easy to scan)."""
    tokens = [(t, style) for text, style in parts for t in re.split(r"( +)", text) if t]
    lines: list[list[tuple[str, str]]] = [[]]
    used = 0
    for token, style in tokens:
        if token.isspace():
            if used > (indent if len(lines) > 1 else -1):
                lines[-1].append((token, style))
                used += len(token)
            continue
        if used + len(token) > width and used > indent:
            while lines[-1] and lines[-1][-1][0].isspace():
                used -= len(lines[-1].pop()[0])
            lines.append([(" " * indent, "")])
            used = indent
        lines[-1].append((token, style))
        used += len(token)
    return [Content.assemble(*line) for line in lines if line]


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

"""Lines with a mark (`✗ `, `  ✓ `) whose text, when it wraps, goes on under the text.

Wrapped as one text, a long line runs on under its mark, and the next line of a gate's
checklist reads as a criterion of its own (at 80 columns, a German gate's list of
required questions wraps).
"""

from __future__ import annotations

from collections.abc import Sequence

from textual.content import Content
from textual.css.styles import RulesMap
from textual.strip import Strip
from textual.style import Style
from textual.visual import RenderOptions, Visual

Line = tuple[Content, Content]
"""A line's mark (empty: none) and its text."""


class Hanging(Visual):
    """Each line's text wrapped at the width left beside its mark, its other lines
    indented under the text."""

    def __init__(self, lines: Sequence[Line]) -> None:
        self.lines = tuple(lines)

    def laid_out(self, width: int) -> Content:
        """The lines as they show at `width`: wrapped, indented, one text."""
        out: list[Content] = []
        for mark, text in self.lines:
            indent = mark.cell_length
            room = max(width - indent, 1)
            for n, part in enumerate(text.wrap(room) if text else [Content("")]):
                out.append((mark if n == 0 else Content(" " * indent)) + part)
        return Content("\n").join(out)

    def render_strips(
        self, width: int, height: int | None, style: Style, options: RenderOptions
    ) -> list[Strip]:
        return self.laid_out(width).render_strips(width, height, style, options)

    def get_optimal_width(self, rules: RulesMap, container_width: int) -> int:
        return (
            max(
                (mark.cell_length + text.get_optimal_width(rules, container_width))
                for mark, text in self.lines
            )
            if self.lines
            else 0
        )

    def get_height(self, rules: RulesMap, width: int) -> int:
        return self.laid_out(width).get_height(rules, width)

    def __str__(self) -> str:
        """The lines' words, unwrapped, as a Content says its own."""
        return "\n".join(mark.plain + text.plain for mark, text in self.lines)


__all__ = ["Hanging", "Line"]

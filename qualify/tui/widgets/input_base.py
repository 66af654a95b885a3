"""What every question input shares: the keys that move between questions."""

from __future__ import annotations

from dataclasses import dataclass

from textual.binding import Binding, BindingType
from textual.message import Message


@dataclass
class Navigate(Message):
    """An input asks to move: +1 next question, -1 previous."""

    step: int


NAV_BINDINGS: list[BindingType] = [
    Binding("pagedown", "navigate(1)", "Next", show=False),
    Binding("pageup", "navigate(-1)", "Back", show=False),
]


class NavMixin:
    def action_navigate(self, step: int) -> None:
        self.post_message(Navigate(step))  # type: ignore[attr-defined]

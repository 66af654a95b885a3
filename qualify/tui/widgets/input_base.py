"""What every question input shares: the keys that move between questions."""

from __future__ import annotations

from dataclasses import dataclass

from textual.binding import Binding, BindingType
from textual.message import Message

from qualify.tui.widgets.keys_in_order import KeyOrder


@dataclass
class Navigate(Message):
    """An input asks to move: +1 next question, -1 previous."""

    step: int


NAV_BINDINGS: list[BindingType] = [
    Binding("pagedown", "navigate(1)", "Next", show=False),
    Binding("pageup", "navigate(-1)", "Back", show=False),
]


class NavMixin(KeyOrder):
    """A question's input: PageDown/PageUp (and Enter where it means next) move, and
    what is typed after a move goes to the question that follows (:class:`KeyOrder`)."""

    def action_navigate(self, step: int) -> None:
        self.move_on(Navigate(step))

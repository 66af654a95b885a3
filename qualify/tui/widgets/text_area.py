"""A text area whose editing keys keep their place among the typed ones (see
:mod:`qualify.tui.widgets.keys_in_order`).

A module of its own: importing and subclassing Textual's text area costs several
milliseconds, and the app's first screen (the prospects list) has none.
"""

from __future__ import annotations

from textual.widgets import TextArea as _TextualTextArea

from qualify.tui.widgets.keys_in_order import KeysInOrder


class TextArea(KeysInOrder, _TextualTextArea):
    """A text area whose editing keys keep their place among the typed ones."""

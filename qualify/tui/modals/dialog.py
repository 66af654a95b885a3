"""The base of the app's dialogs: each answers once.

Textual's ``dismiss`` calls back with the answer and pops the screen on top, whichever it
is. A dialog's keys typed together (Enter twice on the add form, fast or over ssh) each
reach it: the second answered again once the dialog had gone, adding the same prospect
again or closing the screen below, and with nothing below, the app ended in a traceback.
"""

from __future__ import annotations

import asyncio
from typing import TypeVar

from textual.await_complete import AwaitComplete
from textual.screen import ModalScreen

Answer = TypeVar("Answer")


class Dialog(ModalScreen[Answer]):
    """A modal screen whose first answer is its only one."""

    def dismiss(self, result: Answer | None = None) -> AwaitComplete:
        if self.app.screen_stack[-1:] != [self]:  # answered already (or covered): ignored
            return AwaitComplete(asyncio.sleep(0))
        return super().dismiss(result)


__all__ = ["Dialog"]

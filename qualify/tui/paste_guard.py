"""A paste stays a paste, even when what was copied holds an escape character.

Terminals mark a paste with ``ESC [200~`` … ``ESC [201~`` (bracketed paste), so the app
gets it as one Paste event instead of keystrokes. Textual's parser (8.2) reads an ESC
inside the paste as the start of an escape sequence, and what follows it that it cannot
make sense of is handed to the app as keys: a pasted line break is then Enter, and a
form is sent that nobody sent (found in tmux, which passes a pasted ESC through; xterm
and Alacritty drop it).

So, as those terminals do, an ESC inside a paste is dropped before the parser reads it,
unless it starts the end mark. :class:`PasteGuard` does that on the text as it comes,
in any pieces; :class:`GuardedParser` is Textual's parser reading through it; and
:func:`guarded` has the terminal driver use it.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable

from textual._xterm_parser import BRACKETED_PASTE_END, BRACKETED_PASTE_START, XTermParser
from textual.driver import Driver
from textual.message import Message

ESC = "\x1b"


def _partial_mark(text: str, mark: str) -> int:
    """How many characters at the end of `text` could begin `mark` (not all of it)."""
    for size in range(min(len(mark) - 1, len(text)), 0, -1):
        if mark.startswith(text[-size:]):
            return size
    return 0


class PasteGuard:
    """Drops the ESC characters inside bracketed pastes from terminal input read in
    pieces. Outside a paste nothing is held back or changed (a lone Escape key keeps
    its timing); inside one, a piece that ends with what may be the start of the end
    mark keeps those few characters until the next piece says what they are."""

    def __init__(self) -> None:
        self.in_paste = False
        self._tail = ""
        """The last characters passed outside a paste: a start mark split across pieces."""
        self._held = ""
        """Inside a paste: the end of the last piece, perhaps the start of the end mark."""

    def feed(self, data: str) -> str:
        """The characters of `data` for the parser, in order."""
        out: list[str] = []
        text = self._held + data
        self._held = ""
        while text:
            if not self.in_paste:
                seen = self._tail + text
                found = seen.find(BRACKETED_PASTE_START)
                if found < 0:
                    out.append(text)
                    self._tail = seen[-(len(BRACKETED_PASTE_START) - 1) :]
                    break
                begins = found + len(BRACKETED_PASTE_START) - len(self._tail)
                out.append(text[:begins])
                text = text[begins:]
                self.in_paste, self._tail = True, ""
                continue
            found = text.find(BRACKETED_PASTE_END)
            if found < 0:
                keep = _partial_mark(text, BRACKETED_PASTE_END)
                body = text[: len(text) - keep]
                self._held = text[len(text) - keep :]
                out.append(body.replace(ESC, ""))
                break
            out.append(text[:found].replace(ESC, "") + BRACKETED_PASTE_END)
            text = text[found + len(BRACKETED_PASTE_END) :]
            self.in_paste = False
        return "".join(out)


class GuardedParser(XTermParser):
    """Textual's terminal parser, reading through a :class:`PasteGuard`."""

    def __init__(self, debug: bool = False) -> None:
        self._guard = PasteGuard()
        super().__init__(debug)

    def feed(self, data: str) -> Iterable[Message]:
        if not data:  # the end of the input: the parser's own
            return super().feed(data)
        guarded = self._guard.feed(data)
        if not guarded:  # all of it held back (an empty piece would read as the end)
            return ()
        return super().feed(guarded)


def guarded(driver_class: type[Driver]) -> type[Driver]:
    """`driver_class`, reading the terminal through :class:`GuardedParser`. Textual's
    drivers make their parser from the name ``XTermParser`` in their own module, when
    their input thread starts: that name is given the guarded parser (a subclass, the
    same in everything but pastes); on Windows, the name in the console module the
    driver reads through. A driver that reads no terminal is left as it is."""
    module = sys.modules.get(driver_class.__module__)
    for reads in (module, getattr(module, "win32", None)):
        if reads is not None and getattr(reads, "XTermParser", None) is XTermParser:
            reads.XTermParser = GuardedParser
    return driver_class


__all__ = ["GuardedParser", "PasteGuard", "guarded"]

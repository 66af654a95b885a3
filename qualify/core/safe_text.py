"""User text made safe for a terminal: one function, light enough for the command line
to import before anything else (no pydantic, no question sets)."""

from __future__ import annotations

import re

_INVISIBLE = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u2028\u2029\u202a-\u202e\u2060-\u2069\ufeff]"
)
"""Characters a terminal acts on or hides: C0/C1 controls (escape sequences start with
ESC or CSI), DEL, zero-width and direction marks, line and paragraph separators."""


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def visible(text: object, *, one_line: bool = False) -> str:
    """User text as it may reach a terminal: every control character and escape sequence
    shown as `\\x1b`-style text, so a name can neither clear the screen, retitle the
    window nor forge a table row. `one_line` also shows line breaks as `⏎`."""
    text = str(text)
    if text.isprintable():  # most names and figures (every character above is not)
        return text
    if one_line:
        text = text.replace("\r\n", "⏎").replace("\n", "⏎").replace("\t", " ")
    return _INVISIBLE.sub(_escape, text)


__all__ = ["visible"]

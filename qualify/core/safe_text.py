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


def quoted(value: object, most: int = 40) -> str:
    """A value quoted in a message: its repr, cut at `most` characters; a list or mapping
    only a few levels deep (a 1,000-deep one would exhaust the stack) and a number of
    thousands of digits by its size (Python writes none longer than 4,300)."""
    if isinstance(value, list | tuple | dict | set):
        import reprlib

        short = reprlib.Repr()  # (its settings as keywords only from Python 3.12)
        short.maxlevel, short.maxlist, short.maxdict, short.maxstring = 3, 4, 4, most
        text = short.repr(value)
    else:
        try:
            text = repr(value)
        except ValueError:
            text = f"<a number of about {int(value.bit_length() * 0.30103) + 1:,} digits>"  # type: ignore[attr-defined]
    return text if len(text) <= most else text[: most - 3] + "…"


def readable(text: str) -> bool:
    """Whether anything in `text` can be read: a letter, digit, punctuation mark or symbol,
    not only spaces, zero-width characters or direction marks (a reason made of those
    gives none)."""
    import unicodedata

    return any(unicodedata.category(ch)[0] in "LNPS" for ch in text)

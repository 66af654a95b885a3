"""Sentences of the core that the shell can say in the user's language.

The core stays pure: it knows no catalog and no language. A sentence it builds ("score
23 below 50", "Part ways: …") is a :class:`Phrase`: an English message id with named
placeholders (``"{what} {value} below {need}"``) and its parameters. A phrase *is* a
``str`` — the English sentence — so every caller that prints, compares or stores it
keeps working. The shell (``qualify.i18n.say``) renders the same phrase in another
language: it looks the message id up in the gettext catalog and formats the parameters
(numbers, dates, nested phrases) the language's way.

``Phrase("…")`` is the marker ``pybabel extract -k Phrase`` finds, so the message id
must be a string literal at the call. A parameter is a nested phrase, a :class:`Num`
(a figure with its decimals), an int or float, a date (a datetime says its day), a
:class:`Moment` (a date and time, to the minute), or any other text (put in as
it is: a question's text, a reason written in the set).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Protocol

__all__ = [
    "Formats",
    "Joined",
    "Moment",
    "Num",
    "Phrase",
    "and_list",
    "in_quotes",
    "render",
    "said",
]


@dataclass(frozen=True)
class Num:
    """A figure shown with at most `decimals` decimals (trailing zeros dropped), or
    exactly that many when `fixed`."""

    value: float
    decimals: int | None = 0
    """None: as the value is (a raw answer)."""
    fixed: bool = False
    grouped: bool = False
    """Thousands grouped in English too (10,000; German groups every figure: 10.000)."""


@dataclass(frozen=True)
class Moment:
    """A date and time said to the minute (English 2026-12-02 13:51), in the zone the
    caller gave it (the reader's, usually)."""

    value: datetime


class Formats(Protocol):
    def number(self, value: float, decimals: int | None, fixed: bool) -> str: ...

    def date(self, value: date | datetime) -> str: ...

    def datetime(self, value: datetime) -> str: ...

    def text(self, value: str, translations: Mapping[str, str]) -> str:
        """A question set's translated text (a constraint message, a knock-out reason)
        quoted inside a phrase: `value` is it in the language the set was read in."""
        ...


class _English:
    """Figures and dates as the core has always written them (en)."""

    def number(self, value: float, decimals: int | None, fixed: bool) -> str:
        if decimals is None:
            if isinstance(value, float) and value.is_integer():
                value = int(value)
            return str(value)
        text = f"{value:.{decimals}f}"
        if not fixed and "." in text:
            text = text.rstrip("0").rstrip(".")
        return text

    def date(self, value: date | datetime) -> str:
        return value.strftime("%Y-%m-%d")

    def datetime(self, value: datetime) -> str:
        return value.strftime("%Y-%m-%d %H:%M")

    def text(self, value: str, translations: Mapping[str, str]) -> str:
        return str(value)


ENGLISH: Formats = _English()


def _same(message: str) -> str:
    return message


def render(value: Any, translate: Callable[[str], str] = _same, formats: Formats = ENGLISH) -> str:
    """`value` in words: a phrase translated with `translate` and its parameters
    formatted with `formats`; English as it is by default."""
    if type(value) is str:  # the most common by far: a question's text, an id
        return value
    if isinstance(value, Joined):
        return value.sep.join(render(item, translate, formats) for item in value.items)
    if isinstance(value, Phrase):
        params = {k: render(v, translate, formats) for k, v in value.params.items()}
        template = translate(value.msgid) if value.msgid else value.msgid
        try:
            return template.format(**params)
        except (KeyError, IndexError, ValueError):  # a broken translation: the English
            return value.msgid.format(**params)
    if isinstance(value, Num):
        if value.grouped and formats is ENGLISH and value.decimals is not None:
            return f"{value.value:,.{value.decimals}f}"
        return formats.number(value.value, value.decimals, value.fixed)
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int | float):
        return formats.number(value, None, False)
    if isinstance(value, Moment):
        return formats.datetime(value.value)
    if isinstance(value, date | datetime):
        return formats.date(value)
    translations = getattr(value, "translations", None)
    if isinstance(value, str) and isinstance(translations, Mapping):
        return formats.text(value, translations)
    return str(value)


def _english(value: Any) -> str:
    """`render(value)`: a text is already its English words (a phrase's are worked out
    once, when it is made; its nested phrases are not rendered again)."""
    return str.__str__(value) if isinstance(value, str) else render(value)


class Phrase(str):
    """An English sentence that knows its message id and parameters (see the module)."""

    msgid: str
    params: Mapping[str, Any]

    def __new__(cls, msgid: str, /, **params: Any) -> Phrase:
        self = super().__new__(cls, msgid.format(**{k: _english(v) for k, v in params.items()}))
        self.msgid = msgid
        self.params = params
        return self

    def __reduce__(self) -> tuple[Any, ...]:
        return (_phrase, (self.msgid, dict(self.params)))

    def __repr__(self) -> str:
        return f"Phrase({str(self)!r})"


def _phrase(msgid: str, params: dict[str, Any]) -> Phrase:
    return Phrase(msgid, **params)


class Joined(Phrase):
    """Phrases (or texts) joined by a separator that needs no translation (``"; "``)."""

    items: tuple[Any, ...]
    sep: str

    def __new__(cls, items: Iterable[Any], sep: str = "; ") -> Joined:
        items = tuple(items)
        self = str.__new__(cls, sep.join([_english(i) for i in items]))
        self.msgid, self.params, self.items, self.sep = "", {}, items, sep
        return self

    def __reduce__(self) -> tuple[Any, ...]:
        return (Joined, (self.items, self.sep))


def and_list(items: Iterable[Any]) -> Any:
    """`a`, `a and b`, `a, b and c`."""
    items = list(items)
    if len(items) <= 1:
        return items[0] if items else ""
    return Phrase("{items} and {last}", items=Joined(items[:-1], ", "), last=items[-1])


def in_quotes(text: str, most: int | None = 70) -> Phrase:
    """A question as it is asked, on one line and cut at `most` characters, in the
    quotation marks of the reader's language (“…” in English, „…“ in German)."""
    text = " ".join(text.split())
    if most is not None and len(text) > most:
        text = text[: most - 1] + "…"
    return Phrase("“{text}”", text=text)


def said(exc: BaseException) -> Any:
    """What an error says, to be put inside another sentence: its phrase (so the shell
    can still say it in the reader's language), or a set's translated text (a constraint
    message), else its English text."""
    args = exc.args
    return args[0] if len(args) == 1 and isinstance(args[0], str) else str(exc)

"""One answer's value read by its question's type, or an AnswerError saying what the
question accepts (a :class:`~qualify.core.phrase.Phrase`, said in the user's language
by the shell).

A value is read from the characters typed: a text answer keeps them exactly, a number
answer is what a person writes for a number (`25`, `25.5`, `25,5`, `1e3`) and nothing
else, a date answer is an ISO date (`2015-03-01`).
"""

from __future__ import annotations

import math
import re
from datetime import date, datetime
from typing import Any

from qualify.core.errors import QualifyError
from qualify.core.phrase import Num, Phrase
from qualify.core.questionnaire.condition_words import did_you_mean
from qualify.core.questionnaire.expressions import MAX_YEAR, MIN_YEAR, is_number
from qualify.core.questionnaire.model import Question
from qualify.core.safe_text import quoted, readable
from qualify.core.suggest import closest

_YES = {"yes", "y", "true", "1", "oui", "ja"}
_NO = {"no", "n", "false", "0", "non", "nein"}

MAX_NUMBER = 1e15
"""Number answers lie within ±MAX_NUMBER (revenue in cents of a large company fits)."""

MAX_TEXT = 20_000
"""Characters of a text answer (about eight pages)."""

_PERSON_NUMBER = re.compile(r"^[+-]?(?:\d+(?:[.,]\d*)?|[.,]\d+)(?:[eE][+-]?\d{1,3})?$")
"""What people write for a number: 25, -3, 25.5, 25,5, .5, 1e3 — no 0x, no 1_000."""

_THOUSANDS = re.compile(r"^[+-]?[1-9]\d{0,2}[.,]\d{3}$")
"""1,000 or 2.500: a thousands separator or a decimal one? Too ambiguous to guess."""

_DATE_TEXT = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_YEAR = re.compile(r"^\d{4}$")


class AnswerError(QualifyError):
    """One value that does not fit its question; the message says what would."""


def shown(value: Any) -> str:
    """A value quoted in a message, cut so a 400-digit answer does not fill the screen."""
    return quoted(value)


def _g(value: float) -> Num:
    return Num(value, None)


def _whole(value: Any) -> AnswerError:
    return AnswerError(Phrase("expected a whole number, got {value}", value=shown(value)))


def typed(question: Question, value: Any) -> Any:
    """The value as stored for `question`; AnswerError when it does not fit."""
    # blank text too: an empty answer, or one of spaces or invisible characters only, is
    # no answer (the app clears a text emptied; `answer ID q ''` recorded one, and it
    # counted as answered at the gate)
    if value is None or (isinstance(value, str) and not readable(value)):
        raise AnswerError(Phrase("no value given (use state: unknown to ask next time)"))
    kind = question.type
    if kind == "choice":
        text = _option_text(value)
        if text not in question.option_map:
            raise AnswerError(_not_an_option(question, text))
        return text
    if kind == "multi":
        items = value if isinstance(value, list) else [value]
        chosen: list[str] = []
        for item in items:
            text = _option_text(item)
            if text not in question.option_map:
                raise AnswerError(_not_an_option(question, text))
            if text not in chosen:
                chosen.append(text)
        return chosen
    if kind == "scale":
        number = _number(value)
        if number != int(number):
            raise _whole(value)
        low, high = question.scale_min, question.scale_max
        if not low <= number <= high:
            raise AnswerError(
                Phrase(
                    "{value} is outside the scale {low}..{high}",
                    value=_g(number),
                    low=_g(low),
                    high=_g(high),
                )
            )
        return int(number)
    if kind == "number":
        number = _number(value)
        if question.integer and not float(number).is_integer():
            raise _whole(value)
        if question.integer:
            number = int(number)
        if question.min is not None and number < question.min:
            said = Phrase(
                "{value} is below the minimum {min}", value=_g(number), min=_g(question.min)
            )
            raise AnswerError(said)
        if question.max is not None and number > question.max:
            said = Phrase(
                "{value} is above the maximum {max}", value=_g(number), max=_g(question.max)
            )
            raise AnswerError(said)
        return number
    if kind == "date":
        return _date(value)
    if kind == "calculated":
        raise AnswerError(
            Phrase(
                "{question} is calculated from its formula ({formula}); nobody answers it: "
                "answer its inputs",
                question=repr(question.id),
                formula=question.formula,
            )
        )
    if kind == "yes_no":
        if isinstance(value, bool):
            return value
        if isinstance(value, str | int) and str(value).strip().lower() in _YES:
            return True
        if isinstance(value, str | int) and str(value).strip().lower() in _NO:
            return False
        said = Phrase("expected yes or no (true/false), got {value}", value=shown(value))
        raise AnswerError(said)
    if isinstance(value, list | dict):
        got = Phrase("a list") if isinstance(value, list) else Phrase("a mapping")
        raise AnswerError(Phrase("expected text, got {value}", value=got))
    text = value if isinstance(value, str) else str(value)
    if len(text) > MAX_TEXT:
        raise AnswerError(
            Phrase(
                "the text is {n} characters; at most {most} are kept",
                n=f"{len(text):,}",
                most=f"{MAX_TEXT:,}",
            )
        )
    return text


def read_date(text: str) -> date:
    """A date someone typed (YYYY-MM-DD, a real day of a plausible year); AnswerError
    saying what is wrong with it ("2026-02-30 is not a real date")."""
    return date.fromisoformat(_date(text))


def _date(value: Any) -> str:
    """An ISO date as text (`2015-03-01`), a real one within MIN_YEAR..MAX_YEAR."""
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, date):
        parsed: date | None = value
    elif isinstance(value, str) and _DATE_TEXT.match(value.strip()):
        try:
            parsed = date.fromisoformat(value.strip())
        except ValueError:
            raise AnswerError(Phrase("{value} is not a real date", value=shown(value))) from None
    elif _YEAR.match(str(value).strip()):
        # the bundled sets say "the year is enough (write the 1st of January)"
        year = str(value).strip()
        said = Phrase(
            "{value} is a year: a date needs its day too, e.g. {year}-01-01 (YYYY-MM-DD)",
            value=shown(value),
            year=year,
        )
        raise AnswerError(said)
    else:
        said = Phrase(
            "expected a date such as 2015-03-01 (YYYY-MM-DD), got {value}", value=shown(value)
        )
        raise AnswerError(said)
    assert parsed is not None
    if not MIN_YEAR <= parsed.year <= MAX_YEAR:
        raise AnswerError(
            Phrase(
                "{date} is outside the years {first}–{last}",
                date=parsed.isoformat(),
                first=str(MIN_YEAR),
                last=str(MAX_YEAR),
            )
        )
    return parsed.isoformat()


def _option_text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, list | dict) or value is None:
        got = (
            Phrase("a list")
            if isinstance(value, list)
            else Phrase("a mapping")
            if value
            else Phrase("nothing")
        )
        raise AnswerError(Phrase("expected one option, got {value}", value=got))
    return str(value)


def options_hint(q: Question) -> str:
    return ", ".join(o.value for o in q.options or ())


def _not_an_option(q: Question, text: str) -> Phrase:
    close = closest(text, q.option_map)
    return Phrase(
        "{value} is not an option{hint}; options: {options}",
        value=repr(text),
        hint=did_you_mean(close),
        options=options_hint(q),
    )


def _too_large(value: Any) -> AnswerError:
    return AnswerError(
        Phrase(
            "{value} is too large (answers lie within ±{most})",
            value=shown(value),
            most=f"{MAX_NUMBER:,.0f}",
        )
    )


def _finite(value: Any) -> AnswerError:
    return AnswerError(Phrase("expected a finite number, got {value}", value=shown(value)))


def _number(value: Any) -> float | int:
    """A number as a person writes it (decimal point or comma), finite and in range."""
    if is_number(value):
        number = value
    elif isinstance(value, str):
        text = value.strip()
        if text.lower().lstrip("+-.") in ("nan", "inf", "infinity"):
            raise _finite(value)
        if not _PERSON_NUMBER.match(text):
            said = Phrase(
                "expected a number such as 25, 25.5 or 25,5, got {value}", value=shown(value)
            )
            raise AnswerError(said)
        if _THOUSANDS.match(text):
            whole = text.replace(",", "").replace(".", "")
            decimal = text.replace(",", ".")
            raise AnswerError(
                Phrase(
                    "{value} could be {whole} or {decimal}: write it without a thousands separator",
                    value=shown(value),
                    whole=whole,
                    decimal=decimal.rstrip("0").rstrip("."),  # 1,000: 1000 or 1
                )
            )
        number = float(text.replace(",", "."))
        if not math.isfinite(number):  # digits beyond what a float holds
            raise _too_large(value)
        if number.is_integer() and not any(c in text for c in ".,eE"):
            number = int(text)
    else:
        raise AnswerError(Phrase("expected a number, got {value}", value=shown(value)))
    if isinstance(number, float) and not math.isfinite(number):
        raise _finite(value)
    if abs(number) > MAX_NUMBER:
        raise _too_large(value)
    return number

"""Answers as people give them (files, the command line, the app), checked against a set.

An answer file is a YAML mapping of question id to value, or to
`{value, source, note, state}` when provenance matters:

    company_type: dealer
    sales_reps: {value: 5, source: verified, note: "saw the org chart"}
    annual_revenue: {state: unknown}      # ask next time

A value is read by its question's type, from the characters typed: a text answer keeps
them exactly (`12:30`, `0754123456` and `0x1F` stay text), a number answer is what a
person writes for a number (`25`, `25.5`, `25,5`, `1e3`) and nothing else.
"""

from __future__ import annotations

import difflib
import math
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from qualify.core.errors import QualifyError
from qualify.core.questionnaire.model import Question, QuestionSet
from qualify.core.questionnaire.yamlsource import (
    Document,
    Limits,
    Path_,
    Problem,
    TextError,
    decode_text,
    parse_yaml,
)

AnswerState = Literal["answered", "unknown", "declined"]
AnswerSource = Literal["stated", "verified", "estimated"]
STATES: tuple[str, ...] = ("answered", "unknown", "declined")
SOURCES: tuple[str, ...] = ("stated", "verified", "estimated")

_YES = {"yes", "y", "true", "1", "oui", "ja"}
_NO = {"no", "n", "false", "0", "non", "nein"}

MAX_NUMBER = 1e15
"""Number answers lie within ±MAX_NUMBER (revenue in cents of a large company fits)."""

MAX_TEXT = 20_000
"""Characters of a text answer (about eight pages)."""

ANSWER_LIMITS = Limits(max_bytes=1_000_000, max_depth=6, max_values=50_000)
"""An answer file is flat: a mapping of answers, a list for a multi-choice answer."""

_PERSON_NUMBER = re.compile(r"^[+-]?(?:\d+(?:[.,]\d*)?|[.,]\d+)(?:[eE][+-]?\d{1,3})?$")
"""What people write for a number: 25, -3, 25.5, 25,5, .5, 1e3 — no 0x, no 1_000."""

_THOUSANDS = re.compile(r"^[+-]?[1-9]\d{0,2}[.,]\d{3}$")
"""1,000 or 2.500: a thousands separator or a decimal one? Too ambiguous to guess."""


class AnswerError(QualifyError):
    """One value that does not fit its question; the message says what would."""


class AnswersError(QualifyError):
    """An answer file with mistakes; `problems` lists every one, by question and line."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems) or "invalid answers")


@dataclass(frozen=True)
class AnswerInput:
    """An answer about to be recorded: value plus how we know it."""

    question_id: str
    value: Any = None
    state: AnswerState = "answered"
    source: AnswerSource = "stated"
    note: str = ""
    line: int | None = None
    """Where it came from in an answer file, for error messages."""


def _shown(value: Any) -> str:
    """A value quoted in a message, cut so a 400-digit answer does not fill the screen."""
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "…"


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _options_hint(q: Question) -> str:
    return ", ".join(o.value for o in q.options or ())


def validate_answer(question: Question, value: Any) -> Any:
    """The value as stored, or AnswerError saying what the question accepts."""
    if value is None or (isinstance(value, str) and not value.strip() and question.type != "text"):
        raise AnswerError("no value given (use state: unknown to ask next time)")
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
            raise AnswerError(f"expected a whole number, got {_shown(value)}")
        low, high = question.scale_min, question.scale_max
        if not low <= number <= high:
            raise AnswerError(f"{number:g} is outside the scale {low:g}..{high:g}")
        return int(number)
    if kind == "number":
        number = _number(value)
        if question.min is not None and number < question.min:
            raise AnswerError(f"{number:g} is below the minimum {question.min:g}")
        if question.max is not None and number > question.max:
            raise AnswerError(f"{number:g} is above the maximum {question.max:g}")
        return number
    if kind == "yes_no":
        if isinstance(value, bool):
            return value
        if isinstance(value, str | int) and str(value).strip().lower() in _YES:
            return True
        if isinstance(value, str | int) and str(value).strip().lower() in _NO:
            return False
        raise AnswerError(f"expected yes or no (true/false), got {_shown(value)}")
    if isinstance(value, list | dict):
        raise AnswerError(
            f"expected text, got {'a list' if isinstance(value, list) else 'a mapping'}"
        )
    text = value if isinstance(value, str) else str(value)
    if len(text) > MAX_TEXT:
        raise AnswerError(f"the text is {len(text):,} characters; at most {MAX_TEXT:,} are kept")
    return text


def _option_text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, list | dict) or value is None:
        raise AnswerError(
            f"expected one option, got {'a list' if isinstance(value, list) else value!r}"
        )
    return str(value)


def _not_an_option(q: Question, text: str) -> str:
    close = difflib.get_close_matches(text, list(q.option_map), n=1)
    hint = f" (did you mean {close[0]!r}?)" if close else ""
    return f"{text!r} is not an option{hint}; options: {_options_hint(q)}"


def _number(value: Any) -> float | int:
    """A number as a person writes it (decimal point or comma), finite and in range."""
    if _is_number(value):
        number = value
    elif isinstance(value, str):
        text = value.strip()
        if text.lower().lstrip("+-.") in ("nan", "inf", "infinity"):
            raise AnswerError(f"expected a finite number, got {_shown(value)}")
        if not _PERSON_NUMBER.match(text):
            raise AnswerError(f"expected a number such as 25, 25.5 or 25,5, got {_shown(value)}")
        if _THOUSANDS.match(text):
            whole = text.replace(",", "").replace(".", "")
            decimal = text.replace(",", ".")
            raise AnswerError(
                f"{_shown(value)} could be {whole} or {decimal.rstrip('0')}: write it without a "
                "thousands separator"
            )
        number = float(text.replace(",", "."))
        if not math.isfinite(number):  # digits beyond what a float holds
            raise AnswerError(
                f"{_shown(value)} is too large (answers lie within ±{MAX_NUMBER:,.0f})"
            )
        if number.is_integer() and not any(c in text for c in ".,eE"):
            number = int(text)
    else:
        raise AnswerError(f"expected a number, got {_shown(value)}")
    if isinstance(number, float) and not math.isfinite(number):
        raise AnswerError(f"expected a finite number, got {_shown(value)}")
    if abs(number) > MAX_NUMBER:
        raise AnswerError(f"{_shown(value)} is too large (answers lie within ±{MAX_NUMBER:,.0f})")
    return number


def parse_cli_value(question: Question, text: str) -> Any:
    """A typed value from what someone typed (`qualify answer ID QUESTION VALUE`)."""
    if question.type == "multi":
        return validate_answer(question, [t.strip() for t in text.split(",") if t.strip()])
    return validate_answer(question, text)


def _as_typed(question: Question, doc: Document, loc: Path_, value: Any) -> Any:
    """The value as typed in the file, for the question's type to read (YAML's own
    reading of unquoted scalars — numbers, booleans — is only a guess)."""
    if value is None:
        return None
    if isinstance(value, list):
        return [_as_typed(question, doc, (*loc, i), item) for i, item in enumerate(value)]
    typed = doc.text_at(loc)
    return value if typed is None else typed


def load_answers_text(text: str, path: str, question_set: QuestionSet) -> dict[str, AnswerInput]:
    """Every answer checked; AnswersError listing all mistakes, each with its line."""
    doc = parse_yaml(text, path, ANSWER_LIMITS)
    problems = list(doc.problems)
    answers: dict[str, AnswerInput] = {}
    if not problems and not isinstance(doc.data, dict):
        line, col = doc.place(())
        problems.append(Problem(path, line, col, "expected a mapping of question id to answer"))
    for qid, raw in (doc.data or {}).items() if not problems else ():
        line, col = doc.place((qid,), key=True)
        vline, vcol = doc.place((qid,))

        def bad(message: str, at: tuple[int, int] = (line, col), qid: Any = qid) -> None:
            problems.append(Problem(path, at[0], at[1], f"{qid}: {message}"))

        question = question_set.questions.get(str(qid))
        if question is None:
            close = difflib.get_close_matches(str(qid), list(question_set.questions), n=1)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            bad(f"not a question of {question_set.id}{hint}")
            continue
        value, state, source, note = raw, "answered", "stated", ""
        if not isinstance(raw, dict):
            value = _as_typed(question, doc, (qid,), raw)
        if isinstance(raw, dict):
            unknown = set(raw) - {"value", "state", "source", "note"}
            if unknown:
                bad(
                    f"unknown key(s) {', '.join(sorted(map(str, unknown)))}; use value, state, "
                    "source, note",
                    (vline, vcol),
                )
                continue
            value = _as_typed(question, doc, (qid, "value"), raw.get("value"))
            state = raw.get("state", "answered")
            source = raw.get("source", "stated")
            note = raw.get("note") or ""
            if state not in STATES:
                bad(f"state {state!r} is not one of {', '.join(STATES)}", doc.place((qid, "state")))
                continue
            if source not in SOURCES:
                bad(
                    f"source {source!r} is not one of {', '.join(SOURCES)}",
                    doc.place((qid, "source")),
                )
                continue
            if not isinstance(note, str):
                note = str(note)
        if state == "answered":
            try:
                value = validate_answer(question, value)
            except AnswerError as exc:
                where = doc.place((qid, "value")) if isinstance(raw, dict) else (vline, vcol)
                bad(str(exc), where)
                continue
        else:
            value = None
        answers[question.id] = AnswerInput(question.id, value, state, source, note, line)
    if problems:
        raise AnswersError(sorted(problems))
    return answers


def load_answers_bytes(data: bytes, path: str, question_set: QuestionSet) -> dict[str, AnswerInput]:
    """An answer file's bytes (from a file or standard input): size and UTF-8 checked first."""
    if len(data) > ANSWER_LIMITS.max_bytes:
        problem = Problem(
            path, 1, 1, f"more than {ANSWER_LIMITS.max_bytes:,} bytes; an answer file is smaller"
        )
        raise AnswersError([problem])
    try:
        text = decode_text(data, path)
    except TextError as exc:
        raise AnswersError([exc.problem]) from None
    return load_answers_text(text, path, question_set)


def load_answers(path: str | Path, question_set: QuestionSet) -> dict[str, AnswerInput]:
    path = Path(path)
    try:
        with open(path, "rb") as handle:
            data = handle.read(ANSWER_LIMITS.max_bytes + 1)
    except FileNotFoundError:
        raise QualifyError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise QualifyError(f"{path}: is a folder, not an answer file") from None
    except OSError as exc:
        raise QualifyError(f"{path}: cannot read: {exc.strerror or exc}") from None
    return load_answers_bytes(data, str(path), question_set)

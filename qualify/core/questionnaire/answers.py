"""Answers as people give them (files, the command line, the app), checked against a set.

An answer file is a YAML mapping of question id to value, or to
`{value, source, note, state}` when provenance matters:

    company_type: dealer
    sales_reps: {value: 5, source: verified, note: "saw the org chart"}
    annual_revenue: {state: unknown}      # ask next time

A value is read by its question's type, from the characters typed: a text answer keeps
them exactly (`12:30`, `0754123456` and `0x1F` stay text), a number answer is what a
person writes for a number (`25`, `25.5`, `25,5`, `1e3`) and nothing else, a date answer
is an ISO date (`2015-03-01`). A repeated section's answers are a list of mappings under
the section's id:

    references:
      - {ref_company: Acme, ref_outcome: confirm}
      - {ref_company: Beta, ref_outcome: {value: mixed, source: verified}}

and are kept under `references[0].ref_company`, `references[1].ref_outcome`, ….
An answer that breaks its question's `constraint` is refused with the constraint's
message.
"""

from __future__ import annotations

import difflib
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any, Literal

from qualify.core.errors import QualifyError
from qualify.core.questionnaire.conditions import evaluate
from qualify.core.questionnaire.expressions import (
    MAX_YEAR,
    MIN_YEAR,
    THIS,
    calls_today,
    names,
    parse_condition,
)
from qualify.core.questionnaire.model import (
    ANSWER_SOURCES,
    AnswerSource,
    Question,
    QuestionSet,
    repeat_key,
    split_key,
)
from qualify.core.questionnaire.yamlsource import (
    Document,
    Limits,
    Path_,
    Problem,
    TextError,
    decode_text,
    parse_yaml,
    read_bytes,
)

AnswerState = Literal["answered", "unknown", "declined"]
STATES: tuple[str, ...] = ("answered", "unknown", "declined")
SOURCES: tuple[str, ...] = ANSWER_SOURCES

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
    source: AnswerSource | None = None
    """None: the question's own `source` (stated by the prospect unless it says otherwise)."""
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


def validate_answer(
    question: Question,
    value: Any,
    *,
    context: Mapping[str, Any] | None = None,
    today: date | None = None,
) -> Any:
    """The value as stored, or AnswerError saying what the question accepts.

    The question's `constraint` is checked too: against `context` (the other answers
    its names read: question ids, `first-date.x`, and the same repeat's answers by id)
    and `today`. A constraint that reads an answer `context` lacks (or today, when
    `today` is None) is not checked.
    """
    stored = _typed(question, value)
    check_constraint(question, stored, context or {}, today)
    return stored


def check_constraint(
    question: Question, value: Any, context: Mapping[str, Any], today: date | None
) -> None:
    """AnswerError with the constraint's message when `value` breaks it (see
    :func:`validate_answer` for what is not checked)."""
    if question.constraint is None or value is None:
        return
    expr = parse_condition(question.constraint)
    env = {**context, THIS: value, question.id: value}
    if calls_today(expr) and today is None:
        return
    if any(env.get(n.key) is None for n in names(expr)):
        return  # it reads an answer not given yet: checked when both are known
    if not evaluate(expr, env, today=today):
        raise AnswerError(
            question.constraint_message
            or f"the answer breaks the constraint {question.constraint!r}"
        )


def constraint_context(
    question_set: QuestionSet,
    answers: Mapping[str, Any],
    key: str,
    earlier: Mapping[str, Mapping[str, Any]] | None = None,
) -> dict[str, Any]:
    """The names the constraint of the answer at `key` reads: the set's other answers by id
    (the same repeat's, inside a repeated section), and `first-date.x` from `earlier`."""
    env: dict[str, Any] = {
        f"{set_id}.{qid}": value
        for set_id, values in (earlier or {}).items()
        for qid, value in values.items()
    }
    env.update({k: v for k, v in answers.items() if "[" not in k})
    found = split_key(key)
    if found is not None:
        prefix = f"{found[0]}[{found[1]}]."
        env.update({k[len(prefix) :]: v for k, v in answers.items() if k.startswith(prefix)})
    return env


def _typed(question: Question, value: Any) -> Any:
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
        if question.integer and not float(number).is_integer():
            raise AnswerError(f"expected a whole number, got {_shown(value)}")
        if question.integer:
            number = int(number)
        if question.min is not None and number < question.min:
            raise AnswerError(f"{number:g} is below the minimum {question.min:g}")
        if question.max is not None and number > question.max:
            raise AnswerError(f"{number:g} is above the maximum {question.max:g}")
        return number
    if kind == "date":
        return _date(value)
    if kind == "calculated":
        raise AnswerError(
            f"{question.id!r} is calculated from its formula ({question.formula}); nobody "
            "answers it: answer its inputs"
        )
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


_DATE_TEXT = re.compile(r"^\d{4}-\d{2}-\d{2}$")


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
            raise AnswerError(f"{_shown(value)} is not a real date") from None
    else:
        raise AnswerError(f"expected a date such as 2015-03-01 (YYYY-MM-DD), got {_shown(value)}")
    assert parsed is not None
    if not MIN_YEAR <= parsed.year <= MAX_YEAR:
        raise AnswerError(f"{parsed.isoformat()} is outside the years {MIN_YEAR}–{MAX_YEAR}")
    return parsed.isoformat()


def _option_text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, list | dict) or value is None:
        got = "a list" if isinstance(value, list) else "a mapping" if value else "nothing"
        raise AnswerError(f"expected one option, got {got}")
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


def load_answers_text(
    text: str,
    path: str,
    question_set: QuestionSet,
    *,
    today: date | None = None,
    context: Mapping[str, Any] | None = None,
) -> dict[str, AnswerInput]:
    """Every answer checked; AnswersError listing all mistakes, each with its line.

    Keys of the result are answer keys (`reps`, `references[0].ref_company`). Constraints
    are checked against the file's other answers, `context` (answers already given, and
    earlier stages' `first-date.x`) and `today`.
    """
    doc = parse_yaml(text, path, ANSWER_LIMITS)
    reader = _Reader(doc, question_set)
    if not reader.problems and not isinstance(doc.data, dict):
        line, col = doc.place(())
        reader.problems.append(
            Problem(path, line, col, "expected a mapping of question id to answer")
        )
    for qid, raw in (doc.data or {}).items() if not reader.problems else ():
        section = next((s for s in question_set.sections if s.id == str(qid)), None)
        if section is not None and section.repeat is not None:
            reader.repeated(section, raw)
            continue
        key = str(qid)
        found = question_set.resolve(key)
        if found is None:
            reader.unknown(qid)
            continue
        reader.one(found[0], key, (qid,), raw, found[1])
    reader.constraints(context or {}, today)
    if reader.problems:
        raise AnswersError(sorted(reader.problems))
    return reader.answers


class _Reader:
    """Reads an answer file's answers one by one, collecting every problem."""

    def __init__(self, doc: Document, question_set: QuestionSet) -> None:
        self.doc = doc
        self.qs = question_set
        self.problems: list[Problem] = list(doc.problems)
        self.answers: dict[str, AnswerInput] = {}
        self.places: dict[str, tuple[int, int]] = {}
        """Answer key → where its value is, for a constraint's message."""
        self.repeats: dict[str, int | None] = {}

    def bad(self, label: Any, message: str, at: tuple[int, int]) -> None:
        self.problems.append(Problem(self.doc.path, at[0], at[1], f"{label}: {message}"))

    def unknown(self, qid: Any) -> None:
        at = self.doc.place((qid,), key=True)
        question = self.qs.questions.get(str(qid))
        if question is not None and question.id in self.qs.repeat_of:
            section = self.qs.repeat_of[question.id]
            self.bad(
                qid,
                f"is in the repeated section {section!r}: give its answers as a list under "
                f"{section}: (one mapping per repeat)",
                at,
            )
            return
        section = next((s for s in self.qs.sections if s.id == str(qid)), None)
        if section is not None:
            self.bad(qid, "is a section, not a question (only repeated sections take a list)", at)
            return
        close = difflib.get_close_matches(str(qid), list(self.qs.questions), n=1)
        hint = f" (did you mean {close[0]!r}?)" if close else ""
        self.bad(qid, f"not a question of {self.qs.id}{hint}", at)

    def repeated(self, section: Any, raw: Any) -> None:
        sid = section.id
        at = self.doc.place((sid,))
        if not isinstance(raw, list):
            self.bad(sid, "a repeated section takes a list, one mapping of answers per repeat", at)
            return
        if len(raw) > section.repeat.max:
            self.bad(
                sid,
                f"{len(raw)} repeats given; {sid} is asked at most {section.repeat.max} times",
                self.doc.place((sid, section.repeat.max)),
            )
            return
        ids = {q.id: q for q in section.questions}
        for index, item in enumerate(raw):
            if item is None:
                continue  # an empty repeat keeps the numbering of the next ones
            if not isinstance(item, dict):
                self.bad(
                    f"{sid}[{index}]",
                    "expected a mapping of question id to answer",
                    self.doc.place((sid, index)),
                )
                continue
            for qid, value in item.items():
                question = ids.get(str(qid))
                if question is None:
                    close = difflib.get_close_matches(str(qid), list(ids), n=1)
                    hint = f" (did you mean {close[0]!r}?)" if close else ""
                    self.bad(
                        f"{sid}[{index}].{qid}",
                        f"not a question of the section {sid}{hint}",
                        self.doc.place((sid, index, qid), key=True),
                    )
                    continue
                key = repeat_key(sid, index, question.id)
                self.one(question, key, (sid, index, qid), value, index)

    def one(self, question: Question, key: str, loc: Path_, raw: Any, repeat: int | None) -> None:
        doc = self.doc
        key_at = doc.place(loc, key=True)
        value_at = doc.place(loc)
        default_source = question.source or "stated"
        value, state, source, note = raw, "answered", default_source, ""
        if not isinstance(raw, dict):
            value = _as_typed(question, doc, loc, raw)
        else:
            unknown = set(raw) - {"value", "state", "source", "note"}
            if unknown:
                self.bad(
                    key,
                    f"unknown key(s) {', '.join(sorted(map(str, unknown)))}; use value, state, "
                    "source, note",
                    value_at,
                )
                return
            value = _as_typed(question, doc, (*loc, "value"), raw.get("value"))
            state = raw.get("state", "answered")
            source = raw.get("source", default_source)
            note = raw.get("note") or ""
            if state not in STATES:
                self.bad(
                    key,
                    f"state {state!r} is not one of {', '.join(STATES)}",
                    doc.place((*loc, "state")),
                )
                return
            if source not in SOURCES:
                self.bad(
                    key,
                    f"source {source!r} is not one of {', '.join(SOURCES)}",
                    doc.place((*loc, "source")),
                )
                return
            if not isinstance(note, str):
                note = str(note)
        where = doc.place((*loc, "value")) if isinstance(raw, dict) else value_at
        if state == "answered":
            try:
                value = _typed(question, value)
            except AnswerError as exc:
                self.bad(key, str(exc), where)
                return
        else:
            if question.type == "calculated":
                self.bad(key, f"{question.id!r} is calculated: nobody answers it", key_at)
                return
            value = None
        self.answers[key] = AnswerInput(key, value, state, source, note, key_at[0])  # type: ignore[arg-type]
        self.places[key] = where
        self.repeats[key] = repeat

    def constraints(self, context: Mapping[str, Any], today: date | None) -> None:
        given = {**context, **{k: a.value for k, a in self.answers.items() if a.value is not None}}
        for key, answer in self.answers.items():
            found = self.qs.resolve(key)
            if found is None or answer.value is None or found[0].constraint is None:
                continue
            env = constraint_context(self.qs, given, key)
            try:
                check_constraint(found[0], answer.value, env, today)
            except AnswerError as exc:
                self.bad(key, str(exc), self.places[key])


def load_answers_bytes(
    data: bytes,
    path: str,
    question_set: QuestionSet,
    *,
    today: date | None = None,
    context: Mapping[str, Any] | None = None,
) -> dict[str, AnswerInput]:
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
    return load_answers_text(text, path, question_set, today=today, context=context)


def load_answers(
    path: str | Path,
    question_set: QuestionSet,
    *,
    today: date | None = None,
    context: Mapping[str, Any] | None = None,
) -> dict[str, AnswerInput]:
    path = Path(path)
    data = read_bytes(path, ANSWER_LIMITS.max_bytes, "an answer file")
    return load_answers_bytes(data, str(path), question_set, today=today, context=context)

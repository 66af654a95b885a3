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

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, Literal

from qualify.core.errors import QualifyError
from qualify.core.phrase import Joined, Phrase
from qualify.core.questionnaire.answer_values import AnswerError
from qualify.core.questionnaire.answer_values import typed as _typed
from qualify.core.questionnaire.condition_words import did_you_mean
from qualify.core.questionnaire.conditions import evaluate
from qualify.core.questionnaire.expressions import (
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
from qualify.core.questionnaire.textfile import TextError, decode_text, read_bytes
from qualify.core.questionnaire.yamlsource import Document, Limits, Path_, Problem, parse_yaml
from qualify.core.suggest import closest

AnswerState = Literal["answered", "unknown", "declined"]
STATES: tuple[str, ...] = ("answered", "unknown", "declined")
SOURCES: tuple[str, ...] = ANSWER_SOURCES

ANSWER_LIMITS = Limits(max_bytes=1_000_000, max_depth=6, max_values=50_000)
"""An answer file is flat: a mapping of answers, a list for a multi-choice answer."""


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
            or Phrase(
                "the answer breaks the constraint {constraint}",
                constraint=repr(question.constraint),
            )
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


def parse_cli_value(question: Question, text: str) -> Any:
    """A typed value from what someone typed (`qualify answer ID QUESTION VALUE`); a
    multi question's values separated by commas, or as a list as an answer file writes
    it (`[a, b]`, `["a", "b"]`). None of them is `[]`: an empty value (an unset shell
    variable) is refused, as it is for every type, never taken as "none"."""
    if question.type == "multi":
        listed = text.strip()
        bracketed = listed.startswith("[") and listed.endswith("]")
        if bracketed:
            listed = listed[1:-1]
        picked = [t for t in (_unquoted(t.strip()) for t in listed.split(",")) if t]
        if not picked and not bracketed:
            return validate_answer(question, "")  # "no value given"
        return validate_answer(question, picked)
    return validate_answer(question, text)


def _unquoted(text: str) -> str:
    for quote in ('"', "'"):
        if len(text) >= 2 and text[0] == text[-1] == quote:
            return text[1:-1].strip()
    return text


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
            Problem(path, line, col, Phrase("expected a mapping of question id to answer"))
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

    def bad(self, label: Any, message: Any, at: tuple[int, int]) -> None:
        said = Joined((str(label), message), ": ")
        self.problems.append(Problem(self.doc.path, at[0], at[1], said))

    def unknown(self, qid: Any) -> None:
        at = self.doc.place((qid,), key=True)
        question = self.qs.questions.get(str(qid))
        if question is not None and question.id in self.qs.repeat_of:
            section = self.qs.repeat_of[question.id]
            self.bad(
                qid,
                Phrase(
                    "is in the repeated section {section}: give its answers as a list under "
                    "{id}: (one mapping per repeat)",
                    section=repr(section),
                    id=section,
                ),
                at,
            )
            return
        section = next((s for s in self.qs.sections if s.id == str(qid)), None)
        if section is not None:
            said = Phrase("is a section, not a question (only repeated sections take a list)")
            self.bad(qid, said, at)
            return
        close = closest(str(qid), self.qs.questions)
        said = Phrase("not a question of {set}{hint}", set=self.qs.id, hint=did_you_mean(close))
        self.bad(qid, said, at)

    def repeated(self, section: Any, raw: Any) -> None:
        sid = section.id
        at = self.doc.place((sid,))
        if not isinstance(raw, list):
            said = Phrase("a repeated section takes a list, one mapping of answers per repeat")
            self.bad(sid, said, at)
            return
        if len(raw) > section.repeat.max:
            self.bad(
                sid,
                Phrase(
                    "{n} repeats given; {section} is asked at most {most} times",
                    n=len(raw),
                    section=sid,
                    most=section.repeat.max,
                ),
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
                    Phrase("expected a mapping of question id to answer"),
                    self.doc.place((sid, index)),
                )
                continue
            for qid, value in item.items():
                question = ids.get(str(qid))
                if question is None:
                    close = closest(str(qid), ids)
                    self.bad(
                        f"{sid}[{index}].{qid}",
                        Phrase(
                            "not a question of the section {section}{hint}",
                            section=sid,
                            hint=did_you_mean(close),
                        ),
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
                    Phrase(
                        "unknown key(s) {keys}; use value, state, source, note",
                        keys=", ".join(sorted(map(str, unknown))),
                    ),
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
                    Phrase(
                        "state {state} is not one of {states}",
                        state=repr(state),
                        states=", ".join(STATES),
                    ),
                    doc.place((*loc, "state")),
                )
                return
            if source not in SOURCES:
                self.bad(
                    key,
                    Phrase(
                        "source {source} is not one of {sources}",
                        source=repr(source),
                        sources=", ".join(SOURCES),
                    ),
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
                self.bad(key, exc.args[0], where)
                return
        else:
            if question.type == "calculated":
                said = Phrase(
                    "{question} is calculated: nobody answers it", question=repr(question.id)
                )
                self.bad(key, said, key_at)
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
                self.bad(key, exc.args[0], self.places[key])


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
            path,
            1,
            1,
            Phrase(
                "more than {most} bytes; an answer file is smaller",
                most=f"{ANSWER_LIMITS.max_bytes:,}",
            ),
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

"""What scoring found, line by line: the breakdown every figure of a report traces back to.

Made by :func:`qualify.core.scoring.score`; read by gates, the assessment, reports and
the app.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any, TypeVar

_Frozen = TypeVar("_Frozen")


def frozen(cls: type[_Frozen], fields: dict[str, Any]) -> _Frozen:
    """An instance of a frozen dataclass (no ``__post_init__``, no slots) from all its
    fields, as its ``__init__`` makes it but without an ``object.__setattr__`` per field
    (scoring, red flags and gates make thousands per portfolio)."""
    made = object.__new__(cls)
    made.__dict__.update(fields)
    return made


def fields_made(record: Any, maker: str) -> dict[str, Any]:
    """The record's __dict__, with the fields its builder left a maker of (under `maker`,
    no field) made: the maker returns them, field → value. Makers are pure, so two
    threads reading at once make equal fields and either's stays."""
    found: dict[str, Any] = record.__dict__
    make: Callable[[], dict[str, Any]] | None = found.get(maker)
    if make is not None:
        found.update(make())
        found.pop(maker, None)
    return found


class OnFirstRead:
    """A field of a frozen record made when first read (see :func:`fields_made`): what most
    readers never read is not worked out for them (a breakdown's figures and score lines,
    a gate criterion's words). A non-data descriptor: a field in the record's own
    __dict__ is read without it."""

    __slots__ = ("maker", "name")

    def __init__(self, name: str, maker: str) -> None:
        self.name, self.maker = name, maker

    def __get__(self, record: Any, owner: type | None = None) -> Any:
        if record is None:
            return self
        found = fields_made(record, self.maker)
        if self.name not in found:  # never to be made: as a field never set
            raise AttributeError(self.name)
        return found[self.name]


Earlier = Mapping[str, Mapping[str, Any]]
"""Set id → (question id → value): the same prospect's answers at earlier stages, for
names such as `first-date.competing_lines`."""


@dataclass(frozen=True)
class KnockoutHit:
    """A deal-breaker that fired: which question, and why in words."""

    question: str
    reason: str

    def to_dict(self) -> dict[str, str]:
        return {"question": self.question, "reason": self.reason}


@dataclass(frozen=True)
class RedFlagHit:
    """A red flag an answer raised: open until cleared with evidence (see redflags.py)."""

    question: str
    key: str
    """The answer key (`section[0].question` in a repeated section)."""
    reason: str
    holds_every_gate: bool = False

    def to_dict(self) -> dict[str, Any]:
        return {"question": self.key, "reason": self.reason}


@dataclass(frozen=True)
class QuestionScore:
    """How one question counted, so every figure in a report can be traced back.

    `points` is None when the question is hidden, unanswered or unscored; `max` is
    the question's maximum whatever its state (0 for unscored questions).
    `contribution` is the question's share of the overall score in points (the
    contributions of all questions add up to the overall score); None when the
    question cannot contribute (hidden, unanswered or unscored).
    """

    id: str
    section_id: str
    text: str
    type: str
    visible: bool
    answered: bool
    value: Any
    points: float | None
    max: float
    weight: float
    contribution: float | None
    knockout: str | None
    required: bool = False
    """Required for the gate: `required`, or `required_when` holds."""
    verify: bool = False
    key: str = ""
    """Where the answer is stored: the id, or `section[0].id` in a repeated section."""
    repeat: int | None = None
    """The repeat (0, 1, …) of a repeated section's question; None otherwise."""
    inputs: tuple[tuple[str, Any], ...] | None = None
    """A calculated question's formula inputs as (name, value) (None: unanswered);
    None for other types."""
    red_flag: str | None = None
    """The reason of the red flag the answer raises, if it raises one."""

    @property
    def scored(self) -> bool:
        """True when the question can earn points at all."""
        return self.max > 0

    @property
    def answer_key(self) -> str:
        """The key of the answer in an interview's answers."""
        return self.key or self.id

    @property
    def asked(self) -> bool:
        """Someone answers it (a calculated question is computed instead)."""
        return self.type != "calculated"

    def to_dict(self) -> dict[str, Any]:
        extra: dict[str, Any] = {}
        if self.repeat is not None:
            extra["key"] = self.answer_key
            extra["repeat"] = self.repeat
        if self.inputs is not None:
            extra["inputs"] = dict(self.inputs)
        if self.red_flag is not None:
            extra["red_flag"] = self.red_flag
        return {
            "id": self.id,
            "text": self.text,
            "type": self.type,
            "visible": self.visible,
            "answered": self.answered,
            "value": list(self.value) if isinstance(self.value, list | tuple) else self.value,
            "points": self.points,
            "max": self.max,
            "weight": self.weight,
            "contribution": self.contribution,
            "knockout": self.knockout,
            "required": self.required,
            **extra,
        }


@dataclass(frozen=True)
class RepeatScore:
    """One repeat of a repeated section (the first reference customer, the second…)."""

    index: int
    score: float | None
    answered: int
    visible: int

    def to_dict(self) -> dict[str, Any]:
        return {
            "index": self.index,
            "score": self.score,
            "answered": self.answered,
            "visible": self.visible,
        }


@dataclass(frozen=True)
class SectionScore:
    """One section: its score (None when nothing scored is answered) and coverage."""

    id: str
    title: str
    direction: str
    weight: float
    score: float | None
    coverage: float | None
    answered: int
    visible: int
    questions: tuple[QuestionScore, ...]
    shown: bool = True
    """False when the section's own `when` is false (every question is then hidden)."""
    repeats: tuple[RepeatScore, ...] | None = None
    """A repeated section's repeats, each with its own score; None for other sections."""
    repeat_score: str = "mean"
    """How the repeats' scores make the section's: mean, min or max."""

    def __getstate__(self) -> dict[str, Any]:
        """Its fields, the lines made first (a pickle or a copy holds no maker)."""
        self.questions  # noqa: B018 (made on first read)
        return {k: v for k, v in self.__dict__.items() if k != LINES}

    @property
    def unanswered(self) -> int:
        """Visible questions still waiting for an answer."""
        return self.visible - self.answered

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "title": self.title,
            "direction": self.direction,
            "weight": self.weight,
            "score": self.score,
            "coverage": self.coverage,
            "answered": self.answered,
            "visible": self.visible,
            "questions": [q.to_dict() for q in self.questions],
            **(
                {
                    "repeat_score": self.repeat_score,
                    "repeats": [r.to_dict() for r in self.repeats],
                }
                if self.repeats is not None
                else {}
            ),
        }


VALUES = "_values"
"""Where scoring leaves a breakdown's `values`, in its __dict__ (no field: see LINES)."""

LINES = "_make_questions"
"""Where scoring leaves a section's maker of its score lines (:func:`fields_made`), in the
section's __dict__: no field, so the fields, equality and what is shown of a section stay
the same."""


ASKED = "_asked"
"""Where scoring leaves a breakdown's :class:`AskedFacts`, in its __dict__ (no field, as
VALUES)."""

FIGURES = "_make_figures"
"""Where scoring leaves a breakdown's maker of its figures (see :data:`LAZY_FIGURES`), in
its __dict__, until they are first read."""

LAZY_FIGURES = (
    *("score", "band", "coverage", "sections", "directions", "answered", "visible"),
    *("weight_answered", "provisional"),
)
"""The fields of a breakdown that scoring works out on first read (with its AskedFacts):
a portfolio reads the figures of the interview a prospect ranks on, and of most earlier
ones only their values and red flags, which scoring works out at once."""


@dataclass(frozen=True, slots=True)
class AskedFacts:
    """What a gate reads of the questions asked, worked out while scoring: the score lines
    answer the same, but making them means working the interview out again."""

    visible: Mapping[str, bool]
    """Answer key → shown (the question id outside repeated sections)."""
    answered: Mapping[str, Any]
    """The shown, answered keys (with their values)."""
    required: int
    """Shown questions that are required (always, or by their `required_when`)."""
    missing: tuple[str, ...]
    """Those of them unanswered, in the order of the score lines."""
    to_verify: tuple[str, ...]
    """Answered keys of `verify: true` questions, in the order of the score lines."""


SectionScore.questions = OnFirstRead("questions", LINES)  # type: ignore[assignment]
"""Most readers of a breakdown (portfolio ranks, list rows, the re-score preview) need
the figures only, and the lines were most of scoring's work."""


def figures_unread(breakdown: Any) -> bool:
    """Scoring's figures of `breakdown` are still to be made: its band is then the one its
    score earns in its set (or none, or knocked out), never one set by hand."""
    return FIGURES in breakdown.__dict__


@dataclass(frozen=True)
class ScoreBreakdown:
    """The result of scoring one interview; figures are unrounded (round when showing)."""

    score: float | None
    band: str | None
    knocked_out: bool
    knockouts: tuple[KnockoutHit, ...]
    coverage: float | None
    sections: tuple[SectionScore, ...]
    directions: dict[str, float | None] = field(default_factory=dict)
    answered: int = 0
    visible: int = 0
    question_set_id: str = ""
    question_set_version: int = 0
    today: date | None = None
    """The date `today()` stood for (None: unknown)."""
    earlier: Earlier = field(default_factory=dict)
    """The earlier stages' values the set's names could read."""
    red_flags: tuple[RedFlagHit, ...] = ()
    """Red flags the answers raise (whether cleared since is the assessment's call)."""
    weight_answered: float | None = None
    """Share (0–1) of the visible scored weight that is answered (None: nothing to score)."""
    provisional: bool = False
    """Below the set's `verdict_coverage`: the score stands, the band is withheld."""

    def question(self, question_id: str) -> QuestionScore | None:
        """The score line of one question (its first repeat's, in a repeated section, or
        the line of an answer key such as `references[1].ref_outcome`); None if none."""
        for section in self.sections:
            for q in section.questions:
                if q.id == question_id or q.key == question_id:
                    return q
        return None

    def __getstate__(self) -> dict[str, Any]:
        """Its fields only, its figures made (a copy or a pickle reads its values from its
        lines)."""
        found = fields_made(self, FIGURES)
        return {k: v for k, v in found.items() if k not in (VALUES, ASKED)}

    @property
    def asked(self) -> AskedFacts | None:
        """What scoring found of the questions asked (None: read the score lines)."""
        return fields_made(self, FIGURES).get(ASKED)

    def with_band(self, band: str | None) -> ScoreBreakdown:
        """The same breakdown under another band (one an open red flag lowers)."""
        made = replace(self, band=band)
        found = fields_made(self, FIGURES)
        for kept in (VALUES, ASKED):
            if kept in found:
                made.__dict__[kept] = found[kept]
        return made

    @property
    def values(self) -> dict[str, Any]:
        """Answer key → value of every visible, answered question, calculated ones too:
        what a later stage's `set-id.question` reads (without making the score lines,
        when scoring left them)."""
        made: dict[str, Any] | None = self.__dict__.get(VALUES)
        if made is not None:
            return dict(made)  # a copy each time, as the lines would make
        return {
            q.answer_key: q.value
            for s in self.sections
            for q in s.questions
            if q.visible and q.answered
        }

    def section(self, section_id: str) -> SectionScore | None:
        return next((s for s in self.sections if s.id == section_id), None)

    @property
    def visibility(self) -> dict[str, bool]:
        """Answer key (the question id outside repeated sections) → visible, as asked."""
        return {q.answer_key: q.visible for s in self.sections for q in s.questions}

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready, for `qualify score --json` and `qualify prospect show --json`."""
        return {
            "question_set": {"id": self.question_set_id, "version": self.question_set_version},
            "score": self.score,
            "band": self.band,
            "provisional": self.provisional,
            "weight_answered": self.weight_answered,
            "knocked_out": self.knocked_out,
            "knockouts": [k.to_dict() for k in self.knockouts],
            "red_flags": [r.to_dict() for r in self.red_flags],
            "coverage": self.coverage,
            "answered": self.answered,
            "visible": self.visible,
            "directions": dict(self.directions),
            "sections": [s.to_dict() for s in self.sections],
        }


for _name in LAZY_FIGURES:  # the dataclass's own __init__ keeps the defaults it was made with
    setattr(ScoreBreakdown, _name, OnFirstRead(_name, FIGURES))

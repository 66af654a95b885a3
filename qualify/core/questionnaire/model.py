"""The question-set and pipeline format as pydantic models.

The models describe *shape* only (fields, types, defaults). Rules that need
the whole set (unique ids, conditions that look back, type-specific fields)
live in :mod:`qualify.core.questionnaire.rules`, so the loader can report every
problem with its place in the file instead of stopping at the first.

The annotations are evaluated as each class is made (this module, unlike the others, has
no ``from __future__ import annotations``): pydantic would otherwise compile each of the
some 85 field types from its text, a third of the time importing the models takes.
"""

import re
from functools import cached_property, lru_cache
from typing import TYPE_CHECKING, Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator
from pydantic_core import PydanticCustomError

from qualify.core.questionnaire.texts import (
    DEFAULT_LANGUAGE,
    LANGUAGE_PATTERN,
    HumanText,
    MaybeEmptyText,
    localize,
)
from qualify.core.sources import AnswerSource  # re-exported: named here before

QuestionType = Literal["choice", "multi", "scale", "number", "yes_no", "text", "date", "calculated"]
QUESTION_TYPES: tuple[str, ...] = (
    "choice",
    "multi",
    "scale",
    "number",
    "yes_no",
    "text",
    "date",
    "calculated",
)
NUMERIC_TYPES: tuple[str, ...] = ("number", "calculated")
"""Types scored with `score_bands` and shown with a `unit`."""

RepeatScore = Literal["mean", "min", "max"]

MAX_REPEATS = 20
"""Repeats of a repeated section at most (three reference customers, two owners…)."""

_KEY = re.compile(r"^([A-Za-z_][A-Za-z0-9_]*)\[(\d{1,2})\]\.([A-Za-z_][A-Za-z0-9_]*)$")

Direction = Literal["they_fit_us", "we_fit_them"]
"""Which way a section measures fit: does the prospect fit us, or can we serve them."""

DIRECTION_TITLES: dict[str, str] = {
    "they_fit_us": "How well they fit us",
    "we_fit_them": "How well we can serve them",
}

Identifier = Annotated[str, Field(pattern=r"^[A-Za-z_][A-Za-z0-9_]*$", max_length=64)]
"""Question and section ids are names in conditions, so they follow identifier rules."""

SLUG_PATTERN = r"^[a-z0-9][a-z0-9_-]*$"
Slug = Annotated[str, Field(pattern=SLUG_PATTERN, max_length=64)]
"""Question-set and stage ids appear in file names and URLs."""

Language = Annotated[str, Field(pattern=LANGUAGE_PATTERN, max_length=16)]
"""A language code: en, de, fr, de_CH…"""

Points = Annotated[float, Field(ge=-1_000_000, le=1_000_000)]
"""Points an answer earns: finite, and small enough to add up exactly."""

Weight = Annotated[float, Field(ge=0, le=1_000)]
"""Relative importance: 0 (counts for nothing) to 1,000."""

Bound = Annotated[float, Field(ge=-1e15, le=1e15)]
"""A limit on a number answer (answers themselves are bounded the same way)."""

DEFAULT_BANDS: tuple[tuple[float, str], ...] = (
    (75, "Strong fit"),
    (50, "Possible fit"),
    (0, "Weak fit"),
)


class _Strict(BaseModel):
    """Unknown keys are errors: a typo such as `wieght` must not pass silently.

    The docstring under each field is its description in the JSON Schema; it is read
    from this file only when the schema is asked for (see
    :mod:`qualify.core.questionnaire.schema`), not on every start.
    """

    model_config = ConfigDict(
        extra="forbid",
        frozen=True,
        allow_inf_nan=False,
        defer_build=True,
    )


class _Translated(_Strict):
    """A set or a pipeline: its texts in the languages it lists, read in the first."""

    if TYPE_CHECKING:  # a field of each (described there), not of this base
        languages: list[str] | None

    @property
    def language(self) -> str:
        """The default language: the first listed (English when none is)."""
        return self.languages[0] if self.languages else DEFAULT_LANGUAGE

    @model_validator(mode="wrap")
    @classmethod
    def _in_its_default_language(cls, data: Any, handler: Any) -> Any:
        """A text's mapping may list its languages in any order (a team server keeps
        JSON keys sorted: `de` before `en`): it reads in the default language, never in
        whichever happens to come first."""
        made = handler(data)
        return localize(made, made.language, made.language)


class Band(_Strict):
    """A verdict label given to overall scores of at least `min`."""

    min: Annotated[float, Field(ge=0, le=100)]
    """Lowest overall score (0–100) that earns this label."""
    label: HumanText
    """What the area manager reads, e.g. "Strong fit"."""
    without_red_flags: bool = False
    """Given only while no red flag of this or an earlier stage is open (e.g. "Ready to
    sign"); with one open, the score earns the next band down."""


class Option(_Strict):
    """One answer a choice or multi question offers."""

    value: Annotated[str, Field(min_length=1)]
    """Stored in answers and used in conditions; quote numbers ("10") and keep it stable."""
    label: HumanText | None = None
    """Shown on screen and in reports; defaults to the value."""
    score: Points = 0
    """Points for choosing this option."""
    knockout: HumanText | None = None
    """If set, choosing this option knocks the prospect out, with this reason."""

    @property
    def display(self) -> str:
        return self.label or self.value


class ScoreBand(_Strict):
    """Points for a number answer: the first band whose `below` is absent or greater wins."""

    below: Bound | None = None
    """Upper bound (exclusive); omit it on the last, catch-all band."""
    score: Points
    """Points for answers in this band."""


class YesNoScore(_Strict):
    """Points for a yes/no answer."""

    yes: Points = 0
    """Points when the answer is yes."""
    no: Points = 0
    """Points when the answer is no."""


class Knockout(_Strict):
    """A deal-breaker: the prospect is knocked out when the condition holds."""

    when: Annotated[str, Field(min_length=1)]
    """Condition in the safe condition language."""
    reason: HumanText
    """Why this is a deal-breaker, in words the prospect could hear."""


ANSWER_SOURCES: tuple[str, ...] = ("stated", "verified", "estimated", "observed", "our_records")
"""Every answer source, in the order the app cycles through them."""

EVIDENCE_SOURCES: frozenset[str] = frozenset({"verified", "our_records"})
"""Sources that count as evidence seen: a gate's `verified` criteria and the answers that
clear a red flag accept them."""


class RedFlag(_Strict):
    """A warning that travels: not a deal-breaker, but open until cleared with evidence."""

    when: Annotated[str, Field(min_length=1)]
    """Condition (like a knock-out's) under which the answer raises the red flag."""
    reason: HumanText
    """What is wrong, in words for the report's risks."""
    cleared_when: Annotated[str, Field(min_length=1)] | None = None
    """Condition that clears it; may read questions of any stage of the pipeline
    (`engagement.competing_line_plan`), since a red flag is usually cleared later. It
    clears only when every answer it reads is evidence (verified, or from our records)."""
    holds_every_gate: bool = False
    """Hold every gate from the stage where it is raised on, until cleared (default:
    only the gates that say `no_open_red_flags: true`)."""


class Question(_Strict):
    """One question, asked at most once per interview."""

    id: Identifier
    """Unique across the set; used in conditions and answer files."""
    text: HumanText
    """The question as the interviewer asks it."""
    help: MaybeEmptyText | None = None
    """What to listen for; shown to the interviewer, never scored."""
    type: QuestionType
    """choice | multi | scale | number | yes_no | text | date | calculated."""
    weight: Weight = 1
    """Relative importance inside its section."""
    required: bool = False
    """Gates need required questions answered."""
    when: str | None = None
    """Ask only when this condition holds."""
    options: list[Option] | None = None
    """choice and multi: the answers offered."""
    max_score: Annotated[float, Field(ge=0, le=1_000_000)] | None = None
    """multi only: cap on the summed option scores."""
    min: Bound | None = None
    """scale (default 1) and number: lowest valid answer."""
    max: Bound | None = None
    """scale (default 5) and number: highest valid answer."""
    reverse: bool = False
    """scale only: a low answer is the good one."""
    labels: dict[int, HumanText] | None = None
    """scale only: words for some points of the scale, e.g. {1: Poor, 5: Excellent}."""
    score_bands: list[ScoreBand] | None = None
    """number and calculated: points by range."""
    score: YesNoScore | None = None
    """yes_no only: points for yes and for no."""
    knockout: Knockout | None = None
    """Any type: knocked out when the condition holds."""
    unit: MaybeEmptyText | None = None
    """number and calculated: shown beside the value and in reports, e.g. "people" or "k€"
    (a text like any other: `{en: people, de: Personen}`)."""
    unit_one: MaybeEmptyText | None = None
    """number and calculated: the unit after exactly 1, where it differs: "person" beside
    `unit: people` (`{en: person, de: Person}`); else `unit` is said after every figure."""
    verify: bool = False
    """The answer must be verified (seen evidence) before the stage gate passes."""
    formula: Annotated[str, Field(min_length=1)] | None = None
    """calculated only (and required there): arithmetic over number, scale, date-function
    and calculated values of this set or of earlier stages (`first-date.x`), e.g.
    "support_hours * 12 * 60"; unanswered while an input is."""
    constraint: Annotated[str, Field(min_length=1)] | None = None
    """A condition every answer must meet, `.` standing for the answer itself, e.g.
    ". >= 0 and . <= 100" or "founded <= today()"; an answer that breaks it is refused."""
    constraint_message: HumanText | None = None
    """What to tell the interviewer when an answer breaks `constraint`."""
    required_when: Annotated[str, Field(min_length=1)] | None = None
    """Required (for the stage gate) only when this condition holds."""
    integer: bool = False
    """number only: whole numbers only (2, not 2.5)."""
    red_flag: RedFlag | None = None
    """A warning raised by the answer that stays open, at this stage and every later one,
    until cleared with evidence; shown in the report's risks."""
    source: AnswerSource | None = None
    """Where its answers come from unless the interviewer says otherwise: `observed` for
    the interviewer's judgement, `our_records` for figures from our own systems
    (default: stated by the prospect)."""

    @property
    def scale_min(self) -> float:
        return 1 if self.min is None else self.min

    @property
    def scale_max(self) -> float:
        return 5 if self.max is None else self.max

    @cached_property
    def max_points(self) -> float:
        """Highest points this question can earn; 0 means the question is unscored."""
        if self.type == "choice":
            return max((o.score for o in self.options or ()), default=0.0)
        if self.type == "multi":
            if self.max_score is not None:
                return self.max_score
            return sum(o.score for o in self.options or () if o.score > 0)
        if self.type == "scale":
            return max(self.scale_max - self.scale_min, 0)
        if self.type in NUMERIC_TYPES:
            return max((b.score for b in self.score_bands or ()), default=0.0)
        if self.type == "yes_no":
            s = self.score or YesNoScore()
            return max(s.yes, s.no)
        return 0.0

    @property
    def scored(self) -> bool:
        return self.max_points > 0

    @property
    def answerable(self) -> bool:
        """People answer it (a calculated question computes its value instead)."""
        return self.type != "calculated"

    @cached_property
    def option_map(self) -> dict[str, Option]:
        return {o.value: o for o in self.options or ()}

    def unit_for(self, value: object) -> str | None:
        """The unit said after `value`: `unit_one` after exactly 1 (not "1 people")."""
        one = value == 1 and not isinstance(value, bool)
        return self.unit_one if one and self.unit_one else self.unit


class Repeat(_Strict):
    """How often a repeated section is asked (three reference customers, two owners…)."""

    min: Annotated[int, Field(ge=0, le=MAX_REPEATS)] = 1
    """Repeats asked at least (0: the section may be left out)."""
    max: Annotated[int, Field(ge=1, le=MAX_REPEATS)]
    """Repeats kept at most (up to 20)."""


class Section(_Strict):
    """A group of questions scored together."""

    id: Identifier
    """Unique across the set."""
    title: HumanText
    """Shown on screen and in reports."""
    description: MaybeEmptyText | None = None
    """Why this section matters; shown to the interviewer."""
    weight: Weight = 1
    """Relative importance in the overall score."""
    when: str | None = None
    """Ask the whole section only when this condition holds."""
    direction: Direction = "they_fit_us"
    """they_fit_us (does the prospect fit us) or we_fit_them (can we serve them)."""
    questions: Annotated[list[Question], Field(min_length=1)]
    """Asked in this order."""
    repeat: Repeat | None = None
    """Ask the section's questions several times, e.g. {min: 1, max: 3} for reference
    customers; each repeat's answers are kept (answer files: a list of mappings under the
    section id; stored as `section[0].question`)."""
    repeat_score: RepeatScore = "mean"
    """A repeated section's score from its repeats' scores: mean, min (the weakest counts)
    or max (the best counts)."""
    improve: HumanText | None = None
    """What would raise the section, as a next step says it, e.g. "reduce the support we
    would carry" (default: "strengthen <title>")."""

    @property
    def improvement(self) -> str:
        """The words of a next step that asks for a better score here."""
        return self.improve or f"strengthen {self.title}"


class QuestionSet(_Translated):
    """The questions asked at one stage of the relationship."""

    id: Slug
    """Unique id of the set, referred to by the pipeline."""
    title: HumanText
    """Shown on screen and in reports."""
    version: Annotated[int, Field(ge=1, le=1_000_000)]
    """Bumped by the author when questions change."""
    description: MaybeEmptyText | None = None
    """What this conversation is for."""
    bands: Annotated[list[Band], Field(min_length=1)] | None = None
    """Verdict labels; default 75 Strong fit / 50 Possible fit / 0 Weak fit."""
    sections: Annotated[list[Section], Field(min_length=1)]
    """Asked in this order."""
    verdict_coverage: Annotated[float, Field(ge=0, le=1)] | None = None
    """Share (0–1) of the visible scored weight that must be answered before the score
    earns a band; below it the score is provisional and the band is withheld."""
    languages: Annotated[list[Language], Field(min_length=1, max_length=32)] | None = None
    """The languages its texts are written in, the default first, e.g. [en, de]; any
    human text may then be a mapping language → text ({en: …, de: …})."""

    @cached_property
    def questions(self) -> dict[str, Question]:
        """Every question by id, in the order asked."""
        return {q.id: q for s in self.sections for q in s.questions}

    @cached_property
    def section_of(self) -> dict[str, Section]:
        return {q.id: s for s in self.sections for q in s.questions}

    @cached_property
    def repeat_of(self) -> dict[str, str]:
        """Question id → id of its repeated section (only questions of repeated sections)."""
        return {q.id: s.id for s in self.sections if s.repeat is not None for q in s.questions}

    @cached_property
    def plan(self) -> tuple[str, ...]:
        """Question ids in the order their values can be worked out: as asked, except that
        a calculated question comes after the questions its formula reads."""
        from qualify.core.questionnaire.dependencies import evaluation_order

        return evaluation_order(self)

    @cached_property
    def other_sets(self) -> frozenset[str]:
        """Ids of the earlier stages' sets its conditions and formulas read (`first-date.x`)."""
        from qualify.core.questionnaire.dependencies import qualified_sets

        return frozenset(qualified_sets(self))

    def resolve(self, key: str) -> tuple[Question, int | None] | None:
        """The question an answer key stands for, and its repeat (None when not repeated):
        `reps`, or `references[0].ref_company` for a repeated section's question."""
        question = self.questions.get(key)
        if question is not None:
            return (question, None) if question.id not in self.repeat_of else None
        found = _KEY.match(key)
        if found is None:
            return None
        section_id, index, question_id = found.group(1), int(found.group(2)), found.group(3)
        question = self.questions.get(question_id)
        if question is None or self.repeat_of.get(question_id) != section_id:
            return None
        repeat = self.section_of[question_id].repeat
        if repeat is None or index >= repeat.max:
            return None
        return question, index

    @cached_property
    def effective_bands(self) -> tuple[Band, ...]:
        """Bands from the highest `min` down."""
        bands = self.bands or [Band(min=m, label=label) for m, label in DEFAULT_BANDS]
        return tuple(sorted(bands, key=lambda b: b.min, reverse=True))

    def band_for(self, score: float | None, *, red_flags_open: bool = False) -> str | None:
        """The band a score earns (with a red flag open, none that is `without_red_flags`)."""
        if score is None:
            return None
        for band in self.effective_bands:
            if score >= band.min and not (red_flags_open and band.without_red_flags):
                return band.label
        return None


def repeat_key(section_id: str, index: int, question_id: str) -> str:
    """Where a repeated section's answer is stored: `references[0].ref_company`."""
    return f"{section_id}[{index}].{question_id}"


@lru_cache(maxsize=4096)
def split_key(key: str) -> tuple[str, int, str] | None:
    """(section id, repeat, question id) of a repeated answer's key; None otherwise.
    Remembered: scoring splits every repeated answer's key of every interview."""
    found = _KEY.match(key)
    if found is None:
        return None
    return found.group(1), int(found.group(2)), found.group(3)


Score = Annotated[float, Field(ge=0, le=100)]


class GateCondition(_Strict):
    """A fact the gate needs, as a condition on the stage's answers (and earlier stages')."""

    when: Annotated[str, Field(min_length=1)]
    """Must hold to pass, e.g. "earnings_ratio >= 1"; unanswered names make it fail."""
    text: HumanText
    """What it means, as the gate says it: "the plan earns us more than it costs to serve"."""


class Gate(_Strict):
    """What must hold before a prospect moves past a stage.

    Always, on top of these: no knock-outs, every visible required question answered,
    no open red flag that holds every gate.
    """

    min_score: Score | None = None
    """Lowest overall score that passes."""
    min_coverage: Annotated[float, Field(ge=0, le=1)] | None = None
    """Share (0–1) of visible questions that must be answered."""
    verified: list[Identifier] = []
    """Questions whose answers must be verified (evidence seen) to pass."""
    min_direction: dict[str, Score] = {}
    """Lowest score per direction of fit, e.g. {they_fit_us: 55, we_fit_them: 45}."""
    min_section: dict[str, Score] = {}
    """Lowest score per section id of the stage's set, e.g. {niche: 50}."""
    require: list[GateCondition] = []
    """Conditions on the answers that must hold (they may read earlier stages)."""
    no_open_red_flags: bool = False
    """No red flag of this stage or an earlier one may be open."""


DEFAULT_KIND = "default"
"""The key of a stage's per-kind sets that every other kind of partner gets."""


class Stage(_Strict):
    """One step of the relationship, with the question set asked there."""

    id: Slug
    """Unique stage id."""
    title: HumanText
    """Shown on screen and in reports."""
    questionnaire: Slug | dict[str, Slug]
    """Id of the question set asked at this stage, or one per kind of partner:
    {default: getting-to-know, distributor: getting-to-know-distributor}."""
    description: MaybeEmptyText | None = None
    """What this stage is for."""
    gate: Gate = Field(default_factory=Gate)
    """What must hold to move on to the next stage."""

    @field_validator("questionnaire", mode="before")
    @classmethod
    def _set_choice(cls, value: Any) -> Any:
        """Checked here, so a mistake is said once, at the field (the union would name
        each of its members instead); a kind that is no text (7:) is refused as a kind."""
        wrong, slug = PydanticCustomError, re.compile(SLUG_PATTERN).fullmatch
        if isinstance(value, str) and not (len(value) <= 64 and slug(value)):
            raise wrong("set_id", "{value} is not a valid set id", {"value": repr(value)})
        if value == {}:
            raise wrong("too_short", "must not be empty")
        if not isinstance(value, str | dict):
            raise wrong("set_choice", "expected a set id or a mapping kind → set id")
        for kind, set_id in value.items() if isinstance(value, dict) else ():
            if not (isinstance(set_id, str) and len(set_id) <= 64 and slug(set_id)):
                ctx = {"kind": str(kind), "value": repr(set_id)}
                raise wrong("set_for_kind", "{kind}: {value} is not a valid set id", ctx)
        return {str(k): v for k, v in value.items()} if isinstance(value, dict) else value

    def set_for(self, kind: str | None = None) -> str:
        """The set asked of a partner of this kind (dealer, distributor, …)."""
        if isinstance(self.questionnaire, str):
            return self.questionnaire
        sets = self.questionnaire
        return sets.get(kind or DEFAULT_KIND) or sets.get(DEFAULT_KIND) or next(iter(sets.values()))

    @property
    def set_ids(self) -> tuple[str, ...]:
        """Every set this stage may ask, the default first."""
        if isinstance(self.questionnaire, str):
            return (self.questionnaire,)
        return tuple(dict.fromkeys([self.set_for(), *self.questionnaire.values()]))


class ReviewStage(_Strict):
    """The recurring review of a committed partner."""

    id: Slug = "review"
    """The stage id committed partners sit at between reviews."""
    title: HumanText = "Relationship review"
    """Shown on screen and in reports."""
    questionnaire: Slug
    """Id of the question set asked at each review."""
    interval_days: Annotated[int, Field(ge=1, le=3660)] = 90
    """A committed partner is due for review this many days after the last one."""
    description: MaybeEmptyText | None = None
    """What the review is for."""

    def set_for(self, kind: str | None = None) -> str:
        """The set asked at every review (whatever the kind of partner)."""
        return self.questionnaire

    @property
    def set_ids(self) -> tuple[str, ...]:
        return (self.questionnaire,)


class Pipeline(_Translated):
    """The ordered stages of the relationship, from first date to commitment."""

    stages: Annotated[list[Stage], Field(min_length=1)]
    """In order; a prospect moves one stage at a time. The last stage is commitment."""
    review: ReviewStage | None = None
    """Asked repeatedly after commitment."""
    languages: Annotated[list[Language], Field(min_length=1, max_length=32)] | None = None
    """The languages of its titles, descriptions and gate texts, the default first, e.g.
    [en, de]; any of them may then be a mapping language → text ({en: …, de: …})."""

    @cached_property
    def stage_map(self) -> dict[str, Stage]:
        return {s.id: s for s in self.stages}

    @property
    def stage_ids(self) -> list[str]:
        """Every stage a prospect can be at, in order: the stages, then the review's."""
        ids = [s.id for s in self.stages]
        if self.review is not None:
            ids.append(self.review.id)
        return ids

    def next_stage(self, stage_id: str) -> Stage | None:
        ids = [s.id for s in self.stages]
        i = ids.index(stage_id)
        return self.stages[i + 1] if i + 1 < len(ids) else None

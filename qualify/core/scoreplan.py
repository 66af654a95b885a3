"""A question set compiled for scoring: worked out once per set, read by every interview.

What :func:`qualify.core.scoring.score` needs of a set does not depend on the answers:
the order values are worked out in, each condition and formula parsed, each option's
points (already clamped to the question's range), each question's weight × maximum,
the answer keys of a repeated section's repeats, the questions that may knock out or
raise a red flag. A portfolio, a re-score preview or the demo scores tens of thousands
of interviews against a handful of sets, so all of it is compiled once per set
(:func:`plan_of`) and shared; conditions and formulas are compiled into Python functions
(:func:`~qualify.core.questionnaire.conditions.condition_function`).

Question sets are immutable (frozen models), so a plan never goes stale; plans are
remembered per set object, and forgotten when the set is.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from qualify.core.questionnaire.conditions import Condition, Formula, condition_function
from qualify.core.questionnaire.conditions import formula_function as _compile_formula
from qualify.core.questionnaire.expressions import calls_today, is_number, names, parse_formula
from qualify.core.questionnaire.model import (
    NUMERIC_TYPES,
    Question,
    QuestionSet,
    Section,
    repeat_key,
)

__all__ = ["QuestionPlan", "ScorePlan", "SectionPlan", "plan_of"]


def _condition(text: str | None) -> Condition | None:
    return None if text is None else condition_function(text)


@dataclass(eq=False, slots=True)
class SectionPlan:
    """One section, compiled."""

    section: Section
    id: str
    when: Condition | None
    """Its own condition, compiled (None: always asked)."""
    repeat_max: int | None
    """A repeated section's most repeats (None: the section does not repeat)."""
    questions: list[QuestionPlan]
    """In the order asked."""
    ids: list[str]
    """Its questions' ids, in the order asked."""
    keys: list[list[str]]
    """A repeated section's answer keys, per repeat (up to its most); [] otherwise."""
    scored: list[QuestionPlan]
    """Its questions that earn points (most points above 0), in the order asked."""
    asked: list[int]
    """The places of its questions someone answers (not calculated ones)."""
    watched: list[QuestionPlan]
    """Its questions whose answer may knock out or raise a red flag, in the order asked."""
    checked: list[QuestionPlan]
    """Its questions a gate checks (required, required when, or to verify), in order."""

    def keys_of(self, repeat: int | None) -> list[str]:
        """The answer keys of one repeat (the ids, for a section that does not repeat)."""
        return self.ids if repeat is None else self.keys[repeat]


@dataclass(eq=False, slots=True)
class QuestionPlan:
    """One question, compiled: everything scoring reads of it but the answer."""

    question: Question
    id: str
    type: str
    section: SectionPlan
    index: int
    """Its place in its section."""
    when: Condition | None
    """Its own condition, compiled (None: always asked when its section is)."""
    formula: tuple[Formula, tuple[str, ...], bool] | None
    """A calculated question's formula: compiled, the names it reads (each once, in
    order), whether it reads today's date; None for other questions (or no formula)."""
    top: float
    """Its most points (`max_points`); 0 or less: unscored."""
    weight: float
    weight_max: float
    """weight × most points: its share of its section's denominator."""
    choice_points: dict[str, float] | None
    """A choice question's points by option value, clamped to 0..top."""
    line_max: float
    """What its score line shows as its most points (0 for an unscored question)."""
    asked: bool
    """Someone answers it (a calculated question is computed instead)."""
    knocks: bool
    """An answer may knock the prospect out (an option that does, or a knock-out rule)."""
    option_knockouts: dict[str, str]
    """Option value → the reason it knocks out, for each option that does."""
    knockout: tuple[Condition, str] | None
    """Its knock-out rule, compiled, and its reason."""
    red_flag: tuple[Condition, str, bool] | None
    """Its red flag, compiled: the condition, the reason, whether it holds every gate."""
    required: bool
    required_when: Condition | None
    verify: bool

    earn: Callable[[Any], float] | None
    """The points an answered value earns, compiled for a choice, yes/no, scale or number
    question (its rule is a lookup or a band); None: the general rule, for the others."""

    def points(self, value: Any, rule: Callable[[Question, Any], float | None]) -> float | None:
        """Points the (visible, answered) value earns; `rule` is the general rule
        (:func:`~qualify.core.scoring.points_of`), used where nothing is compiled."""
        if self.top <= 0 or value is None:
            return None
        if self.earn is not None:
            return self.earn(value)
        return rule(self.question, value)


@dataclass(eq=False, slots=True)
class ScorePlan:
    """A question set, compiled for scoring (see the module docstring). It holds no
    reference to the set itself, only to its parts, so a set nobody uses is freed."""

    sections: list[SectionPlan]
    order: list[QuestionPlan]
    """Every question in the order its value can be worked out (the set's `plan`)."""
    repeated: dict[str, SectionPlan]
    """The repeated sections by id."""
    in_line_order: bool
    """Every question's value is worked out in the order of the score lines (no repeated
    section, no question before one it reads): a breakdown's values are then in the
    order they were worked out."""


def _formula(text: str | None) -> tuple[Formula, tuple[str, ...], bool] | None:
    if not text:
        return None
    expr = parse_formula(text)
    keys = tuple(dict.fromkeys(name.key for name in names(expr)))
    return _compile_formula(text), keys, calls_today(expr)


def _choice_points(q: Question, top: float) -> dict[str, float] | None:
    if q.type != "choice":
        return None
    # the same clamp as points_of, worked out once per option
    return {value: float(min(max(o.score, 0.0), top)) for value, o in q.option_map.items()}


def _earn(q: Question, top: float, table: dict[str, float] | None) -> Callable[[Any], float] | None:
    """What points_of says of an answered value, with its clamp to 0..top, compiled where
    the rule is a lookup or a band (scoring a portfolio asks it for every answer)."""

    def clamp(raw: float) -> float:
        return float(min(max(raw, 0.0), top))

    zero = clamp(0.0)  # what a value of the wrong kind earns
    if table is not None:
        return lambda value: table.get(value, zero) if isinstance(value, str) else zero
    if q.type == "yes_no":
        yes, no = (clamp(q.score.yes), clamp(q.score.no)) if q.score is not None else (zero, zero)
        return lambda value: (yes if value else no) if isinstance(value, bool) else zero
    if q.type == "scale":
        low, high, reverse = q.scale_min, q.scale_max, q.reverse
        return lambda value: (
            clamp(high - value if reverse else value - low) if is_number(value) else zero
        )
    if q.type in NUMERIC_TYPES:
        bands = tuple((band.below, clamp(band.score)) for band in q.score_bands or ())

        def banded(value: Any) -> float:
            if not is_number(value):
                return zero
            for below, points in bands:
                if below is None or value < below:
                    return points
            return zero

        return banded
    return None


def _compile(question_set: QuestionSet) -> ScorePlan:
    sections: list[SectionPlan] = []
    by_id: dict[str, QuestionPlan] = {}
    for section in question_set.sections:
        repeat_max = section.repeat.max if section.repeat is not None else None
        ids = [q.id for q in section.questions]
        keys = [[repeat_key(section.id, r, qid) for qid in ids] for r in range(repeat_max or 0)]
        plan = SectionPlan(
            section, section.id, _condition(section.when), repeat_max, [], ids, keys, [], [], [], []
        )
        for index, q in enumerate(section.questions):
            top = q.max_points
            option_knockouts = {v: o.knockout for v, o in q.option_map.items() if o.knockout}
            knocks = q.knockout is not None or bool(option_knockouts)
            flag = q.red_flag
            table = _choice_points(q, top)
            compiled = QuestionPlan(
                question=q,
                id=q.id,
                type=q.type,
                section=plan,
                index=index,
                when=_condition(q.when),
                formula=_formula(q.formula) if q.type == "calculated" else None,
                top=top,
                weight=q.weight,
                weight_max=q.weight * top,
                choice_points=table,
                earn=_earn(q, top, table),
                line_max=float(max(top, 0)),
                asked=q.type != "calculated",
                knocks=knocks,
                option_knockouts=option_knockouts,
                knockout=(
                    (condition_function(q.knockout.when), q.knockout.reason)
                    if q.knockout is not None
                    else None
                ),
                red_flag=(
                    (condition_function(flag.when), flag.reason, flag.holds_every_gate)
                    if flag is not None
                    else None
                ),
                required=q.required,
                required_when=_condition(q.required_when),
                verify=q.verify,
            )
            plan.questions.append(compiled)
            if top > 0:
                plan.scored.append(compiled)
            if compiled.asked:
                plan.asked.append(index)
            if knocks or flag is not None:
                plan.watched.append(compiled)
            if q.required or q.required_when is not None or q.verify:
                plan.checked.append(compiled)
            by_id[q.id] = compiled
        sections.append(plan)
    order = [by_id[qid] for qid in question_set.plan]
    repeated = {s.id: s for s in sections if s.repeat_max is not None}
    lines = [q for s in sections for q in s.questions]
    in_line_order = not repeated and [q.id for q in order] == [q.id for q in lines]
    return ScorePlan(sections, order, repeated, in_line_order)


class _Plans:
    """Plans by set object (a set is immutable); an entry goes with its set."""

    def __init__(self) -> None:
        self._plans: dict[int, tuple[weakref.ref[QuestionSet], ScorePlan]] = {}

    def __call__(self, question_set: QuestionSet) -> ScorePlan:
        key = id(question_set)
        found = self._plans.get(key)
        if found is not None and found[0]() is question_set:
            return found[1]
        plan = _compile(question_set)
        plans = self._plans
        self._plans[key] = (weakref.ref(question_set, lambda _: plans.pop(key, None)), plan)
        return plan

    def cache_clear(self) -> None:
        """Forget every plan (tests under mutation compile afresh)."""
        self._plans.clear()


plan_of = _Plans()
"""The compiled plan of a question set, compiled on first use."""

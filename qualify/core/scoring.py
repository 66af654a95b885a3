"""Scoring a set of answers: points, section and overall scores, coverage, knock-outs.

Pure functions over a :class:`~qualify.core.questionnaire.model.QuestionSet` and a mapping
of question id → answer value, so the CLI, the TUI, reports and tests all get the
same figures. The rules are those of ``docs/questionnaire-format.md``:

* a question earns points between 0 and its maximum (:func:`points_of`);
* section score = 100 × Σ(weight × points) / Σ(weight × max) over the answered,
  visible, scored questions of the section (None when there is none);
* overall score = Σ(section weight × section score) / Σ(section weight) over the
  sections that have a score (None when there is none);
* coverage = answered visible questions / visible questions;
* a hidden question (its own or its section's ``when`` is false) counts as
  unanswered everywhere, in later conditions too.

No I/O, and nothing from Textual or TinyDB: ``qualify score`` must start fast.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from qualify.core.questionnaire.conditions import evaluate
from qualify.core.questionnaire.model import (
    DIRECTION_TITLES,
    KNOCKED_OUT_BAND,
    Question,
    QuestionSet,
    Section,
)

__all__ = [
    "KnockoutHit",
    "QuestionScore",
    "ScoreBreakdown",
    "SectionScore",
    "answered",
    "points_of",
    "score",
    "visible_questions",
]

DIRECTIONS: tuple[str, ...] = tuple(DIRECTION_TITLES)
"""Both directions of fit, in the order reports show them."""


@dataclass(frozen=True)
class KnockoutHit:
    """A deal-breaker that fired: which question, and why in words."""

    question: str
    reason: str

    def to_dict(self) -> dict[str, str]:
        return {"question": self.question, "reason": self.reason}


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
    verify: bool = False

    @property
    def scored(self) -> bool:
        """True when the question can earn points at all."""
        return self.max > 0

    def to_dict(self) -> dict[str, Any]:
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
        }


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

    def question(self, question_id: str) -> QuestionScore | None:
        """The score line of one question, or None if the set has no such question."""
        for section in self.sections:
            for q in section.questions:
                if q.id == question_id:
                    return q
        return None

    def section(self, section_id: str) -> SectionScore | None:
        return next((s for s in self.sections if s.id == section_id), None)

    @property
    def visibility(self) -> dict[str, bool]:
        """Question id → visible, in the order asked."""
        return {q.id: q.visible for s in self.sections for q in s.questions}

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready, for `qualify score --json` and `qualify prospect show --json`."""
        return {
            "question_set": {"id": self.question_set_id, "version": self.question_set_version},
            "score": self.score,
            "band": self.band,
            "knocked_out": self.knocked_out,
            "knockouts": [k.to_dict() for k in self.knockouts],
            "coverage": self.coverage,
            "answered": self.answered,
            "visible": self.visible,
            "directions": dict(self.directions),
            "sections": [s.to_dict() for s in self.sections],
        }


# --------------------------------------------------------------------------- rules


def answered(value: Any) -> bool:
    """An answer counts when it holds a value; None means "not answered"."""
    return value is not None


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _raw_points(question: Question, value: Any) -> float:
    t = question.type
    if t == "choice":
        option = question.option_map.get(value) if isinstance(value, str) else None
        return option.score if option is not None else 0.0
    if t == "multi":
        chosen = [value] if isinstance(value, str) else list(value or ())
        total = sum(
            question.option_map[v].score
            for v in dict.fromkeys(chosen)  # a value chosen twice counts once
            if isinstance(v, str) and v in question.option_map
        )
        if question.max_score is not None:
            total = min(total, question.max_score)
        return total
    if t == "scale":
        if not _is_number(value):
            return 0.0
        return question.scale_max - value if question.reverse else value - question.scale_min
    if t == "number":
        if not _is_number(value):
            return 0.0
        for band in question.score_bands or ():
            if band.below is None or value < band.below:
                return band.score
        return 0.0
    if t == "yes_no":
        if not isinstance(value, bool) or question.score is None:
            return 0.0
        return question.score.yes if value else question.score.no
    return 0.0


def points_of(question: Question, value: Any) -> float | None:
    """Points an answer earns, between 0 and ``question.max_points``; None if unscored.

    The result is clamped to that range, so a negative option score or an answer
    outside the scale cannot push a section score outside 0–100.
    """
    top = question.max_points
    if top <= 0 or not answered(value):
        return None
    return float(min(max(_raw_points(question, value), 0.0), top))


def _visibility(
    question_set: QuestionSet, answers: Mapping[str, Any]
) -> tuple[dict[str, bool], dict[str, bool]]:
    """(question id → visible, section id → shown), computed in order."""
    questions: dict[str, bool] = {}
    sections: dict[str, bool] = {}
    seen: dict[str, Any] = {}
    for section in question_set.sections:
        section_shown = section.when is None or evaluate(section.when, seen)
        sections[section.id] = section_shown
        for q in section.questions:
            shown = section_shown and (q.when is None or evaluate(q.when, seen))
            questions[q.id] = shown
            value = answers.get(q.id)
            if shown and answered(value):
                seen[q.id] = value
    return questions, sections


def visible_questions(question_set: QuestionSet, answers: Mapping[str, Any]) -> dict[str, bool]:
    """Question id → asked or not, computed in order (conditions only look back).

    A condition sees only the answers of earlier questions that are themselves
    visible, so hiding a question also hides what depends on it.
    """
    return _visibility(question_set, answers)[0]


def _knockouts(question: Question, value: Any, visible_answers: Mapping[str, Any]) -> list[str]:
    """Reasons this visible, answered question knocks the prospect out."""
    reasons: list[str] = []
    if question.type == "choice" and isinstance(value, str):
        option = question.option_map.get(value)
        if option is not None and option.knockout:
            reasons.append(option.knockout)
    elif question.type == "multi":
        chosen = [value] if isinstance(value, str) else list(value or ())
        for v in dict.fromkeys(chosen):
            option = question.option_map.get(v) if isinstance(v, str) else None
            if option is not None and option.knockout:
                reasons.append(option.knockout)
    if question.knockout is not None and evaluate(question.knockout.when, visible_answers):
        reasons.append(question.knockout.reason)
    return list(dict.fromkeys(reasons))


def _weighted(pairs: list[tuple[float, float]]) -> float | None:
    """Σ(weight × score) / Σ(weight), or None when the weights add up to nothing."""
    total_weight = sum(w for w, _ in pairs)
    if total_weight <= 0:
        return None
    return sum(w * s for w, s in pairs) / total_weight


def _section_score(
    section: Section, visible_answers: Mapping[str, Any]
) -> tuple[float | None, float]:
    """(score, Σ weight × max) over the section's answered, visible, scored questions."""
    numerator = denominator = 0.0
    for q in section.questions:
        points = points_of(q, visible_answers.get(q.id))
        if points is not None:
            numerator += q.weight * points
            denominator += q.weight * q.max_points
    return (100 * numerator / denominator if denominator > 0 else None), denominator


def score(question_set: QuestionSet, answers: Mapping[str, Any]) -> ScoreBreakdown:
    """Score `answers` (question id → value) against `question_set`.

    Only answered questions belong in `answers`; "unknown" or "declined" answers
    are simply absent, and a None value counts as unanswered. Answers to hidden
    questions, or to ids the set does not have, are ignored.
    """
    visible, section_shown = _visibility(question_set, answers)
    visible_answers = {
        qid: answers[qid] for qid, shown in visible.items() if shown and answered(answers.get(qid))
    }
    tallies = [_section_score(s, visible_answers) for s in question_set.sections]
    weighted = [
        (s.weight, sc)
        for s, (sc, _) in zip(question_set.sections, tallies, strict=True)
        if sc is not None
    ]
    overall = _weighted(weighted)
    scored_weight = sum(w for w, _ in weighted)

    sections: list[SectionScore] = []
    hits: list[KnockoutHit] = []
    for section, (section_score, denominator) in zip(question_set.sections, tallies, strict=True):
        # the section's share of the overall score, spread over its questions by points
        share = section.weight / scored_weight if scored_weight > 0 else 0.0
        lines: list[QuestionScore] = []
        for q in section.questions:
            is_answered = q.id in visible_answers
            value = visible_answers.get(q.id)
            points = points_of(q, value)
            contribution: float | None = None
            if points is not None:
                contribution = (
                    share * 100 * q.weight * points / denominator if denominator > 0 else 0.0
                )
            reasons = _knockouts(q, value, visible_answers) if is_answered else []
            hits.extend(KnockoutHit(q.id, reason) for reason in reasons)
            lines.append(
                QuestionScore(
                    id=q.id,
                    section_id=section.id,
                    text=q.text,
                    type=q.type,
                    visible=visible[q.id],
                    answered=is_answered,
                    value=list(value) if isinstance(value, list | tuple) else value,
                    points=points,
                    max=float(max(q.max_points, 0)),
                    weight=q.weight,
                    contribution=contribution,
                    knockout="; ".join(reasons) or None,
                    required=q.required,
                    verify=q.verify,
                )
            )
        n_visible = sum(line.visible for line in lines)
        n_answered = sum(line.answered for line in lines)
        sections.append(
            SectionScore(
                id=section.id,
                title=section.title,
                direction=section.direction,
                weight=section.weight,
                score=section_score,
                coverage=n_answered / n_visible if n_visible else None,
                answered=n_answered,
                visible=n_visible,
                questions=tuple(lines),
                shown=section_shown[section.id],
            )
        )

    directions = {
        direction: _weighted(
            [
                (s.weight, s.score)
                for s in sections
                if s.direction == direction and s.score is not None
            ]
        )
        for direction in DIRECTIONS
    }
    total_visible = sum(s.visible for s in sections)
    total_answered = sum(s.answered for s in sections)
    knocked_out = bool(hits)
    return ScoreBreakdown(
        score=overall,
        band=KNOCKED_OUT_BAND if knocked_out else question_set.band_for(overall),
        knocked_out=knocked_out,
        knockouts=tuple(hits),
        coverage=total_answered / total_visible if total_visible else None,
        sections=tuple(sections),
        directions=directions,
        answered=total_answered,
        visible=total_visible,
        question_set_id=question_set.id,
        question_set_version=question_set.version,
    )

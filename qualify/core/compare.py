"""Compare a prospect with another one, or with the partner you wish you had.

Side by side, section by section and answer by answer, with the differences that move
the score most first: that is where the next conversation should go.
"""

from __future__ import annotations

import statistics
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from qualify.core.breakdown import ScoreBreakdown
from qualify.core.questionnaire.model import QuestionSet
from qualify.core.scoring import points_of, score


@dataclass(frozen=True)
class SectionGap:
    id: str
    title: str
    direction: str
    left: float | None
    right: float | None

    @property
    def delta(self) -> float | None:
        if self.left is None or self.right is None:
            return None
        return self.left - self.right


@dataclass(frozen=True)
class AnswerGap:
    question_id: str
    text: str
    section: str
    left: Any
    right: Any
    left_points: float | None
    right_points: float | None
    max: float
    impact: float
    """Points of the overall score between the two answers (left minus right contribution)."""
    knockout: str | None = None


@dataclass(frozen=True)
class Comparison:
    question_set_id: str
    left_label: str
    right_label: str
    left: ScoreBreakdown
    right: ScoreBreakdown
    sections: tuple[SectionGap, ...]
    answers: tuple[AnswerGap, ...]
    """Only the questions whose answers differ, most important first."""

    def to_dict(self) -> dict[str, Any]:
        return {
            "question_set": self.question_set_id,
            "left": {"label": self.left_label, "score": self.left.score, "band": self.left.band},
            "right": {
                "label": self.right_label,
                "score": self.right.score,
                "band": self.right.band,
            },
            "sections": [
                {
                    "id": s.id,
                    "title": s.title,
                    "direction": s.direction,
                    "left": s.left,
                    "right": s.right,
                    "delta": s.delta,
                }
                for s in self.sections
            ],
            "answers": [
                {
                    "question": a.question_id,
                    "text": a.text,
                    "section": a.section,
                    "left": a.left,
                    "right": a.right,
                    "left_points": a.left_points,
                    "right_points": a.right_points,
                    "max": a.max,
                    "impact": a.impact,
                    "knockout": a.knockout,
                }
                for a in self.answers
            ],
        }


def compare(
    question_set: QuestionSet,
    left: Mapping[str, Any],
    right: Mapping[str, Any],
    *,
    left_label: str = "prospect",
    right_label: str = "ideal",
) -> Comparison:
    """Two answer sets (question id → value) under one question set."""
    lb, rb = score(question_set, left), score(question_set, right)
    sections = [
        SectionGap(ls.id, ls.title, ls.direction, ls.score, rs.score)
        for ls, rs in zip(lb.sections, rb.sections, strict=True)
    ]
    sections.sort(key=lambda s: (s.delta is None, -abs(s.delta or 0)))
    gaps: list[AnswerGap] = []
    for ls, rs in zip(lb.sections, rb.sections, strict=True):
        theirs = {q.answer_key: q for q in rs.questions}
        for lq in ls.questions:
            rq = theirs.get(lq.answer_key)
            if rq is None:  # a repeat only the left side has
                rq = replace(lq, answered=False, value=None, points=None, contribution=None)
            lv = lq.value if lq.answered else None
            rv = rq.value if rq.answered else None
            if _same(lv, rv):
                continue
            impact = (lq.contribution or 0.0) - (rq.contribution or 0.0)
            gaps.append(
                AnswerGap(
                    question_id=lq.answer_key,
                    text=lq.text,
                    section=ls.title,
                    left=lv,
                    right=rv,
                    left_points=lq.points,
                    right_points=rq.points,
                    max=lq.max,
                    impact=impact,
                    knockout=lq.knockout or rq.knockout,
                )
            )
    order = {q.answer_key: i for i, q in enumerate(q for s in lb.sections for q in s.questions)}
    gaps.sort(
        key=lambda g: (g.knockout is None, -abs(g.impact), order.get(g.question_id, len(order)))
    )
    return Comparison(
        question_set.id, left_label, right_label, lb, rb, tuple(sections), tuple(gaps)
    )


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, list) and isinstance(b, list):
        return sorted(map(str, a)) == sorted(map(str, b))
    return a == b


def ideal_from_partners(
    question_set: QuestionSet, partners: Sequence[Mapping[str, Any]]
) -> dict[str, Any]:
    """The typical answers of the partners you would like more of.

    Per question: the most common choice or yes/no, the options a majority ticked, the
    median number or scale point. Text answers are not averaged. An answer that earns
    no points is never ideal: it is left out while any partner gave a better one.
    """
    ideal: dict[str, Any] = {}
    for qid, question in question_set.questions.items():
        given = [p[qid] for p in partners if p.get(qid) is not None]
        if question.scored and question.type != "multi":
            earning = [v for v in given if (points_of(question, v) or 0) > 0]
            given = earning or given
        if not given:
            continue
        if question.type in ("choice", "yes_no"):
            ideal[qid] = Counter(map(_key, given)).most_common(1)[0][0]
            ideal[qid] = next(v for v in given if _key(v) == ideal[qid])
        elif question.type == "multi":
            counts = Counter(v for answer in given for v in answer)
            ideal[qid] = [
                o.value for o in question.options or () if counts[o.value] * 2 >= len(given)
            ]
        elif question.type == "scale":
            ideal[qid] = round(statistics.median(given))
        elif question.type == "number":
            ideal[qid] = statistics.median(given)
    return ideal


def _key(value: Any) -> Any:
    return tuple(value) if isinstance(value, list) else value

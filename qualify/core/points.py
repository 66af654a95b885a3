"""The points one answer earns: the rules of ``docs/questionnaire-format.md`` for each
question type, clamped to the question's range.

Apart from :mod:`qualify.core.scoring` (which adds the points up) so each stays short; the
score plan compiles the same rules per question (:mod:`qualify.core.scoreplan`).
"""

from __future__ import annotations

from typing import Any

from qualify.core.questionnaire.expressions import is_number
from qualify.core.questionnaire.model import NUMERIC_TYPES, Question

__all__ = ["answered", "points_of"]


def answered(value: Any) -> bool:
    """An answer counts when it holds a value; None means "not answered"."""
    return value is not None


def _chosen(value: Any) -> list[str]:
    """A multi answer's options, each once, in order. Anything else a hand-edited file
    may hold (a number, a list in the list) is no option: it earns and knocks out nothing."""
    if isinstance(value, str):
        return [value]
    if not isinstance(value, list | tuple):
        return []
    return list(dict.fromkeys(v for v in value if isinstance(v, str)))


def _raw_points(question: Question, value: Any) -> float:
    t = question.type
    if t == "choice":
        option = question.option_map.get(value) if isinstance(value, str) else None
        return option.score if option is not None else 0.0
    if t == "multi":
        options = question.option_map  # a value chosen twice counts once
        total = sum(options[v].score for v in _chosen(value) if v in options)
        if question.max_score is not None:
            total = min(total, question.max_score)
        return total
    if t == "scale":
        if not is_number(value):
            return 0.0
        return question.scale_max - value if question.reverse else value - question.scale_min
    if t in NUMERIC_TYPES:
        if not is_number(value):
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

"""Rules that need the whole question set, reported at the place of each mistake.

The pydantic models check shape; these check meaning: unique ids, options where a
type needs them, number bands in order, conditions that parse and only look back.
"""

from __future__ import annotations

from collections.abc import Container

from qualify.core.questionnaire.condition_checks import check_condition
from qualify.core.questionnaire.conditions import ConditionError, parse_condition
from qualify.core.questionnaire.model import Question, QuestionSet
from qualify.core.questionnaire.yamlsource import Document, Path_

# Fields that only make sense for some question types: a reader would call them a bug.
_ONLY_FOR: dict[str, tuple[str, ...]] = {
    "options": ("choice", "multi"),
    "max_score": ("multi",),
    "reverse": ("scale",),
    "labels": ("scale",),
    "score_bands": ("number",),
    "score": ("yes_no",),
    "unit": ("number",),
    "min": ("scale", "number"),
    "max": ("scale", "number"),
}


def check_question_set(qs: QuestionSet, doc: Document) -> None:
    """Add every semantic problem of `qs` to `doc.problems`."""
    section_ids: dict[str, int] = {}
    question_ids: dict[str, tuple[int, int]] = {}
    for si, section in enumerate(qs.sections):
        sloc: Path_ = ("sections", si)
        if section.id in section_ids:
            doc.at((*sloc, "id"), f"duplicate section id {section.id!r}")
        section_ids.setdefault(section.id, si)
        for qi, question in enumerate(section.questions):
            qloc: Path_ = (*sloc, "questions", qi)
            if question.id in question_ids:
                first = question_ids[question.id]
                line, _ = doc.place(("sections", first[0], "questions", first[1], "id"))
                doc.at(
                    (*qloc, "id"),
                    f"duplicate question id {question.id!r} (first used on line {line})",
                )
            question_ids.setdefault(question.id, (si, qi))
            _check_question(question, qloc, doc)
    _check_conditions(qs, doc)


def _check_question(q: Question, loc: Path_, doc: Document) -> None:
    given = q.model_fields_set
    for name, types in _ONLY_FOR.items():
        if name in given and q.type not in types and getattr(q, name) not in (None, False):
            doc.at(
                (*loc, name),
                f"{name!r} is only used by {' and '.join(types)} questions, not {q.type} ({q.id})",
                key=True,
            )
    _check_negative_scores(q, loc, doc)
    if q.type in ("choice", "multi"):
        if not q.options:
            doc.at((*loc, "type"), f"{q.type} question {q.id!r} needs options")
        seen: set[str] = set()
        for oi, option in enumerate(q.options or ()):
            if option.value in seen:
                doc.at((*loc, "options", oi, "value"), f"duplicate option value {option.value!r}")
            seen.add(option.value)
        if q.type == "choice" and q.options and q.max_points <= 0:
            pass  # an unscored choice is legitimate (e.g. a segment used in conditions)
    if q.type == "scale":
        if q.scale_max <= q.scale_min:
            doc.at(
                (*loc, "max" if "max" in given else "min"),
                f"scale max ({q.scale_max:g}) must be greater than min ({q.scale_min:g})",
            )
        for point in q.labels or {}:
            if not q.scale_min <= point <= q.scale_max:
                doc.at(
                    (*loc, "labels"),
                    f"label for {point} is outside the scale {q.scale_min:g}..{q.scale_max:g}",
                )
    if q.type == "number":
        if q.min is not None and q.max is not None and q.max < q.min:
            doc.at((*loc, "max"), f"max ({q.max:g}) is below min ({q.min:g})")
        bands = q.score_bands or []
        previous: float | None = None
        for bi, band in enumerate(bands):
            bloc = (*loc, "score_bands", bi)
            if band.below is None and bi != len(bands) - 1:
                doc.at(bloc, "only the last score band may leave out 'below' (it catches the rest)")
            if band.below is not None and previous is not None and band.below <= previous:
                doc.at(
                    (*bloc, "below"),
                    f"score bands must be in increasing order of 'below': "
                    f"{band.below:g} comes after {previous:g}",
                )
            if band.below is not None:
                previous = band.below


def _check_negative_scores(q: Question, loc: Path_, doc: Document) -> None:
    """Points run from 0 to the question's maximum: a bad answer earns 0 or knocks out."""
    advice = "scores are 0 or more: give a bad answer 0, or make it a knock-out"
    for oi, option in enumerate(q.options or ()):
        if option.score < 0:
            doc.at((*loc, "options", oi, "score"), f"score {option.score:g}: {advice}")
    for bi, band in enumerate(q.score_bands or ()):
        if band.score < 0:
            doc.at((*loc, "score_bands", bi, "score"), f"score {band.score:g}: {advice}")
    if q.score is not None:
        for answer in ("yes", "no"):
            value = getattr(q.score, answer)
            if value < 0:
                doc.at((*loc, "score", answer), f"{answer}: {value:g}: {advice}")


class _AskedBefore:
    """The questions asked before a place in the set, without copying a list per question
    (which made checking a set quadratic in its size)."""

    def __init__(self, position: dict[str, int], limit: int) -> None:
        self.position = position
        self.limit = limit

    def __contains__(self, question_id: object) -> bool:
        return self.position.get(str(question_id), self.limit) < self.limit


def _check_conditions(qs: QuestionSet, doc: Document) -> None:
    questions = qs.questions
    position = {qid: i for i, qid in enumerate(questions)}
    n = 0
    for si, section in enumerate(qs.sections):
        if section.when is not None:
            _check_one(
                section.when, ("sections", si, "when"), questions, _AskedBefore(position, n), doc
            )
        for qi, question in enumerate(section.questions):
            qloc: Path_ = ("sections", si, "questions", qi)
            if question.when is not None:
                _check_one(
                    question.when, (*qloc, "when"), questions, _AskedBefore(position, n), doc
                )
            n += 1
            if question.knockout:
                _check_one(
                    question.knockout.when,
                    (*qloc, "knockout", "when"),
                    questions,
                    _AskedBefore(position, n),
                    doc,
                )


def _check_one(
    text: str, loc: Path_, questions: dict[str, Question], earlier: Container[str], doc: Document
) -> None:
    if not text.strip():
        doc.at(
            loc, "an empty condition always holds: remove `when:` or write one", severity="warning"
        )
        return
    try:
        expr = parse_condition(text)
    except ConditionError as exc:
        doc.at_offset(loc, exc.offset, _in_condition(exc.message))
        return
    for offset, message in check_condition(expr, questions, earlier):
        doc.at_offset(loc, offset, _in_condition(message))


def _in_condition(message: str) -> str:
    return message if message.startswith("condition") else f"condition: {message}"

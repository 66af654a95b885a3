"""Rules that need the whole question set, reported at the place of each mistake.

The pydantic models check shape; these check meaning: unique ids, options where a
type needs them, number bands in order, conditions that parse and only look back.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from qualify.core.phrase import Num, Phrase
from qualify.core.questionnaire.condition_checks import (
    Scope,
    Stages,
    check_condition,
    check_formula,
)
from qualify.core.questionnaire.dependencies import cycles
from qualify.core.questionnaire.expressions import (
    ConditionError,
    Expr,
    parse_condition,
    parse_formula,
)
from qualify.core.questionnaire.model import NUMERIC_TYPES, Question, QuestionSet
from qualify.core.questionnaire.translations import check_translations
from qualify.core.questionnaire.yamlsource import Document, Path_

# Fields that only make sense for some question types: a reader would call them a bug.
_ONLY_FOR: dict[str, tuple[str, ...]] = {
    "options": ("choice", "multi"),
    "max_score": ("multi",),
    "reverse": ("scale",),
    "labels": ("scale",),
    "score_bands": NUMERIC_TYPES,
    "score": ("yes_no",),
    "unit": NUMERIC_TYPES,
    "unit_one": NUMERIC_TYPES,
    "min": ("scale", "number"),
    "max": ("scale", "number"),
    "formula": ("calculated",),
    "integer": ("number",),
}

_NOT_CALCULATED = ("constraint", "constraint_message", "verify", "source")
"""Fields about an answer someone gives: a calculated question has none."""


def check_question_set(
    qs: QuestionSet,
    doc: Document,
    stages: Stages | None = None,
    anywhere: Stages | None = None,
) -> None:
    """Add every semantic problem of `qs` to `doc.problems`.

    `stages` holds the other sets as the pipeline orders them, to check names such as
    `first-date.x`; without it (a file validated alone) such names get a warning.
    `anywhere` holds every other set of the pipeline: a red flag's `cleared_when` may
    read later stages.
    """
    section_ids: dict[str, int] = {}
    question_ids: dict[str, tuple[int, int]] = {}
    for si, section in enumerate(qs.sections):
        sloc: Path_ = ("sections", si)
        if section.id in section_ids:
            doc.at((*sloc, "id"), Phrase("duplicate section id {id}", id=repr(section.id)))
        section_ids.setdefault(section.id, si)
        _check_repeat(section, sloc, doc)
        for qi, question in enumerate(section.questions):
            qloc: Path_ = (*sloc, "questions", qi)
            if question.id in question_ids:
                first = question_ids[question.id]
                line, _ = doc.place(("sections", first[0], "questions", first[1], "id"))
                doc.at(
                    (*qloc, "id"),
                    Phrase(
                        "duplicate question id {id} (first used on line {line})",
                        id=repr(question.id),
                        line=line,
                    ),
                )
            question_ids.setdefault(question.id, (si, qi))
            _check_question(question, qloc, doc)
    _check_expressions(qs, doc, stages, anywhere)
    check_translations(qs, doc)


def _check_question(q: Question, loc: Path_, doc: Document) -> None:
    given = q.model_fields_set
    for name, types in _ONLY_FOR.items():
        if name in given and q.type not in types and getattr(q, name) not in (None, False):
            doc.at(
                (*loc, name),
                Phrase(
                    "{field} is only used by {types} questions, not {type} ({question})",
                    field=repr(name),
                    types=" and ".join(types),
                    type=q.type,
                    question=q.id,
                ),
                key=True,
            )
    _check_negative_scores(q, loc, doc)
    if q.type == "calculated":
        if q.formula is None:
            doc.at(
                (*loc, "type"),
                Phrase("calculated question {question} needs a formula", question=repr(q.id)),
            )
        for name in _NOT_CALCULATED:
            if name in given and getattr(q, name) not in (None, False):
                doc.at(
                    (*loc, name),
                    Phrase(
                        "{field} does not apply to calculated question {question}: nobody "
                        "answers it, its formula computes it",
                        field=repr(name),
                        question=repr(q.id),
                    ),
                    key=True,
                )
    elif q.constraint_message is not None and q.constraint is None:
        doc.at(
            (*loc, "constraint_message"),
            Phrase("constraint_message without a constraint ({question})", question=q.id),
            key=True,
        )
    if q.type in ("choice", "multi"):
        if not q.options:
            doc.at(
                (*loc, "type"),
                Phrase(
                    "{type} question {question} needs options", type=q.type, question=repr(q.id)
                ),
            )
        seen: set[str] = set()
        for oi, option in enumerate(q.options or ()):
            if option.value in seen:
                doc.at(
                    (*loc, "options", oi, "value"),
                    Phrase("duplicate option value {value}", value=repr(option.value)),
                )
            seen.add(option.value)
        if q.type == "choice" and q.options and q.max_points <= 0:
            pass  # an unscored choice is legitimate (e.g. a segment used in conditions)
    if q.type == "scale":
        if q.scale_max <= q.scale_min:
            doc.at(
                (*loc, "max" if "max" in given else "min"),
                Phrase(
                    "scale max ({max}) must be greater than min ({min})",
                    max=_g(q.scale_max),
                    min=_g(q.scale_min),
                ),
            )
        for point in q.labels or {}:
            if not q.scale_min <= point <= q.scale_max:
                doc.at(
                    (*loc, "labels"),
                    Phrase(
                        "label for {point} is outside the scale {min}..{max}",
                        point=point,
                        min=_g(q.scale_min),
                        max=_g(q.scale_max),
                    ),
                )
    if q.type == "number" and q.min is not None and q.max is not None and q.max < q.min:
        doc.at(
            (*loc, "max"), Phrase("max ({max}) is below min ({min})", max=_g(q.max), min=_g(q.min))
        )
    if q.type == "number" and q.integer:
        for name in ("min", "max"):
            bound = getattr(q, name)
            if bound is not None and not float(bound).is_integer():
                doc.at(
                    (*loc, name),
                    Phrase(
                        "{field} ({bound}) is not a whole number, but {question} takes whole "
                        "numbers only",
                        field=name,
                        bound=_g(bound),
                        question=repr(q.id),
                    ),
                )
    if q.type in NUMERIC_TYPES:
        bands = q.score_bands or []
        previous: float | None = None
        for bi, band in enumerate(bands):
            bloc = (*loc, "score_bands", bi)
            if band.below is None and bi != len(bands) - 1:
                doc.at(
                    bloc,
                    Phrase("only the last score band may leave out 'below' (it catches the rest)"),
                )
            if band.below is not None and previous is not None and band.below <= previous:
                doc.at(
                    (*bloc, "below"),
                    Phrase(
                        "score bands must be in increasing order of 'below': {below} comes "
                        "after {previous}",
                        below=_g(band.below),
                        previous=_g(previous),
                    ),
                )
            if band.below is not None:
                previous = band.below


def _check_negative_scores(q: Question, loc: Path_, doc: Document) -> None:
    """Points run from 0 to the question's maximum: a bad answer earns 0 or knocks out."""
    for oi, option in enumerate(q.options or ()):
        if option.score < 0:
            doc.at((*loc, "options", oi, "score"), _negative("score", option.score))
    for bi, band in enumerate(q.score_bands or ()):
        if band.score < 0:
            doc.at((*loc, "score_bands", bi, "score"), _negative("score", band.score))
    if q.score is not None:
        for answer in ("yes", "no"):
            value = getattr(q.score, answer)
            if value < 0:
                doc.at((*loc, "score", answer), _negative(f"{answer}:", value))


def _negative(field: str, value: float) -> Phrase:
    return Phrase(
        "{field} {value}: scores are 0 or more: give a bad answer 0, or make it a knock-out",
        field=field,
        value=_g(value),
    )


def _g(value: float) -> Num:
    """A bound or score as the set gives it (5, 2.5)."""
    return Num(value, None)


def _check_repeat(section: Any, loc: Path_, doc: Document) -> None:
    if section.repeat is None:
        if "repeat_score" in section.model_fields_set:
            doc.at(
                (*loc, "repeat_score"),
                Phrase(
                    "repeat_score is only used by repeated sections (add repeat: to {section})",
                    section=repr(section.id),
                ),
                key=True,
            )
        return
    if section.repeat.min > section.repeat.max:
        doc.at(
            (*loc, "repeat", "min"),
            Phrase(
                "repeat min ({min}) is above max ({max})",
                min=section.repeat.min,
                max=section.repeat.max,
            ),
        )


class _AskedBefore:
    """The questions asked before a place in the set, without copying a list per question
    (which made checking a set quadratic in its size)."""

    def __init__(self, position: dict[str, int], limit: int) -> None:
        self.position = position
        self.limit = limit

    def __contains__(self, question_id: object) -> bool:
        return self.position.get(str(question_id), self.limit) < self.limit


def _check_expressions(
    qs: QuestionSet, doc: Document, stages: Stages | None, all_stages: Stages | None = None
) -> None:
    questions = qs.questions
    position = {qid: i for i, qid in enumerate(questions)}
    repeat_of = qs.repeat_of

    def scope(limit: int, repeat: str | None, this: Question | None = None) -> Scope:
        return Scope(
            questions,
            _AskedBefore(position, limit),
            set_id=qs.id,
            this=this,
            repeat_of=repeat_of,
            repeat=repeat,
            stages=stages,
        )

    n = 0
    for si, section in enumerate(qs.sections):
        repeat = section.id if section.repeat is not None else None
        if section.when is not None:
            _check_one(section.when, ("sections", si, "when"), scope(n, None), doc)
        for qi, question in enumerate(section.questions):
            qloc: Path_ = ("sections", si, "questions", qi)
            before = scope(n, repeat)
            if question.when is not None:
                _check_one(question.when, (*qloc, "when"), before, doc)
            if question.required_when is not None:
                _check_one(question.required_when, (*qloc, "required_when"), before, doc)
            n += 1
            if question.knockout:
                _check_one(
                    question.knockout.when, (*qloc, "knockout", "when"), scope(n, repeat), doc
                )
            if question.red_flag is not None:
                flag = question.red_flag
                _check_one(flag.when, (*qloc, "red_flag", "when"), scope(n, repeat), doc)
                if flag.cleared_when is not None:
                    later = Scope(
                        questions,
                        questions,
                        set_id=qs.id,
                        repeat_of=repeat_of,
                        repeat=repeat,
                        stages=all_stages if all_stages is not None else stages,
                    )
                    where = (*qloc, "red_flag", "cleared_when")
                    _check_one(flag.cleared_when, where, later, doc)
            if question.constraint is not None and question.answerable:
                _check_one(
                    question.constraint, (*qloc, "constraint"), scope(n, repeat, question), doc
                )
            if question.formula is not None and question.type == "calculated":
                anywhere = Scope(
                    questions,
                    questions,
                    set_id=qs.id,
                    repeat_of=repeat_of,
                    repeat=repeat,
                    stages=stages,
                )
                _check_one(question.formula, (*qloc, "formula"), anywhere, doc, formula=True)
    if n == len(questions):  # ids are unique: the graph is the set's
        _check_cycles(qs, doc)


def _check_cycles(qs: QuestionSet, doc: Document) -> None:
    where = {
        q.id: ("sections", si, "questions", qi)
        for si, s in enumerate(qs.sections)
        for qi, q in enumerate(s.questions)
    }
    for cycle in cycles(qs):
        edge = next((e for e in cycle if e.via == "formula"), cycle[0])
        field = {"formula": ("formula",), "when": ("when",)}.get(edge.via)
        loc = (*where[edge.source], *field) if field else where[edge.source]
        if len(cycle) == 1:
            message = Phrase(
                "formula: {question} refers to itself (a value cannot depend on itself)",
                question=repr(edge.source),
            )
        else:
            start = cycle.index(edge)
            ordered = cycle[start:] + cycle[:start]
            path = " → ".join([e.source for e in ordered] + [ordered[0].source])
            message = Phrase(
                "formula: {path} is a cycle (a calculated value cannot depend on itself, "
                "not even through a condition)",
                path=path,
            )
        doc.at_offset(loc, edge.offset, message)


def check_expression(text: str, loc: Path_, scope: Scope, doc: Document) -> None:
    """Check one condition at `loc` of `doc` (a gate's `require`, for instance)."""
    _check_one(text, loc, scope, doc)


def _check_one(
    text: str, loc: Path_, scope: Scope, doc: Document, *, formula: bool = False
) -> None:
    if not text.strip():
        if formula:
            doc.at(loc, Phrase("formula: empty (write the calculation)"))
        else:
            doc.at(
                loc,
                Phrase("an empty condition always holds: remove `when:` or write one"),
                severity="warning",
            )
        return
    parse: Callable[[str], Expr] = parse_formula if formula else parse_condition
    check = check_formula if formula else check_condition
    try:
        expr = parse(text)
    except ConditionError as exc:
        doc.at_offset(loc, exc.offset, _prefixed(exc.message, formula))
        return
    for offset, message, severity in check(expr, scope):
        doc.at_offset(loc, offset, _prefixed(message, formula), severity)


def _prefixed(message: str, formula: bool) -> str:
    if message.startswith("formula" if formula else "condition"):
        return message
    if formula:
        return Phrase("formula: {message}", message=message)
    return Phrase("condition: {message}", message=message)

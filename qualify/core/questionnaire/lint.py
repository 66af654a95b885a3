"""Warnings about question sets that load but do not mean what their author thinks.

Errors stop a set from being used; these do not (unless `qualify validate --strict`).
They catch the quiet mistakes: a question nobody will ever see, a knock-out that can
never fire, a section too light to matter, options that all score the same.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

from qualify.core.phrase import Num, Phrase
from qualify.core.questionnaire.conditions import condition_function
from qualify.core.questionnaire.expressions import (
    Arith,
    Call,
    Compare,
    ListLiteral,
    Literal,
    Name,
    Neg,
    This,
    children,
    names,
    parse_condition,
    parse_date,
    uses,
)
from qualify.core.questionnaire.model import Question, QuestionSet
from qualify.core.questionnaire.yamlsource import Document

MIN_SECTION_SHARE = 0.02
"""A section under 2 % of the total weight cannot move the overall score."""

_MAX_COMBINATIONS = 2_000
"""Answers tried per condition at most: keeps linting linear in the size of the set."""


def lint_question_set(qs: QuestionSet, doc: Document) -> None:
    """Add every warning about `qs` to `doc.problems`."""
    _lint_bands(qs, doc)
    _lint_weights(qs, doc)
    never_shown = _lint_reachability(qs, doc)
    for si, section in enumerate(qs.sections):
        for qi, q in enumerate(section.questions):
            loc = ("sections", si, "questions", qi)
            if q.answerable and not (q.help or "").strip():
                doc.at(
                    (*loc, "id"),
                    Phrase(
                        "question {question} has no help text: tell the interviewer what to "
                        "listen for",
                        question=repr(q.id),
                    ),
                    severity="warning",
                )
            if q.id in never_shown:
                continue
            _lint_options(q, loc, doc)


def _lint_bands(qs: QuestionSet, doc: Document) -> None:
    if not qs.bands:
        return
    seen: dict[float, int] = {}
    labels: set[str] = set()
    for i, band in enumerate(qs.bands):
        if band.min in seen:
            doc.at(
                ("bands", i, "min"),
                Phrase(
                    "bands overlap: {band} and {other} both start at {min}",
                    band=repr(band.label),
                    other=repr(qs.bands[seen[band.min]].label),
                    min=Num(band.min, None),
                ),
                severity="warning",
            )
        seen.setdefault(band.min, i)
        if band.label in labels:
            doc.at(
                ("bands", i, "label"),
                Phrase("band label {band} is used twice", band=repr(band.label)),
                severity="warning",
            )
        labels.add(band.label)
    lowest = min(b.min for b in qs.bands)
    if lowest > 0:
        i = next(i for i, b in enumerate(qs.bands) if b.min == lowest)
        doc.at(
            ("bands", i, "min"),
            Phrase(
                "bands leave a gap: scores below {lowest} get no band (add one with min: 0)",
                lowest=Num(lowest, None),
            ),
            severity="warning",
        )


def _lint_weights(qs: QuestionSet, doc: Document) -> None:
    total = sum(s.weight for s in qs.sections if any(q.scored for q in s.questions))
    if total <= 0:
        return
    for si, section in enumerate(qs.sections):
        if not any(q.scored for q in section.questions):
            continue
        share = section.weight / total
        if share < MIN_SECTION_SHARE:
            doc.at(
                ("sections", si, "weight"),
                Phrase(
                    "section {section} carries {share} of the weight: it cannot move the "
                    "overall score (raise its weight or set 0 on purpose)",
                    section=repr(section.id),
                    share=Phrase("{percent}%", percent=Num(share * 100, 1, fixed=True)),
                )
                if section.weight > 0
                else Phrase(
                    "section {section} has weight 0 and never counts in the score",
                    section=repr(section.id),
                ),
                severity="warning",
            )


def _lint_options(q: Question, loc: tuple[Any, ...], doc: Document) -> None:
    if q.type != "choice" or not q.options or len(q.options) < 2:
        return
    scores = {o.score for o in q.options}
    if len(scores) == 1 and next(iter(scores)) != 0:
        doc.at(
            (*loc, "options"),
            Phrase(
                "every option of {question} scores {score}: any answer earns full points, so "
                "the question cannot tell prospects apart",
                question=repr(q.id),
                score=Num(next(iter(scores)), None),
            ),
            key=True,
            severity="warning",
        )


# ------------------------------------------------------------------- reachability


def _lint_reachability(qs: QuestionSet, doc: Document) -> set[str]:
    """Warn about questions never shown and knock-outs that can never fire."""
    literals = _condition_literals(qs)
    domains: dict[str, list[Any]] = {}
    never_shown: set[str] = set()
    for si, section in enumerate(qs.sections):
        section_possible = True
        if section.when and not _can_hold(section.when, domains):
            section_possible = False
            doc.at(
                ("sections", si, "when"),
                Phrase(
                    "section {section} can never be shown: its condition is always false",
                    section=repr(section.id),
                ),
                severity="warning",
            )
        for qi, q in enumerate(section.questions):
            loc = ("sections", si, "questions", qi)
            shown = section_possible and (not q.when or _can_hold(q.when, domains))
            if not shown:
                never_shown.add(q.id)
                domains[q.id] = [None]
                if section_possible:
                    doc.at(
                        (*loc, "when"),
                        Phrase(
                            "question {question} can never be shown: its condition is always false",
                            question=repr(q.id),
                        ),
                        severity="warning",
                    )
                continue
            domains[q.id] = [None, *_values(q, literals.get(q.id, []))]
            if q.knockout and not _can_hold(q.knockout.when, domains):
                doc.at(
                    (*loc, "knockout", "when"),
                    Phrase(
                        "the knock-out of {question} can never fire: its condition is always false",
                        question=repr(q.id),
                    ),
                    severity="warning",
                )
    return never_shown


def _condition_literals(qs: QuestionSet) -> dict[str, list[Any]]:
    """Question id → the values conditions compare it with (each condition read once)."""
    found: dict[str, list[Any]] = {}
    texts = [s.when for s in qs.sections if s.when]
    for q in qs.questions.values():
        texts.extend(t for t in (q.when, q.knockout.when if q.knockout else None) if t)
    for text in texts:
        for qid, value in _compared(parse_condition(text)):
            values = found.setdefault(qid, [])
            if value not in values:
                values.append(value)
    return found


def _compared(expr: Any) -> Iterator[tuple[str, Any]]:
    """(question id, literal) for every comparison of a question with values."""
    if isinstance(expr, Compare):
        for name, other in ((expr.left, expr.right), (expr.right, expr.left)):
            if isinstance(name, Name) and name.set_id is None:
                if isinstance(other, Literal):
                    yield name.id, other.value
                elif isinstance(other, ListLiteral):
                    yield from ((name.id, item.value) for item in other.items)
    for child in children(expr):
        yield from _compared(child)


def _values(q: Question, literals: list[Any]) -> list[Any]:
    """Answers worth trying: enough to decide whether a condition can ever hold."""
    if q.type == "choice":
        return [o.value for o in q.options or ()]
    if q.type == "yes_no":
        return [True, False]
    if q.type == "multi":
        values = [o.value for o in q.options or ()]
        if len(values) <= 6:
            return [
                list(c) for n in range(len(values) + 1) for c in itertools.combinations(values, n)
            ]
        return [[], values, *([v] for v in values)]
    numbers = sorted(
        {v for v in literals if isinstance(v, int | float) and not isinstance(v, bool)}
    )
    if q.type == "scale":
        low, high = int(q.scale_min), int(q.scale_max)
        if high - low <= 100:
            return list(range(low, high + 1))
        candidates = {low, high, *numbers}
        return sorted(c for c in candidates if low <= c <= high)
    if q.type == "date":
        days = [parse_date(v) for v in literals if isinstance(v, str)]
        near = {d + timedelta(days=k) for d in days if d is not None for k in (-1, 0, 1)}
        return [d.isoformat() for d in sorted(near)] or ["2000-01-01"]
    if q.type in ("number", "calculated"):
        candidates = {0.0, *(n + d for n in numbers for d in (-1, -0.5, 0, 0.5, 1))}
        if q.min is not None:
            candidates.add(q.min)
        if q.max is not None:
            candidates.add(q.max)
        return sorted(
            c for c in candidates if (q.min is None or c >= q.min) and (q.max is None or c <= q.max)
        )
    texts = {v for v in literals if isinstance(v, str)}
    other = "".join(sorted(texts)) + "…"  # some answer none of the literals equals
    return ["", *sorted(texts), other]


def _can_hold(condition: str, domains: dict[str, list[Any]]) -> bool:
    """True when some combination of possible answers makes the condition true."""
    expr = parse_condition(condition)
    if uses(expr, (Arith, Neg, Call, This)):
        return True  # calculations and dates: assume the author knows
    found = names(expr)
    if any(n.set_id is not None for n in found):
        return True  # an earlier stage's answer: unknown here
    referenced = sorted({n.id for n in found})
    pools = [domains.get(name, [None]) for name in referenced]
    total = 1
    for pool in pools:
        total *= max(len(pool), 1)
    if total > _MAX_COMBINATIONS:
        return True  # too many to try: assume the author knows
    holds = condition_function(expr)  # as evaluate() checks it, compiled once
    for combo in itertools.product(*pools):
        answers = {k: v for k, v in zip(referenced, combo, strict=True) if v is not None}
        if holds(answers, None):
            return True
    return False

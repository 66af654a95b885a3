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
  unanswered everywhere, in later conditions too;
* a calculated question's value is computed from the visible answers (and the
  prospect's earlier stages' values, ``earlier``) before anything is scored;
* a repeated section is scored per repeat, and its score is the mean, min or max
  of its repeats' scores (``repeat_score``).

No I/O, no clock (``today`` is given), and nothing from Textual or TinyDB: ``qualify
score`` must start fast.
"""

from __future__ import annotations

from collections import ChainMap
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from typing import Any

from qualify.core.breakdown import (
    Earlier,
    KnockoutHit,
    QuestionScore,
    RedFlagHit,
    RepeatScore,
    ScoreBreakdown,
    SectionScore,
)
from qualify.core.questionnaire.conditions import compute, evaluate
from qualify.core.questionnaire.expressions import calls_today, names, parse_formula
from qualify.core.questionnaire.model import (
    DIRECTION_TITLES,
    KNOCKED_OUT_BAND,
    NUMERIC_TYPES,
    Question,
    QuestionSet,
    Section,
    repeat_key,
    split_key,
)

__all__ = [
    "answered",
    "points_of",
    "score",
    "visible_questions",
]

DIRECTIONS: tuple[str, ...] = tuple(DIRECTION_TITLES)
"""Both directions of fit, in the order reports show them."""


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
    if t in NUMERIC_TYPES:
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


def _flat(earlier: Earlier | None) -> dict[str, Any]:
    """`first-date.x` → value, for the names of conditions and formulas."""
    out: dict[str, Any] = {}
    for set_id, values in (earlier or {}).items():
        for qid, value in values.items():
            if value is not None:
                out[f"{set_id}.{qid}"] = value
    return out


def repeat_counts(
    question_set: QuestionSet,
    answers: Mapping[str, Any],
    at_least: Mapping[str, int] | None = None,
) -> dict[str, int]:
    """Repeated section id → repeats asked: enough for every answered repeat (gaps
    included), at least `min` (and `at_least`, e.g. a repeat just added), at most `max`."""
    repeated = {s.id: s.repeat for s in question_set.sections if s.repeat is not None}
    if not repeated:
        return {}
    at_least = at_least or {}
    counts = {sid: min(max(r.min, at_least.get(sid, 0)), r.max) for sid, r in repeated.items()}
    for key in answers:
        if "[" not in key or answers[key] is None:
            continue
        found = split_key(key)
        if found is None or found[0] not in repeated:
            continue
        sid, index, _ = found
        if index < repeated[sid].max:
            counts[sid] = max(counts[sid], index + 1)
    return counts


@dataclass
class _Worked:
    """Everything worked out from the answers before points: visibility, values
    (calculated ones computed), and the names each line's conditions see."""

    visible: dict[str, bool]
    values: dict[str, Any]
    section_shown: dict[str, bool]
    repeats: dict[str, int]
    outer: dict[str, Any]
    """Names outside repeated sections (and earlier stages' `set.x`) → value."""
    inner: dict[str, list[dict[str, Any]]]
    """Repeated section id → per repeat, its questions' values by plain id."""
    inputs: dict[str, tuple[tuple[str, Any], ...]]

    def env(self, section_id: str, repeat: int | None) -> Mapping[str, Any]:
        if repeat is None:
            return self.outer
        return ChainMap(self.inner[section_id][repeat], self.outer)


def _work(
    question_set: QuestionSet,
    answers: Mapping[str, Any],
    earlier: Earlier | None,
    today: date | None,
    at_least: Mapping[str, int] | None = None,
) -> _Worked:
    repeats = repeat_counts(question_set, answers, at_least)
    worked = _Worked(
        visible={},
        values={},
        section_shown={},
        repeats=repeats,
        outer=_flat(earlier),
        inner={sid: [{} for _ in range(n)] for sid, n in repeats.items()},
        inputs={},
    )
    questions = question_set.questions
    section_of = question_set.section_of
    for qid in question_set.plan:
        q = questions[qid]
        section = section_of[qid]
        shown_section = worked.section_shown.get(section.id)
        if shown_section is None:
            shown_section = section.when is None or evaluate(
                section.when, worked.outer, today=today
            )
            worked.section_shown[section.id] = shown_section
        if section.repeat is None:
            instances: list[tuple[str, int | None]] = [(qid, None)]
        else:
            instances = [(repeat_key(section.id, r, qid), r) for r in range(repeats[section.id])]
        for key, r in instances:
            env = worked.env(section.id, r)
            shown = shown_section and (q.when is None or evaluate(q.when, env, today=today))
            worked.visible[key] = shown
            if not shown:
                continue
            if q.type == "calculated":
                value = _calculate(q, env, today, worked.inputs, key)
            else:
                value = answers.get(key)
            if answered(value):
                worked.values[key] = value
                (worked.outer if r is None else worked.inner[section.id][r])[qid] = value
    return worked


def _calculate(
    q: Question,
    env: Mapping[str, Any],
    today: date | None,
    inputs: dict[str, tuple[tuple[str, Any], ...]],
    key: str,
) -> float | None:
    if not q.formula:
        return None
    expr, keys, needs_today = _formula(q.formula)
    shown: dict[str, Any] = {k: env.get(k) for k in keys}
    if needs_today:
        shown["today()"] = today.isoformat() if today is not None else None
    inputs[key] = tuple(shown.items())
    return compute(expr, env, today=today)


@lru_cache(maxsize=4096)
def _formula(text: str) -> tuple[Any, tuple[str, ...], bool]:
    """A formula's tree, the answers it reads (each once, in order) and whether it reads
    today's date: the same for every interview, so worked out once per formula."""
    expr = parse_formula(text)
    keys = tuple(dict.fromkeys(name.key for name in names(expr)))
    return expr, keys, calls_today(expr)


def visible_questions(
    question_set: QuestionSet,
    answers: Mapping[str, Any],
    *,
    earlier: Earlier | None = None,
    today: date | None = None,
    repeats: Mapping[str, int] | None = None,
) -> dict[str, bool]:
    """Answer key → asked or not, worked out in order (conditions only look back).

    A condition sees only the answers of earlier questions that are themselves
    visible, so hiding a question also hides what depends on it. Keys are question
    ids, and `section[0].question` for the repeats of a repeated section (`repeats`:
    section id → repeats to show at least, beyond those answered).
    """
    return _work(question_set, answers, earlier, today, repeats).visible


def _knockouts(
    question: Question, value: Any, visible_answers: Mapping[str, Any], today: date | None
) -> list[str]:
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
    if question.knockout is not None and evaluate(
        question.knockout.when, visible_answers, today=today
    ):
        reasons.append(question.knockout.reason)
    return list(dict.fromkeys(reasons))


def _red_flag(question: Question, visible_answers: Mapping[str, Any], today: date | None) -> bool:
    """The visible, answered question raises its red flag."""
    flag = question.red_flag
    return flag is not None and evaluate(flag.when, visible_answers, today=today)


VERDICT_TOLERANCE = 1e-9


def _weight_share(parts: list[_Part], section: Section, worked: _Worked) -> tuple[float, float]:
    """(answered, visible) scored weight of a section, each repeat counting 1/n of it."""
    answered = visible = 0.0
    shown = [p for p in parts if any(worked.visible.get(k, False) for k in p.keys)]
    for part in shown:
        for q, key in zip(section.questions, part.keys, strict=True):
            if not q.scored or not worked.visible.get(key, False):
                continue
            w = q.weight * q.max_points / len(shown)
            visible += w
            if key in worked.values:
                answered += w
    return answered, visible


def _weighted(pairs: list[tuple[float, float]]) -> float | None:
    """Σ(weight × score) / Σ(weight), or None when the weights add up to nothing."""
    total_weight = sum(w for w, _ in pairs)
    if total_weight <= 0:
        return None
    return sum(w * s for w, s in pairs) / total_weight


def _tally(
    questions: list[Question], keys: list[str], values: Mapping[str, Any]
) -> tuple[float | None, float]:
    """(score, Σ weight × max) over the answered, visible, scored questions given."""
    numerator = denominator = 0.0
    for q, key in zip(questions, keys, strict=True):
        points = points_of(q, values.get(key))
        if points is not None:
            numerator += q.weight * points
            denominator += q.weight * q.max_points
    return (100 * numerator / denominator if denominator > 0 else None), denominator


@dataclass
class _Part:
    """One repeat of a section (the only one, for a section that does not repeat)."""

    index: int | None
    keys: list[str]
    score: float | None
    denominator: float
    factor: float = 1.0
    """Its share of the section's score (1/k of the mean, 1 or 0 for min and max)."""


def _parts(section: Section, worked: _Worked) -> tuple[list[_Part], float | None]:
    """The section's parts and its score."""
    ids = [q.id for q in section.questions]
    if section.repeat is None:
        score_, denominator = _tally(section.questions, ids, worked.values)
        return [_Part(None, ids, score_, denominator)], score_
    parts = []
    for r in range(worked.repeats.get(section.id, 0)):
        keys = [repeat_key(section.id, r, qid) for qid in ids]
        score_, denominator = _tally(section.questions, keys, worked.values)
        parts.append(_Part(r, keys, score_, denominator, 0.0))
    scored = [p for p in parts if p.score is not None]
    if not scored:
        return parts, None
    if section.repeat_score == "mean":
        for p in scored:
            p.factor = 1 / len(scored)
        return parts, sum(p.score or 0.0 for p in scored) / len(scored)
    pick = min if section.repeat_score == "min" else max
    chosen = pick(scored, key=lambda p: p.score or 0.0)
    chosen.factor = 1.0
    return parts, chosen.score


def score(
    question_set: QuestionSet,
    answers: Mapping[str, Any],
    *,
    earlier: Earlier | None = None,
    today: date | None = None,
) -> ScoreBreakdown:
    """Score `answers` (answer key → value) against `question_set`.

    Only answered questions belong in `answers`; "unknown" or "declined" answers
    are simply absent, and a None value counts as unanswered. Answers to hidden
    questions, or to keys the set does not have, are ignored. Keys are question ids,
    and `section[0].question` for a repeated section's answers.

    `earlier` holds the same prospect's values at earlier stages (set id → question
    id → value) for names such as `first-date.x`; `today` is the date `today()` and
    `days_since()` use (None: unknown, so what needs it stays unanswered). Pure: the
    same arguments, the same breakdown.
    """
    worked = _work(question_set, answers, earlier, today)
    parted = [_parts(s, worked) for s in question_set.sections]
    weighted = [
        (s.weight, sc)
        for s, (_, sc) in zip(question_set.sections, parted, strict=True)
        if sc is not None
    ]
    overall = _weighted(weighted)
    scored_weight = sum(w for w, _ in weighted)
    shares = []
    for s, (parts, _) in zip(question_set.sections, parted, strict=True):
        answered_w, visible_w = _weight_share(parts, s, worked)
        if visible_w > 0 and s.weight > 0:
            shares.append((s.weight, answered_w / visible_w))
    weight_answered = _weighted(shares)

    sections: list[SectionScore] = []
    hits: list[KnockoutHit] = []
    flags: list[RedFlagHit] = []
    for section, (parts, section_score) in zip(question_set.sections, parted, strict=True):
        # the section's share of the overall score, spread over its questions by points
        share = section.weight / scored_weight if scored_weight > 0 else 0.0
        lines: list[QuestionScore] = []
        repeats: list[RepeatScore] = []
        for part in parts:
            env = worked.env(section.id, part.index)
            part_lines: list[QuestionScore] = []
            for q, key in zip(section.questions, part.keys, strict=True):
                visible = worked.visible.get(key, False)
                is_answered = key in worked.values
                value = worked.values.get(key)
                points = points_of(q, value)
                contribution: float | None = None
                if points is not None:
                    contribution = (
                        share * part.factor * 100 * q.weight * points / part.denominator
                        if part.denominator > 0
                        else 0.0
                    )
                reasons = _knockouts(q, value, env, today) if is_answered else []
                hits.extend(KnockoutHit(q.id, reason) for reason in reasons)
                flagged = is_answered and _red_flag(q, env, today)
                if flagged and q.red_flag is not None:
                    flags.append(
                        RedFlagHit(q.id, key, q.red_flag.reason, q.red_flag.holds_every_gate)
                    )
                required = q.required or (
                    visible
                    and q.required_when is not None
                    and evaluate(q.required_when, env, today=today)
                )
                part_lines.append(
                    QuestionScore(
                        id=q.id,
                        section_id=section.id,
                        text=q.text,
                        type=q.type,
                        visible=visible,
                        answered=is_answered,
                        value=list(value) if isinstance(value, list | tuple) else value,
                        points=points,
                        max=float(max(q.max_points, 0)),
                        weight=q.weight,
                        contribution=contribution,
                        knockout="; ".join(reasons) or None,
                        required=bool(required),
                        verify=q.verify,
                        key=key,
                        repeat=part.index,
                        inputs=worked.inputs.get(key) if q.type == "calculated" else None,
                        red_flag=q.red_flag.reason if flagged and q.red_flag else None,
                    )
                )
            if part.index is not None:
                asked = [line for line in part_lines if line.asked]
                repeats.append(
                    RepeatScore(
                        part.index,
                        part.score,
                        sum(line.answered for line in asked if line.visible),
                        sum(line.visible for line in asked),
                    )
                )
            lines.extend(part_lines)
        asked = [line for line in lines if line.asked]
        n_visible = sum(line.visible for line in asked)
        n_answered = sum(line.answered for line in asked if line.visible)
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
                shown=worked.section_shown.get(section.id, True),
                repeats=tuple(repeats) if section.repeat is not None else None,
                repeat_score=section.repeat_score,
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
    need = question_set.verdict_coverage
    provisional = (
        not knocked_out
        and overall is not None
        and need is not None
        and (weight_answered or 0.0) < need - VERDICT_TOLERANCE
    )
    band = question_set.band_for(overall)  # open red flags are the assessment's to weigh
    if knocked_out:
        band = KNOCKED_OUT_BAND
    elif provisional:
        band = None
    return ScoreBreakdown(
        score=overall,
        band=band,
        knocked_out=knocked_out,
        knockouts=tuple(hits),
        coverage=total_answered / total_visible if total_visible else None,
        sections=tuple(sections),
        directions=directions,
        answered=total_answered,
        visible=total_visible,
        question_set_id=question_set.id,
        question_set_version=question_set.version,
        today=today,
        earlier=earlier or {},
        red_flags=tuple(flags),
        weight_answered=weight_answered,
        provisional=provisional,
    )

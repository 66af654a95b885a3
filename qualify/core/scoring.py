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

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from functools import partial
from typing import Any

from qualify.core.breakdown import (
    ASKED,
    FIGURES,
    LINES,
    VALUES,
    AskedFacts,
    Earlier,
    KnockoutHit,
    QuestionScore,
    RedFlagHit,
    RepeatScore,
    ScoreBreakdown,
    SectionScore,
)
from qualify.core.breakdown import frozen as _frozen
from qualify.core.points import _chosen, answered, points_of
from qualify.core.questionnaire.model import (
    DIRECTION_TITLES,
    QuestionSet,
    Section,
    repeat_key,
    split_key,
)
from qualify.core.scoreplan import QuestionPlan, ScorePlan, SectionPlan, plan_of
from qualify.core.words import KNOCKED_OUT_BAND
from qualify.core.working import Worked, repeat_counts, visible_questions, work_out

__all__ = [
    "answered",
    "line_points",
    "points_of",
    "repeat_counts",
    "score",
    "visible_questions",
]

DIRECTIONS: tuple[str, ...] = tuple(DIRECTION_TITLES)
"""Both directions of fit, in the order reports show them."""


def _knockouts(
    q: QuestionPlan, value: Any, env: Mapping[str, Any], today: date | None
) -> list[str]:
    """Reasons this visible, answered question knocks the prospect out."""
    reasons: list[str] = []
    options = q.option_knockouts
    if q.type == "choice" and isinstance(value, str) and value in options:
        reasons.append(options[value])
    elif q.type == "multi":
        reasons.extend(options[v] for v in _chosen(value) if v in options)
    if q.knockout is not None and q.knockout[0](env, today):
        reasons.append(q.knockout[1])
    return list(dict.fromkeys(reasons))


VERDICT_TOLERANCE = 1e-9


def _weight_share(parts: list[_Part], section: SectionPlan, worked: Worked) -> tuple[float, float]:
    """(answered, visible) scored weight of a section, each repeat counting 1/n of it."""
    if section.repeat_max is None:  # the only part, which tallied both as it went
        return parts[0].denominator, parts[0].shown_weight
    answered = visible = 0.0
    seen, values = worked.visible, worked.values
    shown = [p for p in parts if any(seen[k] for k in p.keys)]
    for part in shown:
        keys = part.keys
        for q in section.scored:
            key = keys[q.index]
            if not seen[key]:
                continue
            w = q.weight_max / len(shown)
            visible += w
            if key in values:
                answered += w
    return answered, visible


def _weighted(pairs: list[tuple[float, float]]) -> float | None:
    """Σ(weight × score) / Σ(weight), or None when the weights add up to nothing."""
    if not pairs:
        return None
    total_weight = sum([w for w, _ in pairs])
    if total_weight <= 0:
        return None
    return sum([w * s for w, s in pairs]) / total_weight


@dataclass(slots=True)
class _Part:
    """One repeat of a section (the only one, for a section that does not repeat)."""

    index: int | None
    keys: list[str]
    points: list[float | None]
    """Each question's points (None: hidden, unanswered or unscored), in its order."""
    score: float | None
    denominator: float
    """Σ weight × max over its answered scored questions (each answered one is shown)."""
    shown_weight: float
    """Σ weight × max over its shown scored questions."""
    factor: float = 1.0
    """Its share of the section's score (1/k of the mean, 1 or 0 for min and max)."""


def _tally(section: SectionPlan, index: int | None, worked: Worked) -> _Part:
    """One part: its questions' points, its score, and Σ weight × max over its answered
    and over its shown scored questions (a value is worked out only for a shown one)."""
    keys = section.keys_of(index)
    seen, values = worked.visible, worked.values
    numerator = denominator = shown_weight = 0.0
    points: list[float | None] = [None] * len(keys)
    for q in section.scored:
        key = keys[q.index]
        if not seen[key]:
            continue
        shown_weight += q.weight_max
        value = values.get(key)
        if value is None:
            continue
        found = points_of(q.question, value) if q.earn is None else q.earn(value)
        points[q.index] = found
        numerator += q.weight * found  # type: ignore[operator]
        denominator += q.weight_max
    score_ = 100 * numerator / denominator if denominator > 0 else None
    factor = 1.0 if index is None else 0.0
    return _Part(index, keys, points, score_, denominator, shown_weight, factor)


def _parts(section: SectionPlan, worked: Worked) -> tuple[list[_Part], float | None]:
    """The section's parts and its score."""
    if section.repeat_max is None:
        part = _tally(section, None, worked)
        return [part], part.score
    parts = [_tally(section, r, worked) for r in range(worked.repeats[section.id])]
    scored = [p for p in parts if p.score is not None]
    if not scored:
        return parts, None
    if section.section.repeat_score == "mean":
        for p in scored:
            p.factor = 1 / len(scored)
        return parts, sum(p.score or 0.0 for p in scored) / len(scored)
    pick = min if section.section.repeat_score == "min" else max
    chosen = pick(scored, key=lambda p: p.score or 0.0)
    chosen.factor = 1.0
    return parts, chosen.score


_Watched = tuple[dict[str, str], dict[str, str]]  # answer key → knock-out reasons, red flag


def _count(section: SectionPlan, part: _Part, worked: Worked) -> tuple[int, int]:
    """How many asked questions of one part are visible and answered."""
    seen, values, keys = worked.visible, worked.values, part.keys
    n_visible = n_answered = 0
    for index in section.asked:
        key = keys[index]
        if seen[key]:
            n_visible += 1
            n_answered += key in values
    return n_visible, n_answered


def _watch(
    section: SectionPlan,
    index: int | None,
    keys: list[str],
    worked: Worked,
    hits: list[KnockoutHit],
    flags: list[RedFlagHit],
    watched: _Watched | None,
) -> None:
    """One part's knock-outs and red flags, added to `hits` and `flags` (and to `watched`,
    for the lines, when given)."""
    values = worked.values
    env: Mapping[str, Any] | None = None
    for q in section.watched:
        key = keys[q.index]
        if key not in values:
            continue
        if env is None:
            env = worked.env(section.id, index)
        if q.knocks:
            reasons = _knockouts(q, values[key], env, worked.today)
            if reasons:
                hits.extend(KnockoutHit(q.id, reason) for reason in reasons)
                if watched is not None:
                    watched[0][key] = "; ".join(reasons)
        flag = q.red_flag
        if flag is not None and flag[0](env, worked.today):
            flags.append(RedFlagHit(q.id, key, flag[1], flag[2]))
            if watched is not None:
                watched[1][key] = flag[1]


def _checked(section: SectionPlan, part: _Part, worked: Worked, found: _Checks) -> int:
    """What a gate checks of one part's shown questions, in the lines' order: those
    unanswered of the required ones, the answered ones to verify (see AskedFacts), added
    to `found`; returns how many are required."""
    seen, values, keys = worked.visible, worked.values, part.keys
    missing, verify = found
    required = 0
    env: Mapping[str, Any] | None = None
    for q in section.checked:
        key = keys[q.index]
        if not seen[key]:
            continue
        answered = key in values
        if q.verify and answered:
            verify.append(key)
        needed = q.required
        if not needed and q.required_when is not None:
            if env is None:
                env = worked.env(section.id, part.index)
            needed = q.required_when(env, worked.today)
        if needed:
            required += 1
            if not answered:
                missing.append(key)
    return required


_Checks = tuple[list[str], list[str]]  # required and unanswered, answered to verify


def _lines(
    section: SectionPlan,
    parts: list[_Part],
    share: float,
    worked: Worked,
    watched: _Watched,
) -> tuple[QuestionScore, ...]:
    """The score lines of a section, part after part: made on first read (see
    :class:`~qualify.core.breakdown.SectionScore`), from what scoring worked out."""
    seen, values, inputs = worked.visible, worked.values, worked.inputs
    knockouts, red_flags = watched
    out: list[QuestionScore] = []
    for part in parts:
        env: Mapping[str, Any] | None = None
        for compiled, key, points in zip(section.questions, part.keys, part.points, strict=True):
            visible = seen[key]
            is_answered = key in values
            value = values[key] if is_answered else None
            contribution: float | None = None
            if points is not None:
                contribution = (
                    share * part.factor * 100 * compiled.weight * points / part.denominator
                    if part.denominator > 0
                    else 0.0
                )
            required = compiled.required
            if not required and visible and compiled.required_when is not None:
                if env is None:
                    env = worked.env(section.id, part.index)
                required = compiled.required_when(env, worked.today)
            out.append(
                _frozen(
                    QuestionScore,
                    {
                        "id": compiled.id,
                        "section_id": section.id,
                        "text": compiled.question.text,
                        "type": compiled.type,
                        "visible": visible,
                        "answered": is_answered,
                        "value": list(value) if isinstance(value, (list, tuple)) else value,
                        "points": points,
                        "max": compiled.line_max,
                        "weight": compiled.weight,
                        "contribution": contribution,
                        "knockout": knockouts.get(key),
                        "required": bool(required),
                        "verify": compiled.verify,
                        "key": key,
                        "repeat": part.index,
                        "inputs": inputs.get(key) if compiled.type == "calculated" else None,
                        "red_flag": red_flags.get(key),
                    },
                )
            )
    return tuple(out)


_SEQUENCES = (list, tuple)


def _values(keys: list[list[str]], values: dict[str, Any], in_order: bool) -> dict:
    """`ScoreBreakdown.values` without its lines: a line is visible and answered exactly
    when its key has a value, in the lines' order (`keys`: each part's, in order;
    `in_order`: the order of `values`, which holds no None)."""
    if in_order:  # a copy, its lists and tuples made lists (a comprehension takes twice as long)
        out = values.copy()
        for key, value in values.items():
            if isinstance(value, _SEQUENCES):
                out[key] = list(value)
        return out
    return {
        key: list(value) if isinstance(value, _SEQUENCES) else value
        for part in keys
        for key in part
        if (value := values.get(key)) is not None
    }


@dataclass(slots=True)
class _Tallied:
    """What scoring works out before the breakdown: values, parts, the weighted scores."""

    plan: ScorePlan
    worked: Worked
    parted: list[tuple[list[_Part], float | None]]
    """Each section's parts and score."""
    weighted: list[tuple[float, float]]
    """(weight, score) of each section with a score."""
    shares: list[tuple[float, float]]
    """(weight, answered share of its visible scored weight) of each section."""
    scored_weight: float

    def share(self, section: Section) -> float:
        """The section's share of the overall score, spread over its questions by points."""
        return section.weight / self.scored_weight if self.scored_weight > 0 else 0.0


def _tallied(
    question_set: QuestionSet,
    answers: Mapping[str, Any],
    earlier: Earlier | None,
    today: date | None,
    names: Mapping[str, Any] | None = None,
    explain: bool = True,
) -> _Tallied:
    """`explain`: note the calculated values' inputs (only the score lines show them)."""
    worked = work_out(question_set, answers, earlier, today, names=names, explain=explain)
    plan = plan_of(question_set)
    parted, weighted, shares = _tally_sections(plan, worked)
    return _Tallied(plan, worked, parted, weighted, shares, sum([w for w, _ in weighted]))


def _tally_sections(
    plan: ScorePlan, worked: Worked
) -> tuple[
    list[tuple[list[_Part], float | None]], list[tuple[float, float]], list[tuple[float, float]]
]:
    """Each section's parts and score, (weight, score) of those with a score, and (weight,
    answered share of its visible scored weight) of each section."""
    parted: list[tuple[list[_Part], float | None]] = []
    weighted: list[tuple[float, float]] = []
    shares: list[tuple[float, float]] = []
    for s in plan.sections:
        parts, section_score = _parts(s, worked)
        parted.append((parts, section_score))
        weight = s.section.weight
        if section_score is not None:
            weighted.append((weight, section_score))
        answered_w, visible_w = _weight_share(parts, s, worked)
        if visible_w > 0 and weight > 0:
            shares.append((weight, answered_w / visible_w))
    return parted, weighted, shares


@dataclass(slots=True, eq=False)
class _Lines:
    """A breakdown's maker of its sections' score lines (see
    :class:`~qualify.core.breakdown.SectionScore`). It keeps the arguments only and works
    the rest out again on the first read: a portfolio keeps thousands of breakdowns, and
    the garbage collector walks every object they hold, so each holds a handful."""

    question_set: QuestionSet
    answers: dict[str, Any]
    earlier: Earlier | None
    today: date | None
    tallied: _Tallied | None = None

    def __call__(self, section_id: str) -> dict[str, tuple[QuestionScore, ...]]:
        """The `questions` of the section `section_id` (``breakdown.fields_made``)."""
        tallied = self.tallied
        if tallied is None:
            args = (self.question_set, self.answers, self.earlier, self.today)
            tallied = self.tallied = _tallied(*args)
        index = next(i for i, s in enumerate(tallied.plan.sections) if s.id == section_id)
        compiled, (parts, _) = tallied.plan.sections[index], tallied.parted[index]
        watched: _Watched = ({}, {})
        for part in parts:
            _watch(compiled, part.index, part.keys, tallied.worked, [], [], watched)
        share = tallied.share(compiled.section)
        return {"questions": _lines(compiled, parts, share, tallied.worked, watched)}


def score(
    question_set: QuestionSet,
    answers: Mapping[str, Any],
    *,
    earlier: Earlier | None = None,
    today: date | None = None,
    names: Mapping[str, Any] | None = None,
) -> ScoreBreakdown:
    """Score `answers` (answer key → value) against `question_set`.

    Only answered questions belong in `answers`; "unknown" or "declined" answers
    are simply absent, and a None value counts as unanswered. Answers to hidden
    questions, or to keys the set does not have, are ignored. Keys are question ids,
    and `section[0].question` for a repeated section's answers.

    `earlier` holds the same prospect's values at earlier stages (set id → question
    id → value) for names such as `first-date.x`; `today` is the date `today()` and
    `days_since()` use (None: unknown, so what needs it stays unanswered). Pure: the
    same arguments, the same breakdown (its score lines are made on first read).
    `names`: :func:`~qualify.core.working.flat` of `earlier`, when the caller has it.
    """
    worked = work_out(question_set, answers, earlier, today, names=names, explain=False)
    plan = plan_of(question_set)
    hits: list[KnockoutHit] = []
    flags: list[RedFlagHit] = []
    keys: list[list[str]] = []  # each part's answer keys, in the lines' order
    for compiled in plan.sections:
        indexes = (None,) if compiled.repeat_max is None else range(worked.repeats[compiled.id])
        for index in indexes:
            keys.append(compiled.keys_of(index))
            if compiled.watched:  # (most sections watch nothing: no call for them)
                _watch(compiled, index, keys[-1], worked, hits, flags, None)
    # a copy, once every answer scoring asks for was given (a demo's answers are made as
    # asked): the caller may change its answers after (the app does, at each key press)
    maker = _Lines(question_set, dict(answers), earlier, today)
    return _frozen(
        ScoreBreakdown,
        {
            "knocked_out": bool(hits),
            "knockouts": tuple(hits),
            "question_set_id": question_set.id,
            "question_set_version": question_set.version,
            "today": today,
            "earlier": earlier or {},
            "red_flags": tuple(flags),
            VALUES: _values(keys, worked.values, plan.in_line_order),
            FIGURES: _Figures(question_set, plan, worked, bool(hits), maker),
        },
    )


@dataclass(slots=True, eq=False)
class _Figures:
    """A breakdown's maker of its figures (``breakdown.LAZY_FIGURES``) and AskedFacts, from
    what scoring worked out: made on first read, as the lines are, since most breakdowns of
    a portfolio are read for their values and red flags only (made at once)."""

    question_set: QuestionSet
    plan: ScorePlan
    worked: Worked
    knocked_out: bool
    lines: _Lines

    def __call__(self) -> dict[str, Any]:
        question_set, worked, knocked_out = self.question_set, self.worked, self.knocked_out
        parted, weighted, shares = _tally_sections(self.plan, worked)
        overall = _weighted(weighted)
        weight_answered = _weighted(shares)
        checks: _Checks = ([], [])
        required = 0
        sections: list[SectionScore] = []
        by_direction: dict[str, list[tuple[float, float]]] = {d: [] for d in DIRECTIONS}
        total_visible = total_answered = 0
        for compiled, (parts, section_score) in zip(self.plan.sections, parted, strict=True):
            section = compiled.section
            repeats: list[RepeatScore] = []
            n_visible = n_answered = 0
            for part in parts:
                visible, answered_ = _count(compiled, part, worked)
                if compiled.checked:
                    required += _checked(compiled, part, worked, checks)
                if part.index is not None:
                    repeats.append(RepeatScore(part.index, part.score, answered_, visible))
                n_visible += visible
                n_answered += answered_
            total_visible += n_visible
            total_answered += n_answered
            if section_score is not None and section.direction in by_direction:
                by_direction[section.direction].append((section.weight, section_score))
            sections.append(
                _frozen(
                    SectionScore,
                    {
                        "id": section.id,
                        "title": section.title,
                        "direction": section.direction,
                        "weight": section.weight,
                        "score": section_score,
                        "coverage": n_answered / n_visible if n_visible else None,
                        "answered": n_answered,
                        "visible": n_visible,
                        LINES: partial(self.lines, section.id),
                        "shown": worked.section_shown[section.id],
                        "repeats": tuple(repeats) if section.repeat is not None else None,
                        "repeat_score": section.repeat_score,
                    },
                )
            )
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
        return {
            "score": overall,
            "band": band,
            "coverage": total_answered / total_visible if total_visible else None,
            "sections": tuple(sections),
            "directions": {d: _weighted(pairs) for d, pairs in by_direction.items()},
            "answered": total_answered,
            "visible": total_visible,
            "weight_answered": weight_answered,
            "provisional": provisional,
            ASKED: AskedFacts(
                worked.visible, worked.values, required, tuple(checks[0]), tuple(checks[1])
            ),
        }


def line_points(
    question_set: QuestionSet, values: Mapping[str, Any], question_id: str
) -> tuple[float, float] | None:
    """(points, most points) on the score line ``ScoreBreakdown.question(question_id)``
    gives, from the breakdown's `values` alone; None when that line is not answered, or
    earns no points. A review's support-cost rule reads three lines: reading them so
    spares making every line of the review (a portfolio has thousands of reviews)."""
    found = split_key(question_id)  # an answer key names one repeat's line
    qid = question_id if found is None else found[2]
    for section in plan_of(question_set).sections:
        for q in section.questions:
            if q.id != qid:
                continue
            if section.repeat_max is None:
                key = None if found is not None else qid
            elif found is None:
                key = repeat_key(section.id, 0, qid)  # its first repeat's line
            else:
                key = question_id if found[0] == section.id else None
            if key is None:
                continue  # not the line asked for
            value = values.get(key)  # (there when shown and answered)
            points = None if value is None else q.points(value, points_of)
            return None if points is None else (points, q.line_max)  # (None: unscored)
    return None

"""Working an interview out before anything is scored: which questions are shown, and
the value of each (calculated ones computed), in the order the set says values can be
worked out (conditions and formulas only look back).

Pure, as scoring is: the same set, answers, earlier stages and day, the same result.
Scoring (:mod:`qualify.core.scoring`), the app (what to ask next) and the demo (what a
sample prospect is asked) read it.
"""

from __future__ import annotations

from collections import ChainMap
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from qualify.core.breakdown import Earlier
from qualify.core.questionnaire.model import QuestionSet, split_key
from qualify.core.scoreplan import QuestionPlan, plan_of

__all__ = ["EarlierStages", "Worked", "flat", "repeat_counts", "visible_questions", "work_out"]


def flat(earlier: Earlier | None) -> dict[str, Any]:
    """`first-date.x` → value, for the names of conditions and formulas."""
    out: dict[str, Any] = {}
    for set_id, values in (earlier or {}).items():
        for qid, value in values.items():
            if value is not None:
                out[f"{set_id}.{qid}"] = value
    return out


class EarlierStages:
    """A prospect's interviews scored in a row, oldest first: each set's latest values
    (set as each is scored, by what makes them) and their `first-date.x` names, each
    stage's worked out once, when a later stage first reads them."""

    def __init__(self) -> None:
        self._made: dict[str, Callable[[], Mapping[str, Any]]] = {}
        self._values: dict[str, Mapping[str, Any]] = {}
        self._named: dict[str, dict[str, Any]] = {}

    def __setitem__(self, set_id: str, make: Callable[[], Mapping[str, Any]]) -> None:
        self._made[set_id] = make
        self._values.pop(set_id, None)
        self._named.pop(set_id, None)

    def before(self, own: str) -> tuple[dict[str, Mapping[str, Any]], dict[str, Any]]:
        """The earlier values an interview of the set `own` reads (every other set's), and
        their :func:`flat` names."""
        earlier: dict[str, Mapping[str, Any]] = {}
        names: dict[str, Any] = {}
        for set_id, make in self._made.items():
            if set_id == own:
                continue
            values = self._values.get(set_id)
            if values is None:
                values = self._values[set_id] = make()
                self._named[set_id] = flat({set_id: values})
            earlier[set_id] = values
            names.update(self._named[set_id])
        return earlier, names


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


@dataclass(slots=True)
class Worked:
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
    today: date | None

    def env(self, section_id: str, repeat: int | None) -> Mapping[str, Any]:
        if repeat is None:
            return self.outer
        return ChainMap(self.inner[section_id][repeat], self.outer)


def work_out(
    question_set: QuestionSet,
    answers: Mapping[str, Any],
    earlier: Earlier | None,
    today: date | None,
    at_least: Mapping[str, int] | None = None,
    names: Mapping[str, Any] | None = None,
    explain: bool = True,
) -> Worked:
    """`names`: :func:`flat` of `earlier`, when the caller has it (a prospect's stages
    are scored in a row, each stage's names worked out once). `explain`: note each
    calculated value's inputs (``Worked.inputs``: what its score line shows)."""
    plan = plan_of(question_set)
    repeats = repeat_counts(question_set, answers, at_least) if plan.repeated else {}
    visible: dict[str, bool] = {}
    values: dict[str, Any] = {}
    section_shown: dict[str, bool] = {}
    outer = flat(earlier) if names is None else dict(names)
    inner: dict[str, list[dict[str, Any]]] = {s: [{} for _ in range(n)] for s, n in repeats.items()}
    worked = Worked(visible, values, section_shown, repeats, outer, inner, {}, today)
    for q in plan.order:
        section = q.section
        shown_section = section_shown.get(section.id)
        if shown_section is None:
            shown_section = section.when is None or section.when(outer, today)
            section_shown[section.id] = shown_section
        if section.repeat_max is None:
            key = q.id
            shown = shown_section and (q.when is None or q.when(outer, today))
            visible[key] = shown
            if not shown:
                continue
            value = answers.get(key) if q.asked else _calculate(q, outer, worked, key, explain)
            if value is not None:
                values[key] = value
                outer[key] = value
            continue
        for r, own in enumerate(inner[section.id]):
            key = section.keys[r][q.index]
            env = ChainMap(own, outer)
            shown = shown_section and (q.when is None or q.when(env, today))
            visible[key] = shown
            if not shown:
                continue
            value = answers.get(key) if q.asked else _calculate(q, env, worked, key, explain)
            if value is not None:
                values[key] = value
                own[q.id] = value
    return worked


def _calculate(
    q: QuestionPlan, env: Mapping[str, Any], worked: Worked, key: str, explain: bool
) -> float | None:
    if q.formula is None:
        return None
    formula, keys, needs_today = q.formula
    today = worked.today
    if not explain:
        return formula(env, today)
    shown: dict[str, Any] = {k: env.get(k) for k in keys}
    if needs_today:
        # the explanation shows the day beside the value; a watched day (qualify.core.days)
        # has the formula note what it read, and no kept portfolio share holds this text
        shown["today()"] = date.isoformat(today) if today is not None else None
    worked.inputs[key] = tuple(shown.items())
    return formula(env, today)


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
    return work_out(question_set, answers, earlier, today, repeats).visible

"""What an edit to a question set does to interviews already taken.

Interviews keep the snapshot they were asked with, so an edit never silently changes a
past score. `qualify rescore` shows, side by side, the score under the version an
interview was taken with and under the current one, with the questions that changed.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from qualify.core.breakdown import Earlier, ScoreBreakdown
from qualify.core.questionnaire.answers import AnswerError, validate_answer
from qualify.core.questionnaire.model import Question, QuestionSet
from qualify.core.scoring import score


@dataclass(frozen=True)
class QuestionChange:
    question_id: str
    kind: str
    """added | removed | changed"""
    details: tuple[str, ...] = ()

    def __str__(self) -> str:
        if self.kind != "changed":
            return f"{self.question_id}: {self.kind}"
        return f"{self.question_id}: {'; '.join(self.details)}"


@dataclass(frozen=True)
class SetDiff:
    """The differences between two versions of a question set that can change a score."""

    old_version: int
    new_version: int
    questions: tuple[QuestionChange, ...] = ()
    sections: tuple[str, ...] = ()
    bands: tuple[str, ...] = ()

    @property
    def empty(self) -> bool:
        return not (self.questions or self.sections or self.bands)

    def lines(self) -> list[str]:
        return [*self.bands, *self.sections, *(str(c) for c in self.questions)]

    def to_dict(self) -> dict[str, Any]:
        return {
            "old_version": self.old_version,
            "new_version": self.new_version,
            "bands": list(self.bands),
            "sections": list(self.sections),
            "questions": [
                {"id": c.question_id, "kind": c.kind, "details": list(c.details)}
                for c in self.questions
            ],
        }


def _g(value: float | None) -> str:
    return "—" if value is None else f"{value:g}"


def _question_details(old: Question, new: Question, old_sec: str, new_sec: str) -> list[str]:
    out: list[str] = []
    if old.type != new.type:
        out.append(f"type {old.type} → {new.type}")
    if old.text != new.text:
        out.append("text reworded")
    if old_sec != new_sec:
        out.append(f"moved from section {old_sec} to {new_sec}")
    if old.weight != new.weight:
        out.append(f"weight {_g(old.weight)} → {_g(new.weight)}")
    if old.required != new.required:
        out.append("now required" if new.required else "no longer required")
    if old.when != new.when:
        out.append(f"condition {old.when or '(none)'} → {new.when or '(none)'}")
    old_opts, new_opts = old.option_map, new.option_map
    for value, option in new_opts.items():
        before = old_opts.get(value)
        if before is None:
            out.append(f"option {value!r} added (score {_g(option.score)})")
            continue
        if before.score != option.score:
            out.append(f"option {value!r} re-scored {_g(before.score)} → {_g(option.score)}")
        if before.knockout != option.knockout:
            out.append(
                f"option {value!r} is now a knock-out"
                if option.knockout
                else f"option {value!r} no longer knocks out"
            )
    out.extend(f"option {value!r} removed" for value in old_opts if value not in new_opts)
    if old.max_score != new.max_score:
        out.append(f"max_score {_g(old.max_score)} → {_g(new.max_score)}")
    if (old.min, old.max, old.reverse) != (new.min, new.max, new.reverse):
        out.append(
            f"range {_g(old.min)}..{_g(old.max)}{' reversed' if old.reverse else ''} → "
            f"{_g(new.min)}..{_g(new.max)}{' reversed' if new.reverse else ''}"
        )
    if old.score_bands != new.score_bands:
        out.append("number score bands changed")
    if old.score != new.score:
        o, n = old.score, new.score
        out.append(
            f"yes/no points {_g(o.yes if o else 0)}/{_g(o.no if o else 0)} → "
            f"{_g(n.yes if n else 0)}/{_g(n.no if n else 0)}"
        )
    if old.knockout != new.knockout:
        out.append("knock-out rule changed")
    if old.formula != new.formula:
        out.append(f"formula {old.formula or '(none)'} → {new.formula or '(none)'}")
    if old.required_when != new.required_when:
        out.append(
            f"required when {old.required_when or '(never)'} → {new.required_when or '(never)'}"
        )
    if (old.constraint, old.integer) != (new.constraint, new.integer):
        out.append("accepted answers changed (constraint or whole numbers)")
    return out


def diff_question_sets(old: QuestionSet, new: QuestionSet) -> SetDiff:
    """Every difference that can change a score or what is asked, in the new set's order."""
    changes: list[QuestionChange] = []
    for qid, question in new.questions.items():
        before = old.questions.get(qid)
        if before is None:
            changes.append(QuestionChange(qid, "added"))
            continue
        details = _question_details(
            before, question, old.section_of[qid].id, new.section_of[qid].id
        )
        if details:
            changes.append(QuestionChange(qid, "changed", tuple(details)))
    changes.extend(
        QuestionChange(qid, "removed") for qid in old.questions if qid not in new.questions
    )
    sections: list[str] = []
    old_sections = {s.id: s for s in old.sections}
    for section in new.sections:
        before = old_sections.get(section.id)
        if before is None:
            sections.append(f"section {section.id} added")
            continue
        if before.weight != section.weight:
            sections.append(
                f"section {section.id} weight {_g(before.weight)} → {_g(section.weight)}"
            )
        if before.when != section.when:
            sections.append(f"section {section.id} condition changed")
        if (before.repeat, before.repeat_score) != (section.repeat, section.repeat_score):
            sections.append(f"section {section.id} repeats changed")
        if before.direction != section.direction:
            sections.append(
                f"section {section.id} direction {before.direction} → {section.direction}"
            )
    new_ids = {s.id for s in new.sections}
    sections.extend(f"section {sid} removed" for sid in old_sections if sid not in new_ids)
    bands: list[str] = []
    if old.effective_bands != new.effective_bands:
        show = lambda qs: ", ".join(f"{b.min:g} {b.label}" for b in qs.effective_bands)  # noqa: E731
        bands.append(f"bands {show(old)} → {show(new)}")
    return SetDiff(old.version, new.version, tuple(changes), tuple(sections), tuple(bands))


@dataclass(frozen=True)
class Rescore:
    """One interview scored under the version it was taken with and under the current set."""

    old: ScoreBreakdown
    new: ScoreBreakdown
    diff: SetDiff
    dropped: tuple[tuple[str, str], ...] = field(default_factory=tuple)
    """Answers the current set no longer accepts: (question id, why)."""

    @property
    def delta(self) -> float | None:
        if self.old.score is None or self.new.score is None:
            return None
        return self.new.score - self.old.score

    @property
    def band_changed(self) -> bool:
        return self.old.band != self.new.band

    def to_dict(self) -> dict[str, Any]:
        return {
            "old": {
                "score": self.old.score,
                "band": self.old.band,
                "version": self.diff.old_version,
            },
            "new": {
                "score": self.new.score,
                "band": self.new.band,
                "version": self.diff.new_version,
            },
            "delta": self.delta,
            "changes": self.diff.to_dict(),
            "dropped": [{"question": q, "why": why} for q, why in self.dropped],
        }


def rescore(
    old: QuestionSet,
    new: QuestionSet,
    answers: Mapping[str, Any],
    *,
    earlier: Earlier | None = None,
    today: date | None = None,
    before: ScoreBreakdown | None = None,
    diff: SetDiff | None = None,
) -> Rescore:
    """Score `answers` (answer key → value) under both versions; the old result is kept.

    `earlier` and `today` are what the scores' names read (see :func:`score`). `before`,
    the old score, and `diff`, the sets' differences, are worked out here unless given
    (a caller that already has them: the same arguments, the same results)."""
    if before is None:
        before = score(old, answers, earlier=earlier, today=today)
    carried: dict[str, Any] = {}
    dropped: list[tuple[str, str]] = []
    for qid, value in answers.items():
        found = new.resolve(qid)
        if found is None:
            dropped.append((qid, "question removed"))
            continue
        try:
            carried[qid] = validate_answer(found[0], value)
        except AnswerError as exc:
            dropped.append((qid, str(exc)))
    after = score(new, carried, earlier=earlier, today=today)
    if diff is None:
        diff = diff_question_sets(old, new)
    return Rescore(before, after, diff, tuple(dropped))


WORDING: dict[str, tuple[str, ...]] = {
    "set": ("title", "description", "version"),
    "section": ("title", "description", "improve"),
    "question": ("text", "help", "unit", "labels", "constraint_message"),
    "option": ("label",),
    "reason": ("reason",),
}
"""Keys of a question set that only word what is asked: an edit of them alone (or a new
version number) changes no score, band, knock-out or gate, so no re-score is offered."""


def scoring_hash(question_set: QuestionSet) -> str:
    """A digest of how a set scores, leaving its wording out (:data:`WORDING`): equal
    digests, equal scores for equal answers."""
    from qualify.core.questionnaire.loader import canonical_hash
    from qualify.core.questionnaire.model import canonical

    data = canonical(question_set)
    _drop(data, "set")
    for section in data["sections"]:
        _drop(section, "section")
        for question in section["questions"]:
            _drop(question, "question")
            for option in question.get("options") or ():
                _drop(option, "option")
            for key in ("knockout", "red_flag"):
                if isinstance(question.get(key), dict):
                    _drop(question[key], "reason")
    return canonical_hash(data)


def _drop(data: dict[str, Any], kind: str) -> None:
    for key in WORDING[kind]:
        data.pop(key, None)

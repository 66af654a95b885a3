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
from qualify.core.phrase import Joined, Num, Phrase
from qualify.core.questionnaire.answers import AnswerError, validate_answer
from qualify.core.questionnaire.model import Question, QuestionSet
from qualify.core.scoring import score


@dataclass(frozen=True)
class QuestionChange:
    question_id: str
    kind: str
    """added | removed | changed"""
    details: tuple[str, ...] = ()
    """Each a :class:`~qualify.core.phrase.Phrase` (English as a str)."""

    def said(self) -> Phrase:
        """`q: added`, `q: removed`, `q: weight 2 → 3; text reworded` (a phrase)."""
        if self.kind == "added":
            return Phrase("{question}: added", question=self.question_id)
        if self.kind == "removed":
            return Phrase("{question}: removed", question=self.question_id)
        return Joined((self.question_id, Joined(self.details, "; ")), ": ")

    def __str__(self) -> str:
        return str(self.said())


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
        """What changed, a line each: phrases (English as str; ``qualify.i18n.tr`` says
        them in the language in use)."""
        return [*self.bands, *self.sections, *(c.said() for c in self.questions)]

    def to_dict(self) -> dict[str, Any]:
        """English, as the history records it and JSON prints it."""
        return {
            "old_version": self.old_version,
            "new_version": self.new_version,
            "bands": [str(b) for b in self.bands],
            "sections": [str(s) for s in self.sections],
            "questions": [
                {"id": c.question_id, "kind": c.kind, "details": [str(d) for d in c.details]}
                for c in self.questions
            ],
        }


def _g(value: float | None) -> Any:
    return "—" if value is None else Num(value, None)


def _arrow(what: str, old: Any, new: Any) -> Phrase:
    """`weight 2 → 3`: a key of the set (as written) and its two values."""
    return Phrase("{what} {old} → {new}", what=what, old=old, new=new)


def _question_details(old: Question, new: Question, old_sec: str, new_sec: str) -> list[str]:
    out: list[str] = []
    if old.type != new.type:
        out.append(_arrow("type", old.type, new.type))
    if old.text != new.text:
        out.append(Phrase("text reworded"))
    if old_sec != new_sec:
        out.append(Phrase("moved from section {old} to {new}", old=old_sec, new=new_sec))
    if old.weight != new.weight:
        out.append(_arrow("weight", _g(old.weight), _g(new.weight)))
    if old.required != new.required:
        out.append(Phrase("now required") if new.required else Phrase("no longer required"))
    none, never = Phrase("(none)"), Phrase("(never)")
    if old.when != new.when:
        out.append(Phrase("condition {old} → {new}", old=old.when or none, new=new.when or none))
    old_opts, new_opts = old.option_map, new.option_map
    for value, option in new_opts.items():
        before = old_opts.get(value)
        if before is None:
            out.append(
                Phrase(
                    "option {option} added (score {score})",
                    option=repr(value),
                    score=_g(option.score),
                )
            )
            continue
        if before.score != option.score:
            out.append(
                Phrase(
                    "option {option} re-scored {old} → {new}",
                    option=repr(value),
                    old=_g(before.score),
                    new=_g(option.score),
                )
            )
        if before.knockout != option.knockout:
            out.append(
                Phrase("option {option} is now a knock-out", option=repr(value))
                if option.knockout
                else Phrase("option {option} no longer knocks out", option=repr(value))
            )
    out.extend(
        Phrase("option {option} removed", option=repr(value))
        for value in old_opts
        if value not in new_opts
    )
    if old.max_score != new.max_score:
        out.append(_arrow("max_score", _g(old.max_score), _g(new.max_score)))
    if (old.min, old.max, old.reverse) != (new.min, new.max, new.reverse):
        out.append(Phrase("range {old} → {new}", old=_range(old), new=_range(new)))
    if old.score_bands != new.score_bands:
        out.append(Phrase("number score bands changed"))
    if old.score != new.score:
        o, n = old.score, new.score
        out.append(
            Phrase(
                "yes/no points {old_yes}/{old_no} → {new_yes}/{new_no}",
                old_yes=_g(o.yes if o else 0),
                old_no=_g(o.no if o else 0),
                new_yes=_g(n.yes if n else 0),
                new_no=_g(n.no if n else 0),
            )
        )
    if old.knockout != new.knockout:
        out.append(Phrase("knock-out rule changed"))
    if old.formula != new.formula:
        out.append(
            Phrase("formula {old} → {new}", old=old.formula or none, new=new.formula or none)
        )
    if old.required_when != new.required_when:
        out.append(
            Phrase(
                "required when {old} → {new}",
                old=old.required_when or never,
                new=new.required_when or never,
            )
        )
    if (old.constraint, old.integer) != (new.constraint, new.integer):
        out.append(Phrase("accepted answers changed (constraint or whole numbers)"))
    return out


def _range(q: Question) -> Phrase:
    if q.reverse:
        return Phrase("{min}..{max} reversed", min=_g(q.min), max=_g(q.max))
    return Phrase("{min}..{max}", min=_g(q.min), max=_g(q.max))


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
        sid = section.id
        before = old_sections.get(sid)
        if before is None:
            sections.append(Phrase("section {section} added", section=sid))
            continue
        if before.weight != section.weight:
            sections.append(
                Phrase(
                    "section {section} weight {old} → {new}",
                    section=sid,
                    old=_g(before.weight),
                    new=_g(section.weight),
                )
            )
        if before.when != section.when:
            sections.append(Phrase("section {section} condition changed", section=sid))
        if (before.repeat, before.repeat_score) != (section.repeat, section.repeat_score):
            sections.append(Phrase("section {section} repeats changed", section=sid))
        if before.direction != section.direction:
            sections.append(
                Phrase(
                    "section {section} direction {old} → {new}",
                    section=sid,
                    old=before.direction,
                    new=section.direction,
                )
            )
    new_ids = {s.id for s in new.sections}
    sections.extend(
        Phrase("section {section} removed", section=sid)
        for sid in old_sections
        if sid not in new_ids
    )
    bands: list[str] = []
    if old.effective_bands != new.effective_bands:
        bands.append(Phrase("bands {old} → {new}", old=_bands(old), new=_bands(new)))
    return SetDiff(old.version, new.version, tuple(changes), tuple(sections), tuple(bands))


def _bands(qs: QuestionSet) -> Joined:
    return Joined((Joined((_g(b.min), b.label), " ") for b in qs.effective_bands), ", ")


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
            "dropped": [{"question": q, "why": str(why)} for q, why in self.dropped],
        }


_REMEMBERED = (str, int, bool)
"""Answer types whose check :class:`Carrier` remembers: hashable, immutable, and equal
only when alike (a float is not: 0.0 == -0.0, and NaN equals nothing)."""


class Carrier:
    """Carries answers over to the current version of a set: each answer re-checked
    against its question there (:func:`validate_answer`, without the other answers, so a
    pure function of the key and the value), or dropped with why.

    Across a portfolio the same choices come back thousands of times: a carrier keeps
    each (key, value) check it made, so one carrier per current set checks each once."""

    def __init__(self, question_set: QuestionSet) -> None:
        self.question_set = question_set
        self._checked: dict[tuple[str, type, Any], tuple[bool, Any]] = {}

    def carry(self, answers: Mapping[str, Any]) -> tuple[dict[str, Any], list[tuple[str, str]]]:
        """The answers the set accepts (as it stores them), and those it no longer does:
        (answer key, why), in the answers' order."""
        carried: dict[str, Any] = {}
        dropped: list[tuple[str, str]] = []
        checked = self._checked
        for qid, value in answers.items():
            kind = type(value)
            key = (qid, kind, value) if kind in _REMEMBERED else None
            found = checked.get(key) if key is not None else None
            if found is None:
                found = self._check(qid, value)
                if key is not None:
                    checked[key] = found
            if found[0]:
                carried[qid] = found[1]
            else:
                dropped.append((qid, found[1]))
        return carried, dropped

    def _check(self, qid: str, value: Any) -> tuple[bool, Any]:
        """(True, the value as stored) or (False, why it is dropped)."""
        resolved = self.question_set.resolve(qid)
        if resolved is None:
            return False, Phrase("question removed")
        try:
            return True, validate_answer(resolved[0], value)
        except AnswerError as exc:
            return False, exc.args[0]


def rescore(
    old: QuestionSet,
    new: QuestionSet,
    answers: Mapping[str, Any],
    *,
    earlier: Earlier | None = None,
    today: date | None = None,
    before: ScoreBreakdown | None = None,
    diff: SetDiff | None = None,
    carrier: Carrier | None = None,
) -> Rescore:
    """Score `answers` (answer key → value) under both versions; the old result is kept.

    `earlier` and `today` are what the scores' names read (see :func:`score`). `before`,
    the old score, `diff`, the sets' differences, and `carrier`, a :class:`Carrier` to
    `new`, are worked out here unless given (a caller that already has them: the same
    arguments, the same results)."""
    if before is None:
        before = score(old, answers, earlier=earlier, today=today)
    if carrier is None or carrier.question_set is not new:
        carrier = Carrier(new)
    carried, dropped = carrier.carry(answers)
    after = score(new, carried, earlier=earlier, today=today)
    if diff is None:
        diff = diff_question_sets(old, new)
    return Rescore(before, after, diff, tuple(dropped))


WORDING: dict[str, tuple[str, ...]] = {
    "set": ("title", "description", "version"),
    "section": ("title", "description", "improve"),
    "question": ("text", "help", "unit", "unit_one", "labels", "constraint_message"),
    "option": ("label",),
    "reason": ("reason",),
}
"""Keys of a question set that only word what is asked: an edit of them alone (or a new
version number) changes no score, band, knock-out or gate, so no re-score is offered."""


def scoring_hash(question_set: QuestionSet) -> str:
    """A digest of how a set scores, leaving its wording out (:data:`WORDING`): equal
    digests, equal scores for equal answers."""
    from qualify.core.questionnaire.catalog import canonical
    from qualify.core.questionnaire.loader import canonical_hash

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

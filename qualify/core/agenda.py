"""The agenda for the next conversation: what is still open, in the order to ask it.

An area manager walks into the second date knowing what to ask. Open items come from
"ask next time" answers, required questions still unanswered, visible questions not
reached yet, "declined to say" answers, and facts a gate needs verified. By default they
follow the **conversation order** — the order of the set, which opens with the company and
asks the deal-breakers late, as a good first call does (never "are you in legal trouble?"
third). The **gate order** (``order="gate"``, ``qualify agenda --order gate``) ranks them
by what they unlock instead: first what blocks the stage gate, then what could knock the
prospect out, then by how far the answer could move the score — a checklist for preparing,
not a script for the meeting.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any, Literal

from qualify.core.breakdown import ScoreBreakdown
from qualify.core.gates import SOURCE_WORDS
from qualify.core.phrase import Joined, Num, Phrase
from qualify.core.questionnaire.model import EVIDENCE_SOURCES, Question, QuestionSet, Stage
from qualify.core.scoring import points_of, score
from qualify.core.words import markdown_text as _md

ItemKind = Literal["verify", "required", "ask_again", "unreached", "declined"]

AgendaOrder = Literal["conversation", "gate"]
"""conversation: as the set asks them (the default); gate: what unlocks the gate first."""

ITEM_KIND_WORDS: dict[str, str] = {
    "verify": Phrase("verify"),
    "required": Phrase("required, unanswered"),
    "ask_again": Phrase("ask next time"),
    "unreached": Phrase("not asked yet"),
    "declined": Phrase("declined to say"),
}


@dataclass(frozen=True)
class AgendaItem:
    """One thing to ask or check at the next meeting, and why it is on the list."""

    question_id: str
    text: str
    section: str
    kind: ItemKind
    why: str
    help: str | None = None
    blocks_gate: bool = False
    could_knock_out: tuple[str, ...] = ()
    swing: float = 0.0
    """How many points of the overall score the answer could still move (best − worst)."""
    note: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {
            "question": self.question_id,
            "text": self.text,
            "section": self.section,
            "kind": self.kind,
            "why": self.why,
            "help": self.help,
            "blocks_gate": self.blocks_gate,
            "could_knock_out": list(self.could_knock_out),
            "swing": round(self.swing, 2),
            "note": self.note,
        }


@dataclass(frozen=True)
class Agenda:
    question_set_id: str
    stage_id: str | None
    items: tuple[AgendaItem, ...] = field(default_factory=tuple)
    answered: int = 0
    """Visible questions answered."""
    verified: int = 0
    """Of them, answered with evidence seen."""

    @property
    def nothing_open(self) -> str:
        """The sentence for an agenda without items: true to how sure the answers are."""
        unverified = self.answered - self.verified
        if not self.answered:
            return Phrase("Nothing open: no visible question to ask.")
        if not unverified:
            return Phrase("Nothing open: every visible question is answered and verified.")
        return Phrase(
            "Nothing open: every visible question is answered ({unverified} of {answered} only "
            "stated or estimated, not verified).",
            unverified=unverified,
            answered=self.answered,
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "question_set": self.question_set_id,
            "stage": self.stage_id,
            "items": [i.to_dict() for i in self.items],
        }


@dataclass(frozen=True)
class OpenAnswer:
    """The facts of an answer the agenda needs; AnswerRecord satisfies it."""

    value: Any = None
    state: str = "answered"
    source: str = "stated"
    note: str = ""


def _extremes(q: Question) -> list[Any]:
    """Candidate answers spanning the question's points (best and worst at least)."""
    if q.type == "choice":
        return [o.value for o in q.options or ()]
    if q.type == "multi":
        return [[], [o.value for o in q.options or () if o.score > 0]]
    if q.type == "scale":
        return [int(q.scale_min), int(q.scale_max)]
    if q.type == "yes_no":
        return [True, False]
    if q.type == "number":
        values: list[float] = []
        previous = q.min if q.min is not None else None
        for band in q.score_bands or ():
            if band.below is None:
                values.append((previous if previous is not None else 0) + 1)
            else:
                low = previous if previous is not None else band.below - 1
                values.append((low + band.below) / 2 if low < band.below else band.below - 1)
                previous = band.below
        return values
    return []


def _swing(
    qs: QuestionSet, answers: Mapping[str, Any], q: Question, key: str, now: ScoreBreakdown
) -> float:
    if not q.scored:
        return 0.0
    results = []
    for candidate in _extremes(q):
        if points_of(q, candidate) is None:
            continue
        s = score(qs, {**answers, key: candidate}, earlier=now.earlier, today=now.today).score
        if s is not None:
            results.append(s)
    return max(results) - min(results) if results else 0.0


def _knockout_reasons(q: Question) -> tuple[str, ...]:
    reasons = [o.knockout for o in q.options or () if o.knockout]
    if q.knockout:
        reasons.append(q.knockout.reason)
    return tuple(reasons)


def build_agenda(
    question_set: QuestionSet,
    answers: Mapping[str, Any],
    breakdown: ScoreBreakdown,
    stage: Stage | None = None,
    *,
    order: AgendaOrder = "conversation",
) -> Agenda:
    """Every open item of an interview, in conversation order (or gate order).

    `answers` maps question id to a record with `value`, `state`, `source` and `note`
    (an AnswerRecord); `breakdown` is the score of the answered values.
    """
    values = {
        qid: a.value for qid, a in answers.items() if a.state == "answered" and a.value is not None
    }
    must_verify = set(stage.gate.verified) if stage else set()
    must_verify |= {q.id for q in question_set.questions.values() if q.verify}
    items: list[AgendaItem] = []
    answered = verified = 0
    for section in breakdown.sections:
        for qscore in section.questions:
            if not qscore.visible or not qscore.asked:
                continue  # hidden, or calculated (nobody is asked it)
            q = question_set.questions[qscore.id]
            key = qscore.answer_key
            record = answers.get(key)
            state = record.state if record is not None else None
            note = record.note if record is not None else ""
            kind: ItemKind | None = None
            reasons: list[str] = []
            if qscore.answered:
                answered += 1
                verified += record is not None and record.source in EVIDENCE_SOURCES
                if (
                    (q.id in must_verify or key in must_verify)
                    and record is not None
                    and record.source not in EVIDENCE_SOURCES
                ):
                    kind = "verify"
                    source = SOURCE_WORDS.get(record.source, record.source)
                    reasons.append(
                        Phrase("the answer is {source}; the gate needs it verified", source=source)
                    )
            elif state == "unknown":
                kind = "ask_again"
                reasons.append(Phrase("they did not know last time"))
            elif state == "declined":
                kind = "declined"
                reasons.append(Phrase("ask it differently, or explain why it matters"))
            elif qscore.required or q.required:
                kind = "required"
                reasons.append(Phrase("the gate needs it answered"))
            else:
                kind = "unreached"
            if kind is None:
                continue
            required = qscore.required or q.required
            blocks = kind == "verify" or (required and not qscore.answered)
            knockouts = () if qscore.answered else _knockout_reasons(q)
            swing = 0.0 if qscore.answered else _swing(question_set, values, q, key, breakdown)
            if knockouts:
                reasons.append(Phrase("could be a deal-breaker"))
            why = Joined(reasons) if reasons else ""
            items.append(
                AgendaItem(
                    question_id=key,
                    text=q.text,
                    section=section.title,
                    kind=kind,
                    why=why,
                    help=q.help,
                    blocks_gate=blocks,
                    could_knock_out=knockouts,
                    swing=swing,
                    note=note,
                )
            )
    asked = {
        line.answer_key: n
        for n, line in enumerate(q for s in breakdown.sections for q in s.questions)
    }
    if order == "gate":
        items.sort(
            key=lambda i: (
                not i.blocks_gate,
                not i.could_knock_out,
                -round(i.swing, 6),
                asked.get(i.question_id, len(asked)),
            )
        )
    else:
        items.sort(key=lambda i: asked.get(i.question_id, len(asked)))
    items = _with_swings(items, scored=breakdown.score is not None)
    return Agenda(question_set.id, stage.id if stage else None, tuple(items), answered, verified)


def _with_swings(items: list[AgendaItem], *, scored: bool) -> list[AgendaItem]:
    """Say how far an answer could move the score where that tells the items apart: not
    before anything scores (every answer would then move it all the way), and once per
    run of items that could move it equally far."""
    if not scored:
        return items
    out: list[AgendaItem] = []
    said: str | None = None
    for item in items:
        words = Phrase(
            "could move the score by up to {points} points", points=Num(item.swing, 0, fixed=True)
        )
        if item.swing >= 0.5 and words != said:
            why = Joined(w for w in (item.why, words) if w)
            item = replace(item, why=why)
            said = words
        out.append(item)
    return out


def agenda_markdown(agenda: Agenda, *, title: str) -> str:
    """A printable agenda: the questions to ask, why, and what to listen for (a phrase of
    lines, so the shell can say it in the user's language)."""
    lines: list[str] = [Phrase("# Agenda: {title}", title=_md(title)), ""]
    if not agenda.items:
        lines.append(agenda.nothing_open)
        return Joined([*lines, ""], "\n")
    for n, item in enumerate(agenda.items, start=1):
        flags = []
        if item.blocks_gate:
            flags.append(Phrase("blocks the gate"))
        if item.could_knock_out:
            flags.append(Phrase("possible deal-breaker"))
        flag = Joined([" **(", Joined(flags, ", "), ")**"], "") if flags else ""
        lines.append(Joined([f"{n}. {_md(item.text)}", flag], ""))
        why = Joined([" · ", item.why], "") if item.why else ""
        kind = ITEM_KIND_WORDS[item.kind]
        lines.append(Joined([f"   - {_md(item.section)} · ", kind, why], ""))
        if item.help:
            lines.append(Phrase("   - Listen for: {help}", help=_md(item.help)))
        if item.note:
            lines.append(Phrase("   - Last note: {note}", note=_md(item.note)))
    return Joined([*lines, ""], "\n")

"""Red flags that travel: raised by an answer at one stage, open until cleared with evidence.

A question marks a red flag with ``red_flag: {when, reason, cleared_when, holds_every_gate}``
(see ``docs/questionnaire-format.md``). Scoring says which answers raise one; this module
says which of them are still open, for the prospect as a whole:

* a flag is raised by the latest interview of its set that has answers (a first date
  asked again replaces the first one's flags);
* it is **cleared** when its ``cleared_when`` holds and every answer the condition reads
  is evidence (verified, or from our own records): a claim does not close a red flag;
* it is **overridden** when a gate that needs no open red flags (the commitment gate)
  was passed with an override while it was open (the history keeps the reason): the
  risk was accepted at signature; it is still reported, but holds no further gate. An
  override of any other gate only lets the dating go on: the flag keeps holding;
* otherwise it is **open**: it appears in the report's risks and holds every gate that
  says ``no_open_red_flags: true`` (and, with ``holds_every_gate``, every gate from its
  own stage on).

Pure: records, parsed sets and the clock in, flags out.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime
from functools import lru_cache
from typing import Any, Literal, Protocol, TypeVar

from qualify.core.breakdown import ScoreBreakdown, figures_unread, frozen
from qualify.core.questionnaire.conditions import evaluate
from qualify.core.questionnaire.expressions import names, parse_condition
from qualify.core.questionnaire.model import EVIDENCE_SOURCES, QuestionSet
from qualify.core.records import HistoryEntry, Interview
from qualify.core.words import answer_text, one_line

__all__ = ["RedFlag", "capped", "holding", "open_flags", "red_flags"]

RED_FLAGS = "red_flags"
"""The criterion of a gate that needs no open red flags: overriding it accepts them."""

FlagStatus = Literal["open", "cleared", "overridden"]


class _Scored(Protocol):
    @property
    def interview(self) -> Interview: ...
    @property
    def question_set(self) -> QuestionSet | None: ...
    @property
    def breakdown(self) -> ScoreBreakdown | None: ...
    @property
    def has_answers(self) -> bool:
        """Something is answered (an answer given, with a value)."""
        ...


S = TypeVar("S", bound=_Scored)


@dataclass(frozen=True)
class RedFlag:
    """One red flag of a prospect, and where it stands."""

    id: str
    """`set-id.answer-key`: what a gate's override records."""
    set_id: str
    stage: str
    """The stage whose interview raised it."""
    interview_id: str
    key: str
    question: str
    answer: str
    reason: str
    holds_every_gate: bool
    raised_at: datetime
    status: FlagStatus = "open"
    cleared_by: tuple[str, ...] = ()
    """The answers that cleared it (names of `cleared_when`)."""
    waiting_for: tuple[str, ...] = ()
    """`cleared_when` holds, but these answers are not evidence yet."""
    override: str = ""
    """The reason of the override that let a gate pass while it was open."""

    @property
    def open(self) -> bool:
        return self.status == "open"

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "stage": self.stage,
            "question": self.key,
            "reason": self.reason,
            "status": self.status,
            "cleared_by": list(self.cleared_by),
            "waiting_for": list(self.waiting_for),
            "override": self.override,
        }


def _latest(scored: Sequence[_Scored]) -> list[_Scored]:
    """The latest interview with answers of each set, oldest first."""
    latest: dict[str, _Scored] = {}
    for s in scored:
        if s.breakdown is not None and s.question_set is not None and s.has_answers:
            latest.pop(s.interview.questionnaire_id, None)
            latest[s.interview.questionnaire_id] = s
    return list(latest.values())


def _overridden(history: Iterable[HistoryEntry]) -> dict[str, str]:
    """Flag id → reason of the override that passed a gate it held."""
    out: dict[str, str] = {}
    for h in history:
        if h.action != "advance" or not h.overridden or not isinstance(h.gate, dict):
            continue
        for c in h.gate.get("criteria") or ():
            if isinstance(c, dict) and c.get("key") == RED_FLAGS and not c.get("met"):
                for flag_id in c.get("questions") or ():
                    out.setdefault(str(flag_id), one_line(h.reason))
    return out


class _Evidence:
    """Whether the answer behind a name (`x` of the raising set, `set-id.x` of another) is
    evidence; a calculated value is when every answer its formula read is."""

    def __init__(self, latest: Sequence[_Scored]) -> None:
        self.by_set = {s.interview.questionnaire_id: s for s in latest}

    def ok(self, set_id: str, key: str, depth: int = 0) -> bool:
        s = self.by_set.get(set_id)
        if s is None or s.breakdown is None or depth > 8:
            return False
        question = s.question_set.questions.get(key) if s.question_set is not None else None
        if question is not None and question.type != "calculated":
            line = None  # an answer as given: no need to make the score lines to know it
        else:
            line = s.breakdown.question(key)
        if line is not None and line.type == "calculated":
            inputs = [name for name, value in line.inputs or () if value is not None]
            return bool(inputs) and all(
                self.ok(*_split(name, set_id), depth + 1) for name in inputs if name != "today()"
            )
        record = s.interview.answers.get(key)
        return record is not None and record.source in EVIDENCE_SOURCES


def _split(name: str, own: str) -> tuple[str, str]:
    set_id, dot, key = name.rpartition(".")
    return (set_id, key) if dot and set_id else (own, name)


@lru_cache(maxsize=1024)
def _reads(condition: str) -> tuple[str, ...]:
    """The names a condition reads, each once, in order."""
    return tuple(dict.fromkeys(n.key for n in names(parse_condition(condition))))


def _env(
    read: Iterable[str], own: Mapping[str, Any], stages: Sequence[tuple[str, Mapping[str, Any]]]
) -> dict[str, Any]:
    """What a `cleared_when` sees of the names it reads: the raising interview's values
    (`x`), else the latest values of each set (`set-id.x`, the latest set's where two
    spell the same name); repeated sections' values are not readable. Only the names
    read are looked up: a prospect's every value, named, was most of the work."""
    env: dict[str, Any] = {}
    for name in read:
        if "[" not in name and name in own:
            env[name] = own[name]
            continue
        for set_id, values in stages:
            if name.startswith(set_id) and name[len(set_id) : len(set_id) + 1] == ".":
                key = name[len(set_id) + 1 :]
                if "[" not in key and key in values:
                    env[name] = values[key]
    return env


def red_flags(
    scored: Sequence[_Scored],
    history: Iterable[HistoryEntry] = (),
    *,
    today: date | None = None,
) -> tuple[RedFlag, ...]:
    """Every red flag of the prospect (open, cleared or overridden), in the order raised."""
    latest = _latest(scored)
    if not any(s.breakdown is not None and s.breakdown.red_flags for s in latest):
        return ()
    stages: list[tuple[str, Mapping[str, Any]]] = []
    for s in latest:
        assert s.breakdown is not None
        stages.append((s.interview.questionnaire_id, s.breakdown.values))
    evidence = _Evidence(latest)
    overridden = _overridden(history)
    flags: list[RedFlag] = []
    for s in latest:
        b, qs, interview = s.breakdown, s.question_set, s.interview
        assert b is not None and qs is not None
        if not b.red_flags:
            continue
        values = b.values  # what a line would show, without making the lines
        for hit in b.red_flags:
            question = qs.questions.get(hit.question)
            flag = question.red_flag if question is not None else None
            flag_id = f"{qs.id}.{hit.key}"
            record = interview.answers.get(hit.key)
            status: FlagStatus = "open"
            cleared_by: tuple[str, ...] = ()
            waiting: tuple[str, ...] = ()
            if flag is not None and flag.cleared_when is not None:
                read = _reads(flag.cleared_when)
                env = _env(read, values, stages)
                if evaluate(flag.cleared_when, env, today=today):
                    given = [n for n in read if env.get(n) is not None]
                    weak = tuple(n for n in given if not evidence.ok(*_split(n, qs.id)))
                    if weak:
                        waiting = weak
                    else:
                        status, cleared_by = "cleared", tuple(given)
            if status == "open" and flag_id in overridden:
                status = "overridden"
            flags.append(
                frozen(
                    RedFlag,
                    {
                        "id": flag_id,
                        "set_id": qs.id,
                        "stage": interview.stage,
                        "interview_id": interview.id,
                        "key": hit.key,
                        "question": one_line(question.text) if question is not None else hit.key,
                        "answer": answer_text(question, values.get(hit.key)),
                        "reason": one_line(hit.reason),
                        "holds_every_gate": hit.holds_every_gate,
                        "raised_at": (
                            record.answered_at if record is not None else interview.updated_at
                        ),
                        "status": status,
                        "cleared_by": cleared_by,
                        "waiting_for": waiting,
                        "override": overridden.get(flag_id, "") if status == "overridden" else "",
                    },
                )
            )
    return tuple(flags)


def open_flags(flags: Iterable[RedFlag]) -> tuple[RedFlag, ...]:
    return tuple(f for f in flags if f.open)


def holding(flags: Iterable[RedFlag], no_open_red_flags: bool) -> list[RedFlag]:
    """The open flags that hold a gate: every one, at a gate that needs no open red flags;
    else those that hold every gate. (The assessment judges a gate so, and so must a
    move recorded any other way, as the demo's: an import checks moves against it.)"""
    return [f for f in flags if f.open and (no_open_red_flags or f.holds_every_gate)]


def _may_lower(b: ScoreBreakdown, qs: QuestionSet) -> bool:
    """An open flag may lower the band: a band scoring has yet to work out is the one the
    score earns, which only a set with a band `without_red_flags` lowers (so its figures
    are not made for nothing)."""
    if figures_unread(b) and not any(band.without_red_flags for band in qs.effective_bands):
        return False
    return bool(b.band) and not b.knocked_out


def capped(scored: Sequence[S], flags: Sequence[RedFlag]) -> tuple[S, ...]:
    """Each interview with its band lowered past any band `without_red_flags` while a red
    flag raised at or before it is open ("Ready to sign" never reads beside one)."""
    open_at = {f.interview_id for f in flags if f.open}
    if not open_at:
        return tuple(scored)
    out: list[S] = []
    seen = False
    for s in scored:
        seen = seen or s.interview.id in open_at
        b, qs = s.breakdown, s.question_set
        if seen and b is not None and qs is not None and _may_lower(b, qs):
            band = qs.band_for(b.score, red_flags_open=True)
            if band != b.band:
                s = replace(s, breakdown=b.with_band(band))  # type: ignore[type-var]
        out.append(s)
    return tuple(out)

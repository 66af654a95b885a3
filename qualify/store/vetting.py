"""What an imported export must prove before anything of it is written.

An export is a file anyone can edit, so :func:`~qualify.store.transfer.import_workspace`
trusts none of it. Every prospect in it is vetted first, and one that fails stops the
whole file with the reason (nothing is written):

* every question-set snapshot parses as a question set and hashes to its key
  (:func:`~qualify.core.questionnaire.content_hash`), so it is the set it claims to be;
* every interview was taken with a snapshot in the file or already in the workspace, of
  the set id and version it names; every answer is to a question of that snapshot, of
  the type the question asks (:func:`~qualify.core.questionnaire.validate_answer`), and
  stored exactly as qualify stores it (a number as a number, yes/no as true/false);
* every time has a time zone and lies within the years 1800–2200; every id is safe;
* the prospect's stage and status are where its own history leads, replayed from its
  ``created`` entry through every advance, decline, hold and reopen;
* every move the workspace does not have yet is a step of its pipeline, and either the
  gate is met by the answers in the file or the move is an override with a reason; a
  decline or a hold has a reason.

Pure apart from the snapshots it is handed: records in, a reason out.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from functools import partial
from typing import Any

import orjson
from pydantic import ValidationError

from qualify.core.assess import Snapshots, assess
from qualify.core.gates import GateResult
from qualify.core.phrase import Joined, Moment, Phrase, said
from qualify.core.questionnaire import AnswerError, QuestionSet, content_hash, validate_answer
from qualify.core.questionnaire.expressions import MAX_YEAR, MIN_YEAR
from qualify.core.questionnaire.model import Pipeline
from qualify.core.questionnaire.rules import check_question_set
from qualify.core.questionnaire.yamlsource import parse_yaml
from qualify.core.records import HistoryEntry, Prospect, ProspectRecords, ProspectStatus
from qualify.core.safe_text import quoted, readable
from qualify.core.words import one_line
from qualify.store.base import is_safe_id


class Refused(Exception):
    """What is wrong with one record of an export, in words, with where it is."""


@dataclass(frozen=True)
class Rules:
    """What moves are checked against: the importing workspace's pipeline and its active
    question sets (for the gate of a stage whose interview never started). Without a
    pipeline, histories are still replayed but gates cannot be checked."""

    pipeline: Pipeline | None = None
    active_sets: Mapping[str, QuestionSet] = field(default_factory=dict)


# ------------------------------------------------------------------ snapshots


_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f]")
"""Characters no question-set file can hold (its loader refuses them at their line:col)."""


def vet_snapshot(digest: str, raw: Any) -> QuestionSet:
    """The question set a snapshot holds, if it is one a question-set file could have
    given (the same checks as `qualify validate`: conditions, formulas, limits) and it
    hashes to ``digest``."""
    if not is_safe_id(digest) or not isinstance(raw, dict):
        raise Refused(
            Phrase("snapshot {digest} is not a question set", digest=one_line(repr(digest), 60))
        )
    control = _control_character(raw)
    if control is not None:
        raise Refused(
            Phrase(
                "snapshot {digest} holds the control character {char}, which no "
                "question-set file can",
                digest=digest,
                char="U+" + format(ord(control), "04X"),
            )
        )
    try:
        parsed = QuestionSet.model_validate(raw)
    except ValidationError as exc:
        from qualify.core.questionnaire.friendly import at_path  # only on an error

        problem = at_path("", exc.errors()[0], QuestionSet)
        raise Refused(_not_a_set(digest, problem)) from None
    except (ValueError, TypeError, RecursionError) as exc:
        raise Refused(_not_a_set(digest, one_line(str(exc), 120))) from None
    # The checks `qualify validate` makes (condition depth and length, formula cycles,
    # duplicate ids…), located in the snapshot's JSON: what scoring it relies on.
    doc = parse_yaml(orjson.dumps(raw).decode(), f"snapshot {digest}")
    if not doc.problems:
        check_question_set(parsed, doc)
    errors = [p for p in doc.problems if p.severity == "error"]
    if errors:
        raise Refused(
            Phrase(
                "snapshot {digest} is not a valid question set: {problem}",
                digest=digest,
                problem=errors[0].message,
            )
        )
    actual = content_hash(parsed)
    if actual != digest:
        raise Refused(
            Phrase(
                "snapshot {digest} holds a question set whose content hashes to {actual}: it "
                "was changed after it was asked",
                digest=digest,
                actual=actual,
            )
        )
    return parsed


def _not_a_set(digest: str, problem: str) -> Phrase:
    return Phrase(
        "snapshot {digest} is not a question set ({problem})", digest=digest, problem=problem
    )


def _control_character(value: Any, depth: int = 0) -> str | None:
    if isinstance(value, str):
        found = _CONTROL.search(value)
        return found.group() if found else None
    if depth > 64:
        return None  # deeper than any set: the model refuses it
    items = value.items() if isinstance(value, dict) else value if isinstance(value, list) else ()
    for item in items:
        for part in item if isinstance(value, dict) else (item,):
            found = _control_character(part, depth + 1)
            if found is not None:
                return found
    return None


# ------------------------------------------------------------------ values


def vet_values(
    records: ProspectRecords,
    sets: Mapping[str, QuestionSet],
    passed: set[tuple[Any, ...]] | None = None,
) -> None:
    """Times, ids and every answer of one prospect, against its interviews' snapshots.

    ``passed`` (kept by the caller across the prospects of a file) remembers the plain
    answers found fine: most answers of an export repeat one another's (the same choice
    of the same question), and each is checked once."""
    passed = set() if passed is None else passed
    p = records.prospect
    if not p.name.strip():
        raise Refused(Phrase("prospect.name: a prospect needs a name"))
    _times("prospect", p.created_at, p.updated_at, p.recontact_on)
    for interview in records.interviews:
        where = Phrase("interview {id}", id=interview.id)
        if not is_safe_id(interview.id):
            raise Refused(
                Phrase("interview id {id} is not usable", id=one_line(repr(interview.id), 60))
            )
        _times(where, interview.started_at, interview.updated_at, interview.completed_at)
        qs = sets.get(interview.questionnaire_hash)
        asked = f"{interview.questionnaire_id} v{interview.questionnaire_version}"
        if qs is None:
            raise Refused(
                Phrase(
                    "{where} was taken with {set} (snapshot {digest}), which is neither in the "
                    "file nor in this workspace: its answers cannot be checked",
                    where=where,
                    set=asked,
                    digest=interview.questionnaire_hash,
                )
            )
        if (qs.id, qs.version) != (interview.questionnaire_id, interview.questionnaire_version):
            raise Refused(
                Phrase(
                    "{where} names {set} but its snapshot {digest} is {actual}",
                    where=where,
                    set=asked,
                    digest=interview.questionnaire_hash,
                    actual=_named(qs),
                )
            )
        for key, answer in interview.answers.items():
            # named only if refused: a file holds a hundred thousand answers
            _times(partial(_answer_at, where, key), answer.answered_at)
            value = answer.value
            same = None
            if type(value) in _PLAIN:  # (True is not 1: the type is in the key)
                same = (
                    interview.questionnaire_hash,
                    key,
                    answer.question_id,
                    answer.state,
                    type(value),
                    value,
                )
                if same in passed:
                    continue
            try:
                _vet_answer(qs, key, answer.question_id, answer.state, value)
                if same is not None:
                    passed.add(same)
            except Refused as exc:
                raise Refused(
                    Phrase(
                        "{where}: answer {key}: {error}",
                        where=where,
                        key=one_line(repr(key), 80),
                        error=said(exc),
                    )
                ) from None
    for entry in records.history:
        where = Phrase("history entry {id}", id=entry.id)
        if not is_safe_id(entry.id):
            raise Refused(
                Phrase("history entry id {id} is not usable", id=one_line(repr(entry.id), 60))
            )
        _times(where, entry.at)
        _vet_details(where, entry)


def _answer_at(where: str, key: str) -> Phrase:
    return Phrase("{where}: answer {key}", where=where, key=key)


_PLAIN = frozenset({str, int, float, bool, type(None)})
"""Answer values remembered once found fine (a list answer is checked each time)."""


def _vet_answer(qs: QuestionSet, key: str, question_id: str, state: str, value: Any) -> None:
    if question_id != key:
        raise Refused(
            Phrase(
                "filed under {key} but answers {id}",
                key=repr(key),
                id=one_line(repr(question_id), 60),
            )
        )
    found = qs.resolve(key)
    if found is None:
        raise Refused(Phrase("not a question of {set}", set=_named(qs)))
    question = found[0]
    if not question.answerable:
        raise Refused(Phrase("is calculated from its formula; nobody answers it"))
    if value is None:
        return  # a note alone, or unknown/declined
    if state != "answered":
        raise Refused(
            Phrase(
                "an answer marked {state} holds no value, but this one holds {value}",
                state=state,
                value=_shown(value),
            )
        )
    if question.type == "text" and isinstance(value, str) and not readable(value):
        return  # a blank text, as qualify recorded one before it refused them: kept as is
    try:
        stored = validate_answer(question, value)
    except AnswerError as exc:
        raise Refused(said(exc)) from None
    except (ValueError, TypeError, OverflowError, RecursionError) as exc:
        raise Refused(
            Phrase(
                "{value} does not fit ({error})", value=_shown(value), error=one_line(str(exc), 80)
            )
        ) from None
    if not _same(stored, value):
        raise Refused(
            Phrase(
                "{value} is not stored as a {type} answer is (qualify would store {stored})",
                value=_shown(value),
                type=question.type,
                stored=_shown(stored),
            )
        )


def _named(qs: QuestionSet) -> str:
    """A set as messages name it: `first-date v2`."""
    return f"{qs.id} v{qs.version}"


def _same(a: Any, b: Any) -> bool:
    """Equal and of the same kind (True is not 1, "5" is not 5)."""
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, bool) or isinstance(b, bool):
        return type(a) is type(b) and a == b
    numbers = (int, float)
    if isinstance(a, numbers) and isinstance(b, numbers):
        return a == b
    return type(a) is type(b) and a == b


def _shown(value: Any) -> str:
    return one_line(quoted(value, most=200), 40)


def _times(where: str | Callable[[], str], *values: datetime | date | None) -> None:
    """Each time has a zone and a plausible year; ``where`` may be made only if not."""
    for value in values:
        if value is None:
            continue
        zoneless = isinstance(value, datetime) and value.utcoffset() is None
        if not zoneless and MIN_YEAR <= value.year <= MAX_YEAR:
            continue
        place = where if isinstance(where, str) else where()
        if zoneless:
            raise Refused(
                Phrase(
                    "{where}: the time {time} has no time zone",
                    where=place,
                    time=value.isoformat(),
                )
            )
        raise Refused(
            Phrase(
                "{where}: {time} is outside the years {first}–{last}",
                where=place,
                time=value.isoformat(),
                first=str(MIN_YEAR),
                last=str(MAX_YEAR),
            )
        )


MAX_DETAIL_DEPTH = 16
"""Nesting of a history entry's gate and details (a conflict record needs 4)."""


def _depth(value: Any, limit: int) -> bool:
    """``value`` is nested deeper than ``limit`` levels (checked without recursing)."""
    todo = [(value, 0)]
    while todo:
        item, level = todo.pop()
        if level > limit:
            return True
        if isinstance(item, dict):
            todo.extend((v, level + 1) for v in item.values())
        elif isinstance(item, list):
            todo.extend((v, level + 1) for v in item)
    return False


def _vet_details(where: str, entry: HistoryEntry) -> None:
    """The parts of an entry that screens and reports format as numbers or lists."""
    if _depth(entry.details, MAX_DETAIL_DEPTH) or _depth(entry.gate, MAX_DETAIL_DEPTH):
        raise Refused(
            Phrase(
                "{where}: its details are nested more than {n} levels deep",
                where=where,
                n=MAX_DETAIL_DEPTH,
            )
        )
    gate = entry.gate
    if gate is not None:
        if "passed" in gate and not isinstance(gate["passed"], bool):
            raise Refused(Phrase("{where}: gate.passed is not true or false", where=where))
        for key in ("score", "coverage"):
            _number_or_none(Joined((where, f"gate.{key}"), ": "), gate.get(key))
        unmet = gate.get("unmet", [])
        if not isinstance(unmet, list) or not all(isinstance(u, str) for u in unmet):
            raise Refused(Phrase("{where}: gate.unmet is not a list of sentences", where=where))
    if entry.action == "rescore":
        for side in ("old", "new"):
            part = entry.details.get(side)
            if part is None:
                continue
            if not isinstance(part, dict):
                raise Refused(
                    Phrase("{where}: {field} is not a score", where=where, field="details." + side)
                )
            _number_or_none(Joined((where, f"details.{side}.score"), ": "), part.get("score"))
            band = part.get("band")
            if band is not None and not isinstance(band, str):
                raise Refused(
                    Phrase(
                        "{where}: {field} is not text",
                        where=where,
                        field="details." + side + ".band",
                    )
                )


def _number_or_none(where: str, value: Any) -> None:
    if value is None:
        return
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise Refused(Phrase("{where} is not a number: {value}", where=where, value=_shown(value)))


# ------------------------------------------------------------------ moves


@dataclass(frozen=True)
class Ends:
    """Where a history leads: a stage (None: it cannot tell) and the statuses it allows."""

    stage: str | None
    statuses: frozenset[ProspectStatus]

    def allows(self, stage: str, status: ProspectStatus) -> bool:
        return (self.stage is None or self.stage == stage) and status in self.statuses

    def words(self) -> Phrase:
        states: Any = ""
        for status in sorted(s.value for s in self.statuses):
            states = Phrase("{a} or {b}", a=states, b=status) if states else status
        return Phrase(
            "{stage}, {states}", stage=self.stage or Phrase("an unknown stage"), states=states
        )


_ANY = frozenset(ProspectStatus)
_KEEP = frozenset({"edit", "rescore", "review"})
"""Actions that move nothing (their stages name the interview they are about)."""
_STATUS_MOVES = {
    "decline": ProspectStatus.declined,
    "hold": ProspectStatus.on_hold,
    "reopen": ProspectStatus.active,
}


def replay(history: Iterable[HistoryEntry], pipeline: Pipeline | None) -> Ends:
    """Where the entries, oldest first, leave a prospect: ``created`` puts it at its
    stage, active; an advance at the stage it names (committed at the last stage and in
    reviews); decline, hold and reopen change its status. An action this code does not
    know moves it to the stage it names, with any status."""
    stage = pipeline.stages[0].id if pipeline is not None else None
    statuses = frozenset({ProspectStatus.active})
    for entry in history:
        if entry.action == "created":
            stage, statuses = entry.to_stage or stage, frozenset({ProspectStatus.active})
        elif entry.action == "advance":
            stage, statuses = entry.to_stage, _after_advance(entry.to_stage, pipeline)
        elif entry.action in _STATUS_MOVES:
            statuses = frozenset({_STATUS_MOVES[entry.action]})
        elif entry.action not in _KEEP:
            stage, statuses = entry.to_stage or stage, _ANY
    return Ends(stage, statuses)


def _after_advance(to_stage: str | None, pipeline: Pipeline | None) -> frozenset[ProspectStatus]:
    if pipeline is None:
        return frozenset({ProspectStatus.active, ProspectStatus.committed})
    last = pipeline.stages[-1].id
    review = pipeline.review.id if pipeline.review is not None else None
    committed = to_stage in (last, review)
    return frozenset({ProspectStatus.committed if committed else ProspectStatus.active})


def vet_moves(
    incoming: ProspectRecords,
    result: ProspectRecords,
    local: ProspectRecords | None,
    rules: Rules,
    sets: Mapping[str, QuestionSet],
) -> ProspectRecords:
    """``result`` (what importing ``incoming`` would store over ``local``) if the file's
    stage and status are backed by its own history, and every move new to the workspace
    by the gate rules; Refused otherwise, with the reason.

    When the file's facts are newer than the workspace's but its moves are older (it was
    exported before a move made here), the stage and status stay where the united
    history leads, which is where they are here.
    """
    known = {h.id for h in local.history} if local is not None else set()
    for n, entry in enumerate(result.history):
        if entry.id not in known:
            _vet_move(entry, result, rules, sets, result.history[:n])
    _backed(incoming.prospect, incoming.history, rules.pipeline)
    p = result.prospect
    if local is not None and (p.stage, p.status) != (local.prospect.stage, local.prospect.status):
        ends = replay(result.history, rules.pipeline)
        here = local.prospect
        if not ends.allows(p.stage, p.status) and ends.allows(here.stage, here.status):
            kept = {"stage": here.stage, "status": here.status, "recontact_on": here.recontact_on}
            return replace(result, prospect=p.model_copy(update=kept))
        _backed(p, result.history, rules.pipeline)
    return result


def _backed(prospect: Prospect, history: Iterable[HistoryEntry], pipeline: Pipeline | None) -> None:
    ends = replay(history, pipeline)
    if not ends.allows(prospect.stage, prospect.status):
        raise Refused(
            Phrase(
                "it is at {stage}, {status}, but its history leads to {ends}: a stage or "
                "status change needs the history entry that made it",
                stage=prospect.stage,
                status=prospect.status.value,
                ends=ends.words(),
            )
        )


def _vet_move(
    entry: HistoryEntry,
    records: ProspectRecords,
    rules: Rules,
    sets: Mapping[str, QuestionSet],
    before: Sequence[HistoryEntry],
) -> None:
    """Refused unless the move is one the app makes: `before`, the history up to it (a red
    flag accepted by an earlier override holds no further gate)."""
    what = Phrase(
        "history entry {id} ({action} at {at} UTC)",
        id=entry.id,
        action=entry.action,
        at=Moment(entry.at),
    )
    if entry.action in ("decline", "hold") and not readable(entry.reason):
        raise Refused(
            Phrase(
                "{what} has no reason; a {action} always gives one", what=what, action=entry.action
            )
        )
    if entry.action != "advance":
        return
    if entry.overridden and not readable(entry.reason):
        raise Refused(Phrase("{what} overrides the gate without a reason", what=what))
    pipeline = rules.pipeline
    if pipeline is None:
        return
    stage = pipeline.stage_map.get(entry.from_stage or "")
    if stage is None:
        raise Refused(
            Phrase(
                "{what} leaves {stage}, which is not a stage of this workspace's pipeline",
                what=what,
                stage=repr(entry.from_stage),
            )
        )
    nxt = pipeline.next_stage(stage.id)
    expected = nxt.id if nxt is not None else (pipeline.review.id if pipeline.review else None)
    if entry.to_stage != expected:
        raise Refused(
            Phrase(
                "{what} goes from {stage} to {to}, not to {expected}",
                what=what,
                stage=stage.id,
                to=str(entry.to_stage),
                expected=str(expected),
            )
        )
    if entry.overridden:
        return
    gate = _gate(records, stage.id, rules, sets, before)
    if gate is None or not gate.passed:
        unmet: Any = Joined(gate.unmet) if gate is not None else ""
        if gate is None:
            unmet = Phrase("no gate could be evaluated")
        elif len(unmet) > 200:
            unmet = one_line(unmet, 200)
        raise Refused(
            Phrase(
                "{what} moves {stage} → {to} as if the gate were met, but the answers in the "
                "file do not meet it ({unmet}); a move past an unmet gate needs an override "
                "with a reason",
                what=what,
                stage=stage.id,
                to=str(entry.to_stage),
                unmet=unmet,
            )
        )


def _gate(
    records: ProspectRecords,
    stage_id: str,
    rules: Rules,
    sets: Mapping[str, QuestionSet],
    before: Sequence[HistoryEntry],
) -> GateResult | None:
    """The gate of ``stage_id`` as this workspace's rules judge the answers in the file,
    after the history `before` the move."""
    assert rules.pipeline is not None
    at_stage = records.prospect.model_copy(
        update={"stage": stage_id, "status": ProspectStatus.active}
    )
    probe = ProspectRecords(at_stage, records.interviews, tuple(before))
    asked = {i.questionnaire_hash for i in records.interviews}
    snapshots = Snapshots(sets={h: qs for h, qs in sets.items() if h in asked})
    return assess(
        probe, pipeline=rules.pipeline, snapshots=snapshots, active_sets=rules.active_sets
    ).gate


__all__ = ["Ends", "Refused", "Rules", "replay", "vet_moves", "vet_snapshot", "vet_values"]

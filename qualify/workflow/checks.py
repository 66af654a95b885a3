"""Checks the qualifier makes before it writes: constraints that read other answers, and
an override that may not have seen a colleague's move."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

from qualify.core.errors import QualifyError
from qualify.core.phrase import Joined, Num, Phrase, said
from qualify.core.questionnaire import (
    AnswerError,
    QuestionSet,
    check_constraint,
    constraint_context,
)
from qualify.core.records import AnswerRecord, Interview, PartnerKind, ProspectRecords, utcnow
from qualify.store.base import StageConflict


class WorkflowError(QualifyError):
    """An operation that does not apply (e.g. advancing a declined prospect)."""


def answer_values(interview: Interview) -> dict[str, Any]:
    """The answers that score: only those in the `answered` state."""
    return interview.scoring_values()


def broken_constraints(
    qs: QuestionSet,
    interview: Interview | None,
    records: list[AnswerRecord],
    earlier: Mapping[str, Mapping[str, Any]],
    day: date,
) -> list[str]:
    """Constraints broken once `records` join the answers already stored."""
    after = answer_values(interview) if interview is not None else {}
    for record in records:
        if record.value is None:
            after.pop(record.question_id, None)
        else:
            after[record.question_id] = record.value
    errors: list[str] = []
    for record in records:
        found = qs.resolve(record.question_id)
        if found is None or record.value is None or found[0].constraint is None:
            continue
        env = constraint_context(qs, after, record.question_id, earlier)
        try:
            check_constraint(found[0], record.value, env, day)
        except AnswerError as exc:
            errors.append(Joined((record.question_id, said(exc)), ": "))
    return errors


def check_recent_move(records: ProspectRecords, recent: float) -> None:
    """StageConflict when someone moved the prospect to its stage less than ``recent``
    seconds ago: that move, not the gate an override means, is what the user has most
    likely not seen yet (see Qualifier.advance)."""
    prospect = records.prospect
    moved = next(  # what brought it to this stage (a meeting or an edit moves nobody)
        (
            h
            for h in reversed(records.history)
            if h.to_stage == prospect.stage
            and (h.action == "created" or h.from_stage != h.to_stage)
        ),
        None,
    )
    if moved is None or moved.action == "created":
        return
    ago = (utcnow() - moved.at).total_seconds()
    if 0 <= ago < recent:
        raise StageConflict(
            Phrase(
                "{name} was moved to {stage}{who} {seconds} s ago: nothing was changed; to "
                "override the {stage} gate as well, say so with --from {stage}",
                name=prospect.name,
                stage=prospect.stage,
                who=Phrase(" by {user}", user=moved.by) if moved.by else "",
                seconds=Num(ago),
            )
        )


def checked_facts(name: str, kind: str | PartnerKind) -> tuple[str, PartnerKind]:
    name = name.strip()
    if not name:
        raise WorkflowError(Phrase("a prospect needs a name"))
    try:
        return name, PartnerKind(kind)
    except ValueError:
        choices = ", ".join(k.value for k in PartnerKind)
        raise WorkflowError(
            Phrase("unknown kind {kind} (choose from {choices})", kind=repr(kind), choices=choices)
        ) from None


def unknown_key(qs: QuestionSet, key: str) -> str:
    """Why `key` is not an answer key of `qs`, in words."""
    section = qs.repeat_of.get(key)
    if section is not None:
        return Phrase(
            "{key}: is in the repeated section {section}: answer one repeat, e.g. {example}",
            key=key,
            section=repr(section),
            example=section + "[0]." + key,
        )
    named = f"{qs.id} v{qs.version}"
    return Phrase("{key}: not a question of {set}", key=key, set=named)


def answer_sources(interview: Interview | None) -> dict[str, str]:
    """Question id → where each given answer came from (none before an interview starts)."""
    if interview is None:
        return {}
    return {qid: rec.source for qid, rec in interview.answers.items() if rec.state == "answered"}


def today() -> date:
    """The local date: what `today()` and `days_since()` in question sets read."""
    return datetime.now().astimezone().date()

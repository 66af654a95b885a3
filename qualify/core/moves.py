"""Stage and status moves: where a prospect goes next, and the history entry that says so.

Pure decisions shared by the workflow (`qualify advance`, the app) and the demo data,
so a move reads the same in the history whoever made it. Saving a move (compare-and-set)
is the store's job; checking that the gate is met is the caller's.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from qualify.core.errors import QualifyError
from qualify.core.gates import GateResult
from qualify.core.phrase import Phrase
from qualify.core.questionnaire.answer_values import read_date
from qualify.core.questionnaire.model import Pipeline, Stage
from qualify.core.records import HistoryAction, HistoryEntry, Prospect, ProspectStatus, utcnow
from qualify.core.safe_text import readable


class MoveRefused(QualifyError):
    """A move that does not apply (past the last stage, a declined prospect…)."""


@dataclass(frozen=True)
class Move:
    """A prospect as it will be after the move, and the history entry recording it."""

    prospect: Prospect
    entry: HistoryEntry


def check_can_advance(prospect: Prospect, pipeline: Pipeline) -> Stage:
    """The stage the prospect would leave; MoveRefused when it cannot move on at all."""
    if prospect.status == ProspectStatus.declined:
        raise MoveRefused(Phrase("{name} was declined; `qualify reopen` first", name=prospect.name))
    stage = pipeline.stage_map.get(prospect.stage)
    if stage is None:
        raise MoveRefused(
            Phrase(
                "{name} is past the last stage ({stage}); nothing to advance",
                name=prospect.name,
                stage=prospect.stage,
            )
        )
    return stage


def advance(
    prospect: Prospect,
    gate: GateResult,
    pipeline: Pipeline,
    *,
    override: str | None = None,
    by: str = "",
    at: datetime | None = None,
    entry_id: str | None = None,
) -> Move:
    """To the next stage (committed at the last one, then on to the review stage).

    An unmet gate needs `override`, a reason; the entry keeps the gate as it was.
    """
    stage = check_can_advance(prospect, pipeline)
    if override is not None and not readable(override):
        raise MoveRefused(Phrase("an override needs a reason"))
    if not gate.passed and override is None:
        raise MoveRefused(Phrase("the {stage} gate is not met", stage=stage.title))
    nxt = pipeline.next_stage(stage.id)
    if nxt is not None:
        to_stage = nxt.id
        status = (
            ProspectStatus.committed if nxt.id == pipeline.stages[-1].id else ProspectStatus.active
        )
    elif pipeline.review is not None:
        to_stage, status = pipeline.review.id, ProspectStatus.committed
    else:
        raise MoveRefused(
            Phrase("{stage} is the last stage; there is nowhere to advance", stage=stage.title)
        )
    entry = HistoryEntry(
        prospect_id=prospect.id,
        at=at or utcnow(),
        action="advance",
        from_stage=stage.id,
        to_stage=to_stage,
        gate=gate.to_dict(),
        overridden=not gate.passed,
        reason=(override or "").strip(),
        by=by,
        details={"from_status": prospect.status.value},
    )
    if entry_id is not None:
        entry = entry.model_copy(update={"id": entry_id})
    return Move(prospect.model_copy(update={"stage": to_stage, "status": status}), entry)


def read_recontact(text: str, today: date) -> date:
    """The day to call again as someone typed it (`qualify hold --recontact`, the app's
    dialog): a real day (see :func:`~qualify.core.questionnaire.answer_values.read_date`),
    not one that has passed; a QualifyError saying what is wrong with it."""
    day = read_date(text)
    check_recontact(day, today)
    return day


def check_recontact(day: date | None, today: date) -> None:
    """A day to call again that has already passed is a slip (2025 typed for 2027), not a
    plan: the prospect would be due at once and the meant day lost. Refused."""
    if day is not None and day < today:
        raise MoveRefused(
            Phrase(
                "the day to re-contact, {day}, has passed: give today ({today}) or a later day",
                day=day.isoformat(),
                today=today.isoformat(),
            )
        )


def change_status(
    prospect: Prospect,
    action: HistoryAction,
    reason: str,
    *,
    by: str = "",
    at: datetime | None = None,
    recontact_on: date | None = None,
    today: date | None = None,
    entry_id: str | None = None,
) -> Move:
    """Decline (part ways), hold (just friends, with a date to call again) or reopen;
    given `today` (the user's), a re-contact day before it is refused."""
    reason = reason.strip() if readable(reason) else ""
    if action == "decline":
        if not reason:
            raise MoveRefused(Phrase("declining needs a reason (--reason)"))
        if prospect.status == ProspectStatus.declined:
            raise MoveRefused(Phrase("{name} is already declined", name=prospect.name))
        status, update = ProspectStatus.declined, {}
    elif action == "hold":
        if not reason:
            raise MoveRefused(Phrase("putting a prospect on hold needs a reason"))
        if today is not None:
            check_recontact(recontact_on, today)
        status, update = ProspectStatus.on_hold, {"recontact_on": recontact_on}
    elif action == "reopen":
        if not reason:
            raise MoveRefused(Phrase("reopening needs a reason (--reason)"))
        if prospect.status not in (ProspectStatus.declined, ProspectStatus.on_hold):
            raise MoveRefused(
                Phrase(
                    "{name} is {status}; only declined or on-hold prospects can be reopened",
                    name=prospect.name,
                    status=prospect.status.value,
                )
            )
        status, update = ProspectStatus.active, {"recontact_on": None}
    else:
        raise MoveRefused(f"{action!r} is not a change of status")
    entry = HistoryEntry(
        prospect_id=prospect.id,
        at=at or utcnow(),
        action=action,
        from_stage=prospect.stage,
        to_stage=prospect.stage,
        reason=reason,
        by=by,
        details=_before(prospect),
    )
    if entry_id is not None:
        entry = entry.model_copy(update={"id": entry_id})
    return Move(prospect.model_copy(update={"status": status, **update}), entry)


def _before(prospect: Prospect) -> dict[str, str]:
    """What a change of status leaves behind, so an undo can put it back."""
    before = {"from_status": prospect.status.value}
    if prospect.recontact_on is not None:
        before["from_recontact_on"] = prospect.recontact_on.isoformat()
    return before

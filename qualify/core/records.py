"""The records qualify keeps about prospects: pure data, no database.

Every backend of :mod:`qualify.store` stores exactly these, and the reports and
the TUI read exactly these, so a record means the same thing everywhere.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from qualify.core.kinds import PartnerKind, ProspectStatus
from qualify.core.sources import AnswerSource


def utcnow() -> datetime:
    """Timestamps are stored in UTC and shown in local time."""
    return datetime.now(UTC)


def new_id() -> str:
    """Random ids, so exports from two laptops merge without collisions."""
    return uuid.uuid4().hex[:12]


AnswerState = Literal["answered", "unknown", "declined"]
"""answered; unknown (ask next time); declined (the prospect would not say)."""


class _Record(BaseModel):
    """A stored record. Its validator is built when a record of its kind is first read or
    written (``defer_build``), not on import: a command pays only for the kinds it uses."""

    model_config = ConfigDict(extra="ignore", defer_build=True)


def _empty(value: Any) -> bool:
    return not value


_LATER = {"exclude_if": _empty}
"""For fields added later: left out of the JSON while they hold nothing, so records that
do not use them are written (compared, exported) exactly as before."""


class Contact(_Record):
    name: str
    role: str = ""
    email: str = ""
    phone: str = ""


DEMO_TAG = "demo"
"""The tag `qualify demo` gives what it makes (beside ids that start with `demo`)."""


def is_demo_id(prospect_id: str) -> bool:
    """An id `qualify demo` gives (what a list row or an id alone can tell)."""
    return prospect_id.startswith("demo")


def is_demo(prospect: Prospect | ProspectSummary) -> bool:
    """Sample data made by `qualify demo`: its id starts with `demo` and it still carries
    the `demo` tag (remove the tag to keep a sample prospect as your own). A summary has
    no tags: its id decides."""
    if not is_demo_id(prospect.id):
        return False
    return DEMO_TAG in prospect.tags if isinstance(prospect, Prospect) else True


class NextMeeting(_Record):
    """The next meeting agreed with the prospect (what the agenda and the calendar show)."""

    day: date
    start: time | None = None
    """Local time of day, if agreed."""
    note: str = ""


class Prospect(_Record):
    """A company being qualified, or a committed partner."""

    id: str = Field(default_factory=new_id)
    name: Annotated[str, Field(min_length=1)]
    territory: str = ""
    kind: PartnerKind = PartnerKind.other
    contacts: list[Contact] = []
    tags: list[str] = []
    notes: str = ""
    stage: str
    """Id of the pipeline stage the prospect is at."""
    status: ProspectStatus = ProspectStatus.active
    owner: str = ""
    """The area manager who runs the relationship."""
    recontact_on: date | None = None
    """For prospects on hold (just friends): when to call again."""
    next_meeting: NextMeeting | None = None
    """The next meeting, if one is agreed (files written before it existed have none)."""
    language: str = Field("", pattern=r"^([a-z]{2,3}([_-][A-Za-z0-9]{2,8})*)?$", **_LATER)
    """The language its interviews and reports use (`de`; empty: the user's choice)."""
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)


class AnswerRecord(_Record):
    """One answer as given, with when, how sure, and the interviewer's note."""

    question_id: str
    value: Any = None
    """choice: option value; multi: list of values; scale/number: number; yes_no: bool; text."""
    state: AnswerState = "answered"
    source: AnswerSource = "stated"
    note: str = ""
    answered_at: datetime = Field(default_factory=utcnow)
    by: str = ""
    """Who gave it; on a team server, the login that wrote it (set by the server)."""
    recorded_as: str = Field("", **_LATER)
    """The name a laptop gave when it differed from the login that synced it ("recorded
    offline as …"); never taken as the author."""
    previous: dict[str, Any] | None = None
    """The answer this one replaced (its value, state, source, note, when and by whom;
    an empty value: the question was open), so the latest answer can be undone; None
    when there is nothing to go back to (an answer restored by an undo)."""


class Interview(_Record):
    """One visit of a stage (or one review): the set as it was asked, and its answers."""

    id: str = Field(default_factory=new_id)
    prospect_id: str
    stage: str
    kind: Literal["stage", "review"] = "stage"
    questionnaire_id: str
    questionnaire_version: int
    questionnaire_hash: str
    """Content hash of the snapshot the answers were given against."""
    answers: dict[str, AnswerRecord] = {}
    notes: str = ""
    status: Literal["in_progress", "complete"] = "in_progress"
    interviewer: str = ""
    """Who took it; on a team server, the login that started it (set by the server)."""
    recorded_as: str = Field("", **_LATER)
    """The interviewer a laptop named when it differed from the login that synced it."""
    started_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)
    completed_at: datetime | None = None
    merged_into: str | None = Field(None, **_LATER)
    """Set when two people started the same stage at once and this copy was merged into
    the other (whose id this is): its answers are there, and scoring skips this one."""

    def scoring_values(self) -> dict[str, Any]:
        """Question id → value of the answers that score ("unknown"/"declined" never do)."""
        return {
            qid: value
            for qid, rec in self.answers.items()
            if rec.state == "answered" and (value := rec.value) is not None
        }


HistoryAction = Literal[
    "created",
    "advance",
    "decline",
    "reopen",
    "hold",
    "review",
    "rescore",
    "edit",
    "undo",
    "correct",
]
"""`undo` takes back the latest move or answer (details name what, `undoes` its entry);
`correct` marks an answer changed at a stage the prospect had already left."""


class HistoryEntry(_Record):
    """One append-only line of a prospect's story: moves, declines, reopenings."""

    id: str = Field(default_factory=new_id)
    prospect_id: str
    at: datetime = Field(default_factory=utcnow)
    action: HistoryAction
    from_stage: str | None = None
    to_stage: str | None = None
    gate: dict[str, Any] | None = None
    """The gate result at the time of the move (passed, unmet criteria, score)."""
    overridden: bool = False
    reason: str = ""
    by: str = ""
    """Who did it; on a team server, the login that wrote it (set by the server)."""
    recorded_as: str = Field("", **_LATER)
    """The name a laptop gave when it differed from the login that synced it."""
    details: dict[str, Any] = {}


class ProspectSummary(_Record):
    """What the prospects list shows: small enough to list 10,000 at once."""

    id: str
    name: str
    territory: str = ""
    kind: PartnerKind = PartnerKind.other
    stage: str
    status: ProspectStatus = ProspectStatus.active
    score: float | None = None
    band: str | None = None
    knocked_out: bool = False
    coverage: float | None = None
    updated_at: datetime = Field(default_factory=utcnow)
    provisional: bool = False
    """Too little answered for a verdict: the score is shown, the band withheld."""
    next_meeting: date | None = None
    """The day of the next meeting agreed, if any."""


@dataclass(frozen=True)
class ProspectRecords:
    """Everything kept about one prospect: what a store reads in one go, and what an
    assessment, a report, an export or a sync works from."""

    prospect: Prospect
    interviews: tuple[Interview, ...] = ()
    """Oldest first."""
    history: tuple[HistoryEntry, ...] = ()
    """Oldest first; append-only."""

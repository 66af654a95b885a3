"""Messages the screens and widgets of the TUI send each other: small dataclasses
named for what happened, handled with ``@on(Message)``."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from textual.message import Message

if TYPE_CHECKING:
    from qualify.core.assess import Assessment
    from qualify.core.gates import GateResult
    from qualify.core.records import ProspectSummary


@dataclass
class WorkspaceOpened(Message):
    """The store is open and the question sets are loaded."""

    summaries: list[ProspectSummary]
    """Every prospect's summary, for the prospects table."""


@dataclass
class WorkspaceFailed(Message):
    """Opening the workspace failed; `error` is one line for the user."""

    error: str


@dataclass
class ProspectsChanged(Message):
    """Prospects were added, moved, declined or re-scored: the list should refresh."""

    prospect_id: str | None = None
    """The one that changed, or None for many."""


@dataclass
class AnswerChosen(Message):
    """An input widget has an answer for its question (not yet saved)."""

    question_id: str
    value: Any
    advance: bool = False
    """Move on to the next question once it is saved."""

    def can_replace(self, message: Message) -> bool:  # merge bursts of the same question
        return (
            isinstance(message, AnswerChosen)
            and message.question_id == self.question_id
            and not message.advance
        )


@dataclass
class AnswerRecorded(Message):
    """An answer is on disk; `assessment` is the prospect scored with it."""

    question_id: str
    assessment: Assessment


@dataclass
class GateEvaluated(Message):
    """A gate was evaluated (after an answer, or on opening a prospect)."""

    prospect_id: str
    gate: GateResult | None


@dataclass
class QuestionSetsReloaded(Message):
    """The active question sets were re-read from disk."""

    errors: int
    """How many problems of severity error there are."""

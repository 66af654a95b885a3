"""Messages the screens and widgets of the TUI send each other: small dataclasses
named for what happened, handled with ``@on(Message)``."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from textual.message import Message

if TYPE_CHECKING:
    from qualify.core.assess import Assessment
    from qualify.core.records import ProspectSummary
    from qualify.store.base import Changes
    from qualify.tui.workspace import FirstPage


@dataclass
class FirstProspects(Message):
    """The most recently active prospects, read before the workspace is open: the list
    shows them at once, and every prospect once WorkspaceOpened comes."""

    page: FirstPage


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
class ProspectsChanged(Message, bubble=False):
    """Prospects were added, answered, moved, declined, edited or re-scored: the one change
    signal. Posted to the app (``QualifyScreen.prospects_changed``), which passes it to the
    prospects list; the list reloads once, at once if it is on screen, else when it is
    shown again. It does not bubble: the app hands it down to the list, which must not
    send it back up."""

    prospect_id: str | None = None
    """The one that changed, or None for many."""
    select: bool = False
    """Highlight it in the list once reloaded (it was just added or edited there)."""

    def can_replace(self, message: Message) -> bool:
        # Textual asks the older of two queued messages whether the newer supersedes it:
        # one reload covers a burst, unless the older one asks to highlight a prospect.
        return isinstance(message, ProspectsChanged) and not self.select


@dataclass
class ChangedElsewhere(Message, bubble=False):
    """Someone else (a teammate on the server, another process on the workspace)
    changed prospects: posted to the app by its watch (:mod:`qualify.tui.live`), which
    reloads the list and tells the screens showing them (``changed_elsewhere()``)."""

    changes: Changes


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
    """A change to an answer (its value, state, source or note) is on disk: the interview
    shows the prospect as scored with it, and only now says "saved"."""

    question_id: str
    assessment: Assessment
    """The prospect scored with every answer on disk (a colleague's too)."""
    notice: str = ""
    """One line confirming what changed ("Source: verified"), shown briefly."""
    restored: bool = False
    """The write put back the answer given before (F7/F8 pressed again), which the
    input does not show yet."""


@dataclass
class AnswerNotSaved(Message):
    """A change to an answer could not be written (an invalid value, an unreadable file, a
    lock held too long): the previous answer stands."""

    question_id: str
    error: str
    """One line for the user."""


@dataclass
class QuestionSetsReloaded(Message):
    """The active question sets were re-read from disk (validated from the palette, saved
    in the editor, re-read on the question sets screen). Posted to the app, which redraws
    the question sets screen and, when asked, offers the re-score preview."""

    errors: int
    """How many problems of severity error there are."""
    offer_rescore: bool = False
    """Offer the re-score preview if interviews were taken with an older version."""
    set_ids: tuple[str, ...] | None = None
    """Offer it for these sets only (None: every set)."""


# ---------------------------------------------------------------------- requests to the app
# Screens do not import the app (it imports them): they ask it to open another screen with
# these, posted to the app (``QualifyScreen.open_prospect`` and friends).


@dataclass
class OpenProspect(Message):
    """Show a prospect (on top of the current screen, or of the prospects list)."""

    prospect_id: str
    tab: str = "overview"
    """The tab shown first: ``overview`` or ``agenda``."""
    from_home: bool = False
    """Close whatever is open first, back to the prospects list (the palette does)."""


@dataclass
class OpenInterview(Message):
    """Start or resume the interview of a prospect's current stage."""

    prospect_id: str
    question_id: str | None = None
    """Open on this question (from the agenda) instead of the first unanswered one."""
    stage: str | None = None
    """An earlier stage's interview, to correct it (from the timeline)."""


@dataclass
class OpenCompare(Message):
    """Compare a prospect with the ideal partner, or with another prospect."""

    prospect_id: str
    other_id: str | None = None


@dataclass
class OpenReport(Message):
    """Preview a prospect's fit report."""

    prospect_id: str


@dataclass
class QuitAfterInput(Message):
    """ctrl+q, queued behind the input already sent to the focused widget (a paste, keys
    typed ahead while the app was busy): it bubbles back to the app only once they are
    in, so quitting keeps every character."""

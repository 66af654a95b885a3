"""The interview following a teammate: their answers appear as they arrive, and never
replace what is being typed.

When the app's watch says someone else changed the prospect (``changed_elsewhere``),
the screen reads the interview again in a worker and shows it (:func:`show`): the
score, the sections and the visible questions follow at once; the question on screen
takes the teammate's answer only if nothing is being typed there (else a notice says
what arrived, and what is typed wins when it is saved). A read that started before one
of this screen's own writes is not shown: it may miss that write, so the screen reads
again once its writes are on disk (their replies bring the assessment meanwhile). If
the prospect moved on to another stage, the screen says so once (answers given here
would now be refused) and stays as it is.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from textual import work
from textual.message import Message

from qualify.core.errors import QualifyError
from qualify.core.words import one_line
from qualify.i18n import _
from qualify.tui.screens.interview.pane import QuestionPane
from qualify.tui.screens.interview.sections import SUMMARY

if TYPE_CHECKING:
    from qualify.core.assess import Assessment
    from qualify.core.records import AnswerRecord, Prospect
    from qualify.tui.screens.interview.screen import InterviewScreen


@dataclass
class Reread(Message):
    """The prospect and its interview as stored now (someone else changed them)."""

    prospect: Prospect
    assessment: Assessment | None
    """None: the prospect is at another stage than the interview now."""
    given: int
    """How many writes the screen had given when the read started."""


class FollowTeammates:
    """The interview screen's side of the live update (a mixin: its handler is named,
    as Textual finds named handlers on every class of the screen)."""

    moved_said = False
    """The screen has said the prospect moved on (once is enough)."""

    def changed_elsewhere(self) -> None:
        """Someone else changed this prospect: read it again (the app calls this)."""
        if self.writer is not None:  # type: ignore[attr-defined]
            self._reread()

    @work(thread=True, exclusive=True, exit_on_error=False, group="interview-live")
    def _reread(self) -> None:
        message = reread(self)  # type: ignore[arg-type]
        if message is not None:
            self.post_message(message)  # type: ignore[attr-defined]

    def on_reread(self, event: Reread) -> None:
        show(self, event)  # type: ignore[arg-type]


def reread(screen: InterviewScreen) -> Reread | None:
    """In a worker: the stored prospect and the interview's assessment (None: the
    interview is not open yet, or the store cannot be read just now)."""
    from qualify.tui.screens.interview.answers import focused

    given = screen.unsaved.given
    interview = screen.assessment.interview if screen.assessment is not None else None
    if interview is None:
        return None
    q = screen.qualifier
    try:
        prospect = q.store.get_prospect(screen.prospect_id)
        fresh = q.store.get_interview(interview.id)
        if screen.correcting is not None:
            return Reread(prospect, focused(q.assess(prospect, fresh), fresh.id), given)
        if prospect.stage != fresh.stage:
            return Reread(prospect, None, given)
        return Reread(prospect, q.assess(prospect, fresh), given)
    except QualifyError:
        return None


def show(screen: InterviewScreen, event: Reread) -> None:
    """Show what a teammate changed, keeping what is typed here."""
    writer = screen.writer
    if writer is None or screen.assessment is None or not screen.is_attached:
        return
    if event.given != screen.unsaved.given or not screen.unsaved.empty:
        # read before (or while) this screen wrote: it may miss that write; read again
        # once every write given here is on disk
        screen.after_saves(screen.changed_elsewhere)
        return
    if event.assessment is None:
        if not screen.moved_said:
            screen.moved_said = True
            titles = screen.workspace.stage_titles()
            stage = titles.get(event.prospect.stage, event.prospect.stage)
            screen.notify(
                _(
                    "{name} was moved on to {stage} meanwhile: answers given here would be "
                    "refused now; leave the interview (escape) to see it."
                ).format(name=event.prospect.name, stage=stage),
                title=_("Moved on"),
                severity="warning",
                markup=False,
                timeout=10,
            )
        return
    current = screen.current
    on_question = current is not None and current != SUMMARY
    before = screen._stored_answer(current) if on_question else None  # type: ignore[arg-type]
    # the next write builds on what is stored now (a teammate's note or source is kept)
    writer.latest, writer.prospect = event.assessment, event.prospect
    screen._apply(event.assessment)
    if not on_question or screen.question_set is None:
        return
    after = screen._stored_answer(current)  # type: ignore[arg-type]
    screen._render_where()
    screen._update_status()
    if _said(after) == _said(before):
        return  # the same answer (a note or a source changed: the status shows it)
    pane = screen.query_one(QuestionPane)
    who = after.by if after is not None and after.by else _("someone")
    if pane.typing():
        value = after.value if after is not None else None
        arrived = f": {one_line(str(value), 60)}" if value is not None else ""
        screen.notify(
            _(
                "{who} answered this question meanwhile{arrived}. What you are typing "
                "replaces it when you save it."
            ).format(who=who, arrived=arrived),
            title=_("Answered meanwhile"),
            markup=False,
            timeout=8,
        )
        return
    value = screen.answers.get(current)  # type: ignore[arg-type]
    if getattr(pane.input, "set_value", None) is not None:
        pane.set_input(value)
    else:  # an input that cannot be set: shown anew
        pane.show_question(screen.question_set.questions[current], value)  # type: ignore[index]
    screen.notify(
        _("{who} answered this question meanwhile.").format(who=who),
        markup=False,
        timeout=4,
    )


def _said(record: AnswerRecord | None) -> tuple[object, str] | None:
    return (record.value, record.state) if record is not None else None


__all__ = ["FollowTeammates", "Reread", "reread", "show"]

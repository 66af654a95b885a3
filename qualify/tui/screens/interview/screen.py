"""The interview screen: one question at a time, every answer saved the moment it is
given, the score live beside it, and at the end the summary and the gate.

A key press never waits for the disk: each change is a write in the prospect's queue
(answers.py, :mod:`qualify.tui.saves`), done in a worker in order; the next question
follows the answer at once, the status says "saved" and the score moves when the write
comes back (``AnswerRecorded``). Beside it: keys.py, pane.py (the question), sections.py,
summary.py, live.py (teammates' answers as they arrive).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any, ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.message import Message
from textual.widgets import Button, Header, OptionList, Static

from qualify.core.questionnaire.texts import localize
from qualify.core.words import one_line, visible
from qualify.i18n import _, error_text
from qualify.tui.messages import AnswerChosen, AnswerNotSaved, AnswerRecorded
from qualify.tui.screens.base import QualifyScreen
from qualify.tui.screens.interview.answers import AnswerWriter, Unsaved, app_words
from qualify.tui.screens.interview.evidence import EvidenceActions
from qualify.tui.screens.interview.keys import BINDINGS
from qualify.tui.screens.interview.live import FollowTeammates
from qualify.tui.screens.interview.pane import QuestionPane, status_lines, where_line
from qualify.tui.screens.interview.repeats import RepeatActions
from qualify.tui.screens.interview.sections import SUMMARY, SectionList
from qualify.tui.screens.interview.summary import SummaryActions, SummaryPane
from qualify.tui.widgets.footer import Footer
from qualify.tui.widgets.input_base import Navigate
from qualify.tui.widgets.score_panel import ScorePanel

if TYPE_CHECKING:
    from qualify.core.assess import Assessment
    from qualify.core.questionnaire.model import QuestionSet
    from qualify.core.records import AnswerRecord, Interview, Prospect
    from qualify.tui.saves import SaveJob, SaveQueue


class InterviewScreen(
    FollowTeammates, RepeatActions, EvidenceActions, SummaryActions, QualifyScreen
):
    """Ask the current stage's questions of one prospect (or correct an earlier stage's)."""

    CSS_PATH = "interview.tcss"
    BINDINGS: ClassVar[list[BindingType]] = BINDINGS
    FOOTER_KEYS = frozenset({"leave", "note", "source", "summary"})

    @dataclass
    class Ready(Message):
        prospect: Prospect
        interview: Interview
        question_set: QuestionSet
        assessment: Assessment

    @dataclass
    class Failed(Message):
        error: str

    def __init__(
        self, prospect_id: str, *, question_id: str | None = None, stage: str | None = None
    ) -> None:
        super().__init__()
        self.prospect_id = prospect_id
        """The prospect being interviewed."""
        self.correcting = stage
        """An earlier stage whose interview is corrected (from the timeline); None: the
        current stage's. Set to None once opened if it is the current stage after all."""
        self.start_at = question_id
        """Open on this question (from the agenda) instead of the first unanswered one."""
        self.question_set: QuestionSet | None = None
        """The set as the interview is taken (its snapshot)."""
        self.assessment: Assessment | None = None
        """The latest score and gate, as on disk."""
        self.order: list[str] = []
        """Every question id in the order asked."""
        self.shown_ids: dict[str, bool] = {}
        """Question id → shown under the answers given."""
        self.current: str | None = None
        """The question on screen, or SUMMARY."""
        self.saved_at: dict[str, datetime] = {}
        """Question id → when this session saved its answer."""
        self.writer: AnswerWriter | None = None
        """Builds this interview's writes (once it is open)."""
        self.unsaved = Unsaved()
        """The writes on their way to disk."""
        self.repeat_at: dict[str, int] = {}
        """Repeated section id → the repeat on screen (0: the first); see repeats.py."""
        self.repeats_added: dict[str, int] = {}
        """Repeated section id → repeats to show at least (added here, not answered yet)."""

    # ------------------------------------------------------------------ layout
    def compose(self) -> ComposeResult:
        yield Header(icon="◆")
        with Horizontal(id="layout"):
            with Vertical(id="nav"):
                yield Static(_("Sections"), classes="heading")
                yield SectionList(id="sections")
            with Vertical(id="card"):
                yield QuestionPane(id="question-pane")
                yield SummaryPane(id="summary-pane")
                with Horizontal(id="card-buttons"):
                    yield Button("◀ " + _("Back") + "  PgUp", id="go-back", compact=True)
                    yield Button(_("Note"), id="go-note", compact=True)
                    yield Button(
                        "PgDn  " + _("Next") + " ▶", id="go-next", compact=True, variant="primary"
                    )
            with VerticalScroll(id="side"):
                yield Static(_("Live score"), classes="heading")
                yield ScorePanel(id="live-score")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.sub_title = _("Interview")
        self.start()

    @work(thread=True, exclusive=True, exit_on_error=False, group="interview")
    def start(self) -> None:
        """Open (or resume) the stage's interview: one snapshot read, one score; after the
        answers still being written (this interview left a moment ago) are on disk."""
        from qualify.core.errors import QualifyError
        from qualify.tui.screens.interview.answers import focused

        q = self.qualifier
        self.saves.wait_idle()
        try:
            prospect = q.store.get_prospect(self.prospect_id)
            if self.correcting is not None and self.correcting != prospect.stage:
                interview = q.past_interview(prospect, self.correcting)
                assessment = focused(q.assess(prospect, interview), interview.id)
            else:
                self.correcting = None
                interview = q.open_interview(prospect)
                assessment = q.assess(prospect, interview)
            qs = q.snapshot(interview)
            if prospect.language and not getattr(self.app, "language_forced", False):
                qs = localize(qs, prospect.language, qs.language)  # the prospect's own
        except QualifyError as exc:
            self.post_message(self.Failed(app_words(error_text(exc))))
            return
        self.post_message(self.Ready(prospect, interview, qs, assessment))

    @on(Failed)
    def _failed(self, event: Failed) -> None:  # the words are the app's (app_words)
        self.notify(
            event.error, title=_("Cannot interview"), severity="error", markup=False, timeout=10
        )
        self.app.pop_screen()

    @on(Ready)
    def _ready(self, event: Ready) -> None:
        self.question_set = qs = event.question_set
        self.order = list(qs.questions)
        self.writer = AnswerWriter(
            self.qualifier,
            event.prospect,
            event.assessment,
            self,
            key_of=self.key_of,
            stage=self.correcting,
        )
        self.prospects_changed(self.prospect_id)
        titles = self.workspace.stage_titles()
        stage = self.correcting or event.prospect.stage
        fixing = (
            " · " + _("correcting: changes are marked in the history") if self.correcting else ""
        )
        self.set_class(self.correcting is not None, "-correcting")
        name = visible(event.prospect.name, one_line=True)
        self.sub_title = f"{name} · {titles.get(stage, qs.title)}{fixing}"
        self._apply(event.assessment)
        target = self.start_at
        if target is not None and target not in self._visible_order():
            if target in qs.questions:
                self.notify(
                    _(
                        "That question is not asked of this prospect any more (its condition "
                        "is false): starting at the first open one."
                    ),
                    severity="warning",
                )
            target = None
        self.go(target or self._first_unanswered())

    # ------------------------------------------------------------------ state
    @property
    def saves(self) -> SaveQueue:
        """The prospect's queue of writes (shared with any other screen writing for it)."""
        return self.host.saves.for_prospect(self.prospect_id)

    @property
    def all_saved(self) -> bool:
        """Every change given on this screen has come back from the disk."""
        return self.unsaved.empty

    @property
    def answers(self) -> dict[str, Any]:
        """Question id → answer value (answered ones only), the ones being written too; a
        repeated section's questions by the repeat on screen."""
        by_key = self.saved_by_key()
        saved = {qid: by_key[self.key_of(qid)] for qid in self.order if self.key_of(qid) in by_key}
        return self.unsaved.overlay(saved)

    def _stored_answer(self, qid: str) -> AnswerRecord | None:
        """The answer as on disk."""
        interview = self.assessment.interview if self.assessment else None
        return interview.answers.get(self.key_of(qid)) if interview else None

    def _apply(self, assessment: Assessment) -> None:
        """Take a fresh assessment: visibility, score panel, sections list."""
        self.assessment = assessment
        self._follow_answers()
        titles = self.workspace.stage_titles()
        flags = self.query_one("#live-score", ScorePanel).show_assessment(assessment, titles)
        self.query_one(QuestionPane).show_score(assessment.breakdown, flags)
        self._update_sections()
        if self.current == SUMMARY:
            self._show_summary()

    def _follow_answers(self) -> None:
        """Which questions are asked, under the answers given (saved or on their way)."""
        breakdown = self.assessment.breakdown if self.assessment else None
        if breakdown is not None and not self.unsaved.values:
            self.shown_ids = self.shown_now(breakdown.visibility)
        elif self.question_set is not None:
            from qualify.core.scoring import visible_questions

            shown = visible_questions(
                self.question_set, self.answers_by_key(), repeats=self.repeats_added
            )
            self.shown_ids = self.shown_now(shown)

    def _visible_order(self) -> list[str]:
        return [qid for qid in self.order if self.shown_ids.get(qid, True)]

    def _first_unanswered(self) -> str:
        return self.first_unanswered() or SUMMARY

    def _update_sections(self) -> None:
        qs = self.question_set
        breakdown = self.assessment.breakdown if self.assessment else None
        if qs is None or breakdown is None:
            return
        section = qs.section_of[self.current].id if self.current in qs.section_of else None
        self.query_one(SectionList).show(breakdown, section, self.current == SUMMARY)

    # ------------------------------------------------------------------ navigation
    def go(self, qid: str) -> None:
        """Show a question (or the summary)."""
        self.save_pending()
        self.unsaved.errors.clear()  # the previous answers stand; the status says so no more
        self.current = qid
        if qid == SUMMARY:
            self.set_class(True, "-summary")
            self._show_summary()
            self._update_sections()
            # Nothing that moves the prospect has the focus: Enter here does nothing.
            self.query_one(SummaryPane).focus()
            self.refresh_bindings()
            return
        self.set_class(False, "-summary")
        qs = self.question_set
        assert qs is not None
        self._render_where()
        question = qs.questions[qid]
        value = self._calculated(qid) if not question.answerable else self.answers.get(qid)
        self.query_one(QuestionPane).show_question(question, value)
        self._update_status()
        self._update_sections()
        self.refresh_bindings()

    def _calculated(self, qid: str) -> Any:
        """What a calculated question's formula gives on the saved answers (None: an input
        is missing)."""
        breakdown = self.assessment.breakdown if self.assessment else None
        line = breakdown.question(qid) if breakdown is not None else None
        return line.value if line is not None and line.answered else None

    def save_pending(self) -> None:
        """Save a typed number or text now, before the question changes, the interview
        is left or the app quits (a message posted then would be dropped with the screen)."""
        pending = self.query_one(QuestionPane).take_pending()
        if pending is None:
            return
        question, changed, value, problem = pending
        if changed:
            self._put_answer(question.id, value)
        elif problem:
            self.notify(
                _("{question} — {problem}; the previous answer stands.").format(
                    question=question.text, problem=problem
                ),
                title=_("Not saved"),
                severity="warning",
                markup=False,
            )

    def step(self, delta: int) -> None:
        visible = self._visible_order()
        if self.current == SUMMARY:
            if delta < 0 and visible:
                self.go(visible[-1])
            return
        if self.current not in visible:
            # the question was hidden by an answer: continue from its place in the set
            index = self.order.index(self.current) if self.current in self.order else -1
            after = [q for q in self.order[index + 1 :] if self.shown_ids.get(q, True)]
            before = [q for q in self.order[:index] if self.shown_ids.get(q, True)]
            target = (
                (after[0] if after else SUMMARY) if delta > 0 else (before[-1] if before else None)
            )
            if target:
                self.go(target)
            return
        if self.step_repeat(delta, visible):
            return
        index = visible.index(self.current) + delta
        if index >= len(visible):
            self.go(SUMMARY)
        elif index >= 0:
            self.go(visible[index])

    @on(Navigate)
    def _navigate(self, event: Navigate) -> None:
        event.stop()
        self.step(event.step)
        self.query_one(QuestionPane).settle()

    def action_next(self) -> None:
        self.save_pending()
        self.step(1)

    def action_back(self) -> None:
        self.save_pending()
        self.step(-1)

    def action_sections(self) -> None:
        self.set_class(True, "-show-nav")
        sections = self.query_one(SectionList)
        # Start on the section of the question on screen, so ↑/↓ count from where you are.
        qs = self.question_set
        here = SUMMARY if self.current == SUMMARY else None
        if here is None and qs is not None and self.current in qs.section_of:
            here = qs.section_of[self.current].id
        sections.highlight_id(here)
        sections.focus()

    def action_summary(self) -> None:
        self.go(SUMMARY)

    @on(OptionList.OptionSelected, "#sections")
    def _jump(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.set_class(False, "-show-nav")
        target = event.option.id
        if target == SUMMARY or self.question_set is None:
            self.go(SUMMARY)
            return
        section = next(s for s in self.question_set.sections if s.id == target)
        ids = [q.id for q in section.questions if self.shown_ids.get(q.id, True)]
        answers = self.answers
        pending = [q for q in ids if q not in answers]
        if ids:
            self.go((pending or ids)[0])

    def action_leave(self) -> None:
        """Back to the prospect at once; answers still being written get there on their own."""
        if self.has_class("-show-nav"):
            self.set_class(False, "-show-nav")
            self.query_one(QuestionPane).focus_input()
            return
        self.save_pending()
        self.app.pop_screen()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        on_summary = self.current == SUMMARY
        if action in ("advance", "keep_dating", "decline", "meeting"):
            return on_summary and self.correcting is None
        if action in ("note", "source", "clear", "state", "sections", "evidence"):
            return not on_summary and self.current is not None
        if action == "repeat":
            return self.repeated_section(self.current) is not None
        if action in ("summary", "next"):
            return not on_summary
        return True

    # ------------------------------------------------------------------ answers
    @on(AnswerChosen)
    def _answer(self, event: AnswerChosen) -> None:
        event.stop()
        self._put_answer(event.question_id, event.value)
        if event.advance and event.question_id == self.current:
            self.step(1)
        if event.advance:
            self.query_one(QuestionPane).settle()

    def _put_answer(self, qid: str, value: Any) -> None:
        record = self._stored_answer(qid)
        if (  # the same answer again (Enter to move on): nothing to write
            not self.unsaved.saving(qid)
            and record is not None
            and record.state == "answered"
            and value is not None
            and record.value == value
        ):
            return
        if self.writer is not None:
            self._put(qid, self.writer.answer(qid, value), value)

    def _put(self, qid: str, job: SaveJob, *value: Any) -> None:
        """Send a write on its way; `value`, if given, is the answer it leaves."""
        self.unsaved.put(qid, *value)
        self.saves.put(job)
        if value:
            self._follow_answers()
        if qid == self.current:
            self._render_where()
            self._update_status()

    def action_clear(self) -> None:
        """Withdraw the answer to the question on screen."""
        if self.writer is not None and self.current not in (None, SUMMARY):
            self.query_one(QuestionPane).set_input(None)
            self._put(self.current, self.writer.withdraw(self.current), None)

    def action_state(self, state: str) -> None:
        """Mark the question unknown (ask next time) or declined; the same key undoes it."""
        if self.writer is not None and self.current not in (None, SUMMARY):
            self.query_one(QuestionPane).set_input(None)
            self._put(self.current, self.writer.mark(self.current, state), None)

    def action_source(self) -> None:
        """How sure the answer is: stated → verified → estimated."""
        if self.writer is None or self.current in (None, SUMMARY):
            return
        if self.answers.get(self.current) is None:
            self.notify(
                _("Answer the question first, then mark how sure it is."), severity="warning"
            )
            return
        self._put(self.current, self.writer.next_source(self.current))

    def action_note(self) -> None:
        from qualify.tui.modals.note import NotePrompt

        if self.writer is None or self.current in (None, SUMMARY) or self.question_set is None:
            return
        qid, writer = self.current, self.writer
        record = self._stored_answer(qid)

        def done(note: str | None) -> None:
            if note is not None:
                self._put(qid, writer.note(qid, note))

        text = one_line(self.question_set.questions[qid].text, 100)
        self.app.push_screen(NotePrompt(text, record.note if record else "", keep=done), done)

    # ------------------------------------------------------------------ written
    @on(AnswerRecorded)
    def _recorded(self, event: AnswerRecorded) -> None:
        """A write is on disk: show the answer scored (only now does the status say saved)."""
        event.stop()
        qid = event.question_id
        waiting = self.unsaved.done(qid)
        self.saved_at[qid] = datetime.now().astimezone()
        self._apply(event.assessment)
        if qid == self.current:
            if event.restored and not self.unsaved.saving(qid):  # F7/F8 again: the answer
                self.query_one(QuestionPane).set_input(self.answers.get(qid))
            self._render_where()
            self._update_status()
        qs = self.question_set
        current = qs.questions.get(self.current) if qs is not None else None
        if current is not None and not current.answerable:  # its inputs may have changed
            self.query_one(QuestionPane).set_input(self._calculated(self.current))
        if event.notice:
            self.notify(event.notice, timeout=2)
        for then in waiting:
            then()

    @on(AnswerNotSaved)
    def _not_saved(self, event: AnswerNotSaved) -> None:
        event.stop()
        qid = event.question_id
        waiting = self.unsaved.done(qid, event.error)
        self.notify(event.error, title=_("Not saved"), severity="error", markup=False)
        self._follow_answers()
        if qid == self.current:
            if not self.unsaved.saving(qid):  # the input shows the answer that stands
                self.query_one(QuestionPane).set_input(self.answers.get(qid))
            self._render_where()
            self._update_status()
        for then in waiting:
            then()

    def after_saves(self, then: Callable[[], object]) -> None:
        """Run `then` once every change given so far is on disk (at once if it is)."""
        if not self.unsaved.after(then):
            then()

    def _render_where(self) -> None:
        """ "Section · n of m" and the question's tags; n and m change with visibility."""
        if self.current in (None, SUMMARY) or self.question_set is None:
            return
        stage = self.assessment.stage if self.assessment else None
        self.query_one(QuestionPane).show_where(
            where_line(
                self.question_set,
                self.current,
                self._visible_order(),
                stage,
                self._stored_answer(self.current),
                self.repeat_words(self.current),
            )
        )

    def _update_status(self) -> None:
        pane = self.query_one(QuestionPane)
        qid = self.current
        if qid is None or qid == SUMMARY or self.question_set is None:
            pane.show_status("")
            return
        pane.show_status(
            status_lines(
                self.question_set,
                qid,
                self._stored_answer(qid),
                self.assessment.breakdown if self.assessment else None,
                saved_at=self.saved_at.get(qid),
                error=self.unsaved.errors.get(qid),
                saving=self.unsaved.saving(qid),
            )
        )

    # ------------------------------------------------------------------ summary
    def _show_summary(self) -> None:
        a = self.assessment
        qs = self.question_set
        if a is None or qs is None:
            return
        self.query_one(SummaryPane).show(
            a,
            qs,
            self.workspace.catalog.pipeline,
            self._visible_order(),
            self.answers_by_key(),
            correcting=self.correcting is not None,
        )

    @on(Button.Pressed, "#do-advance, #do-keep, #do-decline, #do-meeting")
    def _press_move(self, event: Button.Pressed) -> None:
        moves = {"do-advance": self.action_advance, "do-keep": self.action_keep_dating}
        moves |= {"do-decline": self.action_decline, "do-meeting": self.action_meeting}
        moves[event.button.id or ""]()

    def action_undo(self) -> None:
        """ctrl+z: this interview's latest answer, never a move (the prospect's ctrl+z)."""
        from qualify.tui import moves

        self.save_pending()
        stage = self.assessment.prospect.stage if self.assessment else None

        def done() -> None:  # closed if the prospect was moved meanwhile
            try:
                now = self.qualifier.store.get_prospect(self.prospect_id).stage
            except Exception:  # the prospect screen says what went wrong
                now = None
            if self.correcting is None and now != stage:
                self._moved()
                return
            self.start_at = self.current if self.current != SUMMARY else None
            self.start()

        def undo() -> None:  # the interview as the writes left it (the first one starts it)
            here = self.assessment.interview if self.assessment else None
            moves.undo(self, self.prospect_id, done, getattr(here, "id", ""))

        self.after_saves(undo)

    @on(Button.Pressed, "#go-next, #go-back, #go-note")
    def _press_nav(self, event: Button.Pressed) -> None:
        buttons = {
            "go-next": self.action_next,
            "go-back": self.action_back,
            "go-note": self.action_note,
        }
        buttons[event.button.id or ""]()

"""The interview screen: one question at a time, every answer saved the moment it is
given, the score live beside it, and at the end the summary and the gate.

Work per key press is kept small: one ``Qualifier.record`` (validate, score, one
atomic write) and in-place updates of the panels; the input widget is swapped only
when the question changes. Beside this module: the question pane's words (pane.py),
the sections list (sections.py) and the summary (summary.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any, ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.message import Message
from textual.widgets import Button, Footer, Header, OptionList, Static

from qualify.tui.format import one_line
from qualify.tui.messages import AnswerChosen, AnswerRecorded
from qualify.tui.screens.base import QualifyScreen
from qualify.tui.screens.interview.keys import BINDINGS
from qualify.tui.screens.interview.pane import (
    SOURCE_WORDS,
    SOURCES,
    STATE_WORDS,
    QuestionPane,
    status_lines,
    where_line,
)
from qualify.tui.screens.interview.sections import SUMMARY, SectionList
from qualify.tui.screens.interview.summary import SummaryPane
from qualify.tui.widgets.question_inputs import Navigate
from qualify.tui.widgets.score_panel import ScorePanel
from qualify.workflow.qualifier import answer_sources

if TYPE_CHECKING:
    from qualify.core.questionnaire.model import QuestionSet
    from qualify.core.records import AnswerRecord, Interview, Prospect
    from qualify.workflow.qualifier import Assessment


class InterviewScreen(QualifyScreen):
    """Ask the current stage's questions of one prospect."""

    CSS_PATH = "interview.tcss"
    BINDINGS: ClassVar[list[BindingType]] = BINDINGS

    @dataclass
    class Ready(Message):
        prospect: Prospect
        interview: Interview
        question_set: QuestionSet
        assessment: Assessment

    @dataclass
    class Failed(Message):
        error: str

    def __init__(self, prospect_id: str, *, question_id: str | None = None) -> None:
        super().__init__()
        self.prospect_id = prospect_id
        """The prospect being interviewed."""
        self.start_at = question_id
        """Open on this question (from the agenda) instead of the first unanswered one."""
        self.prospect: Prospect | None = None
        self.question_set: QuestionSet | None = None
        """The set as the interview is taken (its snapshot)."""
        self.assessment: Assessment | None = None
        """The latest score and gate."""
        self.order: list[str] = []
        """Every question id in the order asked."""
        self.shown_ids: dict[str, bool] = {}
        """Question id → shown under the current answers."""
        self.current: str | None = None
        """The question on screen, or SUMMARY."""
        self.saved_at: dict[str, datetime] = {}
        """Question id → when this session saved its answer."""

    # ------------------------------------------------------------------ layout
    def compose(self) -> ComposeResult:
        yield Header(icon="◆")
        with Horizontal(id="layout"):
            with Vertical(id="nav"):
                yield Static("Sections", classes="heading")
                yield SectionList(id="sections")
            with Vertical(id="card"):
                yield QuestionPane(id="question-pane")
                yield SummaryPane(id="summary-pane")
                with Horizontal(id="card-buttons"):
                    yield Button("◀ Back", id="go-back", compact=True)
                    yield Button("Note", id="go-note", compact=True)
                    yield Button("Next ▶", id="go-next", compact=True, variant="primary")
            with VerticalScroll(id="side"):
                yield Static("Live score", classes="heading")
                yield ScorePanel(id="live-score")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.sub_title = "Interview"
        self.start()

    @work(thread=True, exclusive=True, exit_on_error=False, group="interview")
    def start(self) -> None:
        """Open (or resume) the stage's interview: one snapshot read, one score."""
        from qualify.core.errors import QualifyError

        q = self.qualifier
        try:
            prospect = q.store.get_prospect(self.prospect_id)
            interview = q.open_interview(prospect)
            qs = q.snapshot(interview)
            assessment = q.assess(prospect, interview)
        except QualifyError as exc:
            self.post_message(self.Failed(str(exc)))
            return
        self.post_message(self.Ready(prospect, interview, qs, assessment))

    @on(Failed)
    def _failed(self, event: Failed) -> None:
        self.notify(
            event.error, title="Cannot interview", severity="error", markup=False, timeout=10
        )
        self.app.pop_screen()

    @on(Ready)
    def _ready(self, event: Ready) -> None:
        self.prospect = event.prospect
        self.question_set = qs = event.question_set
        self.order = list(qs.questions)
        self.prospects_changed(self.prospect_id)
        titles = self.workspace.stage_titles()
        self.sub_title = f"{event.prospect.name} · {titles.get(event.prospect.stage, qs.title)}"
        self._apply(event.assessment)
        target = self.start_at
        if target is not None and target not in self._visible_order():
            if target in qs.questions:
                self.notify(
                    "That question is not asked of this prospect any more (its condition "
                    "is false): starting at the first open one.",
                    severity="warning",
                )
            target = None
        self.go(target or self._first_unanswered())

    # ------------------------------------------------------------------ state
    @property
    def answers(self) -> dict[str, Any]:
        """Question id → answer value (answered ones only)."""
        interview = self.assessment.interview if self.assessment else None
        if interview is None:
            return {}
        return {
            qid: rec.value
            for qid, rec in interview.answers.items()
            if rec.state == "answered" and rec.value is not None
        }

    def _record(self, qid: str) -> AnswerRecord | None:
        interview = self.assessment.interview if self.assessment else None
        return interview.answers.get(qid) if interview else None

    def _apply(self, assessment: Assessment) -> None:
        """Take a fresh assessment: visibility, score panel, sections list."""
        self.assessment = assessment
        breakdown = assessment.breakdown
        if breakdown is not None:
            self.shown_ids = {q.id: q.visible for s in breakdown.sections for q in s.questions}
        else:
            from qualify.core.scoring import visible_questions

            self.shown_ids = visible_questions(self.question_set, self.answers)
        self.query_one("#live-score", ScorePanel).show(
            breakdown, assessment.question_set, answer_sources(assessment.interview)
        )
        self._update_sections()
        if self.current == SUMMARY:
            self._show_summary()

    def _visible_order(self) -> list[str]:
        return [qid for qid in self.order if self.shown_ids.get(qid, True)]

    def _first_unanswered(self) -> str:
        answers = self.answers
        for qid in self._visible_order():
            if qid not in answers:
                return qid
        return SUMMARY

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
        self.current = qid
        if qid == SUMMARY:
            self.set_class(True, "-summary")
            self._show_summary()
            self._update_sections()
            self.query_one("#do-advance", Button).focus()
            self.refresh_bindings()
            return
        self.set_class(False, "-summary")
        qs = self.question_set
        assert qs is not None
        self._render_where()
        record = self._record(qid)
        value = record.value if record is not None and record.state == "answered" else None
        self.query_one(QuestionPane).show_question(qs.questions[qid], value)
        self._update_status()
        self._update_sections()
        self.refresh_bindings()

    def save_pending(self) -> None:
        """Save a typed number or text now, before the question changes, the interview
        is left or the app quits (a message posted then would be dropped with the screen)."""
        pending = self.query_one(QuestionPane).take_pending()
        if pending is None:
            return
        question, changed, value, problem = pending
        if changed:
            self._save(question.id, value)
        elif problem:
            self.notify(
                f"{question.text} — {problem}; the previous answer stands.",
                title="Not saved",
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
        index = visible.index(self.current) + delta
        if index >= len(visible):
            self.go(SUMMARY)
        elif index >= 0:
            self.go(visible[index])

    @on(Navigate)
    def _navigate(self, event: Navigate) -> None:
        event.stop()
        self.step(event.step)

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
        if self.has_class("-show-nav"):
            self.set_class(False, "-show-nav")
            self.query_one(QuestionPane).focus_input()
            return
        self.save_pending()
        self.app.pop_screen()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        on_summary = self.current == SUMMARY
        if action in ("advance", "keep_dating", "decline"):
            return on_summary
        if action in ("note", "source", "clear", "state", "sections"):
            return not on_summary and self.current is not None
        if action in ("summary", "next"):
            return not on_summary
        return True

    # ------------------------------------------------------------------ answers
    @on(AnswerChosen)
    def _answer(self, event: AnswerChosen) -> None:
        event.stop()
        if not self._save(event.question_id, event.value):
            return
        if event.advance and event.question_id == self.current:
            self.step(1)

    def _save(
        self, qid: str, value: Any, *, source: str | None = None, state: str = "answered"
    ) -> bool:
        """Record one answer (on disk when this returns) and refresh the panels."""
        from qualify.core.errors import QualifyError
        from qualify.core.questionnaire import AnswerInput

        if self.prospect is None:
            return False
        q = self.qualifier
        previous = self._record(qid)
        try:
            if state == "answered" and (value is None or value == []):
                if previous is None or (previous.value is None and previous.state == "answered"):
                    return True
                assessment = q.clear_answer(self.prospect, qid)
            else:
                assessment = q.record(
                    self.prospect,
                    [
                        AnswerInput(
                            question_id=qid,
                            value=value if state == "answered" else None,
                            state=state,  # type: ignore[arg-type]
                            source=source or (previous.source if previous else "stated"),  # type: ignore[arg-type]
                            note=previous.note if previous else "",
                        )
                    ],
                )
        except QualifyError as exc:
            self.notify(str(exc), title="Not saved", severity="error", markup=False)
            self._update_status(error=str(exc))
            return False
        except OSError as exc:
            self.notify(f"Not saved: {exc.strerror or exc}", severity="error", markup=False)
            self._update_status(error=str(exc.strerror or exc))
            return False
        self.saved_at[qid] = datetime.now().astimezone()
        self._apply(assessment)
        if qid == self.current:
            self._update_status()
            self._render_where()
        self.post_message(AnswerRecorded(qid, assessment))
        return True

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
                self._record(self.current),
            )
        )

    def _update_status(self, error: str | None = None) -> None:
        pane = self.query_one(QuestionPane)
        if self.current in (None, SUMMARY) or self.question_set is None:
            pane.show_status("")
            return
        pane.show_status(
            status_lines(
                self.question_set,
                self.current,
                self._record(self.current),
                self.assessment.breakdown if self.assessment else None,
                saved_at=self.saved_at.get(self.current),
                error=error,
            )
        )

    def action_clear(self) -> None:
        if self.current in (None, SUMMARY):
            return
        if self._save(self.current, None):
            self._reset_input()

    def action_state(self, state: str) -> None:
        """Mark the question unknown (ask next time) or declined; the same key undoes it."""
        if self.current in (None, SUMMARY):
            return
        qid = self.current
        record = self._record(qid)
        if record is not None and record.state == state:
            if self._save(qid, None):  # undo: back to unanswered
                self._reset_input()
                self.notify("Back to unanswered.", timeout=2)
            return
        if self._save(qid, None, state=state):
            self._reset_input()
            self.notify(STATE_WORDS[state] + ".", timeout=2)

    def _reset_input(self) -> None:
        self.query_one(QuestionPane).reset_input()
        self._update_status()

    def action_source(self) -> None:
        if self.current in (None, SUMMARY):
            return
        record = self._record(self.current)
        if record is None or record.value is None:
            self.notify("Answer the question first, then mark how sure it is.", severity="warning")
            return
        nxt = (
            SOURCES[(SOURCES.index(record.source) + 1) % len(SOURCES)]
            if record.source in SOURCES
            else "stated"
        )
        if self._save(self.current, record.value, source=nxt):
            self.notify(f"Source: {SOURCE_WORDS[nxt]}", timeout=2)

    def action_note(self) -> None:
        from qualify.tui.modals.note import NotePrompt

        if self.current in (None, SUMMARY) or self.question_set is None or self.prospect is None:
            return
        qid = self.current
        record = self._record(qid)
        question = self.question_set.questions[qid]

        def done(note: str | None) -> None:
            from qualify.core.errors import QualifyError

            if note is None or self.prospect is None:
                return
            try:
                assessment = self.qualifier.set_note(self.prospect, qid, note)
            except QualifyError as exc:
                self.notify(str(exc), title="Note not saved", severity="error", markup=False)
                return
            self._apply(assessment)
            self._update_status()
            self.notify("Note saved." if note else "Note removed.", timeout=2)

        self.app.push_screen(
            NotePrompt(one_line(question.text, 100), record.note if record else "", keep=done),
            done,
        )

    # ------------------------------------------------------------------ summary
    def _show_summary(self) -> None:
        a = self.assessment
        qs = self.question_set
        if a is None or qs is None:
            return
        self.query_one(SummaryPane).show(
            a, qs, self.workspace.catalog.pipeline, self._visible_order(), self.answers
        )

    @on(Button.Pressed, "#do-advance")
    def action_advance(self) -> None:
        from qualify.tui import moves

        self.save_pending()
        moves.advance(self, self.prospect_id, self._moved)

    @on(Button.Pressed, "#do-keep")
    def action_keep_dating(self) -> None:
        self.notify(
            "Staying at this stage: the interview stays open for the next meeting.", timeout=3
        )
        self.app.pop_screen()

    @on(Button.Pressed, "#do-decline")
    def action_decline(self) -> None:
        from qualify.tui import moves

        breakdown = self.assessment.breakdown if self.assessment else None
        reason = breakdown.knockouts[0].reason if breakdown and breakdown.knockouts else None
        moves.decline(self, self.prospect_id, self._moved, knockout_reason=reason)

    def _moved(self) -> None:
        if self.is_current:
            self.app.pop_screen()

    @on(Button.Pressed, "#go-next")
    def _button_next(self) -> None:
        self.action_next()

    @on(Button.Pressed, "#go-back")
    def _button_back(self) -> None:
        self.action_back()

    @on(Button.Pressed, "#go-note")
    def _button_note(self) -> None:
        self.action_note()

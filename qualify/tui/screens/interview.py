"""The interview: one question at a time, every answer saved the moment it is given,
the score live beside it, and at the end the summary and the gate.

Work per key press is kept small: one ``Qualifier.record`` (validate, score, one
atomic write) and in-place updates of the panels; the input widget is swapped only
when the question changes.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any, ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.message import Message
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Button, Footer, Header, OptionList, Static
from textual.widgets.option_list import Option

from qualify.core.gates import needs_evidence
from qualify.tui.format import TYPE_WORDS, fmt_answer, fmt_time, one_line
from qualify.tui.messages import AnswerChosen, AnswerRecorded, GateEvaluated
from qualify.tui.widgets.gate_checklist import GateChecklist
from qualify.tui.widgets.question_inputs import HINTS, Navigate, make_input
from qualify.tui.widgets.score_panel import ScorePanel
from qualify.workflow.qualifier import answer_sources

if TYPE_CHECKING:
    from qualify.core.assess import Assessment
    from qualify.core.questionnaire.model import Question, QuestionSet
    from qualify.core.records import Interview, Prospect
    from qualify.tui.app import QualifyApp

SUMMARY = "__summary__"
"""Id of the "Summary and gate" entry of the sections list."""

SOURCES: tuple[str, ...] = ("stated", "verified", "estimated")
STATE_WORDS: dict[str, str] = {
    "unknown": "Unknown: ask next time",
    "declined": "Declined to answer",
}
"""Answer states other than `answered`, as the interviewer reads them."""

SOURCE_WORDS: dict[str, str] = {
    "stated": "stated by the prospect",
    "verified": "verified (evidence seen)",
    "estimated": "estimated by you",
}


class InterviewScreen(Screen[None]):
    """Ask the current stage's questions of one prospect."""

    CSS_PATH = "interview.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "escape",
            "leave",
            "Leave",
            tooltip="Back to the prospect; every answer is already saved",
            id="interview.leave",
        ),
        Binding(
            "pagedown", "next", "Next", tooltip="Next question (or skip it)", id="interview.next"
        ),
        Binding("pageup", "back", "Back", tooltip="Previous question", id="interview.back"),
        # Letters where no input takes them; F-keys (priority) work on every question type.
        Binding(
            "f2",
            "note",
            "Note",
            tooltip="Attach a note to this question",
            priority=True,
            id="interview.note",
        ),
        Binding("n", "note", "Note", show=False, id="interview.note_letter"),
        Binding(
            "f6",
            "source",
            "Source",
            tooltip="How sure: stated → verified (evidence seen) → estimated",
            priority=True,
            id="interview.source",
        ),
        Binding("v", "source", "Source", show=False, id="interview.source_letter"),
        Binding(
            "f7",
            "state('unknown')",
            "Unknown",
            show=False,
            tooltip="Unknown: ask next time (the interview resumes here)",
            priority=True,
            id="interview.unknown",
        ),
        Binding("u", "state('unknown')", "Unknown", show=False, id="interview.unknown_letter"),
        Binding(
            "f8",
            "state('declined')",
            "Won't say",
            show=False,
            tooltip="The prospect declined to answer",
            priority=True,
            id="interview.declined",
        ),
        Binding("w", "state('declined')", "Won't say", show=False, id="interview.declined_letter"),
        Binding(
            "x,delete",
            "clear",
            "Clear",
            show=False,
            tooltip="Withdraw the answer to this question",
            id="interview.clear",
        ),
        Binding(
            "f3",
            "sections",
            "Sections",
            tooltip="Jump to a section (the list shows what is answered)",
            priority=True,
            id="interview.sections",
        ),
        Binding("g", "sections", "Sections", show=False, id="interview.sections_letter"),
        Binding(
            "f4",
            "summary",
            "Summary",
            tooltip="The summary and the gate",
            priority=True,
            id="interview.summary",
        ),
        Binding("f", "summary", "Summary", show=False, id="interview.summary_letter"),
        Binding(
            "a",
            "advance",
            "Advance",
            tooltip="Move to the next stage (override with a reason if the gate is not met)",
            id="interview.advance",
        ),
        Binding(
            "k",
            "keep_dating",
            "Keep dating",
            tooltip="Stay at this stage and meet again",
            id="interview.keep_dating",
        ),
        Binding(
            "d", "decline", "Decline", tooltip="Part ways, with a reason", id="interview.decline"
        ),
    ]

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
        self.saved_at: dict[str, Any] = {}
        self._input: Widget | None = None
        self._section_marks: list[tuple[object, ...]] = []
        """What the sections list shows, line by line, to redraw only what changed."""

    @property
    def qualify_app(self) -> QualifyApp:
        return self.app  # type: ignore[return-value]

    # ------------------------------------------------------------------ layout
    def compose(self) -> ComposeResult:
        yield Header(icon="◆")
        with Horizontal(id="layout"):
            with Vertical(id="nav"):
                yield Static("Sections", classes="heading")
                yield OptionList(id="sections")
            with Vertical(id="card"):
                with VerticalScroll(id="question-pane"):
                    yield Static("Opening the interview…", id="where")
                    yield Static("", id="question")
                    yield Static("", id="help")
                    yield Vertical(id="input-slot")
                    yield Static("", id="keys-hint")
                    yield Static("", id="status")
                with VerticalScroll(id="summary-pane"):
                    yield Static("", id="summary-title")
                    yield ScorePanel(id="summary-score")
                    yield Static("Gate", classes="heading", id="summary-gate-heading")
                    yield GateChecklist(id="summary-gate")
                    yield Static("", id="summary-open")
                    with Horizontal(id="summary-actions"):
                        yield Button("Advance  (a)", id="do-advance", variant="success")
                        yield Button("Keep dating  (k)", id="do-keep", variant="primary")
                        yield Button("Decline  (d)", id="do-decline", variant="error")
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

        q = self.qualify_app.workspace.qualifier
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
        self.qualify_app.mark_changed()
        titles = self.qualify_app.workspace.stage_titles()
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

    def _key(self, qid: str) -> str:
        """Where the answer to `qid` is kept: a repeated section's first repeat here
        (more repeats are answered from the command line or an answer file)."""
        qs = self.question_set
        if qs is not None and qid in qs.repeat_of:
            from qualify.core.questionnaire.model import repeat_key

            return repeat_key(qs.repeat_of[qid], 0, qid)
        return qid

    def _record(self, qid: str):
        interview = self.assessment.interview if self.assessment else None
        return interview.answers.get(self._key(qid)) if interview else None

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
        qs = self.question_set
        for qid in self._visible_order():
            if qs is not None and not qs.questions[qid].answerable:
                continue  # calculated: nobody answers it
            if self._key(qid) not in answers:
                return qid
        return SUMMARY

    def _update_sections(self) -> None:
        qs = self.question_set
        breakdown = self.assessment.breakdown if self.assessment else None
        if qs is None or breakdown is None:
            return
        sections = self.query_one("#sections", OptionList)
        current_section = qs.section_of[self.current].id if self.current in qs.section_of else None
        prompts: list[Option] = []
        marks: list[tuple[object, ...]] = []
        for s in breakdown.sections:
            if s.visible == 0:
                mark, style = "–", "$text-muted"
            elif s.answered >= s.visible:
                mark, style = "✓", "$text-success"
            elif s.answered:
                mark, style = "◐", "$text-warning"
            else:
                mark, style = "○", "$text-muted"
            count = f"{s.answered}/{s.visible}" if s.visible else "not asked"
            title = Content.assemble(
                (f"{mark} ", style),
                (s.title, "bold" if s.id == current_section else ""),
                (f"  {count}", "$text-muted"),
            )
            prompts.append(Option(title, id=s.id, disabled=s.visible == 0))
            marks.append((s.id, mark, count, s.id == current_section, s.visible == 0))
        marks.append((SUMMARY, self.current == SUMMARY))
        prompts.append(
            Option(
                Content.assemble(
                    ("▣ ", "$text-accent"),
                    ("Summary and gate", "bold" if self.current == SUMMARY else ""),
                ),
                id=SUMMARY,
            )
        )
        highlighted = sections.highlighted
        shown = self._section_marks
        self._section_marks = marks
        if [m[0] for m in shown] == [m[0] for m in marks]:
            # Same sections: redraw only the lines that changed, so an answer does not
            # rebuild the whole list (a measurable part of key → painted score).
            for index, (before, after) in enumerate(zip(shown, marks, strict=True)):
                if before != after:
                    sections.replace_option_prompt_at_index(index, prompts[index].prompt)
                    if prompts[index].disabled:
                        sections.disable_option_at_index(index)
                    else:
                        sections.enable_option_at_index(index)
        else:
            sections.set_options(prompts)
        if highlighted is not None and not sections.has_focus:
            ids = [s.id for s in breakdown.sections] + [SUMMARY]
            target = SUMMARY if self.current == SUMMARY else current_section
            sections.highlighted = ids.index(target) if target in ids else highlighted
        elif highlighted is not None:
            sections.highlighted = highlighted

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
        question = qs.questions[qid]
        self._render_where()
        self.query_one("#question", Static).update(Content(one_line(question.text)))
        help_text = one_line(question.help)
        help_widget = self.query_one("#help", Static)
        help_widget.update(Content.styled(help_text, "italic $text-muted") if help_text else "")
        help_widget.display = bool(help_text)
        self._swap_input(question)
        self.query_one("#keys-hint", Static).update(
            Content.styled(HINTS[question.type], "$text-muted")
        )
        self._update_status()
        self._update_sections()
        self.query_one("#question-pane", VerticalScroll).scroll_home(animate=False)
        self.refresh_bindings()

    def _swap_input(self, question: Question) -> None:
        slot = self.query_one("#input-slot", Vertical)
        if self._input is not None:
            self._input.remove()
        record = self._record(question.id)
        value = record.value if record is not None and record.state == "answered" else None
        if not question.answerable:
            breakdown = self.assessment.breakdown if self.assessment else None
            line = breakdown.question(question.id) if breakdown is not None else None
            value = line.value if line is not None and line.answered else None
        self._input = make_input(question, value)
        slot.mount(self._input)
        self.call_after_refresh(self._focus_input)

    def _focus_input(self) -> None:
        if self._input is not None and self._input.is_attached:
            self._input.focus()

    def save_pending(self) -> None:
        """Save a typed number or text now, before the question changes, the interview
        is left or the app quits (a message posted then would be dropped with the screen)."""
        widget = self._input
        take = getattr(widget, "take_pending", None)
        if widget is None or not widget.is_attached or take is None:
            return
        question = widget.question  # type: ignore[attr-defined]
        changed, value, problem = take()
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
        nav = self.query_one("#nav")
        self.set_class(True, "-show-nav")
        sections = nav.query_one(OptionList)
        # Start on the section of the question on screen, so ↑/↓ count from where you are.
        qs = self.question_set
        here = SUMMARY if self.current == SUMMARY else None
        if here is None and qs is not None and self.current in qs.section_of:
            here = qs.section_of[self.current].id
        ids = [sections.get_option_at_index(i).id for i in range(sections.option_count)]
        if here in ids:
            sections.highlighted = ids.index(here)
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
            self._focus_input()
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
        q = self.qualify_app.workspace.qualifier
        previous = self._record(qid)
        key = self._key(qid)
        try:
            if state == "answered" and (value is None or value == []):
                if previous is None or (previous.value is None and previous.state == "answered"):
                    return True
                assessment = q.clear_answer(self.prospect, key)
            else:
                assessment = q.record(
                    self.prospect,
                    [
                        AnswerInput(
                            question_id=key,
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
        qs = self.question_set
        question = qs.questions[self.current]
        section = qs.section_of[self.current]
        visible = self._visible_order()
        position = visible.index(self.current) + 1 if self.current in visible else 0
        tags = []
        if question.required:
            tags.append(("required", "$text-warning"))
        stage = self.assessment.stage if self.assessment else None
        if needs_evidence(stage, qs, question.id):
            record = self._record(question.id)
            if record is not None and record.state == "answered" and record.source == "verified":
                tags.append(("✓ evidence seen", "$text-success"))
            else:
                tags.append(("⚑ needs evidence", "$text-warning"))
        tags.append((TYPE_WORDS.get(question.type, question.type), "$text-muted"))
        tag_parts: list[tuple[str, str]] = []
        for text, style in tags:
            tag_parts.append(("  ·  ", "$text-muted"))
            tag_parts.append((text, style))
        self.query_one("#where", Static).update(
            Content.assemble(
                (section.title, "bold $text-accent"),
                (f" · {position} of {len(visible)}", "bold"),
                *tag_parts,
            )
        )

    def _update_status(self, error: str | None = None) -> None:
        status = self.query_one("#status", Static)
        if self.current in (None, SUMMARY) or self.question_set is None:
            status.update("")
            return
        if error:
            status.update(
                Content.assemble(("✗ Not saved: ", "bold $text-error"), (error, "$text-error"))
            )
            return
        record = self._record(self.current)
        question = self.question_set.questions[self.current]
        parts: list[Content] = []
        if record is not None and record.state != "answered":
            word = STATE_WORDS.get(record.state, record.state)
            when = self.saved_at.get(self.current) or record.answered_at
            parts.append(
                Content.assemble(
                    ("? " if record.state == "unknown" else "– ", "bold $text-warning"),
                    (word, "bold $text-warning"),
                    ("  saved ", "$text-muted"),
                    (fmt_time(when), "$text-muted"),
                )
            )
            parts.append(
                Content.styled("Answer it to replace this (F7/F8 again to undo).", "$text-muted")
            )
        elif record is not None and record.value is not None:
            when = self.saved_at.get(self.current) or record.answered_at
            parts.append(
                Content.assemble(
                    ("✓ Saved ", "bold $text-success"),
                    (fmt_time(when), "$text-muted"),
                    ("  ", ""),
                    (one_line(fmt_answer(record.value, question), 80), ""),
                )
            )
            parts.append(
                Content.assemble(
                    ("Source: ", "$text-muted"),
                    (SOURCE_WORDS.get(record.source, record.source), "bold"),
                    ("  (F6 or v changes it)", "$text-muted"),
                )
            )
        else:
            parts.append(
                Content.styled(
                    "Not answered yet · F7 unknown (ask next time) · F8 won't say", "$text-muted"
                )
            )
        if record is not None and record.note:
            parts.append(Content.assemble(("Note: ", "bold"), one_line(record.note, 200)))
        breakdown = self.assessment.breakdown if self.assessment else None
        if breakdown is not None:
            for s in breakdown.sections:
                for qscore in s.questions:
                    if qscore.id == self.current and qscore.knockout:
                        parts.append(
                            Content.assemble(
                                ("✗ Knock-out: ", "bold $text-error"),
                                one_line(qscore.knockout, 200),
                            )
                        )
        status.update(Content("\n").join(parts))

    def action_clear(self) -> None:
        if self.current in (None, SUMMARY):
            return
        if self._save(self.current, None):
            setter = getattr(self._input, "set_value", None)
            if setter is not None:
                setter(None)
            self._update_status()

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
        setter = getattr(self._input, "set_value", None)
        if setter is not None:
            setter(None)
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
                assessment = self.qualify_app.workspace.qualifier.set_note(
                    self.prospect, self._key(qid), note
                )
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
        workspace = self.qualify_app.workspace
        pipeline = workspace.catalog.pipeline
        prospect = a.prospect
        next_stage = (
            pipeline.next_stage(prospect.stage)
            if pipeline is not None and prospect.stage in pipeline.stage_map
            else None
        )
        self.query_one("#summary-title", Static).update(
            Content.assemble(
                ("Summary · ", "bold"), (qs.title, "bold $text-accent"), (f" · {prospect.name}", "")
            )
        )
        sources = answer_sources(a.interview)
        self.query_one("#summary-score", ScorePanel).show(a.breakdown, qs, sources)
        heading = f"Gate to {next_stage.title}" if next_stage else "Gate"
        self.query_one("#summary-gate-heading", Static).update(heading)
        self.query_one("#summary-gate", GateChecklist).show(
            a.gate, next_stage.title if next_stage else None, question_set=qs, sources=sources
        )
        answers = self.answers
        open_required = [
            qid
            for qid in self._visible_order()
            if qid not in answers and qs.questions[qid].required
        ]
        open_other = [
            qid for qid in self._visible_order() if qid not in answers and qid not in open_required
        ]
        lines: list[Content] = []
        if open_required:
            lines.append(
                Content.styled(
                    f"{len(open_required)} required question(s) still open:", "bold $text-warning"
                )
            )
            for qid in open_required[:8]:
                lines.append(Content(f"  • {one_line(qs.questions[qid].text, 90)}"))
        if open_other:
            lines.append(
                Content.styled(
                    f"{len(open_other)} other question(s) not answered yet.", "$text-muted"
                )
            )
        if not lines:
            lines.append(Content.styled("Every question is answered.", "$text-success"))
        self.query_one("#summary-open", Static).update(Content("\n").join(lines))
        self.post_message(GateEvaluated(prospect.id, a.gate))

    @on(Button.Pressed, "#do-advance")
    def action_advance(self) -> None:
        from qualify.tui import moves

        self.save_pending()
        moves.advance(self.qualify_app, self.prospect_id, self._moved)

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
        moves.decline(self.qualify_app, self.prospect_id, self._moved, knockout_reason=reason)

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

"""The end of the interview: the score (with the prospect's open red flags), the gate to
the next stage, what is still open, and the three ways on (advance, keep dating,
decline; their buttons are handled by the screen)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from textual.app import ComposeResult
from textual.containers import Horizontal, VerticalScroll
from textual.content import Content
from textual.widgets import Button, Static

from qualify.core.words import meeting_words, one_line
from qualify.core.words import visible as shown
from qualify.i18n import _, counted
from qualify.tui.widgets.gate_checklist import GateChecklist
from qualify.tui.widgets.red_flags import open_flags
from qualify.tui.widgets.score_panel import ScorePanel
from qualify.workflow.checks import answer_sources

if TYPE_CHECKING:
    from qualify.core.assess import Assessment
    from qualify.core.breakdown import ScoreBreakdown
    from qualify.core.questionnaire import QuestionSet
    from qualify.core.questionnaire.model import Pipeline

LISTED_OPEN = 8
"""At most this many open required questions are named."""


class SummaryPane(VerticalScroll):
    """Summary and gate of one interview."""

    def compose(self) -> ComposeResult:
        yield Static("", id="summary-title")
        yield ScorePanel(id="summary-score")
        yield Static(_("Gate"), classes="heading", id="summary-gate-heading")
        yield GateChecklist(id="summary-gate")
        yield Static("", id="summary-open")
        yield Static("", id="summary-meeting")
        with Horizontal(id="summary-actions"):
            yield Button(_("Advance…") + "  (a)", id="do-advance", variant="success")
            yield Button(_("Keep dating") + "  (k)", id="do-keep", variant="primary")
            yield Button(_("Decline…") + "  (d)", id="do-decline", variant="error")
            yield Button(_("Next meeting…") + "  (m)", id="do-meeting")
        yield Static(
            _("Nothing moves without its key and a confirmation (Enter never moves a prospect)."),
            id="summary-keys",
        )

    def show(
        self,
        a: Assessment,
        qs: QuestionSet,
        pipeline: Pipeline | None,
        visible: Iterable[str],
        answers: Mapping[str, Any],
        *,
        correcting: bool = False,
    ) -> None:
        """Draw the assessment; `visible` are the questions asked, in order. When
        `correcting` a stage the prospect has left, its gate is history: the summary says
        where the prospect is now instead, and offers no move."""
        prospect = a.prospect
        next_stage = (
            pipeline.next_stage(prospect.stage)
            if pipeline is not None and prospect.stage in pipeline.stage_map
            else None
        )
        self.query_one("#summary-title", Static).update(
            Content.assemble(
                (_("Summary") + " · ", "bold"),
                (qs.title, "bold $text-accent"),
                (f" · {shown(prospect.name, one_line=True)}", ""),
            )
        )
        sources = answer_sources(a.interview)
        self.query_one("#summary-score", ScorePanel).show(a.breakdown, qs, sources, open_flags(a))
        gate = self.query_one("#summary-gate", GateChecklist)
        gate.display = not correcting
        if correcting:
            now = pipeline.stage_map.get(prospect.stage) if pipeline is not None else None
            self.query_one("#summary-gate-heading", Static).update(
                _(
                    "Correcting {set}: the prospect is now at {stage}. A correction changes "
                    "this stage's score and is marked in the history and the reports; it "
                    "moves nobody (Esc goes back)."
                ).format(set=qs.title, stage=now.title if now else prospect.stage)
            )
        else:
            heading = (
                _("Gate to {stage}").format(stage=next_stage.title) if next_stage else _("Gate")
            )
            self.query_one("#summary-gate-heading", Static).update(heading)
            gate.show(
                a.gate, next_stage.title if next_stage else None, question_set=qs, sources=sources
            )
        self.query_one("#summary-open", Static).update(
            open_questions(qs, visible, answers, a.breakdown)
        )
        meeting = prospect.next_meeting
        self.query_one("#summary-meeting", Static).update(
            Content.assemble((_("Next meeting:") + " ", "bold"), shown(meeting_words(meeting)))
            if meeting is not None
            else Content.styled(_("No next meeting agreed yet (m sets one)."), "$text-muted")
        )


class SummaryActions:
    """The summary's ways on, for the interview screen: advance, keep dating, decline,
    the next meeting. Each asks first (a confirmation whose focused button is Cancel, or
    a reason), so no run of Enter moves a prospect."""

    prospect_id: str
    correcting: str | None

    def action_advance(self) -> None:
        from qualify.tui import moves

        screen = self  # type: ignore[assignment]
        screen.save_pending()  # type: ignore[attr-defined]
        screen.after_saves(  # type: ignore[attr-defined]
            lambda: moves.advance(screen, self.prospect_id, self._moved)  # type: ignore[arg-type]
        )

    def action_keep_dating(self) -> None:
        self.notify(  # type: ignore[attr-defined]
            _("Staying at this stage: the interview stays open for the next meeting."),
            timeout=3,
        )
        self.app.pop_screen()  # type: ignore[attr-defined]

    def action_decline(self) -> None:
        from qualify.tui import moves

        def decline() -> None:
            a = self.assessment  # type: ignore[attr-defined]
            breakdown = a.breakdown if a else None
            reason = breakdown.knockouts[0].reason if breakdown and breakdown.knockouts else None
            moves.decline(self, self.prospect_id, self._moved, knockout_reason=reason)  # type: ignore[arg-type]

        self.after_saves(decline)  # type: ignore[attr-defined]

    def action_meeting(self) -> None:
        from qualify.tui.modals.meeting import ask_meeting

        ask_meeting(self, self.prospect_id, self._met)  # type: ignore[arg-type]

    def _met(self) -> None:
        self.start()  # type: ignore[attr-defined]  # re-read: the summary shows it

    def _moved(self) -> None:
        if self.is_current:  # type: ignore[attr-defined]
            self.app.pop_screen()  # type: ignore[attr-defined]


def open_questions(
    qs: QuestionSet,
    visible: Iterable[str],
    answers: Mapping[str, Any],
    breakdown: ScoreBreakdown | None = None,
) -> Content:
    """The questions still open: the required ones by name, the others counted. With the
    breakdown, each repeat of a repeated section counts on its own ("(repeat 2)"), its
    `min` repeats' required questions too; `answers` are by answer key then."""
    texts: dict[str, str] = {}
    required: dict[str, bool] = {}
    if breakdown is None:
        for qid in visible:
            texts[qid] = one_line(qs.questions[qid].text, 90)
            required[qid] = qs.questions[qid].required
    else:
        for section in breakdown.sections:
            for q in section.questions:
                if q.visible and q.asked:
                    again = (
                        " " + _("(repeat {n})").format(n=q.repeat + 1)
                        if q.repeat is not None
                        else ""
                    )
                    texts[q.answer_key] = one_line(q.text, 90) + again
                    required[q.answer_key] = q.required
    unanswered = [key for key in texts if key not in answers]
    open_required = [key for key in unanswered if required[key]]
    open_other = [key for key in unanswered if key not in open_required]
    lines: list[Content] = []
    if open_required:
        lines.append(
            Content.styled(
                counted(
                    "{n} required question(s) still open:",
                    "{n} required question(s) still open:",
                    len(open_required),
                ),
                "bold $text-warning",
            )
        )
        for key in open_required[:LISTED_OPEN]:
            lines.append(Content(f"  • {texts[key]}"))
    if open_other:
        lines.append(
            Content.styled(
                counted(
                    "{n} other question(s) not answered yet.",
                    "{n} other question(s) not answered yet.",
                    len(open_other),
                ),
                "$text-muted",
            )
        )
    if not lines:
        lines.append(Content.styled(_("Every question is answered."), "$text-success"))
    return Content("\n").join(lines)

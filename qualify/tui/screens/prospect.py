"""One prospect: the facts, the stage timeline, the latest score, the gate and the notes,
with the moves: interview, advance (or override with a reason), decline, hold, reopen."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Footer, Header, Static

from qualify.tui.format import fmt_datetime, kind_word, one_line, status_word
from qualify.tui.messages import GateEvaluated
from qualify.tui.widgets.bands import band_style
from qualify.tui.widgets.gate_checklist import GateChecklist
from qualify.tui.widgets.score_panel import ScorePanel
from qualify.tui.widgets.stage_timeline import StageTimeline

if TYPE_CHECKING:
    from qualify.tui.app import QualifyApp
    from qualify.tui.workspace import ProspectView


class ProspectScreen(Screen[None]):
    """A prospect and the moves that apply to it now."""

    CSS_PATH = "prospect.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "Back", tooltip="Back to the prospects", id="prospect.back"),
        Binding(
            "i",
            "interview",
            "Interview",
            tooltip="Start or resume this stage's interview",
            id="prospect.interview",
        ),
        Binding(
            "a",
            "advance",
            "Advance",
            tooltip="Move to the next stage (when the gate is not met: override with a reason)",
            id="prospect.advance",
        ),
        Binding(
            "d", "decline", "Decline", tooltip="Part ways, with a reason", id="prospect.decline"
        ),
        Binding(
            "h",
            "hold",
            "Just friends",
            show=False,
            tooltip="Good company, wrong time: keep in touch, with a date to call again",
            id="prospect.hold",
        ),
        Binding("r", "reopen", "Reopen", tooltip="Start dating again", id="prospect.reopen"),
        Binding("p", "report", "Report", tooltip="Preview the fit report", id="prospect.report"),
        Binding(
            "x",
            "app.export_report",
            "Export",
            show=False,
            tooltip="Write the fit report to a file",
            id="prospect.export",
        ),
        Binding("e", "edit", "Edit", show=False, tooltip="Edit the facts", id="prospect.edit"),
    ]

    @dataclass
    class Loaded(Message):
        view: ProspectView

    def __init__(self, prospect_id: str) -> None:
        super().__init__()
        self.prospect_id = prospect_id
        """The prospect shown."""
        self.view: ProspectView | None = None
        """What was last read from the store."""

    @property
    def qualify_app(self) -> QualifyApp:
        return self.app  # type: ignore[return-value]

    def compose(self) -> ComposeResult:
        yield Header(icon="◆")
        with Vertical(id="facts"):
            yield Static("Loading…", id="facts-title")
            yield Static("", id="facts-line")
        with VerticalScroll(id="main"), Horizontal(id="columns"):
            with Vertical(id="left", classes="column"):
                yield Static("Stage timeline", classes="heading")
                yield StageTimeline(id="timeline")
                yield Static("Gate", classes="heading", id="gate-heading")
                yield GateChecklist(id="gate")
                yield Static("Notes", classes="heading")
                yield Static("", id="notes")
            with Vertical(id="right", classes="column"):
                yield Static("Latest score", classes="heading", id="score-heading")
                yield Static("", id="interview-line")
                yield ScorePanel(id="score")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.sub_title = "Prospect"
        self.load()

    def on_screen_resume(self) -> None:
        if self.view is not None:
            self.load()

    # ------------------------------------------------------------------ data
    @work(thread=True, exclusive=True, exit_on_error=False, group="prospect")
    def load(self) -> None:
        view = self.qualify_app.workspace.prospect_view(self.prospect_id)
        self.post_message(self.Loaded(view))

    @on(Loaded)
    def _loaded(self, event: Loaded) -> None:
        self.view = view = event.view
        p = view.prospect
        a = view.assessment
        workspace = self.qualify_app.workspace
        pipeline = workspace.catalog.pipeline
        titles = workspace.stage_titles()
        stage_title = titles.get(p.stage, p.stage)
        self.sub_title = p.name
        self.query_one("#facts-title", Static).update(
            Content.assemble(
                (p.name, "bold"),
                ("  ·  ", "$text-muted"),
                (stage_title, "$text-accent bold"),
                ("  ·  ", "$text-muted"),
                (status_word(p.status), "bold" if p.status.value != "active" else ""),
            )
        )
        facts = [kind_word(p.kind), p.territory or "no territory", f"id {p.id}"]
        if p.tags:
            facts.append(", ".join(p.tags))
        if p.recontact_on:
            facts.append(f"call again {p.recontact_on.isoformat()}")
        self.query_one("#facts-line", Static).update(
            Content.styled(" · ".join(facts), "$text-muted")
        )
        self.query_one(StageTimeline).show(pipeline, p, view.history)
        # gate
        next_stage = (
            pipeline.next_stage(p.stage) if pipeline and p.stage in pipeline.stage_map else None
        )
        heading = (
            f"Gate: {stage_title} → {next_stage.title}" if next_stage else f"Gate: {stage_title}"
        )
        self.query_one("#gate-heading", Static).update(heading)
        note = view.problem or (
            "No interview yet: press i to start the first one." if a.interview is None else ""
        )
        self.query_one(GateChecklist).show(a.gate, next_stage.title if next_stage else None, note)
        # score
        interview = a.interview
        if interview is None:
            line = Content.styled(
                view.problem or "No interview at this stage yet (i starts it).", "$text-muted"
            )
        else:
            answered = len([r for r in interview.answers.values() if r.value is not None])
            state = "complete" if interview.status == "complete" else "in progress"
            qs_title = a.question_set.title if a.question_set else interview.questionnaire_id
            line = Content.assemble(
                (f"{qs_title} interview {state}", ""),
                (
                    f" · {answered} answered · updated {fmt_datetime(interview.updated_at)}",
                    "$text-muted",
                ),
            )
        self.query_one("#interview-line", Static).update(line)
        self.query_one(ScorePanel).show(a.breakdown, a.question_set)
        if a.breakdown is not None:
            self.query_one("#score-heading", Static).update(
                Content.assemble(
                    ("Latest score  ", ""),
                    (
                        "✗ knocked out" if a.breakdown.knocked_out else "",
                        band_style(a.breakdown.band, True),
                    ),
                )
            )
        # notes
        notes: list[Content] = []
        if p.notes:
            notes.append(Content(one_line(p.notes, 400)))
        if interview is not None and a.question_set is not None:
            for qid, rec in interview.answers.items():
                if rec.note:
                    question = a.question_set.questions.get(qid)
                    label = one_line(question.text, 60) if question else qid
                    notes.append(
                        Content.assemble((f"{label}: ", "$text-muted"), one_line(rec.note, 300))
                    )
        self.query_one("#notes", Static).update(
            Content("\n").join(notes) if notes else Content.styled("No notes.", "$text-muted")
        )
        self.refresh_bindings()
        self.post_message(GateEvaluated(p.id, a.gate))

    # ------------------------------------------------------------------ actions
    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if self.view is None:
            return action == "back"
        status = self.view.prospect.status.value
        if action in ("interview", "advance"):
            return status != "declined"
        if action in ("decline", "hold"):
            return not (status == "declined" or (action == "hold" and status == "on_hold"))
        if action == "reopen":
            return status in ("declined", "on_hold")
        return True

    def action_back(self) -> None:
        self.app.pop_screen()

    def action_interview(self) -> None:
        self.qualify_app.open_interview(self.prospect_id)

    def action_report(self) -> None:
        self.qualify_app.open_report(self.prospect_id)

    def _changed(self) -> None:
        self.qualify_app.mark_changed()
        self.load()

    def action_advance(self) -> None:
        from qualify.tui import moves

        moves.advance(self.qualify_app, self.prospect_id, self.load)

    def action_decline(self) -> None:
        from qualify.tui import moves

        breakdown = self.view.assessment.breakdown if self.view else None
        reason = breakdown.knockouts[0].reason if breakdown and breakdown.knockouts else None
        moves.decline(self.qualify_app, self.prospect_id, self.load, knockout_reason=reason)

    def action_hold(self) -> None:
        from qualify.tui import moves

        moves.hold(self.qualify_app, self.prospect_id, self.load)

    def action_reopen(self) -> None:
        from qualify.tui import moves

        moves.reopen(self.qualify_app, self.prospect_id, self.load)

    def action_edit(self) -> None:
        from qualify.errors import QualifyError
        from qualify.tui.modals.prospect_form import ProspectForm, ProspectFormResult

        if self.view is None:
            return
        prospect = self.view.prospect

        def edited(result: ProspectFormResult | None) -> None:
            if result is None:
                return
            try:
                self.qualify_app.workspace.qualifier.edit_prospect(
                    self.qualify_app.workspace.qualifier.store.get_prospect(prospect.id),
                    name=result.name,
                    territory=result.territory,
                    kind=result.kind,
                    notes=result.notes,
                )
            except QualifyError as exc:
                self.notify(str(exc), title="Not saved", severity="error", markup=False)
                return
            self._changed()

        self.app.push_screen(
            ProspectForm(
                title=f"Edit {prospect.name}",
                name=prospect.name,
                territory=prospect.territory,
                kind=prospect.kind.value,
                notes=prospect.notes,
                action="Save",
            ),
            edited,
        )

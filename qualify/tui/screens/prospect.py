"""One prospect: the facts (and its open red flags), the stage timeline, the latest score,
the gate and the notes, with the moves: interview, advance (or override with a reason),
decline, hold, reopen; the next meeting's agenda on its own tab, and the way to the
comparison view."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from functools import wraps
from typing import TYPE_CHECKING, Any, ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import ActiveBinding, Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.message import Message
from textual.widgets import Header, OptionList, Static, TabbedContent, TabPane

from qualify.core.words import kind_word, meeting_words, one_line, status_word, visible
from qualify.i18n import _, fmt_score, tr
from qualify.tui.format import fmt_date, fmt_datetime
from qualify.tui.screens.base import QualifyScreen
from qualify.tui.screens.prospect_agenda import AGENDA, OVERVIEW, AgendaActions
from qualify.tui.screens.prospect_evidence import EVIDENCE, EvidenceActions
from qualify.tui.screens.prospect_keys import BINDINGS
from qualify.tui.screens.prospect_moves import MoveActions
from qualify.tui.widgets.agenda_list import AgendaList
from qualify.tui.widgets.bands import band_style
from qualify.tui.widgets.evidence_list import EvidenceList
from qualify.tui.widgets.footer import Footer
from qualify.tui.widgets.gate_checklist import GateChecklist
from qualify.tui.widgets.red_flags import open_flags
from qualify.tui.widgets.score_panel import ScorePanel
from qualify.tui.widgets.stage_timeline import StageTimeline
from qualify.tui.widgets.text import Hanging, Line, Reflowed, ReflowStatic
from qualify.workflow.checks import answer_sources

if TYPE_CHECKING:
    from pathlib import Path

    from qualify.core.records import HistoryEntry, Interview
    from qualify.tui.workspace import ProspectView


FILES_TAB_KEYS = frozenset({"back", "evidence", "open_file", "attach"})
"""The prospect's keys the footer shows on its Files tab: back, the tab, open, attach."""

TAB_KEYS = {
    OVERVIEW: frozenset({"back", "interview", "advance", "report"}),
    AGENDA: frozenset({"back", "agenda", "meeting"}),
    EVIDENCE: FILES_TAB_KEYS,
}
"""Each tab's main keys: what the footer shows when it cannot show them all."""


class ProspectScreen(AgendaActions, EvidenceActions, MoveActions, QualifyScreen):
    """A prospect and the moves that apply to it now."""

    CSS_PATH = "prospect.tcss"
    AUTO_FOCUS = "#main"
    BINDINGS: ClassVar[list[BindingType]] = BINDINGS

    @dataclass
    class Loaded(Message):
        view: ProspectView

    @dataclass
    class AgendaExported(Message):
        """The agenda is on disk (and its Markdown ready for the clipboard)."""

        path: Path
        markdown: str

    def __init__(self, prospect_id: str, *, tab: str = OVERVIEW) -> None:
        super().__init__()
        self.prospect_id = prospect_id
        """The prospect shown."""
        self.view: ProspectView | None = None
        """What was last read from the store."""
        self.initial_tab = tab
        """The tab shown first: overview or agenda."""
        self.waiting: dict[str, tuple[object, ...]] = {}
        """Actions asked for before the prospect was read (a slow disk or server): done
        once it is, each once, if they still apply then (see `_once_read`)."""

    def compose(self) -> ComposeResult:
        yield Header(icon="◆")
        with Vertical(id="facts"):
            yield Static(_("Loading…"), id="facts-title")
            yield Static("", id="facts-line")
            yield Static("", id="facts-flags")
        with TabbedContent(initial=self.initial_tab, id="tabs"):
            with (
                TabPane(_("Overview"), id=OVERVIEW),
                VerticalScroll(id="main"),
                Horizontal(id="columns"),
            ):
                with Vertical(id="left", classes="column"):
                    yield Static(_("Stage timeline"), classes="heading")
                    yield StageTimeline(id="timeline")
                    yield Static(_("Gate"), classes="heading", id="gate-heading")
                    yield GateChecklist(id="gate")
                    yield Static("", id="agenda-summary")
                    yield Static(_("Notes"), classes="heading")
                    yield Static("", id="notes")
                with Vertical(id="right", classes="column"):
                    yield Static(_("Latest score"), classes="heading", id="score-heading")
                    yield Static("", id="interview-line")
                    yield ScorePanel(id="score")
            with TabPane(_("Agenda"), id=AGENDA):
                yield Static("", id="agenda-head")
                yield AgendaList(id="agenda-list")
                yield ReflowStatic("", id="agenda-detail")
            with TabPane(_("Files"), id=EVIDENCE):
                yield Static("", id="evidence-head")
                yield EvidenceList(id="evidence-list")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.sub_title = _("Prospect")
        self.load()
        if self.initial_tab == AGENDA:
            self.call_after_refresh(self.query_one(AgendaList).focus)
        self.call_after_refresh(self.app.release_keys)  # typed since it was asked for

    def on_screen_resume(self) -> None:
        if self.view is not None:
            self.load()

    def changed_elsewhere(self) -> None:
        """A teammate (or another process) changed this prospect: read it again now if
        it is on screen (else when it is shown again, as on_screen_resume does)."""
        if self.view is not None and self.app.screen is self:
            self.load()

    # ------------------------------------------------------------------ data
    @work(thread=True, exclusive=True, exit_on_error=False, group="prospect")
    def load(self) -> None:
        """Read the prospect, after any answer still being written for it (an interview
        left a moment ago) is on disk."""
        self.host.saves.for_prospect(self.prospect_id).wait_idle()
        view = self.workspace.prospect_view(self.prospect_id)
        self.post_message(self.Loaded(view))

    @on(Loaded)
    def _loaded(self, event: Loaded) -> None:
        self.view = view = event.view
        p = view.prospect
        a = view.assessment
        workspace = self.workspace
        pipeline = workspace.catalog.pipeline
        titles = workspace.stage_titles()
        stage_title = titles.get(p.stage, p.stage)
        name = visible(p.name, one_line=True)  # user text: no raw control characters
        self.sub_title = name
        self.query_one("#facts-title", Static).update(
            Content.assemble(
                (name, "bold"),
                ("  ·  ", "$text-muted"),
                (stage_title, "$text-accent bold"),
                ("  ·  ", "$text-muted"),
                (_(status_word(p.status)), "bold" if p.status.value != "active" else ""),
            )
        )
        territory = visible(p.territory, one_line=True)
        facts = [_(kind_word(p.kind)), territory or _("no territory"), f"id {p.id}"]
        if p.tags:
            facts.append(visible(", ".join(p.tags), one_line=True))
        if p.recontact_on:
            facts.append(_("call again {date}").format(date=p.recontact_on.isoformat()))
        if p.next_meeting is not None:
            facts.append(_("next meeting {when}").format(when=meeting_words(p.next_meeting)))
        self.query_one("#facts-line", Static).update(
            Content.styled(visible(" · ".join(facts), one_line=True), "$text-muted")
        )
        # open red flags, whichever stage raised them: under the name, where every tab
        # and every terminal size shows them (their reasons beside the score)
        flags = open_flags(a, titles)
        flag_line = self.query_one("#facts-flags", Static)
        flag_line.update(flags.content() if flags else "")
        flag_line.display = flags is not None
        self.query_one(StageTimeline).show(pipeline, p, view.history)
        # gate
        next_stage = (
            pipeline.next_stage(p.stage) if pipeline and p.stage in pipeline.stage_map else None
        )
        heading = _("Gate") + f": {stage_title}" + (f" → {next_stage.title}" if next_stage else "")
        self.query_one("#gate-heading", Static).update(heading)
        note = view.problem or (
            _("No interview yet: press i to start the first one.") if a.interview is None else ""
        )
        sources = answer_sources(a.interview)
        self.query_one(GateChecklist).show(
            a.gate,
            next_stage.title if next_stage else None,
            note,
            question_set=a.question_set,
            sources=sources,
        )
        # score
        interview = a.interview
        if interview is None:
            line = Content.styled(
                view.problem or _("No interview at this stage yet (i starts it)."), "$text-muted"
            )
        else:
            answered = len([r for r in interview.answers.values() if r.value is not None])
            state = _("complete") if interview.status == "complete" else _("in progress")
            qs_title = a.question_set.title if a.question_set else interview.questionnaire_id
            when = fmt_datetime(interview.updated_at)
            updated = _("{n} answered · updated {when}").format(n=answered, when=when)
            line = Content.assemble(
                (_("{set} interview {state}").format(set=qs_title, state=state), ""),
                (f" · {updated}", "$text-muted"),
            )
            rescored = _last_rescore(view.history, interview, self.workspace.band_ranks)
            if rescored is not None:
                line = line + Content("\n") + rescored
        if a.reviews:
            trend = " → ".join(
                "✗"
                if r.breakdown is not None and r.breakdown.knocked_out
                else fmt_score(r.breakdown.score if r.breakdown else None)
                for r in a.reviews
            )
            line = (
                line
                + Content("\n")
                + Content.assemble(
                    (_("Reviews ({n}): ").format(n=len(a.reviews)), "$text-muted"), (trend, "bold")
                )
            )
        if a.next_step:
            line = (
                line
                + Content("\n")
                + Content.assemble((_("Next step: "), "bold"), (one_line(tr(a.next_step), 400), ""))
            )
        self.query_one("#interview-line", Static).update(line)
        # The latest scored stage stands until the new stage has a verdict of its own.
        shown = a.current if a.current is not None and a.current.has_answers else a.basis
        shown = shown or a.current
        basis_note = ""
        if shown is not None and shown is not a.current:
            basis_note = f"({titles.get(shown.interview.stage, shown.interview.stage)})  "
            sources = shown.sources
        breakdown = shown.breakdown if shown is not None else None
        question_set = shown.question_set if shown is not None else a.question_set
        self.query_one(ScorePanel).show(breakdown, question_set, sources, flags)
        if breakdown is not None:
            self.query_one("#score-heading", Static).update(
                Content.assemble(
                    (_("Latest score") + "  ", ""),
                    (basis_note, "$text-muted"),
                    (
                        "✗ " + _("knocked out") if breakdown.knocked_out else "",
                        band_style(breakdown.band, True),
                    ),
                )
            )
        # notes
        notes: list[Line] = []  # an answer's note marked, a wrapped one under its words
        if p.notes:
            notes.append((Content(""), Content(visible(one_line(p.notes, 400)))))
        if interview is not None and a.question_set is not None:
            for qid, rec in interview.answers.items():
                if rec.note:
                    question = a.question_set.questions.get(qid)
                    label = one_line(question.text, 60) if question else qid
                    said = Content.assemble(
                        (f"{label}: ", "$text-muted"), visible(one_line(rec.note, 300))
                    )
                    notes.append((Content.styled("· ", "$text-muted"), said))
        self.query_one("#notes", Static).update(
            Hanging(notes) if notes else Content.styled(_("No notes."), "$text-muted")
        )
        self._show_agenda(view.agenda, view.agenda_problem, stage_title)
        self._show_evidence(view)
        self.refresh_bindings()
        waiting, self.waiting = self.waiting, {}
        for action, args in waiting.items():
            if self.check_action(action, args):
                self.call_later(getattr(self, f"action_{action}"), *args)
            else:
                self.app.bell()  # (an interview of a prospect declined meanwhile)

    @on(OptionList.OptionHighlighted, "#agenda-list")
    def _agenda_highlighted(self) -> None:
        self._show_agenda_detail()

    @on(Reflowed, "#agenda-detail")
    def _agenda_detail_reflowed(self, event: Reflowed) -> None:
        event.stop()
        self._show_agenda_detail()  # its hint cut again, to the width it has now

    @on(AgendaList.Chosen)
    def _agenda_chosen(self, event: AgendaList.Chosen) -> None:
        event.stop()
        if self.check_action("interview", ()):
            self.open_interview(self.prospect_id, question_id=event.question_id)
        else:
            self.notify(
                _("This prospect was declined: reopen it (r) to interview again."),
                severity="warning",
            )

    @on(TabbedContent.TabActivated)
    def _tab_changed(self) -> None:
        self.refresh_bindings()

    # ------------------------------------------------------------------ actions
    def footer_keys(self) -> frozenset[str]:
        tabs = self.query(TabbedContent)
        return TAB_KEYS.get(tabs.first().active if tabs else OVERVIEW, TAB_KEYS[OVERVIEW])

    @property
    def active_bindings(self) -> dict[str, ActiveBinding]:
        """On the Files tab the footer shows that tab's keys only, at any width (on the
        others, when they do not all fit: see QualifyScreen.footer_keys); the others
        still work, and F1 lists them all."""
        found = super().active_bindings
        tabs = self.query(TabbedContent)
        if not tabs or tabs.first().active != EVIDENCE:
            return found
        return {
            key: active._replace(binding=replace(active.binding, show=False))
            if (active.binding.id or "").startswith("prospect.")
            and active.binding.action not in FILES_TAB_KEYS
            else active
            for key, active in found.items()
        }

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if self.view is None:
            return True  # taken now, done once the prospect is read (see `_once_read`)
        status = self.view.prospect.status.value
        if action in ("interview", "advance"):
            return status != "declined"
        if action in ("decline", "hold"):
            return not (status == "declined" or (action == "hold" and status == "on_hold"))
        if action == "reopen":
            return status in ("declined", "on_hold")
        if action == "review":  # the next review of a committed partner, at review
            pipeline = self.workspace.catalog.pipeline
            review = pipeline.review if pipeline is not None else None
            at_review = review is not None and self.view.prospect.stage == review.id
            return status == "committed" and at_review
        if action == "meeting":
            return status != "declined"
        if action in ("open_file", "attach"):  # the evidence files tab's own keys
            on_tab = self.query_one(TabbedContent).active == EVIDENCE
            return on_tab and (
                action == "attach" or self.query_one(EvidenceList).current is not None
            )
        if action == "export_agenda":
            return self.query_one(TabbedContent).active == AGENDA and self.view.agenda is not None
        return True

    def action_back(self) -> None:
        self.app.pop_screen()

    def action_interview(self) -> None:
        self.open_interview(self.prospect_id)

    def action_report(self) -> None:
        self.open_report(self.prospect_id)

    def action_compare(self) -> None:
        self.open_compare(self.prospect_id)

    @on(AgendaExported)
    def _agenda_exported(self, event: AgendaExported) -> None:
        self.app.copy_to_clipboard(event.markdown)
        self.notify(
            _("Agenda written to {path} (and copied as Markdown).").format(path=event.path),
            title=_("Agenda"),
            markup=False,
            timeout=8,
        )


def _once_read(action: str, method: Callable[..., Any]) -> Callable[..., Any]:
    """The screen's action at once when its prospect is read, else once it is: shown
    before its data, the screen refused `i` pressed at once, and the key was lost."""

    @wraps(method)
    def act(self: ProspectScreen, *args: Any) -> Any:
        if self.view is None:
            self.waiting[action] = args  # the same key twice meanwhile: once
            return None
        return method(self, *args)

    return act


for _action in {b.action for b in BINDINGS if isinstance(b, Binding)} - {"back"}:
    if "." not in _action:  # (another namespace's: the app's export)
        _name = f"action_{_action}"
        setattr(ProspectScreen, _name, _once_read(_action, getattr(ProspectScreen, _name)))


def _last_rescore(
    history: list[HistoryEntry], interview: Interview, ranks: Mapping[str, str]
) -> Content | None:
    """`Re-scored under v2: 60.0 Possible fit` for the latest re-score of the interview."""
    for entry in reversed(history):
        if entry.action != "rescore" or entry.details.get("interview") != interview.id:
            continue
        new = entry.details.get("new") or {}
        score = new.get("score")
        band = new.get("band") or ""
        return Content.assemble(
            ("⟳ " + _("Re-scored under") + " ", "$text-muted"),
            (f"v{new.get('version', '?')}", "$text-muted"),
            (": ", "$text-muted"),
            (f"{fmt_score(score)} {band}".rstrip(), band_style(band or None, ranks=ranks)),
            (f"  ({fmt_date(entry.at)})", "$text-muted"),  # English: 2026-03-01, as before
        )
    return None

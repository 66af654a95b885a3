"""The qualify App: the screens, the keymap, the palette and app-wide actions.

The app imports the screens, never the other way round: screens reach the workspace
through :class:`qualify.tui.host.QualifyHost` and ask for app-wide actions with messages
(:mod:`qualify.tui.messages`), which the handlers here carry out.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from textual import on, work
from textual.app import App
from textual.binding import Binding, BindingType
from textual.driver import Driver
from textual.screen import Screen
from textual.worker import Worker, WorkerState

from qualify.i18n import _, tr
from qualify.tui.commands import PaletteInOurWords, QualifyCommands
from qualify.tui.config import TuiConfig, load_config
from qualify.tui.messages import (
    ChangedElsewhere,
    OpenCompare,
    OpenInterview,
    OpenProspect,
    OpenReport,
    ProspectsChanged,
    QuestionSetsReloaded,
    QuitAfterInput,
)
from qualify.tui.saves import SaveQueue, SaveQueues
from qualify.tui.widgets.keys_in_order import HoldsKeys
from qualify.tui.workspace import Workspace

if TYPE_CHECKING:
    from qualify.core.records import ProspectSummary
    from qualify.tui.screens.prospects import ProspectsScreen


class QualifyApp(PaletteInOurWords, HoldsKeys, App[None]):
    """Qualify prospects: the prospects list, a prospect, its interview, the question sets."""

    CSS_PATH = "app.tcss"
    TITLE = "qualify"
    COMMANDS: ClassVar = App.COMMANDS | {QualifyCommands}
    HORIZONTAL_BREAKPOINTS: ClassVar = [(0, "-narrow"), (100, "-medium"), (120, "-wide")]
    VERTICAL_BREAKPOINTS: ClassVar = [(0, "-short"), (32, "-tall")]
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "f1,question_mark",
            "help",
            "Help",
            tooltip="Keys and how-to for this screen",
            id="app.help",
        ),
        Binding(
            "ctrl+q",
            "quit",
            "Quit",
            tooltip="Quit qualify (every answer is already saved)",
            priority=True,
            id="app.quit",
        ),
        Binding(
            "ctrl+t",
            "change_theme",
            "Theme",
            show=False,
            tooltip="Switch between light, dark and other themes",
            id="app.theme",
        ),
        Binding("ctrl+c", "help_quit", show=False, system=True),
    ]

    def __init__(
        self,
        data_dir: Path,
        questionnaires_dir: Path,
        *,
        config: TuiConfig | None = None,
        workspace: Workspace | None = None,
        store_url: str | None = None,
        language: str | None = None,
        language_forced: bool = False,
    ) -> None:
        self.config = config if config is not None else load_config()
        """Keymap (and theme) from the user's config file."""
        super().__init__()
        self.language = language or self.config.language
        """The app's language: its own words, dates and numbers, and the sets' texts."""
        self.language_forced = language_forced
        """--lang gave it: it wins over a prospect's own language in interviews."""
        from qualify.i18n import set_language

        set_language(self.language)
        self.workspace = workspace or Workspace(
            data_dir, questionnaires_dir, store_url=store_url, language=self.language
        )
        """The open workspace: the store, the question sets and the Qualifier."""
        self.saves = SaveQueues(start=self._write_answers, changed=self._answer_saved)
        """Answers on their way to disk, one ordered queue per prospect."""
        self._asked_to_quit = False
        """The "quit without saving?" question is on screen (ctrl+q again quits)."""
        self._quit_queued = False
        """ctrl+q is on its way through the focused widget's queue."""
        self.rescore_offered: set[tuple[str, int]] = set()
        """(set id, version) already offered a re-score preview in this session."""
        if self.config.keymap:
            self.set_keymap(self.config.keymap)
        if self.config.theme:
            unknown = self.config.check_theme(self.available_themes)
            if unknown:
                self.config.problems.append(unknown)
            else:
                self.theme = self.config.theme

    def get_driver_class(self) -> type[Driver]:
        """The terminal's driver: a paste holding an ESC stays a paste (see paste_guard)."""
        from qualify.tui.paste_guard import guarded

        return guarded(super().get_driver_class())

    # ------------------------------------------------------------------ screens
    # The home screen is a mode (not `get_default_screen`) so Textual loads its CSS_PATH;
    # the callable keeps the screen's import out of the app's import.
    DEFAULT_MODE: ClassVar[str] = "prospects"
    MODES: ClassVar = {"prospects": lambda: _home_screen()}

    def on_mount(self) -> None:
        for problem in self.config.problems:
            self.notify(tr(problem), title=_("Config"), severity="warning", timeout=8)
        if self.config.keymap:
            self._check_keymap()
        self._catch_hangup(install=True)
        self._follow_changes()

    @work(thread=True, exclusive=True, exit_on_error=False, group="live")
    def _follow_changes(self) -> None:
        """Teammates' and other processes' changes, as they happen (qualify.tui.live)."""
        from textual.worker import get_current_worker

        from qualify.tui.live import follow

        worker = get_current_worker()
        follow(
            self.workspace,
            lambda changes: self.post_message(ChangedElsewhere(changes)),
            lambda: worker.is_cancelled,
        )

    @on(ChangedElsewhere)
    def _changed_elsewhere(self, event: ChangedElsewhere) -> None:
        """The list reloads (now if shown, else when it is); each screen showing one of
        the changed prospects refreshes itself without touching what is being typed."""
        home = self._home()
        if home is not None:  # still loading: it reads again once loaded (it may be late)
            home.post_message(ProspectsChanged(None))
        for screen in self.screen_stack:
            prospect_id = getattr(screen, "prospect_id", None)
            refresh = getattr(screen, "changed_elsewhere", None)
            if prospect_id and callable(refresh) and event.changes.concerns(prospect_id):
                refresh()

    @work(thread=True, exit_on_error=False, group="config")
    def _check_keymap(self) -> None:
        """Name the keymap's binding ids that no screen defines (a typo would otherwise
        leave a key silently unmapped). In a worker: it imports every screen."""
        for problem in self.config.check_bindings(binding_ids()):
            self.notify(tr(problem), title=_("Config"), severity="warning", timeout=8)

    def _catch_hangup(self, *, install: bool) -> None:
        """A closed terminal window (SIGHUP) or a shutdown (SIGTERM) would kill the process
        mid-sentence: save what is typed first, as ctrl+q does, then leave."""
        import asyncio
        import signal

        loop = asyncio.get_running_loop()
        for signum in (getattr(signal, "SIGHUP", None), signal.SIGTERM):
            if signum is None:
                continue
            try:
                if install:
                    loop.add_signal_handler(signum, self._hang_up)
                else:
                    loop.remove_signal_handler(signum)
            except (NotImplementedError, RuntimeError, ValueError):
                pass  # not the main thread, or no signals here (Windows): the default stays

    def _hang_up(self) -> None:
        self.save_everything_pending()
        self.exit()

    def save_everything_pending(self) -> None:
        """Save typed numbers, texts and open notes on every screen (see action_quit), and
        write every answer still queued, here and now: nothing given is lost by quitting."""
        for screen in reversed(self.screen_stack):
            save_pending = getattr(screen, "save_pending", None)
            if callable(save_pending):
                save_pending()
        self.saves.flush()

    # ------------------------------------------------------------------ answers
    @work(thread=True, exclusive=False, exit_on_error=False, group="answer-saves")
    def _write_answers(self, queue: SaveQueue) -> None:
        """Write one prospect's queued answers in order. Never exclusive: cancelling a
        running writer could drop an answer; the queue starts one writer at a time."""
        queue.drain()

    def _answer_saved(self, prospect_id: str) -> None:
        """An answer is on disk (called from the writer's thread): the list should know."""
        self.post_message(ProspectsChanged(prospect_id))

    def open_prospect(self, prospect_id: str, *, tab: str = "overview") -> None:
        from qualify.tui.screens.prospect import ProspectScreen

        self.push_screen(ProspectScreen(prospect_id, tab=tab))

    def open_interview(
        self, prospect_id: str, *, question_id: str | None = None, stage: str | None = None
    ) -> None:
        """The interview of the prospect's current stage (or of an earlier `stage`, to
        correct it); on `question_id` if given."""
        from qualify.tui.screens.interview import InterviewScreen

        self.push_screen(InterviewScreen(prospect_id, question_id=question_id, stage=stage))

    def open_compare(self, prospect_id: str, other_id: str | None = None) -> None:
        """The comparison view: with the ideal partner, or with `other_id`."""
        from qualify.tui.screens.compare import CompareScreen

        self.push_screen(CompareScreen(prospect_id, other_id))

    def open_report(self, prospect_id: str) -> None:
        from qualify.tui.screens.report import ReportScreen

        self.push_screen(ReportScreen(prospect_id))

    # ------------------------------------------------------------------ requests
    @on(OpenProspect)
    def _open_prospect(self, event: OpenProspect) -> None:
        if event.from_home:
            self.action_home()
        self.open_prospect(event.prospect_id, tab=event.tab)

    @on(OpenInterview)
    def _open_interview(self, event: OpenInterview) -> None:
        self.open_interview(event.prospect_id, question_id=event.question_id, stage=event.stage)

    @on(OpenCompare)
    def _open_compare(self, event: OpenCompare) -> None:
        self.open_compare(event.prospect_id, event.other_id)

    @on(OpenReport)
    def _open_report(self, event: OpenReport) -> None:
        self.open_report(event.prospect_id)

    @on(ProspectsChanged)
    def _prospects_changed(self, event: ProspectsChanged) -> None:
        """The one change signal: the prospects list takes it (and reloads once)."""
        home = self._home()
        if home is not None:
            home.post_message(ProspectsChanged(event.prospect_id, event.select))

    # ------------------------------------------------------------------ actions
    def action_help(self) -> None:
        from qualify.tui.screens.help import HelpScreen

        if isinstance(self.screen, HelpScreen):
            self.screen.dismiss()
            return
        self.push_screen(HelpScreen(self.screen))

    def action_question_sets(self) -> None:
        from qualify.tui.screens.question_sets import QuestionSetsScreen

        if not self.workspace.is_open:
            self.notify(_("The workspace is still opening."), severity="warning")
            return
        if not isinstance(self.screen, QuestionSetsScreen):
            self.push_screen(QuestionSetsScreen())

    def action_home(self) -> None:
        """Back to the prospects list, closing whatever is open on top of it."""
        while len(self.screen_stack) > 1 and not self.screen.is_modal:
            self.pop_screen()

    def action_new_prospect(self) -> None:
        self.action_home()
        self.call_after_refresh(self.screen.run_action, "add")

    def action_find_prospect(self) -> None:
        self.action_home()
        self.call_after_refresh(self.screen.run_action, "filter")

    def _home(self) -> ProspectsScreen | None:
        """The prospects list at the bottom of the screen stack (None before it is up)."""
        from qualify.tui.screens.prospects import ProspectsScreen

        home = self.screen_stack[0] if self.screen_stack else None
        return home if isinstance(home, ProspectsScreen) else None

    def prospect_summaries(self) -> list[ProspectSummary]:
        """The prospects as last loaded by the prospects list (for the palette)."""
        home = self._home()
        return home.summaries if home is not None else []

    def action_validate(self) -> None:
        """Re-read and check every question set; shows the result."""
        if not self.workspace.is_open:
            self.notify(_("The workspace is still opening."), severity="warning")
            return
        self.reload_question_sets()

    def _prospect_in_view(self) -> str | None:
        """The open prospect, or the one highlighted in the prospects list."""
        prospect_id = getattr(self.screen, "prospect_id", None)
        if prospect_id is None:
            from qualify.tui.screens.prospects import ProspectsScreen

            if isinstance(self.screen, ProspectsScreen):
                prospect_id = self.screen.highlighted_id
        return prospect_id

    def action_agenda(self) -> None:
        """The next meeting's agenda of the open (or highlighted) prospect."""
        from qualify.tui.screens.prospect import AGENDA, ProspectScreen

        if isinstance(self.screen, ProspectScreen):
            if self.screen.query_one("#tabs").active != AGENDA:
                self.screen.action_agenda()
            return
        prospect_id = self._prospect_in_view()
        if prospect_id is None or not self.workspace.is_open:
            self.notify(_("Open or highlight a prospect first."), severity="warning")
            return
        self.open_prospect(prospect_id, tab=AGENDA)

    def action_export_agenda(self) -> None:
        """Write the open prospect's agenda as Markdown (from its agenda tab)."""
        from qualify.tui.screens.prospect import ProspectScreen

        if isinstance(self.screen, ProspectScreen):
            self.screen.action_export_agenda()
            return
        self.notify(_("Open a prospect first (its agenda tab: g, then m)."), severity="warning")

    def action_compare(self) -> None:
        """Compare the open (or highlighted) prospect with the ideal partner."""
        prospect_id = self._prospect_in_view()
        if prospect_id is None or not self.workspace.is_open:
            self.notify(_("Open or highlight a prospect first."), severity="warning")
            return
        self.open_compare(prospect_id)

    def action_rescore(self) -> None:
        """The re-score preview of every interview taken with an older set version."""
        from qualify.tui.screens.rescore import RescoreScreen

        if not self.workspace.is_open:
            self.notify(_("The workspace is still opening."), severity="warning")
            return
        if not isinstance(self.screen, RescoreScreen):
            self.push_screen(RescoreScreen())

    def offer_rescore(self, set_ids: Iterable[str] | None = None) -> None:
        """After sets were saved or re-read: if interviews were taken with an older
        version (and not re-scored under this one), offer the preview, once per version."""
        if self.workspace.is_open:
            self._scan_for_offer(tuple(set_ids) if set_ids is not None else None)

    @work(thread=True, exclusive=True, exit_on_error=False, group="rescore-offer")
    def _scan_for_offer(self, set_ids: tuple[str, ...] | None) -> None:
        from textual.worker import get_current_worker

        from qualify.tui.insights import count_stale

        worker = get_current_worker()
        q = self.workspace.qualifier
        sets = q.catalog.question_sets
        wanted = [
            sid
            for sid in (set_ids if set_ids is not None else tuple(sets))
            if sid in sets and (sid, sets[sid].version) not in self.rescore_offered
        ]
        if not wanted:
            return
        counts = count_stale(q, wanted, cancelled=lambda: worker.is_cancelled)
        if counts and not worker.is_cancelled:
            self.call_from_thread(self._offer_rescore, counts)

    def _offer_rescore(self, counts: dict[str, int]) -> None:
        from qualify.tui.insights import rescore_offer
        from qualify.tui.modals.confirm import ConfirmDialog
        from qualify.tui.screens.rescore import RescoreScreen

        sets = self.workspace.catalog.question_sets
        counts = {sid: n for sid, n in counts.items() if sid in sets}
        if not counts or isinstance(self.screen, RescoreScreen):
            return
        self.rescore_offered.update((sid, sets[sid].version) for sid in counts)
        total = sum(counts.values())
        names = ", ".join(f"{sets[sid].title} (v{sets[sid].version})" for sid in counts)
        self.push_screen(
            ConfirmDialog(
                *rescore_offer(total, names),
                yes=_("Preview"),
                no=_("Not now"),
            ),
            lambda yes: self.push_screen(RescoreScreen(list(counts))) if yes else None,
        )

    def action_export_report(self) -> None:
        """Export the open (or highlighted) prospect's report, asking for the format."""
        from qualify.tui.modals.export import ExportDialog

        prospect_id = getattr(self.screen, "prospect_id", None)
        if prospect_id is None:
            from qualify.tui.screens.prospects import ProspectsScreen

            if isinstance(self.screen, ProspectsScreen):
                prospect_id = self.screen.highlighted_id
        if prospect_id is None or not self.workspace.is_open:
            self.notify(_("Open or highlight a prospect first."), severity="warning")
            return
        try:
            name = self.workspace.qualifier.store.get_prospect(prospect_id).name
        except Exception as exc:  # a missing prospect or an unreadable file: say so
            self.notify(str(exc), title=_("Export"), severity="error", markup=False)
            return

        def picked(fmt: str | None) -> None:
            if fmt:
                self.export_report(prospect_id, fmt)

        self.push_screen(ExportDialog(name), picked)

    @work(thread=True, exclusive=True, exit_on_error=False, group="question-sets")
    def reload_question_sets(self) -> None:
        catalog = self.workspace.reload_catalog()
        from qualify.tui.screens.question_sets import check_summary

        said, severity = check_summary(catalog)
        self.notify(
            said,
            title=_("Question sets"),
            severity=severity,
            timeout=10 if severity == "error" else None,
        )
        errors = [p for p in catalog.problems if p.severity == "error"]
        self.post_message(QuestionSetsReloaded(len(errors), offer_rescore=True))

    @on(QuestionSetsReloaded)
    def _question_sets_reloaded(self, event: QuestionSetsReloaded) -> None:
        """Whoever re-read the sets: the question sets screen shows them as they are now,
        and the re-score preview is offered when asked for."""
        from qualify.tui.screens.question_sets import QuestionSetsScreen

        for screen in self.screen_stack:
            if isinstance(screen, QuestionSetsScreen):
                screen.show_catalog(self.workspace.catalog)
        if event.offer_rescore:
            self.offer_rescore(event.set_ids)

    @work(thread=True, exclusive=True, exit_on_error=False, group="export")
    def export_report(self, prospect_id: str, fmt: str = "md") -> None:
        """Write the report in a worker; the notification names the file."""
        from qualify.tui.report import export_report

        path = export_report(self.workspace, prospect_id, fmt, forced=self.language_forced)
        said = _("Report written to {path}").format(path=path)
        self.notify(said, title=_("Export"), markup=False, timeout=8)

    # ------------------------------------------------------------------ errors
    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """A worker that failed becomes an error notification, never a traceback."""
        if event.state != WorkerState.ERROR:
            return
        error = event.worker.error
        from qualify.core.errors import QualifyError

        if isinstance(error, QualifyError):
            message = str(error)
        elif isinstance(error, OSError):
            where = f" ({error.filename})" if getattr(error, "filename", None) else ""
            message = f"{error.strerror or error}{where}"
        else:
            message = _("unexpected error: {error}").format(
                error=f"{type(error).__name__}: {error}"
            )
        self.notify(message, title=_("Error"), severity="error", timeout=10)

    async def action_quit(self) -> None:
        """Quit, saving first what is typed but not saved yet (a number or text in an
        interview, an open note), so "every answer is already saved" holds even
        mid-sentence; a question set edited but not saved is asked about, not lost.

        ctrl+q is a priority key: it is handled before a paste or keys typed ahead reach
        the focused widget. So the quit goes through that widget's queue first
        (:class:`QuitAfterInput`) and happens when it comes back, after them."""
        focused = self.focused
        if focused is not None and not self._quit_queued:
            self._quit_queued = True
            focused.post_message(QuitAfterInput())
            self.set_timer(2.0, self._quit_if_lost)  # the widget went away with it
            return
        await self._quit_now()

    @on(QuitAfterInput)
    async def _quit_after_input(self, event: QuitAfterInput) -> None:
        event.stop()
        if not self._quit_queued:
            return
        if self.holding_keys:  # typed before ctrl+q, for the next question: they go first
            self.after_held_keys(QuitAfterInput())
            return
        self._quit_queued = False
        await self._quit_now()

    async def _quit_if_lost(self) -> None:
        if self._quit_queued:
            self._quit_queued = False
            await self._quit_now()

    async def _quit_now(self) -> None:
        self.save_everything_pending()
        unsaved = [
            name
            for screen in self.screen_stack
            if (name := getattr(screen, "unsaved_file", None)) is not None
        ]
        if not unsaved or self._asked_to_quit:  # ctrl+q twice: yes, really
            self.exit()
            return
        from qualify.tui.modals.confirm import ConfirmDialog

        def answered(yes: bool | None) -> None:
            self._asked_to_quit = False
            if yes:
                self.exit()

        self._asked_to_quit = True
        self.push_screen(
            ConfirmDialog(
                _("Quit without saving?"),
                _(
                    "{files}: unsaved changes. F5 (or ctrl+s) in the editor saves them; ctrl+q "
                    "again quits."
                ).format(files=", ".join(unsaved)),
                yes=_("Quit and discard"),
                no=_("Keep editing"),
                danger=True,
            ),
            answered,
        )

    def on_unmount(self) -> None:
        self._catch_hangup(install=False)
        self.saves.flush()  # however the app ended: no answer left behind in the queue
        self.workspace.close()


def binding_ids() -> set[str]:
    """The id of every binding the app defines: its own, and those of every screen,
    modal and widget of qualify.tui (the ones a keymap can remap)."""
    import importlib
    import inspect
    import pkgutil

    from textual.dom import DOMNode

    import qualify.tui.modals
    import qualify.tui.screens
    import qualify.tui.widgets

    classes: list[type] = [QualifyApp]
    for package in (qualify.tui.screens, qualify.tui.modals, qualify.tui.widgets):
        for info in pkgutil.walk_packages(package.__path__, f"{package.__name__}."):
            module = importlib.import_module(info.name)
            classes += [
                cls
                for _, cls in inspect.getmembers(module, inspect.isclass)
                if issubclass(cls, DOMNode) and cls.__module__ == module.__name__
            ]
    ids: set[str] = set()
    for cls in classes:
        for binding in getattr(cls, "BINDINGS", ()):
            binding_id = getattr(binding, "id", None)
            if binding_id:
                ids.add(binding_id)
    return ids


def _home_screen() -> Screen:
    """The prospects screen, imported only when the app starts."""
    from qualify.tui.screens.prospects import ProspectsScreen

    return ProspectsScreen()

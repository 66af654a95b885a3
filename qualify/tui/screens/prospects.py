"""Prospects (home): every prospect in a sortable table, filtered as you type.

The workspace opens in a worker, so the screen is interactive at once; a new
workspace shows a first-run panel that offers demo data or the first prospect.
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING, ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Center, Horizontal, Vertical
from textual.widgets import Button, Header, LoadingIndicator, ProgressBar, Static

from qualify.core.words import visible
from qualify.i18n import _, catalog_languages, error_text, fmt_count, ngettext
from qualify.tui.messages import (
    FirstProspects,
    ProspectsChanged,
    WorkspaceFailed,
    WorkspaceOpened,
)
from qualify.tui.screens.base import QualifyScreen
from qualify.tui.screens.prospects_panels import PANELS, has_demo
from qualify.tui.widgets.footer import Footer
from qualify.tui.widgets.keys_in_order import Input
from qualify.tui.widgets.prospect_table import COLUMNS, ProspectTable

if TYPE_CHECKING:
    from qualify.core.records import ProspectSummary
    from qualify.tui.modals.prospect_form import ProspectFormResult
    from qualify.tui.workspace import Workspace
    from qualify.workflow.search import RecordSearch

SEARCH_PAUSE = 0.3
"""Seconds of quiet typing before answers and notes are searched."""

FIRST_PAGE = 200
"""How many of the most recently active prospects are shown before all are read."""
FIRST_WAIT = 0.2
"""Seconds the first frame waits for the first page (a workspace's: ~30 ms), so that
its rows, or the welcome, are painted first; a slower store shows the loading first."""

DEMO_COUNT = 40
"""How many sample prospects the first-run panel adds."""


class ProspectsScreen(QualifyScreen):
    """The home screen: the prospects table, the filter and the first-run panel."""

    CSS_PATH = "prospects.tcss"
    AUTO_FOCUS = "ProspectTable"
    FOOTER_KEYS = frozenset({"open", "add", "filter", "cycle_sort"})
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("a", "add", "Add", tooltip="Add a prospect", id="prospects.add"),
        Binding("e", "edit", "Edit", tooltip="Edit the highlighted prospect", id="prospects.edit"),
        Binding(
            "slash",
            "filter",
            "Filter",
            tooltip="Type to filter by name, territory, kind, stage or band",
            id="prospects.filter",
        ),
        Binding(
            "o",
            "cycle_sort",
            "Sort",
            tooltip="Sort by the next column (1–9 pick a column; again reverses)",
            id="prospects.sort",
        ),
        *[
            Binding(
                str(i + 1),
                f"sort('{col.key}')",
                f"Sort by {col.title}",
                show=False,
                id=f"prospects.sort_{col.key}",
            )
            for i, col in enumerate(COLUMNS)
        ],
        Binding(
            "s",
            "app.question_sets",
            "Question sets",
            tooltip="The active question sets, their problems and the editor",
            id="prospects.question_sets",
        ),
        Binding("r", "reload", "Reload", show=False, id="prospects.reload"),
        Binding(
            "x",
            "app.export_report",
            "Export",
            show=False,
            tooltip="Write the highlighted prospect's fit report",
            id="prospects.export",
        ),
        Binding(
            "d",
            "demo",
            "Demo data",
            tooltip=f"Add {DEMO_COUNT} sample prospects to try qualify",
            id="prospects.demo",
        ),
        Binding("escape", "clear_filter", "Clear filter", show=False, id="prospects.clear"),
    ]

    def __init__(self) -> None:
        # loading from the start: its styles are worked out once, with the class, rather
        # than again for every widget of the screen when on_mount added it
        super().__init__(classes="-loading")
        self.summaries: list[ProspectSummary] = []
        """Every prospect as last loaded."""
        self.loaded = False
        """The workspace is open and the list loaded at least once."""
        self.shown = False
        """Prospects are on screen: the first page painted (see load), or all of them."""
        self._painted = threading.Event()
        """Set once the first page is painted: the loader reads the rest after it."""
        self._paged = threading.Event()  # the first page read, or known absent (_read_first)
        self._first_failed: Exception | None = None  # raised again by the loader
        self._first_posted = False  # the loader reads on once it is painted
        self._pending_open: str | None = None
        """A prospect opened from the first page, before the workspace was open."""
        self._pending_action: str | None = None
        """The welcome's add or demo, asked for before the workspace was open."""
        self._pending_select: str | None = None
        self._stale = False
        """A change came while another screen was on top (reload when shown again) or
        while the list was being read (reload once it is)."""
        self._records: RecordSearch | None = None
        """Searches answers and notes, remembering what it read (made on first use)."""

    @property
    def highlighted_id(self) -> str | None:
        return self.query_one(ProspectTable).highlighted_id

    # ------------------------------------------------------------------ layout
    def compose(self) -> ComposeResult:
        yield Header(icon="◆")
        with Vertical(id="body"):
            with Horizontal(id="toolbar"):
                yield Input(
                    placeholder=_("Filter ( / ): name, stage, band… answers and notes too"),
                    id="filter",
                )
                yield Static("", id="count")
            yield Static("", id="followups", markup=False)
            yield ProspectTable(id="table")
            with Center(id="loading"):
                yield LoadingIndicator()
                yield Static(_("Opening the workspace…"), id="loading-text")
            # the first-run and failure panels are mounted when needed (see panel)
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.sub_title = _("Prospects")
        if not self.workspace.is_open:  # a thread: a worker starts after this handler
            threading.Thread(target=self._read_first, args=(self.workspace,), daemon=True).start()
            self._paged.wait(FIRST_WAIT)
        self.load()

    def _read_first(self, workspace: Workspace) -> None:
        """Read the first page and post it (in a thread of its own, see on_mount)."""
        try:
            first = workspace.first_page(FIRST_PAGE)
            if first is not None:
                self._painted.clear()
                self._first_posted = True
                self.post_message(FirstProspects(first))
        except Exception as exc:  # the loader raises it again, and says what it is
            self._first_failed = exc
        finally:
            self._paged.set()

    # ------------------------------------------------------------------ loading
    @work(thread=True, exclusive=True, exit_on_error=False, group="prospects")
    def load(self) -> None:
        """Open the workspace (first time) and read every prospect's summary. The first
        time, the most recently active prospects are shown first, when the store gives
        them faster than all (10,000 prospects: the screen does not wait for the rest);
        the rest is read once they are on screen."""
        from qualify.core.errors import QualifyError

        workspace = self.workspace
        try:
            if not workspace.is_open:
                self._paged.wait()  # the first page, read by on_mount's thread
                failed, self._first_failed = self._first_failed, None
                if failed is not None:
                    raise failed
                if self._first_posted:
                    self._first_posted = False
                    self._painted.wait(timeout=2)  # the UI thread first: paint, then read on
            workspace.open()
            summaries = workspace.summaries()
        except QualifyError as exc:
            self.post_message(WorkspaceFailed(str(exc)))
            return
        except OSError as exc:
            where = f" ({exc.filename})" if getattr(exc, "filename", None) else ""
            self.post_message(WorkspaceFailed(f"{exc.strerror or exc}{where}"))
            return
        self.post_message(WorkspaceOpened(summaries))

    @on(FirstProspects)
    async def _first_page(self, event: FirstProspects) -> None:
        """The first rows on screen while the rest are read; the actions that need the
        workspace open wait for it (Enter on a row opens it once it is). No rows at all:
        the welcome, whose actions wait for it too."""
        if self.loaded:  # already past it
            self._painted.set()
            return
        if not event.page.summaries:
            await self.panel("first-run")
            self.set_class(False, "-loading", "-failed")
            self.set_class(True, "-empty")
            self.query_one("#first-add", Button).focus()
            self.refresh_bindings()
            self.call_after_refresh(self._first_painted)
            return
        table = self.query_one(ProspectTable)
        table.set_stages(event.page.stage_titles, event.page.band_ranks, event.page.band_words)
        table.set_summaries(event.page.summaries)
        self.set_class(False, "-loading", "-failed")
        self.query_one("#count", Static).update(_("Reading every prospect…"))
        table.focus()
        self.call_after_refresh(self._first_painted)

    def _first_painted(self) -> None:
        self.shown = True
        self._painted.set()

    async def panel(self, name: str) -> None:
        """Mount the first-run or failure panel (prospects_panels.PANELS) unless it is:
        only a workspace that is empty, or cannot be read, needs one."""
        if self.query(f"#{name}"):
            return
        after = list(PANELS)[list(PANELS).index(name) + 1 :]
        before = next((f"#{n}" for n in after if self.query(f"#{n}")), None)
        await self.query_one("#body").mount(PANELS[name](), before=before)

    @on(WorkspaceOpened)
    async def _opened(self, event: WorkspaceOpened) -> None:
        if not event.summaries:
            await self.panel("first-run")
        first_time = not self.loaded
        paged = self.shown and first_time  # the first page is on screen, focused
        was_empty = not self.summaries and not paged
        self.loaded = self.shown = True
        self._painted.set()
        self.summaries = event.summaries
        table = self.query_one(ProspectTable)
        workspace = self.workspace
        table.set_stages(workspace.stage_titles(), workspace.band_ranks, workspace.band_words)
        table.set_summaries(event.summaries)
        if self._pending_select:
            table.select_id(self._pending_select)
            self._pending_select = None
        if self._pending_open:  # Enter on a row of the first page
            pending, self._pending_open = self._pending_open, None
            self.call_later(self.open_prospect, pending)
        if self._pending_action:  # a welcome's button pressed before it was open
            action, self._pending_action = self._pending_action, None
            self.call_later(getattr(self, f"action_{action}"))
        self.set_class(False, "-loading", "-failed")
        self.set_class(not event.summaries, "-empty")
        self._show_followups()
        self._update_count()
        if table.filter_text:
            self._search_records(table.filter_text)
        self.refresh_bindings()
        if first_time:
            self._warn_broken_sets()
        self._warn_skipped()
        if not event.summaries:
            if first_time and not paged:  # (shown before it was open: focused then)
                self.query_one("#first-add", Button).focus()
        elif (first_time and not paged) or was_empty or not isinstance(self.focused, Input):
            table.focus()
        if self._stale and self.app.screen is self:  # changed while it was being read
            self._stale = False
            self.load()

    def _warn_skipped(self) -> None:
        """Prospects left out of the list because their file cannot be read: said, not
        failed on (the message names the file and `qualify doctor --repair`)."""
        from qualify.core.words import visible

        problems = self.workspace.new_problems()
        shown = problems[:3]
        if len(problems) > 3:
            more = _("…and {n} more: run `qualify doctor` to see them all")
            shown.append(more.format(n=len(problems) - 3))
        for problem in shown:
            self.notify(
                visible(problem, one_line=True),
                title=_("Skipped"),
                severity="warning",
                timeout=15,
                markup=False,
            )

    def _warn_broken_sets(self) -> None:
        catalog = self.workspace.catalog
        errors = [p for p in catalog.problems if p.severity == "error"]
        if errors:
            from pathlib import Path

            files = ", ".join(sorted({Path(p.path).name for p in errors}))
            self.notify(
                _(
                    "{files}: {n} error(s). A set with errors is not used for interviews "
                    "until it is fixed: press s to see them."
                ).format(files=files, n=len(errors)),
                title=_("Question sets"),
                severity="warning",
                timeout=10,
                markup=False,
            )

    @on(WorkspaceFailed)
    async def _failed(self, event: WorkspaceFailed) -> None:
        await self.panel("failed")
        self.set_class(False, "-loading", "-empty")  # empty or not: it could not be read
        self.set_class(True, "-failed")
        self._pending_action = None
        self.query_one("#failed-text", Static).update(
            _("The prospects could not be opened:")
            + f"\n\n{event.error}\n\n"
            + _("From the {location}").format(location=self.workspace.location)
        )
        self.query_one("#retry", Button).focus()
        self.notify(event.error, title=_("Workspace"), severity="error", timeout=10, markup=False)

    @on(ProspectsChanged)
    def _changed(self, event: ProspectsChanged) -> None:
        """The change signal (from any screen, through the app): reload now if the list is
        on screen, else once when it is shown again, however many changes came."""
        if event.select and event.prospect_id:
            self._pending_select = event.prospect_id
        if self.app.screen is self and self.loaded:
            self.load()
        else:  # hidden, or still loading (what is being read may predate the change)
            self._stale = True

    def on_screen_resume(self) -> None:
        self.query_one(ProspectTable).leaving = False  # back on the list: keys are its own
        if self._stale and self.loaded:
            self._stale = False
            self.load()

    def _show_followups(self) -> None:
        """Overdue follow-ups, flagged above the list: prospects whose next meeting is past
        (the filter word "overdue" lists them)."""
        from qualify.workflow.meetings import overdue

        late = overdue(self.summaries)
        line = self.query_one("#followups", Static)
        line.display = bool(late)
        if late:
            names = ", ".join(visible(r.name, one_line=True) for r in late[:3])
            if len(late) > 3:
                names += " " + _("and {n} more").format(n=len(late) - 3)
            said = ngettext(
                "{n} follow-up overdue (the meeting date is past): {names} · type overdue in "
                "the filter to list them",
                "{n} follow-ups overdue (the meeting date is past): {names} · type overdue in "
                "the filter to list them",
                len(late),
            )
            line.update("⚑ " + said.format(n=len(late), names=names))

    def _update_count(self) -> None:
        table = self.query_one(ProspectTable)
        if table.filter_text:
            text = _("{shown} of {total}").format(
                shown=fmt_count(table.shown), total=fmt_count(table.total)
            )
            if table.by_records:
                found = _("({n} by answers or notes)").format(n=fmt_count(table.by_records))
                text += " " + found
        else:
            text = ngettext("{n} prospect", "{n} prospects", table.total).format(
                n=fmt_count(table.total)
            )
        self.query_one("#count", Static).update(text)

    # ------------------------------------------------------------------ events
    @on(Input.Changed, "#filter")
    def _filter(self, event: Input.Changed) -> None:
        """What the list shows is filtered at once; answers and notes a moment later, in
        a worker (the first search of a session reads every prospect's records; then
        only those that changed)."""
        self.query_one(ProspectTable).set_filter(event.value)
        self._update_count()
        if self.loaded:  # else once every prospect is read (see _opened)
            self._search_records(event.value)

    @work(thread=True, exclusive=True, exit_on_error=False, group="search")
    def _search_records(self, text: str) -> None:
        import time

        from textual.worker import get_current_worker

        from qualify.workflow.search import RecordSearch, terms

        if len(text.strip()) < 2 or not terms(text):
            return
        worker = get_current_worker()
        time.sleep(SEARCH_PAUSE)  # typing on: this search is cancelled by the next one
        if worker.is_cancelled:
            return
        if self._records is None:
            self._records = RecordSearch(self.qualifier)
        rows = self.query_one(ProspectTable).unmatched
        found = self._records.matching(rows, text, cancelled=lambda: worker.is_cancelled)
        if not worker.is_cancelled:
            self.app.call_from_thread(self._records_found, text, {r.id for r in found})

    def _records_found(self, text: str, ids: set[str]) -> None:
        table = self.query_one(ProspectTable)
        if table.filter_text == text.strip():
            table.add_matches(ids)
            self._update_count()

    @on(Input.Submitted, "#filter")
    def _filter_done(self, event: Input.Submitted) -> None:
        self.query_one(ProspectTable).focus()

    @on(ProspectTable.Opened)
    def _open(self, event: ProspectTable.Opened) -> None:
        if not self.loaded:
            self._pending_open = event.prospect_id
            self.query_one(ProspectTable).leaving = False  # it opens later: keys go on here
            return
        self.open_prospect(event.prospect_id)

    @on(Button.Pressed, "#first-add")
    def _first_add(self) -> None:
        self.action_add()

    @on(Button.Pressed, "#first-demo")
    async def _first_demo(self) -> None:
        await self.action_demo()

    @on(Button.Pressed, "#retry")
    def _retry(self) -> None:
        self.action_reload()

    # ------------------------------------------------------------------ actions
    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        welcome = self.has_class("-empty")  # shown before the workspace is open, too
        if action == "demo":
            return (self.loaded or welcome) and not self.summaries and has_demo()
        if action == "edit":
            return self.loaded and bool(self.summaries)
        if action in ("filter", "cycle_sort", "sort"):
            return bool(self.summaries)
        return self.loaded or welcome or action != "add"

    def _later(self, action: str) -> bool:
        """Whether `action` waits for the workspace to open (asked for on the welcome
        shown before it was): it runs once the list is loaded."""
        if self.loaded:
            return False
        if self.has_class("-empty"):
            self._pending_action = action
        return True

    def action_add(self) -> None:
        from qualify.tui.modals.prospect_form import ProspectForm

        if self._later("add"):
            return
        languages = catalog_languages(self.qualifier.catalog)
        form = ProspectForm(territories=self._territories(), languages=languages)
        self.app.push_screen(form, self._added)

    def _territories(self) -> tuple[str, ...]:
        return tuple(sorted({s.territory for s in self.summaries if s.territory}))

    def _added(self, result: ProspectFormResult | None) -> None:
        if result is None:
            return
        from qualify.core.errors import QualifyError

        try:
            prospect = self.qualifier.add_prospect(
                result.name,
                territory=result.territory,
                kind=result.kind,
                notes=result.notes,
                language=result.language,
            )
        except QualifyError as exc:
            self.notify(error_text(exc), title=_("Not added"), severity="error", markup=False)
            return
        said = _("{name} added at the first stage.").format(name=prospect.name)
        self.notify(said, markup=False)
        self.prospects_changed(prospect.id, select=True)
        self.open_prospect(prospect.id)

    def action_edit(self) -> None:
        from qualify.tui import moves

        prospect_id = self.highlighted_id
        if prospect_id is not None:
            moves.edit(self, prospect_id, lambda: None)

    def action_filter(self) -> None:
        self.query_one("#filter", Input).focus()

    def action_clear_filter(self) -> None:
        field = self.query_one("#filter", Input)
        if field.value:
            field.value = ""
        self.query_one(ProspectTable).focus()

    def action_sort(self, key: str) -> None:
        self.query_one(ProspectTable).sort_by(key)

    def action_cycle_sort(self) -> None:
        table = self.query_one(ProspectTable)
        keys = [c.key for c in COLUMNS]
        i = keys.index(table.sort_key) if table.sort_key in keys else -1
        table.sort_by(keys[(i + 1) % len(keys)])
        col = COLUMNS[(i + 1) % len(keys)]
        self.notify(_("Sorted by {column}").format(column=_(col.title)), timeout=1.5)

    def action_reload(self) -> None:
        self.set_class(True, "-loading")
        self.set_class(False, "-failed")
        self.load()

    async def action_demo(self) -> None:
        if self._later("demo") or self.summaries or not has_demo():
            return
        if self.workspace.catalog.pipeline is None:
            self.notify(
                _(
                    "The pipeline has errors, so there are no stages to put sample prospects "
                    "in: press s to see and fix them."
                ),
                title=_("Demo data"),
                severity="error",
            )
            return
        self.set_class(True, "-loading")
        self.query_one("#loading-text", Static).update(
            _("Adding {n} sample prospects…").format(n=DEMO_COUNT)
        )
        if not self.query("#loading-progress"):  # only demo data shows one: made then
            bar = ProgressBar(id="loading-progress", show_eta=False)
            await self.query_one("#loading").mount(bar)
        self.query_one("#loading-progress", ProgressBar).display = True
        self.fill_demo()

    @work(thread=True, exclusive=True, exit_on_error=False, group="prospects")
    def fill_demo(self, count: int = DEMO_COUNT, seed: int = 7) -> None:
        """Generate and store sample prospects, with a progress bar (a worker: no freeze)."""
        from qualify.core.questionnaire import content_hash
        from qualify.core.questionnaire.catalog import canonical
        from qualify.workflow.demo import generate

        workspace = self.workspace
        store, catalog = workspace.qualifier.store, workspace.catalog
        bar = self.query_one("#loading-progress", ProgressBar)
        self.app.call_from_thread(bar.update, total=count, progress=0)
        step = max(1, count // 50)

        def counted():  # report progress as the prospects are generated and written
            for n, item in enumerate(generate(catalog, count, seed=seed), start=1):
                yield item
                if n % step == 0 or n == count:
                    self.app.call_from_thread(bar.update, progress=n)

        try:
            for qs in catalog.question_sets.values():
                store.put_snapshot(content_hash(qs), canonical(qs))  # as it is hashed
            made = list(counted())
            added = len(made) - len(store.add_new_prospects(made))  # never replaces one
        finally:
            self.app.call_from_thread(self._demo_done)
        self.notify(
            _(
                "{n} sample prospects added, tagged demo (`qualify demo --remove` takes "
                "them out again)."
            ).format(n=added),
            title=_("Demo data"),
        )
        self.post_message(WorkspaceOpened(workspace.summaries()))

    def _demo_done(self) -> None:
        self.set_class(False, "-loading")
        self.query_one("#loading-text", Static).update(_("Opening the workspace…"))
        self.query_one("#loading-progress", ProgressBar).display = False

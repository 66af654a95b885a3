"""A new user's first screen: the welcome comes at once, before the workspace is open
(a new one is made meanwhile), and what is asked of it then is done once it is."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from textual.widgets import Button
from tui_helpers import wait_for, wait_home

from qualify.core.errors import QualifyError
from qualify.store import open_store
from qualify.tui.modals.prospect_form import ProspectForm
from qualify.tui.screens.prospects import DEMO_COUNT, ProspectsScreen
from qualify.tui.workspace import Workspace


@pytest.fixture
def held_open(monkeypatch: pytest.MonkeyPatch) -> threading.Event:
    """Opening the workspace waits until the test sets the event (a slow disk)."""
    release = threading.Event()
    real_open = Workspace.open

    def slow_open(self: Workspace):
        assert release.wait(30), "the test never let the workspace open"
        return real_open(self)

    monkeypatch.setattr(Workspace, "open", slow_open)
    return release


async def _welcome(pilot) -> ProspectsScreen:
    def shown() -> ProspectsScreen | None:
        screen = pilot.app.screen_stack[0]
        ok = isinstance(screen, ProspectsScreen) and screen.shown
        return screen if ok and screen.query("#first-run") else None

    return await wait_for(pilot, shown, "the welcome")


@pytest.mark.parametrize("where", ["new-folder", "empty-folder"])
async def test_the_welcome_comes_before_the_workspace_is_open(
    make_app, tmp_path: Path, held_open: threading.Event, where: str
) -> None:
    data = tmp_path / "ws"
    if where == "empty-folder":
        data.mkdir()
    app = make_app(data=data)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await _welcome(pilot)
        assert not screen.loaded, "shown while the workspace was still opening"
        assert screen.has_class("-empty") and screen.query_one("#first-run").display
        assert app.focused is screen.query_one("#first-add", Button)
        await pilot.press("enter")  # Add the first prospect, before it is open
        await pilot.pause()
        assert app.screen is screen  # nothing to add it to yet: it waits
        held_open.set()
        form = await wait_for(
            pilot, lambda: isinstance(app.screen, ProspectForm) and app.screen, "the form"
        )
        await pilot.press(*"Nordic AV Oy", "enter")
        await wait_for(pilot, lambda: app.screen is not form, "the new prospect")
    store = open_store(data)
    try:
        assert [s.name for s in store.list_prospects()] == ["Nordic AV Oy"]
    finally:
        store.close()


async def test_demo_data_asked_for_before_it_is_open_is_added_once_it_is(
    make_app, tmp_path: Path, held_open: threading.Event
) -> None:
    data = tmp_path / "ws"
    app = make_app(data=data)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await _welcome(pilot)
        await pilot.press("d")
        await pilot.pause()
        assert not screen.summaries
        held_open.set()
        await wait_for(
            pilot,
            lambda: len(screen.summaries) == DEMO_COUNT and not screen.has_class("-loading"),
            "the demo data",
            timeout=30,
        )
        await pilot.press("d")  # once: the list is not empty any more
        await pilot.pause()
    store = open_store(data)
    try:
        assert len(store.list_prospects()) == DEMO_COUNT
    finally:
        store.close()


async def test_a_workspace_that_cannot_be_opened_takes_the_welcome_back(
    make_app, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refused(self: Workspace):
        raise QualifyError("the disk said no")

    monkeypatch.setattr(Workspace, "open", refused)
    app = make_app(data=tmp_path / "ws")
    async with app.run_test(size=(100, 30)) as pilot:
        screen = pilot.app.screen_stack[0]
        await wait_for(pilot, lambda: screen.has_class("-failed"), "the failure")
        assert screen.query_one("#failed").display
        assert not screen.has_class("-empty")
        assert not screen.query("#first-run") or not screen.query_one("#first-run").display
        await pilot.press("a")  # nothing to add a prospect to: nothing happens
        await pilot.pause()
        assert app.screen is screen


def test_no_welcome_first_while_prospect_files_are_there_without_rows(tmp_path: Path) -> None:
    """Rows missing from the index (lost, or never written) are not an empty workspace:
    the store reads the files, and the list shows them."""
    from qualify.core.records import Prospect

    data = tmp_path / "ws"
    store = open_store(data)
    store.add_prospect(Prospect(name="Kept", stage="first-date"))
    store.close()
    for shard in (data / "index" / "prospects").glob("*.json"):
        shard.write_bytes(b"{}")
    ws = Workspace(data, tmp_path / "no-sets")
    assert ws.first_page(200) is None
    fresh = Workspace(tmp_path / "new", tmp_path / "no-sets")
    page = fresh.first_page(200)
    assert page is not None and page.summaries == []
    assert not (tmp_path / "new").exists()  # made by opening it, not by looking


async def test_an_existing_empty_workspace_welcomes_at_once_too(
    make_app, tmp_path: Path, held_open: threading.Event
) -> None:
    data = tmp_path / "ws"
    open_store(data).close()  # a workspace, with no prospect
    app = make_app(data=data)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await _welcome(pilot)
        assert not screen.loaded
        await pilot.press("tab")  # to "Load demo data", while it opens
        demo = screen.query_one("#first-demo", Button)
        assert app.focused is demo
        held_open.set()
        await wait_home(pilot)
        assert screen.query_one("#first-run").display and not screen.summaries
        assert app.focused is demo  # where the user left it


@pytest.fixture
def indicator_paints(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """How many times the loading indicator was drawn (one entry per frame it was in)."""
    from textual.widgets import LoadingIndicator

    drawn: list[int] = []
    real = LoadingIndicator.render

    def counted(self: LoadingIndicator):
        drawn.append(1)
        return real(self)

    monkeypatch.setattr(LoadingIndicator, "render", counted)
    return drawn


@pytest.mark.parametrize("prospects", [0, 3])
async def test_a_first_page_in_time_is_the_first_frame(
    make_app,
    tmp_path: Path,
    held_open: threading.Event,
    indicator_paints: list[int],
    monkeypatch: pytest.MonkeyPatch,
    prospects: int,
) -> None:
    """The screen waits a moment for its first page before it paints anything: the
    welcome, or the most recent rows, is the first frame; no loading frame comes first
    (and the reader has the interpreter to itself meanwhile)."""
    from qualify.core.records import Prospect
    from qualify.tui.screens import prospects as screen_module

    monkeypatch.setattr(screen_module, "FIRST_WAIT", 30.0)  # a busy machine: as long as it takes
    monkeypatch.setattr(screen_module, "FIRST_PAGE", 2)  # fewer rows than there are
    data = tmp_path / "ws"
    if prospects:
        store = open_store(data)
        for n in range(prospects):
            store.add_prospect(Prospect(name=f"P{n}", stage="first-date"))
        store.close()
    app = make_app(data=data)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = pilot.app.screen_stack[0]
        await wait_for(pilot, lambda: screen.shown, "the first page")
        assert not screen.loaded  # still opening (held): the first page came before it
        shown = screen.query("#first-run") if not prospects else screen.query("ProspectTable")
        assert shown and shown.first().display
        assert indicator_paints == []
        held_open.set()
        await wait_home(pilot)


async def test_a_slow_first_page_shows_the_loading_indicator_meanwhile(
    make_app,
    tmp_path: Path,
    indicator_paints: list[int],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from qualify.tui.screens import prospects as screen_module

    monkeypatch.setattr(screen_module, "FIRST_WAIT", 0.01)
    release = threading.Event()
    real = Workspace.first_page

    def slow(self: Workspace, count: int):
        assert release.wait(30), "the test never let the first page come"
        return real(self, count)

    monkeypatch.setattr(Workspace, "first_page", slow)
    app = make_app(data=tmp_path / "ws")
    async with app.run_test(size=(100, 30)) as pilot:
        screen = pilot.app.screen_stack[0]
        await wait_for(pilot, lambda: indicator_paints, "the loading indicator")
        assert screen.has_class("-loading") and not screen.shown
        release.set()
        await _welcome(pilot)

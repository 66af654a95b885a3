"""The prospects screen as a user meets it: first run, demo data, add, filter, sort, open."""

from __future__ import annotations

from pathlib import Path

from textual import events
from textual.widgets import Input, Static
from tui_helpers import (
    add_prospect,
    fill_demo,
    open_prospect,
    open_store,
    screen_ready,
    wait_for,
    wait_home,
    wait_prospect,
)

from qualify.tui.modals.prospect_form import ProspectForm
from qualify.tui.screens.prospect import ProspectScreen
from qualify.tui.screens.prospects import DEMO_COUNT, ProspectsScreen
from qualify.tui.widgets.prospect_table import ProspectTable


def count_text(screen: ProspectsScreen) -> str:
    return str(screen.query_one("#count", Static).render())


async def test_first_run_offers_demo_data_and_loads_it(make_app, data_dir: Path) -> None:
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await wait_home(pilot)
        assert screen.has_class("-empty")
        assert screen.query_one("#first-run").display
        assert "Welcome to qualify" in str(screen.query_one("#welcome", Static).render())
        await pilot.press("d")
        await wait_for(
            pilot,
            lambda: screen.summaries and not screen.has_class("-loading"),
            "the demo data",
            timeout=30,
        )
        assert len(screen.summaries) == DEMO_COUNT
        assert not screen.has_class("-empty")
        assert count_text(screen) == f"{DEMO_COUNT} prospects"
        assert app.focused is screen.query_one(ProspectTable)
    store = open_store(data_dir)
    try:
        assert len(store.list_prospects()) == DEMO_COUNT
    finally:
        store.close()


async def test_add_prospect_form_refuses_an_empty_name(make_app, data_dir: Path) -> None:
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_home(pilot)
        await pilot.press("a")
        await pilot.pause()
        form = app.screen
        assert isinstance(form, ProspectForm)
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen is form, "an empty name must not close the form"
        assert "required" in str(form.query_one("#error", Static).render())
        await pilot.press(*"Nordic AV Oy")
        await pilot.press("tab")
        await pilot.press(*"North")
        await pilot.press("enter")
        screen = await wait_prospect(pilot)
        assert screen.view.prospect.name == "Nordic AV Oy"
        assert screen.view.prospect.territory == "North"
    store = open_store(data_dir)
    try:
        names = [s.name for s in store.list_prospects()]
    finally:
        store.close()
    assert names == ["Nordic AV Oy"]


async def test_the_add_form_typed_in_one_go_puts_each_text_in_its_field(
    make_app, data_dir: Path
) -> None:
    """Keys typed together (a fast typist over ssh, a busy laptop): Tab moved the focus
    only once it had reached the screen, so "North" typed after it went into the name.
    Each text lands in the field Tab went to, across the two choice fields (back in a
    field, its text is selected, as Tab leaves it: End, then typing adds to it)."""
    from test_date_retyped import burst

    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_home(pilot)
        await pilot.press("a")
        form = await wait_for(pilot, lambda: isinstance(app.screen, ProspectForm) and app.screen)
        await wait_for(pilot, lambda: app.focused is form.query_one("#name"))
        await burst(
            pilot, *"Nordic AV Oy", "tab", *"North", "tab", "tab", "tab", *"Met at ISE",
            "shift+tab", "shift+tab", "shift+tab", "end", *" East",
        )  # fmt: skip
        await wait_for(pilot, lambda: not app.holding_keys, "the keys")
        assert form.query_one("#name", Input).value == "Nordic AV Oy"
        assert form.query_one("#territory", Input).value == "North East"
        assert form.query_one("#notes", Input).value == "Met at ISE"
        await pilot.press("enter")
        screen = await wait_prospect(pilot)
        assert screen.view.prospect.territory == "North East"
        assert screen.view.prospect.notes == "Met at ISE"


async def test_filter_as_you_type_and_sort(make_app, data_dir: Path, tiny_sets: Path) -> None:
    fill_demo(data_dir, tiny_sets, 30)
    add_prospect(data_dir, tiny_sets, "Zeta Unique Sound GmbH", territory="Iberia")
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await wait_home(pilot)
        table = screen.query_one(ProspectTable)
        assert table.total == 31
        await pilot.press("slash")
        assert isinstance(app.focused, Input)
        await pilot.press(*"zeta uniq")
        await pilot.pause()
        assert table.shown == 1
        assert count_text(screen) == "1 of 31"
        assert table.highlighted.name == "Zeta Unique Sound GmbH"
        await pilot.press("enter")  # back to the table
        assert app.focused is table
        await pilot.press("escape")  # clears the filter
        await pilot.pause()
        assert table.shown == 31
        await pilot.press("1")  # sort by name
        names = [table._view[i].summary.name for i in range(table.shown)]
        assert names == sorted(names, key=str.casefold)
        await pilot.press("1")  # again: reversed
        names = [table._view[i].summary.name for i in range(table.shown)]
        assert names == sorted(names, key=str.casefold, reverse=True)


async def test_enter_opens_the_highlighted_prospect(make_app, data_dir, tiny_sets) -> None:
    pid = add_prospect(data_dir, tiny_sets, "Harbour Systems BV", territory="Benelux")
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_home(pilot)
        await pilot.press("enter")
        screen = await wait_prospect(pilot)
        assert screen.prospect_id == pid
        title = str(screen.query_one("#facts-title", Static).render())
        assert "Harbour Systems BV" in title and "First date" in title
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, ProspectsScreen)


async def test_edit_from_the_list_and_from_the_prospect(make_app, data_dir, tiny_sets) -> None:
    pid = add_prospect(data_dir, tiny_sets, "Nordic AV Oy", territory="North")
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await wait_home(pilot)
        await pilot.press("e")
        await pilot.pause()
        form = app.screen
        assert isinstance(form, ProspectForm)
        territory = form.query_one("#territory", Input)
        assert territory.value == "North", "the form opens with the stored facts"
        territory.value = "Baltics"
        await pilot.press("enter")
        table = screen.query_one(ProspectTable)
        await wait_for(
            pilot,
            lambda: table.shown and table._view[0].summary.territory == "Baltics",
            "the list to show the edit",
        )

        app.open_prospect(pid)
        prospect_screen = await wait_prospect(pilot)
        await pilot.press("e")
        await pilot.pause()
        app.screen.query_one("#name", Input).value = "Nordic AV Group Oy"
        await pilot.press("enter")
        await wait_for(
            pilot,
            lambda: screen_ready(
                app, ProspectScreen, lambda s: s.view and s.view.prospect.name.endswith("Group Oy")
            ),
            "the prospect to show the edit",
        )
        assert prospect_screen.view.prospect.name == "Nordic AV Group Oy"
    store = open_store(data_dir)
    try:
        edits = [h.details for h in store.history(pid) if h.action == "edit"]
        assert edits == [{"territory": "Baltics"}, {"name": "Nordic AV Group Oy"}]
    finally:
        store.close()


def test_columns_fill_the_width_and_keep_band_words_at_80() -> None:
    """At 80 columns (78 beside the scrollbar) the band reads in full; wider, the name grows."""
    table = ProspectTable()
    for width in (78, 98, 118, 200):
        layout = table._layout(width)
        end = layout[-1][1] + layout[-1][2]
        assert end + 1 == width  # every cell used, nothing under the scrollbar
        widths = {col.key: w for col, _x, w in layout}
        assert widths["score"] >= len("65.6 Sign with conditions")
        assert widths["name"] >= 24
    assert table._layout(200)[0][2] > table._layout(118)[0][2]
    # every column appears as soon as it fits beside those, not later
    for width in range(78, 200):
        layout = table._layout(width)
        wider = {col.key for col, _x, _w in table._layout(width + 1)}
        assert {col.key for col, _x, _w in layout} <= wider
        widths = {col.key: w for col, _x, w in layout}
        assert widths["name"] >= 24 and widths["score"] >= 25, width
    assert {col.key for col, _x, _w in table._layout(118)} >= {"territory", "meeting", "updated"}
    assert {col.key for col, _x, _w in table._layout(126)} >= {"kind"}


async def test_dialogs_fit_an_80x24_terminal(make_app, data_dir: Path, tiny_sets: Path) -> None:
    """At 80×24 every field and button of the add form and the decline prompt is on
    screen at once, without scrolling the dialog."""
    from textual.widgets import Button, Input

    from qualify.tui.modals.reason import ReasonPrompt

    def all_on_screen(dialog) -> None:
        screen_region = dialog.region
        for widget in [*dialog.query(Input), *dialog.query(Button)]:
            assert screen_region.contains_region(widget.region), widget
            assert widget.region.height > 0, widget

    add_prospect(data_dir, tiny_sets, "Nordic AV Oy")
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_home(pilot)
        await pilot.press("a")
        await pilot.pause()
        assert isinstance(app.screen, ProspectForm)
        all_on_screen(app.screen)
        await pilot.press("escape", "enter")
        await wait_prospect(pilot)
        await pilot.press("d")
        await pilot.pause()
        assert isinstance(app.screen, ReasonPrompt)
        all_on_screen(app.screen)


async def test_changes_made_elsewhere_reload_the_list_once_when_it_shows(
    make_app, data_dir, tiny_sets
) -> None:
    """One change signal: an edit and a decline on the prospect screen do not reload the
    hidden list; going back reloads it once, showing both."""
    pid = add_prospect(data_dir, tiny_sets, "Nordic AV Oy", territory="North")
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        home = await wait_home(pilot)
        reads: list[int] = []
        read_summaries = app.workspace.summaries
        app.workspace.summaries = lambda: reads.append(1) or read_summaries()
        screen = await open_prospect(pilot, pid)
        await pilot.press("e")
        await wait_for(pilot, lambda: isinstance(app.screen, ProspectForm), "the form")
        app.screen.query_one("#name", Input).value = "Nordic AV Group Oy"
        await pilot.press("enter")
        await wait_for(pilot, lambda: screen.view.prospect.name.endswith("Group Oy"), "edit")
        await pilot.press("d")
        await pilot.press(*"Carries a competing line", "enter")
        await wait_for(pilot, lambda: screen.view.prospect.status.value == "declined", "decline")
        await pilot.pause(0.2)
        assert reads == [], "the hidden list does not reload behind the prospect"

        await pilot.press("escape")
        table = home.query_one(ProspectTable)
        await wait_for(pilot, lambda: table._view[0].summary.status.value == "declined", "list")
        await pilot.pause(0.2)
        assert table._view[0].summary.name == "Nordic AV Group Oy"
        assert len(reads) == 1, "two changes, one reload"


async def test_an_unreadable_prospect_file_is_skipped_with_a_notification(
    make_app, data_dir: Path, tiny_sets: Path
) -> None:
    import os

    from tui_helpers import notified

    from qualify.store.workspace import Workspace

    fill_demo(data_dir, tiny_sets, 5)
    store = Workspace(data_dir)
    broken_id, *others = store.prospect_ids()
    broken = store.prospect_path(broken_id)
    tmp = broken.with_name(".half-written.tmp")
    tmp.write_bytes(b'{"prospect": {')
    os.replace(tmp, broken)  # replaced by a rename, as a writer would
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await wait_home(pilot)
        assert sorted(s.id for s in screen.summaries) == sorted(others)
        await wait_for(pilot, lambda: notified(app, str(broken)), "the skipped-file warning")
        [note] = [n for n in app._notifications if str(broken) in n.message]
        assert note.title == "Skipped" and "qualify doctor --repair" in note.message


async def test_names_and_notes_are_drawn_without_raw_control_characters(
    make_app, data_dir: Path
) -> None:
    """A name or note imported from a hostile file can neither retitle the terminal,
    clear it nor forge a row: its control characters are drawn as text (\\x1b)."""
    import re

    from qualify.core.records import HistoryEntry, Prospect, ProspectStatus
    from qualify.store.workspace import Workspace

    store = Workspace(data_dir)
    evil = "Evil\x1b]0;pwned\x07 Co\nForged row"
    prospect = store.add_prospect(
        Prospect(name=evil, territory="\x1b[2JNorth", stage="first-date", notes="hi\x1b[31m")
    )
    held = prospect.model_copy(update={"status": ProspectStatus.on_hold})
    store.move_prospect(
        held,
        HistoryEntry(prospect_id=prospect.id, action="hold", reason="later\x1b[5m\x9b2J"),
        expected_stage="first-date",
        expected_status=ProspectStatus.active,
    )
    raw = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_home(pilot)
        listed = app.export_screenshot()
        screen = await open_prospect(pilot, prospect.id)
        shown = app.export_screenshot()
        title = str(screen.query_one("#facts-title", Static).render())
    for svg in (listed, shown):
        assert not raw.search(svg) and "&#27;" not in svg and "&#x1b;" not in svg.lower()
    assert "\\x1b]0;pwned\\x07 Co⏎Forged row" in title


async def test_a_large_list_shows_the_latest_prospects_first_and_the_rest_after(
    make_app, data_dir, tiny_sets, monkeypatch
) -> None:
    """With more prospects than a first page, the most recently active are on screen
    before the rest are read; Enter on one of them opens it once the workspace is open."""
    import threading
    from datetime import UTC, datetime, timedelta

    from qualify.core.records import Prospect, ProspectRecords
    from qualify.tui.screens.prospects import FIRST_PAGE
    from qualify.tui.workspace import Workspace

    start = datetime(2026, 3, 1, tzinfo=UTC)
    count = FIRST_PAGE + 30
    store = open_store(data_dir)
    store.add_prospects_bulk(
        ProspectRecords(
            Prospect(
                name=f"Partner {n:03d}",
                stage="first-date",
                created_at=start,
                updated_at=start + timedelta(hours=n),
            )
        )
        for n in range(count)
    )
    store.close()
    rest = threading.Event()  # the full list waits until the test has looked
    summaries = Workspace.summaries

    def slow_summaries(self):  # runs in the loading worker
        rest.wait(timeout=30)
        return summaries(self)

    monkeypatch.setattr(Workspace, "summaries", slow_summaries)
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await wait_for(
            pilot, lambda: screen_ready(app, ProspectsScreen, lambda s: s.shown)
        )
        table = screen.query_one(ProspectTable)
        assert not screen.loaded and table.total == FIRST_PAGE
        assert table.highlighted is not None and table.highlighted.name == f"Partner {count - 1}"
        assert table._view[0].cells["stage"] == "First date"  # the stage's title, not its id
        assert "Reading every prospect" in count_text(screen)
        await pilot.press("enter")  # opened once the workspace is open
        rest.set()
        opened = await wait_prospect(pilot)
        assert screen.loaded and table.total == count
        assert "Partner 229" in str(opened.query_one("#facts-title", Static).render())


def test_the_first_page_names_the_stages_as_the_sets_do_now(data_dir, tiny_sets) -> None:
    """The first page's stage titles and band words come from a cache of what the list
    needs of the sets (no set model is loaded for them); a pipeline edited since the last
    start is read anew, never shown as it was."""
    from datetime import UTC, datetime, timedelta

    from qualify.core.records import Prospect, ProspectRecords
    from qualify.setcache import load_catalog
    from qualify.tui.workspace import Workspace, list_labels

    start = datetime(2026, 3, 1, tzinfo=UTC)
    store = open_store(data_dir)
    store.add_prospects_bulk(
        ProspectRecords(Prospect(name=f"P{n}", stage="next", updated_at=start + timedelta(hours=n)))
        for n in range(8)
    )
    store.close()

    def first_page(language: str | None = None):
        workspace = Workspace(data_dir, tiny_sets, language=language)
        try:
            return workspace.first_page(5)
        finally:
            workspace.close()

    for language in (None, "de"):
        page = first_page(language)
        assert page is not None and [r.name for r in page.summaries] == [
            f"P{n}" for n in range(7, 2, -1)
        ]
        from qualify.i18n import localized_catalog

        labels = list_labels(localized_catalog(load_catalog(tiny_sets), language), language)
        assert (page.stage_titles, page.band_ranks, page.band_words) == labels
        assert first_page(language) == page  # from the cache now: the same
    pipeline = tiny_sets / "pipeline.yaml"
    text = pipeline.read_text(encoding="utf-8")
    pipeline.write_text(text.replace("Getting to know each other", "Second date"), "utf-8")
    page = first_page()
    assert page is not None and page.stage_titles["next"] == "Second date"


async def test_a_key_pressed_before_the_prospect_is_read_acts_once_it_is(
    make_app, data_dir, tiny_sets, monkeypatch
) -> None:
    """A slow disk or server: the prospect screen shows before its data. `i` pressed at
    once opens the interview when the prospect is read, instead of being refused."""
    import time

    from tui_helpers import wait_interview

    from qualify.tui.workspace import Workspace

    add_prospect(data_dir, tiny_sets, "Harbour Systems BV")
    reading = Workspace.prospect_view

    def slowly(self, prospect_id):
        time.sleep(1.5)  # longer than the keys' usual wait
        return reading(self, prospect_id)

    monkeypatch.setattr(Workspace, "prospect_view", slowly)
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_home(pilot)
        await pilot.press("enter")
        await wait_for(pilot, lambda: screen_ready(app, ProspectScreen), "the prospect screen")
        assert app.screen.view is None  # still being read
        await pilot.press("i", "i")  # impatient: still one interview
        await wait_interview(pilot)
        await pilot.pause(0.3)
        assert [type(s).__name__ for s in app.screen_stack][-2:] == [
            "ProspectScreen",
            "InterviewScreen",
        ]
        await pilot.press("escape", "escape")
        await wait_home(pilot)
        await pilot.press("enter")  # and Esc while it is read goes back at once
        await wait_for(pilot, lambda: screen_ready(app, ProspectScreen), "the prospect screen")
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, ProspectsScreen)


async def test_enter_and_i_typed_at_once_open_the_prospects_interview(
    make_app, data_dir, tiny_sets
) -> None:
    """Both keys in one go (a fast typist, an ssh session): the `i` is for the prospect
    Enter opens, not for the list it was typed on."""
    from tui_helpers import wait_interview

    add_prospect(data_dir, tiny_sets, "Harbour Systems BV")
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_home(pilot)
        app.post_message(events.Key("enter", "\r"))
        app.post_message(events.Key("i", "i"))
        await wait_interview(pilot)


async def test_keys_typed_with_the_key_that_opens_a_dialog_go_into_the_dialog(
    make_app, data_dir, tiny_sets
) -> None:
    """`n`, "+7d", Enter in one go: the dialog opened only once `n` had bubbled up to the
    screen, and "+7d" (typed for the prospect screen below, checked against the dialog's
    keys) was lost, so Enter sent an empty date. The keys wait for the dialog."""
    from datetime import date, timedelta

    from test_date_retyped import burst

    pid = add_prospect(data_dir, tiny_sets, "Harbour Systems BV")
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await open_prospect(pilot, pid)
        await wait_for(pilot, lambda: app.screen.view is not None, "the prospect")
        await burst(pilot, "n", "+", "7", "d", "enter")
        store = open_store(data_dir)
        try:
            meeting = await wait_for(
                pilot, lambda: store.get_prospect(pid).next_meeting, "the meeting"
            )
        finally:
            store.close()
        assert meeting.day == date.today() + timedelta(days=7)
        assert isinstance(app.screen, ProspectScreen)  # the dialog closed with Enter


async def test_enter_typed_twice_on_the_add_form_adds_one_prospect(make_app, data_dir) -> None:
    """The second Enter reached the form after it had answered: Textual's dismiss then
    answered again and closed the screen below too, until the app ended in a traceback.
    A dialog answers once."""
    from test_date_retyped import burst

    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_home(pilot)
        await pilot.press("a")
        form = await wait_for(pilot, lambda: isinstance(app.screen, ProspectForm) and app.screen)
        await wait_for(pilot, lambda: app.focused is form.query_one("#name"))
        await burst(pilot, *"Plain AB", "enter", "enter")
        screen = await wait_prospect(pilot)
        await pilot.pause(0.5)
        assert app.is_running and app.screen is screen
        assert [type(s).__name__ for s in app.screen_stack] == ["ProspectsScreen", "ProspectScreen"]
    store = open_store(data_dir)
    try:
        assert [s.name for s in store.list_prospects()] == ["Plain AB"]
    finally:
        store.close()

"""Keys typed together on the prospects list (a fast typist, a laptop over ssh) act in
the order typed. Found in tmux at 80x24: Down, Down, Enter opened the first prospect,
not the third the cursor went to (Enter ran at once, the arrows once they had bubbled up
to the app); and "/alp", typed to filter for Alpine, opened the add dialog with "lp" in
the company name (the `a` reached the list before the filter had the focus)."""

from __future__ import annotations

from pathlib import Path

from test_date_retyped import burst
from tui_helpers import add_prospect, open_store, screen_ready, wait_for, wait_home, wait_prospect

from qualify.tui.modals.prospect_form import ProspectForm
from qualify.tui.screens.prospects import ProspectsScreen
from qualify.tui.widgets.keys_in_order import Input
from qualify.tui.widgets.prospect_table import ProspectTable


def _three(data_dir: Path, sets: Path) -> list[str]:
    """Three prospects; their ids as the list shows them (most recently added first)."""
    names = ("Alpine Pro Audio SAS", "Baltic Media AB", "Celtic Sound Ltd")
    return [add_prospect(data_dir, sets, name) for name in names][::-1]


async def _home(pilot, shown: list[str]) -> ProspectsScreen:
    screen = await wait_home(pilot)
    assert screen.query_one(ProspectTable).highlighted_id == shown[0]
    return screen


def _names(data_dir: Path) -> list[str]:
    store = open_store(data_dir)
    try:
        return sorted(s.name for s in store.list_prospects())
    finally:
        store.close()


async def test_arrows_and_enter_typed_at_once_open_the_row_the_cursor_reached(
    make_app, data_dir: Path, tiny_sets: Path
) -> None:
    shown = _three(data_dir, tiny_sets)
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await _home(pilot, shown)
        await burst(pilot, "down", "down", "enter")
        opened = await wait_prospect(pilot)
        assert opened.view.prospect.id == shown[2]
        assert screen.query_one(ProspectTable).highlighted_id == shown[2]


async def test_up_and_down_typed_at_once_keep_their_order_with_enter(
    make_app, data_dir: Path, tiny_sets: Path
) -> None:
    shown = _three(data_dir, tiny_sets)
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await _home(pilot, shown)
        await burst(pilot, "down", "down", "up", "enter")
        assert (await wait_prospect(pilot)).view.prospect.id == shown[1]


async def test_a_filter_typed_at_once_after_the_slash_goes_into_the_filter(
    make_app, data_dir: Path, tiny_sets: Path
) -> None:
    shown = _three(data_dir, tiny_sets)
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await _home(pilot, shown)
        await burst(pilot, "slash", *"alp")
        await wait_for(pilot, lambda: not app.holding_keys, "the keys")
        await pilot.pause()
        assert isinstance(app.screen, ProspectsScreen)  # no add dialog from the `a`
        assert screen.query_one("#filter", Input).value == "alp"
        table = screen.query_one(ProspectTable)
        await wait_for(pilot, lambda: table.shown == 1, "the filter")
        assert table.highlighted_id == shown[2]  # Alpine
    assert _names(data_dir) == ["Alpine Pro Audio SAS", "Baltic Media AB", "Celtic Sound Ltd"]


async def test_a_name_typed_at_once_after_the_add_key_goes_into_the_form(
    make_app, data_dir: Path, tiny_sets: Path
) -> None:
    shown = _three(data_dir, tiny_sets)
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await _home(pilot, shown)
        await burst(pilot, "down", "a", *"Nordic AV")
        form = await wait_for(pilot, lambda: screen_ready(app, ProspectForm), "the form")
        await wait_for(pilot, lambda: not app.holding_keys, "the keys")
        assert form.query_one("#name", Input).value == "Nordic AV"


async def test_the_edit_key_typed_after_an_arrow_edits_the_row_the_cursor_reached(
    make_app, data_dir: Path, tiny_sets: Path
) -> None:
    shown = _three(data_dir, tiny_sets)
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await _home(pilot, shown)
        await burst(pilot, "down", "e", "down")
        form = await wait_for(pilot, lambda: screen_ready(app, ProspectForm), "the form")
        await wait_for(pilot, lambda: not app.holding_keys, "the keys")
        assert form.query_one("#name", Input).value == "Baltic Media AB"
        # the arrow typed after `e` was for the form, not the list below it
        assert screen.query_one(ProspectTable).highlighted_id == shown[1]

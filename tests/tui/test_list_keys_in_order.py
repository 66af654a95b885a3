"""Keys typed together on the prospects list (a fast typist, a laptop over ssh) act in
the order typed. Found in tmux at 80x24: Down, Down, Enter opened the first prospect,
not the third the cursor went to (Enter ran at once, the arrows once they had bubbled up
to the app); and "/alp", typed to filter for Alpine, opened the add dialog with "lp" in
the company name (the `a` reached the list before the filter had the focus)."""

from __future__ import annotations

from pathlib import Path

import pytest
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


@pytest.mark.parametrize(
    ("keys", "row"),
    [
        (("down", "down", "enter"), 2),
        (("down", "down", "up", "enter"), 1),
        (("down",) * 9 + ("enter",), 2),
    ],
)
async def test_arrows_and_enter_typed_at_once_open_the_row_the_cursor_reached(
    make_app, data_dir: Path, tiny_sets: Path, keys: tuple[str, ...], row: int
) -> None:
    shown = _three(data_dir, tiny_sets)
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await _home(pilot, shown)
        await burst(pilot, *keys)
        assert (await wait_prospect(pilot)).view.prospect.id == shown[row]
        assert screen.query_one(ProspectTable).highlighted_id == shown[row]


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


@pytest.mark.parametrize(
    ("keys", "name"),
    [(("down", "a", *"Nordic AV"), "Nordic AV"), (("down", "e", "down"), "Baltic Media AB")],
)
async def test_keys_typed_after_a_dialog_key_go_into_the_dialog(
    make_app, data_dir: Path, tiny_sets: Path, keys: tuple[str, ...], name: str
) -> None:
    """Add takes the name typed after `a`; edit opens on the row the arrow before `e`
    reached, and the arrow after it is the form's, not the list's below."""
    shown = _three(data_dir, tiny_sets)
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await _home(pilot, shown)
        await burst(pilot, *keys)
        form = await wait_for(pilot, lambda: screen_ready(app, ProspectForm), "the form")
        await wait_for(pilot, lambda: not app.holding_keys, "the keys")
        assert form.query_one("#name", Input).value == name
        assert screen.query_one(ProspectTable).highlighted_id == shown[1]

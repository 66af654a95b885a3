"""The app on the team server (`qualify --store URL`): the same screens, the database's
territories, and every answer recorded under the manager's own login."""

from __future__ import annotations

from pathlib import Path

from tui_helpers import open_interview, open_store, stored_answers, wait_for, wait_home

from qualify.core.questionnaire import load_catalog
from qualify.tui.app import QualifyApp
from qualify.tui.config import TuiConfig
from qualify.tui.widgets.prospect_table import ProspectTable
from qualify.workflow.qualifier import Qualifier


def open_server_store(url: str):
    from qualify.store import open_store as open_server

    return open_server(url=url)


def seed(url: str, sets: Path, name: str, territory: str) -> str:
    with open_server_store(url) as store:
        return Qualifier(store, load_catalog(sets)).add_prospect(name, territory=territory).id


async def test_the_app_on_the_team_server(pg, data_dir: Path, tiny_sets: Path) -> None:
    anna = pg.grant("anna", "Nordics")
    bert = pg.grant("bert", "Iberia")
    mine = seed(anna, tiny_sets, "Fjord Audio AS", "Nordics")
    seed(bert, tiny_sets, "Sol Sonido SL", "Iberia")

    app = QualifyApp(data_dir, tiny_sets, config=TuiConfig(), store_url=anna)
    async with app.run_test(size=(120, 40)) as pilot:
        home = await wait_home(pilot)
        table = home.query_one(ProspectTable)
        # Row-level security decides what anna sees, not a filter in the app.
        assert [table._view[i].summary.name for i in range(table.shown)] == ["Fjord Audio AS"]

        screen = await open_interview(pilot, mine)
        assert screen.current == "kind"
        await pilot.press("2")  # answered and saved at once, on the server

    with open_server_store(anna) as store:
        answer = store.interviews(mine)[-1].answers["kind"]
    assert answer.value == "integrator"
    assert answer.by == "anna"
    # Nothing went to the laptop's workspace folder.
    assert list(data_dir.iterdir()) == []


async def test_the_embedded_app_records_who_answered(
    make_app, data_dir: Path, tiny_sets: Path, monkeypatch
) -> None:
    monkeypatch.setenv("QUALIFY_USER", "carla")
    store = open_store(data_dir)
    try:
        pid = Qualifier(store, load_catalog(tiny_sets)).add_prospect("Atlas AV GmbH").id
    finally:
        store.close()
    async with make_app().run_test(size=(120, 40)) as pilot:
        await open_interview(pilot, pid)
        await pilot.press("2")
    assert stored_answers(data_dir, pid)["kind"].by == "carla"


async def test_a_server_that_cannot_be_reached_is_named_without_its_password(
    data_dir: Path, tiny_sets: Path, tmp_path: Path
) -> None:
    from textual.widgets import Static

    url = f"postgresql://anna:s3cret@/qualify?host={tmp_path / 'no-server'}"
    app = QualifyApp(data_dir, tiny_sets, config=TuiConfig(), store_url=url)
    async with app.run_test(size=(100, 30)) as pilot:
        home = app.screen
        # the failure panel is shown, the app keeps running
        await wait_for(pilot, lambda: home.has_class("-failed"), "the failure panel")
        text = str(home.query_one("#failed-text", Static).render())
        assert "team server postgresql://anna@/qualify" in text
        assert "s3cret" not in text


async def test_the_first_page_on_the_team_server_is_painted_before_the_whole_list(
    pg, data_dir: Path, tiny_sets: Path, monkeypatch
) -> None:
    """A director's 100,000 prospects take most of a second to list: the most recently
    active ones are on screen first, from one query with a limit."""
    import threading

    from textual.widgets import Static

    from qualify.store.postgres import PostgresStore
    from qualify.tui.screens import prospects

    anna = pg.grant("anna", "Nordics")
    for name in ("Fjord Audio AS", "Nordlys Lyd AS", "Bergen Bilde AS"):
        seed(anna, tiny_sets, name, "Nordics")
    monkeypatch.setattr(prospects, "FIRST_PAGE", 2)
    go_on = threading.Event()
    whole = PostgresStore.list_prospects

    def slow_list(self: PostgresStore):  # the whole list waits until the page is seen
        go_on.wait(timeout=10)
        return whole(self)

    monkeypatch.setattr(PostgresStore, "list_prospects", slow_list)
    app = QualifyApp(data_dir, tiny_sets, config=TuiConfig(), store_url=anna)
    async with app.run_test(size=(120, 40)) as pilot:
        table = await wait_for(
            pilot, lambda: app.screen.query(ProspectTable) and app.screen.query_one(ProspectTable)
        )
        await wait_for(pilot, lambda: table.shown == 2, "the first page")
        assert [table._view[i].summary.name for i in range(2)] == [
            "Bergen Bilde AS",
            "Nordlys Lyd AS",
        ]
        assert "Reading every prospect" in str(app.screen.query_one("#count", Static).render())
        go_on.set()
        await wait_for(pilot, lambda: table.shown == 3, "the whole list")

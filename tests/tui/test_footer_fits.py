"""At 80×24, in English and German, every footer keeps ^q (quit) and F1 (help) on the
screen, left of the command palette's key: the prospects list, each tab of a prospect,
the interview, the question sets and the editor. The keys a footer leaves out still work
and F1 lists them."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import TabbedContent
from textual.widgets._footer import FooterKey
from tui_helpers import add_prospect, open_interview, open_prospect, wait_for, wait_home

from qualify.tui.app import QualifyApp
from qualify.tui.config import TuiConfig

pytestmark = pytest.mark.tui


def _fits(app) -> set[str]:
    """The footer's keys on screen; each must end left of the palette's key."""
    keys = {k.key: k for k in app.screen.query(FooterKey) if k.display}
    palette = keys.pop("ctrl+p")
    for key in keys.values():
        assert key.region.right <= palette.region.x, (key.key, key.region, palette.region)
        assert key.region.width > 0, key.key
    assert {"ctrl+q", "f1"} <= set(keys), sorted(keys)
    return set(keys)


@pytest.mark.parametrize("language", ["en", "de"])
async def test_the_prospects_list_footer_fits(data_dir: Path, tiny_sets: Path, language: str):
    add_prospect(data_dir, tiny_sets, "Atlas AV GmbH")
    app = QualifyApp(data_dir, tiny_sets, config=TuiConfig(), language=language)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_home(pilot)
        await pilot.pause()
        shown = _fits(app)
        assert {"enter", "a", "slash", "o"} <= shown
        assert ("s" in shown) == (language == "en")  # English fits it all, as before


@pytest.mark.parametrize("language", ["en", "de"])
@pytest.mark.parametrize("tab", ["overview", "agenda", "evidence"])
async def test_each_prospect_tab_footer_fits(
    data_dir: Path, tiny_sets: Path, language: str, tab: str
):
    from qualify.tui.screens.help import keys_markdown

    pid = add_prospect(data_dir, tiny_sets, "Atlas AV GmbH")
    app = QualifyApp(data_dir, tiny_sets, config=TuiConfig(), language=language)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_prospect(pilot, pid)
        tabs = screen.query_one(TabbedContent)
        tabs.active = tab
        await wait_for(pilot, lambda: tabs.active == tab, f"the {tab} tab")
        await pilot.pause()
        shown = _fits(app)
        assert "escape" in shown
        assert "`i`" in keys_markdown(screen) and "`c`" in keys_markdown(screen)


@pytest.mark.parametrize("language", ["en", "de"])
async def test_the_interview_footer_fits(data_dir: Path, tiny_sets: Path, language: str):
    pid = add_prospect(data_dir, tiny_sets, "Atlas AV GmbH")
    app = QualifyApp(data_dir, tiny_sets, config=TuiConfig(), language=language)
    async with app.run_test(size=(80, 24)) as pilot:
        from qualify.tui.screens.help import keys_markdown

        await open_interview(pilot, pid)
        await pilot.pause()
        assert "f3" not in _fits(app)  # Sections: left out of the footer, still listed
        assert "`f3`" in keys_markdown(app.screen) and "`f9`" in keys_markdown(app.screen)


@pytest.mark.parametrize("language", ["en", "de"])
async def test_the_bundled_sets_and_the_editor_footers_fit(data_dir: Path, language: str):
    """With the bundled sets, Copy to workspace ran the footer past its end ("f1 H"; in
    German Quit and Help were gone); the editor's cut its last keys off mid-word."""
    from qualify import paths
    from qualify.tui.screens.editor import EditorScreen
    from qualify.tui.screens.help import keys_markdown
    from qualify.tui.screens.question_sets import QuestionSetsScreen

    sets = paths.bundled_questionnaires_dir()
    app = QualifyApp(data_dir, sets, config=TuiConfig(), language=language)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_home(pilot)
        await pilot.press("s")
        await wait_for(pilot, lambda: isinstance(app.screen, QuestionSetsScreen), "the sets")
        await pilot.pause()
        assert {"escape", "e", "c"} <= _fits(app)
        assert "`r`" in keys_markdown(app.screen) and "`R`" in keys_markdown(app.screen)
        await pilot.press("e")
        await wait_for(pilot, lambda: isinstance(app.screen, EditorScreen), "the editor")
        await pilot.pause()
        assert {"escape", "f5", "f8"} <= _fits(app)
        assert "`f2`" in keys_markdown(app.screen)

"""The app in German: the set's German texts, the app's own words from the German
catalog, and answers kept by option value so the score is the one English gives."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import Static
from tui_helpers import add_prospect, open_interview, saved, stored_answers

from qualify.tui.app import QualifyApp
from qualify.tui.config import TuiConfig
from qualify.tui.widgets.score_panel import ScorePanel

pytestmark = pytest.mark.tui


def _shown(screen, selector: str) -> str:
    return str(screen.query_one(selector, Static).render())


def _score(screen) -> str:
    panel = screen.query_one("#live-score", ScorePanel)
    return " ".join(
        str(panel.query_one(sel, Static).render()) for sel in ("#score-verdict", "#score-facts")
    )


async def _answer_first(app: QualifyApp, pid: str) -> tuple[str, str, str]:
    """The first question as shown, the score panel before and after choosing option 2."""
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_interview(pilot, pid)
        question = _shown(screen, "#question")
        before = _score(screen)
        await pilot.press("2")
        await saved(pilot, screen)
        return question, before, _score(screen)


async def test_the_interview_in_german_scores_as_in_english(
    data_dir: Path, bundled_sets: Path, tmp_path: Path
) -> None:
    german_id = add_prospect(data_dir, bundled_sets, "Müller AV")
    app = QualifyApp(data_dir, bundled_sets, config=TuiConfig(), language="de")
    question, before, after = await _answer_first(app, german_id)
    assert question == "Wie würden Sie Ihr Geschäft beschreiben?"
    assert "Noch nicht bewertet" in before or "noch keine bewerteten Antworten" in before
    assert stored_answers(data_dir, german_id)["partner_type"].value == "stocking_dealer"

    english_data = tmp_path / "english"
    english_data.mkdir()
    english_id = add_prospect(english_data, bundled_sets, "Miller AV")
    english = QualifyApp(english_data, bundled_sets, config=TuiConfig())
    question_en, _, after_en = await _answer_first(english, english_id)
    assert question_en == "How would you describe your business?"
    assert stored_answers(english_data, english_id)["partner_type"].value == "stocking_dealer"
    # the same figures, in each language's words
    assert "Abdeckung" in after and "beantwortet" in after
    assert "Coverage" in after_en and "answered" in after_en
    digits = [c for c in after if c.isdigit()]
    assert digits == [c for c in after_en if c.isdigit()]


async def test_the_config_file_sets_the_apps_language(data_dir: Path, bundled_sets: Path) -> None:
    pid = add_prospect(data_dir, bundled_sets, "Müller AV")
    app = QualifyApp(data_dir, bundled_sets, config=TuiConfig(language="de"))
    question, _, after = await _answer_first(app, pid)
    assert question == "Wie würden Sie Ihr Geschäft beschreiben?"
    assert "Abdeckung" in after


async def test_a_german_prospect_is_interviewed_in_german_in_an_english_app(
    data_dir: Path, bundled_sets: Path
) -> None:
    pid = add_prospect(data_dir, bundled_sets, "Müller AV", language="de")
    app = QualifyApp(data_dir, bundled_sets, config=TuiConfig())
    question, _, _ = await _answer_first(app, pid)
    assert question == "Wie würden Sie Ihr Geschäft beschreiben?"
    assert stored_answers(data_dir, pid)["partner_type"].value == "stocking_dealer"
    forced = QualifyApp(data_dir, bundled_sets, config=TuiConfig(), language_forced=True)
    async with forced.run_test(size=(120, 40)) as pilot:  # --lang wins over the prospect's
        screen = await open_interview(pilot, pid)
        screen.go("partner_type")
        await pilot.pause()
        assert _shown(screen, "#question") == "How would you describe your business?"


async def test_the_prospects_list_speaks_german(data_dir: Path, bundled_sets: Path) -> None:
    from tui_helpers import wait_home

    from qualify.tui.widgets.prospect_table import ProspectTable

    add_prospect(data_dir, bundled_sets, "Müller AV")
    for language, words in (("de", ("Name", "Phase", "Punktzahl", "Gebiet")), (None, ("Stage",))):
        app = QualifyApp(data_dir, bundled_sets, config=TuiConfig(), language=language)
        async with app.run_test(size=(120, 40)) as pilot:
            home = await wait_home(pilot)
            header = home.query_one(ProspectTable).render_line(0).text
            assert all(word in header for word in words), header
            assert app.screen.sub_title == ("Interessenten" if language else "Prospects")

"""The interview screen in German: its headings, buttons, notices and the summary read
from the German catalog; the same screen in English keeps its English words."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import Button, Markdown, OptionList
from tui_helpers import add_prospect, notified, open_interview, saved, text_of, wait_for

from qualify.i18n import use_language
from qualify.tui.app import QualifyApp
from qualify.tui.config import TuiConfig
from qualify.tui.screens.help import HelpScreen, help_text
from qualify.tui.screens.interview import SUMMARY

pytestmark = pytest.mark.tui


def _sections(screen) -> list[str]:
    sections = screen.query_one("#sections", OptionList)
    return [str(sections.get_option_at_index(i).prompt) for i in range(sections.option_count)]


async def test_the_interview_and_its_summary_speak_german(
    data_dir: Path, bundled_sets: Path
) -> None:
    pid = add_prospect(data_dir, bundled_sets, "Müller AV")
    app = QualifyApp(data_dir, bundled_sets, config=TuiConfig(), language="de")
    async with app.run_test(size=(140, 40)) as pilot:
        screen = await open_interview(pilot, pid)
        assert screen.sub_title.startswith("Müller AV · ")
        headings = [str(s.render()) for s in screen.query(".heading")]
        assert "Abschnitte" in headings and "Aktuelle Punktzahl" in headings
        buttons = {str(b.label) for b in screen.query(Button)}
        assert {"◀ Zurück  PgUp", "Notiz", "PgDn  Weiter ▶"} <= buttons
        assert "Übersicht und Tor" in _sections(screen)[-1]
        where = text_of(screen, "#where")  # the section, the position, the tags
        assert " · 1 von " in where and "Pflicht" in where, where
        assert " of " not in where and "required" not in where

        # a note and the F7 mark are confirmed in German
        await pilot.press("f7")
        await saved(pilot, screen)
        await wait_for(pilot, lambda: notified(app, "Unbekannt: nächstes Mal fragen."), "notice")
        await pilot.press("f7")
        await saved(pilot, screen)
        await wait_for(pilot, lambda: notified(app, "Wieder unbeantwortet."), "notice")

        await pilot.press("f4")
        await wait_for(pilot, lambda: screen.current == SUMMARY, "the summary")
        assert text_of(screen, "#summary-title").startswith("Übersicht · ")
        assert text_of(screen, "#summary-gate-heading").startswith("Tor zu ")
        still_open = text_of(screen, "#summary-open")
        assert "Pflichtfragen noch offen:" in still_open, still_open
        assert "required" not in still_open
        assert "Noch kein nächstes Treffen vereinbart" in text_of(screen, "#summary-meeting")
        assert "Enter bewegt nie einen Interessenten" in text_of(screen, "#summary-keys")
        assert str(screen.query_one("#do-keep", Button).label) == "Weiter kennenlernen  (k)"
        assert str(screen.query_one("#do-advance", Button).label) == "Weiterrücken…  (a)"

        await pilot.press("f1")
        help_screen = await wait_for(
            pilot, lambda: isinstance(app.screen, HelpScreen) and app.screen, "the help"
        )
        assert text_of(help_screen, "#help-title").startswith(
            "Hilfe · Tasten auf diesem Bildschirm"
        )
        source = help_screen.query_one("#help-md", Markdown).source
        assert source.startswith("## Tasten auf diesem Bildschirm")
        assert "# So arbeitet qualify" in source and "## Das Gespräch" in source


@pytest.mark.parametrize(
    ("language", "heading"),
    [("de", "# So arbeitet qualify"), ("de_CH", "# So arbeitet qualify"), ("fr", "# How qualify")],
)
def test_the_help_is_in_the_language_in_use_else_english(language: str, heading: str) -> None:
    with use_language(language):
        assert help_text().startswith(heading)


async def test_the_interview_keeps_its_english_words(data_dir: Path, bundled_sets: Path) -> None:
    pid = add_prospect(data_dir, bundled_sets, "Miller AV")
    app = QualifyApp(data_dir, bundled_sets, config=TuiConfig())
    async with app.run_test(size=(140, 40)) as pilot:
        screen = await open_interview(pilot, pid)
        await pilot.press("f4")
        await wait_for(pilot, lambda: screen.current == SUMMARY, "the summary")
        assert text_of(screen, "#summary-title").startswith("Summary · ")
        assert "required question(s) still open:" in text_of(screen, "#summary-open")
        assert str(screen.query_one("#do-keep", Button).label) == "Keep dating  (k)"


async def test_a_number_the_question_refuses_is_explained_in_german(
    data_dir: Path, tiny_sets: Path
) -> None:
    pid = add_prospect(data_dir, tiny_sets, "Müller AV")
    app = QualifyApp(data_dir, tiny_sets, config=TuiConfig(), language="de")
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_interview(pilot, pid)
        await pilot.press("2")
        await saved(pilot, screen)
        await pilot.press("enter", "down", "space")
        await saved(pilot, screen)
        await pilot.press("enter")
        await wait_for(pilot, lambda: screen.current == "reps", "the number question")
        await pilot.press(*"900")
        await saved(pilot, screen)
        error = text_of(screen, "#number-error")
        assert "900 liegt über dem Höchstwert 500" in error and "maximum" not in error
        await pilot.press("backspace", "backspace", "backspace", *"1,000")
        await saved(pilot, screen)
        error = text_of(screen, "#number-error")
        assert "'1,000' könnte 1000 oder 1" in error and "ohne Tausendertrennzeichen" in error

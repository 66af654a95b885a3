"""The app's tools in German: the comparison with the ideal partner and the command
palette read in the German catalog's words, the figures as German writes them."""

from __future__ import annotations

from pathlib import Path

import pytest
from test_insight_views import IDEAL, answer, atlas, prompts
from textual.command import CommandList, CommandPalette
from textual.widgets import OptionList, Static
from tui_helpers import add_prospect, open_comparison, open_prospect, text_of, wait_for, wait_home

from qualify.tui.app import QualifyApp
from qualify.tui.config import TuiConfig
from qualify.tui.screens.editor import EditorScreen
from qualify.tui.screens.question_sets import QuestionSetsScreen
from qualify.tui.screens.rescore import RescoreScreen

pytestmark = pytest.mark.tui


async def open_palette(pilot) -> CommandPalette:
    """ctrl+p, once its entries are listed."""
    app = pilot.app
    await pilot.press("ctrl+p")
    await wait_for(pilot, lambda: isinstance(app.screen, CommandPalette), "the palette")
    palette = app.screen
    await wait_for(pilot, lambda: palette.query_one(CommandList).option_count > 5, "entries")
    return palette


def palette_prompts(palette: CommandPalette) -> list[str]:
    commands = palette.query_one(CommandList)
    return [str(commands.get_option_at_index(i).prompt) for i in range(commands.option_count)]


async def test_the_comparison_and_the_palette_speak_german(data_dir: Path, tiny_sets: Path) -> None:
    pid = atlas(data_dir, tiny_sets)
    (data_dir / "ideal.yaml").write_text(IDEAL, encoding="utf-8")
    app = QualifyApp(data_dir, tiny_sets, config=TuiConfig(), language="de")
    async with app.run_test(size=(100, 30)) as pilot:
        await open_prospect(pilot, pid)
        screen = await open_comparison(pilot)
        assert text_of(screen.query_one("#cmp-title")) == "Atlas AV GmbH  gegen  idealer Partner"
        assert "Rechts: ideal.yaml" in text_of(screen.query_one("#cmp-source"))
        assert "i der ideale Partner" not in text_of(screen.query_one("#cmp-source"))
        assert "o ein anderer Interessent" in text_of(screen.query_one("#cmp-source"))
        score = text_of(screen.query_one("#cmp-score"))
        assert "66,7" in score and "−33,3" in score  # the figures as German writes them
        assert text_of(screen.query_one("#cmp-sections")).split()[0] == "Abschnitt"
        heading = text_of(screen.query_one("#cmp-answers-heading"))
        assert heading.startswith("Abweichende Antworten (") and "größte zuerst" in heading
        answers = text_of(screen.query_one("#cmp-answers"))
        assert "— nicht beantwortet" in answers and "Sections" not in answers
        await pilot.press("escape")
        palette = await open_palette(pilot)
        entries = [" ".join(p.split()) for p in palette_prompts(palette)]
        listed = "\n".join(entries)
        assert "Mit dem idealen Partner vergleichen" in listed
        assert "Gespräche neu bewerten" in listed and "Fragenkataloge prüfen" in listed
        assert "Jede Antwort ist bereits gespeichert · ctrl+q" in listed
        assert "Re-score interviews" not in listed and "New prospect" not in listed
        await pilot.press(*"neu bewerten")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await wait_for(
            pilot, lambda: app.screen.sub_title == "Vorschau der Neubewertung", "the re-score"
        )


async def test_set_problems_and_the_rescore_preview_speak_german(
    data_dir: Path, tiny_sets: Path
) -> None:
    pid = add_prospect(data_dir, tiny_sets, "Atlas AV GmbH")
    answer(data_dir, tiny_sets, pid, {"question_id": "kind", "value": "integrator"})
    first = tiny_sets / "tiny-first.yaml"  # a new version that scores the answer lower
    first.write_text(
        first.read_text(encoding="utf-8")
        .replace("version: 1", "version: 2")
        .replace(
            "{value: integrator, label: System integrator, score: 5}",
            "{value: integrator, label: System integrator, score: 3}",
        ),
        encoding="utf-8",
    )
    second = tiny_sets / "tiny-next.yaml"  # a question without its help text: a warning
    second.write_text(
        second.read_text(encoding="utf-8").replace(
            "        help: Written down, with targets and the people each side commits.\n", ""
        ),
        encoding="utf-8",
    )
    app = QualifyApp(data_dir, tiny_sets, config=TuiConfig(), language="de")
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_home(pilot)
        await pilot.press("s")
        await wait_for(pilot, lambda: isinstance(app.screen, QuestionSetsScreen), "sets")
        sets = app.screen
        await wait_for(pilot, lambda: bool(sets.rows), "rows")
        await pilot.press("down")  # tiny-next.yaml
        await pilot.pause()
        problems = prompts(sets.query_one("#qs-problems", OptionList))
        assert problems[0].startswith(
            "⚠ tiny-next.yaml:8:13: Warnung: die Frage 'plan_agreed' hat keinen Hilfetext: "
            "sagen Sie dem Gesprächsführer, worauf er achten soll"
        )
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, EditorScreen), "editor")
        editor = app.screen
        await wait_for(pilot, lambda: editor._checked_generation == editor.generation, "checked")
        shown = prompts(editor.query_one("#ed-problems", OptionList))
        assert shown[0].startswith("⚠ 8:13 Warnung: die Frage 'plan_agreed' hat keinen")
        assert "has no help text" not in " ".join(shown)
        app.action_rescore()
        await wait_for(
            pilot,
            lambda: isinstance(app.screen, RescoreScreen) and app.screen.rows is not None,
            "the preview",
        )
        detail = " ".join(text_of(app.screen.query_one("#rs-detail", Static)).split())
        assert "Vorher 100,0 Strong fit" in detail and "Nachher 75,0" in detail
        assert "• kind: Option 'integrator' neu bewertet: 5 → 3" in detail
        assert "re-scored" not in detail and "Before" not in detail


@pytest.mark.parametrize("language", ["en", "de"])
async def test_the_palette_has_no_doubles_nor_textual_english(
    data_dir: Path, tiny_sets: Path, language: str
) -> None:
    """Textual's own Quit, Theme and Keys sat beside ours (Quit, Switch theme, Help), in
    English even in the German app, as did the search field and the footer's "palette"."""
    from textual.widgets import Input
    from textual.widgets._footer import FooterKey

    app = QualifyApp(data_dir, tiny_sets, config=TuiConfig(), language=language)
    async with app.run_test(size=(100, 40)) as pilot:
        await wait_home(pilot)
        palette_key = next(k for k in app.screen.query(FooterKey) if k.key == "ctrl+p")
        label = str(palette_key.render())
        palette = await open_palette(pilot)
        titles = [p.split("\n")[0].strip() for p in palette_prompts(palette)]
        assert len(titles) == len(set(titles)), titles
        placeholder = palette.query_one(Input).placeholder
        if language == "de":
            assert "Befehle" in label and "palette" not in label
            assert placeholder == "Befehle suchen…"
            assert {"Beenden", "Hilfe", "Design wechseln"} <= set(titles)
            assert not {"Quit", "Keys", "Theme", "Screenshot", "Maximize"} & set(titles)
        else:
            assert "palette" in label and placeholder == "Search for commands…"
            assert titles.count("Quit") == 1 and not {
                "Keys",
                "Theme",
                "Screenshot",
                "Maximize",
            } & set(titles)
        await pilot.press(*("beenden" if language == "de" else "quit"))
        await pilot.pause(0.3)
        matches = palette_prompts(palette)
        assert "ctrl+q" in matches[0], matches  # ours first, and Textual's not at all
        assert sum("ctrl+q" in m or "as soon as possible" in m for m in matches) == 1, matches

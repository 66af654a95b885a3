"""The app's tools in German: the comparison with the ideal partner and the command
palette read in the German catalog's words, the figures as German writes them."""

from __future__ import annotations

from pathlib import Path

import pytest
from test_insight_views import IDEAL, atlas
from textual.command import CommandList, CommandPalette
from tui_helpers import open_prospect, wait_for

from qualify.tui.app import QualifyApp
from qualify.tui.config import TuiConfig
from qualify.tui.screens.compare import CompareScreen

pytestmark = pytest.mark.tui


def _text(widget) -> str:
    return str(widget.render())


async def test_the_comparison_and_the_palette_speak_german(data_dir: Path, tiny_sets: Path) -> None:
    pid = atlas(data_dir, tiny_sets)
    (data_dir / "ideal.yaml").write_text(IDEAL, encoding="utf-8")
    app = QualifyApp(data_dir, tiny_sets, config=TuiConfig(), language="de")
    async with app.run_test(size=(100, 30)) as pilot:
        await open_prospect(pilot, pid)
        await pilot.press("c")
        await wait_for(
            pilot,
            lambda: isinstance(app.screen, CompareScreen) and app.screen.view is not None,
            "the comparison",
        )
        screen = app.screen
        assert _text(screen.query_one("#cmp-title")) == "Atlas AV GmbH  gegen  idealer Partner"
        assert "Rechts: ideal.yaml" in _text(screen.query_one("#cmp-source"))
        assert "i der ideale Partner" not in _text(screen.query_one("#cmp-source"))
        assert "o ein anderer Interessent" in _text(screen.query_one("#cmp-source"))
        score = _text(screen.query_one("#cmp-score"))
        assert "66,7" in score and "−33,3" in score  # the figures as German writes them
        assert _text(screen.query_one("#cmp-sections")).split()[0] == "Abschnitt"
        heading = _text(screen.query_one("#cmp-answers-heading"))
        assert heading.startswith("Abweichende Antworten (") and "größte zuerst" in heading
        answers = _text(screen.query_one("#cmp-answers"))
        assert "— nicht beantwortet" in answers and "Sections" not in answers
        await pilot.press("escape")
        await pilot.press("ctrl+p")
        await wait_for(pilot, lambda: isinstance(app.screen, CommandPalette), "the palette")
        palette = app.screen
        await wait_for(pilot, lambda: palette.query_one(CommandList).option_count > 5, "entries")
        commands = palette.query_one(CommandList)
        entries = [
            " ".join(str(commands.get_option_at_index(i).prompt).split())
            for i in range(commands.option_count)
        ]
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

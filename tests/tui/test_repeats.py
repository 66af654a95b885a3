"""Repeated sections in the interview (reference customers): each repeat asked in turn,
F10 to the next repeat (adding one up to `max`), the repeat shown where the question
is, every repeat's answers kept under its own key, the live score and the summary per
repeat, and the `min` repeats' required questions open until answered."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import Static
from tui_helpers import add_prospect, open_interview, saved, stored_answers, text_of, wait_for

from qualify.tui.screens.interview import SUMMARY
from qualify.tui.widgets.score_panel import ScorePanel
from qualify.tui.widgets.section_bars import SectionBars

REFERENCES = """
  - id: references
    title: Reference customers
    repeat: {min: 2, max: 3}
    repeat_score: min
    questions:
      - id: ref_company
        text: Which customer may we call?
        type: text
        required: true
      - id: ref_outcome
        text: What did they tell us?
        type: choice
        options:
          - {value: praise, label: They praise them, score: 5}
          - {value: warn, label: They warn us off, score: 0}
"""


@pytest.fixture
def sets(tiny_sets: Path) -> Path:
    first = tiny_sets / "tiny-first.yaml"
    first.write_text(first.read_text(encoding="utf-8") + REFERENCES, encoding="utf-8")
    return tiny_sets


def where(screen) -> str:
    return str(screen.query_one("#where", Static).render())


async def test_each_repeat_is_asked_and_kept_under_its_own_key(
    make_app, data_dir: Path, sets: Path
) -> None:
    pid = add_prospect(data_dir, sets, "Atlas AV GmbH")
    app = make_app(sets)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_interview(pilot, pid)
        screen.go("ref_company")
        await pilot.pause()
        assert "Reference customers · repeat 1 of 2 (at least 2, at most 3)" in where(screen)

        await pilot.press(*"Hotel Adler", "pagedown")
        assert screen.current == "ref_outcome"
        await pilot.press("1", "enter")  # praise; Enter moves on…
        await wait_for(pilot, lambda: screen.repeat_at.get("references") == 1)
        assert screen.current == "ref_company"  # …into the second reference
        assert "repeat 2 of 2" in where(screen)
        assert screen.answers.get("ref_company") is None  # a fresh repeat

        await pilot.press(*"Klinik Sued", "pagedown", "2", "enter")
        await wait_for(pilot, lambda: screen.current == SUMMARY)
        await saved(pilot, screen)
        answers = stored_answers(data_dir, pid)
        assert answers["references[0].ref_company"].value == "Hotel Adler"
        assert answers["references[0].ref_outcome"].value == "praise"
        assert answers["references[1].ref_company"].value == "Klinik Sued"
        assert answers["references[1].ref_outcome"].value == "warn"
        assert "ref_company" not in answers

        # the live score per repeat: the weakest reference counts (repeat_score: min)
        panel = screen.query_one("#live-score", ScorePanel)
        bars = str(panel.query_one(SectionBars).render())
        words = bars.split("Reference customers")[1].split()
        bar_chars = set("█▏▎▍▌▋▊▉░ ")
        figures = [w for w in words if not set(w) <= bar_chars]
        assert figures[:8] == ["0.0", "4/4", "#1", "100.0", "2/2", "#2", "0.0", "2/2"]

        # F10 from the last repeat adds a third (max 3); from there it goes round
        await pilot.press("pageup")
        assert (screen.current, screen.repeat_at["references"]) == ("ref_outcome", 1)
        await pilot.press("f10")
        assert "repeat 3 of 3 (at least 2, at most 3)" in where(screen)
        assert screen.answers.get("ref_outcome") is None
        await pilot.press("f10")
        assert "repeat 1 of 3" in where(screen)
        assert screen.answers.get("ref_outcome") == "praise"
        await pilot.press("shift+f10")
        assert "repeat 3 of 3" in where(screen)
        await pilot.press("2")
        await saved(pilot, screen)
        assert stored_answers(data_dir, pid)["references[2].ref_outcome"].value == "warn"
        await pilot.press("pageup")
        assert (screen.current, screen.repeat_at["references"]) == ("ref_company", 2)
        await pilot.press("pageup")  # Back from a repeat's first question: the one before
        assert (screen.current, screen.repeat_at["references"]) == ("ref_outcome", 1)


async def test_the_min_repeats_required_questions_stay_open(
    make_app, data_dir: Path, sets: Path
) -> None:
    pid = add_prospect(data_dir, sets, "Atlas AV GmbH")
    app = make_app(sets)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_interview(pilot, pid)
        screen.go("ref_company")
        await pilot.pause()
        await pilot.press(*"Hotel Adler", "pagedown")
        await saved(pilot, screen)
        await pilot.press("f4")
        summary = text_of(screen, "#summary-open")
        assert "Which customer may we call? (repeat 2)" in summary
        assert "(repeat 1)" not in summary
        assert not screen.check_action("repeat", (1,))  # F10 is for repeated questions
        screen.go("kind")
        await pilot.pause()
        assert not screen.check_action("repeat", (1,))
        assert "repeat" not in where(screen)


def test_snapshot_of_a_second_repeat(snap_compare, data_dir: Path, sets: Path) -> None:
    """The new screen state: a repeated section's second repeat, the first one answered."""
    from datetime import UTC, datetime

    from qualify.core.records import AnswerRecord
    from qualify.tui.app import QualifyApp
    from qualify.tui.config import TuiConfig
    from qualify.workflow.qualifier import Qualifier

    pid = add_prospect(data_dir, sets, "Atlas AV GmbH")
    from tui_helpers import open_store

    from qualify.core.questionnaire import load_catalog

    at = datetime(2026, 11, 2, 9, 30, tzinfo=UTC)
    with open_store(data_dir) as store:
        q = Qualifier(store, load_catalog(sets), user="anna")
        interview = q.open_interview(store.get_prospect(pid))
        store.record_answers(
            interview.id,
            [
                AnswerRecord(question_id=k, value=v, answered_at=at, by="anna")
                for k, v in {
                    "references[0].ref_company": "Hotel Adler",
                    "references[0].ref_outcome": "praise",
                }.items()
            ],
        )

    async def second_repeat(pilot) -> None:
        screen = await open_interview(pilot, pid)
        screen.show_repeat("references", 1, "ref_company")
        await wait_for(pilot, lambda: "repeat 2 of 2" in where(screen))
        for widget in pilot.app.screen.query("Input"):
            widget.cursor_blink = False
        await pilot.pause(0.05)

    app = QualifyApp(data_dir, sets, config=TuiConfig(theme="textual-dark"))
    assert snap_compare(app, terminal_size=(120, 40), run_before=second_repeat)

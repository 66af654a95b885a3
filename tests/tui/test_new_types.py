"""The app on a set using the grown-up language: a date typed and checked, a calculated
value shown read-only, a repeated section's first repeat answered — and no crash."""

from __future__ import annotations

from pathlib import Path

from tui_helpers import add_prospect, open_interview, status_of, stored_answers, wait_for

from qualify.tui.screens.interview.pane import QuestionPane
from qualify.tui.widgets.typed_inputs import CalculatedView, DateInput

SET = """\
id: lang-first
title: First date
version: 1
sections:
  - id: basics
    title: Basics
    questions:
      - id: founded
        text: When was the company founded?
        help: The year is enough.
        type: date
        constraint: ". <= today()"
        constraint_message: Not in the future
      - id: years
        text: Years trading
        type: calculated
        formula: "round(days_since(founded) / 365.25)"
        unit: years
        score_bands: [{below: 5, score: 1}, {score: 3}]
      - id: reps
        text: How many sales reps?
        help: Field and inside.
        type: number
        integer: true
        min: 0
  - id: refs
    title: References
    repeat: {min: 1, max: 3}
    questions:
      - id: ref_company
        text: Which customer may we call?
        help: A name.
        type: text
      - id: ref_outcome
        text: What did they say?
        help: After the call.
        type: choice
        options: [{value: confirm, score: 2}, {value: negative, score: 0}]
"""


def _sets(tmp_path: Path) -> Path:
    folder = tmp_path / "lang-sets"
    folder.mkdir()
    (folder / "lang-first.yaml").write_text(SET, "utf-8")
    (folder / "pipeline.yaml").write_text(
        "stages:\n  - {id: first-date, title: First date, questionnaire: lang-first}\n", "utf-8"
    )
    return folder


async def test_new_types_in_the_interview(make_app, data_dir: Path, tmp_path: Path) -> None:
    sets = _sets(tmp_path)
    pid = add_prospect(data_dir, sets, "Atlas AV GmbH")
    app = make_app(sets)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_interview(pilot, pid)
        pane = screen.query_one(QuestionPane)
        assert screen.current == "founded"
        assert isinstance(pane.input, DateInput)
        await pilot.press(*"2199-01-01", "enter")
        await pilot.pause()
        await wait_for(pilot, lambda: screen.all_saved, "the refused write")
        assert "founded" not in stored_answers(data_dir, pid)  # refused: in the future
        field = pane.input.query_one("Input")
        field.value = ""
        await pilot.press(*"2010-03-01", "enter")
        await wait_for(pilot, lambda: "founded" in stored_answers(data_dir, pid), "the date")
        assert stored_answers(data_dir, pid)["founded"].value == "2010-03-01"
        await wait_for(pilot, lambda: screen.current == "years", "the calculated question")
        assert isinstance(pane.input, CalculatedView)
        assert "years" in str(pane.input.render())
        assert "Not answered yet" not in status_of(screen)  # worked out, never asked
        await pilot.press("enter")
        await pilot.pause()
        assert screen.current == "reps"
        screen.go("ref_outcome")
        await pilot.pause()
        await pilot.press("1")
        await wait_for(
            pilot, lambda: "refs[0].ref_outcome" in stored_answers(data_dir, pid), "the repeat"
        )
        await wait_for(pilot, lambda: screen.all_saved, "the saves")
        assert stored_answers(data_dir, pid)["refs[0].ref_outcome"].value == "confirm"
        breakdown = screen.assessment.breakdown
        assert breakdown is not None and breakdown.question("years").value is not None

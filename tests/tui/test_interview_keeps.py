"""What a tester lost or got wrong in a real terminal, each fixed and kept fixed: a note
withdrawn with its answer, an answer gone after unknown pressed twice, an interview's
ctrl+z that offered an old stage move, a question's default source replaced by *stated*,
and arrow keys that recorded an answer on a question not answered yet."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Static
from tui_helpers import (
    add_prospect,
    at_question,
    notified,
    open_interview,
    open_store,
    saved,
    screen_ready,
    stored_answers,
    wait_for,
)

from qualify.tui.modals.note import NotePrompt
from qualify.tui.modals.reason import ReasonPrompt
from qualify.tui.widgets.question_inputs import YesNoInput


def _record(data_dir: Path, sets: Path, pid: str, values: dict) -> None:
    """Answers given as the command line gives them."""
    from qualify.core.questionnaire import load_catalog
    from qualify.workflow.qualifier import Qualifier

    store = open_store(data_dir)
    try:
        q = Qualifier(store, load_catalog(sets))
        q.record(q.store.get_prospect(pid), values)
    finally:
        store.close()


def _advance(data_dir: Path, sets: Path, pid: str) -> None:
    from qualify.core.questionnaire import load_catalog
    from qualify.workflow.qualifier import Qualifier

    store = open_store(data_dir)
    try:
        q = Qualifier(store, load_catalog(sets))
        q.advance(q.store.get_prospect(pid), override="a test")
    finally:
        store.close()


def _stage(data_dir: Path, pid: str) -> str:
    store = open_store(data_dir)
    try:
        return store.get_prospect(pid).stage
    finally:
        store.close()


async def _note(pilot, screen, text: str) -> None:
    await pilot.press("f2")
    await wait_for(pilot, lambda: isinstance(pilot.app.screen, NotePrompt), "the note")
    await pilot.press(*text, "enter")
    await saved(pilot, screen)


# ------------------------------------------------------------------ 1. withdraw keeps the note
def test_a_withdrawn_answer_keeps_its_note(data_dir: Path, tiny_sets: Path) -> None:
    from qualify.core.questionnaire import AnswerInput, load_catalog
    from qualify.workflow.qualifier import Qualifier

    pid = add_prospect(data_dir, tiny_sets, "Atlas AV GmbH")
    store = open_store(data_dir)
    try:
        q = Qualifier(store, load_catalog(tiny_sets))
        prospect = store.get_prospect(pid)
        q.record(prospect, [AnswerInput("kind", "dealer", note="Two shops")])
        q.clear_answer(prospect, "kind")
        kept = store.interviews(pid)[-1].answers["kind"]
    finally:
        store.close()
    assert kept.value is None and kept.note == "Two shops"
    assert kept.previous is not None and kept.previous["value"] == "dealer"


async def test_x_withdraws_the_answer_not_its_note(
    make_app, data_dir: Path, tiny_sets: Path
) -> None:
    pid = add_prospect(data_dir, tiny_sets, "Atlas AV GmbH")
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_interview(pilot, pid)
        await pilot.press("2")
        await saved(pilot, screen)
        await _note(pilot, screen, "Two shops")
        assert stored_answers(data_dir, pid)["kind"].note == "Two shops"
        await pilot.press("x")
        await saved(pilot, screen)
        kept = stored_answers(data_dir, pid)["kind"]
        assert kept.value is None and kept.note == "Two shops"
        await pilot.press("1")  # answered again: the note is still there
        await saved(pilot, screen)
        again = stored_answers(data_dir, pid)["kind"]
        assert again.value == "dealer" and again.note == "Two shops"


# ------------------------------------------------------------------ 2. unknown twice, ctrl+z
async def test_unknown_pressed_twice_brings_the_answer_back(
    make_app, data_dir: Path, tiny_sets: Path
) -> None:
    pid = add_prospect(data_dir, tiny_sets, "Baltic Sound AB")
    _record(data_dir, tiny_sets, pid, {"kind": "integrator"})
    _advance(data_dir, tiny_sets, pid)  # at "next": an old stage move stands behind us
    _record(data_dir, tiny_sets, pid, {"plan_agreed": False})
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await at_question(pilot, pid, "plan_agreed")
        await _note(pilot, screen, "Board meets in May")
        await pilot.press("u")
        await saved(pilot, screen)
        assert stored_answers(data_dir, pid)["plan_agreed"].state == "unknown"
        await pilot.press("u")  # the same key again: the answer before it, as promised
        await saved(pilot, screen)
        back = stored_answers(data_dir, pid)["plan_agreed"]
        assert (back.state, back.value, back.note) == ("answered", False, "Board meets in May")
        assert notified(app, "Back to the answer before")
        assert screen.query_one(YesNoInput).value is False  # and the input shows it

        await pilot.press("ctrl+z")  # undoes that answer: back to unknown
        prompt = await wait_for(pilot, lambda: screen_ready(app, ReasonPrompt), "the prompt")
        assert "the answer to" in str(prompt.query_one(".title", Static).render())
        await pilot.press(*"Wrong key", "enter")
        await wait_for(
            pilot,
            lambda: stored_answers(data_dir, pid)["plan_agreed"].state == "unknown",
            "the undo",
        )
        await wait_for(pilot, lambda: screen_ready(app, type(screen)), "the interview")
        await saved(pilot)
        await pilot.press("ctrl+z")  # nothing of this interview left: no stage move offered
        await wait_for(pilot, lambda: notified(app, "No answer of this interview"), "the word")
        assert not isinstance(app.screen, ReasonPrompt)
        assert app.screen is screen and _stage(data_dir, pid) == "next"


async def test_declined_twice_reopens_an_open_question(
    make_app, data_dir: Path, tiny_sets: Path
) -> None:
    pid = add_prospect(data_dir, tiny_sets, "Carpathian Media")
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_interview(pilot, pid)
        await pilot.press("w")
        await saved(pilot, screen)
        assert stored_answers(data_dir, pid)["kind"].state == "declined"
        await pilot.press("w")
        await saved(pilot, screen)
        back = stored_answers(data_dir, pid)["kind"]
        assert (back.state, back.value) == ("answered", None)
        assert notified(app, "Back to unanswered")


# ------------------------------------------------------------------ 3. the default source
def _observed(sets: Path) -> None:
    """The tiny set's first question judged by the interviewer (`source: observed`)."""
    path = sets / "tiny-first.yaml"
    text = path.read_text(encoding="utf-8")
    marker = "        type: choice\n        required: true\n"
    assert marker in text
    path.write_text(text.replace(marker, marker + "        source: observed\n", 1), "utf-8")


async def test_a_new_answer_takes_the_questions_own_source(
    make_app, data_dir: Path, tiny_sets: Path
) -> None:
    _observed(tiny_sets)
    pid = add_prospect(data_dir, tiny_sets, "Danube Audio")
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_interview(pilot, pid)
        await _note(pilot, screen, "Looked at their shop")  # a note before the answer
        await pilot.press("1")
        await saved(pilot, screen)
        first = stored_answers(data_dir, pid)["kind"]
        assert (first.value, first.source, first.note) == (
            "dealer",
            "observed",
            "Looked at their shop",
        )
        await pilot.press("x", "2")  # withdrawn, then picked again
        await saved(pilot, screen)
        again = stored_answers(data_dir, pid)["kind"]
        assert (again.value, again.source) == ("integrator", "observed")
        await pilot.press("v")  # a source the user chose is kept for a changed answer
        await saved(pilot, screen)
        assert stored_answers(data_dir, pid)["kind"].source == "our_records"
        await pilot.press("1")
        await saved(pilot, screen)
        assert stored_answers(data_dir, pid)["kind"].source == "our_records"


# ------------------------------------------------------------------ 4. arrows never record
async def test_arrows_move_a_highlight_and_never_record(
    make_app, data_dir: Path, tiny_sets: Path
) -> None:
    from qualify.tui.widgets.question_inputs import ScaleInput, YesNoInput

    pid = add_prospect(data_dir, tiny_sets, "Elbe Systems")
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await at_question(pilot, pid, "support")
        scale = screen.query_one(ScaleInput)
        await pilot.press("right")
        await saved(pilot, screen)
        assert "support" not in stored_answers(data_dir, pid)
        assert scale.value is None and scale.cursor == 1
        await pilot.press("right", "right", "left")
        await saved(pilot, screen)
        assert "support" not in stored_answers(data_dir, pid) and scale.cursor == 2
        await pilot.press("enter")  # Enter moves on, picks nothing
        await saved(pilot, screen)
        assert screen.current == "notes" and "support" not in stored_answers(data_dir, pid)
        await pilot.press("pageup")
        await pilot.pause()
        scale = screen.query_one(ScaleInput)
        await pilot.press("left", "space")  # Space picks the point under the highlight
        await saved(pilot, screen)
        assert stored_answers(data_dir, pid)["support"].value == 5
        await pilot.press("left", "left")  # on an answered question too: a move, no record
        await saved(pilot, screen)
        assert stored_answers(data_dir, pid)["support"].value == 5 and scale.cursor == 3
        await pilot.press("4")
        await saved(pilot, screen)
        assert stored_answers(data_dir, pid)["support"].value == 4

        screen.go("showroom")
        await pilot.pause()
        yes_no = screen.query_one(YesNoInput)
        await pilot.press("right", "left", "right")
        await saved(pilot, screen)
        assert "showroom" not in stored_answers(data_dir, pid) and yes_no.value is None
        await pilot.press("space")  # the highlighted one: No
        await saved(pilot, screen)
        assert stored_answers(data_dir, pid)["showroom"].value is False
        await pilot.press("left")
        await saved(pilot, screen)
        assert stored_answers(data_dir, pid)["showroom"].value is False
        await pilot.press("y")
        await saved(pilot, screen)
        assert stored_answers(data_dir, pid)["showroom"].value is True


async def test_a_yes_or_no_typed_out_is_the_answer_and_opens_nothing(
    make_app, data_dir: Path, tiny_sets: Path, monkeypatch
) -> None:
    """ "yes" typed on a yes/no question opened the evidence dialog ("e") and typed "s" in
    its path; "nein" did too. The word's other letters are part of the answer; a command
    letter typed a moment later still acts."""
    from qualify.tui.modals.evidence import EvidenceDialog
    from qualify.tui.widgets import question_inputs

    pid = add_prospect(data_dir, tiny_sets, "Elbe Systems")
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await at_question(pilot, pid, "showroom")
        for word, value in (("yes", True), ("no", False), ("y", True), ("nein", False)):
            await pilot.press(*word)
            await saved(pilot, screen)
            assert app.screen is screen, word
            assert stored_answers(data_dir, pid)["showroom"].value is value, word
        assert screen.current == "showroom"  # still on the question: nothing moved on
        monkeypatch.setattr(question_inputs, "SPELLED_WITHIN", 0.0)  # "a moment later"
        await pilot.press("y", "e")
        await wait_for(pilot, lambda: isinstance(app.screen, EvidenceDialog), "the files")
        assert stored_answers(data_dir, pid)["showroom"].value is True


# ------------------------------------------------------- 5. the help, whole where it fits
async def test_the_help_takes_the_rows_a_short_screen_has_to_spare(
    make_app, data_dir: Path, bundled_sets: Path
) -> None:
    """At 80×24 the help was cut to three lines mid-sentence above empty rows (the part
    cut off was the red-flag warning); it shows whole where it fits, and the input and its
    keys stay on screen, at 80×24 and at 60×20 (where no row is to spare)."""
    pid = add_prospect(data_dir, bundled_sets, "Atlas AV GmbH")
    app = make_app(bundled_sets)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_interview(pilot, pid)
        help_text = screen.query_one("#help", Static)
        await wait_for(pilot, lambda: help_text.outer_size.height > 3, "the help fitted")
        assert "channel-conflict red flag" in str(help_text.render())
        pane = screen.query_one("QuestionPane")
        keys = screen.query_one("#keys-hint", Static)
        assert keys.region.bottom <= pane.content_region.bottom
        await pilot.resize_terminal(60, 20)
        await pilot.pause(0.2)
        await pilot.pause()
        assert keys.region.bottom <= pane.content_region.bottom
        assert help_text.outer_size.height == 3  # no row to spare: its first lines, as before

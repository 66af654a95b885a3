"""The interview as an area manager runs it: every input type with its keys, answers on
disk the moment they are given, conditions, the live score, knock-outs, resuming."""

from __future__ import annotations

import threading
from pathlib import Path

from textual.widgets import OptionList, Static
from tui_helpers import (
    add_prospect,
    at_question,
    open_interview,
    saved,
    status_of,
    stored_answers,
    text_of,
    wait_for,
    wait_interview,
)

from qualify.tui.screens.interview import SUMMARY, InterviewScreen
from qualify.tui.screens.prospect import ProspectScreen
from qualify.tui.widgets.question_inputs import MultiInput
from qualify.tui.widgets.score_panel import ScorePanel


def live_score(screen: InterviewScreen) -> str:
    panel = screen.query_one("#live-score", ScorePanel)
    return " ".join(
        str(panel.query_one(sel, Static).render())
        for sel in ("#score-verdict", "#score-facts", "#score-knockouts")
    )


def section_lines(screen: InterviewScreen) -> list[str]:
    """The side list's lines as the user reads them."""
    sections = screen.query_one("#sections", OptionList)
    return [
        str(sections.get_option_at_index(i).prompt).strip() for i in range(sections.option_count)
    ]


async def test_every_input_type_saves_at_once(make_app, data_dir: Path, tiny_sets: Path) -> None:
    pid = add_prospect(data_dir, tiny_sets, "Atlas AV GmbH")
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_interview(pilot, pid)
        assert screen.current == "kind"
        assert "Company · 1 of 6" in text_of(screen, "#where")
        assert "no scored answers yet" in live_score(screen)

        # choice: a number key picks and saves; the score panel updates at once
        await pilot.press("2")
        await saved(pilot, screen)
        assert stored_answers(data_dir, pid)["kind"].value == "integrator"
        assert "Score 100.0" in live_score(screen)
        await pilot.press("enter")
        assert screen.current == "streams"

        # multi: no cursor until ↓; space ticks the option under it, a number key that option
        await pilot.press("space")
        await saved(pilot, screen)
        assert "streams" not in stored_answers(data_dir, pid)  # nothing under no cursor
        await pilot.press("down", "space")
        await saved(pilot, screen)
        assert stored_answers(data_dir, pid)["streams"].value == ["resale"]
        await pilot.press("3")
        await saved(pilot, screen)
        assert stored_answers(data_dir, pid)["streams"].value == ["resale", "rental"]
        # a ticked box is told from an empty one by its mark, not by colour alone
        boxes = screen.query_one(MultiInput)
        marks = [boxes.render_line(y).text[1] for y in range(boxes.option_count)]
        assert [m != " " for m in marks] == [i in (0, 2) for i in range(boxes.option_count)]
        await pilot.press("enter")
        assert screen.current == "reps"

        # number: out of range is refused with the reason, nothing saved
        await pilot.press(*"900")
        await saved(pilot, screen)
        assert "900 is above the maximum 500" in text_of(screen, "#number-error")
        await pilot.press("enter")
        await saved(pilot, screen)
        assert screen.current == "reps"
        assert "reps" not in stored_answers(data_dir, pid)
        await pilot.press("backspace", "backspace", "backspace", *"12", "enter")
        await saved(pilot, screen)
        assert stored_answers(data_dir, pid)["reps"].value == 12
        assert screen.current == "showroom"

        # yes/no: y and n; the conditional question appears and disappears live
        assert "showroom_size" not in screen._visible_order()
        await pilot.press("y")
        await saved(pilot, screen)
        assert stored_answers(data_dir, pid)["showroom"].value is True
        assert "showroom_size" in screen._visible_order()
        assert "Company · 4 of 7" in text_of(screen, "#where")
        assert section_lines(screen)[0] == "◐ Company  4/5"  # the side list follows
        await pilot.press("n")
        await saved(pilot, screen)
        assert stored_answers(data_dir, pid)["showroom"].value is False
        assert "showroom_size" not in screen._visible_order()
        assert section_lines(screen)[:2] == ["✓ Company  4/4", "○ Can we serve them  0/2"]
        await pilot.press("y", "enter")
        await saved(pilot, screen)
        assert screen.current == "showroom_size"
        await pilot.press(*"80", "enter")
        await saved(pilot, screen)
        assert stored_answers(data_dir, pid)["showroom_size"].value == 80

        # scale: a number key picks
        assert screen.current == "support"
        await pilot.press("2")
        await saved(pilot, screen)
        assert stored_answers(data_dir, pid)["support"].value == 2
        await pilot.press("enter")

        # text: saved when leaving the question (and after a pause in typing)
        assert screen.current == "notes"
        await pilot.press(*"Keen on the premium range")
        await pilot.press("pagedown")
        await saved(pilot, screen)
        assert stored_answers(data_dir, pid)["notes"].value == "Keen on the premium range"

        # the end: summary and gate (reps must be verified before the gate passes)
        assert screen.current == SUMMARY
        gate = text_of(screen, "#summary-gate")
        assert "Gate not met" in gate
        assert "✗ To verify: How many sales reps do you have? (now stated by them)" in gate


async def test_source_state_and_note_keys(make_app, data_dir: Path, tiny_sets: Path) -> None:
    pid = add_prospect(data_dir, tiny_sets, "Baltic Sound AB")
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_interview(pilot, pid)
        await pilot.press("1")
        await saved(pilot, screen)
        # F6 (or v) cycles how sure the answer is
        await pilot.press("f6")
        await saved(pilot, screen)
        assert stored_answers(data_dir, pid)["kind"].source == "verified"
        await pilot.press("v")
        await saved(pilot, screen)
        assert stored_answers(data_dir, pid)["kind"].source == "estimated"
        # F7: unknown, ask next time; F8: the prospect would not say
        await pilot.press("enter")  # to streams
        await saved(pilot, screen)
        assert screen.current == "streams"
        await pilot.press("f7")
        await saved(pilot, screen)
        record = stored_answers(data_dir, pid)["streams"]
        assert (record.state, record.value) == ("unknown", None)
        assert "Unknown: ask next time" in text_of(screen, "#status")
        await pilot.press("f8")
        await saved(pilot, screen)
        assert stored_answers(data_dir, pid)["streams"].state == "declined"
        # F2: a note on the question, kept with its answer
        await pilot.press("f2")
        await saved(pilot, screen)
        await pilot.press(*"Will tell us after the audit", "enter")
        await saved(pilot, screen)
        assert stored_answers(data_dir, pid)["streams"].note == "Will tell us after the audit"
        assert "Will tell us after the audit" in text_of(screen, "#status")


async def test_knockout_shows_the_moment_it_happens(make_app, data_dir, tiny_sets) -> None:
    pid = add_prospect(data_dir, tiny_sets, "Cheap Online Ltd")
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_interview(pilot, pid)
        await pilot.press("3")  # online discounter
        await saved(pilot, screen)
        score = live_score(screen)
        assert "Not a fit" in score
        assert "Knock-out: Sells only by discounting online" in score
        assert "Knock-out" in text_of(screen, "#status")
        await pilot.press("1")  # changing the answer lifts it
        await saved(pilot, screen)
        assert "Knock-out" not in live_score(screen)


async def test_resume_lands_on_first_unanswered_even_after_restart(
    make_app, data_dir: Path, tiny_sets: Path
) -> None:
    pid = add_prospect(data_dir, tiny_sets, "Delta Integration BV")
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_interview(pilot, pid)
        await pilot.press("1", "enter")  # kind
        await pilot.press("f7")  # streams: unknown, ask next time
        await pilot.press("pagedown")
        await saved(pilot, screen)
        await pilot.press(*"4", "enter")  # reps
        await saved(pilot, screen)
        assert screen.current == "showroom"
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, ProspectScreen)
        await pilot.press("i")
        # "unknown" means ask next time: the resume lands there first
        assert (await wait_interview(pilot)).current == "streams"
    # a new process, as after a crash or a closed laptop: nothing is lost
    assert {k: r.value for k, r in stored_answers(data_dir, pid).items() if r.value} == {
        "kind": "dealer",
        "reps": 4,
    }
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_interview(pilot, pid)
        assert screen.current == "streams"
        await pilot.press("1", "enter")
        await saved(pilot, screen)
        assert screen.current == "reps"  # next in order, with its saved answer shown
        assert "4 people" in text_of(screen, "#status")


async def test_quitting_or_leaving_mid_typing_loses_nothing(
    make_app, data_dir: Path, tiny_sets: Path
) -> None:
    """Text saves as you pause and a number on Enter; Esc or ctrl+q straight after
    typing must still keep it (and an open note), or say why it could not."""
    pid = add_prospect(data_dir, tiny_sets, "Echo AV")
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await at_question(pilot, pid, "notes")
        await pilot.press(*"Wants exclusivity", "escape")
        await pilot.pause()
        assert isinstance(app.screen, ProspectScreen)
    assert stored_answers(data_dir, pid)["notes"].value == "Wants exclusivity"

    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await at_question(pilot, pid, "reps")
        await pilot.press(*"12", "ctrl+q")
        await pilot.pause()
    assert stored_answers(data_dir, pid)["reps"].value == 12

    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await at_question(pilot, pid, "reps")
        await pilot.press("backspace", "backspace", *"900", "escape")  # above the maximum
        await pilot.pause()
        assert "above the maximum 500" in list(app._notifications)[-1].message
    assert stored_answers(data_dir, pid)["reps"].value == 12

    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await open_interview(pilot, pid)
        await pilot.press("f2", *"Ask about Q3", "ctrl+q")
        await pilot.pause()
    assert stored_answers(data_dir, pid)["kind"].note == "Ask about Q3"


async def test_a_closed_terminal_keeps_what_was_typed(
    make_app, data_dir: Path, tiny_sets: Path
) -> None:
    """SIGHUP (the terminal window closed) saves pending input like ctrl+q, then exits."""
    import os
    import signal

    pid = add_prospect(data_dir, tiny_sets, "Echo AV")
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await at_question(pilot, pid, "notes")
        await pilot.press(*"Call back Friday")
        # the app, not the default (which would end this test run), handles the signal
        assert signal.getsignal(signal.SIGHUP) not in (signal.SIG_DFL, signal.SIG_IGN, None)
        os.kill(os.getpid(), signal.SIGHUP)
        await wait_for(pilot, lambda: not app.is_running, "the app to end")
    assert stored_answers(data_dir, pid)["notes"].value == "Call back Friday"


async def test_the_sections_list_opens_on_the_current_section(
    make_app, data_dir: Path, tiny_sets: Path
) -> None:
    pid = add_prospect(data_dir, tiny_sets, "Echo AV")
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await at_question(pilot, pid, "support")  # in "Can we serve them"
        await pilot.press("f3")
        await pilot.pause()
        sections = screen.query_one("#sections", OptionList)
        assert app.focused is sections
        assert sections.get_option_at_index(sections.highlighted).id == "serve"
        await pilot.press("up", "enter")  # one section up: Company
        await pilot.pause()
        assert screen.question_set.section_of[screen.current].id == "company"


def hold_writes(app) -> tuple[threading.Event, threading.Event, list[str]]:
    """Make every answer write wait (in its thread) until `release` is set: (started,
    release, the names of the threads that wrote)."""
    q = app.workspace.qualifier
    record = q.record
    started, release, threads = threading.Event(), threading.Event(), []

    def held(*args, **kwargs):
        threads.append(threading.current_thread().name)
        started.set()
        release.wait(10)
        return record(*args, **kwargs)

    q.record = held
    return started, release, threads


async def test_saved_shows_only_once_the_write_returned_and_keys_never_wait(
    make_app, data_dir: Path, tiny_sets: Path
) -> None:
    """The write runs in a worker: while it takes its time (a lock held by another
    process, a slow disk) the status says saving, and the keyboard keeps working."""
    pid = add_prospect(data_dir, tiny_sets, "Atlas AV GmbH")
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_interview(pilot, pid)
        started, release, threads = hold_writes(app)
        await pilot.press("2")
        await wait_for(pilot, started.is_set, "the write to start")
        assert "Saving" in status_of(screen) and "Saved" not in status_of(screen)
        assert "kind" not in stored_answers(data_dir, pid)
        assert "no scored answers yet" in live_score(screen), "scored once on disk"
        await pilot.press("enter")  # on to the next question, the write still held
        assert screen.current == "streams"
        await pilot.press("pageup")
        assert screen.current == "kind"
        release.set()
        await saved(pilot, screen)
        assert "✓ Saved" in status_of(screen) and "System integrator" in status_of(screen)
        assert "Score 100.0" in live_score(screen)
        assert stored_answers(data_dir, pid)["kind"].value == "integrator"
        assert threads and "MainThread" not in threads


async def test_a_write_that_fails_is_an_error_message_not_a_crash(
    make_app, data_dir: Path, tiny_sets: Path
) -> None:
    pid = add_prospect(data_dir, tiny_sets, "Atlas AV GmbH")
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_interview(pilot, pid)

        def full(*args, **kwargs):
            raise OSError(28, "No space left on device")

        app.workspace.qualifier.record = full
        await pilot.press("2")
        await saved(pilot, screen)
        assert app.is_running
        errors = [n for n in app._notifications if n.severity == "error"]
        assert [(n.title, n.message) for n in errors] == [("Not saved", "No space left on device")]
        assert "✗ Not saved: No space left on device" in status_of(screen)
        assert "kind" not in stored_answers(data_dir, pid)


async def test_answer_then_quit_at_once_while_the_write_is_in_the_worker(
    make_app, data_dir: Path, tiny_sets: Path
) -> None:
    """ctrl+q while an answer is still being written: the app waits for it (and writes
    what is still queued) before it ends."""
    pid = add_prospect(data_dir, tiny_sets, "Atlas AV GmbH")
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await open_interview(pilot, pid)
        started, release, threads = hold_writes(app)
        await pilot.press("2")  # kind: written in the worker, held there
        await wait_for(pilot, started.is_set, "the write to start")
        await pilot.press("enter", "1")  # streams: queued behind it
        threading.Timer(0.3, release.set).start()
        await pilot.press("ctrl+q")
        await wait_for(pilot, lambda: not app.is_running, "the app to end")
    answers = stored_answers(data_dir, pid)
    assert answers["kind"].value == "integrator"
    assert answers["streams"].value == ["resale"]
    assert threads[0] != "MainThread", "the first write was in the worker when ctrl+q came"


async def test_a_text_of_spaces_or_invisible_characters_is_no_answer(
    make_app, data_dir: Path, tiny_sets: Path
) -> None:
    """What reads as nothing records nothing: spaces, or a zero-width space pasted from a
    web page, left in a text answer is not an answer (it counted as answered)."""
    pid = add_prospect(data_dir, tiny_sets, "Echo AV")
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await at_question(pilot, pid, "notes")
        field = app.screen.focused
        field.insert("  \u200b ")  # as a paste puts it in
        await pilot.pause()
        assert field.text == "  \u200b "
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, ProspectScreen)
        # an emptied field, not a refusal: nothing to put right
        assert not [n for n in app._notifications if n.severity == "error"]
    assert "notes" not in stored_answers(data_dir, pid)

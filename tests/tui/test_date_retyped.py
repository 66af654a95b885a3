"""Keys that arrive together (a fast typist, a busy laptop, a terminal over ssh) are
applied in the order they were typed, in every field: ctrl+u, a date and Enter save the
date; "12", backspace, "5" is 15. Found in tmux: a refused date corrected with ctrl+u
and the right date typed at once was emptied after it was typed, and Enter moved on
with nothing saved. Pilot's `press` waits after each key, so these post them at once."""

from __future__ import annotations

from pathlib import Path

from test_new_types import _sets
from textual import events
from textual.keys import _character_to_key
from tui_helpers import add_prospect, open_interview, stored_answers, wait_for

from qualify.tui.screens.interview.pane import QuestionPane
from qualify.tui.widgets.keys_in_order import Input, TextArea


async def burst(pilot, *keys: str) -> None:
    """Send `keys` as a terminal delivers keys typed together: one after the other,
    without waiting for the app in between. A key is a character or a key name."""
    app = pilot.app
    for key in keys:
        if len(key) == 1:  # a character: its key name, as the terminal parser gives it
            name, char = (key if key.isalnum() else _character_to_key(key)), key
        else:
            name, char = key, "\r" if key == "enter" else None
        event = events.Key(name, char)
        event.set_sender(app)
        app._driver.send_message(event)
    await pilot.pause()
    await pilot.pause()


def _atlas(make_app, data_dir: Path, tmp_path: Path):
    """The app on the set of test_new_types, with one prospect: (app, its id)."""
    sets = _sets(tmp_path)
    pid = add_prospect(data_dir, sets, "Atlas AV GmbH")
    return make_app(sets), pid


async def test_a_refused_date_retyped_at_once_is_saved(
    make_app, data_dir: Path, tmp_path: Path
) -> None:
    app, pid = _atlas(make_app, data_dir, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_interview(pilot, pid)
        assert screen.current == "founded"
        await pilot.press(*"2199-01-01", "enter")  # refused: in the future
        assert screen.current == "founded"
        await burst(pilot, "ctrl+u", *"2010-03-01", "enter")
        await wait_for(pilot, lambda: screen.current == "years", "moving on")
        await wait_for(pilot, lambda: screen.all_saved, "the saves")
        assert stored_answers(data_dir, pid)["founded"].value == "2010-03-01"


async def test_a_correction_typed_fast_in_a_number_is_the_number_meant(
    make_app, data_dir: Path, tmp_path: Path
) -> None:
    app, pid = _atlas(make_app, data_dir, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_interview(pilot, pid)
        screen.go("reps")
        await wait_for(pilot, lambda: bool(screen.query("#number-field")), "the field")
        await burst(pilot, "1", "2", "backspace", "5", "left", "left", "delete", "enter")
        await wait_for(pilot, lambda: "reps" in stored_answers(data_dir, pid), "the answer")
        assert stored_answers(data_dir, pid)["reps"].value == 5  # "15", the "1" deleted


async def test_every_field_of_the_app_keeps_the_order_of_keys(
    make_app, data_dir: Path, tmp_path: Path
) -> None:
    """The filter of the prospects list and a free-text field: the same fields as the
    rest of the app (one class each), in order under a burst."""
    app, _pid = _atlas(make_app, data_dir, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, lambda: bool(app.screen.query("#filter")), "the list")
        field = app.screen.query_one("#filter", Input)
        field.focus()
        await pilot.pause()
        await burst(pilot, *"atlaz", "backspace", "s")
        assert field.value == "atlas"
        area = TextArea()
        await app.screen.mount(area)
        area.focus()
        await pilot.pause()
        await burst(pilot, *"abc", "backspace", "d", "ctrl+u", "x")
        assert area.text == "x"


async def test_keys_typed_ahead_go_to_the_next_questions(
    make_app, data_dir: Path, tmp_path: Path
) -> None:
    """ "2", Enter, "3", Enter on two choice questions typed at once: the first gets 2,
    the second 3 (the "3" reached the first question while it was being left)."""
    sets = tmp_path / "choice-sets"
    sets.mkdir()
    options = "[{value: a, score: 1}, {value: b, score: 2}, {value: c, score: 3}]"
    (sets / "two.yaml").write_text(
        "id: two\ntitle: Two\nversion: 1\nsections:\n  - id: s\n    title: S\n    questions:\n"
        + "".join(
            f"      - {{id: {q}, text: {q.upper()}?, help: Ask., type: choice, options: {options}}}\n"
            for q in ("first", "second", "third")
        ),
        "utf-8",
    )
    (sets / "pipeline.yaml").write_text(
        "stages:\n  - {id: first-date, title: First date, questionnaire: two}\n", "utf-8"
    )
    pid = add_prospect(data_dir, sets, "Atlas AV GmbH")
    app = make_app(sets)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_interview(pilot, pid)
        assert screen.current == "first"
        await burst(pilot, "2", "enter", "3", "enter", "1")
        await wait_for(pilot, lambda: "third" in stored_answers(data_dir, pid), "the answers")
        await wait_for(pilot, lambda: screen.all_saved, "the saves")
        stored = stored_answers(data_dir, pid)
        assert {q: stored[q].value for q in stored} == {"first": "b", "second": "c", "third": "a"}
        assert screen.current == "third"


async def test_keys_typed_after_enter_wait_for_the_move_however_long_it_takes(
    make_app, data_dir: Path, tiny_sets: Path, monkeypatch
) -> None:
    """A busy laptop gets to the move asked by Enter after the keys' wait ran out: "2",
    Enter, "1", Enter gave the first question 1 (the "1" went back to it) and skipped the
    second (found on a loaded CI: a generalist recorded for a specialist)."""
    from textual.message_pump import MessagePump

    from qualify.tui.widgets.input_base import Navigate
    from qualify.tui.widgets.keys_in_order import HOLD_AT_MOST, KeyOrder

    def late(self, message):  # the move reaches the interview after the keys' wait
        if isinstance(message, Navigate):
            self.set_timer(HOLD_AT_MOST * 3, lambda: MessagePump.post_message(self, message))
            return True
        return MessagePump.post_message(self, message)

    monkeypatch.setattr(KeyOrder, "post_message", late, raising=False)
    pid = add_prospect(data_dir, tiny_sets, "Atlas AV GmbH")
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_interview(pilot, pid)
        assert screen.current == "kind"
        await burst(pilot, "2", "enter", "1", "enter")
        await wait_for(pilot, lambda: screen.current == "reps", "the third question")
        await wait_for(pilot, lambda: screen.all_saved, "the saves")
    stored = stored_answers(data_dir, pid)
    assert {q: stored[q].value for q in stored} == {"kind": "integrator", "streams": ["resale"]}


async def test_keys_held_for_the_next_question_when_the_app_closes_are_dropped(
    make_app, data_dir: Path, tiny_sets: Path
) -> None:
    """Enter on a question, then ctrl+q at once: the keys held for the next question are
    released after the app has taken its screens down. Nothing is left to take them, and
    closing must not end in a ScreenStackError (it did, now and then, on a busy CI)."""
    pid = add_prospect(data_dir, tiny_sets, "Atlas AV GmbH")
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_interview(pilot, pid)
        app.hold_keys()  # what a question moving on does
        app.hand_back(events.Key("3", "3"))  # a key typed meanwhile
    assert not app.screen_stack  # closed, with the release still to come
    await app._hold_ended()  # the keys' wait running out then: no screen left to ask
    assert app._held is None


async def test_a_paste_right_after_enter_goes_to_the_next_question(
    make_app, data_dir: Path, tiny_sets: Path
) -> None:
    """ "2", Enter, a paste and ctrl+q arriving together: the paste is the next
    question's answer (it reached the question being left, and was lost with it)."""
    pid = add_prospect(data_dir, tiny_sets, "Fjord Installations")
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_interview(pilot, pid)
        screen.go("support")
        await wait_for(pilot, lambda: screen.current == "support", "the scale")
        await wait_for(pilot, lambda: screen.query_one(QuestionPane).input.has_focus, "focus")
        for event in (
            events.Key("2", "2"),
            events.Key("enter", "\r"),
            events.Paste("Wants demo kit and training."),
            events.Key("ctrl+q", None),
        ):
            event.set_sender(app)
            app._driver.send_message(event)
        await wait_for(pilot, lambda: not app.is_running, "the app to quit")
    stored = stored_answers(data_dir, pid)
    assert stored["support"].value == 2
    assert stored["notes"].value == "Wants demo kit and training."


async def _on(pilot, screen, question_id: str) -> QuestionPane:
    """The interview `screen` on one question, its input with the focus: its pane."""
    screen.go(question_id)
    pane = screen.query_one(QuestionPane)
    await wait_for(
        pilot,
        lambda: screen.current == question_id and pane.input.has_focus_within,
        question_id,
    )
    return pane


async def test_what_is_typed_on_a_calculated_value_is_for_the_next_question(
    make_app, data_dir: Path, bundled_sets: Path
) -> None:
    """A calculated value sits between a date and the next question. A typist who does not
    expect that stop types on: "2015-03-01" pasted, Enter, "12" pasted, Enter, "2", Enter.
    Found in tmux: the "12" fell on the calculated value and was dropped, the Enter after
    it left the employees unanswered, and the "2" meant for the next question went to the
    employees. What is typed there goes on to the next question; the interview's own
    letters keep their meaning there."""
    pid = add_prospect(data_dir, bundled_sets, "Fjord Installations")
    app = make_app(bundled_sets)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_interview(pilot, pid)
        await _on(pilot, screen, "founded")
        for event in (events.Paste("2015-03-01"), events.Key("enter", "\r"), events.Paste("12")):
            event.set_sender(app)
            app._driver.send_message(event)
        await burst(pilot, "enter", "2", "enter")
        await wait_for(pilot, lambda: screen.current == "main_vertical", "the question after")
        stored = stored_answers(data_dir, pid)
        assert str(stored["founded"].value) == "2015-03-01"
        assert stored["employees"].value == 12
        assert stored["territory_presence"].value == "reps_cover_territory"


async def test_a_letter_of_the_interview_on_a_calculated_value_keeps_its_meaning(
    make_app, data_dir: Path, bundled_sets: Path
) -> None:
    """Typed, not pasted: "3", "0", Enter on the calculated value answer the next question;
    g (sections) there still opens the sections, and moves nobody on."""
    pid = add_prospect(data_dir, bundled_sets, "Fjord Installations")
    app = make_app(bundled_sets)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_interview(pilot, pid)
        await _on(pilot, screen, "years_trading")
        await burst(pilot, "g")
        await wait_for(pilot, lambda: screen.has_class("-show-nav"), "the sections")
        assert screen.current == "years_trading"
        await _on(pilot, screen, "years_trading")
        await burst(pilot, "3", "0", "enter")
        await wait_for(pilot, lambda: screen.current == "territory_presence", "moved on")
    assert stored_answers(data_dir, pid)["employees"].value == 30


async def test_ticks_typed_ahead_on_a_multi_are_saved(
    make_app, data_dir: Path, bundled_sets: Path
) -> None:
    """ "2", Enter, "1", "3", Enter, "3", Enter typed together through a choice, a multi and
    a scale. Found in tmux: the multi showed 1 and 3 ticked and saved nothing (it took
    ticks only after its first refresh, and these came before it)."""
    pid = add_prospect(data_dir, bundled_sets, "Fjord Installations")
    app = make_app(bundled_sets)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_interview(pilot, pid)
        await _on(pilot, screen, "their_focus")
        await burst(pilot, "2", "enter", "1", "3", "enter", "3", "enter")
        await wait_for(pilot, lambda: screen.current == "legal_standing", "the next section")
    stored = stored_answers(data_dir, pid)
    assert stored["their_focus"].value == "mixed"
    assert stored["their_questions"].value == ["products_fit", "technical_support"]
    assert stored["support_need"].value == 3

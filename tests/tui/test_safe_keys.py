"""Issue 18 in the app: nothing recorded that the user did not mean.

Enter is "next" everywhere and never picks; stage moves need their key and a
confirmation whose focused button is Cancel; ctrl+z undoes with a reason; an earlier
stage is corrected from the timeline; a decimal comma is a decimal comma; a paste
followed at once by ctrl+q keeps every character; the next meeting; reopen asks why.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import Button, Input, OptionList, Static
from tui_helpers import (
    add_prospect,
    lines_of,
    open_interview,
    open_prospect,
    open_store,
    saved,
    screen_ready,
    stored_answers,
    wait_for,
    wait_interview,
    wait_prospect,
)

from qualify.tui.modals.confirm import ConfirmDialog
from qualify.tui.modals.meeting import MeetingPrompt
from qualify.tui.modals.reason import ReasonPrompt
from qualify.tui.modals.stage_picker import StagePicker
from qualify.tui.widgets.question_inputs import ChoiceInput

FULL = {
    "kind": "integrator",
    "streams": ["resale", "install"],
    "reps": 12,
    "showroom": True,
    "showroom_size": 80,
    "support": 2,
    "notes": "Keen on the premium range",
}
"""Every question of the tiny first date answered: its gate is met."""


def record(data_dir: Path, sets: Path, pid: str, values: dict, stage: str | None = None) -> None:
    """Answers given as the command line gives them."""
    from qualify.core.questionnaire import AnswerInput, load_catalog
    from qualify.workflow.qualifier import Qualifier

    inputs = [  # the reps the gate wants verified are: evidence seen
        AnswerInput(question_id=k, value=v, source="verified" if k == "reps" else "stated")
        for k, v in values.items()
    ]
    store = open_store(data_dir)
    try:
        q = Qualifier(store, load_catalog(sets))
        q.record(q.store.get_prospect(pid), inputs, stage=stage)
    finally:
        store.close()


def facts(data_dir: Path, pid: str):
    store = open_store(data_dir)
    try:
        return store.get_prospect(pid), store.history(pid)
    finally:
        store.close()


async def test_enter_never_picks_and_an_untouched_question_shows_no_selection(
    make_app, data_dir: Path, tiny_sets: Path
) -> None:
    pid = add_prospect(data_dir, tiny_sets, "Atlas AV GmbH")
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_interview(pilot, pid)
        choice = screen.query_one(ChoiceInput)
        assert screen.current == "kind"
        assert choice.highlighted is None  # no cursor on an untouched question
        assert "●" not in "".join(str(o.prompt) for o in choice.options)
        await pilot.press("enter")
        await saved(pilot, screen)
        assert screen.current == "streams"  # Enter moved on…
        assert stored_answers(data_dir, pid) == {}  # …and recorded nothing
        await pilot.press("enter", "enter")  # multi, number: nothing either
        await saved(pilot, screen)
        assert screen.current == "showroom" and stored_answers(data_dir, pid) == {}

        await pilot.press("pageup", "pageup", "pageup")
        await pilot.pause()
        choice = screen.query_one(ChoiceInput)
        await pilot.press("down", "down")  # the cursor is not a choice…
        await saved(pilot, screen)
        assert choice.highlighted == 1 and "kind" not in stored_answers(data_dir, pid)
        await pilot.press("space")  # …Space picks what it is on
        await saved(pilot, screen)
        assert stored_answers(data_dir, pid)["kind"].value == "integrator"
        assert screen.current == "kind"  # picking does not move on
        await pilot.press("3", "enter")  # a number picks; Enter moves on, picks nothing
        await saved(pilot, screen)
        assert stored_answers(data_dir, pid)["kind"].value == "online"
        assert screen.current == "streams"


async def test_no_run_of_enter_moves_a_prospect(make_app, data_dir: Path, tiny_sets: Path) -> None:
    pid = add_prospect(data_dir, tiny_sets, "Baltic Systems")
    record(data_dir, tiny_sets, pid, FULL)
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_interview(pilot, pid)
        assert screen.current == "__summary__" or screen.current is not None
        screen.action_summary()
        await pilot.pause()
        assert not isinstance(app.focused, Button)  # nothing that moves has the focus
        for _ in range(5):
            await pilot.press("enter")
            await pilot.pause()
        assert facts(data_dir, pid)[0].stage == "first-date"

        await pilot.press("a")  # explicit key: a confirmation showing the gate
        dialog = await wait_for(pilot, lambda: screen_ready(app, ConfirmDialog), "the dialog")
        body = str(dialog.query_one(".body", Static).render())
        assert "The gate to Getting to know each other is met" in body and "✓" in body
        assert app.focused is dialog.query_one("#no", Button)  # Cancel is the default
        await pilot.press("enter")
        await pilot.pause()
        assert facts(data_dir, pid)[0].stage == "first-date"

        await pilot.press("a")
        await wait_for(pilot, lambda: screen_ready(app, ConfirmDialog), "the dialog")
        await pilot.press("y")
        await wait_prospect(pilot)
        prospect, history = facts(data_dir, pid)
        assert prospect.stage == "next" and history[-1].action == "advance"


async def test_ctrl_z_undoes_a_move_with_a_reason(
    make_app, data_dir: Path, tiny_sets: Path
) -> None:
    pid = add_prospect(data_dir, tiny_sets, "Carpathian Media")
    record(data_dir, tiny_sets, pid, FULL)
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await open_prospect(pilot, pid)
        await pilot.press("a")
        await wait_for(pilot, lambda: screen_ready(app, ConfirmDialog), "the dialog")
        await pilot.press("y")
        await wait_for(pilot, lambda: facts(data_dir, pid)[0].stage == "next", "the move")
        await wait_prospect(pilot)
        await pilot.press("ctrl+z")
        prompt = await wait_for(pilot, lambda: screen_ready(app, ReasonPrompt), "the prompt")
        title = str(prompt.query_one(".title", Static).render())
        assert "Undo the move First date → Getting to know each other" in title
        await pilot.press("enter")  # a reason is needed: nothing undone
        await pilot.pause()
        assert facts(data_dir, pid)[0].stage == "next"
        await pilot.press(*"Pressed by mistake", "enter")
        await wait_for(pilot, lambda: facts(data_dir, pid)[0].stage == "first-date", "undo")
        _, history = facts(data_dir, pid)
        assert [h.action for h in history] == ["created", "advance", "undo"]
        assert history[-1].reason == "Pressed by mistake"
        assert history[-1].details["undoes"] == history[1].id


async def test_an_earlier_stage_is_corrected_from_the_timeline(
    make_app, data_dir: Path, tiny_sets: Path
) -> None:
    pid = add_prospect(data_dir, tiny_sets, "Danube AV")
    record(data_dir, tiny_sets, pid, FULL)
    from qualify.core.questionnaire import load_catalog
    from qualify.workflow.qualifier import Qualifier

    store = open_store(data_dir)
    try:
        q = Qualifier(store, load_catalog(tiny_sets))
        q.advance(q.store.get_prospect(pid))
    finally:
        store.close()
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await open_prospect(pilot, pid)
        await pilot.press("t")
        picker = await wait_for(pilot, lambda: screen_ready(app, StagePicker), "the picker")
        options = picker.query_one(OptionList)
        assert "First date" in str(options.get_option_at_index(0).prompt)
        dialog = picker.query_one(".dialog").region  # centred over the screen, like every dialog
        assert dialog.x > 10 and dialog.y > 2
        await pilot.press("enter")
        screen = await wait_interview(pilot)
        assert screen.correcting == "first-date"
        assert "correcting" in screen.sub_title
        screen.go("reps")
        await pilot.pause()
        screen.query_one("#number-field", Input).value = ""
        await pilot.press("8", "enter")
        await saved(pilot, screen)
        _, history = facts(data_dir, pid)
        assert history[-1].action == "correct"
        assert history[-1].details["answers"]["reps"]["new"] == 8
        assert facts(data_dir, pid)[0].stage == "next"  # a correction moves nobody
        screen.action_summary()
        await pilot.pause()
        assert not screen.check_action("advance", ())
        # The summary says where the prospect is now, and offers no move to click.
        heading = str(screen.query_one("#summary-gate-heading", Static).render())
        assert "now at" in heading and "moves nobody" in heading
        assert not screen.query_one("#summary-actions").display
        assert not screen.query_one("#summary-gate").display


async def test_a_decimal_comma_is_read_as_the_command_line_reads_it(
    make_app, data_dir: Path, tiny_sets: Path
) -> None:
    pid = add_prospect(data_dir, tiny_sets, "Elbe Sound")
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_interview(pilot, pid)
        screen.go("reps")
        await pilot.pause()
        await pilot.press(*"7,5", "enter")
        await saved(pilot, screen)
        assert stored_answers(data_dir, pid)["reps"].value == 7.5  # never 75
        screen.go("reps")
        await pilot.pause()
        field = screen.query_one("#number-field", Input)
        field.value = ""
        await pilot.press(*"1,000", "enter")
        await saved(pilot, screen)
        assert screen.current == "reps"  # refused, with the reason
        assert "1,000" in str(screen.query_one("#number-error", Static).render())
        assert stored_answers(data_dir, pid)["reps"].value == 7.5


async def test_a_paste_then_ctrl_q_keeps_every_character(
    make_app, data_dir: Path, tiny_sets: Path
) -> None:
    from textual import events

    pid = add_prospect(data_dir, tiny_sets, "Fjord Installations")
    text = ("Ærlig talt: they want demo kit, training and leads. " * 50)[:2000]
    assert len(text) == 2000
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_interview(pilot, pid)
        screen.go("notes")  # the paste arrives before its field has the focus: it waits
        app.post_message(events.Paste(text))  # as the terminal delivers a paste…
        await pilot.press("ctrl+q")  # …and the quit right behind it
        await wait_for(pilot, lambda: not app.is_running, "the app to quit")
    assert stored_answers(data_dir, pid)["notes"].value == text.strip()


@pytest.mark.parametrize("delivered", ["by Pilot", "as the terminal sends it"])
async def test_a_paste_waits_for_a_question_that_is_slow_to_come(
    make_app, data_dir: Path, tiny_sets: Path, monkeypatch, delivered: str
) -> None:
    """A busy laptop: the notes field takes longer to come up than keys are ever held
    (and than a lost quit is waited for). The paste and the quit behind it wait for it."""
    import asyncio

    from textual import events

    from qualify.tui.screens.interview.pane import QuestionPane
    from qualify.tui.widgets import keys_in_order

    ready = QuestionPane._ready

    async def slow_ready(self, removed, mounted):  # type: ignore[no-untyped-def]
        await asyncio.sleep(keys_in_order.HOLD_AT_MOST + 2.2)
        await ready(self, removed, mounted)

    pid = add_prospect(data_dir, tiny_sets, "Fjord Installations")
    text = "They want demo kit, training and leads; Ærlig talt."
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_interview(pilot, pid)
        monkeypatch.setattr(QuestionPane, "_ready", slow_ready)
        screen.go("notes")
        app.post_message(events.Paste(text))
        if delivered == "by Pilot":  # the quit's binding runs at once
            await pilot.press("ctrl+q")
        else:  # the key waits with the paste
            app.post_message(events.Key("ctrl+q", None))
        await wait_for(pilot, lambda: not app.is_running, "the app to quit", timeout=15)
    assert stored_answers(data_dir, pid)["notes"].value == text


async def test_the_next_meeting_from_the_summary_and_overdue_on_the_list(
    make_app, data_dir: Path, tiny_sets: Path
) -> None:
    from datetime import date, timedelta

    from qualify.core.records import NextMeeting

    pid = add_prospect(data_dir, tiny_sets, "Garda Pro")
    late = add_prospect(data_dir, tiny_sets, "Harbour Comms")
    store = open_store(data_dir)
    try:
        prospect = store.get_prospect(late)
        from qualify.core.records import HistoryEntry

        store.move_prospect(
            prospect.model_copy(
                update={"next_meeting": NextMeeting(day=date.today() - timedelta(days=2))}
            ),
            HistoryEntry(prospect_id=late, action="edit", to_stage=prospect.stage),
            expected_stage=prospect.stage,
            expected_status=prospect.status,
        )
    finally:
        store.close()
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        home = await wait_for(pilot, lambda: getattr(app.screen, "loaded", False) and app.screen)
        banner = str(home.query_one("#followups", Static).render())
        assert "1 follow-up overdue" in banner and "Harbour Comms" in banner
        screen = await open_interview(pilot, pid)
        screen.action_summary()
        await pilot.pause()
        await pilot.press("m")
        prompt = await wait_for(pilot, lambda: screen_ready(app, MeetingPrompt), "the prompt")
        await pilot.press(*(date.today() - timedelta(days=3)).isoformat())  # a slip
        prompt.query_one("#start", Input).value = "14:30"
        prompt.query_one("#note", Input).value = "Showroom visit"
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen is prompt  # said in the dialog: what was typed is still there
        assert "has passed: give today" in str(prompt.query_one("#error", Static).render())
        assert facts(data_dir, pid)[0].next_meeting is None
        prompt.query_one("#day", Input).value = ""
        await pilot.press(*"+7d")
        await pilot.press("enter")
        when = date.today() + timedelta(days=7)
        await wait_for(
            pilot, lambda: facts(data_dir, pid)[0].next_meeting is not None, "the meeting"
        )
        meeting = facts(data_dir, pid)[0].next_meeting
        assert (meeting.day, f"{meeting.start:%H:%M}", meeting.note) == (
            when,
            "14:30",
            "Showroom visit",
        )


async def test_reopen_asks_why(make_app, data_dir: Path, tiny_sets: Path) -> None:
    pid = add_prospect(data_dir, tiny_sets, "Iberian Sound")
    from qualify.core.questionnaire import load_catalog
    from qualify.workflow.qualifier import Qualifier

    store = open_store(data_dir)
    try:
        q = Qualifier(store, load_catalog(tiny_sets))
        q.decline(q.store.get_prospect(pid), "No presence in the territory")
    finally:
        store.close()
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await open_prospect(pilot, pid)
        await pilot.press("r")
        await wait_for(pilot, lambda: screen_ready(app, ReasonPrompt), "the prompt")
        await pilot.press("enter")  # no reason: not reopened
        await pilot.pause()
        assert facts(data_dir, pid)[0].status.value == "declined"
        await pilot.press(*"Opened a northern office", "enter")
        await wait_for(pilot, lambda: facts(data_dir, pid)[0].status.value == "active")
        assert facts(data_dir, pid)[1][-1].reason == "Opened a northern office"


async def test_a_long_option_of_a_multi_question_wraps_and_is_never_cut(
    make_app, data_dir: Path, bundled_sets: Path
) -> None:
    from textual.widgets import SelectionList

    pid = add_prospect(data_dir, bundled_sets, "Inn Valley AV")
    app = make_app(bundled_sets)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_interview(pilot, pid)
        screen.go("their_questions")
        await pilot.pause()
        await pilot.press("1")
        await saved(pilot, screen)
        ticks = screen.query_one(SelectionList)
        lines = lines_of(ticks)
        text = " ".join(" ".join(line.split()) for line in lines)
        assert "Products and how they fit their customers" in text  # wrapped, whole
        assert "…" not in text
        assert lines[0].startswith("▐X▌ 1 Products")  # the tick beside the first line
        assert lines[1].startswith("    ") and "customers" in lines[1]
        assert "Exclusivity" in text  # the wrap pushes no option out of sight


async def test_a_long_option_of_a_choice_question_wraps_under_its_label(
    make_app, data_dir: Path, bundled_sets: Path
) -> None:
    """At 80 columns a long label runs onto a second line: it is indented under the
    label, not under the option's key, where it read as an option of its own."""
    pid = add_prospect(data_dir, bundled_sets, "Inn Valley AV")
    app = make_app(bundled_sets)
    async with app.run_test(size=(60, 30)) as pilot:
        screen = await open_interview(pilot, pid)
        screen.go("business_model")
        await pilot.pause()
        await pilot.press("3")
        await saved(pilot, screen)
        choice = screen.query_one(ChoiceInput)
        lines = lines_of(choice)
        keyed = [i for i, line in enumerate(lines) if line[:1].isdigit()]
        assert [lines[i][:4] for i in keyed] == ["1 ○ ", "2 ○ ", "3 ● ", "4 ○ ", "5 ○ "]
        runs_on = [line for line in lines if line.strip() and not line[:1].isdigit()]
        assert runs_on and all(line.startswith("    ") for line in runs_on)
        text = " ".join(" ".join(line.split()) for line in lines)
        assert "Distribution: stock, logistics, credit and support for resellers" in text
        assert stored_answers(data_dir, pid)["business_model"].value == "two_tier"


async def test_a_paste_of_several_lines_into_a_one_line_field_is_kept_whole(
    make_app, data_dir: Path, tiny_sets: Path
) -> None:
    """A note copied from an email, a name from a signature: the field holds one line, and
    the stock field kept the first line of a paste and dropped the rest without a word.
    The lines are joined by a space."""
    from textual import events

    from qualify.tui.modals.note import NotePrompt
    from qualify.tui.modals.prospect_form import ProspectForm

    pid = add_prospect(data_dir, tiny_sets, "Fjord Installations")
    record(data_dir, tiny_sets, pid, {"kind": "integrator"})
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_interview(pilot, pid)
        screen.go("kind")
        await pilot.press("f2")  # a note on the answer given
        await wait_for(pilot, lambda: isinstance(app.screen, NotePrompt), "the note")
        app.post_message(events.Paste("Will tell us\r\nafter the audit\n\n   in March "))
        await pilot.press("enter")
        await saved(pilot, screen)
        assert stored_answers(data_dir, pid)["kind"].note == "Will tell us after the audit in March"
        await pilot.press("escape")  # the prospect
        await wait_prospect(pilot)
        await pilot.press("escape")  # the list
        await wait_for(pilot, lambda: type(app.screen).__name__ == "ProspectsScreen", "the list")
        await pilot.press("a")
        await wait_for(pilot, lambda: isinstance(app.screen, ProspectForm), "the form")
        app.post_message(events.Paste("Nordlys\nInstallasjon AS"))
        await pilot.press("enter")
        await wait_for(pilot, lambda: not isinstance(app.screen, ProspectForm), "the form to close")
    store = open_store(data_dir)
    try:
        names = {s.name for s in store.list_prospects()}
    finally:
        store.close()
    assert "Nordlys Installasjon AS" in names

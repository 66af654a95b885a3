"""A whole stage answered in one burst of keys, as a fast typist or a slow ssh session
delivers them: every answer lands on the question it was typed for, in every bundled
set. Found this way: a calculated value swallowed the next answer, a multi showed its
ticks and saved none, and the keys typed for a repeated section's next repeat went to
the repeat being left, and everything after them was lost."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from test_date_retyped import burst
from tui_helpers import add_prospect, open_interview, open_store, stored_answers, wait_for

from qualify.core.records import ProspectStatus
from qualify.tui.screens.interview.pane import QuestionPane

TYPED: dict[str, tuple[list[str], Any]] = {
    # question type → the keys typed for it (before its Enter), and the answer they give
    "choice": (["1"], None),  # the option's value: worked out from the set
    "multi": (["1"], None),
    "scale": (["3"], 3),
    "number": (["5"], 5),
    "yes_no": (["y"], True),
    "text": (list("ok"), "ok"),
    "date": (list("2020-01-02"), "2020-01-02"),
    "calculated": ([], None),  # a stop of its own: Enter passes it
}

PICK = {"outcome": 2}
"""A review's outcome: "fix". The answers above score the partner At risk, and "grow"
beside that is refused without its reason in a note (as the command line refuses it)."""


def _planned(question_set, option: str = "first") -> tuple[list[str], dict[str, Any]]:
    """The keys for every question the stage asks, in its order, as the answers given
    so far show them (a repeated section: its `min` repeats), and the answers expected;
    a choice or a multi takes its `option` ("first" or "last", the ninth at most: the
    other branches of the set)."""
    from qualify.core.working import work_out

    keys: list[str] = []
    answers: dict[str, Any] = {}
    for section in question_set.sections:
        repeats = range(section.repeat.min or 1) if section.repeat else [None]
        at_least = {section.id: len(repeats)} if section.repeat else None
        for r in repeats:
            for q in section.questions:
                key = q.id if r is None else f"{section.id}[{r}].{q.id}"
                if not work_out(question_set, answers, None, None, at_least).visible.get(key):
                    continue
                typed, value = TYPED[q.type]
                if option == "last" and q.type in ("choice", "multi"):
                    typed = [str(min(9, len(q.options or ())))]
                if q.id in PICK:
                    typed = [str(PICK[q.id])]
                keys += [*typed, "enter"]
                if q.type == "choice":
                    value = q.options[int(typed[0]) - 1].value
                elif q.type == "multi":
                    value = [q.options[int(typed[0]) - 1].value]
                if value is not None:
                    answers[key] = value
    return keys, answers


def _prospect_at(data_dir: Path, sets: Path, stage: str, kind: str = "other") -> str:
    """A prospect at `stage` (at the relationship review: a committed partner)."""
    pid = add_prospect(data_dir, sets, "Fjord Installations", kind=kind)
    store = open_store(data_dir)
    try:
        facts: dict[str, Any] = {"stage": stage}
        if stage == "review":
            facts["status"] = ProspectStatus.committed
        store.update_prospect(store.get_prospect(pid).model_copy(update=facts))
    finally:
        store.close()
    return pid


async def _typed_through(pilot, pid: str, option: str = "first"):
    """The prospect's interview, every question answered in one burst, on its summary:
    (the screen, the answers expected)."""
    screen = await open_interview(pilot, pid)
    keys, expected = _planned(screen.question_set, option)
    pane = screen.query_one(QuestionPane)
    await wait_for(pilot, lambda: pane.input is not None and pane.input.has_focus_within)
    await burst(pilot, *keys)
    try:
        await wait_for(pilot, lambda: screen.current == "__summary__", "the summary", timeout=20)
    except AssertionError as exc:  # where it stopped, and what it had stored by then
        stored = {k: r.value for k, r in stored_answers(pilot.app.workspace.data_dir, pid).items()}
        missing = {k: v for k, v in expected.items() if str(stored.get(k)) != str(v)}
        raise AssertionError(f"{exc}; on {screen.current!r}; not as typed: {missing}") from None
    # every answer given is on disk before anything is read back (a busy CI host wrote
    # the last ones after the test had read the file, once)
    app = pilot.app
    await wait_for(pilot, lambda: screen.unsaved.empty and app.saves.idle, "the writes")
    return screen, expected


@pytest.mark.parametrize("option", ["first", "last"])
@pytest.mark.parametrize(
    ("stage", "kind"),
    [
        ("first-date", "other"),
        ("getting-to-know", "other"),
        ("getting-to-know", "distributor"),
        ("going-steady", "other"),
        ("engagement", "other"),
        ("commitment", "other"),
        ("review", "other"),  # a committed partner's relationship review
    ],
)
async def test_a_whole_stage_typed_in_one_burst_lands_every_answer(
    make_app, data_dir: Path, bundled_sets: Path, stage: str, kind: str, option: str
) -> None:
    pid = _prospect_at(data_dir, bundled_sets, stage, kind)
    app = make_app(bundled_sets)
    async with app.run_test(size=(80, 24)) as pilot:
        screen, expected = await _typed_through(pilot, pid, option)
        refused = dict(screen.unsaved.errors)
        said = [n.message for n in app._notifications]
    stored = {key: record.value for key, record in stored_answers(data_dir, pid).items()}
    assert {k: str(v) for k, v in stored.items()} == {k: str(v) for k, v in expected.items()}, (
        f"refused: {refused}; said: {said}"
    )


async def test_grow_beside_an_at_risk_review_waits_for_its_reason(
    make_app, data_dir: Path, bundled_sets: Path
) -> None:
    """The review above scores At risk. "Grow" picked there records nothing and says how
    to give the reason (F2, not only the command line's --note); with the note given, the
    same pick is recorded, the note beside it."""
    pid = _prospect_at(data_dir, bundled_sets, "review")
    app = make_app(bundled_sets)
    async with app.run_test(size=(80, 24)) as pilot:
        screen, _expected = await _typed_through(pilot, pid)
        pane = screen.query_one(QuestionPane)
        screen.go("outcome")
        await wait_for(pilot, lambda: screen.current == "outcome" and pane.input.has_focus)
        await pilot.press("1")  # Grow
        await wait_for(pilot, lambda: "outcome" in screen.unsaved.errors, "the refusal")
        said = str(pane.query_one("#status").render())
        assert "At risk" in said and "F2" in said
        assert stored_answers(data_dir, pid)["outcome"].value == "fix"  # as it was
        await pilot.press("f2")
        await pilot.press(*"They doubled the showroom", "enter")
        await wait_for(pilot, lambda: stored_answers(data_dir, pid)["outcome"].note, "the note")
        await pilot.press("1")
        await wait_for(pilot, lambda: stored_answers(data_dir, pid)["outcome"].value == "grow")
    record = stored_answers(data_dir, pid)["outcome"]
    assert record.note == "They doubled the showroom"


async def _at_first_question(pilot, pid: str):
    """The prospect's interview, its first question's input focused: (screen, pane)."""
    screen = await open_interview(pilot, pid)
    pane = screen.query_one(QuestionPane)
    await wait_for(pilot, lambda: pane.input is not None and pane.input.has_focus_within)
    return screen, pane


async def test_a_tab_typed_behind_an_answer_moves_on_before_the_keys_after_it(
    make_app, data_dir: Path, bundled_sets: Path
) -> None:
    """ "2", Enter, Tab, "3" in one go: 2 answers the first question; Tab, held while the
    next question is put up, takes the focus off it, so the 3 typed after it is not taken
    as that question's answer (it went there when the keys held were let go together)."""
    pid = _prospect_at(data_dir, bundled_sets, "first-date")
    app = make_app(bundled_sets)
    async with app.run_test(size=(80, 24)) as pilot:
        screen, pane = await _at_first_question(pilot, pid)
        first = screen.current
        await burst(pilot, "2", "enter", "tab", "3")
        await wait_for(pilot, lambda: screen.current != first and not app.holding_keys)
        await wait_for(pilot, lambda: screen.unsaved.empty and app.saves.idle, "the writes")
        second = screen.current
        assert not pane.input.has_focus_within  # Tab took the focus on
    stored = stored_answers(data_dir, pid)
    assert first in stored
    assert second not in stored


async def test_an_f_key_typed_behind_answers_waits_for_them(
    make_app, data_dir: Path, bundled_sets: Path
) -> None:
    """ "2", Enter, "1", Enter, F2, "Two shops", Enter in one go. F2 is a priority key:
    the app ran it as it arrived, before the first question had taken its answer, so the
    note opened there, took "1" as its text, and the letters after it ran the
    interview's letter keys until it left. F2 now waits its turn: two answers, then the
    note on the third question."""
    pid = _prospect_at(data_dir, bundled_sets, "first-date")
    app = make_app(bundled_sets)
    async with app.run_test(size=(80, 24)) as pilot:
        screen, _pane = await _at_first_question(pilot, pid)
        order = [q.id for q in screen.question_set.questions.values()]
        await burst(pilot, "2", "enter", "1", "enter", "f2", *"Two shops", "enter")
        await wait_for(pilot, lambda: order[2] in stored_answers(data_dir, pid), "the note")
        await wait_for(pilot, lambda: screen.unsaved.empty and app.saves.idle, "the writes")
        assert app.screen is screen and screen.current == order[2]
    stored = stored_answers(data_dir, pid)
    first, second = (screen.question_set.questions[q] for q in order[:2])
    assert stored[order[0]].value == first.options[1].value and not stored[order[0]].note
    assert stored[order[1]].value == second.options[0].value
    assert stored[order[2]].note == "Two shops" and stored[order[2]].value is None

"""Moves on the prospect screen: advance blocked with the reasons, override with a reason,
decline with a reason, reopen; and the report preview."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Input, Markdown, Static
from tui_helpers import (
    add_prospect,
    lines_of,
    open_prospect,
    open_store,
    screen_ready,
    wait_for,
    wait_prospect,
)

from qualify.tui.modals.confirm import ConfirmDialog
from qualify.tui.modals.reason import ReasonPrompt
from qualify.tui.screens.report import ReportScreen


def history(data_dir: Path, prospect_id: str):
    store = open_store(data_dir)
    try:
        return store.history(prospect_id), store.get_prospect(prospect_id)
    finally:
        store.close()


async def test_advance_is_blocked_with_reasons_and_override_needs_one(
    make_app, data_dir: Path, tiny_sets: Path
) -> None:
    pid = add_prospect(data_dir, tiny_sets, "Summit Pro Audio Ltd")
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await open_prospect(pilot, pid)
        await pilot.press("a")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, ConfirmDialog)
        body = str(dialog.query_one(".body", Static).render())
        assert "required questions unanswered: “How would you describe your business?”" in body
        assert "no score yet" in body
        await pilot.press("n")  # keep dating
        await pilot.pause()
        screen = await wait_prospect(pilot)
        assert screen.view.prospect.stage == "first-date"

        await pilot.press("a")
        await pilot.pause()
        await pilot.press("y")  # override…
        await pilot.pause()
        prompt = app.screen
        assert isinstance(prompt, ReasonPrompt)
        await pilot.press("enter")  # an empty reason is refused
        await pilot.pause()
        assert app.screen is prompt
        assert "A reason is needed" in str(prompt.query_one("#error", Static).render())
        await pilot.press(*"Strategic account; director approved", "enter")
        screen = await wait_prospect(pilot)
        await wait_for(pilot, lambda: screen.view.prospect.stage == "next", "the advance")
        assert "overridden" in " ".join(n.message for n in app._notifications)
        timeline = str(screen.query_one("#timeline", Static).render())
        assert "override" in timeline and "Strategic account" in timeline
    entries, prospect = history(data_dir, pid)
    advance = [e for e in entries if e.action == "advance"]
    assert prospect.stage == "next"
    assert advance and advance[0].overridden
    assert advance[0].reason == "Strategic account; director approved"


async def test_decline_with_a_reason_then_reopen(make_app, data_dir: Path, tiny_sets) -> None:
    pid = add_prospect(data_dir, tiny_sets, "Rhine Technik GmbH")
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_prospect(pilot, pid)
        await pilot.press("d")
        await pilot.pause()
        prompt = app.screen
        assert isinstance(prompt, ReasonPrompt)
        assert isinstance(app.focused, Input)
        await pilot.press(*"Carries a competing line", "enter")
        await wait_for(
            pilot, lambda: screen.view.prospect.status.value == "declined", "the decline"
        )
        assert "Parted ways" in str(screen.query_one("#facts-title", Static).render())
        # an interview is not offered to a declined prospect; reopen is
        assert screen.check_action("interview", ()) is False
        assert screen.check_action("reopen", ()) is True
        await pilot.press("r")  # asks why first
        await wait_for(pilot, lambda: isinstance(app.screen, ReasonPrompt), "the reason")
        await pilot.press(*"They fixed their pricing", "enter")
        await wait_for(pilot, lambda: screen.view.prospect.status.value == "active", "reopen")
        assert "Dating" in str(screen.query_one("#facts-title", Static).render())
    entries, prospect = history(data_dir, pid)
    assert [e.action for e in entries] == ["created", "decline", "reopen"]
    assert entries[1].reason == "Carries a competing line"
    assert entries[2].reason == "They fixed their pricing"
    assert prospect.status.value == "active"


async def test_report_preview_renders_the_fit_report(make_app, data_dir, tiny_sets) -> None:
    pid = add_prospect(data_dir, tiny_sets, "Lakeside Vision Oy")
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await open_prospect(pilot, pid)
        await pilot.press("p")
        await wait_for(
            pilot, lambda: screen_ready(app, ReportScreen, lambda s: s.markdown), "the report"
        )
        assert "Lakeside Vision Oy" in app.screen.markdown
        assert app.screen.query_one(Markdown).display
        await pilot.press("x")  # export: pick the format, the file lands in the workspace
        await pilot.pause()
        await pilot.press("enter")
        await wait_for(pilot, lambda: list((data_dir / "reports").glob("*.md")), "the export")
        exported = list((data_dir / "reports").glob("*.md"))
        assert exported and "Lakeside Vision Oy" in exported[0].read_text(encoding="utf-8")


async def test_blocked_advance_names_the_fact_to_verify_by_its_question(
    make_app, data_dir: Path, tiny_sets: Path
) -> None:
    """The dialog speaks as the prospect screen's checklist does, not in question ids."""
    from qualify.core.questionnaire import AnswerInput, load_catalog
    from qualify.workflow.qualifier import Qualifier

    pid = add_prospect(data_dir, tiny_sets, "Summit Pro Audio Ltd")
    store = open_store(data_dir)
    try:
        q = Qualifier(store, load_catalog(tiny_sets))
        q.record(q.store.get_prospect(pid), [AnswerInput(question_id="reps", value=12)])
    finally:
        store.close()
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await open_prospect(pilot, pid)
        await pilot.press("a")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog)
        body = str(app.screen.query_one(".body", Static).render())
        assert "✗ To verify: How many sales reps do you have? (now stated by them)" in body
    # at 80 columns that criterion wraps: its second line goes on under its words, not
    # under the ✗, where it read as a criterion of its own
    async with make_app().run_test(size=(80, 24)) as pilot:
        await open_prospect(pilot, pid)
        await pilot.press("a")
        await pilot.pause()
        shown = pilot.app.screen.query_one(".body", Static)
        lines = lines_of(shown)
        at = next(i for i, line in enumerate(lines) if "✗ To verify" in line)
        assert lines[at].startswith("  ✗ To verify") and lines[at + 1].startswith("    ")
        assert "(now stated by them)" in " ".join(" ".join(line.split()) for line in lines)


async def test_a_recontact_day_that_has_passed_is_refused_in_the_dialog(
    make_app, data_dir: Path, tiny_sets
) -> None:
    """2025 typed for 2027 made the prospect due at once and lost the day meant: the
    dialog says so and stays open, the reason kept; a day to come is taken."""
    from datetime import date, timedelta

    pid = add_prospect(data_dir, tiny_sets, "Rhine Technik GmbH")
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_prospect(pilot, pid)
        await pilot.press("h")
        prompt = await wait_for(pilot, lambda: screen_ready(app, ReasonPrompt), "the reason")
        await pilot.pause()
        shown = "\n".join(
            "".join(s.text for s in strip) for strip in app.screen._compositor.render_strips()
        )
        assert "Just friends: Rhine Technik GmbH" in shown  # its title not scrolled off
        await pilot.press(*"Budget next year")
        prompt.query_one("#date", Input).focus()  # (Tab goes by the common reasons first)
        await pilot.pause()
        date_field = prompt.query_one("#date", Input)
        for typed, said in (("2026-02-30", "is not a real date"), ("9999-01-01", "outside")):
            await pilot.press(*typed, "enter")  # read as `qualify hold --recontact` reads it
            await pilot.pause()
            assert said in str(prompt.query_one("#error", Static).render())
            date_field.value = ""
        await pilot.press(*"2025-03-01", "enter")
        await pilot.pause()
        error = str(prompt.query_one("#error", Static).render())
        assert "2025-03-01, has passed" in error and date.today().isoformat() in error
        assert app.screen is prompt and prompt.query_one("#reason", Input).value
        later = date.today() + timedelta(days=90)
        date_field.value = ""
        await pilot.press(*later.isoformat(), "enter")
        await wait_for(pilot, lambda: screen.view.prospect.status.value == "on_hold", "the hold")
    _, prospect = history(data_dir, pid)
    assert prospect.recontact_on == later

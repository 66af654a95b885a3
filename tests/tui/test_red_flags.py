"""What a user sees of red flags and of a prospect's status, at 80×24 and 120×40: a
"Strong fit" with open red flags says so under the name, beside the score, on the
interview's live line, in the summary and in the advance dialog; a declined or on-hold
prospect's status is never cut off in the list."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import Static
from tui_helpers import (
    add_prospect,
    open_prospect,
    open_store,
    text_of,
    wait_for,
    wait_home,
    wait_interview,
)

from qualify.tui.app import QualifyApp
from qualify.tui.config import TuiConfig
from qualify.tui.modals.confirm import ConfirmDialog

FLAGGED = """\
partner_type: distributor
business_model: two_tier
founded: 1991-01-01
employees: {value: 240, source: verified}
territory_presence: office_in_territory
main_vertical: corporate
target_share: 55
account_overlap: some_overlap
why_interested: replace_supplier
competing_lines: direct
shelf_space: 4
decision_maker_met: decider_engaged
portfolio_gap: 4
their_focus: mixed
their_questions: [products_fit, margin, exclusivity]
support_need: 2
legal_standing: none_known
next_step: meeting_with_decider
"""
"""A first date scored "Strong fit" with two open red flags: a directly competing line
and exclusivity asked for."""

COMPETING = "Carries a directly competing line"
EXCLUSIVITY = "Asked for exclusivity on the first date"
COUNT = "⚑ Red flags: 2 open of 2 raised."


def answered(data_dir: Path, sets: Path, name: str, answers: str) -> str:
    """A prospect answered from a YAML file, as `qualify answer ID --from FILE` does."""
    from click.testing import CliRunner

    from qualify.cli import main

    pid = add_prospect(data_dir, sets, name, territory="North", kind="distributor")
    path = data_dir.parent / f"{pid}.yaml"
    path.write_text(answers, encoding="utf-8")
    base = ["--data-dir", str(data_dir), "--questionnaires", str(sets), "--lang", "en"]
    result = CliRunner().invoke(main, [*base, "answer", pid, "--from", str(path)])
    assert result.exit_code == 0, result.output
    return pid


def flagged(data_dir: Path, sets: Path) -> str:
    """The big distributor of the archetypes: a "Strong fit" with two open red flags."""
    return answered(data_dir, sets, "Big Distri GmbH", FLAGGED)


def screen_text(app) -> str:
    """The whole screen as the terminal shows it, line by line."""
    return "\n".join(
        "".join(s.text for s in strip) for strip in app.screen._compositor.render_strips()
    )


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
async def test_open_red_flags_show_on_the_prospect_and_in_the_advance_dialog(
    data_dir: Path, bundled_sets: Path, size: tuple[int, int]
) -> None:
    pid = flagged(data_dir, bundled_sets)
    app = QualifyApp(data_dir, bundled_sets, config=TuiConfig())
    async with app.run_test(size=size) as pilot:
        screen = await open_prospect(pilot, pid)
        # under the name, on every tab and at any size
        assert text_of(screen, "#facts-flags") == COUNT
        assert COUNT in screen_text(app)
        # beside the score: the count and each reason
        assert text_of(screen, "#score-flags") == COUNT
        reasons = text_of(screen, "#score-flag-reasons")
        assert COMPETING in reasons and EXCLUSIVITY in reasons
        assert reasons.count("⚑") == 2
        assert "Strong fit" in text_of(screen, "#score-verdict")

        await pilot.press("a")
        dialog = await wait_for(pilot, lambda: isinstance(app.screen, ConfirmDialog) and app.screen)
        body = text_of(dialog.query_one(".body", Static))
        assert "is met" in body and COUNT in body
        lines = body.splitlines()
        assert any(line.startswith(f"  ⚑ {COMPETING}") for line in lines)
        assert any(line.startswith(f"  ⚑ {EXCLUSIVITY}") for line in lines)
        # the whole dialog on screen: its title, the flags and both buttons
        shown = screen_text(app)
        assert "Move Big Distri GmbH on to" in shown
        assert COUNT in shown and "Advance" in shown and "Cancel" in shown
        assert dialog.query_one(".dialog").region.bottom <= size[1]
        await pilot.press("escape")


async def test_red_flags_in_the_live_score_and_the_summary_at_80x24(
    data_dir: Path, bundled_sets: Path
) -> None:
    pid = flagged(data_dir, bundled_sets)
    app = QualifyApp(data_dir, bundled_sets, config=TuiConfig())
    async with app.run_test(size=(80, 24)) as pilot:
        await open_prospect(pilot, pid)
        await pilot.press("i")
        interview = await wait_interview(pilot)
        line = text_of(interview, "#score-line")
        assert "Strong fit" in line and "⚑ 2 red flags (F4)" in line
        await pilot.press("f4")
        await wait_for(pilot, lambda: interview.has_class("-summary"), "the summary")
        assert text_of(interview, "#summary-score #score-flags") == COUNT
        reasons = text_of(interview, "#summary-score #score-flag-reasons")
        assert COMPETING in reasons and EXCLUSIVITY in reasons
        assert COUNT in screen_text(app)  # on screen, not scrolled away


async def test_a_red_flag_that_holds_the_gate_says_so(data_dir: Path, bundled_sets: Path) -> None:
    """An account conflict holds every gate from the first date: the count says which
    gate it holds (one of the three: the others do not), and the override dialog lists it."""
    overlap = FLAGGED.replace("account_overlap: some_overlap", "account_overlap: same_accounts")
    pid = answered(data_dir, bundled_sets, "Overlap AV", overlap)
    app = QualifyApp(data_dir, bundled_sets, config=TuiConfig())
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_prospect(pilot, pid)
        held = "⚑ Red flags: 3 open of 3 raised. · 1 holds the First date gate"
        assert text_of(screen, "#facts-flags") == held
        await pilot.press("a")
        dialog = await wait_for(pilot, lambda: isinstance(app.screen, ConfirmDialog) and app.screen)
        body = text_of(dialog.query_one(".body", Static))
        assert "is not met" in text_of(dialog.query_one(".title", Static))
        assert held in body and "Largely the same key accounts" in body
        assert body.count("Largely the same key accounts") == 1  # the gate's line names it
        shown = screen_text(app)
        assert "Override…" in shown and "Keep dating" in shown
        assert "is not met" in shown  # the question stays in view above its details


async def test_no_red_flag_line_without_open_flags(make_app, data_dir: Path, tiny_sets) -> None:
    pid = add_prospect(data_dir, tiny_sets, "Clean Co")
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_prospect(pilot, pid)
        assert not screen.query_one("#facts-flags").display
        assert not screen.query_one("#score-flags").display
        assert "⚑ Red flags" not in screen_text(app)


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
async def test_the_list_shows_a_declined_or_held_prospects_status_at_any_width(
    data_dir: Path, bundled_sets: Path, size: tuple[int, int]
) -> None:
    from datetime import date

    from qualify.core.questionnaire import load_catalog
    from qualify.tui.widgets.prospect_table import ProspectTable
    from qualify.workflow.qualifier import Qualifier

    parted = add_prospect(data_dir, bundled_sets, "Parted Co")
    friends = add_prospect(data_dir, bundled_sets, "Friendly Co")
    store = open_store(data_dir)
    try:
        q = Qualifier(store, load_catalog(bundled_sets))
        for pid in (parted, friends):  # moved on, so the stage's title is long
            q.advance(q.store.get_prospect(pid), override="test")
        q.decline(q.store.get_prospect(parted), "No real presence in the territory")
        q.hold(q.store.get_prospect(friends), "Busy this year", date(2027, 6, 1))
    finally:
        store.close()
    app = QualifyApp(data_dir, bundled_sets, config=TuiConfig())
    async with app.run_test(size=size) as pilot:
        screen = await wait_home(pilot)
        table = screen.query_one(ProspectTable)
        rows = {
            line.split()[0]: line
            for line in (
                "".join(s.text for s in table.render_line(y)).lstrip("▶ ")
                for y in range(1, table.size.height)
            )
            if line.strip()
        }
        assert "Parted ways · Gett" in rows["Parted"]
        assert "Just friends · Ge" in rows["Friendly"]

"""Live screens (issue 16): the list, a prospect and an interview follow other people's
changes as they happen — another process on the embedded workspace (a file watch), a
teammate on the team server (LISTEN/NOTIFY) — and never replace what is being typed.

The "other person" is the command line, run while the app is open, or a second app.
How soon is measured by bench/bench_live.py (well under 2 s); these tests only wait
(generously: the CI has two shared cores) for the change to show.
"""

from __future__ import annotations

import time
from pathlib import Path

from click.testing import CliRunner
from textual.widgets import Input
from tui_helpers import (
    add_prospect,
    at_question,
    notified,
    open_prospect,
    stored_answers,
    wait_for,
    wait_home,
)

from qualify.cli import main
from qualify.tui.app import QualifyApp
from qualify.tui.config import TuiConfig
from qualify.tui.live import follow
from qualify.tui.workspace import Workspace

LIVE = 15.0
"""Seconds a test waits for someone else's change to show (it takes well under 2)."""


def cli(*args: str, env: dict[str, str]) -> str:
    result = CliRunner().invoke(main, list(args), env=env)
    assert result.exit_code == 0, result.output
    return result.output


def names(home) -> set[str]:  # type: ignore[no-untyped-def]
    return {s.name for s in home.summaries}


def test_a_change_made_after_the_list_was_read_but_before_the_watch_began_is_seen(
    data_dir: Path, tiny_sets: Path
) -> None:
    """The app reads the list, then starts following changes in another thread: on a
    busy machine another process's change can fall between the two. The workspace opens
    its watch before anything is read, so that change is still reported."""
    add_prospect(data_dir, tiny_sets, "Echo AV")
    workspace = Workspace(data_dir, tiny_sets)
    try:
        workspace.open()
        assert [s.name for s in workspace.summaries()] == ["Echo AV"]
        late = add_prospect(data_dir, tiny_sets, "Late AV")  # the follower is not running yet
        seen: list = []
        deadline = time.monotonic() + 10
        follow(workspace, seen.append, lambda: bool(seen) or time.monotonic() > deadline)
        assert seen and seen[0].concerns(late)
    finally:
        workspace.close()


async def test_another_process_changes_show_in_the_list_and_the_prospect(
    make_app, data_dir: Path, tiny_sets: Path
) -> None:
    pid = add_prospect(data_dir, tiny_sets, "Echo AV")
    env = {"QUALIFY_DATA_DIR": str(data_dir), "QUALIFY_QUESTIONNAIRES": str(tiny_sets)}
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        home = await wait_home(pilot)
        cli("prospect", "add", "Live AV", env=env)
        await wait_for(pilot, lambda: "Live AV" in names(home), "the new prospect", timeout=LIVE)

        screen = await open_prospect(pilot, pid)
        cli("prospect", "edit", pid, "--name", "Echo AV Group", env=env)
        await wait_for(
            pilot,
            lambda: screen.view.prospect.name == "Echo AV Group",
            "the prospect screen",
            timeout=LIVE,
        )
        cli("answer", pid, "kind", "integrator", env=env)
        await wait_for(
            pilot,
            lambda: any("kind" in i.answers for i in screen.view.interviews),
            "the answer on the prospect screen",
            timeout=LIVE,
        )
        await pilot.press("escape")
        await wait_for(pilot, lambda: "Echo AV Group" in names(home), "the list", timeout=LIVE)
        row = next(s for s in home.summaries if s.id == pid)
        assert row.score is not None  # the list row shows the answer's score


async def test_an_open_interview_shows_teammates_answers_and_keeps_what_is_typed(
    make_app, data_dir: Path, tiny_sets: Path
) -> None:
    pid = add_prospect(data_dir, tiny_sets, "Foxtrot AV")
    env = {"QUALIFY_DATA_DIR": str(data_dir), "QUALIFY_QUESTIONNAIRES": str(tiny_sets)}
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await at_question(pilot, pid, "reps")
        await pilot.press(*"12")  # typed, not sent yet (a number is sent on Enter)

        cli("answer", pid, "kind", "integrator", env=env)
        cli("answer", pid, "reps", "40", env=env)

        def arrived() -> bool:
            interview = screen.assessment.interview
            return interview is not None and "kind" in interview.answers

        await wait_for(pilot, arrived, "the teammate's answers", timeout=LIVE)
        await wait_for(
            pilot,
            lambda: screen.assessment.interview.answers["reps"].value == 40,
            "the teammate's answer to the question being typed",
            timeout=LIVE,
        )
        assert screen.query_one(Input).value == "12"  # what is typed stays
        await wait_for(pilot, lambda: notified(app, "What you are typing replaces it"))
        await pilot.press("enter")  # and wins once saved
        await wait_for(pilot, lambda: screen.all_saved, "the typed answer to be saved")
    assert stored_answers(data_dir, pid)["reps"].value == 12
    assert stored_answers(data_dir, pid)["kind"].value == "integrator"

    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await at_question(pilot, pid, "reps")  # nothing typed this time
        cli("answer", pid, "reps", "77", env=env)
        await wait_for(
            pilot, lambda: screen.query_one(Input).value == "77", "the input", timeout=LIVE
        )
        assert notified(app, "answered this question meanwhile")

        # an emptied field is something typed too: a teammate's answer does not refill it
        screen.query_one(Input).value = ""
        cli("answer", pid, "reps", "88", env=env)
        await wait_for(
            pilot,
            lambda: screen.assessment.interview.answers["reps"].value == 88,
            "the teammate's 88",
            timeout=LIVE,
        )
        assert screen.query_one(Input).value == ""


async def test_an_interview_says_once_that_the_prospect_moved_on(
    make_app, data_dir: Path, tiny_sets: Path
) -> None:
    pid = add_prospect(data_dir, tiny_sets, "Golf AV")
    env = {"QUALIFY_DATA_DIR": str(data_dir), "QUALIFY_QUESTIONNAIRES": str(tiny_sets)}
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await at_question(pilot, pid, "reps")
        cli("advance", pid, "--override", "met them at the fair", env=env)
        await wait_for(pilot, lambda: notified(app, "was moved on to"), timeout=LIVE)
        cli("prospect", "edit", pid, "--notes", "and more", env=env)
        await pilot.pause(1.5)
        said = [n for n in app._notifications if "was moved on to" in n.message]
        assert len(said) == 1
        assert screen.is_attached  # it stays; escape leaves it


async def test_a_teammates_change_on_the_server_shows_in_the_list_and_the_prospect(
    pg, data_dir: Path, tiny_sets: Path
) -> None:
    anna = pg.grant("anna", "North")
    bob = pg.grant("bob", "North")
    app = QualifyApp(data_dir, tiny_sets, config=TuiConfig(), store_url=anna)
    bobs = {"QUALIFY_DATA_DIR": str(data_dir / "bob")}
    async with app.run_test(size=(120, 40)) as pilot:
        home = await wait_home(pilot)
        out = cli(
            "--store", bob, "--questionnaires", str(tiny_sets),
            "prospect", "add", "Nordic AV", "--territory", "North", env=bobs,
        )  # fmt: skip
        pid = out.strip().splitlines()[-1]
        await wait_for(pilot, lambda: "Nordic AV" in names(home), "bob's prospect", timeout=LIVE)

        screen = await open_prospect(pilot, pid)
        cli(
            "--store", bob, "--questionnaires", str(tiny_sets), "answer", pid, "kind",
            "integrator", env=bobs,
        )  # fmt: skip

        def answered() -> bool:
            interviews = screen.view.interviews if screen.view else []
            return any("kind" in i.answers for i in interviews)

        await wait_for(pilot, answered, "bob's answer on the prospect screen", timeout=LIVE)


async def test_two_apps_on_the_server_see_each_others_answers(
    pg, tmp_path: Path, tiny_sets: Path
) -> None:
    """Anna and Bob interview the same prospect at once, each in their own app."""
    from tui_helpers import open_interview

    from qualify.core.questionnaire import load_catalog
    from qualify.store import open_store
    from qualify.workflow.qualifier import Qualifier

    anna_url, bob_url = pg.grant("anna", "North"), pg.grant("bob", "North")
    with open_store(url=anna_url) as store:
        pid = Qualifier(store, load_catalog(tiny_sets)).add_prospect("Hotel AV", territory="North")
    anna = QualifyApp(tmp_path / "a", tiny_sets, config=TuiConfig(), store_url=anna_url)
    bob = QualifyApp(tmp_path / "b", tiny_sets, config=TuiConfig(), store_url=bob_url)
    async with anna.run_test(size=(120, 40)) as ap, bob.run_test(size=(120, 40)) as bp:
        await wait_home(ap)
        await wait_home(bp)
        ours = await open_interview(ap, pid.id)
        theirs = await open_interview(bp, pid.id)
        assert ours.current == theirs.current == "kind"
        await bp.press("2")  # bob answers "kind": integrator, and moves on

        def bobs_answer() -> object:
            interview = ours.assessment.interview
            record = interview.answers.get("kind") if interview else None
            return record is not None and record.value == "integrator" and record.by == "bob"

        await wait_for(ap, bobs_answer, "bob's answer in anna's interview", timeout=LIVE)
        assert notified(anna, "bob answered this question meanwhile")
        # one interview, both answers in it
        ours.go("reps")
        await ap.pause()
        await ap.press(*"33", "enter")
        await wait_for(
            bp,
            lambda: "reps" in theirs.assessment.interview.answers,
            "anna's answer in bob's interview",
            timeout=LIVE,
        )
        assert ours.assessment.interview.id == theirs.assessment.interview.id

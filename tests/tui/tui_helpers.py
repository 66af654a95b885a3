"""Helpers of the TUI tests: one way to wait for the app, the ways to reach a screen, and
the data a test sets up or checks (through the workflow and the store, as the CLI or
another process would).

A plain module beside conftest.py (which puts this folder on ``sys.path``), so the tests
import it under any ``--import-mode``.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
BUNDLED = ROOT / "questionnaires"
TINY = HERE / "fixtures" / "sets"
FIXED_NOW = datetime(2026, 11, 2, 9, 30, tzinfo=UTC)
"""The "now" of generated demo data, so dates on screen never change."""

WAIT = 10.0
"""Seconds a test waits for the app before it fails (generous: the CI has two shared cores)."""


# ----------------------------------------------------------------------- waiting
async def wait_for(pilot, ready: Callable[[], Any], what: str = "the app", *, timeout=WAIT):
    """Let the app run (workers finish, messages land) until ``ready()`` is true, then
    once more so what it triggered is painted; fail naming `what` after `timeout` s.

    Returns what ``ready()`` returned, so a test can wait for a screen and take it."""
    deadline = time.monotonic() + timeout
    while True:
        await _pause(pilot, 0.02)
        result = ready()
        if result:
            await _pause(pilot)
            return result
        if time.monotonic() > deadline:
            raise AssertionError(f"{what} never got ready ({_where(pilot.app)})")


def _where(app) -> str:
    """What a failed wait saw: the screen, the focus, the keys the app holds for the next
    question, the writes still out (a rare failure on a loaded CI host says which)."""
    if not app.is_running:
        return "the app has ended"
    focused = app.focused
    held = getattr(app, "_held", None)
    saves = getattr(app, "saves", None)
    unsaved = getattr(app.screen, "unsaved", None)
    return (
        f"screen: {app.screen}; focus: {focused!r}"
        + (" (leaving)" if getattr(focused, "leaving", False) else "")
        + f"; keys held: {'none' if held is None else [getattr(k, 'key', k) for k in held]}"
        + f"; inputs coming: {getattr(app, '_inputs_coming', 0)}"
        + ("" if saves is None else f"; saves idle: {saves.idle}")
        + ("" if unsaved is None else f"; writing: {dict(unsaved.writing)}")
        + ("" if unsaved is None else f"; refused: {unsaved.errors}")
    )


async def _pause(pilot, delay: float | None = None) -> None:
    """A pilot's pause while the app runs; after it ended (a test may wait for that),
    plain time."""
    if pilot.app.is_running:
        await pilot.pause(delay)
    else:
        await asyncio.sleep(delay or 0)


def notified(app, text: str) -> bool:
    """Some notification so far contains `text`."""
    return any(text in n.message for n in app._notifications)


async def wait_home(pilot):
    """The prospects list, once the workspace is open and the list loaded."""
    from qualify.tui.screens.prospects import ProspectsScreen

    def home():
        screen = pilot.app.screen_stack[0]
        ready = isinstance(screen, ProspectsScreen) and screen.loaded
        return screen if ready and not screen.has_class("-loading") else None

    return await wait_for(pilot, home, "the prospects list")


def screen_ready(app, kind: type, ready: Callable[[Any], object] = bool):
    """The current screen if it is a `kind` and ``ready(screen)``, else None."""
    screen = app.screen
    return screen if isinstance(screen, kind) and ready(screen) else None


async def wait_prospect(pilot):
    """The prospect screen on top, once it has read its prospect."""
    from qualify.tui.screens.prospect import ProspectScreen

    return await wait_for(
        pilot,
        lambda: screen_ready(pilot.app, ProspectScreen, lambda s: s.view is not None),
        "the prospect",
    )


async def open_prospect(pilot, prospect_id: str):
    """From the prospects list, open a prospect and wait until it shows."""
    await wait_home(pilot)
    pilot.app.open_prospect(prospect_id)
    return await wait_prospect(pilot)


async def wait_interview(pilot):
    """The interview on top, once it shows its first question (or the summary)."""
    from qualify.tui.screens.interview import InterviewScreen

    return await wait_for(
        pilot,
        lambda: screen_ready(pilot.app, InterviewScreen, lambda s: s.current is not None),
        "the interview",
    )


async def open_interview(pilot, prospect_id: str):
    """From the prospects list: open the prospect, press i, wait for the first question."""
    await open_prospect(pilot, prospect_id)
    await pilot.press("i")
    return await wait_interview(pilot)


async def at_question(pilot, prospect_id: str, question_id: str):
    """The interview, on one question."""
    screen = await open_interview(pilot, prospect_id)
    screen.go(question_id)
    await pilot.pause()
    return screen


async def saved(pilot, screen=None):
    """The interview, once every answer given is written (the writes run in a worker) and
    shown as saved."""
    screen = screen or pilot.app.screen
    return await wait_for(pilot, lambda: screen.all_saved and screen, "the answers to be saved")


def lines_of(widget) -> list[str]:
    """The lines a widget draws, as text, top to bottom (its wrapping as shown)."""
    return ["".join(s.text for s in widget.render_line(y)) for y in range(widget.size.height)]


def text_of(node, selector: str | None = None) -> str:
    """What a widget shows, as text: `node` itself, or the widget `selector` finds in it."""
    widget = node.query_one(selector) if selector else node
    return str(widget.render())


def status_of(screen) -> str:
    """The interview's status line under the input, as the user reads it."""
    return text_of(screen, "#status")


async def open_comparison(pilot):
    """From a prospect's screen: press c and wait for the comparison's figures."""
    from qualify.tui.screens.compare import CompareScreen

    await pilot.press("c")
    return await wait_for(
        pilot,
        lambda: screen_ready(pilot.app, CompareScreen, lambda s: s.view is not None),
        "the comparison",
    )


# ----------------------------------------------------------------------- data
def open_store(data_dir: Path):
    """A second handle on the workspace, as another process would see it."""
    from qualify.store import open_store as _open

    return _open(data_dir)


def fill_demo(data_dir: Path, sets: Path, count: int, seed: int = 7) -> None:
    """Demo prospects generated at a fixed time, so their dates never change."""
    from qualify.core.questionnaire import content_hash, load_catalog
    from qualify.workflow.demo import generate

    catalog = load_catalog(sets)
    store = open_store(data_dir)
    try:
        for qs in catalog.question_sets.values():
            store.put_snapshot(content_hash(qs), qs.model_dump(mode="json"))
        store.add_prospects_bulk(generate(catalog, count, seed=seed, now=FIXED_NOW))
    finally:
        store.close()


def add_prospect(data_dir: Path, sets: Path, name: str, **facts: str) -> str:
    """A prospect added through the workflow, as the CLI would; returns its id."""
    from qualify.core.questionnaire import load_catalog
    from qualify.workflow.qualifier import Qualifier

    store = open_store(data_dir)
    try:
        return Qualifier(store, load_catalog(sets)).add_prospect(name, **facts).id
    finally:
        store.close()


def stored_answers(data_dir: Path, prospect_id: str) -> dict[str, object]:
    """The answers on disk right now (a fresh store, as after a crash)."""
    store = open_store(data_dir)
    try:
        interviews = store.interviews(prospect_id)
        if not interviews:
            return {}
        return dict(interviews[-1].answers)
    finally:
        store.close()

"""Snapshots of the main screens at 80×24 and 120×40, dark and light (pytest-textual-snapshot).

Deterministic: demo data from a fixed seed at a fixed "now", dates in UTC, the same
folder paths every run, cursors not blinking, YAML highlighting off (it depends on an
optional extra). Update after a deliberate change with
``pytest tests/tui/test_snapshots.py --snapshot-update`` and look at the SVGs.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from textual.widgets import Input, TextArea
from tui_helpers import BUNDLED, FIXED_NOW, fill_demo, wait_for

from qualify.tui.app import QualifyApp
from qualify.tui.config import TuiConfig


@pytest.fixture(scope="module")
def snap_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder of this run's own (two runs at once never share one). Tests set $HOME to
    it, so the question sets screen shows its path as ~/…, the same in every run."""
    return tmp_path_factory.mktemp("snapshots")


PROSPECT = "demo07000003"
"""A demo prospect part-way through getting to know each other (seed 7)."""


@pytest.fixture(scope="module")
def demo_workspace(snap_root: Path) -> tuple[Path, Path]:
    """A workspace with 40 demo prospects and a copy of the bundled sets."""
    sets = snap_root / "sets"
    data = snap_root / "workspace"
    shutil.copytree(BUNDLED, sets)
    data.mkdir(parents=True)
    fill_demo(data, sets, 40)
    return data, sets


@pytest.fixture(autouse=True)
def _reproducible(monkeypatch: pytest.MonkeyPatch, snap_root: Path) -> None:
    monkeypatch.setenv("HOME", str(snap_root))
    monkeypatch.setattr("qualify.tui.screens.editor.yaml_highlighting", lambda: False)
    monkeypatch.setattr("qualify.tui.report.report_time", lambda: FIXED_NOW)


def make(workspace: tuple[Path, Path], theme: str = "textual-dark") -> QualifyApp:
    data, sets = workspace
    return QualifyApp(data, sets, config=TuiConfig(theme=theme))


async def settle(pilot, until) -> None:
    """Wait for the workers, then stop every cursor blinking."""
    await wait_for(pilot, lambda: until(pilot.app), "the screen to settle")
    for widget in pilot.app.screen.query("Input, TextArea"):
        if isinstance(widget, Input | TextArea):
            widget.cursor_blink = False
    await pilot.pause(0.05)


def home_ready(app) -> bool:
    return bool(getattr(app.screen, "loaded", False)) and not app.screen.has_class("-loading")


def opened(kind: str):
    def ready(app) -> bool:
        screen = app.screen
        name = type(screen).__name__
        if name != kind:
            return False
        if kind == "ProspectScreen":
            return screen.view is not None
        if kind == "InterviewScreen":  # on its first question, the input focused
            pane = screen.query_one("#question-pane")
            return pane.input is not None and pane.input.has_focus_within
        if kind == "ReportScreen":
            return bool(screen.markdown)
        if kind == "QuestionSetsScreen":
            return bool(screen.rows)
        if kind == "EditorScreen":
            return screen._checked_generation == screen.generation
        if kind == "CompareScreen":
            return screen.view is not None
        if kind == "RescoreScreen":
            return screen.rows is not None
        return True

    return ready


def on_screen(app) -> str:
    """The text the terminal shows now, row by row."""
    return "\n".join(strip.text for strip in app.screen._compositor.render_strips())


def assert_shown(app, *texts: str) -> None:
    """What a user must see on this screen, whatever the size and theme."""
    shown = on_screen(app)
    for text in texts:
        assert text in shown, f"{text!r} is not on screen:\n{shown}"


async def to_home(pilot) -> None:
    await settle(pilot, home_ready)


async def to_first_run(pilot) -> None:
    await settle(pilot, home_ready)
    assert_shown(pilot.app, "demo")  # the welcome offers demo data


async def to_prospects(pilot) -> None:
    await settle(pilot, home_ready)
    assert_shown(pilot.app, "Filter", "40 prospects", "Open")


async def to_prospect(pilot) -> None:
    await settle(pilot, home_ready)
    pilot.app.open_prospect(PROSPECT)
    await settle(pilot, opened("ProspectScreen"))
    assert_shown(pilot.app, "Oder Installations BV", "Getting to know each other", "Gate")


async def to_interview(pilot) -> None:
    await to_prospect(pilot)
    await pilot.press("i")
    await settle(pilot, opened("InterviewScreen"))
    assert_question_shown(pilot.app)


def assert_question_shown(app) -> None:
    """On open, whatever the terminal's size, the question, its input and the keys to
    move on are on screen: nothing the interviewer needs is scrolled away."""
    screen = app.screen
    visible = screen._compositor.visible_widgets
    pane = screen.query_one("#question-pane")
    for part in ("#where", "#question", "#keys-hint"):
        widget = screen.query_one(part)
        assert widget in visible, part
        assert pane.region.contains_region(widget.region), part
    assert pane.input is not None and pane.input in visible
    assert pane.region.contains_region(pane.input.region)


async def to_report(pilot) -> None:
    await to_prospect(pilot)
    await pilot.press("p")
    await settle(pilot, opened("ReportScreen"))
    assert_shown(pilot.app, "Oder Installations BV")


async def to_agenda(pilot) -> None:
    await to_prospect(pilot)
    await pilot.press("g")
    await pilot.pause()
    assert_shown(pilot.app, "Agenda")


async def to_compare(pilot) -> None:
    await to_prospect(pilot)
    await pilot.press("c")
    await settle(pilot, opened("CompareScreen"))
    assert_shown(pilot.app, "Oder Installations BV")


async def to_rescore(pilot) -> None:
    await settle(pilot, home_ready)
    pilot.app.action_rescore()
    await settle(pilot, opened("RescoreScreen"))
    assert_shown(pilot.app, "→ v")  # interviews under the old version, each with its change


async def to_sets(pilot) -> None:
    await settle(pilot, home_ready)
    await pilot.press("s")
    await settle(pilot, opened("QuestionSetsScreen"))
    await pilot.press("down", "down")  # first-date.yaml
    assert_shown(pilot.app, "first-date.yaml")


async def to_editor(pilot) -> None:
    await to_sets(pilot)
    await pilot.press("enter")
    await settle(pilot, opened("EditorScreen"))
    assert_shown(pilot.app, "first-date", "✓ valid")  # the bundled set, checked with its folder


def test_first_run_80x24(snap_compare, tmp_path: Path, snap_root: Path) -> None:
    sets = snap_root / "first-run-sets"
    shutil.rmtree(sets, ignore_errors=True)
    shutil.copytree(BUNDLED, sets)
    app = QualifyApp(tmp_path / "empty", sets, config=TuiConfig(theme="textual-dark"))
    assert snap_compare(app, terminal_size=(80, 24), run_before=to_first_run)


MAIN_SCREENS = {
    "prospects": to_prospects,
    "prospect": to_prospect,
    "interview": to_interview,
    "report": to_report,
    "question_sets": to_sets,
    "editor": to_editor,
}
"""Each main screen, reached the way a user gets there."""


@pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=["80x24", "120x40"])
@pytest.mark.parametrize("screen", list(MAIN_SCREENS))
def test_main_screen(snap_compare, demo_workspace, screen, size) -> None:
    assert snap_compare(make(demo_workspace), terminal_size=size, run_before=MAIN_SCREENS[screen])


@pytest.mark.parametrize("screen", ["prospects", "interview"])
def test_light_theme(snap_compare, demo_workspace, screen) -> None:
    """The light theme changes only colours: two screens with bands, inputs and focus."""
    assert snap_compare(
        make(demo_workspace, "textual-light"),
        terminal_size=(120, 40),
        run_before=MAIN_SCREENS[screen],
    )


def test_agenda_80x24(snap_compare, demo_workspace) -> None:
    assert snap_compare(
        make(demo_workspace, "textual-light"), terminal_size=(80, 24), run_before=to_agenda
    )


def test_compare_80x24(snap_compare, demo_workspace) -> None:
    assert snap_compare(make(demo_workspace), terminal_size=(80, 24), run_before=to_compare)


def test_rescore_80x24(snap_compare, demo_workspace, snap_root: Path) -> None:
    """The preview after first-date.yaml went to version 2 with an option re-scored."""
    data, sets = demo_workspace
    edited = snap_root / "edited-sets"
    shutil.rmtree(edited, ignore_errors=True)
    shutil.copytree(sets, edited)
    path = edited / "first-date.yaml"
    text = path.read_text(encoding="utf-8")
    version = int(re.search(r"^version: (\d+)$", text, re.M)[1])  # type: ignore[index]
    option = re.compile(r"(\{value: product_resale_only, .*score: )2\}")
    assert option.search(text), "the edit this preview shows must still apply"
    edited_text = text.replace(f"version: {version}", f"version: {version + 1}", 1)
    path.write_text(option.sub(r"\g<1>3}", edited_text, count=1), encoding="utf-8")
    app = QualifyApp(data, edited, config=TuiConfig(theme="textual-dark"))
    assert snap_compare(app, terminal_size=(80, 24), run_before=to_rescore)

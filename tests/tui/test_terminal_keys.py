"""The real `qualify` in a real pseudo-terminal (tmux, 80×24), driven by keys as a user
types them: Enter, Enter, Enter on a fully answered interview leaves the stage where it
was, and Enter on an untouched choice records nothing.

Skipped only where tmux is not installed.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from tui_helpers import TINY, add_prospect, open_store

pytestmark = pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed")

FULL = {
    "kind": "integrator",
    "streams": ["resale", "install"],
    "reps": 12,
    "showroom": True,
    "showroom_size": 80,
    "support": 2,
    "notes": "Keen on the premium range",
}


class Terminal:
    """One tmux session running a command, 80×24, on its own server socket."""

    def __init__(self, command: list[str], env: dict[str, str], tmp: Path) -> None:
        self.socket = str(tmp / f"tmux-{uuid.uuid4().hex[:8]}")
        self.env = env
        self.name = "qualify"
        shell = " ".join(_quote(c) for c in command)
        self.tmux("new-session", "-d", "-s", self.name, "-x", "80", "-y", "24", shell)

    def tmux(self, *args: str) -> str:
        result = subprocess.run(
            ["tmux", "-S", self.socket, *args],
            env=self.env,
            capture_output=True,
            text=True,
            timeout=30,
        )
        return result.stdout

    def screen(self) -> str:
        return self.tmux("capture-pane", "-p", "-t", self.name)

    def keys(self, *keys: str) -> None:
        for key in keys:
            self.tmux("send-keys", "-t", self.name, key)
            time.sleep(0.4)  # a person's pace; the app answers in well under that

    def wait(self, *texts: str, timeout: float = 30.0) -> str:
        """The first screen showing every one of `texts` at once (a frame may be painted
        in parts: the question's header before its options)."""
        deadline = time.monotonic() + timeout
        while True:
            shown = self.screen()
            if all(text in shown for text in texts):
                return shown
            if time.monotonic() > deadline:
                raise AssertionError(f"{texts!r} never all showed; the screen:\n{shown}")
            time.sleep(0.2)

    def close(self) -> None:
        self.tmux("kill-server")


def _quote(text: str) -> str:
    return "'" + text.replace("'", "'\\''") + "'"


def _workspace(tmp_path: Path) -> tuple[Path, Path]:
    """An empty workspace and a copy of the tiny question sets."""
    sets = tmp_path / "sets"
    shutil.copytree(TINY, sets)
    return tmp_path / "workspace", sets


def _qualify(data: Path, sets: Path, tmp_path: Path) -> Terminal:
    """`qualify` on the workspace, in a fresh terminal with no config of the user's."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("QUALIFY_")}
    env.update(
        QUALIFY_CONFIG=str(tmp_path / "no-config.yaml"),
        TERM="xterm-256color",
        COLUMNS="80",
        LINES="24",
    )
    command = [sys.executable, "-m", "qualify", "--data-dir", str(data), "--questionnaires"]
    return Terminal([*command, str(sets)], env, tmp_path)


def _record(data_dir: Path, sets: Path, pid: str) -> None:
    from qualify.core.questionnaire import AnswerInput, load_catalog
    from qualify.workflow.qualifier import Qualifier

    inputs = [
        AnswerInput(question_id=k, value=v, source="verified" if k == "reps" else "stated")
        for k, v in FULL.items()
    ]
    store = open_store(data_dir)
    try:
        q = Qualifier(store, load_catalog(sets))
        q.record(q.store.get_prospect(pid), inputs)
    finally:
        store.close()


def test_enter_in_a_real_terminal_moves_nobody_and_picks_nothing(tmp_path: Path) -> None:
    data, sets = _workspace(tmp_path)
    done = add_prospect(data, sets, "Zenith Answered AV")
    _record(data, sets, done)
    fresh = add_prospect(data, sets, "Alpha Untouched AV")
    term = _qualify(data, sets, tmp_path)
    try:
        term.wait("2 prospects")
        # The answered prospect: find it, open it, resume its interview (on the summary).
        term.keys("/", *"zenith", "Enter", "Enter")
        term.wait("Stage timeline")
        term.keys("i")
        term.wait("Summary")
        term.keys("Enter", "Enter", "Enter")
        time.sleep(1.0)
        store = open_store(data)
        try:
            assert store.get_prospect(done).stage == "first-date"
            assert [h.action for h in store.history(done)] == ["created"]
        finally:
            store.close()
        # The untouched one: its first question is a choice; Enter records nothing.
        term.keys("Escape")
        term.wait("Stage timeline")
        term.keys("Escape")
        term.wait("qualify — Prospects")
        term.keys("/", "BSpace", "BSpace", "BSpace", "BSpace", "BSpace", "BSpace")
        term.keys(*"alpha", "Enter", "Enter")
        term.wait("Alpha Untouched AV")
        term.wait("Stage timeline")
        term.keys("i")
        # at 80×24 the question, its input and the keys to move on are all on one screen
        term.wait(
            "Company · 1 of",
            "How would you describe your business?",
            "1 ○ Stocking dealer",
            "Enter next",
        )
        term.keys("Enter")
        term.wait("Where does your revenue come from?")
        time.sleep(1.0)
        store = open_store(data)
        try:
            interviews = store.interviews(fresh)
            assert interviews == [] or interviews[-1].answers == {}
        finally:
            store.close()
        term.keys("C-q")
    finally:
        term.close()


def test_a_paste_holding_an_escape_character_is_typed_as_one_paste(tmp_path: Path) -> None:
    """tmux passes an ESC in a paste through; the line break after it must stay text."""
    data, sets = _workspace(tmp_path)
    add_prospect(data, sets, "Alpha AV")
    term = _qualify(data, sets, tmp_path)
    try:
        term.wait("1 prospect")
        term.keys("a")
        term.wait("New prospect", "Company name")
        # copied from a coloured terminal: an escape sequence, a bell, a line break
        term.tmux("set-buffer", "-b", "copied", "\x1b[31mRed\x07\nSecond line")
        term.tmux("paste-buffer", "-p", "-b", "copied", "-t", term.name)
        term.wait("[31mRed Second line")  # one line: the break joined, the ESC dropped
        time.sleep(1.0)  # an Enter among the keys would have added it by now
        store = open_store(data)
        try:
            assert [p.name for p in store.list_prospects()] == ["Alpha AV"]
        finally:
            store.close()
        term.keys("Escape")
        term.wait("1 prospect")
        term.keys("C-q")
    finally:
        term.close()

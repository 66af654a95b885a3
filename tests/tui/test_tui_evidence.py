"""Evidence files from the interview: F9 lists them, a path attaches one (checked as you
type), Enter opens one with the system viewer without blocking the app."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest
from textual.widgets import Input, OptionList, Static
from tui_helpers import add_prospect, notified, open_interview, open_store, wait_for

from qualify.tui.modals.evidence import EvidenceDialog


def _check_line(dialog: EvidenceDialog) -> str:
    return str(dialog.query_one("#path-check", Static).render())


def _files(dialog: EvidenceDialog) -> list[str]:
    options = dialog.query_one("#files", OptionList)
    return [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]


async def _type(pilot, dialog: EvidenceDialog, selector: str, text: str) -> None:
    field = dialog.query_one(selector, Input)
    field.focus()
    field.value = text
    await pilot.pause()


@pytest.fixture
def viewer(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A stand-in `xdg-open` that records what it was asked to open."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    log = tmp_path / "opened.txt"
    tool = bin_dir / "xdg-open"
    tool.write_text(f'#!/bin/sh\nprintf "%s" "$1" > "{log}"\n')
    tool.chmod(tool.stat().st_mode | stat.S_IEXEC)
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ['PATH']}")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    return log


async def test_attach_from_the_interview_and_open_with_the_viewer(
    make_app, data_dir: Path, tiny_sets: Path, tmp_path: Path, viewer: Path
) -> None:
    pid = add_prospect(data_dir, tiny_sets, "Atlas AV GmbH")
    report = tmp_path / "credit report.pdf"
    report.write_bytes(b"%PDF-1.4 from the bank\n")
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_interview(pilot, pid)
        question = screen.current
        await pilot.press("f9")
        dialog = await wait_for(
            pilot, lambda: isinstance(app.screen, EvidenceDialog) and app.screen
        )
        assert "No file attached" in str(dialog.query_one("#files-empty", Static).render())

        # the path is checked as you type: nothing is attached until it is right
        await _type(pilot, dialog, "#path", str(tmp_path / "nope.pdf"))
        await wait_for(pilot, lambda: "no such file" in _check_line(dialog))
        await _type(pilot, dialog, "#path", str(tmp_path))
        await wait_for(pilot, lambda: "is a folder" in _check_line(dialog))
        await pilot.press("enter")
        await wait_for(pilot, lambda: "is a folder, not a file" in _check_line(dialog))
        with open_store(data_dir) as store:
            assert store.attachments(pid) == []

        await _type(pilot, dialog, "#path", str(report))
        await wait_for(pilot, lambda: "✓ credit report.pdf · 23 bytes" in _check_line(dialog))
        await _type(pilot, dialog, "#note", "bank letter")
        await pilot.press("enter")
        await wait_for(pilot, lambda: _files(dialog), "the file in the list")
        [line] = _files(dialog)
        assert "credit report.pdf" in line and "23 bytes" in line
        with open_store(data_dir) as store:
            [kept] = store.attachments(pid)
        assert (kept.question_id, kept.note, kept.stage) == (question, "bank letter", "first-date")

        # Enter on the file: a checked copy goes to the viewer; the app goes on at once
        dialog.query_one("#files", OptionList).focus()
        await pilot.press("down", "enter")
        await wait_for(pilot, lambda: viewer.exists() and viewer.read_text(), "the viewer")
        opened = Path(viewer.read_text())
        assert opened.name == "credit report.pdf"
        assert opened.read_bytes() == report.read_bytes()
        await pilot.press("escape")
        assert app.screen is screen


async def test_no_viewer_is_one_clear_message(
    make_app, data_dir: Path, tiny_sets: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from qualify.core.evidence import Attachment, digest

    pid = add_prospect(data_dir, tiny_sets, "Atlas AV GmbH")
    content = b"photo of the showroom"
    with open_store(data_dir) as store:
        store.add_attachment(
            Attachment(
                prospect_id=pid,
                stage="first-date",
                question_id="kind",
                name="front.jpg",
                size=len(content),
                sha256=digest(content),
            ),
            content,
        )
    monkeypatch.setenv("PATH", str(tmp_path / "empty-bin"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await open_interview(pilot, pid)
        await pilot.press("f9")
        dialog = await wait_for(
            pilot, lambda: isinstance(app.screen, EvidenceDialog) and app.screen
        )
        await wait_for(pilot, lambda: _files(dialog), "the file list")
        dialog.query_one("#files", OptionList).focus()
        await pilot.press("down", "enter")
        await wait_for(pilot, lambda: notified(app, "no system viewer here (xdg-open"))

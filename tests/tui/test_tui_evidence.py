"""Evidence files from the interview: F9 lists them, a path attaches one (checked as you
type), Enter opens one with the system viewer without blocking the app."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest
from textual.widgets import Input, OptionList, Static
from tui_helpers import (
    add_prospect,
    notified,
    open_interview,
    open_prospect,
    open_store,
    wait_for,
)

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


# ------------------------------------------------------------------ the prospect screen
def _attach(data_dir: Path, pid: str, name: str, content: bytes, question: str, **kw) -> None:
    from qualify.core.evidence import Attachment, digest

    with open_store(data_dir) as store:
        store.add_attachment(
            Attachment(
                prospect_id=pid,
                stage="first-date",
                question_id=question,
                name=name,
                size=len(content),
                sha256=digest(content),
                **kw,
            ),
            content,
        )


def _listed(screen) -> list[str]:
    from qualify.tui.widgets.evidence_list import EvidenceList

    files = screen.query_one(EvidenceList)
    return [str(files.get_option_at_index(i).prompt) for i in range(files.option_count)]


def _footer_keys(app) -> dict[str, str]:
    """Key → description of the bindings the footer shows now."""
    return {
        b.binding.key: b.binding.description
        for b in app.screen.active_bindings.values()
        if b.binding.show and b.enabled
    }


async def test_the_prospect_lists_its_files_newest_first_and_opens_one(
    make_app, data_dir: Path, tiny_sets: Path, tmp_path: Path, viewer: Path
) -> None:
    from datetime import UTC, datetime

    from textual.widgets import TabbedContent

    pid = add_prospect(data_dir, tiny_sets, "Atlas AV GmbH")
    old, new, photo = b"%PDF credit 2025", b"%PDF credit 2026, from the bank", b"JPEG showroom"
    at = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
    _attach(data_dir, pid, "credit-2025.pdf", old, "kind", by="anna", at=at)
    _attach(data_dir, pid, "front.jpg", photo, "showroom", by="ben", note="the big one", at=at)
    _attach(data_dir, pid, "credit-2026.pdf", new, "kind", by="anna", at=at.replace(month=4))
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_prospect(pilot, pid)
        assert "Files (3)" in str(screen.query_one(TabbedContent).get_tab("evidence").label)
        assert _footer_keys(app).get("f") == "Files"
        assert "o" not in _footer_keys(app) and "plus" not in _footer_keys(app), (
            "the tab's own keys"
        )
        await pilot.press("f")
        assert screen.query_one(TabbedContent).active == "evidence"
        keys = _footer_keys(app)
        assert keys.get("o") == "Open" and keys.get("plus") == "Attach"
        newest, *rest = _listed(screen)
        assert newest.startswith("● credit-2026.pdf") and "31 bytes" in newest
        assert "How would you describe your business? (First date)" in newest
        assert "anna · 2026-04-01" in newest
        photo_line = next(line for line in rest if "front.jpg" in line)
        assert "“the big one”" in photo_line and "ben" in photo_line
        assert "Do you have a showroom?" in photo_line
        old_line = next(line for line in rest if "credit-2025.pdf" in line)
        assert "superseded by credit-2026.pdf" in old_line
        from qualify.core.evidence import digest

        assert digest(old)[:12] in old_line and digest(old)[:13] not in old_line
        assert "3 files, 2 current" in str(screen.query_one("#evidence-head", Static).render())

        # Enter opens the highlighted (newest) file; o the one moved to
        await pilot.press("enter")
        await wait_for(pilot, lambda: viewer.exists() and viewer.read_text(), "the viewer")
        assert Path(viewer.read_text()).read_bytes() == new
        viewer.unlink()
        await pilot.press("end", "o")
        await wait_for(pilot, lambda: viewer.exists() and viewer.read_text(), "the viewer")
        assert Path(viewer.read_text()).name == "credit-2025.pdf"
        assert Path(viewer.read_text()).read_bytes() == old
        await pilot.press("f")
        assert screen.query_one(TabbedContent).active == "overview"


async def test_a_file_gone_from_the_workspace_is_one_line_not_a_crash(
    make_app, data_dir: Path, tiny_sets: Path, tmp_path: Path, viewer: Path
) -> None:
    from qualify.core.evidence import digest

    pid = add_prospect(data_dir, tiny_sets, "Atlas AV GmbH")
    content = b"reference letter"
    _attach(data_dir, pid, "letter.pdf", content, "kind")
    (data_dir / "files" / digest(content)[:2] / digest(content)).write_bytes(b"changed")
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await open_prospect(pilot, pid)
        await pilot.press("f", "o")
        await wait_for(pilot, lambda: notified(app, "no longer matches its SHA-256"))
        assert not viewer.exists()


async def test_attach_from_the_prospect_to_a_chosen_question(
    make_app, data_dir: Path, tiny_sets: Path, tmp_path: Path
) -> None:
    from qualify.tui.modals.question_picker import QuestionPicker

    pid = add_prospect(data_dir, tiny_sets, "Atlas AV GmbH")
    letter = tmp_path / "reference.pdf"
    letter.write_bytes(b"%PDF a reference letter")
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_prospect(pilot, pid)
        assert "No file attached yet" in str(screen.query_one("#evidence-head", Static).render())
        await pilot.press("f", "plus")
        picker = await wait_for(
            pilot, lambda: isinstance(app.screen, QuestionPicker) and app.screen
        )
        options = picker.query_one("#questions", OptionList)
        labels = [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]
        assert "Company › Do you have a showroom?" in labels
        await pilot.press("escape")  # cancelled: nothing asked, nothing stored
        assert app.screen is screen
        await pilot.press("plus")
        picker = await wait_for(
            pilot, lambda: isinstance(app.screen, QuestionPicker) and app.screen
        )
        options = picker.query_one("#questions", OptionList)
        options.highlighted = labels.index("Company › Do you have a showroom?")
        await pilot.press("enter")
        dialog = await wait_for(
            pilot, lambda: isinstance(app.screen, EvidenceDialog) and app.screen
        )
        assert "Do you have a showroom?" in str(dialog.query_one(".body", Static).render())
        await _type(pilot, dialog, "#path", str(letter))
        await _type(pilot, dialog, "#note", "from their biggest customer")
        await pilot.press("enter")
        await wait_for(pilot, lambda: _files(dialog), "the file in the dialog's list")
        await pilot.press("escape")
        await wait_for(pilot, lambda: app.screen is screen and _listed(screen), "the panel")
        [line] = _listed(screen)
        assert "reference.pdf" in line and "“from their biggest customer”" in line
        with open_store(data_dir) as store:
            [kept] = store.attachments(pid)
        assert (kept.question_id, kept.stage) == ("showroom", "first-date")


@pytest.mark.parametrize("language", ["en", "de"])
async def test_the_files_tab_footer_fits_80_columns(
    data_dir: Path, tiny_sets: Path, language: str
) -> None:
    """At 80×24 the Files tab's footer keeps its own keys, ^q and F1 on screen (the
    prospect's other keys still work and F1 lists them)."""
    from textual.widgets._footer import FooterKey

    from qualify.tui.app import QualifyApp
    from qualify.tui.config import TuiConfig
    from qualify.tui.screens.help import keys_markdown

    pid = add_prospect(data_dir, tiny_sets, "Atlas AV GmbH")
    _attach(data_dir, pid, "credit.pdf", b"%PDF credit", "kind")
    app = QualifyApp(data_dir, tiny_sets, config=TuiConfig(), language=language)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_prospect(pilot, pid)
        await pilot.press("f")
        await wait_for(pilot, lambda: "o" in _footer_keys(app), "the tab's keys")
        await pilot.pause()
        keys = {k.key: k for k in app.screen.query(FooterKey) if k.display}
        palette = keys.pop("ctrl+p")
        assert {"escape", "f", "o", "plus", "ctrl+q", "f1"} <= set(keys), sorted(keys)
        for key in keys.values():  # none runs under the palette's key or off the screen
            assert key.region.right <= palette.region.x, (key.key, key.region)
        assert "i" not in keys and "c" not in keys
        assert "`i`" in keys_markdown(screen) and "`c`" in keys_markdown(screen)
        await pilot.press("f")  # back on the overview: its keys again
        await wait_for(pilot, lambda: "i" in _footer_keys(app), "the overview's keys")


async def test_the_german_app_says_why_a_file_cannot_be_attached_in_german(
    data_dir: Path, tiny_sets: Path, tmp_path: Path
) -> None:
    from qualify.tui.app import QualifyApp
    from qualify.tui.config import TuiConfig

    pid = add_prospect(data_dir, tiny_sets, "Atlas AV GmbH")
    empty = tmp_path / "leer.pdf"
    empty.write_bytes(b"")
    app = QualifyApp(data_dir, tiny_sets, config=TuiConfig(), language="de")
    async with app.run_test(size=(120, 40)) as pilot:
        await open_interview(pilot, pid)
        await pilot.press("f9")
        dialog = await wait_for(
            pilot, lambda: isinstance(app.screen, EvidenceDialog) and app.screen
        )
        await _type(pilot, dialog, "#path", str(tmp_path / "fehlt.pdf"))
        await wait_for(pilot, lambda: "Datei nicht gefunden" in _check_line(dialog))
        await _type(pilot, dialog, "#path", str(empty))
        await wait_for(pilot, lambda: "die Datei ist leer" in _check_line(dialog))
        await pilot.press("enter")
        await wait_for(pilot, lambda: "nichts anzuhängen" in _check_line(dialog))
        assert "empty" not in _check_line(dialog) and "attach" not in _check_line(dialog)
        with open_store(data_dir) as store:
            assert store.attachments(pid) == []

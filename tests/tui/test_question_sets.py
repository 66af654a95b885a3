"""The question sets screen and the editor: status per file, problems at line:col, validation
as you type, refusing to save nothing, atomic saves, broken sets kept out of interviews."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import OptionList, Static, TextArea
from tui_helpers import add_prospect, notified, open_prospect, screen_ready, wait_for, wait_home

from qualify.tui.modals.confirm import ConfirmDialog
from qualify.tui.screens.editor import EditorScreen
from qualify.tui.screens.prospect import ProspectScreen
from qualify.tui.screens.question_sets import QuestionSetsScreen


async def open_sets(pilot) -> QuestionSetsScreen:
    await wait_home(pilot)
    await pilot.press("s")
    return await wait_for(
        pilot,
        lambda: screen_ready(pilot.app, QuestionSetsScreen, lambda s: s.rows),
        "the question sets screen",
    )


def prompts(option_list: OptionList) -> list[str]:
    return [str(option_list.get_option_at_index(i).prompt) for i in range(option_list.option_count)]


async def wait_editor(pilot) -> EditorScreen:
    """The editor, once the key that opens it has been pressed."""
    return await wait_for(pilot, lambda: screen_ready(pilot.app, EditorScreen), "the editor")


async def open_first_set(pilot) -> EditorScreen:
    """The editor on the first set of the list (tiny-first.yaml)."""
    await open_sets(pilot)
    await pilot.press("enter")
    return await wait_editor(pilot)


async def wait_checked(pilot, editor: EditorScreen) -> None:
    await wait_for(
        pilot, lambda: editor._checked_generation == editor.generation, "the editor's check"
    )


async def test_sets_list_shows_status_and_outside_edits(make_app, tiny_sets: Path) -> None:
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_sets(pilot)
        names = [row.path.name for row in screen.rows]
        assert names == ["tiny-first.yaml", "tiny-next.yaml", "pipeline.yaml"]
        assert all(row.errors == 0 for row in screen.rows)
        assert "✓ valid" in prompts(screen.query_one("#qs-files", OptionList))[0]
        # another editor breaks a file; r re-reads the folder
        path = tiny_sets / "tiny-next.yaml"
        path.write_text(path.read_text().replace("type: yes_no", "type: yes_or_no"))
        await pilot.press("r")
        await wait_for(pilot, lambda: any(row.errors for row in screen.rows), "the re-read")
        broken = next(r for r in screen.rows if r.path.name == "tiny-next.yaml")
        assert broken.errors == 1
        banner = str(screen.query_one("#qs-banner", Static).render())
        assert "tiny-next.yaml: not used for interviews until fixed" in banner
        await pilot.press("down")
        await pilot.pause()
        problems = prompts(screen.query_one("#qs-problems", OptionList))
        assert problems[0].startswith("✗ tiny-next.yaml:11:15: unknown question type 'yes_or_no'")
        # Enter on the problem opens the editor with the cursor on it
        await pilot.press("tab", "enter")
        editor = await wait_editor(pilot)
        assert isinstance(editor, EditorScreen)
        assert editor.query_one(TextArea).cursor_location == (10, 14)


async def test_editor_validates_as_you_type_and_jumps_to_problems(make_app, tiny_sets) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        editor = await open_first_set(pilot)
        await wait_checked(pilot, editor)
        area = editor.query_one(TextArea)
        assert app.focused is area
        assert area.language == "yaml"  # highlighted (tree-sitter is a dependency)
        assert "✓ valid" in str(editor.query_one("#ed-status", Static).render())
        assert "plain text" not in str(editor.query_one("#ed-status", Static).render())
        line = area.text.splitlines().index("        type: choice") + 1
        editor.jump_to(line, len("        type: choice") + 1)
        await pilot.press("e")  # type: choicee
        await wait_checked(pilot, editor)
        status = str(editor.query_one("#ed-status", Static).render())
        assert "● modified" in status and "1 error" in status
        assert "not used for interviews until fixed" in status
        problems = prompts(editor.query_one("#ed-problems", OptionList))
        assert problems[0].startswith(f"✗ {line}:15  unknown question type 'choicee'")
        # the flow preview keeps the last valid version, marked as such
        await pilot.press("f2")
        assert "Last valid version" in str(editor.query_one("#ed-flow", Static).render())
        await pilot.press("f2")
        # Enter on a problem puts the cursor on its line and column
        area.cursor_location = (0, 0)
        editor.query_one("#ed-problems", OptionList).focus()
        await pilot.press("enter")
        await pilot.pause()
        assert area.cursor_location == (line - 1, 14)
        assert app.focused is area
        # F8 also jumps there
        area.cursor_location = (0, 0)
        await pilot.press("f8")
        assert area.cursor_location == (line - 1, 14)


async def test_editor_refuses_to_save_nothing_and_asks_before_saving_errors(
    make_app, tiny_sets: Path
) -> None:
    path = tiny_sets / "tiny-first.yaml"
    original = path.read_text(encoding="utf-8")
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        editor = await open_first_set(pilot)
        await wait_checked(pilot, editor)
        await pilot.press("f5")  # nothing changed
        await pilot.pause()
        assert "no changes" in list(app._notifications)[-1].message
        area = editor.query_one(TextArea)
        area.select_all()
        await pilot.press("delete")
        await wait_checked(pilot, editor)
        await pilot.press("f5")
        await pilot.pause()
        assert "the file would be empty" in list(app._notifications)[-1].message
        assert path.read_text(encoding="utf-8") == original
        # text with an error: the app asks first, and "keep editing" saves nothing
        area.load_text(original.replace("max_score: 4", "max_score: lots"))
        await pilot.press("f5")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog)
        assert "1 error" in str(app.screen.query_one(".title", Static).render())
        await pilot.press("n")
        await pilot.pause()
        assert path.read_text(encoding="utf-8") == original
        # a valid change is saved atomically and used at once
        area.load_text(original.replace("title: Tiny first date", "title: Tiny first meeting"))
        await pilot.press("ctrl+s")
        await wait_for(
            pilot,
            lambda: app.workspace.catalog.question_sets["tiny-first"].title == "Tiny first meeting",
            "the saved set in use",
        )
        assert "title: Tiny first meeting" in path.read_text(encoding="utf-8")
        assert not list(tiny_sets.glob(".*.tmp")), "no temp file left behind"
        assert app.workspace.catalog.question_sets["tiny-first"].title == "Tiny first meeting"


async def test_a_broken_set_is_not_used_for_interviews(make_app, data_dir, tiny_sets) -> None:
    pid = add_prospect(data_dir, tiny_sets, "Carpathian Media SRL")
    path = tiny_sets / "tiny-first.yaml"
    path.write_text(path.read_text().replace("type: scale", "type: slider"))
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_home(pilot)
        messages = [n.message for n in app._notifications]
        assert any("tiny-first.yaml" in m and "not used for" in m for m in messages)
        await open_prospect(pilot, pid)
        await pilot.press("i")
        await wait_for(pilot, lambda: notified(app, "missing or has errors"), "the refusal")
        assert isinstance(app.screen, ProspectScreen), "the app stays up and says why"
        assert notified(app, "'tiny-first' is missing or has errors")


async def test_quitting_with_unsaved_edits_asks_first(make_app, tiny_sets: Path) -> None:
    path = tiny_sets / "tiny-first.yaml"
    original = path.read_text(encoding="utf-8")
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        editor = await open_first_set(pilot)
        editor.query_one(TextArea).load_text(original.replace("Tiny first date", "Renamed"))
        await pilot.press("ctrl+q")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog)
        assert "tiny-first.yaml" in str(app.screen.query_one(".body", Static).render())
        await pilot.press("n")  # keep editing: still running, nothing written
        await pilot.pause()
        assert app.screen is editor and app.is_running
        await pilot.press("ctrl+q")
        await pilot.pause()
        await pilot.press("ctrl+q")  # twice: really quit
        await pilot.pause()
        assert not app.is_running
    assert path.read_text(encoding="utf-8") == original


async def test_the_flow_preview_cuts_questions_to_its_width_whatever_it_becomes(
    make_app, tiny_sets: Path
) -> None:
    """A question was cut to the width the preview had when the set was shown: a
    scrollbar coming afterwards (a busy machine lays out late) or a resized terminal
    left lines cut too long, running under the scrollbar, or too short."""
    from textual.content import Content

    from qualify.tui.widgets.flow_preview import FlowPreview

    long = "Which of our product lines would you stock, and in which of your branches? " * 3
    first = tiny_sets / "tiny-first.yaml"
    first.write_text(
        first.read_text("utf-8").replace("How would you describe your business?", long.strip()),
        "utf-8",
    )

    def longest_question(flow: FlowPreview) -> tuple[int, str]:
        lines = [str(line) for line in Content.from_text(flow.render()).split("\n")]
        asked = [line for line in lines if line.lstrip().startswith("1. ")]
        return len(asked[0]), asked[0]

    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await open_sets(pilot)
        flow = app.screen.query_one(FlowPreview)
        await wait_for(pilot, lambda: "Which of our" in str(flow.render()), "the flow")
        for size in ((160, 40), (100, 30), (130, 40)):
            await pilot.resize_terminal(*size)
            await wait_for(pilot, lambda: flow.size.width > 0, "the new layout")
            await pilot.pause()
            cells, line = longest_question(flow)
            assert line.endswith("…") and flow.size.width - 4 <= cells <= flow.size.width, (
                size,
                cells,
                flow.size.width,
            )


async def test_esc_in_the_text_leaves_it_and_the_footer_says_so(make_app, tiny_sets) -> None:
    """Tab indents in the editor's text, so Esc leaves the text (Textual's code editor):
    the footer said "esc Back" there and a first Esc seemed to do nothing. It says
    "Leave text" while the text has the focus; the second Esc asks about the changes."""
    from textual.widgets import Footer

    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        editor = await open_first_set(pilot)
        area = editor.query_one(TextArea)
        await wait_for(pilot, lambda: area.has_focus, "the text's focus")

        def footer() -> str:
            return " ".join(
                str(key.render()) for key in app.screen.query_one(Footer).query("FooterKey")
            )

        assert "Leave text" in footer() and "Back" not in footer()
        await pilot.press("x")  # a change not saved
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is editor and not area.has_focus
        assert "Back" in footer() and "Leave text" not in footer()
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("escape")  # keep editing
        await pilot.pause()
        assert app.screen is editor and area.text.startswith("x")


async def test_esc_in_a_bundled_set_goes_back_at_once(data_dir, monkeypatch) -> None:
    """A bundled set is read-only: its text takes no keys, so Esc is the screen's, back."""
    from qualify import paths
    from qualify.tui.app import QualifyApp
    from qualify.tui.config import TuiConfig

    app = QualifyApp(data_dir, paths.bundled_questionnaires_dir(), config=TuiConfig())
    async with app.run_test(size=(100, 30)) as pilot:
        sets = await open_sets(pilot)
        await pilot.press("enter")
        editor = await wait_editor(pilot)
        assert editor.read_only and editor.query_one(TextArea).read_only
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is sets

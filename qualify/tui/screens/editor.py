"""The question-set editor: YAML in a TextArea, checked as you type (debounced, in a
worker), problems you can jump to, a preview of the question flow, atomic saves.

Syntax highlighting needs tree-sitter and its YAML grammar (``pip install
'textual[syntax]'``); without them the editor works the same, in plain text, and
says so in its status line.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.message import Message
from textual.timer import Timer
from textual.widgets import ContentSwitcher, Header, OptionList, Static
from textual.widgets.option_list import Option

from qualify.atomic import write_text
from qualify.i18n import _, counted, ngettext, problem_message, severity_word, tr
from qualify.tui.files import file_stamp
from qualify.tui.messages import QuestionSetsReloaded
from qualify.tui.screens.base import QualifyScreen
from qualify.tui.widgets.flow_preview import FlowPreview
from qualify.tui.widgets.footer import Footer
from qualify.tui.widgets.text_area import TextArea

if TYPE_CHECKING:
    from qualify.core.questionnaire import Catalog, Problem, QuestionSet

VALIDATE_AFTER = 0.35
"""Seconds of quiet after typing before the text is checked again."""


def yaml_highlighting() -> bool:
    """True when tree-sitter and its YAML grammar are installed (the `textual[syntax]` extra)."""
    try:
        from textual._tree_sitter import TREE_SITTER, get_language
    except ImportError:  # pragma: no cover - a Textual without tree-sitter support
        return False
    return bool(TREE_SITTER) and get_language("yaml") is not None


def check_text(text: str, path: Path, catalog: Catalog) -> tuple[QuestionSet | None, list[Problem]]:
    """(the set or None, every problem) for a question set's or the pipeline's text; a
    set's names of other stages' questions are checked against its folder's pipeline, as
    `qualify validate` of the folder does."""
    from qualify.core.questionnaire import parse_question_set
    from qualify.core.questionnaire.loader import stage_context

    question_sets = catalog.question_sets
    if path.stem != "pipeline":
        set_id = next((i for i, p in catalog.paths.items() if Path(p) == path), None)
        context = stage_context(catalog, set_id) if set_id is not None else None
        return parse_question_set(text, str(path), *(context or ()))
    from qualify.core.questionnaire import QuestionSetError, load_pipeline

    with tempfile.TemporaryDirectory(prefix="qualify-check-") as tmp:
        candidate = Path(tmp) / path.name
        candidate.write_text(text, encoding="utf-8")
        try:
            load_pipeline(candidate, question_sets)
        except QuestionSetError as exc:
            return None, [_moved(p, path) for p in exc.problems]
    return None, []


def _moved(problem: Problem, path: Path) -> Problem:
    from dataclasses import replace

    return replace(problem, path=str(path))


class YamlText(TextArea):
    """The file's text. Tab indents in it, so `Esc` leaves it (Textual's code editor does
    that, before any key of the screen); the footer says so, not "Back", while it has the
    focus. Read-only (a bundled set) it takes no keys: `Esc` goes back at once."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "escape",
            "leave_text",
            "Leave text",
            tooltip="Leave the text (Tab indents in it); Esc again goes back",
            id="editor.leave_text",
        ),
    ]

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "leave_text" and self.read_only:
            return False  # Esc is the screen's: back
        return super().check_action(action, parameters)

    def action_leave_text(self) -> None:
        self.screen.focus_next()


class EditorScreen(QualifyScreen):
    """Edit one question-set file (or pipeline.yaml) and save it atomically."""

    CSS_PATH = "editor.tcss"
    AUTO_FOCUS = "#ed-text"
    FOOTER_KEYS = frozenset({"back", "leave_text", "save", "next_problem"})
    """At 80 columns the footer cut its last keys off mid-word: these, F1 lists the rest."""
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "escape",
            "back",
            "Back",
            tooltip="Back to the list (asks first when there are unsaved changes)",
            id="editor.back",
        ),
        Binding(
            "f5,ctrl+s",
            "save",
            "Save",
            tooltip="Save the file atomically (F5 works where ctrl+s does not)",
            id="editor.save",
        ),
        Binding(
            "f8",
            "next_problem",
            "Next problem",
            tooltip="Move the cursor to the next problem",
            id="editor.next_problem",
        ),
        Binding(
            "f2",
            "toggle_side",
            "Problems/Flow",
            tooltip="Switch the side panel between the problems and the question flow",
            id="editor.side",
        ),
        Binding(
            "ctrl+r",
            "revert",
            "Reload",
            tooltip="Reload the file from disk (discarding unsaved changes, after asking)",
            id="editor.reload",
        ),
    ]

    @dataclass
    class Checked(Message):
        """A version of the text was checked."""

        generation: int
        question_set: QuestionSet | None
        problems: list[Problem]

    def __init__(self, path: Path, *, line: int = 1, col: int = 1) -> None:
        super().__init__()
        self.path = Path(path)
        """The file edited."""
        self.start_at = (max(1, line), max(1, col))
        """1-based line and column to put the cursor on when the file opens."""
        self.saved_text = ""
        """The text as it is on disk (after loading or the last save)."""
        self.stamp: tuple[int, int] | None = None
        """The file's (mtime, size) when it was read or saved, to notice outside edits."""
        self.problems: list[Problem] = []
        """Problems of the text as last checked."""
        self.last_valid: QuestionSet | None = None
        self.generation = 0
        self._checked_generation = -1
        self._timer: Timer | None = None
        self.highlighting = yaml_highlighting()
        """YAML highlighting is available (tree-sitter installed)."""

    @property
    def is_pipeline(self) -> bool:
        return self.path.stem == "pipeline"

    @property
    def text_area(self) -> TextArea:
        return self.query_one("#ed-text", TextArea)

    @property
    def modified(self) -> bool:
        return self.text_area.text != self.saved_text

    @property
    def unsaved_file(self) -> str | None:
        """The file's name while it has changes not saved (asked about on quit)."""
        return self.path.name if self.modified and not self.read_only else None

    @property
    def read_only(self) -> bool:
        return self.workspace.bundled

    # ------------------------------------------------------------------ layout
    def compose(self) -> ComposeResult:
        yield Header(icon="◆")
        yield Static("", id="ed-status")
        with Horizontal(id="ed-body"):
            yield YamlText.code_editor(
                "",
                language="yaml" if self.highlighting else None,
                theme="css",
                soft_wrap=False,
                id="ed-text",
            )
            with Vertical(id="ed-side"):
                yield Static("", id="ed-side-heading", classes="heading")
                with ContentSwitcher(initial="ed-problems", id="ed-switcher"):
                    yield OptionList(id="ed-problems")
                    with VerticalScroll(id="ed-flow-scroll"):
                        yield FlowPreview(id="ed-flow")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.sub_title = _("Edit {name}").format(name=self.path.name)
        self.app.theme_changed_signal.subscribe(self, self._theme_changed)
        self._theme_changed()
        self._side_heading()
        self.load_file()

    def _theme_changed(self, *_: object) -> None:
        dark = self.app.current_theme.dark if self.app.current_theme else True
        self.text_area.theme = "css" if dark else "github_light"

    def load_file(self, *, keep_cursor: bool = False) -> bool:
        """Read the file from disk into the editor; False (and a notification) if unreadable."""
        try:
            text = self.path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            self.notify(
                _("{path} is not UTF-8 text.").format(path=self.path),
                severity="error",
                markup=False,
            )
            return False
        except OSError as exc:
            self.notify(
                _("Cannot read {path}: {error}").format(path=self.path, error=exc.strerror or exc),
                severity="error",
            )
            return False
        area = self.text_area
        cursor = area.cursor_location
        self.saved_text = text
        self.stamp = file_stamp(self.path)
        area.load_text(text)
        area.read_only = self.read_only
        if keep_cursor:
            area.cursor_location = cursor
        else:
            self.jump_to(*self.start_at, focus=False)
        self.generation += 1
        self.check(self.generation, text)
        self._status()
        return True

    # ------------------------------------------------------------------ checking
    @on(TextArea.Changed, "#ed-text")
    def _changed(self) -> None:
        self.generation += 1
        self._status()
        if self._timer is not None:
            self._timer.stop()
        self._timer = self.set_timer(VALIDATE_AFTER, self._check_now)

    def _check_now(self) -> None:
        self._timer = None
        self.check(self.generation, self.text_area.text)

    @work(thread=True, exclusive=True, exit_on_error=False, group="editor-check")
    def check(self, generation: int, text: str) -> None:
        """Check one version of the text in a worker; stale results are dropped."""
        qs, problems = check_text(text, self.path, self.workspace.catalog)
        self.post_message(self.Checked(generation, qs, problems))

    @on(Checked)
    def _checked(self, event: Checked) -> None:
        if event.generation < self._checked_generation:
            return
        self._checked_generation = event.generation
        self.problems = event.problems
        if event.question_set is not None:
            self.last_valid = event.question_set
        problems = self.query_one("#ed-problems", OptionList)
        highlighted = problems.highlighted
        if event.problems:
            problems.set_options(
                [Option(_problem_prompt(p), id=str(i)) for i, p in enumerate(event.problems)]
            )
            problems.highlighted = min(highlighted or 0, len(event.problems) - 1)
        else:
            problems.set_options(
                [Option(Content.styled("✓ " + _("No problems."), "$text-success"), disabled=True)]
            )
        flow = self.query_one(FlowPreview)
        if self.is_pipeline:
            flow.show(None, note=_("The pipeline has no question flow: see each set."))
        else:
            errors = any(p.severity == "error" for p in event.problems)
            flow.show(
                self.last_valid,
                stale=errors and self.last_valid is not None,
                note=_("Fix the errors to see the question flow."),
            )
        self._side_heading()
        self._status()

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    def _status(self) -> None:
        area = self.text_area
        row, col = area.cursor_location
        parts: list[tuple[str, str]] = [(self.path.name, "bold")]
        if self.read_only:
            parts.append(
                (
                    "  " + _("read-only (bundled: copy them to the workspace with c)"),
                    "$text-warning",
                )
            )
        elif self.modified:
            parts.append(("  ● " + _("modified"), "bold $text-warning"))
        else:
            parts.append(("  " + _("saved"), "$text-muted"))
        checking = self._checked_generation != self.generation
        errors = len(self.errors)
        warnings = len(self.problems) - errors
        if checking:
            parts.append(("  · " + _("checking…"), "$text-muted"))
        elif errors:
            parts.append(("  ✗ " + counted("{n} error", "{n} errors", errors), "bold $text-error"))
            if not self.is_pipeline:
                parts.append((": " + _("not used for interviews until fixed"), "$text-error"))
        elif warnings:
            parts.append(
                ("  ⚠ " + counted("{n} warning", "{n} warnings", warnings), "bold $text-warning")
            )
            if not self.is_pipeline:
                parts.append((": " + _("usable, saved without asking"), "$text-warning"))
        else:
            parts.append(("  ✓ " + _("valid"), "$text-success"))
        parts.append(
            ("  · " + _("Ln {line}, Col {col}").format(line=row + 1, col=col + 1), "$text-muted")
        )
        if not self.highlighting:
            parts.append(
                ("  · " + _("plain text (YAML colours need textual[syntax])"), "$text-muted")
            )
        self.query_one("#ed-status", Static).update(Content.assemble(*parts))

    @on(TextArea.SelectionChanged, "#ed-text")
    def _moved(self) -> None:
        self._status()

    def _side_heading(self) -> None:
        switcher = self.query_one(ContentSwitcher)
        errors = len(self.errors)
        warnings = len(self.problems) - errors
        if switcher.current == "ed-problems":
            counts = f"✗ {errors} · ⚠ {warnings}" if self.problems else _("none")
            text = _("Problems ({counts})  ·  F2 question flow").format(counts=counts)
        else:
            text = _("Question flow  ·  F2 problems")
        self.query_one("#ed-side-heading", Static).update(text)

    # ------------------------------------------------------------------ navigation
    def jump_to(self, line: int, col: int, *, focus: bool = True) -> None:
        """Put the cursor on a 1-based line and column (clamped to the text)."""
        area = self.text_area
        last_row = max(0, area.document.line_count - 1)
        row = min(max(0, line - 1), last_row)
        length = len(area.document.get_line(row))
        area.cursor_location = (row, min(max(0, col - 1), length))
        area.scroll_cursor_visible(center=True, animate=False)
        if focus:
            area.focus()

    @on(OptionList.OptionSelected, "#ed-problems")
    def _problem_selected(self, event: OptionList.OptionSelected) -> None:
        if event.option.id is None:
            return
        problem = self.problems[int(event.option.id)]
        self.jump_to(problem.line, problem.col)

    def action_next_problem(self) -> None:
        if not self.problems:
            self.notify(_("No problems."), timeout=2)
            return
        row, _col = self.text_area.cursor_location
        after = [p for p in self.problems if p.line - 1 > row]
        problem = after[0] if after else self.problems[0]
        self.jump_to(problem.line, problem.col)
        said = f"{problem.line}:{problem.col}: {problem_message(problem)}"
        self.notify(said, timeout=4, markup=False)

    def action_toggle_side(self) -> None:
        switcher = self.query_one(ContentSwitcher)
        switcher.current = "ed-flow-scroll" if switcher.current == "ed-problems" else "ed-problems"
        self._side_heading()

    # ------------------------------------------------------------------ saving
    def action_save(self) -> None:
        """Save, refusing an empty file; asks first when the text has errors or the file
        changed on disk since it was read."""
        from qualify.tui.modals.confirm import ConfirmDialog

        if self.read_only:
            self.notify(
                _(
                    "These are the bundled sets: press c on the list to copy them into the "
                    "workspace, then edit the copy."
                ),
                title=_("Not saved"),
                severity="warning",
            )
            return
        text = self.text_area.text
        if not text.strip():
            self.notify(
                _(
                    "Nothing to save: the file would be empty. Type the set, or ctrl+r to "
                    "reload it from disk."
                ),
                title=_("Not saved"),
                severity="error",
            )
            return
        if text == self.saved_text:
            self.notify(_("Nothing to save: no changes since the last save."), timeout=3)
            return
        _checked, problems = check_text(text, self.path, self.workspace.catalog)
        errors = [p for p in problems if p.severity == "error"]

        def after_outside_check(ok: bool | None) -> None:
            if not ok:
                return
            if errors:
                first = errors[0]
                self.app.push_screen(
                    ConfirmDialog(
                        _("Save {name} with {n} error(s)?").format(
                            name=self.path.name, n=len(errors)
                        ),
                        _("First: line {line}, column {col}: {message}").format(
                            line=first.line, col=first.col, message=tr(first.message)
                        )
                        + "\n\n"
                        + _(
                            "Until it is fixed this set is not used for new interviews "
                            "(interviews already started keep the version they began with)."
                        ),
                        yes=_("Save anyway"),
                        no=_("Keep editing"),
                    ),
                    lambda yes: self._write(text) if yes else None,
                )
            else:
                self._write(text)

        if self.stamp is not None and file_stamp(self.path) != self.stamp:
            self.app.push_screen(
                ConfirmDialog(
                    _("{name} changed on disk").format(name=self.path.name),
                    _(
                        "Another editor changed the file since you opened it. Overwrite those "
                        "changes with yours? (No keeps the file; ctrl+r loads it.)"
                    ),
                    yes=_("Overwrite"),
                    no=_("Cancel"),
                    danger=True,
                ),
                after_outside_check,
            )
        else:
            after_outside_check(True)

    def _write(self, text: str) -> None:
        try:
            write_text(self.path, text, keep_mode=True)
        except OSError as exc:
            self.notify(
                _("Not saved: {error} ({path}). The file on disk is unchanged.").format(
                    error=exc.strerror or exc, path=self.path
                ),
                title=_("Save failed"),
                severity="error",
                markup=False,
                timeout=10,
            )
            return
        self.saved_text = text
        self.stamp = file_stamp(self.path)
        self._status()
        self.reload_catalog()

    @work(thread=True, exclusive=True, exit_on_error=False, group="question-sets")
    def reload_catalog(self) -> None:
        """The app picks up the saved file for new interviews (and offers the re-score
        preview of interviews taken with the set's older version)."""
        catalog = self.workspace.reload_catalog()
        problems = catalog.problems_in(self.path)
        errors = [p for p in problems if p.severity == "error"]
        warnings = len(problems) - len(errors)
        set_ids = tuple(sid for sid, path in catalog.paths.items() if Path(path) == self.path)
        all_errors = sum(1 for p in catalog.problems if p.severity == "error")
        self.app.post_message(
            QuestionSetsReloaded(
                all_errors, offer_rescore=bool(set_ids and not errors), set_ids=set_ids
            )
        )
        if errors:
            self.notify(
                _(
                    "Saved {name} with {n} error(s): it is not used for interviews until fixed."
                ).format(name=self.path.name, n=len(errors)),
                title=_("Saved"),
                severity="warning",
                timeout=6,
            )
            return
        if warnings:
            self.notify(
                ngettext(
                    "Saved {name} with ⚠ {n} warning: usable, used for new interviews.",
                    "Saved {name} with ⚠ {n} warnings: usable, used for new interviews.",
                    warnings,
                ).format(name=self.path.name, n=warnings),
                title=_("Saved"),
            )
        else:
            self.notify(
                _("Saved {name}: valid, used for new interviews.").format(name=self.path.name),
                title=_("Saved"),
            )

    def action_revert(self) -> None:
        from qualify.tui.modals.confirm import ConfirmDialog

        if not self.modified:
            self.load_file(keep_cursor=True)
            self.notify(_("Reloaded from disk."), timeout=2)
            return
        self.app.push_screen(
            ConfirmDialog(
                _("Discard your changes?"),
                _("Reload {name} from disk and lose the unsaved changes.").format(
                    name=self.path.name
                ),
                yes=_("Discard and reload"),
                no=_("Keep editing"),
                danger=True,
            ),
            lambda yes: self.load_file(keep_cursor=True) if yes else None,
        )

    def action_back(self) -> None:
        from qualify.tui.modals.confirm import ConfirmDialog

        if not self.modified or self.read_only:
            self.app.pop_screen()
            return
        self.app.push_screen(
            ConfirmDialog(
                _("Leave without saving?"),
                _("{name} has unsaved changes. F5 (or ctrl+s) saves them.").format(
                    name=self.path.name
                ),
                yes=_("Discard changes"),
                no=_("Keep editing"),
                danger=True,
            ),
            lambda yes: self.app.pop_screen() if yes else None,
        )


def _problem_prompt(problem: Problem) -> Content:
    """`✗ 12:5  message` for an error, `⚠ 3:5  warning: message` for a warning."""
    error = problem.severity == "error"
    style = "$text-error" if error else "$text-warning"
    tag = "" if error else f"{severity_word(problem.severity)}: "
    return Content.assemble(
        ("✗ " if error else "⚠ ", f"bold {style}"),
        (f"{problem.line}:{problem.col}", f"bold {style}"),
        ("  ", ""),
        (tag, style),
        (tr(problem.message), ""),
    )

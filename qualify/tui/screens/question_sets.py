"""Question sets: the active sets and the pipeline, each with its validation status, and
every problem as ``file:line:col``; Enter opens a file (or a problem) in the editor.

A set with errors is left out of the catalog by the loader, so new interviews cannot
use it; this screen is where the app says so, and where the author fixes it.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar, Literal

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.widgets import Header, OptionList, Static
from textual.widgets.option_list import Option

from qualify.i18n import _, counted, ngettext, severity_word, tr
from qualify.tui.format import display_path
from qualify.tui.messages import QuestionSetsReloaded
from qualify.tui.screens.base import QualifyScreen
from qualify.tui.widgets.flow_preview import FlowPreview
from qualify.tui.widgets.footer import Footer

if TYPE_CHECKING:
    from qualify.core.questionnaire import Catalog, Problem, QuestionSet


@dataclass(frozen=True)
class SetFile:
    """One file of the question-set folder as this screen lists it."""

    path: Path
    kind: Literal["set", "pipeline", "other"]
    set_id: str | None
    title: str
    version: int | None
    questions: int
    stages: tuple[str, ...]
    """Titles of the pipeline stages that ask this set."""
    problems: tuple[Problem, ...]
    question_set: QuestionSet | None = None

    @property
    def errors(self) -> int:
        return sum(1 for p in self.problems if p.severity == "error")

    @property
    def warnings(self) -> int:
        return len(self.problems) - self.errors


def set_files(catalog: Catalog) -> list[SetFile]:
    """Every file of the catalog (sets first, then the pipeline), with its problems."""
    by_path = {path: sid for sid, path in catalog.paths.items()}
    pipeline = catalog.pipeline
    usage: dict[str, list[str]] = {}
    if pipeline is not None:
        for stage in pipeline.stages:
            for set_id in stage.set_ids:
                usage.setdefault(set_id, []).append(stage.title)
        if pipeline.review is not None:
            usage.setdefault(pipeline.review.questionnaire, []).append(pipeline.review.title)
    rows: list[SetFile] = []
    seen: set[Path] = set()
    for path in catalog.files:
        seen.add(path)
        problems = tuple(catalog.problems_in(path))
        if path == catalog.pipeline_path:
            stages = tuple(s.title for s in pipeline.stages) if pipeline is not None else ()
            rows.append(SetFile(path, "pipeline", None, _("Pipeline"), None, 0, stages, problems))
            continue
        sid = by_path.get(path)
        qs = catalog.question_sets.get(sid) if sid else None
        rows.append(
            SetFile(
                path,
                "set",
                sid or path.stem,
                qs.title if qs else path.stem,
                qs.version if qs else None,
                len(qs.questions) if qs else 0,
                tuple(usage.get(sid or path.stem, ())),
                problems,
                qs,
            )
        )
    rows.sort(key=lambda r: (r.kind == "pipeline", r.path.name))
    stray: dict[Path, list[Problem]] = {}
    for problem in catalog.problems:
        path = Path(problem.path)
        if path not in seen:
            stray.setdefault(path, []).append(problem)
    for path, problems in stray.items():
        rows.append(SetFile(path, "other", None, path.name, None, 0, (), tuple(problems)))
    return rows


def status_content(row: SetFile) -> Content:
    """`✓ valid`, `✗ 2 errors: not used for interviews until fixed`, `⚠ 1 warning`."""
    if row.errors:
        consequence = {
            "set": _("not used for interviews until fixed"),
            "pipeline": _("no stages until fixed"),
            "other": "",
        }[row.kind]
        return Content.assemble(
            ("✗ " + counted("{n} error", "{n} errors", row.errors), "bold $text-error"),
            (f": {consequence}" if consequence else "", "$text-error"),
        )
    if row.warnings:
        usable = {
            "set": ": " + _("usable, used for interviews"),
            "pipeline": ": " + _("usable"),
        }.get(row.kind, "")
        return Content.assemble(
            ("⚠ " + counted("{n} warning", "{n} warnings", row.warnings), "bold $text-warning"),
            (usable, "$text-warning"),
        )
    return Content.styled("✓ " + _("valid"), "$text-success")


def row_prompt(row: SetFile) -> Content:
    """Two lines: the file and its title, then its status and where it is used."""
    head = Content.assemble(
        (row.path.name, "bold"),
        (f"  {row.title}" if row.kind == "set" else "", ""),
        (f" v{row.version}" if row.version else "", "$text-muted"),
    )
    facts: list[tuple[str, str]] = []
    if row.kind == "set":
        if row.question_set is not None:
            facts.append(
                (" · " + counted("{n} question", "{n} questions", row.questions), "$text-muted")
            )
        if row.stages:
            facts.append((f" · {', '.join(row.stages)}", "$text-muted"))
        elif row.question_set is not None:
            facts.append((" · " + _("not in the pipeline"), "$text-warning"))
    elif row.kind == "pipeline" and row.stages:
        facts.append((" · " + counted("{n} stage", "{n} stages", len(row.stages)), "$text-muted"))
    return head + Content("\n  ") + status_content(row) + Content.assemble(*facts)


class QuestionSetsScreen(QualifyScreen):
    """The active sets and the pipeline, their problems, and the way into the editor."""

    CSS_PATH = "question_sets.tcss"
    AUTO_FOCUS = "#qs-files"
    FOOTER_KEYS = frozenset({"back", "edit", "copy_bundled"})
    """The bundled sets' keys cut the footer off mid-word at 80 columns: these then, F1
    lists them all."""
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "Back", tooltip="Back to where you were", id="sets.back"),
        Binding(
            "e",
            "edit",
            "Edit",
            tooltip="Open the highlighted file in the editor (Enter does too)",
            id="sets.edit",
        ),
        Binding(
            "r,f5",
            "reload",
            "Reload",
            tooltip="Re-read and check every file (picks up edits made in another editor)",
            id="sets.reload",
        ),
        Binding(
            "c",
            "copy_bundled",
            "Copy to workspace",
            tooltip="Copy the bundled sets into the workspace so you can edit them",
            id="sets.copy",
        ),
        Binding(
            "R",
            "app.rescore",
            "Re-score",
            tooltip="Preview interviews taken with an older version under the current sets",
            id="sets.rescore",
        ),
        Binding("j", "cursor(1)", "Down", show=False, id="sets.down"),
        Binding("k", "cursor(-1)", "Up", show=False, id="sets.up"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[SetFile] = []
        """The files as last read."""

    def compose(self) -> ComposeResult:
        yield Header(icon="◆")
        yield Static("", id="qs-banner")
        with Horizontal(id="qs-body"):
            with Vertical(id="qs-left"):
                yield Static(_("Files"), classes="heading")
                yield OptionList(id="qs-files")
            with Vertical(id="qs-right"):
                yield Static(_("Problems"), classes="heading", id="qs-problems-heading")
                yield OptionList(id="qs-problems")
                yield Static(_("Question flow"), classes="heading", id="qs-flow-heading")
                with VerticalScroll(id="qs-flow-scroll"):
                    yield FlowPreview(id="qs-flow")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.sub_title = _("Question sets")
        self.show_catalog(self.workspace.catalog)
        self.reload()

    def on_screen_resume(self) -> None:
        if self.rows:
            self.reload()

    # ------------------------------------------------------------------ data
    @work(thread=True, exclusive=True, exit_on_error=False, group="question-sets")
    def reload(self, offer_rescore: bool = False) -> None:
        """Re-read the folder in a worker; the app uses the result for new interviews and
        has this screen show it (``QuestionSetsReloaded``)."""
        catalog = self.workspace.reload_catalog()
        errors = sum(1 for p in catalog.problems if p.severity == "error")
        self.app.post_message(QuestionSetsReloaded(errors, offer_rescore=offer_rescore))

    def show_catalog(self, catalog: Catalog) -> None:
        """Show the files of the catalog (called again by the app whenever it is re-read)."""
        workspace = self.workspace
        files = self.query_one("#qs-files", OptionList)
        previous = self.highlighted_row
        self.rows = set_files(catalog)
        highlighted = files.highlighted
        files.set_options(
            [Option(row_prompt(row), id=str(row.path)) for row in self.rows]
            or [Option(Content.styled(_("No question-set files in this folder."), "$text-muted"))]
        )
        if previous is not None:
            for i, row in enumerate(self.rows):
                if row.path == previous.path:
                    highlighted = i
        if self.rows:
            files.highlighted = min(highlighted or 0, len(self.rows) - 1)
        broken = [r for r in self.rows if r.errors and r.kind == "set"]
        # The bundled sets live inside the installed package (a site-packages path means
        # nothing to the reader): say what they are instead.
        parts: list[tuple[str, str]] = (
            [(_("The question sets bundled with qualify"), "bold"), ("\n", "")]
            if workspace.bundled
            else [
                (display_path(workspace.questionnaires_dir), "bold"),
                ("  (" + _("workspace") + ")", "$text-muted"),
                ("\n", ""),
            ]
        )
        n_sets = len(catalog.question_sets)
        parts.append((counted("{n} valid set", "{n} valid sets", n_sets), ""))
        warned = [r for r in self.rows if r.warnings and not r.errors and r.kind == "set"]
        if warned:
            warning = _("(⚠ {n} with warnings, still used)").format(n=len(warned))
            parts.append((" " + warning, "$text-warning"))
        if catalog.pipeline is not None:
            parts.append((" · " + _("pipeline") + " ✓", "$text-success"))
        else:
            parts.append((" · " + _("pipeline ✗ (no stages until fixed)"), "bold $text-error"))
        if broken:
            names = ", ".join(r.path.name for r in broken)
            broken_line = _("{names}: not used for interviews until fixed").format(names=names)
            parts.append(("\n✗ " + broken_line, "bold $text-error"))
        if workspace.bundled:
            parts.append(
                (
                    "\n"
                    + _(
                        "These are the bundled sets, read-only: press c to copy them into the "
                        "workspace and edit them there."
                    ),
                    "$text-warning",
                )
            )
        self.query_one("#qs-banner", Static).update(Content.assemble(*parts))
        self._show_detail()
        self.refresh_bindings()

    @property
    def highlighted_row(self) -> SetFile | None:
        files = self.query_one("#qs-files", OptionList)
        index = files.highlighted
        if index is None or not 0 <= index < len(self.rows):
            return None
        return self.rows[index]

    def _show_detail(self) -> None:
        row = self.highlighted_row
        problems = self.query_one("#qs-problems", OptionList)
        heading = self.query_one("#qs-problems-heading", Static)
        flow = self.query_one(FlowPreview)
        if row is None:
            problems.clear_options()
            heading.update(_("Problems"))
            flow.show(None)
            return
        heading.update(
            Content.assemble((_("Problems in "), ""), (row.path.name, "bold"), ("  ", ""))
            + status_content(row)
        )
        if row.problems:
            problems.set_options(
                [
                    Option(_problem_prompt(p, row.path.name), id=f"{i}")
                    for i, p in enumerate(row.problems)
                ]
            )
            problems.highlighted = 0
        else:
            problems.set_options(
                [Option(Content.styled(_("No problems."), "$text-muted"), disabled=True)]
            )
        problems.display = True
        if row.kind == "set":
            flow.show(
                row.question_set,
                note=_("Fix the errors to see the question flow.") if row.errors else "",
            )
        elif row.kind == "pipeline" and row.stages:
            flow.update(
                Content("\n").join(
                    Content.assemble((f"{i}. ", "$text-muted"), (title, ""))
                    for i, title in enumerate(row.stages, start=1)
                )
            )
        else:
            flow.show(None)

    @on(OptionList.OptionHighlighted, "#qs-files")
    def _highlighted(self) -> None:
        self._show_detail()
        self.refresh_bindings()

    # ------------------------------------------------------------------ actions
    @on(OptionList.OptionSelected, "#qs-files")
    def _selected(self) -> None:
        self.action_edit()

    @on(OptionList.OptionSelected, "#qs-problems")
    def _problem_selected(self, event: OptionList.OptionSelected) -> None:
        row = self.highlighted_row
        if row is None or event.option.id is None:
            return
        problem = row.problems[int(event.option.id)]
        self.open_editor(row.path, problem.line, problem.col)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "copy_bundled":
            return self.workspace.bundled
        if action == "edit":
            row = self.highlighted_row
            return True if row is not None and row.path.is_file() else None
        return True

    def action_back(self) -> None:
        self.app.pop_screen()

    def action_cursor(self, delta: int) -> None:
        focused = self.focused
        if isinstance(focused, OptionList):
            if delta > 0:
                focused.action_cursor_down()
            else:
                focused.action_cursor_up()

    def action_edit(self) -> None:
        row = self.highlighted_row
        if row is None:
            return
        if not row.path.is_file():
            self.notify(
                _("{path} does not exist.").format(path=row.path), severity="warning", markup=False
            )
            return
        self.open_editor(row.path)

    def open_editor(self, path: Path, line: int = 1, col: int = 1) -> None:
        from qualify.tui.screens.editor import EditorScreen

        self.app.push_screen(EditorScreen(path, line=line, col=col))

    def action_reload(self) -> None:
        self.reload(offer_rescore=True)
        self.notify(_("Question sets re-read from disk."), timeout=2)

    def action_copy_bundled(self) -> None:
        from qualify.core.errors import QualifyError

        workspace = self.workspace
        if not workspace.bundled:
            return
        try:
            target = workspace.copy_bundled_sets()
        except (OSError, QualifyError) as exc:
            self.notify(_("Not copied: {error}").format(error=exc), severity="error", markup=False)
            return
        self.notify(
            _("The sets are now in {path}: qualify uses this copy from now on.").format(
                path=target
            ),
            title=_("Question sets"),
            markup=False,
        )
        self.show_catalog(workspace.catalog)


def check_summary(catalog: Catalog) -> tuple[str, Literal["information", "error"]]:
    """What the app notifies after re-reading the sets, and how severe it is."""
    errors = [p for p in catalog.problems if p.severity == "error"]
    if errors:
        files = ", ".join(sorted({Path(p.path).name for p in errors}))
        said = _(
            "{n} error(s) in {files}: a set with errors is not used for interviews until "
            "it is fixed (see Question sets)."
        )
        return said.format(n=len(errors), files=files), "error"
    warnings = len(catalog.problems)
    said = _("{n} question sets and the pipeline are valid.")
    if warnings:
        said = ngettext(
            "{n} question sets and the pipeline are valid ({w} warning: the sets are used; "
            "see Question sets).",
            "{n} question sets and the pipeline are valid ({w} warnings: the sets are used; "
            "see Question sets).",
            warnings,
        )
    return said.format(n=len(catalog.question_sets), w=warnings), "information"


def _problem_prompt(problem: Problem, name: str) -> Content:
    """`✗ file.yaml:12:5: message` for an error, `⚠ file.yaml:3:5: warning: message` for a
    warning: a glyph and a word, not colour alone."""
    error = problem.severity == "error"
    style = "$text-error" if error else "$text-warning"
    tag = "" if error else f"{severity_word(problem.severity)}: "
    return Content.assemble(
        ("✗ " if error else "⚠ ", f"bold {style}"),
        (f"{name}:{problem.line}:{problem.col}", f"bold {style}"),
        (": ", ""),
        (tag, style),
        (tr(problem.message), ""),
    )

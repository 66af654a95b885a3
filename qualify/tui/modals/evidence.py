"""Evidence files of a prospect, from the interview: list them, open one with the system
viewer, attach a new one to the question on screen.

The path input checks as you type (in a worker: a slow disk never stalls the keys);
attaching reads and stores the file in a worker too, and opening hands a checked copy
to the system viewer without waiting for it.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.widgets import Button, Label, OptionList, Static
from textual.widgets.option_list import Option

from qualify.core.words import visible
from qualify.i18n import _, error_text, fmt_size, tr
from qualify.tui.format import fmt_datetime
from qualify.tui.modals.dialog import Dialog
from qualify.tui.widgets.keys_in_order import Input

if TYPE_CHECKING:
    from qualify.core.evidence import Attachment
    from qualify.core.records import Prospect
    from qualify.workflow.evidence import Limit, Listed
    from qualify.workflow.qualifier import Qualifier


@dataclass(frozen=True)
class EvidenceTarget:
    """The question files are attached to, as the interview shows it."""

    prospect: Prospect
    key: str
    """The answer key (`section[1].question` in a repeated section)."""
    text: str
    stage: str | None = None
    """An earlier stage being corrected (None: the current one)."""


def file_line(item: Listed, key: str) -> Content:
    """One file in the list: name, size, hash, who, when; the question's own marked."""
    a = item.attachment
    mine = a.question_id == key
    parts: list[tuple[str, str] | str] = [
        ("▸ " if mine else "  ", "bold $text-accent"),
        (visible(a.name, one_line=True), "bold" if mine else ""),
        (f"  {fmt_size(a.size)}  {a.sha256[:12]}", "$text-muted"),
        (f"  {visible(a.by, one_line=True)} {fmt_datetime(a.at)}", "$text-muted"),
    ]
    if not mine:
        parts.append((f"  ({visible(a.question_id, one_line=True)})", "$text-muted"))
    if item.superseded_by is not None:
        parts.append(("  " + _("superseded"), "$text-warning"))
    return Content.assemble(*parts)


def open_in_viewer(qualifier: Qualifier, attachment: Attachment, view_dir: Path) -> str | None:
    """Hand a checked copy of the file (under ``view_dir``) to the system viewer without
    waiting for it; None, or why it could not be opened (one line). Call it from a worker:
    it reads the file from the store."""
    from qualify.core.errors import QualifyError
    from qualify.workflow.evidence import copy_for_viewing, open_with_viewer

    try:
        open_with_viewer(copy_for_viewing(qualifier, attachment, view_dir))
    except QualifyError as exc:
        return error_text(exc)
    except OSError as exc:
        return exc.strerror or str(exc)
    return None


class EvidenceDialog(Dialog[None]):
    """The prospect's evidence files; Enter on one opens it, a path attaches a new one."""

    CSS_PATH = "modals.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Close", id="dialog.cancel"),
    ]

    def __init__(
        self, qualifier: Qualifier, target: EvidenceTarget, limit: Limit, view_dir: Path
    ) -> None:
        super().__init__()
        self.qualifier = qualifier
        self.target = target
        self.limit = limit
        self.view_dir = view_dir
        self.files: list[Attachment] = []

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(_("Evidence files"), classes="title")
            yield Static(self.target.text, classes="body", markup=False)
            yield OptionList(id="files")
            yield Static("", id="files-empty", classes="hint")
            yield Label(
                _("Attach a file to this question: its path (up to {limit})").format(
                    limit=self.limit.words()
                ),
                classes="field-label",
            )
            yield Input(placeholder=_("~/Documents/credit report.pdf"), id="path")
            yield Static("", id="path-check", classes="hint")
            yield Input(placeholder=_("What it shows (optional)"), id="note")
            yield Static(
                _(
                    "Enter on a file opens it with the system viewer · Enter in the path "
                    "attaches · Esc closes"
                ),
                classes="hint",
            )
            with Horizontal(classes="buttons"):
                yield Button(_("Attach"), id="attach", variant="primary")
                yield Button(_("Close"), id="cancel")

    def on_mount(self) -> None:
        self.query_one("#path", Input).focus()
        self.load_files()

    # ------------------------------------------------------------------ the list
    @work(thread=True, exclusive=True, group="evidence-list", exit_on_error=False)
    def load_files(self) -> None:
        from qualify.core.errors import QualifyError

        try:
            files = self.qualifier.store.attachments(self.target.prospect.id)
        except QualifyError as exc:
            self.app.call_from_thread(self._problem, error_text(exc))
            return
        self.app.call_from_thread(self._show, files)

    def _show(self, files: list[Attachment]) -> None:
        from qualify.workflow.evidence import listed

        self.files = files
        items = listed(files)
        mine = [i for i in items if i.attachment.question_id == self.target.key]
        others = [i for i in items if i.attachment.question_id != self.target.key]
        options = self.query_one("#files", OptionList)
        options.clear_options()
        options.add_options(
            Option(file_line(i, self.target.key), id=i.attachment.id)
            for i in [*reversed(mine), *reversed(others)]  # this question's first, newest first
        )
        empty = self.query_one("#files-empty", Static)
        empty.update("" if items else _("No file attached to this prospect yet."))
        options.display = bool(items)

    def _problem(self, message: str) -> None:
        self.notify(message, title=_("Evidence files"), severity="error", markup=False)

    @on(OptionList.OptionSelected, "#files")
    def _open(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        found = next((a for a in self.files if a.id == event.option.id), None)
        if found is not None:
            self.open_file(found)

    @work(thread=True, group="evidence-open", exit_on_error=False)
    def open_file(self, attachment: Attachment) -> None:
        """A checked copy to the system viewer; the app never waits for the viewer."""
        problem = open_in_viewer(self.qualifier, attachment, self.view_dir)
        if problem is not None:
            self.app.call_from_thread(self._problem, problem)
            return
        self.app.call_from_thread(
            self.notify,
            _("Opened {name}").format(name=visible(attachment.name, one_line=True)),
            markup=False,
        )

    # ------------------------------------------------------------------ attaching
    @on(Input.Changed, "#path")
    def _typed(self, event: Input.Changed) -> None:
        if event.value.strip():  # an emptied input leaves the last word (✓ attached …)
            self.check_typed(event.value)

    @work(thread=True, exclusive=True, group="evidence-check", exit_on_error=False)
    def check_typed(self, typed: str) -> None:
        from qualify.workflow.evidence import check_path

        ok, why = check_path(Path(typed.strip()).expanduser(), self.limit)
        words = Content.styled(
            ("✓ " if ok else "✗ ") + visible(tr(why), one_line=True),
            "$text-success" if ok else "$text-error",
        )
        self.app.call_from_thread(self.query_one("#path-check", Static).update, words)

    @on(Input.Submitted, "#path")
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self._attach_typed()

    @on(Input.Submitted, "#note")
    def _note_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self._attach_typed()

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "attach":
            self._attach_typed()
        else:
            self.dismiss(None)

    def _attach_typed(self) -> None:
        typed = self.query_one("#path", Input).value.strip()
        if not typed:
            self.query_one("#path-check", Static).update(
                Content.styled("✗ " + _("type the path of a file first"), "$text-error")
            )
            return
        self.attach_file(Path(typed).expanduser(), self.query_one("#note", Input).value)

    @work(thread=True, exclusive=True, group="evidence-attach", exit_on_error=False)
    def attach_file(self, path: Path, note: str) -> None:
        from qualify.core.errors import QualifyError
        from qualify.workflow.evidence import attach

        t = self.target
        try:
            stored = attach(
                self.qualifier, t.prospect, t.key, path, note=note, limit=self.limit, stage=t.stage
            )
        except QualifyError as exc:
            line = Content.styled("✗ " + visible(error_text(exc), one_line=True), "$text-error")
            self.app.call_from_thread(self.query_one("#path-check", Static).update, line)
            return
        self.app.call_from_thread(self._attached, stored)

    def _attached(self, stored: Attachment) -> None:
        self.notify(
            _("Attached {name} ({size})").format(
                name=visible(stored.name, one_line=True), size=fmt_size(stored.size)
            ),
            markup=False,
        )
        self.query_one("#path", Input).value = ""
        self.query_one("#note", Input).value = ""
        self.query_one("#path-check", Static).update(
            Content.styled(
                "✓ "
                + _("attached {name} ({size})").format(
                    name=visible(stored.name, one_line=True), size=fmt_size(stored.size)
                ),
                "$text-success",
            )
        )
        self.load_files()

    def action_cancel(self) -> None:
        self.dismiss(None)


__all__ = ["EvidenceDialog", "EvidenceTarget", "file_line", "open_in_viewer"]

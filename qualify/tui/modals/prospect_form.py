"""Add or edit a prospect: name, territory, kind, language and notes, checked before
saving; every word in the app's language."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Label, Select, Static

from qualify.core.words import KIND_LABELS
from qualify.i18n import _, language_name
from qualify.tui.modals.dialog import Dialog
from qualify.tui.widgets.keys_in_order import Input


@dataclass(frozen=True)
class ProspectFormResult:
    """The fields as entered (trimmed)."""

    name: str
    territory: str
    kind: str
    notes: str
    language: str = ""
    """The prospect's own language (its interviews and reports); "" for the user's."""


class ProspectForm(Dialog[ProspectFormResult | None]):
    """The add / edit form; dismisses with the fields, or None when cancelled."""

    CSS_PATH = "modals.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="dialog.cancel"),
    ]

    def __init__(
        self,
        *,
        title: str = "",
        name: str = "",
        territory: str = "",
        kind: str = "dealer",
        notes: str = "",
        territories: tuple[str, ...] = (),
        action: str = "",
        language: str = "",
        languages: tuple[str, ...] = (),
    ) -> None:
        super().__init__()
        self.title_text = title or _("New prospect")
        self.initial = ProspectFormResult(name, territory, kind, notes, language)
        self.languages = tuple(dict.fromkeys((*languages, *([language] if language else []))))
        """The languages offered: those the question sets declare (and the prospect's own)."""
        """The values the fields start with."""
        self.territories = territories
        """Territories already in use, offered as suggestions."""
        self.action_label = action or _("Add")

    def compose(self) -> ComposeResult:
        from textual.suggester import SuggestFromList

        with Vertical(classes="dialog"):
            yield Static(self.title_text, classes="title")
            yield Label(_("Company name *"), classes="field-label")
            yield Input(self.initial.name, placeholder=_("e.g. Müller & Søn AV"), id="name")
            yield Label(_("Territory"), classes="field-label")
            yield Input(
                self.initial.territory,
                placeholder=_("e.g. North"),
                id="territory",
                suggester=SuggestFromList(self.territories, case_sensitive=False)
                if self.territories
                else None,
            )
            yield Label(_("Kind of partner"), classes="field-label")
            yield Select(
                [(_(word), key) for key, word in KIND_LABELS.items()],
                value=self.initial.kind if self.initial.kind in KIND_LABELS else "other",
                allow_blank=False,
                id="kind",
            )
            yield Label(_("Language of its interviews and reports"), classes="field-label")
            yield Select(
                [(_("Yours (the app's language)"), "")]
                + [(f"{language_name(code)} ({code})", code) for code in self.languages],
                value=self.initial.language,
                allow_blank=False,
                id="language",
            )
            yield Label(_("Notes"), classes="field-label")
            yield Input(
                self.initial.notes, placeholder=_("Where you met, who to talk to…"), id="notes"
            )
            yield Static("", classes="error", id="error")
            with Horizontal(classes="buttons"):
                yield Button(self.action_label, id="save", variant="primary")
                yield Button(_("Cancel"), id="cancel")

    def on_mount(self) -> None:
        self.query_one("#name", Input).focus()

    @on(Input.Changed, "#name")
    def _name_changed(self, event: Input.Changed) -> None:
        if event.value.strip():
            self.query_one("#error", Static).update("")

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self._save()

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "save":
            self._save()
        else:
            self.dismiss(None)

    def _save(self) -> None:
        name = self.query_one("#name", Input).value.strip()
        if not name:
            self.query_one("#error", Static).update(_("The company name is required."))
            self.query_one("#name", Input).focus()
            return
        if len(name) > 200:
            self.query_one("#error", Static).update(
                _("The name is too long (200 characters at most).")
            )
            return
        kind = self.query_one("#kind", Select).value
        language = self.query_one("#language", Select).value
        self.dismiss(
            ProspectFormResult(
                name=name,
                territory=self.query_one("#territory", Input).value.strip(),
                kind=str(kind) if isinstance(kind, str) else "other",
                notes=self.query_one("#notes", Input).value.strip(),
                language=language if isinstance(language, str) else "",
            )
        )

    def action_cancel(self) -> None:
        self.dismiss(None)

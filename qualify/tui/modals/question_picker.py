"""Pick the question of the current stage's set that a new evidence file documents."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from qualify.core.words import one_line, visible
from qualify.i18n import _
from qualify.tui.modals.dialog import Dialog

if TYPE_CHECKING:
    from collections.abc import Mapping

    from qualify.core.questionnaire import QuestionSet


def question_choices(
    question_set: QuestionSet, answers: Mapping[str, object]
) -> list[tuple[str, str]]:
    """(answer key, label) of every question a file can document, in the set's order: a
    repeated section's questions once per repeat asked (at least one)."""
    from qualify.core.questionnaire.model import repeat_key
    from qualify.core.scoring import repeat_counts

    counts = repeat_counts(question_set, answers)
    choices: list[tuple[str, str]] = []
    for section in question_set.sections:
        title = one_line(section.title, 40)
        for question in section.questions:
            text = one_line(question.text, 100)
            if section.repeat is None:
                choices.append((question.id, f"{title} › {text}"))
                continue
            for n in range(max(counts.get(section.id, 1), 1)):
                key = repeat_key(section.id, n, question.id)
                choices.append((key, f"{title} {n + 1} › {text}"))
    return choices


class QuestionPicker(Dialog[str | None]):
    """The questions; dismisses with the answer key picked, or None."""

    CSS_PATH = "modals.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="dialog.cancel"),
    ]

    def __init__(self, choices: list[tuple[str, str]], stage_title: str, chosen: str = "") -> None:
        super().__init__()
        self.choices = choices
        """(answer key, label), in the set's order."""
        self.stage_title = stage_title
        self.chosen = chosen
        """The key highlighted first (the question of the file highlighted on the screen)."""

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(_("Attach a file to which question?"), classes="title")
            yield Static(
                _(
                    "A question of {stage}. Enter picks it (then the file's path), Esc cancels."
                ).format(stage=self.stage_title),
                classes="body",
                markup=False,
            )
            yield OptionList(
                *[Option(visible(label, one_line=True), id=key) for key, label in self.choices],
                id="questions",
            )

    def on_mount(self) -> None:
        questions = self.query_one("#questions", OptionList)
        keys = [key for key, _label in self.choices]
        questions.highlighted = keys.index(self.chosen) if self.chosen in keys else 0
        questions.focus()

    @on(OptionList.OptionSelected, "#questions")
    def _picked(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(event.option.id)

    def action_cancel(self) -> None:
        self.dismiss(None)


__all__ = ["QuestionPicker", "question_choices"]

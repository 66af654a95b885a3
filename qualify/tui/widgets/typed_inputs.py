"""Inputs where the answer is typed: a number (with its unit), free text, a date, and
the read-only view of a calculated value. Each checks what is typed as it is typed."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.widgets import Static

from qualify.core.safe_text import readable
from qualify.i18n import _
from qualify.tui.messages import AnswerChosen
from qualify.tui.widgets.input_base import NAV_BINDINGS, Navigate, NavMixin
from qualify.tui.widgets.keys_in_order import Input
from qualify.tui.widgets.text_area import TextArea

if TYPE_CHECKING:
    from qualify.core.questionnaire.model import Question


# ---------------------------------------------------------------------- number
class NumberInput(Vertical):
    """A number with its unit; checked as you type; Enter saves and moves on."""

    DEFAULT_CSS = """
    NumberInput {
        height: auto;
        & > #number-row { height: auto; }
        & Input { width: 24; }
        & #unit { width: auto; padding: 1 1; color: $text-muted; }
        & #number-error { color: $text-error; height: auto; }
        & #number-range { color: $text-muted; height: auto; }
    }
    """

    def __init__(self, question: Question, value: Any = None) -> None:
        super().__init__(classes="answer-input")
        self.question = question
        self.initial = value
        self._last_sent: Any = value

    def compose(self) -> ComposeResult:
        from textual.containers import Horizontal

        q = self.question
        text = "" if self.initial is None else _num_text(self.initial)
        with Horizontal(id="number-row"):
            yield _NumberField(text, placeholder=_("a number"), id="number-field")
            yield Static(q.unit or "", id="unit")
        limits = []
        if q.min is not None:
            limits.append(_("from {value}").format(value=_num_text(q.min)))
        if q.max is not None:
            limits.append(_("to {value}").format(value=_num_text(q.max)))
        yield Static(
            (" ".join(limits) + (f" {q.unit}" if q.unit else "")) if limits else "",
            id="number-range",
        )
        yield Static("", id="number-error")

    def focus(self, scroll_visible: bool = True) -> NumberInput:
        """Focus the field (once it is composed)."""
        fields = self.query(Input)
        if fields:
            fields.first().focus(scroll_visible)
        else:
            self.call_after_refresh(self.focus, scroll_visible)
        return self

    def parsed(self, typed: str | None = None) -> tuple[bool, float | int | None, str]:
        """(valid, value, error) of `typed` (the field's text by default): an empty field is
        valid and means no answer. Read as the command line reads it (the core's
        `validate_answer`): `7,5` and `7.5` are 7.5, an ambiguous `1,000` is refused with
        the reason, never guessed."""
        from qualify.core.errors import QualifyError
        from qualify.core.questionnaire import validate_answer
        from qualify.i18n import error_text

        text = (_typed(self) if typed is None else typed).strip()
        if not text:
            return True, None, ""
        try:
            return True, validate_answer(self.question, text), ""
        except QualifyError as exc:  # what the question accepts, in the app's language
            return False, None, error_text(exc)

    @on(Input.Changed)
    def _changed(self, event: Input.Changed) -> None:
        event.stop()
        ok, _value, error = self.parsed()
        self.query_one("#number-error", Static).update("" if ok else f"✗ {error}")

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        # what the field held at Enter: keys typed after it (ahead, for the next
        # question) may already be in the field, and are not part of this answer
        self.commit(advance=True, typed=event.value)

    def has_pending(self) -> bool:
        """Something typed (or deleted) that is not what was last sent (nothing is
        taken): a half-typed number, an invalid one, an emptied field."""
        fields = self.query(Input)
        if not fields or fields.first().value.strip() == self._text(self._last_sent):
            return False
        ok, value, _error = self.parsed()
        return not (ok and value is not None and value == self._last_sent)

    def _text(self, value: Any) -> str:
        """A value as the field shows it."""
        return "" if value is None else _num_text(value)

    def take_pending(self) -> tuple[bool, Any, str]:
        """(True, value, "") when a valid number was typed but not sent yet (it then
        counts as sent); (False, None, why) when the typed text is not a valid answer.

        The screen saves it at once, without a message, when the interview is left or
        the app quits: a queued message would be dropped with the screen."""
        ok, value, error = self.parsed()
        if not ok:
            return False, None, error
        if value is None or value == self._last_sent:
            return False, None, ""
        self._last_sent = value
        return True, value, ""

    def commit(self, advance: bool = False, typed: str | None = None) -> bool:
        """Send the typed number (`typed`, else the field's text) if it is valid and new;
        False when it is invalid."""
        ok, value, error = self.parsed(typed)
        if not ok:
            self.query_one("#number-error", Static).update(f"✗ {error}")
            self._stay()
            return False
        if value is None:
            if advance:
                self.post_message(Navigate(1))
            return True
        if value != self._last_sent or advance:
            self._last_sent = value
            self.post_message(AnswerChosen(self.question.id, value, advance))
        return True

    def set_value(self, value: Any) -> None:
        self._last_sent = value
        self.query_one(Input).value = "" if value is None else _num_text(value)

    def _stay(self) -> None:
        """Refused: the question stays, and keys held for the next one are its own."""
        fields = self.query(_NumberField)
        if fields and fields.first().leaving:
            self.app.call_later(self.app.release_keys)  # type: ignore[attr-defined]


class _NumberField(NavMixin, Input):
    BINDINGS: ClassVar[list[BindingType]] = list(NAV_BINDINGS)

    def action_navigate(self, step: int) -> None:
        parent = self.parent.parent if self.parent is not None else None
        if isinstance(parent, NumberInput) and not parent.commit():
            return
        self.move_on(Navigate(step))

    async def action_submit(self) -> None:
        """Enter: what is typed next is for the next question, unless this answer is
        refused (the input then says why and keeps the keys)."""
        self.leaving = True
        self.app.hold_keys()  # type: ignore[attr-defined]
        await super().action_submit()


def _typed(widget: Vertical) -> str:
    """The field's text; "" while the input is not composed yet (a question replaced
    the moment it was shown)."""
    fields = widget.query(Input)
    return fields.first().value if fields else ""


def _num_text(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


# ---------------------------------------------------------------------- text
class TextInput(NavMixin, TextArea):
    """Free text, saved as you pause typing; Enter (or PgDn) moves on."""

    DEFAULT_CSS = """
    TextInput { height: 7; }
    """
    BINDINGS: ClassVar[list[BindingType]] = list(NAV_BINDINGS)

    SAVE_AFTER = 0.6
    """Seconds of quiet after typing before the text is saved."""

    def __init__(self, question: Question, value: Any = None) -> None:
        super().__init__(
            "" if value is None else str(value),
            soft_wrap=True,
            tab_behavior="focus",
            show_line_numbers=False,
            classes="answer-input",
        )
        self.question = question
        self._last_sent = "" if value is None else str(value)
        self._timer = None

    async def _on_key(self, event: events.Key) -> None:
        """Enter moves on, as on every question type (a paste keeps its line breaks)."""
        if event.key == "enter" and not self.leaving:
            event.stop()
            event.prevent_default()
            self.action_navigate(1)
            return
        await super()._on_key(event)

    @on(TextArea.Changed)
    def _changed(self, event: TextArea.Changed) -> None:
        event.stop()
        if self._timer is not None:
            self._timer.stop()
        self._timer = self.set_timer(self.SAVE_AFTER, self.commit)

    def has_pending(self) -> bool:
        """Typing not saved yet (nothing is taken)."""
        return self.text.strip() != self._last_sent.strip()

    def take_pending(self) -> tuple[bool, Any, str]:
        """(True, text or None, "") when typing has not been saved yet; it counts as saved."""
        if self._timer is not None:
            self._timer.stop()
            self._timer = None
        text = self.text.strip()
        if text == self._last_sent.strip():
            return False, None, ""
        self._last_sent = text
        return True, text if readable(text) else None, ""  # spaces alone: no answer

    def commit(self, advance: bool = False) -> bool:
        changed, text, _problem = self.take_pending()
        if changed:
            self.post_message(AnswerChosen(self.question.id, text, advance))
        elif advance:
            self.post_message(Navigate(1))
        return True

    def action_navigate(self, step: int) -> None:
        self.commit()
        self.move_on(Navigate(step))

    def on_blur(self) -> None:
        self.commit()

    def set_value(self, value: Any) -> None:
        self._last_sent = "" if value is None else str(value)
        self.load_text(self._last_sent)


# ---------------------------------------------------------------------- date
class DateInput(NumberInput):
    """An ISO date (YYYY-MM-DD), checked as you type; Enter saves and moves on."""

    def compose(self) -> ComposeResult:
        from textual.containers import Horizontal

        text = "" if self.initial is None else str(self.initial)
        with Horizontal(id="number-row"):
            yield _NumberField(text, placeholder=_("YYYY-MM-DD"), id="number-field")
        yield Static("", id="number-range")
        yield Static("", id="number-error")

    def parsed(self, typed: str | None = None) -> tuple[bool, Any, str]:  # type: ignore[override]
        """(valid, value, error) of `typed` (the field's text by default): an empty field is
        valid and means no answer."""
        from datetime import datetime

        from qualify.core.errors import QualifyError
        from qualify.core.questionnaire import validate_answer
        from qualify.i18n import error_text

        text = (_typed(self) if typed is None else typed).strip()
        if not text:
            return True, None, ""
        try:
            today = datetime.now().astimezone().date()
            return True, validate_answer(self.question, text, today=today), ""
        except QualifyError as exc:  # what the question accepts, in the app's language
            return False, None, error_text(exc)

    def _text(self, value: Any) -> str:
        return "" if value is None else str(value)

    def set_value(self, value: Any) -> None:
        self._last_sent = value
        self.query_one(Input).value = self._text(value)


# ---------------------------------------------------------------------- calculated
class CalculatedView(NavMixin, Static):
    """A calculated question's value, read-only: its formula computes it."""

    DEFAULT_CSS = """
    CalculatedView { height: auto; padding: 0 1; border: tall $border-blurred; }
    CalculatedView:focus { border: tall $border; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        *NAV_BINDINGS,
        Binding("enter", "navigate(1)", "Next", show=False),
    ]
    can_focus = True

    def __init__(self, question: Question, value: Any = None) -> None:
        super().__init__(classes="answer-input")
        self.question = question
        self.set_value(value)

    def _on_key(self, event: events.Key) -> None:
        """Nothing is typed here: a character typed (a fast typist's "2015-03-01 ⏎ 12 ⏎",
        not knowing this stop comes between) is for the next question, and takes it
        there, unless it is one of the interview's keys (n note, g sections…). It was
        dropped, and the Enter after it left the next question unanswered."""
        if self.leaving or not event.is_printable:
            return  # KeyOrder's handler: handed on, or this view's own keys
        bindings = self.app.active_bindings
        if any(key in bindings and bindings[key].enabled for key in event.aliases):
            return
        event.stop()
        event.prevent_default()
        self.move_on(Navigate(1))
        self.app.hand_back(event)  # type: ignore[attr-defined]

    def _on_paste(self, event: events.Paste) -> None:
        """A paste is for the next question too (KeyOrder's handler hands it on)."""
        if not self.leaving:
            self.move_on(Navigate(1))

    def set_value(self, value: Any) -> None:
        from qualify.core.words import answer_text
        from qualify.i18n import tr

        shown = (
            "— " + _("(an input is not answered yet)")
            if value is None
            else tr(answer_text(self.question, value))
        )
        self.update(
            Content.assemble((shown, "bold"), (f"   = {self.question.formula}", "$text-muted"))
        )

"""One input per question type, each posting :class:`AnswerChosen` when the user answers.

Enter means "next" on every type and never picks; picking is always its own key, so an
Enter pressed out of habit records nothing. A question not answered yet shows no
selection: the cursor of a list is not a choice (○ until picked, ● once picked).

choice  → an option list: 1–9 or Space (on the cursor) pick and save, arrows (or j/k) move
multi   → checkboxes: Space or 1–9 tick (saved at once)
scale   → a picker: the number keys pick (saved at once); ←/→ move a cursor, Space picks there
number  → a field with its unit, checked as you type; Enter saves what was typed and moves on
yes_no  → y or n, saved at once; ←/→ move a cursor, Space picks there; the word typed out
          ("yes", "no", "nein") is the answer too, its other letters no command
text    → a multi-line area, saved as you pause typing (a paste keeps its line breaks)
date    → a field for YYYY-MM-DD, checked as you type; Enter saves what was typed, moves on
calculated → its value, read-only (computed from other answers)

An arrow key never records: it moves a cursor, as ↑/↓ do in a list (on the bundled sets,
→ on a scale not answered yet recorded 1, a knock-out).

PgDn / PgUp always mean next / previous question, so the lists give those keys up.
"""

from __future__ import annotations

from collections.abc import Iterable
from time import monotonic
from typing import TYPE_CHECKING, Any, ClassVar

from rich.segment import Segment
from rich.style import Style
from textual import events, on
from textual.binding import Binding, BindingType
from textual.content import Content
from textual.geometry import Size
from textual.reactive import reactive
from textual.strip import Strip
from textual.visual import Visual
from textual.widget import Widget
from textual.widgets import Checkbox, OptionList, SelectionList
from textual.widgets.option_list import Option
from textual.widgets.selection_list import Selection

from qualify.i18n import N_, _
from qualify.tui.messages import AnswerChosen
from qualify.tui.widgets.input_base import NAV_BINDINGS, NavMixin
from qualify.tui.widgets.typed_inputs import CalculatedView, DateInput, NumberInput, TextInput

if TYPE_CHECKING:
    from qualify.core.questionnaire.model import Question


# ---------------------------------------------------------------------- choice
class ChoiceInput(NavMixin, OptionList):
    """One answer from a list: number keys (or Space on the cursor) pick; Enter moves on."""

    BINDINGS: ClassVar[list[BindingType]] = [
        *NAV_BINDINGS,
        Binding("enter", "navigate(1)", "Next", show=False),
        Binding("space", "select", "Pick", show=False),
        Binding("k", "cursor_up", "Up", show=False),
        Binding("j", "cursor_down", "Down", show=False),
        *[Binding(str(n), f"pick({n - 1})", f"Option {n}", show=False) for n in range(1, 10)],
    ]

    def __init__(self, question: Question, value: Any = None) -> None:
        self.question = question
        """The question answered."""
        self.chosen: str | None = value if isinstance(value, str) else None
        """The option value currently recorded."""
        super().__init__(*self._options(), classes="answer-input")

    def _options(self) -> list[Option]:
        return [Option(self._prompt(opt), id=opt.value) for opt in self.question.options or ()]

    def _prompt(self, opt: Any) -> Content:
        """The option's label; its key and mark are drawn beside it (:meth:`render_line`)."""
        return Content.styled(opt.display, "bold" if opt.value == self.chosen else "")

    GUTTER = 4
    """`1 ● `: the option's key and its mark, left of its label."""

    def _get_left_gutter_width(self) -> int:
        return self.GUTTER

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        # The labels wrap beside the key and mark: count their lines at the width they get.
        return super().get_content_height(container, viewport, width - self.GUTTER)

    def render_line(self, y: int) -> Strip:
        """Each option's key and mark beside its first line, a wrapped label's other lines
        indented under the label (they ran on under the key: a long German label read as
        two options)."""
        line = super().render_line(y)
        try:
            index, offset = self._lines[self.scroll_offset.y + y]
        except IndexError:
            return line
        options = self.question.options or ()
        if offset or index >= len(options):
            head = Content(" " * self.GUTTER)
        else:
            picked = options[index].value == self.chosen
            head = Content.assemble(
                (f"{index + 1} " if index < 9 else "  ", "$text-muted"),
                ("● " if picked else "○ ", "bold $text-accent" if picked else "$text-muted"),
            )
        return Strip.join([_beside(self, index, head, self.GUTTER), line])

    def on_mount(self) -> None:
        """The cursor starts on the recorded answer; on none when nothing is picked, so an
        untouched question shows no selection (↓ or j brings the cursor in)."""
        self.highlighted = None
        for i, opt in enumerate(self.question.options or ()):
            if opt.value == self.chosen:
                self.highlighted = i
                break

    def _choose(self, index: int, advance: bool) -> None:
        options = self.question.options or []
        if not 0 <= index < len(options):
            return
        previous = self.chosen
        self.chosen = options[index].value
        self.highlighted = index
        for n, opt in enumerate(options):
            if opt.value in (previous, self.chosen):
                self.replace_option_prompt_at_index(n, self._prompt(opt))
        self.post_message(AnswerChosen(self.question.id, self.chosen, advance))

    def action_pick(self, index: int) -> None:
        self._choose(index, advance=False)

    def action_select(self) -> None:  # Space (and a click): pick, and stay
        if self.highlighted is not None:
            self._choose(self.highlighted, advance=False)

    def set_value(self, value: Any) -> None:
        """Show a value recorded elsewhere (no message)."""
        self.chosen = value if isinstance(value, str) else None
        for n, opt in enumerate(self.question.options or ()):
            self.replace_option_prompt_at_index(n, self._prompt(opt))


def _beside(options: OptionList, index: int, head: Content, width: int) -> Strip:
    """`head` drawn left of option `index`'s line, in the option's style (highlighted,
    hovered or plain), a click on it a click on the option."""
    if options.highlighted == index:
        part = ["option-list--option-highlighted"]
    elif options._mouse_hovering_over == index:
        part = ["option-list--option-hover"]
    else:
        part = []
    style = options.get_visual_style("option-list--option", *part)
    strip = Visual.to_strips(options, head, width, 1, style)[0]
    return strip.extend_cell_length(width).apply_meta({"option": index})


# ---------------------------------------------------------------------- multi
class MultiInput(NavMixin, SelectionList[str]):
    """Any number of answers: Space toggles (saved at once), Enter moves on."""

    BINDINGS: ClassVar[list[BindingType]] = [
        *NAV_BINDINGS,
        Binding("enter", "navigate(1)", "Next", show=False),
        Binding("k", "cursor_up", "Up", show=False),
        Binding("j", "cursor_down", "Down", show=False),
        *[Binding(str(n), f"toggle_nth({n - 1})", f"Toggle {n}", show=False) for n in range(1, 10)],
    ]

    def __init__(self, question: Question, value: Any = None) -> None:
        self.question = question
        chosen = set(value) if isinstance(value, list) else set()
        selections = [
            Selection(opt.display, opt.value, opt.value in chosen) for opt in question.options or ()
        ]
        super().__init__(*selections, classes="answer-input")
        self._sent = self._in_order(chosen)
        """The ticks as given or last sent: a change of the selection that is not a
        change of them (the list's own, as it is built) sends nothing. It was a flag
        raised after the first refresh, and ticks typed ahead of it were shown, never
        saved."""

    def on_mount(self) -> None:
        self.highlighted = None  # no cursor until ↓: an untouched question shows nothing

    def _in_order(self, values: Iterable[str]) -> list[str]:
        order = [o.value for o in self.question.options or ()]
        return sorted((v for v in values if v in order), key=order.index)

    DEFAULT_CSS = """
    MultiInput {
        text-wrap: wrap;
    }
    """
    """A long option wraps onto the next line like a choice's, never cut off."""

    KEY = 2
    """`1 `: the option's key, between its checkbox and its label."""

    def _get_left_gutter_width(self) -> int:
        return super()._get_left_gutter_width() + self.KEY

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        # The options wrap beside the checkbox: count their lines at the width they get.
        return super().get_content_height(
            container, viewport, width - self._get_left_gutter_width()
        )

    def render_line(self, y: int) -> Strip:
        """Each option's checkbox and key beside its first line (a wrapped option's other
        lines are indented under its label). The stock checkbox differs by colour alone; an
        empty box for an option not ticked keeps the answer readable on a washed-out screen
        or in monochrome."""
        line = OptionList.render_line(self, y)
        try:
            index, offset = self._lines[self.scroll_offset.y + y]
        except IndexError:
            return line
        underlying = next(iter(line)).style or self.rich_style
        gutter = self._get_left_gutter_width()
        if offset:
            return Strip([Segment(" " * gutter, underlying), *line], line.cell_length + gutter)
        key = Content.styled(f"{index + 1} " if index < 9 else "  ", "$text-muted")
        keyed = _beside(self, index, key, self.KEY)
        value = self.get_option_at_index(index).value
        component = "selection-list--button"
        if value in self.selected:
            component += "-selected"
        if self.highlighted == index:
            component += "-highlighted"
        button = self.get_component_rich_style(component)
        side = Style.from_color(button.bgcolor, underlying.bgcolor) + Style(meta={"option": index})
        button += Style(meta={"option": index})
        inner = Checkbox.BUTTON_INNER if value in self.selected else " "
        return Strip(
            [
                Segment(Checkbox.BUTTON_LEFT, side),
                Segment(inner * len(Checkbox.BUTTON_INNER), button),
                Segment(Checkbox.BUTTON_RIGHT, side),
                Segment(" ", underlying),
                *keyed,
                *line,
            ],
            line.cell_length + gutter,
        )

    def action_toggle_nth(self, index: int) -> None:
        if 0 <= index < self.option_count:
            self.highlighted = index
            self.toggle(self.get_option_at_index(index).value)

    @on(SelectionList.SelectedChanged)
    def _changed(self, event: SelectionList.SelectedChanged) -> None:
        event.stop()
        values = self._in_order(self.selected)
        if values != self._sent:
            self._sent = values
            self.post_message(AnswerChosen(self.question.id, values, False))


# ---------------------------------------------------------------------- scale
class ScaleInput(NavMixin, Widget, can_focus=True):
    """A row of points: a number key picks (saved at once); ←/→ move the cursor and Space
    picks the point under it; Enter moves on."""

    DEFAULT_CSS = """
    ScaleInput {
        height: auto;
        padding: 0 1;
        border: tall $border-blurred;
        &:focus { border: tall $border; }
    }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        *NAV_BINDINGS,
        Binding("left,h", "move(-1)", "Lower", show=False),
        Binding("right,l", "move(1)", "Higher", show=False),
        Binding("space", "select", "Pick", show=False),
        Binding("enter", "navigate(1)", "Next", show=False),
        *[Binding(str(n), f"pick({n})", f"Pick {n}", show=False) for n in range(10)],
    ]

    value: reactive[int | None] = reactive(None)
    """The point picked, or None."""
    cursor: reactive[int | None] = reactive(None)
    """The point under the cursor (←/→), not a choice: Space picks it."""

    def __init__(self, question: Question, value: Any = None) -> None:
        super().__init__(classes="answer-input")
        self.question = question
        self.low = int(question.scale_min)
        self.high = int(question.scale_max)
        self.set_reactive(ScaleInput.value, int(value) if isinstance(value, int | float) else None)
        self._cells: list[tuple[int, int, int]] = []

    def render(self) -> Content:
        parts: list[tuple[str, str] | str] = []
        self._cells = []
        x = 0
        labels = self.question.labels or {}
        for point in range(self.low, self.high + 1):
            picked = point == self.value
            under = point == self.cursor and not picked  # the cursor: a mark, not a colour
            text = f"[{point}]" if picked else f"›{point} " if under else f" {point} "
            style = "bold reverse $text-accent" if picked else "underline" if under else ""
            self._cells.append((x, x + len(text), point))
            parts.append((text, style))
            parts.append(" ")
            x += len(text) + 1
        line2: list[str] = []
        for point in range(self.low, self.high + 1):
            label = labels.get(point)
            if label:
                line2.append(f"{point} = {label}")
        picked_label = labels.get(self.value) if self.value is not None else None
        head = Content.assemble(*parts)
        tail = Content.styled("   " + " · ".join(line2), "$text-muted") if line2 else Content("")
        if self.value is None:
            current = Content.styled(
                "\n" + _("Not answered yet: press a number, or ←/→ then Space"), "$text-muted"
            )
        else:
            picked = _("Picked: {point}").format(point=self.value)
            current = Content.styled(
                "\n" + picked + (f" ({picked_label})" if picked_label else ""), "bold"
            )
        return head + tail + current

    def _set(self, point: int) -> None:
        point = max(self.low, min(self.high, point))
        self.cursor = point
        if point != self.value:
            self.value = point
            self.post_message(AnswerChosen(self.question.id, point, False))

    def action_pick(self, digit: int) -> None:
        point = digit
        if self.high >= 10 and digit == 0:
            point = 10
        if self.low <= point <= self.high:
            self._set(point)

    def action_move(self, delta: int) -> None:
        """Move the cursor, never the answer (from the answer, or from an end)."""
        at = self.cursor if self.cursor is not None else self.value
        if at is None:
            self.cursor = self.low if delta > 0 else self.high
        else:
            self.cursor = max(self.low, min(self.high, at + delta))

    def action_select(self) -> None:  # Space: pick the point under the cursor
        if self.cursor is not None:
            self._set(self.cursor)

    def on_click(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)
        if offset is None or offset.y != 0:
            return
        for start, end, point in self._cells:
            if start <= offset.x < end:
                self._set(point)
                return

    def set_value(self, value: Any) -> None:
        self.value = int(value) if isinstance(value, int | float) else None


# ---------------------------------------------------------------------- yes / no
SPELLED: dict[str, tuple[str, ...]] = {"y": ("es",), "n": ("o", "ein")}
"""After y or n, the letters that spell the answer out: yes; no, nein."""
SPELLED_WITHIN = 1.0
"""Seconds between two letters of a word typed out: a letter later is a command."""


class YesNoInput(NavMixin, Widget, can_focus=True):
    """y or n answers and saves; ←/→ move the cursor and Space picks there; Enter moves on."""

    DEFAULT_CSS = """
    YesNoInput {
        height: auto;
        padding: 0 1;
        border: tall $border-blurred;
        &:focus { border: tall $border; }
    }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        *NAV_BINDINGS,
        Binding("y,1", "answer(True)", "Yes", show=False),
        Binding("n,2", "answer(False)", "No", show=False),
        Binding("left,h", "point(True)", "Yes", show=False),
        Binding("right,l", "point(False)", "No", show=False),
        Binding("space", "select", "Pick", show=False),
        Binding("enter", "navigate(1)", "Next", show=False),
    ]

    value: reactive[bool | None] = reactive(None)
    cursor: reactive[bool | None] = reactive(None)
    """Yes or No under the cursor (←/→), not a choice: Space picks it."""
    _spelling: tuple[str, ...] = ()
    """What may follow the letter just typed to spell the answer out ("es" after y)."""
    _spelled_at = 0.0

    def __init__(self, question: Question, value: Any = None) -> None:
        super().__init__(classes="answer-input")
        self.question = question
        self.set_reactive(YesNoInput.value, value if isinstance(value, bool) else None)

    def render(self) -> Content:
        def cell(label: str, key: str, it: bool) -> Content:
            on = self.value is it
            mark = "●" if on else "○"
            style = "bold reverse $text-accent" if on else ""
            under = "›" if self.cursor is it and not on else " "
            return Content.assemble(
                (f"{under}{mark} {label} ", style or ("underline" if under != " " else "")),
                (f" ({key})", "$text-muted"),
            )

        return Content.assemble(cell(_("Yes"), "y", True), "    ", cell(_("No"), "n", False))

    async def _on_key(self, event: events.Key) -> None:
        """The rest of "yes" or "no" typed out is part of the answer: a command letter
        there ("e", the evidence files) would act on what the user only meant to spell."""
        char, now = event.character or "", monotonic()
        follows = [rest[1:] for rest in self._spelling if rest[:1] == char]
        if follows and char and now - self._spelled_at <= SPELLED_WITHIN:
            self._spelling, self._spelled_at = tuple(r for r in follows if r), now
            event.stop()
            event.prevent_default()
            return
        self._spelling, self._spelled_at = SPELLED.get(char, ()), now
        await super()._on_key(event)

    def action_answer(self, value: bool) -> None:
        self.cursor = value
        if value != self.value:
            self.value = value
            self.post_message(AnswerChosen(self.question.id, value, False))

    def action_point(self, value: bool) -> None:
        """Move the cursor to Yes or No, never the answer."""
        self.cursor = value

    def action_select(self) -> None:  # Space: pick what the cursor is on
        if self.cursor is not None:
            self.action_answer(self.cursor)

    def on_click(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)
        if offset is not None:
            self.action_answer(offset.x < 14)

    def set_value(self, value: Any) -> None:
        self.value = value if isinstance(value, bool) else None


INPUTS: dict[str, type[Widget]] = {
    "choice": ChoiceInput,
    "multi": MultiInput,
    "scale": ScaleInput,
    "number": NumberInput,
    "yes_no": YesNoInput,
    "text": TextInput,
    "date": DateInput,
    "calculated": CalculatedView,
}
"""Question type → its input widget."""

HINTS: dict[str, str] = {
    "choice": N_("1–9 pick · ↑↓ move, Space picks there · Enter next (never picks)"),
    "multi": N_("1–9 or Space tick · ↑↓ move · Enter next"),
    "scale": N_("number keys pick · ←→ move, Space picks there · Enter next"),
    "number": N_("type a number (7,5 or 7.5) · Enter save and next"),
    "yes_no": N_("y yes · n no · ←→ move, Space picks there · Enter next"),
    "text": N_("type freely (saved as you pause) · Enter next"),
    "date": N_("type YYYY-MM-DD · Enter save and next"),
    "calculated": N_("computed from other answers · Enter next"),
}
"""One line of keys shown under each input (translated where shown: ``_(HINTS[type])``)."""


def make_input(question: Question, value: Any = None) -> Widget:
    """The input widget for a question, showing its recorded value."""
    return INPUTS[question.type](question, value)  # type: ignore[call-arg]

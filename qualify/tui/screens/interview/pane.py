"""The question pane: the question, its help, the input for its type, and around the
input where the question is ("Section · n of m" and its tags) and the status under it
(saved when, the source, the note, a knock-out, or why it was not saved).

The input widgets post ``AnswerChosen`` and ``Navigate``, which bubble to the screen;
the words around them are pure functions of the answer as last saved.
"""

from __future__ import annotations

from collections.abc import Awaitable
from datetime import datetime
from typing import TYPE_CHECKING, Any

from textual.app import ComposeResult
from textual.containers import Vertical, VerticalScroll
from textual.content import Content
from textual.widget import Widget
from textual.widgets import Static

from qualify.core.gates import needs_evidence
from qualify.core.words import TYPE_WORDS, answer_text, one_line, visible
from qualify.i18n import N_, _, fmt_pct, tr
from qualify.tui.format import fmt_time, score_label
from qualify.tui.widgets.question_inputs import HINTS, make_input

if TYPE_CHECKING:
    from qualify.core.breakdown import ScoreBreakdown
    from qualify.core.questionnaire import Question, QuestionSet, Stage
    from qualify.core.records import AnswerRecord
    from qualify.tui.widgets.red_flags import OpenFlags

SOURCES: tuple[str, ...] = ("stated", "verified", "estimated", "observed", "our_records")
"""How sure an answer is, in the order F6 cycles through them."""

STATE_WORDS: dict[str, str] = {
    "unknown": N_("Unknown: ask next time"),
    "declined": N_("Declined to answer"),
}
"""Answer states other than `answered`, as the interviewer reads them."""

SOURCE_WORDS: dict[str, str] = {
    "stated": "stated by the prospect",
    "verified": "verified (evidence seen)",
    "estimated": "estimated by you",
    "observed": "observed by you (your judgement)",
    "our_records": "from our own records",
}


class QuestionPane(VerticalScroll):
    """One question and its input; the input is swapped only when the question changes."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.input: Widget | None = None
        """The input of the question shown (None before the first one)."""
        self._switching = 0
        """New inputs on their way to the focus (show_question → _ready)."""

    def on_unmount(self) -> None:
        """Gone with an input still on its way (the interview left at once): the app
        stops waiting for it."""
        for _pending in range(self._switching):
            self.app.input_came()  # type: ignore[attr-defined]
        self._switching = 0

    def compose(self) -> ComposeResult:
        yield Static(_("Opening the interview…"), id="where")
        yield Static("", id="score-line")
        yield Static("", id="question")
        yield Static("", id="help")
        yield Vertical(id="input-slot")
        yield Static("", id="keys-hint")
        yield Static("", id="status")

    def show_question(self, question: Question, value: Any) -> None:
        """The question, its help, a new input showing `value`, its keys; scrolled home."""
        self.query_one("#question", Static).update(Content(one_line(question.text)))
        help_text = one_line(question.help)
        help_widget = self.query_one("#help", Static)
        help_widget.update(Content.styled(help_text, "italic $text-muted") if help_text else "")
        help_widget.display = bool(help_text)
        help_widget.styles.max_height = None  # the stylesheet's again (fitted once shown)
        slot = self.query_one("#input-slot", Vertical)
        removed = self.input.remove() if self.input is not None else None
        self.input = make_input(question, value)
        # a change of question: what is typed now is for the new one
        self.input_on_its_way(hold=removed is not None)
        self.call_later(self._ready, removed, slot.mount(self.input))
        self.query_one("#keys-hint", Static).update(
            Content.styled(_(HINTS[question.type]), "$text-muted")
        )
        self.scroll_home(animate=False)

    async def _ready(self, removed: Awaitable[object] | None, mounted: Awaitable[object]) -> None:
        """Once the old input has taken every key sent to it and the new one is there, it
        gets the focus and the keys typed meanwhile (held by the app: keys_in_order)."""
        try:
            if removed is not None:
                await removed
            await mounted
            self.focus_input()  # the app sets the focus when it gets to it…
            self.call_after_refresh(self._fit_help)
        finally:
            self.input_came()  # …then the latest question's input takes the keys

    def on_resize(self) -> None:
        self.query_one("#help", Static).styles.max_height = None
        self.call_after_refresh(self._fit_help)

    def _fit_help(self) -> None:
        """On a short screen the help shows its first lines so that the input and its keys
        fit (interview.tcss); the rows the pane has to spare below go to the rest of it
        (at 80×24 it was cut mid-sentence above six empty rows)."""
        help_widget = self.query_one("#help", Static)
        if not help_widget.display or help_widget.styles.max_height is None:
            return
        shown = [c.virtual_region_with_margin.bottom for c in self.children if c.display]
        spare = self.scrollable_content_region.height - max(shown, default=0)
        if spare <= 0:
            return
        help_widget.styles.max_height = help_widget.outer_size.height + spare

    def input_on_its_way(self, *, hold: bool = True) -> None:
        """A new input is coming (now, or once the answers given are on disk: another
        repeat of a section): keys typed meanwhile (if `hold`) wait for it, however long
        it takes. Paired with :meth:`input_came`."""
        self._switching += 1
        self.app.input_coming()  # type: ignore[attr-defined]
        if hold:
            self.app.hold_keys()  # type: ignore[attr-defined]

    def input_came(self) -> None:
        """An input announced is there (or will not come): once none is on its way, the
        keys held go to the input that has the focus."""
        if self._switching <= 0:
            return
        self._switching -= 1
        self.app.input_came()  # type: ignore[attr-defined]
        if not self._switching:
            self.app.call_later(self.app.release_keys)  # type: ignore[attr-defined]

    def settle(self) -> None:
        """A move was asked and handled. Unless a new input is on its way (it takes the
        held keys when it is ready), they go on now: to the summary, or back to the
        question that stayed (the first one going back, a refused answer)."""
        if not self._switching:
            self.app.call_later(self.app.release_keys)  # type: ignore[attr-defined]

    def focus_input(self) -> None:
        if self.input is not None and self.input.is_attached:
            self.input.focus()

    def take_pending(self) -> tuple[Question, bool, Any, str] | None:
        """What was typed and not sent yet: (question, changed, value, why not valid), or
        None for inputs that send every answer at once (see ``take_pending`` there)."""
        widget = self.input
        take = getattr(widget, "take_pending", None)
        if widget is None or not widget.is_attached or take is None:
            return None
        changed, value, problem = take()
        return widget.question, changed, value, problem  # type: ignore[attr-defined]

    def typing(self) -> bool:
        """Something typed (a number, a text) that is not sent yet: a teammate's answer
        arriving meanwhile must not replace it."""
        widget = self.input
        peek = getattr(widget, "has_pending", None)
        return bool(widget is not None and widget.is_attached and peek is not None and peek())

    def set_input(self, value: Any) -> None:
        """Show `value` in the input without sending it (None empties it: the answer was
        withdrawn or marked unknown/declined)."""
        setter = getattr(self.input, "set_value", None)
        if setter is not None:
            setter(value)

    def show_score(self, breakdown: ScoreBreakdown | None, flags: OpenFlags | None = None) -> None:
        """The live score in one line, for screens too narrow for the side panel; with
        the count of open red flags in place of the hint (`⚑ 2 red flags (F4)`: the summary
        shows their reasons), so the line stays one line at 80 columns."""
        hint = (" · " + _("F4 summary"), "$text-muted")
        if flags is not None:
            hint = (f" · {flags.short()} (F4)", "bold $text-warning")
        if breakdown is None or breakdown.score is None:
            line = Content.styled(_("Live score: — no scored answers yet"), "$text-muted")
        else:
            label = score_label(
                breakdown.score, breakdown.band, breakdown.knocked_out, breakdown.provisional
            )
            line = Content.assemble(
                (_("Live score:") + " ", "$text-muted"),
                (label, "bold"),
                (
                    " · " + _("coverage {coverage}").format(coverage=fmt_pct(breakdown.coverage)),
                    "$text-muted",
                ),
                hint,
            )
        self.query_one("#score-line", Static).update(line)

    def show_where(self, where: Content) -> None:
        self.query_one("#where", Static).update(where)

    def show_status(self, status: Content | str) -> None:
        self.query_one("#status", Static).update(status)


def where_line(
    qs: QuestionSet,
    question_id: str,
    visible: list[str],
    stage: Stage | None,
    record: AnswerRecord | None,
    repeat: str = "",
) -> Content:
    """ "Section · n of m" and the question's tags; n and m change with visibility; in a
    repeated section, which repeat it is ("repeat 2 of 3 (at most 3)")."""
    question = qs.questions[question_id]
    section = qs.section_of[question_id]
    position = visible.index(question_id) + 1 if question_id in visible else 0
    tags = []
    if question.required:
        tags.append((_("required"), "$text-warning"))
    if needs_evidence(stage, qs, question.id):
        if record is not None and record.state == "answered" and record.source == "verified":
            tags.append((_("✓ evidence seen"), "$text-success"))
        else:
            tags.append((_("⚑ needs evidence"), "$text-warning"))
    tags.append((_(TYPE_WORDS.get(question.type, question.type)), "$text-muted"))
    tag_parts: list[tuple[str, str]] = []
    for text, style in tags:
        tag_parts.append(("  ·  ", "$text-muted"))
        tag_parts.append((text, style))
    return Content.assemble(
        (section.title, "bold $text-accent"),
        (" · " + repeat + " · " + _("F10 next repeat") if repeat else "", "bold $text-accent"),
        (" · " + _("{n} of {total}").format(n=position, total=len(visible)), "bold"),
        *tag_parts,
    )


def status_lines(
    qs: QuestionSet,
    question_id: str,
    record: AnswerRecord | None,
    breakdown: ScoreBreakdown | None,
    *,
    saved_at: datetime | None = None,
    error: str | None = None,
    saving: bool = False,
) -> Content:
    """The status under the input: ✗ not saved, … saving, ✓ saved (with the answer and
    its source), the state (unknown, declined) or "not answered yet"; then the note and a
    knock-out, if any. `saved_at` is when this session saved it (else the record's time)."""
    if error:
        return Content.assemble(
            ("✗ " + _("Not saved:") + " ", "bold $text-error"), (error, "$text-error")
        )
    question = qs.questions[question_id]
    parts: list[Content] = []
    when = saved_at or (record.answered_at if record is not None else None)
    if saving:  # "saved" only once the write returned
        parts.append(Content.styled("… " + _("Saving"), "bold $text-muted"))
    elif record is not None and record.state != "answered":
        word = _(STATE_WORDS.get(record.state, record.state))
        parts.append(
            Content.assemble(
                ("? " if record.state == "unknown" else "– ", "bold $text-warning"),
                (word, "bold $text-warning"),
                ("  " + _("saved") + " ", "$text-muted"),
                (fmt_time(when), "$text-muted"),
            )
        )
        parts.append(
            Content.styled(_("Answer it to replace this (F7/F8 again to undo)."), "$text-muted")
        )
    elif record is not None and record.value is not None:
        parts.append(
            Content.assemble(
                ("✓ " + _("Saved") + " ", "bold $text-success"),
                (fmt_time(when), "$text-muted"),
                ("  ", ""),
                (visible(one_line(tr(answer_text(question, record.value)), 80)), ""),
            )
        )
        parts.append(
            Content.assemble(
                (_("Source:") + " ", "$text-muted"),
                (_(SOURCE_WORDS.get(record.source, record.source)), "bold"),
                ("  " + _("(F6 or v changes it)"), "$text-muted"),
            )
        )
    elif question.type != "calculated":  # (worked out, never asked: nothing to answer)
        parts.append(
            Content.styled(
                _("Not answered yet · F7 unknown (ask next time) · F8 won't say"), "$text-muted"
            )
        )
    if record is not None and record.note:
        parts.append(
            Content.assemble((_("Note:") + " ", "bold"), visible(one_line(record.note, 200)))
        )
    if breakdown is not None:
        for s in breakdown.sections:
            for qscore in s.questions:
                if qscore.id == question_id and qscore.knockout:
                    parts.append(
                        Content.assemble(
                            ("✗ " + _("Knock-out:") + " ", "bold $text-error"),
                            one_line(qscore.knockout, 200),
                        )
                    )
    return Content("\n").join(parts)

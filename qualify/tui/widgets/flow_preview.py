"""The question flow of a set as the interviewer will meet it: sections, questions, types,
conditions and deal-breakers, so an author sees the effect of an edit at once."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import on
from textual.content import Content

from qualify.core.words import TYPE_WORDS, one_line
from qualify.i18n import _, counted
from qualify.tui.widgets.text import Reflowed, ReflowStatic

if TYPE_CHECKING:
    from qualify.core.questionnaire.model import QuestionSet


def flow_content(qs: QuestionSet, *, width: int = 80) -> Content:
    """One line per section and per question, conditions and knock-outs marked."""
    text_w = max(20, width - 8)
    lines: list[Content] = [
        Content.assemble(
            (qs.title, "bold"),
            (
                f" · v{qs.version} · "
                + counted("{n} section", "{n} sections", len(qs.sections))
                + " · ",
                "$text-muted",
            ),
            (counted("{n} question", "{n} questions", len(qs.questions)), "$text-muted"),
        )
    ]
    n = 0
    for section in qs.sections:
        direction = _("we fit them") if section.direction == "we_fit_them" else _("they fit us")
        lines.append(Content(""))
        head = [
            (section.title, "bold $text-accent"),
            (
                "  "
                + _("weight {weight} · {direction}").format(
                    weight=f"{section.weight:g}", direction=direction
                ),
                "$text-muted",
            ),
        ]
        if section.when:
            head.append(
                (
                    "  " + _("only if {condition}").format(condition=one_line(section.when, 60)),
                    "$text-warning",
                )
            )
        lines.append(Content.assemble(*head))
        for q in section.questions:
            n += 1
            marks: list[tuple[str, str]] = [(f"{n:>3}. ", "$text-muted")]
            marks.append((one_line(q.text, text_w), "bold" if q.required else ""))
            lines.append(Content.assemble(*marks))
            facts = [_(TYPE_WORDS[q.type]) if q.type in TYPE_WORDS else q.type]
            if q.required:
                facts.append(_("required"))
            if q.verify:
                facts.append(_("needs evidence"))
            if not q.scored and q.type != "text":
                facts.append(_("not scored"))
            elif q.scored:
                facts.append(_("weight {weight}").format(weight=f"{q.weight:g}"))
            detail: list[tuple[str, str]] = [("     " + " · ".join(facts), "$text-muted")]
            if q.when:
                detail.append(
                    (
                        "  " + _("only if {condition}").format(condition=one_line(q.when, 60)),
                        "$text-warning",
                    )
                )
            knockouts = [o for o in q.options or () if o.knockout]
            if knockouts or q.knockout:
                detail.append(("  ✗ " + _("can knock out"), "$text-error"))
            lines.append(Content.assemble(*detail))
    return Content("\n").join(lines)


class FlowPreview(ReflowStatic):
    """The flow of the last valid version of a set (dimmed when the text has errors)."""

    DEFAULT_CSS = """
    FlowPreview { height: auto; }
    FlowPreview.-stale { opacity: 60%; }
    """

    _shown: tuple[QuestionSet, bool] | None = None

    def show(self, qs: QuestionSet | None, *, stale: bool = False, note: str = "") -> None:
        """Show a set's flow; `stale` marks it as the last valid version while errors remain."""
        self.set_class(stale, "-stale")
        if qs is None:
            self._shown = None
            self.update(Content.styled(note or _("Nothing to preview yet."), "$text-muted"))
            return
        self._shown = (qs, stale)
        self._paint(qs, stale)

    @on(Reflowed)
    def _reflowed(self, event: Reflowed) -> None:
        """Questions are cut to the width: cut again when it changes (a scrollbar came or
        went once the screen was laid out, or the terminal was resized)."""
        if event.widget is not self:
            return
        event.stop()
        if self._shown is not None:
            self._paint(*self._shown)

    def _paint(self, qs: QuestionSet, stale: bool) -> None:
        body = flow_content(qs, width=self.size.width or 80)
        if stale:
            body = (
                Content.styled(
                    _("Last valid version (fix the errors to update):") + "\n\n", "italic"
                )
                + body
            )
        self.update(body)

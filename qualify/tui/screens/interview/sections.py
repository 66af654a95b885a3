"""The interview's sections list: each section with how much of it is answered, and the
summary at the end; redrawn line by line as answers come in."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.content import Content
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from qualify.i18n import _

if TYPE_CHECKING:
    from qualify.core.breakdown import ScoreBreakdown

SUMMARY = "__summary__"
"""Id of the "Summary and gate" entry of the sections list (and of the summary "question")."""


class SectionList(OptionList):
    """Sections with a mark (✓ done, ◐ begun, ○ not begun, – not asked) and a count."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._marks: list[tuple[object, ...]] = []
        """What the list shows, line by line, to redraw only what changed."""

    def show(
        self, breakdown: ScoreBreakdown, current_section: str | None, on_summary: bool
    ) -> None:
        """Draw the sections as scored in `breakdown`, the current one in bold."""
        prompts: list[Option] = []
        marks: list[tuple[object, ...]] = []
        for s in breakdown.sections:
            if s.visible == 0:
                mark, style = "–", "$text-muted"
            elif s.answered >= s.visible:
                mark, style = "✓", "$text-success"
            elif s.answered:
                mark, style = "◐", "$text-warning"
            else:
                mark, style = "○", "$text-muted"
            count = f"{s.answered}/{s.visible}" if s.visible else _("not asked")
            title = Content.assemble(
                (f"{mark} ", style),
                (s.title, "bold" if s.id == current_section else ""),
                (f"  {count}", "$text-muted"),
            )
            prompts.append(Option(title, id=s.id, disabled=s.visible == 0))
            marks.append((s.id, mark, count, s.id == current_section, s.visible == 0))
        marks.append((SUMMARY, on_summary))
        prompts.append(
            Option(
                Content.assemble(
                    ("▣ ", "$text-accent"),
                    (_("Summary and gate"), "bold" if on_summary else ""),
                ),
                id=SUMMARY,
            )
        )
        highlighted = self.highlighted
        shown = self._marks
        self._marks = marks
        if [m[0] for m in shown] == [m[0] for m in marks]:
            # Same sections: redraw only the lines that changed, so an answer does not
            # rebuild the whole list (a measurable part of key → painted score).
            for index, (before, after) in enumerate(zip(shown, marks, strict=True)):
                if before != after:
                    self.replace_option_prompt_at_index(index, prompts[index].prompt)
                    if prompts[index].disabled:
                        self.disable_option_at_index(index)
                    else:
                        self.enable_option_at_index(index)
        else:
            self.set_options(prompts)
        if highlighted is not None and not self.has_focus:
            ids = [s.id for s in breakdown.sections] + [SUMMARY]
            target = SUMMARY if on_summary else current_section
            self.highlighted = ids.index(target) if target in ids else highlighted
        elif highlighted is not None:
            self.highlighted = highlighted

    def highlight_id(self, option_id: str | None) -> None:
        """Put the cursor on a section (or the summary), if it is listed."""
        ids = [self.get_option_at_index(i).id for i in range(self.option_count)]
        if option_id in ids:
            self.highlighted = ids.index(option_id)

"""Section scores as bars, grouped by direction of fit (they fit us / we fit them)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.content import Content
from textual.widgets import Static

from qualify.core.questionnaire.model import DIRECTION_TITLES
from qualify.core.words import bar, visible
from qualify.i18n import _, fmt_score
from qualify.tui.widgets.bands import band_style

if TYPE_CHECKING:
    from qualify.core.breakdown import ScoreBreakdown
    from qualify.core.questionnaire.model import QuestionSet


class SectionBars(Static):
    """One line per section: title, bar, score, answered/visible."""

    DEFAULT_CSS = """
    SectionBars { height: auto; }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__("", id=id)
        self._data: tuple[ScoreBreakdown | None, QuestionSet | None] = (None, None)

    def show(
        self, breakdown: ScoreBreakdown | None, question_set: QuestionSet | None = None
    ) -> None:
        self._data = (breakdown, question_set)
        self._draw()

    def on_resize(self) -> None:
        self._draw()

    def _draw(self) -> None:
        breakdown, qs = self._data
        if breakdown is None:
            self.update("")
            return
        width = self.size.width or 40
        title_w = max(8, min(26, width - 22))
        bar_w = max(4, width - title_w - 16)
        # A name that would be cut ("Company…") gets a line of its own, the bar under it.
        stacked = any(len(s.title) > title_w for s in breakdown.sections)
        if stacked:
            title_w, bar_w = width, max(4, width - 16)
        lines: list[Content] = []
        for direction, title in DIRECTION_TITLES.items():
            sections = [s for s in breakdown.sections if s.direction == direction]
            if not sections:
                continue
            if lines:
                lines.append(Content(""))
            value = breakdown.directions.get(direction)
            lines.append(
                Content.assemble((_(title), "bold"), (f" · {fmt_score(value)}", "$text-muted"))
            )
            for s in sections:
                title = visible(s.title, one_line=True)
                name = title if len(title) <= title_w else title[: title_w - 1] + "…"
                lead = (f"{name}\n  ", "") if stacked else (f"{name:<{title_w}} ", "")
                if s.visible == 0:
                    lines.append(Content.assemble(lead, (_("not asked"), "$text-muted")))
                    continue
                band = qs.band_for(s.score) if qs is not None else None
                style = band_style(band, question_set=qs)
                lines.append(
                    Content.assemble(
                        lead,
                        (bar(s.score, bar_w), style),
                        (f" {fmt_score(s.score):>5}", style),
                        (f" {s.answered}/{s.visible}", "$text-muted"),
                    )
                )
                for r in s.repeats or ():  # a repeated section: each repeat on its own line
                    label = f"  #{r.index + 1} "
                    width = bar_w - len(label) + 2 if stacked else bar_w
                    lead = (label if stacked else f"{label:<{title_w}} ", "")
                    style = band_style(qs.band_for(r.score) if qs else None, question_set=qs)
                    lines.append(
                        Content.assemble(
                            lead,
                            (bar(r.score, max(width, 4)), style),
                            (f" {fmt_score(r.score):>5}", style),
                            (f" {r.answered}/{r.visible}", "$text-muted"),
                        )
                    )
        self.update(Content("\n").join(lines))

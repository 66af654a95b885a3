"""The live score: the number with its band, coverage, the evidence behind it, both
directions of fit, the section bars, any knock-out and the open red flags, updated in
place after every answer."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.content import Content
from textual.widgets import Static

from qualify.core.gates import evidence_shares
from qualify.core.words import SOURCE_LABELS, bar, one_line
from qualify.i18n import N_, _, band_word, fmt_pct, fmt_score
from qualify.tui.widgets.bands import band_style
from qualify.tui.widgets.section_bars import SectionBars
from qualify.tui.widgets.text import Hanging

if TYPE_CHECKING:
    from qualify.core.assess import Assessment
    from qualify.core.breakdown import ScoreBreakdown
    from qualify.core.questionnaire.model import QuestionSet
    from qualify.tui.widgets.red_flags import OpenFlags

DIRECTION_SHORT: dict[str, str] = {
    "they_fit_us": N_("They fit us"),
    "we_fit_them": N_("We fit them"),
}


class ScorePanel(VerticalScroll):
    """Score, band, coverage, directions of fit, sections, knock-outs and open red flags."""

    DEFAULT_CSS = """
    ScorePanel {
        height: auto;
        max-height: 100%;
        & > #score-verdict { text-style: bold; }
        & > #score-bar { margin-bottom: 0; }
        & > #score-facts { color: $text-muted; }
        & > #score-evidence { color: $text-muted; }
        & > #score-directions { margin-top: 1; }
        & > #score-knockouts { margin-top: 1; color: $text-error; }
        & > #score-flags { margin-top: 1; }
        & > #score-flag-reasons { padding-left: 2; }
        & > SectionBars { margin-top: 1; }
    }
    """

    def __init__(self, *, sections: bool = True, id: str | None = None) -> None:
        super().__init__(id=id)
        self.with_sections = sections
        """Show the per-section bars below the score."""
        self._last: tuple[QuestionSet | None, ScoreBreakdown | None] = (None, None)
        self._sources: Mapping[str, str] | None = None
        self._flags: OpenFlags | None = None

    def compose(self) -> ComposeResult:
        yield Static(_("No answers yet"), id="score-verdict")
        yield Static("", id="score-bar")
        yield Static("", id="score-facts")
        evidence = Static("", id="score-evidence")
        evidence.display = False
        yield evidence
        yield Static("", id="score-directions")
        yield Static("", id="score-knockouts")
        for flag_id in ("score-flags", "score-flag-reasons"):
            flags = Static("", id=flag_id)
            flags.display = False
            yield flags
        if self.with_sections:
            yield SectionBars()

    def on_mount(self) -> None:
        qs, breakdown = self._last
        if breakdown is not None:
            self.show(breakdown, qs, self._sources, self._flags)

    def on_resize(self) -> None:
        qs, breakdown = self._last
        if breakdown is not None:
            self._render_bar(breakdown, qs)

    def show(
        self,
        breakdown: ScoreBreakdown | None,
        question_set: QuestionSet | None = None,
        sources: Mapping[str, str] | None = None,
        flags: OpenFlags | None = None,
    ) -> None:
        """Show a breakdown (None: nothing scored yet); with the answers' sources
        (question id → stated/verified/estimated) also the evidence behind the score;
        with the prospect's open red flags, their count and reasons under the verdict
        (whichever stage raised them: red flags travel)."""
        self._last = (question_set, breakdown)
        self._sources = sources
        self._flags = flags
        if not self.is_mounted:
            return
        flagged = self.query_one("#score-flags", Static)
        flagged.update(flags.content() if flags is not None else "")
        reasons = self.query_one("#score-flag-reasons", Static)
        reasons.update(flags.reasons_content() if flags is not None else "")
        flagged.display = reasons.display = flags is not None
        verdict = self.query_one("#score-verdict", Static)
        if breakdown is None:
            verdict.update(_("Not scored yet"))
            for sid in (
                "#score-bar",
                "#score-facts",
                "#score-evidence",
                "#score-directions",
                "#score-knockouts",
            ):
                self.query_one(sid, Static).update("")
            self.query_one("#score-evidence", Static).display = False
            if self.with_sections:
                self.query_one(SectionBars).show(None)
            return
        style = band_style(breakdown.band, breakdown.knocked_out, question_set=question_set)
        if breakdown.knocked_out:
            head = Content.assemble(
                ("✗ ", style),
                (band_word(breakdown.band) or _("Not a fit"), style),
                (
                    "  " + _("(score {score})").format(score=fmt_score(breakdown.score)),
                    "$text-muted",
                ),
            )
        elif breakdown.score is None:
            head = Content.assemble(
                ("— ", "$text-muted"), (_("no scored answers yet"), "$text-muted")
            )
        elif breakdown.provisional:
            head = Content.assemble(
                (_("Score") + " ", ""),
                (f"{breakdown.score:.0f}", "$text-muted"),
                ("  " + _("provisional: too little answered for a verdict"), "$text-muted"),
            )
        else:
            head = Content.assemble(
                (_("Score") + " ", ""),
                (fmt_score(breakdown.score), style),
                ("  ", ""),
                (breakdown.band or "", style),
            )
        verdict.update(head)
        self._render_bar(breakdown, question_set)
        answered = sum(s.answered for s in breakdown.sections)
        visible = sum(s.visible for s in breakdown.sections)
        self.query_one("#score-facts", Static).update(
            _("Coverage {coverage} · {answered} of {visible} answered").format(
                coverage=fmt_pct(breakdown.coverage), answered=answered, visible=visible
            )
        )
        evidence = evidence_line(breakdown, sources)
        evidence_widget = self.query_one("#score-evidence", Static)
        evidence_widget.update(evidence)
        evidence_widget.display = bool(evidence.plain)
        parts: list[Content | str | tuple[str, str]] = []
        for key, label in DIRECTION_SHORT.items():
            value = breakdown.directions.get(key)
            if parts:
                parts.append("\n")
            # no band while the score is provisional: "Strong fit" on one answer of 18
            # is a verdict nobody could sign (the overall score shows none either)
            band = None
            if question_set is not None and not breakdown.provisional:
                band = question_set.band_for(value)
            parts.append((f"{_(label):<12}", ""))
            parts.append((f"{fmt_score(value):>5}", band_style(band, question_set=question_set)))
            if band:
                parts.append((f" {band}", band_style(band, question_set=question_set)))
        self.query_one("#score-directions", Static).update(Content.assemble(*parts))
        knockouts = self.query_one("#score-knockouts", Static)
        if breakdown.knockouts:
            mark = Content.styled("✗ ", "bold")
            said = _("Knock-out:") + " "
            knockouts.update(  # a reason that wraps goes on under its words
                Hanging(
                    [
                        (mark, Content.assemble((said, "bold"), one_line(hit.reason, 160)))
                        for hit in breakdown.knockouts
                    ]
                )
            )
            knockouts.display = True
        else:
            knockouts.update("")
            knockouts.display = False
        if self.with_sections:
            self.query_one(SectionBars).show(breakdown, question_set)

    def show_assessment(
        self, a: Assessment, titles: Mapping[str, str] | None = None
    ) -> OpenFlags | None:
        """The current interview's score with its answers' sources and the prospect's
        open red flags (returned, for a line that counts them too)."""
        from qualify.tui.widgets.red_flags import open_flags
        from qualify.workflow.checks import answer_sources

        flags = open_flags(a, titles)
        self.show(a.breakdown, a.question_set, answer_sources(a.interview), flags)
        return flags

    def _render_bar(self, breakdown: ScoreBreakdown, question_set: QuestionSet | None) -> None:
        width = max(6, min(40, self.size.width - 2 if self.size.width else 20))
        style = band_style(breakdown.band, breakdown.knocked_out, question_set=question_set)
        self.query_one("#score-bar", Static).update(
            Content.styled(bar(breakdown.score, width), style)
        )


def evidence_line(breakdown: ScoreBreakdown, sources: Mapping[str, str] | None) -> Content:
    """`Evidence: 40% verified · 55% stated · 5% estimated` (empty without sources)."""
    if sources is None:
        return Content("")
    shares = evidence_shares(breakdown, sources)
    if shares is None:
        return Content("")
    parts: list[tuple[str, str]] = []
    for source, share in shares.items():
        if not share and source != "verified":
            continue
        if parts:
            parts.append((" · ", ""))
        style = "$text-success" if source in ("verified", "our_records") and share else ""
        parts.append((f"{fmt_pct(share)} {_(SOURCE_LABELS.get(source, source))}", style))
    return Content.assemble((_("Evidence:") + " ", ""), *parts)

"""The stage timeline: first date → … → commitment, with dates, overrides and reasons."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.content import Content
from textual.widgets import Static

from qualify.core.words import one_line, status_word, visible
from qualify.i18n import N_, _, fmt_score
from qualify.tui.format import fmt_date
from qualify.tui.widgets.text import Hanging, Line

if TYPE_CHECKING:
    from qualify.core.questionnaire.model import Pipeline
    from qualify.core.records import HistoryEntry, Prospect

ACTION_WORDS: dict[str, str] = {
    "decline": N_("Parted ways"),
    "hold": N_("Just friends"),
    "reopen": N_("Reopened"),
    "review": N_("Reviewed"),
    "edit": N_("Facts edited"),
    "rescore": N_("Re-scored"),
}
"""The events listed under the stages (translated where shown)."""


class StageTimeline(Static):
    """Each stage with when it started and ended; then declines, holds and reopenings."""

    DEFAULT_CSS = """
    StageTimeline { height: auto; }
    """

    def show(
        self, pipeline: Pipeline | None, prospect: Prospect, history: list[HistoryEntry]
    ) -> None:
        if pipeline is None:
            self.update(Content.styled(_("The pipeline has errors: no timeline."), "$text-error"))
            return
        started: dict[str, object] = {}
        ended: dict[str, HistoryEntry] = {}
        for entry in history:
            if entry.action == "created" and entry.to_stage:
                started.setdefault(entry.to_stage, entry.at)
            elif entry.action == "advance":
                if entry.from_stage:
                    ended[entry.from_stage] = entry
                if entry.to_stage:
                    started[entry.to_stage] = entry.at
        stage_ids = [s.id for s in pipeline.stages]
        current = prospect.stage
        reached = stage_ids.index(current) if current in stage_ids else len(stage_ids)
        width = max((len(s.title) for s in pipeline.stages), default=10)
        width = min(width, 28)
        lines: list[Line] = []  # a line that wraps goes on under its words
        for i, stage in enumerate(pipeline.stages):
            title = stage.title if len(stage.title) <= width else stage.title[: width - 1] + "…"
            if i < reached:
                end = ended.get(stage.id)
                mark, style = "✓", "$text-success"
                when = f"{fmt_date(started.get(stage.id))} → {fmt_date(end.at if end else None)}"
                extra: list[tuple[str, str]] = []
                if end is not None and end.overridden:
                    extra.append(("  ⚑ " + _("override:") + " ", "bold $text-warning"))
                    reason = visible(one_line(end.reason, 80)) or _("no reason given")
                    extra.append((reason, "italic"))
                lines.append(
                    (
                        Content.styled(f"{mark} ", style),
                        Content.assemble(
                            (f"{title:<{width}}  ", ""), (when, "$text-muted"), *extra
                        ),
                    )
                )
            elif i == reached:
                status = prospect.status.value
                word = _("now") if status == "active" else _(status_word(status)).lower()
                lines.append(
                    (
                        Content.styled("▶ ", "bold $text-accent"),
                        Content.assemble(
                            (f"{title:<{width}}  ", "bold"),
                            (
                                _("since {date} ({state})").format(
                                    date=fmt_date(started.get(stage.id)), state=word
                                ),
                                "$text-accent",
                            ),
                        ),
                    )
                )
            else:
                muted = "$text-muted"
                lines.append((Content.styled("○ ", muted), Content.styled(title, muted)))
        if pipeline.review is not None and current == pipeline.review.id:
            lines.append(
                (
                    Content.styled("▶ ", "bold $text-accent"),
                    Content.assemble(
                        (f"{pipeline.review.title:<{width}}  ", "bold"),
                        (
                            _("since {date}").format(date=fmt_date(started.get(current))),
                            "$text-accent",
                        ),
                    ),
                )
            )
        events = [e for e in history if e.action in ACTION_WORDS and e.action != "edit"]
        if events:
            lines.append((Content(""), Content("")))
            for entry in events:
                reason = visible(one_line(entry.reason, 90))
                when = Content.styled(fmt_date(entry.at), "$text-muted") + "  "
                line = Content.assemble(
                    (_(ACTION_WORDS[entry.action]), "bold"),
                    (f": {reason}" if reason else "", ""),
                )
                if entry.action == "rescore":
                    line = line + Content.styled(_rescore_scores(entry.details), "$text-muted")
                if entry.action == "hold" and prospect.recontact_on and entry is events[-1]:
                    line = line + Content.styled(
                        " " + _("(call again {date})").format(date=fmt_date(prospect.recontact_on)),
                        "$text-muted",
                    )
                lines.append((when, line))
        self.update(Hanging(lines))


def _rescore_scores(details: dict) -> str:
    """` (score 100.0 → 75.0)` from a re-score entry's details; empty if they are missing."""
    old, new = details.get("old") or {}, details.get("new") or {}
    if not isinstance(old, dict) or not isinstance(new, dict) or "score" not in new:
        return ""
    return " " + _("(score {old} → {new})").format(
        old=fmt_score(old.get("score")), new=fmt_score(new.get("score"))
    )

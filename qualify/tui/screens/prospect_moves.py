"""The prospect screen's moves: advance (or override with a reason), decline, hold,
reopen, the next review, edit the facts, the next meeting, undo, and opening an earlier
stage's interview to correct it."""

from __future__ import annotations

from typing import TYPE_CHECKING

from qualify.i18n import _
from qualify.tui.format import fmt_datetime

if TYPE_CHECKING:
    from qualify.tui.screens.prospect import ProspectScreen


class MoveActions:
    """The moves that change the prospect, each through the app's move dialogs."""

    def action_advance(self: ProspectScreen) -> None:  # type: ignore[misc]
        from qualify.tui import moves

        moves.advance(self, self.prospect_id, self.load)

    def action_decline(self: ProspectScreen) -> None:  # type: ignore[misc]
        from qualify.tui import moves

        breakdown = self.view.assessment.breakdown if self.view else None
        reason = breakdown.knockouts[0].reason if breakdown and breakdown.knockouts else None
        moves.decline(self, self.prospect_id, self.load, knockout_reason=reason)

    def action_hold(self: ProspectScreen) -> None:  # type: ignore[misc]
        from qualify.tui import moves

        moves.hold(self, self.prospect_id, self.load)

    def action_reopen(self: ProspectScreen) -> None:  # type: ignore[misc]
        from qualify.tui import moves

        moves.reopen(self, self.prospect_id, self.load)

    def action_review(self: ProspectScreen) -> None:  # type: ignore[misc]
        from qualify.tui import moves

        moves.review(self, self.prospect_id, self.load)

    def action_edit(self: ProspectScreen) -> None:  # type: ignore[misc]
        from qualify.tui import moves

        if self.view is not None:
            moves.edit(self, self.prospect_id, self.load)

    def action_meeting(self: ProspectScreen) -> None:  # type: ignore[misc]
        from qualify.tui.modals.meeting import ask_meeting

        ask_meeting(self, self.prospect_id, self.load)

    def action_undo(self: ProspectScreen) -> None:  # type: ignore[misc]
        from qualify.tui import moves

        self.host.saves.for_prospect(self.prospect_id).wait_idle()
        moves.undo(self, self.prospect_id, self.load)

    def action_correct(self: ProspectScreen) -> None:  # type: ignore[misc]
        """The stages this prospect has an interview of, from the timeline: the one picked
        opens to be corrected (the current one opens as usual)."""
        from qualify.tui.modals.stage_picker import StagePicker

        if self.view is None:
            return
        pipeline = self.workspace.catalog.pipeline
        titles = self.workspace.stage_titles()
        seen: dict[str, str] = {}
        for interview in self.view.assessment.records.interviews:
            label = titles.get(interview.stage, interview.stage)
            when = fmt_datetime(interview.updated_at)
            now = " · " + _("now") if interview.stage == self.view.prospect.stage else ""
            seen[interview.stage] = f"{label}  ({when}{now})"
        if not seen or pipeline is None:
            self.notify(_("No interview yet: press i to start the first one."), severity="warning")
            return

        def picked(stage: str | None) -> None:
            if stage is not None:
                self.open_interview(self.prospect_id, stage=stage)

        self.app.push_screen(StagePicker(list(seen.items())), picked)

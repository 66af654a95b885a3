"""The interview's evidence files (F9): the dialog for the question on screen."""

from __future__ import annotations

from typing import TYPE_CHECKING

from qualify.core.words import one_line
from qualify.i18n import _, error_text

if TYPE_CHECKING:
    from qualify.tui.screens.interview.screen import InterviewScreen


class EvidenceActions:
    """F9 on a question: the prospect's files, opened or attached to that question."""

    def action_evidence(self: InterviewScreen) -> None:  # type: ignore[misc]
        from qualify.paths import evidence_view_dir
        from qualify.tui.modals.evidence import EvidenceDialog, EvidenceTarget
        from qualify.workflow.evidence import EvidenceFileError, evidence_limit

        qs, a = self.question_set, self.assessment
        if qs is None or a is None or self.current not in qs.questions:
            return
        try:
            limit = evidence_limit(self.workspace.data_dir)
        except EvidenceFileError as exc:
            self.notify(error_text(exc), title=_("Evidence files"), severity="error", markup=False)
            return
        target = EvidenceTarget(
            a.prospect,
            self.key_of(self.current),
            one_line(qs.questions[self.current].text, 160),
            self.correcting,
        )
        self.app.push_screen(EvidenceDialog(self.qualifier, target, limit, evidence_view_dir()))

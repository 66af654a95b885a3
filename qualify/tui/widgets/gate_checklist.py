"""The gate of the current stage as a checklist: what is met, what is still missing.

Facts the gate wants verified are named by their question and say where the answer
came from now (stated by the prospect, estimated by you), so the interviewer sees
which evidence to bring back.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from textual.content import Content
from textual.widgets import Static

from qualify.core.words import one_line
from qualify.i18n import N_, _, tr
from qualify.tui.widgets.text import Hanging, Line

if TYPE_CHECKING:
    from qualify.core.gates import Criterion, GateResult
    from qualify.core.questionnaire.model import QuestionSet

SOURCE_SHORT: dict[str, str] = {
    "stated": N_("stated by them"),
    "estimated": N_("your estimate"),
    "verified": N_("verified"),
    "observed": N_("your judgement"),
    "our_records": N_("our records"),
}
"""An answer's source in a few words, for a checklist line."""


class GateChecklist(Static):
    """✓ met / ✗ missing, one criterion a line, under a one-line verdict."""

    DEFAULT_CSS = """
    GateChecklist { height: auto; }
    """

    def show(
        self,
        gate: GateResult | None,
        next_title: str | None = None,
        note: str = "",
        *,
        question_set: QuestionSet | None = None,
        sources: Mapping[str, str] | None = None,
    ) -> None:
        """Show a gate; with the question set and the answers' sources, facts to verify
        are named by their question and their current source."""
        if gate is None:
            self.update(Content.styled(note or _("No gate at this stage."), "$text-muted"))
            return
        target = next_title or gate.next_stage_id or _("the next stage")
        missing = [c for c in gate.criteria if not c.met]
        if gate.passed:
            head = Content.assemble(
                ("✓ " + _("Gate met"), "bold $text-success"),
                (": " + _("ready for {stage}").format(stage=target), ""),
            )
        else:
            head = Content.assemble(
                ("✗ " + _("Gate not met"), "bold $text-error"),
                (": " + _("{n} missing before {stage}").format(n=len(missing), stage=target), ""),
            )
        lines: list[Line] = [(Content(""), head)]
        for c in gate.criteria:
            text = criterion_text(c, question_set, sources)
            if c.met:
                lines.append((Content.styled("  ✓ ", "$text-success"), text))
            else:
                lines.append((Content.styled("  ✗ ", "$text-error"), text.stylize("bold")))
        self.update(Hanging(lines))  # a criterion that wraps goes on under its words


def criterion_text(
    criterion: Criterion, qs: QuestionSet | None, sources: Mapping[str, str] | None
) -> Content:
    """The criterion's words; a fact to verify by its question and its source now."""
    if not criterion.key.startswith("verified:") or qs is None or sources is None:
        return Content(tr(criterion.text))
    qid = criterion.key.partition(":")[2]
    question = qs.questions.get(qid)
    if question is None:
        return Content(tr(criterion.text))
    label = one_line(question.text, 80)
    if criterion.met:
        return Content.assemble((_("Verified: "), ""), (label, ""))
    source = sources.get(qid)
    if source is None:
        return Content.assemble(
            (_("To verify: "), ""), (label, ""), (" " + _("(unanswered)"), "$text-warning")
        )
    return Content.assemble(
        (_("To verify: "), ""),
        (label, ""),
        (
            " " + _("(now {source})").format(source=_(SOURCE_SHORT.get(source, source))),
            "$text-warning",
        ),
    )

"""The gate of the current stage as a checklist: what is met, what is still missing."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.content import Content
from textual.widgets import Static

if TYPE_CHECKING:
    from qualify.pipeline import GateResult


class GateChecklist(Static):
    """✓ met / ✗ missing, one criterion a line, under a one-line verdict."""

    DEFAULT_CSS = """
    GateChecklist { height: auto; }
    """

    def show(self, gate: GateResult | None, next_title: str | None = None, note: str = "") -> None:
        if gate is None:
            self.update(Content.styled(note or "No gate at this stage.", "$text-muted"))
            return
        target = next_title or gate.next_stage_id or "the next stage"
        missing = [c for c in gate.criteria if not c.met]
        if gate.passed:
            head = Content.assemble(
                ("✓ Gate met", "bold $text-success"), (f": ready for {target}", "")
            )
        else:
            head = Content.assemble(
                ("✗ Gate not met", "bold $text-error"),
                (f": {len(missing)} missing before {target}", ""),
            )
        lines = [head]
        for c in gate.criteria:
            if c.met:
                lines.append(Content.assemble(("  ✓ ", "$text-success"), (c.text, "")))
            else:
                lines.append(Content.assemble(("  ✗ ", "$text-error"), (c.text, "bold")))
        self.update(Content("\n").join(lines))

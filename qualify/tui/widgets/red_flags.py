"""A prospect's open red flags as the app shows them: the count, whether they hold the
gate of the stage it is at, and each flag's one-line reason, in the words of the reports
and the CLI (:mod:`qualify.reports.flag_words`). Shown beside the score (overview, live
score, summary), under the prospect's name and in the advance dialog, so a "Strong fit"
never reads as clean while a red flag is open."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from textual.content import Content

from qualify.core.gates import red_flags_counted
from qualify.core.words import one_line
from qualify.i18n import tr
from qualify.reports.flag_words import MARK, flags_count, gate_words, holds, some_hold
from qualify.tui.widgets.text import Hanging

if TYPE_CHECKING:
    from qualify.core.assess import Assessment

HELD_KEYS = frozenset({"red_flags", "red_flags:held"})
"""The gate criteria an open red flag fails (see qualify.core.gates)."""


@dataclass(frozen=True)
class OpenFlags:
    """The open red flags of a prospect, for the screen."""

    reasons: tuple[str, ...]
    """Each open flag's reason, in one line, in the order raised."""
    raised: int
    """Every flag raised, open, cleared or overridden."""
    holds: tuple[bool, ...]
    """For each reason: it holds the gate of the stage the prospect is at (that gate's
    own criterion names it; not every flag holds every gate)."""
    held_gate: str = ""
    """The title of the stage whose gate they hold now ("" when they hold none)."""

    @property
    def count(self) -> int:
        return len(self.reasons)

    @property
    def held(self) -> int:
        """How many of them hold the gate."""
        return sum(self.holds)

    def heading(self) -> str:
        """`⚑ Red flags: 2 open of 2 raised.`, and `· holds the First date gate` when
        they hold the gate now."""
        text = f"{MARK} {flags_count(self.count, self.raised)}"
        if self.held_gate:
            gate = gate_words(self.held_gate)
            some = self.held < self.count
            text += " · " + (some_hold(self.held, gate) if some else holds(gate))
        return text

    def short(self) -> str:
        """`⚑ 2 red flags`, for a line that has no room for more."""
        return f"{MARK} {tr(red_flags_counted(self.count))}"

    def lines(self, width: int = 0) -> list[str]:
        """The heading, then `  ⚑ reason` a flag; with `width`, each reason cut to one
        line of that many characters."""
        cut = max(8, width - 4) if width else 0
        return [self.heading(), *(f"  {MARK} {one_line(r, cut)}" for r in self.reasons)]

    def content(self) -> Content:
        """The heading, bold in the warning colour (with the mark: never colour alone)."""
        return Content.styled(self.heading(), "bold $text-warning")

    def reasons_content(self) -> Hanging:
        """`⚑ reason` a line, in the warning colour; a reason that wraps goes on under its
        words, not under the mark."""
        mark = Content.styled(f"{MARK} ", "$text-warning")
        return Hanging([(mark, Content.styled(reason, "$text-warning")) for reason in self.reasons])


def open_flags(a: Assessment | None, titles: Mapping[str, str] | None = None) -> OpenFlags | None:
    """The assessment's open red flags (None when none is open); `titles` says a stage's
    title in the language on screen (else the pipeline's)."""
    if a is None or not a.open_red_flags:
        return None
    held, holding = "", set[str]()
    gate = a.gate
    for criterion in gate.criteria if gate is not None else ():
        if criterion.key in HELD_KEYS and not criterion.met:
            holding.update(criterion.questions)  # (a red-flag criterion's: the flags' ids)
    if gate is not None and holding:
        stage_id = gate.stage_id
        held = (titles or {}).get(stage_id) or (a.stage.title if a.stage else stage_id)
    return OpenFlags(
        reasons=tuple(f.reason for f in a.open_red_flags),
        raised=len(a.red_flags),
        holds=tuple(f.id in holding for f in a.open_red_flags),
        held_gate=held,
    )


__all__ = ["OpenFlags", "open_flags"]

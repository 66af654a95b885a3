"""The base of every full screen of the app: the workspace and the Qualifier, the
prospects as last listed, the change signal and the ways to other screens, all without
importing the app (which imports the screens)."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING, ClassVar

from rich.cells import cell_len
from textual.binding import ActiveBinding
from textual.screen import Screen

from qualify.i18n import _, english
from qualify.tui.host import QualifyHost, host
from qualify.tui.messages import (
    OpenCompare,
    OpenInterview,
    OpenProspect,
    OpenReport,
    ProspectsChanged,
)

if TYPE_CHECKING:
    from qualify.core.records import ProspectSummary
    from qualify.tui.workspace import Workspace
    from qualify.workflow.qualifier import Qualifier


PALETTE_KEY_WIDTH = 12
"""Columns the footer keeps for the command palette's key at its right end."""


class QualifyScreen(Screen[None]):
    """A screen of the qualify app."""

    FOOTER_KEYS: ClassVar[frozenset[str]] = frozenset()
    """The screen's main keys (actions): when the footer cannot show every key beside ^q
    and F1 (80 columns, longer German words), it shows these only. The others still
    work, and F1's help lists them. Empty: the footer is left as it is."""

    def footer_keys(self) -> frozenset[str]:
        """The main keys now (a screen with tabs: the tab's)."""
        return self.FOOTER_KEYS

    @property
    def active_bindings(self) -> dict[str, ActiveBinding]:
        """The keys of the screen, with their labels and tooltips in the app's language
        (the footer, the help and the command palette read them here); when they do not
        all fit in the footer, only the main ones are shown there."""
        return self._fitted(self._translated(super().active_bindings))

    def _fitted(self, found: dict[str, ActiveBinding]) -> dict[str, ActiveBinding]:
        keep = self.footer_keys()
        if not keep:
            return found
        shown: dict[str, ActiveBinding] = {}
        for active in found.values():  # the footer shows each action once
            if active.binding.show:
                shown.setdefault(active.binding.action, active)
        needed = sum(
            cell_len(self.app.get_key_display(a.binding)) + cell_len(a.binding.description) + 2
            for a in shown.values()
        )
        if needed <= self.app.size.width - PALETTE_KEY_WIDTH:
            return found
        return {
            key: active._replace(binding=replace(active.binding, show=False))
            if active.binding.show
            and active.node is not self.app
            and active.binding.action not in keep
            else active
            for key, active in found.items()
        }

    def _translated(self, found: dict[str, ActiveBinding]) -> dict[str, ActiveBinding]:
        if english():
            return found
        return {
            key: active._replace(
                binding=replace(
                    active.binding,
                    description=_(active.binding.description) if active.binding.description else "",
                    tooltip=_(active.binding.tooltip) if active.binding.tooltip else "",
                ),
                tooltip=_(active.tooltip) if active.tooltip else active.tooltip,
            )
            for key, active in found.items()
        }

    @property
    def host(self) -> QualifyHost:
        """The app, as far as a screen may use it."""
        return host(self.app)

    @property
    def workspace(self) -> Workspace:
        """The open workspace (opened by the prospects list, in a worker)."""
        return self.host.workspace

    @property
    def qualifier(self) -> Qualifier:
        """Every change to data goes through it, as in the CLI."""
        return self.host.workspace.qualifier

    def prospect_summaries(self) -> list[ProspectSummary]:
        """The prospects as last loaded by the prospects list."""
        return self.host.prospect_summaries()

    # ------------------------------------------------------------------ app-wide
    def prospects_changed(self, prospect_id: str | None = None, *, select: bool = False) -> None:
        """Say that a prospect was added, answered, moved or edited (None: several): the
        prospects list reloads once, when it is next shown; `select` highlights it there."""
        self.app.post_message(ProspectsChanged(prospect_id, select))

    def open_prospect(self, prospect_id: str, *, tab: str = "overview") -> None:
        """Keys typed after the one that opens it wait for the prospect's screen (Enter
        then `i` at once: the `i` reached the list, and was lost)."""
        self.app.hold_keys()  # type: ignore[attr-defined]
        self.app.post_message(OpenProspect(prospect_id, tab))

    def open_interview(
        self, prospect_id: str, *, question_id: str | None = None, stage: str | None = None
    ) -> None:
        self.app.post_message(OpenInterview(prospect_id, question_id, stage))

    def open_compare(self, prospect_id: str, other_id: str | None = None) -> None:
        self.app.post_message(OpenCompare(prospect_id, other_id))

    def open_report(self, prospect_id: str) -> None:
        self.app.post_message(OpenReport(prospect_id))

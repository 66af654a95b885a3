"""What the screens, the palette and the moves may ask of the app, without importing it.

The app (``qualify.tui.app``) imports the screens; the screens must not import it back
(an import-linter contract in pyproject.toml keeps it so). They reach the open workspace
and the prospects as last listed through this protocol, and ask for app-wide actions
with the messages in :mod:`qualify.tui.messages` (``OpenProspect``, ``ProspectsChanged``…).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol, cast

if TYPE_CHECKING:
    from textual.app import App

    from qualify.core.records import ProspectSummary
    from qualify.tui.saves import SaveQueues
    from qualify.tui.workspace import Workspace


class QualifyHost(Protocol):
    """The qualify app, as the rest of the TUI sees it."""

    workspace: Workspace
    """The open workspace: the store, the question sets and the Qualifier."""
    saves: SaveQueues
    """Answers on their way to disk, one ordered queue per prospect."""

    def prospect_summaries(self) -> list[ProspectSummary]:
        """The prospects as last loaded by the prospects list (for pickers and the palette)."""
        ...


def host(app: App) -> QualifyHost:
    """The running app as a :class:`QualifyHost` (it is one: see ``QualifyApp``)."""
    return cast("QualifyHost", app)

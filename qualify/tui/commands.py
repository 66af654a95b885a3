"""The command palette (ctrl+p): the main actions, each with its key, and find-a-prospect.

Because every entry names its key, the palette doubles as help.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING

from textual.command import DiscoveryHit, Hit, Hits, Provider

if TYPE_CHECKING:
    from qualify.tui.app import QualifyApp


def _commands(app: QualifyApp) -> list[tuple[str, str, Callable[[], object]]]:
    """(title, help with its key, callback) for every palette action."""
    return [
        ("New prospect", "Add a prospect at the first stage  ·  a", app.action_new_prospect),
        (
            "Find prospect",
            "Filter the prospects list, or type a name here to jump to one  ·  /",
            app.action_find_prospect,
        ),
        (
            "Export report",
            "Write the fit report of the open or highlighted prospect  ·  x",
            app.action_export_report,
        ),
        (
            "Agenda for the next meeting",
            "What to ask the open or highlighted prospect next time  ·  g (Prospect)",
            app.action_agenda,
        ),
        (
            "Export agenda as Markdown",
            "Write the open prospect's agenda into reports/ and copy it  ·  m (Agenda tab)",
            app.action_export_agenda,
        ),
        (
            "Compare with the ideal partner",
            "The open or highlighted prospect beside ideal.yaml or the best partners; o picks "
            "another prospect  ·  c (Prospect)",
            app.action_compare,
        ),
        (
            "Re-score interviews",
            "Preview interviews taken with an older version of a set under the current one; "
            "record on confirmation  ·  R (Question sets)",
            app.action_rescore,
        ),
        (
            "Validate question sets",
            "Re-read and check every question set and the pipeline  ·  v (Question sets)",
            app.action_validate,
        ),
        (
            "Question sets",
            "The active sets, their problems, the editor  ·  s",
            app.action_question_sets,
        ),
        (
            "Switch theme",
            "Light, dark and every other Textual theme  ·  ctrl+t",
            app.action_change_theme,
        ),
        ("Prospects", "Back to the prospects list  ·  escape", app.action_home),
        ("Help", "Keys and how-to for this screen  ·  F1 or ?", app.action_help),
        ("Quit", "Every answer is already saved  ·  ctrl+q", app.action_quit),
    ]


class QualifyCommands(Provider):
    """Main actions with their keys, plus every prospect by name."""

    @property
    def qualify_app(self) -> QualifyApp:
        return self.app  # type: ignore[return-value]

    async def discover(self) -> Hits:
        for title, help_text, callback in _commands(self.qualify_app):
            yield DiscoveryHit(title, callback, help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        app = self.qualify_app
        for title, help_text, callback in _commands(app):
            score = matcher.match(title)
            if score > 0:
                yield Hit(score, matcher.highlight(title), callback, help=help_text)
        # prospects by name: "find nordic", or just "nordic"
        words = query.strip()
        if words.lower().startswith("find "):
            words = words[5:]
        if len(words) < 2:
            return
        prospect_matcher = self.matcher(words)
        needle = words.lower()
        found = 0
        for summary in app.prospect_summaries():
            text = f"{summary.name} · {summary.territory or '—'}"
            if needle not in text.lower():
                continue
            score = prospect_matcher.match(text)
            if score > 0:
                yield Hit(
                    score * 0.9,
                    prospect_matcher.highlight(text),
                    partial(app.open_prospect_from_home, summary.id),
                    help=f"Open prospect  ·  {summary.stage}",
                )
                found += 1
                if found >= 40:
                    break

"""The command palette (ctrl+p): the main actions, each with its key, and find-a-prospect.

Because every entry names its key, the palette doubles as help.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import partial
from typing import TYPE_CHECKING

from textual.command import CommandPalette, DiscoveryHit, Hit, Hits, Provider

from qualify.i18n import N_, _
from qualify.tui.host import host
from qualify.tui.messages import OpenProspect

if TYPE_CHECKING:
    from textual.app import App, SystemCommand
    from textual.screen import Screen

COMMANDS: tuple[tuple[str, str, str], ...] = (
    (N_("New prospect"), N_("Add a prospect at the first stage  ·  a"), "new_prospect"),
    (
        N_("Find prospect"),
        N_("Filter the prospects list, or type a name here to jump to one  ·  /"),
        "find_prospect",
    ),
    (
        N_("Export report"),
        N_("Write the fit report of the open or highlighted prospect  ·  x"),
        "export_report",
    ),
    (
        N_("Agenda for the next meeting"),
        N_("What to ask the open or highlighted prospect next time  ·  g (Prospect)"),
        "agenda",
    ),
    (
        N_("Export agenda as Markdown"),
        N_("Write the open prospect's agenda into reports/ and copy it  ·  m (Agenda tab)"),
        "export_agenda",
    ),
    (
        N_("Compare with the ideal partner"),
        N_(
            "The open or highlighted prospect beside ideal.yaml or the best partners; o picks "
            "another prospect  ·  c (Prospect)"
        ),
        "compare",
    ),
    (
        N_("Re-score interviews"),
        N_(
            "Preview interviews taken with an older version of a set under the current one; "
            "record on confirmation  ·  R (Question sets)"
        ),
        "rescore",
    ),
    (
        N_("Validate question sets"),
        N_("Re-read and check every question set and the pipeline  ·  v (Question sets)"),
        "validate",
    ),
    (N_("Question sets"), N_("The active sets, their problems, the editor  ·  s"), "question_sets"),
    (
        N_("Switch theme"),
        N_("Light, dark and every other Textual theme  ·  ctrl+t"),
        "change_theme",
    ),
    (N_("Prospects"), N_("Back to the prospects list  ·  escape"), "home"),
    (N_("Help"), N_("Keys and how-to for this screen  ·  F1 or ?"), "help"),
    (N_("Quit"), N_("Every answer is already saved  ·  ctrl+q"), "quit"),
)
"""(title, help with its key, the app's action) for every palette entry."""


class QualifyCommands(Provider):
    """Main actions with their keys, plus every prospect by name."""

    async def discover(self) -> Hits:
        for title, help_text, action in COMMANDS:
            yield DiscoveryHit(_(title), partial(self.app.run_action, action), help=_(help_text))

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        app = self.app
        for english_title, help_text, action in COMMANDS:
            title = _(english_title)
            score = matcher.match(title)
            if score > 0:
                yield Hit(
                    score,
                    matcher.highlight(title),
                    partial(app.run_action, action),
                    help=_(help_text),
                )
        # prospects by name: "find nordic", or just "nordic"
        words = query.strip()
        if words.lower().startswith("find "):
            words = words[5:]
        if len(words) < 2:
            return
        prospect_matcher = self.matcher(words)
        needle = words.lower()
        found = 0
        for summary in host(app).prospect_summaries():
            text = f"{summary.name} · {summary.territory or '—'}"
            if needle not in text.lower():
                continue
            score = prospect_matcher.match(text)
            if score > 0:
                yield Hit(
                    score * 0.9,
                    prospect_matcher.highlight(text),
                    partial(app.post_message, OpenProspect(summary.id, from_home=True)),
                    help=_("Open prospect  ·  {stage}").format(stage=summary.stage),
                )
                found += 1
                if found >= 40:
                    break


PALETTE_KEY = (N_("palette"), N_("Open the command palette"))
"""Textual's own label and tooltip of ctrl+p: the screens say them in the app's language
(``QualifyScreen.active_bindings``), as every other key's."""


class PaletteInOurWords:
    """The palette in the app's language, with our commands alone: Textual's system
    commands Quit, Theme and Keys say in English what ours (Quit, Switch theme, Help) say
    already; its Screenshot saves to a downloads folder a fresh account lacks ("Failed to
    save screenshot"); its Maximize topped the list on screens with nothing to enlarge."""

    def get_system_commands(self: App[None], screen: Screen) -> Iterable[SystemCommand]:
        return ()

    def action_command_palette(self: App[None]) -> None:
        if self.use_command_palette and not CommandPalette.is_open(self):
            placeholder = _("Search for commands…")
            self.push_screen(CommandPalette(id="--command-palette", placeholder=placeholder))

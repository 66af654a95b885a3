"""Help: the how-to (help.md, help.de.md in German; shipped in the package) and the keys
of the screen it was opened from, with the binding ids to remap them."""

from __future__ import annotations

from importlib import resources
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import Markdown, Static

from qualify.i18n import _, current
from qualify.tui.modals.dialog import Dialog


def help_text() -> str:
    """The help Markdown shipped in the package, in the language in use: ``help.de.md``
    for German (``de_CH`` too), ``help.md`` (English) for a language without its own."""
    package = resources.files("qualify.tui")
    for name in (f"help.{current()}.md", f"help.{current()[:2]}.md", "help.md"):
        if package.joinpath(name).is_file():
            return package.joinpath(name).read_text(encoding="utf-8")
    raise FileNotFoundError("help.md")


def keys_markdown(screen: Screen) -> str:
    """The keys active on a screen, one line each: the keys and what they do; then, apart,
    the binding ids a keymap uses to remap them.

    Only bindings with an id are listed (those are the ones a keymap can remap);
    several keys for one action share a line.
    """
    rows: dict[str, tuple[list[str], str]] = {}
    for key, active in screen.active_bindings.items():
        binding = active.binding
        if binding.system or not binding.description or not binding.id:
            continue
        label = binding.id.removesuffix("_letter")
        display = screen.app.get_key_display(binding) or key
        keys = rows.setdefault(label, ([], binding.description))[0]
        if display not in keys:
            keys.append(display)
    lines = []
    for keys, desc in rows.values():
        shown = " ".join(f"`{k}`" for k in keys)
        lines.append(f"- {shown} {desc}")
    if rows:
        lines.append("")
        lines.append(
            _(
                "*To remap these keys, name them in `keymap:` in the config file (see "
                "Remapping keys below) by these ids:*"
            )
            + " "
            + ", ".join(sorted(rows))
        )
    return "\n".join(lines)


class HelpScreen(Dialog[None]):
    """The help modal; escape, F1 or ? closes it."""

    CSS_PATH = "help.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,f1,question_mark,q", "close", "Close", id="help.close"),
        Binding("j,down", "scroll(1)", "Down", show=False, id="help.down"),
        Binding("k,up", "scroll(-1)", "Up", show=False, id="help.up"),
    ]

    def __init__(self, screen: Screen) -> None:
        super().__init__()
        self.for_screen = screen
        """The screen whose keys are listed."""

    def compose(self) -> ComposeResult:
        name = getattr(self.for_screen, "sub_title", "") or type(self.for_screen).__name__
        keys = keys_markdown(self.for_screen)
        with Vertical(id="help-dialog"):
            yield Static(
                _("Help · keys on this screen ({name}) · Esc closes").format(name=name),
                id="help-title",
            )
            with VerticalScroll(id="help-scroll"):
                heading = _("Keys on this screen")
                yield Markdown(f"## {heading}\n\n{keys}\n\n{help_text()}", id="help-md")

    def on_mount(self) -> None:
        self.query_one("#help-scroll").focus()

    def action_close(self) -> None:
        self.dismiss()

    def action_scroll(self, lines: int) -> None:
        self.query_one("#help-scroll", VerticalScroll).scroll_relative(y=lines, animate=False)

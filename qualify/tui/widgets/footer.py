"""The footer of every screen: Textual's, rebuilt only when what it shows changes.

Textual's footer composes its keys afresh each time the screen says its bindings may
have changed: on focus, on the screen stack's update and after every focus change. As
an app starts that is three times in a row, each mounting and styling every key, for
the same keys: a few milliseconds each, on the UI thread while the workspace opens.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.widgets import Footer as _TextualFooter

if TYPE_CHECKING:
    from textual.app import ComposeResult
    from textual.screen import Screen

Shown = tuple[object, ...]


class Footer(_TextualFooter):
    """A footer that recomposes only when the keys it would show are not those shown."""

    _shown: Shown | None = None
    """What the last compose showed (None: nothing yet)."""

    def _showing(self) -> Shown:
        """Everything the footer's compose reads, in order: equal means the same keys."""
        app = self.app
        return (
            self.compact,
            self.show_command_palette,
            app.ENABLE_COMMAND_PALETTE,
            app.COMMAND_PALETTE_BINDING,
            tuple(
                (
                    key,
                    binding.key,
                    app.get_key_display(binding),
                    binding.description,
                    binding.action,
                    binding.show,
                    binding.group,
                    binding.tooltip,
                    enabled,
                    tooltip,
                )
                for key, (_node, binding, enabled, tooltip) in self.screen.active_bindings.items()
            ),
        )

    def compose(self) -> ComposeResult:
        self._shown = self._showing() if self._bindings_ready else None
        yield from super().compose()

    async def recompose(self) -> None:
        # several changes may each have asked for one before the first ran
        if self._shown is not None and self.is_attached and self._showing() == self._shown:
            return
        await super().recompose()

    def bindings_changed(self, screen: Screen) -> None:
        if (
            self._shown is not None
            and self.is_attached
            and screen is self.screen
            and self._showing() == self._shown
        ):
            return  # the same keys as on screen: nothing to rebuild
        super().bindings_changed(screen)

"""A progress line for the few commands that take seconds: a portfolio with nothing kept
(10,000 prospects: about 7 s on two cores), a demo, an export, an import or a doctor's
check of thousands of prospects.

Silence for seconds reads as a hang. So, while such a command works, one line on the
terminal counts what is done: only when standard error is a terminal (a script, a pipe
or a log gets none of it), only once the command has run for half a second (a quick run
shows nothing), at most ten times a second, and wiped before the command says anything
else. It is plain text redrawn after a carriage return, so it needs no terminal codes.
"""

from __future__ import annotations

import os
import shutil
import sys
import time
from collections.abc import Callable, Mapping
from types import TracebackType
from typing import TextIO

from qualify.cli.env import _

SHOW_AFTER = 0.5
"""Seconds a command runs before its progress shows."""

REDRAW_EVERY = 0.1
"""Seconds between two redraws of the line."""


class ProgressLine:
    """``progress(done, total)`` as a command's callback; a context manager that wipes
    the line on the way out, error or not. `label` is a message with ``{done}`` and
    ``{total}`` (translated where it is written)."""

    def __init__(
        self,
        label: str,
        stream: TextIO | None = None,
        *,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.label = label
        self.stream = sys.stderr if stream is None else stream
        self.clock = clock
        self.started = clock()
        self.next_draw = self.started + SHOW_AFTER
        self.width = 0
        """How many characters the line on the terminal holds (0: none shown)."""
        try:
            self.on = self.stream.isatty()
        except (AttributeError, ValueError):  # no stream, or a closed one
            self.on = False

    def __call__(self, done: int, total: int) -> None:
        if not self.on:
            return
        now = self.clock()
        if now < self.next_draw and done < total:
            return
        if now < self.started + SHOW_AFTER:
            return  # finished before it was worth showing
        self.next_draw = now + REDRAW_EVERY
        from qualify.i18n import fmt_count

        text = self.label.format(done=fmt_count(done), total=fmt_count(total))
        self._draw(text[: max(self._columns() - 1, 0)])  # never wraps

    def _columns(self) -> int:
        """The width of the terminal the line is on (standard output may be a file)."""
        try:
            return os.get_terminal_size(self.stream.fileno()).columns
        except (AttributeError, ValueError, OSError):  # (io.UnsupportedOperation too)
            return shutil.get_terminal_size().columns

    def clear(self) -> None:
        """Wipe the line, the cursor back at its start, if one is shown."""
        if self.width:
            self._write(f"\r{' ' * self.width}\r")
            self.width = 0

    def _draw(self, text: str) -> None:
        padding = " " * max(self.width - len(text), 0)  # over what the last one left
        if self._write(f"\r{text}{padding}"):
            self.width = len(text) + len(padding)

    def _write(self, text: str) -> bool:
        try:
            self.stream.write(text)
            self.stream.flush()
        except (OSError, ValueError):  # the terminal went away: the work goes on
            self.on = False
            return False
        return True

    def __enter__(self) -> ProgressLine:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        if kind is not None and issubclass(kind, KeyboardInterrupt) and self.width:
            # the terminal echoed ^C after the text (where the cursor was): that too
            self.width = max(min(self.width + 2, self._columns() - 1), self.width)
        self.clear()


class StepsLine(ProgressLine):
    """The line of a command that works in steps, each counted in its own words:
    ``line.step(step, done, total)`` as its callback."""

    def __init__(
        self,
        labels: Mapping[str, str],
        stream: TextIO | None = None,
        *,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        super().__init__("", stream, clock=clock)
        self.labels = labels

    def step(self, step: str, done: int, total: int) -> None:
        self.label = self.labels[step]
        self(done, total)


def assessing() -> ProgressLine:
    """The line of a portfolio assessing the prospects it has nothing kept for."""
    return ProgressLine(_("assessing prospects: {done} of {total}"))


def adding_samples() -> ProgressLine:
    """The line of `qualify demo` adding its sample prospects."""
    return ProgressLine(_("adding sample prospects: {done} of {total}"))


def removing_samples() -> ProgressLine:
    """The line of `qualify demo --remove` deleting its sample prospects."""
    return ProgressLine(_("removing sample prospects: {done} of {total}"))


def exporting() -> ProgressLine:
    """The line of `qualify export` writing the prospects."""
    return ProgressLine(_("exporting prospects: {done} of {total}"))


def checking() -> ProgressLine:
    """The line of `qualify doctor` checking the files of the prospects."""
    return ProgressLine(_("checking prospect files: {done} of {total}"))


def importing() -> StepsLine:
    """The line of `qualify import`: it reads every prospect of the file, checks them
    all (nothing is written before), then writes them."""
    return StepsLine(
        {
            "reading": _("reading the export: {done} of {total} prospects"),
            "checking": _("checking the export: {done} of {total} prospects"),
            "writing": _("importing prospects: {done} of {total}"),
        }
    )

"""How red flags are said, in one place: the count of open ones, the gate a flag holds,
a flag's line in the terminal. The reports, `qualify prospect show` and the app say them
with these words (in the language in use), so a flag reads the same everywhere."""

from __future__ import annotations

from qualify.i18n import _, ngettext

__all__ = ["MARK", "flag_line", "flags_count", "gate_words", "holds", "some_hold"]

MARK = "⚑"
"""The mark of a red flag (never colour alone)."""


def flags_count(open_: int, raised: int) -> str:
    """`Red flags: 2 open of 2 raised.`"""
    return _("Red flags: {open} open of {raised} raised.").format(open=open_, raised=raised)


def flag_line(key: str, reason: str) -> str:
    """`⚑ red flag, competing_lines: Carries a directly competing line; …`"""
    return f"{MARK} " + _("red flag, {key}: {reason}").format(key=key, reason=reason)


def gate_words(stage_title: str) -> str:
    """`the Engagement gate`: the gate a stage's prospects pass to move on."""
    return _("the {stage} gate").format(stage=stage_title)


def holds(gate: str) -> str:
    """`holds the Engagement gate` (`gate` as :func:`gate_words` says it, or the
    report's `every gate from First date`)."""
    return _("holds {gate}").format(gate=gate)


def some_hold(n: int, gate: str) -> str:
    """`1 holds the Engagement gate`: when only some of the open flags hold it."""
    return ngettext("{n} holds {gate}", "{n} hold {gate}", n).format(n=n, gate=gate)

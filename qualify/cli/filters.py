"""What a list or a report is narrowed to on the command line, checked against what there
is: `--stage honeymoon`, `--status maybe` or `--territory north` (for North) listed
nothing and said only "No prospect matches."; a portfolio of a misspelt territory was an
empty report, a `--capacity` of one a row of its own. Each is one line naming the
option, with what there is and the closest to what was typed."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import click

from qualify.core.phrase import Phrase

MOST_SHOWN = 12
"""Territories named in a message at most (a workspace may have hundreds)."""


def unknown_territory(asked: str, known: Iterable[str]) -> Phrase | None:
    """None when some prospect is in territory `asked`; else what to say."""
    territories = sorted({t for t in known if t}, key=str.casefold)
    if asked in territories:
        return None
    return Phrase(
        "no prospect is in the territory {name}{hint}; the territories: {known}",
        name=repr(asked),
        hint=_closest(asked, territories),
        known=_listed(territories),
    )


def check_territory(asked: str | None, known: Iterable[str], option: str) -> None:
    """Click's usage error naming `option` when no prospect is in territory `asked`."""
    if asked is not None and (problem := unknown_territory(asked, known)) is not None:
        raise click.BadParameter(_said(problem), param_hint=f"'{option}'")


def check_choice(asked: str | None, choices: Sequence[str], option: str) -> None:
    """Click's usage error naming `option` when `asked` is none of `choices` (stage ids,
    statuses: known only once the pipeline is read, so no click.Choice)."""
    if asked is None or asked in choices:
        return
    problem = Phrase(
        "{value} is none of {choices}{hint}",
        value=repr(asked),
        choices=", ".join(choices),
        hint=_closest(asked, choices),
    )
    raise click.BadParameter(_said(problem), param_hint=f"'{option}'")


def _closest(asked: str, names: Sequence[str]) -> object:
    from qualify.core.questionnaire.condition_words import did_you_mean
    from qualify.core.suggest import closest

    same = [n for n in names if n.casefold() == asked.casefold()]
    return did_you_mean(same or closest(asked, names))


def _listed(names: Sequence[str]) -> object:
    if not names:
        return Phrase("none yet")
    shown = ", ".join(names[:MOST_SHOWN])
    return shown + (", …" if len(names) > MOST_SHOWN else "")


def _said(problem: Phrase) -> str:
    """In the language in use, control characters made visible: a territory is whatever
    a teammate typed, an escape sequence too."""
    from qualify.core.safe_text import visible
    from qualify.i18n import tr

    return visible(tr(problem), one_line=True)


__all__ = ["check_choice", "check_territory", "unknown_territory"]

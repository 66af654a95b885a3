"""A command line used wrongly, said as every other error is: one line, in the user's
language, naming the argument or option.

Click says a usage error in four lines of its own, in English whatever the language
(`Usage: …`, `Try '… --help' for help.`, a blank line, `Error: Missing argument 'ID'.`).
qualify says `qualify: error: ID is missing (see 'qualify answer --help')`, in German
`qualify: Fehler: ID fehlt (siehe 'qualify answer --help')`, and exits with Click's
status for it, 2. Click's own sentences are recognised by kind (a missing argument, an
unknown option…) and said in qualify's words; a reason qualify gave is said as it is.
"""

from __future__ import annotations

import re
from typing import NoReturn

import click

from qualify.core.words import one_line
from qualify.i18n import _, ngettext

_EXTRA = re.compile(r"^Got unexpected extra arguments? \((?P<args>.*)\)$", re.S)
_NOT_ONE_OF = re.compile(r"^(?P<value>'.*') is not (?:one of )?(?P<choices>'.*')\.$", re.S)
_NEEDS = re.compile(r"^Option '(?P<name>.+)' requires (?:an argument|(?P<n>\d+) arguments)\.$")
_NO_VALUE = re.compile(r"^Option '(?P<name>.+)' does not take a value\.$")


def usage_problem(exc: click.UsageError, command: str | None = None) -> str:
    """What is wrong, in the language in use, with where to read how it is used: the
    `command` whose help says it (default: the one the error names, if any)."""
    said = _problem(exc)
    command = exc.ctx.command_path if exc.ctx is not None else command
    if not command:
        return said
    return _("{problem} (see '{command} --help')").format(problem=said, command=command)


def _problem(exc: click.UsageError) -> str:
    if isinstance(exc, click.MissingParameter):
        return _("{name} is missing").format(name=_name(exc))
    if isinstance(exc, click.BadParameter):
        found = _NOT_ONE_OF.match(exc.message)
        problem = (
            _("{value} is not one of {choices}").format(
                value=_cut(found["value"]), choices=found["choices"]
            )
            if found
            else exc.message
        )
        name = _name(exc)
        return f"{name}: {problem}" if name else problem
    if isinstance(exc, click.NoSuchOption):
        said = _("no such option {name}").format(name=_cut(exc.option_name))
        return _maybe(said, exc.possibilities)
    if isinstance(exc, click.exceptions.NoSuchCommand):
        said = _("no such command {name}").format(name=_cut(exc.command_name))
        return _maybe(said, exc.possibilities)
    if isinstance(exc, click.BadOptionUsage):
        needs = _NEEDS.match(exc.message)
        if needs and needs["n"]:
            return _("{name} needs {n} values").format(name=needs["name"], n=needs["n"])
        if needs:
            return _("{name} needs a value").format(name=needs["name"])
        if found := _NO_VALUE.match(exc.message):
            return _("{name} takes no value").format(name=found["name"])
        return exc.message
    if found := _EXTRA.match(exc.message):
        extra = found["args"]
        return ngettext(
            "unexpected extra argument: {arguments}",
            "unexpected extra arguments: {arguments}",
            len(extra.split()),
        ).format(arguments=_cut(extra))
    if exc.message == "Missing command.":
        return _("a command is missing")
    return exc.message


def _name(exc: click.BadParameter) -> str:
    """The argument (`ID`) or option (`--reason`) the error is about, as typed."""
    if isinstance(exc.param_hint, str):
        return exc.param_hint.strip("'\"")
    if exc.param_hint:
        return " / ".join(exc.param_hint)
    param = exc.param
    if isinstance(param, click.Argument):
        return param.human_readable_name
    if isinstance(param, click.Option):
        return max(param.opts, key=len)
    return ""


def _cut(typed: str) -> str:
    """What was typed, on one line and cut: a 100,000-character word is not said whole."""
    return one_line(typed, 80)


def _maybe(said: str, possibilities: list[str] | None) -> str:
    if not possibilities:
        return said
    return _("{problem} (did you mean {names}?)").format(
        problem=said, names=", ".join(possibilities)
    )


def fail_usage(exc: click.UsageError, language: str | None, command: str | None) -> NoReturn:
    """Say the usage error in one line in `language` and exit with its status (2)."""
    from qualify.cli.env import fail
    from qualify.i18n import use_language

    with use_language(language):
        fail(usage_problem(exc, command), exc.exit_code)


__all__ = ["fail_usage", "usage_problem"]

"""The `qualify` command: global options, and each command loaded only when it runs.

Commands live in one module per group (``qualify/cli/<group>.py``); :data:`COMMANDS`
names where each is, so `qualify answer` imports the answer command and nothing
else, and :data:`SHORT_HELP` holds each one's line of `qualify --help`, so listing
them imports none (tests/cli/test_cli_entry.py checks it matches each command's own).
"""

from __future__ import annotations

import importlib
import os
import sys
import types
from typing import Any

import click

from qualify import __version__
from qualify.cli.env import Env, QualifyGroup

COMMANDS: dict[str, str] = {
    "advance": "moves:advance",
    "agenda": "insights:agenda",
    "answer": "answers:answer",
    "attach": "evidence:attach",
    "calendar": "meetings:calendar",
    "compare": "insights:compare",
    "convert": "sets:convert",
    "db": "team:db",
    "decline": "moves:decline",
    "demo": "workspace:demo",
    "doctor": "doctor:doctor",
    "export": "workspace:export_",
    "hold": "moves:hold",
    "import": "workspace:import_",
    "meet": "meetings:meet",
    "paths": "workspace:paths",
    "prospect": "prospects:prospect",
    "questionnaires": "sets:questionnaires",
    "reopen": "moves:reopen",
    "report": "reports:report",
    "rescore": "rescoring:rescore",
    "resident": "resident:resident",
    "review": "moves:review",
    "schema": "sets:schema",
    "score": "sets:score",
    "sync": "team:sync",
    "undo": "moves:undo",
    "validate": "sets:validate",
    "whoami": "whoami:whoami",
}
"""Command name → ``module:attribute`` under qualify.cli."""

SHORT_HELP: dict[str, str] = {
    "advance": "Move to the next stage if the gate passes; else list what is missing.",
    "agenda": "What to ask at the next meeting, in the order of the conversation "
    "(or --order gate).",
    "answer": "Record answers for the prospect's current stage (or an earlier one, with "
    "--stage): all of them, or none.",
    "attach": "Attach FILE (a credit report, a reference letter, a photo of the showroom) to "
    "the answer to QUESTION of the prospect's current stage.",
    "calendar": "Every next meeting as an iCalendar file (RFC 5545) for Thunderbird, Outlook "
    "or Google Calendar, each with its note and its agenda.",
    "compare": "Compare a prospect with another one, or with your ideal partner.",
    "convert": "Convert an XLSForm (ODK, KoboToolbox, SurveyCTO) into a question set.",
    "db": "The team server: schema upgrades, status, who sees which territories.",
    "decline": "Part ways with a prospect, with a reason.",
    "demo": "Realistic sample prospects at every stage, to try qualify: tagged `demo` (ids "
    "`demo…`), never replacing a prospect already there, and removed again with --remove.",
    "doctor": "Check every prospect file, both indexes, the question-set snapshots and the "
    "evidence files against their hashes (and the attachment records against the files), "
    "backups and the lock, and say what was found.",
    "export": "Write the workspace (or some prospects) to a file, atomically.",
    "hold": "Just friends: put a good prospect on hold with a date to re-contact.",
    "import": "Merge a JSON export (FILE, or - for standard input) into the workspace by id.",
    "meet": "Agree the next meeting with a prospect: DATE is YYYY-MM-DD (or today, tomorrow, "
    "+3d, +2w).",
    "paths": "Print where qualify keeps its data and which question sets it uses.",
    "prospect": "Add, list and show prospects.",
    "questionnaires": "Manage the workspace's own copy of the question sets.",
    "reopen": "Reopen a declined or on-hold prospect at the stage where it stopped.",
    "report": "A prospect's fit report (md, html, json), or the portfolio with --portfolio.",
    "rescore": "Re-score interviews taken with an older version of a question set.",
    "resident": "Keep qualify loaded in a resident process, so that short commands (answer, "
    "prospect show, score, validate...) start in a few milliseconds.",
    "review": "Start the next relationship review of a committed partner (the current one is "
    "kept).",
    "schema": "Print the JSON Schema of a question-set file (for editor autocompletion).",
    "score": "What-if scoring of an answer file, without touching any workspace.",
    "sync": "Merge this laptop's workspace with the team server, both ways.",
    "undo": "Undo the latest stage move, decline, hold, reopen or answer of a prospect.",
    "validate": "Check question sets and the pipeline; every problem as file:line:col.",
    "whoami": "Print the name your answers and reports carry, and where it comes from; with "
    '--set, keep a display name ("Anna Berg" rather than a login such as root).',
}
"""Command name → its line in `qualify --help` (the first sentence of its docstring)."""


class LazyGroup(QualifyGroup):
    """Imports a command's module only when that command is asked for."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *COMMANDS})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        where = COMMANDS.get(cmd_name)
        if where is None:
            return super().get_command(ctx, cmd_name)
        module, attr = where.split(":")
        command: Any = getattr(importlib.import_module(f"qualify.cli.{module}"), attr)
        return command

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """The list of `qualify --help`, from :data:`SHORT_HELP`: no command module is
        imported to print it (click would ask each command for its line)."""
        rows: list[tuple[str, str]] = []
        names = self.list_commands(ctx)
        limit = formatter.width - 6 - max(map(len, names))
        for name in names:
            if name in SHORT_HELP:  # shortened to the width as click shortens it
                line = click.Command(name, help=SHORT_HELP[name]).get_short_help_str(limit)
                rows.append((name, line))
                continue
            command = self.get_command(ctx, name)
            if command is not None and not command.hidden:
                rows.append((name, command.get_short_help_str(limit)))
        with formatter.section("Commands"):
            formatter.write_dl(rows)


@click.group(cls=LazyGroup, invoke_without_command=True)
@click.option(
    "--data-dir",
    metavar="DIR",
    help="Workspace directory (default: $QUALIFY_DATA_DIR, else your user data dir).",
)
@click.option(
    "--questionnaires",
    metavar="DIR",
    help="Question sets to use (default: $QUALIFY_QUESTIONNAIRES, else the workspace's "
    "questionnaires/, else the bundled ones).",
)
@click.option(
    "--store",
    "store_url",
    metavar="URL",
    envvar="QUALIFY_STORE",
    help="Shared team store, e.g. postgresql://anna@db.example.com/qualify "
    "(default: $QUALIFY_STORE, else the embedded workspace). See docs/team.md.",
)
@click.option(
    "--lang",
    metavar="LANG",
    help="Language of question sets, reports and the app, e.g. de (default: a prospect's own "
    "language, else $QUALIFY_LANG, else the config file's `language:`, else each set's first).",
)
@click.version_option(__version__, prog_name="qualify")
@click.pass_context
def main(
    ctx: click.Context,
    data_dir: str | None,
    questionnaires: str | None,
    store_url: str | None,
    lang: str | None,
) -> None:
    """Qualify channel-partner prospects: date first, commit when the fit is proven.

    Without a command, opens the interview app on the active workspace.
    """
    # pydantic looks for plugins (observability hooks) in every installed package's
    # metadata the first time a model is built: 70 ms of a 350 ms `qualify answer` in a
    # well-stocked environment. qualify uses none; a user who sets the variable keeps it.
    os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")
    _no_plugin_lookup()
    env = Env(data_dir, questionnaires, store_url, lang)
    ctx.obj = env
    ctx.call_on_close(env.close)
    if ctx.invoked_subcommand is not None:
        from qualify.i18n import use_language

        # qualify's messages in the user's language for the whole command (a command
        # about one prospect speaks that prospect's language: Env.about)
        ctx.with_resource(use_language(env.words_language))
    _started()
    if ctx.invoked_subcommand is None:
        from qualify.tui import run_app

        run_app(
            env.data_dir,
            env.questionnaires[0],
            store_url=env.store_url,
            language=env.lang_option or env.user_language,
            language_forced=env.lang_option is not None,
        )


_START_PAUSED = False
"""Whether :func:`run` paused the cyclic collector for the process's start."""


def run() -> None:
    """The `qualify` process (``python -m qualify`` and the installed command): the
    collector rests while it starts, and its exit skips the collector's last passes.

    Starting, the process builds modules, classes and tables (click's, pydantic's) that
    live as long as it does: the collector, run every few hundred allocations, would
    scan them again and again for cycles they are not in. It resumes when the command
    begins (:func:`_started`), with what start-up built frozen (never scanned again).
    At exit Python would scan every object still alive only to free memory the process
    gives back anyway; freezing them first skips that (objects are still freed as their
    last reference goes; files, stores and the terminal are closed by then). Together a
    seventh of a 200 ms `qualify validate`. Not in :func:`main`, which tests call in a
    process that goes on.
    """
    import gc

    global _START_PAUSED
    _START_PAUSED = gc.isenabled()
    gc.disable()
    try:
        main()
    finally:
        gc.freeze()


def _started() -> None:
    """The command begins: the collector resumes if :func:`run` paused it, what the
    start built frozen."""
    global _START_PAUSED
    if _START_PAUSED:
        import gc

        _START_PAUSED = False
        gc.freeze()
        gc.enable()


_PLUGIN_LOADER = "pydantic.plugin._loader"
_STAND_IN = "pydantic's plugin loader, plugins off"
_PLUGINS_OFF = ("__all__", "1", "true")
"""The values of $PYDANTIC_DISABLE_PLUGINS that switch every plugin off (pydantic's)."""


def _no_plugin_lookup() -> None:
    """With pydantic's plugins off, its plugin loader stays unloaded: importing it
    imports importlib.metadata (email, zipfile, csv: some 10 ms of a cold `qualify
    validate`) the first time a model is built, only for it to answer that there is no
    plugin. A stand-in answers so (as pydantic's does when they are off); any other name
    asked of it loads pydantic's own in its place."""
    if os.environ.get("PYDANTIC_DISABLE_PLUGINS") not in _PLUGINS_OFF:
        return
    if _PLUGIN_LOADER in sys.modules:
        return
    stand_in = types.ModuleType(_PLUGIN_LOADER, _STAND_IN)
    stand_in.get_plugins = _no_plugins  # type: ignore[attr-defined]
    stand_in.__getattr__ = _pydantics_own  # type: ignore[method-assign]
    sys.modules[_PLUGIN_LOADER] = stand_in


def _no_plugins() -> tuple[()]:
    return ()


def _pydantics_own(name: str) -> Any:
    """A name the stand-in lacks: pydantic's own loader takes its place and answers."""
    if name.startswith("__"):  # the import system asking whether it is a package
        raise AttributeError(name)
    found = sys.modules.get(_PLUGIN_LOADER)
    if isinstance(found, types.ModuleType) and found.__doc__ == _STAND_IN:
        del sys.modules[_PLUGIN_LOADER]
    return getattr(importlib.import_module(_PLUGIN_LOADER), name)

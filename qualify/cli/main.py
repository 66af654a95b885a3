"""The `qualify` command: global options, and each command loaded only when it runs.

Commands live in one module per group (``qualify/cli/<group>.py``); :data:`COMMANDS`
names where each is, so `qualify answer` imports the answer command and nothing
else, and `qualify --help` still lists them all.
"""

from __future__ import annotations

import importlib
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
    "rescore": "insights:rescore",
    "review": "moves:review",
    "schema": "sets:schema",
    "score": "sets:score",
    "sync": "team:sync",
    "undo": "moves:undo",
    "validate": "sets:validate",
    "whoami": "whoami:whoami",
}
"""Command name → ``module:attribute`` under qualify.cli."""


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
    env = Env(data_dir, questionnaires, store_url, lang)
    ctx.obj = env
    ctx.call_on_close(env.close)
    if ctx.invoked_subcommand is None:
        from qualify.tui import run_app

        run_app(
            env.data_dir,
            env.questionnaires[0],
            store_url=env.store_url,
            language=env.lang_option or env.user_language,
            language_forced=env.lang_option is not None,
        )

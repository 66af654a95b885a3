"""Who qualify says you are: the name answers, moves and reports carry."""

from __future__ import annotations

from pathlib import Path

import click

from qualify.cli.env import Env, _, cell, fail, pass_env, say, tr


@click.command()
@click.option("--set", "new_name", metavar="NAME", help="Keep NAME in the config file.")
@pass_env
def whoami(env: Env, new_name: str | None) -> None:
    """Print the name your answers and reports carry, and where it comes from; with
    --set, keep a display name ("Anna Berg" rather than a login such as root).

    On a team server the author is always your database login, whatever the name here.
    """
    from qualify import paths

    if new_name is not None:
        problem = paths.display_name_problem(new_name)
        if problem is not None:
            fail(f"--set: {tr(problem)}", 2)
        _write_name(paths.config_file(), new_name.strip())
    name, source = paths.user_and_source()
    shown = cell(name) or _("(no name)")
    say(f"{shown}  ({cell(tr(source))})")
    if env.store_url:
        say(_("on the team server your answers carry your database login instead"))


def _write_name(path: Path, name: str) -> None:
    """Set `name:` in the config file, keeping every other line (comments too)."""
    import json
    import re

    from qualify.atomic import write_text

    line = f"name: {json.dumps(name, ensure_ascii=False)}"  # a JSON string is YAML too
    try:
        text = path.read_text(encoding="utf-8") if path.is_file() else ""
    except (OSError, UnicodeDecodeError) as exc:
        fail(f"{path}: " + _("cannot read the config file: {error}").format(error=exc))
    pattern = re.compile(r"^name:.*$", re.M)
    if pattern.search(text):
        text = pattern.sub(lambda _match: line, text, count=1)
    else:
        text = text + ("" if not text or text.endswith("\n") else "\n") + line + "\n"
    if not _holds_name(text, name):  # a list, broken YAML, an alias of the old name…
        fail(
            f"{path}: "
            + _("cannot set name: in it (not a plain mapping of settings); fix it first")
        )
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        write_text(path, text, replace=True)
    except OSError as exc:
        fail(f"{path}: " + _("cannot write the config file: {error}").format(error=exc))


def _holds_name(text: str, name: str) -> bool:
    """Whether the config text as it would be written reads back with this name."""
    import yaml

    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError:
        return False
    return isinstance(data, dict) and data.get("name") == name

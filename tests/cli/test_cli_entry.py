"""`qualify --help` lists every command from the table beside COMMANDS, without
importing them: the table must say what each command's own help says."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import click
import pytest

from qualify.cli.main import COMMANDS, SHORT_HELP, main

ROOT = Path(__file__).resolve().parents[2]


def test_every_command_has_its_line_in_the_help_table() -> None:
    assert set(SHORT_HELP) == set(COMMANDS)


@pytest.mark.parametrize("width", [50, 80, 120, 200])
def test_the_help_table_matches_what_each_command_says(width: int) -> None:
    """The lines printed from the table are the ones click prints after importing every
    command and asking it (a docstring edited without the table fails here)."""
    ctx = click.Context(main, info_name="qualify")
    from_table = click.HelpFormatter(width=width)
    main.format_commands(ctx, from_table)
    from_commands = click.HelpFormatter(width=width)
    click.Group.format_commands(main, ctx, from_commands)
    assert from_table.getvalue() == from_commands.getvalue()


def test_help_lists_the_commands_without_importing_them() -> None:
    code = (
        "import sys\nfrom qualify.cli import main\n"
        "try:\n    main(['--help'])\nexcept SystemExit:\n    pass\n"
        "print(sorted(m for m in sys.modules if m.startswith('qualify.cli.')), file=sys.stderr)"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    for name in COMMANDS:
        assert f"  {name} " in done.stdout
    assert "Record answers for the prospect's current stage" in done.stdout
    assert done.stderr.strip().splitlines()[-1] == "['qualify.cli.env', 'qualify.cli.main']"


def test_the_process_entry_ends_without_the_collectors_last_scan() -> None:
    """`python -m qualify` and the installed command freeze what is alive as the command
    ends (the exit then skips scanning it); `main`, which tests call in a process that
    goes on, never does."""
    code = (
        "import gc, sys\nfrom qualify.cli import main, run\n"
        "try:\n    main(['--version'])\nexcept SystemExit:\n    pass\n"
        "after_main = gc.get_freeze_count()\n"
        "try:\n    run()\nexcept SystemExit as exit:\n"
        "    print(after_main, gc.get_freeze_count() > 0, exit.code, file=sys.stderr)"
    )
    done = subprocess.run(
        [sys.executable, "-c", code, "--version"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    assert done.stderr.split() == ["0", "True", "0"], done.stderr
    assert done.stdout.count("qualify") == 2  # both printed the version
    entry = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    assert 'qualify = "qualify.cli:run"' in entry
    assert "run()" in (ROOT / "qualify" / "__main__.py").read_text(encoding="utf-8")

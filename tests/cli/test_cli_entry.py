"""`qualify --help` lists every command from the table beside COMMANDS, without
importing them: the table must say what each command's own help says."""

from __future__ import annotations

import os
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


def test_the_process_entry_rests_the_collector_while_it_starts_and_as_it_ends() -> None:
    """`python -m qualify` and the installed command run the command with the collector
    on and what start-up built frozen, and freeze what is alive as the command ends (the
    exit then skips scanning it); `main`, which tests call in a process that goes on,
    leaves the collector as it was."""
    code = (
        "import gc, sys\nfrom qualify.cli import main, run\nimport qualify.cli.workspace as w\n"
        "command = w.paths.callback\n"
        "def seen(*args, **kwargs):\n"
        "    print('command', gc.isenabled(), gc.get_freeze_count() > 0, file=sys.stderr)\n"
        "    return command(*args, **kwargs)\n"
        "w.paths.callback = seen\n"
        "try:\n    main(['paths'])\nexcept SystemExit:\n    pass\n"
        "print('main', gc.isenabled(), gc.get_freeze_count(), file=sys.stderr)\n"
        "try:\n    run()\nexcept SystemExit as exit:\n"
        "    unfrozen = sum(len(gc.get_objects(generation)) for generation in range(3))\n"
        "    print('run', exit.code, unfrozen < 100, file=sys.stderr)"
    )
    done = subprocess.run(
        [sys.executable, "-c", code, "paths"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    assert done.stderr.splitlines() == [
        "command True False",  # main: the collector as the test left it
        "main True 0",
        "command True True",  # run: on again for the command, start-up frozen
        "run 0 True",  # and what was alive at its end frozen too (all but a few)
    ], done.stderr
    entry = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    # the installed command and `python -m qualify` end in it, unless a resident
    # process runs the command (qualify.handover)
    assert 'qualify = "qualify.__main__:run"' in entry
    assert "from qualify.cli.main import run as run_here" in (
        ROOT / "qualify" / "__main__.py"
    ).read_text(encoding="utf-8")


def test_a_command_loading_its_store_does_so_with_the_collector_resting() -> None:
    """What a command loads to keep (the store's modules, pydantic's validators) is built
    with the collector paused and frozen after; the collector comes back as it was,
    also when the loading fails (a workspace path that is a file)."""
    code = (
        "import gc, sys\nfrom qualify.cli.env import loading\n"
        "before = gc.get_freeze_count()\n"
        "with loading():\n    paused = not gc.isenabled()\n    import qualify.store.workspace\n"
        "print(paused, gc.isenabled(), gc.get_freeze_count() > before, file=sys.stderr)\n"
        "gc.disable()\nwith loading():\n    pass\nprint(gc.isenabled(), file=sys.stderr)\n"
        "gc.enable()\ntry:\n    with loading():\n        raise OSError\nexcept OSError:\n"
        "    print(gc.isenabled(), file=sys.stderr)"
    )
    assert _python(code) == ["True True True", "False", "True"]


def _python(code: str, *args: str, **env: str) -> list[str]:
    """The lines ``code`` prints to stderr in a fresh interpreter (PYDANTIC_DISABLE_PLUGINS
    as given, else unset)."""
    environ = {k: v for k, v in os.environ.items() if k != "PYDANTIC_DISABLE_PLUGINS"}
    done = subprocess.run(
        [sys.executable, "-c", code, *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
        env={**environ, **env},
    )
    return done.stderr.splitlines()


def test_a_cold_validate_never_loads_package_metadata_for_pydantic_plugins(tmp_path) -> None:
    """qualify switches pydantic's plugins off; their loader (which imports
    importlib.metadata to look for them) then stays unloaded, and the set is checked."""
    path = tmp_path / "mini.yaml"
    path.write_text((ROOT / "tests/cli/fixtures/mini/mini-first.yaml").read_text())
    code = (
        "import sys\nfrom qualify.cli import main\n"
        "try:\n    main(['validate', sys.argv[1]])\nexcept SystemExit as exit:\n"
        "    print(exit.code, 'importlib.metadata' in sys.modules, file=sys.stderr)"
    )
    assert _python(code, str(path), QUALIFY_CACHE_DIR="off") == ["0 False"]


def test_the_plugin_loaders_stand_in_gives_way_to_pydantics_own() -> None:
    """Asked for anything but its answer (no plugins), the stand-in loads pydantic's own
    loader in its place; with some plugins on, there is no stand-in at all."""
    code = (
        "import sys\nfrom qualify.cli.main import _no_plugin_lookup\n_no_plugin_lookup()\n"
        "loader = sys.modules.get('pydantic.plugin._loader')\n"
        "print(loader is not None and loader.get_plugins() == (), file=sys.stderr)\n"
        "from pydantic import BaseModel, ConfigDict\n"
        "class M(BaseModel):\n    x: int\n"
        "print(M.model_validate({'x': 1}).x, 'importlib.metadata' in sys.modules, "
        "file=sys.stderr)\n"
        "from pydantic.plugin._loader import PYDANTIC_ENTRY_POINT_GROUP, get_plugins\n"
        "own = sys.modules['pydantic.plugin._loader']\n"
        "print(own is not loader, PYDANTIC_ENTRY_POINT_GROUP, list(get_plugins()), "
        "file=sys.stderr)"
    )
    assert _python(code, PYDANTIC_DISABLE_PLUGINS="__all__") == [
        "True",
        "1 False",
        "True pydantic []",
    ]
    some = "import sys\nfrom qualify.cli.main import _no_plugin_lookup\n_no_plugin_lookup()\n"
    some += "print('pydantic.plugin._loader' in sys.modules, file=sys.stderr)"
    assert _python(some, PYDANTIC_DISABLE_PLUGINS="logfire") == ["False"]

"""What every test folder shares: the rule for what a test may skip.

Importable as ``support`` in every import mode (tests/ is on pytest's ``pythonpath``).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

import pytest

if TYPE_CHECKING:
    from click.testing import Result

STRICT = (
    os.environ.get("CI", "").lower() in ("1", "true", "yes")
    or os.environ.get("QUALIFY_REQUIRE_ALL") == "1"
)
"""In CI every tool a test needs must be there."""


def unavailable(reason: str) -> NoReturn:
    """Skip (on a developer's machine) or fail (in CI) a test whose tool is missing."""
    if STRICT:
        pytest.fail(f"{reason} — CI needs it (no silent skips)", pytrace=False)
    pytest.skip(reason)


def qualify_cli(
    data_dir: Path | None,
    *args: str,
    questionnaires: Path | None = None,
    stdin: str | bytes | None = None,
    env: Mapping[str, str] | None = None,
) -> Result:
    """Run `qualify [--data-dir D] [--questionnaires Q] ARGS` in-process, as a user would
    type it; whatever the exit status, it never ends in an internal error or a traceback."""
    from click.testing import CliRunner

    from qualify.cli import main

    base = ["--data-dir", str(data_dir)] if data_dir is not None else []
    if questionnaires is not None:
        base += ["--questionnaires", str(questionnaires)]
    result = CliRunner().invoke(main, [*base, *args], input=stdin, env=env)
    output = result.stdout + result.stderr
    assert "internal error" not in output and "Traceback" not in output, output
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result

"""Fixtures of the TUI tests: a temp workspace, a copy of the question sets, the app.

Times are made deterministic where they show (UTC, demo data generated at a fixed
"now"), the cursor does not blink, and the user's config file is never read. The
helpers the tests import (waiting, reaching a screen, test data) are in
``tui_helpers.py`` beside this file.
"""

from __future__ import annotations

import asyncio
import inspect
import os
import shutil
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from tui_helpers import BUNDLED, TINY

HERE = Path(__file__).resolve().parent

os.environ["TZ"] = "UTC"
time.tzset()
os.environ.pop("QUALIFY_QUESTIONNAIRES", None)
os.environ["QUALIFY_CONFIG"] = str(HERE / "fixtures" / "no-such-config.yaml")
os.environ.pop("QUALIFY_USER", None)
os.environ["LOGNAME"] = "ana"  # the login the app falls back to, the same on every machine


@pytest.hookimpl(tryfirst=True)
def pytest_pyfunc_call(pyfuncitem: pytest.Function) -> bool | None:
    """Run `async def` tests in a fresh event loop (no pytest-asyncio needed)."""
    if not inspect.iscoroutinefunction(pyfuncitem.obj):
        return None
    names = pyfuncitem._fixtureinfo.argnames
    asyncio.run(pyfuncitem.obj(**{n: pyfuncitem.funcargs[n] for n in names}))
    return True


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    """An empty workspace directory."""
    path = tmp_path / "workspace"
    path.mkdir()
    return path


@pytest.fixture
def tiny_sets(tmp_path: Path) -> Path:
    """A writable copy of the small fixture sets (every question type)."""
    target = tmp_path / "tiny-sets"
    shutil.copytree(TINY, target)
    return target


@pytest.fixture
def bundled_sets(tmp_path: Path) -> Path:
    """A writable copy of the bundled question sets."""
    target = tmp_path / "sets"
    shutil.copytree(BUNDLED, target)
    return target


@pytest.fixture
def make_app(data_dir: Path, tiny_sets: Path) -> Callable[..., object]:
    """Build the app on the temp workspace; defaults to the tiny sets."""
    from qualify.tui.app import QualifyApp
    from qualify.tui.config import TuiConfig

    def build(sets: Path | None = None, *, data: Path | None = None, theme: str | None = None):
        return QualifyApp(
            data or data_dir,
            sets or tiny_sets,
            config=TuiConfig(theme=theme),
        )

    return build

"""Fixtures of the TUI tests: a temp workspace, a copy of the question sets, the app.

Times are made deterministic where they show (UTC, demo data generated at a fixed
"now"), the cursor does not blink, and the user's config file is never read.
"""

from __future__ import annotations

import asyncio
import inspect
import os
import shutil
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
BUNDLED = ROOT / "questionnaires"
TINY = HERE / "fixtures" / "sets"
FIXED_NOW = datetime(2026, 11, 2, 9, 30, tzinfo=UTC)
"""The "now" of generated demo data, so dates on screen never change."""

os.environ["TZ"] = "UTC"
time.tzset()
os.environ.pop("QUALIFY_QUESTIONNAIRES", None)
os.environ["QUALIFY_CONFIG"] = str(HERE / "fixtures" / "no-such-config.yaml")


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


def open_store(data_dir: Path):
    """A second handle on the workspace, as another process would see it."""
    from qualify.store import open_store as _open

    return _open(data_dir)


def fill_demo(data_dir: Path, sets: Path, count: int, seed: int = 7) -> None:
    """Demo prospects generated at a fixed time, so their dates never change."""
    from qualify.core.questionnaire import content_hash, load_catalog
    from qualify.workflow.demo import generate

    catalog = load_catalog(sets)
    store = open_store(data_dir)
    try:
        for qs in catalog.question_sets.values():
            store.put_snapshot(content_hash(qs), qs.model_dump(mode="json"))
        store.add_prospects_bulk(generate(catalog, count, seed=seed, now=FIXED_NOW))
    finally:
        store.close()


def add_prospect(data_dir: Path, sets: Path, name: str, **facts: str) -> str:
    """A prospect added through the workflow, as the CLI would; returns its id."""
    from qualify.core.questionnaire import load_catalog
    from qualify.workflow.qualifier import Qualifier

    store = open_store(data_dir)
    try:
        return Qualifier(store, load_catalog(sets)).add_prospect(name, **facts).id
    finally:
        store.close()


def stored_answers(data_dir: Path, prospect_id: str) -> dict[str, object]:
    """The answers on disk right now (a fresh store, as after a crash)."""
    store = open_store(data_dir)
    try:
        interviews = store.interviews(prospect_id)
        if not interviews:
            return {}
        return dict(interviews[-1].answers)
    finally:
        store.close()

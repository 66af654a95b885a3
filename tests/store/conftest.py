"""Fixtures for the store tests.

``store`` runs the shared contract suite (test_store_contract.py) on every backend:
the embedded workspace and PostgreSQL (as a director login, so every query goes
through row-level security). ``ws`` is for the workspace-only tests.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from qualify.store.base import Store
from qualify.store.workspace import Workspace


@pytest.fixture
def ws(tmp_path: Path) -> Workspace:
    """A fresh workspace with a short lock timeout, so a lock bug fails fast."""
    return Workspace(tmp_path / "ws", lock_timeout=5)


@pytest.fixture(params=["workspace", "postgres"])
def backend(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Callable[[], Store]]:
    """A function opening (again) the same fresh store of each backend."""
    opened: list[Store] = []
    if request.param == "workspace":

        def open_() -> Store:
            return Workspace(tmp_path / "ws", lock_timeout=5)

    else:
        pg = request.getfixturevalue("pg")
        url = pg.grant("dora", director=True)
        from qualify.store.postgres import PostgresStore

        def open_() -> Store:
            store = PostgresStore(url)
            opened.append(store)
            return store

    yield open_
    for store in opened:
        store.close()


@pytest.fixture
def store(backend: Callable[[], Store]) -> Store:
    return backend()

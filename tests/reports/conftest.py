"""Shared fixtures of the report tests: the fixed workspace in memory and on disk."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import report_fixture
from memstore import MemoryStore

from qualify.core.questionnaire import Catalog
from qualify.store.base import Store


@pytest.fixture(scope="session")
def catalog() -> Catalog:
    return report_fixture.catalog()


@pytest.fixture
def mem_store(catalog: Catalog) -> MemoryStore:
    store = MemoryStore()
    report_fixture.fill(store, catalog)
    return store


@pytest.fixture
def disk_store(tmp_path: Path, catalog: Catalog) -> Iterator[Store]:
    """The real workspace, filled with the same records."""
    from qualify.store import open_store

    store = open_store(tmp_path / "ws")
    report_fixture.fill(store, catalog)
    yield store
    store.close()


@pytest.fixture(params=["memory", "workspace"])
def store(request: pytest.FixtureRequest) -> Store:
    """Both stores: a report must not depend on which backend holds the records."""
    name = "mem_store" if request.param == "memory" else "disk_store"
    return request.getfixturevalue(name)

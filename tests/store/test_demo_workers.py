"""Many sample prospects are told and added by worker processes, each through its own
store (a connection of the same login on a team server): the workspace must hold what
one process adds, whatever the number of workers, and a worker that fails costs time,
never a prospect."""

from __future__ import annotations

import os
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest
from support import callers_of, workers_for_tests

from qualify import workers
from qualify.core.questionnaire import Catalog, load_catalog
from qualify.store.base import Store
from qualify.workflow import demo

ROOT = Path(__file__).resolve().parents[2]
NOW = datetime(2026, 11, 20, 9, 30, tzinfo=UTC)
COUNT = 23
"""Five runs of five, the last of three."""


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return load_catalog(ROOT / "questionnaires")


@pytest.fixture
def in_workers(monkeypatch: pytest.MonkeyPatch) -> None:
    """Workers for any number of prospects, five sample prospects to a run."""
    workers_for_tests(monkeypatch, 5)
    monkeypatch.setattr(demo, "RUN", 5)


def everything(store: Store) -> dict[str, str]:
    """Each prospect's list row and records as stored, by id."""
    return {row.id: repr((row, store.read_prospect(row.id))) for row in store.list_prospects()}


def test_workers_add_what_one_process_adds(
    backend: Callable[[], Store], catalog: Catalog, in_workers, monkeypatch, tmp_path: Path
) -> None:
    store = backend()
    monkeypatch.setattr(workers, "_cores", lambda: 1)
    assert demo.fill(store, catalog, COUNT, now=NOW) == (COUNT, 0)
    alone = everything(backend())
    assert len(alone) == COUNT
    assert demo.remove(store) == COUNT

    by = callers_of(monkeypatch, demo, "_added", tmp_path / "added-by")
    monkeypatch.setattr(workers, "_cores", lambda: 3)
    assert demo.fill(store, catalog, COUNT, now=NOW) == (COUNT, 0)
    assert everything(backend()) == alone
    assert by() and os.getpid() not in by()  # every run added by a worker
    # again: every sample prospect is there already, and stays as it is
    assert demo.fill(store, catalog, COUNT, now=NOW) == (0, COUNT)
    assert everything(backend()) == alone


def test_a_run_told_alone_is_the_same_run(catalog: Catalog, in_workers) -> None:
    whole = [r.prospect for r in demo.generate(catalog, COUNT, now=NOW)]
    story = demo.Story(catalog, NOW)
    assert [r.prospect for r in story.run(7, 10, 15)] == whole[10:15]
    assert [r.prospect for r in demo.generate(catalog, 12, now=NOW)] == whole[:12]
    assert len({p.name for p in whole}) > COUNT // 2  # not one story told 23 times
    with pytest.raises(ValueError, match="multiple of 5"):
        next(story.run(7, 11, 15))


def test_a_worker_that_fails_costs_no_prospect(
    tmp_path: Path, catalog: Catalog, in_workers, monkeypatch
) -> None:
    from qualify.store.workspace import Workspace

    real = demo._added
    parent = os.getpid()

    def failing(setting, run: list[str]) -> tuple[int, int]:
        if os.getpid() != parent and run[0] == "5":
            raise OSError("the disk went away, in a worker")
        return real(setting, run)

    monkeypatch.setattr(demo, "_added", failing)
    monkeypatch.setattr(workers, "_cores", lambda: 2)
    store = Workspace(tmp_path / "ws")
    added, kept = demo.fill(store, catalog, COUNT, now=NOW)
    assert added + kept == COUNT
    assert len(everything(Workspace(tmp_path / "ws"))) == COUNT


@pytest.mark.parametrize("seed", [3, 7])
def test_sample_data_exported_imports_whole(catalog: Catalog, seed: int, tmp_path: Path) -> None:
    """Every sample prospect moves on as a user would (past a gate its answers meet, red
    flags included, or with an override): an import, which checks every move so, takes
    the export of 300 of them. A red flag left open once let a move through without an
    override, and the import refused the whole file."""
    from qualify.store.transfer import Rules, export_workspace, import_workspace
    from qualify.store.workspace import Workspace

    source = Workspace(tmp_path / "source")
    assert demo.fill(source, catalog, 300, seed=seed, now=NOW, workers=1) == (300, 0)
    export_workspace(source, tmp_path / "export.json")
    rules = Rules(catalog.pipeline, catalog.question_sets)  # as `qualify import` checks
    report = import_workspace(Workspace(tmp_path / "target"), tmp_path / "export.json", rules=rules)
    assert (report.added, report.conflicts) == (300, [])
    moved_over = [
        entry
        for row in source.list_prospects()
        for entry in source.read_prospect(row.id).history
        if entry.action == "advance" and entry.overridden
    ]
    assert moved_over  # (some sample prospects are moved past an unmet gate)

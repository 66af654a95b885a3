"""`qualify rescore` of many prospects shares them among worker processes: what it
prints, records and warns about must be what a single process does, whatever goes wrong
in a worker."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest
from support import bumped_sets, callers_of, qualify_cli, workers_for_tests

from qualify import workers
from qualify.cli import rescoring

BUNDLED = Path(__file__).resolve().parents[2] / "questionnaires"


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A workspace of 30 demo prospects, and the bundled sets one version on."""
    folder = tmp_path_factory.mktemp("rescore-workers")
    ws, sets = folder / "ws", folder / "sets"
    assert qualify_cli(ws, "demo", "--prospects", "30", questionnaires=BUNDLED).exit_code == 0
    bumped_sets(BUNDLED, sets)
    return ws, sets


@pytest.fixture
def many(monkeypatch: pytest.MonkeyPatch) -> None:
    """Workers for 30 prospects, three to a run."""
    workers_for_tests(monkeypatch, 3)


def _cores(monkeypatch: pytest.MonkeyPatch, n: int) -> None:
    monkeypatch.setattr(workers, "_cores", lambda: n)


@pytest.fixture
def started(monkeypatch: pytest.MonkeyPatch, tmp_path: Path):
    """The processes that began re-scoring in workers (their pids)."""
    return callers_of(monkeypatch, rescoring, "_begin", tmp_path / "started")


def _copy(ws: Path, to: Path) -> Path:
    shutil.copytree(ws, to)
    return to


@pytest.mark.parametrize(
    "args", [("--dry-run",), ("--dry-run", "--json"), ("--lang", "de", "rescore", "--dry-run")]
)
def test_workers_print_what_one_process_prints(demo, many, monkeypatch, started, args) -> None:
    ws, sets = demo
    command = args if args[0] == "--lang" else ("rescore", *args)
    _cores(monkeypatch, 1)
    alone = qualify_cli(ws, *command, questionnaires=sets)
    _cores(monkeypatch, 2)
    together = qualify_cli(ws, *command, questionnaires=sets)
    assert alone.exit_code == together.exit_code == 0
    assert together.stdout == alone.stdout
    assert alone.stdout.count("demo") > 30  # every prospect has something to re-score
    assert started() - {os.getpid()}, "no worker ran"


def test_workers_record_what_one_process_records(
    demo, many, monkeypatch, tmp_path, started
) -> None:
    ws, sets = demo
    one, two = _copy(ws, tmp_path / "one"), _copy(ws, tmp_path / "two")
    _cores(monkeypatch, 1)
    alone = qualify_cli(one, "rescore", "--json", questionnaires=sets)
    _cores(monkeypatch, 2)
    together = qualify_cli(two, "rescore", "--json", questionnaires=sets)
    assert together.stdout == alone.stdout
    assert not any(item["already_recorded"] for item in json.loads(together.stdout))

    def rescores(folder: Path) -> list[tuple]:
        from qualify.store import open_store

        store = open_store(folder)
        try:
            return sorted(
                (h.prospect_id, h.details.get("interview_id"), h.by)
                for pid in store.prospect_ids()
                for h in store.read_prospect(pid).history
                if h.action == "rescore"
            )
        finally:
            store.close()

    assert rescores(two) == rescores(one) and len(rescores(two)) > 30
    assert started() - {os.getpid()}, "no worker ran"
    again = qualify_cli(two, "rescore", questionnaires=sets)  # in workers again
    found = len(rescores(two))
    assert again.stdout.splitlines()[-1] == (
        f"recorded 0 re-score(s); {found} already in the history"
    )


def _dies(state, ids):  # a worker killed by the system halfway through
    os._exit(9)


def _fails(state, ids):  # a worker's server connection lost, say
    raise RuntimeError("connection lost")


@pytest.mark.parametrize("broken", [_dies, _fails])
def test_a_worker_that_dies_or_fails_costs_time_not_the_output(
    demo, many, monkeypatch, capfd, started, broken
) -> None:
    ws, sets = demo
    _cores(monkeypatch, 1)
    alone = qualify_cli(ws, "rescore", "--dry-run", questionnaires=sets)
    _cores(monkeypatch, 2)
    monkeypatch.setattr(rescoring, "_work", broken)
    capfd.readouterr()
    again = qualify_cli(ws, "rescore", "--dry-run", questionnaires=sets)
    assert again.exit_code == 0 and again.stdout == alone.stdout
    assert "Traceback" not in capfd.readouterr().err
    assert started() - {os.getpid()}, "no worker began"


def test_a_prospect_a_worker_cannot_read_is_said_as_one_process_says_it(
    demo, many, monkeypatch, tmp_path, started
) -> None:
    ws, sets = demo
    ws = _copy(ws, tmp_path / "ws")
    broken = sorted((ws / "prospects").glob("*/*.json"))[7]
    broken.write_text("{not json", encoding="utf-8")
    _cores(monkeypatch, 1)
    alone = qualify_cli(ws, "rescore", "--dry-run", questionnaires=sets)
    _cores(monkeypatch, 2)
    together = qualify_cli(ws, "rescore", "--dry-run", questionnaires=sets)
    assert alone.exit_code == together.exit_code == 5
    assert together.stdout == alone.stdout
    assert together.stderr == alone.stderr and broken.name in together.stderr
    assert started() - {os.getpid()}, "no worker ran"

"""The first portfolio of the day assesses every prospect in worker processes when
there are many: the report must be the one a single process makes, whatever goes
wrong in a worker."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
import report_fixture
from report_fixture import CAPACITY, IDS, NOW
from support import callers_of, workers_for_tests

from qualify import workers
from qualify.reports import portfolio_workers
from qualify.reports.portfolio_cache import portfolio_report


@pytest.fixture
def many(monkeypatch: pytest.MonkeyPatch) -> None:
    """Workers for the seven prospects of the fixture, two to a run, nothing kept."""
    workers_for_tests(monkeypatch, 2)
    monkeypatch.setenv("QUALIFY_CACHE_DIR", "off")


def test_workers_make_the_report_one_process_makes(
    disk_store, catalog, many, monkeypatch, tmp_path
) -> None:
    monkeypatch.setattr(workers, "_cores", lambda: 1)
    alone = portfolio_report(disk_store, catalog, capacity=CAPACITY, now=NOW, tz=report_fixture.UTC)
    assert alone.total == 7
    by = callers_of(monkeypatch, portfolio_workers, "_assess", tmp_path / "assessed-by")
    monkeypatch.setattr(workers, "_cores", lambda: 3)
    together = portfolio_report(
        disk_store, catalog, capacity=CAPACITY, now=NOW, tz=report_fixture.UTC
    )
    assert together == alone
    assert by() and os.getpid() not in by()  # every prospect assessed in a worker


def test_an_unreadable_prospect_and_a_lost_snapshot_are_said_as_one_process_says_them(
    tmp_path, catalog, many, monkeypatch
) -> None:
    from qualify.core.questionnaire import content_hash
    from qualify.store import open_store

    store = open_store(tmp_path / "ws")
    report_fixture.fill(store, catalog)
    (store.root / "snapshots" / f"{content_hash(report_fixture.intro_v1(catalog))}.json").unlink()
    store.prospect_path(IDS["healthy"]).write_text("{", encoding="utf-8")
    monkeypatch.setattr(workers, "_cores", lambda: 1)
    alone = portfolio_report(store, catalog, capacity=CAPACITY, now=NOW, tz=report_fixture.UTC)
    said_alone = store.unreadable()
    store.close()

    store = open_store(tmp_path / "ws")
    monkeypatch.setattr(workers, "_cores", lambda: 2)
    together = portfolio_report(store, catalog, capacity=CAPACITY, now=NOW, tz=report_fixture.UTC)
    assert together == alone and together.warnings and together.total == 6
    assert store.unreadable() == said_alone and IDS["healthy"] in said_alone[0]
    store.close()


def _dies(worker, ids):  # a worker killed by the system halfway through
    os._exit(9)


def test_a_worker_that_dies_costs_time_not_the_report(
    disk_store, catalog, many, monkeypatch, tmp_path
) -> None:
    monkeypatch.setattr(workers, "_cores", lambda: 1)
    alone = portfolio_report(disk_store, catalog, capacity=CAPACITY, now=NOW, tz=report_fixture.UTC)
    started = callers_of(monkeypatch, portfolio_workers, "_start", tmp_path / "started")
    monkeypatch.setattr(workers, "_cores", lambda: 2)
    monkeypatch.setattr(portfolio_workers, "_work", _dies)
    again = portfolio_report(disk_store, catalog, capacity=CAPACITY, now=NOW, tz=report_fixture.UTC)
    assert started()  # a worker started, and died
    assert again == alone


def _fails(worker, ids):  # a worker's server connection lost, say
    raise RuntimeError("connection lost")


def test_a_worker_that_fails_says_nothing_and_its_runs_are_done_here(
    disk_store, catalog, many, monkeypatch, capfd
) -> None:
    """The portfolio does a failed worker's runs itself and says what fails, if it
    fails there too: no worker's traceback on the user's terminal."""
    monkeypatch.setattr(workers, "_cores", lambda: 1)
    alone = portfolio_report(disk_store, catalog, capacity=CAPACITY, now=NOW, tz=report_fixture.UTC)
    monkeypatch.setattr(workers, "_cores", lambda: 2)
    monkeypatch.setattr(portfolio_workers, "_work", _fails)
    capfd.readouterr()
    again = portfolio_report(disk_store, catalog, capacity=CAPACITY, now=NOW, tz=report_fixture.UTC)
    assert again == alone
    assert "Traceback" not in capfd.readouterr().err


def test_no_process_to_be_had_means_the_work_is_done_here(
    disk_store, catalog, many, monkeypatch
) -> None:
    import multiprocessing

    class Refusing:  # fork failing: a process limit reached
        def __init__(self) -> None:
            self.real = multiprocessing.get_context("fork")

        def __getattr__(self, name):
            return getattr(self.real, name)

        def Process(self, *args, **kwargs):  # multiprocessing's name
            proc = self.real.Process(*args, **kwargs)

            def start() -> None:
                raise OSError(11, "Resource temporarily unavailable")

            proc.start = start
            return proc

    monkeypatch.setattr(workers, "_cores", lambda: 1)
    alone = portfolio_report(disk_store, catalog, capacity=CAPACITY, now=NOW, tz=report_fixture.UTC)
    monkeypatch.setattr(workers, "_cores", lambda: 2)
    monkeypatch.setattr(workers, "_context", Refusing)
    again = portfolio_report(disk_store, catalog, capacity=CAPACITY, now=NOW, tz=report_fixture.UTC)
    assert again == alone


def test_few_prospects_or_a_store_without_an_opener_stay_in_this_process(
    mem_store, disk_store, catalog, monkeypatch
) -> None:
    def no_worker():
        raise AssertionError("no worker process should start")

    monkeypatch.setattr(workers, "_context", no_worker)
    monkeypatch.setattr(workers, "_cores", lambda: 4)
    monkeypatch.setenv("QUALIFY_CACHE_DIR", "off")
    # seven prospects, fewer than it takes: in this process
    few = portfolio_report(disk_store, catalog, capacity=CAPACITY, now=NOW, tz=report_fixture.UTC)
    monkeypatch.setattr(workers, "MIN_PROSPECTS", 0)
    # a store another process cannot open (this one lives in memory): in this process
    mine = portfolio_report(mem_store, catalog, capacity=CAPACITY, now=NOW, tz=report_fixture.UTC)
    assert few.total == mine.total == 7


def test_on_the_team_server_each_worker_reads_with_the_same_login(
    pg, catalog, many, monkeypatch, tmp_path
) -> None:
    """Workers open their own connection as the same person: a territory manager's
    workers see her prospects only, and the report is the one her own process makes."""
    from qualify.store.postgres import PostgresStore

    with PostgresStore(pg.admin_url) as admin:
        report_fixture.fill(admin, catalog)
    north = pg.grant("nora", "North")
    with PostgresStore(north) as nora:
        monkeypatch.setattr(workers, "_cores", lambda: 1)
        alone = portfolio_report(nora, catalog, capacity=CAPACITY, now=NOW, tz=report_fixture.UTC)
        monkeypatch.setattr(workers, "_cores", lambda: 2)
        together = portfolio_report(
            nora, catalog, capacity=CAPACITY, now=NOW, tz=report_fixture.UTC
        )
    assert together == alone
    rows = [r for g in alone.groups for r in g.rows] + [*alone.just_friends, *alone.parted_ways]
    assert 0 < alone.total < 7 and {r.territory for r in rows} == {"North"}


def test_workers_started_afresh_make_the_same_report(
    disk_store, catalog, many, monkeypatch
) -> None:
    """Where forking is not safe (macOS, Windows) each worker is a new interpreter: it
    must import, open the store and assess exactly as a forked one does."""
    import multiprocessing

    monkeypatch.setattr(workers, "_cores", lambda: 1)
    alone = portfolio_report(disk_store, catalog, capacity=CAPACITY, now=NOW, tz=report_fixture.UTC)
    monkeypatch.setattr(workers, "_cores", lambda: 2)
    monkeypatch.setattr(workers, "_context", lambda: multiprocessing.get_context("spawn"))
    monkeypatch.setattr(workers, "CHUNK", 4)
    assert (
        portfolio_report(disk_store, catalog, capacity=CAPACITY, now=NOW, tz=report_fixture.UTC)
        == alone
    )


KILLED = """
import os, sys, time
sys.path.insert(0, {tests!r})
import report_fixture
from qualify import workers
from qualify.reports import portfolio_workers
from qualify.reports.portfolio_cache import portfolio_report
from qualify.store import open_store

import multiprocessing
workers.MIN_PROSPECTS, workers.CHUNK = 0, 1
workers._cores = lambda: 2
workers._context = lambda: multiprocessing.get_context("fork")
work = portfolio_workers._work

def slow(worker, ids):  # a long portfolio: each run of prospects takes a while
    with open({log!r}, "a") as out:
        out.write(f"{{os.getpid()}}\\n")
    time.sleep(0.3)
    return work(worker, ids)

portfolio_workers._work = slow
store = open_store({ws!r})
portfolio_report(store, report_fixture.catalog(), now=report_fixture.NOW)
"""


def test_no_worker_outlives_a_killed_portfolio(disk_store, tmp_path) -> None:
    import signal
    import subprocess
    import sys
    import time

    log = tmp_path / "workers"
    script = KILLED.format(
        tests=str(Path(report_fixture.__file__).parent), log=str(log), ws=str(disk_store.root)
    )
    env = {**os.environ, "QUALIFY_CACHE_DIR": "off"}
    portfolio = subprocess.Popen([sys.executable, "-c", script], env=env)
    try:
        deadline = time.monotonic() + 30
        while len(set(log.read_text().split()) if log.exists() else ()) < 2:
            assert time.monotonic() < deadline, "the workers never started"
            time.sleep(0.05)
        workers = {int(pid) for pid in log.read_text().split()}
        portfolio.send_signal(signal.SIGKILL)
        portfolio.wait()
        deadline = time.monotonic() + 5
        while any(_alive(pid) for pid in workers):
            assert time.monotonic() < deadline, "a worker outlived its portfolio"
            time.sleep(0.05)
    finally:
        if portfolio.poll() is None:
            portfolio.kill()


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().split(") ")[1][0] != "Z"  # a zombie has stopped
    except FileNotFoundError:
        return False

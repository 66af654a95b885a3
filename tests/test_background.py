"""A job sent to the background (a big cache entry written while a report renders) is
done by a forked child the caller waits for before it reads the result, or exits."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from qualify import workers


def _write_pid_late(path: Path, delay: float = 0.3) -> None:
    time.sleep(delay)
    path.write_text(str(os.getpid()), encoding="utf-8")


def test_the_job_runs_in_a_child_and_is_waited_for(tmp_path, monkeypatch) -> None:
    monkeypatch.setattr(workers, "_forkable", lambda: True)
    done = tmp_path / "done"
    workers.in_background(lambda: _write_pid_late(done))
    assert not done.exists()  # the caller went on at once
    workers.wait_background()
    assert done.exists() and int(done.read_text()) != os.getpid()


def test_where_forking_is_not_safe_the_job_is_done_here(tmp_path) -> None:
    done = tmp_path / "done"
    stop = threading.Event()
    other = threading.Thread(target=stop.wait)  # another thread: a fork could deadlock
    other.start()
    try:
        workers.in_background(lambda: _write_pid_late(done, 0))
    finally:
        stop.set()
        other.join()
    assert int(done.read_text()) == os.getpid()


def test_a_failing_job_costs_only_its_result(tmp_path, monkeypatch, capfd) -> None:
    monkeypatch.setattr(workers, "_forkable", lambda: True)

    def fails() -> None:
        raise RuntimeError("disk on fire")

    workers.in_background(fails)
    workers.wait_background()
    out, err = capfd.readouterr()
    assert out == "" and err == ""  # the child says nothing; the caller goes on


@pytest.mark.skipif(sys.platform != "linux", reason="forks on Linux only")
def test_the_process_does_not_exit_before_its_background_job(tmp_path) -> None:
    done = tmp_path / "done"
    code = (
        "import sys, time\n"
        "from pathlib import Path\n"
        "from qualify.workers import in_background\n"
        "def job():\n"
        "    time.sleep(0.5)\n"
        "    Path(sys.argv[1]).write_text('written')\n"
        "in_background(job)\n"
    )
    subprocess.run([sys.executable, "-c", code, str(done)], check=True, timeout=60)
    assert done.read_text() == "written"

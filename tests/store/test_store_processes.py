"""Real processes: kill -9 at random moments, two writers at once, a dead lock holder."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import time
from pathlib import Path

import orjson
import pytest
from storekit import child, make_interview, make_prospect

from qualify.core.records import AnswerRecord
from qualify.store import StoreLocked
from qualify.store.workspace import Workspace

pytestmark = pytest.mark.skipif(os.name == "nt", reason="SIGKILL semantics are POSIX")


def _read_acks(proc: subprocess.Popen[str], wanted: int) -> list[str]:
    assert proc.stdout is not None
    acks = []
    while len(acks) < wanted:
        line = proc.stdout.readline()
        if not line:
            assert proc.stderr is not None
            raise AssertionError(f"child ended early: {proc.stderr.read()}")
        acks.append(line.strip())
    return acks


def _rest(proc: subprocess.Popen[str]) -> list[str]:
    assert proc.stdout is not None
    out = proc.stdout.read()
    proc.wait()
    # A line cut short by the kill was never acknowledged; complete lines were.
    return [line for line in out.split("\n")[:-1] if line]


def _all_json_files_parse(root: Path) -> None:
    for path in root.rglob("*.json"):
        orjson.loads(path.read_bytes())  # raises if any file is unreadable


def test_kill_minus_9_never_loses_an_acknowledged_answer(tmp_path: Path) -> None:
    rng = random.Random(20261124)
    root = tmp_path / "ws"
    ws = Workspace(root)
    others = [ws.add_prospect(make_prospect(f"Other {n}")) for n in range(20)]
    prospect = ws.add_prospect(make_prospect("Crash Ltd"))
    interview = ws.add_interview(make_interview(prospect.id))
    acknowledged: list[str] = []
    for run in range(5):
        proc = child("record", str(root), interview.id, f"r{run}-", "0")
        acks = _read_acks(proc, rng.randint(3, 40))
        time.sleep(rng.uniform(0, 0.004))  # land somewhere inside a later write
        proc.send_signal(signal.SIGKILL)
        acks += _rest(proc)
        assert proc.returncode == -signal.SIGKILL
        acknowledged += acks

        reopened = Workspace(root)  # opens after every kill
        stored = reopened.get_interview(interview.id).answers
        missing = [qid for qid in acknowledged if qid not in stored]
        assert not missing, f"run {run}: lost acknowledged answers {missing}"
        _all_json_files_parse(root)
    # a killed writer's temp files are never read; the next write removes them
    last = Workspace(root)
    last.record_answers(interview.id, [AnswerRecord(question_id="after", value=1)])
    assert not list(root.rglob("*.tmp"))
    assert len(last.list_prospects()) == len(others) + 1


def test_two_processes_never_clobber_each_other(tmp_path: Path) -> None:
    root = tmp_path / "ws"
    ws = Workspace(root)
    shared = ws.add_prospect(make_prospect("Shared"))
    shared_iv = ws.add_interview(make_interview(shared.id))
    own = {}
    for tag in ("a", "b"):
        mine = ws.add_prospect(make_prospect(f"Own {tag}"))
        own[tag] = ws.add_interview(make_interview(mine.id))
    go = tmp_path / "go"
    procs = {tag: child("race", str(root), own[tag].id, shared_iv.id, tag, str(go)) for tag in own}
    for proc in procs.values():
        assert _read_acks(proc, 1) == ["ready"]
    go.touch()
    acked = {tag: _rest(proc) for tag, proc in procs.items()}
    for tag, proc in procs.items():
        assert proc.returncode == 0, proc.stderr.read() if proc.stderr else ""
        assert len(acked[tag]) == 50

    final = Workspace(root)
    shared_answers = final.get_interview(shared_iv.id).answers
    everything = dict(shared_answers)
    for tag in own:
        own_answers = final.get_interview(own[tag].id).answers
        assert not set(own_answers) & set(everything)
        everything.update(own_answers)
    expected = {f"{tag}-{n}" for tag in own for n in range(50)}
    assert set(everything) == expected  # all 100, none lost
    assert {q for q in shared_answers} == {f"{t}-{n}" for t in own for n in range(1, 50, 2)}
    history = final.history(shared.id)
    ids = [h.id for h in history]
    assert len(ids) == len(set(ids)) == 1 + 2 * 5  # created + 5 entries from each child
    with final.prospect_path(shared.id).open("rb") as handle:
        raw = orjson.loads(handle.read())
    assert len(raw["history"]) == 11  # no TinyDB document id was reused


def test_a_lock_held_by_a_live_process_gives_a_clear_error_and_a_dead_one_never_blocks(
    tmp_path: Path,
) -> None:
    root = tmp_path / "ws"
    ws = Workspace(root)
    prospect = ws.add_prospect(make_prospect())
    holder = child("hold-lock", str(root))
    try:
        assert _read_acks(holder, 1) == ["locked"]
        impatient = Workspace(root, lock_timeout=0.3)  # opening does not need the lock
        assert impatient.get_prospect(prospect.id) == prospect  # nor does reading
        with pytest.raises(StoreLocked) as caught:
            impatient.add_interview(make_interview(prospect.id))
        message = str(caught.value)
        assert str(root / "workspace.lock") in message
        assert "another qualify is writing" in message and "try again" in message
    finally:
        holder.send_signal(signal.SIGKILL)
        holder.wait()
    assert (root / "workspace.lock").exists()  # the killed process left its lock file behind
    started = time.perf_counter()
    Workspace(root, lock_timeout=2).add_interview(make_interview(prospect.id))
    assert time.perf_counter() - started < 1.0

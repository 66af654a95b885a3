"""Several processes on one server: answers to the same interview, advances of the same prospect."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from qualify.core.records import Interview, Prospect
from qualify.paths import bundled_questionnaires_dir
from qualify.store.postgres import PostgresStore

ROOT = Path(__file__).resolve().parents[2]
WORKER = Path(__file__).with_name("_worker.py")


def _start(*args: str) -> subprocess.Popen[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", "")}
    return subprocess.Popen(
        [sys.executable, str(WORKER), *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )


def _race(procs: list[subprocess.Popen[str]], go: Path) -> list[list[str]]:
    for proc in procs:
        assert proc.stdout is not None
        line = proc.stdout.readline()
        assert line == "ready\n", line + (proc.stderr.read() if proc.stderr else "")
    go.touch()
    outputs = []
    for proc in procs:
        out, err = proc.communicate(timeout=60)
        assert proc.returncode == 0, err
        outputs.append(out.splitlines())
    return outputs


def test_writers_on_the_same_interview_lose_nothing(pg, tmp_path: Path) -> None:
    url = pg.grant("anna", "North")
    pg.grant("bob", "North")
    store = PostgresStore(url)
    prospect = store.add_prospect(Prospect(name="Shared AV", stage="first-date", territory="North"))
    interview = store.add_interview(
        Interview(
            prospect_id=prospect.id,
            stage="first-date",
            questionnaire_id="x",
            questionnaire_version=1,
            questionnaire_hash="h",
        )
    )
    go = tmp_path / "go"
    tags = ["w0", "w1", "w2", "w3"]
    procs = [
        _start("answer", pg.url("anna" if n % 2 else "bob"), interview.id, tag, "25", str(go))
        for n, tag in enumerate(tags)
    ]
    outputs = _race(procs, go)
    acknowledged = [line for out in outputs for line in out]
    assert len(acknowledged) == 100
    answers = store.get_interview(interview.id).answers
    assert {q for q in answers if q != "shared"} == set(acknowledged)  # each writer kept its own
    assert answers["shared"].value in acknowledged  # the last writer's, whoever it was
    # Every version of the shared answer is kept in the log: nothing lost.
    [(logged,)] = pg.sql(
        "SELECT count(*) FROM qualify.answer_log WHERE interview_id = %s", (interview.id,)
    )
    assert logged == 200
    # The author is the login that wrote it; the name the writer gave is kept beside it.
    who = dict(
        pg.sql(
            "SELECT doc->>'recorded_as', min(recorded_by) FROM qualify.answer_log "
            "WHERE doc->>'by' = recorded_by GROUP BY 1",
        )
    )
    assert who == {"w0": "bob", "w1": "anna", "w2": "bob", "w3": "anna"}
    store.close()


def test_two_advances_at_once_move_the_prospect_once(pg, tmp_path: Path) -> None:
    url = pg.grant("anna", "North")
    pg.grant("bob", "North")
    store = PostgresStore(url)
    prospect = store.add_prospect(Prospect(name="Race Ltd", stage="first-date", territory="North"))
    go = tmp_path / "go"
    qdir = str(bundled_questionnaires_dir())
    procs = [
        _start("advance", pg.url(login), prospect.id, qdir, str(go))
        for login in ("anna", "bob", "anna")
    ]
    lines = [line for out in _race(procs, go) for line in out]
    moved = [line for line in lines if line.startswith("moved")]
    refused = [line for line in lines if line.startswith("conflict")]
    assert len(moved) == 1 and len(refused) == 2, lines
    assert all("changed meanwhile" in line and "nothing was changed" in line for line in refused)
    history = store.history(prospect.id)
    assert [h.action for h in history] == ["created", "advance"]
    assert store.get_prospect(prospect.id).stage == history[1].to_stage
    store.close()

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


# ------------------------------------------------------------------ rounds of races


def _rounds(
    pg,  # type: ignore[no-untyped-def]
    tmp_path: Path,
    workers: list[tuple[str, str]],
    ids: list[str],
) -> list[list[str]]:
    """Start the workers ((command, login) each) once; round after round, release them
    all at the same moment; returns each round's lines (in worker order)."""
    qdir = str(bundled_questionnaires_dir())
    prefix = str(tmp_path / "go")
    procs = [_start(cmd, pg.url(login), qdir, prefix, *ids) for cmd, login in workers]
    results: list[list[str]] = []
    try:
        for n in range(len(ids)):
            for proc in procs:
                assert proc.stdout is not None
                line = proc.stdout.readline()
                assert line == "ready\n", line + (proc.stderr.read() if proc.stderr else "")
            Path(f"{prefix}{n}").touch()
            results.append([proc.stdout.readline().strip() for proc in procs])  # type: ignore[union-attr]
        for proc in procs:
            _, err = proc.communicate(timeout=60)
            assert proc.returncode == 0, err
    finally:
        for proc in procs:
            if proc.poll() is None:
                proc.kill()
    return results


def _fresh(store: PostgresStore, count: int, name: str) -> list[str]:
    return [
        store.add_prospect(Prospect(name=f"{name} {n}", stage="first-date", territory="North")).id
        for n in range(count)
    ]


def test_eight_people_giving_the_first_answers_of_a_stage_share_one_interview(
    pg, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    url = pg.grant("anna", "North")
    pg.grant("bob", "North")
    with PostgresStore(url) as store:
        ids = _fresh(store, 3, "First")
        workers = [("first", "anna" if n % 2 else "bob") for n in range(8)]
        for pid, lines in zip(ids, _rounds(pg, tmp_path, workers, ids), strict=True):
            assert all(line.startswith("answered ") for line in lines), lines
            [interview] = store.interviews(pid)
            assert {line.split()[1] for line in lines} == {interview.id}
            assert len(interview.answers) == 8  # nobody's answer hidden in a second one
            assert listed_row(store, pid) == expected(store, pid)


def test_simultaneous_overrides_move_a_prospect_once(pg, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    url = pg.grant("anna", "North")
    pg.grant("bob", "North")
    with PostgresStore(url) as store:
        ids = _fresh(store, 4, "Override")
        workers = [("cli-override", login) for login in ("anna", "bob", "anna", "bob")]
        for pid, lines in zip(ids, _rounds(pg, tmp_path, workers, ids), strict=True):
            moved = [line for line in lines if line.startswith("exit 0")]
            refused = [line for line in lines if line.startswith("exit 4")]
            assert len(moved) == 1 and len(refused) == 3, lines
            assert [h.action for h in store.history(pid)] == ["created", "advance"]
            assert store.get_prospect(pid).stage == "getting-to-know"
            assert listed_row(store, pid).stage == "getting-to-know"


def test_an_answer_racing_an_advance_lands_before_the_move_or_is_refused(
    pg, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    url = pg.grant("anna", "North")
    pg.grant("bob", "North")
    with PostgresStore(url) as store:
        ids = _fresh(store, 6, "Race")
        workers = [("race-answer", "anna"), ("race-advance", "bob")]
        outcomes = set()
        for pid, (answered, moved) in zip(ids, _rounds(pg, tmp_path, workers, ids), strict=True):
            assert moved == "moved first-date getting-to-know", moved
            interviews = store.interviews(pid)
            assert all(i.stage == "first-date" for i in interviews)
            if answered.startswith("answered"):
                outcomes.add("answered")
                [interview] = interviews
                assert answered.split()[2] == "first-date"
                assert interview.answers["raced"].value is not None
            else:
                outcomes.add("refused")
                assert "moved on meanwhile" in answered, answered
                assert not any("raced" in i.answers for i in interviews)
            assert listed_row(store, pid) == expected(store, pid)
            assert listed_row(store, pid).stage == "getting-to-know"


def listed_row(store: PostgresStore, pid: str):  # type: ignore[no-untyped-def]
    [row] = [r for r in store.list_prospects() if r.id == pid]
    return row


def expected(store: PostgresStore, pid: str):  # type: ignore[no-untyped-def]
    from qualify.core.assess import Snapshots, list_row
    from qualify.core.questionnaire.model import QuestionSet

    snapshots = Snapshots()
    for digest in store.snapshot_hashes():
        snapshots.sets[digest] = QuestionSet.model_validate(store.get_snapshot(digest))
    return list_row(store.read_prospect(pid), snapshots)

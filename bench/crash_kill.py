"""The long crash run: a writer killed with SIGKILL at random moments, 200+ times.

Run: python bench/crash_kill.py [--kills 200] [--seed 1] [--dir DIR]

Each run starts a child that records answers (each store call also rewrites the
list row), appends history and adds prospects in a loop, printing every id once the
store call has returned. After its first acknowledgement the child is killed at a random moment.
After every kill the workspace must open, every acknowledged write must be there,
every JSON file must parse, and the victim's list row must match its prospect file.
Prints: runs, acknowledged writes, lost, unreadable, failed opens, stale list rows.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import orjson  # noqa: E402
from _workdir import workdir  # noqa: E402

from qualify.core.records import (  # noqa: E402
    AnswerRecord,
    HistoryEntry,
    Interview,
    Prospect,
)
from qualify.store.workspace import Workspace  # noqa: E402
from qualify.store.workspace.files import read_prospect_file  # noqa: E402

SCORED = {
    "id": "q",
    "title": "Q",
    "version": 1,
    "bands": [{"min": 50, "label": "Good"}, {"min": 0, "label": "Poor"}],
    "sections": [
        {"id": "s", "title": "S", "questions": [{"id": "r0-0", "text": "?", "type": "scale"}]}
    ],
}


def child(data_dir: str, interview_id: str, prefix: str) -> None:
    """The victim: writes forever, acknowledging each write on stdout."""
    store = Workspace(Path(data_dir), lock_timeout=30)
    pid = store.interview_owners([interview_id])[interview_id]
    n = 0
    while True:
        qid = f"{prefix}{n}"
        store.record_answers(interview_id, [AnswerRecord(question_id=qid, value=n % 5 + 1)])
        out = [f"a {qid}"]
        if n % 7 == 3:
            entry = store.append_history(HistoryEntry(prospect_id=pid, action="edit", reason=qid))
            out.append(f"h {entry.id}")
        if n % 11 == 5:
            added = store.add_prospect(Prospect(name=f"New {qid}", stage="s1"))
            out.append(f"p {added.id}")
        sys.stdout.write("\n".join(out) + "\n")
        sys.stdout.flush()
        n += 1


def unreadable(root: Path) -> list[Path]:
    bad = []
    for path in root.rglob("*.json*"):
        if path.name.endswith(".tmp") or not path.is_file():
            continue
        try:
            orjson.loads(path.read_bytes())
        except orjson.JSONDecodeError:
            bad.append(path)
    return bad


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--kills", type=int, default=200)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--dir", type=workdir, default=None)
    args = parser.parse_args()
    if os.name == "nt":
        sys.exit("SIGKILL is POSIX-only")

    rng = random.Random(args.seed)
    if args.dir is not None:
        args.dir.mkdir(parents=True, exist_ok=True)
    base = Path(tempfile.mkdtemp(prefix="qualify-crash-", dir=args.dir))
    root = base / "ws"
    try:
        store = Workspace(root)
        store.put_snapshot("crashhash", SCORED)  # the victim's row is scored on every answer
        for n in range(50):
            store.add_prospect(Prospect(name=f"Bystander {n}", stage="s1"))
        victim = store.add_prospect(Prospect(name="Victim", stage="s1"))
        interview = store.add_interview(
            Interview(
                prospect_id=victim.id,
                stage="s1",
                questionnaire_id="q",
                questionnaire_version=1,
                questionnaire_hash="crashhash",
            )
        )
        answers: list[str] = []
        history: list[str] = []
        prospects: list[str] = []
        lost = 0
        bad_files: set[Path] = set()
        open_failures = 0
        stale_rows = 0
        started = time.perf_counter()
        env = {**os.environ, "PYTHONPATH": str(ROOT)}
        for run in range(args.kills):
            proc = subprocess.Popen(
                [sys.executable, __file__, "--child", str(root), interview.id, f"r{run}-"],
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
                env=env,
            )
            assert proc.stdout is not None and proc.stderr is not None
            first = proc.stdout.readline()
            if not first:
                sys.exit(f"child failed: {proc.stderr.read()}")
            time.sleep(rng.uniform(0, 0.05))
            proc.send_signal(signal.SIGKILL)
            rest = proc.stdout.read()
            proc.wait()
            for line in [first.rstrip("\n"), *rest.split("\n")[:-1]]:
                kind, _, value = line.partition(" ")
                {"a": answers, "h": history, "p": prospects}[kind].append(value)
            try:
                reopened = Workspace(root)
                stored = reopened.get_interview(interview.id).answers
                kept_history = {h.id for h in reopened.history(victim.id)}
                rows = {r.id: r for r in reopened.list_prospects()}
                listed = set(rows)
                # the list row must show what the prospect file holds, even after a kill
                # between the two writes (the list heals it when it is read)
                held = read_prospect_file(reopened.prospect_path(victim.id))
                if held is None or rows[victim.id] != held.row:
                    stale_rows += 1
            except Exception as exc:
                open_failures += 1
                print(f"run {run}: the workspace did not open: {exc}")
                continue
            lost = sum(q not in stored for q in answers)
            lost += sum(h not in kept_history for h in history)
            lost += sum(p not in listed for p in prospects)
            bad_files.update(unreadable(root))
            if (run + 1) % 50 == 0:
                print(f"  {run + 1} kills, {time.perf_counter() - started:.0f} s")
        print(f"runs (SIGKILLs):          {args.kills}")
        print(
            f"acknowledged writes:      {len(answers) + len(history) + len(prospects)} "
            f"({len(answers)} answers, {len(history)} history entries, "
            f"{len(prospects)} prospects)"
        )
        print(f"lost acknowledged writes: {lost}")
        print(f"unreadable files:         {len(bad_files)}")
        print(f"failed opens:             {open_failures}")
        print(f"stale list rows:          {stale_rows}")
        if lost or bad_files or open_failures or stale_rows:
            sys.exit(1)
    finally:
        shutil.rmtree(base, ignore_errors=True)


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        child(*sys.argv[2:5])
    else:
        main()

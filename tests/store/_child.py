"""Child process for the store's multi-process tests (run as a script, not collected).

    _child.py record DATA_DIR INTERVIEW_ID PREFIX COUNT     (COUNT 0: until killed)
    _child.py hold-lock DATA_DIR
    _child.py race DATA_DIR OWN_INTERVIEW SHARED_INTERVIEW TAG GO_FILE

Each acknowledged write is printed (and flushed) only after the store call returned.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

from qualify.core.records import AnswerRecord, HistoryEntry
from qualify.store.workspace import Workspace


def record(data_dir: str, interview_id: str, prefix: str, count: str) -> None:
    store = Workspace(Path(data_dir), lock_timeout=30)
    n = 0
    while int(count) == 0 or n < int(count):
        qid = f"{prefix}{n}"
        store.record_answers(interview_id, [AnswerRecord(question_id=qid, value=n, by=prefix)])
        sys.stdout.write(qid + "\n")
        sys.stdout.flush()
        n += 1


def hold_lock(data_dir: str) -> None:
    store = Workspace(Path(data_dir))
    with store.locked():
        sys.stdout.write("locked\n")
        sys.stdout.flush()
        time.sleep(120)


def race(data_dir: str, own: str, shared: str, tag: str, go_file: str) -> None:
    store = Workspace(Path(data_dir), lock_timeout=30)
    shared_pid = store.interview_owners([shared])[shared]
    sys.stdout.write("ready\n")
    sys.stdout.flush()
    while not Path(go_file).exists():
        time.sleep(0.001)
    for n in range(50):
        target = shared if n % 2 else own
        answer = AnswerRecord(question_id=f"{tag}-{n}", value=n, by=tag)
        store.record_answers(target, [answer])
        if n % 10 == 0:
            store.append_history(
                HistoryEntry(prospect_id=shared_pid, action="edit", reason=f"{tag}-{n}", by=tag)
            )
        sys.stdout.write(f"{tag}-{n}\n")
        sys.stdout.flush()


if __name__ == "__main__":
    command, *args = sys.argv[1:]
    {"record": record, "hold-lock": hold_lock, "race": race}[command](*args)

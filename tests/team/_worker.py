"""Child process for the team store's concurrency tests (run as a script, not collected).

    _worker.py answer URL INTERVIEW_ID TAG COUNT GO_FILE
    _worker.py advance URL PROSPECT_ID QUESTIONNAIRES GO_FILE

Each acknowledged write is printed (and flushed) only after the store call returned.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

from qualify.core.records import AnswerRecord
from qualify.store.postgres import PostgresStore


def _wait(go_file: str) -> None:
    sys.stdout.write("ready\n")
    sys.stdout.flush()
    while not Path(go_file).exists():
        time.sleep(0.001)


def answer(url: str, interview_id: str, tag: str, count: str, go_file: str) -> None:
    store = PostgresStore(url)
    _wait(go_file)
    for n in range(int(count)):
        batch = [
            AnswerRecord(question_id=f"{tag}-{n}", value=n, by=tag),
            AnswerRecord(question_id="shared", value=f"{tag}-{n}", by=tag),
        ]
        store.record_answers(interview_id, batch)
        sys.stdout.write(f"{tag}-{n}\n")
        sys.stdout.flush()
    store.close()


def advance(url: str, prospect_id: str, questionnaires: str, go_file: str) -> None:
    from qualify.core.questionnaire import load_catalog
    from qualify.store.base import StageConflict
    from qualify.workflow.qualifier import Qualifier

    store = PostgresStore(url)
    q = Qualifier(store, load_catalog(Path(questionnaires)))
    prospect = q.resolve(prospect_id)  # every worker reads the same stage before anyone moves
    _wait(go_file)
    try:
        entry = q.advance(prospect, override="race")
        sys.stdout.write(f"moved {entry.from_stage} {entry.to_stage}\n")
    except StageConflict as exc:
        sys.stdout.write(f"conflict {exc}\n")
    sys.stdout.flush()
    store.close()


if __name__ == "__main__":
    command, *args = sys.argv[1:]
    {"answer": answer, "advance": advance}[command](*args)

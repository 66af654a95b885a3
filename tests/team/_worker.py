"""Child process for the team store's concurrency tests (run as a script, not collected).

    _worker.py answer URL INTERVIEW_ID TAG COUNT GO_FILE
    _worker.py advance URL PROSPECT_ID QUESTIONNAIRES GO_FILE
    _worker.py first|race-answer|race-advance|cli-override URL QUESTIONNAIRES GO_PREFIX ID…

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
        time.sleep(0.0005)


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


def rounds(command: str, url: str, questionnaires: str, go_prefix: str, *ids: str) -> None:
    """Round after round (a prospect id each), wait for GO_PREFIX<n>, then act once and
    print one line: what happened. Everything is imported and connected beforehand."""
    from click.testing import CliRunner

    from qualify.cli import main
    from qualify.core.questionnaire import load_catalog
    from qualify.core.records import AnswerRecord
    from qualify.store.base import StageConflict
    from qualify.workflow.qualifier import Qualifier

    store = PostgresStore(url)
    q = Qualifier(store, load_catalog(Path(questionnaires)))
    runner = CliRunner()
    tag = f"{store.login}-{os_pid()}"
    for n, pid in enumerate(ids):
        prospect = q.resolve(pid)  # what the user saw, before anyone acts
        _wait(f"{go_prefix}{n}")
        try:
            if command == "first":  # the first answers of a stage, through the workflow
                interview = q.open_interview(prospect)
                saved = store.record_answers(
                    interview.id,
                    [AnswerRecord(question_id=f"w-{tag}", value=n)],
                    expected_stage=prospect.stage,
                )
                out = f"answered {saved.id}"
            elif command == "race-answer":  # an answer racing an advance
                interview = q.open_interview(prospect)
                saved = store.record_answers(
                    interview.id,
                    [AnswerRecord(question_id="raced", value=n)],
                    expected_stage=prospect.stage,
                )
                out = f"answered {saved.id} {saved.stage}"
            elif command == "race-advance":
                entry = q.advance(prospect, override="race")
                out = f"moved {entry.from_stage} {entry.to_stage}"
            else:  # "cli-override": the command line, reading the prospect itself
                env = {"QUALIFY_STORE": url}
                result = runner.invoke(main, ["advance", pid, "--override", "race"], env=env)
                out = f"exit {result.exit_code} {result.output.strip()[:200]}"
        except StageConflict as exc:
            out = f"conflict {exc}"
        sys.stdout.write(out.replace("\n", " ") + "\n")
        sys.stdout.flush()
    store.close()


def os_pid() -> int:
    import os

    return os.getpid()


if __name__ == "__main__":
    command, *args = sys.argv[1:]
    if command in ("first", "race-answer", "race-advance", "cli-override"):
        rounds(command, *args)
    else:
        {"answer": answer, "advance": advance}[command](*args)

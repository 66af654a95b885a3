"""Helpers for the store tests: record factories and the child-process launcher."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

from qualify.core.records import AnswerRecord, Interview, Prospect

ROOT = Path(__file__).resolve().parents[2]
CHILD = Path(__file__).with_name("_child.py")
T0 = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)


def make_prospect(name: str = "Acme Audio", **kw: object) -> Prospect:
    return Prospect(name=name, stage=str(kw.pop("stage", "discovery")), **kw)  # type: ignore[arg-type]


def make_interview(prospect_id: str, stage: str = "discovery", **kw: object) -> Interview:
    return Interview(
        prospect_id=prospect_id,
        stage=stage,
        questionnaire_id=f"{stage}-set",
        questionnaire_version=1,
        questionnaire_hash=f"{stage}hash0001",
        **kw,  # type: ignore[arg-type]
    )


def answer(qid: str, value: object, minutes: int = 0, **kw: object) -> AnswerRecord:
    return AnswerRecord(
        question_id=qid, value=value, answered_at=T0 + timedelta(minutes=minutes), **kw
    )  # type: ignore[arg-type]


def child(*args: str) -> subprocess.Popen[str]:
    """A Python child running tests/store/_child.py with this checkout importable."""
    env = {**os.environ, "PYTHONPATH": str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", "")}
    return subprocess.Popen(
        [sys.executable, str(CHILD), *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )

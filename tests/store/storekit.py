"""Helpers for the store tests: record factories and the child-process launcher."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TypeVar

from qualify.core.assess import Snapshots, list_row
from qualify.core.questionnaire.catalog import canonical
from qualify.core.questionnaire.loader import canonical_hash
from qualify.core.questionnaire.model import QuestionSet
from qualify.core.records import AnswerRecord, HistoryEntry, Interview, Prospect, ProspectSummary
from qualify.store.base import Store

ROOT = Path(__file__).resolve().parents[2]
CHILD = Path(__file__).with_name("_child.py")
T0 = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
R = TypeVar("R", AnswerRecord, HistoryEntry, Interview)


SCORED_SET = {
    "id": "discovery-set",
    "title": "Discovery",
    "version": 1,
    "bands": [{"min": 75, "label": "Strong"}, {"min": 0, "label": "Weak"}],
    "sections": [
        {
            "id": "s",
            "title": "S",
            "questions": [
                {"id": "q1", "text": "Q1?", "type": "scale"},
                {"id": "q2", "text": "Q2?", "type": "yes_no", "score": {"yes": 5, "no": 0}},
            ],
        }
    ],
}
"""A question set that scores: stored as the snapshot of make_interview's interviews."""
SCORED = canonical(QuestionSet.model_validate(SCORED_SET))
"""SCORED_SET as a snapshot is stored."""
SCORED_HASH = canonical_hash(SCORED)
"""Its content hash: the key a server accepts it under (make_interview's default)."""


def authored(store: Store, record: R) -> R:
    """``record`` as ``store`` keeps it: on a server its author is the login, and a
    different name given is kept as ``recorded_as`` (an interview's answers likewise)."""
    login = store.login
    if not login:
        return record
    field = "interviewer" if isinstance(record, Interview) else "by"
    given = getattr(record, field)
    update: dict[str, object] = {}
    if given != login:
        update = {field: login, "recorded_as": given or record.recorded_as}
    if isinstance(record, Interview):
        update["answers"] = {q: authored(store, a) for q, a in record.answers.items()}
    return record.model_copy(update=update)


def expected_row(store: Store, prospect_id: str) -> ProspectSummary:
    """The list row the core's rules give for what the store holds now."""
    snapshots = Snapshots()
    for digest in store.snapshot_hashes():
        snapshots.sets[digest] = QuestionSet.model_validate(store.get_snapshot(digest))
    return list_row(store.read_prospect(prospect_id), snapshots)


def listed(store: Store, prospect_id: str) -> ProspectSummary:
    [row] = [r for r in store.list_prospects() if r.id == prospect_id]
    return row


def make_prospect(name: str = "Acme Audio", **kw: object) -> Prospect:
    return Prospect(name=name, stage=str(kw.pop("stage", "discovery")), **kw)  # type: ignore[arg-type]


def make_interview(prospect_id: str, stage: str = "discovery", **kw: object) -> Interview:
    fields: dict[str, object] = {
        "prospect_id": prospect_id,
        "stage": stage,
        "questionnaire_id": f"{stage}-set",
        "questionnaire_version": 1,
        "questionnaire_hash": f"{stage}hash0001",
    }
    return Interview(**{**fields, **kw})  # type: ignore[arg-type]


def scored_interview(prospect_id: str, stage: str = "discovery", **kw: object) -> Interview:
    """An interview taken with SCORED (stored under SCORED_HASH) at the discovery stage."""
    if stage == "discovery":
        kw.setdefault("questionnaire_hash", SCORED_HASH)
    return make_interview(prospect_id, stage, **kw)


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

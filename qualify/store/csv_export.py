"""The CSV export: a flat answers table for spreadsheets (UTF-8 with BOM so Excel reads
accents, formula injection neutralised), one row per answer. It is not importable; the
JSON export (:mod:`qualify.store.transfer`) is."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import orjson

from qualify.atomic import streaming
from qualify.core.words import csv_text
from qualify.store.base import Store
from qualify.store.reading import readable_records

CSV_COLUMNS = (
    "prospect_id",
    "prospect",
    "territory",
    "stage",
    "interview_id",
    "question_set",
    "question_set_version",
    "question_id",
    "value",
    "state",
    "source",
    "note",
    "answered_at",
    "by",
)


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list):
        return "; ".join(_cell(v) for v in value)
    if isinstance(value, dict):
        return orjson.dumps(value).decode()
    return str(value)


def export_csv(store: Store, path: Path, ids: Iterable[str]) -> int:
    """The answers of the prospects ``ids`` (those readable) to ``path``, atomically;
    returns how many prospects were written."""
    n = 0
    with streaming(path) as out:
        text = io.TextIOWrapper(out, encoding="utf-8-sig", newline="")
        writer = csv.writer(text)
        writer.writerow(CSV_COLUMNS)
        for records in readable_records(store, ids):
            n += 1
            p = records.prospect
            for interview in records.interviews:
                for qid in sorted(interview.answers):
                    a = interview.answers[qid]
                    row = [
                        p.id,
                        p.name,
                        p.territory,
                        interview.stage,
                        interview.id,
                        interview.questionnaire_id,
                        interview.questionnaire_version,
                        a.question_id,
                        _cell(a.value),
                        a.state,
                        a.source,
                        a.note,
                        a.answered_at.isoformat(),
                        a.by,
                    ]
                    writer.writerow([csv_text(_cell(c)) for c in row])
        text.flush()
        text.detach()
    return n


__all__ = ["CSV_COLUMNS", "export_csv"]

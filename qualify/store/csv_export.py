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


def _cells(*values: Any) -> list[str]:
    """Each value as the cell a spreadsheet shows as text (see ``csv_text``)."""
    return [csv_text(v if type(v) is str else _cell(v)) for v in values]


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
            # a prospect's cells and an interview's are made once, not once per answer
            prospect = _cells(p.id, p.name, p.territory)
            for interview in records.interviews:
                asked = prospect + _cells(
                    interview.stage,
                    interview.id,
                    interview.questionnaire_id,
                    interview.questionnaire_version,
                )
                for qid in sorted(interview.answers):
                    a = interview.answers[qid]
                    writer.writerow(
                        asked
                        + _cells(
                            a.question_id,
                            a.value,
                            a.state,
                            a.source,
                            a.note,
                            a.answered_at.isoformat(),
                            a.by,
                        )
                    )
        text.flush()
        text.detach()
    return n


__all__ = ["CSV_COLUMNS", "export_csv"]

"""The prospect file: a TinyDB database holding everything kept about one prospect.

Four tables of documents keyed by TinyDB's integer ids, each document a record's
``model_dump(mode="json")``: ``prospect`` (one Prospect), ``summary`` (its list row
as last computed: what the index is rebuilt from), ``interviews`` (each with its
answers) and ``history``. Interviews and history entries are written oldest first,
and read back oldest first with the stored order breaking ties.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson
from pydantic import ValidationError

from qualify.core.phrase import Phrase
from qualify.core.records import (
    HistoryEntry,
    Interview,
    Prospect,
    ProspectRecords,
    ProspectSummary,
)
from qualify.store.workspace.recent import shard_of
from qualify.store.workspace.storage import corrupt, read_json


@dataclass(frozen=True)
class ProspectFile:
    """What one prospect file holds: the records, and the list row written with them."""

    records: ProspectRecords
    row: ProspectSummary | None
    """None only in files written before rows were kept in them (schema 1 migrations)."""


def _dump(model: Any) -> dict[str, Any]:
    return model.model_dump(mode="json")


def to_tables(records: ProspectRecords, row: ProspectSummary | None) -> dict[str, Any]:
    """The TinyDB database of a prospect: tables of documents keyed by integer ids."""
    return {
        "prospect": {"1": _dump(records.prospect)},
        "summary": {"1": _dump(row)} if row is not None else {},
        "interviews": {str(n): _dump(i) for n, i in enumerate(records.interviews, 1)},
        "history": {str(n): _dump(h) for n, h in enumerate(records.history, 1)},
    }


def encode(records: ProspectRecords, row: ProspectSummary | None) -> bytes:
    """The file's bytes (serialised before anything touches the disk)."""
    return orjson.dumps(to_tables(records, row))


_COUNTED = tuple(str(n) for n in range(1, 257))
"""The ids :func:`to_tables` gives a table's documents, in order: "1", "2", …"""


def _ordered(table: dict[str, Any] | None) -> list[dict[str, Any]]:
    """A table's documents in the order of their integer ids (ValueError: one is not)."""
    if type(table) is dict and tuple(table) == _COUNTED[: len(table)]:
        return list(table.values())  # as written: "1", "2", … in order (most files)
    rows = [(int(k), v) for k, v in (table or {}).items()]
    rows.sort(key=lambda kv: kv[0])
    return [v for _, v in rows]


def from_tables(path: Path | str, raw: dict[str, Any]) -> ProspectFile:
    """Validate a prospect file; anything that does not fit is reported as corruption.

    Each record goes through its model's validator itself, as ``model_validate`` does
    (the same checks and errors) without the wrapper's cost: a portfolio validates
    ~10 records per prospect, 10,000 prospects."""
    try:
        prospects = _ordered(raw.get("prospect"))
        if not prospects:
            raise corrupt(path, Phrase("no prospect record in it"))
        rows = _ordered(raw.get("summary"))
        prospect = Prospect.__pydantic_validator__.validate_python(prospects[0])
        row = ProspectSummary.__pydantic_validator__.validate_python(rows[0]) if rows else None
        interview = Interview.__pydantic_validator__.validate_python
        interviews = [interview(d) for d in _ordered(raw.get("interviews"))]
        entry = HistoryEntry.__pydantic_validator__.validate_python
        history = [entry(d) for d in _ordered(raw.get("history"))]
    except ValidationError as exc:
        problem = _first_invalid(raw) or _said(exc, "", Prospect)
        raise corrupt(path, Phrase("invalid record: {problem}", problem=problem)) from None
    except (TypeError, ValueError, AttributeError) as exc:
        raise corrupt(path, Phrase("not a prospect file: {error}", error=str(exc))) from None
    # Oldest first; the stored order breaks ties (entries written in the same microsecond).
    interviews.sort(key=lambda i: i.started_at)
    history.sort(key=lambda h: h.at)
    return ProspectFile(ProspectRecords(prospect, tuple(interviews), tuple(history)), row)


_TABLES = (
    ("prospect", Prospect),
    ("summary", ProspectSummary),
    ("interviews", Interview),
    ("history", HistoryEntry),
)


def _first_invalid(raw: dict[str, Any]) -> Any:
    """What is wrong with the first record that does not validate, named by its table
    and id as the file holds them (``history.3: action: 'explode' is not allowed…``),
    each checked against its own model (only once the file is known to be bad)."""
    for table, model in _TABLES:
        found = raw.get(table)
        for key, document in found.items() if isinstance(found, dict) else ():
            try:
                model.__pydantic_validator__.validate_python(document)
            except ValidationError as exc:
                return _said(exc, f"{table}.{key}", model)
    return None


def _said(exc: ValidationError, where: str, model: type[Any]) -> Any:
    from qualify.core.questionnaire.friendly import at_path  # only on an error

    return at_path(where, exc.errors()[0], model)


def read_prospect_file(path: Path) -> ProspectFile | None:
    """The prospect file at ``path``; None when there is none (StoreCorrupt if unreadable)."""
    raw = read_json(path)
    return None if raw is None else from_tables(path, raw)


def read_facts(path: Path) -> Prospect | None:
    """Only the prospect's facts: what most lookups need, without validating every answer."""
    raw = read_json(path)
    if raw is None:
        return None
    rows = _ordered(raw.get("prospect")) if isinstance(raw.get("prospect"), dict) else []
    if not rows:
        raise corrupt(path, Phrase("no prospect record in it"))
    try:
        return Prospect.model_validate(rows[0])
    except ValidationError:
        return from_tables(path, raw).records.prospect  # raises StoreCorrupt with the detail


__all__ = [
    "ProspectFile",
    "encode",
    "from_tables",
    "read_facts",
    "read_prospect_file",
    "shard_of",
    "to_tables",
]

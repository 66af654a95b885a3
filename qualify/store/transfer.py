"""Moving prospects between stores: a full-fidelity JSON export, a CSV answers table.

The JSON export is what ``import_workspace`` reads back. It merges by id with the
rules of :mod:`qualify.store.merge`, so the same file imported twice changes nothing,
and two area managers' exports merge into one workspace. When both sides answered the
same question differently, the local answer stays, the other one is reported as a
conflict *and* kept in the prospect's history, so nothing is dropped. Written against
the :class:`~qualify.store.base.Store` interface only: any backend exports and imports.

The CSV export is a flat answers table for spreadsheets (UTF-8 with BOM so Excel
reads accents, formula injection neutralised); it is not importable.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import orjson
from pydantic import ValidationError

from qualify.atomic import streaming
from qualify.core.records import (
    HistoryEntry,
    Interview,
    Prospect,
    ProspectRecords,
    ProspectSummary,
    utcnow,
)
from qualify.core.words import csv_text
from qualify.store.base import NotFound, Store, StoreError, check_records, is_safe_id
from qualify.store.merge import Conflict, merge_prospect

EXPORT_FORMAT = "qualify-export"
EXPORT_VERSION = 1

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


# ------------------------------------------------------------------ reports


@dataclass
class ImportReport:
    """What an import did, prospect by prospect, and which answers disagreed."""

    added: int = 0
    updated: int = 0
    unchanged: int = 0
    snapshots_added: int = 0
    conflicts: list[Conflict] = field(default_factory=list)

    @property
    def new_conflicts(self) -> list[Conflict]:
        return [c for c in self.conflicts if not c.already_recorded]

    def summary(self) -> str:
        total = len(self.conflicts)
        old = total - len(self.new_conflicts)
        conflicts = f"{total} conflict(s)" + (f" ({old} already recorded)" if old else "")
        return (
            f"{self.added} added, {self.updated} updated, {self.unchanged} unchanged; {conflicts}"
        )


# ------------------------------------------------------------------ export


def _resolve(store: Store, prospect_ids: Iterable[str] | None) -> list[str]:
    if prospect_ids is None:
        return store.prospect_ids()
    resolved = [store.resolve_id(pid) for pid in prospect_ids]
    return list(dict.fromkeys(resolved))


def export_workspace(
    store: Store,
    path: Path,
    fmt: Literal["json", "csv"] = "json",
    prospect_ids: Sequence[str] | None = None,
) -> int:
    """Write the prospects (all, or those ids/prefixes) to ``path`` atomically; returns how many."""
    if fmt not in ("json", "csv"):
        raise StoreError(f"unknown export format {fmt!r} (choose json or csv)")
    ids = _resolve(store, prospect_ids)
    path = Path(path)
    if fmt == "json":
        _export_json(store, path, ids)
    else:
        _export_csv(store, path, ids)
    return len(ids)


def _dump(model: Any) -> dict[str, Any]:
    return model.model_dump(mode="json")


def _export_json(store: Store, path: Path, ids: list[str]) -> None:
    # Streamed one prospect per line, so 10,000 prospects never sit in memory at once.
    # Each carries its list row for older versions of qualify; imports recompute it.
    from qualify import __version__

    header = {
        "format": EXPORT_FORMAT,
        "version": EXPORT_VERSION,
        "exported_at": utcnow(),
        "qualify": __version__,
    }
    rows: dict[str, ProspectSummary] = {row.id: row for row in store.list_prospects()}
    hashes: set[str] = set()
    with streaming(path) as out:
        out.write(orjson.dumps(header)[:-1] + b',\n"prospects":[\n')
        for n, pid in enumerate(ids):
            records = store.read_prospect(pid)
            hashes.update(i.questionnaire_hash for i in records.interviews)
            row = rows.get(pid)
            item = {
                "prospect": _dump(records.prospect),
                "summary": _dump(row) if row is not None else None,
                "interviews": [_dump(i) for i in records.interviews],
                "history": [_dump(h) for h in records.history],
            }
            out.write((b",\n" if n else b"") + orjson.dumps(item))
        snapshots: dict[str, Any] = {}
        for digest in sorted(hashes):
            try:
                snapshots[digest] = store.get_snapshot(digest)
            except NotFound:
                continue  # cannot export what is not there; the answers still are
        out.write(b'\n],\n"snapshots":' + orjson.dumps(snapshots) + b"}\n")


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


def _export_csv(store: Store, path: Path, ids: list[str]) -> None:
    with streaming(path) as out:
        text = io.TextIOWrapper(out, encoding="utf-8-sig", newline="")
        writer = csv.writer(text)
        writer.writerow(CSV_COLUMNS)
        for pid in ids:
            records = store.read_prospect(pid)
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


# ------------------------------------------------------------------ import


class _Invalid(Exception):
    """A record of the export that does not validate, with where it is."""


def _valid(model: Any, value: Any, where_: str) -> Any:
    try:
        return model.model_validate(value)
    except ValidationError as exc:
        first = exc.errors()[0]
        loc = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in first["loc"])
        raise _Invalid(f"{where_}{loc}: {first['msg']}") from None


def _parse_export(path: Path) -> tuple[list[ProspectRecords], dict[str, dict[str, Any]]]:
    raw = path.read_bytes()
    start = raw.lstrip(b"\xef\xbb\xbf \t\r\n")[:1]
    if path.suffix.lower() == ".csv" or (start and start != b"{"):
        raise StoreError(
            f"{path}: only JSON exports can be imported (a CSV export is a flat answers "
            "table for spreadsheets); use `qualify export --format json`"
        )
    try:
        doc = orjson.loads(raw)
    except orjson.JSONDecodeError as exc:
        raise StoreError(f"{path} is not a qualify export (invalid JSON: {exc})") from None
    if not isinstance(doc, dict) or doc.get("format") != EXPORT_FORMAT:
        raise StoreError(f'{path} is not a qualify export (no "format": "{EXPORT_FORMAT}")')
    version = doc.get("version")
    if not isinstance(version, int):
        raise StoreError(f"{path}: the export has no version number")
    if version > EXPORT_VERSION:
        raise StoreError(
            f"{path}: export version {version} is newer than this qualify "
            f"(max {EXPORT_VERSION}); upgrade qualify"
        )
    items = doc.get("prospects")
    snapshots = doc.get("snapshots") or {}
    if not isinstance(items, list) or not isinstance(snapshots, dict):
        raise StoreError(f"{path}: the export has no list of prospects")
    bundles: list[ProspectRecords] = []
    seen: set[str] = set()
    for n, item in enumerate(items):
        try:
            # The list row ("summary") is not read: the store computes its own.
            records = ProspectRecords(
                _valid(Prospect, item["prospect"], "prospect"),
                _oldest_first(
                    _valid(Interview, i, f"interviews[{k}]")
                    for k, i in enumerate(item.get("interviews", []))
                ),
                _oldest_first(
                    _valid(HistoryEntry, h, f"history[{k}]")
                    for k, h in enumerate(item.get("history", []))
                ),
            )
            check_records(records)
        except _Invalid as exc:
            raise StoreError(f"{path}: prospects[{n}].{exc}") from None
        except (KeyError, TypeError, AttributeError) as exc:
            raise StoreError(f"{path}: prospects[{n}] is not a prospect ({exc})") from None
        except StoreError as exc:
            raise StoreError(f"{path}: prospects[{n}]: {exc}") from None
        if records.prospect.id in seen:
            raise StoreError(f"{path}: prospect {records.prospect.id} appears twice")
        seen.add(records.prospect.id)
        bundles.append(records)
    for digest, question_set in snapshots.items():
        if not is_safe_id(digest) or not isinstance(question_set, dict):
            raise StoreError(f"{path}: snapshot {digest!r} is not usable")
    return bundles, snapshots


def _oldest_first(records: Iterable[Any]) -> tuple[Any, ...]:
    """Interviews by start, history entries by time; the file's order breaks ties."""
    items = list(records)
    items.sort(key=lambda r: r.started_at if isinstance(r, Interview) else r.at)
    return tuple(items)


def import_workspace(store: Store, path: Path) -> ImportReport:
    """Merge a JSON export into ``store`` by id; the whole file is checked before any write.

    Question-set snapshots go first, so every list row is scored; then the prospects
    new to the store are added (in the workspace in bulk, one sync per thousand), and
    the others merged one by one, each atomically against what is stored at that
    moment. Where the store can promise it (a server) the whole import is one
    transaction: a prospect the login may not write (another territory) rolls all of
    it back, and the message says so.
    """
    path = Path(path)
    bundles, snapshots = _parse_export(path)
    report = ImportReport()
    with store.all_or_nothing() as together:
        _check_owners(store, path, bundles)
        try:
            report.snapshots_added = _add_snapshots(store, snapshots)
            existing = store.add_new_prospects(bundles)
            report.added = len(bundles) - len(existing)
            for records in existing:
                merger = _Merger(records, path.name)
                try:
                    store.merge_prospect(records.prospect.id, merger)
                except StoreError as exc:
                    name = f"{records.prospect.name} ({records.prospect.id})"
                    raise type(exc)(f"{name}: {exc}") from None
                setattr(report, merger.outcome, getattr(report, merger.outcome) + 1)
                report.conflicts.extend(merger.conflicts)
        except StoreError as exc:
            if together:
                raise StoreError(f"{path}: {exc}; nothing was imported") from None
            raise
    return report


def _check_owners(store: Store, path: Path, bundles: list[ProspectRecords]) -> None:
    """An interview filed under another prospect here than in the file stops the import."""
    claimed = {i.id: r.prospect.id for r in bundles for i in r.interviews}
    for interview_id, owner in store.interview_owners(claimed).items():
        if owner != claimed[interview_id]:
            raise StoreError(
                f"{path}: interview {interview_id} belongs to prospect {claimed[interview_id]} "
                f"there but to {owner} here; nothing was imported"
            )


def _add_snapshots(store: Store, snapshots: dict[str, dict[str, Any]]) -> int:
    """Store the question-set snapshots the store lacks; returns how many were new."""
    kept = store.snapshot_hashes()
    added = 0
    for digest, question_set in snapshots.items():
        if digest not in kept:
            store.put_snapshot(digest, question_set)
            added += 1
    return added


class _Merger:
    """The merge run atomically by the store, remembering what it found."""

    def __init__(self, incoming: ProspectRecords, source: str) -> None:
        self.incoming = incoming
        self.source = source
        self.outcome = "unchanged"
        self.conflicts: list[Conflict] = []

    def __call__(self, local: ProspectRecords | None) -> ProspectRecords | None:
        merged, self.outcome, self.conflicts = merge_prospect(
            local, self.incoming, source=self.source
        )
        return merged


__all__ = [
    "CSV_COLUMNS",
    "EXPORT_FORMAT",
    "EXPORT_VERSION",
    "ImportReport",
    "export_workspace",
    "import_workspace",
]

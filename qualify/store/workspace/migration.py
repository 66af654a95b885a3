"""Schema 1 → schema 2: the first, naive layout (one TinyDB file) into one file per prospect.

Schema 1 is ``qualify.json``, a TinyDB database with tables ``prospects``,
``interviews``, ``history`` and ``snapshots`` (``{"hash": ..., "question_set": ...}``).
Every record is validated before anything is written; the old file is copied to
``backups/`` and fsynced, the new files are written, then ``workspace.json``, and only
then is the old file removed, so a migration killed halfway simply runs again.
"""

from __future__ import annotations

import os
import shutil
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import ValidationError

from qualify.core.records import HistoryEntry, Interview, Prospect, ProspectRecords
from qualify.store.base import check_records, is_safe_id
from qualify.store.runs import batched
from qualify.store.workspace.storage import corrupt, write_json_atomic

if TYPE_CHECKING:
    from tinydb import TinyDB

    from qualify.store.workspace.store import Workspace

LEGACY_FILE = "qualify.json"
"""Schema 1: one TinyDB file with tables prospects, interviews, history, snapshots."""


def migrate_from_1(ws: Workspace, meta_file: str, chunk: int) -> None:
    """Migrate ``ws`` (whose lock is not held yet); a copy of the old file is kept first."""
    from tinydb import TinyDB

    from qualify.store.workspace.tinydb_storage import AtomicJSONStorage

    src = ws.root / LEGACY_FILE
    with ws.locked():
        if (ws.root / meta_file).exists() and not src.exists():
            return  # migrated by another process while we waited
        db = TinyDB(src, storage=AtomicJSONStorage, access_mode="r", empty_ok=True)
        try:
            bundles, snapshots = read_schema_1(src, db)
        finally:
            db.close()
        backup_dir = ws.root / "backups"
        backup_dir.mkdir(exist_ok=True)
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S")
        backup = backup_dir / f"{LEGACY_FILE}.schema1.{stamp}.bak"
        shutil.copy2(src, backup)
        with open(backup, "rb") as handle:
            os.fsync(handle.fileno())
        ws.create_dirs()
        for digest, question_set in snapshots.items():
            write_json_atomic(ws.snapshot_path(digest), question_set, durable=False)
        for part in batched(bundles, chunk):
            ws.write_bulk(part, replace=True)
        ws.write_meta({"migrated_from": 1, "migration_backup": str(backup.name)})
        src.unlink()


def read_schema_1(src: Path, db: TinyDB) -> tuple[list[ProspectRecords], dict[str, dict[str, Any]]]:
    """Every prospect's records and every snapshot; StoreCorrupt naming the first bad one."""

    def load(table: str, model: Any) -> list[Any]:
        out = []
        for doc in db.table(table):
            try:
                out.append(model.model_validate(dict(doc)))
            except ValidationError as exc:
                first = exc.errors()[0]
                loc = ".".join(str(p) for p in first["loc"])
                where = f"{table} document {doc.doc_id}: {loc}"
                raise corrupt(src, f"{where}: {first['msg']}") from None
        return out

    by_id: dict[str, Prospect] = {p.id: p for p in load("prospects", Prospect)}  # last wins
    prospects = list(by_id.values())
    interviews: dict[str, list[Interview]] = {p.id: [] for p in prospects}
    history: dict[str, list[HistoryEntry]] = {p.id: [] for p in prospects}
    for interview in load("interviews", Interview):
        if interview.prospect_id not in interviews:
            raise corrupt(src, f"interview {interview.id} of unknown prospect")
        interviews[interview.prospect_id].append(interview)
    for entry in load("history", HistoryEntry):
        if entry.prospect_id not in history:
            raise corrupt(src, f"history entry {entry.id} of unknown prospect")
        history[entry.prospect_id].append(entry)
    snapshots: dict[str, dict[str, Any]] = {}
    for doc in db.table("snapshots"):
        digest = doc.get("hash") or doc.get("content_hash")
        question_set = doc.get("question_set")
        if not isinstance(digest, str) or not is_safe_id(digest) or question_set is None:
            raise corrupt(src, f"snapshots document {doc.doc_id} has no usable hash")
        snapshots[digest] = question_set
    bundles = []
    for prospect in prospects:
        records = ProspectRecords(
            prospect,
            tuple(sorted(interviews[prospect.id], key=lambda i: i.started_at)),
            tuple(sorted(history[prospect.id], key=lambda h: h.at)),
        )
        check_records(records)
        bundles.append(records)
    return bundles, snapshots


__all__ = ["LEGACY_FILE", "migrate_from_1", "read_schema_1"]

"""The embedded store: a directory of small, atomically replaced JSON files.

Every change of a prospect is one :meth:`Workspace.merge_prospect`: under the
workspace lock its file is read once, the change and the list row computed, and the
file written once (fsynced, renamed into place), then the list row's index shard if
the row changed. The operations of :class:`~qualify.store.base.Store` (answers, moves,
history…) are such changes; see the package docstring for the layout.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from functools import partial
from pathlib import Path
from typing import Any

import orjson

from qualify.atomic import clean_tmp_files, write_bytes
from qualify.core.evidence import Attachment, EvidenceTally
from qualify.core.phrase import Phrase, said
from qualify.core.records import (
    Prospect,
    ProspectRecords,
    ProspectSummary,
    is_demo,
    is_demo_id,
    utcnow,
)
from qualify.store import missing, refusals
from qualify.store.base import (
    Merge,
    NotFound,
    StoreCorrupt,
    StoreError,
    Watch,
    is_safe_id,
    not_demo,
)
from qualify.store.documents import DocumentStore
from qualify.store.rows import ListRows
from qualify.store.runs import batched
from qualify.store.workspace.bulk import BULK_CHUNK, BulkWrites
from qualify.store.workspace.evidence import Evidence
from qualify.store.workspace.files import (
    ProspectFile,
    from_tables,
    read_facts,
    read_prospect_file,
)
from qualify.store.workspace.index import Index
from qualify.store.workspace.lock import WorkspaceLock
from qualify.store.workspace.migration import LEGACY_FILE, migrate_from_1
from qualify.store.workspace.recent import META_FILE, SCHEMA, present_ids, sharded_file
from qualify.store.workspace.revisions import FileRevisions
from qualify.store.workspace.storage import (
    REPAIR,
    Backups,
    corrupt,
    read_json,
    write_json_atomic,
)

LOCK_FILE = "workspace.lock"
LOCK_TIMEOUT = 10.0
RECENT_FILES = 8
"""Prospect files kept parsed after a read or write (see Workspace._read_file)."""


class Workspace(BulkWrites, FileRevisions, DocumentStore):
    """The embedded store: one small TinyDB file per prospect, a sharded index, snapshots."""

    def __init__(
        self,
        data_dir: Path,
        *,
        lock_timeout: float = LOCK_TIMEOUT,
        durable: bool = True,
        keep_backups: int = 3,
        backup_interval: float = 300.0,
    ) -> None:
        self.root = Path(data_dir)
        self.root.mkdir(parents=True, exist_ok=True)
        self._prospects = os.fspath(self.root / "prospects")
        self.location = str(self.root)
        self.lock_path = self.root / LOCK_FILE
        self._lock = WorkspaceLock(self.lock_path, timeout=lock_timeout)
        self._tidied = False
        """Temp files of killed writers were removed (at the first write)."""
        self._durable = durable
        self._backups = Backups(keep=keep_backups, interval=backup_interval)
        self._index = Index(
            self.root, durable=durable, backups=self._backups, skipped=self.note_unreadable
        )
        self._rows = ListRows()
        self._owners: dict[str, str] = {}
        """Interview id → prospect id, as found in (or written to) the index: an
        interview never changes prospect, so one index read per interview is enough."""
        self._recent: dict[Path, tuple[tuple[int, ...], ProspectFile | bytes]] = {}
        """The last few prospect files read (parsed) or written (their bytes, parsed when
        read), by path, with the identity of the file (see :meth:`_read_file`)."""
        self._evidence = Evidence(self.root, durable=durable, locked=self.locked)
        self.schema = self._open()

    # ------------------------------------------------------------------ paths
    def prospect_path(self, prospect_id: str) -> Path:
        return Path(sharded_file(self._prospects, prospect_id))

    def snapshot_path(self, content_hash: str) -> Path:
        return self.root / "snapshots" / f"{content_hash}.json"

    def _existing_path(self, prospect_id: str) -> Path:
        return Path(self._existing_file(prospect_id))

    def _existing_file(self, prospect_id: str) -> str:
        """Where the file of a prospect is, as a string (see ``sharded_file``); an unsafe
        id names no prospect."""
        if not is_safe_id(prospect_id):
            raise missing.no_prospect(prospect_id)
        return sharded_file(self._prospects, prospect_id)

    # ------------------------------------------------------------------ locking
    @contextmanager
    def locked(self) -> Iterator[None]:
        """Every read-modify-write runs inside this (it is reentrant) and re-reads what it
        changes."""
        with self._lock.held():
            if not self._tidied:  # the first write of this store: no other can be running
                self._tidied = True
                self._remove_leftovers()
            yield

    # ------------------------------------------------------------------ opening
    def _open(self) -> int:
        meta = read_json(self.root / META_FILE)
        if meta is None:
            if (self.root / LEGACY_FILE).exists():
                migrate_from_1(self, META_FILE, BULK_CHUNK)
            else:
                self._create()
            meta = read_json(self.root / META_FILE) or {}
        schema = meta.get("schema")
        if not isinstance(schema, int) or schema < 1:
            raise corrupt(self.root / META_FILE, Phrase("no schema version in it"))
        if schema > SCHEMA:
            raise StoreError(refusals.schema_newer(schema, SCHEMA, self.root))
        if schema < SCHEMA:  # schema 1 has no workspace.json; this one was edited by hand
            if not (self.root / LEGACY_FILE).exists():
                raise corrupt(self.root / META_FILE, f"schema {schema} but no {LEGACY_FILE}")
            migrate_from_1(self, META_FILE, BULK_CHUNK)
            schema = SCHEMA
        self._finish_migration(meta)
        return schema

    def _finish_migration(self, meta: dict[str, Any]) -> None:
        """A kill after a migration committed but before it removed the old file."""
        legacy = self.root / LEGACY_FILE
        backup = meta.get("migration_backup")
        if meta.get("migrated_from") == 1 and isinstance(backup, str) and legacy.exists():
            with self.locked():
                if legacy.exists() and (self.root / "backups" / backup).is_file():
                    legacy.unlink()

    def create_dirs(self) -> None:
        for sub in ("prospects", "index/prospects", "index/interviews", "snapshots"):
            (self.root / sub).mkdir(parents=True, exist_ok=True)

    def _create(self) -> None:
        with self.locked():
            if (self.root / META_FILE).exists():
                return  # another process created it while we waited
            self.create_dirs()
            self.write_meta({})

    def write_meta(self, extra: dict[str, Any]) -> None:
        from qualify import __version__

        meta = {
            "schema": SCHEMA,
            "created_at": utcnow().isoformat(),
            "created_by": f"qualify {__version__}",
            "shards": 256,
            **extra,
        }
        write_json_atomic(self.root / META_FILE, meta, durable=self._durable)

    def _remove_leftovers(self) -> None:
        """Delete temp files of killed writers (called holding the lock, at the first
        write: readers never read them, so opening to read does not scan every folder)."""
        dirs = [
            self.root,
            self.root / "snapshots",
            self._index.rows_dir,
            self._index.owners_dir,
            *self._evidence.dirs(),
        ]
        try:
            with os.scandir(self.root / "prospects") as shards:
                dirs.extend(Path(e.path) for e in shards if e.is_dir())
        except FileNotFoundError:
            pass  # no prospects folder yet: nothing was ever written there
        clean_tmp_files(dirs)

    # ------------------------------------------------------------------ whole prospects
    def read_prospect(self, prospect_id: str) -> ProspectRecords:
        """Prospect, interviews and history from a single read of one file."""
        found = self._read_file(self._existing_path(prospect_id))
        if found is None:
            raise self._missing(prospect_id)
        return found.records

    def opener(self) -> Callable[[], Workspace]:
        return partial(Workspace, self.root)

    def _read_file(self, path: Path) -> ProspectFile | None:
        """The prospect file at ``path``, read and validated only when it is not the very
        file read or written last time (same inode, size and modification time; every
        write renames a new file into place, so a changed file is a new inode).

        So an answer reads its prospect file once: the checks before the write and the
        write's own read under the lock see the same file, and the assessment after it
        reads what was just written, without touching the disk again."""
        try:
            stat = os.stat(path)
        except FileNotFoundError:
            self._recent.pop(path, None)
            return None
        except OSError:
            return read_prospect_file(path)  # raises StoreCorrupt naming the problem
        identity = (stat.st_dev, stat.st_ino, stat.st_size, stat.st_mtime_ns)
        known = self._recent.get(path)
        if known is not None and known[0] == identity:
            if isinstance(known[1], ProspectFile):
                return known[1]
            # what this process wrote there, checked as a read checks it
            found = from_tables(path, orjson.loads(known[1]))
            self._remember(path, identity, found)
            return found
        found = read_prospect_file(path)  # stat first: a file replaced meanwhile misses
        if found is not None:
            self._remember(path, identity, found)
        return found

    def _remember(self, path: Path, identity: tuple[int, ...], found: ProspectFile | bytes) -> None:
        self._recent.pop(path, None)
        self._recent[path] = (identity, found)
        while len(self._recent) > RECENT_FILES:
            del self._recent[next(iter(self._recent))]

    def _wrote(self, path: Path, payload: bytes) -> None:
        """Remember what was just written (under the lock: no other qualify replaces the
        file before its identity is taken)."""
        try:
            stat = os.stat(path)
        except OSError:
            self._recent.pop(path, None)
            return
        self._remember(path, (stat.st_dev, stat.st_ino, stat.st_size, stat.st_mtime_ns), payload)

    def _missing(self, prospect_id: str) -> NotFound:
        """No such prospect; or, when the list still shows it, a file gone missing."""
        if self._index.has_row(prospect_id):
            return NotFound(
                f"prospect {prospect_id} is in the prospects list but its file "
                f"{self.prospect_path(prospect_id)} is gone (moved away?); {REPAIR}"
            )
        return missing.no_prospect(prospect_id)

    def merge_prospect(self, prospect_id: str, merge: Merge) -> ProspectRecords | None:
        """Under the lock: one read of the prospect file, ``merge``, its list row, and one
        fsync'd write of the file; then the row's index shard, only if the row changed.

        New interviews are entered in the interview index *before* the file is written
        (a kill in between leaves an entry pointing at nothing, never an interview
        nobody can find); the list row goes *after* it (a kill in between leaves a row
        older than its file, which listing notices and repairs).
        """
        with self.locked():
            current, change = self._merged(prospect_id, merge, {})
            if change is None:
                return current
            if change.owners:
                self._index.put_owners(change.owners)
                self._owners.update(change.owners)
            backup = self._backups.before_replace
            write_bytes(change.path, change.payload, durable=self._durable, before_replace=backup)
            self._wrote(change.path, change.payload)
            if change.row is not None:
                self._index.put_rows({prospect_id: change.row})
            return change.records

    def _row(self, records: ProspectRecords) -> ProspectSummary:
        return self.list_row(records)

    def list_row(self, records: ProspectRecords) -> ProspectSummary:
        """The list row of ``records`` as this workspace computes it now (an interview whose
        snapshot is missing or unreadable is not scored: `qualify doctor` says so)."""
        return self._rows.row(records, self._snapshot_for_rows)

    def _snapshot_for_rows(self, content_hash: str) -> dict[str, Any]:
        try:
            return self.get_snapshot(content_hash)
        except StoreCorrupt:
            raise missing.unreadable_snapshot(content_hash) from None

    def prospect_ids(self) -> list[str]:
        """Every prospect id in the index, sorted."""
        return self._index.ids()

    # ------------------------------------------------------------------ prospects
    def get_prospect(self, prospect_id: str) -> Prospect:
        path = self._existing_path(prospect_id)
        known = self._recent.get(path)
        if known is not None:
            return self.read_prospect(prospect_id).prospect  # a stat, if it is unchanged
        prospect = read_facts(path)
        if prospect is None:
            raise self._missing(prospect_id)
        return prospect

    def list_prospects(self) -> list[ProspectSummary]:
        """Most recently active first; reads only the 256 small index shards (and lists
        the prospect folders, to leave out a row whose file is gone).

        A prospect whose file cannot be read, or is gone, is left out of the list and
        noted (:meth:`unreadable`), as is a shard of the index that cannot be read: one
        broken file never hides the others.
        """
        stale = self._index.stale_files(self.root / "prospects")
        unreadable = self._repair_rows(stale) if stale else set()
        present = present_ids(self.root / "prospects")
        rows: list[ProspectSummary] = []
        for row in self._index.rows():  # (the garbage collector paused: see Index.rows)
            if row.id in unreadable:
                continue
            if row.id not in present:
                gone = Phrase(
                    "skipped {name} ({id}): its file {path} is gone (moved away?) but the "
                    "prospects list still shows it; {fix}",
                    name=row.name,
                    id=row.id,
                    path=str(self.prospect_path(row.id)),
                    fix=REPAIR,
                )
                self.note_unreadable(gone, key=row.id)
                continue
            rows.append(row)
        rows.sort(key=lambda r: r.updated_at, reverse=True)
        return rows

    def recent_prospects(self, count: int) -> list[ProspectSummary] | None:
        """From the index alone: only the first ``count`` rows are validated, and each
        one's file checked; None after a crash left rows to repair (list_prospects does)."""
        if self._index.stale_files(self.root / "prospects"):
            return None
        recent = self._index.recent(count)
        if recent is None:
            return None
        return [r for r in recent if self.prospect_path(r.id).exists()]

    def _repair_rows(self, paths: list[Path]) -> set[str]:
        """Rewrite the list rows of ``paths`` from the prospect files themselves; returns
        the ids of those that cannot be read (noted, and left for `qualify doctor`)."""
        unreadable: set[str] = set()
        with self.locked():
            rows: dict[str, ProspectSummary | None] = {}
            for path in paths:
                try:
                    found = read_prospect_file(path)
                except StoreCorrupt as exc:
                    self.note_unreadable(Phrase("skipped: {error}", error=said(exc)), key=path.stem)
                    unreadable.add(path.stem)
                    continue
                if found is not None:
                    rows[found.records.prospect.id] = found.row or self._row(found.records)
            self._index.put_rows(rows)
            self._index.mark_checked(p for p in paths if p.stem not in unreadable)
        return unreadable

    def resolve_id(self, id_or_prefix: str) -> str:
        wanted = id_or_prefix.strip()
        if not wanted:
            raise missing.no_id_given()
        if is_safe_id(wanted) and self.prospect_path(wanted).exists():
            return wanted
        folded = wanted.lower()
        matches = [pid for pid in self.prospect_ids() if pid.lower().startswith(folded)]
        if len(matches) == 1:
            return matches[0]
        raise missing.no_single_match(wanted, len(matches), matches)

    def rebuild_index(self) -> int:
        """Regenerate both indexes from the prospect files (after a shard was lost), every
        list row computed afresh from its records, so the list says what `show` says. A
        file that cannot be read is left out, and noted (`qualify doctor --repair` moves
        it to quarantine/ first)."""
        rows: dict[str, ProspectSummary] = {}
        owners: dict[str, str] = {}
        with self.locked():
            for path in sorted((self.root / "prospects").glob("*/*.json")):
                try:
                    found = read_prospect_file(path)
                except StoreCorrupt as exc:
                    self.note_unreadable(Phrase("left out of the lists: {error}", error=said(exc)))
                    continue
                if found is None:
                    continue
                records = found.records
                rows[records.prospect.id] = self._row(records)
                owners.update({i.id: records.prospect.id for i in records.interviews})
            self._index.rewrite(rows, owners)
            self._owners.clear()
        return len(rows)

    # ------------------------------------------------------------------ demo data
    def delete_demo_prospect(self, prospect_id: str) -> bool:
        """Under the lock: the prospect file goes, then its list row and its interviews'
        entries in the index (a kill in between leaves index entries pointing at nothing,
        which `rebuild_index` clears)."""
        if not is_safe_id(prospect_id):
            return False
        path = self.prospect_path(prospect_id)
        with self.locked():
            found = read_prospect_file(path)
            if found is None:
                return False
            records = found.records
            if not is_demo(records.prospect):
                raise not_demo(records.prospect)
            path.unlink()
            self._evidence.forget(prospect_id)
            self._forget([prospect_id], [i.id for i in records.interviews], bulk=False)
        return True

    def delete_demo_prospects(self, prospect_ids: Iterable[str]) -> list[str]:
        """A thousand at a time under the lock: the files go, then the index forgets
        them, each shard written once (`demo --remove` of 10,000 is not 20,000 shard
        writes). A prospect that is not demo data is left alone. A sample's row whose
        file is gone already (a removal killed between the two) is forgotten too, so
        running `demo --remove` again finishes what a killed one started."""
        removed: list[str] = []
        for chunk in batched(prospect_ids, BULK_CHUNK):
            with self.locked():
                rows: list[str] = []
                interviews: list[str] = []
                try:
                    for prospect_id in chunk:
                        if not is_safe_id(prospect_id):
                            continue
                        path = self.prospect_path(prospect_id)
                        found = read_prospect_file(path)
                        if found is None:
                            if is_demo_id(prospect_id) and self._index.has_row(prospect_id):
                                rows.append(prospect_id)  # (its file went, its row stayed)
                            continue
                        if not is_demo(found.records.prospect):
                            continue
                        path.unlink()
                        self._evidence.forget(prospect_id)
                        rows.append(prospect_id)
                        interviews.extend(i.id for i in found.records.interviews)
                finally:  # (what was unlinked is forgotten, whatever stopped the chunk)
                    self._forget(rows, interviews, bulk=True)
                removed.extend(rows)
        return removed

    def _forget(self, prospect_ids: list[str], interviews: list[str], *, bulk: bool) -> None:
        """The index forgets deleted prospects: their list rows, their interviews'
        entries (``bulk``: the shards written with one sync, without backups)."""
        if prospect_ids:
            self._index.put_rows(dict.fromkeys(prospect_ids), bulk=bulk)
        if interviews:
            self._index.put_owners(dict.fromkeys(interviews), conflicts=False, bulk=bulk)  # type: ignore[arg-type]
        for interview_id in interviews:
            self._owners.pop(interview_id, None)

    # ------------------------------------------------------------------ snapshots
    def put_snapshot(self, content_hash: str, question_set: dict[str, Any]) -> None:
        if not is_safe_id(content_hash):
            raise StoreError(refusals.unsafe_snapshot_hash(content_hash))
        path = self.snapshot_path(content_hash)
        if path.exists():
            return  # content-addressed: same hash, same content
        payload = orjson.dumps(question_set)
        with self.locked():
            if not path.exists():
                write_bytes(path, payload, durable=self._durable)

    def get_snapshot(self, content_hash: str) -> dict[str, Any]:
        data = read_json(self.snapshot_path(content_hash)) if is_safe_id(content_hash) else None
        if data is None:
            raise missing.no_snapshot(content_hash, str(self.root))
        return data

    def snapshot_hashes(self) -> set[str]:
        try:
            names = os.listdir(self.root / "snapshots")
        except FileNotFoundError:
            return set()
        return {n.removesuffix(".json") for n in names if n.endswith(".json") and n[0] != "."}

    # ------------------------------------------------------------------ evidence files
    def add_attachment(self, attachment: Attachment, content: bytes) -> Attachment:
        """The file under ``files/``, then the record under ``attachments/``."""
        return self._evidence.add(attachment, content, lambda pid: self.prospect_path(pid).exists())

    def attachments(self, prospect_id: str) -> list[Attachment]:
        return self._evidence.records(prospect_id)

    def evidence_tallies(self, prospect_ids: Iterable[str]) -> dict[str, EvidenceTally]:
        return super().evidence_tallies(self._evidence.having_records(prospect_ids))

    def attachment_content(self, prospect_id: str, sha256: str) -> bytes:
        return self._evidence.content(prospect_id, sha256)

    # ------------------------------------------------------------------ interviews
    def interview_owners(self, interview_ids: Iterable[str]) -> dict[str, str]:
        wanted = list(interview_ids)
        found = {iid: self._owners[iid] for iid in wanted if iid in self._owners}
        missing = [iid for iid in wanted if iid not in found]
        if missing:
            looked_up = self._index.owners(missing)
            self._owners.update(looked_up)
            found.update(looked_up)
        return found

    def watch(self) -> Watch:
        """Other processes' changes, by polling the prospect folders' times."""
        from qualify.store.workspace.watch import FolderWatch

        return FolderWatch(self.root / "prospects")

    def close(self) -> None:
        """Nothing stays open between calls; the lock is only held inside them."""


__all__ = ["SCHEMA", "Workspace"]

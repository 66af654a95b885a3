"""The embedded workspace: one small TinyDB file per prospect, a sharded index, snapshots.

Layout (schema 2; docs/workspace.md explains the why)::

    workspace.json                  {"schema": 2, ...}
    workspace.lock                  OS lock held around every read-modify-write
    prospects/<xx>/<id>.json        TinyDB file: tables prospect, summary, interviews, history
    index/prospects/<xx>.json       {prospect id: ProspectSummary}  (what the list shows)
    index/interviews/<xx>.json      {interview id: prospect id}     (find an interview's file)
    snapshots/<hash>.json           question sets as they were asked (write once)
    backups/                        copies taken before a schema migration

``<xx>`` is ``crc32(id) & 0xff`` in hex: 256 shards whatever the id scheme (demo ids
share their first characters). Recording an answer rewrites one prospect file and
one index shard, so its cost does not grow with the number of prospects.
"""

from __future__ import annotations

import os
import re
import shutil
import zlib
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from itertools import islice
from pathlib import Path
from typing import Any

import orjson
from filelock import FileLock, Timeout
from pydantic import TypeAdapter, ValidationError
from tinydb import TinyDB, where
from tinydb.table import Document

from qualify.atomic import clean_tmp_files, write_bytes, write_many
from qualify.core.records import (
    AnswerRecord,
    HistoryEntry,
    Interview,
    Prospect,
    ProspectStatus,
    ProspectSummary,
    utcnow,
)
from qualify.store.base import (
    NotFound,
    Store,
    StoreCorrupt,
    StoreError,
    StoreLocked,
    SummaryArg,
    check_expected,
)
from qualify.store.storage import (
    AtomicJSONStorage,
    Backups,
    TransactionMiddleware,
    corrupt,
    read_json,
    write_json_atomic,
)

SCHEMA = 2
"""The layout this code writes; older ones are migrated on open."""
LEGACY_FILE = "qualify.json"
"""Schema 1: one TinyDB file with tables prospects, interviews, history, snapshots."""
META_FILE = "workspace.json"
LOCK_FILE = "workspace.lock"
LOCK_TIMEOUT = 10.0
BULK_CHUNK = 1000

_SAFE_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,127}")
_WINDOWS_RESERVED = frozenset(
    {"CON", "PRN", "AUX", "NUL"} | {f"{p}{n}" for p in ("COM", "LPT") for n in range(1, 10)}
)
_SUMMARIES = TypeAdapter(list[ProspectSummary])


def shard_of(key: str) -> str:
    """Two hex digits spreading ids evenly over 256 files or folders."""
    return f"{zlib.crc32(key.encode('utf-8')) & 0xFF:02x}"


def is_safe_id(value: str) -> bool:
    """Ids become file names: letters, digits, ``_ . -``, not starting with a dot."""
    return (
        bool(_SAFE_ID.fullmatch(value))
        and value.split(".")[0].upper() not in _WINDOWS_RESERVED
        and not value.endswith(".")
    )


@dataclass
class ProspectData:
    """Everything kept about one prospect: the unit of a write, an export and an import."""

    prospect: Prospect
    summary: ProspectSummary | None
    interviews: list[Interview]
    history: list[HistoryEntry]

    def check(self) -> None:
        """Every part must belong to the prospect, or it would be filed under the wrong one."""
        pid = self.prospect.id
        if not is_safe_id(pid):
            raise StoreError(f"prospect id {pid!r} cannot be stored (letters, digits, _ . - only)")
        for interview in self.interviews:
            if interview.prospect_id != pid:
                raise StoreError(f"interview {interview.id} belongs to {interview.prospect_id}")
        for entry in self.history:
            if entry.prospect_id != pid:
                raise StoreError(f"history entry {entry.id} belongs to {entry.prospect_id}")
        if self.summary is not None and self.summary.id != pid:
            raise StoreError(f"summary of {self.summary.id} given for prospect {pid}")


def summary_from(prospect: Prospect, previous: ProspectSummary | None) -> ProspectSummary:
    """The list row for a prospect's current facts, keeping the last score if there was one."""
    base = previous.model_dump() if previous is not None else {}
    base.update(
        id=prospect.id,
        name=prospect.name,
        territory=prospect.territory,
        kind=prospect.kind,
        stage=prospect.stage,
        status=prospect.status,
        updated_at=prospect.updated_at,
    )
    return ProspectSummary.model_validate(base)


def _dump(model: Any) -> dict[str, Any]:
    return model.model_dump(mode="json")


def to_tables(data: ProspectData) -> dict[str, dict[str, Any]]:
    """A prospect as a TinyDB database: tables of documents keyed by integer ids."""
    return {
        "prospect": {"1": _dump(data.prospect)},
        "summary": {"1": _dump(data.summary)} if data.summary is not None else {},
        "interviews": {str(n): _dump(i) for n, i in enumerate(data.interviews, 1)},
        "history": {str(n): _dump(h) for n, h in enumerate(data.history, 1)},
    }


def _ordered(table: dict[str, Any] | None) -> list[tuple[int, dict[str, Any]]]:
    rows = [(int(k), v) for k, v in (table or {}).items()]
    rows.sort(key=lambda kv: kv[0])
    return rows


def from_tables(path: Path, raw: dict[str, Any]) -> ProspectData:
    """Validate a prospect file; anything that does not fit is reported as corruption."""
    try:
        prospects = _ordered(raw.get("prospect"))
        if not prospects:
            raise corrupt(path, "no prospect record in it")
        summaries = _ordered(raw.get("summary"))
        prospect = Prospect.model_validate(prospects[0][1])
        summary = ProspectSummary.model_validate(summaries[0][1]) if summaries else None
        interviews = [Interview.model_validate(d) for _, d in _ordered(raw.get("interviews"))]
        history = [HistoryEntry.model_validate(d) for _, d in _ordered(raw.get("history"))]
    except ValidationError as exc:
        first = exc.errors()[0]
        where_ = ".".join(str(p) for p in first["loc"])
        raise corrupt(path, f"invalid record: {where_}: {first['msg']}") from None
    except (TypeError, ValueError, AttributeError) as exc:
        raise corrupt(path, f"not a prospect file: {exc}") from None
    # Oldest first; the stored order breaks ties (entries written in the same microsecond).
    interviews.sort(key=lambda i: i.started_at)
    history.sort(key=lambda h: h.at)
    return ProspectData(prospect, summary, interviews, history)


def _batched(items: Iterable[Any], size: int) -> Iterator[list[Any]]:
    iterator = iter(items)
    while chunk := list(islice(iterator, size)):
        yield chunk


class _Transaction:
    """One prospect file opened through TinyDB, changed in memory, written once."""

    def __init__(self, path: Path, *, durable: bool, backups: Backups) -> None:
        self.path = path
        self.middleware = TransactionMiddleware(AtomicJSONStorage)
        self.db = TinyDB(path, storage=self.middleware, durable=durable, backups=backups)
        self.middleware.read()  # read now: a corrupt file fails before anything changes

    @property
    def exists(self) -> bool:
        return self.middleware.existed

    def commit(self) -> None:
        self.middleware.commit()


class Workspace(Store):
    """The embedded store: a directory of small, atomically replaced JSON files."""

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
        self.lock_path = self.root / LOCK_FILE
        self._lock = FileLock(self.lock_path, timeout=lock_timeout)
        self._durable = durable
        self._backups = Backups(keep=keep_backups, interval=backup_interval)
        self.schema = self._open()

    # ------------------------------------------------------------------ paths
    def prospect_path(self, prospect_id: str) -> Path:
        return self.root / "prospects" / shard_of(prospect_id) / f"{prospect_id}.json"

    def _summary_shard(self, prospect_id: str) -> Path:
        return self.root / "index" / "prospects" / f"{shard_of(prospect_id)}.json"

    def _owner_shard(self, interview_id: str) -> Path:
        return self.root / "index" / "interviews" / f"{shard_of(interview_id)}.json"

    def snapshot_path(self, content_hash: str) -> Path:
        return self.root / "snapshots" / f"{content_hash}.json"

    def _existing_path(self, prospect_id: str) -> Path:
        if not is_safe_id(prospect_id):
            raise NotFound(f"no prospect with id {prospect_id!r}")
        return self.prospect_path(prospect_id)

    # ------------------------------------------------------------------ locking
    @contextmanager
    def _locked(self) -> Iterator[None]:
        """Every read-modify-write runs inside this; it re-reads what it changes."""
        try:
            self._lock.acquire()
        except Timeout:
            raise StoreLocked(
                f"{self.lock_path} is held: another qualify is writing to this workspace; try again"
            ) from None
        try:
            yield
        finally:
            self._lock.release()

    def _tx(self, prospect_id: str) -> _Transaction:
        return _Transaction(
            self.prospect_path(prospect_id), durable=self._durable, backups=self._backups
        )

    def _write_json(self, path: Path, data: Any) -> None:
        write_json_atomic(path, data, durable=self._durable, backups=self._backups)

    # ------------------------------------------------------------------ opening
    def _open(self) -> int:
        meta = read_json(self.root / META_FILE)
        if meta is None:
            if (self.root / LEGACY_FILE).exists():
                self._migrate_from_1()
            else:
                self._create()
            meta = read_json(self.root / META_FILE) or {}
        schema = meta.get("schema")
        if not isinstance(schema, int) or schema < 1:
            raise corrupt(self.root / META_FILE, "no schema version in it")
        if schema > SCHEMA:
            raise StoreError(
                f"workspace schema {schema} is newer than this qualify (max {SCHEMA}); "
                f"upgrade qualify ({self.root})"
            )
        if schema < SCHEMA:  # schema 1 has no workspace.json; this one was edited by hand
            if not (self.root / LEGACY_FILE).exists():
                raise corrupt(self.root / META_FILE, f"schema {schema} but no {LEGACY_FILE}")
            self._migrate_from_1()
            schema = SCHEMA
        self._finish_migration(meta)
        self._clean_leftovers()
        return schema

    def _finish_migration(self, meta: dict[str, Any]) -> None:
        """A kill after a migration committed but before it removed the old file."""
        legacy = self.root / LEGACY_FILE
        backup = meta.get("migration_backup")
        if meta.get("migrated_from") == 1 and isinstance(backup, str) and legacy.exists():
            with self._locked():
                if legacy.exists() and (self.root / "backups" / backup).is_file():
                    legacy.unlink()

    def _create_dirs(self) -> None:
        for sub in ("prospects", "index/prospects", "index/interviews", "snapshots"):
            (self.root / sub).mkdir(parents=True, exist_ok=True)

    def _create(self) -> None:
        with self._locked():
            if (self.root / META_FILE).exists():
                return  # another process created it while we waited
            self._create_dirs()
            self._write_meta({})

    def _write_meta(self, extra: dict[str, Any]) -> None:
        from qualify import __version__

        meta = {
            "schema": SCHEMA,
            "created_at": utcnow().isoformat(),
            "created_by": f"qualify {__version__}",
            "shards": 256,
            **extra,
        }
        write_json_atomic(self.root / META_FILE, meta, durable=self._durable)

    def _clean_leftovers(self) -> None:
        """Delete temp files of killed writers, unless someone is writing right now."""
        try:
            self._lock.acquire(blocking=False)
        except (Timeout, OSError):
            return  # a live writer owns its temp files (or the folder is read-only)
        try:
            dirs = [
                self.root,
                self.root / "index" / "prospects",
                self.root / "index" / "interviews",
                self.root / "snapshots",
            ]
            with os.scandir(self.root / "prospects") as shards:
                dirs.extend(Path(e.path) for e in shards if e.is_dir())
            clean_tmp_files(dirs)
        except FileNotFoundError:
            pass
        finally:
            self._lock.release()

    # ------------------------------------------------------------------ migration
    def _migrate_from_1(self) -> None:
        """Schema 1 (one TinyDB file) → schema 2; a copy of the old file is kept first."""
        src = self.root / LEGACY_FILE
        with self._locked():
            if (self.root / META_FILE).exists() and not src.exists():
                return  # migrated by another process while we waited
            db = TinyDB(src, storage=AtomicJSONStorage, access_mode="r", empty_ok=True)
            try:
                datas, snapshots = self._read_schema_1(src, db)
            finally:
                db.close()
            backup_dir = self.root / "backups"
            backup_dir.mkdir(exist_ok=True)
            stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S")
            backup = backup_dir / f"{LEGACY_FILE}.schema1.{stamp}.bak"
            shutil.copy2(src, backup)
            with open(backup, "rb") as handle:
                os.fsync(handle.fileno())
            self._create_dirs()
            for digest, question_set in snapshots.items():
                write_json_atomic(self.snapshot_path(digest), question_set, durable=False)
            for chunk in _batched(datas, BULK_CHUNK):
                self._write_bulk(chunk)
            self._write_meta({"migrated_from": 1, "migration_backup": str(backup.name)})
            src.unlink()

    @staticmethod
    def _read_schema_1(
        src: Path, db: TinyDB
    ) -> tuple[list[ProspectData], dict[str, dict[str, Any]]]:
        def load(table: str, model: Any) -> list[Any]:
            out = []
            for doc in db.table(table):
                try:
                    out.append(model.model_validate(dict(doc)))
                except ValidationError as exc:
                    first = exc.errors()[0]
                    loc = ".".join(str(p) for p in first["loc"])
                    raise corrupt(
                        src, f"{table} document {doc.doc_id}: {loc}: {first['msg']}"
                    ) from None
            return out

        prospects: list[Prospect] = load("prospects", Prospect)
        by_id = {p.id: ProspectData(p, None, [], []) for p in prospects}
        for interview in load("interviews", Interview):
            owner = by_id.get(interview.prospect_id)
            if owner is None:
                raise corrupt(src, f"interview {interview.id} of unknown prospect")
            owner.interviews.append(interview)
        for entry in load("history", HistoryEntry):
            owner = by_id.get(entry.prospect_id)
            if owner is None:
                raise corrupt(src, f"history entry {entry.id} of unknown prospect")
            owner.history.append(entry)
        for summary in load("summaries", ProspectSummary):
            if summary.id in by_id:
                by_id[summary.id].summary = summary
        snapshots: dict[str, dict[str, Any]] = {}
        for doc in db.table("snapshots"):
            digest = doc.get("hash") or doc.get("content_hash")
            question_set = doc.get("question_set")
            if not isinstance(digest, str) or not is_safe_id(digest) or question_set is None:
                raise corrupt(src, f"snapshots document {doc.doc_id} has no usable hash")
            snapshots[digest] = question_set
        for data in by_id.values():
            data.interviews.sort(key=lambda i: i.started_at)
            data.history.sort(key=lambda h: h.at)
            if data.summary is None:
                data.summary = summary_from(data.prospect, None)
            data.check()
        return list(by_id.values()), snapshots

    # ------------------------------------------------------------------ indexes
    def _update_shards(
        self,
        rows: dict[str, Any],
        shard_path: Callable[[str], Path],
        *,
        conflicts: bool = False,
        bulk: bool = False,
    ) -> None:
        """Apply {key: value or None to delete} to the shard files, each written once.

        ``bulk`` writes all changed shards with a single sync (no backups: the index
        can be rebuilt from the prospect files).
        """
        pending: list[tuple[Path, bytes]] = []
        grouped: dict[Path, dict[str, Any]] = defaultdict(dict)
        for key, value in rows.items():
            grouped[shard_path(key)][key] = value
        for path, changes in grouped.items():
            current = read_json(path) or {}
            changed = False
            for key, value in changes.items():
                if value is None:
                    changed |= current.pop(key, None) is not None
                elif current.get(key) != value:
                    if conflicts and key in current:
                        raise StoreError(f"id {key} is already used by {current[key]}")
                    current[key] = value
                    changed = True
            if changed and bulk:
                pending.append((path, orjson.dumps(current)))
            elif changed:
                self._write_json(path, current)
        if pending:
            write_many(pending, durable=self._durable)

    def _put_summaries(self, rows: dict[str, dict[str, Any] | None], *, bulk: bool = False) -> None:
        self._update_shards(rows, self._summary_shard, bulk=bulk)

    def _put_owners(
        self, rows: dict[str, str], *, conflicts: bool = True, bulk: bool = False
    ) -> None:
        self._update_shards(rows, self._owner_shard, conflicts=conflicts, bulk=bulk)

    def interview_owner(self, interview_id: str) -> str | None:
        """The prospect an interview belongs to, or None."""
        owners = read_json(self._owner_shard(interview_id)) or {}
        owner = owners.get(interview_id)
        return owner if isinstance(owner, str) else None

    def _index_rows(self) -> Iterator[tuple[Path, dict[str, Any]]]:
        folder = self.root / "index" / "prospects"
        try:
            entries = sorted(
                e.name
                for e in os.scandir(folder)
                if e.name.endswith(".json") and not e.name.startswith(".")
            )
        except FileNotFoundError:
            return
        for name in entries:
            path = folder / name
            yield path, read_json(path) or {}

    def prospect_ids(self) -> list[str]:
        """Every prospect id in the index, sorted."""
        return sorted(pid for _, rows in self._index_rows() for pid in rows)

    def rebuild_index(self) -> int:
        """Regenerate both indexes from the prospect files (after a crash between two writes)."""
        summaries: dict[str, dict[str, Any]] = {}
        owners: dict[str, str] = {}
        with self._locked():
            for path in sorted((self.root / "prospects").glob("*/*.json")):
                data = from_tables(path, read_json(path) or {})
                summary = data.summary or summary_from(data.prospect, None)
                summaries[data.prospect.id] = _dump(summary)
                owners.update({i.id: data.prospect.id for i in data.interviews})
            for folder, rows, key in (
                ("prospects", summaries, shard_of),
                ("interviews", owners, shard_of),
            ):
                grouped: dict[str, dict[str, Any]] = {f"{n:02x}": {} for n in range(256)}
                for k, v in rows.items():
                    grouped[key(k)][k] = v
                for shard, content in grouped.items():
                    self._write_json(self.root / "index" / folder / f"{shard}.json", content)
        return len(summaries)

    # ------------------------------------------------------------------ bundles
    def read_prospect_data(self, prospect_id: str) -> ProspectData:
        """Prospect, summary, interviews and history from a single read."""
        path = self._existing_path(prospect_id)
        raw = read_json(path)
        if raw is None:
            raise NotFound(f"no prospect with id {prospect_id!r}")
        return from_tables(path, raw)

    def merge_prospect_data(
        self,
        prospect_id: str,
        merge: Callable[[ProspectData | None], ProspectData | None],
    ) -> ProspectData | None:
        """Under the lock, hand the stored prospect (None if new) to ``merge`` and save its result.

        ``merge`` returns None to leave things as they are. Used by imports, so that a
        merge sees what is on disk *now*, not what was read before another process wrote.
        """
        if not is_safe_id(prospect_id):
            raise StoreError(f"prospect id {prospect_id!r} cannot be stored")
        path = self.prospect_path(prospect_id)
        with self._locked():
            raw = read_json(path)
            local = from_tables(path, raw) if raw is not None else None
            result = merge(local)
            if result is None:
                return local
            result.check()
            if result.prospect.id != prospect_id:
                raise StoreError(f"merge of {prospect_id} returned {result.prospect.id}")
            known = {i.id for i in local.interviews} if local else set()
            self._put_owners({i.id: prospect_id for i in result.interviews if i.id not in known})
            self._write_json(path, to_tables(result))
            summary = result.summary or summary_from(result.prospect, None)
            self._put_summaries({prospect_id: _dump(summary)})
            return result

    def _write_bulk(
        self, chunk: list[ProspectData], *, skip_existing: bool = False
    ) -> list[ProspectData]:
        """Prospect files written together (one sync), then each index shard once.

        An existing prospect is replaced (after checking it is readable: a corrupt
        file is never overwritten), or with ``skip_existing`` left alone and returned.
        """
        for data in chunk:
            data.check()
        payloads = {data.prospect.id: orjson.dumps(to_tables(data)) for data in chunk}
        skipped: list[ProspectData] = []
        items: list[tuple[Path, bytes]] = []
        owners: dict[str, str] = {}
        summaries: dict[str, dict[str, Any] | None] = {}
        with self._locked():
            for data in chunk:
                pid = data.prospect.id
                path = self.prospect_path(pid)
                if path.exists():
                    if skip_existing:
                        skipped.append(data)
                        continue
                    read_json(path)  # never replace a file we could not read
                items.append((path, payloads[pid]))
                owners.update({i.id: pid for i in data.interviews})
                summaries[pid] = _dump(data.summary or summary_from(data.prospect, None))
            self._put_owners(owners, conflicts=False, bulk=True)
            write_many(items, durable=self._durable)
            self._put_summaries(summaries, bulk=True)
        return skipped

    def add_new_prospects(self, datas: Iterable[ProspectData]) -> list[ProspectData]:
        """Store the prospects that do not exist yet, fast; return those that already do."""
        skipped: list[ProspectData] = []
        for chunk in _batched(datas, BULK_CHUNK):
            skipped.extend(self._write_bulk(chunk, skip_existing=True))
        return skipped

    # ------------------------------------------------------------------ prospects
    def add_prospect(self, prospect: Prospect, *, by: str = "") -> Prospect:
        pid = prospect.id
        if not is_safe_id(pid):
            raise StoreError(f"prospect id {pid!r} cannot be stored (letters, digits, _ . - only)")
        created = HistoryEntry(
            prospect_id=pid,
            action="created",
            to_stage=prospect.stage,
            at=prospect.created_at,
            by=by,
        )
        summary = _dump(summary_from(prospect, None))
        with self._locked():
            tx = self._tx(pid)
            if tx.exists:
                raise StoreError(f"a prospect with id {pid} already exists")
            tx.db.table("prospect").insert(Document(_dump(prospect), doc_id=1))
            tx.db.table("summary").insert(Document(summary, doc_id=1))
            tx.db.table("history").insert(_dump(created))
            tx.commit()
            self._put_summaries({pid: summary})
        return prospect

    def get_prospect(self, prospect_id: str) -> Prospect:
        path = self._existing_path(prospect_id)
        raw = read_json(path)
        if raw is None:
            raise NotFound(f"no prospect with id {prospect_id!r}")
        rows = _ordered(raw.get("prospect"))
        if not rows:
            raise corrupt(path, "no prospect record in it")
        try:
            return Prospect.model_validate(rows[0][1])
        except ValidationError:
            return from_tables(path, raw).prospect  # raises StoreCorrupt with the detail

    def update_prospect(self, prospect: Prospect) -> Prospect:
        pid = prospect.id
        self._existing_path(pid)
        with self._locked():
            tx = self._tx(pid)
            if not tx.exists:
                raise NotFound(f"no prospect with id {pid!r}")
            stored = from_tables(tx.path, tx.middleware.read() or {})
            saved = prospect.model_copy(
                update={"created_at": stored.prospect.created_at, "updated_at": utcnow()}
            )
            summary = _dump(summary_from(saved, stored.summary))
            tx.db.table("prospect").upsert(Document(_dump(saved), doc_id=1))
            tx.db.table("summary").upsert(Document(summary, doc_id=1))
            tx.commit()
            self._put_summaries({pid: summary})
        return saved

    def _stale_rows(self) -> list[Path]:
        """Prospect files written after their index shard: a crash between the two writes.

        A prospect file is always replaced before its list row, so a file newer than its
        shard (or a shard that is missing) means the row may be stale. Files are replaced
        by a rename, which also stamps their folder, so a folder no newer than its shard
        is skipped: one stat per folder (256), and one per file only in folders written
        since their shard.
        """
        stale: list[Path] = []
        index = self.root / "index" / "prospects"
        try:
            folders = list(os.scandir(self.root / "prospects"))
        except FileNotFoundError:
            return stale
        for folder in folders:
            if not folder.is_dir():
                continue
            try:
                shard_time = (index / f"{folder.name}.json").stat().st_mtime_ns
            except FileNotFoundError:
                shard_time = -1
            if folder.stat().st_mtime_ns <= shard_time:
                continue
            for entry in os.scandir(folder.path):
                if entry.name.endswith(".json") and entry.stat().st_mtime_ns > shard_time:
                    stale.append(Path(entry.path))
        return stale

    def _repair_rows(self, paths: list[Path]) -> None:
        """Rewrite the list rows of `paths` from the prospect files themselves."""
        with self._locked():
            rows: dict[str, dict[str, Any] | None] = {}
            for path in paths:
                raw = read_json(path)
                if raw is None:
                    continue
                data = from_tables(path, raw)
                rows[data.prospect.id] = _dump(data.summary or summary_from(data.prospect, None))
            self._put_summaries(rows)
            for path in paths:  # rows already equal: mark the shard as checked
                shard = self._summary_shard(path.stem)
                if shard.exists() and path.stat().st_mtime_ns > shard.stat().st_mtime_ns:
                    os.utime(shard)

    def list_prospects(self) -> list[ProspectSummary]:
        """Most recently active first; reads only the 256 small index shards."""
        stale = self._stale_rows()
        if stale:
            self._repair_rows(stale)
        rows: list[ProspectSummary] = []
        for path, shard in self._index_rows():
            try:
                rows.extend(_SUMMARIES.validate_python(list(shard.values())))
            except ValidationError as exc:
                raise corrupt(path, f"invalid summary: {exc.errors()[0]['msg']}") from None
        rows.sort(key=lambda r: r.updated_at, reverse=True)
        return rows

    def resolve_id(self, id_or_prefix: str) -> str:
        wanted = id_or_prefix.strip()
        if not wanted:
            raise NotFound("give a prospect id (or its first characters)")
        if is_safe_id(wanted) and self.prospect_path(wanted).exists():
            return wanted
        folded = wanted.lower()
        matches = [pid for pid in self.prospect_ids() if pid.lower().startswith(folded)]
        if len(matches) == 1:
            return matches[0]
        if not matches:
            raise NotFound(
                f"no prospect id starts with {wanted!r}; `qualify prospect list` shows the ids"
            )
        shown = ", ".join(matches[:3]) + (", …" if len(matches) > 3 else "")
        raise NotFound(
            f"{wanted!r} matches {len(matches)} prospects ({shown}); type more of the id"
        )

    def set_summary(self, summary: ProspectSummary) -> None:
        pid = summary.id
        self._existing_path(pid)
        doc = _dump(summary)
        with self._locked():
            tx = self._tx(pid)
            if not tx.exists:
                raise NotFound(f"no prospect with id {pid!r}")
            tx.db.table("summary").upsert(Document(doc, doc_id=1))
            tx.commit()
            self._put_summaries({pid: doc})

    # ------------------------------------------------------------------ snapshots
    def put_snapshot(self, content_hash: str, question_set: dict[str, Any]) -> None:
        if not is_safe_id(content_hash):
            raise StoreError(f"snapshot hash {content_hash!r} cannot be used as a file name")
        path = self.snapshot_path(content_hash)
        if path.exists():
            return  # content-addressed: same hash, same content
        payload = orjson.dumps(question_set)
        with self._locked():
            if not path.exists():
                write_bytes(path, payload, durable=self._durable)

    def get_snapshot(self, content_hash: str) -> dict[str, Any]:
        data = read_json(self.snapshot_path(content_hash)) if is_safe_id(content_hash) else None
        if data is None:
            raise NotFound(f"no question-set snapshot {content_hash!r} in {self.root}")
        return data

    # ------------------------------------------------------------------ interviews
    def _owner_or_missing(self, interview_id: str) -> str:
        owner = self.interview_owner(interview_id)
        if owner is None or not is_safe_id(owner):
            raise NotFound(f"no interview with id {interview_id!r}")
        return owner

    def add_interview(self, interview: Interview) -> Interview:
        pid = interview.prospect_id
        self._existing_path(pid)
        doc = _dump(interview)
        with self._locked():
            tx = self._tx(pid)
            if not tx.exists:
                raise NotFound(f"no prospect with id {pid!r}")
            table = tx.db.table("interviews")
            if table.contains(where("id") == interview.id):
                raise StoreError(f"interview {interview.id} already exists")
            # The index entry goes first: a kill between the two writes leaves an
            # entry pointing at nothing (harmless), never an interview nobody can find.
            self._put_owners({interview.id: pid})
            table.insert(doc)
            tx.commit()
        return interview

    def _find_interview(self, tx: _Transaction, interview_id: str) -> Document:
        found = tx.db.table("interviews").get(where("id") == interview_id)
        if not tx.exists or found is None:
            raise NotFound(f"no interview with id {interview_id!r}")
        assert isinstance(found, Document)
        return found

    def get_interview(self, interview_id: str) -> Interview:
        pid = self._owner_or_missing(interview_id)
        for interview in self.read_prospect_data(pid).interviews:
            if interview.id == interview_id:
                return interview
        raise NotFound(f"no interview with id {interview_id!r}")

    def interviews(self, prospect_id: str) -> list[Interview]:
        return self.read_prospect_data(prospect_id).interviews

    def update_interview(self, interview: Interview) -> Interview:
        pid = self._owner_or_missing(interview.id)
        with self._locked():
            tx = self._tx(pid)
            stored = self._find_interview(tx, interview.id)
            fields = _dump(interview)
            # Identity and answers stay as stored: answers change only through record_answers.
            for key in ("id", "prospect_id", "answers"):
                fields[key] = stored[key]
            fields["updated_at"] = _dump_time(utcnow())
            tx.db.table("interviews").update(fields, doc_ids=[stored.doc_id])
            tx.commit()
        return Interview.model_validate(fields)

    def record_answers(
        self,
        interview_id: str,
        answers: Sequence[AnswerRecord],
        *,
        summary: SummaryArg = None,
    ) -> Interview:
        """One atomic, fsync'd write of the prospect file; then the list row, if given."""
        records = [
            a if isinstance(a, AnswerRecord) else AnswerRecord.model_validate(a) for a in answers
        ]
        new = {r.question_id: _dump(r) for r in records}
        pid = self._owner_or_missing(interview_id)
        with self._locked():
            tx = self._tx(pid)
            stored = self._find_interview(tx, interview_id)
            if not new and summary is None:
                return Interview.model_validate(dict(stored))
            fields = {
                "answers": {**stored["answers"], **new},
                "updated_at": _dump_time(utcnow()),
            }
            result = Interview.model_validate({**stored, **fields})
            # A function of the stored interview sees every answer, other writers' included.
            final = summary(result) if callable(summary) else summary
            if final is not None and final.id != pid:
                raise StoreError(f"summary of {final.id} given for an interview of {pid}")
            summary_doc = _dump(final) if final is not None else None
            tx.db.table("interviews").update(fields, doc_ids=[stored.doc_id])
            if summary_doc is not None:
                tx.db.table("summary").upsert(Document(summary_doc, doc_id=1))
            tx.commit()
            if summary_doc is not None:
                self._put_summaries({pid: summary_doc})
        return result

    # ------------------------------------------------------------------ moves
    def move_prospect(
        self,
        prospect: Prospect,
        entry: HistoryEntry,
        *,
        expected_stage: str,
        expected_status: ProspectStatus,
        summary: ProspectSummary | None = None,
    ) -> Prospect:
        """Compare-and-set under the lock: prospect, summary and history in one file write."""
        pid = prospect.id
        self._existing_path(pid)
        if entry.prospect_id != pid or (summary is not None and summary.id != pid):
            raise StoreError(f"the move of {pid} carries records of another prospect")
        with self._locked():
            tx = self._tx(pid)
            if not tx.exists:
                raise NotFound(f"no prospect with id {pid!r}")
            stored = from_tables(tx.path, tx.middleware.read() or {})
            check_expected(stored.prospect, expected_stage, expected_status, stored.history)
            if any(h.id == entry.id for h in stored.history):
                raise StoreError(f"history entry {entry.id} already exists; history is append-only")
            saved = prospect.model_copy(
                update={"created_at": stored.prospect.created_at, "updated_at": utcnow()}
            )
            doc = _dump(summary if summary is not None else summary_from(saved, stored.summary))
            tx.db.table("prospect").upsert(Document(_dump(saved), doc_id=1))
            tx.db.table("summary").upsert(Document(doc, doc_id=1))
            tx.db.table("history").insert(_dump(entry))
            tx.commit()
            self._put_summaries({pid: doc})
        return saved

    # ------------------------------------------------------------------ history
    def append_history(self, entry: HistoryEntry) -> HistoryEntry:
        pid = entry.prospect_id
        self._existing_path(pid)
        doc = _dump(entry)
        with self._locked():
            tx = self._tx(pid)
            if not tx.exists:
                raise NotFound(f"no prospect with id {pid!r}")
            table = tx.db.table("history")
            existing = table.get(where("id") == entry.id)
            if existing is not None:
                if dict(existing) == doc:  # type: ignore[arg-type]
                    return entry  # the same entry again (a retried command): nothing to do
                raise StoreError(f"history entry {entry.id} already exists; history is append-only")
            table.insert(doc)
            tx.commit()
        return entry

    def history(self, prospect_id: str) -> list[HistoryEntry]:
        return self.read_prospect_data(prospect_id).history

    # ------------------------------------------------------------------ bulk
    def add_prospects_bulk(
        self,
        prospects: Iterable[tuple[Prospect, list[Interview], list[HistoryEntry], ProspectSummary]],
    ) -> int:
        """Write prospects in chunks: one sync per chunk and each index shard once per chunk.

        Stores exactly what it is given (including the `created` history entry) and
        replaces a prospect with the same id, so loading the same demo data twice is
        harmless.
        """
        count = 0
        for chunk in _batched(prospects, BULK_CHUNK):
            datas = [
                ProspectData(prospect, summary, list(interviews), list(history))
                for prospect, interviews, history, summary in chunk
            ]
            self._write_bulk(datas)
            count += len(datas)
        return count

    def close(self) -> None:
        """Nothing stays open between calls; the lock is only held inside them."""


_TIME = TypeAdapter(datetime)


def _dump_time(value: datetime) -> str:
    """Exactly as pydantic writes datetimes in model_dump(mode="json")."""
    return _TIME.dump_python(value, mode="json")


__all__ = [
    "SCHEMA",
    "NotFound",
    "ProspectData",
    "StoreCorrupt",
    "StoreError",
    "StoreLocked",
    "Workspace",
    "from_tables",
    "shard_of",
    "to_tables",
]

"""`qualify doctor` for the embedded workspace: check every file, and repair what can be.

Checked: ``workspace.json``; every prospect file (it reads, its records belong to it, it
is named and filed by its id); its backups (a backup of a prospect that is gone, the
newest backup that reads for one that does not); the prospects list and the interview
index against the prospect files; every question-set snapshot against its hash, and
every interview's snapshot is there; the evidence files against their hashes and their
records (:mod:`qualify.store.workspace.evidence_doctor`); the workspace lock; what
``quarantine/`` holds.

``repair`` (under the workspace lock) moves every unreadable file to ``quarantine/``
(the same relative path, stamped with the time, and a ``.why.txt`` note beside it saying
what was wrong and when), puts a misfiled prospect file in its place, with
``restore_backups`` puts back the newest backup that reads (of an unreadable file, or of
a prospect whose file is gone), and then rebuilds both indexes from the prospect files,
every list row computed afresh: afterwards `prospect list` and `prospect show` agree.
Nothing is ever deleted.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import orjson
from filelock import FileLock, Timeout
from pydantic import ValidationError

from qualify.atomic import fsync_dir, write_bytes
from qualify.core.phrase import Num, Phrase, render
from qualify.core.records import ProspectSummary
from qualify.store.base import StoreCorrupt, StoreError, check_records
from qualify.store.checkup import Checkup, Severity, check_snapshot
from qualify.store.reading import counted
from qualify.store.workspace.evidence_doctor import EvidenceDoctor
from qualify.store.workspace.files import ProspectFile, read_prospect_file, shard_of
from qualify.store.workspace.quarantine import QUARANTINE, quarantine
from qualify.store.workspace.storage import BACKUP_SUFFIX, backup_paths, read_json
from qualify.store.workspace.store import LOCK_FILE, META_FILE, SCHEMA, Workspace


def examine(
    root: Path,
    *,
    repair: bool = False,
    restore_backups: bool = False,
    now: datetime | None = None,
    say: Callable[[Any], str] = render,
    progress: Callable[[int, int], None] | None = None,
) -> Checkup:
    """Everything found in the workspace at ``root`` (and, with ``repair``, put right);
    ``say`` writes the notes left in quarantine/ (the shell's: in the reader's language);
    ``progress(done, total)`` is told as each file of prospects/ is checked."""
    now = now or datetime.now(UTC)
    checkup = Checkup(str(root))
    if not (root / META_FILE).exists() and not (root / "prospects").is_dir():
        checkup.add("note", str(root), Phrase("no workspace here yet: nothing to check"))
        return checkup
    if not _meta_usable(root, checkup, repair, now, say):
        return checkup
    ws = Workspace(root)
    doctor = _Doctor(
        ws, checkup, repair=repair, restore=restore_backups, now=now, say=say, progress=progress
    )
    if repair:
        with ws.locked():
            doctor.run()
    else:
        doctor.note_lock()
        doctor.run()
    return checkup


def _meta_usable(
    root: Path, checkup: Checkup, repair: bool, now: datetime, say: Callable[[Any], str]
) -> bool:
    """workspace.json reads (or, repaired, is replaced by a fresh one); False: stop here."""
    path = root / META_FILE
    try:
        meta = read_json(path) or {}
    except StoreCorrupt as exc:
        if repair and not (root / "qualify.json").exists():
            moved = quarantine(root, path, exc.reason, now, say)
            checkup.add(
                "repaired",
                META_FILE,
                Phrase(
                    "was unreadable ({why}): moved to {moved}; a fresh one is written (the "
                    "prospects are in their own files)",
                    why=exc.reason,
                    moved=moved,
                ),
            )
            return True
        checkup.add("problem", META_FILE, Phrase("unreadable ({why})", why=exc.reason))
        return False
    schema = meta.get("schema", SCHEMA)
    if isinstance(schema, int) and schema > SCHEMA:
        checkup.add(
            "problem",
            META_FILE,
            Phrase(
                "schema {schema} is newer than this qualify knows (max {max}): upgrade "
                "qualify before checking it",
                schema=schema,
                max=SCHEMA,
            ),
        )
        return False
    return True


@dataclass(frozen=True)
class _Kept:
    """What the later checks need of a prospect file that reads: its row and its
    interviews, not its records (10,000 prospects' records fill most of a gigabyte)."""

    path: Path
    row: ProspectSummary | None
    interviews: tuple[tuple[str, str, str], ...]
    """Each interview's id, snapshot hash and set ("first-date v2")."""

    @classmethod
    def of(cls, path: Path, read: ProspectFile) -> _Kept:
        interviews = tuple(
            (i.id, i.questionnaire_hash, f"{i.questionnaire_id} v{i.questionnaire_version}")
            for i in read.records.interviews
        )
        return cls(path, read.row, interviews)


@dataclass
class _Found:
    """What the prospect folders hold."""

    good: dict[str, _Kept] = field(default_factory=dict)
    bad: list[tuple[Path, str]] = field(default_factory=list)
    misfiled: list[tuple[Path, ProspectFile]] = field(default_factory=list)
    backups: dict[str, list[Path]] = field(default_factory=dict)
    """Prospect id (from the file name) → its backup files."""


class _Doctor:
    def __init__(
        self,
        ws: Workspace,
        checkup: Checkup,
        *,
        repair: bool,
        restore: bool,
        now: datetime,
        say: Callable[[Any], str] = render,
        progress: Callable[[int, int], None] | None = None,
    ) -> None:
        self.ws = ws
        self.root = ws.root
        self.checkup = checkup
        self.repair = repair
        self.restore = restore
        self.now, self.say = now, say
        self.changed_files = False
        self.progress = progress

    def rel(self, path: Path) -> str:
        try:
            return str(path.relative_to(self.root))
        except ValueError:
            return str(path)

    def note_lock(self) -> None:
        lock = self.root / LOCK_FILE
        if lock.is_dir():
            said = Phrase("is a folder; qualify cannot lock the workspace")
            self.checkup.add("problem", LOCK_FILE, said)
            return
        try:
            with FileLock(lock, timeout=0):
                pass
        except Timeout:
            self.checkup.add(
                "note",
                LOCK_FILE,
                Phrase(
                    "held: another qualify is writing to this workspace now, so what it is "
                    "writing may show up as a problem; check again when it is done"
                ),
            )
        except OSError as exc:
            why = str(exc.strerror or exc)
            self.checkup.add("problem", LOCK_FILE, Phrase("cannot be locked: {why}", why=why))

    def run(self) -> None:
        found = self.scan_prospects()
        self.fix_prospects(found)
        self.check_snapshots(found)
        EvidenceDoctor(
            self.root,
            self.checkup,
            repair=self.repair,
            quarantine=lambda path, why: quarantine(self.root, path, why, self.now, self.say),
            prospects=set(found.good),
        ).run()
        index_ok = self.check_indexes(found)
        if self.repair:
            count = self.ws.rebuild_index()
            severity = "note" if index_ok and not self.changed_files else "repaired"
            self.checkup.add(
                severity,
                "index/",
                Phrase(
                    "rebuilt the prospects list and the interview index from {n} prospect "
                    "file(s), every list row computed afresh",
                    n=Num(count, grouped=True),
                ),
            )
        self.note_quarantine()

    # ------------------------------------------------------------------ prospect files
    def scan_prospects(self) -> _Found:
        found = _Found()
        folder_root = self.root / "prospects"
        if not folder_root.is_dir():
            return found
        files: list[tuple[Path, str]] = []  # listed first: the progress needs a total
        for folder in sorted(folder_root.iterdir()):
            if not folder.is_dir():
                said = Phrase("not a folder of prospects; left alone")
                self.checkup.add("note", self.rel(folder), said)
                continue
            files.extend((path, folder.name) for path in sorted(folder.iterdir()))
        for path, shard in counted(files, self.progress):
            self.scan_file(path, shard, found)
        return found

    def scan_file(self, path: Path, shard: str, found: _Found) -> None:
        name = path.name
        if name.startswith("."):
            said = Phrase("a temp file left by an interrupted write")
            self.checkup.add("note", self.rel(path), said)
            return
        if f".json{BACKUP_SUFFIX}" in name:
            found.backups.setdefault(name.split(".json")[0], []).append(path)
            return
        if not name.endswith(".json") or path.is_dir():
            self.checkup.add("note", self.rel(path), Phrase("not a prospect file; left alone"))
            return
        self.checkup.count("prospect files")
        try:
            read = read_prospect_file(path)
            if read is None:
                return  # removed meanwhile
            check_records(read.records)
        except StoreCorrupt as exc:
            found.bad.append((path, exc.reason))
            return
        except StoreError as exc:
            found.bad.append((path, str(exc)))
            return
        pid = read.records.prospect.id
        if pid != name[:-5] or shard != shard_of(pid) or pid in found.good:
            found.misfiled.append((path, read))
        else:
            found.good[pid] = _Kept.of(path, read)

    def newest_backup(self, path: Path, pid: str) -> tuple[Path, ProspectFile] | None:
        """The newest backup of ``path`` that reads as prospect ``pid``'s file."""
        for candidate in backup_paths(path, 3):
            try:
                read = read_prospect_file(candidate)
            except StoreCorrupt:
                continue
            if read is not None and read.records.prospect.id == pid:
                return candidate, read
        return None

    def fix_prospects(self, found: _Found) -> None:
        said = {path.name[:-5] for path, _ in found.bad}
        for path, why in found.bad:
            pid = path.name[:-5]
            backup = self.newest_backup(path, pid)
            where = self.rel(path)
            when = Phrase(", written {when}", when=_when(backup[0])) if backup else ""
            offer = (
                Phrase(
                    "its backup {name}{when} reads: `qualify doctor --repair "
                    "--restore-backups` puts it back",
                    name=backup[0].name,
                    when=when,
                )
                if backup
                else Phrase("no backup reads: import it again from an export")
            )
            if not self.repair:
                said = Phrase("unreadable ({why}); {offer}", why=why, offer=offer)
                self.checkup.add("problem", where, said)
                continue
            moved = quarantine(self.root, path, why, self.now, self.say)
            self.changed_files = True
            if self.restore and backup is not None:
                write_bytes(path, backup[0].read_bytes())
                found.good[pid] = _Kept.of(path, backup[1])
                self.checkup.add(
                    "repaired",
                    where,
                    Phrase(
                        "was unreadable ({why}): moved to {moved}, and its newest backup that "
                        "reads ({name}{when}) put back",
                        why=why,
                        moved=moved,
                        name=backup[0].name,
                        when=when,
                    ),
                )
            else:
                self.checkup.add(
                    "repaired",
                    where,
                    Phrase(
                        "was unreadable ({why}): moved to {moved}, so it is out of the lists; "
                        "{offer}",
                        why=why,
                        moved=moved,
                        offer=offer,
                    ),
                )
        for path, read in found.misfiled:
            self.fix_misfiled(path, read, found)
        for pid, backups in sorted(found.backups.items()):
            for backup in backups:
                self.checkup.count("backups")
                if not _parses(backup):
                    self.checkup.add(
                        "note", self.rel(backup), Phrase("does not read; kept, never restored")
                    )
            if pid not in found.good and pid not in said:
                self.orphan_backups(pid, backups, found)

    def fix_misfiled(self, path: Path, read: ProspectFile, found: _Found) -> None:
        pid = read.records.prospect.id
        place = self.ws.prospect_path(pid)
        where = self.rel(path)
        if pid in found.good or place.exists():
            what = Phrase(
                "a second copy of prospect {id} (whose file is {file})",
                id=pid,
                file=self.rel(place),
            )
            if not self.repair:
                said = Phrase("{what}; qualify never reads it", what=what)
                self.checkup.add("problem", where, said)
                return
            moved = quarantine(self.root, path, what, self.now, self.say)
            said = Phrase("{what}: moved to {moved}", what=what, moved=moved)
            self.checkup.add("repaired", where, said)
            return
        what = Phrase(
            "holds prospect {id}, whose file belongs at {file}", id=pid, file=self.rel(place)
        )
        if not self.repair:
            said = Phrase("{what}; qualify does not find it there", what=what)
            self.checkup.add("problem", where, said)
            return
        place.parent.mkdir(parents=True, exist_ok=True)
        os.replace(path, place)
        fsync_dir(place.parent)
        self.changed_files = True
        found.good[pid] = _Kept.of(place, read)
        self.checkup.add("repaired", where, Phrase("{what}: moved there", what=what))

    def orphan_backups(self, pid: str, backups: list[Path], found: _Found) -> None:
        place = self.ws.prospect_path(pid)
        if place.exists():
            return  # its file is there but unreadable, quarantined or misfiled: said already
        backup = self.newest_backup(place, pid)
        where = self.rel(backups[0].parent / f"{pid}.json")
        if backup is None:
            said = Phrase("is gone; its backups do not read either")
            self.checkup.add("note", where, said)
            return
        what = Phrase(
            "is gone, but its backup {name} (written {when}) reads",
            name=backup[0].name,
            when=_when(backup[0]),
        )
        if not (self.repair and self.restore):
            said = Phrase(
                "{what}: `qualify doctor --repair --restore-backups` puts it back", what=what
            )
            self.checkup.add("note", where, said)
            return
        write_bytes(place, backup[0].read_bytes())
        self.changed_files = True
        found.good[pid] = _Kept.of(place, backup[1])
        self.checkup.add("repaired", where, Phrase("{what}: put back", what=what))

    # ------------------------------------------------------------------ snapshots
    def check_snapshots(self, found: _Found) -> None:
        folder = self.root / "snapshots"
        present: set[str] = set()
        for path in sorted(folder.glob("*.json")) if folder.is_dir() else ():
            if path.name.startswith("."):
                continue
            digest = path.name[:-5]
            self.checkup.count("snapshots")
            try:
                raw = orjson.loads(path.read_bytes())
            except (OSError, orjson.JSONDecodeError) as exc:
                first = str(exc).splitlines()[0] if str(exc) else repr(exc)
                why = Phrase("unreadable ({why})", why=first)
                if self.repair:
                    moved = quarantine(self.root, path, why, self.now, self.say)
                    self.checkup.add(
                        "repaired",
                        self.rel(path),
                        Phrase(
                            "was {why}: moved to {moved}; its interviews are scored against "
                            "today's version of their set",
                            why=why,
                            moved=moved,
                        ),
                    )
                else:
                    self.checkup.add("problem", self.rel(path), why)
                continue
            present.add(digest)
            problem = check_snapshot(digest, raw)
            if problem is not None:
                said = Phrase("{problem}; kept as it is", problem=problem)
                self.checkup.add("problem", self.rel(path), said)
        asked: dict[str, list[str]] = {}
        for pid, kept in found.good.items():
            for _, digest, named in kept.interviews:
                asked.setdefault(digest, []).append(f"{named} ({pid})")
        for digest, uses in sorted(asked.items()):
            if digest not in present:
                self.checkup.add(
                    "problem",
                    f"snapshots/{digest}.json",
                    Phrase(
                        "missing: {n} interview(s) were asked with it, e.g. {example}; they are "
                        "scored against today's version of their set (import an export that "
                        "has it to put it back)",
                        n=len(uses),
                        example=uses[0],
                    ),
                )

    # ------------------------------------------------------------------ indexes
    def check_indexes(self, found: _Found) -> bool:
        """Both indexes against the prospect files; True when they agree. (With repair
        what disagrees is said as repaired: both indexes are rebuilt right after.)"""
        severity: Severity = "repaired" if self.repair else "problem"
        before = len(self.checkup.findings)
        rows = self.read_index("prospects", severity)
        owners = self.read_index("interviews", severity)
        for pid, kept in sorted(found.good.items()):
            row = rows.pop(pid, None)
            where = self.rel(kept.path)
            if row is None:
                self.checkup.add(severity, where, Phrase("is not in the prospects list"))
            elif _row(row) != kept.row:  # the row written with the file; else compute it
                fresh = self._fresh_row(kept.path)
                if fresh is not None and _row(row) != fresh:
                    self.checkup.add(
                        severity,
                        where,
                        Phrase(
                            "the prospects list shows {listed} but its records give {fresh}",
                            listed=_words(_row(row)),
                            fresh=_words(fresh),
                        ),
                    )
            for interview_id, _, _ in kept.interviews:
                owner = owners.pop(interview_id, None)
                if owner != pid:
                    self.checkup.add(
                        severity,
                        where,
                        Phrase("interview {id} is not in the interview index", id=interview_id)
                        if owner is None
                        else Phrase(
                            "interview {id} is filed under {owner}", id=interview_id, owner=owner
                        ),
                    )
        for pid in sorted(rows):
            self.checkup.add(
                severity,
                f"index/prospects/{shard_of(pid)}.json",
                Phrase("lists prospect {id}, whose file is gone or unreadable", id=pid),
            )
        if owners:
            self.checkup.add(
                "note",
                "index/interviews/",
                Phrase(
                    "{n} entr(y/ies) point at a prospect file that is gone, unreadable or does "
                    "not hold them (an interrupted write leaves these too); harmless, and "
                    "rebuilt by --repair",
                    n=len(owners),
                ),
            )
        return not any(f.severity != "note" for f in self.checkup.findings[before:])

    def _fresh_row(self, path: Path) -> ProspectSummary | None:
        """The row the file's records give, read again (None: gone or broken meanwhile,
        which the next check says)."""
        try:
            read = read_prospect_file(path)
        except StoreError:
            return None
        return None if read is None else self.ws.list_row(read.records)

    def read_index(self, kind: str, severity: Severity) -> dict[str, Any]:
        folder = self.root / "index" / kind
        merged: dict[str, Any] = {}
        if not folder.is_dir():
            self.checkup.add(severity, f"index/{kind}/", Phrase("missing"))
            return merged
        for path in sorted(folder.glob("*.json")):
            if path.name.startswith("."):
                continue
            self.checkup.count("index shards")
            try:
                shard = read_json(path) or {}
            except StoreCorrupt as exc:
                said = Phrase("unreadable ({why})", why=exc.reason)
                self.checkup.add(severity, self.rel(path), said)
                continue
            for key, value in shard.items():
                if shard_of(key) != path.stem:
                    said = Phrase("holds {key}, filed elsewhere", key=repr(key))
                    self.checkup.add(severity, self.rel(path), said)
                merged[key] = value
        return merged

    def note_quarantine(self) -> None:
        folder = self.root / QUARANTINE
        if not folder.is_dir():
            return
        kept = [p for p in folder.rglob("*") if p.is_file() and not p.name.endswith(".why.txt")]
        if kept:
            self.checkup.add(
                "note",
                f"{QUARANTINE}/",
                Phrase(
                    "holds {n} file(s) moved there by a repair (each with a .why.txt note); "
                    "qualify no longer reads them",
                    n=len(kept),
                ),
            )


def _parses(path: Path) -> bool:
    try:
        return isinstance(orjson.loads(path.read_bytes()), dict)
    except (OSError, orjson.JSONDecodeError):
        return False


def _row(raw: Any) -> ProspectSummary | None:
    try:
        return ProspectSummary.model_validate(raw)
    except ValidationError:
        return None


def _words(row: ProspectSummary | None) -> Phrase:
    if row is None:
        return Phrase("an unreadable row")
    score = (
        Phrase("no score")
        if row.score is None
        else Phrase("score {score}", score=Num(row.score, 1, fixed=True))
    )
    when = row.updated_at.strftime("%Y-%m-%d %H:%M:%S")
    return Phrase(
        "{name} at {stage}, {status}, {score}, last active {when} UTC",
        name=repr(row.name),
        stage=row.stage,
        status=row.status.value,
        score=score,
        when=when,
    )


def _when(path: Path) -> str:
    stamp = datetime.fromtimestamp(path.stat().st_mtime, UTC)
    return stamp.astimezone().strftime("%Y-%m-%d %H:%M")


__all__ = ["QUARANTINE", "examine", "quarantine"]

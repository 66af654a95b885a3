"""`qualify doctor` for the workspace's evidence files (``files/``, ``attachments/``).

Checked: every kept file's content hashes to its name (read in chunks: a large file is
never held whole); every attachment record reads, belongs to a prospect, and names a
file that is kept, with the size it records; a file no record names is reported (a crash
between writing a file and its record leaves one), never deleted. ``repair`` moves a
file whose content no longer matches its name to ``quarantine/`` (never deleted): the
records that name it then say their file is missing, as they should, until an export
that has the file is imported again (or the file is attached again).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from pathlib import Path

from qualify.core.evidence import Attachment
from qualify.core.phrase import Num, Phrase
from qualify.store.base import StoreCorrupt
from qualify.store.checkup import Checkup
from qualify.store.workspace.evidence import FILES_DIR, RECORDS_DIR, Evidence

_SHA256 = re.compile(r"[0-9a-f]{64}")
CHUNK = 1 << 20
"""Bytes hashed at a time."""

Quarantine = Callable[[Path, str], str]
"""Move a file to quarantine/ with why; returns where it went (relative)."""


def file_digest(path: Path) -> str:
    """The SHA-256 of the file at ``path``, read in chunks."""
    h = hashlib.sha256()
    with open(path, "rb") as handle:
        while chunk := handle.read(CHUNK):
            h.update(chunk)
    return h.hexdigest()


class EvidenceDoctor:
    """One pass over the evidence files and their records."""

    def __init__(
        self,
        root: Path,
        checkup: Checkup,
        *,
        repair: bool,
        quarantine: Quarantine,
        prospects: set[str],
    ) -> None:
        self.root = root
        self.checkup = checkup
        self.repair = repair
        self.quarantine = quarantine
        self.prospects = prospects
        """Ids of the prospects whose files read."""
        self.evidence = Evidence(root, durable=False, locked=_unlocked)
        self.changed: set[str] = set()
        """Files found changed and left in place (said once, at the file)."""

    def rel(self, path: Path) -> str:
        return str(path.relative_to(self.root))

    def run(self) -> None:
        kept = self.scan_files()
        named = self.check_records(kept)
        for digest, path in sorted(kept.items()):
            if digest not in named and path is not None:
                self.checkup.add(
                    "note",
                    self.rel(path),
                    Phrase(
                        "an evidence file no attachment record names (a crash between writing "
                        "a file and its record leaves one); kept, never deleted"
                    ),
                )

    # ------------------------------------------------------------------ the files
    def scan_files(self) -> dict[str, Path | None]:
        """SHA-256 → its file, for every file that is what its name says (None: it was
        not, and was moved to quarantine/)."""
        kept: dict[str, Path | None] = {}
        top = self.root / FILES_DIR
        if not top.is_dir():
            return kept
        for folder in sorted(top.iterdir()):
            if not folder.is_dir():
                self.checkup.add(
                    "note", self.rel(folder), Phrase("not a folder of evidence files; left alone")
                )
                continue
            for path in sorted(folder.iterdir()):
                self.check_file(path, folder.name, kept)
        return kept

    def check_file(self, path: Path, shard: str, kept: dict[str, Path | None]) -> None:
        name = path.name
        if name.startswith("."):
            said = Phrase("a temp file left by an interrupted write")
            self.checkup.add("note", self.rel(path), said)
            return
        if not _SHA256.fullmatch(name) or name[:2] != shard or not path.is_file():
            self.checkup.add("note", self.rel(path), Phrase("not an evidence file; left alone"))
            return
        self.checkup.count("evidence files")
        try:
            actual = file_digest(path)
        except OSError as exc:
            said = Phrase("cannot be read: {why}", why=str(exc.strerror or exc))
            self.checkup.add("problem", self.rel(path), said)
            kept[name] = path
            return
        if actual == name:
            kept[name] = path
            return
        why = Phrase(
            "its content hashes to {actual}…, not to its name: the evidence file was changed "
            "after it was attached",
            actual=actual[:12],
        )
        if not self.repair:
            self.checkup.add(
                "problem",
                self.rel(path),
                Phrase("{why}; `qualify doctor --repair` moves it to quarantine/", why=why),
            )
            kept[name] = path
            self.changed.add(name)
            return
        moved = self.quarantine(path, why)
        kept[name] = None
        said = Phrase("{what}: moved to {moved}", what=why, moved=moved)
        self.checkup.add("repaired", self.rel(path), said)

    # ------------------------------------------------------------------ the records
    def check_records(self, kept: dict[str, Path | None]) -> set[str]:
        """Every records file against the files; the SHA-256s named."""
        named: set[str] = set()
        top = self.root / RECORDS_DIR
        if not top.is_dir():
            return named
        for path in sorted(top.glob("*/*.json")):
            if path.name.startswith("."):
                continue
            pid = path.stem
            if path != self.evidence.records_path(pid):
                self.checkup.add(
                    "note",
                    self.rel(path),
                    Phrase("not filed where qualify looks for it; left alone"),
                )
                continue
            try:
                records = self.evidence.records(pid)
            except StoreCorrupt as exc:
                said = Phrase("unreadable ({why})", why=exc.reason)
                self.checkup.add("problem", self.rel(path), said)
                continue
            if pid not in self.prospects:
                self.checkup.add(
                    "note",
                    self.rel(path),
                    Phrase(
                        "attachment records of prospect {id}, whose file is gone or unreadable",
                        id=pid,
                    ),
                )
            for record in records:
                self.checkup.count("attachment records")
                named.add(record.sha256)
                self.check_record(path, record, kept)
        return named

    def check_record(self, path: Path, a: Attachment, kept: dict[str, Path | None]) -> None:
        where = self.rel(path)
        what = Phrase(
            "attachment {id} ({name}, for {question})", id=a.id, name=a.name, question=a.question_id
        )
        file = self.evidence.file_path(a.sha256)
        if a.sha256 not in kept:
            self.checkup.add(
                "problem",
                where,
                Phrase(
                    "{what} names the evidence file {file}, which is missing; import an export "
                    "that has it, or attach the file again",
                    what=what,
                    file=self.rel(file),
                ),
            )
        elif kept[a.sha256] is None:
            self.checkup.add(
                "problem",
                where,
                Phrase(
                    "{what}: its evidence file {file} is missing (moved to quarantine/ just "
                    "now, as it no longer matched its hash); import an export that has it, or "
                    "attach the file again",
                    what=what,
                    file=self.rel(file),
                ),
            )
        elif a.sha256 not in self.changed:
            size = kept[a.sha256].stat().st_size  # type: ignore[union-attr]
            if size != a.size:
                self.checkup.add(
                    "problem",
                    where,
                    Phrase(
                        "{what} records {size} bytes, but its evidence file {file} has {actual}",
                        what=what,
                        size=Num(a.size, grouped=True),
                        file=self.rel(file),
                        actual=Num(size, grouped=True),
                    ),
                )


def _unlocked():  # type: ignore[no-untyped-def]
    from contextlib import nullcontext

    return nullcontext()


__all__ = ["EvidenceDoctor", "file_digest"]

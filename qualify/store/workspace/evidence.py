"""Evidence files in the workspace: the bytes by content, the records per prospect.

::

    files/ab/ab12…ef                    one file per content (its SHA-256), written once
    attachments/<shard>/<id>.json       {"attachments": [...]}: a prospect's records

A file is written (fsynced, renamed into place) before the record that names it, so a
crash in between leaves a file nobody names yet, never a record without its file. The
records file is replaced whole, atomically, under the workspace lock; records are only
ever added to it.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from contextlib import AbstractContextManager
from pathlib import Path

import orjson
from pydantic import ValidationError

from qualify.atomic import write_bytes
from qualify.core.evidence import Attachment, digest, oldest_first
from qualify.core.phrase import Phrase
from qualify.store import missing, refusals
from qualify.store.base import (
    StoreError,
    checked_attachment,
    is_safe_id,
    same_attachment,
)
from qualify.store.workspace.files import shard_of
from qualify.store.workspace.storage import cannot_read, corrupt, read_json

FILES_DIR = "files"
RECORDS_DIR = "attachments"


class Evidence:
    """The workspace's evidence files (see the module docstring for the layout)."""

    def __init__(
        self,
        root: Path,
        *,
        durable: bool,
        locked: Callable[[], AbstractContextManager[None]],
    ) -> None:
        self.root = root
        self.durable = durable
        self.locked = locked

    def file_path(self, sha256: str) -> Path:
        return self.root / FILES_DIR / sha256[:2] / sha256

    def records_path(self, prospect_id: str) -> Path:
        return self.root / RECORDS_DIR / shard_of(prospect_id) / f"{prospect_id}.json"

    def dirs(self) -> list[Path]:
        """Where temp files of killed writers may be left."""
        found: list[Path] = []
        for sub in (FILES_DIR, RECORDS_DIR):
            folder = self.root / sub
            if folder.is_dir():
                found.extend(p for p in folder.iterdir() if p.is_dir())
        return found

    # ------------------------------------------------------------------ reading
    def having_records(self, prospect_ids: Iterable[str]) -> list[str]:
        """Those of `prospect_ids` that may have an evidence record file, in order: one
        listing per shard folder instead of a failed open per prospect (a portfolio asks
        for all 10,000, most of which have no evidence)."""
        ids = list(prospect_ids)
        try:
            shards = [e.path for e in os.scandir(self.root / RECORDS_DIR) if e.is_dir()]
            named = {n.removesuffix(".json") for shard in shards for n in os.listdir(shard)}
        except FileNotFoundError:
            return [] if not (self.root / RECORDS_DIR).exists() else ids
        except OSError:  # unreadable: reading each one says what is wrong
            return ids
        return [pid for pid in ids if pid in named]

    def records(self, prospect_id: str) -> list[Attachment]:
        if not is_safe_id(prospect_id):
            return []
        path = self.records_path(prospect_id)
        data = read_json(path)
        if data is None:
            return []
        items = data.get("attachments")
        if not isinstance(items, list):
            raise corrupt(path, Phrase('no list of "attachments" in it'))
        try:
            return oldest_first(Attachment.model_validate(item) for item in items)
        except ValidationError as exc:
            from qualify.core.questionnaire.friendly import at_path  # only on an error

            problem = at_path("", exc.errors()[0], Attachment)
            why = Phrase("an attachment record does not read ({problem})", problem=problem)
            raise corrupt(path, why) from None

    def content(self, prospect_id: str, sha256: str) -> bytes:
        if not any(a.sha256 == sha256 for a in self.records(prospect_id)):
            raise missing.no_evidence_file(prospect_id, sha256)
        path = self.file_path(sha256)
        try:
            content = path.read_bytes()
        except FileNotFoundError:
            raise corrupt(path, Phrase("the evidence file is gone")) from None
        except OSError as exc:
            raise corrupt(path, cannot_read(exc)) from None
        if digest(content) != sha256:
            raise corrupt(path, Phrase("the evidence file no longer matches its SHA-256"))
        return content

    # ------------------------------------------------------------------ writing
    def add(
        self, attachment: Attachment, content: bytes, exists: Callable[[str], bool]
    ) -> Attachment:
        """The file (unless it is kept already), then the record, under the lock."""
        checked_attachment(attachment, content)
        pid = attachment.prospect_id
        with self.locked():
            if not exists(pid):
                raise missing.no_prospect(pid)
            kept = self.records(pid)
            same = next((a for a in kept if a.id == attachment.id), None)
            if same is not None:
                if same_attachment(same, attachment):
                    return same
                raise StoreError(refusals.attachment_exists(attachment.id))
            self._put_file(attachment.sha256, content)
            document = {"attachments": [a.model_dump(mode="json") for a in (*kept, attachment)]}
            write_bytes(
                self.records_path(pid),
                orjson.dumps(document, option=orjson.OPT_INDENT_2),
                durable=self.durable,
            )
        return attachment

    def _put_file(self, sha256: str, content: bytes) -> None:
        path = self.file_path(sha256)
        try:
            if digest(path.read_bytes()) == sha256:
                return  # content-addressed: the same bytes are kept already
        except FileNotFoundError:
            pass
        except IsADirectoryError:
            raise corrupt(path, Phrase("a directory where a file should be")) from None
        write_bytes(path, content, durable=self.durable)  # a damaged copy is replaced whole

    def forget(self, prospect_id: str) -> None:
        """Drop a removed demo prospect's records (its files may serve others)."""
        self.records_path(prospect_id).unlink(missing_ok=True)


__all__ = ["FILES_DIR", "RECORDS_DIR", "Evidence"]

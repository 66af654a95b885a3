"""A Store kept in dicts: the report tests need records, not a database."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from qualify.core.evidence import Attachment
from qualify.core.records import Interview, ProspectRecords, ProspectSummary, is_demo
from qualify.store.base import (
    Merge,
    NotFound,
    StoreError,
    check_records,
    checked_attachment,
    not_demo,
    same_attachment,
)
from qualify.store.documents import DocumentStore
from qualify.store.rows import ListRows


class MemoryStore(DocumentStore):
    """What a DocumentStore leaves to its backend, with plain dicts."""

    def __init__(self) -> None:
        self.records: dict[str, ProspectRecords] = {}
        self.rows: dict[str, ProspectSummary] = {}
        self.snapshots: dict[str, dict[str, Any]] = {}
        self._rows = ListRows()
        self.attached: dict[str, list[Attachment]] = {}
        self.files: dict[str, bytes] = {}

    @property
    def interview_rows(self) -> dict[str, Interview]:
        return {i.id: i for r in self.records.values() for i in r.interviews}

    def read_prospect(self, prospect_id: str) -> ProspectRecords:
        try:
            return self.records[prospect_id]
        except KeyError:
            raise NotFound(f"no prospect with id {prospect_id!r}") from None

    def merge_prospect(self, prospect_id: str, merge: Merge) -> ProspectRecords | None:
        current = self.records.get(prospect_id)
        result = merge(current)
        if result is None or result == current:
            return current
        check_records(result, prospect_id)
        self.records[prospect_id] = result
        self.rows[prospect_id] = self._rows.row(result, self.get_snapshot)
        return result

    def prospect_ids(self) -> list[str]:
        return sorted(self.records)

    def delete_demo_prospect(self, prospect_id: str) -> bool:
        found = self.records.get(prospect_id)
        if found is None:
            return False
        if not is_demo(found.prospect):
            raise not_demo(found.prospect)
        del self.records[prospect_id]
        self.rows.pop(prospect_id, None)
        return True

    def list_prospects(self) -> list[ProspectSummary]:
        return sorted(self.rows.values(), key=lambda r: r.updated_at, reverse=True)

    def resolve_id(self, id_or_prefix: str) -> str:
        if id_or_prefix in self.records:
            return id_or_prefix
        found = [pid for pid in self.records if pid.startswith(id_or_prefix)]
        if len(found) == 1 and id_or_prefix:
            return found[0]
        if len(found) > 1:
            raise StoreError(f"id prefix {id_or_prefix!r} is ambiguous")
        raise NotFound(f"no prospect with id {id_or_prefix!r}")

    def put_snapshot(self, content_hash: str, question_set: dict[str, Any]) -> None:
        self.snapshots.setdefault(content_hash, question_set)

    def get_snapshot(self, content_hash: str) -> dict[str, Any]:
        try:
            return self.snapshots[content_hash]
        except KeyError:
            raise NotFound(f"no snapshot {content_hash}") from None

    def snapshot_hashes(self) -> set[str]:
        return set(self.snapshots)

    def interview_owners(self, interview_ids: Iterable[str]) -> dict[str, str]:
        owners = {i.id: i.prospect_id for i in self.interview_rows.values()}
        return {iid: owners[iid] for iid in interview_ids if iid in owners}

    def add_attachment(self, attachment: Attachment, content: bytes) -> Attachment:
        checked_attachment(attachment, content)
        if attachment.prospect_id not in self.records:
            raise NotFound(f"no prospect with id {attachment.prospect_id!r}")
        kept = self.attached.setdefault(attachment.prospect_id, [])
        same = next((a for a in kept if a.id == attachment.id), None)
        if same is not None:
            if same_attachment(same, attachment):
                return same
            raise StoreError(f"attachment {attachment.id} already exists")
        self.files[attachment.sha256] = content
        kept.append(attachment)
        return attachment

    def attachments(self, prospect_id: str) -> list[Attachment]:
        return sorted(self.attached.get(prospect_id, []), key=lambda a: a.at)

    def attachment_content(self, prospect_id: str, sha256: str) -> bytes:
        if not any(a.sha256 == sha256 for a in self.attached.get(prospect_id, [])):
            raise NotFound(f"no evidence file {sha256}")
        return self.files[sha256]

"""Evidence files in JSON exports: what :mod:`qualify.store.transfer` writes and vets.

Each prospect of an export lists its attachment records (``"attachments"``); the
files themselves follow the snapshots, once per content, base64-encoded under their
SHA-256 (``"files": {"<sha256>": "<base64>"}``). An import trusts none of it: every
record must be one qualify could have written, of the prospect it is listed under,
and every file must hash to its key and have the size its records say; a file the
export does not carry must already be in the store for that prospect. One that fails
stops the whole import before anything is written, like any other tampered record.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import IO, Any

import orjson
from pydantic import ValidationError

from qualify.core.evidence import Attachment, EvidenceError, check_attachment, digest
from qualify.core.phrase import Joined, Phrase, said
from qualify.core.words import one_line
from qualify.store.base import NotFound, Store, StoreError, is_safe_id, same_attachment


def export_records(store: Store, prospect_id: str) -> list[dict[str, Any]]:
    """A prospect's attachment records as an export lists them."""
    return [a.model_dump(mode="json") for a in store.attachments(prospect_id)]


def write_files(out: IO[bytes], store: Store, wanted: dict[str, str]) -> None:
    """``,"files":{…}`` with each file of ``wanted`` (sha256 → a prospect holding it),
    one at a time so large files never sit in memory together; nothing when empty."""
    if not wanted:
        return
    out.write(b',\n"files":{')
    for n, (sha256, prospect_id) in enumerate(sorted(wanted.items())):
        content = store.attachment_content(prospect_id, sha256)
        out.write((b",\n" if n else b"\n") + orjson.dumps(sha256) + b":")
        out.write(b'"' + base64.b64encode(content) + b'"')
    out.write(b"\n}")


@dataclass
class ExportedEvidence:
    """The attachment records and files of an export, as read (not yet vetted)."""

    records: list[Attachment] = field(default_factory=list)
    files: dict[str, Any] = field(default_factory=dict)
    checked: dict[str, bytes] = field(default_factory=dict)

    def vet(self, store: Store, name: str) -> None:
        """Every file hashes to its key; every record's file is in the export (of the
        record's size) or already in the store for its prospect. StoreError otherwise."""
        for sha256, encoded in self.files.items():
            where = f"{name}: files.{one_line(str(sha256), 70)}"
            not_base64 = Phrase("{where} is not base64 text; nothing was imported", where=where)
            if not isinstance(encoded, str):
                raise StoreError(not_base64)
            try:
                content = base64.b64decode(encoded, validate=True)
            except (binascii.Error, ValueError):
                raise StoreError(not_base64) from None
            if digest(content) != sha256:
                raise StoreError(
                    Phrase(
                        "{where}: the file does not match its SHA-256 (changed after it was "
                        "exported); nothing was imported",
                        where=where,
                    )
                )
            self.checked[sha256] = content
        for a in self.records:
            content = self.checked.get(a.sha256)
            label = Phrase(
                "{name}: attachment {id} ({file})", name=name, id=a.id, file=one_line(a.name, 60)
            )
            if content is None:
                try:
                    content = store.attachment_content(a.prospect_id, a.sha256)
                except NotFound:
                    raise StoreError(
                        Phrase(
                            "{label}: its file is neither in the export nor here; nothing was "
                            "imported",
                            label=label,
                        )
                    ) from None
                self.checked[a.sha256] = content
            if len(content) != a.size:
                raise StoreError(
                    Phrase(
                        "{label}: the file has {size} bytes, not the {recorded} recorded; "
                        "nothing was imported",
                        label=label,
                        size=len(content),
                        recorded=a.size,
                    )
                )

    def vet_known(self, store: Store, name: str) -> None:
        """A record the store holds already must be the same record (never changed)."""
        kept: dict[str, dict[str, Attachment]] = {}
        for a in self.records:
            if a.prospect_id not in kept:
                try:
                    kept[a.prospect_id] = {k.id: k for k in store.attachments(a.prospect_id)}
                except NotFound:
                    kept[a.prospect_id] = {}
            same = kept[a.prospect_id].get(a.id)
            if same is not None and not same_attachment(same, a, store.login):
                raise StoreError(
                    Phrase(
                        "{name}: attachment {id} ({file}) differs from the one kept here; "
                        "attachments are never changed; nothing was imported",
                        name=name,
                        id=a.id,
                        file=one_line(a.name, 60),
                    )
                )

    def add(self, store: Store) -> int:
        """Store every record with its file (one kept already changes nothing); returns
        how many were new."""
        added = 0
        for a in self.records:
            new = all(k.id != a.id for k in store.attachments(a.prospect_id))
            store.add_attachment(a, self.checked[a.sha256])
            added += new
        return added


def read_evidence(doc: dict[str, Any], items: list[Any], name: str) -> ExportedEvidence:
    """The records listed under each prospect and the ``files`` mapping, structurally
    checked (one clear line naming where, otherwise)."""
    files = doc.get("files") or {}
    if not isinstance(files, dict):
        raise StoreError(
            Phrase('{name}: the export\'s "files" is not a mapping of SHA-256 to file', name=name)
        )
    found = ExportedEvidence(files=files)
    seen: set[str] = set()
    for n, item in enumerate(items):
        raw = item.get("attachments", []) if isinstance(item, dict) else []
        where = f"{name}: prospects[{n}].attachments"
        if not isinstance(raw, list):
            raise StoreError(Phrase("{where} is not a list", where=where))
        pid = str(item["prospect"].get("id", ""))
        for k, record in enumerate(raw):
            attachment = _record(record, f"{where}[{k}]", pid)
            if attachment.id in seen:
                raise StoreError(
                    Phrase("{name}: attachment {id} appears twice", name=name, id=attachment.id)
                )
            seen.add(attachment.id)
            found.records.append(attachment)
    return found


def _record(raw: Any, where: str, prospect_id: str) -> Attachment:
    try:
        attachment = Attachment.model_validate(raw)
        check_attachment(attachment)
    except ValidationError as exc:
        from qualify.core.questionnaire.friendly import at_path  # only on an error

        raise StoreError(at_path(where, exc.errors()[0], Attachment)) from None
    except EvidenceError as exc:
        raise StoreError(Joined((where, said(exc)), ": ")) from None
    if attachment.prospect_id != prospect_id or not is_safe_id(attachment.id):
        raise StoreError(
            Phrase(
                "{where}: attachment {id} belongs to another prospect",
                where=where,
                id=repr(attachment.id),
            )
        )

    return attachment


def copy_attachments(source: Store, target: Store, prospect_ids: Iterable[str]) -> int:
    """Give ``target`` the attachment records (with their files) of ``prospect_ids`` that
    ``source`` has and it lacks (sync); returns how many. Each file is checked against
    its hash on both sides."""
    ids = list(prospect_ids)
    having = source.evidence_tallies(ids)  # those with any file (a server: one query)
    copied = 0
    for pid in ids:
        if pid not in having:
            continue
        theirs = {a.id for a in target.attachments(pid)}
        for a in source.attachments(pid):
            if a.id not in theirs:
                target.add_attachment(a, source.attachment_content(pid, a.sha256))
                copied += 1
    return copied


__all__ = [
    "ExportedEvidence",
    "copy_attachments",
    "export_records",
    "read_evidence",
    "write_files",
]

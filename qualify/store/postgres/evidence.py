"""Evidence files on the team server: ``attachment_files`` (the bytes, once per prospect
and SHA-256, checked by the server) and ``attachments`` (the records), both under the
prospect's row-level security and append-only (migrations/0006). Every function takes
the caller's connection, inside the caller's transaction."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from typing import Any

import psycopg
from psycopg import errors as pgerrors
from pydantic import ValidationError

from qualify.core.evidence import Attachment, EvidenceTally, digest
from qualify.core.phrase import Phrase
from qualify.store import missing, refusals
from qualify.store.base import (
    EvidenceTooLarge,
    FileState,
    StoreCorrupt,
    StoredFile,
    StoreError,
    same_attachment,
)
from qualify.store.postgres import sql

Conn = psycopg.Connection[Any]
SIZE_LIMIT = "attachment_size_limit"
"""The constraint name the server gives a file over its size limit (schema 8)."""


def insert(conn: Conn, attachment: Attachment, content: bytes, login: str) -> Attachment:
    """The file (unless the prospect has it already), then the record; the record as
    stored. The prospect's row must be locked by the caller."""
    try:
        conn.execute(
            "INSERT INTO attachment_files (prospect_id, sha256, size, content) "
            "VALUES (%s, %s, %s, %s) ON CONFLICT (prospect_id, sha256) DO NOTHING",
            (attachment.prospect_id, attachment.sha256, len(content), content),
        )
    except pgerrors.CheckViolation as exc:
        if exc.diag.constraint_name != SIZE_LIMIT:
            raise
        found = re.search(r"limit: (\d+) bytes", exc.diag.message_detail or "")
        max_bytes = int(found[1]) if found else 0
        raise EvidenceTooLarge(attachment.name, len(content), max_bytes) from None
    row = conn.execute(
        "INSERT INTO attachments (id, prospect_id, sha256, at, doc) VALUES (%s, %s, %s, %s, %s) "
        "ON CONFLICT (id) DO NOTHING RETURNING doc",
        (
            attachment.id,
            attachment.prospect_id,
            attachment.sha256,
            attachment.at,
            sql.json(sql.doc(attachment)),
        ),
    ).fetchone()
    if row is not None:
        return _record(row[0])
    kept = conn.execute("SELECT doc FROM attachments WHERE id = %s", (attachment.id,)).fetchone()
    if kept is not None and same_attachment(_record(kept[0]), attachment, login):
        return _record(kept[0])  # the same record again (an import, a sync): nothing to do
    raise StoreError(refusals.attachment_exists(attachment.id))


def records(conn: Conn, prospect_id: str) -> list[Attachment]:
    rows = conn.execute(
        "SELECT doc FROM attachments WHERE prospect_id = %s ORDER BY at, seq", (prospect_id,)
    ).fetchall()
    return [_record(r[0]) for r in rows]


def content(conn: Conn, prospect_id: str, sha256: str) -> bytes:
    row = conn.execute(
        "SELECT content FROM attachment_files WHERE prospect_id = %s AND sha256 = %s",
        (prospect_id, sha256),
    ).fetchone()
    if row is None:
        raise missing.no_evidence_file(prospect_id, sha256)
    data = bytes(row[0])
    if digest(data) != sha256:
        raise StoreCorrupt(
            Phrase(
                "evidence file {sha} of {id} no longer matches its hash",
                sha=sha256[:12],
                id=prospect_id,
            )
        )
    return data


class EvidenceQueries:
    """What the server answers about many prospects' evidence files at once (mixed into
    the store): the portfolio's tallies, and every file checked for `qualify doctor`."""

    _db: Any

    def evidence_tallies(self, prospect_ids: Iterable[str]) -> dict[str, EvidenceTally]:
        """As :meth:`qualify.store.base.Store.evidence_tallies`, in one query."""
        with self._db.conn() as conn:
            rows = conn.execute(
                "SELECT prospect_id, count(DISTINCT (doc->>'stage', doc->>'question_id')), "
                "max(at) FROM attachments WHERE prospect_id = ANY(%s) GROUP BY prospect_id",
                (list(prospect_ids),),
            ).fetchall()
        return {pid: EvidenceTally(int(files), latest) for pid, files, latest in rows}

    def stored_evidence(self) -> Iterator[StoredFile]:
        """Every file the login may see hashed by the server (the bytes never travel),
        with the records naming it; then the records whose file is not kept."""
        with self._db.conn() as conn:
            files = conn.execute(
                "SELECT f.prospect_id, f.sha256, "
                "octet_length(f.content) = f.size "
                "AND encode(sha256(f.content), 'hex') = f.sha256, "
                "ARRAY(SELECT a.id || ' (' || (a.doc->>'name') || ')' FROM attachments a "
                "WHERE a.prospect_id = f.prospect_id AND a.sha256 = f.sha256 "
                "ORDER BY a.at, a.seq) "
                "FROM attachment_files f ORDER BY f.prospect_id, f.sha256"
            ).fetchall()
            missing = conn.execute(
                "SELECT a.prospect_id, a.sha256, array_agg(a.id || ' (' || (a.doc->>'name') "
                "|| ')' ORDER BY a.at, a.seq) FROM attachments a WHERE NOT EXISTS ("
                "SELECT 1 FROM attachment_files f "
                "WHERE f.prospect_id = a.prospect_id AND f.sha256 = a.sha256) "
                "GROUP BY a.prospect_id, a.sha256 ORDER BY a.prospect_id, a.sha256"
            ).fetchall()
        for pid, sha256, ok, names in files:
            state: FileState = "changed" if not ok else "ok" if names else "unnamed"
            yield StoredFile(pid, sha256, state, tuple(names))
        for pid, sha256, names in missing:
            yield StoredFile(pid, sha256, "missing", tuple(names))


def _record(doc: Any) -> Attachment:
    try:
        return Attachment.model_validate(doc)
    except ValidationError as exc:
        from qualify.core.questionnaire.friendly import at_path  # only on an error

        problem = at_path("", exc.errors()[0], Attachment)
        raise StoreCorrupt(
            Phrase("an attachment record this qualify cannot read ({problem})", problem=problem)
        ) from None


__all__ = ["EvidenceQueries", "content", "insert", "records"]

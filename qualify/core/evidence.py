"""Evidence files attached to a prospect's answers: the record, its rules, supersession.

A file (a credit report, a reference letter, a photo of the showroom) is kept by its
content, under its SHA-256; what is recorded about it is an :class:`Attachment`: which
prospect and question, the file's name, size and hash, a note, who attached it and
when. Nothing is ever removed: a newer file for the same question *supersedes* the
older one, which stays listed as superseded. Pure: the stores keep the bytes.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from qualify.core.phrase import Num, Phrase
from qualify.core.records import new_id, utcnow

DEFAULT_MAX_BYTES = 20 * 1024 * 1024
"""The size limit of one evidence file unless the workspace config says otherwise."""
MAX_NAME = 200
"""The longest file name kept (in characters)."""
NOTE_LIMIT = 2000

_SHA256 = re.compile(r"[0-9a-f]{64}")


class EvidenceError(ValueError):
    """An evidence file or its record cannot be kept; the message is one clear line."""


class Attachment(BaseModel):
    """One evidence file attached to a prospect's answer to a question."""

    model_config = ConfigDict(extra="ignore", frozen=True, defer_build=True)

    id: str = Field(default_factory=new_id)
    prospect_id: str
    stage: str
    """The stage whose question it documents (the set of that stage holds the question)."""
    question_id: str
    """The answer key: the question id, or `section[1].question` in a repeated section."""
    name: str
    """The file's name as it was attached (no folders)."""
    size: Annotated[int, Field(gt=0)]
    sha256: str
    note: str = ""
    by: str = ""
    """Who attached it; on a team server, the login that wrote it (set by the server)."""
    recorded_as: str = Field("", exclude_if=lambda v: not v)
    """The name a laptop gave when it differed from the login that synced it."""
    at: datetime = Field(default_factory=utcnow)


def limit_words(max_bytes: int) -> Phrase:
    """A size limit as people read it: 20 MB, 0.5 MB, 1000 bytes (a phrase: German
    writes 0,5 MB)."""
    mb = max_bytes / 1048576
    if mb >= 0.1:
        return Phrase("{n} MB", n=Num(float(f"{mb:g}"), None))
    return Phrase("{n} bytes", n=Num(max_bytes, grouped=True))


def digest(content: bytes) -> str:
    """The content address of a file: its SHA-256, in hex."""
    return hashlib.sha256(content).hexdigest()


def name_problem(name: str) -> Phrase | None:
    """Why ``name`` cannot be kept as a file's name (None: it can)."""
    if not name or not name.strip():
        return Phrase("the file has no name")
    if name in (".", ".."):
        return Phrase("{name} is not a file name", name=repr(name))
    if "/" in name or "\\" in name:
        return Phrase("the file name holds a path separator")
    for char in name:
        if unicodedata.category(char) in ("Cc", "Cf", "Zl", "Zp"):
            code = "U+" + format(ord(char), "04X")
            return Phrase("the file name holds the control character {char}", char=code)
    if len(name) > MAX_NAME:
        return Phrase("the file name is longer than {n} characters", n=MAX_NAME)
    return None


def check_attachment(attachment: Attachment, content: bytes | None = None) -> None:
    """Raise EvidenceError unless the record is one qualify could have written and
    ``content`` (when given) is the file it describes."""
    problem = name_problem(attachment.name)
    if problem:
        raise EvidenceError(Phrase("attachment {id}: {problem}", id=attachment.id, problem=problem))
    if not _SHA256.fullmatch(attachment.sha256):
        raise EvidenceError(
            Phrase(
                "attachment {id}: {sha} is not a SHA-256",
                id=attachment.id,
                sha=repr(attachment.sha256),
            )
        )
    if len(attachment.note) > NOTE_LIMIT:
        raise EvidenceError(
            Phrase(
                "attachment {id}: the note is over {n} characters", id=attachment.id, n=NOTE_LIMIT
            )
        )
    if content is None:
        return
    if len(content) != attachment.size:
        raise EvidenceError(
            Phrase(
                "attachment {id} ({name}): the file has {size} bytes, not the {recorded} recorded",
                id=attachment.id,
                name=attachment.name,
                size=len(content),
                recorded=attachment.size,
            )
        )
    if digest(content) != attachment.sha256:
        raise EvidenceError(
            Phrase(
                "attachment {id} ({name}): the file does not match its SHA-256 (changed after "
                "it was attached)",
                id=attachment.id,
                name=attachment.name,
            )
        )


def superseded_by(attachments: Iterable[Attachment]) -> dict[str, Attachment]:
    """Attachment id → the newer attachment of the same stage and question that
    supersedes it (the latest one of each question is current, and not in this map)."""
    latest: dict[tuple[str, str], Attachment] = {}
    for a in sorted(attachments, key=lambda a: a.at):
        latest[(a.stage, a.question_id)] = a
    return {
        a.id: latest[(a.stage, a.question_id)]
        for a in attachments
        if latest[(a.stage, a.question_id)].id != a.id
    }


def oldest_first(attachments: Iterable[Attachment]) -> list[Attachment]:
    """By time; a stable sort, so the order they were stored in breaks ties."""
    return sorted(attachments, key=lambda a: a.at)


@dataclass(frozen=True)
class EvidenceTally:
    """How much evidence a prospect has, for lists and the portfolio."""

    files: int
    """Evidence files in force: one per stage and question (a superseded file is not
    counted; it is still kept)."""
    latest: datetime
    """When the newest file was attached."""


def tally(attachments: Iterable[Attachment]) -> EvidenceTally | None:
    """The tally of a prospect's attachments (None: it has none)."""
    kept = list(attachments)
    if not kept:
        return None
    return EvidenceTally(
        files=len({(a.stage, a.question_id) for a in kept}), latest=max(a.at for a in kept)
    )


__all__ = [
    "DEFAULT_MAX_BYTES",
    "Attachment",
    "EvidenceError",
    "EvidenceTally",
    "check_attachment",
    "digest",
    "limit_words",
    "name_problem",
    "oldest_first",
    "superseded_by",
    "tally",
]

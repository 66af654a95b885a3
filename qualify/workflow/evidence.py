"""Attaching evidence files to a prospect's answers: the one path the CLI and the app share.

A file is read whole (after its size is checked against the limit), checked (a name
qualify can keep, not empty, not a folder), and handed to the store with its record;
the store keeps it by content. The limit is 20 MB unless the workspace config says
otherwise (``config.yaml`` in the workspace folder)::

    attachments:
      max_mb: 50
"""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from qualify.core.errors import QualifyError
from qualify.core.evidence import (
    DEFAULT_MAX_BYTES,
    Attachment,
    digest,
    limit_words,
    name_problem,
    oldest_first,
    superseded_by,
)
from qualify.core.phrase import Joined, Num, Phrase
from qualify.core.records import Prospect
from qualify.core.user_files import open_to_read
from qualify.core.words import size_phrase
from qualify.store.base import EvidenceTooLarge

if TYPE_CHECKING:
    from qualify.workflow.qualifier import Qualifier

CONFIG_FILE = "config.yaml"
"""The workspace config, beside the workspace's data."""
MAX_MB_LIMIT = 1024
SERVER_REMEDY = Phrase("ask the schema owner to raise it (docs/team.md)")


class EvidenceFileError(QualifyError):
    """The file given cannot be attached; one line naming it and why."""

    exit_code = 2


class UnknownQuestion(EvidenceFileError):
    """The question named is not one of the stage's set."""


@dataclass(frozen=True)
class Limit:
    """How large one evidence file may be, and where that was set."""

    max_bytes: int = DEFAULT_MAX_BYTES
    source: str = Phrase("the default")
    remedy: str = Phrase("raise `attachments: max_mb` in the workspace config")
    """What else can be done about a file over it."""

    def words(self) -> str:
        return Phrase("{size} ({source})", size=limit_words(self.max_bytes), source=self.source)


def evidence_limit(data_dir: Path) -> Limit:
    """The size limit from the workspace config (``attachments: {max_mb: N}``); a missing
    file or key means 20 MB. A value that is not a number from 1 to 1024 is an error at
    file:line:col."""
    from qualify.core.questionnaire.textfile import TextError, decode_text
    from qualify.core.questionnaire.yamlsource import parse_yaml

    path = Path(data_dir) / CONFIG_FILE
    try:
        raw = path.read_bytes()
    except (FileNotFoundError, NotADirectoryError):
        return Limit()
    except OSError as exc:
        raise _unreadable(path, exc) from None
    try:
        doc = parse_yaml(decode_text(raw, str(path)), str(path))
    except TextError as exc:
        raise EvidenceFileError.located(exc.problem) from None
    if doc.problems:
        raise EvidenceFileError.located(doc.problems[0])
    data = doc.data
    section = data.get("attachments") if isinstance(data, dict) else None
    if section is None:
        return Limit()
    if not isinstance(section, dict):
        line, col = doc.place(("attachments",))
        raise EvidenceFileError(
            Phrase("{place}: attachments: expected `max_mb: N`", place=_place(path, line, col))
        )
    value = section.get("max_mb")
    if value is None:
        return Limit()
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 < value <= 1024:
        line, col = doc.place(("attachments", "max_mb"))
        raise EvidenceFileError(
            Phrase(
                "{place}: attachments: max_mb: expected a number of megabytes from 1 to {n}",
                place=_place(path, line, col),
                n=MAX_MB_LIMIT,
            )
        )
    return Limit(int(value * 1024 * 1024), Phrase("attachments: max_mb in {path}", path=str(path)))


def _place(path: Path, line: int, col: int) -> str:
    return f"{path}:{line}:{col}"


def read_evidence(path: Path, limit: Limit) -> tuple[str, bytes]:
    """The file's name and bytes, or EvidenceFileError saying in one line why not."""
    path = Path(path)
    name = path.name
    try:
        info = path.stat()
    except FileNotFoundError:
        raise EvidenceFileError(Phrase("{path}: no such file", path=str(path))) from None
    except OSError as exc:
        raise _unreadable(path, exc) from None
    if stat.S_ISDIR(info.st_mode):  # `.` and `..` too: folders, whatever their name says
        raise EvidenceFileError(Phrase("{path}: is a folder, not a file", path=str(path)))
    not_a_file = _special(info.st_mode)
    if not_a_file is not None:
        raise EvidenceFileError(Phrase("{path}: {what}", path=str(path), what=not_a_file))
    problem = name_problem(name)
    if problem:
        raise EvidenceFileError(
            Phrase("{path}: {problem}; rename the file first", path=str(path), problem=problem)
        )
    if stat.S_ISREG(info.st_mode) and info.st_size > limit.max_bytes:
        raise _too_large(path, info.st_size, limit)
    try:
        with open_to_read(path) as handle:
            content = handle.read(limit.max_bytes + 1)
    except OSError as exc:
        raise _unreadable(path, exc) from None
    if len(content) > limit.max_bytes:
        raise _too_large(path, len(content), limit)
    if not content:
        raise EvidenceFileError(
            Phrase("{path}: the file is empty; nothing to attach", path=str(path))
        )
    return name, content


def _special(mode: int) -> Phrase | None:
    """Why a device or a socket is no evidence file (/dev/zero never ends, a socket
    cannot be opened). A pipe is read: `qualify attach ID Q <(command)` gives one."""
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return Phrase("is a device, not a file")
    if stat.S_ISSOCK(mode):
        return Phrase("is a socket, not a file")
    return None


def check_path(path: Path, limit: Limit) -> tuple[bool, str]:
    """Whether the file at ``path`` can be attached, judged from its name and size alone
    (nothing is read): (True, "credit.pdf · 1.2 MB") or (False, why not: a phrase the
    shell says in the user's language), for an input that checks as you type."""
    path = Path(path)
    problem = name_problem(path.name)
    if problem:
        return False, problem
    try:
        info = path.stat()
    except FileNotFoundError:
        return False, Phrase("no such file")
    except OSError as exc:
        return False, Phrase("cannot read it: {error}", error=exc.strerror or str(exc))
    if stat.S_ISDIR(info.st_mode):
        return False, Phrase("is a folder, not a file")
    not_a_file = _special(info.st_mode)
    if not_a_file is not None:
        return False, not_a_file
    if stat.S_ISREG(info.st_mode) and info.st_size == 0:
        return False, Phrase("the file is empty")
    if info.st_size > limit.max_bytes:
        return False, Phrase(
            "{size} is over the limit of {limit}",
            size=size_phrase(info.st_size),
            limit=limit.words(),
        )
    return True, Joined((path.name, size_phrase(info.st_size)), " · ")


def _too_large(path: Path, size: int, limit: Limit) -> EvidenceFileError:
    return EvidenceFileError(
        Phrase(
            "{path}: {size} ({bytes} bytes) is over the limit of {limit}; "
            "attach a smaller file, or {remedy}",
            path=str(path),
            size=size_phrase(size),
            bytes=Num(size, grouped=True),
            limit=limit.words(),
            remedy=limit.remedy,
        )
    )


def _unreadable(path: Path, exc: OSError) -> EvidenceFileError:
    """The system's own words (strerror) are kept as the system wrote them."""
    return EvidenceFileError(
        Phrase("{path}: cannot read: {error}", path=str(path), error=exc.strerror or str(exc))
    )


def attach(
    q: Qualifier,
    prospect: Prospect,
    question: str,
    path: Path,
    *,
    note: str = "",
    limit: Limit | None = None,
    stage: str | None = None,
) -> Attachment:
    """Attach the file at ``path`` to the answer ``question`` (an answer key of the
    set of the prospect's current stage, or of ``stage``'s latest interview); the record
    as stored. The question is checked before the file is read."""
    if stage is not None and stage != prospect.stage:
        question_set = q.snapshot(q.past_interview(prospect, stage))
    else:
        question_set = q.question_set_for(prospect)
        stage = prospect.stage
    if question_set.resolve(question) is None:
        from qualify.workflow.qualifier import unknown_key

        raise UnknownQuestion(unknown_key(question_set, question))
    name, content = read_evidence(path, limit or Limit())
    record = Attachment(
        prospect_id=prospect.id,
        stage=stage,
        question_id=question,
        name=name,
        size=len(content),
        sha256=digest(content),
        note=note.strip(),
        by=q.user,
    )
    try:
        return q.store.add_attachment(record, content)
    except EvidenceTooLarge as exc:  # the team server's own limit is lower than ours
        server = Limit(exc.max_bytes, Phrase("the team server's"), SERVER_REMEDY)

        raise _too_large(path, len(content), server) from None


@dataclass(frozen=True)
class Listed:
    """An attachment as it is listed: superseded by a newer file of its question, or not."""

    attachment: Attachment
    superseded_by: Attachment | None = None


def listed(attachments: list[Attachment]) -> list[Listed]:
    """Oldest first, each with the newer attachment that supersedes it, if any."""
    newer = superseded_by(attachments)
    return [Listed(a, newer.get(a.id)) for a in oldest_first(attachments)]


def copy_for_viewing(q: Qualifier, attachment: Attachment, folder: Path) -> Path:
    """The file, written (atomically) under ``folder`` with its own name, for a viewer;
    the bytes are checked against their hash on the way."""
    from qualify.atomic import write_bytes

    content = q.store.attachment_content(attachment.prospect_id, attachment.sha256)
    target = Path(folder) / attachment.sha256[:16] / attachment.name
    if not (target.is_file() and target.stat().st_size == len(content)):
        write_bytes(target, content, private=True)
    return target


def viewer_command(path: Path, platform: str | None = None) -> list[str] | None:
    """The command that opens ``path`` with the system's viewer (None on Windows, where
    ``os.startfile`` does it), or None when there is none."""
    import shutil
    import sys

    platform = platform or sys.platform
    if platform.startswith("win"):
        return None
    tool = "open" if platform == "darwin" else "xdg-open"
    found = shutil.which(tool)
    return [found, str(path)] if found else None


def open_with_viewer(path: Path) -> None:
    """Hand ``path`` to the system viewer without waiting for it; EvidenceFileError when
    this system has none."""
    import subprocess
    import sys

    if sys.platform.startswith("win"):
        try:
            os.startfile(path)  # type: ignore[attr-defined]
        except OSError as exc:
            raise EvidenceFileError(
                Phrase("no viewer could open {name}: {error}", name=path.name, error=str(exc))
            ) from None
        return
    command = viewer_command(path)
    if command is None:
        tool = "open" if sys.platform == "darwin" else "xdg-open"
        raise EvidenceFileError(
            Phrase(
                "no system viewer here ({tool} is not installed); the file is at {path}",
                tool=tool,
                path=str(path),
            )
        )
    subprocess.Popen(
        command,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )


__all__ = [
    "CONFIG_FILE",
    "EvidenceFileError",
    "Limit",
    "Listed",
    "UnknownQuestion",
    "attach",
    "check_path",
    "copy_for_viewing",
    "evidence_limit",
    "listed",
    "open_with_viewer",
    "read_evidence",
    "viewer_command",
]

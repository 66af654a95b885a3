"""What every backend says when it refuses to store something (an unusable id, an id
already taken, records of another prospect), as phrases the shell says in the user's
language: the same words from the workspace and the team server. Knows no backend and
no error class: each caller raises its own."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from qualify.core.phrase import Moment, Phrase
from qualify.core.records import HistoryEntry


def unsafe_prospect_id(pid: str, *, why: bool = True) -> Phrase:
    if why:
        return Phrase(
            "prospect id {id} cannot be stored (letters, digits, _ . - only)", id=repr(pid)
        )
    return Phrase("prospect id {id} cannot be stored", id=repr(pid))


def unsafe_snapshot_hash(content_hash: str) -> Phrase:
    return Phrase("snapshot hash {hash} cannot be used as a file name", hash=repr(content_hash))


def prospect_exists(pid: str) -> Phrase:
    return Phrase("a prospect with id {id} already exists", id=pid)


def interview_exists(interview_id: str) -> Phrase:
    return Phrase("interview {id} already exists", id=interview_id)


def history_exists(entry_id: str) -> Phrase:
    return Phrase("history entry {id} already exists; history is append-only", id=entry_id)


def attachment_exists(attachment_id: str) -> Phrase:
    return Phrase("attachment {id} already exists; attachments are never changed", id=attachment_id)


def move_of_another(pid: str) -> Phrase:
    return Phrase("the move of {id} carries records of another prospect", id=pid)


def open_interview_taken(what: str) -> Phrase:
    return Phrase(
        "{what}: the prospect already has an open interview of that stage (two people "
        "started it at once: it was merged into the first)",
        what=what,
    )


def id_in_use(what: str, error: str) -> Phrase:
    return Phrase(
        "{what}: an id is already used elsewhere on the server ({error})", what=what, error=error
    )


def read_only_territory(login: str, territory: str) -> Phrase:
    return Phrase(
        "permission denied: {login} may read but not change prospects of territory {territory}",
        login=login,
        territory=repr(territory),
    )


def territory_denied(login: str, territory: str, theirs: list[str]) -> Phrase:
    return Phrase(
        "permission denied: {login} cannot write prospects of territory {territory} (their "
        "territories: {theirs}; `qualify db grant` adds one)",
        login=login,
        territory=repr(territory),
        theirs=", ".join(repr(t) for t in theirs) or Phrase("none"),
    )


def snapshot_refused(content_hash: str) -> Phrase:
    return Phrase(
        "the server refused question-set snapshot {hash}: its content does not hash to that key",
        hash=content_hash,
    )


def records_given_for(pid: str, other: str) -> Phrase:
    return Phrase("the records of {pid} were given for prospect {other}", pid=pid, other=other)


def interview_of(interview_id: str, owner: str) -> Phrase:
    return Phrase("interview {id} belongs to {owner}", id=interview_id, owner=owner)


def history_entry_of(entry_id: str, owner: str) -> Phrase:
    return Phrase("history entry {id} belongs to {owner}", id=entry_id, owner=owner)


def unsafe_attachment_id(attachment_id: str) -> Phrase:
    return Phrase("attachment id {id} cannot be stored", id=repr(attachment_id))


def not_demo(name: str, pid: str) -> Phrase:
    return Phrase(
        "{name} ({id}) is not demo data: only prospects made by `qualify demo` (and still "
        "tagged `demo`) can be removed",
        name=name,
        id=pid,
    )


def schema_newer(schema: int, latest: int, root: object) -> Phrase:
    return Phrase(
        "workspace schema {schema} is newer than this qualify (max {max}); upgrade qualify "
        "({root})",
        schema=str(schema),
        max=str(latest),
        root=str(root),
    )


def last_move(history: Sequence[HistoryEntry]) -> Any:
    """` (advance by anna at 2026-11-24 09:12 UTC)`: who changed the prospect last."""
    last = next((h for h in reversed(history) if h.action != "created"), None)
    if last is None:
        return ""
    if last.by:
        return Phrase(
            " ({action} by {user} at {at} UTC)",
            action=last.action,
            user=last.by,
            at=Moment(last.at),
        )
    return Phrase(" ({action} at {at} UTC)", action=last.action, at=Moment(last.at))


def changed_meanwhile(
    name: str, stage: str, status: str, who: Any, expected_stage: str, expected_status: str
) -> Phrase:
    return Phrase(
        "{name} changed meanwhile: it is now at {stage}, {status}{who}, not at {expected}, "
        "{expected_status}; nothing was changed",
        name=name,
        stage=stage,
        status=status,
        who=who,
        expected=expected_stage,
        expected_status=expected_status,
    )


def moved_on_meanwhile(name: str, stage: str, who: Any, expected_stage: str) -> Phrase:
    return Phrase(
        "{name} moved on meanwhile: it is now at {stage}{who}, not at {expected}; nothing was "
        "recorded (answer again for {stage})",
        name=name,
        stage=stage,
        who=who,
        expected=expected_stage,
    )


__all__ = [
    "attachment_exists",
    "changed_meanwhile",
    "history_entry_of",
    "history_exists",
    "id_in_use",
    "interview_exists",
    "interview_of",
    "last_move",
    "move_of_another",
    "moved_on_meanwhile",
    "not_demo",
    "open_interview_taken",
    "prospect_exists",
    "read_only_territory",
    "records_given_for",
    "schema_newer",
    "snapshot_refused",
    "territory_denied",
    "unsafe_attachment_id",
    "unsafe_prospect_id",
    "unsafe_snapshot_hash",
]

"""The words of a prospect id that finds no prospect, or more than one, and of an
interview or evidence file that is not there: the same from every backend, as phrases
the shell says in the user's language."""

from __future__ import annotations

from collections.abc import Sequence

from qualify.core.phrase import Phrase
from qualify.store.base import NotFound


def no_prospect(prospect_id: str) -> NotFound:
    return NotFound(Phrase("no prospect with id {id}", id=repr(prospect_id)))


def no_single_match(wanted: str, total: int, shown: Sequence[str]) -> NotFound:
    """No prospect id starts with `wanted` (`total` 0), or `total` do (`shown`: some)."""
    if not total:
        return NotFound(
            Phrase(
                "no prospect id starts with {prefix}; `qualify prospect list` shows the ids",
                prefix=repr(wanted),
            )
        )
    ids = ", ".join(shown[:3]) + (", …" if total > 3 else "")
    return NotFound(
        Phrase(
            "{prefix} matches {n} prospects ({ids}); type more of the id",
            prefix=repr(wanted),
            n=total,
            ids=ids,
        )
    )


def no_evidence_file(prospect_id: str, sha256: str) -> NotFound:
    return NotFound(
        Phrase("prospect {id} has no evidence file {sha}", id=prospect_id, sha=sha256[:12])
    )


def no_interview(interview_id: str) -> NotFound:
    return NotFound(Phrase("no interview with id {id}", id=repr(interview_id)))


def no_id_given() -> NotFound:
    return NotFound(Phrase("give a prospect id (or its first characters)"))


def no_snapshot(content_hash: str, where: str = "") -> NotFound:
    """No question-set snapshot with that hash (in `where`: the workspace, the server)."""
    if where:
        return NotFound(
            Phrase(
                "no question-set snapshot {hash} in {where}", hash=repr(content_hash), where=where
            )
        )
    return NotFound(Phrase("no question-set snapshot {hash}", hash=repr(content_hash)))


def unreadable_snapshot(content_hash: str) -> NotFound:
    return NotFound(Phrase("question-set snapshot {hash} is unreadable", hash=content_hash))

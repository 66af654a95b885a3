"""`qualify sync`: a laptop's store and the team server's, merged both ways.

For each prospect, the laptop's records are merged into the server's with the rules
of :func:`qualify.store.merge.merge_prospect`, on the server, all prospects in one
transaction (an outage rolls all of it back before the laptop is touched); the result
then replaces the laptop's copy, so both sides end up the same and running sync again
changes nothing. Each store computes its own list rows from the merged records.

What "changed since the last sync" means is kept beside the laptop's workspace
(``sync/<server>.json``: the fingerprint of every answer and every fact both sides
agreed on). An answer or a fact changed on one side only is taken from that side; one
changed on both sides is a conflict: the server's stays current, the laptop's is kept
in the prospect's history (an ``edit`` entry holding both), and both are listed with
who gave them and when. Interviews of the same stage started apart on each side are
merged into one. Prospects of territories the login may not write stay on the laptop
and are listed ("kept here only"); they still receive the server's changes the login
may see.

Written against the :class:`~qualify.store.base.Store` interface only.
"""

from __future__ import annotations

import contextlib
import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson

from qualify.atomic import write_bytes
from qualify.core.phrase import Phrase
from qualify.core.records import ProspectRecords, utcnow
from qualify.store.base import (
    Merge,
    NotFound,
    ServerUnavailable,
    Store,
    StoreCorrupt,
    StoreError,
)
from qualify.store.evidence_transfer import copy_attachments
from qualify.store.merge import Conflict, answer_fingerprint, fact_fingerprints, merge_prospect

STATE_DIR = "sync"
"""The folder of the laptop's workspace where the sync state is kept."""


@dataclass
class SyncReport:
    """What a sync did on each side, and the answers both sides changed."""

    pushed: int = 0
    """Prospects added or changed on the server."""
    pulled: int = 0
    """Prospects added or changed on the laptop."""
    unchanged: int = 0
    snapshots: int = 0
    conflicts: list[Conflict] = field(default_factory=list)
    refused: list[tuple[str, str, str]] = field(default_factory=list)
    """(prospect id, name, why) of laptop prospects the server would not take."""
    refused_snapshots: list[tuple[str, str]] = field(default_factory=list)
    """(hash, why) of question-set snapshots the server would not take."""
    files_sent: int = 0
    """Evidence files (attachment records with their files) added on the server."""
    files_received: int = 0
    """Evidence files added on the laptop."""
    refused_files: list[tuple[str, str]] = field(default_factory=list)
    """(prospect id, why) of prospects whose evidence files the server would not take."""
    unreadable: list[tuple[str, str]] = field(default_factory=list)
    """(prospect id, why) of server prospects whose records cannot be read (written by
    hand past the server's checks): not brought here; every other one is."""

    def summary(self) -> Phrase:
        said = Phrase(
            "{sent} sent to the server, {pulled} updated here, {unchanged} unchanged; "
            "{n} conflict(s)",
            sent=self.pushed,
            pulled=self.pulled,
            unchanged=self.unchanged,
            n=len(self.conflicts),
        )
        if self.refused:
            said = Phrase("{said}; {n} kept on the laptop only", said=said, n=len(self.refused))
        if self.files_sent or self.files_received:
            said = Phrase(
                "{said}; evidence files: {sent} sent, {received} received",
                said=said,
                sent=self.files_sent,
                received=self.files_received,
            )
        return said


def state_path(state_dir: Path, server: Store) -> Path:
    """Where what the laptop and ``server`` (as this login) agreed on is remembered."""
    key = hashlib.sha256(f"{server.location}\0{server.login}".encode()).hexdigest()[:16]
    return Path(state_dir) / f"{key}.json"


def _read_state(path: Path) -> dict[str, Any]:
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return {}
    try:
        state = orjson.loads(raw)
    except orjson.JSONDecodeError as exc:
        raise StoreCorrupt(
            Phrase(
                "{path} is unreadable ({error}); delete it: the next sync then reports more "
                "conflicts",
                path=str(path),
                error=exc,
            )
        ) from None
    return state if isinstance(state, dict) else {}


def _base_of(state: dict[str, Any], prospect_id: str) -> dict[tuple[str, str], str]:
    per = state.get("answers", {}).get(prospect_id, {})
    return {(iid, qid): fp for iid, answers in per.items() for qid, fp in answers.items()}


def _facts_of(state: dict[str, Any], prospect_id: str) -> dict[str, str]:
    """The facts both sides agreed on (empty: never synced; sync then lists differences)."""
    per = state.get("facts", {}).get(prospect_id, {})
    return per if isinstance(per, dict) else {}


def _fingerprints(records: ProspectRecords) -> dict[str, dict[str, str]]:
    return {
        i.id: {qid: answer_fingerprint(a) for qid, a in i.answers.items()}
        for i in records.interviews
    }


def _copy_snapshots(
    source: Store, target: Store, hashes: Iterable[str], refused: list[tuple[str, str]]
) -> int:
    """Put the snapshots of ``hashes`` that ``target`` lacks; returns how many. One the
    target refuses (its content does not hash to its key) is listed, not copied: the
    interviews taken with it stay unscored there."""
    kept = target.snapshot_hashes()
    copied = 0
    for digest in sorted(set(hashes) - kept):
        try:
            target.put_snapshot(digest, source.get_snapshot(digest))
        except NotFound:
            continue  # lost on the source too: its interviews stay unscored
        except ServerUnavailable:
            raise
        except StoreError as exc:
            refused.append((digest, str(exc)))
            continue
        copied += 1
    return copied


class _Push:
    """The merge run on the server, atomically for the prospect."""

    def __init__(self, laptop: ProspectRecords, state: dict[str, Any], source: str):
        pid = laptop.prospect.id
        self.laptop = laptop
        self.base = _base_of(state, pid)
        self.facts = _facts_of(state, pid)
        self.source = source
        self.outcome = "unchanged"
        self.conflicts: list[Conflict] = []

    def __call__(self, remote: ProspectRecords | None) -> ProspectRecords | None:
        merged, self.outcome, self.conflicts = merge_prospect(
            remote,
            self.laptop,
            source=self.source,
            base=self.base,
            facts_base=self.facts,
            label="sync",
            kept_side="server's",
        )
        return merged


class _Pull:
    """The server's merged version into the laptop, atomically for the prospect."""

    def __init__(self, merged: ProspectRecords, read: ProspectRecords | None) -> None:
        self.merged = merged
        self.read = read

    def __call__(self, current: ProspectRecords | None) -> ProspectRecords | None:
        if current is None or self.read is None or current == self.read:
            return self.merged
        # Changed on the laptop while we synced: keep both, the next sync sends it on.
        merged, _, _ = merge_prospect(self.merged, current, label="sync", kept_side="server's")
        return merged or self.merged


class _KeepHere:
    """A prospect the server would not take: the server's changes it may see come in,
    the laptop's own stay (listed where both changed), to be sent once allowed."""

    def __init__(self, remote: ProspectRecords, state: dict[str, Any]) -> None:
        self.remote = remote
        self.state = state
        self.conflicts: list[Conflict] = []

    def __call__(self, current: ProspectRecords | None) -> ProspectRecords | None:
        pid = self.remote.prospect.id
        merged, _, self.conflicts = merge_prospect(
            current,
            self.remote,
            base=_base_of(self.state, pid),
            facts_base=_facts_of(self.state, pid),
            label="sync",
            kept_side="laptop's",
        )
        return merged


def _push_new(server: Store, new: list[ProspectRecords]) -> dict[str, ProspectRecords]:
    """The laptop's prospects the server has none of, added together (a first sync sends
    thousands), each as the server stored it. If the server refuses any of them, none is
    added here (inside the sync's transaction, this block alone is undone): each is then
    sent on its own, and a refusal listed with its prospect."""
    if not new:
        return {}
    try:
        with server.all_or_nothing():
            there = {id(r) for r in server.add_new_prospects(new)}
    except ServerUnavailable:
        raise
    except StoreError:
        return {}
    added = [r.prospect.id for r in new if id(r) not in there]  # (others: added meanwhile)
    return server.read_prospects(added, lambda pid, exc: None)  # (unread: merged later)


def sync(laptop: Store, server: Store, *, state_dir: Path, source: str = "") -> SyncReport:
    """Push the laptop's prospects to the server and pull the login's territories back.

    The server's side is one transaction (where the server can promise it): an outage
    or a timeout rolls all of it back and raises ServerUnavailable before the laptop
    is touched, so a sync is applied whole or not at all, and running it again is
    always safe. ``state_dir`` is where the laptop remembers what both sides agreed on
    (the workspace's ``sync`` folder).
    """
    report = SyncReport()
    path = state_path(state_dir, server)
    state = _read_state(path)
    source = source or f"laptop of {server.login}"

    local_ids = set(laptop.prospect_ids())
    local = {pid: laptop.read_prospect(pid) for pid in sorted(local_ids)}
    merged_for: dict[str, ProspectRecords] = {}
    visible: dict[str, ProspectRecords] = {}
    with server.all_or_nothing() as together:
        remote_ids = set(server.prospect_ids())
        # Snapshots first, so every prospect is scored on the side it lands on.
        report.snapshots += _copy_snapshots(
            laptop,
            server,
            (i.questionnaire_hash for r in local.values() for i in r.interviews),
            report.refused_snapshots,
        )
        new_there = [mine for pid, mine in local.items() if pid not in remote_ids]
        added = _push_new(server, new_there) if together else {}
        # what the server holds of the others, read together: most have nothing to send
        held = server.read_prospects(sorted(remote_ids & local.keys()), lambda pid, exc: None)
        for pid, mine in local.items():
            if pid in added:  # sent with the others new to the server
                report.pushed += 1
                merged_for[pid] = added[pid]
                continue
            push = _Push(mine, state, source)
            there = held.get(pid)
            if there is not None and push(there) in (None, there):  # nothing to send
                merged_for[pid] = there  # (as merge_prospect would: no lock, no write)
                continue
            try:
                stored = server.merge_prospect(pid, push)
            except ServerUnavailable:
                raise
            except StoreError as exc:
                report.refused.append((pid, mine.prospect.name, str(exc)))
                if pid in remote_ids:  # what the server holds of it, if this login may see it
                    with contextlib.suppress(NotFound, StoreCorrupt):
                        visible[pid] = server.read_prospect(pid)
                continue
            report.conflicts.extend(c for c in push.conflicts if not c.already_recorded)
            if push.outcome != "unchanged":
                report.pushed += 1
            if stored is not None:
                merged_for[pid] = stored
        for pid in sorted(merged_for):  # evidence files the server lacks
            try:
                report.files_sent += copy_attachments(laptop, server, [pid])
            except ServerUnavailable:
                raise
            except StoreError as exc:
                report.refused_files.append((pid, str(exc)))
        unreadable: list[tuple[str, str]] = []
        # (one taken out of this login's territories meanwhile is not found: left out)
        found = server.read_prospects(
            sorted(remote_ids - local_ids), lambda pid, exc: unreadable.append((pid, str(exc)))
        )
        fresh = [found[pid] for pid in sorted(found)]
        report.unreadable.extend(sorted(unreadable))
    # The server has committed; from here on only the laptop is written.
    pulled = [*fresh, *merged_for.values(), *visible.values()]
    report.snapshots += _copy_snapshots(
        server,
        laptop,
        (i.questionnaire_hash for r in pulled for i in r.interviews),
        report.refused_snapshots,
    )
    answers_state: dict[str, Any] = {}
    facts_state: dict[str, Any] = {}
    pulls: list[tuple[str, Merge]] = []  # written together (the workspace: a sync a run)
    for pid, merged in merged_for.items():
        answers_state[pid] = _fingerprints(merged)
        facts_state[pid] = fact_fingerprints(merged.prospect)
        if merged != local[pid]:
            pulls.append((pid, _Pull(merged, local[pid])))
    laptop.merge_prospects(pulls)
    report.pulled += len(pulls)
    new_here = laptop.add_new_prospects(fresh)  # (those created on the laptop meanwhile)
    laptop.merge_prospects((r.prospect.id, _Pull(r, None)) for r in new_here)
    report.pulled += len(fresh)
    for records in fresh:
        answers_state[records.prospect.id] = _fingerprints(records)
        facts_state[records.prospect.id] = fact_fingerprints(records.prospect)
    kept = {pid: _KeepHere(remote, state) for pid, remote in visible.items()}
    after = laptop.merge_prospects(kept.items())
    report.pulled += sum(stored != local[pid] for pid, stored in zip(kept, after, strict=True))
    for keep in kept.values():
        report.conflicts.extend(c for c in keep.conflicts if not c.already_recorded)

    report.files_received = copy_attachments(
        server, laptop, [*merged_for, *(r.prospect.id for r in fresh), *visible]
    )

    touched = report.pushed + report.pulled
    left = len(report.refused) + len(report.unreadable)
    report.unchanged = max(len(local_ids | remote_ids) - left - touched, 0)
    for pid, _, _ in report.refused:  # keep what we knew: the next sync still has its base
        if pid in state.get("answers", {}):
            answers_state[pid] = state["answers"][pid]
        if pid in state.get("facts", {}):
            facts_state[pid] = state["facts"][pid]
    document = {
        "server": server.location,
        "login": server.login,
        "synced_at": utcnow().isoformat(),
        "answers": answers_state,
        "facts": facts_state,
    }
    write_bytes(path, orjson.dumps(document))
    return report


__all__ = ["STATE_DIR", "SyncReport", "state_path", "sync"]

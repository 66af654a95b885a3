"""`qualify sync`: a laptop's store and the team server's, merged both ways.

For each prospect, the laptop's records are merged into the server's with the rules
of `qualify import` (:func:`qualify.store.merge.merge_prospect`), atomically on the
server (under that prospect's row lock); the result then replaces the laptop's copy,
so both sides end up the same and running sync again changes nothing. Each store
computes its own list rows from the merged records.

What "changed since the last sync" means is kept beside the laptop's workspace
(``sync/<server>.json``: the fingerprint of every answer both sides agreed on). An
answer changed on one side only is taken from that side; one changed on both sides
is a conflict: the server's answer stays current, the laptop's is kept in the
prospect's history (an ``edit`` entry holding both), and both are listed with who
gave them. Prospects of territories the login may not write stay on the laptop,
untouched, and are listed.

Written against the :class:`~qualify.store.base.Store` interface only.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson

from qualify.atomic import write_bytes
from qualify.core.records import ProspectRecords, utcnow
from qualify.store.base import NotFound, Store, StoreCorrupt, StoreError
from qualify.store.merge import Conflict, answer_fingerprint, merge_prospect

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

    def summary(self) -> str:
        kept = f"; {len(self.refused)} kept on the laptop only" if self.refused else ""
        return (
            f"{self.pushed} sent to the server, {self.pulled} updated here, "
            f"{self.unchanged} unchanged; {len(self.conflicts)} conflict(s){kept}"
        )


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
            f"{path} is unreadable ({exc}); delete it: the next sync then reports more conflicts"
        ) from None
    return state if isinstance(state, dict) else {}


def _base_of(state: dict[str, Any], prospect_id: str) -> dict[tuple[str, str], str]:
    per = state.get("answers", {}).get(prospect_id, {})
    return {(iid, qid): fp for iid, answers in per.items() for qid, fp in answers.items()}


def _fingerprints(records: ProspectRecords) -> dict[str, dict[str, str]]:
    return {
        i.id: {qid: answer_fingerprint(a) for qid, a in i.answers.items()}
        for i in records.interviews
    }


def _copy_snapshots(source: Store, target: Store, hashes: Iterable[str]) -> int:
    """Put the snapshots of ``hashes`` that ``target`` lacks; returns how many."""
    kept = target.snapshot_hashes()
    copied = 0
    for digest in sorted(set(hashes) - kept):
        try:
            target.put_snapshot(digest, source.get_snapshot(digest))
        except NotFound:
            continue  # lost on the source too: its interviews stay unscored
        copied += 1
    return copied


class _Push:
    """The merge run on the server, atomically for the prospect."""

    def __init__(self, laptop: ProspectRecords, base: dict[tuple[str, str], str], source: str):
        self.laptop = laptop
        self.base = base
        self.source = source
        self.outcome = "unchanged"
        self.conflicts: list[Conflict] = []

    def __call__(self, remote: ProspectRecords | None) -> ProspectRecords | None:
        merged, self.outcome, self.conflicts = merge_prospect(
            remote,
            self.laptop,
            source=self.source,
            base=self.base,
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


def sync(laptop: Store, server: Store, *, state_dir: Path, source: str = "") -> SyncReport:
    """Push the laptop's prospects to the server and pull the login's territories back.

    ``state_dir`` is where the laptop remembers what both sides agreed on (the
    workspace's ``sync`` folder).
    """
    report = SyncReport()
    path = state_path(state_dir, server)
    state = _read_state(path)
    answers_state: dict[str, Any] = {}
    source = source or f"laptop of {server.login}"

    local_ids = set(laptop.prospect_ids())
    remote_ids = set(server.prospect_ids())
    local = {pid: laptop.read_prospect(pid) for pid in sorted(local_ids)}

    # Snapshots first, so every prospect is scored on the side it lands on.
    report.snapshots += _copy_snapshots(
        laptop, server, (i.questionnaire_hash for r in local.values() for i in r.interviews)
    )
    merged_for: dict[str, ProspectRecords] = {}
    for pid, mine in local.items():
        push = _Push(mine, _base_of(state, pid), source)
        try:
            stored = server.merge_prospect(pid, push)
        except StoreError as exc:
            report.refused.append((pid, mine.prospect.name, str(exc)))
            continue
        report.conflicts.extend(c for c in push.conflicts if not c.already_recorded)
        if push.outcome != "unchanged":
            report.pushed += 1
        if stored is not None:
            merged_for[pid] = stored

    # Pull: the server's version replaces the laptop's (it already holds the laptop's).
    fresh: list[ProspectRecords] = []
    for pid in sorted(remote_ids - local_ids):
        try:
            fresh.append(server.read_prospect(pid))
        except NotFound:
            continue  # taken out of this login's territories meanwhile
    pulled = [*fresh, *merged_for.values()]
    report.snapshots += _copy_snapshots(
        server, laptop, (i.questionnaire_hash for r in pulled for i in r.interviews)
    )
    for pid, merged in merged_for.items():
        answers_state[pid] = _fingerprints(merged)
        if merged == local[pid]:
            continue
        laptop.merge_prospect(pid, _Pull(merged, local[pid]))
        report.pulled += 1
    for records in laptop.add_new_prospects(fresh):  # created on the laptop meanwhile
        laptop.merge_prospect(records.prospect.id, _Pull(records, None))
    report.pulled += len(fresh)
    for records in fresh:
        answers_state[records.prospect.id] = _fingerprints(records)

    touched = report.pushed + report.pulled
    report.unchanged = max(len(local_ids | remote_ids) - len(report.refused) - touched, 0)
    for pid, _, _ in report.refused:  # keep what we knew: the next sync still has its base
        if pid in state.get("answers", {}):
            answers_state[pid] = state["answers"][pid]
    document = {
        "server": server.location,
        "login": server.login,
        "synced_at": utcnow().isoformat(),
        "answers": answers_state,
    }
    write_bytes(path, orjson.dumps(document))
    return report


__all__ = ["STATE_DIR", "SyncReport", "state_path", "sync"]

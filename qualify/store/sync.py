"""`qualify sync`: a laptop's embedded workspace and the team server, merged both ways.

For each prospect, the laptop's records are merged into the server's with the rules
of `qualify import` (:func:`qualify.store.transfer.merge_prospect`), on the server
under that prospect's row lock; the result then replaces the laptop's copy, so both
sides end up the same and running sync again changes nothing.

What "changed since the last sync" means is kept in the workspace
(``sync/<server>.json``: the fingerprint of every answer both sides agreed on). An
answer changed on one side only is taken from that side; one changed on both sides
is a conflict: the server's answer stays current, the laptop's is kept in the
prospect's history (an ``edit`` entry holding both), and both are listed with who
gave them. Prospects of territories the login may not write stay on the laptop,
untouched, and are listed.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Any

from qualify.core.records import ProspectSummary, utcnow
from qualify.store.base import NotFound, StoreError
from qualify.store.postgres import PostgresStore
from qualify.store.storage import read_json, write_json_atomic
from qualify.store.transfer import Conflict, answer_fingerprint, merge_prospect
from qualify.store.workspace import ProspectData, Workspace, to_tables

STATE_DIR = "sync"


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


def _state_path(workspace: Workspace, server: PostgresStore) -> Any:
    key = hashlib.sha256(f"{server.display_url}\0{server.login}".encode()).hexdigest()[:16]
    return workspace.root / STATE_DIR / f"{key}.json"


def _base_of(state: dict[str, Any], prospect_id: str) -> dict[tuple[str, str], str]:
    per = state.get("answers", {}).get(prospect_id, {})
    return {(iid, qid): fp for iid, answers in per.items() for qid, fp in answers.items()}


def _fingerprints(data: ProspectData) -> dict[str, dict[str, str]]:
    return {
        i.id: {qid: answer_fingerprint(a) for qid, a in i.answers.items()} for i in data.interviews
    }


def _rescored(data: ProspectData, server: PostgresStore, workspace: Workspace) -> ProspectData:
    """The list row scored on the merged answers of the current stage's interview."""
    from datetime import datetime

    from qualify.core.assess import score_in_order
    from qualify.core.questionnaire import QuestionSet

    summary = data.summary
    current = [i for i in data.interviews if i.stage == data.prospect.stage]
    if summary is None or not current or summary.stage != data.prospect.stage:
        return data
    interview = current[-1]

    def snapshot_of(i: Any) -> QuestionSet | None:
        try:
            try:
                snapshot = workspace.get_snapshot(i.questionnaire_hash)
            except NotFound:
                snapshot = server.get_snapshot(i.questionnaire_hash)
            return QuestionSet.model_validate(snapshot)
        except Exception:  # an earlier stage's snapshot missing: its values are not read
            if i is interview:
                raise
            return None

    try:
        upto = data.interviews[: data.interviews.index(interview) + 1]
        scored = score_in_order(upto, snapshot_of, datetime.now().astimezone().date())
        breakdown = scored[-1].breakdown
        if breakdown is None:
            return data
    except Exception:  # no snapshot, or one this qualify cannot score: keep the row as it is
        return data
    fields = {
        "score": breakdown.score,
        "band": breakdown.band,
        "knocked_out": breakdown.knocked_out,
        "coverage": breakdown.coverage,
    }
    if all(getattr(summary, k) == v for k, v in fields.items()):
        return data
    rescored = ProspectSummary.model_validate({**summary.model_dump(), **fields})
    return ProspectData(data.prospect, rescored, data.interviews, data.history)


class _Push:
    """The merge run on the server, under the prospect's row lock."""

    def __init__(
        self,
        laptop: ProspectData,
        base: dict[tuple[str, str], str],
        source: str,
        workspace: Workspace,
        server: PostgresStore,
    ) -> None:
        self.laptop = laptop
        self.base = base
        self.source = source
        self.workspace = workspace
        self.server = server
        self.outcome = "unchanged"
        self.conflicts: list[Conflict] = []

    def __call__(self, remote: ProspectData | None) -> ProspectData | None:
        merged, self.outcome, self.conflicts = merge_prospect(
            remote,
            self.laptop,
            source=self.source,
            base=self.base,
            label="sync",
            kept_side="server's",
        )
        if merged is None:
            return None
        if remote is not None:
            merged = _rescored(merged, self.server, self.workspace)
        return merged


def sync(workspace: Workspace, server: PostgresStore, *, source: str = "") -> SyncReport:
    """Push the laptop's prospects to the server and pull the login's territories back."""
    report = SyncReport()
    state_path = _state_path(workspace, server)
    state = read_json(state_path) or {}
    answers_state: dict[str, Any] = {}
    source = source or f"laptop of {server.login}"

    local_ids = set(workspace.prospect_ids())
    remote_ids = set(server.prospect_ids())

    # Question-set snapshots first, so every pushed interview can be scored on the server.
    remote_snapshots = server.snapshot_hashes()
    local_datas: dict[str, ProspectData] = {}
    for pid in sorted(local_ids):
        local_datas[pid] = workspace.read_prospect_data(pid)
    for digest in sorted(
        {i.questionnaire_hash for d in local_datas.values() for i in d.interviews}
    ):
        if digest not in remote_snapshots:
            try:
                server.put_snapshot(digest, workspace.get_snapshot(digest))
                report.snapshots += 1
            except NotFound:
                continue

    merged_for: dict[str, ProspectData] = {}
    for pid, laptop in local_datas.items():
        push = _Push(laptop, _base_of(state, pid), source, workspace, server)
        try:
            result = server.merge_prospect_data(pid, push)
        except StoreError as exc:
            report.refused.append((pid, laptop.prospect.name, str(exc)))
            continue
        if result is None:  # pragma: no cover - merge_prospect_data returns the stored data
            continue
        report.conflicts.extend(c for c in push.conflicts if not c.already_recorded)
        if push.outcome != "unchanged":
            report.pushed += 1
        merged_for[pid] = result

    # Pull: the server's version replaces the laptop's (it already holds the laptop's).
    fresh: list[ProspectData] = []
    for pid in sorted(remote_ids - local_ids):
        try:
            fresh.append(server.read_prospect_data(pid))
        except NotFound:
            continue  # taken out of this login's territories meanwhile
    for pid, merged in merged_for.items():
        if to_tables(merged) == to_tables(local_datas[pid]):
            answers_state[pid] = _fingerprints(merged)
            continue
        laptop = local_datas[pid]
        workspace.merge_prospect_data(pid, _Pull(merged, laptop))
        report.pulled += 1
        answers_state[pid] = _fingerprints(merged)
    skipped = workspace.add_new_prospects(fresh)
    for data in skipped:  # created on the laptop meanwhile: merge like the others
        workspace.merge_prospect_data(data.prospect.id, _Pull(data, None))
    report.pulled += len(fresh)
    for data in fresh:
        answers_state[data.prospect.id] = _fingerprints(data)
    local_snapshots = {i.questionnaire_hash for d in fresh for i in d.interviews} | {
        i.questionnaire_hash for d in merged_for.values() for i in d.interviews
    }
    for digest in sorted(local_snapshots):
        try:
            workspace.get_snapshot(digest)
        except NotFound:
            try:
                workspace.put_snapshot(digest, server.get_snapshot(digest))
                report.snapshots += 1
            except NotFound:
                continue
    touched = report.pushed + report.pulled
    report.unchanged = max(len(local_ids | remote_ids) - len(report.refused) - touched, 0)
    for pid, _, _ in report.refused:  # keep what we knew: the next sync still has its base
        if pid in state.get("answers", {}):
            answers_state[pid] = state["answers"][pid]
    state_path.parent.mkdir(parents=True, exist_ok=True)
    write_json_atomic(
        state_path,
        {
            "server": server.display_url,
            "login": server.login,
            "synced_at": utcnow().isoformat(),
            "answers": answers_state,
        },
    )
    return report


class _Pull:
    """The server's merged version into the laptop, under the workspace lock."""

    def __init__(self, merged: ProspectData, read: ProspectData | None) -> None:
        self.merged = merged
        self.read = read

    def __call__(self, current: ProspectData | None) -> ProspectData | None:
        if current is None or self.read is None:
            return self.merged
        if to_tables(current) == to_tables(self.read):
            return self.merged
        # Changed on the laptop while we synced: keep both, the next sync sends it on.
        merged, _, _ = merge_prospect(self.merged, current, label="sync", kept_side="server's")
        return merged or self.merged

"""Moving prospects between workspaces: a full-fidelity JSON export, a CSV answers table.

The JSON export is what ``import_workspace`` reads back. It merges by id, so the same
file imported twice changes nothing, and two area managers' exports merge into one
workspace. When both sides answered the same question differently, the local answer
stays, the other one is reported as a conflict *and* kept in the prospect's history
(an ``edit`` entry whose details hold both answers), so nothing is dropped.

The CSV export is a flat answers table for spreadsheets (UTF-8 with BOM so Excel
reads accents, formula injection neutralised); it is not importable.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import orjson
from pydantic import ValidationError

from qualify.atomic import streaming
from qualify.core.records import (
    AnswerRecord,
    HistoryEntry,
    Interview,
    Prospect,
    ProspectSummary,
    utcnow,
)
from qualify.store.base import NotFound, Store, StoreError
from qualify.store.workspace import ProspectData, Workspace, is_safe_id, to_tables

EXPORT_FORMAT = "qualify-export"
EXPORT_VERSION = 1

CSV_COLUMNS = (
    "prospect_id",
    "prospect",
    "territory",
    "stage",
    "interview_id",
    "question_set",
    "question_set_version",
    "question_id",
    "value",
    "state",
    "source",
    "note",
    "answered_at",
    "by",
)

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"[-+]?\d+(\.\d+)?([eE][-+]?\d+)?")


# ------------------------------------------------------------------ reports


@dataclass
class Conflict:
    """One answer given differently on both sides: the local one was kept."""

    prospect_id: str
    prospect_name: str
    interview_id: str
    stage: str
    question_id: str
    kept: dict[str, Any]
    other: dict[str, Any]
    already_recorded: bool = False

    def describe(self) -> str:
        def side(answer: dict[str, Any]) -> str:
            who = answer.get("by") or "someone"
            when = str(answer.get("answered_at", ""))[:16].replace("T", " ")
            value = answer.get("value") if answer.get("state") == "answered" else answer["state"]
            note = f", note {answer['note']!r}" if answer.get("note") else ""
            return f"{value!r} by {who} at {when}{note}"

        seen = " (already recorded)" if self.already_recorded else ""
        return (
            f"{self.prospect_name} ({self.prospect_id}) {self.stage}/{self.question_id}: "
            f"kept {side(self.kept)}; other {side(self.other)}{seen}"
        )


@dataclass
class ImportReport:
    """What an import did, prospect by prospect, and which answers disagreed."""

    added: int = 0
    updated: int = 0
    unchanged: int = 0
    snapshots_added: int = 0
    conflicts: list[Conflict] = field(default_factory=list)

    @property
    def new_conflicts(self) -> list[Conflict]:
        return [c for c in self.conflicts if not c.already_recorded]

    def summary(self) -> str:
        total = len(self.conflicts)
        old = total - len(self.new_conflicts)
        conflicts = f"{total} conflict(s)" + (f" ({old} already recorded)" if old else "")
        return (
            f"{self.added} added, {self.updated} updated, {self.unchanged} unchanged; {conflicts}"
        )


# ------------------------------------------------------------------ export


def _resolve(store: Store, prospect_ids: Iterable[str] | None) -> list[str]:
    if prospect_ids is None:
        if isinstance(store, Workspace):
            return store.prospect_ids()
        return sorted(row.id for row in store.list_prospects())
    resolved = [store.resolve_id(pid) for pid in prospect_ids]
    return list(dict.fromkeys(resolved))


def _load(store: Store, pid: str, summaries: dict[str, ProspectSummary] | None) -> ProspectData:
    if isinstance(store, Workspace):
        return store.read_prospect_data(pid)
    summary = (summaries or {}).get(pid)
    return ProspectData(store.get_prospect(pid), summary, store.interviews(pid), store.history(pid))


def export_workspace(
    store: Store,
    path: Path,
    fmt: Literal["json", "csv"] = "json",
    prospect_ids: Sequence[str] | None = None,
) -> int:
    """Write the prospects (all, or those ids/prefixes) to ``path`` atomically; returns how many."""
    if fmt not in ("json", "csv"):
        raise StoreError(f"unknown export format {fmt!r} (choose json or csv)")
    ids = _resolve(store, prospect_ids)
    summaries = None
    if not isinstance(store, Workspace):
        summaries = {row.id: row for row in store.list_prospects()}
    path = Path(path)
    if fmt == "json":
        _export_json(store, path, ids, summaries)
    else:
        _export_csv(store, path, ids, summaries)
    return len(ids)


def _export_json(
    store: Store, path: Path, ids: list[str], summaries: dict[str, ProspectSummary] | None
) -> None:
    # Streamed one prospect per line, so 10,000 prospects never sit in memory at once.
    from qualify import __version__

    header = {
        "format": EXPORT_FORMAT,
        "version": EXPORT_VERSION,
        "exported_at": utcnow(),
        "qualify": __version__,
    }
    hashes: set[str] = set()
    with streaming(path) as out:
        out.write(orjson.dumps(header)[:-1] + b',\n"prospects":[\n')
        for n, pid in enumerate(ids):
            data = _load(store, pid, summaries)
            hashes.update(i.questionnaire_hash for i in data.interviews)
            tables = to_tables(data)
            item = {
                "prospect": tables["prospect"]["1"],
                "summary": tables["summary"].get("1"),
                "interviews": list(tables["interviews"].values()),
                "history": list(tables["history"].values()),
            }
            out.write((b",\n" if n else b"") + orjson.dumps(item))
        snapshots: dict[str, Any] = {}
        for digest in sorted(hashes):
            try:
                snapshots[digest] = store.get_snapshot(digest)
            except NotFound:
                continue  # cannot export what is not there; the answers still are
        out.write(b'\n],\n"snapshots":' + orjson.dumps(snapshots) + b"}\n")


def neutralise(cell: str) -> str:
    """Spreadsheets run cells starting with = + - @ (or tab/CR) as formulas: quote them.

    Plain numbers such as ``-3`` are left alone so they stay numbers.
    """
    if cell.startswith(_FORMULA_START) and not _PLAIN_NUMBER.fullmatch(cell):
        return "'" + cell
    return cell


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list):
        return "; ".join(_cell(v) for v in value)
    if isinstance(value, dict):
        return orjson.dumps(value).decode()
    return str(value)


def _export_csv(
    store: Store, path: Path, ids: list[str], summaries: dict[str, ProspectSummary] | None
) -> None:
    with streaming(path) as out:
        text = io.TextIOWrapper(out, encoding="utf-8-sig", newline="")
        writer = csv.writer(text)
        writer.writerow(CSV_COLUMNS)
        for pid in ids:
            data = _load(store, pid, summaries)
            p = data.prospect
            for interview in data.interviews:
                for qid in sorted(interview.answers):
                    a = interview.answers[qid]
                    row = [
                        p.id,
                        p.name,
                        p.territory,
                        interview.stage,
                        interview.id,
                        interview.questionnaire_id,
                        interview.questionnaire_version,
                        a.question_id,
                        _cell(a.value),
                        a.state,
                        a.source,
                        a.note,
                        a.answered_at.isoformat(),
                        a.by,
                    ]
                    writer.writerow([neutralise(_cell(c)) for c in row])
        text.flush()
        text.detach()


# ------------------------------------------------------------------ import


def _substance(answer: AnswerRecord) -> tuple[Any, ...]:
    """What makes two answers different; when and by whom alone do not."""
    value = orjson.dumps(answer.value, option=orjson.OPT_SORT_KEYS)
    return (value, answer.state, answer.source, answer.note)


def answer_fingerprint(answer: AnswerRecord) -> str:
    """What an answer said (not when or by whom), short: sync remembers it as the base."""
    value, *rest = _substance(answer)
    return hashlib.sha256(b"\0".join([value, *(str(r).encode() for r in rest)])).hexdigest()[:16]


def _conflict_entry_id(interview_id: str, other: dict[str, Any]) -> str:
    digest = hashlib.sha256(
        interview_id.encode() + b"\0" + orjson.dumps(other, option=orjson.OPT_SORT_KEYS)
    )
    return "x" + digest.hexdigest()[:11]


def merge_prospect(
    local: ProspectData | None,
    incoming: ProspectData,
    *,
    source: str = "",
    base: dict[tuple[str, str], str] | None = None,
    label: str = "import",
    kept_side: str = "local",
) -> tuple[ProspectData | None, str, list[Conflict]]:
    """The merged prospect (None if nothing changes), the outcome, and the conflicts.

    Rules: facts and summary from whichever side was updated last; interviews and
    history entries united by id; answers united by question, and where both sides
    differ the local answer is kept and the other goes to the conflict list and to
    an ``edit`` history entry (whose id derives from its content, so importing the
    same file again adds nothing).

    ``base`` (sync) maps (interview id, question id) to the fingerprint of the answer
    both sides agreed on at the last sync: an answer changed on one side only is then
    taken from that side, and only one changed on both sides is a conflict.
    """
    if local is None:
        return incoming, "added", []
    conflicts: list[Conflict] = []
    known_history = {h.id for h in local.history}
    extra_history: list[HistoryEntry] = []

    prospect = local.prospect
    if incoming.prospect.updated_at > local.prospect.updated_at:
        prospect = incoming.prospect
    summary = local.summary
    if incoming.summary is not None and (
        summary is None or incoming.summary.updated_at > summary.updated_at
    ):
        summary = incoming.summary

    theirs = {i.id: i for i in incoming.interviews}
    interviews: list[Interview] = []
    for mine in local.interviews:
        other = theirs.pop(mine.id, None)
        if other is None:
            interviews.append(mine)
            continue
        answers = dict(mine.answers)
        for qid, their_answer in other.answers.items():
            kept = answers.get(qid)
            if kept is None:
                answers[qid] = their_answer
            elif _substance(kept) != _substance(their_answer):
                agreed = base.get((mine.id, qid)) if base is not None else None
                if agreed is not None and answer_fingerprint(kept) == agreed:
                    answers[qid] = their_answer  # changed on their side only
                    continue
                if agreed is not None and answer_fingerprint(their_answer) == agreed:
                    continue  # changed on our side only
                other_doc = their_answer.model_dump(mode="json")
                kept_doc = kept.model_dump(mode="json")
                entry_id = _conflict_entry_id(mine.id, other_doc)
                conflicts.append(
                    Conflict(
                        prospect_id=prospect.id,
                        prospect_name=prospect.name,
                        interview_id=mine.id,
                        stage=mine.stage,
                        question_id=qid,
                        kept=kept_doc,
                        other=other_doc,
                        already_recorded=entry_id in known_history,
                    )
                )
                if entry_id not in known_history:
                    known_history.add(entry_id)
                    extra_history.append(
                        HistoryEntry(
                            id=entry_id,
                            prospect_id=prospect.id,
                            action="edit",
                            from_stage=mine.stage,
                            to_stage=mine.stage,
                            reason=f"{label} conflict on {qid}: kept the {kept_side} answer",
                            details={
                                "conflict": {
                                    "interview_id": mine.id,
                                    "question_id": qid,
                                    "kept": kept_doc,
                                    "other": other_doc,
                                    "source": source,
                                }
                            },
                        )
                    )
        merged = mine.model_copy(
            update={
                "answers": answers,
                "status": "complete" if "complete" in (mine.status, other.status) else mine.status,
                "completed_at": mine.completed_at or other.completed_at,
                "notes": mine.notes or other.notes,
                "interviewer": mine.interviewer or other.interviewer,
            }
        )
        if merged != mine:
            merged = merged.model_copy(
                update={"updated_at": max(mine.updated_at, other.updated_at)}
            )
        interviews.append(merged)
    interviews.extend(theirs.values())
    interviews.sort(key=lambda i: i.started_at)

    history = list(local.history)
    history.extend(h for h in incoming.history if h.id not in known_history)
    history.extend(extra_history)
    history.sort(key=lambda h: h.at)

    merged_data = ProspectData(prospect, summary, interviews, history)
    if to_tables(merged_data) == to_tables(local):
        return None, "unchanged", conflicts
    return merged_data, "updated", conflicts


class _Invalid(Exception):
    """A record of the export that does not validate, with where it is."""


def _valid(model: Any, value: Any, where_: str) -> Any:
    try:
        return model.model_validate(value)
    except ValidationError as exc:
        first = exc.errors()[0]
        loc = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in first["loc"])
        raise _Invalid(f"{where_}{loc}: {first['msg']}") from None


def _parse_export(path: Path) -> tuple[list[ProspectData], dict[str, dict[str, Any]]]:
    raw = path.read_bytes()
    start = raw.lstrip(b"\xef\xbb\xbf \t\r\n")[:1]
    if path.suffix.lower() == ".csv" or (start and start != b"{"):
        raise StoreError(
            f"{path}: only JSON exports can be imported (a CSV export is a flat answers "
            "table for spreadsheets); use `qualify export --format json`"
        )
    try:
        doc = orjson.loads(raw)
    except orjson.JSONDecodeError as exc:
        raise StoreError(f"{path} is not a qualify export (invalid JSON: {exc})") from None
    if not isinstance(doc, dict) or doc.get("format") != EXPORT_FORMAT:
        raise StoreError(f'{path} is not a qualify export (no "format": "{EXPORT_FORMAT}")')
    version = doc.get("version")
    if not isinstance(version, int):
        raise StoreError(f"{path}: the export has no version number")
    if version > EXPORT_VERSION:
        raise StoreError(
            f"{path}: export version {version} is newer than this qualify "
            f"(max {EXPORT_VERSION}); upgrade qualify"
        )
    items = doc.get("prospects")
    snapshots = doc.get("snapshots") or {}
    if not isinstance(items, list) or not isinstance(snapshots, dict):
        raise StoreError(f"{path}: the export has no list of prospects")
    bundles: list[ProspectData] = []
    seen: set[str] = set()
    for n, item in enumerate(items):
        try:
            data = ProspectData(
                _valid(Prospect, item["prospect"], "prospect"),
                _valid(ProspectSummary, item["summary"], "summary")
                if item.get("summary")
                else None,
                [
                    _valid(Interview, i, f"interviews[{k}]")
                    for k, i in enumerate(item.get("interviews", []))
                ],
                [
                    _valid(HistoryEntry, h, f"history[{k}]")
                    for k, h in enumerate(item.get("history", []))
                ],
            )
            data.check()
        except _Invalid as exc:
            raise StoreError(f"{path}: prospects[{n}].{exc}") from None
        except (KeyError, TypeError, AttributeError) as exc:
            raise StoreError(f"{path}: prospects[{n}] is not a prospect ({exc})") from None
        except StoreError as exc:
            raise StoreError(f"{path}: prospects[{n}]: {exc}") from None
        if data.prospect.id in seen:
            raise StoreError(f"{path}: prospect {data.prospect.id} appears twice")
        seen.add(data.prospect.id)
        bundles.append(data)
    for digest, question_set in snapshots.items():
        if not is_safe_id(digest) or not isinstance(question_set, dict):
            raise StoreError(f"{path}: snapshot {digest!r} is not usable")
    return bundles, snapshots


def import_workspace(store: Store, path: Path) -> ImportReport:
    """Merge a JSON export into ``store`` by id; the whole file is checked before any write.

    In the workspace, prospects new to it are written in bulk (one sync per thousand);
    the others are merged one by one, each atomically under the workspace lock against
    what is on disk at that moment. On a server the whole import is one transaction: a
    prospect the login may not write (another territory) rolls all of it back.
    """
    path = Path(path)
    bundles, snapshots = _parse_export(path)
    if not isinstance(store, Workspace):
        return _import_generic(store, path, bundles, snapshots)
    for data in bundles:
        for interview in data.interviews:
            owner = store.interview_owner(interview.id)
            if owner is not None and owner != data.prospect.id:
                raise StoreError(
                    f"{path}: interview {interview.id} belongs to prospect {data.prospect.id} "
                    f"there but to {owner} here; nothing was imported"
                )
    report = ImportReport(snapshots_added=_add_snapshots(store, snapshots))
    fresh = [d for d in bundles if not store.prospect_path(d.prospect.id).exists()]
    existing = store.add_new_prospects(fresh)  # added meanwhile by someone else: merged below
    report.added += len(fresh) - len(existing)
    fresh_ids = {d.prospect.id for d in fresh}
    for data in [*(d for d in bundles if d.prospect.id not in fresh_ids), *existing]:
        merger = _Merger(data, path.name)
        store.merge_prospect_data(data.prospect.id, merger)
        setattr(report, merger.outcome, getattr(report, merger.outcome) + 1)
        report.conflicts.extend(merger.conflicts)
    return report


def _add_snapshots(store: Store, snapshots: dict[str, dict[str, Any]]) -> int:
    """Store the question-set snapshots the store lacks; returns how many were new."""
    added = 0
    for digest, question_set in snapshots.items():
        try:
            store.get_snapshot(digest)
        except NotFound:
            store.put_snapshot(digest, question_set)
            added += 1
    return added


def _import_generic(
    store: Store,
    path: Path,
    bundles: list[ProspectData],
    snapshots: dict[str, dict[str, Any]],
) -> ImportReport:
    """Every prospect through ``merge_prospect_data``, inside one all-or-nothing block."""
    report = ImportReport()
    with store.all_or_nothing():
        for data in bundles:
            for interview in data.interviews:
                try:
                    owner = store.get_interview(interview.id).prospect_id
                except NotFound:
                    continue
                if owner != data.prospect.id:
                    raise StoreError(
                        f"{path}: interview {interview.id} belongs to prospect "
                        f"{data.prospect.id} there but to {owner} here; nothing was imported"
                    )
        report.snapshots_added = _add_snapshots(store, snapshots)
        for data in bundles:
            merger = _Merger(data, path.name)
            try:
                store.merge_prospect_data(data.prospect.id, merger)
            except StoreError as exc:
                raise StoreError(
                    f"{path}: {data.prospect.name} ({data.prospect.id}): {exc}; "
                    "nothing was imported"
                ) from None
            setattr(report, merger.outcome, getattr(report, merger.outcome) + 1)
            report.conflicts.extend(merger.conflicts)
    return report


class _Merger:
    """The merge run under the workspace lock, remembering what it found."""

    def __init__(self, incoming: ProspectData, source: str) -> None:
        self.incoming = incoming
        self.source = source
        self.outcome = "unchanged"
        self.conflicts: list[Conflict] = []

    def __call__(self, local: ProspectData | None) -> ProspectData | None:
        merged, self.outcome, self.conflicts = merge_prospect(
            local, self.incoming, source=self.source
        )
        return merged


__all__ = [
    "CSV_COLUMNS",
    "EXPORT_FORMAT",
    "EXPORT_VERSION",
    "Conflict",
    "ImportReport",
    "answer_fingerprint",
    "export_workspace",
    "import_workspace",
    "merge_prospect",
    "neutralise",
]

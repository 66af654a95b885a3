"""Moving prospects between stores: a full-fidelity JSON export, a CSV answers table.

The JSON export is what ``import_workspace`` reads back. It merges by id with the
rules of :mod:`qualify.store.merge`, so the same file imported twice changes nothing,
and two area managers' exports merge into one workspace. When both sides answered the
same question differently, the local answer stays, the other one is reported as a
conflict *and* kept in the prospect's history, so nothing is dropped. Written against
the :class:`~qualify.store.base.Store` interface only: any backend exports and imports.

The CSV export (:mod:`qualify.store.csv_export`) is a flat answers table for
spreadsheets; it is not importable.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import orjson
from pydantic import ValidationError

from qualify.atomic import streaming
from qualify.core.phrase import Joined, Num, Phrase, said
from qualify.core.questionnaire.model import QuestionSet
from qualify.core.records import ProspectRecords, ProspectSummary, utcnow
from qualify.core.words import one_line
from qualify.store.base import NotFound, Store, StoreCorrupt, StoreError
from qualify.store.csv_export import CSV_COLUMNS, export_csv
from qualify.store.evidence_transfer import export_records, write_files
from qualify.store.export_file import (
    EXPORT_FORMAT,
    EXPORT_VERSION,
    MAX_IMPORT_BYTES,
    ImportProgress,
    parse_export,
    read_export,
)
from qualify.store.merge import Conflict, merge_prospect
from qualify.store.reading import counted, readable_records
from qualify.store.runs import batched
from qualify.store.vetting import Refused, Rules, vet_moves, vet_snapshot, vet_values

# ------------------------------------------------------------------ reports


@dataclass
class ImportReport:
    """What an import did, prospect by prospect, and which answers disagreed."""

    added: int = 0
    updated: int = 0
    unchanged: int = 0
    snapshots_added: int = 0
    attachments_added: int = 0
    """Evidence files new to the store."""
    conflicts: list[Conflict] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    """What could not be checked (no pipeline to judge gates by), one line each."""

    @property
    def new_conflicts(self) -> list[Conflict]:
        return [c for c in self.conflicts if not c.already_recorded]

    def summary(self) -> Phrase:
        total = len(self.conflicts)
        old = total - len(self.new_conflicts)
        conflicts = Phrase("{n} conflict(s)", n=_count(total))
        if old:
            conflicts = Phrase(
                "{n} conflict(s) ({old} already recorded)", n=_count(total), old=_count(old)
            )
        said = Phrase(
            "{added} added, {updated} updated, {unchanged} unchanged; {conflicts}",
            added=_count(self.added),
            updated=_count(self.updated),
            unchanged=_count(self.unchanged),
            conflicts=conflicts,
        )
        if self.attachments_added:
            return Phrase(
                "{said}; {n} evidence file(s)", said=said, n=_count(self.attachments_added)
            )
        return said


def _count(n: int) -> Num:
    """A count as the other bulk commands say it (10,000 added)."""
    return Num(n, grouped=True)


WRITE_RUN = 1000
"""Prospects new to the store added in one call (one sync in the workspace); the
progress line moves after each."""


# ------------------------------------------------------------------ export


def _resolve(store: Store, prospect_ids: Iterable[str] | None) -> list[str]:
    if prospect_ids is None:
        return store.prospect_ids()
    resolved = [store.resolve_id(pid) for pid in prospect_ids]
    return list(dict.fromkeys(resolved))


def export_workspace(
    store: Store,
    path: Path,
    fmt: Literal["json", "csv"] = "json",
    prospect_ids: Sequence[str] | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> int:
    """Write the prospects (all, or those ids/prefixes) to ``path`` atomically; returns how
    many were written. A prospect whose records cannot be read is left out, and noted on
    the store (:meth:`~qualify.store.base.Store.unreadable`) so the caller can say so.
    ``progress(done, total)`` is told as each prospect is written."""
    if fmt not in ("json", "csv"):
        raise StoreError(Phrase("unknown export format {fmt} (choose json or csv)", fmt=repr(fmt)))
    ids = counted(_resolve(store, prospect_ids), progress)
    path = Path(path)
    if fmt == "json":
        return _export_json(store, path, ids)
    return export_csv(store, path, ids)


def _dump(model: Any) -> dict[str, Any]:
    return model.model_dump(mode="json")


def _export_json(store: Store, path: Path, ids: Iterable[str]) -> int:
    # Streamed one prospect per line, so 10,000 prospects never sit in memory at once.
    # Each carries its list row for older versions of qualify; imports recompute it.
    from qualify import __version__

    header = {
        "format": EXPORT_FORMAT,
        "version": EXPORT_VERSION,
        "exported_at": utcnow(),
        "qualify": __version__,
    }
    rows: dict[str, ProspectSummary] = {row.id: row for row in store.list_prospects()}
    hashes: set[str] = set()
    files: dict[str, str] = {}
    n = 0
    with streaming(path) as out:
        out.write(orjson.dumps(header)[:-1] + b',\n"prospects":[\n')
        for records in readable_records(store, ids):
            pid = records.prospect.id
            hashes.update(i.questionnaire_hash for i in records.interviews)
            row = rows.get(pid)
            item = {
                "prospect": _dump(records.prospect),
                "summary": _dump(row) if row is not None else None,
                "interviews": [_dump(i) for i in records.interviews],
                "history": [_dump(h) for h in records.history],
            }
            attached = export_records(store, pid)
            if attached:
                item["attachments"] = attached
                files.update({a["sha256"]: pid for a in attached})
            out.write((b",\n" if n else b"") + orjson.dumps(item))
            n += 1
        snapshots: dict[str, Any] = {}
        for digest in sorted(hashes):
            try:
                snapshots[digest] = store.get_snapshot(digest)
            except NotFound:
                continue  # cannot export what is not there; the answers still are
            except StoreCorrupt as exc:
                store.note_unreadable(
                    Phrase("left out a question-set snapshot: {error}", error=said(exc))
                )
        out.write(b'\n],\n"snapshots":' + orjson.dumps(snapshots))
        write_files(out, store, files)
        out.write(b"}\n")
    return n


# ------------------------------------------------------------------ import


def import_workspace(
    store: Store,
    path: Path,
    *,
    rules: Rules | None = None,
    progress: ImportProgress | None = None,
) -> ImportReport:
    """Merge a JSON export (a file, or a pipe) into ``store`` by id; see :func:`import_bytes`."""
    path = Path(path)
    return import_bytes(store, read_export(path), str(path), rules=rules, progress=progress)


def import_bytes(
    store: Store,
    raw: bytes,
    name: str,
    *,
    rules: Rules | None = None,
    progress: ImportProgress | None = None,
) -> ImportReport:
    """Merge the export ``raw`` (called ``name`` in messages) into ``store`` by id.

    Nothing is written until the whole file has been vetted
    (:mod:`qualify.store.vetting`) against ``rules`` (this workspace's pipeline and
    active sets; without them gates are not checked, and the report says so): its
    structure, every snapshot against its hash, every answer against its snapshot, and
    every stage or status it sets against its history and the gates, merged with what
    is stored. Then question-set snapshots go first, so every list row is scored; the
    prospects new to the store are added (in the workspace in bulk, one sync per
    thousand), and the others merged one by one, each atomically against what is
    stored at that moment (and vetted again there). Where the store can promise it (a
    server) the whole import is one transaction: a prospect the login may not write
    (another territory) rolls all of it back, and the message says so.
    ``progress(step, done, total)`` is told as each prospect is read, checked, written.
    """
    rules = rules or Rules()
    bundles, raw_snapshots, evidence = parse_export(raw, name, progress)
    report = ImportReport()
    if rules.pipeline is None and any(r.history for r in bundles):
        report.warnings.append(
            Phrase(
                "no valid pipeline in the active question sets: the gates of the moves in "
                "the file were not checked (run `qualify validate`)"
            )
        )
    with store.all_or_nothing() as together:
        _check_owners(store, name, bundles)
        sets = _vetted_snapshots(store, name, raw_snapshots, bundles)
        _vet_all(store, name, bundles, rules, sets, progress)
        evidence.vet(store, name)
        evidence.vet_known(store, name)
        try:
            report.snapshots_added = _add_snapshots(store, raw_snapshots)
            existing = _add_new(store, bundles, progress)
            report.added = len(bundles) - len(existing)
            mergers = [_Merger(records, Path(name).name, rules, sets) for records in existing]
            done = report.added
            for run in batched(mergers, WRITE_RUN):  # each run written together
                store.merge_prospects((m.incoming.prospect.id, m) for m in run)
                for merger in run:
                    setattr(report, merger.outcome, getattr(report, merger.outcome) + 1)
                    report.conflicts.extend(merger.conflicts)
                done += len(run)
                if progress is not None:
                    progress("writing", done, len(bundles))
            report.attachments_added = evidence.add(store)
        except StoreError as exc:
            if together:
                raise StoreError(_nothing_imported(name, exc)) from None
            raise
    return report


def _vetted_snapshots(
    store: Store, name: str, raw: dict[str, Any], bundles: list[ProspectRecords]
) -> dict[str, QuestionSet]:
    """Every snapshot of the file (each must be what its hash says), and those of this
    store that the file's interviews were taken with but the file does not carry."""
    sets: dict[str, QuestionSet] = {}
    for digest, question_set in raw.items():
        try:
            sets[digest] = vet_snapshot(digest, question_set)
        except Refused as exc:
            raise StoreError(_nothing_imported(f"{name}: snapshots", exc)) from None
    wanted = {i.questionnaire_hash for r in bundles for i in r.interviews} - set(sets)
    for digest in sorted(wanted):
        try:
            sets[digest] = QuestionSet.model_validate(store.get_snapshot(digest))
        except (NotFound, ValidationError, ValueError):
            continue  # the interview that needs it is refused, with its name
    return sets


def _vet_all(
    store: Store,
    name: str,
    bundles: list[ProspectRecords],
    rules: Rules,
    sets: dict[str, QuestionSet],
    progress: ImportProgress | None = None,
) -> None:
    """Every prospect of the file, as it would be stored, before anything is written."""
    passed: set[tuple[Any, ...]] = set()
    for n, records in enumerate(bundles):
        if progress is not None and n:
            progress("checking", n, len(bundles))
        shown = one_line(records.prospect.name, 60) or Phrase("(no name)")
        label = f"{name}: prospects[{n}] {shown} ({records.prospect.id})"
        try:
            vet_values(records, sets, passed)
            try:
                local: ProspectRecords | None = store.read_prospect(records.prospect.id)
            except NotFound:
                local = None
            merged, _, _ = merge_prospect(local, records, source=Path(name).name)
            # Even a prospect that changes nothing here must be consistent in the file.
            vet_moves(records, merged or local or records, local, rules, sets)
        except (Refused, StoreError) as exc:
            raise StoreError(_nothing_imported(label, exc)) from None
    if progress is not None:
        progress("checking", len(bundles), len(bundles))


def _add_new(
    store: Store, bundles: list[ProspectRecords], progress: ImportProgress | None
) -> list[ProspectRecords]:
    """The prospects new to the store added, in runs; returns those it holds already."""
    existing: list[ProspectRecords] = []
    added = 0
    for run in batched(bundles, WRITE_RUN):
        here = store.add_new_prospects(run)
        existing.extend(here)
        if progress is not None and len(here) < len(run):  # (merged ones count later)
            added += len(run) - len(here)
            progress("writing", added, len(bundles))
    return existing


def _check_owners(store: Store, name: str, bundles: list[ProspectRecords]) -> None:
    """An interview filed under another prospect here than in the file stops the import."""
    claimed = {i.id: r.prospect.id for r in bundles for i in r.interviews}
    for interview_id, owner in store.interview_owners(claimed).items():
        if owner != claimed[interview_id]:
            raise StoreError(
                Phrase(
                    "{name}: interview {id} belongs to prospect {there} there but to {here} "
                    "here; nothing was imported",
                    name=name,
                    id=interview_id,
                    there=claimed[interview_id],
                    here=owner,
                )
            )


def _nothing_imported(where: str, exc: Exception) -> Phrase:
    return Phrase("{where}: {error}; nothing was imported", where=where, error=said(exc))


def _add_snapshots(store: Store, snapshots: dict[str, dict[str, Any]]) -> int:
    """Store the question-set snapshots the store lacks; returns how many were new."""
    kept = store.snapshot_hashes()
    added = 0
    for digest, question_set in snapshots.items():
        if digest not in kept:
            store.put_snapshot(digest, question_set)
            added += 1
    return added


class _Merger:
    """The merge run atomically by the store, vetted, remembering what it found."""

    def __init__(
        self,
        incoming: ProspectRecords,
        source: str,
        rules: Rules,
        sets: dict[str, QuestionSet],
    ) -> None:
        self.incoming = incoming
        self.source = source
        self.rules = rules
        self.sets = sets
        self.outcome = "unchanged"
        self.conflicts: list[Conflict] = []

    def __call__(self, local: ProspectRecords | None) -> ProspectRecords | None:
        merged, self.outcome, self.conflicts = merge_prospect(
            local, self.incoming, source=self.source
        )
        if merged is None:
            return None
        try:
            return vet_moves(self.incoming, merged, local, self.rules, self.sets)
        except Refused as exc:
            label = f"{self.incoming.prospect.name} ({self.incoming.prospect.id})"
            raise StoreError(Joined((label, said(exc)), ": ")) from None


__all__ = [
    "CSV_COLUMNS",
    "EXPORT_FORMAT",
    "EXPORT_VERSION",
    "MAX_IMPORT_BYTES",
    "ImportProgress",
    "ImportReport",
    "Rules",
    "export_workspace",
    "import_bytes",
    "import_workspace",
    "read_export",
]

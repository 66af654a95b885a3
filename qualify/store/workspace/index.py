"""The workspace's two sharded indexes, rebuilt from the prospect files at any time.

``index/prospects/<xx>.json`` maps prospect id → list row (what the prospects list
shows), ``index/interviews/<xx>.json`` interview id → prospect id (which file holds an
interview). ``<xx>`` is :func:`~qualify.store.workspace.files.shard_of` the key.
Writers hold the workspace lock; readers need none (files are replaced whole).
"""

from __future__ import annotations

import gc
import os
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

import orjson
from pydantic import ConfigDict, TypeAdapter, ValidationError

from qualify.atomic import write_many
from qualify.core.phrase import Phrase
from qualify.core.records import ProspectSummary
from qualify.store.base import StoreCorrupt, StoreError
from qualify.store.workspace.files import shard_of
from qualify.store.workspace.recent import most_recent, shard_names, stale_files
from qualify.store.workspace.storage import (
    REPAIR,
    Backups,
    corrupt,
    read_json,
    write_json_atomic,
)
from qualify.store.workspace.trusted import rows_validator, trusted_rows

_ROWS = TypeAdapter(list[ProspectSummary], config=ConfigDict(defer_build=True))
"""Built on its first use, only if trusted.rows_validator() cannot stand in for it."""


def _validated(docs: list[Any]) -> list[ProspectSummary]:
    """``docs`` validated as list rows (ValidationError naming what is wrong)."""
    return (rows_validator() or _ROWS).validate_python(docs)


class Index:
    """List rows by prospect id and owners by interview id, in 256 small files each."""

    def __init__(
        self,
        root: Path,
        *,
        durable: bool,
        backups: Backups,
        skipped: Callable[[str], None] | None = None,
    ) -> None:
        self.rows_dir = root / "index" / "prospects"
        self.owners_dir = root / "index" / "interviews"
        self._durable = durable
        self._backups = backups
        self._skipped = skipped
        """Told about a list-row shard that cannot be read, which listing skips; without
        it such a shard stops the listing (StoreCorrupt)."""

    def row_shard(self, prospect_id: str) -> Path:
        return self.rows_dir / f"{shard_of(prospect_id)}.json"

    def owner_shard(self, interview_id: str) -> Path:
        return self.owners_dir / f"{shard_of(interview_id)}.json"

    # ------------------------------------------------------------------ writing
    def put_rows(self, rows: dict[str, ProspectSummary | None], *, bulk: bool = False) -> None:
        """Set (or with None remove) list rows; each shard written once."""
        docs = {pid: row.model_dump(mode="json") if row else None for pid, row in rows.items()}
        self._update(docs, self.row_shard, bulk=bulk)

    def put_owners(
        self, owners: dict[str, str], *, conflicts: bool = True, bulk: bool = False
    ) -> None:
        """Record which prospect holds each interview; with ``conflicts`` an interview id
        already held by another prospect is refused (StoreError) and nothing is written."""
        self._update(owners, self.owner_shard, conflicts=conflicts, bulk=bulk)

    def _update(
        self,
        changes: dict[str, Any],
        shard_path: Callable[[str], Path],
        *,
        conflicts: bool = False,
        bulk: bool = False,
    ) -> None:
        """Apply {key: value, or None to delete} to the shards, each read and written once.

        ``bulk`` writes all changed shards with a single sync (no backups: the index
        can be rebuilt from the prospect files).
        """
        grouped: dict[Path, dict[str, Any]] = defaultdict(dict)
        for key, value in changes.items():
            grouped[shard_path(key)][key] = value
        writes: list[tuple[Path, dict[str, Any]]] = []
        for path, wanted in grouped.items():
            current = read_json(path, fix=REPAIR) or {}
            changed = False
            for key, value in wanted.items():
                if value is None:
                    changed |= current.pop(key, None) is not None
                elif current.get(key) != value:
                    if conflicts and key in current:
                        raise StoreError(
                            Phrase("id {id} is already used by {other}", id=key, other=current[key])
                        )
                    current[key] = value
                    changed = True
            if changed:
                writes.append((path, current))
        if bulk and writes:
            write_many([(p, orjson.dumps(c)) for p, c in writes], durable=self._durable)
            return
        for path, content in writes:
            write_json_atomic(path, content, durable=self._durable, backups=self._backups)

    def rewrite(self, rows: dict[str, ProspectSummary], owners: dict[str, str]) -> None:
        """Every shard of both indexes written afresh (after a rebuild)."""
        for folder, content, key in (
            (self.rows_dir, {p: r.model_dump(mode="json") for p, r in rows.items()}, shard_of),
            (self.owners_dir, owners, shard_of),
        ):
            grouped: dict[str, dict[str, Any]] = {f"{n:02x}": {} for n in range(256)}
            for k, v in content.items():
                grouped[key(k)][k] = v
            for shard, shard_content in grouped.items():
                write_json_atomic(
                    folder / f"{shard}.json",
                    shard_content,
                    durable=self._durable,
                    backups=self._backups,
                )

    # ------------------------------------------------------------------ reading
    def owners(self, interview_ids: Iterable[str]) -> dict[str, str]:
        """Interview id → prospect id, for those in the index; each shard read once."""
        by_shard: dict[Path, list[str]] = defaultdict(list)
        for iid in interview_ids:
            by_shard[self.owner_shard(iid)].append(iid)
        found: dict[str, str] = {}
        for path, ids in by_shard.items():
            shard = read_json(path, fix=REPAIR) or {}
            for iid in ids:
                owner = shard.get(iid)
                if isinstance(owner, str):
                    found[iid] = owner
        return found

    def has_row(self, prospect_id: str) -> bool:
        """The prospects list has a row for ``prospect_id`` (False if its shard is unreadable)."""
        try:
            return prospect_id in (read_json(self.row_shard(prospect_id)) or {})
        except StoreCorrupt:
            return False

    def shards(self) -> Iterator[tuple[Path, dict[str, Any]]]:
        """Every list-row shard and its content; one that cannot be read is skipped and
        reported (see ``skipped``)."""
        try:
            names = shard_names(self.rows_dir)
        except FileNotFoundError:
            return
        for name in names:
            path = self.rows_dir / name
            try:
                yield path, read_json(path, fix=REPAIR) or {}
            except StoreCorrupt as exc:
                self._skip(exc)

    def _skip(self, exc: StoreCorrupt) -> None:
        if self._skipped is None:
            raise exc
        self._skipped(f"skipped some of the prospects list: {exc}")

    def ids(self) -> list[str]:
        """Every prospect id in the index, sorted."""
        return sorted(pid for _, rows in self.shards() for pid in rows)

    def rows(self) -> list[ProspectSummary]:
        """Every list row, in no particular order. The cyclic garbage collector is paused
        meanwhile: 10,000 new rows would trigger it dozens of times, each pass walking
        every row built so far."""
        rows: list[ProspectSummary] = []
        paused = gc.isenabled()
        gc.disable()
        try:
            for path, shard in self.shards():
                try:
                    rows.extend(_validated(list(shard.values())))
                except ValidationError as exc:
                    from qualify.core.questionnaire.friendly import at_path  # only on an error

                    first = at_path("", exc.errors()[0], ProspectSummary)
                    reason = Phrase("invalid summary: {problem}", problem=first)
                    self._skip(corrupt(path, reason, REPAIR))
        finally:
            if paused:
                gc.enable()
        return rows

    def recent(self, count: int) -> list[ProspectSummary] | None:
        """The ``count`` rows last active, most recent first, only they read (made
        directly when they are as the index writes them, else validated: see
        trusted.py); None when a row's time cannot be read without validating it
        (rows() then says why)."""
        found = [row for _, shard in self.shards() for row in shard.values()]
        indexes = most_recent(found, count)
        if indexes is None:
            return None
        first = [found[i] for i in indexes]
        rows = trusted_rows(first)
        if rows is None:
            try:
                rows = _validated(first)
            except ValueError:  # ValidationError is a ValueError
                return None
        rows.sort(key=lambda r: r.updated_at, reverse=True)
        return rows

    # ------------------------------------------------------------------ staleness
    def stale_files(self, prospects_dir: Path) -> list[Path]:
        """Prospect files written after their list-row shard (see recent.stale_files)."""
        return stale_files(self.rows_dir, prospects_dir)

    def mark_checked(self, files: Iterable[Path]) -> None:
        """The rows of ``files`` are current: stamp their shards so they are not checked again."""
        for path in files:
            shard = self.row_shard(path.stem)
            if shard.exists() and path.stat().st_mtime_ns > shard.stat().st_mtime_ns:
                os.utime(shard)


__all__ = ["Index"]

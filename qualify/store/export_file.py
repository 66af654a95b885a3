"""Reading an export file back: its size, its format and version, and each prospect's
records validated, before :mod:`qualify.store.transfer` vets and merges them.

Nothing in the file is trusted; a record that does not fit says where it is in one line.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any, Literal

import orjson
from pydantic import ValidationError

from qualify.core.phrase import Joined, Num, Phrase, said
from qualify.core.records import HistoryEntry, Interview, Prospect, ProspectRecords
from qualify.core.user_files import open_to_read
from qualify.core.words import one_line
from qualify.store.base import StoreError, check_records
from qualify.store.evidence_transfer import ExportedEvidence, read_evidence

EXPORT_FORMAT = "qualify-export"
EXPORT_VERSION = 1

ImportProgress = Callable[[Literal["reading", "checking", "writing"], int, int], None]
"""``progress(step, done, total)``: an import reads the file's prospects, checks them
all, then writes them; a long one shows each step on a progress line."""

MAX_IMPORT_BYTES = 1_000_000_000
"""An export read at once: 10,000 prospects with three 60-answer interviews are ~300 MB."""

KNOWN_VERSIONS = frozenset({EXPORT_VERSION})
"""Export versions this qualify reads."""


class _Invalid(Exception):
    """A record of the export that does not validate, with where it is."""


def _valid(model: Any, value: Any, where_: str) -> Any:
    try:
        return model.model_validate(value)
    except ValidationError as exc:
        from qualify.core.questionnaire.friendly import at_path  # only on an error

        raise _Invalid(at_path(where_, exc.errors()[0], model)) from None


def read_export(path: Path) -> bytes:
    """At most MAX_IMPORT_BYTES of ``path`` (a file or a pipe), or one line saying why not:
    a file over the limit, or a device (``/dev/zero`` never ends), before reading any."""
    try:
        with open_to_read(path) as handle:
            mode = os.fstat(handle.fileno())
            if stat.S_ISCHR(mode.st_mode) or stat.S_ISBLK(mode.st_mode):
                raise StoreError(Phrase("{path}: is a device, not an export", path=str(path)))
            if stat.S_ISREG(mode.st_mode) and mode.st_size > MAX_IMPORT_BYTES:
                raise too_large(str(path))
            raw = handle.read(MAX_IMPORT_BYTES + 1)
    except FileNotFoundError:
        raise StoreError(Phrase("{path}: no such file", path=str(path))) from None
    except IsADirectoryError:
        raise StoreError(Phrase("{path}: is a folder, not an export", path=str(path))) from None
    except OSError as exc:
        raise StoreError(
            Phrase("{path}: cannot read: {error}", path=str(path), error=exc.strerror or str(exc))
        ) from None
    return raw


def too_large(name: str) -> StoreError:
    return StoreError(
        Phrase(
            "{name}: more than {n} bytes; import it in parts "
            "(`qualify export --prospect ID …` writes some prospects)",
            name=name,
            n=Num(MAX_IMPORT_BYTES, grouped=True),
        )
    )


def parse_export(
    raw: bytes, name: str, progress: ImportProgress | None = None
) -> tuple[list[ProspectRecords], dict[str, Any], ExportedEvidence]:
    if len(raw) > MAX_IMPORT_BYTES:
        raise too_large(name)
    raw = raw.removeprefix(b"\xef\xbb\xbf")  # a byte order mark, from an editor
    start = raw.lstrip(b" \t\r\n")[:1]
    if name.lower().endswith(".csv") or raw.startswith(b"prospect_id,"):
        raise StoreError(
            Phrase(
                "{name}: only JSON exports can be imported (a CSV export is a flat answers "
                "table for spreadsheets); use `qualify export --format json`",
                name=name,
            )
        )
    if not start:
        raise StoreError(Phrase("{name}: the file is empty, not a qualify export", name=name))
    if start != b"{":
        raise StoreError(
            Phrase(
                "{name} is not a qualify export (a JSON export starts with {{; make one with "
                "`qualify export`)",
                name=name,
            )
        )
    try:
        doc = orjson.loads(raw)
    except orjson.JSONDecodeError as exc:
        raise StoreError(
            Phrase("{name} is not a qualify export (invalid JSON: {error})", name=name, error=exc)
        ) from None
    if not isinstance(doc, dict) or doc.get("format") != EXPORT_FORMAT:
        raise StoreError(
            Phrase(
                '{name} is not a qualify export (no "format": "{format}")',
                name=name,
                format=EXPORT_FORMAT,
            )
        )
    _check_version(doc.get("version", None), name)
    items = doc.get("prospects")
    snapshots = doc.get("snapshots") or {}
    if not isinstance(items, list):
        raise StoreError(Phrase('{name}: the export has no list of "prospects"', name=name))
    if not isinstance(snapshots, dict):
        raise StoreError(
            Phrase('{name}: the export\'s "snapshots" is not a mapping of hash to set', name=name)
        )
    bundles: list[ProspectRecords] = []
    seen: set[str] = set()
    owners: dict[str, str] = {}
    for n, item in enumerate(items):
        where = f"{name}: prospects[{n}]"
        if not isinstance(item, dict) or not isinstance(item.get("prospect"), dict):
            raise StoreError(
                Phrase('{where} is not a prospect (no "prospect" mapping)', where=where)
            )
        for part in ("interviews", "history"):
            if not isinstance(item.get(part, []), list):
                place = where + "." + part
                raise StoreError(Phrase("{where} is not a list", where=place))
        try:
            # The list row ("summary") is not read: the store computes its own.
            records = ProspectRecords(
                _valid(Prospect, item["prospect"], "prospect"),
                _oldest_first(
                    _valid(Interview, i, f"interviews[{k}]")
                    for k, i in enumerate(item.get("interviews", []))
                ),
                _oldest_first(
                    _valid(HistoryEntry, h, f"history[{k}]")
                    for k, h in enumerate(item.get("history", []))
                ),
            )
            check_records(records)
        except _Invalid as exc:
            raise StoreError(Joined((where, said(exc)), ".")) from None
        except (KeyError, TypeError, AttributeError, ValueError) as exc:
            raise StoreError(
                Phrase(
                    "{where} is not a prospect ({error})",
                    where=where,
                    error=one_line(str(exc), 120),
                )
            ) from None
        except StoreError as exc:
            raise StoreError(Joined((where, said(exc)), ": ")) from None
        pid = records.prospect.id
        if pid in seen:
            raise StoreError(Phrase("{name}: prospect {id} appears twice", name=name, id=pid))
        seen.add(pid)
        for interview in records.interviews:
            other = owners.setdefault(interview.id, pid)
            if other != pid:
                raise StoreError(
                    Phrase(
                        "{name}: interview {id} is given under two prospects ({other}, {pid})",
                        name=name,
                        id=interview.id,
                        other=other,
                        pid=pid,
                    )
                )
        if len({h.id for h in records.history}) != len(records.history):
            raise StoreError(Phrase("{where}: a history entry id is given twice", where=where))
        bundles.append(records)
        # What was read is held as records now; the file's copy of it is let go (most of
        # an export; the evidence is read from the rest below).
        item.pop("interviews", None)
        item.pop("history", None)
        if progress is not None:
            progress("reading", n + 1, len(items))
    return bundles, snapshots, read_evidence(doc, items, name)


def _check_version(version: Any, name: str) -> None:
    """Only the versions this qualify knows: 1e30, 0, -5, true or "1" are not one."""
    if version is None:
        raise StoreError(Phrase("{name}: the export has no version number", name=name))
    known = ", ".join(map(str, sorted(KNOWN_VERSIONS)))
    if isinstance(version, bool) or not isinstance(version, int):
        raise StoreError(
            Phrase(
                "{name}: export version {version} is not a version number (this qualify "
                "reads version {known})",
                name=name,
                version=one_line(repr(version), 40),
                known=known,
            )
        )
    if version > max(KNOWN_VERSIONS):
        raise StoreError(
            Phrase(
                "{name}: export version {version} is newer than this qualify (max {max}); "
                "upgrade qualify",
                name=name,
                version=str(version),
                max=str(max(KNOWN_VERSIONS)),
            )
        )
    if version not in KNOWN_VERSIONS:
        raise StoreError(
            Phrase(
                "{name}: export version {version} does not exist (this qualify reads "
                "version {known})",
                name=name,
                version=str(version),
                known=known,
            )
        )


def _oldest_first(records: Iterable[Any]) -> tuple[Any, ...]:
    """Interviews by start, history entries by time; the file's order breaks ties."""
    items = list(records)
    items.sort(key=lambda r: r.started_at if isinstance(r, Interview) else r.at)
    return tuple(items)

"""Versioned, idempotent schema migrations kept in the package (``migrations/NNNN_*.sql``).

Each file runs once, in its own transaction, under an advisory lock (two `qualify db
upgrade` at once apply each migration once), and is recorded in ``schema_version``.
Everything lives in the PostgreSQL schema ``qualify``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from importlib import resources
from typing import Any

from qualify.core.phrase import Phrase
from qualify.store.base import StoreError

SCHEMA_NAME = "qualify"
ADVISORY_KEY = 0x7175616C  # "qual": one lock for all upgrades of this database
_FILE = re.compile(r"(\d{4})_([a-z0-9_]+)\.sql")


@dataclass(frozen=True)
class Migration:
    version: int
    name: str
    sql: str


@dataclass(frozen=True)
class Status:
    """Where a database's schema stands compared with this qualify."""

    version: int
    latest: int
    applied: list[tuple[int, str, datetime, str]]
    pending: list[Migration]

    def describe(self) -> Phrase:
        version, latest = str(self.version), str(self.latest)
        if self.version > self.latest:
            return Phrase(
                "schema version {version} is newer than this qualify knows (max {latest}): "
                "upgrade qualify",
                version=version,
                latest=latest,
            )
        if self.version == 0:
            return Phrase(
                "no qualify schema yet (this qualify needs version {latest}): run `qualify db "
                "upgrade`",
                latest=latest,
            )
        if self.pending:
            return Phrase(
                "schema version {version}, this qualify needs {latest}: upgrade due ({names}); "
                "run `qualify db upgrade`",
                version=version,
                latest=latest,
                names=", ".join(f"{m.version:04d}_{m.name}" for m in self.pending),
            )
        return Phrase("schema version {version}: up to date", version=version)


def migrations() -> list[Migration]:
    """The migrations shipped with this qualify, oldest first."""
    found = []
    folder = resources.files("qualify.store.postgres") / "migrations"
    for entry in folder.iterdir():
        match = _FILE.fullmatch(entry.name)
        if match:
            found.append(Migration(int(match[1]), match[2], entry.read_text(encoding="utf-8")))
    found.sort(key=lambda m: m.version)
    for n, migration in enumerate(found, start=1):
        if migration.version != n:
            raise RuntimeError(f"migration {n:04d} is missing from the package")
    return found


LATEST = len(migrations())


def current_version(conn: Any) -> int:
    """The schema version of the database (0: no qualify schema yet)."""
    row = conn.execute("SELECT to_regclass(%s)", (f"{SCHEMA_NAME}.schema_version",)).fetchone()
    if row is None or row[0] is None:
        return 0
    row = conn.execute(f"SELECT coalesce(max(version), 0) FROM {SCHEMA_NAME}.schema_version")
    return int(row.fetchone()[0])


def status(conn: Any) -> Status:
    """Applied and pending migrations."""
    version = current_version(conn)
    applied: list[tuple[int, str, datetime, str]] = []
    if version:
        rows = conn.execute(
            f"SELECT version, name, applied_at, applied_by FROM {SCHEMA_NAME}.schema_version "
            "ORDER BY version"
        ).fetchall()
        applied = [(int(v), str(n), at, str(by)) for v, n, at, by in rows]
    pending = [m for m in migrations() if m.version > version]
    return Status(version, LATEST, applied, pending)


def check(version: int) -> None:
    """Raise a one-line StoreError naming the command to run when the schema does not fit."""
    if version != LATEST:
        raise StoreError(Status(version, LATEST, [], _pending(version)).describe())


def _pending(version: int) -> list[Migration]:
    return [m for m in migrations() if m.version > version]


def upgrade(conn: Any, *, target: int | None = None) -> list[Migration]:
    """Apply the pending migrations (up to ``target``); returns those applied now.

    ``conn`` must be in autocommit mode; each migration commits on its own, so an
    interrupted upgrade resumes where it stopped.
    """
    import psycopg

    target = LATEST if target is None else target
    if not 0 <= target <= LATEST:
        raise StoreError(
            Phrase(
                "no schema version {target} (this qualify knows 1 to {latest})",
                target=str(target),
                latest=str(LATEST),
            )
        )
    try:
        with conn.transaction():
            conn.execute("SELECT pg_advisory_xact_lock(%s)", (ADVISORY_KEY,))
            conn.execute(f"CREATE SCHEMA IF NOT EXISTS {SCHEMA_NAME}")
            conn.execute(
                f"CREATE TABLE IF NOT EXISTS {SCHEMA_NAME}.schema_version ("
                "version integer PRIMARY KEY, name text NOT NULL, "
                "applied_at timestamptz NOT NULL DEFAULT now(), "
                "applied_by name NOT NULL DEFAULT current_user)"
            )
        done: list[Migration] = []
        for migration in migrations():
            if migration.version > target:
                break
            with conn.transaction():
                conn.execute("SELECT pg_advisory_xact_lock(%s)", (ADVISORY_KEY,))
                if current_version(conn) >= migration.version:
                    continue  # applied earlier, or by another upgrade while we waited
                conn.execute(f"SET LOCAL search_path = {SCHEMA_NAME}")
                conn.execute(migration.sql.encode())
                conn.execute(
                    f"INSERT INTO {SCHEMA_NAME}.schema_version (version, name) VALUES (%s, %s)",
                    (migration.version, migration.name),
                )
            done.append(migration)
        return done
    except psycopg.errors.InsufficientPrivilege as exc:
        first = str(exc).strip().splitlines()[0]
        raise StoreError(
            Phrase(
                "cannot upgrade the schema: {error}; run `qualify db upgrade` as the database "
                "owner, with the CREATEROLE right (see docs/team.md)",
                error=first,
            )
        ) from None
    except psycopg.Error as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise StoreError(
            Phrase("schema upgrade failed (that migration was rolled back): {error}", error=first)
        ) from None

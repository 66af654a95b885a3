"""Connections to the team server: timeouts, one-line errors, a small pool, and
all-or-nothing blocks.

Every connection uses the ``qualify`` schema, UTC, reads JSON back exactly as it was
written, and gives up rather than hang: a connect timeout, a statement timeout, TCP
keepalives (a server that vanished is noticed in about ten seconds) and an idle-in-
transaction timeout (a client that vanished mid-transaction releases its locks).
Server errors a user can act on (no connection, no permission, a schema to upgrade)
become one-line :class:`~qualify.store.base.StoreError`s, never showing a password.

The pool is ours, not psycopg_pool's: a connection that failed is dropped, never
retried in the background, so an outage ends the command at once with one line.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import orjson
import psycopg
from psycopg import errors as pgerrors
from psycopg.conninfo import conninfo_to_dict
from psycopg.pq import TransactionStatus
from psycopg.types.json import set_json_loads

from qualify.core.phrase import Num, Phrase
from qualify.store.base import ServerUnavailable, StoreError
from qualify.store.postgres import migrate
from qualify.store.urls import redact_url, scrub

CONNECT_TIMEOUT = 10
"""Seconds to wait for a connection ($QUALIFY_CONNECT_TIMEOUT, or the URL's connect_timeout)."""
STATEMENT_TIMEOUT = 30
"""Seconds one statement may run, waiting for locks included ($QUALIFY_STATEMENT_TIMEOUT)."""


@dataclass(frozen=True)
class Timeouts:
    connect: float = CONNECT_TIMEOUT
    statement: float = STATEMENT_TIMEOUT
    """0: none (schema upgrades, which may rewrite large tables)."""

    @classmethod
    def from_env(cls) -> Timeouts:
        return cls(
            _seconds("QUALIFY_CONNECT_TIMEOUT", CONNECT_TIMEOUT, minimum=2),
            _seconds("QUALIFY_STATEMENT_TIMEOUT", STATEMENT_TIMEOUT, minimum=0),
        )


def _seconds(name: str, default: float, *, minimum: float) -> float:
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        value = float(raw)
    except ValueError:
        value = -1
    if value < minimum:
        raise StoreError(
            Phrase(
                "{name} must be a number of seconds, at least {minimum} (not {raw})",
                name="$" + name,
                minimum=Num(minimum, None),
                raw=repr(raw),
            )
        )
    return value


def first_line(exc: BaseException, url: str = "") -> str:
    """The error's first line, with any password of ``url`` blanked out."""
    text = str(exc).strip()
    line = text.splitlines()[0] if text else type(exc).__name__
    return scrub(line, url) if url else line


def _params(url: str, timeouts: Timeouts) -> dict[str, Any]:
    """What we add to the URL (what it says itself wins)."""
    try:
        given = conninfo_to_dict(url)
    except psycopg.ProgrammingError as exc:  # a URL libpq cannot parse
        raise StoreError(cannot_use(url, exc)) from None
    wanted: dict[str, Any] = {
        "connect_timeout": max(2, round(timeouts.connect)),
        "keepalives": 1,
        "keepalives_idle": 5,
        "keepalives_interval": 2,
        "keepalives_count": 3,
        "tcp_user_timeout": 10_000,
        "application_name": "qualify",
    }
    return {k: v for k, v in wanted.items() if k not in given}


def connect(
    url: str, *, timeouts: Timeouts | None = None, **kwargs: Any
) -> psycopg.Connection[Any]:
    """One autocommit connection with a clear one-line error when the server says no."""
    timeouts = timeouts or Timeouts.from_env()
    params = {**_params(url, timeouts), **kwargs}
    try:
        conn = psycopg.connect(url, autocommit=True, **params)
    except psycopg.OperationalError as exc:
        raise ServerUnavailable(
            Phrase(
                "cannot connect to {url}: {error}",
                url=redact_url(url),
                error=first_line(exc, url),
            )
        ) from None
    except psycopg.ProgrammingError as exc:  # e.g. a URL libpq cannot parse
        raise StoreError(cannot_use(url, exc)) from None
    try:
        configure(conn, timeouts)
    except psycopg.Error as exc:
        conn.close()
        raise StoreError(cannot_use(url, exc)) from None
    return conn


def cannot_use(url: str, exc: BaseException) -> Phrase:
    """The server's (or libpq's) first line, its password blanked out."""
    return Phrase("cannot use {url}: {error}", url=redact_url(url), error=first_line(exc, url))


def configure(conn: psycopg.Connection[Any], timeouts: Timeouts) -> None:
    """Every connection: our schema, UTC, timeouts, JSON read back as it was written."""
    set_json_loads(orjson.loads, conn)
    statement = int(timeouts.statement * 1000)
    idle = max(60_000, 2 * statement) if statement else 0
    conn.execute(
        f"SET search_path = {migrate.SCHEMA_NAME}; SET TIME ZONE 'UTC'; "
        f"SET statement_timeout = {statement}; SET idle_in_transaction_session_timeout = {idle}"
    )


class Connections:
    """Up to ``max_connections`` connections for one login, and the transaction of an
    all-or-nothing block."""

    def __init__(
        self,
        url: str,
        *,
        login: str,
        max_connections: int,
        timeouts: Timeouts,
        first: psycopg.Connection[Any] | None = None,
    ) -> None:
        self.url = url
        self.display_url = redact_url(url)
        self.login = login
        self.timeouts = timeouts
        self._idle: list[psycopg.Connection[Any]] = [first] if first is not None else []
        self._slots = threading.BoundedSemaphore(max_connections)
        self._lock = threading.Lock()
        self._pinned = threading.local()
        """The connection of an all_or_nothing block, per thread."""

    def _take(self) -> psycopg.Connection[Any]:
        wait = self.timeouts.connect + (self.timeouts.statement or 60)
        if not self._slots.acquire(timeout=wait):
            raise ServerUnavailable(
                Phrase(
                    "no free connection to {url} within {seconds} s",
                    url=self.display_url,
                    seconds=Num(wait),
                )
            )
        with self._lock:
            conn = self._idle.pop() if self._idle else None
        if conn is not None and not conn.closed:
            return conn
        try:
            return connect(self.url, timeouts=self.timeouts)
        except BaseException:
            self._slots.release()
            raise

    def _give(self, conn: psycopg.Connection[Any]) -> None:
        healthy = not conn.closed and conn.info.transaction_status == TransactionStatus.IDLE
        if healthy:
            with self._lock:
                self._idle.append(conn)
        else:
            conn.close()
        self._slots.release()

    @contextmanager
    def conn(self) -> Iterator[psycopg.Connection[Any]]:
        """A connection; server errors become one-line StoreErrors."""
        pinned = getattr(self._pinned, "conn", None)
        if pinned is not None:  # inside all_or_nothing: its transactions nest (savepoints)
            with self._errors():
                yield pinned
            return
        conn = self._take()
        try:
            with self._errors():
                yield conn
        finally:
            self._give(conn)

    @contextmanager
    def _errors(self) -> Iterator[None]:
        try:
            yield
        except pgerrors.InsufficientPrivilege as exc:
            raise StoreError(
                Phrase(
                    "permission denied for {login}: {error} (ask whoever runs `qualify db "
                    "grant` for access)",
                    login=self.login,
                    error=first_line(exc, self.url),
                )
            ) from None
        except (pgerrors.UndefinedTable, pgerrors.InvalidSchemaName) as exc:
            raise StoreError(
                Phrase(
                    "{url}: {error}; run `qualify db upgrade`",
                    url=self.display_url,
                    error=first_line(exc, self.url),
                )
            ) from None
        except pgerrors.QueryCanceled as exc:
            raise ServerUnavailable(
                Phrase(
                    "{url}: {error} (a statement may take {seconds} s: "
                    "$QUALIFY_STATEMENT_TIMEOUT); nothing of it was changed",
                    url=self.display_url,
                    error=first_line(exc, self.url),
                    seconds=Num(self.timeouts.statement, None),
                )
            ) from None
        except psycopg.OperationalError as exc:
            raise ServerUnavailable(
                Phrase(
                    "lost the connection to {url}: {error}",
                    url=self.display_url,
                    error=first_line(exc, self.url),
                )
            ) from None

    @contextmanager
    def tx(self) -> Iterator[psycopg.Connection[Any]]:
        """One transaction: everything inside commits together or not at all."""
        with self.conn() as conn, conn.transaction():
            yield conn

    @contextmanager
    def all_or_nothing(self) -> Iterator[None]:
        """One transaction around the block, used by every store call made inside it;
        inside one already, a savepoint: an error caught outside the inner block undoes
        that block alone."""
        pinned = getattr(self._pinned, "conn", None)
        if pinned is not None:
            with self._errors(), pinned.transaction():
                yield
            return
        with self.conn() as conn, conn.transaction():
            self._pinned.conn = conn
            try:
                yield
            finally:
                self._pinned.conn = None

    def close(self) -> None:
        with self._lock:
            idle, self._idle = self._idle, []
        for conn in idle:
            conn.close()


__all__ = [
    "CONNECT_TIMEOUT",
    "STATEMENT_TIMEOUT",
    "Connections",
    "Timeouts",
    "connect",
    "first_line",
]

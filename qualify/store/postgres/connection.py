"""Connections to the team server: one-line errors, a pool, and all-or-nothing blocks.

Every connection uses the ``qualify`` schema, UTC, and reads JSON back exactly as it
was written. Server errors a user can act on (no connection, no permission, a schema
to upgrade) become one-line :class:`~qualify.store.base.StoreError`s.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import orjson
import psycopg
from psycopg import errors as pgerrors
from psycopg.types.json import set_json_loads
from psycopg_pool import ConnectionPool, PoolTimeout

from qualify.store.base import StoreError
from qualify.store.postgres import migrate
from qualify.store.urls import redact_url

CONNECT_TIMEOUT = 10


def first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def connect(url: str, **kwargs: Any) -> psycopg.Connection[Any]:
    """One autocommit connection with a clear one-line error when the server says no."""
    try:
        conn = psycopg.connect(url, autocommit=True, connect_timeout=CONNECT_TIMEOUT, **kwargs)
    except psycopg.OperationalError as exc:
        raise StoreError(f"cannot connect to {redact_url(url)}: {first_line(exc)}") from None
    except psycopg.ProgrammingError as exc:  # e.g. a URL libpq cannot parse
        raise StoreError(f"cannot use {redact_url(url)}: {first_line(exc)}") from None
    configure(conn)
    return conn


def configure(conn: psycopg.Connection[Any]) -> None:
    """Every connection: our schema, UTC, and JSON read back exactly as it was written."""
    set_json_loads(orjson.loads, conn)
    conn.execute(f"SET search_path = {migrate.SCHEMA_NAME}; SET TIME ZONE 'UTC'")


class Connections:
    """A pool of connections for one login, and the transaction of an all-or-nothing block."""

    def __init__(self, url: str, *, login: str, max_connections: int) -> None:
        self.display_url = redact_url(url)
        self.login = login
        self._pool = ConnectionPool(
            url,
            min_size=1,
            max_size=max_connections,
            kwargs={"autocommit": True, "connect_timeout": CONNECT_TIMEOUT},
            configure=configure,
            open=True,
            timeout=30,
            name="qualify",
        )
        self._pinned = threading.local()
        """The connection of an all_or_nothing block, per thread."""

    @contextmanager
    def conn(self) -> Iterator[psycopg.Connection[Any]]:
        """A pooled connection; server errors become one-line StoreErrors."""
        pinned = getattr(self._pinned, "conn", None)
        try:
            if pinned is not None:  # inside all_or_nothing: its transactions nest (savepoints)
                yield pinned
                return
            with self._pool.connection() as conn:
                yield conn
        except PoolTimeout:
            raise StoreError(f"no connection to {self.display_url} within 30 s") from None
        except pgerrors.InsufficientPrivilege as exc:
            raise StoreError(
                f"permission denied for {self.login}: {first_line(exc)} "
                "(ask whoever runs `qualify db grant` for access)"
            ) from None
        except (pgerrors.UndefinedTable, pgerrors.InvalidSchemaName) as exc:
            raise StoreError(
                f"{self.display_url}: {first_line(exc)}; run `qualify db upgrade`"
            ) from None
        except psycopg.OperationalError as exc:
            raise StoreError(f"{self.display_url}: {first_line(exc)}") from None

    @contextmanager
    def tx(self) -> Iterator[psycopg.Connection[Any]]:
        """One transaction: everything inside commits together or not at all."""
        with self.conn() as conn, conn.transaction():
            yield conn

    @contextmanager
    def all_or_nothing(self) -> Iterator[None]:
        """One transaction around the block, used by every store call made inside it."""
        if getattr(self._pinned, "conn", None) is not None:
            yield  # already inside one
            return
        with self.conn() as conn, conn.transaction():
            self._pinned.conn = conn
            try:
                yield
            finally:
                self._pinned.conn = None

    def close(self) -> None:
        self._pool.close()


__all__ = ["CONNECT_TIMEOUT", "Connections", "connect", "first_line"]

"""Teammates' changes as they commit: LISTEN on ``qualify_changes``.

The server notifies after every committed change of a prospect (its facts, row,
interviews, answers or history; migrations/0004) with digests of the changed ids
(:func:`~qualify.store.base.change_digest`), or ``*`` for a bulk change. NOTIFY knows
nothing of row-level security, so ids are never sent: a listener recognises the
prospects it can see and learns nothing about the others.
"""

from __future__ import annotations

import time
from typing import Any

import psycopg

from qualify.core.phrase import Phrase
from qualify.store.base import Changes, StoreError, Watch
from qualify.store.postgres.connection import Timeouts, connect, first_line
from qualify.store.urls import redact_url

CHANNEL = "qualify_changes"


class ServerWatch(Watch):
    """A connection of its own, listening."""

    def __init__(self, url: str, timeouts: Timeouts) -> None:
        self.url = url
        self._conn: psycopg.Connection[Any] | None = connect(url, timeouts=timeouts)
        try:
            self._conn.execute(f"LISTEN {CHANNEL}")
        except psycopg.Error as exc:
            self.close()
            raise StoreError(
                Phrase(
                    "cannot watch {url}: {error}", url=redact_url(url), error=first_line(exc, url)
                )
            ) from None

    def wait(self, timeout: float) -> Changes:
        conn = self._conn
        if conn is None:
            raise StoreError(Phrase("the watch is closed"))

        digests: set[str] = set()
        everything = False
        deadline = time.monotonic() + timeout
        try:
            while True:
                left = deadline - time.monotonic()
                # the first notification may take the whole timeout; what follows at once
                # is gathered with it
                wait = max(left, 0.0) if not (digests or everything) else 0.05
                got = False
                for note in conn.notifies(timeout=wait, stop_after=1):
                    got = True
                    if note.payload == "*":
                        everything = True
                    else:
                        digests.update(d for d in note.payload.split(",") if d)
                if not got or time.monotonic() >= deadline + 0.2:
                    break
        except psycopg.Error as exc:
            self.close()
            raise StoreError(
                Phrase(
                    "stopped watching {url}: {error}",
                    url=redact_url(self.url),
                    error=first_line(exc, self.url),
                )
            ) from None
        return Changes(digests=frozenset(digests), everything=everything)

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None


__all__ = ["CHANNEL", "ServerWatch"]

"""The shared team store on PostgreSQL (docs/team.md).

Only imported when a ``postgresql://`` store is used, so ``import qualify.store`` stays
free of psycopg. Install it with ``pip install 'qualify[team]'`` (or ``'.[team]'`` in a checkout).
"""

from __future__ import annotations

try:
    import psycopg  # noqa: F401
except ImportError as exc:  # pragma: no cover - depends on the installation
    from qualify.core.phrase import Phrase
    from qualify.store.base import StoreError

    raise StoreError(
        Phrase(
            "the team store needs psycopg ({name} is not installed): pip install 'qualify[team]'",
            name=exc.name,
        )
    ) from None

from qualify.store.postgres.connection import connect
from qualify.store.postgres.store import PostgresStore

__all__ = ["PostgresStore", "connect"]

"""Where prospects, interviews and history are kept.

``open_store(data_dir)`` returns the embedded workspace (one TinyDB file per
prospect, see docs/workspace.md); ``open_store(url="postgresql://...")`` the shared
team store on PostgreSQL (docs/team.md). Importing this package stays cheap: TinyDB,
filelock, orjson and psycopg load only when a store of their kind is opened, and the
names below (the interface, the errors: pydantic's models behind them) when first used,
so a backend's light module (:mod:`.workspace.recent`) imports without them.
"""

from __future__ import annotations

from importlib import import_module
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from qualify.store.base import (
        NotFound,
        StageConflict,
        Store,
        StoreCorrupt,
        StoreError,
        StoreLocked,
    )
    from qualify.store.urls import SERVER_SCHEMES, check_store_url, is_server_url, redact_url
    from qualify.store.workspace.recent import ListRow

_LAZY = {
    **dict.fromkeys(
        ("NotFound", "StageConflict", "Store", "StoreCorrupt", "StoreError", "StoreLocked"),
        "qualify.store.base",
    ),
    **dict.fromkeys(
        ("SERVER_SCHEMES", "check_store_url", "is_server_url", "redact_url"), "qualify.store.urls"
    ),
}


def __getattr__(name: str) -> Any:
    """The names of :data:`_LAZY`, imported on first use (PEP 562)."""
    if name not in _LAZY:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(import_module(_LAZY[name]), name)
    globals()[name] = value
    return value


def open_store(data_dir: Path | None = None, *, url: str | None = None) -> Store:
    """The PostgreSQL store for ``url``; else the workspace in ``data_dir`` (created/migrated)."""
    from qualify.core.phrase import Phrase
    from qualify.store.base import StoreError
    from qualify.store.urls import check_store_url

    if url:
        from qualify.store.postgres import PostgresStore

        return PostgresStore(check_store_url(url))
    if data_dir is None:
        raise StoreError(Phrase("no workspace directory and no --store URL given"))
    from qualify.store.workspace import Workspace

    path = Path(data_dir).expanduser()
    if path.exists() and not path.is_dir():
        raise StoreError(
            Phrase(
                "{path} is a file, not a workspace folder "
                "(choose another with --data-dir or $QUALIFY_DATA_DIR)",
                path=str(path),
            )
        )
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise StoreError(
            Phrase(
                "cannot create the workspace folder {path}: {error} "
                "(choose another with --data-dir or $QUALIFY_DATA_DIR)",
                path=str(path),
                error=exc.strerror or str(exc),
            )
        ) from exc
    return Workspace(path)


def listed_quickly(data_dir: Path | None, *, url: str | None = None) -> list[ListRow] | None:
    """Every prospect's list row, most recently active first, as ``list_prospects`` of
    the store :func:`open_store` would open gives them, read without opening the store
    or importing its models (pydantic: a third of a short command's start), when the
    store can: the embedded workspace, every row exactly as it writes them, no crash to
    repair, every file present. None otherwise: then ``list_prospects``, which also says
    what is wrong."""
    if url or data_dir is None:
        return None
    from qualify.store.workspace.recent import every_row

    return every_row(Path(data_dir).expanduser())


__all__ = [
    "SERVER_SCHEMES",
    "NotFound",
    "StageConflict",
    "Store",
    "StoreCorrupt",
    "StoreError",
    "StoreLocked",
    "check_store_url",
    "is_server_url",
    "listed_quickly",
    "open_store",
    "redact_url",
]

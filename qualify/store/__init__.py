"""Where prospects, interviews and history are kept.

``open_store(data_dir)`` returns the embedded workspace (one TinyDB file per
prospect, see docs/workspace.md); ``open_store(url="postgresql://...")`` the shared
team store on PostgreSQL (docs/team.md). Importing this package stays cheap: TinyDB,
filelock, orjson and psycopg load only when a store of their kind is opened.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from qualify.store.base import NotFound, StageConflict, Store, StoreCorrupt, StoreError, StoreLocked

SERVER_SCHEMES = ("postgresql", "postgres")


def is_server_url(location: str | None) -> bool:
    """Whether a --store value names a PostgreSQL server (rather than nothing)."""
    return bool(location) and urlsplit(str(location)).scheme in SERVER_SCHEMES


def redact_url(url: str) -> str:
    """The URL as it may be shown or logged: never the password."""
    parts = urlsplit(url)
    netloc = parts.netloc
    if "@" in netloc:
        userinfo, _, hostport = netloc.rpartition("@")
        user = userinfo.split(":", 1)[0]
        netloc = f"{user}@{hostport}" if user else hostport
    query = [(k, "***" if k.lower() == "password" else v) for k, v in parse_qsl(parts.query)]
    return urlunsplit((parts.scheme, netloc, parts.path, urlencode(query, safe="/"), ""))


def check_store_url(url: str) -> str:
    """A usable --store value, or a one-line error saying what is expected."""
    if not is_server_url(url):
        raise StoreError(
            f"--store {redact_url(url)!r}: expected a postgresql:// URL, e.g. "
            "postgresql://anna@db.example.com/qualify (leave it out for the embedded workspace)"
        )
    return url


def open_store(data_dir: Path | None = None, *, url: str | None = None) -> Store:
    """The PostgreSQL store for ``url``; else the workspace in ``data_dir`` (created/migrated)."""
    if url:
        from qualify.store.postgres import PostgresStore

        return PostgresStore(check_store_url(url))
    if data_dir is None:
        raise StoreError("no workspace directory and no --store URL given")
    from qualify.store.workspace import Workspace

    path = Path(data_dir).expanduser()
    if path.exists() and not path.is_dir():
        raise StoreError(
            f"{path} is a file, not a workspace folder "
            "(choose another with --data-dir or $QUALIFY_DATA_DIR)"
        )
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise StoreError(
            f"cannot create the workspace folder {path}: {exc.strerror or exc} "
            "(choose another with --data-dir or $QUALIFY_DATA_DIR)"
        ) from exc
    return Workspace(path)


__all__ = [
    "NotFound",
    "StageConflict",
    "Store",
    "StoreCorrupt",
    "StoreError",
    "StoreLocked",
    "check_store_url",
    "is_server_url",
    "open_store",
    "redact_url",
]

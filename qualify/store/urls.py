"""Naming a team server: ``postgresql://`` URLs, checked and shown without their password.

Backend-neutral (the CLI, the app and the PostgreSQL backend all use it) and cheap to
import: no database driver is loaded.
"""

from __future__ import annotations

from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from qualify.store.base import StoreError

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

"""Naming a team server: ``postgresql://`` URLs, checked and shown without their password.

Backend-neutral (the CLI, the app and the PostgreSQL backend all use it) and cheap to
import: no database driver is loaded.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, unquote, urlencode, urlsplit, urlunsplit

from qualify.core.phrase import Phrase
from qualify.store.base import StoreError

SERVER_SCHEMES = ("postgresql", "postgres")
HIDDEN = "***"
_KEYWORD_PASSWORD = re.compile(r"""(password\s*=\s*)('(?:\\.|[^'\\])*'|\S+)""", re.IGNORECASE)


def is_server_url(location: str | None) -> bool:
    """Whether a --store value names a PostgreSQL server (rather than nothing)."""
    return bool(location) and urlsplit(str(location)).scheme in SERVER_SCHEMES


def redact_url(url: str) -> str:
    """The URL (or ``key=value`` connection string) as it may be shown or logged: never
    the password, in whatever form it was given."""
    parts = urlsplit(url)
    if parts.scheme not in SERVER_SCHEMES:
        return _KEYWORD_PASSWORD.sub(lambda m: m.group(1) + HIDDEN, url)
    netloc = parts.netloc
    if "@" in netloc:
        userinfo, _, hostport = netloc.rpartition("@")
        user = userinfo.split(":", 1)[0]
        netloc = f"{user}@{hostport}" if user else hostport
    query = [
        (k, HIDDEN if k.strip().lower() == "password" else v)
        for k, v in parse_qsl(parts.query, keep_blank_values=True)
    ]
    return urlunsplit((parts.scheme, netloc, parts.path, urlencode(query, safe="/*"), ""))


def passwords_in(url: str) -> list[str]:
    """Every password ``url`` carries (as written and decoded), to blank out of messages."""
    found: list[str] = []
    parts = urlsplit(url)
    if parts.scheme in SERVER_SCHEMES:
        userinfo = parts.netloc.rpartition("@")[0]
        if ":" in userinfo:
            found.append(userinfo.split(":", 1)[1])
        found += [v for k, v in parse_qsl(parts.query) if k.strip().lower() == "password"]
        found += [v for v in re.findall(r"(?i)password=([^&]*)", parts.query)]
    else:
        found += [m.group(2).strip("'") for m in _KEYWORD_PASSWORD.finditer(url)]
    found += [unquote(p) for p in found]
    return sorted({p for p in found if p}, key=len, reverse=True)


def scrub(text: str, url: str) -> str:
    """``text`` (say, a server's error message) without any password of ``url``."""
    for secret in passwords_in(url):
        text = text.replace(secret, HIDDEN)
    return _KEYWORD_PASSWORD.sub(lambda m: m.group(1) + HIDDEN, text)


def check_store_url(url: str) -> str:
    """A usable --store value, or a one-line error saying what is expected."""
    if not is_server_url(url):
        raise StoreError(
            Phrase(
                "--store {url}: expected a postgresql:// URL, e.g. "
                "postgresql://anna@db.example.com/qualify (leave it out for the embedded "
                "workspace)",
                url=repr(redact_url(url)),
            )
        )
    return url

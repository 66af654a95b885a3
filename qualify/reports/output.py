"""Getting a report onto disk safely: file names from prospect names, atomic writes.

A report file is either absent, the old file, or the complete new one: never
half written, and never written over an existing file unless asked to.
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

from qualify import atomic
from qualify.core.errors import QualifyError
from qualify.core.phrase import Phrase

_TRANSLITERATE = str.maketrans(
    {
        "ø": "o", "Ø": "O", "æ": "ae", "Æ": "AE", "œ": "oe", "Œ": "OE", "ß": "ss",
        "đ": "d", "Đ": "D", "ł": "l", "Ł": "L", "þ": "th", "Þ": "Th", "ð": "d", "Ð": "D",
        "&": " and ",
    }
)  # fmt: skip
_WINDOWS_RESERVED = {
    "con", "prn", "aux", "nul",
    *(f"com{i}" for i in range(10)),
    *(f"lpt{i}" for i in range(10)),
}  # fmt: skip
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


class OutputExists(QualifyError):
    """Refused to replace an existing file (use --force)."""

    exit_code = 1


def safe_filename(
    name: str, *, suffix: str = "", fallback: str = "prospect", limit: int = 60
) -> str:
    """A portable file name from a prospect's name: ASCII letters, digits, `-`, `_` and `.`.

    No path separators, no `..`, no leading dot (hidden file), no control
    characters, no Windows device names, at most `limit` characters before the
    suffix. "Müller & Søn AV" → "Muller-and-Son-AV".
    """
    text = unicodedata.normalize("NFKD", name.translate(_TRANSLITERATE))
    text = text.encode("ascii", "ignore").decode("ascii")
    text = _UNSAFE.sub("-", text)
    text = re.sub(r"-{2,}", "-", text)
    text = re.sub(r"\.{2,}", ".", text)
    text = text.strip("-._ ")[:limit].rstrip("-._ ")
    if not text or text.split(".")[0].lower() in _WINDOWS_RESERVED:
        text = f"{fallback}-{text}".rstrip("-") if text else fallback
    if suffix and not suffix.startswith("."):
        suffix = "." + suffix
    return text + suffix


def refuse_existing(path: Path, *, force: bool = False) -> None:
    """OutputExists now, before a long report is built, when `path` is a file that would
    be refused anyway (write_atomic still refuses one that appears meanwhile)."""
    if not force and path.exists() and not path.is_dir():
        raise _exists(path)


def write_atomic(path: Path, data: bytes, *, force: bool = False, private: bool = False) -> Path:
    """Write `data` to `path` atomically; refuse to replace an existing file unless `force`.

    The file is readable as the user's umask allows (by the group or a web server where
    it lets them), or by the user alone when `private`."""
    path = Path(path)
    if path.is_dir():
        raise OutputExists(Phrase("{path} is a directory", path=str(path)))
    try:
        return atomic.write_bytes(path, data, replace=force, private=private)
    except FileExistsError:
        raise _exists(path) from None


def _exists(path: Path) -> OutputExists:
    return OutputExists(Phrase("{path} already exists; use --force to replace it", path=str(path)))

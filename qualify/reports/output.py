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
    if path.is_dir():  # (the report goes inside, under a name of its own)
        return
    _landing(Path(path))
    if not force and path.exists():
        raise _exists(path)


def write_atomic(path: Path, data: bytes, *, force: bool = False, private: bool = False) -> Path:
    """Write `data` to `path` atomically; refuse to replace an existing file unless `force`.

    A link to a file is written through (the file it names is replaced, the link kept);
    a device, a pipe, a socket or a link to none of them is refused: a new file in its
    place would take it away (with --force, `-o /dev/full` made /dev/full a file). The
    file is readable as the user's umask allows (by the group or a web server where it
    lets them), or by the user alone when `private`."""
    path = _landing(Path(path))
    try:
        return atomic.write_bytes(path, data, replace=force, private=private)
    except FileExistsError:
        raise _exists(path) from None


def _landing(path: Path) -> Path:
    """Where the file is written: `path`, or the file a link at `path` names; refused
    (OutputExists) when that is a folder or anything but a file."""
    import stat

    target = path
    if path.is_symlink():
        try:
            target = path.resolve(strict=True)
        except (OSError, RuntimeError):  # dangling, or a loop
            target = path
    try:
        mode = target.lstat().st_mode
    except FileNotFoundError:
        if target is not path:  # a link to nothing: a file there would replace the link
            raise _not_a_file(path) from None
        return path
    except OSError:
        return path  # (the write says why)
    if stat.S_ISDIR(mode):
        raise OutputExists(Phrase("{path} is a directory", path=str(path)))
    if not stat.S_ISREG(mode):
        raise _not_a_file(path)
    return target


def _not_a_file(path: Path) -> OutputExists:
    return OutputExists(
        Phrase(
            "{path} is not a file (a device, pipe or broken link): name a file, or leave out "
            "-o to print to standard output",
            path=str(path),
        )
    )


def _exists(path: Path) -> OutputExists:
    return OutputExists(Phrase("{path} already exists; use --force to replace it", path=str(path)))

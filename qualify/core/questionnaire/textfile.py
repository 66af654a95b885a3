"""Reading a YAML file's text, within the size limit: the bytes (at most the limit and
one), why they cannot be read, and their UTF-8 (a bad byte at its line and column).

Question sets, answer files and the other YAML inputs share these; parsing the text is
:mod:`.yamlsource`'s.
"""

from __future__ import annotations

from contextlib import suppress
from pathlib import Path

from qualify.core.errors import QualifyError
from qualify.core.phrase import Phrase
from qualify.core.questionnaire.yamlsource import LIMITS, Problem, QuestionSetError, size_said
from qualify.core.user_files import open_to_read


def decode_text(data: bytes, path: str) -> str:
    """UTF-8 text, or a Problem-carrying ValueError naming the first bad byte's line:col."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        before = data[: exc.start]
        line = before.count(b"\n") + 1
        col = len(before[before.rfind(b"\n") + 1 :].decode("utf-8", "replace")) + 1
        byte = data[exc.start]
        raise TextError(
            Problem(
                path,
                line,
                col,
                Phrase(
                    "not UTF-8 text: byte {byte} cannot be read (save the file as UTF-8)",
                    byte=f"0x{byte:02X}",
                ),
            )
        ) from None


def read_bytes(path: Path, limit: int, what: str) -> bytes:
    """At most `limit` + 1 bytes of a file (the one extra tells "too big"), or one line
    saying why not; `what` names what the file should be ("a question set")."""
    try:
        with open_to_read(path) as handle:
            return handle.read(limit + 1)
    except FileNotFoundError:
        raise UnreadableFile(path, f"{path}: no such file", Phrase("no such file")) from None
    except IsADirectoryError:
        said = Phrase("is a folder, not a file")
        raise UnreadableFile(path, f"{path}: is a folder, not {what}", said) from None
    except OSError as exc:
        error = exc.strerror or str(exc)
        said = Phrase("cannot read it: {error}", error=error)
        raise UnreadableFile(path, f"{path}: cannot read: {error}", said) from None


class UnreadableFile(QualifyError):
    """A file that cannot be opened or read; `reason` says why, without the path (a
    folder of question sets reports it at the file's 1:1 and reads on)."""

    def __init__(self, path: Path, message: str, reason: Phrase) -> None:
        super().__init__(message)
        self.path, self.reason = path, reason


def read_yaml_text(path: Path) -> str:
    """The file's text: at most LIMITS.max_bytes of it, UTF-8, bad bytes at their line:col.
    A file that cannot be read, or is too big, is a problem at its 1:1 (QuestionSetError:
    a folder's other sets are still read); its size is told before its bytes are decoded,
    as the last character read may be cut in two."""
    try:
        data = read_bytes(path, LIMITS.max_bytes, "a question set")
    except UnreadableFile as exc:
        raise QuestionSetError([Problem(str(path), 1, 1, exc.reason)]) from None
    size = None
    if len(data) > LIMITS.max_bytes:
        with suppress(OSError):
            size = path.stat().st_size if path.is_file() else None
    return yaml_text(data, str(path), size)


def yaml_text(data: bytes, path: str, size: int | None = None) -> str:
    """A question set's bytes as text (at most LIMITS.max_bytes + 1 of them, read from a
    file of `size` bytes when known), or QuestionSetError with the one problem."""
    if len(data) > LIMITS.max_bytes:
        raise QuestionSetError([Problem(path, 1, 1, size_said(size, LIMITS))])
    try:
        return decode_text(data, path)
    except TextError as exc:
        raise QuestionSetError([exc.problem]) from None


class TextError(ValueError):
    """A file that is not text we can read; `problem` says where."""

    def __init__(self, problem: Problem) -> None:
        self.problem = problem
        super().__init__(str(problem))

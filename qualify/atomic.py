"""Writing files the way a crash cannot half-do: temp file, fsync, ``os.replace``.

The one atomic writer of qualify: the workspace's prospect files, exports, reports and
question sets saved from the editor all go through it. A temp file is written in the
same directory (same file system, so the rename is atomic), flushed and fsynced, then
renamed over the target, and the directory is fsynced so the rename survives a power
cut. A reader, or the next start after a kill -9, sees the old file or the new one.
"""

from __future__ import annotations

import errno
import os
import secrets
import stat
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import IO

TMP_SUFFIX = ".tmp"
"""Temp files are ``.<name>.<pid>.<random>.tmp``: hidden, unique per writer."""


class NotAFile(OSError):
    """Where qualify keeps a file of its own there is something else: a pipe, a device."""


_READ_FLAGS = (
    os.O_RDONLY
    | getattr(os, "O_NONBLOCK", 0)  # a pipe swapped in after the stat: opened, not waited on
    | getattr(os, "O_NOCTTY", 0)
    | getattr(os, "O_BINARY", 0)
)


def read_whole(path: Path | str) -> bytes:
    """The bytes of a file qualify wrote itself (a prospect file, an index shard, a
    cache entry), read only when it is one: a pipe or a device put in its place is
    NotAFile at once, where a read would wait for a writer that never comes (a folder is
    IsADirectoryError, a missing file FileNotFoundError, as ever). Checked before it is
    opened (a device is never opened), and again once open (one swapped in meanwhile)."""
    return read_whole_stat(path)[0]


def read_whole_stat(path: Path | str) -> tuple[bytes, os.stat_result]:
    """:func:`read_whole`, with the status of the very file read, taken once it was open
    and before a byte was read (a stamp of what was read: see
    :mod:`qualify.store.workspace.revisions`)."""
    if not stat.S_ISREG(_mode(os.stat(path).st_mode, path)):
        raise NotAFile(errno.EINVAL, "not a regular file (a pipe or a device)", str(path))
    fd = os.open(path, _READ_FLAGS)
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(_mode(info.st_mode, path)):
            raise NotAFile(errno.EINVAL, "not a regular file (a pipe or a device)", str(path))
        chunks = []
        at_once = max(info.st_size + 1, 65536)  # a whole file in one read, then its end
        while chunk := os.read(fd, at_once):
            chunks.append(chunk)
        return b"".join(chunks), info
    finally:
        os.close(fd)


def _mode(mode: int, path: Path | str) -> int:
    if stat.S_ISDIR(mode):
        raise IsADirectoryError(errno.EISDIR, "is a directory", str(path))
    return mode


_WINDOWS = os.name == "nt"


def fsync_dir(directory: Path) -> None:
    """Make a rename in ``directory`` survive a power cut (a no-op where dirs cannot be opened)."""
    if _WINDOWS:
        return
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def tmp_path(path: Path) -> Path:
    """Where the next version of ``path`` is written before it replaces it."""
    return path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}{TMP_SUFFIX}")


def replace_file(src: Path, dst: Path) -> None:
    """`os.replace`, patient with Windows readers that briefly hold `dst` open."""
    # On Windows a reader holding dst open makes the rename fail briefly; retry for ~1 s.
    for attempt in range(50 if _WINDOWS else 1):
        try:
            os.replace(src, dst)
            return
        except PermissionError:
            if not _WINDOWS or attempt == 49:
                raise
            time.sleep(0.02)


def _open_tmp(path: Path, mode: int = 0o666) -> tuple[Path, IO[bytes]]:
    """A new temp file beside ``path``, created with ``mode`` less the umask (0o666: a
    file like any other the user makes; 0o600: readable by the user alone)."""
    tmp = tmp_path(path)

    def create() -> IO[bytes]:
        flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
        return os.fdopen(os.open(tmp, flags, mode), "wb")

    try:
        return tmp, create()
    except FileNotFoundError:
        path.parent.mkdir(parents=True, exist_ok=True)
        return tmp, create()


def _current_mode(path: Path) -> int | None:
    try:
        return path.stat().st_mode & 0o777
    except OSError:
        return None


def write_bytes(
    path: Path,
    payload: bytes,
    *,
    durable: bool = True,
    replace: bool = True,
    keep_mode: bool = False,
    private: bool = False,
    before_replace: Callable[[Path], None] | None = None,
) -> Path:
    """Write ``payload`` to ``path`` all at once; on any error ``path`` is untouched.

    ``replace=False`` never clobbers: if ``path`` exists (or appears meanwhile)
    FileExistsError is raised and nothing is written. The new file's permissions follow
    the umask (0o666 less it, as any file the user makes), ``private`` makes it 0o600,
    and ``keep_mode`` gives it those of the file it replaces. ``before_replace(path)``
    runs just before the rename (the workspace links a backup of the old version there).
    """
    path = Path(path)
    if not replace and path.exists():
        raise FileExistsError(path)
    mode = _current_mode(path) if keep_mode else None
    try:
        tmp, handle = _open_tmp(path, 0o600 if private else 0o666)
    except OSError as exc:
        raise _naming(exc, path) from exc
    try:
        with handle:
            handle.write(payload)
            handle.flush()
            if durable:
                os.fsync(handle.fileno())
        if mode is not None:
            os.chmod(tmp, mode)
        if before_replace is not None:
            before_replace(path)
        if replace:
            replace_file(tmp, path)
        else:
            _link_new(tmp, path)
    except OSError as exc:
        with suppress(OSError):
            tmp.unlink()
        if isinstance(exc, FileExistsError):
            raise
        raise _naming(exc, path) from exc
    except BaseException:
        with suppress(OSError):
            tmp.unlink()
        raise
    if durable:
        fsync_dir(path.parent)
    return path


def _naming(exc: OSError, path: Path) -> OSError:
    """The same error, naming the file the user asked for, not our hidden temp file."""
    return type(exc)(exc.errno, exc.strerror or str(exc), str(path))


def _link_new(tmp: Path, path: Path) -> None:
    """Put ``tmp`` at ``path`` only if nothing is there: a hard link fails if it exists."""
    try:
        os.link(tmp, path)
    except FileExistsError:
        raise
    except OSError:  # a file system without hard links
        if path.exists():
            raise FileExistsError(path) from None
        replace_file(tmp, path)
        return
    tmp.unlink()


def write_text(path: Path, text: str, **options: object) -> Path:
    """:func:`write_bytes` for text, as UTF-8 with the newlines given."""
    return write_bytes(path, text.encode("utf-8"), **options)  # type: ignore[arg-type]


def write_many(
    items: Iterable[tuple[Path, bytes]],
    *,
    durable: bool = True,
    before_replace: Callable[[Path], None] | None = None,
) -> None:
    """Write many files with one sync instead of one fsync each (bulk loads, migration,
    a re-score of thousands of prospects).

    Every temp file is written, then synced, and only then renamed into place, so a
    power cut never leaves a renamed-but-empty file; each rename is still atomic.
    ``before_replace(path)`` runs just before each rename (a backup of what it replaces).
    """
    items = list(items)
    pending: list[tuple[Path, Path]] = []
    renamed = 0
    try:
        for path, payload in items:
            tmp, handle = _open_tmp(path)
            pending.append((tmp, path))
            with handle:
                handle.write(payload)
                if durable and not hasattr(os, "sync"):
                    handle.flush()
                    os.fsync(handle.fileno())
        if durable and hasattr(os, "sync"):
            os.sync()
        for done, (tmp, path) in enumerate(pending):
            if before_replace is not None:
                before_replace(path)
            replace_file(tmp, path)
            renamed = done + 1
    except BaseException:
        for tmp, _ in pending[renamed:]:
            with suppress(OSError):
                tmp.unlink()
        raise
    if durable:
        for directory in {path.parent for path, _ in items}:
            fsync_dir(directory)


@contextmanager
def streaming(path: Path, *, durable: bool = True) -> Iterator[IO[bytes]]:
    """Stream into a temp file; it replaces ``path`` only if the block finishes. A write
    error (a full disk, a folder that is a file…) names ``path``, not the temp file."""
    path = Path(path)
    try:
        tmp, handle = _open_tmp(path)
    except OSError as exc:
        raise _naming(exc, path) from exc
    try:
        with handle:
            yield handle
            handle.flush()
            if durable:
                os.fsync(handle.fileno())
        replace_file(tmp, path)
    except OSError as exc:
        with suppress(OSError):
            tmp.unlink()
        if exc.filename not in (None, str(tmp), tmp):
            raise  # an error of another file (a read inside the block): its own name
        raise _naming(exc, path) from exc
    except BaseException:
        with suppress(OSError):
            tmp.unlink()
        raise
    if durable:
        fsync_dir(path.parent)


def clean_tmp_files(directories: Iterable[Path]) -> int:
    """Remove temp files left by killed writers; only while no writer can be running."""
    removed = 0
    for directory in directories:
        try:
            entries = list(os.scandir(directory))
        except (FileNotFoundError, NotADirectoryError):
            continue
        for entry in entries:
            if entry.name.startswith(".") and entry.name.endswith(TMP_SUFFIX):
                with suppress(FileNotFoundError):
                    os.unlink(entry.path)
                    removed += 1
    return removed

"""A cache of validated question sets, keyed by their content, in the user cache dir.

Parsing and checking the question sets (YAML, every rule, every condition) is most of
what a short command such as `qualify answer` would spend; the result depends only on
the files' bytes, their names and this code. So the checked result is kept, pickled,
under a key made of all three:

- **never stale**: the key is a hash of every file's name and bytes, the folder's name,
  and qualify's version, Python's and pydantic's, and the size and time of every module
  of :mod:`qualify.core` (an edited checkout misses, as a new release does). A folder
  that changes while it is being parsed is not stored.
- **safe against concurrent writers**: an entry is written to a temp file and renamed
  into place (:mod:`qualify.atomic`); two writers write the same bytes.
- **safe against corrupt entries**: each entry carries a hash of its payload, checked
  before it is read; an entry that is truncated, altered or unreadable for any other
  reason is ignored and the files are parsed again (and the entry rewritten).

Where: ``$QUALIFY_CACHE_DIR`` if set, else the platform's user cache dir (``qualify
paths`` prints it). Deleting the folder clears it; ``QUALIFY_CACHE_DIR=off`` turns it
off. At most :data:`KEEP` entries are kept, the oldest removed first.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import sys
from collections.abc import Callable
from contextlib import suppress
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    from qualify.core.questionnaire import Catalog, Problem, QuestionSet

T = TypeVar("T")

MAGIC = b"qualify-cache-2\n"
"""The entries' format: 2 since problems carry their message as a phrase (translatable)."""
DIGEST = 32
KEEP = 200
"""Entries kept at most (each a catalog or one question set, some kB to a few hundred)."""
_PACKAGE = Path(__file__).resolve().parent
CORE = ("core",)
"""The code a checked set depends on: :mod:`qualify.core`."""


@cache
def _code(scope: tuple[str, ...] = CORE) -> bytes:
    """What a result depends on besides its input: the code that made it (the modules,
    and the message catalogs, of the packages of qualify named in ``scope``). Pydantic's
    version is read from its version module, not imported: a key for plain data
    (:func:`derived`) costs no pydantic."""
    from importlib.util import find_spec

    from qualify import __version__

    spec = find_spec("pydantic")
    version = Path(spec.origin).with_name("version.py") if spec and spec.origin else None
    try:
        pydantic = version.read_bytes() if version is not None else b"?"
    except OSError:
        pydantic = b"?"
    parts = [__version__, sys.version, pydantic.decode("utf-8", "replace")]
    folders = [_PACKAGE / name for name in scope]
    while folders:
        with os.scandir(folders.pop()) as entries:
            for entry in sorted(entries, key=lambda e: e.name):
                if entry.is_dir() and not entry.name.startswith(("_", ".")):
                    folders.append(Path(entry.path))
                elif entry.name.endswith((".py", ".mo")):
                    stat = entry.stat()
                    parts.append(f"{entry.path}:{stat.st_size}:{stat.st_mtime_ns}")
    return "\n".join(parts).encode()


def _key(kind: str, content: bytes, scope: tuple[str, ...] = CORE) -> str:
    digest = hashlib.blake2b(_code(scope), digest_size=20)
    digest.update(kind.encode() + b"\0")
    digest.update(content)
    return digest.hexdigest()


def _read(path: Path) -> Any:
    """The entry at ``path``; None when there is none or it is not whole and intact."""
    from qualify.atomic import read_whole

    try:
        data = read_whole(path)
    except OSError:
        return None
    head = len(MAGIC)
    if data[:head] != MAGIC:
        return None
    digest, payload = data[head : head + DIGEST], data[head + DIGEST :]
    if hashlib.blake2b(payload, digest_size=DIGEST).digest() != digest:
        return None
    try:
        return pickle.loads(payload)
    except Exception:  # an entry of code that no longer fits: parse again
        return None


def _write(folder: Path, path: Path, value: object, *, private: bool = False) -> None:
    """Store an entry (best effort: a read-only or full disk only costs the next parse)."""
    from qualify.atomic import write_bytes

    try:
        payload = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
    except Exception:
        return
    digest = hashlib.blake2b(payload, digest_size=DIGEST).digest()
    try:
        folder.mkdir(parents=True, exist_ok=True)
        write_bytes(path, MAGIC + digest + payload, durable=False, private=private)
        _prune(folder)
    except OSError:
        pass


def _prune(folder: Path) -> None:
    with os.scandir(folder) as entries:
        found = [e for e in entries if e.name.endswith(".pickle")]
    if len(found) <= KEEP:
        return
    found.sort(key=lambda e: e.stat().st_mtime_ns)
    for entry in found[: len(found) - KEEP]:
        with suppress(OSError):
            os.unlink(entry.path)


def read_entry(kind: str, content: bytes, scope: tuple[str, ...]) -> Any:
    """What :func:`write_entry` kept for ``kind`` and ``content`` by the same code (that
    of the packages in ``scope``); None when nothing intact is kept, or caching is off."""
    from qualify.paths import cache_dir

    folder = cache_dir()
    return None if folder is None else _read(folder / f"{_key(kind, content, scope)}.pickle")


def write_entry(kind: str, content: bytes, scope: tuple[str, ...], value: object) -> None:
    """Keep ``value`` for :func:`read_entry` (best effort, as every entry), readable by
    the user alone: unlike a checked set, it may hold what was typed about prospects."""
    from qualify.paths import cache_dir

    folder = cache_dir()
    if folder is not None:
        _write(folder, folder / f"{_key(kind, content, scope)}.pickle", value, private=True)


def cached(kind: str, content: bytes, build: Callable[[], T]) -> T:
    """``build()``, or what it returned before for the same ``kind`` and ``content``."""
    from qualify.paths import cache_dir

    folder = cache_dir()
    if folder is None:
        return build()
    path = folder / f"{_key(kind, content)}.pickle"
    found = _read(path)
    if found is not None:
        return found  # type: ignore[no-any-return]
    value = build()
    _write(folder, path, value)
    return value


def _folder_content(directory: Path) -> bytes | None:
    """The folder's name and every question-set file's name, size and bytes as
    load_catalog reads them (no more than the size limit and one: a bigger file is
    refused from those, and its size); None when they cannot all be read (load_catalog
    says why)."""
    from qualify.core.questionnaire.yamlsource import LIMITS

    parts = [str(directory).encode()]
    try:
        names = sorted(
            p for p in directory.iterdir() if p.suffix in (".yaml", ".yml") and p.is_file()
        )
        for path in names:
            with open(path, "rb") as handle:
                data = handle.read(LIMITS.max_bytes + 1)
                size = os.fstat(handle.fileno()).st_size
            parts.append(f"\0{path.name}\0{size}\0{len(data)}\0".encode() + data)
    except OSError:
        return None
    return b"".join(parts)


def load_catalog(directory: Path) -> Catalog:
    """The question sets and pipeline of ``directory``, checked as
    :func:`qualify.core.questionnaire.load_catalog` checks them, from the cache when the
    files are those of an earlier run."""

    def parse() -> Catalog:  # the loader and its checks: only on a miss
        from qualify.core.questionnaire.loader import load_catalog as parse

        return parse(Path(directory))

    return derived("catalog", directory, parse)


def derived(
    kind: str,
    directory: Path,
    build: Callable[[], T],
    *,
    depends: tuple[bytes, ...] = (),
    scope: tuple[str, ...] = CORE,
) -> T:
    """``build()``, worked out from the question-set files of ``directory`` (the catalog
    itself, or a few facts of it), or what it returned before for the same files,
    ``depends`` and code (that of the packages in ``scope``). A folder edited while
    ``build`` ran is not stored.

    A fact kept as plain data (str, numbers, dicts of them) unpickles without importing
    a model, so a caller that needs only a few facts of the sets (the app's first page:
    stage titles, band words) skips the models' import."""
    from qualify.paths import cache_dir

    directory = Path(directory)
    folder = cache_dir()
    content = _folder_content(directory) if folder is not None and directory.is_dir() else None
    if folder is None or content is None:
        return build()
    key = _key(kind, b"\0".join((content, *depends)), scope)
    path = folder / f"{key}.pickle"
    found = _read(path)
    if found is not None:
        return found  # type: ignore[no-any-return]
    value = build()
    if _folder_content(directory) == content:  # not edited while it was built
        _write(folder, path, value)
    return value


def parse_question_set(text: str, name: str) -> tuple[QuestionSet | None, list[Problem]]:
    """:func:`qualify.core.questionnaire.parse_question_set` of one set's text (its
    problems named after ``name``), from the cache when the same text was checked before."""

    def parse() -> tuple[QuestionSet | None, list[Problem]]:  # only on a miss
        from qualify.core.questionnaire.loader import parse_question_set

        return parse_question_set(text, name)

    content = name.encode() + b"\0" + text.encode("utf-8", "surrogatepass")
    return cached("set", content, parse)


def question_set(data: dict[str, Any], content: bytes | None = None) -> QuestionSet:
    """A question-set snapshot (its JSON document) validated, from the cache when the same
    document was validated before. ``content`` is the document's bytes, if at hand."""
    from qualify.core.questionnaire.model import QuestionSet

    if content is None:
        import orjson

        content = orjson.dumps(data, option=orjson.OPT_SORT_KEYS)
    key = hashlib.blake2b(content, digest_size=20).digest()
    found = _snapshots.get(key)
    if found is None:
        found = cached("snapshot", content, lambda: QuestionSet.model_validate(data))
        if len(_snapshots) >= KEEP:
            _snapshots.clear()
        _snapshots[key] = found
    return found


_snapshots: dict[bytes, QuestionSet] = {}
"""Snapshots validated in this process, by content (immutable: shared safely)."""


__all__ = [
    "cached",
    "derived",
    "load_catalog",
    "parse_question_set",
    "question_set",
    "read_entry",
    "write_entry",
]

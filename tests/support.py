"""What every test folder shares: the rule for what a test may skip.

Importable as ``support`` in every import mode (tests/ is on pytest's ``pythonpath``).
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

import pytest

if TYPE_CHECKING:
    from click.testing import Result

STRICT = (
    os.environ.get("CI", "").lower() in ("1", "true", "yes")
    or os.environ.get("QUALIFY_REQUIRE_ALL") == "1"
)
"""In CI every tool a test needs must be there."""


def unavailable(reason: str) -> NoReturn:
    """Skip (on a developer's machine) or fail (in CI) a test whose tool is missing."""
    if STRICT:
        pytest.fail(f"{reason} — CI needs it (no silent skips)", pytrace=False)
    pytest.skip(reason)


def qualify_cli(
    data_dir: Path | None,
    *args: str,
    questionnaires: Path | None = None,
    stdin: str | bytes | None = None,
    env: Mapping[str, str] | None = None,
) -> Result:
    """Run `qualify [--data-dir D] [--questionnaires Q] ARGS` in-process, as a user would
    type it; whatever the exit status, it never ends in an internal error or a traceback."""
    from click.testing import CliRunner

    from qualify.cli import main

    base = ["--data-dir", str(data_dir)] if data_dir is not None else []
    if questionnaires is not None:
        base += ["--questionnaires", str(questionnaires)]
    result = CliRunner().invoke(main, [*base, *args], input=stdin, env=env)
    output = result.stdout + result.stderr
    assert "internal error" not in output and "Traceback" not in output, output
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result


def spy_reads(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    """Every file read from now on (until ``monkeypatch.undo()``), in order: qualify's own
    files are read by ``atomic.read_whole`` (``os.open``, read-only), anything else by
    ``Path.read_bytes``. A folder opened to fsync it is not a read."""
    reads: list[Path] = []
    real_open, real_read = os.open, Path.read_bytes

    def opened(path: os.PathLike[str] | str, flags: int, *args: object, **kwargs: object) -> int:
        if not flags & (os.O_WRONLY | os.O_RDWR) and os.path.isfile(path):
            reads.append(Path(path))
        return real_open(path, flags, *args, **kwargs)  # type: ignore[arg-type]

    def read_bytes(path: Path) -> bytes:
        reads.append(path)
        return real_read(path)

    monkeypatch.setattr(os, "open", opened)
    monkeypatch.setattr(Path, "read_bytes", read_bytes)
    return reads


def deny_reading(monkeypatch: pytest.MonkeyPatch, path: Path) -> None:
    """Reading ``path`` fails as a file that is not ours to read does (tests run as root,
    whom permissions never stop)."""
    real_open = os.open

    def denied(target: os.PathLike[str] | str, flags: int, *args: object, **kwargs: object) -> int:
        if Path(target) == path and not flags & (os.O_WRONLY | os.O_RDWR):
            raise PermissionError(13, "Permission denied", str(target))
        return real_open(target, flags, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "open", denied)


def bumped_sets(source: Path, target: Path) -> None:
    """The sets one version newer, each first section weighted one more: every interview
    taken with them scores differently now."""
    shutil.copytree(source, target)
    for path in target.glob("*.yaml"):
        if path.stem == "pipeline":
            continue
        text = path.read_text("utf-8")
        for pattern, bumped in (
            (r"^version: *(\d+)", lambda m: f"version: {int(m[1]) + 1}"),
            (r"^(    weight: *)(\d+)", lambda m: f"{m[1]}{int(m[2]) + 1}"),
        ):
            text = re.sub(pattern, bumped, text, count=1, flags=re.M)
        path.write_text(text, "utf-8")


def callers_of(
    monkeypatch: pytest.MonkeyPatch, owner: object, name: str, log: Path
) -> Callable[[], set[int]]:
    """From now on each call of ``owner.name`` writes its process id to `log` first (in
    a forked worker too); returns what gives the ids of the processes that called it."""
    real = getattr(owner, name)

    def logged(*args: Any, **kwargs: Any) -> Any:
        with log.open("a") as out:
            out.write(f"{os.getpid()}\n")
        return real(*args, **kwargs)

    monkeypatch.setattr(owner, name, logged)
    return lambda: {int(pid) for pid in log.read_text().split()} if log.exists() else set()


def workers_for_tests(monkeypatch: pytest.MonkeyPatch, chunk: int) -> None:
    """qualify.workers starts workers for any number of prospects, `chunk` to a run,
    forked (what a test patches here, a worker does too), whatever threads an earlier
    test left running; how many is the test's to say (``workers._cores``)."""
    import multiprocessing

    from qualify import workers

    monkeypatch.setattr(workers, "_context", lambda: multiprocessing.get_context("fork"))
    monkeypatch.setattr(workers, "MIN_PROSPECTS", 0)
    monkeypatch.setattr(workers, "CHUNK", chunk)


def done_without_a_writer(pipe: Path, command: Callable[[], Result], what: str) -> Result:
    """`command`'s result, when it reads the named pipe `pipe`, which nobody writes to,
    without waiting (30 s at most; then the pipe is unblocked and the test fails, saying
    `what` waited)."""
    import threading

    found: list[Result] = []
    runner = threading.Thread(target=lambda: found.append(command()))
    runner.start()
    runner.join(timeout=30)
    if runner.is_alive():  # (unblock it: a writer that closes at once)
        os.close(os.open(pipe, os.O_WRONLY | os.O_NONBLOCK))
        runner.join()
        pytest.fail(f"{what} waited for a writer")
    (result,) = found
    return result

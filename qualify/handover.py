"""Handing a command to the resident process, when one runs (`qualify resident start`).

A short command's time is nearly all start-up: the interpreter, then click and pydantic
and qualify's modules, some 200 ms for a few of work. The resident process has them
loaded, and forks a copy of itself for each command: the copy takes this process's
arguments, working directory, environment, umask and standard streams (the file
descriptors themselves), runs the command exactly as this process would, and sends back
its exit status. This module is what the `qualify` process runs first: the standard
library only, so that handing a command over costs a bare interpreter start and a
socket round trip.

Nothing is handed over unless all of this holds, else the command runs here as always:
the process is the installed `qualify` and its command one of :data:`HANDED`, with no
argument naming a descriptor (``<(…)``: only the standard streams go over);
$QUALIFY_RESIDENT is not ``off``; the socket's folder belongs to this user and no one
else may enter it; a resident process answers there, started by the same interpreter
with the same module path and flags, and none of its code changed since it started.
Once the resident process has said it runs the command, the command is never run again
here: it may have written.
"""

from __future__ import annotations

import contextlib
import os
import signal
import stat
import sys
import zlib
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import socket

# `json` and `socket` are imported once a resident's folder is there: a user who never
# started one pays nothing for them (14 ms of every command's start).

HANDED = frozenset(
    {
        "advance",
        "agenda",
        "answer",
        "compare",
        "decline",
        "hold",
        "meet",
        "paths",
        "prospect",
        "reopen",
        "report",
        "review",
        "score",
        "undo",
        "validate",
        "whoami",
    }
)
"""The commands a resident process runs: short and non-interactive. Not the app (it owns
the terminal), nor the commands that run for long or talk to the team server's schema
(demo, import, sync, db, doctor, rescore...): start-up is not what they wait on."""

_VALUED = frozenset({"--data-dir", "--questionnaires", "--store", "--lang"})
"""The global options that take a value (qualify.cli.main's)."""

OFF = ("0", "off", "no", "false")
FORWARDED = ("SIGINT", "SIGTERM", "SIGHUP", "SIGQUIT")
"""The signals meant for the command that reach this process (Ctrl-C, a kill, a closed
terminal): passed on, unless this process ignores them, as the command then does."""
PROTOCOL = 1


def command_of(args: list[str]) -> str | None:
    """The command `args` (argv without the program) run, past the global options; None
    when it is not plain which (an option this does not know, --help, --version)."""
    i = 0
    while i < len(args):
        arg = args[i]
        if arg in _VALUED:
            i += 2
            continue
        if arg.startswith("--") and arg.split("=", 1)[0] in _VALUED and "=" in arg:
            i += 1
            continue
        if arg.startswith("-"):
            return None
        return arg
    return None


def interpreter_key() -> str:
    """What a resident process must share with a command to run it: the interpreter, its
    environment (venv), version and flags, and where modules are found (a $PYTHONPATH
    of its own is another qualify). The script's own folder (the first entry) is left
    out: the installed command's and the resident process's differ, and neither holds
    qualify."""
    import json

    return json.dumps(
        [
            os.path.realpath(sys.executable),  # `python` or `python3` of one venv: one
            sys.prefix,
            sys.version,
            sys.path[1:],
            list(sys.flags),
            sys.warnoptions,
            sorted(sys._xoptions.items(), key=str),
            PROTOCOL,
        ]
    )


def socket_folder() -> str | None:
    """The folder of this user's resident sockets ($XDG_RUNTIME_DIR, else the temporary
    folder, else /tmp: the first where a socket's path is short enough), or None on a
    system without Unix sockets and descriptor passing."""
    import socket

    if not hasattr(socket, "send_fds"):
        return None
    return _folder_named()


def _folder_named() -> str | None:
    """Where :func:`socket_folder` looks, found without `socket` (it may not exist)."""
    if not hasattr(os, "getuid"):
        return None
    name = f"qualify-resident-{os.getuid()}"
    for base in (os.environ.get("XDG_RUNTIME_DIR"), os.environ.get("TMPDIR"), "/tmp"):
        # a socket's path has at most 103 bytes on macOS (107 on Linux)
        if base and len(os.fsencode(socket_path(os.path.join(base, name), ""))) <= 103:
            return os.path.join(base, name)
    return None


def safe_folder(folder: str) -> bool:
    """Only this user may create, replace or reach a socket in `folder`: a folder of
    theirs, not a link, that no one else may write to or enter."""
    try:
        found = os.lstat(folder)
    except OSError:
        return False
    return (
        stat.S_ISDIR(found.st_mode) and found.st_uid == os.getuid() and found.st_mode & 0o077 == 0
    )


def socket_path(folder: str, key: str) -> str:
    return os.path.join(folder, f"{zlib.crc32(key.encode()):08x}.sock")


def connect(key: str) -> socket.socket | None:
    """A connection to the resident process of `key` (:func:`interpreter_key`), or None
    when none answers."""
    folder = socket_folder()
    if folder is None or not safe_folder(folder):
        return None
    import socket

    path = socket_path(folder, key)
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        sock.connect(path)
    except OSError:
        sock.close()
        return None
    return sock


def send_request(sock: socket.socket, request: dict, fds: Sequence[int] = ()) -> None:
    """One request: its length, then its JSON, the descriptors riding on the first bytes."""
    import json
    import socket

    body = json.dumps(request).encode()
    head = len(body).to_bytes(4, "big")
    if fds:
        sent = socket.send_fds(sock, [head + body], list(fds))
        if sent < len(head) + len(body):
            sock.sendall((head + body)[sent:])
    else:
        sock.sendall(head + body)


def read_line(sock: socket.socket, pending: bytearray) -> str | None:
    """The next line the resident process (or its command's copy) sent; None at the end."""
    while b"\n" not in pending:
        chunk = sock.recv(256)
        if not chunk:
            return None
        pending.extend(chunk)
    line, _, rest = bytes(pending).partition(b"\n")
    pending[:] = rest
    return line.decode("ascii", "replace")


def handed_over(argv: list[str]) -> int | None:
    """Run the command of `argv` in the resident process: its exit status; None when
    it is not handed over (run it here)."""
    if os.environ.get("QUALIFY_RESIDENT", "").strip().lower() in OFF:
        return None
    if argv[0].endswith("__main__.py") or command_of(argv[1:]) not in HANDED:
        return None  # `python -m qualify` names itself otherwise in messages
    if any(_names_a_descriptor(arg) for arg in argv[1:]):
        return None  # `--from <(…)`: the descriptor is this process's, not the copy's
    if not _standard_streams_open():
        return None  # a closed one: the socket could take its number
    folder = _folder_named()
    if folder is None or not os.path.isdir(folder):
        return None  # no resident process started here: nothing more to look at
    key = interpreter_key()
    sock = connect(key)
    if sock is None:
        return None
    try:
        with sock, _Forwarding() as signals:
            pending = bytearray()
            try:
                request = {
                    "op": "run",
                    "key": key,
                    "argv": argv,
                    "cwd": os.getcwd(),  # gone: it says so the usual way
                    "env": dict(os.environ),
                    "umask": _umask(),
                    "streams": [_stream(s) for s in (sys.stdin, sys.stdout, sys.stderr)],
                    "ignored": signals.ignored,  # e.g. SIGINT, in a script's background job
                }
                send_request(sock, request, [0, 1, 2])
                reply = read_line(sock, pending)
            except (OSError, ValueError):  # a closed standard stream, a process gone
                return None
            if reply is None or not reply.startswith("pid "):
                return None  # "stale", "other": it ends or serves another qualify
            pid = int(reply[4:])
            signals.to(pid)
            return _wait(sock, pid, pending)
    except KeyboardInterrupt:  # Ctrl-C before it was handed over: not run at all
        sys.stderr.write(_said(lambda _: _("qualify: interrupted"), "qualify: interrupted") + "\n")
        return 130


class _Forwarding:
    """The signals meant for the command (:data:`FORWARDED`), caught from before the
    request goes: passed on to the command's process once it is known (a Ctrl-C
    pressed meanwhile too, so a command the user stopped does not run on unaware);
    when the command is not handed over after all, the handlers are put back and a
    signal caught meanwhile is raised again, as it would have stopped this process."""

    def __init__(self) -> None:
        self.ignored = [
            name
            for name in FORWARDED
            if hasattr(signal, name) and signal.getsignal(getattr(signal, name)) == signal.SIG_IGN
        ]
        self._pid: int | None = None
        self._caught: list[int] = []
        self._before: dict[int, object] = {}

    def __enter__(self) -> _Forwarding:
        for name in FORWARDED:
            if hasattr(signal, name) and name not in self.ignored:
                number = getattr(signal, name)
                self._before[number] = signal.signal(number, self._forward)
        return self

    def _forward(self, signum: int, _frame: object) -> None:
        if self._pid is None:
            self._caught.append(signum)
            return
        with contextlib.suppress(OSError):
            os.kill(self._pid, signum)

    def to(self, pid: int) -> None:
        self._pid = pid
        for signum in self._caught:
            self._forward(signum, None)
        self._caught.clear()

    def __exit__(self, *_exc: object) -> None:
        for number, handler in self._before.items():
            signal.signal(number, handler)  # type: ignore[arg-type]
        if self._caught:  # not handed over: as if it had reached this process
            signal.raise_signal(self._caught[0])


def _wait(sock: socket.socket, pid: int, pending: bytearray) -> int:
    """Wait for the command's exit status (signals go on to it: :class:`_Forwarding`)."""
    while True:
        try:
            line = read_line(sock, pending)
        except InterruptedError:
            continue
        except OSError:
            line = None
        if line is None:
            sys.stderr.write(f"qualify: {_ended_without_status(pid)}\n")
            return 1
        if line.startswith("exit "):
            return int(line[5:])


def _ended_without_status(pid: int) -> str:
    english = "the command's process (pid {pid}) ended without an exit status"
    pick = lambda _: _("the command's process (pid {pid}) ended without an exit status")  # noqa: E731
    return _said(pick, english).format(pid=pid)


def _said(pick: Callable[[Callable[[str], str]], str], english: str) -> str:
    """A message for a rare end (a command's process killed, a Ctrl-C before it was
    handed over) in the user's language: only then are the message catalogs loaded."""
    try:
        from qualify.i18n import _, choose_language, use_language

        with use_language(choose_language()):
            return pick(_)
    except Exception:  # the English line, whatever broke
        return english


def _names_a_descriptor(arg: str) -> bool:
    """`arg` names an open descriptor of this process (a shell's `<(…)` is /dev/fd/63):
    only its standard streams go to the copy."""
    return "/dev/fd/" in arg or ("/proc/" in arg and "/fd/" in arg)


def _standard_streams_open() -> bool:
    for stream, fd in ((sys.stdin, 0), (sys.stdout, 1), (sys.stderr, 2)):
        if stream is None:
            return False
        try:
            os.fstat(fd)
        except OSError:
            return False
    return True


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def _stream(stream: object) -> dict | None:
    """How Python set up a standard stream here (from the locale, $PYTHONIOENCODING,
    UTF-8 mode): the command's copy sets its own up the same way."""
    if stream is None:
        return None
    return {
        "encoding": getattr(stream, "encoding", None),
        "errors": getattr(stream, "errors", None),
        "line_buffering": getattr(stream, "line_buffering", False),
    }

"""The resident process: qualify loaded once, a forked copy of it per command.

`qualify resident start` starts it (it ends after --idle minutes without a command,
or with `qualify resident stop`); :mod:`qualify.handover` hands it the short
commands. Started, it runs the handed commands once on a throwaway workspace, so that
every module they import and every model they build is ready before the first real
command (and frozen: the collector never scans them again, and the copies share their
memory). Each command then runs in a fork: a process of its own, exactly as a
`qualify` started from the shell, with the caller's arguments, folder, environment,
umask and standard streams. What it writes, it writes as such a process does (the same
atomic writes and lock), so a resident process changes how fast a command starts and
nothing else.

Before each command it checks that none of the code it loaded changed (an upgrade, an
edit): if any did, it says so, and ends, and the command runs the usual way.
"""

from __future__ import annotations

import atexit
import contextlib
import fcntl
import gc
import importlib
import io
import json
import os
import select
import signal
import socket
import struct
import sys
import time
from pathlib import Path
from typing import Any

import click

from qualify.cli.env import _, fail, say
from qualify.handover import (
    FORWARDED,
    HANDED,
    connect,
    interpreter_key,
    read_line,
    safe_folder,
    send_request,
    socket_folder,
    socket_path,
)

IDLE_MINUTES = 30
READY_SECONDS = 60
"""How long `start` waits for the resident process to be ready (the warm-up)."""


# ------------------------------------------------------------------ the commands


@click.group()
def resident() -> None:
    """Keep qualify loaded in a resident process, so that short commands (answer,
    prospect show, score, validate...) start in a few milliseconds.

    Each command still runs in a process of its own, with your arguments, folder,
    environment and terminal (README: "Many commands in a row").
    """


@resident.command()
@click.option(
    "--idle",
    type=click.IntRange(1, 24 * 60),
    default=IDLE_MINUTES,
    show_default=True,
    metavar="MINUTES",
    help="End after this many minutes without a command.",
)
def start(idle: int) -> None:
    """Start the resident process (if none runs for this qualify)."""
    folder = _own_folder()
    running = _status()
    if running is not None:
        say(_("the resident process already runs (pid {pid})").format(pid=running["pid"]))
        return
    import subprocess

    read_end, write_end = os.pipe()
    code = "from qualify.cli.resident import serve_main; serve_main()"
    with open(os.devnull, "rb") as stdin, open(os.devnull, "wb") as devnull:
        subprocess.Popen(  # our own interpreter, our own module
            [sys.executable, "-c", code, folder, str(idle * 60), str(write_end)],
            stdin=stdin,
            stdout=devnull,
            stderr=devnull,
            cwd="/",
            pass_fds=(write_end,),
            start_new_session=True,
        )
    os.close(write_end)
    word = _read_ready(read_end)
    if word.startswith("ready "):
        say(
            _("the resident process runs (pid {pid}); it ends after {minutes} idle minutes").format(
                pid=word[6:], minutes=idle
            )
        )
        return
    if word.startswith("running"):
        say(_("the resident process already runs"))
        return
    fail(_("the resident process did not start: {reason}").format(reason=word or _("no reply")))


@resident.command()
def stop() -> None:
    """Stop the resident process (commands already running finish)."""
    if _ask("stop") is None:
        say(_("no resident process runs"))
        return
    say(_("the resident process stopped"))


@resident.command()
def status() -> None:
    """Whether a resident process runs for this qualify, and what it did."""
    found = _status()
    if found is None:
        say(_("no resident process runs"))
        raise SystemExit(3)
    say(
        _(
            "the resident process runs (pid {pid}) for {minutes} min; commands run: {served}; "
            "it ends after {idle} idle minutes"
        ).format(
            pid=found["pid"],
            minutes=int(found["up"] // 60),
            served=found["served"],
            idle=int(found["idle"] // 60),
        )
    )


def _own_folder() -> str:
    folder = socket_folder()
    if folder is None:
        fail(_("a resident process needs Unix sockets, which this system lacks"))
    with contextlib.suppress(FileExistsError):
        os.mkdir(folder, 0o700)
    if not safe_folder(folder):
        fail(
            _("{folder}: not a folder of yours that only you may enter; remove it").format(
                folder=folder
            )
        )
    return folder


def _status() -> dict[str, Any] | None:
    line = _ask("status")
    if line is None or not line.startswith("{"):
        return None
    found: dict[str, Any] = json.loads(line)
    return found


def _ask(op: str) -> str | None:
    """The resident process's one-line answer to `op`; None when none answers."""
    key = interpreter_key()
    sock = connect(key)
    if sock is None:
        return None
    with sock:
        try:
            send_request(sock, {"op": op, "key": key})
            return read_line(sock, bytearray())
        except OSError:
            return None


def _read_ready(fd: int) -> str:
    got = b""
    deadline = time.monotonic() + READY_SECONDS
    with os.fdopen(fd, "rb", buffering=0) as pipe:
        while b"\n" not in got and time.monotonic() < deadline:
            ready, _w, _x = select.select([pipe], [], [], max(0.0, deadline - time.monotonic()))
            if not ready:
                break
            chunk = pipe.read(256)
            if not chunk:
                break
            got += chunk
    return got.decode("utf-8", "replace").strip()


# ------------------------------------------------------------------ the process


def serve_main() -> None:
    """The resident process's entry: ``folder idle-seconds ready-fd`` from `start`."""
    folder, idle, ready_fd = sys.argv[1], float(sys.argv[2]), int(sys.argv[3])
    # "" (the folder of `-c`, which a copy changes to the caller's): the interpreter's
    # folder instead, as the installed command has its own (the key leaves it out)
    sys.path[0] = os.path.dirname(sys.executable)
    ready = os.fdopen(ready_fd, "w", encoding="utf-8")
    try:
        server = Resident(folder, idle)
    except _AlreadyRunning:
        ready.write("running\n")
        ready.close()
        return
    except Exception as exc:  # said to `start`, which says it
        ready.write(f"{type(exc).__name__}: {exc}\n")
        ready.close()
        return
    ready.write(f"ready {os.getpid()}\n")
    ready.close()
    server.serve()


class _AlreadyRunning(Exception):
    pass


class Resident:
    """The listening process: warms up, then forks a copy per command."""

    def __init__(self, folder: str, idle: float) -> None:
        os.umask(0o077)
        self.key = interpreter_key()
        self.path = socket_path(folder, self.key)
        self._lock = open(self.path + ".lock", "a")  # noqa: SIM115 - held for life
        try:
            fcntl.flock(self._lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise _AlreadyRunning from None
        self.idle = idle
        self.started = time.monotonic()
        self.served = 0
        warm_up()
        self.code = code_state()
        self.listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        with contextlib.suppress(FileNotFoundError):
            os.unlink(self.path)  # a socket left by one that was killed
        self.listener.bind(self.path)
        self.listener.listen(64)
        signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # copies are reaped as they end
        signal.signal(signal.SIGTERM, self._terminated)
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        gc.collect()
        gc.freeze()

    def _terminated(self, _signum: int, _frame: object) -> None:
        self.close()
        os._exit(0)

    def close(self) -> None:
        with contextlib.suppress(OSError):
            os.unlink(self.path)  # its own: the lock keeps a second one from binding there
        self.listener.close()

    def serve(self) -> None:
        last = time.monotonic()
        while True:
            left = self.idle - (time.monotonic() - last)
            if left <= 0:
                break
            ready, _w, _x = select.select([self.listener], [], [], left)
            if not ready:
                continue
            try:
                conn, _addr = self.listener.accept()
            except OSError:
                continue
            last = time.monotonic()
            try:
                if not self._handle(conn):
                    break
            finally:
                conn.close()
        self.close()

    def _handle(self, conn: socket.socket) -> bool:
        """Serve one connection; False: end the resident process."""
        conn.settimeout(5)
        if not _same_user(conn):
            return True
        try:
            request, fds = _receive(conn)
        except (OSError, ValueError):
            return True
        try:
            if request.get("key") != self.key:
                conn.sendall(b"other\n")
                return True
            op = request.get("op")
            if op == "status":
                up = time.monotonic() - self.started
                found = {"pid": os.getpid(), "up": up, "served": self.served, "idle": self.idle}
                conn.sendall(json.dumps(found).encode() + b"\n")
                return True
            if op == "stop":
                conn.sendall(b"stopping\n")
                return False
            if op != "run" or len(fds) != 3:
                return True
            if code_state() != self.code:
                conn.sendall(b"stale\n")  # the command runs the usual way, on new code
                return False
            self.served += 1
            if os.fork() == 0:
                self.listener.close()
                self._lock.close()  # a long command must not keep it held for a new start
                _run_copy(conn, request, fds)  # never returns
            return True
        except OSError:
            return True
        finally:
            _close(fds)


def _same_user(conn: socket.socket) -> bool:
    option = getattr(socket, "SO_PEERCRED", None)
    if option is None:  # the socket's folder, only this user's, is the check
        return True
    creds = conn.getsockopt(socket.SOL_SOCKET, option, struct.calcsize("3i"))
    _pid, uid, _gid = struct.unpack("3i", creds)
    return uid == os.getuid()


def _receive(conn: socket.socket) -> tuple[dict[str, Any], list[int]]:
    """The request and the descriptors that came with it (closed again if it is not one)."""
    data, fds, _flags, _addr = socket.recv_fds(conn, 1 << 16, 3)
    try:
        return _request(conn, bytearray(data)), list(fds)
    except BaseException:
        _close(list(fds))
        raise


def _request(conn: socket.socket, got: bytearray) -> dict[str, Any]:
    if len(got) < 4:
        raise ValueError("short request")
    size = int.from_bytes(got[:4], "big")
    if size > 1 << 24:
        raise ValueError("request too large")
    while len(got) < 4 + size:
        chunk = conn.recv(min(1 << 16, 4 + size - len(got)))
        if not chunk:
            raise ValueError("request cut short")
        got.extend(chunk)
    request = json.loads(bytes(got[4 : 4 + size]))
    if not isinstance(request, dict):
        raise ValueError("not a request")
    return request


def _close(fds: list[int]) -> None:
    for fd in fds:
        with contextlib.suppress(OSError):
            os.close(fd)


# ------------------------------------------------------------------ a command's copy


def _run_copy(conn: socket.socket, request: dict[str, Any], fds: list[int]) -> None:
    """In the forked copy: become the caller's process, run its command, report."""
    code = 1
    try:
        # the caller's dispositions: what it ignores the command ignores (a Python
        # started with SIGINT ignored leaves it so), else as a fresh interpreter sets them
        ignored = set(request.get("ignored") or ())
        signal.signal(signal.SIGCHLD, signal.SIG_DFL)
        for name in FORWARDED:
            handler = signal.SIG_DFL
            if name in ignored:
                handler = signal.SIG_IGN
            elif name == "SIGINT":
                handler = signal.default_int_handler
            signal.signal(getattr(signal, name), handler)
        for target, fd in zip((0, 1, 2), fds, strict=True):
            os.dup2(fd, target)
        _close([fd for fd in fds if fd > 2])
        os.chdir(request["cwd"])
        os.umask(int(request["umask"]))
        os.environ.clear()
        os.environ.update(request["env"])
        time.tzset()
        with contextlib.suppress(Exception):
            import locale

            locale.setlocale(locale.LC_CTYPE, "")
        argv = [str(a) for a in request["argv"]]
        sys.argv = argv
        _streams(request["streams"])
        conn.settimeout(None)
        conn.sendall(f"pid {os.getpid()}\n".encode())
    except BaseException:  # nothing ran: the caller runs it itself
        os._exit(1)
    try:
        code = _command(argv)
    finally:
        for stream in (sys.stdout, sys.stderr):
            with contextlib.suppress(Exception):
                stream.flush()
        with contextlib.suppress(Exception):
            atexit._run_exitfuncs()
        with contextlib.suppress(OSError):
            conn.sendall(f"exit {code}\n".encode())
        os._exit(code)


def _command(argv: list[str]) -> int:
    """The command's exit status, as the interpreter would make it of its end."""
    cli = importlib.import_module("qualify.cli.main")
    gc.enable()
    try:
        cli.main.main(args=argv[1:], prog_name=os.path.basename(argv[0]))
    except SystemExit as exc:
        if exc.code is None:
            return 0
        if isinstance(exc.code, int):
            return exc.code & 0xFF
        print(exc.code, file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 128 + signal.SIGINT
    except BaseException:  # printed as the interpreter prints it
        sys.excepthook(*sys.exc_info())
        return 1
    return 0


def _streams(specs: list[dict[str, Any] | None]) -> None:
    """Standard streams on the caller's descriptors, set up as its own were."""
    made: list[Any] = []
    for fd, spec in enumerate(specs):
        if spec is None:
            made.append(None)
            continue
        mode = "rb" if fd == 0 else "wb"
        raw = open(fd, mode, buffering=-1, closefd=False)  # noqa: SIM115 - the stream's
        made.append(
            io.TextIOWrapper(
                raw,
                encoding=spec.get("encoding") or "utf-8",
                errors=spec.get("errors") or "strict",
                line_buffering=bool(spec.get("line_buffering")),
                write_through=fd == 2,
            )
        )
    sys.stdin, sys.stdout, sys.stderr = made
    sys.__stdin__, sys.__stdout__, sys.__stderr__ = made  # type: ignore[misc]


# ------------------------------------------------------------------ warm-up and code


def warm_up() -> None:
    """Run each handed command once on a throwaway workspace, output dropped: what they
    import and build is then ready in every copy. The environment, folder and language
    are put back after."""
    import tempfile

    cli = importlib.import_module("qualify.cli.main")

    saved_env, saved_cwd = dict(os.environ), os.getcwd()
    with tempfile.TemporaryDirectory(prefix="qualify-warm-up-") as folder:
        os.environ.update(
            {"QUALIFY_DATA_DIR": folder, "QUALIFY_USER": "warm-up", "QUALIFY_LANG": "en"}
        )
        os.environ.pop("QUALIFY_STORE", None)
        os.chdir(folder)
        answers = Path(folder, "answers.yaml")
        answers.write_text("partner_type: stocking_dealer\nemployees: 25\n", encoding="utf-8")
        try:
            _quietly(cli, ["validate"])
            _quietly(cli, ["score", "--questionnaire", "first-date", "--answers", str(answers)])
            added = ["prospect", "add", "Warm-up", "--territory", "North", "--kind", "dealer"]
            pid = _quietly(cli, added).split()
            if pid:
                for args in (
                    ["prospect", "list"],
                    ["answer", pid[0], "employees", "30"],
                    ["prospect", "show", pid[0]],
                    ["agenda", pid[0]],
                    ["report", pid[0], "--format", "md"],
                ):
                    _quietly(cli, args)
        finally:
            os.chdir(saved_cwd)
            os.environ.clear()
            os.environ.update(saved_env)
    for name in HANDED:  # a handed command not warmed up above is at least imported
        cli.LazyGroup.get_command(cli.main, click.Context(cli.main), name)  # type: ignore[arg-type]


def _quietly(cli: Any, args: list[str]) -> str:
    out = io.StringIO()
    quiet = contextlib.redirect_stdout(out), contextlib.redirect_stderr(io.StringIO())
    with quiet[0], quiet[1], contextlib.suppress(SystemExit, Exception):
        cli.main.main(args=args, prog_name="qualify", standalone_mode=False)
    return out.getvalue()


def code_state() -> tuple[tuple[str, int, int], ...]:
    """Every file of code the process loaded, and qualify's own files (templates and
    message catalogs too), with its size and time of change: a change is an upgrade or
    an edit that a copy of this process would not see."""
    files: set[str] = set()
    for module in list(sys.modules.values()):
        name = getattr(module, "__file__", None)
        if isinstance(name, str):
            files.add(name)
    package = Path(__file__).resolve().parent.parent
    for root, _dirs, names in os.walk(package):
        if "__pycache__" in root:
            continue
        files.update(os.path.join(root, n) for n in names)
    found: list[tuple[str, int, int]] = []
    for name in sorted(files):
        try:
            st = os.stat(name)
        except OSError:
            found.append((name, -1, -1))
            continue
        found.append((name, st.st_size, st.st_mtime_ns))
    return tuple(found)

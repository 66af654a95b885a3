"""The resident process (`qualify resident start`): a short command handed to it does
exactly what it does when it starts the usual way (output, exit status, files, the
caller's environment, folder, umask and terminal signals), and anything doubtful (a
folder others may enter, changed code, a dead process) makes the command run the usual
way instead of failing.

These run the installed `qualify` command, as a user does: ``python -m qualify`` never
hands a command over.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import signal
import socket
import stat
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from filelock import FileLock

from qualify.handover import HANDED, command_of

ROOT = Path(__file__).resolve().parents[2]
BUNDLED = ROOT / "questionnaires"
SCRIPT = Path(sys.executable).with_name("qualify")

pytestmark = pytest.mark.skipif(
    not SCRIPT.exists() or sys.platform == "win32",
    reason="needs the installed `qualify` command and Unix sockets",
)


@dataclass
class Shell:
    """Commands as a user's shell runs them, in `env`; a resident process when started."""

    env: dict[str, str]
    folder: Path

    def run(
        self, *args: str, resident: bool = True, **kwargs: object
    ) -> subprocess.CompletedProcess[str]:
        env = dict(self.env)
        if not resident:
            env["QUALIFY_RESIDENT"] = "off"
        kwargs.setdefault("cwd", self.folder)
        return subprocess.run(  # type: ignore[call-overload, no-any-return]
            [str(SCRIPT), *args], env=env, capture_output=True, text=True, timeout=60, **kwargs
        )

    def served(self) -> int | None:
        """Commands the resident process ran; None when none runs."""
        status = self.run("resident", "status", resident=False)
        found = re.search(r"commands run: (\d+)", status.stdout)
        return int(found.group(1)) if found else None

    def pid(self) -> int | None:
        status = self.run("resident", "status", resident=False)
        found = re.search(r"pid (\d+)", status.stdout)
        return int(found.group(1)) if found else None


@pytest.fixture
def shell(tmp_path: Path) -> Iterator[Shell]:
    # a short folder for the socket: a Unix socket's path has at most 107 bytes
    runtime = Path(tempfile.mkdtemp(prefix="qr-"))
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("QUALIFY_") and k not in ("LANG", "LANGUAGE", "LC_ALL", "TZ")
    }
    env.update(
        XDG_RUNTIME_DIR=str(runtime),
        HOME=str(tmp_path / "home"),
        QUALIFY_DATA_DIR=str(tmp_path / "ws"),
        QUALIFY_QUESTIONNAIRES=str(BUNDLED),
        QUALIFY_CONFIG=str(tmp_path / "config.yaml"),
        QUALIFY_CACHE_DIR=str(tmp_path / "cache"),
        QUALIFY_USER="Anna Berg",
        LC_ALL="C.UTF-8",
    )
    (tmp_path / "work").mkdir()
    found = Shell(env, tmp_path / "work")
    yield found
    pid = found.pid()
    found.run("resident", "stop", resident=False)
    if pid is not None:
        _gone(pid)
    shutil.rmtree(runtime, ignore_errors=True)


def _start(shell: Shell) -> None:
    started = shell.run("resident", "start", resident=False)
    assert started.returncode == 0, started.stderr
    assert "resident process runs" in started.stdout
    assert shell.served() == 0


def _gone(pid: int, seconds: float = 10) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return True
        time.sleep(0.05)
    os.kill(pid, signal.SIGKILL)
    return False


def _same(a: subprocess.CompletedProcess[str], b: subprocess.CompletedProcess[str]) -> None:
    assert (a.returncode, a.stdout, a.stderr) == (b.returncode, b.stdout, b.stderr)


def test_a_handed_command_says_and_does_what_it_does_when_run_here(shell: Shell) -> None:
    _start(shell)
    added = shell.run(
        "prospect", "add", "Müller & Søn AV", "--territory", "North", "--kind", "dealer"
    )
    assert added.returncode == 0, added.stderr
    pid = added.stdout.strip()
    assert shell.served() == 1
    answers = shell.folder / "answers.yaml"  # relative to the caller's folder
    answers.write_text("partner_type: stocking_dealer\nemployees: 25\n", encoding="utf-8")
    broken = shell.folder / "broken.yaml"
    broken.write_text("id: x\ntitle: X\nsections:\n  - id: s\n    questions: 3\n", encoding="utf-8")
    recorded = shell.run("answer", pid, "employees", "30")
    assert recorded.returncode == 0 and "recorded 1 answer" in recorded.stdout
    data = Path(shell.env["QUALIFY_DATA_DIR"])
    after = {p.name: p.read_bytes() for p in data.rglob("*.json")}
    for args in (
        ("prospect", "show", pid),
        ("answer", pid, "no_such_question", "3"),  # exit 2, one line
        ("answer", pid, "employees", "many"),
        ("score", "--questionnaire", "first-date", "--answers", "answers.yaml"),
        ("score", "--questionnaire", "first-date", "--answers", "missing.yaml"),
        ("validate", "broken.yaml"),  # file:line:col, exit 1
        ("validate",),
        ("agenda", pid),
        ("whoami",),
        ("--lang", "de", "prospect", "show", pid),
        ("report", pid, "--format", "md"),
        ("prospect", "show", "nobody"),
    ):
        here = shell.run(*args, resident=False)
        there = shell.run(*args)
        _same(here, there)
    assert shell.served() == 1 + 1 + 12
    # the refused answers wrote nothing, there or here
    assert {p.name: p.read_bytes() for p in data.rglob("*.json")} == after
    assert "broken.yaml:5:16:" in shell.run("validate", "broken.yaml").stdout


def test_the_command_gets_the_callers_environment_umask_and_input(shell: Shell) -> None:
    _start(shell)
    env_before = dict(shell.env)
    shell.env["QUALIFY_USER"] = "Bea Cruz"
    assert shell.run("whoami").stdout.startswith("Bea Cruz")
    shell.env["QUALIFY_LANG"] = "de"
    german = shell.run("prospect", "show", "nobody")
    assert german.returncode != 0 and "nobody" in german.stderr
    _same(german, shell.run("prospect", "show", "nobody", resident=False))
    shell.env["QUALIFY_LANG"] = "en"
    assert shell.run("prospect", "show", "nobody").stderr != german.stderr
    shell.env.clear()
    shell.env.update(env_before)
    other = shell.folder / "other-ws"
    added = shell.run("--data-dir", str(other), "prospect", "add", "Private GmbH", umask=0o077)
    assert added.returncode == 0, added.stderr
    files = [p for p in other.rglob("*") if p.is_file() and p.suffix == ".json"]
    assert files
    assert all(stat.S_IMODE(p.stat().st_mode) & 0o077 == 0 for p in files)
    # the same command run here makes the same modes
    here = shell.run(
        "--data-dir", str(other), "prospect", "add", "Here", resident=False, umask=0o077
    )
    assert here.returncode == 0
    # standard input is the caller's: an answer file given as -
    pid = added.stdout.strip()
    piped = shell.run(
        "--data-dir", str(other), "answer", pid, "--from", "-", input="employees: 12\n"
    )
    assert piped.returncode == 0, piped.stderr
    shown = shell.run("--data-dir", str(other), "prospect", "show", pid, resident=False)
    assert "12" in shown.stdout
    assert shell.served() == 5


def test_a_file_that_is_a_descriptor_of_the_caller_is_read_here(shell: Shell) -> None:
    """`--from <(…)` names the shell's pipe as /dev/fd/63, a descriptor of the calling
    process only: such a command runs the usual way, and reads the pipe."""
    _start(shell)
    pid = shell.run("prospect", "add", "Pipe AG").stdout.strip()
    script = (
        f"{SCRIPT} answer {pid} --from <(printf 'employees: 7\\n') && "
        f"{SCRIPT} score --questionnaire first-date --answers <(printf 'employees: 7\\n')"
    )
    done = subprocess.run(
        ["bash", "-c", script], env=shell.env, cwd=shell.folder, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    assert "recorded 1 answer" in done.stdout
    assert shell.served() == 1  # the add; both pipes were read here
    shown = shell.run("prospect", "show", pid, "--json", resident=False).stdout
    assert '"employees"' in shown and "7" in shown


@pytest.mark.parametrize("ignored", [False, True], ids=["ctrl-c", "ctrl-c-ignored"])
def test_ctrl_c_reaches_the_command_as_it_would_reach_it_here(shell: Shell, ignored: bool) -> None:
    """Ctrl-C while the command waits for the workspace lock: it stops, and records
    nothing, as it does when it started here; a caller that ignores SIGINT (a script's
    background job) has a command that ignores it too and carries on."""
    _start(shell)
    pid = shell.run("prospect", "add", "Waiting AG").stdout.strip()
    data = Path(shell.env["QUALIFY_DATA_DIR"])
    before = {p: p.read_bytes() for p in data.rglob("*.json")}
    disposition = signal.SIG_IGN if ignored else signal.SIG_DFL
    outcomes = []
    for resident in (True, False):
        lock = FileLock(str(data / "workspace.lock"))
        lock.acquire()  # another qualify is writing
        try:
            env = dict(shell.env, **({} if resident else {"QUALIFY_RESIDENT": "off"}))
            waiting = subprocess.Popen(
                [str(SCRIPT), "answer", pid, "employees", "40"],
                env=env,
                cwd=shell.folder,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
                preexec_fn=lambda: signal.signal(signal.SIGINT, disposition),
            )
            time.sleep(1.5)  # started, and waiting for the lock
            assert waiting.poll() is None
            waiting.send_signal(signal.SIGINT)
            if ignored:  # it carries on waiting for the lock
                time.sleep(0.5)
                assert waiting.poll() is None
            else:  # it stops while the lock is still held, however busy the machine
                waiting.wait(timeout=30)
        finally:
            lock.release()
        out, err = waiting.communicate(timeout=30)
        outcomes.append((waiting.returncode, out, err))
    assert outcomes[0] == outcomes[1]
    if ignored:
        assert outcomes[0][0] == 0 and "recorded 1 answer" in outcomes[0][1]
    else:
        assert outcomes[0][0] == 130 and outcomes[0][1] == ""
        assert {p: p.read_bytes() for p in data.rglob("*.json")} == before


def test_ctrl_c_before_the_command_is_handed_over_stops_it_there(shell: Shell) -> None:
    """A Ctrl-C while the resident process has not yet said it runs the command (a busy
    machine): the command is not run anywhere, even when the resident process then
    turns it down, and the user sees one line, not a traceback."""
    where = subprocess.run(
        [
            str(SCRIPT.with_name("python3")),
            "-c",
            "from qualify.handover import interpreter_key, socket_folder, socket_path\n"
            "print(socket_path(socket_folder(), interpreter_key()))",
        ],
        env=shell.env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    Path(where).parent.mkdir(mode=0o700)
    slow = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    slow.bind(where)
    slow.listen(1)
    answered = threading.Event()

    def turn_down_late() -> None:  # reads the request, then says "stale" when told
        conn, _ = slow.accept()
        with conn:
            _data, fds, _flags, _addr = socket.recv_fds(conn, 1 << 20, 3)
            for fd in fds:
                os.close(fd)
            answered.wait(30)
            conn.sendall(b"stale\n")

    server = threading.Thread(target=turn_down_late, daemon=True)
    server.start()
    try:
        adding = subprocess.Popen(
            [str(SCRIPT), "prospect", "add", "Never Added"],
            env=shell.env,
            cwd=shell.folder,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
        )
        time.sleep(1.5)
        assert adding.poll() is None  # waiting for the resident process's word
        adding.send_signal(signal.SIGINT)
        time.sleep(0.3)
        answered.set()
        out, err = adding.communicate(timeout=30)
    finally:
        answered.set()
        server.join(10)
        slow.close()
    assert (adding.returncode, out, err) == (130, "", "qualify: interrupted\n")
    listed = shell.run("prospect", "list", resident=False)
    assert "Never Added" not in listed.stdout


def test_changed_code_ends_the_resident_process_and_the_command_runs_here(
    shell: Shell, tmp_path: Path
) -> None:
    # code both processes load from $PYTHONPATH: changing it is what an upgrade does
    extra = tmp_path / "extra"
    extra.mkdir()
    custom = extra / "sitecustomize.py"
    custom.write_text("WHAT = 1\n", encoding="utf-8")
    shell.env["PYTHONPATH"] = str(extra)
    _start(shell)
    assert shell.run("whoami").returncode == 0
    assert shell.served() == 1
    custom.write_text("WHAT = 22\n", encoding="utf-8")
    after = shell.run("whoami")
    assert after.returncode == 0 and after.stdout.startswith("Anna Berg")
    assert shell.served() is None  # it ended, and said so to the command


def test_a_killed_resident_process_costs_nothing_and_starts_again(shell: Shell) -> None:
    _start(shell)
    pid = shell.pid()
    assert pid is not None
    os.kill(pid, signal.SIGKILL)
    _gone(pid)
    added = shell.run("prospect", "add", "After The Crash")
    assert added.returncode == 0, added.stderr
    assert shell.served() is None
    _start(shell)
    assert shell.pid() != pid
    again = shell.run("resident", "start", resident=False)
    assert "already runs" in again.stdout


def test_a_socket_folder_others_may_enter_is_never_used(shell: Shell) -> None:
    folder = Path(shell.env["XDG_RUNTIME_DIR"]) / f"qualify-resident-{os.getuid()}"
    folder.mkdir(mode=0o755)
    folder.chmod(0o755)
    refused = shell.run("resident", "start", resident=False)
    assert refused.returncode == 1
    lines = refused.stderr.strip().splitlines()
    assert len(lines) == 1 and str(folder) in lines[0] and "Traceback" not in refused.stderr
    # started while it was private, then opened to others: commands run here
    folder.chmod(0o700)
    _start(shell)
    folder.chmod(0o755)
    assert shell.run("whoami").returncode == 0
    folder.chmod(0o700)
    assert shell.served() == 0


@pytest.mark.skipif(not Path("/proc/self/fd").exists(), reason="counts open files in /proc")
def test_garbage_on_the_socket_costs_the_resident_process_nothing(shell: Shell) -> None:
    """A broken or hostile client of the same user: requests cut short, not JSON, of
    another qualify, claiming gigabytes, descriptors with nothing sensible. Each is
    dropped, the descriptors it sent are closed, and commands still run."""
    _start(shell)
    pid = shell.pid()
    folder = Path(shell.env["XDG_RUNTIME_DIR"]) / f"qualify-resident-{os.getuid()}"
    (path,) = folder.glob("*.sock")
    open_before = len(os.listdir(f"/proc/{pid}/fd"))
    body = json.dumps({"op": "run", "key": "another qualify", "argv": ["qualify"]}).encode()
    garbage = [
        b"",
        b"\x00\x00",
        (5).to_bytes(4, "big") + b"{nope",
        (1 << 30).to_bytes(4, "big") + b"{}",
        (2).to_bytes(4, "big") + b"[]",
        len(body).to_bytes(4, "big") + body,
    ]
    with open(os.devnull, "rb") as null:
        for message in garbage:
            with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
                sock.connect(str(path))
                if message:
                    socket.send_fds(sock, [message], [null.fileno()] * 3)
                sock.shutdown(socket.SHUT_WR)
                sock.settimeout(10)
                with contextlib.suppress(OSError):
                    sock.recv(100)
    assert shell.run("whoami").stdout.startswith("Anna Berg")
    assert shell.pid() == pid and shell.served() == 1
    assert len(os.listdir(f"/proc/{pid}/fd")) == open_before


def test_the_resident_process_ends_when_idle(shell: Shell) -> None:
    folder = Path(shell.env["XDG_RUNTIME_DIR"]) / f"qualify-resident-{os.getuid()}"
    folder.mkdir(mode=0o700)
    read_end, write_end = os.pipe()
    code = "from qualify.cli.resident import serve_main; serve_main()"
    server = subprocess.Popen(
        [sys.executable, "-c", code, str(folder), "2", str(write_end)],
        env=shell.env,
        pass_fds=(write_end,),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    os.close(write_end)
    with os.fdopen(read_end) as ready:
        assert ready.readline().startswith("ready ")
    assert list(folder.glob("*.sock"))  # listening (a command now could reach it)
    started = time.monotonic()
    assert server.wait(timeout=30) == 0
    assert time.monotonic() - started < 25
    assert not list(folder.glob("*.sock"))
    assert shell.run("whoami").returncode == 0  # runs here


def test_two_commands_at_once_both_land(shell: Shell) -> None:
    _start(shell)
    pid = shell.run("prospect", "add", "Busy KG").stdout.strip()
    procs = [
        subprocess.Popen(
            [str(SCRIPT), "answer", pid, question, value],
            env=shell.env,
            cwd=shell.folder,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        for question, value in (("employees", "25"), ("partner_type", "stocking_dealer"))
    ]
    assert [p.wait(timeout=60) for p in procs] == [0, 0]
    shown = shell.run("prospect", "show", pid, "--json", resident=False).stdout
    assert '"employees"' in shown and '"partner_type"' in shown


def test_the_warm_up_loads_what_the_short_commands_use_and_leaves_nothing_changed(
    tmp_path: Path,
) -> None:
    code = (
        "import json, os, sys\n"
        "from qualify.cli import resident\n"
        "before = dict(os.environ), os.getcwd()\n"
        "resident.warm_up()\n"
        "print(json.dumps([sorted(sys.modules), (dict(os.environ), os.getcwd()) == before]))"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("QUALIFY_")}
    env.update(HOME=str(tmp_path), QUALIFY_CACHE_DIR=str(tmp_path / "cache"), TMPDIR=str(tmp_path))
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=tmp_path, env=env, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    loaded, unchanged = json.loads(done.stdout.splitlines()[-1])
    assert unchanged
    assert {
        "qualify.cli.answers",
        "qualify.cli.prospects",
        "qualify.cli.sets",
        "qualify.cli.insights",
        "qualify.cli.reports",
        "qualify.store.workspace.store",
        "qualify.workflow.qualifier",
        "qualify.reports.markdown",
        "filelock",
    } <= set(loaded)
    assert "textual" not in {m.split(".")[0] for m in loaded}
    assert not list(tmp_path.glob("qualify-warm-up-*"))


def test_only_short_commands_are_handed_over() -> None:
    assert command_of(["answer", "x", "y", "1"]) == "answer"
    assert command_of(["--data-dir", "d", "--lang=de", "prospect", "show", "x"]) == "prospect"
    assert command_of(["--help"]) is None
    assert command_of(["--data-dir"]) is None
    assert command_of(["--unknown", "answer"]) is None
    assert command_of([]) is None  # the app
    assert {"answer", "prospect", "score", "validate"} <= HANDED
    assert not {"demo", "import", "sync", "db", "resident", "doctor"} & HANDED


@pytest.mark.slow
def test_a_handed_answer_costs_a_fraction_of_one_started_from_scratch(shell: Shell) -> None:
    """Same-run ratio (bench/bench_startup.py prints the figures: about a quarter);
    guarded loosely, as a busy shared machine slows short processes unevenly."""
    _start(shell)
    pid = shell.run("prospect", "add", "Timed GmbH").stdout.strip()
    here: list[float] = []
    there: list[float] = []
    for _ in range(5):
        for resident, times in ((False, here), (True, there)):
            started = time.perf_counter()
            done = shell.run("answer", pid, "employees", "12", resident=resident)
            times.append(time.perf_counter() - started)
            assert done.returncode == 0, done.stderr
    ratio = min(there) / min(here)
    assert ratio <= 0.6, f"a handed answer took {ratio:.2f}x one started from scratch"
    assert shell.served() == 6


def test_a_user_who_never_started_a_resident_process_pays_nothing_for_one(
    shell: Shell,
) -> None:
    """No resident's folder anywhere: the command runs here without the handover loading
    sockets or JSON first (14 ms of every command's start)."""
    if Path(f"/tmp/qualify-resident-{os.getuid()}").exists():
        pytest.skip("this machine's /tmp holds a resident's folder")
    env = dict(shell.env, TMPDIR=shell.env["XDG_RUNTIME_DIR"])
    code = (
        "import sys\nfrom qualify.handover import handed_over\n"
        "print(handed_over([sys.argv[1], 'whoami']), 'socket' in sys.modules, "
        "'json' in sys.modules)"
    )
    done = subprocess.run(
        [sys.executable, "-c", code, str(SCRIPT)],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    assert done.stdout.split() == ["None", "False", "False"]
    # once one is started, the same check finds it and hands the command over
    _start(shell)
    assert shell.run("whoami").returncode == 0
    assert shell.served() == 1

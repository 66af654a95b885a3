"""Files as a user gives them: `-` for standard input and pipes (`<(command)`) are read
and named as such; a write that fails names the file asked for, never a hidden temp file."""

from __future__ import annotations

import errno
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from support import qualify_cli

from qualify.cli import main

MINI = Path(__file__).parent / "fixtures" / "mini"
ROOT = Path(__file__).resolve().parents[2]


def run(tmp_path: Path, *args: str, stdin: bytes | None = None) -> tuple[int, str]:
    result = qualify_cli(tmp_path / "ws", *args, questionnaires=MINI, stdin=stdin)
    return result.exit_code, result.stdout + result.stderr


def shell(tmp_path: Path, command: str) -> subprocess.CompletedProcess[str]:
    """A real shell, for real pipes: `<(cat FILE)` is a /dev/fd path that is no file."""
    env = {**os.environ, "PYTHONPATH": str(ROOT), "QUALIFY_DATA_DIR": str(tmp_path / "ws")}
    env["QUALIFY_QUESTIONNAIRES"] = str(MINI)
    q = f"{sys.executable} -m qualify"
    return subprocess.run(
        ["bash", "-c", command.replace("qualify ", q + " ")],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
    )


def test_standard_input_is_read_and_named(tmp_path: Path) -> None:
    first = (MINI / "mini-first.yaml").read_bytes()
    code, out = run(tmp_path, "validate", "-", stdin=first)
    assert code == 0 and "checked <stdin> ... ok" in out
    code, out = run(tmp_path, "validate", "-", stdin=b"id: x\ntitle: \x1b[2J\n")
    assert code == 1 and "<stdin>:2:8: the control character U+001B" in out
    code, out = run(
        tmp_path, "score", "--questionnaire", "-", "--answers", str(tmp_path), stdin=first
    )
    assert code == 2 and "is a folder" in out
    answers = tmp_path / "a.yaml"
    answers.write_text("reps: 3\n")
    code, out = run(
        tmp_path, "score", "--questionnaire", "-", "--answers", str(answers), stdin=first
    )
    assert code == 0 and "Score" in out
    code, out = run(tmp_path, "score", "--questionnaire", "-", "--answers", "-")
    assert code == 2 and "only one of them can read standard input" in out
    code, out = run(tmp_path, "import", "-", stdin=b"garbage")
    assert code == 1 and out.startswith("qualify: error: <stdin> is not a qualify export")


def test_export_to_standard_output_and_import_from_it(tmp_path: Path) -> None:
    assert run(tmp_path, "demo", "--prospects", "3")[0] == 0
    result = CliRunner().invoke(
        main,
        ["--data-dir", str(tmp_path / "ws"), "--questionnaires", str(MINI), "export", "-o", "-"],
    )
    assert result.exit_code == 0 and result.stdout.startswith('{"format":"qualify-export"')
    code, out = run(tmp_path, "import", "-", stdin=result.stdout.encode())
    assert code == 0 and "imported <stdin>: 0 added, 0 updated, 3 unchanged" in out


def test_pipes_are_read_like_files(tmp_path: Path) -> None:
    assert run(tmp_path, "demo", "--prospects", "2")[0] == 0
    (tmp_path / "a.yaml").write_text("reps: 3\n")
    done = shell(tmp_path, f"qualify validate <(cat {MINI / 'mini-first.yaml'})")
    assert done.returncode == 0 and "... ok" in done.stdout, done.stderr  # a result: stdout
    done = shell(
        tmp_path,
        f"qualify score --questionnaire <(cat {MINI / 'mini-first.yaml'}) --answers <(cat a.yaml)",
    )
    assert done.returncode == 0 and "Score" in done.stdout, done.stderr
    done = shell(tmp_path, "qualify export -o x.json && qualify import <(cat x.json)")
    assert done.returncode == 0 and "imported /dev/fd/" in done.stdout, done.stderr
    done = shell(tmp_path, "qualify import <(printf nope)")
    assert done.returncode == 1 and "qualify: error: /dev/fd/" in done.stderr, done.stderr


def test_an_import_refuses_a_device_a_huge_file_and_a_terminal_before_reading(
    tmp_path: Path, monkeypatch
) -> None:
    import qualify.store.export_file as export_file

    code, out = run(tmp_path, "import", "/dev/zero")  # it would read a gigabyte of zeros
    assert code == 1 and out == "qualify: error: /dev/zero: is a device, not an export\n"
    monkeypatch.setattr(export_file, "MAX_IMPORT_BYTES", 10)
    big = tmp_path / "big.json"
    big.write_bytes(b"{" + b" " * 10)
    code, out = run(tmp_path, "import", str(big))
    assert code == 1 and f"{big}: more than 10 bytes; import it in parts" in out
    # standard input left a terminal: it would wait for an export typed in, forever
    main_fd, terminal = os.openpty()
    env = {**os.environ, "PYTHONPATH": str(ROOT), "QUALIFY_DATA_DIR": str(tmp_path / "ws")}
    try:
        done = subprocess.run(
            [sys.executable, "-m", "qualify", "import", "-"],
            stdin=terminal,
            capture_output=True,
            text=True,
            env=env,
            timeout=60,
        )
    finally:
        os.close(main_fd)
        os.close(terminal)
    assert done.returncode == 2
    assert "standard input is a terminal: pipe an export into it" in done.stderr
    assert not (tmp_path / "ws" / "prospects").exists()


def test_write_errors_name_the_file_asked_for(tmp_path: Path, monkeypatch) -> None:
    assert run(tmp_path, "demo", "--prospects", "2")[0] == 0
    a_file = tmp_path / "plain.txt"
    a_file.write_text("x")
    code, out = run(tmp_path, "export", "-o", str(a_file / "x.json"))
    assert code == 1 and f"qualify: error: {a_file / 'x.json'}: Not a directory" in out
    code, out = run(tmp_path, "report", "--portfolio", "-o", str(a_file / "x.md"))
    assert code == 1 and str(a_file / "x.md") in out and ".tmp" not in out
    code, out = run(tmp_path, "export", "-o", str(tmp_path))
    assert code == 2 and "is a folder; give a file name" in out

    import qualify.atomic

    def full_disk(fd: int) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(qualify.atomic.os, "fsync", full_disk)
    target = tmp_path / "backup.json"
    code, out = run(tmp_path, "export", "-o", str(target))
    assert code == 1 and f"qualify: error: {target}: No space left on device" in out
    assert not target.exists()
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]


@pytest.mark.parametrize("via", ["-", "pipe"])
def test_an_ideal_profile_from_standard_input_or_a_pipe(tmp_path: Path, via: str) -> None:
    assert run(tmp_path, "demo", "--prospects", "2")[0] == 0
    pid = run(tmp_path, "prospect", "list")[1].splitlines()[1].split()[0]
    if via == "-":
        code, out = run(tmp_path, "compare", pid, "--ideal", "-", stdin=b"reps: 3\n")
        assert code == 0, out
        code, out = run(tmp_path, "compare", pid, "--ideal", "-", stdin=b"reps: \x1b\n")
        assert code == 1 and "<stdin>:1:7: the control character U+001B" in out
    else:
        done = shell(tmp_path, f"qualify compare {pid} --ideal <(echo 'reps: 3')")
        assert done.returncode == 0, done.stderr

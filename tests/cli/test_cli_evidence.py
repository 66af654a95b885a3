"""`qualify attach` and the evidence files `qualify prospect show` lists."""

from __future__ import annotations

import hashlib
import json
import os
import socket
from pathlib import Path

import pytest
from click.testing import CliRunner

from qualify.cli import main

ROOT = Path(__file__).resolve().parents[2]
BUNDLED = ROOT / "questionnaires"


@pytest.fixture
def run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("QUALIFY_USER", "anna")
    runner = CliRunner()

    def invoke(*args: str):
        base = ["--data-dir", str(tmp_path / "ws"), "--questionnaires", str(BUNDLED)]
        return runner.invoke(main, [*base, *args], catch_exceptions=False)

    return invoke


@pytest.fixture
def pid(run) -> str:
    result = run("prospect", "add", "Acme Audio")
    assert result.exit_code == 0, result.output
    return result.stdout.strip()


def test_attach_keeps_the_file_by_content_and_show_lists_it(run, pid, tmp_path: Path) -> None:
    report = tmp_path / "credit report.pdf"
    report.write_bytes(b"%PDF-1.4 registry extract\n" * 40)
    digest = hashlib.sha256(report.read_bytes()).hexdigest()
    result = run("attach", pid, "founded", str(report), "--note", "from the registry")
    assert result.exit_code == 0, result.output
    assert f"attached credit report.pdf (1.0 KB, sha256 {digest[:12]}…) to founded" in result.stdout
    assert (tmp_path / "ws" / "files" / digest[:2] / digest).read_bytes() == report.read_bytes()

    newer = tmp_path / "credit 2026.pdf"
    newer.write_bytes(b"%PDF-1.4 newer extract\n")
    assert run("attach", pid, "founded", str(newer)).exit_code == 0
    shown = run("prospect", "show", pid).stdout
    lines = shown.split("Evidence files\n")[1].split("\n\n")[0].splitlines()
    assert len(lines) == 2
    assert "first-date: founded  credit report.pdf  1.0 KB  sha256 " + digest[:12] in lines[0]
    assert "by anna — from the registry [superseded by credit 2026.pdf" in lines[0]
    assert "credit 2026.pdf  23 bytes" in lines[1] and "superseded" not in lines[1]

    data = json.loads(run("prospect", "show", pid, "--json").stdout)
    first, second = data["attachments"]
    assert (first["sha256"], first["superseded_by"]) == (digest, second["id"])
    assert second["superseded_by"] is None


def _socket(path: Path) -> Path:
    listening = socket.socket(socket.AF_UNIX)
    listening.bind(str(path))  # the file stays when the socket is closed
    listening.close()
    return path


def test_a_pipe_is_read_as_a_file(run, pid, tmp_path: Path) -> None:
    """`qualify attach ID Q <(command)`: the shell passes a pipe; its bytes are kept."""
    read, write = os.pipe()
    os.write(write, b"credit report")
    os.close(write)
    try:
        result = run("attach", pid, "founded", f"/proc/self/fd/{read}")
    finally:
        os.close(read)
    assert result.exit_code == 0, result.stderr
    assert "(13 bytes, sha256 " in result.stdout


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda d: d / "missing.pdf", "missing.pdf: no such file"),
        (lambda d: d, "is a folder, not a file"),
        (lambda d: Path("."), "FILE .: is a folder, not a file"),  # not "has no name"
        (lambda d: Path("/dev/zero"), "FILE /dev/zero: is a device, not a file"),  # never ends
        (lambda d: _socket(d / "qualify.sock"), "qualify.sock: is a socket, not a file"),
        (lambda d: _write(d / "empty.pdf", b""), "the file is empty; nothing to attach"),
        (
            lambda d: _write(d / "bad\x1b[2Jname.pdf", b"x"),
            "the file name holds the control character U+001B; rename the file first",
        ),
        (
            lambda d: _write(d / "back\\slash.pdf", b"x"),
            "the file name holds a path separator",
        ),
        (
            lambda d: _write(d / "huge.bin", b"\0" * (20 * 1024 * 1024 + 1)),
            "20.0 MB (20,971,521 bytes) is over the limit of 20 MB (the default)",
        ),
    ],
)
def test_hostile_files_get_one_line_and_nothing_is_written(
    run, pid, tmp_path: Path, make, message: str
) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    result = run("attach", pid, "founded", str(make(folder)))
    assert result.exit_code == 2
    assert result.stdout == ""
    [line] = result.stderr.splitlines()
    assert line.startswith("qualify: error: FILE ")
    assert message in line
    ws = tmp_path / "ws"
    assert not (ws / "attachments").exists() and not (ws / "files").exists()
    assert "Evidence files" not in run("prospect", "show", pid).stdout


def test_an_unknown_question_is_named_before_the_file_is_read(run, pid, tmp_path: Path) -> None:
    result = run("attach", pid, "no_such", str(tmp_path / "never-read.pdf"))
    assert result.exit_code == 2
    assert result.stderr.strip() == (
        "qualify: error: QUESTION no_such: not a question of first-date v2"
    )


def test_the_limit_comes_from_the_workspace_config(run, pid, tmp_path: Path) -> None:
    config = tmp_path / "ws" / "config.yaml"
    big = _write(tmp_path / "photo.jpg", b"\xff" * (1024 * 1024 + 10))
    config.write_text("attachments:\n  max_mb: 1\n")
    result = run("attach", pid, "founded", str(big))
    assert result.exit_code == 2
    assert f"over the limit of 1 MB (attachments: max_mb in {config})" in result.stderr
    config.write_text("attachments:\n  max_mb: 2\n")
    assert run("attach", pid, "founded", str(big)).exit_code == 0
    config.write_text("attachments:\n  max_mb: lots\n")
    result = run("attach", pid, "founded", str(big))
    assert result.exit_code == 2
    assert result.stderr.strip() == (
        f"qualify: error: {config}:2:11: attachments: max_mb: expected a number of "
        "megabytes from 1 to 1024"
    )


def _write(path: Path, content: bytes) -> Path:
    path.write_bytes(content)
    return path


# ------------------------------------------------------------------ qualify doctor
def _attached(run, pid: str, tmp_path: Path, name: str, content: bytes, question: str) -> Path:
    path = tmp_path / name
    path.write_bytes(content)
    result = run("attach", pid, question, str(path))
    assert result.exit_code == 0, result.output
    digest = hashlib.sha256(content).hexdigest()
    return tmp_path / "ws" / "files" / digest[:2] / digest


def test_doctor_checks_every_evidence_file_and_repair_quarantines_a_changed_one(
    run, pid, tmp_path: Path
) -> None:
    letter = _attached(run, pid, tmp_path, "letter.pdf", b"%PDF reference letter\n", "founded")
    photo = _attached(run, pid, tmp_path, "front.jpg", b"JPEG showroom\n" * 100, "founded")
    result = run("doctor")
    assert result.exit_code == 0, result.output
    assert "2 evidence files, 2 attachment records" in result.stdout
    assert ": healthy" in result.stdout

    # a file changed behind qualify's back: named, never deleted
    letter.write_bytes(b"%PDF forged letter\n")
    result = run("doctor")
    assert result.exit_code == 5, result.output
    rel = f"files/{letter.parent.name}/{letter.name}"
    [line] = [x for x in result.stdout.splitlines() if x.startswith("problem:")]
    assert line.startswith(f"problem: {rel}: its content hashes to ")
    assert "changed after it was attached; `qualify doctor --repair` moves it to" in line
    assert letter.read_bytes() == b"%PDF forged letter\n"

    result = run("doctor", "--repair")
    assert result.exit_code == 5, result.output  # the record's file is still missing
    assert f"repaired: {rel}: its content hashes to " in result.stdout
    assert not letter.exists()
    folder = tmp_path / "ws" / "quarantine" / "files" / letter.parent.name
    [moved] = [p for p in folder.glob(f"{letter.name}.*") if not p.name.endswith(".why.txt")]
    assert moved.read_bytes() == b"%PDF forged letter\n"
    assert "changed after it was attached" in moved.with_name(moved.name + ".why.txt").read_text()
    problems = [x for x in result.stdout.splitlines() if x.startswith("problem:")]
    assert len(problems) == 1 and "(letter.pdf, for founded): its evidence file" in problems[0]
    assert photo.exists()

    # afterwards the record keeps saying its file is missing, and opening it says so too
    result = run("doctor")
    assert result.exit_code == 5
    [line] = [x for x in result.stdout.splitlines() if x.startswith("problem:")]
    assert f"(letter.pdf, for founded) names the evidence file {rel}, which is missing" in line
    # attaching the same file again puts it back
    _attached(run, pid, tmp_path, "letter.pdf", b"%PDF reference letter\n", "founded")
    assert run("doctor").exit_code == 0


def test_doctor_notes_a_file_nobody_names_and_never_deletes_it(run, pid, tmp_path: Path) -> None:
    content = b"left by a crash between the file and its record"
    digest = hashlib.sha256(content).hexdigest()
    stray = tmp_path / "ws" / "files" / digest[:2] / digest
    stray.parent.mkdir(parents=True)
    stray.write_bytes(content)
    for args in (("doctor",), ("doctor", "--repair")):
        result = run(*args)
        assert result.exit_code == 0, result.output
        assert (
            f"note: files/{digest[:2]}/{digest}: an evidence file no attachment record names"
            in result.stdout
        )
        assert stray.read_bytes() == content

"""Nothing a user types reaches the terminal raw: names, territories, reasons, answers and
notes cannot clear the screen, retitle the window, hide themselves or forge a table row."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from qualify.cli import main

MINI = Path(__file__).parent / "fixtures" / "mini"

CLEAR = "\x1b[2J\x1b[H"
TITLE = "\x1b]0;pwned\x07"
LINK = "\x1b]8;;http://evil.example/\x1b\\click\x1b]8;;\x1b\\"
FORGED_ROW = "Real Name\nfake-id  Forged Partner  North  dealer  commitment  committed  99.0"
HOSTILE = f"Evil{CLEAR}{TITLE}{LINK}\u202eCorp"
RAW = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e]")


@pytest.fixture
def run(tmp_path: Path):
    runner = CliRunner()

    def invoke(*args: str, input: str | None = None):
        base = ["--data-dir", str(tmp_path / "ws"), "--questionnaires", str(MINI)]
        result = runner.invoke(main, [*base, *args], input=input, catch_exceptions=False)
        return result

    return invoke


def assert_inert(text: str) -> None:
    assert not RAW.search(text), repr(text)


def test_hostile_names_and_texts_are_shown_visibly_everywhere(run) -> None:
    pid = run("prospect", "add", HOSTILE, "--territory", f"North{CLEAR}").stdout.strip()
    forged = run("prospect", "add", FORGED_ROW).stdout.strip()
    outputs = [
        run("prospect", "list"),
        run("prospect", "show", pid),
        run("answer", pid, "notes", f"see {TITLE}{CLEAR}"),
        run("answer", pid, "company_type", "dealer", "--note", LINK),
        run("agenda", pid),
        run("agenda", pid, "--format", "md"),
        run("decline", pid, "--reason", f"Gone{CLEAR}"),
        run("prospect", "show", pid),
        run("prospect", "show", forged),
    ]
    for result in outputs:
        assert result.exit_code == 0, result.output
        assert_inert(result.stdout)
        assert_inert(result.stderr)
    listing = run("prospect", "list").stdout.splitlines()
    assert len(listing) == 3  # header and two prospects: the newline forged no row
    assert "\\x1b[2J" in "\n".join(listing)
    assert any("Real Name⏎fake-id" in line for line in listing)


def test_errors_quoting_user_input_are_inert(run) -> None:
    result = run("prospect", "show", f"nope{CLEAR}")
    assert result.exit_code != 0
    assert_inert(result.stderr)
    assert result.stderr.count("\n") == 1

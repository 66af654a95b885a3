"""Fixtures the command-line tests share."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from qualify.cli import main

BUNDLED = Path(__file__).resolve().parents[2] / "questionnaires"


@pytest.fixture
def ws(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """`qualify --data-dir TMP/ws --questionnaires BUNDLED ...`, with no language set
    around; `data=` runs it on another workspace, `env=` adds environment variables.
    (A test file may define its own `ws`: test_broken_files' is a demo workspace.)"""
    monkeypatch.delenv("QUALIFY_LANG", raising=False)
    monkeypatch.setenv("QUALIFY_CONFIG", str(tmp_path / "config.yaml"))
    runner = CliRunner()

    def invoke(*args: str, data: Path | None = None, env: dict[str, str] | None = None):
        base = ["--data-dir", str(data or tmp_path / "ws"), "--questionnaires", str(BUNDLED)]
        return runner.invoke(main, [*base, *args], catch_exceptions=False, env=env)

    return invoke


FIRST_ANSWERS = """\
partner_type: stocking_dealer
business_model: solutions_services
founded: 2015-03-01
territory_presence: office_in_territory
"""
"""A few first-date answers: enough for a score, a band and a report."""


@pytest.fixture
def answered(ws, tmp_path: Path):
    """Adds a prospect (`qualify prospect add NAME ...extra`) and records FIRST_ANSWERS
    for it from a file; returns its id."""

    def add(*extra: str, name: str = "Müller AV") -> str:
        pid = ws("prospect", "add", name, *extra).stdout.strip()
        answers = tmp_path / "answers.yaml"
        answers.write_text(FIRST_ANSWERS, encoding="utf-8")
        recorded = ws("answer", pid, "--from", str(answers))
        assert recorded.exit_code == 0, recorded.output
        return pid

    return add

"""The portfolio in German: a director in Vienna reads no English sentence of qualify's
own (names, reasons and answers stay as they were typed)."""

from __future__ import annotations

import re
from html import unescape
from pathlib import Path

import pytest
import report_fixture
from click.testing import CliRunner
from report_fixture import QUESTIONNAIRES

from qualify.cli import main
from qualify.store import open_store

ENGLISH = (
    "prospects · report of",
    "Committed partners per territory",
    "no support capacity set",
    "room for",
    "due for a call",
    "Nobody declined",
    "Nobody on hold",
    "None: every reviewed partner",
    "Keep dating",
    "Ready for",
    "Held at",
    "just friends</li>",
    "parted ways</li>",
    "(no territory)",
    ">unset<",
)


@pytest.fixture(scope="module")
def workspace(tmp_path_factory: pytest.TempPathFactory) -> Path:
    data_dir = tmp_path_factory.mktemp("german") / "ws"
    with open_store(data_dir) as store:
        report_fixture.fill(store)
    return data_dir


def portfolio(workspace: Path, fmt: str) -> str:
    base = ["--data-dir", str(workspace), "--questionnaires", str(QUESTIONNAIRES)]
    result = CliRunner().invoke(
        main, [*base, "--lang", "de", "report", "--portfolio", "--format", fmt]
    )
    assert result.exit_code == 0, result.output
    return result.stdout


def words_of(page: str) -> str:
    """The text a reader sees: no style, no script, no tags."""
    page = re.sub(r"<(style|script|svg)\b.*?</\1>", " ", page, flags=re.S)
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", page)).split())


@pytest.mark.parametrize("fmt", ["md", "html"])
def test_the_portfolio_says_its_own_words_in_german(workspace: Path, fmt: str) -> None:
    text = portfolio(workspace, fmt)
    seen = words_of(text) if fmt == "html" else text
    assert re.search(r"\d+ Interessenten", seen)
    assert "Bericht vom" in seen or fmt == "html"
    assert "Fest verbundene Partner je Gebiet gegenüber der festgelegten Kapazität" in seen
    assert "keine Betreuungskapazität festgelegt" in seen
    leaked = [e for e in ENGLISH if e in (text if e.endswith(("</li>", "<")) else seen)]
    assert leaked == []

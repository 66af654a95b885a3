"""`qualify whoami`: the name answers and reports carry, set once instead of a login."""

from __future__ import annotations

from pathlib import Path

import pytest
from support import qualify_cli


@pytest.fixture
def config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "config" / "config.yaml"
    monkeypatch.setenv("QUALIFY_CONFIG", str(path))
    monkeypatch.delenv("QUALIFY_USER", raising=False)
    monkeypatch.setenv("LOGNAME", "root")
    return path


def test_without_a_name_the_login_stands_in_and_says_how_to_set_one(
    tmp_path: Path, config: Path
) -> None:
    result = qualify_cli(tmp_path / "ws", "whoami")
    assert result.exit_code == 0
    assert result.stdout.startswith("root  (your login (set a name with `qualify whoami --set")


def test_a_name_set_once_is_kept_and_reports_carry_it(tmp_path: Path, config: Path) -> None:
    config.parent.mkdir()
    config.write_text("# my settings\ntheme: nord\n", encoding="utf-8")
    result = qualify_cli(tmp_path / "ws", "whoami", "--set", "  Ånna Bérg ")
    assert result.exit_code == 0
    assert result.stdout.startswith(f"Ånna Bérg  (the config file {config})")
    assert config.read_text(encoding="utf-8") == '# my settings\ntheme: nord\nname: "Ånna Bérg"\n'
    qualify_cli(tmp_path / "ws", "whoami", "--set", "Anna Berg")  # replaced, not added
    assert config.read_text(encoding="utf-8").count("name:") == 1
    pid = qualify_cli(tmp_path / "ws", "prospect", "add", "Nordic AV").stdout.strip()
    report = qualify_cli(tmp_path / "ws", "report", pid, "--format", "md").stdout
    assert "Owner: Anna Berg" in report


def test_qualify_user_wins_over_the_config(tmp_path: Path, config: Path, monkeypatch) -> None:
    qualify_cli(tmp_path / "ws", "whoami", "--set", "Anna Berg")
    monkeypatch.setenv("QUALIFY_USER", "bob")
    assert qualify_cli(tmp_path / "ws", "whoami").stdout.startswith("bob  ($QUALIFY_USER)")


@pytest.mark.parametrize(
    ("name", "why"),
    [
        ("", "cannot be empty"),
        ("   ", "cannot be empty"),
        ("Anna\nBerg", "control characters or line breaks"),
        ("Anna\x1b]0;pwned\x07", "control characters or line breaks"),
        ("A" * 81, "at most 80 characters"),
    ],
)
def test_a_name_that_cannot_be_shown_is_refused_and_nothing_written(
    tmp_path: Path, config: Path, name: str, why: str
) -> None:
    result = qualify_cli(tmp_path / "ws", "whoami", "--set", name)
    assert result.exit_code == 2 and why in result.stderr
    assert result.stderr.count("\n") == 1
    assert not config.exists()


@pytest.mark.parametrize(
    "before",
    ["- a list of things\n", "name: &who x\nowner: *who\n", "theme: [unclosed\n"],
)
def test_a_config_file_the_name_cannot_go_into_is_left_as_it_was(
    tmp_path: Path, config: Path, before: str
) -> None:
    config.parent.mkdir()
    config.write_text(before, encoding="utf-8")
    result = qualify_cli(tmp_path / "ws", "whoami", "--set", "Anna Berg")
    assert result.exit_code == 1 and "cannot set name: in it" in result.stderr
    assert config.read_text(encoding="utf-8") == before

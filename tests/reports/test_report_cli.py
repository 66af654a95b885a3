"""`qualify report` as a user runs it, on a real workspace."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
import report_fixture
from click.testing import CliRunner
from report_fixture import HOSTILE_NAME, IDS, QUESTIONNAIRES

from qualify.cli import main
from qualify.store import open_store


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    data_dir = tmp_path / "ws"
    with open_store(data_dir) as store:
        report_fixture.fill(store)
    return data_dir


@pytest.fixture
def run(workspace: Path):
    runner = CliRunner()

    def invoke(*args: str):
        base = ["--data-dir", str(workspace), "--questionnaires", str(QUESTIONNAIRES)]
        return runner.invoke(main, [*base, "report", *args], catch_exceptions=False)

    return invoke


def test_markdown_to_stdout_by_default(run) -> None:
    result = run(IDS["muller"])
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("# Fit report: Müller & Søn AV\n")
    assert "## Recommended next step" in result.stdout


def test_prefix_id_and_every_prospect_format(run) -> None:
    for fmt in ("md", "html", "json"):
        result = run("a1b2", "--format", fmt)
        assert result.exit_code == 0, result.output
    data = json.loads(run("a1b2", "--format", "json").stdout)
    assert data["schema"] == "qualify.report/1"
    assert data["prospect"]["id"] == IDS["muller"]


def test_output_file_refuses_to_overwrite_then_force(run, tmp_path: Path) -> None:
    target = tmp_path / "out.html"
    first = run(IDS["hostile"], "--format", "html", "-o", str(target))
    assert first.exit_code == 0, first.output
    assert f"wrote {target}" in first.stdout and first.stderr == ""
    page = target.read_text(encoding="utf-8")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    target.write_text("keep me", encoding="utf-8")
    second = run(IDS["hostile"], "--format", "html", "-o", str(target))
    assert second.exit_code == 1
    assert second.stderr.strip() == (
        f"qualify: error: {target} already exists; use --force to replace it"
    )
    assert target.read_text(encoding="utf-8") == "keep me"
    third = run(IDS["hostile"], "--format", "html", "-o", str(target), "--force")
    assert third.exit_code == 0
    assert target.read_text(encoding="utf-8") == page
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == []


def test_output_into_a_directory_uses_a_safe_name(run, tmp_path: Path) -> None:
    out = tmp_path / "reports"
    out.mkdir()
    result = run(IDS["hostile"], "--format", "md", "-o", str(out))
    assert result.exit_code == 0, result.output
    [written] = out.iterdir()
    assert written.name.startswith("script-alert-1-script-Evil-Corp-bad000000001-")
    assert written.suffix == ".md"
    assert HOSTILE_NAME.replace("*", r"\*").replace("|", r"\|") not in written.name


def test_unknown_id_is_one_line(run) -> None:
    result = run("zzz-not-there")
    assert result.exit_code != 0
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("qualify: error: ")
    assert "zzz-not-there" in lines[0]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ((), "give a prospect ID, or --portfolio"),
        (("X", "--portfolio"), "give a prospect ID, or --portfolio"),
        (("X", "--format", "csv"), "a prospect report is md, html or json"),
        (("X", "--territory", "North"), "go with --portfolio"),
    ],
)
def test_usage_errors(run, args: tuple[str, ...], message: str) -> None:
    result = run(*args)
    assert result.exit_code == 2
    assert message in result.stderr


def test_portfolio_csv_to_stdout_has_a_bom(run) -> None:
    result = run("--portfolio", "--format", "csv")
    assert result.exit_code == 0, result.output
    assert result.stdout_bytes.startswith(b"\xef\xbb\xbf")
    assert "'=SUM(A1:A9)" in result.stdout


def test_portfolio_capacity_from_the_workspace_file_and_options(run, workspace: Path) -> None:
    unset = run("--portfolio")
    assert "| North | 2 | 2 | — |" in unset.stdout
    (workspace / "capacity.yaml").write_text("territories:\n  North: 2\n", encoding="utf-8")
    from_file = run("--portfolio")
    assert "Support capacity reached: North" in from_file.stdout
    overridden = run("--portfolio", "--capacity", "North=1")
    assert "Support capacity already exceeded: North" in overridden.stdout
    bad = run("--portfolio", "--capacity", "North=many")
    assert bad.exit_code == 2 and bad.stderr.startswith("qualify: error: --capacity")


def test_portfolio_of_one_territory_to_a_file(run, tmp_path: Path) -> None:
    target = tmp_path / "north.html"
    result = run("--portfolio", "--territory", "North", "--format", "html", "-o", str(target))
    assert result.exit_code == 0, result.output
    page = target.read_text(encoding="utf-8")
    assert "Partner portfolio: North" in page
    assert "Friends Ltd" not in page  # South


def test_a_territory_no_prospect_is_in_is_told_not_reported_empty(run, tmp_path: Path) -> None:
    """`--territory north` (for North) wrote an empty portfolio and said nothing; a
    `--capacity Nort=4` made a row of its own, North left "unset"."""
    target = tmp_path / "north.md"
    typo = run("--portfolio", "--territory", "north", "-o", str(target))
    assert typo.exit_code == 2 and not target.exists()
    assert "--territory: no prospect is in the territory 'north'" in typo.stderr
    assert "(did you mean 'North'?); the territories: =SUM(A1:A9), North, South" in typo.stderr
    planned = run("--portfolio", "--capacity", "Nort=4", "--capacity", "North=3")
    assert planned.exit_code == 0 and "| Nort |" in planned.stdout  # a capacity planned ahead
    warned = planned.stderr.strip().splitlines()
    assert warned == [
        "qualify: warning: --capacity: no prospect is in the territory 'Nort' (did you mean "
        "'North'?); the territories: =SUM(A1:A9), North, South"
    ]
    assert run("--portfolio", "--capacity", "North=3").stderr == ""


def test_a_territory_is_checked_against_the_list_the_portfolio_reads(
    run, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The prospects are listed once: for the check of `--territory`, and the portfolio."""
    from qualify.store.workspace.store import Workspace

    listed: list[int] = []
    original = Workspace.list_prospects

    def listing(self, *args, **kwargs):
        listed.append(1)
        return original(self, *args, **kwargs)

    monkeypatch.setattr(Workspace, "list_prospects", listing)
    done = run("--portfolio", "--territory", "North", "--capacity", "South=2")
    assert done.exit_code == 0 and "Müller" in done.stdout
    assert len(listed) == 1


def test_report_runs_as_a_subprocess(workspace: Path) -> None:
    """The installed entry point, as in docs/reports.md."""
    import subprocess
    import sys

    env = {k: v for k, v in os.environ.items() if not k.startswith("QUALIFY_")}
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "qualify",
            "--data-dir",
            str(workspace),
            "--questionnaires",
            str(QUESTIONNAIRES),
            "report",
            IDS["costly"],
        ],
        capture_output=True,
        text=True,
        env=env,
        encoding="utf-8",
    )
    assert result.returncode == 0, result.stderr
    assert "Consumes more support than the revenue it creates" in result.stdout


def test_output_folder_with_trailing_slash_is_created(tmp_path: Path) -> None:
    runner = CliRunner()
    base = ["--data-dir", str(tmp_path / "ws")]
    pid = runner.invoke(main, [*base, "prospect", "add", "Müller & Søn AV"]).stdout.strip()
    target = tmp_path / "out" / "reports"
    result = runner.invoke(main, [*base, "report", pid, "--format", "md", "-o", f"{target}/"])
    assert result.exit_code == 0, result.output
    [written] = target.iterdir()
    assert written.name.startswith("Muller-and-Son-AV-") and written.suffix == ".md"


def test_portfolio_into_an_existing_file_is_refused_before_any_prospect_is_read(
    run, workspace: Path, tmp_path: Path
) -> None:
    """A director's portfolio of thousands takes a while: the refusal comes first, not
    after the whole portfolio was built (a broken prospect file is not even read)."""
    from qualify.store.workspace.store import Workspace

    Workspace(workspace).prospect_path(IDS["muller"]).write_text("{broken", encoding="utf-8")
    target = tmp_path / "portfolio.html"
    target.write_text("last week's", encoding="utf-8")
    refused = run("--portfolio", "--format", "html", "-o", str(target))
    assert refused.exit_code == 1
    assert refused.stderr == f"qualify: error: {target} already exists; use --force to replace it\n"
    assert target.read_text(encoding="utf-8") == "last week's"
    forced = run("--portfolio", "--format", "html", "-o", str(target), "--force")
    assert forced.exit_code == 5  # done, with the broken file named
    assert IDS["muller"] in forced.stderr
    assert target.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")

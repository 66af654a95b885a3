"""The grown-up question-set language end to end, as a user drives it: a later stage reads
the first date's answers, answers that break a constraint are refused with nothing
recorded, repeated sections go in and come out unchanged."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from support import qualify_cli

FIRST = """\
id: first-date
title: First date
version: 1
sections:
  - id: basics
    title: Basics
    questions:
      - id: competing_lines
        text: How many competing lines do you carry?
        help: Count brands, not products.
        type: number
        integer: true
        min: 0
        score_bands: [{below: 3, score: 4}, {score: 1}]
      - id: founded
        text: When was the company founded?
        help: The year they started trading is enough (use the 1st of January).
        type: date
        constraint: ". <= today()"
        constraint_message: A company cannot be founded in the future
"""

SECOND = """\
id: second-date
title: Second date
version: 1
sections:
  - id: fit
    title: Fit
    questions:
      - id: share_of_mind
        text: Our share of their attention
        type: calculated
        formula: "round(100 / (first-date.competing_lines + 1))"
        unit: "%"
        score_bands: [{below: 20, score: 0}, {below: 40, score: 3}, {score: 5}]
      - id: years_trading
        text: Years trading
        type: calculated
        formula: "days_since(first-date.founded) / 365.25"
        unit: years
      - id: why_so_many
        text: Why so many competing lines?
        help: Listen for collecting lines versus serving customers.
        type: text
        when: "first-date.competing_lines > 2"
      - id: planned_revenue
        text: Planned first-year revenue?
        help: In k€.
        type: number
        min: 0
      - id: support_hours
        text: Support hours a month?
        help: Technical support they will need from us.
        type: number
        constraint: ". <= planned_revenue"
        constraint_message: More support hours than k€ of plan is not a plan
  - id: refs
    title: Reference customers
    repeat: {min: 1, max: 3}
    repeat_score: min
    questions:
      - id: ref_company
        text: Which customer can we call?
        help: A named company and person.
        type: text
      - id: ref_outcome
        text: What did the reference say?
        help: After the call.
        type: choice
        options: [{value: confirm, score: 2}, {value: mixed, score: 1}, {value: negative, score: 0}]
"""

PIPELINE = """\
stages:
  - {id: first-date, title: First date, questionnaire: first-date, gate: {min_score: 50}}
  - {id: second-date, title: Second date, questionnaire: second-date}
"""


@pytest.fixture
def sets(tmp_path: Path) -> Path:
    folder = tmp_path / "sets"
    folder.mkdir()
    (folder / "first-date.yaml").write_text(FIRST, "utf-8")
    (folder / "second-date.yaml").write_text(SECOND, "utf-8")
    (folder / "pipeline.yaml").write_text(PIPELINE, "utf-8")
    return folder


@pytest.fixture
def run(tmp_path: Path, sets: Path):

    def invoke(*args: str):
        return qualify_cli(tmp_path / "ws", *args, questionnaires=sets)

    return invoke


def _answers(tmp_path: Path, name: str, text: str) -> str:
    path = tmp_path / name
    path.write_text(text, "utf-8")
    return str(path)


def test_the_folder_validates_with_its_earlier_stage_references(run) -> None:
    result = run("validate")
    assert result.exit_code == 0, result.output
    assert "0 error(s), 0 warning(s)" in result.stdout


def test_a_later_stage_reads_the_first_date(run, tmp_path: Path) -> None:
    pid = run("prospect", "add", "Müller AV").stdout.strip()
    first = _answers(tmp_path, "first.yaml", "competing_lines: 4\nfounded: 2001-01-01\n")
    assert run("answer", pid, "--from", first).exit_code == 0
    assert run("advance", pid, "--override", "testing").exit_code == 0
    second = _answers(
        tmp_path,
        "second.yaml",
        "planned_revenue: 120\nsupport_hours: 10\n"
        "refs:\n  - {ref_company: Acme, ref_outcome: confirm}\n"
        "  - {ref_company: Beta, ref_outcome: {value: mixed, source: verified}}\n",
    )
    result = run("answer", pid, "--from", second)
    assert result.exit_code == 0, result.output
    shown = json.loads(run("prospect", "show", pid, "--json").stdout)
    fit, refs = shown["breakdown"]["sections"]
    lines = {x["id"]: x for x in fit["questions"]}
    assert lines["share_of_mind"]["value"] == 20
    assert lines["share_of_mind"]["inputs"] == {"first-date.competing_lines": 4}
    assert lines["share_of_mind"]["points"] == 3
    assert lines["years_trading"]["value"] > 25
    assert lines["why_so_many"]["visible"] is True
    assert [r["score"] for r in refs["repeats"]] == [100, 50]
    assert refs["score"] == 50  # min: the weakest reference counts
    assert refs["questions"][2]["key"] == "refs[1].ref_company"


def test_answers_that_break_a_constraint_are_refused_and_nothing_is_recorded(
    run, tmp_path: Path
) -> None:
    pid = run("prospect", "add", "Future GmbH").stdout.strip()
    bad = _answers(tmp_path, "bad.yaml", "competing_lines: 2.5\nfounded: 2999-01-01\n")
    result = run("answer", pid, "--from", bad)
    assert result.exit_code == 1
    assert f"{bad}:1:18: competing_lines: expected a whole number, got '2.5'" in result.stderr
    assert f"{bad}:2:10: founded: 2999-01-01 is outside the years 1800–2200" in result.stderr
    future = _answers(tmp_path, "future.yaml", "founded: 2199-01-01\n")
    result = run("answer", pid, "--from", future)
    assert result.exit_code == 1
    assert f"{future}:1:10: founded: A company cannot be founded in the future" in result.stderr
    result = run("answer", pid, "founded", "2199-01-01")
    assert result.exit_code != 0
    assert "A company cannot be founded in the future" in result.stderr
    shown = json.loads(run("prospect", "show", pid, "--json").stdout)
    assert shown["interview"] is None  # refused answers start no interview


def test_a_constraint_reads_answers_already_stored(run, tmp_path: Path) -> None:
    pid = run("prospect", "add", "Plan AG").stdout.strip()
    run("answer", pid, "--from", _answers(tmp_path, "f.yaml", "competing_lines: 1\n"))
    assert run("advance", pid, "--override", "testing").exit_code == 0
    assert run("answer", pid, "planned_revenue", "40").exit_code == 0
    result = run("answer", pid, "support_hours", "55")
    assert result.exit_code == 1
    assert "More support hours than k€ of plan is not a plan" in result.stderr
    from_file = _answers(tmp_path, "s.yaml", "support_hours: 55\n")
    result = run("answer", pid, "--from", from_file)
    assert result.exit_code == 1
    assert f"{from_file}:1:16: support_hours: More support hours" in result.stderr
    assert run("answer", pid, "support_hours", "25").exit_code == 0


def test_repeats_are_answered_one_by_one_and_calculated_ones_never(run, tmp_path: Path) -> None:
    pid = run("prospect", "add", "Repeat Ltd").stdout.strip()
    run("answer", pid, "--from", _answers(tmp_path, "f.yaml", "competing_lines: 1\n"))
    run("advance", pid, "--override", "testing")
    assert run("answer", pid, "refs[2].ref_company", "Gamma").exit_code == 0
    result = run("answer", pid, "ref_company", "Gamma")
    assert result.exit_code == 2
    assert "is in the repeated section 'refs': answer one repeat, e.g. refs[0].ref_company" in (
        result.stderr
    )
    result = run("answer", pid, "share_of_mind", "50")
    assert result.exit_code == 2
    assert "calculated" in result.stderr
    shown = json.loads(run("prospect", "show", pid, "--json").stdout)
    refs = shown["breakdown"]["sections"][1]
    assert len(refs["repeats"]) == 3
    assert refs["questions"][4]["key"] == "refs[2].ref_company"
    assert refs["questions"][4]["value"] == "Gamma"

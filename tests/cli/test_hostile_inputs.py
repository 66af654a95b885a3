"""What a hostile or careless user may hand the commands, found by attacking them:
each gets one line and a non-zero status, and nothing of theirs is replaced or lost."""

from __future__ import annotations

import json
import os
import stat
from datetime import date
from pathlib import Path

import pytest
from support import done_without_a_writer


@pytest.fixture
def demo(ws):
    assert ws("demo").exit_code == 0
    listed = json.loads(ws("prospect", "list", "--json").stdout)
    return listed[0]["id"]


def test_a_report_never_replaces_a_device_a_pipe_or_a_link(ws, demo, tmp_path) -> None:
    target = tmp_path / "target.md"
    target.write_text("theirs\n")
    (tmp_path / "link.md").symlink_to(target)
    (tmp_path / "dangling.md").symlink_to(tmp_path / "nowhere")
    os.mkfifo(tmp_path / "pipe.md")
    for name in ("pipe.md", "dangling.md"):
        result = ws("report", demo, "-o", str(tmp_path / name), "--force")
        assert result.exit_code == 1
        assert f"{tmp_path / name} is not a file (a device, pipe or broken link)" in result.stderr
    assert stat.S_ISFIFO((tmp_path / "pipe.md").lstat().st_mode)
    assert (tmp_path / "dangling.md").is_symlink()
    if Path("/dev/null").exists():  # a device: a file in its place would take it away
        result = ws("report", demo, "-o", "/dev/null", "--force")
        assert result.exit_code == 1 and "is not a file" in result.stderr
        assert stat.S_ISCHR(os.lstat("/dev/null").st_mode)
    # a link to a file: the file is replaced, the link kept
    assert ws("report", demo, "-o", str(tmp_path / "link.md")).exit_code == 1  # no --force
    assert ws("report", demo, "-o", str(tmp_path / "link.md"), "--force").exit_code == 0
    assert (tmp_path / "link.md").is_symlink() and target.read_text().startswith("# Fit report")


def test_an_export_with_a_deeply_nested_answer_is_refused_in_one_line(ws, demo, tmp_path) -> None:
    export = tmp_path / "export.json"
    assert ws("export", "-o", str(export)).exit_code == 0
    data = json.loads(export.read_text())
    data["prospects"] = data["prospects"][:1]
    answers = data["prospects"][0]["interviews"][0]["answers"]
    answers["employees"] = {**answers.get("employees", {}), "question_id": "employees"}
    answers["employees"]["value"] = "DEEP"
    text = json.dumps(data).replace('"DEEP"', "[" * 1000 + "]" * 1000)
    export.write_text(text)
    result = ws("import", str(export), data=tmp_path / "fresh")
    assert result.exit_code == 1, result.stderr
    assert "answer 'employees': expected a number, got [[[[...]]]]" in result.stderr
    assert "internal error" not in result.stderr and len(result.stderr.splitlines()) == 1


@pytest.mark.parametrize("reason", ["", "   ", "\u200b", "\u202e\u200d"])
def test_a_reason_must_say_something(ws, demo, reason: str) -> None:
    assert ws("decline", demo, "--reason", reason).exit_code != 0
    assert ws("hold", demo, "--reason", reason).exit_code != 0
    assert ws("decline", demo, "--reason", "Sells only online").exit_code == 0
    result = ws("reopen", demo, "--reason", reason)
    assert result.exit_code != 0 and "reason" in result.stderr
    shown = json.loads(ws("prospect", "show", demo, "--json").stdout)
    assert shown["prospect"]["status"] == "declined"


def test_a_recontact_date_that_is_no_day_says_so(ws, demo) -> None:
    result = ws("hold", demo, "--reason", "Budget next year", "--recontact", "2026-02-30")
    assert result.exit_code == 2
    assert "--recontact: '2026-02-30' is not a real date" in result.stderr
    assert "%Y" not in result.stderr
    before = json.loads(ws("prospect", "show", demo, "--json").stdout)["prospect"]
    passed = ws("hold", demo, "--reason", "Budget next year", "--recontact", "2025-03-01")
    assert passed.exit_code == 2  # a slip for 2027: the prospect would be due at once
    assert (
        f"--recontact: the day to re-contact, 2025-03-01, has passed: "
        f"give today ({date.today().isoformat()}) or a later day"
    ) in passed.stderr
    after = json.loads(ws("prospect", "show", demo, "--json").stdout)["prospect"]
    assert after == before  # nothing recorded
    today = date.today().isoformat()
    held = ws("hold", demo, "--reason", "Budget next year", "--recontact", today)
    assert held.exit_code == 0 and f"re-contact on {today}" in held.stdout


def test_a_thousands_separator_is_explained_with_both_readings(ws) -> None:
    from qualify.core.questionnaire.answer_values import AnswerError, typed
    from qualify.core.questionnaire.model import Question

    question = Question.model_validate({"id": "n", "type": "number", "text": "N"})
    with pytest.raises(AnswerError) as caught:
        typed(question, "1,000")
    assert "'1,000' could be 1000 or 1:" in str(caught.value)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes are POSIX")
def test_a_named_pipe_nobody_writes_to_is_read_as_empty_not_waited_for(ws, tmp_path) -> None:
    """`import`, `attach` and capacity.yaml opened a named pipe and waited for a writer
    for ever; each reads it as an empty file and says so."""
    pipe = tmp_path / "export.json"
    os.mkfifo(pipe)
    result = done_without_a_writer(pipe, lambda: ws("import", str(pipe)), "import")
    assert result.exit_code != 0
    assert "the file is empty" in result.stderr


def test_a_negative_number_is_the_value_not_an_option(tmp_path) -> None:
    """`qualify answer ID growth -5` said "No such option '-5'": the number is the VALUE,
    wherever the options are; a mistyped option is still named, never recorded."""
    import shutil

    from click.testing import CliRunner

    from qualify.cli import main

    sets = tmp_path / "sets"
    shutil.copytree(Path(__file__).resolve().parents[2] / "questionnaires", sets)
    first = sets / "first-date.yaml"
    text = first.read_text(encoding="utf-8")
    first.write_text(
        text.replace(
            "        min: 0\n        max: 100000", "        min: -10\n        max: 100000"
        ),
        encoding="utf-8",
    )

    def qualify(*args: str):
        base = ["--data-dir", str(tmp_path / "ws"), "--questionnaires", str(sets)]
        return CliRunner().invoke(main, [*base, *args], catch_exceptions=False)

    pid = qualify("prospect", "add", "Minus AV").stdout.strip()

    def employees() -> tuple[object, str]:
        from qualify.store import open_store

        with open_store(tmp_path / "ws") as store:
            records = store.read_prospect(pid)
        given = records.interviews[-1].answers.get("employees")
        return (given.value, given.note) if given is not None else (None, "")

    assert qualify("answer", pid, "employees", "-5").exit_code == 0
    assert employees() == (-5, "")
    recorded = qualify(
        "answer", pid, "employees", "-3", "--note", "-2 since May", "--source", "verified"
    )
    assert recorded.exit_code == 0, recorded.output
    assert employees() == (-3, "-2 since May")
    assert qualify("answer", "--note=x", pid, "employees", "-1").exit_code == 0
    assert employees() == (-1, "x")
    below = qualify("answer", pid, "employees", "-11")
    assert below.exit_code == 1 and "-11 is below the minimum -10" in below.stderr
    typo = qualify("answer", pid, "employees", "-4", "--notee", "x")
    assert typo.exit_code == 2 and "no such option --notee (did you mean --note?)" in typo.stderr
    assert employees() == (-1, "x")  # nothing recorded
    dashes = qualify("answer", pid, "employees", "--", "-2")  # the usual way still works
    assert dashes.exit_code == 0 and employees() == (-2, "x")


def test_every_demo_prospect_compares_with_the_best_partners(ws, demo) -> None:
    """`compare ID --ideal` stopped with an internal error (KeyError
    'references[1].ref_outcome') on a prospect whose answers differ in a repeated
    section; the app showed that answer's option value ("confirm"), not its label."""
    listed = json.loads(ws("prospect", "list", "--json").stdout)
    said = []
    for row in listed:
        result = ws("compare", row["id"], "--ideal")
        assert result.exit_code == 0, (row["id"], result.stderr)
        said.append(result.stdout)
    text = "\n".join(said)
    assert "What did the reference tell us?" in text
    assert "Confirmed what the prospect claims" in text  # the label, not `confirm`

"""The command line as a user drives it: success paths and failure paths."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from support import qualify_cli

from qualify.cli import main

FIXTURES = Path(__file__).parent / "fixtures"
MINI = FIXTURES / "mini"
ROOT = Path(__file__).resolve().parents[2]
BUNDLED = ROOT / "questionnaires"


@pytest.fixture
def run(tmp_path: Path):
    """Invoke `qualify --data-dir TMP --questionnaires MINI ...` and return the result."""

    def invoke(*args: str, questionnaires: Path | None = MINI, input: str | None = None):
        return qualify_cli(tmp_path / "ws", *args, questionnaires=questionnaires, stdin=input)

    return invoke


# ---------------------------------------------------------------- validate


def test_validate_default_sets_pass(run) -> None:
    result = run("validate")
    assert result.exit_code == 0, result.output
    assert "mini-first.yaml ... ok" in result.stdout
    assert "3 file(s) checked: 0 error(s)" in result.stdout


def test_validate_bundled_sets_from_any_directory(tmp_path: Path) -> None:
    """After an install, `qualify validate` finds the bundled sets wherever it runs."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("QUALIFY_")}
    env["QUALIFY_DATA_DIR"] = str(tmp_path / "ws")
    result = subprocess.run(
        [sys.executable, "-m", "qualify", "validate"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        env=env,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "first-date.yaml ... ok" in result.stdout
    assert "pipeline.yaml ... ok" in result.stdout


def test_validate_reports_every_problem_with_position(run, tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        "id: bad\n"
        "title: Bad\n"
        "version: 1\n"
        "sections:\n"
        "  - id: s\n"
        "    title: S\n"
        "    questions:\n"
        "      - id: q1\n"
        "        text: Q1\n"
        "        type: choice\n"
        "        wieght: 2\n"
        "        options:\n"
        "          - {value: a, score: high}\n",
        encoding="utf-8",
    )
    result = run("validate", str(bad))
    assert result.exit_code == 1
    lines = result.stdout.strip().splitlines()
    assert any(line.startswith(f"{bad}:11:9:") and "wieght" in line for line in lines), lines
    assert any(line.startswith(f"{bad}:13:") and "score" in line for line in lines), lines
    assert "Traceback" not in result.output


def test_validate_missing_path_is_one_line(run, tmp_path: Path) -> None:
    result = run("validate", str(tmp_path / "nope.yaml"))
    assert result.exit_code == 1
    assert result.stderr.strip().startswith("qualify: error:")
    assert len(result.stderr.strip().splitlines()) == 1


def test_schema_is_json_schema_of_the_format(run) -> None:
    result = run("schema")
    assert result.exit_code == 0
    schema = json.loads(result.stdout)
    assert schema["title"] == "qualify question set"
    assert "sections" in schema["properties"]


# ---------------------------------------------------------------- score


def test_score_json_traces_every_figure(run) -> None:
    result = run(
        "score",
        "--questionnaire",
        str(MINI / "mini-first.yaml"),
        "--answers",
        str(FIXTURES / "good-answers.yaml"),
        "--json",
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["score"] == 100
    assert data["band"] == "Strong fit"
    assert data["knocked_out"] is False
    assert data["coverage"] == 1
    sections = {s["id"]: s for s in data["sections"]}
    assert sections["basics"]["score"] == 100
    reps = next(q for q in sections["basics"]["questions"] if q["id"] == "reps")
    assert (reps["points"], reps["max"]) == (4, 4)
    total = sum(q["contribution"] or 0 for s in data["sections"] for q in s["questions"])
    assert total == pytest.approx(100, abs=0.5)


def test_score_table_is_readable(run) -> None:
    result = run(
        "score",
        "--questionnaire",
        str(MINI / "mini-first.yaml"),
        "--answers",
        str(FIXTURES / "good-answers.yaml"),
    )
    assert result.exit_code == 0
    assert "Score 100.0 · Strong fit · coverage 100%" in result.stdout
    assert "Knock-outs: none" in result.stdout


def test_score_rejects_every_invalid_answer_by_id_and_line(run) -> None:
    bad = FIXTURES / "bad-answers.yaml"
    result = run("score", "--questionnaire", str(MINI / "mini-first.yaml"), "--answers", str(bad))
    assert result.exit_code == 1
    err = result.stderr
    assert f"{bad}:1:" in err and "company_type" in err and "wholesaler" in err
    assert f"{bad}:2:" in err and "reps" in err
    assert f"{bad}:3:" in err and "unknown_q" in err
    assert "Score" not in result.stdout


# ---------------------------------------------------------------- workspace


def test_prospect_journey(run) -> None:
    added = run("prospect", "add", "Müller & Søn AV", "--territory", "North", "--kind", "dealer")
    assert added.exit_code == 0, added.output
    pid = added.stdout.strip()
    assert pid and "\n" not in pid

    listed = run("prospect", "list", "--json")
    rows = json.loads(listed.stdout)
    assert [r["name"] for r in rows] == ["Müller & Søn AV"]
    assert rows[0]["stage"] == "first-date"

    blocked = run("advance", pid)
    assert blocked.exit_code != 0
    # The unanswered required question is named by id (what `answer` takes) and wording.
    assert "company_type: What kind of company are you?" in blocked.stderr
    assert "First date gate is not met" in blocked.stderr
    run("answer", pid, "reps", "3")
    shown = run("prospect", "show", pid)
    assert "company_type: What kind of company are you?" in shown.stdout

    recorded = run("answer", pid, "--from", str(FIXTURES / "good-answers.yaml"))
    assert recorded.exit_code == 0, recorded.output
    shown = json.loads(run("prospect", "show", pid, "--json").stdout)
    assert shown["breakdown"]["score"] == 100
    assert shown["gate"]["passed"] is True

    moved = run("advance", pid)
    assert moved.exit_code == 0, moved.output
    assert "first-date → commitment" in moved.stdout
    rows = json.loads(run("prospect", "list", "--json").stdout)
    assert rows[0]["stage"] == "commitment"
    assert rows[0]["status"] == "committed"


def test_prospect_show_says_what_was_recorded_beside_each_value(run, tmp_path: Path) -> None:
    """Not known yet, would not say, a source other than the prospect's word, and the
    interviewer's note are shown on the question's line, not hidden behind "unanswered"."""
    pid = run("prospect", "add", "Atlas AV").stdout.strip()
    noted = run(
        "answer", pid, "reps", "6", "--source", "verified", "--note", "org\x1b[2J chart\nseen"
    )
    assert noted.exit_code == 0, noted.output
    states = tmp_path / "states.yaml"
    states.write_text(
        'company_type: {state: unknown, note: "the owner will know"}\n'
        "needs_training: {state: declined}\n"
    )
    assert run("answer", pid, "--from", str(states)).exit_code == 0
    lines = run("prospect", "show", pid).stdout.splitlines()
    at = {
        line.split()[0]: n
        for n, line in enumerate(lines)
        if line.startswith("    ") and line.split()
    }
    assert lines[at["company_type"]].split(None, 1)[1] == "not known yet"
    assert lines[at["company_type"] + 1].strip() == "Note: the owner will know"
    assert lines[at["needs_training"]].split(None, 1)[1] == "would not say"
    assert "Note" not in lines[at["needs_training"] + 1]
    assert lines[at["reps"]].endswith("· verified")
    # the note on one line, the escape sequence shown, never sent to the terminal
    assert lines[at["reps"] + 1].strip() == "Note: org\\x1b[2J chart⏎seen"
    assert lines[at["notes"]].split(None, 1)[1] == "unanswered"


def test_answer_file_is_all_or_nothing(run) -> None:
    pid = run("prospect", "add", "Atlas AV").stdout.strip()
    run("answer", pid, "company_type", "integrator")
    result = run("answer", pid, "--from", str(FIXTURES / "bad-answers.yaml"))
    assert result.exit_code == 1
    shown = json.loads(run("prospect", "show", pid, "--json").stdout)
    answered = [
        q["id"] for s in shown["breakdown"]["sections"] for q in s["questions"] if q["answered"]
    ]
    assert answered == ["company_type"]


def test_a_refused_answer_file_starts_no_interview(run) -> None:
    pid = run("prospect", "add", "Atlas AV").stdout.strip()
    for args in (
        ("--from", str(FIXTURES / "bad-answers.yaml")),
        ("company_type", "wholesaler"),
        ("reps", "12:30"),
    ):
        result = run("answer", pid, *args)
        assert result.exit_code in (1, 2), result.output
    shown = json.loads(run("prospect", "show", pid, "--json").stdout)
    assert shown["interview"] is None and shown["breakdown"] is None
    history = [h["action"] for h in shown["history"]]
    assert history == ["created"]


def test_single_answer_errors_name_the_argument(run) -> None:
    pid = run("prospect", "add", "Atlas AV").stdout.strip()
    result = run("answer", pid, "company_typ", "dealer")
    assert result.exit_code == 2
    assert "QUESTION" in result.stderr and "company_type" in result.stderr
    result = run("answer", pid, "reps", "many")
    assert result.exit_code == 1  # a value that does not fit (README: exit status)
    assert "VALUE" in result.stderr


def test_a_blank_text_answer_is_refused_and_nothing_recorded(run) -> None:
    """`qualify answer ID notes "$unset"` is no answer: before, the empty text was
    recorded and counted as answered (coverage, a gate's required question)."""
    pid = run("prospect", "add", "Atlas AV").stdout.strip()
    for blank in ("", "   "):
        result = run("answer", pid, "notes", blank)
        assert result.exit_code == 1
        assert "no value given" in result.stderr
    shown = json.loads(run("prospect", "show", pid, "--json").stdout)
    assert shown["interview"] is None and shown["breakdown"] is None
    assert [h["action"] for h in shown["history"]] == ["created"]


def test_override_decline_reopen_are_recorded(run) -> None:
    pid = run("prospect", "add", "Baltic Systems").stdout.strip()
    moved = run("advance", pid, "--override", "Director wants them in")
    assert moved.exit_code == 0, moved.output
    assert "override" in moved.stdout
    declined = run("decline", pid, "--reason", "Failed credit check")
    assert declined.exit_code == 0
    again = run("decline", pid, "--reason", "again")
    assert again.exit_code == 1 and "already declined" in again.stderr
    assert run("reopen", pid).exit_code == 2  # a reopening needs a reason
    assert run("reopen", pid, "--reason", "Credit cleared").exit_code == 0
    shown = json.loads(run("prospect", "show", pid, "--json").stdout)
    actions = [h["action"] for h in shown["history"]]
    assert actions == ["created", "advance", "decline", "reopen"]
    override = shown["history"][1]
    assert override["overridden"] is True and override["reason"] == "Director wants them in"


def test_unknown_prospect_is_one_clear_line(run) -> None:
    result = run("prospect", "show", "zzzz")
    assert result.exit_code == 1
    assert result.stderr.startswith("qualify: error:")
    assert "zzzz" in result.stderr
    assert "Traceback" not in result.output


def test_decline_needs_reason(run) -> None:
    pid = run("prospect", "add", "Delta Media").stdout.strip()
    result = run("decline", pid, "--reason", "  ")
    assert result.exit_code == 1
    assert "reason" in result.stderr


def test_paths_prints_what_is_in_use(run, tmp_path: Path) -> None:
    result = run("paths")
    assert result.exit_code == 0
    assert str(tmp_path / "ws") in result.stdout
    assert "--questionnaires" in result.stdout


def test_questionnaires_init_copies_bundled_sets(run, tmp_path: Path) -> None:
    result = run("questionnaires", "init", questionnaires=None)
    assert result.exit_code == 0, result.output
    target = tmp_path / "ws" / "questionnaires"
    assert (target / "pipeline.yaml").exists()
    paths = run("paths", questionnaires=None)
    assert f"{target}  (workspace)" in paths.stdout
    again = run("questionnaires", "init", questionnaires=None)
    assert "kept" in again.stdout


def test_demo_fills_a_workspace_with_every_stage(run) -> None:
    result = run("demo", "--prospects", "60", questionnaires=BUNDLED)
    assert result.exit_code == 0, result.output
    rows = json.loads(run("prospect", "list", "--json", questionnaires=BUNDLED).stdout)
    assert len(rows) == 60
    assert {r["status"] for r in rows} >= {"active", "committed", "declined"}
    assert len({r["stage"] for r in rows}) >= 4
    assert any(r["knocked_out"] for r in rows) or any(r["status"] == "declined" for r in rows)


def test_missing_inputs_name_the_option(run, tmp_path: Path) -> None:
    result = run("score", "--questionnaire", str(tmp_path / "q.yaml"), "--answers", "x.yaml")
    assert result.exit_code == 2
    assert (
        result.stderr.strip()
        == f"qualify: error: --questionnaire {tmp_path / 'q.yaml'}: no such file"
    )
    pid = run("prospect", "add", "Atlas AV").stdout.strip()
    result = run("answer", pid, "--from", str(tmp_path))
    assert result.exit_code == 2 and f"--from {tmp_path}: is a folder" in result.stderr
    result = run("prospect", "add", "X", questionnaires=tmp_path / "nope")
    assert result.exit_code == 2
    assert "--questionnaires" in result.stderr and "question-set folder not found" in result.stderr


def test_prospect_edit_keeps_the_change_in_history(run) -> None:
    pid = run("prospect", "add", "Atlas AV", "--territory", "North").stdout.strip()
    result = run("prospect", "edit", pid, "--name", "Atlas AV Ltd", "--kind", "integrator")
    assert result.exit_code == 0, result.output
    shown = json.loads(run("prospect", "show", pid, "--json").stdout)
    assert (shown["prospect"]["name"], shown["prospect"]["kind"]) == ("Atlas AV Ltd", "integrator")
    assert shown["prospect"]["territory"] == "North"
    edit = shown["history"][-1]
    assert edit["action"] == "edit"
    assert edit["details"] == {"name": "Atlas AV Ltd", "kind": "integrator"}
    again = run("prospect", "edit", pid, "--name", "Atlas AV Ltd")
    assert "nothing to change" in again.stdout
    assert len(json.loads(run("prospect", "show", pid, "--json").stdout)["history"]) == 2
    assert run("prospect", "edit", pid, "--name", " ").exit_code == 1


@pytest.mark.parametrize(
    ("option", "typed", "said"),
    [
        ("--stage", "first_date", "'first_date' is none of first-date, commitment, review "
         "(did you mean 'first-date'?)"),
        ("--status", "Active", "'Active' is none of active, committed, declined, on_hold "
         "(did you mean 'active'?)"),
        ("--territory", "north", "no prospect is in the territory 'north' (did you mean "
         "'North'?); the territories: North, South"),
        ("--territory", "Atlantis", "no prospect is in the territory 'Atlantis'; the "
         "territories: North, South"),
    ],
)  # fmt: skip
def test_a_list_filter_nothing_could_pass_names_its_option(run, option, typed, said) -> None:
    """`prospect list --stage honeymoon` (or a status, or `north` for North) listed nothing
    and said "No prospect matches.", as if the filter were fine: a usage error instead."""
    run("prospect", "add", "Atlas AV", "--territory", "North")
    run("prospect", "add", "Fjord AS", "--territory", "South")
    result = run("prospect", "list", option, typed)
    assert result.exit_code == 2 and result.stdout == ""
    assert f"qualify: error: {option}: " in result.stderr and said in result.stderr
    fine = run("prospect", "list", "--territory", "North", "--stage", "first-date")
    assert fine.exit_code == 0 and "Atlas AV" in fine.stdout and "Fjord" not in fine.stdout


def test_the_territories_a_filter_names_are_shown_not_played(run) -> None:
    """A territory is whatever a teammate typed: an escape sequence in one is shown, not
    sent to the terminal, when a --territory names none."""
    run("prospect", "add", "Atlas AV", "--territory", "\x1b]0;pwned\x07North")
    result = run("prospect", "list", "--territory", "north")
    assert result.exit_code == 2 and "\x1b" not in result.stderr and "\x07" not in result.stderr
    assert "pwned" in result.stderr


def test_a_workspace_that_cannot_be_made_is_one_line_naming_the_option(tmp_path: Path) -> None:
    not_a_folder = tmp_path / "notes.txt"
    not_a_folder.write_text("mine", "utf-8")
    runner = CliRunner()
    for where in (not_a_folder, not_a_folder / "ws"):
        result = runner.invoke(main, ["--data-dir", str(where), "prospect", "list"])
        assert result.exit_code == 1
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1 and "Traceback" not in result.stderr
        assert str(where) in lines[0] and "--data-dir" in lines[0]
    assert not_a_folder.read_text("utf-8") == "mine"


def test_answers_can_come_from_standard_input(run) -> None:
    """`-` reads the answer file from a pipe; a mistake names `<stdin>` and its line."""
    pid = run("prospect", "add", "Piped AV").stdout.strip()
    good = (FIXTURES / "good-answers.yaml").read_text("utf-8")
    recorded = run("answer", pid, "--from", "-", input=good)
    assert recorded.exit_code == 0, recorded.output
    shown = json.loads(run("prospect", "show", pid, "--json").stdout)
    assert shown["breakdown"]["score"] == 100

    bad = run(
        "score",
        "--questionnaire",
        str(MINI / "mini-first.yaml"),
        "--answers",
        "-",
        input="company_type: wholesaler\n",
    )
    assert bad.exit_code == 1
    assert "<stdin>:1:" in bad.stderr and "wholesaler" in bad.stderr

"""Issue 18 on the command line: undo and corrections, next meetings and the calendar,
demo data kept apart, finding prospects, reopen reasons, and where results go."""

from __future__ import annotations

import json
import os
import stat
from datetime import date, timedelta
from pathlib import Path

import pytest
from support import qualify_cli

FIXTURES = Path(__file__).parent / "fixtures"
MINI = FIXTURES / "mini"
ROOT = Path(__file__).resolve().parents[2]
BUNDLED = ROOT / "questionnaires"


@pytest.fixture
def run(tmp_path: Path):

    def invoke(*args: str, questionnaires: Path | None = MINI, input: str | None = None):
        return qualify_cli(tmp_path / "ws", *args, questionnaires=questionnaires, stdin=input)

    return invoke


def history(run, pid: str) -> list[dict]:
    return json.loads(run("prospect", "show", pid, "--json").stdout)["history"]


def shown(run, pid: str) -> dict:
    return json.loads(run("prospect", "show", pid, "--json").stdout)["prospect"]


# ---------------------------------------------------------------- undo


@pytest.mark.filterwarnings("error")  # the status put back is a status, not a bare string
def test_undo_takes_back_moves_latest_first_as_new_history(run) -> None:
    pid = run("prospect", "add", "Baltic Systems").stdout.strip()
    assert run("advance", pid, "--override", "Director wants them in").exit_code == 0
    assert run("decline", pid, "--reason", "Failed credit check").exit_code == 0

    assert run("undo", pid).exit_code == 2  # an undo needs a reason
    dry = run("undo", pid, "--reason", "x", "--dry-run")
    assert "would undo parting ways" in dry.stdout
    first = run("undo", pid, "--reason", "Credit check was for another company")
    assert first.exit_code == 0, first.output
    assert "undid parting ways" in first.stdout and "now at commitment, committed" in first.stdout
    second = run("undo", pid, "--reason", "Pressed by mistake")
    assert "undid the move First date → Commitment" in second.stdout
    assert "now at first-date, active" in second.stdout
    assert run("undo", pid, "--reason", "again").exit_code == 1  # nothing left to undo

    entries = history(run, pid)
    assert [h["action"] for h in entries] == ["created", "advance", "decline", "undo", "undo"]
    undo_decline, undo_advance = entries[3], entries[4]
    assert undo_decline["details"]["undoes"] == entries[2]["id"]
    assert undo_decline["reason"] == "Credit check was for another company"
    assert undo_advance["details"]["undoes"] == entries[1]["id"]
    assert (undo_advance["from_stage"], undo_advance["to_stage"]) == ("commitment", "first-date")
    assert shown(run, pid)["status"] == "active"
    text = run("prospect", "show", pid).stdout
    assert text.count("[undone]") == 2


def test_undo_an_answer_puts_back_the_one_before(run) -> None:
    pid = run("prospect", "add", "Delta AV").stdout.strip()
    run("answer", pid, "reps", "3")
    run("answer", pid, "reps", "12")
    assert (
        "the answer to “How many sales reps?” (back to the answer before it)"
        in run("undo", pid, "--reason", "x", "--dry-run").stdout
    )
    assert run("undo", pid, "--reason", "Typed the wrong number").exit_code == 0
    answers = json.loads(run("report", pid, "--format", "json").stdout)["interviews"][0]
    values = {a["question_id"]: a["value"] for s in answers["sections"] for a in s["answers"]}
    assert values["reps"] == 3
    # an answer put back by an undo remembers nothing before it: nothing more to undo
    assert run("undo", pid, "--reason", "again").exit_code == 1
    report = json.loads(run("report", pid, "--format", "json").stdout)
    texts = [t["text"] for t in report["timeline"] if t["action"] == "undo"]
    assert texts[0] == "Undone: the answer to “How many sales reps?”: Typed the wrong number"


def test_an_earlier_stage_is_corrected_and_the_history_marks_it(run) -> None:
    pid = run("prospect", "add", "Atlas AV").stdout.strip()
    run("answer", pid, "company_type", "dealer")
    run("answer", pid, "reps", "6")
    assert run("advance", pid).exit_code == 0
    refused = run("answer", pid, "reps", "8")
    assert refused.exit_code == 2 and "not a question of mini-commit" in refused.stderr
    fixed = run("answer", pid, "reps", "8", "--stage", "first-date")
    assert fixed.exit_code == 0, fixed.output
    assert "correcting first-date" in fixed.stdout and fixed.stderr == ""
    entries = history(run, pid)
    assert entries[-1]["action"] == "correct"
    assert entries[-1]["details"]["answers"]["reps"] == {"old": 6, "new": 8, "state": "answered"}
    report = json.loads(run("report", pid, "--format", "json").stdout)
    [mark] = [t for t in report["timeline"] if t["action"] == "correct"]
    assert mark["text"] == "Corrected after the stage was left (First date): “How many sales reps?”"
    markdown = run("report", pid).stdout
    assert "Corrected after the stage was left (First date)" in markdown
    assert run("answer", pid, "reps", "8", "--stage", "nowhere").exit_code == 1


def test_reopen_needs_a_reason(run) -> None:
    pid = run("prospect", "add", "Oder Media").stdout.strip()
    run("decline", pid, "--reason", "No presence in the territory")
    missing = run("reopen", pid)
    assert missing.exit_code == 2 and "--reason" in missing.stderr
    done = run("reopen", pid, "--reason", "Opened an office in the north")
    assert done.exit_code == 0 and "active again" in done.stdout
    assert history(run, pid)[-1]["reason"] == "Opened an office in the north"


# ---------------------------------------------------------------- meetings


def test_meetings_agenda_due_and_the_calendar(run, tmp_path: Path, monkeypatch) -> None:
    import icalendar

    from qualify.workflow import meetings

    soon = run("prospect", "add", "Müller & Søn AV").stdout.strip()
    later = run("prospect", "add", "Fjord Systems").stdout.strip()
    late = run("prospect", "add", "Rhine Comms").stdout.strip()
    today = date.today()
    set_soon = run("meet", soon, "+2d", "--time", "14:30", "--note", "Showroom, bring prices")
    assert set_soon.exit_code == 0, set_soon.output
    assert f"next meeting {today + timedelta(days=2)} 14:30 · Showroom, bring prices" in (
        set_soon.stdout
    )
    run("meet", later, (today + timedelta(days=30)).isoformat())
    passed = (today - timedelta(days=3)).isoformat()
    refused = run("meet", late, passed)  # a slip (2025 for 2027): overdue at once
    assert refused.exit_code == 1
    assert f"the day of the next meeting, {passed}, has passed: give today" in refused.stderr
    with monkeypatch.context() as then:  # agreed a week ago: overdue now
        then.setattr(meetings, "today", lambda: today - timedelta(days=7))
        assert run("meet", late, passed).exit_code == 0
    kept = run("meet", late, passed, "--note", "call first")  # the agreed day, a new note
    assert kept.exit_code == 0, kept.output
    assert "not a date" in run("meet", soon, "25:99").stderr
    assert run("meet", soon, "+1d", "--time", "25:99").exit_code == 1

    due = run("agenda", "--due", "7d")
    assert due.exit_code == 0, due.output
    lines = due.stdout
    assert lines.index("Rhine Comms") < lines.index("Müller & Søn AV")  # overdue first
    assert "OVERDUE" in lines and "Fjord Systems" not in lines
    assert "What kind of company are you?" in lines  # each meeting with its agenda
    data = json.loads(run("agenda", "--due", "7d", "--format", "json").stdout)
    assert [m["name"] for m in data] == ["Rhine Comms", "Müller & Søn AV"]
    assert data[1]["meeting"]["start"] == "14:30:00" and data[0]["overdue"] is True

    listed = json.loads(run("prospect", "list", "--json", "--sort", "meeting").stdout)
    assert [r["name"] for r in listed] == ["Rhine Comms", "Müller & Søn AV", "Fjord Systems"]
    within = run("prospect", "list", "--meeting-within", "7d").stdout
    assert "Fjord" not in within and "Rhine" in within

    out = tmp_path / "meetings.ics"
    written = run("calendar", "-o", str(out))
    assert written.exit_code == 0 and "wrote" in written.stdout and "3 meetings" in written.stdout
    raw = out.read_bytes()
    assert raw.endswith(b"\r\n") and all(len(line) <= 75 for line in raw.split(b"\r\n"))
    cal = icalendar.Calendar.from_ical(raw)
    events = {str(e["SUMMARY"]): e for e in cal.walk("VEVENT")}
    assert set(events) == {
        "Müller & Søn AV: First date",
        "Fjord Systems: First date",
        "Rhine Comms: First date",
    }
    showroom = events["Müller & Søn AV: First date"]
    start = showroom.decoded("DTSTART")
    assert (start.date(), start.hour, start.minute) == (today + timedelta(days=2), 14, 30)
    assert "Showroom, bring prices" in str(showroom["DESCRIPTION"])
    assert "1. What kind of company are you?" in str(showroom["DESCRIPTION"])
    assert events["Fjord Systems: First date"].decoded("DTSTART") == today + timedelta(days=30)
    assert len({str(e["UID"]) for e in events.values()}) == 3
    assert run("calendar", "-o", str(out)).exit_code == 1  # never replaced without --force
    cleared = run("meet", later, "--clear")
    assert "no next meeting" in cleared.stdout
    assert shown(run, later)["next_meeting"] is None


# ---------------------------------------------------------------- demo data


def test_demo_never_overwrites_warns_and_removes_only_its_own(run) -> None:
    first = run("demo", "--prospects", "5", questionnaires=None)
    assert first.exit_code == 0 and "added 5 sample prospects (tagged demo)" in first.stdout
    rows = json.loads(run("prospect", "list", "--json", questionnaires=None).stdout)
    edited = rows[0]["id"]
    run("prospect", "edit", edited, "--name", "My edited sample", questionnaires=None)
    again = run("demo", "--prospects", "7", questionnaires=None)
    assert "added 2 sample prospects" in again.stdout
    assert "5 were there already and were left as they are" in again.stdout
    assert shown(run, edited)["name"] == "My edited sample"

    mine = run("prospect", "add", "Real Partner AV", questionnaires=None).stdout.strip()
    refused = run("demo", questionnaires=None)
    assert refused.exit_code == 1 and "1 prospect(s) of your own" in refused.stderr
    forced = run("demo", "--prospects", "8", "--force", questionnaires=None)
    assert forced.exit_code == 0 and "warning:" in forced.stderr

    removed = run("demo", "--remove", questionnaires=None)
    assert removed.exit_code == 0 and "removed 8 sample prospect(s)" in removed.stdout
    left = json.loads(run("prospect", "list", "--json", questionnaires=None).stdout)
    assert [r["id"] for r in left] == [mine]


# ---------------------------------------------------------------- finding


def test_search_ignores_case_and_accents_and_reads_answers(run) -> None:
    a = run("prospect", "add", "Åkesson Ljud AB", "--territory", "Nordics").stdout.strip()
    b = run("prospect", "add", "Søndergaard Lys").stdout.strip()
    c = run(
        "prospect", "add", "Plain Name Ltd", "--notes", "Met at the fair in Köln"
    ).stdout.strip()
    run("answer", b, "notes", "They want the premium range")
    run("answer", c, "company_type", "integrator")

    def found(*args: str) -> list[str]:
        out = run("prospect", "list", "--json", "--search", *args).stdout
        return [r["id"] for r in json.loads(out)]

    assert found("akesson") == [a]
    assert found("AKESSON nordics") == [a]
    assert found("sondergaard") == [b]
    assert found("PREMIUM range") == [b]  # a text answer
    assert found("koln") == [c]  # a note
    assert found("integrator") == [c]  # an option's label
    assert found("premium", "--names-only") == []


# ---------------------------------------------------------------- reports and files


def test_portfolio_json_validates_against_its_schema(run) -> None:
    import jsonschema

    from qualify.reports.json_portfolio import schema

    run("demo", "--prospects", "12", questionnaires=None)
    result = run("report", "--portfolio", "--format", "json", questionnaires=None)
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    jsonschema.validate(data, schema())
    assert data["schema"] == "qualify.portfolio/1" and data["total"] == 12
    assert (
        sum(len(g["prospects"]) for g in data["stages"])
        + len(data["just_friends"])
        + len(data["parted_ways"])
        == 12
    )


def test_report_files_follow_the_umask_unless_private(run, tmp_path: Path) -> None:
    pid = run("prospect", "add", "Umask AV").stdout.strip()
    old = os.umask(0o022)
    try:
        shared = tmp_path / "shared.html"
        assert run("report", pid, "--format", "html", "-o", str(shared)).exit_code == 0
        private = tmp_path / "private.html"
        out = run("report", pid, "--format", "html", "-o", str(private), "--private")
        assert out.exit_code == 0
    finally:
        os.umask(old)
    assert stat.S_IMODE(shared.stat().st_mode) == 0o644
    assert stat.S_IMODE(private.stat().st_mode) == 0o600


def test_score_takes_a_set_id_and_results_go_to_stdout(run, tmp_path: Path) -> None:
    answers = tmp_path / "answers.yaml"
    answers.write_text("company_type: dealer\nreps: 6\n", encoding="utf-8")
    by_id = run("score", "--questionnaire", "mini-first", "--answers", str(answers))
    assert by_id.exit_code == 0, by_id.output
    assert "Basics" in by_id.stdout
    unknown = run("score", "--questionnaire", "no-such-set", "--answers", str(answers))
    assert unknown.exit_code == 2 and "mini-first" in unknown.stderr
    pid = run("prospect", "add", "Stdout AV").stdout.strip()
    recorded = run("answer", pid, "reps", "6")
    assert recorded.stdout.startswith("recorded 1 answer(s)") and recorded.stderr == ""


def test_a_meeting_or_an_edit_is_not_a_move_an_override_waits_for(run) -> None:
    """An override is refused right after a stage move the user may not have seen; agreeing
    a meeting or editing the facts moves nobody, so it does not hold an override up."""
    pid = run("prospect", "add", "Oder Sound").stdout.strip()
    assert run("meet", pid, "+3d", "--note", "Showroom").exit_code == 0
    assert run("prospect", "edit", pid, "--territory", "East").exit_code == 0
    first = run("advance", pid, "--override", "Director wants them in")
    assert first.exit_code == 0, first.output
    assert run("undo", pid, "--reason", "Pressed by mistake").exit_code == 0
    # The undo did move it back: an override now names the stage it saw.
    again = run("advance", pid, "--override", "Director wants them in")
    assert again.exit_code == 4 and "--from first-date" in again.stderr
    assert run("advance", pid, "--override", "Yes", "--from", "first-date").exit_code == 0


@pytest.mark.parametrize(
    ("typed", "said"),
    [
        ("2026-02-30", "'2026-02-30' is not a real date"),
        ("2027", "'2027' is a year: a date needs its day too, e.g. 2027-01-01"),
        ("9999-01-01", "9999-01-01 is outside the years"),
        ("20270301", "'20270301' is not a date: use YYYY-MM-DD (or today, tomorrow, +3d)"),
        ("2027-W09-1", "'2027-W09-1' is not a date: use YYYY-MM-DD"),
    ],
)
def test_a_meeting_day_is_read_as_an_answers_date_is(run, typed: str, said: str) -> None:
    """`meet` took 20270301 and a week date (2027-W09-1) as days, and said only "not a
    date" for 2026-02-30: it reads a day as `hold` and a date answer do, nothing recorded."""
    pid = run("prospect", "add", "Oder Sound").stdout.strip()
    refused = run("meet", pid, typed)
    assert refused.exit_code == 1 and refused.stdout == ""
    assert said in refused.stderr and "Traceback" not in refused.stderr
    shown = json.loads(run("prospect", "show", pid, "--json").stdout)
    assert shown["prospect"]["next_meeting"] is None


def test_a_new_answer_keeps_the_questions_note(run, tmp_path: Path) -> None:
    """`qualify answer ID Q V` without --note changes the answer, not the note beside it
    (it wrote an empty note over it); `--note ""` still removes it."""
    from qualify.store import open_store

    def stored():
        store = open_store(tmp_path / "ws")
        try:
            return store.interviews(pid)[-1].answers["reps"]
        finally:
            store.close()

    pid = run("prospect", "add", "Baltic Systems").stdout.strip()
    assert run("answer", pid, "reps", "12", "--note", "saw the org chart").exit_code == 0
    assert run("answer", pid, "reps", "14").exit_code == 0
    assert (stored().value, stored().note) == (14, "saw the org chart")
    assert run("answer", pid, "reps", "15", "--note", "").exit_code == 0
    assert (stored().value, stored().note) == (15, "")

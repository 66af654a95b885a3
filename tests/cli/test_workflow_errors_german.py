"""The refusals of the workflow (a file that cannot be attached, a stage that is not
there, a prospect that is already active) in the user's language under `--lang de`:
one line on stderr, the path and the ids as typed, nothing written."""

from __future__ import annotations

from pathlib import Path


def de(ws, *args: str, **kw):
    return ws("--lang", "de", *args, **kw)


def test_attaching_a_missing_file_says_so_in_german(ws, tmp_path: Path) -> None:
    pid = ws("prospect", "add", "Müller AV").stdout.strip()
    missing = tmp_path / "bilanz.pdf"
    result = de(ws, "attach", pid, "founded", str(missing))
    assert result.exit_code == 2
    assert f"{missing}: Datei nicht gefunden" in result.stderr
    assert "no such file" not in result.stderr and "Traceback" not in result.stderr
    assert result.stdout == ""
    english = ws("attach", pid, "founded", str(missing))
    assert f"{missing}: no such file" in english.stderr


def test_attaching_an_empty_file_says_so_in_german(ws, tmp_path: Path) -> None:
    pid = ws("prospect", "add", "Müller AV").stdout.strip()
    empty = tmp_path / "leer.pdf"
    empty.write_bytes(b"")
    result = de(ws, "attach", pid, "founded", str(empty))
    assert result.exit_code == 2
    assert f"{empty}: die Datei ist leer; nichts anzuhängen" in result.stderr
    assert "nothing to attach" not in result.stderr


def test_reopening_an_active_prospect_is_refused_in_german(ws) -> None:
    pid = ws("prospect", "add", "Müller AV").stdout.strip()
    result = de(ws, "reopen", pid, "--reason", "Budget da")
    assert result.exit_code != 0 and result.stdout == ""
    assert "Müller AV" in result.stderr
    assert "only declined or on-hold prospects can be reopened" not in result.stderr
    english = ws("reopen", pid, "--reason", "Budget da")
    assert "only declined or on-hold prospects can be reopened" in english.stderr


def test_correcting_a_stage_that_is_not_there_names_the_stages_in_german(ws) -> None:
    pid = ws("prospect", "add", "Müller AV").stdout.strip()
    result = de(ws, "answer", pid, "founded", "1999", "--stage", "honeymoon")
    assert result.exit_code != 0
    assert "keine Phase 'honeymoon' (die Phasen: first-date" in result.stderr
    assert "no stage" not in result.stderr
    english = ws("answer", pid, "founded", "1999", "--stage", "honeymoon")
    assert "no stage 'honeymoon' (the stages: first-date" in english.stderr


def test_a_meeting_date_or_time_that_is_none_is_refused_in_german(ws) -> None:
    pid = ws("prospect", "add", "Müller AV").stdout.strip()
    day = de(ws, "meet", pid, "31.02.2027")
    assert day.exit_code != 0 and day.stdout == ""
    assert "'31.02.2027' ist kein Datum: JJJJ-MM-TT verwenden" in day.stderr
    assert "is not a date" not in day.stderr
    hour = de(ws, "meet", pid, "2027-03-01", "--time", "halb drei")
    assert "'halb drei' ist keine Uhrzeit: HH:MM verwenden, z. B. 14:30" in hour.stderr
    english = ws("meet", pid, "2027-03-01", "--time", "halb drei")
    assert "'halb drei' is not a time: use HH:MM, e.g. 14:30" in english.stderr


def test_a_workspace_folder_that_is_a_file_is_refused_in_german(ws, tmp_path: Path) -> None:
    notes = tmp_path / "notizen.txt"
    notes.write_text("keine Daten\n")
    result = de(ws, "prospect", "list", data=notes)
    assert result.exit_code != 0 and result.stdout == ""
    assert f"{notes} ist eine Datei, kein Arbeitsbereich-Ordner" in result.stderr
    assert "is a file, not a workspace folder" not in result.stderr
    assert notes.read_text() == "keine Daten\n"


def test_a_value_that_does_not_fit_its_question_is_refused_in_german(ws) -> None:
    pid = ws("prospect", "add", "Müller AV").stdout.strip()
    result = de(ws, "answer", pid, "founded", "letztes Jahr")
    assert result.exit_code == 1 and result.stdout == ""
    assert "VALUE: founded: erwartet wird ein Datum wie 2015-03-01 (JJJJ-MM-TT)" in result.stderr
    assert "expected a date" not in result.stderr
    english = ws("answer", pid, "founded", "letztes Jahr")
    assert "VALUE: founded: expected a date such as 2015-03-01 (YYYY-MM-DD)" in english.stderr

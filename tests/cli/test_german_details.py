"""The small words of a German session: a file's size with a decimal comma, a review
refused with the status in the method's words (not its stored value), and the note
`qualify doctor --repair` leaves beside a file it moves to quarantine/. English as
before, except the review refusal, which names the status the way the app does."""

from __future__ import annotations

from pathlib import Path


def de(ws, *args: str, **kw):
    return ws("--lang", "de", *args, **kw)


def test_an_attached_files_size_has_a_decimal_comma_in_german(ws, answered, tmp_path: Path) -> None:
    pid = answered()
    letter = tmp_path / "brief.pdf"
    letter.write_bytes(b"x" * 1536)
    attached = de(ws, "attach", pid, "founded", str(letter))
    assert attached.exit_code == 0, attached.output
    assert "(1,5 KB, sha256 " in attached.stdout
    shown = de(ws, "prospect", "show", pid)
    assert "1,5 KB" in shown.stdout and "1.5 KB" not in shown.stdout
    english = ws("prospect", "show", pid)
    assert "1.5 KB" in english.stdout


def test_a_review_before_commitment_names_the_status_in_words(ws) -> None:
    pid = ws("prospect", "add", "Müller AV").stdout.strip()
    result = de(ws, "review", pid)
    assert result.exit_code == 1 and result.stdout == ""
    assert (
        "Müller AV hat den Status „Im Kennenlernen“: geprüft werden nur feste Partner"
        in result.stderr
    )
    assert "active" not in result.stderr
    english = ws("review", pid)
    assert "Müller AV has the status Dating: only committed partners are reviewed" in (
        english.stderr
    )


def test_the_quarantine_note_is_written_in_the_readers_language(
    ws, answered, tmp_path: Path
) -> None:
    pid = answered()
    [record] = (tmp_path / "ws" / "prospects").rglob(f"{pid}.json")
    record.write_text("{nope")
    repaired = de(ws, "doctor", "--repair")
    assert "Traceback" not in repaired.output
    [note] = (tmp_path / "ws" / "quarantine").rglob("*.why.txt")
    text = note.read_text()
    assert "hierher verschoben von `qualify doctor --repair` am " in text
    assert "\nwas nicht stimmte: " in text
    assert "nichts wurde gelöscht" in text and "moved here" not in text


def test_the_quarantine_note_stays_english_without_a_language(ws, answered, tmp_path: Path) -> None:
    pid = answered()
    [record] = (tmp_path / "ws" / "prospects").rglob(f"{pid}.json")
    record.write_text("{nope")
    ws("doctor", "--repair")
    [note] = (tmp_path / "ws" / "quarantine").rglob("*.why.txt")
    lines = note.read_text().splitlines()
    assert lines[1].startswith("moved here by `qualify doctor --repair` at ")
    assert lines[2].startswith("what was wrong: ")
    assert lines[3] == (
        "qualify no longer reads it; nothing was deleted. Delete it once you no longer need it."
    )


def test_attaching_to_a_question_the_set_lacks_is_refused_in_german(
    ws, answered, tmp_path: Path
) -> None:
    pid = answered()
    letter = tmp_path / "brief.pdf"
    letter.write_bytes(b"%PDF-1.4\n")
    result = de(ws, "attach", pid, "no_such", str(letter))
    assert result.exit_code == 2 and result.stdout == ""
    assert "QUESTION no_such: keine Frage von first-date v" in result.stderr
    english = ws("attach", pid, "no_such", str(letter))
    assert "QUESTION no_such: not a question of first-date v" in english.stderr

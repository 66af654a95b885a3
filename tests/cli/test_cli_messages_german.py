"""Every command's own sentences in the user's language: confirmations, refusals,
summaries and one-line errors under `--lang de` (or a prospect's own language), while
what a script reads stays as it is: an id alone on stdout, JSON, exit codes."""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path


def de(ws, *args: str, **kw):
    return ws("--lang", "de", *args, **kw)


def test_add_prints_the_id_alone_and_edit_confirms_in_german(ws) -> None:
    added = de(ws, "prospect", "add", "Müller AV", "--territory", "Nord")
    pid = added.stdout.strip()
    assert added.exit_code == 0 and added.stdout == pid + "\n" and len(pid) >= 8
    edited = de(ws, "prospect", "edit", pid, "--territory", "Süd")
    assert edited.stdout == "Müller AV: gespeichert\n"
    again = de(ws, "prospect", "edit", pid, "--territory", "Süd")
    assert again.stdout == "Müller AV: nichts zu ändern\n"
    assert ws("prospect", "edit", pid, "--territory", "Ost").stdout == "Müller AV: saved\n"


def test_a_move_refused_by_the_gate_says_why_in_german(ws) -> None:
    pid = ws("prospect", "add", "Müller AV").stdout.strip()
    refused = de(ws, "advance", pid)
    assert refused.exit_code == 3  # as in English
    err = refused.stderr
    assert "Müller AV kann noch nicht weiterrücken: das Tor der Phase Erstes Date" in err
    assert "Pflichtfragen unbeantwortet" in err and "Wie würden Sie Ihr Geschäft" in err
    assert 'Um trotzdem weiterzurücken: --override "BEGRÜNDUNG".' in err
    assert "cannot move on" not in err and "required questions" not in err
    english = ws("advance", pid)
    assert english.exit_code == 3 and "Müller AV cannot move on yet" in english.stderr


def test_decline_hold_reopen_and_undo_confirm_in_german(ws) -> None:
    pid = ws("prospect", "add", "Müller AV").stdout.strip()
    later = date.today() + timedelta(days=130)  # a re-contact day must not have passed
    assert de(
        ws, "hold", pid, "--reason", "Budget später", "--recontact", later.isoformat()
    ).stdout == (f"Müller AV: pausiert, Wiedervorlage am {later:%d.%m.%Y}\n")
    assert de(ws, "reopen", pid, "--reason", "Budget da").stdout == (
        "Müller AV: wieder aktiv in Erstes Date\n"
    )
    declined = de(ws, "decline", pid, "--reason", "Bonität zu schwach")
    assert declined.stdout == "Müller AV: abgesagt (Bonität zu schwach)\n"
    undone = de(ws, "undo", pid, "--reason", "Versehen")
    assert "Müller AV: Getrennte Wege gehen" not in undone.stdout
    assert (
        undone.stdout.startswith("Müller AV: die Trennung, ") and "zurückgenommen" in undone.stdout
    )
    assert "parting ways" not in undone.stdout and "undid" not in undone.stdout


def test_the_prospects_own_language_speaks_without_lang(ws) -> None:
    pid = ws("prospect", "add", "Müller AV", "--language", "de").stdout.strip()
    assert (
        ws("decline", pid, "--reason", "passt nicht").stdout
        == "Müller AV: abgesagt (passt nicht)\n"
    )
    assert ws("--lang", "en", "reopen", pid, "--reason", "x").stdout == (
        "Müller AV: active again at first-date\n"
    )


def test_a_meeting_and_its_note_are_confirmed_in_german(ws) -> None:
    pid = ws("prospect", "add", "Müller AV").stdout.strip()
    met = de(ws, "meet", pid, "2027-01-12", "--time", "14:30", "--note", "Preisliste mitbringen")
    assert met.stdout == "Müller AV: nächstes Treffen 2027-01-12 14:30 · Preisliste mitbringen\n"
    assert de(ws, "meet", pid, "--clear").stdout == "Müller AV: kein nächstes Treffen\n"


def test_a_report_over_an_existing_file_is_one_german_line(ws, tmp_path: Path) -> None:
    pid = ws("prospect", "add", "Müller AV").stdout.strip()
    target = tmp_path / "bericht.md"
    wrote = de(ws, "report", pid, "-o", str(target))
    assert wrote.exit_code == 0 and wrote.stdout == f"{target} geschrieben\n"
    before = target.read_bytes()
    refused = de(ws, "report", pid, "-o", str(target))
    assert refused.exit_code == 1 and refused.stdout == ""
    assert refused.stderr == (f"qualify: Fehler: {target} existiert bereits; --force ersetzt sie\n")
    assert target.read_bytes() == before
    english = ws("report", pid, "-o", str(target))
    assert english.stderr == (
        f"qualify: error: {target} already exists; use --force to replace it\n"
    )


def test_export_and_import_summaries_in_german(ws, answered, tmp_path: Path) -> None:
    answered()
    out = tmp_path / "export.json"
    exported = de(ws, "export", "-o", str(out))
    assert exported.stdout == f"1 Interessent(en) nach {out} exportiert (json)\n"
    assert json.loads(out.read_text(encoding="utf-8"))  # the file itself: as in English
    imported = de(ws, "import", str(out), data=tmp_path / "other")
    assert imported.exit_code == 0
    assert imported.stdout == (
        f"{out} importiert: 1 neu, 0 aktualisiert, 0 unverändert; 0 Konflikt(e)\n"
    )
    again = de(ws, "export", "-o", str(out))
    assert again.exit_code == 1
    assert again.stderr == f"qualify: Fehler: {out} existiert bereits; --force überschreibt sie\n"


def test_the_doctors_summary_in_german(ws, tmp_path: Path) -> None:
    ws("prospect", "add", "Müller AV")
    checked = de(ws, "doctor")
    assert checked.exit_code == 0
    summary = checked.stdout.splitlines()[-1]
    assert summary.startswith("1 Interessenten-Dateien, ") and summary.endswith(": in Ordnung")
    assert " geprüft" in summary and "checked" not in summary
    english = ws("doctor").stdout.splitlines()[-1]
    assert english.startswith("checked 1 prospect files, ") and english.endswith(": healthy")


def test_demo_adds_and_removes_in_german(ws, tmp_path: Path) -> None:
    scratch = tmp_path / "demo"
    added = de(ws, "demo", "--prospects", "3", data=scratch)
    assert added.exit_code == 0
    assert added.stdout.startswith(f"3 Beispiel-Interessenten (markiert mit demo) in {scratch}")
    assert " s\n" in added.stdout and "added" not in added.stdout
    removed = de(ws, "demo", "--remove", data=scratch)
    assert removed.stdout == f"3 Beispiel-Interessent(en) aus {scratch} entfernt\n"
    ws("prospect", "add", "Müller AV")
    mixed = de(ws, "demo", "--prospects", "3")
    assert mixed.exit_code == 1
    assert (
        mixed.stderr.startswith("qualify: Fehler: ") and "eigene(n) Interessenten" in mixed.stderr
    )


def test_an_unknown_id_is_a_german_error_with_the_same_exit_status(ws) -> None:
    german = de(ws, "prospect", "show", "nope")
    english = ws("prospect", "show", "nope")
    assert german.exit_code == english.exit_code != 0
    assert german.stderr == (
        "qualify: Fehler: keine Interessenten-ID beginnt mit 'nope'; "
        "`qualify prospect list` zeigt die IDs\n"
    )
    assert english.stderr == (
        "qualify: error: no prospect id starts with 'nope'; `qualify prospect list` shows the ids\n"
    )
    usage = de(ws, "report")
    assert usage.exit_code == 2
    assert "geben Sie eine Interessenten-ID an, oder --portfolio (nicht beides)" in usage.stderr


def test_the_list_in_german_headers_words_and_scores(ws, answered, tmp_path: Path) -> None:
    answered("--kind", "dealer")
    shown = json.loads(ws("prospect", "list", "--json").stdout)[0]
    german = de(ws, "prospect", "list").stdout.splitlines()
    assert german[0].split() == [
        "ID", "NAME", "GEBIET", "ART", "PHASE", "STATUS", "PUNKTZAHL", "EINSTUFUNG",
        "ABDECKUNG", "TREFFEN",
    ]  # fmt: skip
    assert "Händler" in german[1] and "Im Kennenlernen" in german[1]
    assert f"{shown['score']:.1f}".replace(".", ",") in german[1]
    english = ws("prospect", "list").stdout.splitlines()
    assert english[0].startswith("ID") and "TERRITORY" in english[0]
    assert "dealer" in english[1] and f"{shown['score']:.1f}" in english[1]


def test_compare_names_the_ideal_partner_in_german(ws, answered, tmp_path: Path) -> None:
    pid = answered()
    ideal = tmp_path / "ideal.yaml"
    ideal.write_text("partner_type: stocking_dealer\nfounded: 1990-01-01\n", encoding="utf-8")
    german = de(ws, "compare", pid, "--ideal", str(ideal))
    assert german.exit_code == 0, german.output
    assert "idealer Partner" in german.stdout and "ideal partner" not in german.stdout
    assert " gegen " in german.stdout and " vs " not in german.stdout
    english = ws("compare", pid, "--ideal", str(ideal)).stdout
    assert "ideal partner" in english and " vs " in english
    data = json.loads(de(ws, "compare", pid, "--ideal", str(ideal), "--json").stdout)
    assert data[0]["right"]["label"] == "ideal partner"  # JSON keeps its English

"""The last English words of the command line under `--lang de`: validate's lines, the
stage a move names (its title, not its id), and the time an undo names."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from qualify.cli import main

ROOT = Path(__file__).resolve().parents[2]
BUNDLED = ROOT / "questionnaires"


@pytest.fixture
def ws(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.delenv("QUALIFY_LANG", raising=False)
    monkeypatch.setenv("QUALIFY_CONFIG", str(tmp_path / "config.yaml"))
    runner = CliRunner()

    def invoke(*args: str):
        base = ["--data-dir", str(tmp_path / "ws"), "--questionnaires", str(BUNDLED)]
        return runner.invoke(main, [*base, *args], catch_exceptions=False)

    return invoke


def test_validate_says_what_it_checked_in_german(ws) -> None:
    german = ws("--lang", "de", "validate", str(BUNDLED))
    assert german.exit_code == 0
    assert f"geprüft: {BUNDLED / 'first-date.yaml'} ... ok\n" in german.stdout
    assert german.stdout.endswith("8 Datei(en) geprüft: 0 Fehler, 0 Warnung(en)\n")
    assert "checked" not in german.stdout and "file(s)" not in german.stdout
    english = ws("validate", str(BUNDLED))
    assert f"checked {BUNDLED / 'first-date.yaml'} ... ok\n" in english.stdout
    assert english.stdout.endswith("8 file(s) checked: 0 error(s), 0 warning(s)\n")


def test_a_broken_file_is_marked_failed_in_german(ws, tmp_path: Path) -> None:
    broken = tmp_path / "kaputt.yaml"
    broken.write_text("id: kaputt\nversion: 1\ntitle: Kaputt\nsections: []\n", encoding="utf-8")
    german = ws("--lang", "de", "validate", str(broken))
    assert german.exit_code == 1
    assert f"geprüft: {broken} ... FEHLERHAFT\n" in german.stdout
    assert "FAILED" not in german.stdout and "1 Datei(en) geprüft: 1 Fehler" in german.stdout
    assert f"checked {broken} ... FAILED\n" in ws("validate", str(broken)).stdout


def test_moves_name_the_stage_by_its_german_title(ws) -> None:
    pid = ws("prospect", "add", "Müller AV", "--language", "de").stdout.strip()
    moved = ws("advance", pid, "--override", "Messe-Kontakt")
    assert moved.stdout == (
        "Müller AV: Erstes Date → Sich kennenlernen (Tor übergangen: Messe-Kontakt)\n"
    )
    undone = ws("undo", pid, "--reason", "zu früh")
    said = undone.stdout
    assert said.startswith("Müller AV: den Schritt Erstes Date → Sich kennenlernen")
    assert said.endswith("zurückgenommen; jetzt in Erstes Date, Im Kennenlernen\n")
    # the time the language's way: 02.12.2026, 13:51 (never 2026-12-02 13:51)
    assert re.search(r", \d\d\.\d\d\.\d{4}, \d\d:\d\d zurückgenommen", said)
    assert not re.search(r"\d{4}-\d\d-\d\d", said) and "first-date" not in said
    ws("decline", pid, "--reason", "passt nicht")
    assert (
        ws("reopen", pid, "--reason", "doch").stdout == "Müller AV: wieder aktiv in Erstes Date\n"
    )


def test_english_keeps_the_ids_and_the_iso_time(ws) -> None:
    pid = ws("prospect", "add", "Müller AV").stdout.strip()
    moved = ws("advance", pid, "--override", "trade fair")
    assert moved.stdout == "Müller AV: first-date → getting-to-know (override: trade fair)\n"
    said = ws("undo", pid, "--reason", "too early").stdout
    assert said.startswith("Müller AV: undid the move First date → Getting to know each other")
    assert re.search(r", \d{4}-\d\d-\d\d \d\d:\d\d; now at first-date, active\n$", said)


WEAK_FIT = """\
partner_type: stocking_dealer
business_model: product_resale_only
founded: 1998-01-01
territory_presence: office_in_territory
main_vertical: no_main_market
why_interested: no_clear_reason
competing_lines: direct
decision_maker_met: decider_lukewarm
their_focus: terms_only
next_step: vague
"""


def test_prospect_list_says_the_band_in_german_and_json_keeps_it(ws, tmp_path: Path) -> None:
    pid = ws("prospect", "add", "Allround Handel GmbH").stdout.strip()
    answers = tmp_path / "answers.yaml"
    answers.write_text(WEAK_FIT, encoding="utf-8")
    assert ws("answer", pid, "--from", str(answers)).exit_code == 0
    english = ws("prospect", "list").stdout
    band = next(w for w in ("Weak fit", "Possible fit", "Strong fit") if w in english)
    german = ws("--lang", "de", "prospect", "list").stdout
    assert band not in german
    assert {
        "Weak fit": "Passt kaum",
        "Possible fit": "Passt vielleicht",
        "Strong fit": "Passt gut",
    }[band] in german
    stored = json.loads(ws("--lang", "de", "prospect", "list", "--json").stdout)
    assert stored[0]["band"] == band  # the data keeps the words it was scored with


def test_doctor_says_each_finding_in_german(ws, tmp_path: Path) -> None:
    pid = ws("prospect", "add", "Müller AV").stdout.strip()
    data = tmp_path / "ws"
    [path] = list((data / "prospects").glob(f"*/{pid}.json"))
    (path.parent / "notizen.txt").write_text("x", encoding="utf-8")
    path.write_text("{", encoding="utf-8")
    german = ws("--lang", "de", "doctor")
    assert german.exit_code == 5  # as in English
    lines = german.stdout.splitlines()
    rel = str(path.relative_to(data))
    assert any(line.startswith(f"Problem: {rel}: unlesbar (") for line in lines), lines
    note = f"Hinweis: {path.parent.relative_to(data)}/notizen.txt: keine Interessenten-Datei"
    assert any(line.startswith(note) for line in lines), lines
    assert "problem:" not in german.stdout and "left alone" not in german.stdout
    english = ws("doctor").stdout
    assert f"problem: {rel}: unreadable (" in english
    assert "notizen.txt: not a prospect file; left alone" in english

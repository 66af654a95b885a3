"""A German report says the core's verdicts in German: the next step, the gate's
criteria, the headline, the strengths and risks, the red flags, the agenda and the
reviews' counselling — in Markdown, HTML and `prospect show`, with German figures and
dates — and not one English sentence of the core is left in it."""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from click.testing import CliRunner

from qualify.cli import main

ROOT = Path(__file__).resolve().parents[2]
BUNDLED = ROOT / "questionnaires"
ARCHETYPES = ROOT / "tests" / "archetypes"


def _core_sentences() -> list[str]:
    """The fixed words of every sentence the core builds (the text between its
    placeholders, three words or more): none may show in a German report."""
    found = extract_from_dir(
        str(ROOT), [("qualify/core/**.py", "python")], keywords={"Phrase": None}
    )
    # the bundled sets' English texts (each beside its German) may say the same
    # ("cost to serve") and are not the core's
    sets = " ".join(p.read_text(encoding="utf-8") for p in BUNDLED.glob("*.yaml")).lower()
    pieces = set()
    for _, _, message, _, _ in found:
        for piece in re.split(r"\{\w+\}", message):
            piece = piece.strip(" .,:;()—")
            if len(piece.split()) >= 3 and piece.lower() not in sets:
                pieces.add(piece)
    return sorted(pieces)


@pytest.fixture
def qualify(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.delenv("QUALIFY_LANG", raising=False)
    monkeypatch.setenv("QUALIFY_CONFIG", str(tmp_path / "config.yaml"))
    runner = CliRunner()
    base = ["--data-dir", str(tmp_path / "ws"), "--questionnaires", str(BUNDLED)]

    def run(*args: str, code: int = 0) -> str:
        result = runner.invoke(main, [*base, *args], catch_exceptions=False)
        assert result.exit_code == code, (args, result.output)
        return result.stdout

    return run


def _answer(qualify, pid: str, archetype: str, stage: str) -> None:
    qualify("answer", pid, "--from", str(ARCHETYPES / archetype / f"{stage}.yaml"))


def _no_core_english(text: str) -> None:
    left = [s for s in _core_sentences() if s in text]
    assert not left, left


def test_a_german_first_date_report_says_why_to_part_ways_in_german(qualify) -> None:
    pid = qualify("prospect", "add", "Allround Handel GmbH", "--language", "de").strip()
    _answer(qualify, pid, "mirror_fogger", "first-date")
    report = qualify("report", pid)
    page = html.unescape(qualify("report", pid, "--format", "html"))
    shown = qualify("prospect", "show", pid)
    step = (
        "Getrennte Wege gehen (Punktzahl 23; das Tor verlangt 50): Nische und Abdeckung 27 "
        "(nötig: 40); wie gut sie zu uns passen 23 (nötig: 50); wie gut wir sie betreuen "
        "können 23 (nötig: 40). Nur wieder aufnehmen, wenn es gelingt: eine eigene Nische in "
        "unseren Zielbranchen bestätigen und einen eigenen Grund finden, unsere Marke "
        "aufzunehmen."
    )
    for text in (report, page, shown):
        assert step in " ".join(text.split())
        assert "Punktzahl 23 unter 50" in text and "Nische und Abdeckung 27 unter 40" in text
        assert "Abdeckung 95 % ≥ 80 %" in text and "Alle 16 Pflichtfragen beantwortet" in text
        for english in ("Part ways", "Reopen only", "below", "(needs", "how well they fit us"):
            assert english not in text, english
        _no_core_english(text)
    for text in (report, page):
        assert "Tor zu Sich kennenlernen" in text
        assert "hält das Tor der Phase Verlobung" in text
        assert re.search(r"Warnsignal, offen seit \d\d\.\d\d\.\d{4}: Führt eine direkt", text)
        assert "erreicht 0 von 5 Punkten" in text and "2 von 5" in text
        assert "noch nicht gefragt" in text
        assert "Passt kaum in Erstes Date" not in text or "Punktzahl" in text
        assert "Angelegt in Erstes Date" in text  # the history, too
        for english in ("Red flag, open since", "earns ", "not asked yet", "Gate to", "Added at"):
            assert english not in text, english
    assert "Nächster Schritt: Getrennte Wege gehen" in shown
    assert "Tor zur nächsten Phase: nicht erfüllt" in shown
    assert "Next step" not in shown and "Gate to move on" not in shown
    # the same prospect in English is as it always was
    english = qualify("--lang", "en", "report", pid)
    assert "Part ways (score 23; the gate needs 50): Niche and coverage 27 (needs 40)" in english


def test_a_german_review_says_counselling_and_parting_in_german(qualify) -> None:
    pid = qualify("prospect", "add", "Schultechnik Ost", "--kind", "dealer").strip()
    for stage in ("first-date", "getting-to-know", "going-steady", "engagement", "commitment"):
        _answer(qualify, pid, "costly_partner", stage)
        qualify("advance", pid)
    qualify("review", pid)
    _answer(qualify, pid, "costly_partner", "review-1")
    shown = qualify("--lang", "de", "prospect", "show", pid)
    assert (
        "Nächster Schritt: Krisengespräch: den Verbesserungsplan umsetzen und am 15.04.2027 "
        "erneut prüfen." in shown
    )
    qualify("review", pid)
    _answer(qualify, pid, "costly_partner", "review-2")
    report = qualify("--lang", "de", "report", pid)
    flat = " ".join(report.split())
    assert re.search(
        r"Getrennte Wege gehen: Der am \d\d\.\d\d\.\d{4} vereinbarte Verbesserungsplan hat "
        r"nicht gewirkt — die Prüfung vom \d\d\.\d\d\.\d{4} stellt weiterhin die "
        r"Partnerschaft in der Einstufung .+ fest\.",
        flat,
    )
    assert "Verbraucht mehr Betreuung, als sein Umsatz einbringt" in flat
    assert "38,6 T€" in flat and "k€" not in flat  # the set's German unit
    for english in ("Part ways", "Counselling", "Consumes more support", "still finds"):
        assert english not in flat, english
    _no_core_english(report)


def test_a_knocked_out_prospect_is_not_a_fit_in_german_everywhere(qualify) -> None:
    """A knock-out's band is qualify's word, not a set's: it stayed "Not a fit" in every
    German list, report and comparison (the sets' own bands were translated)."""
    pid = qualify("prospect", "add", "Preisbrecher GmbH", "--language", "de").strip()
    other = qualify("prospect", "add", "Allround Handel GmbH", "--language", "de").strip()
    for each in (pid, other):
        _answer(qualify, each, "mirror_fogger", "first-date")
    qualify("answer", pid, "partner_type", "online_discounter")  # sells only on price
    shown = {
        "report": qualify("report", pid),
        "html": html.unescape(qualify("report", pid, "--format", "html")),
        "json": qualify("report", pid, "--format", "json"),
        "show": qualify("prospect", "show", pid),
        "list": qualify("--lang", "de", "prospect", "list"),
        "compare": qualify("compare", pid, other),
        "portfolio": qualify("--lang", "de", "report", "--portfolio", "--format", "csv"),
    }
    for where, text in shown.items():
        assert "Passt nicht" in text and "Not a fit" not in text, where
    assert "✗ Passt nicht" in shown["list"]
    assert "Not a fit" in qualify("--lang", "en", "report", pid)  # English as it was


def test_the_core_has_sentences_to_check() -> None:
    assert len(_core_sentences()) > 60

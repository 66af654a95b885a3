"""The problems qualify finds in a question set, an answer file or a re-scored set are
said in the user's language: `qualify --lang de validate` names each mistake in German
at its file:line:col (from a fresh parse and from the set cache alike), `answer --from`
refuses a broken file in the prospect's language, and the re-score preview lists what
changed in German. English stays as it was."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from support import qualify_cli

FIXTURES = Path(__file__).parent / "fixtures"

SHAPE = """\
id: shape
version: 1
title: Shape
sections:
  - id: main
    title: Main
    questions:
      - id: reps
        text: How many sales reps?
        type: number
        weight: lots
        colour: red
"""

MEANING = """\
id: meaning
version: 1
title: {en: Meaning, de: Bedeutung}
languages: [en, de]
sections:
  - id: main
    title: {en: Main, de: Haupt}
    questions:
      - id: total
        text: {en: Total, de: Summe}
        help: {en: Computed, de: Berechnet}
        type: calculated
        formula: "double * 2"
      - id: double
        text: Double
        help: {en: Computed, de: Berechnet}
        type: calculated
        formula: "total + 1"
      - id: ready
        text: {en: Ready?, de: Bereit?}
        help: {en: Ask, de: Fragen}
        type: yes_no
        when: "head_count > 3"
"""


@pytest.fixture
def run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.delenv("QUALIFY_LANG", raising=False)
    monkeypatch.setenv("QUALIFY_CONFIG", str(tmp_path / "config.yaml"))

    def invoke(*args: str, sets: Path | None = None):
        return qualify_cli(tmp_path / "ws", *args, questionnaires=sets)

    return invoke


@pytest.fixture
def broken(tmp_path: Path) -> tuple[Path, Path]:
    (tmp_path / "shape.yaml").write_text(SHAPE, encoding="utf-8")
    (tmp_path / "meaning.yaml").write_text(MEANING, encoding="utf-8")
    return tmp_path / "shape.yaml", tmp_path / "meaning.yaml"


def test_validate_in_german_names_every_mistake_in_german(run, broken) -> None:
    shape, meaning = broken
    result = run("--lang", "de", "validate", str(shape), str(meaning))
    assert result.exit_code == 1
    out = result.stdout
    assert f"{shape}:11:17: weight: erwartet wird eine Zahl, erhalten: 'lots'" in out
    assert f"{shape}:12:9: unbekanntes Feld 'colour'; hier erlaubt: id, text," in out
    assert (
        f"{meaning}:13:19: Formel: total → double → total ist ein Kreis (ein berechneter "
        "Wert kann nicht von sich selbst abhängen, auch nicht über eine Bedingung)"
    ) in out
    assert f"{meaning}:23:16: Bedingung: unbekannte Frage 'head_count'" in out
    assert (
        f"{meaning}:15:15: Warnung: fehlende Übersetzung: hier fehlt der Text für de "
        "(Sprachen des Fragenkatalogs: en, de); der Text für en steht stellvertretend"
    ) in out
    for english in ("expected a number", "unknown field", "is a cycle", "unknown question"):
        assert english not in out
    assert "missing translation" not in out and "warning:" not in out


def test_validate_in_english_is_as_it_was(run, broken) -> None:
    shape, meaning = broken
    out = run("validate", str(shape), str(meaning)).stdout
    assert f"{shape}:11:17: weight: expected a number, got 'lots'" in out
    assert f"{shape}:12:9: unknown field 'colour'; allowed here: id, text," in out
    assert (
        f"{meaning}:13:19: formula: total → double → total is a cycle (a calculated value "
        "cannot depend on itself, not even through a condition)"
    ) in out
    assert f"{meaning}:23:16: condition: unknown question 'head_count'" in out
    assert (
        f"{meaning}:15:15: warning: missing translation: no de text here (the set's "
        "languages: en, de); the en text stands in"
    ) in out
    assert "Formel" not in out and "Warnung" not in out


def test_an_infinite_weight_and_too_many_languages_are_refused_in_german(
    run, tmp_path: Path
) -> None:
    """Pydantic's own English (`Input should be a finite number`) never reaches a user."""
    languages = ", ".join(f"x{chr(97 + i % 26)}{chr(97 + i // 26)}" for i in range(33))
    path = tmp_path / "edge.yaml"
    path.write_text(
        SHAPE.replace("weight: lots", "weight: .inf")
        .replace("        colour: red\n", "")
        .replace("title: Shape\n", f"title: Shape\nlanguages: [{languages}]\n"),
        encoding="utf-8",
    )
    german = run("--lang", "de", "validate", str(path)).stdout
    assert f"{path}:4:12: languages: zu viele Einträge (höchstens 32, gefunden 33)" in german
    assert f"{path}:12:17: weight: erwartet wird eine endliche Zahl, erhalten: inf" in german
    english = run("validate", str(path)).stdout
    assert f"{path}:4:12: languages: too many entries (at most 32, got 33)" in english
    assert f"{path}:12:17: weight: expected a finite number, got inf" in english
    assert "Input should" not in german + english


def test_a_broken_translated_text_is_explained_in_german(run, tmp_path: Path) -> None:
    path = tmp_path / "texts.yaml"
    path.write_text(
        SHAPE.replace("weight: lots\n        colour: red\n", "")
        .replace("title: Shape", "title: {}")
        .replace("text: How many sales reps?", "text: {english: How many?}")
        .replace("    title: Main", "    title: {en: ''}"),
        encoding="utf-8",
    )
    german = run("--lang", "de", "validate", str(path)).stdout
    assert (
        f"{path}:3:8: title: eine Zuordnung von Sprachen braucht mindestens eine, z. B. {{en: …}}"
        in german
    )
    assert f"{path}:9:15: text: 'english' ist kein Sprachcode (etwa en, de, fr, de_CH…)" in german
    assert f"{path}:6:12: title: der Text für en darf nicht leer sein" in german
    english = run("validate", str(path)).stdout
    assert (
        f"{path}:3:8: title: a mapping of languages needs at least one, e.g. {{en: …}}" in english
    )


def test_a_yaml_syntax_error_is_located_and_explained_in_german(run, tmp_path: Path) -> None:
    path = tmp_path / "typo.yaml"
    path.write_text("id: typo\ntitle: Typo\n  sections: []\n", encoding="utf-8")
    german = run("--lang", "de", "validate", str(path)).stdout
    assert (
        f"{path}:3:11: YAML-Syntaxfehler: mapping values are not allowed in this context (meist "
        in german
    )
    assert "ein Einrückungsfehler" in german
    assert "usually an indentation slip" not in german
    english = run("validate", str(path)).stdout
    assert (
        f"{path}:3:11: YAML syntax error: mapping values are not allowed in this context (usually "
        in english
    )


def test_warm_cache_problems_are_said_in_german_too(
    run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cache = tmp_path / "cache"
    monkeypatch.setenv("QUALIFY_CACHE_DIR", str(cache))
    sets = tmp_path / "sets"
    shutil.copytree(FIXTURES / "mini", sets)
    (sets / "meaning.yaml").write_text(MEANING, encoding="utf-8")
    english = run("validate", str(sets)).stdout  # parses, and fills the cache
    assert "is a cycle" in english
    assert list(cache.glob("*.pickle")), "the checked catalog is cached"
    german = run("--lang", "de", "validate", str(sets)).stdout  # from the cache
    assert "ist ein Kreis" in german and "is a cycle" not in german
    assert "Bedingung: unbekannte Frage 'head_count'" in german


def test_answer_from_a_broken_file_is_refused_in_the_prospects_language(
    run, tmp_path: Path
) -> None:
    sets = tmp_path / "sets"
    shutil.copytree(FIXTURES / "mini", sets)
    pid = run("prospect", "add", "Atlas AV", "--language", "de", sets=sets).stdout.strip()
    answers = tmp_path / "answers.yaml"
    answers.write_text("reps: many\ncompany_typ: dealer\n", encoding="utf-8")
    result = run("answer", pid, "--from", str(answers), sets=sets)
    assert result.exit_code != 0
    assert "reps: erwartet wird eine Zahl wie 25, 25.5 oder 25,5, erhalten: 'many'" in (
        result.stderr
    )
    assert "company_typ: keine Frage von mini-first (meinten Sie 'company_type'?)" in (
        result.stderr
    )
    assert "expected a number" not in result.stderr and result.stdout == ""
    history = json.loads(run("prospect", "show", pid, "--json", sets=sets).stdout)["history"]
    assert [h["action"] for h in history] == ["created"], "nothing half-written"
    english = run("--lang", "en", "answer", pid, "--from", str(answers), sets=sets)
    assert "reps: expected a number such as 25, 25.5 or 25,5, got 'many'" in english.stderr


def test_the_rescore_preview_says_what_changed_in_german(run, tmp_path: Path) -> None:
    sets = tmp_path / "sets"
    shutil.copytree(FIXTURES / "mini", sets)
    pid = run("prospect", "add", "Atlas AV", sets=sets).stdout.strip()
    assert run("answer", pid, "company_type", "integrator", sets=sets).exit_code == 0
    path = sets / "mini-first.yaml"
    text = path.read_text("utf-8").replace("version: 1", "version: 2")
    text = text.replace(
        "{value: integrator, label: Integrator, score: 2}",
        "{value: integrator, label: Integrator, score: 4}",
    )
    path.write_text(text, "utf-8")
    german = run("--lang", "de", "rescore", "--dry-run", sets=sets).stdout
    assert "    company_type: Option 'integrator' neu bewertet: 2 → 4" in german
    assert "re-scored" not in german
    english = run("rescore", "--dry-run", sets=sets).stdout
    assert "    company_type: option 'integrator' re-scored 2 → 4" in english


def test_a_broken_set_given_to_score_is_refused_in_german(run, broken, tmp_path: Path) -> None:
    shape, _meaning = broken
    answers = tmp_path / "answers.yaml"
    answers.write_text("reps: 3\n", encoding="utf-8")
    args = ("score", "--questionnaire", str(shape), "--answers", str(answers))
    german = run("--lang", "de", *args)
    assert german.exit_code == 1 and german.stdout == ""
    assert german.stderr.startswith(
        f"qualify: Fehler: {shape}:11:17: weight: erwartet wird eine Zahl, erhalten: 'lots'⏎"
    )
    english = run(*args)
    assert f"{shape}:11:17: weight: expected a number, got 'lots'⏎" in english.stderr

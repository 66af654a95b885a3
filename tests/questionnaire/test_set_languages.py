"""Question sets in several languages: texts as mappings, their checks, and localizing."""

from __future__ import annotations

import pytest

from qualify.core.questionnaire import content_hash, load_question_set_text, parse_question_set
from qualify.core.questionnaire.texts import Text, localize, resolve
from qualify.core.scoring import score

TWO = """\
id: two
title: {en: Founding, de: Gründung}
version: 1
languages: [en, de]
bands:
  - {min: 50, label: {en: Good, de: Gut}}
  - {min: 0, label: {en: Weak, de: Schwach}}
sections:
  - id: basics
    title: {en: Basics, de: Grundlagen}
    questions:
      - id: kind
        text: {en: What kind of company are you?, de: Was für ein Unternehmen sind Sie?}
        help:
          en: Listen for how they make money.
          de: Hören Sie, womit sie Geld verdienen.
        type: choice
        options:
          - {value: dealer, label: {en: Dealer, de: Händler}, score: 4}
          - value: online
            label: {en: Online discounter, de: Online-Discounter}
            knockout: {en: Sells only online, de: Verkauft nur online}
      - id: quality
        text: {en: Quality?, de: Qualität?}
        help: {en: Overall., de: Insgesamt.}
        type: scale
        labels: {1: {en: Poor, de: Schlecht}, 5: {en: Excellent, de: Ausgezeichnet}}
      - id: reps
        text: {en: Sales reps?, de: Vertriebsmitarbeiter?}
        help: Field and inside.
        type: number
        constraint: ". >= 0"
        constraint_message: {en: Not below zero, de: Nicht unter null}
        score_bands:
          - {below: 2, score: 0}
          - {score: 4}
"""


def test_a_text_in_two_languages_loads_as_the_default_language() -> None:
    qs = load_question_set_text(TWO)
    assert qs.languages == ["en", "de"] and qs.language == "en"
    q = qs.questions["kind"]
    assert q.text == "What kind of company are you?"
    assert isinstance(q.text, Text) and q.text.translations["de"].startswith("Was für")
    assert qs.sections[0].title == "Basics"


def test_localize_gives_every_text_in_german_and_keeps_the_hash() -> None:
    qs = load_question_set_text(TWO)
    de = localize(qs, "de", qs.language)
    q = de.questions["kind"]
    assert (de.title, de.sections[0].title, q.text) == (
        "Gründung",
        "Grundlagen",
        "Was für ein Unternehmen sind Sie?",
    )
    assert q.help == "Hören Sie, womit sie Geld verdienen."
    assert [o.display for o in q.options or ()] == ["Händler", "Online-Discounter"]
    assert q.option_map["online"].knockout == "Verkauft nur online"
    assert de.questions["quality"].labels == {1: "Schlecht", 5: "Ausgezeichnet"}
    assert de.questions["reps"].constraint_message == "Nicht unter null"
    assert de.questions["reps"].help == "Field and inside."  # not translated: stands in
    assert [b.label for b in de.effective_bands] == ["Gut", "Schwach"]
    # the dump keeps every language: snapshots and hashes do not depend on the choice
    assert content_hash(de) == content_hash(qs)
    assert de.model_dump(mode="json") == qs.model_dump(mode="json")
    # a language the set does not have, or a regional one, falls back sensibly
    assert localize(qs, "fr", "en").questions["kind"].text == "What kind of company are you?"
    assert localize(qs, "de_CH", "en").questions["kind"].text.startswith("Was für")


def test_a_set_in_one_language_is_left_as_it_is() -> None:
    one = TWO.replace("{en: Founding, de: Gründung}", "Founding")
    plain = load_question_set_text(
        "id: one\ntitle: One\nversion: 1\nsections:\n  - id: s\n    title: S\n    questions:\n"
        "      - {id: a, text: A?, help: h, type: text}\n"
    )
    assert localize(plain, "de") is plain
    assert load_question_set_text(one).title == "Founding"


def test_german_and_english_interviews_score_identically() -> None:
    qs = load_question_set_text(TWO)
    de = localize(qs, "de", qs.language)
    answers = {"kind": "dealer", "quality": 4, "reps": 3}
    english, german = score(qs, answers), score(de, answers)
    assert german.score == english.score and german.score is not None
    assert [s.score for s in german.sections] == [s.score for s in english.sections]
    assert (english.band, german.band) == ("Good", "Gut")  # the same band, in words
    knocked_en = score(qs, {"kind": "online"})
    knocked_de = score(de, {"kind": "online"})
    assert knocked_en.score == knocked_de.score and knocked_de.knocked_out
    assert [k.reason for k in knocked_de.knockouts] == ["Verkauft nur online"]


def _problems(text: str) -> list[str]:
    _, problems = parse_question_set(text, "two.yaml")
    return [str(p) for p in problems]


def test_a_missing_translation_is_a_warning_at_its_place() -> None:
    text = TWO.replace("{en: Sales reps?, de: Vertriebsmitarbeiter?}", "{en: Sales reps?}")
    problems = _problems(text)
    assert (
        "two.yaml:29:15: warning: missing translation: no de text here (the set's languages: "
        "en, de); the en text stands in"
    ) in problems
    # `help: Field and inside.` is plain text in a set of two languages: also warned
    assert any(p.startswith("two.yaml:30:15: warning: missing translation") for p in problems)
    assert load_question_set_text(text).questions["reps"].text == "Sales reps?"


def test_a_unit_is_translated_and_one_without_words_needs_none() -> None:
    """`unit: {en: people, de: Personen}` is a text like the others; `unit: "%"` is the
    same in every language and draws no warning."""
    text = TWO.replace(
        "        type: number\n", "        type: number\n        unit: {en: people, de: Personen}\n"
    )
    qs = load_question_set_text(text, "two.yaml")
    assert qs.questions["reps"].unit == "people"
    assert localize(qs, "de", "en").questions["reps"].unit == "Personen"
    assert content_hash(qs) == content_hash(localize(qs, "de", "en"))
    plain = TWO.replace("        type: number\n", '        type: number\n        unit: "%"\n')
    assert not [p for p in _problems(plain) if ":32:" in p]
    worded = TWO.replace("        type: number\n", "        type: number\n        unit: people\n")
    assert "two.yaml:32:15: warning: missing translation" in " ".join(_problems(worded))


def test_the_unit_after_one_is_a_text_too_and_only_for_numbers() -> None:
    """`unit_one: {en: person, de: Person}` says "1 person", "1 Person" (not "1 people");
    it is checked like `unit`: translated, and refused on a question that is no number."""
    text = TWO.replace(
        "        type: number\n",
        "        type: number\n        unit: {en: people, de: Personen}\n"
        "        unit_one: {en: person, de: Person}\n",
    )
    qs = load_question_set_text(text, "two.yaml")
    german = localize(qs, "de", "en").questions["reps"]
    assert (german.unit_for(1), german.unit_for(2)) == ("Person", "Personen")
    assert qs.questions["reps"].unit_for(True) == "people"  # a yes is no figure
    untranslated = text.replace("unit_one: {en: person, de: Person}", "unit_one: person")
    assert "two.yaml:33:19: warning: missing translation" in " ".join(_problems(untranslated))
    on_scale = TWO.replace("        type: scale\n", "        type: scale\n        unit_one: x\n")
    assert any("unit_one" in p for p in _problems(on_scale)), _problems(on_scale)


def test_a_language_the_set_does_not_list_is_an_error_at_its_key() -> None:
    text = TWO.replace("de: Qualität?", "dee: Qualität?")
    assert (
        "two.yaml:24:30: language 'dee' is not one of the set's languages (en, de); add it to "
        "`languages:` or correct it"
    ) in _problems(text)
    _, problems = parse_question_set(text.replace("languages: [en, de]\n", ""), "two.yaml")
    assert any("needs the set's languages" in p.message for p in problems)


@pytest.mark.parametrize(
    ("bad", "says"),
    [
        ("text: {en: ''}", "the en text must be non-empty text"),
        ("text: {}", "a mapping of languages needs at least one"),
        ("text: {English: Hi}", "'English' is not a language code"),
        ("text: [a, b]", "text: expected text, got a list"),
    ],
)
def test_a_malformed_text_is_refused_at_its_place(bad: str, says: str) -> None:
    text = TWO.replace("text: {en: Quality?, de: Qualität?}", bad)
    problems = _problems(text)
    assert any(p.startswith("two.yaml:24:") and says in p for p in problems), problems


def test_resolve_reads_plain_strings_and_mappings() -> None:
    assert resolve("Hi", "de", "en") == "Hi"
    assert resolve({"en": "Hi", "de": "Hallo"}, "de", "en") == "Hallo"
    assert resolve({"en": "Hi", "de": "Hallo"}, "fr", "en") == "Hi"
    assert resolve({"de": "Hallo"}, "fr", "en") == "Hallo"
    assert resolve(None, "de", "en") == ""


def test_the_pipeline_translates_its_titles_and_is_checked_the_same_way(tmp_path) -> None:
    from qualify.core.questionnaire import load_catalog

    (tmp_path / "two.yaml").write_text(TWO, "utf-8")
    (tmp_path / "pipeline.yaml").write_text(
        "languages: [en, de]\n"
        "stages:\n"
        "  - id: first\n"
        "    title: {en: First date, de: Erstes Date}\n"
        "    questionnaire: two\n"
        "    description: Screening.\n"
        "  - id: last\n"
        "    title: {en: Commitment, fr: Engagement}\n"
        "    questionnaire: two\n",
        "utf-8",
    )
    catalog = load_catalog(tmp_path)
    problems = [str(p).replace(str(tmp_path) + "/", "") for p in catalog.problems]
    assert (
        "pipeline.yaml:6:18: warning: missing translation: no de text here (the pipeline's "
        "languages: en, de); the en text stands in"
    ) in problems
    assert any(
        p.startswith("pipeline.yaml:8:29: language 'fr' is not one of the pipeline's languages")
        for p in problems
    ), problems
    (tmp_path / "pipeline.yaml").write_text(
        "languages: [en, de]\nstages:\n  - id: first\n    title: {en: First date, de: Erstes Date}\n"
        "    questionnaire: two\n",
        "utf-8",
    )
    catalog = load_catalog(tmp_path)
    assert catalog.pipeline is not None and catalog.pipeline.stages[0].title == "First date"
    de = localize(catalog.pipeline, "de", catalog.pipeline.language)
    assert de.stages[0].title == "Erstes Date" and de.stage_map["first"].title == "Erstes Date"


def test_a_band_keeps_its_rank_in_every_language() -> None:
    from qualify.core.words import band_class, band_ranks

    qs = load_question_set_text(TWO)
    de = localize(qs, "de", qs.language)
    # a band stored by an English session is still the top band when shown in German
    assert band_class(de, "Good", False) == band_class(de, "Gut", False) == "strong"
    assert band_class(qs, "Schwach", False) == "weak"
    assert band_ranks([de]) == {
        "Gut": "strong",
        "Good": "strong",
        "Schwach": "weak",
        "Weak": "weak",
    }


def test_texts_read_in_the_default_language_whatever_order_their_languages_come_in() -> None:
    """A team server keeps a snapshot's JSON keys sorted (`de` before `en`), and an author
    may write `{de: …, en: …}`: the set still reads in its default language, so a list row
    stores the band as the set names it by default (it once stored `Schwach`)."""
    import json

    from qualify.core.questionnaire.model import QuestionSet

    written_german_first = TWO.replace(
        "label: {en: Weak, de: Schwach}", "label: {de: Schwach, en: Weak}"
    )
    qs = load_question_set_text(written_german_first)
    assert qs.band_for(10) == "Weak"
    sorted_keys = json.loads(json.dumps(qs.model_dump(mode="json"), sort_keys=True))
    stored = QuestionSet.model_validate(sorted_keys)
    assert (stored.title, stored.band_for(10), stored.questions["kind"].text) == (
        "Founding",
        "Weak",
        "What kind of company are you?",
    )
    assert content_hash(stored) == content_hash(qs)
    german = localize(stored, "de", stored.language)
    assert (german.title, german.band_for(10)) == ("Gründung", "Schwach")

"""qualify's own words: every marked message has its German, the shipped .mo files are
the compiled .po files, and formats follow the language (English exactly as before)."""

from __future__ import annotations

import ast
import gettext
import pickle
import re
from datetime import date, datetime
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from qualify import i18n
from qualify.core import words

ROOT = Path(__file__).resolve().parents[1]
LOCALE = ROOT / "qualify" / "i18n" / "locale"


KEYWORDS = {"_": None, "N_": None, "Phrase": None, "ngettext": (1, 2), "counted": (1, 2)}
"""The markers `pybabel extract` is given (README, Development; qualify/i18n/babel.cfg)."""


def _extracted() -> set[str]:
    method_map = [
        ("qualify/tui/**.py", "qualify.i18n.extract:python_and_bindings"),
        ("qualify/**.py", "python"),
        ("qualify/reports/templates/**.j2", "jinja2"),
    ]
    found = extract_from_dir(str(ROOT), method_map, keywords=KEYWORDS, comment_tags=())
    return {message for _, _, message, _, _ in found if isinstance(message, str)}


def _po(language: str):
    with (LOCALE / language / "LC_MESSAGES" / "qualify.po").open("rb") as f:
        return read_po(f, locale=language)


def test_every_marked_message_has_its_german_translation() -> None:
    catalog = _po("de")
    messages = _extracted()
    assert len(messages) > 80
    missing = sorted(m for m in messages if not (catalog.get(m) and catalog.get(m).string))
    assert not missing, (
        "run pybabel extract/update and translate (README, Development): " + ", ".join(missing)
    )


@pytest.mark.parametrize("language", i18n.CATALOGS)
def test_the_shipped_mo_files_are_the_compiled_po_files(language: str) -> None:
    mo = LOCALE / language / "LC_MESSAGES" / "qualify.mo"
    with mo.open("rb") as f:
        compiled = gettext.GNUTranslations(f)
    for message in _po(language):
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if not (message.id and all(strings)):
            continue
        if isinstance(message.id, tuple):  # singular and plural (German: one, other)
            one, other = message.string
            assert compiled.ngettext(*message.id, 1) == one, message.id
            assert compiled.ngettext(*message.id, 2) == other, message.id
        else:
            assert compiled.gettext(message.id) == message.string, message.id


def test_translations_keep_every_placeholder() -> None:
    for message in _po("de"):
        if message.id and message.string:
            ids = message.id if isinstance(message.id, tuple) else (message.id,)
            strings = message.string if isinstance(message.string, tuple) else (message.string,)
            wanted = set(re.findall(r"\{\w+\}", " ".join(ids)))
            for string in strings:
                assert set(re.findall(r"\{\w+\}", string)) == wanted, message.id


def test_english_formats_as_before_and_german_the_german_way() -> None:
    day, moment = date(2015, 3, 1), datetime(2025, 6, 1, 12, 30)
    with i18n.use_language("en"):
        assert i18n.fmt_date(day) == words.fmt_date(day) == "2015-03-01"
        assert i18n.fmt_num(1234.5) == words.fmt_num(1234.5)
        assert i18n.fmt_score(72.5) == "72.5" and i18n.fmt_pct(0.8) == "80%"
        assert i18n._("Verdict") == "Verdict"
    with i18n.use_language("de"):
        assert i18n.fmt_date(day) == "01.03.2015"
        assert i18n.fmt_datetime(moment).startswith("01.06.2025")
        assert i18n.fmt_num(1234.5) == "1.234,5"
        assert i18n.fmt_score(72.5) == "72,5"
        assert i18n.fmt_pct(0.8) == "80 %"
        assert i18n._("Verdict") == "Urteil"
    with i18n.use_language("de_CH"):  # a regional language falls back to its base
        assert i18n._("Verdict") == "Urteil"
    with i18n.use_language("fr"):  # no catalog: English words
        assert i18n._("Verdict") == "Verdict"
    with i18n.use_language("xx"):  # a language Babel has no data for: figures as in English
        assert i18n.fmt_date(day) == "2015-03-01"
        assert i18n.fmt_datetime(moment) == words.fmt_datetime(moment)
        assert i18n.fmt_pct(0.11) == "11%" and i18n.fmt_count(10_000) == "10,000"
        assert i18n.fmt_score(72.5) == "72.5" and i18n.fmt_signed(2.5, 1) == "+2.5"
    assert i18n.current() == "en"


def test_the_choice_of_language_comes_in_order(tmp_path: Path) -> None:
    config = tmp_path / "config.yaml"
    config.write_text("language: de\n", encoding="utf-8")
    none = tmp_path / "none.yaml"
    assert i18n.choose_language(environ={}, config=none) is None
    assert i18n.choose_language(environ={}, config=config) == "de"
    assert i18n.choose_language(environ={"QUALIFY_LANG": "fr"}, config=config) == "fr"
    assert i18n.choose_language(None, "it", environ={"QUALIFY_LANG": "fr"}, config=config) == "it"
    assert i18n.choose_language("en", "it", environ={"QUALIFY_LANG": "fr"}, config=config) == "en"
    with pytest.raises(i18n.LanguageError, match=r"--lang: 'Deutsch' is not a language code"):
        i18n.choose_language("Deutsch", environ={})
    config.write_text("language: [de]\n", encoding="utf-8")  # not a language: ignored here
    assert i18n.choose_language(environ={}, config=config) is None


def test_no_marked_message_hides_where_pybabel_cannot_see_it() -> None:
    """`pybabel extract` does not look inside f-strings (nor, at times, into a marker
    nested in another's arguments): a message marked there would never reach the
    catalog and stay English in German. Every marked literal, wherever it is written,
    has its German."""
    catalog = _po("de")
    missing = []
    for path in sorted((ROOT / "qualify").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not (isinstance(node, ast.Call) and getattr(node.func, "id", "") in KEYWORDS):
                continue
            first = node.args[0] if node.args else None
            if not (isinstance(first, ast.Constant) and isinstance(first.value, str)):
                continue
            if not re.search(r"[^\W\d_]", re.sub(r"\{[^{}]*\}", "", first.value)):
                continue  # only placeholders and punctuation: the same in every language
            found = catalog.get(first.value)
            if node.func.id in ("ngettext", "counted") and len(node.args) > 1:
                found = catalog.get((first.value, getattr(node.args[1], "value", None)))
                found = found or catalog.get(first.value)
            if not (found and found.string):
                missing.append(f"{path.relative_to(ROOT)}:{node.lineno} {first.value!r}")
    assert not missing, "marked but not in the German catalog: " + ", ".join(missing)


def _phrase_calls() -> list[tuple[str, int, object]]:
    """Every `Phrase(…)` the core writes (phrase.py, which defines it, aside): (file,
    line, its first argument)."""
    calls = []
    for path in sorted((ROOT / "qualify" / "core").rglob("*.py")):
        if path.name == "phrase.py":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and getattr(node.func, "id", "") == "Phrase":
                first = node.args[0] if node.args else None
                calls.append((path.name, node.lineno, first))
    return calls


def test_every_sentence_of_the_core_has_its_german_translation() -> None:
    """A new English sentence in the core (a Phrase) fails here until the German catalog
    has it: the core's message ids are found by `pybabel extract -k Phrase`."""
    found = extract_from_dir(
        str(ROOT), [("qualify/core/**.py", "python")], keywords={"Phrase": None}
    )
    messages = {message for _, _, message, _, _ in found}
    assert len(messages) > 120
    catalog = _po("de")
    missing = sorted(m for m in messages if not (catalog.get(m) and catalog.get(m).string))
    assert not missing, "translate (README, Development): " + ", ".join(missing)
    # the extraction sees them all: each Phrase's message id is written where it is made
    calls = _phrase_calls()
    assert len(calls) >= len(messages)
    dynamic = [
        f"{name}:{line}"
        for name, line, first in calls
        if not (isinstance(first, ast.Constant) and isinstance(first.value, str))
    ]
    assert not dynamic, "a Phrase's message id must be a string literal: " + ", ".join(dynamic)


def test_a_phrase_is_its_english_and_says_itself_in_german() -> None:
    from qualify.core.phrase import Joined, Num, Phrase

    step = Phrase(
        "Just friends: call again on {date}.", date=date(2027, 4, 15)
    )  # a str: English as ever
    assert step == "Just friends: call again on 2027-04-15." and isinstance(step, str)
    shortfall = Phrase("{what} {value} below {need}", what="Niche", value=Num(26.67, 1), need=40)
    both = Joined([step, shortfall], " ")
    with i18n.use_language("de"):
        assert i18n.tr(step) == "Nur Freunde: am 15.04.2027 erneut anrufen."
        assert i18n.tr(shortfall) == "Niche 26,7 unter 40"
        assert i18n.tr(both) == "Nur Freunde: am 15.04.2027 erneut anrufen. Niche 26,7 unter 40"
        assert i18n.tr("plain text") == "plain text"
    with i18n.use_language("en"):
        assert (
            i18n.tr(both)
            == str(both)
            == ("Just friends: call again on 2027-04-15. Niche 26.7 below 40")
        )
    assert pickle.loads(pickle.dumps(shortfall)).params == shortfall.params


def test_the_html_templates_say_nothing_outside_the_catalog() -> None:
    """Every word an HTML report shows comes through `_()`: a sentence written into a
    template (it was so for a dozen, from "Last contact" to the evidence table's head)
    stays English in a German report."""
    allowed = {"SHA-256"}
    found = []
    for path in sorted((ROOT / "qualify" / "reports" / "templates").glob("*.html.j2")):
        text = path.read_text(encoding="utf-8")
        for pattern in (r"<style.*?</style>", r"<script.*?</script>", r"\{#.*?#\}"):
            text = re.sub(pattern, "", text, flags=re.S)
        text = re.sub(r"\{\{.*?\}\}|\{%.*?%\}", " ", text, flags=re.S)
        for node in re.findall(r">([^<>]*)<", text):
            words = node.strip()
            if re.search(r"[A-Za-z]{3,}", words) and words not in allowed:
                found.append(f"{path.name}: {words[:60]!r}")
    assert not found, "put these through _(): " + "; ".join(found)


def test_qualify_speaks_by_default_the_language_a_set_speaks_by_default() -> None:
    # said twice (qualify.i18n does not import the set models, for the app's start)
    from qualify.core.questionnaire.texts import DEFAULT_LANGUAGE

    assert i18n.DEFAULT_LANGUAGE == DEFAULT_LANGUAGE

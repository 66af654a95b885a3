"""qualify's own words: every marked message has its German, the shipped .mo files are
the compiled .po files, and formats follow the language (English exactly as before)."""

from __future__ import annotations

import gettext
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

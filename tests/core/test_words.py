"""The shared words and figures, exactly as the CLI, the app and every report show them:
a band's colour class comes from its set's band order, never its words; a CSV cell is
never evaluated; Markdown shows what was typed."""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass
from datetime import date, datetime, time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from qualify.core.questionnaire.model import QuestionSet
from qualify.core.records import ProspectStatus
from qualify.core.words import (
    answer_text,
    band_class,
    band_rank,
    band_ranks,
    bar,
    csv_text,
    fmt_date,
    fmt_datetime,
    fmt_num,
    fmt_pct,
    fmt_score,
    fmt_size,
    kind_word,
    markdown_text,
    meeting_words,
    one_line,
    plural,
    provisional_text,
    score_class,
    score_label,
    search_key,
    size_phrase,
    status_phrase,
    status_word,
    visible,
)
from qualify.i18n import tr, use_language


def _set(set_id: str, *labels: str) -> QuestionSet:
    bands = [{"min": 90 - 30 * i, "label": label} for i, label in enumerate(labels)]
    bands[-1]["min"] = 0
    return QuestionSet.model_validate(
        {
            "id": set_id,
            "title": "T",
            "version": 1,
            "bands": bands,
            "sections": [
                {"id": "s", "title": "S", "questions": [{"id": "q", "text": "Q?", "type": "text"}]}
            ],
        }
    )


def test_band_class_follows_the_sets_order_not_the_words() -> None:
    qs = _set("engagement", "Ready to sign", "Strong but not yet", "Proceed with care")
    assert band_class(qs, "Ready to sign", False) == "strong"
    assert band_class(qs, "Strong but not yet", False) == "possible"  # "strong" in its words
    assert band_class(qs, "Proceed with care", False) == "weak"  # "proceed" in its words
    assert band_class(qs, "Ready to sign", True) == "out"
    assert band_class(qs, None, False) == "none"


def test_band_ranks_give_the_app_the_same_classes_without_the_set() -> None:
    first = _set("first-date", "Strong fit", "Possible fit", "Weak fit")
    review = _set("review", "On track", "Needs attention", "At risk", "Part ways")
    ranks = band_ranks([first, review])
    assert ranks == {
        "Strong fit": "strong",
        "Possible fit": "possible",
        "Weak fit": "weak",
        "On track": "strong",
        "Needs attention": "possible",
        "At risk": "possible",
        "Part ways": "weak",
    }
    for qs in (first, review):
        for band in qs.effective_bands:
            assert ranks[band.label] == band_class(qs, band.label, False)


def test_a_score_always_travels_with_its_words() -> None:
    assert score_label(72.46, "Possible fit") == "72.5 Possible fit"
    assert score_label(None, None) == "— not scored"
    assert score_label(90, "Strong fit", knocked_out=True) == "✗ Strong fit"


def test_every_character_visible_changes_is_one_str_isprintable_refuses() -> None:
    """What lets printable text (names in any script) skip the pattern, and a list's
    column of such names skip `visible` altogether."""
    from qualify.core.safe_text import _INVISIBLE

    changed = [c for c in map(chr, range(0x110000)) if _INVISIBLE.match(c)] + ["\t", "\n"]
    assert not [c for c in changed if c.isprintable()]
    assert visible("Müller Gießerei 株式会社") == "Müller Gießerei 株式会社"


def test_visible_shows_what_a_terminal_would_act_on() -> None:
    assert visible("a\x1b[2Jb\u202ec\td\ne") == "a\\x1b[2Jb\\u202ec\td\ne"
    assert visible("row one\r\nrow two", one_line=True) == "row one⏎row two"
    assert visible("one\ntwo\tthree\r\nfour", one_line=True) == "one⏎two three⏎four"
    assert visible("one\ntwo\tthree") == "one\ntwo\tthree"  # kept where lines may break
    assert visible("\x00\x7f\x9f\u200b\u2028\ufeff") == "\\x00\\x7f\\x9f\\u200b\\u2028\\ufeff"
    assert visible("Åkesson · 10 €") == "Åkesson · 10 €"  # printable text as typed


# ------------------------------------------------------------------ spreadsheets


@pytest.mark.parametrize(
    ("typed", "cell"),
    [
        ("=1+1", "'=1+1"),  # a formula shows as text
        ("@SUM(A1)", "'@SUM(A1)"),
        ("+1 555 0100", "'+1 555 0100"),  # a phone number is not a sum
        ("-x", "'-x"),
        ("--5", "'--5"),
        ("-", "'-"),
        (" =x", "' =x"),  # spaces before the formula do not hide it
        ("\t=1", "'\t=1"),
        ("\tplain", "'\tplain"),  # a leading tab moves the cell: shown as typed, as text
        ("＝1", "'＝1"),  # full-width forms too
        ("＋1", "'＋1"),
        ("－1", "'－1"),
        ("＠x", "'＠x"),
        ("-3", "-3"),  # a plain number stays a number
        ("+1", "+1"),
        ("-3.5e2", "-3.5e2"),
        ("1E5", "1E5"),
        ("-0.25", "-0.25"),
        ("12abc", "12abc"),
        ("a=b", "a=b"),  # only the start counts
        ("plain", "plain"),
        ("", ""),
        ("\x1b[2J", "\\x1b[2J"),  # terminal controls shown as text
        ("\r=1", "\\x0d=1"),
        ("two\nlines", "two\nlines"),  # line breaks stay in a quoted cell
    ],
)
def test_csv_text_never_lets_a_spreadsheet_evaluate_a_cell(typed: str, cell: str) -> None:
    assert csv_text(typed) == cell


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet=st.sampled_from("=+-@＝＋－＠\t\r\n 0123456789.eEax\x1b"), max_size=8))
def test_csv_text_quotes_exactly_the_cells_that_start_like_a_formula(typed: str) -> None:
    shown = visible(typed)
    formula = shown.lstrip().startswith(("=", "+", "-", "@", "＝", "＋", "－", "＠"))
    number = re.fullmatch(r"[-+]?\d+(\.\d+)?([eE][-+]?\d+)?", shown) is not None
    quoted = (formula or shown.startswith("\t")) and not number
    assert csv_text(typed) == ("'" + shown if quoted else shown)


# ------------------------------------------------------------------ Markdown


@pytest.mark.parametrize(
    ("typed", "markdown"),
    [
        ("*bold* _it_ `code`", "\\*bold\\* \\_it\\_ \\`code\\`"),
        ("<script>alert(1)</script>", "\\<script\\>alert(1)\\</script\\>"),
        ("![x](http://evil/a.png)", "\\!\\[x\\](http://evil/a.png)"),
        ("[x](javascript:alert(1))", "\\[x\\](javascript:alert(1))"),
        ("a|b", "a\\|b"),  # no extra table cell
        ("a~b$c!d{e}#f", "a\\~b\\$c\\!d\\{e\\}\\#f"),
        ("back\\slash", "back\\\\slash"),
        ("Müller & Søn", "Müller & Søn"),  # a lone & stays readable
        ("&amp; &copy; &x", "\\&amp; \\&copy; &x"),  # one that starts an entity is escaped
        ("&#38;", "&\\#38;"),
        ("- item", "\\- item"),  # no list
        ("+ item", "\\+ item"),
        ("= heading", "\\= heading"),  # no heading underline
        ("  - item", "\\- item"),
        ("1. one", "1\\. one"),  # no numbered list
        ("12) twelve", "12\\) twelve"),
        ("1 apple", "1 apple"),
        ("x - y", "x - y"),  # only at the start of the line
        ("two\nlines", "two lines"),  # one line
        ("\x1b[2J", "\\\\x1b\\[2J"),  # a control shown as text, its backslash escaped
        (42, "42"),
    ],
)
def test_markdown_text_is_literal(typed: object, markdown: str) -> None:
    assert markdown_text(typed) == markdown


# ------------------------------------------------------------------ words and figures


def test_search_key_folds_case_accents_and_letters_without_a_decomposition() -> None:
    assert [search_key(t) for t in ("Åkesson", "Søndergaard", "ÆBLE", "Łódź", "Straße")] == [
        "akesson",
        "sondergaard",
        "aeble",
        "lodz",
        "strasse",
    ]
    assert search_key("Þór Œuvre ðı đ ﬁne") == "thor oeuvre di d fine"
    assert search_key(12) == "12"


@pytest.mark.parametrize(
    ("text", "limit", "line"),
    [
        (" a \n b\t c ", 0, "a b c"),
        (None, 0, ""),
        ("abcdef", 4, "abc…"),
        ("abcd", 4, "abcd"),  # exactly the limit: whole
        ("abcde", 4, "abc…"),
        ("abcdef", 1, "…"),
        ("abc", 0, "abc"),
    ],
)
def test_one_line(text: str | None, limit: int, line: str) -> None:
    assert one_line(text, limit) == line


def test_scores_and_figures() -> None:
    assert [fmt_score(None), fmt_score(72.46), fmt_score(0)] == ["—", "72.5", "0.0"]
    assert score_label(62.4, "Possible fit", provisional=True) == "62 provisional"
    assert score_label(None, None, knocked_out=True) == "✗ Not a fit"
    assert score_label(50, None) == "50.0"
    assert score_label(None, None, provisional=True) == "— not scored"
    assert provisional_text(None, 3, 15) == "— · provisional · 3 of 15 answered"
    assert provisional_text(61.6, 3, 15) == "62 · provisional · 3 of 15 answered"
    assert [fmt_pct(None), fmt_pct(0.425), fmt_pct(1)] == ["—", "42%", "100%"]
    assert [fmt_num(None), fmt_num(3.0), fmt_num(2.5)] == ["—", "3", "2.5"]


@pytest.mark.parametrize(
    ("score", "width", "drawn"),
    [
        (None, 5, "·····"),
        (50, 4, "██░░"),
        (120, 4, "████"),  # capped at 100
        (-5, 4, "░░░░"),  # and at 0
        (75, 4, "███░"),
        (62.5, 20, "████████████░░░░░░░░"),
        (50, 0, ""),
        (50, -1, ""),
        (None, 0, ""),
        (100, 1, "█"),  # one cell is still a bar
        (0, 100, "░" * 100),
        (120, 100, "█" * 100),
        (75, 100, "█" * 75 + "░" * 25),
    ],
)
def test_bar(score: float | None, width: int, drawn: str) -> None:
    assert bar(score, width) == drawn


def test_bar_is_twenty_cells_by_default() -> None:
    assert bar(None) == "·" * 20


def test_dates() -> None:
    assert fmt_date(None) == "—"
    assert fmt_date(date(2026, 1, 2)) == "2026-01-02"
    assert fmt_date(datetime(2026, 1, 2, 13, 5)) == "2026-01-02"  # the day, not the time
    assert fmt_datetime(None) == "—"
    assert fmt_datetime(datetime(2026, 1, 2, 13, 5)) == "2026-01-02 13:05"


class Status(enum.Enum):
    DECLINED = "declined"


class Kind(enum.Enum):
    DEALER = "dealer"


def test_statuses_kinds_and_plurals() -> None:
    assert status_word("on_hold") == "Just friends"
    assert status_word(Status.DECLINED) == "Parted ways"
    assert status_word("archived") == "archived"  # unknown: as it is
    assert kind_word("dealer") == "Dealer"
    assert kind_word(Kind.DEALER) == "Dealer"
    assert kind_word("wholesaler") == "wholesaler"
    assert [plural(1, "byte"), plural(2, "byte"), plural(0, "byte")] == [
        "1 byte",
        "2 bytes",
        "0 bytes",
    ]
    assert [plural(1, "child", "children"), plural(3, "child", "children")] == [
        "1 child",
        "3 children",
    ]


@pytest.mark.parametrize(
    ("size", "words"),
    [
        (0, "0 bytes"),
        (1, "1 byte"),
        (1023, "1023 bytes"),
        (1024, "1.0 KB"),
        (1536, "1.5 KB"),
        (1024 * 1024 - 1, "1.0 MB"),
        (1024 * 1024 - 52, "1023.9 KB"),
        (1024 * 1024, "1.0 MB"),
        (1024**3 - 1, "1.0 GB"),
        (3 * 1024 * 1024 + 100 * 1024, "3.1 MB"),
        (1024**3, "1.0 GB"),
        (5 * 1024**3, "5.0 GB"),
        (2048 * 1024**3, "2048.0 GB"),
    ],
)
def test_fmt_size(size: int, words: str) -> None:
    assert fmt_size(size) == words


def test_sizes_just_under_the_next_unit_keep_their_tenth() -> None:
    # 1023.6 MB rounds to 1024 as a whole number but not to a tenth: still megabytes
    assert fmt_size(int(1023.6 * 1024**2)) == "1023.6 MB"
    assert fmt_size(int(1023.97 * 1024**2)) == "1.0 GB"  # 1024.0 MB to a tenth
    with use_language("de"):
        assert tr(size_phrase(1536)) == "1,5 KB"


@pytest.mark.parametrize("status", list(ProspectStatus))
def test_a_status_inside_a_sentence_is_said_in_the_readers_language(
    status: ProspectStatus,
) -> None:
    """status_phrase is what the core puts in its sentences; the shell says it."""
    assert tr(status_phrase(status)) == tr(status_phrase(status.value)) == status_word(status)
    german = {
        "active": "Im Kennenlernen",
        "committed": "Fest verbunden",
        "declined": "Getrennte Wege",
        "on_hold": "Nur Freunde",
    }
    with use_language("de"):
        assert tr(status_phrase(status)) == tr(status_phrase(status.value)) == german[status]


def test_an_unknown_status_inside_a_sentence_is_said_as_it_is() -> None:
    assert status_phrase("archived") == "archived"
    assert tr(status_phrase(Status.DECLINED)) == "Parted ways"  # any enum: by its value


@dataclass
class Meeting:
    day: date
    start: time | None = None
    note: str | None = None


def test_meeting_words() -> None:
    meeting = Meeting(date(2026, 12, 1), time(14, 30), "bring the\nprice list")
    assert meeting_words(meeting) == "2026-12-01 14:30 · bring the price list"
    assert meeting_words(Meeting(date(2026, 12, 1))) == "2026-12-01"
    assert meeting_words(Meeting(date(2026, 12, 1), note="  ")) == "2026-12-01"


WORDS_SET = QuestionSet.model_validate(
    {
        "id": "w",
        "title": "W",
        "version": 1,
        "languages": ["en", "de"],
        "bands": [
            {"min": 70, "label": {"en": "Strong fit", "de": "Starke Passung"}},
            {"min": 40, "label": {"en": "Possible fit", "de": "Mögliche Passung"}},
            {"min": 0, "label": {"en": "Weak fit", "de": "Schwache Passung"}},
        ],
        "sections": [
            {
                "id": "s",
                "title": "S",
                "questions": [
                    {
                        "id": "kind",
                        "text": "K?",
                        "type": "choice",
                        "options": [{"value": "dealer", "label": "Dealer"}, {"value": "x"}],
                    },
                    {
                        "id": "tags",
                        "text": "T?",
                        "type": "multi",
                        "options": [{"value": "a", "label": "Alpha"}, {"value": "b"}],
                    },
                    {
                        "id": "reps",
                        "text": "R?",
                        "type": "number",
                        "unit": "people",
                        "unit_one": "person",
                    },
                    {"id": "days", "text": "D?", "type": "number", "unit": "days"},
                    {"id": "n", "text": "N?", "type": "number"},
                    {
                        "id": "calc",
                        "text": "C?",
                        "type": "calculated",
                        "formula": "reps * 2",
                        "unit": "€",
                    },
                    {
                        "id": "sc",
                        "text": "S?",
                        "type": "scale",
                        "min": 1,
                        "max": 5,
                        "labels": {1: "poor", 5: "great"},
                    },
                    {"id": "sc2", "text": "S?", "type": "scale", "max": 10},
                    {"id": "t", "text": "T?", "type": "text", "unit": "ignored"},
                ],
            }
        ],
    }
)


@pytest.mark.parametrize(
    ("qid", "value", "words"),
    [
        ("kind", "dealer", "Dealer"),  # the option's label
        ("kind", "x", "x"),  # no label: its value
        ("kind", "gone", "gone"),  # an option since removed
        ("tags", ["a", "b", "zz"], "Alpha, b, zz"),
        ("tags", ("a",), "Alpha"),
        ("tags", [], "none of these"),
        ("reps", 12.0, "12 people"),  # no needless .0, with its unit
        ("reps", 12.5, "12.5 people"),
        ("reps", 1, "1 person"),  # `unit_one` after exactly 1, not "1 people"
        ("reps", 1.0, "1 person"),
        ("reps", 0, "0 people"),
        ("reps", 1.5, "1.5 people"),
        ("days", 1, "1 days"),  # a set that gives no `unit_one`: its unit as it is
        ("n", 3.0, "3"),
        ("calc", 24.0, "24 €"),
        ("sc", 5, "5 of 5 (great)"),
        ("sc", 5.0, "5 of 5 (great)"),
        ("sc", 3, "3 of 5"),  # a point without a label
        ("sc2", 4, "4 of 10"),
        ("t", "hello", "hello"),  # a unit only on numbers
        ("t", True, "yes"),
        ("t", False, "no"),
        ("t", None, "—"),
        (None, 3.0, "3"),  # the question unknown
        (None, ["a"], "a"),
        (None, "dealer", "dealer"),
        # a hand-edited file: a list in the list, a mapping — shown, never a crash
        ("tags", [["a"], "b"], "['a'], b"),
        ("tags", [{"a": 1}], "{'a': 1}"),
    ],
)
def test_answer_text(qid: str | None, value: object, words: str) -> None:
    question = WORDS_SET.questions[qid] if qid else None
    assert answer_text(question, value) == words


def test_bands_in_every_language_of_the_set() -> None:
    assert band_class(WORDS_SET, "Starke Passung", False) == "strong"  # stored by a German session
    assert band_class(WORDS_SET, "Mögliche Passung", False) == "possible"
    assert band_class(WORDS_SET, "Schwache Passung", False) == "weak"
    assert band_class(WORDS_SET, "Weak fit", False) == "weak"
    assert band_class(WORDS_SET, "Unknown band", False) == "possible"
    assert band_class(None, "Strong fit", False) == "possible"  # without its set: middling
    assert band_class(None, None, False) == "none"
    assert band_class(None, "Strong fit", True) == "out"
    assert band_ranks([WORDS_SET]) == {
        "Strong fit": "strong",
        "Starke Passung": "strong",
        "Possible fit": "possible",
        "Mögliche Passung": "possible",
        "Weak fit": "weak",
        "Schwache Passung": "weak",
    }
    assert [score_class(s, WORDS_SET) for s in (None, 80, 70, 50, 39.9, 0)] == [
        "none",
        "strong",
        "strong",
        "possible",
        "weak",
        "weak",
    ]
    assert score_class(50, None) == "none"
    assert band_rank(["Only"], "Only") == "weak"  # one band is no "strong"
    assert band_rank(["A", "B"], "A") == "strong"
    assert band_rank(["A", "B"], "B") == "weak"
    assert band_rank(["A", "B", "C"], "B") == "possible"


SAID = QuestionSet.model_validate(
    {
        "id": "said",
        "title": "Said",
        "version": 1,
        "sections": [
            {
                "id": "s",
                "title": "S",
                "questions": [
                    {"id": "revenue", "text": "R?", "type": "number", "unit": "€"},
                    {"id": "per_head", "text": "P?", "type": "calculated", "formula": "revenue"},
                    {"id": "founded", "text": "F?", "type": "date"},
                    {"id": "note", "text": "N?", "type": "text"},
                    {"id": "half", "text": "H?", "type": "scale", "min": 1, "max": 7.5},
                ],
            }
        ],
    }
)


@pytest.mark.parametrize(
    ("qid", "value", "english", "german"),
    [
        ("revenue", 1500.5, "1500.5 €", "1500,5 €"),
        ("per_head", 12.5, "12.5", "12,5"),
        ("founded", "2015-03-01", "2015-03-01", "01.03.2015"),
        # a date written another way (a hand-edited file) is shown as it is
        ("founded", "20150301", "20150301", "20150301"),
        ("founded", "2015-3-1", "2015-3-1", "2015-3-1"),
        # text that looks like a date or a figure is text
        ("note", "2015-03-01", "2015-03-01", "2015-03-01"),
        # a number kept as text (an older file) still has its unit
        ("revenue", "12", "12 €", "12 €"),
    ],
)
def test_answers_say_figures_and_dates_the_languages_way(
    qid: str, value: object, english: str, german: str
) -> None:
    said = answer_text(SAID.questions[qid], value)
    assert str(said) == english
    with use_language("de"):
        assert tr(said) == german


def test_a_scale_says_its_maximum_as_it_is() -> None:
    assert answer_text(SAID.questions["half"], 3) == "3 of 7.5"


def test_fmt_size_rounds_up_to_the_next_unit_only_at_a_full_one() -> None:
    assert fmt_size(1024 * 1024 - 40) == "1.0 MB"  # 1023.96 KB shows as 1024.0: 1.0 MB
    assert fmt_size(1024 * 1024 - 60) == "1023.9 KB"

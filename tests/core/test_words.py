"""The shared words: a band's colour class comes from its set's band order, never its words."""

from __future__ import annotations

from qualify.core.questionnaire.model import QuestionSet
from qualify.core.words import band_class, band_ranks, score_label, visible


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


def test_visible_shows_what_a_terminal_would_act_on() -> None:
    assert visible("a\x1b[2Jb\u202ec\td\ne") == "a\\x1b[2Jb\\u202ec\td\ne"
    assert visible("row one\r\nrow two", one_line=True) == "row one⏎row two"

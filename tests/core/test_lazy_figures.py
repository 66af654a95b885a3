"""A breakdown's figures (score, band, sections, coverage…) are made on first read (issue
17): most breakdowns of a portfolio are read for their values and red flags only, made at
once. A breakdown whose figures nobody read yet is the breakdown they make: equal, shown,
copied and pickled alike; and an open red flag caps its band as it would the read one's."""

from __future__ import annotations

import copy
import pickle
from dataclasses import dataclass, fields, replace
from typing import Any

from hypothesis import given
from scoring_strategies import SETTINGS, set_and_answers
from test_scoring_language import REFS, refs_set

from qualify.core.breakdown import LAZY_FIGURES, ScoreBreakdown, figures_unread
from qualify.core.questionnaire.model import QuestionSet
from qualify.core.redflags import capped
from qualify.core.scoring import score


def _read(b: ScoreBreakdown) -> ScoreBreakdown:
    for name in LAZY_FIGURES:
        getattr(b, name)
    return b


@SETTINGS
@given(set_and_answers())
def test_an_unread_breakdown_is_the_read_one(case: tuple[QuestionSet, dict]) -> None:
    qs, answers = case
    b = score(qs, answers)
    b.values, b.red_flags, b.knockouts, b.knocked_out  # noqa: B018 (made at once)
    assert figures_unread(b)
    read = _read(score(qs, answers))
    assert not figures_unread(read)
    assert score(qs, answers) == read and repr(score(qs, answers)) == repr(read)
    assert read == score(qs, answers)
    assert score(qs, answers).asked == read.asked
    for made in (copy.copy(score(qs, answers)), copy.deepcopy(score(qs, answers))):
        assert made == read and not figures_unread(made)
    again = pickle.loads(pickle.dumps(score(qs, answers)))
    assert again == read and again.values == read.values
    banded = score(qs, answers).with_band("x")
    assert banded == replace(read, band="x") and banded.asked == read.asked


@SETTINGS
@given(set_and_answers())
def test_each_figure_read_first_is_the_same(case: tuple[QuestionSet, dict]) -> None:
    qs, answers = case
    read = _read(score(qs, answers))
    for name in LAZY_FIGURES:
        assert getattr(score(qs, answers), name) == getattr(read, name), name


@dataclass(frozen=True)
class _Scored:
    """What capped reads of a scored interview."""

    interview: Any
    question_set: QuestionSet
    breakdown: ScoreBreakdown


def test_an_open_flag_caps_an_unread_band_as_the_read_one() -> None:
    qs = refs_set()
    flag: Any = type("F", (), {"open": True, "interview_id": "a"})()
    interview: Any = type("I", (), {"id": "a"})()
    for bands_lowered in (False, True):
        if bands_lowered:
            data = qs.model_dump()
            data["bands"] = [
                {"min": b.min, "label": str(b.label), "without_red_flags": True}
                for b in qs.effective_bands
            ]
            qs = type(qs).model_validate(data)
            assert any(b.without_red_flags for b in qs.effective_bands)
        unread = capped([_Scored(interview, qs, score(qs, REFS))], [flag])[0].breakdown
        read = capped([_Scored(interview, qs, _read(score(qs, REFS)))], [flag])[0].breakdown
        assert unread == read
        assert (unread.band != score(qs, REFS).band) is bands_lowered  # lowered only then


def test_a_breakdown_made_by_hand_has_every_figure() -> None:
    b = _read(score(refs_set(), REFS))
    by_hand = ScoreBreakdown(**{f.name: getattr(b, f.name) for f in fields(ScoreBreakdown)})
    assert by_hand == b and not figures_unread(by_hand)

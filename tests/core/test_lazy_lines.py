"""Score lines are made on first read (issue 17): most readers of a breakdown want only its
figures. A breakdown whose lines nobody read yet is the breakdown they make: equal, shown,
copied and pickled alike, its fields the same; its values, read without the lines, are
the lines' values, in their order."""

from __future__ import annotations

import copy
import pickle
import threading
from dataclasses import fields
from typing import Any

import pytest
from hypothesis import given
from scoring_strategies import SETTINGS, set_and_answers
from test_scoring_language import REFS, make, q, refs_set

from qualify.core.breakdown import LINES, VALUES, ScoreBreakdown, SectionScore
from qualify.core.questionnaire.model import QuestionSet
from qualify.core.scoring import line_points, score


def _from_lines(b: ScoreBreakdown) -> dict[str, Any]:
    return {
        q.answer_key: q.value for s in b.sections for q in s.questions if q.visible and q.answered
    }


def _unread(b: ScoreBreakdown) -> bool:
    return all(LINES in vars(s) and "questions" not in vars(s) for s in b.sections)


@SETTINGS
@given(set_and_answers())
def test_values_without_the_lines_are_the_lines_values(case: tuple[QuestionSet, dict]) -> None:
    qs, answers = case
    b = score(qs, answers)
    values = b.values
    assert _unread(b)  # the values made no line
    assert list(values.items()) == list(_from_lines(b).items())
    values["intruder"] = 1  # each read is a copy of its own
    assert "intruder" not in b.values


def _line_points(b: ScoreBreakdown, question_id: str) -> tuple[float, float] | None:
    line = b.question(question_id)
    if line is None or not line.answered or line.points is None or not line.max:
        return None
    return line.points, line.max


@SETTINGS
@given(set_and_answers())
def test_a_line_s_points_read_from_the_values_are_the_line_s(
    case: tuple[QuestionSet, dict],
) -> None:
    qs, answers = case
    b = score(qs, answers)
    shown = b.values
    names = [*qs.questions, *answers, "no_such_question"]
    read = {name: line_points(qs, shown, name) for name in names}
    assert _unread(b)  # no line was made to read them
    assert read == {name: _line_points(b, name) for name in names}


def test_a_repeated_question_s_points_are_its_first_repeat_s_or_the_key_s() -> None:
    qs = refs_set()
    b = score(qs, {**REFS, "refs[1].ref_years": 9})
    shown = b.values
    for name in ("ref_years", "refs[0].ref_years", "refs[1].ref_years", "refs[5].ref_years"):
        assert line_points(qs, shown, name) == _line_points(b, name), name
    assert line_points(qs, shown, "other[0].ref_years") is None  # not that section's key


def test_a_repeated_section_s_values_and_lines_are_made_on_first_read() -> None:
    b = score(refs_set(), {**REFS, "refs[1].ref_years": [3, 4]})
    assert _unread(b)
    values = b.values
    assert values["refs[1].ref_years"] == [3, 4]  # a list answer comes back a list
    assert list(values.items()) == list(_from_lines(b).items())
    refs = b.section("refs")
    assert refs is not None and [q.answer_key for q in refs.questions][:4] == [
        "refs[0].ref_company",
        "refs[0].ref_outcome",
        "refs[0].ref_years",
        "refs[1].ref_company",
    ]
    assert not _unread(b) and LINES not in vars(refs)  # the maker is let go once used


@pytest.mark.parametrize("read_first", [True, False])
def test_a_breakdown_unread_is_the_breakdown_read(read_first: bool) -> None:
    """Equality, the text shown, a copy, a pickle and the fields: as if made at once."""
    qs, answers = refs_set("min"), REFS
    read, unread = score(qs, answers), score(qs, answers)
    for s in read.sections:
        s.questions  # noqa: B018
    if read_first:
        assert read == unread and repr(read) == repr(unread)
    else:
        assert unread == read and repr(unread) == repr(read)
    for made in (copy.copy(score(qs, answers)), copy.deepcopy(score(qs, answers))):
        assert made == read
    again = pickle.loads(pickle.dumps(score(qs, answers)))
    assert again == read and again.values == read.values
    assert [f.name for f in fields(SectionScore)] == [
        *("id", "title", "direction", "weight", "score", "coverage", "answered", "visible"),
        *("questions", "shown", "repeats", "repeat_score"),
    ]


def test_a_section_made_without_lines_or_a_maker_has_no_lines() -> None:
    section = object.__new__(SectionScore)
    with pytest.raises(AttributeError):
        section.questions  # noqa: B018
    assert not hasattr(section, "questions")
    assert isinstance(SectionScore.questions, object)  # the class attribute: the descriptor


def test_two_threads_reading_the_lines_at_once_both_get_them() -> None:
    b = score(refs_set(), REFS)
    got: list[Any] = []
    readers = [threading.Thread(target=lambda: got.append(b.sections[1].questions)) for _ in "ab"]
    for reader in readers:
        reader.start()
    for reader in readers:
        reader.join()
    assert len(got) == 2 and got[0] == got[1] and len(got[0]) == 6  # 2 repeats


def test_a_breakdown_made_by_hand_reads_its_values_from_its_lines() -> None:
    b = score(refs_set(), REFS)
    by_hand = ScoreBreakdown(**{f.name: getattr(b, f.name) for f in fields(ScoreBreakdown)})
    assert VALUES not in vars(by_hand)
    assert by_hand.values == b.values and list(by_hand.values) == list(b.values)


def test_required_when_in_a_repeat_reads_that_repeat_when_the_lines_are_made() -> None:
    """The lines are made later, by the maker: a `required_when` inside a repeat still reads
    its own repeat's answers (and the answers outside the section)."""
    qs = make(
        {"id": "basics", "title": "Basics", "questions": [q("reps")]},
        {
            "id": "refs",
            "title": "References",
            "repeat": {"min": 1, "max": 3},
            "questions": [
                q("ref_years"),
                q("ref_note", "text", required_when="ref_years > 2 and reps > 1"),
            ],
        },
    )
    answers = {"reps": 3, "refs[0].ref_years": 5, "refs[1].ref_years": 1}
    b = score(qs, answers)
    refs = b.section("refs")
    assert refs is not None
    required = {line.answer_key: line.required for line in refs.questions}
    assert required == {
        "refs[0].ref_years": False,
        "refs[0].ref_note": True,
        "refs[1].ref_years": False,
        "refs[1].ref_note": False,
    }


def test_a_tuple_answer_comes_back_a_list_in_the_values_and_the_lines() -> None:
    qs = make({"id": "s", "title": "S", "questions": [q("kinds", "text"), q("n")]})
    b = score(qs, {"kinds": ("a", "b"), "n": 2})
    assert b.values == {"kinds": ["a", "b"], "n": 2}
    assert type(b.values["kinds"]) is list
    assert b.question("kinds").value == ["a", "b"]  # type: ignore[union-attr]


def test_coverage_within_the_tolerance_below_verdict_coverage_is_enough() -> None:
    """3 of 4 equal questions answered is 0.75, a hair (1e-9, the tolerance) below a
    verdict_coverage of 0.750000001: the band stands."""
    qs = QuestionSet.model_validate(
        {
            "id": "t",
            "title": "T",
            "version": 1,
            "verdict_coverage": 0.750000001,
            "sections": [
                {
                    "id": "s",
                    "title": "S",
                    "questions": [q(f"n{i}", score_bands=[{"score": 4}]) for i in range(4)],
                }
            ],
        }
    )
    b = score(qs, {"n0": 1, "n1": 1, "n2": 1})
    assert b.weight_answered == 0.75
    assert not b.provisional and b.band is not None
    assert score(qs, {"n0": 1, "n1": 1}).provisional


@pytest.mark.parametrize("weight", [1, 0.5])
def test_a_section_worth_one_point_or_less_still_scores(weight: float) -> None:
    """Σ weight × max of 1 (a yes/no worth 1, weight 1) or ½ is a denominator like any other."""
    qs = make(
        {
            "id": "s",
            "title": "S",
            "questions": [q("y", "yes_no", weight=weight, score={"yes": 1, "no": 0})],
        }
    )
    b = score(qs, {"y": True})
    assert b.sections[0].score == 100 and b.score == 100
    assert score(qs, {"y": False}).sections[0].score == 0


def test_a_section_of_weight_0_contributes_nothing_to_the_overall_score() -> None:
    """Its questions earn points and it scores, but with no scored weight anywhere the
    overall score is None and each line's contribution 0, not a share of nothing."""
    qs = make(
        {"id": "s", "title": "S", "weight": 0, "questions": [q("n", score_bands=[{"score": 4}])]}
    )
    b = score(qs, {"n": 1})
    assert b.score is None and b.sections[0].score == 100
    line = b.question("n")
    assert line is not None and line.points == 4 and line.contribution == 0.0

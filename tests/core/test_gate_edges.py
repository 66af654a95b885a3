"""The edges of a gate, where a wrong comparison would block or pass the wrong prospect:
float noise at the threshold, a stage where nothing is visible, the evidence shares."""

from __future__ import annotations

from dataclasses import replace

import pytest

from qualify.core.gates import TOLERANCE, evaluate_gate, evidence_shares
from qualify.core.questionnaire.model import QuestionSet, Stage
from qualify.core.scoring import score


def one_question_set(*, when: str | None = None) -> QuestionSet:
    question: dict = {
        "id": "fit",
        "text": "Fit?",
        "type": "choice",
        "options": [{"value": "a", "score": 1}, {"value": "b", "score": 3}],
    }
    if when is not None:
        question["when"] = when
    return QuestionSet.model_validate(
        {
            "id": "edge",
            "title": "Edge",
            "version": 1,
            "sections": [
                {
                    "id": "s",
                    "title": "S",
                    "questions": [
                        {"id": "gatekeeper", "text": "Gate?", "type": "yes_no"},
                        question,
                    ],
                }
            ],
        }
    )


def stage(**gate: object) -> Stage:
    return Stage.model_validate(
        {"id": "st", "title": "Stage", "questionnaire": "edge", "gate": gate}
    )


@pytest.mark.parametrize(
    ("shown", "threshold", "passes"),
    [
        (49.99999999999999, 50, True),  # float noise is not a miss
        (50 - TOLERANCE / 2, 50, True),
        (50 - 10 * TOLERANCE, 50, False),  # a real shortfall, however small, is
        (49.96, 50, False),
        (50.0, 50, True),
    ],
)
def test_min_score_tolerates_float_noise_only(shown: float, threshold: float, passes: bool) -> None:
    qs = one_question_set()
    breakdown = replace(score(qs, {"fit": "b"}), score=shown)
    result = evaluate_gate(stage(min_score=threshold), qs, breakdown)
    criterion = result.criterion("min_score")
    assert criterion is not None and criterion.met is passes
    if not passes:
        assert "below 50" in criterion.text and "score 50 below" not in criterion.text


def test_coverage_with_nothing_visible_is_met_only_when_nothing_is_required() -> None:
    qs = one_question_set(when="gatekeeper")  # hidden until gatekeeper is yes
    hidden_all = QuestionSet.model_validate(
        {
            "id": "edge",
            "title": "Edge",
            "version": 1,
            "sections": [
                {
                    "id": "s",
                    "title": "S",
                    "when": "false",
                    "questions": [{"id": "x", "text": "X?", "type": "text"}],
                }
            ],
        }
    )
    breakdown = score(hidden_all, {})
    assert breakdown.coverage is None  # nothing to answer
    met = evaluate_gate(stage(min_coverage=0), hidden_all, breakdown).criterion("min_coverage")
    unmet = evaluate_gate(stage(min_coverage=0.8), hidden_all, breakdown).criterion("min_coverage")
    assert met is not None and met.met
    assert unmet is not None and not unmet.met and "nothing to answer" in unmet.text
    # with something visible, coverage is counted as usual
    some = score(qs, {"gatekeeper": True})
    assert some.coverage == pytest.approx(0.5)
    half = evaluate_gate(stage(min_coverage=0.5), qs, some).criterion("min_coverage")
    assert half is not None and half.met


def test_evidence_shares_split_the_score_by_source() -> None:
    qs = one_question_set()
    breakdown = score(qs, {"gatekeeper": True, "fit": "b"})
    shares = evidence_shares(breakdown, {"fit": "verified"})
    assert shares is not None
    assert shares["verified"] == pytest.approx(1.0)  # only `fit` earns points
    assert shares["stated"] == pytest.approx(0.0) and shares["estimated"] == 0.0
    assert sum(shares.values()) == pytest.approx(1.0)
    stated = evidence_shares(breakdown, {})
    assert stated is not None and stated["stated"] == pytest.approx(1.0)
    assert evidence_shares(score(qs, {}), {}) is None  # nothing scores: no shares
    assert evidence_shares(None, {}) is None


@pytest.mark.parametrize(
    ("shown", "met", "text"),
    [
        (50 - TOLERANCE, True, "score 50 ≥ 50"),  # exactly at the tolerance: met
        (49.96123, False, "score 49.96 below 50"),  # as few decimals as keep it true
        (49.99961, False, "score 49.99961 below 50"),  # beyond 3 decimals: the figure whole
    ],
)
def test_a_score_near_its_minimum_is_shown_truthfully(shown: float, met: bool, text: str) -> None:
    qs = one_question_set()
    breakdown = replace(score(qs, {"fit": "b"}), score=shown)
    criterion = evaluate_gate(stage(min_score=50), qs, breakdown).criterion("min_score")
    assert criterion is not None and (criterion.met, criterion.text) == (met, text)


@pytest.mark.parametrize(
    ("coverage", "text"),
    [
        (0.4996123, "coverage 49.96% below 50%"),
        (0.4999961, "coverage 49.99961% below 50%"),
    ],
)
def test_a_coverage_near_its_minimum_is_shown_truthfully(coverage: float, text: str) -> None:
    qs = one_question_set()
    breakdown = replace(score(qs, {"fit": "b"}), coverage=coverage)
    criterion = evaluate_gate(stage(min_coverage=0.5), qs, breakdown).criterion("min_coverage")
    assert criterion is not None and (criterion.met, criterion.text) == (False, text)

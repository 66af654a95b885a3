"""The scoring rules of docs/questionnaire-format.md, each with a hand-computed example."""

from __future__ import annotations

import json
from typing import Any

import pytest

from qualify.core.breakdown import KnockoutHit
from qualify.core.questionnaire.model import Question, QuestionSet
from qualify.core.scoring import points_of, score, visible_questions
from qualify.core.words import KNOCKED_OUT_BAND


def make_set(*sections: dict[str, Any], **extra: Any) -> QuestionSet:
    """A question set from section dicts; questions default to `text`."""
    return QuestionSet.model_validate(
        {"id": "t", "title": "Test", "version": 1, "sections": list(sections)} | extra
    )


def section(sid: str, *questions: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {
        "id": sid,
        "title": sid.replace("_", " ").title(),
        "questions": list(questions),
        **extra,
    }


def q(qid: str, qtype: str = "text", **extra: Any) -> dict[str, Any]:
    return {"id": qid, "text": f"{qid}?", "type": qtype, **extra}


def question(qid: str, qtype: str, **extra: Any) -> Question:
    return Question.model_validate(q(qid, qtype, **extra))


def choice(qid: str, *scores: float, **extra: Any) -> dict[str, Any]:
    """A choice question whose options are named o<score> (o3 scores 3)."""
    options = [{"value": f"o{s:g}", "score": s} for s in scores]
    return q(qid, "choice", options=options, **extra)


# ------------------------------------------------------------------- points


def test_choice_points_are_the_option_score_and_max_is_the_best_option() -> None:
    qq = question(
        "c",
        "choice",
        options=[{"value": "a", "score": 3}, {"value": "b", "score": 1}, {"value": "z"}],
    )
    assert qq.max_points == 3
    assert points_of(qq, "a") == 3
    assert points_of(qq, "b") == 1
    assert points_of(qq, "z") == 0  # score defaults to 0


def test_multi_points_are_summed_and_max_is_the_sum_of_positive_scores() -> None:
    opts = [{"value": "x", "score": 2}, {"value": "y", "score": 3}, {"value": "z", "score": -1}]
    qq = question("m", "multi", options=opts)
    assert qq.max_points == 5
    assert points_of(qq, ["x", "y"]) == 5
    assert points_of(qq, ["x", "z"]) == 1
    assert points_of(qq, []) == 0


def test_multi_points_are_capped_by_max_score() -> None:
    opts = [{"value": "x", "score": 2}, {"value": "y", "score": 3}]
    qq = question("m", "multi", options=opts, max_score=4)
    assert qq.max_points == 4
    assert points_of(qq, ["x", "y"]) == 4
    assert points_of(qq, ["y"]) == 3


def test_scale_points_count_from_the_bottom_or_the_top_when_reversed() -> None:
    qq = question("s", "scale")  # 1..5 by default
    assert qq.max_points == 4
    assert points_of(qq, 4) == 3
    assert points_of(qq, 1) == 0
    rev = question("s", "scale", reverse=True)
    assert points_of(rev, 4) == 1
    assert points_of(rev, 1) == 4
    wide = question("s", "scale", min=0, max=10)
    assert wide.max_points == 10
    assert points_of(wide, 7) == 7


def test_number_points_come_from_the_first_band_whose_below_is_above_the_answer() -> None:
    bands = [{"below": 2, "score": 0}, {"below": 5, "score": 2}, {"score": 4}]
    qq = question("n", "number", score_bands=bands)
    assert qq.max_points == 4
    assert points_of(qq, 1) == 0
    assert points_of(qq, 2) == 2  # `below` is exclusive
    assert points_of(qq, 4.9) == 2
    assert points_of(qq, 5) == 4
    assert points_of(qq, 1000) == 4


def test_number_without_a_catch_all_band_earns_nothing_above_the_last_band() -> None:
    qq = question("n", "number", score_bands=[{"below": 10, "score": 3}])
    assert points_of(qq, 12) == 0


def test_yes_no_points_and_max_is_the_larger() -> None:
    qq = question("y", "yes_no", score={"yes": 1, "no": 3})
    assert qq.max_points == 3
    assert points_of(qq, True) == 1
    assert points_of(qq, False) == 3


def test_text_and_zero_max_questions_are_unscored() -> None:
    assert points_of(question("t", "text"), "anything") is None
    flat = question("c", "choice", options=[{"value": "a"}, {"value": "b", "score": 0}])
    assert flat.max_points == 0 and not flat.scored
    assert points_of(flat, "a") is None
    assert points_of(question("y", "yes_no"), True) is None  # score defaults to 0/0


def test_unanswered_question_has_no_points() -> None:
    assert points_of(question("y", "yes_no", score={"yes": 1}), None) is None


def test_points_stay_within_zero_and_max() -> None:
    qq = question(
        "c", "choice", options=[{"value": "bad", "score": -2}, {"value": "ok", "score": 3}]
    )
    assert points_of(qq, "bad") == 0


# --------------------------------------------------------------- section score


def sections_example() -> QuestionSet:
    """A: weight 3 → 60; B: nothing scored → None; C: weight 2 → 90; D (we_fit_them) → 40."""
    return make_set(
        section(
            "a",
            choice("a1", 0, 3, 4, weight=2),
            q("a2", "yes_no", score={"yes": 2, "no": 0}),
            q("a3", "scale", weight=5),  # left unanswered
            q("a4"),  # text: unscored
            weight=3,
        ),
        section("b", q("b1"), choice("b2", 0, 1), weight=4),
        section("c", choice("c1", 0, 9, 10), weight=2),
        section("d", q("d1", "scale", min=0, max=10), direction="we_fit_them"),
    )


EXAMPLE_ANSWERS = {"a1": "o3", "a2": False, "a4": "notes", "b1": "more notes", "c1": "o9", "d1": 4}


def test_section_score_is_weighted_points_over_weighted_max_of_answered_questions() -> None:
    b = score(sections_example(), EXAMPLE_ANSWERS)
    by_id = {s.id: s for s in b.sections}
    # 100 × (2×3 + 1×0) / (2×4 + 1×2); a3 is unanswered and does not count
    assert by_id["a"].score == pytest.approx(60)
    assert by_id["c"].score == pytest.approx(90)
    assert by_id["d"].score == pytest.approx(40)


def test_section_without_answered_scored_questions_has_no_score_not_zero() -> None:
    b = score(sections_example(), EXAMPLE_ANSWERS)
    assert b.section("b").score is None


def test_overall_score_is_weighted_over_sections_that_have_a_score() -> None:
    b = score(sections_example(), EXAMPLE_ANSWERS)
    # (3×60 + 2×90 + 1×40) / (3 + 2 + 1); section b (weight 4) has no score
    assert b.score == pytest.approx(400 / 6)
    assert b.band == "Possible fit"
    assert not b.knocked_out


def test_nothing_answered_gives_no_score_and_no_band() -> None:
    b = score(sections_example(), {})
    assert b.score is None
    assert b.band is None
    assert all(s.score is None for s in b.sections)
    assert b.directions == {"they_fit_us": None, "we_fit_them": None}
    assert b.coverage == 0


def test_only_unscored_answers_give_no_score() -> None:
    b = score(sections_example(), {"a4": "text", "b1": "text"})
    assert b.score is None
    assert b.coverage == pytest.approx(2 / 8)


def test_directions_are_weighted_like_the_overall_score() -> None:
    b = score(sections_example(), EXAMPLE_ANSWERS)
    assert b.directions["they_fit_us"] == pytest.approx((3 * 60 + 2 * 90) / 5)
    assert b.directions["we_fit_them"] == pytest.approx(40)
    only_theirs = score(sections_example(), {"a1": "o4"})
    assert only_theirs.directions == {"they_fit_us": pytest.approx(100), "we_fit_them": None}


def test_zero_weight_section_has_a_score_but_does_not_count() -> None:
    qs = make_set(
        section("a", choice("a1", 0, 10)),
        section("info", choice("i1", 0, 10), weight=0),
    )
    b = score(qs, {"a1": "o10", "i1": "o0"})
    assert b.section("info").score == 0
    assert b.score == 100
    assert b.question("i1").contribution == 0


def test_zero_weight_questions_only_give_no_section_score() -> None:
    qs = make_set(section("a", choice("a1", 0, 10, weight=0)))
    b = score(qs, {"a1": "o10"})
    assert b.section("a").score is None
    assert b.score is None


def test_answers_to_unknown_ids_and_none_values_are_ignored() -> None:
    b = score(sections_example(), {**EXAMPLE_ANSWERS, "nope": "x", "a3": None})
    assert b.score == pytest.approx(400 / 6)
    assert not b.question("a3").answered


# --------------------------------------------------------------------- bands


@pytest.mark.parametrize(
    ("chosen", "band"),
    [("o75", "Strong fit"), ("o74.9", "Possible fit"), ("o50", "Possible fit"), ("o0", "Weak fit")],
)
def test_default_bands(chosen: str, band: str) -> None:
    qs = make_set(section("a", choice("a1", 0, 50, 74.9, 75, 100)))
    assert score(qs, {"a1": chosen}).band == band


def test_custom_band_is_the_one_with_the_highest_min_at_or_below_the_score() -> None:
    bands = [{"min": 20, "label": "Maybe"}, {"min": 80, "label": "Yes"}]
    qs = make_set(section("a", choice("a1", 0, 10, 20, 80, 100)), bands=bands)
    assert score(qs, {"a1": "o100"}).band == "Yes"
    assert score(qs, {"a1": "o80"}).band == "Yes"
    assert score(qs, {"a1": "o20"}).band == "Maybe"
    assert score(qs, {"a1": "o10"}).band is None  # below every band


# ------------------------------------------------------------------ coverage


def test_coverage_counts_every_visible_question_overall_and_per_section() -> None:
    b = score(sections_example(), EXAMPLE_ANSWERS)
    # a: a1 a2 a4 of 4; b: b1 of 2; c: 1 of 1; d: 1 of 1 → 6 of 8
    assert b.coverage == pytest.approx(6 / 8)
    assert (b.answered, b.visible) == (6, 8)
    a = b.section("a")
    assert (a.answered, a.visible, a.coverage) == (3, 4, pytest.approx(0.75))
    assert b.section("b").coverage == pytest.approx(0.5)


def test_coverage_of_a_hidden_section_is_none() -> None:
    qs = make_set(
        section("a", q("go", "yes_no", score={"yes": 1})),
        section("b", q("b1"), when="go"),
    )
    b = score(qs, {"go": False})
    assert b.section("b").coverage is None
    assert b.section("b").visible == 0
    assert not b.section("b").shown
    assert b.coverage == 1


# ------------------------------------------------------------------- visibility


def visibility_set() -> QuestionSet:
    return make_set(
        section(
            "a",
            choice("kind", 0, 5),
            q("detail", "yes_no", score={"yes": 4}, when="kind == 'o5'"),
            q("followup", "yes_no", score={"yes": 4}, when="detail"),
        ),
        section("b", choice("b1", 0, 10), when="kind == 'o5'"),
        section("c", choice("c1", 0, 10)),
    )


def test_question_hidden_by_its_own_condition_is_ignored_everywhere() -> None:
    qs = visibility_set()
    answers = {"kind": "o0", "detail": True, "c1": "o10"}
    assert visible_questions(qs, answers) == {
        "kind": True,
        "detail": False,
        "followup": False,
        "b1": False,
        "c1": True,
    }
    b = score(qs, answers)
    line = b.question("detail")
    assert (line.visible, line.answered, line.points, line.value) == (False, False, None, None)
    assert b.section("a").score == 0  # only `kind` counts: 0 of 5
    assert b.coverage == 1  # kind and c1 of the two visible


def test_chained_conditions_see_hidden_questions_as_unanswered() -> None:
    qs = visibility_set()
    # `detail` holds true but is hidden, so `followup` (when: detail) is hidden too
    answers = {"kind": "o0", "detail": True, "followup": True}
    assert visible_questions(qs, answers)["followup"] is False
    assert score(qs, answers).question("followup").answered is False
    shown = {"kind": "o5", "detail": True, "followup": True}
    assert visible_questions(qs, shown)["followup"] is True


def test_section_condition_hides_every_question_of_the_section() -> None:
    qs = visibility_set()
    b = score(qs, {"kind": "o0", "b1": "o10", "c1": "o0"})
    assert b.section("b").score is None
    assert b.question("b1").visible is False
    assert b.score == 0
    b2 = score(qs, {"kind": "o5", "b1": "o10", "c1": "o0"})
    assert b2.question("b1").visible is True
    assert b2.section("b").score == 100


def test_the_answers_given_are_not_changed() -> None:
    answers = {"kind": "o0", "detail": True}
    score(visibility_set(), answers)
    assert answers == {"kind": "o0", "detail": True}


# ------------------------------------------------------------------- knock-outs


def knockout_set() -> QuestionSet:
    return make_set(
        section(
            "a",
            q(
                "model",
                "choice",
                options=[
                    {"value": "resale", "score": 2},
                    {"value": "rental", "score": 0, "knockout": "We do not sell through rental"},
                ],
            ),
            q(
                "markets",
                "multi",
                options=[
                    {"value": "av", "score": 2},
                    {"value": "grey", "knockout": "Grey imports"},
                ],
            ),
            q(
                "shelf_space",
                "yes_no",
                score={"yes": 2},
                knockout={"when": "shelf_space == false", "reason": "No shelf space for us"},
            ),
            q(
                "legal",
                "yes_no",
                score={"no": 1},
                knockout={"when": "model == 'resale' and legal", "reason": "Open legal case"},
            ),
        ),
        section(
            "b",
            q(
                "hidden_pick",
                "choice",
                options=[
                    {"value": "bad", "knockout": "Hidden red flag"},
                    {"value": "ok", "score": 1},
                ],
            ),
            when="model == 'rental'",
        ),
    )


def test_option_knockout_fires_and_the_band_is_not_a_fit() -> None:
    b = score(knockout_set(), {"model": "rental", "shelf_space": True})
    assert b.knocked_out
    assert b.knockouts == (KnockoutHit("model", "We do not sell through rental"),)
    assert b.band == KNOCKED_OUT_BAND
    assert b.question("model").knockout == "We do not sell through rental"
    assert b.score is not None  # still scored: the figures stay traceable


def test_multi_option_knockout_fires() -> None:
    b = score(knockout_set(), {"markets": ["av", "grey"]})
    assert b.knockouts == (KnockoutHit("markets", "Grey imports"),)


def test_question_knockout_when_may_refer_to_its_own_answer() -> None:
    assert score(knockout_set(), {"shelf_space": False}).knockouts == (
        KnockoutHit("shelf_space", "No shelf space for us"),
    )
    assert not score(knockout_set(), {"shelf_space": True}).knocked_out


def test_question_knockout_when_may_refer_to_earlier_answers() -> None:
    b = score(knockout_set(), {"model": "resale", "legal": True})
    assert b.knockouts == (KnockoutHit("legal", "Open legal case"),)
    assert not score(knockout_set(), {"model": "resale", "legal": False}).knocked_out


def test_unanswered_question_never_knocks_out() -> None:
    # `legal` unanswered: its condition cannot hold, and the rule needs an answer anyway
    assert not score(knockout_set(), {"model": "resale"}).knocked_out
    assert score(knockout_set(), {}).band is None


def test_hidden_question_never_knocks_out() -> None:
    b = score(knockout_set(), {"model": "resale", "hidden_pick": "bad"})
    assert not b.knocked_out
    assert b.band == "Strong fit"
    shown = score(knockout_set(), {"model": "rental", "hidden_pick": "bad"})
    assert [k.question for k in shown.knockouts] == ["model", "hidden_pick"]


def test_several_knockouts_are_all_listed_in_question_order() -> None:
    b = score(knockout_set(), {"model": "rental", "markets": ["grey"], "shelf_space": False})
    assert [k.question for k in b.knockouts] == ["model", "markets", "shelf_space"]


def test_an_answer_kept_from_an_older_version_of_the_question_scores_as_its_shape_allows() -> None:
    # `markets` was a choice: its answer is one value, not a list, and still knocks out
    assert score(knockout_set(), {"markets": "grey"}).knockouts == (
        KnockoutHit("markets", "Grey imports"),
    )
    # `model` was a multi: a list is no option of a choice, it earns nothing and knocks out
    # nothing (not even with the knock-out option in it)
    b = score(knockout_set(), {"model": ["rental"], "markets": ["av"]})
    assert not b.knocked_out
    assert b.question("model").points == 0 and b.question("markets").points == 2
    assert score(knockout_set(), {"markets": "av"}).question("markets").points == 2
    # a scale that was text or yes/no: such an answer earns nothing, it is no number
    scale = make_set(section("a", q("s", "scale", min=0, max=4)))
    assert score(scale, {"s": "4"}).question("s").points == 0
    assert score(scale, {"s": True}).question("s").points == 0
    number = make_set(section("a", q("n", "number", score_bands=[{"score": 3}])))
    assert score(number, {"n": "5"}).question("n").points == 0
    assert score(number, {"n": 5}).question("n").points == 3
    yes_no = make_set(section("a", q("y", "yes_no", score={"yes": 2})))
    assert score(yes_no, {"y": "yes"}).question("y").points == 0


# ---------------------------------------------------------------- contributions


def test_each_contribution_is_the_question_share_of_the_overall_score() -> None:
    b = score(sections_example(), EXAMPLE_ANSWERS)
    # a1: (3/6) × 100 × 2×3 / (2×4 + 1×2) = 30
    assert b.question("a1").contribution == pytest.approx(30)
    assert b.question("a2").contribution == 0
    # c1: (2/6) × 100 × 9 / 10 = 30
    assert b.question("c1").contribution == pytest.approx(30)
    # d1: (1/6) × 100 × 4 / 10
    assert b.question("d1").contribution == pytest.approx(400 / 60)
    for qid in ("a3", "a4", "b1", "b2"):  # unanswered or unscored
        assert b.question(qid).contribution is None


def test_a_lone_question_worth_one_point_carries_the_whole_score() -> None:
    """A section whose answered weight × maximum is exactly 1 still shares its score out."""
    qs = make_set(section("a", q("y", "yes_no", score={"yes": 1, "no": 0})))
    b = score(qs, {"y": True})
    assert b.score == 100 and b.question("y").contribution == pytest.approx(100)


def test_contributions_add_up_to_the_overall_score() -> None:
    b = score(sections_example(), EXAMPLE_ANSWERS)
    total = sum(q.contribution or 0 for s in b.sections for q in s.questions)
    assert total == pytest.approx(b.score)


def test_question_lines_carry_points_max_and_weight() -> None:
    b = score(sections_example(), EXAMPLE_ANSWERS)
    a1 = b.question("a1")
    assert (a1.points, a1.max, a1.weight, a1.section_id) == (3, 4, 2, "a")
    a4 = b.question("a4")
    assert (a4.answered, a4.points, a4.max, a4.value) == (True, None, 0, "notes")


def test_a_line_says_whether_its_answer_needs_verifying() -> None:
    qs = make_set(section("a", q("revenue", "number", verify=True), q("notes")))
    b = score(qs, {"revenue": 5, "notes": "x"})
    assert b.question("revenue").verify and not b.question("notes").verify


def test_a_breakdown_names_the_set_and_version_it_was_scored_against() -> None:
    b = make_set(section("a", q("x")), version=3)
    scored = score(b, {"x": "y"})
    assert (scored.question_set_id, scored.question_set_version) == ("t", 3)


def test_a_multi_answer_given_as_a_tuple_scores_as_the_same_list() -> None:
    as_tuple = score(knockout_set(), {"markets": ("av", "grey")})
    assert as_tuple == score(knockout_set(), {"markets": ["av", "grey"]})
    assert as_tuple.question("markets").value == ["av", "grey"]


@pytest.mark.parametrize(
    "stored",
    [[["av"], "grey"], [{"grey": 1}, "av"], 5, 2.5, {"grey": True}, [None, 3, "av"]],
)
def test_a_multi_answer_of_another_shape_earns_and_knocks_out_only_its_options(
    stored: object,
) -> None:
    """What a hand-edited file or a teammate's raw SQL may hold: only the option values in
    a list count (so `grey` in a mapping or a list in the list knocks nothing out)."""
    b = score(knockout_set(), {"markets": stored})
    strings = [v for v in stored if isinstance(v, str)] if isinstance(stored, list) else []
    assert b.knocked_out == ("grey" in strings)
    assert b.question("markets").points == points_of(knockout_set().questions["markets"], strings)


# ---------------------------------------------------------------------- to_dict


def test_to_dict_is_json_ready_and_has_the_documented_shape() -> None:
    b = score(knockout_set(), {"model": "rental", "markets": ["av"], "shelf_space": True})
    data = json.loads(json.dumps(b.to_dict()))
    assert {
        "score",
        "band",
        "knocked_out",
        "knockouts",
        "coverage",
        "directions",
        "sections",
    } <= set(data)
    assert data["knockouts"] == [{"question": "model", "reason": "We do not sell through rental"}]
    assert data["band"] == "Not a fit"
    assert set(data["directions"]) == {"they_fit_us", "we_fit_them"}
    sec = data["sections"][0]
    assert {
        "id",
        "title",
        "direction",
        "weight",
        "score",
        "coverage",
        "answered",
        "visible",
        "questions",
    } <= set(sec)
    line = sec["questions"][1]
    assert {
        "id",
        "text",
        "type",
        "visible",
        "answered",
        "value",
        "points",
        "max",
        "weight",
        "contribution",
        "knockout",
    } <= set(line)
    assert line["value"] == ["av"]
    assert sec["questions"][0]["knockout"] == "We do not sell through rental"


def test_to_dict_keeps_figures_unrounded() -> None:
    qs = make_set(section("a", choice("a1", 0, 1, 3)))
    data = score(qs, {"a1": "o1"}).to_dict()
    assert data["score"] == 100 / 3

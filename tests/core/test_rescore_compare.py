"""Re-score diffs and comparisons on hand-made question sets, with hand-computed figures."""

from __future__ import annotations

from typing import Any

from qualify.core.compare import compare, ideal_from_partners
from qualify.core.questionnaire.model import QuestionSet
from qualify.core.rescore import diff_question_sets, rescore


def make(version: int = 1, **changes: Any) -> QuestionSet:
    kind_options = changes.get(
        "kind_options",
        [{"value": "dealer", "score": 4}, {"value": "online", "score": 2}],
    )
    questions = [
        {"id": "kind", "text": "Kind?", "type": "choice", "options": kind_options},
        {
            "id": "reps",
            "text": "Reps?",
            "type": "number",
            "score_bands": [{"below": 3, "score": 0}, {"score": 2}],
        },
        {"id": "showroom", "text": "Showroom?", "type": "yes_no", "score": {"yes": 2}},
    ]
    if "extra" in changes:
        questions.append(changes["extra"])
    if changes.get("drop_showroom"):
        questions = [q for q in questions if q["id"] != "showroom"]
    return QuestionSet.model_validate(
        {
            "id": "t",
            "title": "T",
            "version": version,
            "sections": [
                {
                    "id": "biz",
                    "title": "Business",
                    "weight": changes.get("weight", 1),
                    "questions": questions,
                },
                {
                    "id": "serve",
                    "title": "Serve",
                    "direction": "we_fit_them",
                    "questions": [{"id": "train", "text": "Training?", "type": "scale"}],
                },
            ],
        }
    )


def test_diff_lists_what_can_change_a_score() -> None:
    old = make()
    new = make(
        2,
        kind_options=[
            {"value": "dealer", "score": 4},
            {"value": "online", "score": 0, "knockout": "online only"},
            {"value": "rental", "score": 1},
        ],
        extra={"id": "refs", "text": "Refs?", "type": "yes_no", "score": {"yes": 1}},
        drop_showroom=True,
        weight=3,
    )
    diff = diff_question_sets(old, new)
    assert diff.lines() == [
        "section biz weight 1 → 3",
        "kind: option 'online' re-scored 2 → 0; option 'online' is now a knock-out; "
        "option 'rental' added (score 1)",
        "refs: added",
        "showroom: removed",
    ]
    assert diff_question_sets(old, make()).empty


def test_rescore_keeps_the_old_result_and_drops_what_no_longer_fits() -> None:
    old = make()
    new = make(2, kind_options=[{"value": "dealer", "score": 4}, {"value": "var", "score": 4}])
    answers = {"kind": "online", "reps": 5, "showroom": True, "train": 5}
    result = rescore(old, new, answers)
    # old: biz = (2 + 2 + 2) / (4 + 2 + 2) = 75, serve = 100 -> 87.5
    assert result.old.score == 87.5
    # new: 'online' is gone -> dropped; biz = (2 + 2) / (2 + 2) = 100, serve 100
    assert result.new.score == 100
    assert result.delta == 12.5
    assert result.dropped[0][0] == "kind" and "not an option" in result.dropped[0][1]
    assert result.to_dict()["old"] == {"score": 87.5, "band": "Strong fit", "version": 1}


def test_compare_orders_differences_by_impact() -> None:
    qs = make()
    prospect = {"kind": "online", "reps": 1, "showroom": True, "train": 2}
    ideal = {"kind": "dealer", "reps": 8, "showroom": True, "train": 5}
    result = compare(qs, prospect, ideal)
    # kind and reps both cost 12.5 points: ties keep the order of the set
    assert [a.question_id for a in result.answers] == ["train", "kind", "reps"]
    # Sections: biz 50 vs 100 -> -50; serve 25 vs 100 -> -75 (largest gap first)
    assert [(s.id, s.delta) for s in result.sections] == [("serve", -75.0), ("biz", -50.0)]
    train = result.answers[0]
    # train contributes 0.5*25 = 12.5 vs 0.5*100 = 50: impact -37.5
    assert train.impact == -37.5
    assert result.to_dict()["left"]["score"] == 37.5


def test_ideal_profile_from_best_partners() -> None:
    qs = make()
    partners = [
        {"kind": "dealer", "reps": 4, "showroom": True, "train": 4},
        {"kind": "dealer", "reps": 10, "showroom": False, "train": 5},
        {"kind": "online", "reps": 6, "showroom": True},
    ]
    assert ideal_from_partners(qs, partners) == {
        "kind": "dealer",
        "reps": 6,
        "showroom": True,
        "train": 4,
    }


def test_a_carrier_checks_each_answer_once_with_the_same_results(monkeypatch) -> None:
    import qualify.core.rescore as module
    from qualify.core.questionnaire.answers import validate_answer

    old = make()
    new = make(2, kind_options=[{"value": "dealer", "score": 4}, {"value": "var", "score": 4}])
    portfolio = [
        {"kind": "online", "reps": 5, "showroom": True, "train": 5},
        {"kind": "online", "reps": 5, "showroom": True, "train": 5, "gone": 1},
        {"kind": "dealer", "reps": 5.0, "showroom": 1, "train": 5},
    ]
    alone = [rescore(old, new, answers) for answers in portfolio]  # a carrier each

    checked: list[Any] = []

    def counted(question: Any, value: Any) -> Any:
        checked.append(value)
        return validate_answer(question, value)

    monkeypatch.setattr(module, "validate_answer", counted)
    carrier = module.Carrier(new)
    shared = [rescore(old, new, answers, carrier=carrier) for answers in portfolio]
    for one, other in zip(alone, shared, strict=True):
        assert other.dropped == one.dropped
        assert (other.new.score, other.new.band) == (one.new.score, one.new.band)
        assert other.new.values == one.new.values
    # the second prospect's answers were all checked already (and `gone` is no question);
    # a float is checked each time, and 1 is not True
    assert checked == ["online", 5, True, 5, "dealer", 5.0, 1]
    assert [type(v) for v in checked[-2:]] == [float, int]

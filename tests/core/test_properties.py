"""Properties of scoring that must hold for any question set and any answers."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from qualify.core.questionnaire.expressions import names, parse_condition
from qualify.core.questionnaire.model import QuestionSet
from qualify.core.scoring import score, visible_questions

SETTINGS = settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)

TYPES = ("choice", "multi", "scale", "number", "yes_no", "text")
OPTION_VALUES = ("a", "b", "c", "d")
WEIGHTS = st.sampled_from([0, 0.5, 1, 2, 3])
POINTS = st.integers(min_value=-2, max_value=6)


# ------------------------------------------------------------------ strategies


@st.composite
def condition_on(draw: st.DrawFn, q: dict[str, Any]) -> str | None:
    """A condition that tests answer(s) of question `q` in a way its type allows."""
    qid, t = q["id"], q["type"]
    if t == "choice":
        return f"{qid} == '{draw(st.sampled_from([o['value'] for o in q['options']]))}'"
    if t == "multi":
        value = draw(st.sampled_from([o["value"] for o in q["options"]]))
        return f"'{value}' {draw(st.sampled_from(['in', 'not in']))} {qid}"
    if t in ("scale", "number"):
        op = draw(st.sampled_from(["<", "<=", ">", ">=", "==", "!="]))
        return f"{qid} {op} {draw(st.integers(min_value=0, max_value=6))}"
    if t == "yes_no":
        return draw(st.sampled_from([qid, f"not {qid}", f"{qid} == false"]))
    return None


@st.composite
def question(draw: st.DrawFn, qid: str, earlier: list[dict[str, Any]]) -> dict[str, Any]:
    t = draw(st.sampled_from(TYPES))
    q: dict[str, Any] = {"id": qid, "text": f"{qid}?", "type": t, "weight": draw(WEIGHTS)}
    if t in ("choice", "multi"):
        count = draw(st.integers(min_value=1, max_value=len(OPTION_VALUES)))
        q["options"] = [
            {
                "value": v,
                "score": draw(POINTS),
                **({"knockout": f"{qid} {v} is a deal-breaker"} if draw(st.booleans()) else {}),
            }
            for v in OPTION_VALUES[:count]
        ]
        q["options"] = [
            {k: o[k] for k in o if k != "knockout" or draw(st.integers(0, 5)) == 0}
            for o in q["options"]
        ]
        if t == "multi" and draw(st.booleans()):
            q["max_score"] = draw(st.integers(min_value=0, max_value=8))
    elif t == "scale":
        low = draw(st.integers(min_value=0, max_value=2))
        q.update(min=low, max=low + draw(st.integers(min_value=1, max_value=6)))
        q["reverse"] = draw(st.booleans())
    elif t == "number":
        cuts = sorted(set(draw(st.lists(st.integers(0, 20), max_size=3))))
        bands = [{"below": c, "score": draw(POINTS)} for c in cuts]
        if draw(st.booleans()) or not bands:
            bands.append({"score": draw(POINTS)})
        q["score_bands"] = bands
        q.update(min=0, max=30)
    elif t == "yes_no":
        q["score"] = {"yes": draw(POINTS), "no": draw(POINTS)}
    if earlier and draw(st.integers(0, 3)) == 0:
        when = draw(condition_on(draw(st.sampled_from(earlier))))
        if when:
            q["when"] = when
    if draw(st.integers(0, 5)) == 0:
        target = draw(st.sampled_from([*earlier, q]))
        when = draw(condition_on(target))
        if when:
            q["knockout"] = {"when": when, "reason": f"{qid} knock-out"}
    return q


@st.composite
def question_sets(draw: st.DrawFn) -> QuestionSet:
    sections: list[dict[str, Any]] = []
    earlier: list[dict[str, Any]] = []
    n = 0
    for s in range(draw(st.integers(min_value=1, max_value=3))):
        sec: dict[str, Any] = {
            "id": f"s{s}",
            "title": f"Section {s}",
            "weight": draw(WEIGHTS),
            "direction": draw(st.sampled_from(["they_fit_us", "we_fit_them"])),
            "questions": [],
        }
        if earlier and draw(st.integers(0, 3)) == 0:
            when = draw(condition_on(draw(st.sampled_from(earlier))))
            if when:
                sec["when"] = when
        for _ in range(draw(st.integers(min_value=1, max_value=4))):
            q = draw(question(f"q{n}", earlier))
            n += 1
            sec["questions"].append(q)
            earlier.append(q)
        sections.append(sec)
    return QuestionSet.model_validate({"id": "p", "title": "P", "version": 1, "sections": sections})


def value_for(q: Any) -> st.SearchStrategy[Any]:
    """A valid answer to question `q` (a model Question)."""
    if q.type == "choice":
        return st.sampled_from(list(q.option_map))
    if q.type == "multi":
        return st.lists(st.sampled_from(list(q.option_map)), unique=True)
    if q.type == "scale":
        return st.integers(min_value=int(q.scale_min), max_value=int(q.scale_max))
    if q.type == "number":
        return st.integers(min_value=0, max_value=30) | st.floats(min_value=0, max_value=30)
    if q.type == "yes_no":
        return st.booleans()
    return st.text(max_size=5)


@st.composite
def answers_for(draw: st.DrawFn, qs: QuestionSet) -> dict[str, Any]:
    return {
        qid: draw(value_for(q)) for qid, q in qs.questions.items() if draw(st.integers(0, 3)) != 0
    }


@st.composite
def set_and_answers(draw: st.DrawFn) -> tuple[QuestionSet, dict[str, Any]]:
    qs = draw(question_sets())
    return qs, draw(answers_for(qs))


def referenced(qs: QuestionSet) -> set[str]:
    """Every question id some condition (when or knockout.when) refers to."""
    conditions = [s.when for s in qs.sections if s.when]
    for q in qs.questions.values():
        conditions += [c for c in (q.when, q.knockout.when if q.knockout else None) if c]
    return {n.id for c in conditions for n in names(parse_condition(c))}


# ------------------------------------------------------------------ properties


def in_range(value: float | None) -> bool:
    return value is None or -1e-9 <= value <= 100 + 1e-9


@SETTINGS
@given(set_and_answers())
def test_scores_are_always_within_0_and_100_or_none(case: tuple[QuestionSet, dict]) -> None:
    qs, answers = case
    b = score(qs, answers)
    assert in_range(b.score)
    assert all(in_range(s.score) for s in b.sections)
    assert all(in_range(v) for v in b.directions.values())
    assert b.coverage is None or 0 <= b.coverage <= 1
    for s in b.sections:
        for line in s.questions:
            if line.points is not None:
                assert 0 <= line.points <= line.max
    if b.score is None:
        assert b.band in (None, "Not a fit")
    total = sum(line.contribution or 0 for s in b.sections for line in s.questions)
    assert total == pytest.approx(b.score if b.score is not None else 0, abs=1e-6)


@SETTINGS
@given(st.data())
def test_a_higher_scoring_option_never_lowers_its_section_score(data: st.DataObject) -> None:
    qs = data.draw(question_sets())
    free = [q for q in qs.questions.values() if q.type == "choice" and q.id not in referenced(qs)]
    assume(free)
    target = data.draw(st.sampled_from(free))
    answers = data.draw(answers_for(qs))
    low, high = sorted(
        data.draw(st.lists(st.sampled_from(target.options), min_size=2, max_size=2)),
        key=lambda o: o.score,
    )
    section_id = qs.section_of[target.id].id
    before = score(qs, {**answers, target.id: low.value}).section(section_id).score
    after = score(qs, {**answers, target.id: high.value}).section(section_id).score
    if before is None:
        assert after is None  # same visibility, same scored questions
    else:
        assert after is not None and after >= before - 1e-9


@SETTINGS
@given(st.data())
def test_answers_to_hidden_questions_never_change_the_result(data: st.DataObject) -> None:
    qs = data.draw(question_sets())
    answers = data.draw(answers_for(qs))
    hidden = [qid for qid, shown in visible_questions(qs, answers).items() if not shown]
    assume(hidden)
    changed = dict(answers)
    for qid in hidden:
        if data.draw(st.booleans()):
            changed.pop(qid, None)
        else:
            changed[qid] = data.draw(value_for(qs.questions[qid]))
    assert score(qs, changed).to_dict() == score(qs, answers).to_dict()

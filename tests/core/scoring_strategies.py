"""Hypothesis strategies shared by the scoring properties and the score plan's tests:
random question sets (conditions, knock-outs, weights) and answers for them."""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

from qualify.core.questionnaire.model import QuestionSet

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

"""Whatever people type into a question-set file, the loader answers with problems."""

from __future__ import annotations

import re
from pathlib import Path

import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from qualify.core.phrase import Phrase
from qualify.core.questionnaire import (
    QuestionSetError,
    load_catalog,
    load_pipeline,
    load_question_set_text,
    parse_question_set,
)

ROOT = Path(__file__).resolve().parents[2]

_scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-5, 200),
    st.floats(allow_nan=False, allow_infinity=False, width=32),
    st.sampled_from(["choice", "multi", "scale", "yes_no", "a == 'b'", "x >", "yes", "no", ""]),
    st.text(max_size=8),
)
_keys = st.sampled_from(
    [
        "id",
        "title",
        "version",
        "sections",
        "questions",
        "type",
        "options",
        "value",
        "score",
        "weight",
        "when",
        "knockout",
        "reason",
        "min",
        "max",
        "score_bands",
        "below",
        "text",
        "wieght",
    ]
)
_data = st.recursive(
    _scalars,
    lambda children: st.one_of(
        st.lists(children, max_size=4), st.dictionaries(_keys, children, max_size=5)
    ),
    max_leaves=25,
)


@settings(max_examples=200, deadline=None)
@given(_data)
def test_structured_garbage_yields_problems_not_exceptions(data) -> None:
    text = yaml.safe_dump(data, allow_unicode=True)
    qs, problems = parse_question_set(text, "fuzz.yaml")
    assert qs is not None or problems
    for p in problems:
        assert p.line >= 1 and p.col >= 1 and p.message


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("ab:-[]{}'\"!&*#|>\n id,?%@`\t0")), max_size=60))
def test_raw_text_garbage_raises_only_our_error(text: str) -> None:
    try:
        load_question_set_text(text, "fuzz.yaml")
    except QuestionSetError as exc:
        assert exc.problems


_HOSTILE_VALUES = (".inf", "true", "[]", "{}", "-5", "", "null", "2015-03-01", "{a: 1}")
_HOSTILE_VALUES += ("Bad Id", "[[1]]", "{a: {b: c}}", "12:30", "*x")


def test_any_value_anywhere_in_the_pipeline_is_a_located_translatable_problem(
    tmp_path: Path,
) -> None:
    """Every key of the bundled pipeline given each hostile value in turn: the loader says
    what is wrong (a phrase: the user's language), never raises anything else, never
    names pydantic's internals (`questionnaire: {}` once raised StopIteration)."""
    sets = load_catalog(ROOT / "questionnaires").question_sets
    lines = (ROOT / "questionnaires" / "pipeline.yaml").read_text(encoding="utf-8").splitlines()
    path = tmp_path / "pipeline.yaml"
    tried = 0
    for i, line in enumerate(lines):
        key = re.match(r"^(\s*-?\s*)([a-z_]+):", line)
        if key is None:
            continue
        for value in _HOSTILE_VALUES:
            changed = [*lines[:i], f"{key.group(1)}{key.group(2)}: {value}", *lines[i + 1 :]]
            path.write_text("\n".join(changed), encoding="utf-8")
            tried += 1
            try:
                load_pipeline(path, sets)
            except QuestionSetError as exc:
                for problem in exc.problems:
                    assert isinstance(problem.message, Phrase), (line, value, problem)
                    assert not re.search(r"Input should|constrained|dict\[", str(problem))
    assert tried > 500

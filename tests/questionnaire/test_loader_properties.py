"""Whatever people type into a question-set file, the loader answers with problems."""

from __future__ import annotations

import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from qualify.core.questionnaire import QuestionSetError, load_question_set_text, parse_question_set

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

"""YAML 1.2, read by the question's type, and bounded: what people typed is what is stored,
and a hostile file costs milliseconds and gets a located message."""

from __future__ import annotations

import gc
from pathlib import Path

import pytest

from qualify.core.questionnaire import (
    AnswerError,
    AnswersError,
    load_answers,
    load_answers_bytes,
    load_answers_text,
    load_question_set,
    parse_question_set,
    validate_answer,
)
from qualify.core.questionnaire.expressions import ConditionError, parse_condition
from qualify.core.questionnaire.yamlsource import parse_yaml

MINI = Path(__file__).resolve().parents[1] / "cli" / "fixtures" / "mini"


@pytest.fixture(scope="module")
def qs():
    return load_question_set(MINI / "mini-first.yaml")


# ------------------------------------------------------------- typed answer files


@pytest.mark.parametrize("typed", ["12:30", "0754123456", "0x1F", "1_000", "010", "1e3", "yes"])
def test_a_text_answer_keeps_exactly_the_characters_typed(qs, typed: str) -> None:
    answers = load_answers_text(f"notes: {typed}\n", "a.yaml", qs)
    assert answers["notes"].value == typed
    nested = load_answers_text(f"notes: {{value: {typed}, source: verified}}\n", "a.yaml", qs)
    assert nested["notes"].value == typed


@pytest.mark.parametrize(
    ("typed", "stored"),
    [("25", 25), ("25.5", 25.5), ("25,5", 25.5), ("1e3", 1000.0), ("'7,5'", 7.5), ("+3", 3)],
)
def test_a_number_answer_is_what_a_person_writes_for_a_number(qs, typed, stored) -> None:
    assert load_answers_text(f"reps: {typed}\n", "a.yaml", qs)["reps"].value == stored


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("12:30", "expected a number such as 25"),
        ("0x1F", "expected a number such as 25"),
        ("1_000", "expected a number such as 25"),
        ("0o17", "expected a number such as 25"),
        (".inf", "finite"),
        (".nan", "finite"),
        ("1,000", "could be 1000 or 1: write it without a thousands separator"),
        ("2.500", "could be 2500 or 2.5"),
        ("4" * 400, "too large"),
    ],
)
def test_a_number_answer_refuses_what_is_not_plainly_a_number(qs, typed, message) -> None:
    with pytest.raises(AnswersError) as info:
        load_answers_text(f"reps: {typed}\n", "a.yaml", qs)
    (problem,) = info.value.problems
    assert (problem.line, problem.col) == (1, 7)
    assert message in problem.message


def test_choice_and_yes_no_answers_are_read_from_the_text(qs) -> None:
    answers = load_answers_text("company_type: dealer\nneeds_training: no\n", "a.yaml", qs)
    assert answers["company_type"].value == "dealer"
    assert answers["needs_training"].value is False


def test_the_command_lines_decimal_comma_is_the_apps(qs) -> None:
    question = qs.questions["reps"]
    assert validate_answer(question, "7,5") == 7.5
    assert validate_answer(question, "7.5") == 7.5
    with pytest.raises(AnswerError, match="thousands separator"):
        validate_answer(question, "7,500")


def test_text_answers_are_bounded(qs) -> None:
    with pytest.raises(AnswerError, match="at most 20,000"):
        validate_answer(qs.questions["notes"], "x" * 20_001)


# ------------------------------------------------------------------- question sets


def test_question_sets_read_yaml_12_numbers() -> None:
    data = parse_yaml("a: 010\nb: 1:30\nc: 1e3\nd: 0o17\ne: yes\nf: 2015-03-01\n", "s.yaml").data
    assert data == {"a": 10, "b": "1:30", "c": 1000.0, "d": 15, "e": "yes", "f": "2015-03-01"}


@pytest.mark.parametrize(
    ("snippet", "value"),
    [("a: !!bool maybe", "maybe"), ("a: !!int 12:30", "12:30"), ("a: !!float lots", "lots")],
)
def test_a_value_its_explicit_tag_cannot_read_is_a_located_problem(snippet, value) -> None:
    doc = parse_yaml(f"b: 1\n{snippet}\n", "s.yaml")
    assert [(p.line, p.col) for p in doc.problems] == [(2, 4)]
    assert f"cannot read {value!r}" in doc.problems[0].message
    assert doc.data == {"b": 1, "a": value}


@pytest.mark.parametrize(
    ("field", "snippet"),
    [
        ("weight", "weight: .inf"),
        ("score", "score: .nan"),
        ("min", "min: -.inf"),
    ],
)
def test_non_finite_numbers_in_a_set_are_refused_where_they_are(field, snippet) -> None:
    text = (MINI / "mini-first.yaml").read_text()
    text = text.replace("        min: 0\n", f"        {snippet if field == 'min' else 'min: 0'}\n")
    if field == "weight":
        text = text.replace("    weight: 2\n", f"    {snippet}\n")
    if field == "score":
        text = text.replace("score: {yes: 0, no: 2}", "score: {yes: .nan, no: 2}")
    qs, problems = parse_question_set(text, "s.yaml")
    assert qs is None
    errors = [p for p in problems if p.severity == "error"]
    assert errors, problems
    assert all("finite" in p.message for p in errors), errors
    line = next(n for n, t in enumerate(text.splitlines(), 1) if ".inf" in t or ".nan" in t)
    assert errors[0].line == line


def test_absurd_numbers_in_a_set_are_refused() -> None:
    text = (MINI / "mini-first.yaml").read_text().replace("version: 1", "version: " + "9" * 300)
    qs, problems = parse_question_set(text, "s.yaml")
    assert qs is None
    assert any(p.line == 3 and "less than or equal" in p.message for p in problems), problems


def test_a_parsed_file_is_freed_when_dropped_not_by_the_collector() -> None:
    """Parsing leaves no reference cycle: a document and its nodes go as soon as they are
    dropped (a cycle would keep them all until the collector's next pass, a long one)."""
    text = (MINI / "mini-first.yaml").read_text()
    parse_yaml(text, "warm.yaml")
    gc.collect()
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        doc = parse_yaml(text, "s.yaml")
        assert doc.readable and doc.values
        del doc
        assert gc.collect() == 0
    finally:
        if was_enabled:
            gc.enable()


# ------------------------------------------------------------------------ bounds

BILLION_LAUGHS = "\n".join(
    ['l0: &l0 ["x","x","x","x","x","x","x","x","x"]']
    + [f"l{n}: &l{n} [" + ",".join([f"*l{n - 1}"] * 9) + "]" for n in range(1, 9)]
)


def test_alias_bombs_stop_early_with_a_located_message(qs) -> None:
    doc = parse_yaml(BILLION_LAUGHS, "bomb.yaml")  # 9**9 values if expanded
    assert doc.problems and "expands to more than" in doc.problems[0].message
    with pytest.raises(AnswersError, match=r"expands to more than|nested more than"):
        load_answers_text(BILLION_LAUGHS, "bomb.yaml", qs)


@pytest.mark.parametrize("depth", [45, 500, 5000])
def test_deep_nesting_is_a_located_message_not_a_recursion_error(depth: int) -> None:
    doc = parse_yaml("a: " + "[" * depth + "]" * depth, "deep.yaml")
    assert len(doc.problems) == 1
    assert doc.problems[0].line == 1
    assert "nest" in doc.problems[0].message


def test_control_characters_and_bad_bytes_are_reported_at_their_place(qs, tmp_path) -> None:
    doc = parse_yaml("a: 1\nb: x\x1b[2Jy\n", "esc.yaml")
    assert [(p.line, p.col) for p in doc.problems] == [(2, 5)]
    assert "U+001B" in doc.problems[0].message
    nul = parse_yaml("a: 1\n\nb: \x00\n", "nul.yaml").problems[0]
    assert (nul.line, nul.col) == (3, 4) and "NUL" in nul.message
    path = tmp_path / "latin1.yaml"
    path.write_bytes("notes: ok\nreps: 3\nnotes2: Gr\xfc\xdfe\n".encode("latin-1"))
    with pytest.raises(AnswersError) as info:
        load_answers(path, qs)
    (problem,) = info.value.problems
    assert (problem.line, problem.col) == (3, 11)
    assert "0xFC" in problem.message


def test_oversized_answer_input_is_refused_before_parsing(qs) -> None:
    with pytest.raises(AnswersError, match="more than 1,000,000 bytes"):
        load_answers_bytes(b"notes: " + b"x" * 1_000_001, "<stdin>", qs)


@pytest.mark.parametrize(
    ("condition", "message"),
    [
        ("(" * 200 + "a" + ")" * 200, "nested more than 32 levels"),
        ("not " * 10_000 + "a", "at most 2,000"),
        ("not " * 40 + "a", "nested more than 32 levels"),
    ],
)
def test_hostile_conditions_are_located_errors(condition: str, message: str) -> None:
    with pytest.raises(ConditionError, match=message):
        parse_condition(condition)


def test_a_one_space_indentation_slip_is_called_one() -> None:
    doc = parse_yaml("sections:\n  - id: a\n    title: A\n     weight: 2\n", "s.yaml")
    assert "indentation" in doc.problems[0].message

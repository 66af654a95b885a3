"""Answer files and typed values: every mistake by question id and line, nothing half-read."""

from __future__ import annotations

from pathlib import Path

import pytest

from qualify.core.questionnaire import (
    AnswerError,
    AnswersError,
    load_answers,
    load_answers_text,
    load_question_set,
    parse_cli_value,
    validate_answer,
)

MINI = Path(__file__).resolve().parents[1] / "cli" / "fixtures" / "mini"


@pytest.fixture(scope="module")
def qs():
    return load_question_set(MINI / "mini-first.yaml")


def test_plain_and_provenance_forms(qs) -> None:
    answers = load_answers_text(
        "company_type: dealer\n"
        "reps: {value: 5, source: verified, note: saw the org chart}\n"
        "needs_training: {state: unknown}\n"
        "notes: 12\n",
        "a.yaml",
        qs,
    )
    assert answers["company_type"].value == "dealer"
    assert (answers["reps"].value, answers["reps"].source) == (5, "verified")
    assert answers["reps"].note == "saw the org chart"
    assert (answers["needs_training"].state, answers["needs_training"].value) == ("unknown", None)
    assert answers["notes"].value == "12"
    assert answers["reps"].line == 2


def test_every_bad_answer_reported_with_line(qs) -> None:
    with pytest.raises(AnswersError) as info:
        load_answers_text(
            "company_type: wholesaler\n"
            "reps: -3\n"
            "unknown_q: 1\n"
            "needs_training: maybe\n"
            "notes: {value: x, source: rumour}\n",
            "a.yaml",
            qs,
        )
    out = [str(p) for p in info.value.problems]
    assert out[0].startswith("a.yaml:1:15: company_type: 'wholesaler' is not an option")
    assert out[1] == "a.yaml:2:7: reps: -3 is below the minimum 0"
    assert out[2] == "a.yaml:3:1: unknown_q: not a question of mini-first"
    assert out[3] == "a.yaml:4:17: needs_training: expected yes or no (true/false), got 'maybe'"
    assert out[4].startswith("a.yaml:5:27: notes: source 'rumour' is not one of")


def test_blank_text_is_no_answer(qs) -> None:
    """An empty or all-space text is not recorded as answered (it counted at the gate):
    the file's line says so, as for any other type; a text that says something stays
    as typed."""
    with pytest.raises(AnswersError) as info:
        load_answers_text('company_type: dealer\nnotes: "  "\n', "a.yaml", qs)
    assert [str(p) for p in info.value.problems] == [
        "a.yaml:2:8: notes: no value given (use state: unknown to ask next time)"
    ]
    answers = load_answers_text('notes: "  met the owner "\n', "a.yaml", qs)
    assert answers["notes"].value == "  met the owner "


def test_typo_in_question_id_gets_a_hint(qs) -> None:
    with pytest.raises(AnswersError, match="did you mean 'company_type'"):
        load_answers_text("compny_type: dealer\n", "a.yaml", qs)


def test_not_a_mapping(qs) -> None:
    with pytest.raises(AnswersError, match=r"a\.yaml:1:1: expected a mapping"):
        load_answers_text("- dealer\n", "a.yaml", qs)


def test_missing_file_is_one_line(qs, tmp_path: Path) -> None:
    with pytest.raises(Exception, match="no such file"):
        load_answers(tmp_path / "nope.yaml", qs)


@pytest.mark.parametrize(
    ("qid", "raw", "expected"),
    [
        ("company_type", "dealer", "dealer"),
        ("reps", "7", 7),
        ("reps", "2.5", 2.5),
        ("needs_training", "y", True),
        ("needs_training", "No", False),
        ("notes", "free text", "free text"),
    ],
)
def test_cli_values_are_typed(qs, qid, raw, expected) -> None:
    assert parse_cli_value(qs.questions[qid], raw) == expected


@pytest.mark.parametrize(
    ("qid", "raw", "message"),
    [
        ("company_type", "dealr", "did you mean 'dealer'"),
        ("reps", "many", "expected a number"),
        ("reps", "nan", "finite"),
        ("needs_training", "perhaps", "yes or no"),
        ("company_type", "", "no value"),
        ("notes", "", "no value"),
        ("notes", " \t ", "no value"),
        ("notes", "\u200b\u202e", "no value"),  # invisible characters say nothing either
    ],
)
def test_cli_value_errors_say_what_is_accepted(qs, qid, raw, message) -> None:
    with pytest.raises(AnswerError, match=message):
        parse_cli_value(qs.questions[qid], raw)


def test_multi_and_scale_values() -> None:
    from qualify.core.questionnaire.model import Question

    multi = Question.model_validate(
        {
            "id": "m",
            "text": "M",
            "type": "multi",
            "options": [{"value": "a"}, {"value": "b"}, {"value": "10"}],
        }
    )
    assert parse_cli_value(multi, "a, b,a") == ["a", "b"]
    # as an answer file writes a list: the brackets and quotes are not part of a value
    assert parse_cli_value(multi, "[a, b]") == ["a", "b"]
    assert parse_cli_value(multi, "[\"a\", '10']") == ["a", "10"]
    with pytest.raises(AnswerError, match="not an option"):
        parse_cli_value(multi, "[a, c]")
    # none of them is said as a list; an empty value is no answer (an unset variable)
    assert parse_cli_value(multi, "[]") == []
    for empty in ("", "  ", " , "):
        with pytest.raises(AnswerError, match="no value given"):
            parse_cli_value(multi, empty)
    assert validate_answer(multi, [10]) == ["10"]
    scale = Question.model_validate({"id": "s", "text": "S", "type": "scale"})
    assert validate_answer(scale, 3) == 3
    with pytest.raises(AnswerError, match=r"outside the scale 1\.\.5"):
        validate_answer(scale, 6)
    with pytest.raises(AnswerError, match="whole number"):
        validate_answer(scale, 2.5)

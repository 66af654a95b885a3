"""An answer file read exactly: every field of every answer as the file says it, and every
mistake at the line and column where it is, in words a manager can act on.

Written against the mutants mutation testing left alive in the answer reader (a note
that defaults to something, an error placed on the value instead of the key, a typed
value read without its question).
"""

from __future__ import annotations

import textwrap
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from qualify.core.errors import QualifyError
from qualify.core.questionnaire import load_question_set_text
from qualify.core.questionnaire.answers import (
    ANSWER_LIMITS,
    AnswerInput,
    AnswersError,
    load_answers,
    load_answers_bytes,
    load_answers_text,
)

SET = load_question_set_text(
    textwrap.dedent(
        """\
        id: mini
        title: Mini
        version: 1
        sections:
          - id: company
            title: Company
            questions:
              - id: phone
                text: Their phone number?
                type: text
              - id: opening
                text: When do they open?
                type: text
              - id: reps
                text: How many sales reps?
                type: number
                min: 0
                max: 500
              - id: staff
                text: Staff?
                type: number
                integer: true
              - id: founded
                text: Founded on?
                type: date
              - id: showroom
                text: A showroom?
                type: yes_no
              - id: kind
                text: What kind?
                type: choice
                options:
                  - {value: dealer, label: Dealer, score: 2}
                  - {value: installer, label: Installer, score: 1}
                  - {value: "10", label: Ten, score: 0}
              - id: streams
                text: Revenue streams?
                type: multi
                options:
                  - {value: resale, label: Resale, score: 1}
                  - {value: install, label: Installation, score: 1}
              - id: fit
                text: How well?
                type: scale
                min: 1
                max: 5
              - id: judged
                text: What did you see?
                type: text
                source: observed
          - id: refs
            title: References
            repeat: {min: 0, max: 2}
            questions:
              - id: ref_name
                text: A customer we may call?
                type: text
        """
    ),
    "mini.yaml",
)


def read(text: str) -> dict[str, AnswerInput]:
    return load_answers_text(textwrap.dedent(text), "a.yaml", SET)


def problems(text: str) -> list[str]:
    with pytest.raises(AnswersError) as caught:
        read(text)
    return [f"{p.line}:{p.col}: {p.message}" for p in caught.value.problems]


def test_plain_answers_are_read_by_their_question_type_and_nothing_is_added() -> None:
    got = read(
        """\
        phone: 0754123456
        opening: 12:30
        reps: 7,5
        staff: 12
        founded: 2015-03-01
        showroom: ja
        kind: 10
        streams: [install, resale, install]
        fit: 4
        judged: Busy shop floor
        """
    )
    assert {k: a.value for k, a in got.items()} == {
        "phone": "0754123456",
        "opening": "12:30",
        "reps": 7.5,
        "staff": 12,
        "founded": "2015-03-01",
        "showroom": True,
        "kind": "10",
        "streams": ["install", "resale"],
        "fit": 4,
        "judged": "Busy shop floor",
    }
    assert {a.note for a in got.values()} == {""}
    assert {a.state for a in got.values()} == {"answered"}
    assert got["judged"].source == "observed" and got["phone"].source == "stated"
    assert [got[k].line for k in ("phone", "opening", "judged")] == [1, 2, 10]
    assert isinstance(got["staff"].value, int) and isinstance(got["fit"].value, int)


def test_the_long_form_keeps_state_source_and_note() -> None:
    got = read(
        """\
        reps:
          value: 25
          source: verified
          note: saw the org chart
        staff: {state: unknown, note: ask the owner}
        phone: {value: "+46 8 123", note: 42}
        """
    )
    assert got["reps"] == AnswerInput("reps", 25, "answered", "verified", "saw the org chart", 1)
    assert got["staff"] == AnswerInput("staff", None, "unknown", "stated", "ask the owner", 5)
    assert got["phone"].value == "+46 8 123" and got["phone"].note == "42"


def test_repeats_are_read_one_mapping_each_and_an_empty_one_keeps_the_numbering() -> None:
    got = read(
        """\
        refs:
          -
          - ref_name: Hotel Nord
        """
    )
    assert list(got) == ["refs[1].ref_name"]
    assert got["refs[1].ref_name"].value == "Hotel Nord"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("phones: 1\n", ["1:1: phones: not a question of mini (did you mean 'phone'?)"]),
        (
            "ref_name: x\n",
            [
                "1:1: ref_name: is in the repeated section 'refs': give its answers as a list "
                "under refs: (one mapping per repeat)"
            ],
        ),
        (
            "company: x\n",
            ["1:1: company: is a section, not a question (only repeated sections take a list)"],
        ),
        (
            "refs: x\n",
            ["1:7: refs: a repeated section takes a list, one mapping of answers per repeat"],
        ),
        (
            "refs:\n  - ref_name: a\n  - ref_name: b\n  - ref_name: c\n",
            ["4:5: refs: 3 repeats given; refs is asked at most 2 times"],
        ),
        ("refs:\n  - plain\n", ["2:5: refs[0]: expected a mapping of question id to answer"]),
        (
            "refs:\n  - ref_nam: a\n",
            ["2:5: refs[0].ref_nam: not a question of the section refs (did you mean 'ref_name'?)"],
        ),
        (
            "reps: {value: 3, colour: red, size: 2}\n",
            ["1:7: reps: unknown key(s) colour, size; use value, state, source, note"],
        ),
        (
            "reps: {state: maybe}\n",
            ["1:15: reps: state 'maybe' is not one of answered, unknown, declined"],
        ),
        (
            "reps: {value: 3, source: gossip}\n",
            [
                "1:26: reps: source 'gossip' is not one of stated, verified, estimated, observed, "
                "our_records"
            ],
        ),
        ("reps: 501\n", ["1:7: reps: 501 is above the maximum 500"]),
        ("reps: {value: -1}\n", ["1:15: reps: -1 is below the minimum 0"]),
        ("staff: 7,5\n", ["1:8: staff: expected a whole number, got '7,5'"]),
        (
            "reps: 1,000\n",
            ["1:7: reps: '1,000' could be 1000 or 1: write it without a thousands separator"],
        ),
        ("reps: .inf\n", ["1:7: reps: expected a finite number, got '.inf'"]),
        ("reps: lots\n", ["1:7: reps: expected a number such as 25, 25.5 or 25,5, got 'lots'"]),
        ("fit: 6\n", ["1:6: fit: 6 is outside the scale 1..5"]),
        ("fit: 2.5\n", ["1:6: fit: expected a whole number, got '2.5'"]),
        ("founded: 2015-02-30\n", ["1:10: founded: '2015-02-30' is not a real date"]),
        (
            "founded: March 2015\n",
            ["1:10: founded: expected a date such as 2015-03-01 (YYYY-MM-DD), got 'March 2015'"],
        ),
        ("showroom: maybe\n", ["1:11: showroom: expected yes or no (true/false), got 'maybe'"]),
        (
            "kind: dealr\n",
            [
                "1:7: kind: 'dealr' is not an option (did you mean 'dealer'?); options: dealer, "
                "installer, 10"
            ],
        ),
        ("kind: [dealer]\n", ["1:7: kind: expected one option, got a list"]),
        ("kind: {value: {a: 1}}\n", ["1:15: kind: expected one option, got a mapping"]),
        ("streams: [resale, null]\n", ["1:10: streams: expected one option, got nothing"]),
        (
            "streams: [resale, retail]\n",
            [
                "1:10: streams: 'retail' is not an option (did you mean 'resale'?); options: "
                "resale, install"
            ],
        ),
        ("reps:\n", ["1:6: reps: no value given (use state: unknown to ask next time)"]),
        ("phone: [a, b]\n", ["1:8: phone: expected text, got a list"]),
    ],
)
def test_each_mistake_is_named_where_it_is(text: str, expected: list[str]) -> None:
    assert problems(text) == expected


def test_every_mistake_of_a_file_is_listed_at_once_in_file_order() -> None:
    found = problems("reps: lots\nkindd: dealer\nfit: 9\n")
    assert [p.split(":")[0] for p in found] == ["1", "2", "3"]
    assert found[1] == "2:1: kindd: not a question of mini (did you mean 'kind'?)"


CHECKED = load_question_set_text(
    textwrap.dedent(
        """\
        id: checked
        title: Checked
        version: 1
        sections:
          - id: company
            title: Company
            questions:
              - {id: staff, text: How many staff?, type: number}
              - {id: per_head, text: Twice the staff, type: calculated, formula: staff * 2}
              - id: visited
                text: When did we last visit them?
                type: date
                constraint: ". <= today()"
                constraint_message: a visit cannot be in the future
              - id: reps
                text: How many sales reps?
                type: number
                constraint: ". <= first.staff"
                constraint_message: more sales reps than staff at the first date
          - id: refs
            title: References
            repeat: {min: 0, max: 3}
            questions:
              - {id: since, text: Customer since?, type: date}
              - id: until
                text: Customer until?
                type: date
                constraint: ". >= since"
                constraint_message: a customer cannot leave before it came
        """
    ),
    "checked.yaml",
)


def checked(text: str, **given: Any) -> list[str]:
    with pytest.raises(AnswersError) as caught:
        load_answers_text(textwrap.dedent(text), "a.yaml", CHECKED, **given)
    return [f"{p.line}:{p.col}: {p.message}" for p in caught.value.problems]


def test_a_calculated_question_is_never_answered() -> None:
    assert checked("per_head: {state: unknown}\n") == [
        "1:1: per_head: 'per_head' is calculated: nobody answers it"
    ]


def test_a_constraint_in_a_repeat_reads_the_same_repeats_answers() -> None:
    text = """\
        refs:
          - {since: 2020-01-01, until: 2019-01-01}
          - {since: 2018-01-01, until: 2019-01-01}
        """
    assert checked(text) == ["2:32: refs[0].until: a customer cannot leave before it came"]


def test_constraints_read_today_and_the_earlier_stages_from_the_file_on_disk(
    tmp_path: Path,
) -> None:
    path = tmp_path / "answers.yaml"
    path.write_text("visited: 2025-06-02\nreps: 5\n", encoding="utf-8")
    with pytest.raises(AnswersError) as caught:
        load_answers(path, CHECKED, today=date(2025, 6, 1), context={"first.staff": 3})
    assert [p.message for p in caught.value.problems] == [
        "visited: a visit cannot be in the future",
        "reps: more sales reps than staff at the first date",
    ]
    got = load_answers(path, CHECKED, today=date(2025, 6, 2), context={"first.staff": 5})
    assert (got["visited"].value, got["reps"].value) == ("2025-06-02", 5)
    with pytest.raises(QualifyError, match="is a folder, not an answer file"):
        load_answers(tmp_path, CHECKED)


def test_an_answer_file_may_be_a_megabyte_and_no_more() -> None:
    most = ANSWER_LIMITS.max_bytes
    head = b"staff: 3\n#"
    exact = head + b"x" * (most - len(head))
    assert load_answers_bytes(exact, "a.yaml", CHECKED)["staff"].value == 3
    with pytest.raises(AnswersError) as caught:
        load_answers_bytes(exact + b"x", "a.yaml", CHECKED)
    assert str(caught.value) == "a.yaml:1:1: more than 1,000,000 bytes; an answer file is smaller"


def test_a_long_form_answer_without_a_note_has_none() -> None:
    assert read("reps: {value: 3, source: verified}\n")["reps"].note == ""


def test_the_mistakes_after_a_bad_repeat_are_listed_too() -> None:
    assert problems("refs:\n  - plain\n  - ref_nam: a\n") == [
        "2:5: refs[0]: expected a mapping of question id to answer",
        "3:5: refs[1].ref_nam: not a question of the section refs (did you mean 'ref_name'?)",
    ]


def test_the_error_says_every_mistake_on_a_line_of_its_own() -> None:
    with pytest.raises(AnswersError) as caught:
        read("reps: lots\nfit: 9\n")
    assert str(caught.value) == (
        "a.yaml:1:7: reps: expected a number such as 25, 25.5 or 25,5, got 'lots'\n"
        "a.yaml:2:6: fit: 9 is outside the scale 1..5"
    )

"""An answer file read exactly: every field of every answer as the file says it, and every
mistake at the line and column where it is, in words a manager can act on.

Written against the mutants mutation testing left alive in the answer reader (a note
that defaults to something, an error placed on the value instead of the key, a typed
value read without its question).
"""

from __future__ import annotations

import textwrap

import pytest

from qualify.core.questionnaire import load_question_set_text
from qualify.core.questionnaire.answers import AnswerInput, AnswersError, load_answers_text

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
            ["1:7: reps: '1,000' could be 1000 or 1.: write it without a thousands separator"],
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

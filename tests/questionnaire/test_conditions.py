"""The condition language, table by table, from its documented rules
(docs/questionnaire-format.md, "Conditions"): every operator on every kind of answer,
unanswered and hidden operands, precedence, and every error with its position."""

from __future__ import annotations

from datetime import date

import pytest

from qualify.core.questionnaire.conditions import evaluate
from qualify.core.questionnaire.expressions import ConditionError, parse_condition

ANSWERS = {
    "reps": 12,  # number
    "share": 0.5,  # number, a float
    "scale": 3,  # scale
    "kind": "dealer",  # choice
    "verticals": ["healthcare", "retail"],  # multi
    "showroom": True,  # yes_no, yes
    "online": False,  # yes_no, no
    "notes": "Strong in Healthcare and hotels",  # text
    "empty_multi": [],
}
"""`missing` is never answered; `hidden` stands for a question hidden by its condition,
which the scorer passes as absent (or None) exactly like an unanswered one."""


@pytest.mark.parametrize(
    ("condition", "expected"),
    [
        # numbers: every comparison, ints and floats alike
        ("reps == 12", True),
        ("reps == 12.0", True),
        ("reps != 12", False),
        ("reps != 11", True),
        ("reps < 13", True),
        ("reps < 12", False),
        ("reps <= 12", True),
        ("reps > 11.5", True),
        ("reps > 12", False),
        ("reps >= 12", True),
        ("share >= 0.5", True),
        ("share < .6", True),
        ("reps > -1", True),
        ("scale in [1, 2, 3]", True),
        ("scale not in [1, 2]", True),
        ("reps in [12.0]", True),
        # a choice
        ("kind == 'dealer'", True),
        ('kind == "dealer"', True),
        ("kind == 'Dealer'", False),  # option values are exact
        ("kind != 'integrator'", True),
        ("kind in ['integrator', 'dealer']", True),
        ("kind not in ['integrator', 'online']", True),
        ("kind not in ['dealer']", False),
        # a multi: membership, and equality of the whole set in any order
        ("'healthcare' in verticals", True),
        ("'hotels' in verticals", False),
        ("'hotels' not in verticals", True),
        ("verticals == ['retail', 'healthcare']", True),
        ("verticals == ['retail']", False),
        ("'x' in empty_multi", False),
        ("'x' not in empty_multi", True),
        # yes/no: alone means "answered yes"; compared with true/false
        ("showroom", True),
        ("online", False),
        ("not online", True),
        ("showroom == true", True),
        ("online == false", True),
        ("online != true", True),
        # text: `in` is a case-insensitive substring test
        ("'healthcare' in notes", True),
        ("'HOTELS' in notes", True),
        ("'cinemas' in notes", False),
        ("'cinemas' not in notes", True),
        ("notes == 'Strong in Healthcare and hotels'", True),
        ("notes == 'strong in healthcare and hotels'", False),
        # kinds that cannot be compared are simply false, both ways
        ("reps == '12'", False),
        ("reps != '12'", False),
        ("kind > 3", False),
        ("showroom == 1", False),
        ("notes < 3", False),
    ],
)
def test_operators_on_every_kind_of_answer(condition: str, expected: bool) -> None:
    assert evaluate(condition, ANSWERS) is expected


@pytest.mark.parametrize("missing", ["missing", "hidden"])
@pytest.mark.parametrize(
    ("template", "expected"),
    [
        ("{q} == 1", False),
        ("{q} != 1", False),  # docs: *any* comparison with an unanswered question is false
        ("{q} < 1", False),
        ("{q} <= 1", False),
        ("{q} > 1", False),
        ("{q} >= 1", False),
        ("{q} == 'dealer'", False),
        ("{q} != 'dealer'", False),
        ("{q} in ['a', 'b']", False),
        ("{q} not in ['a', 'b']", False),
        ("'a' in {q}", False),
        ("'a' not in {q}", False),
        ("{q}", False),  # a bare unanswered yes/no is not "yes"
        ("not {q}", True),
        ("not ({q} > 5)", True),  # the documented example
        ("{q} == 1 or reps == 12", True),
        ("{q} == 1 and reps == 12", False),
    ],
)
def test_unanswered_or_hidden_operands(missing: str, template: str, expected: bool) -> None:
    answers = dict(ANSWERS)
    if missing == "hidden":
        answers["hidden"] = None
    assert evaluate(template.format(q=missing), answers) is expected


@pytest.mark.parametrize(
    ("condition", "expected"),
    [
        ("showroom or online and online", True),  # and binds tighter than or
        ("(showroom or online) and online", False),
        ("not showroom or showroom", True),  # not binds tighter than or
        ("not (showroom or showroom)", False),
        ("not not showroom", True),
        ("reps > 5 and reps < 20 and kind == 'dealer'", True),
        ("reps > 50 or kind == 'x' or 'retail' in verticals", True),
        ("not reps > 50", True),  # not applies to the comparison
        ("((reps == 12))", True),
        ("notes == notes", True),  # two questions
        ("reps > share", True),
        ("kind in verticals", False),
    ],
)
def test_precedence_and_grouping(condition: str, expected: bool) -> None:
    assert evaluate(condition, ANSWERS) is expected


@pytest.mark.parametrize(
    ("condition", "offset", "message"),
    [
        ("", 0, "empty condition"),
        ("reps ==", 7, "condition ends too early: a value is missing"),
        ("reps = 5", 5, "unexpected character '=' (use == to compare)"),
        ("reps > 5 && showroom", 9, "unexpected character '&' (use and / or)"),
        ("reps > 5 || showroom", 9, "unexpected character '|' (use and / or)"),
        ("!showroom", 0, "unexpected character '!' (use not, or != to compare)"),
        ("kind == 'dealer", 8, "unterminated string"),
        ("1 < reps < 5", 9, "comparisons cannot be chained; join them with and"),
        ("reps 5", 5, "unexpected '5' (missing and / or / a comparison?)"),
        ("(reps > 5", 9, "expected ')', found end of condition"),
        ("(reps > 5]", 9, "expected ')', found ']'"),
        ("kind in ['a')", 12, "expected ',' or ']', found ')'"),
        ("min(reps, 1] > 2", 11, "expected ',' or ')', found ']'"),
        ("kind or in ['a']", 8, "expected a question id or a value, found 'in'"),
        ("showroom true", 9, "unexpected 'true'"),
        ("kind in ['a', reps]", 14, "lists may hold only strings, numbers, true or false"),
        ("kind in ['a' 'b']", 13, "expected ',' or ']', found \"'b'\""),
        (
            "__import__('os')",
            0,
            "unknown function '__import__'; functions: today(), days_since(), days_between(), "
            "min(), max(), round()",
        ),
        ("reps > 5 and", 12, "condition ends too early: a value is missing"),
        ("and reps", 0, "expected a question id or a value, found 'and'"),
    ],
)
def test_errors_say_what_and_where(condition: str, offset: int, message: str) -> None:
    with pytest.raises(ConditionError) as info:
        parse_condition(condition)
    assert info.value.message == message  # word for word, as the author reads it
    assert info.value.offset == offset


@pytest.mark.parametrize(
    ("condition", "expected"),
    [
        ("notes_count > 1", True),  # a name that starts with a keyword is a name
        ("inventory == 'x'", True),
        ("orders and truthy", True),
    ],
)
def test_keywords_only_as_whole_words(condition: str, expected: bool) -> None:
    answers = {"notes_count": 2, "inventory": "x", "orders": True, "truthy": True}
    assert evaluate(condition, answers) is expected


EDGES = {
    "reps": 12,
    "kind": "dealer",
    "verticals": ["healthcare", "retail"],
    "notes": "Strong in Healthcare",
    "founded": "2016-03-01",  # a date question's answer, as stored
    "audit": date(2016, 3, 1),  # and as a date
    "yes": True,
    "no": False,
    "zero": 0,
    "empty": "",
    ".": 5,  # the answer a constraint checks
}


@pytest.mark.parametrize(
    ("condition", "expected"),
    [
        # text orders nothing: only numbers and dates compare with < <= > >=
        ("kind < 'z'", False),
        ("kind >= 'a'", False),
        ("'a' < 'b'", False),
        # `in` needs a list or two texts
        ("3 in notes", False),
        ("3 not in notes", False),
        ("reps in 12", False),
        ("reps not in 12", False),
        # a list on the left: any of its values
        ("['healthcare', 'x'] in verticals", True),
        ("['x'] in verticals", False),
        ("['x'] not in verticals", True),
        ("verticals != ['retail']", True),
        # dates: a date and ISO text compare as dates
        ("audit == founded", True),
        ("audit == '2016-03-02'", False),
        ("audit < '2016-03-02'", True),
        ("audit >= audit", True),
        ("audit <= audit", True),
        ("founded < '2016-03-01'", False),
        ("audit > 3", False),
        ("audit == 3", False),
        ("audit != 3", False),  # a date and a number cannot be compared, even by !=
        ("audit != 'soon'", False),  # nor a date and text that is no date
        ("'soon' != audit", False),
        ("audit < 'soon'", False),
        ("'soon' >= audit", False),
        ("verticals != 'retail'", False),  # a list and a text: not comparable
        ("'retail' != verticals", False),
        # bare values: answered and not empty, zero or no
        ("[1]", True),
        ("[]", False),
        ("zero", False),
        ("empty", False),
        ("reps", True),
        ("yes == no", False),
        ("yes != no", True),
        ("kind != 3", False),  # kinds that cannot be compared: false, even for !=
        ("-kind < 0", False),  # minus of a text is unanswered
        (". > 4", True),
        (". < 4", False),
    ],
)
def test_more_edges_of_every_kind(condition: str, expected: bool) -> None:
    assert evaluate(condition, EDGES) is expected


def test_unknown_today_and_overflow_are_unanswered_in_every_comparison() -> None:
    assert evaluate("today() not in ['2026-01-01']", {}) is False  # today unknown
    assert evaluate("today() != '2026-01-01'", {}) is False
    huge = " * ".join(["1e15"] * 21)  # beyond what a float holds
    assert evaluate(f"{huge} > 0", {}) is False
    assert evaluate(f"not ({huge} > 0)", {}) is True


def test_a_comparison_compared_and_an_unanswered_constraint_answer() -> None:
    assert evaluate("(reps > 5) == true", ANSWERS) is True
    assert evaluate("(reps > 50) != false", ANSWERS) is False
    assert evaluate(". not in [1]", {".": None}) is False  # no answer to check: false

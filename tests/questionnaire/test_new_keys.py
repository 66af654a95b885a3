"""Each key of the grown-up question-set language, loaded and misused: dates, calculated
questions, constraints, required_when, integer answers, repeated sections and names of
earlier stages' questions, every mistake at its file:line:col."""

from __future__ import annotations

import textwrap
from datetime import date
from pathlib import Path

import pytest

from qualify.core.questionnaire import (
    AnswerError,
    AnswersError,
    load_answers_text,
    load_catalog,
    load_question_set_text,
    parse_question_set,
    validate_answer,
)

TODAY = date(2026, 3, 1)


def problems(body: str) -> list[str]:
    """Every problem of a set whose sections are `body` (indented as under `sections:`)."""
    text = "id: t\ntitle: T\nversion: 1\nsections:\n" + textwrap.dedent(body)
    return [str(p) for p in parse_question_set(text, "set.yaml")[1]]


def errors(body: str) -> list[str]:
    return [p for p in problems(body) if ": warning: " not in p]


def loaded(body: str):
    text = "id: t\ntitle: T\nversion: 1\nsections:\n" + textwrap.dedent(body)
    return load_question_set_text(text, "set.yaml")


BASICS = """\
  - id: s
    title: S
    questions:
      - id: founded
        text: Founded?
        help: h
        type: date
        constraint: ". <= today()"
        constraint_message: The company cannot be founded in the future
      - id: hours
        text: Support hours a month?
        help: h
        type: number
        integer: true
        min: 0
        constraint: ". <= 200"
      - id: rate
        text: Internal cost of a support hour?
        help: h
        type: number
        required_when: "hours > 10"
        constraint: ". > 0 and . < hours * 100"
        constraint_message: A rate must be positive and below a hundred times the hours
      - id: yearly
        text: Yearly support cost
        type: calculated
        formula: "hours * rate * 12"
        unit: "€"
        score_bands: [{below: 10000, score: 2}, {score: 0}]
"""


# ------------------------------------------------------------------ dates


@pytest.mark.parametrize(
    ("value", "stored"),
    [
        ("2015-03-01", "2015-03-01"),
        (" 2015-03-01 ", "2015-03-01"),
        (date(2015, 3, 1), "2015-03-01"),
    ],
)
def test_a_date_answer_is_stored_as_iso_text(value, stored) -> None:
    q = loaded(BASICS).questions["founded"]
    assert validate_answer(q, value, today=TODAY) == stored


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("2015-02-30", "'2015-02-30' is not a real date"),
        ("15-03-01", r"expected a date such as 2015-03-01 \(YYYY-MM-DD\)"),
        ("01.03.2015", "expected a date such as 2015-03-01"),
        ("1700-01-01", "1700-01-01 is outside the years 1800–2200"),
        ("2999-01-01", "outside the years 1800–2200"),
        (2015, "2015 is a year: a date needs its day too, e.g. 2015-01-01"),
        ("2009", "'2009' is a year: a date needs its day too, e.g. 2009-01-01 \\(YYYY-MM-DD\\)"),
        (True, "expected a date such as 2015-03-01"),
        ("2030-01-01", "The company cannot be founded in the future"),  # the constraint
    ],
)
def test_a_date_answer_must_be_a_real_date(value, message: str) -> None:
    q = loaded(BASICS).questions["founded"]
    with pytest.raises(AnswerError, match=message):
        validate_answer(q, value, today=TODAY)


def test_a_constraint_needing_today_is_not_checked_without_it() -> None:
    q = loaded(BASICS).questions["founded"]
    assert validate_answer(q, "2030-01-01") == "2030-01-01"


def test_date_conditions_are_checked_at_load() -> None:
    found = errors(
        """\
  - id: s
    title: S
    questions:
      - {id: founded, text: F, help: h, type: date}
      - {id: old, text: O, help: h, type: text, when: "founded < '2000-13-01'"}
      - {id: young, text: Y, help: h, type: text, when: "founded > 5"}
      - {id: long, text: L, help: h, type: text, when: "days_since(founded) > 3650"}
"""
    )
    assert found == [
        "set.yaml:9:64: condition: '2000-13-01' is not a date (write a date as 'YYYY-MM-DD', years 1800–2200)",
        "set.yaml:10:64: condition: > compares a date with a number (5): compare dates with dates, or use days_since()",
    ]


# ------------------------------------------------------------------ calculated


def test_a_calculated_question_needs_a_formula_and_is_never_answered() -> None:
    found = errors(
        """\
  - id: s
    title: S
    questions:
      - {id: a, text: A, help: h, type: number}
      - id: c
        text: C
        type: calculated
        verify: true
        constraint: ". > 1"
      - {id: d, text: D, type: number, formula: "a * 2"}
"""
    )
    assert found == [
        "set.yaml:11:13: calculated question 'c' needs a formula",
        "set.yaml:12:7: 'verify' does not apply to calculated question 'c': nobody answers it, its formula computes it",
        "set.yaml:13:7: 'constraint' does not apply to calculated question 'c': nobody answers it, its formula computes it",
        "set.yaml:14:38: 'formula' is only used by calculated questions, not number (d)",
    ]


def test_formula_mistakes_are_located_inside_the_formula() -> None:
    found = errors(
        """\
  - id: s
    title: S
    questions:
      - {id: a, text: A, help: h, type: number}
      - {id: t, text: T, help: h, type: text}
      - {id: c1, text: C, type: calculated, formula: "a * t"}
      - {id: c2, text: C, type: calculated, formula: "a +"}
      - {id: c3, text: C, type: calculated, formula: "a * nope"}
      - {id: c4, text: C, type: calculated, formula: "a > 2"}
"""
    )
    assert found == [
        "set.yaml:10:57: formula: arithmetic needs numbers, but 't' (text)",
        "set.yaml:11:56: formula ends too early: a value is missing",
        "set.yaml:12:57: formula: unknown question 'nope'",
        "set.yaml:13:55: formula: a formula computes a number: '>' belongs in a condition",
    ]


def test_cycles_are_refused_at_the_formula_that_closes_them() -> None:
    found = errors(
        """\
  - id: s
    title: S
    questions:
      - {id: a, text: A, type: calculated, formula: "b + 1"}
      - {id: b, text: B, type: calculated, formula: "a * 2"}
      - {id: self, text: S, type: calculated, formula: "self + 1"}
      - {id: n, text: N, help: h, type: number, when: "c > 2"}
      - {id: c, text: C, type: calculated, formula: "n + 1"}
"""
    )
    assert found == [
        "set.yaml:8:52: formula: a → b → a is a cycle (a calculated value cannot depend on itself, not even through a condition)",
        "set.yaml:10:55: formula: 'self' refers to itself (a value cannot depend on itself)",
        "set.yaml:11:54: condition: 'c' is not asked before this point; conditions may only refer to earlier questions",
    ]


def test_a_cycle_through_a_condition_is_found() -> None:
    found = errors(
        """\
  - id: s
    title: S
    questions:
      - {id: total, text: T, type: calculated, formula: "extra + 1"}
      - {id: extra, text: E, help: h, type: number, when: "total > 2"}
"""
    )
    assert found == [
        "set.yaml:8:56: formula: total → extra → total is a cycle (a calculated value cannot depend on itself, not even through a condition)"
    ]


def test_a_formula_may_read_a_later_question_of_its_set() -> None:
    qs = loaded(
        """\
  - id: summary
    title: Summary
    questions:
      - {id: ratio, text: R, type: calculated, formula: "earnings / cost"}
  - id: money
    title: Money
    questions:
      - {id: earnings, text: E, help: h, type: number}
      - {id: cost, text: C, type: calculated, formula: "hours * 50"}
      - {id: hours, text: H, help: h, type: number}
"""
    )
    assert qs.plan == ("earnings", "hours", "cost", "ratio")


def test_answer_files_refuse_a_calculated_question() -> None:
    qs = loaded(BASICS)
    with pytest.raises(AnswersError) as info:
        load_answers_text("yearly: 12\n", "a.yaml", qs)
    assert str(info.value.problems[0]) == (
        "a.yaml:1:9: yearly: 'yearly' is calculated from its formula (hours * rate * 12); "
        "nobody answers it: answer its inputs"
    )


# ------------------------------------------------------------------ constraints and integer


def test_constraints_refuse_answers_at_the_value_place() -> None:
    qs = loaded(BASICS)
    text = "founded: 2030-01-01\nhours: 250\nrate: {value: 0, source: verified}\n"
    with pytest.raises(AnswersError) as info:
        load_answers_text(text, "a.yaml", qs, today=TODAY)
    assert [str(p) for p in info.value.problems] == [
        "a.yaml:1:10: founded: The company cannot be founded in the future",
        "a.yaml:2:8: hours: the answer breaks the constraint '. <= 200'",
        "a.yaml:3:15: rate: A rate must be positive and below a hundred times the hours",
    ]


def test_a_constraint_reads_the_other_answers_of_the_file_and_the_context() -> None:
    qs = loaded(BASICS)
    assert load_answers_text("hours: 2\nrate: 150\n", "a.yaml", qs)["rate"].value == 150
    with pytest.raises(AnswersError, match=r"a\.yaml:1:7: rate: A rate must be positive"):
        load_answers_text("rate: 250\n", "a.yaml", qs, context={"hours": 2})
    # the other answer is not known: the constraint is checked later, not guessed
    assert load_answers_text("rate: 250\n", "a.yaml", qs)["rate"].value == 250


def test_integer_answers_are_whole_numbers() -> None:
    q = loaded(BASICS).questions["hours"]
    assert validate_answer(q, "12") == 12 and isinstance(validate_answer(q, "12.0"), int)
    with pytest.raises(AnswerError, match=r"expected a whole number, got '2\.5'"):
        validate_answer(q, "2.5")


def test_constraint_and_integer_mistakes_in_the_set() -> None:
    found = errors(
        """\
  - id: s
    title: S
    questions:
      - {id: a, text: A, help: h, type: number, integer: true, min: 0.5, constraint: ". < later"}
      - {id: b, text: B, help: h, type: text, integer: true, constraint_message: Oops}
      - {id: later, text: L, help: h, type: number}
"""
    )
    assert found == [
        "set.yaml:8:67: min (0.5) is not a whole number, but 'a' takes whole numbers only",
        "set.yaml:8:89: condition: 'later' is not asked before this point; conditions may only refer to earlier questions",
        "set.yaml:9:45: 'integer' is only used by number questions, not text (b)",
        "set.yaml:9:60: constraint_message without a constraint (b)",
    ]


# ------------------------------------------------------------------ required_when


def test_required_when_is_a_condition_that_looks_back() -> None:
    found = errors(
        """\
  - id: s
    title: S
    questions:
      - {id: a, text: A, help: h, type: number, required_when: "b > 1"}
      - {id: b, text: B, help: h, type: number, required_when: "a >"}
"""
    )
    assert found == [
        "set.yaml:8:63: condition: 'b' is not asked before this point; conditions may only refer to earlier questions",
        "set.yaml:9:66: condition ends too early: a value is missing",
    ]


# ------------------------------------------------------------------ repeated sections

REFS = """\
  - id: basics
    title: Basics
    questions:
      - {id: verticals, text: V, help: h, type: number}
  - id: refs
    title: Reference customers
    repeat: {min: 1, max: 3}
    repeat_score: min
    questions:
      - {id: ref_company, text: Company?, help: h, type: text}
      - id: ref_outcome
        text: What did they say?
        help: h
        type: choice
        when: "ref_company != ''"
        options: [{value: confirm, score: 2}, {value: mixed, score: 1}, {value: negative, score: 0}]
      - {id: ref_years, text: Years a customer?, help: h, type: number, constraint: ". <= 50"}
"""


def test_a_repeated_section_loads() -> None:
    qs = loaded(REFS)
    assert qs.repeat_of == {"ref_company": "refs", "ref_outcome": "refs", "ref_years": "refs"}
    assert qs.resolve("refs[2].ref_outcome") == (qs.questions["ref_outcome"], 2)
    assert qs.resolve("refs[3].ref_outcome") is None  # beyond max
    assert qs.resolve("ref_outcome") is None  # a repeat must be named
    assert qs.resolve("verticals") == (qs.questions["verticals"], None)


def test_repeat_shape_mistakes() -> None:
    found = errors(
        """\
  - id: b
    title: B
    repeat: {max: 21}
    repeat_score: median
    questions:
      - {id: y, text: Y, help: h, type: number}
"""
    )
    assert found == [
        "set.yaml:7:17: max: input should be less than or equal to 20, got 21",
        "set.yaml:8:17: repeat_score: 'median' is not allowed; expected 'mean', 'min' or 'max'",
    ]


def test_repeat_mistakes() -> None:
    found = errors(
        """\
  - id: a
    title: A
    repeat: {min: 4, max: 3}
    questions:
      - {id: x, text: X, help: h, type: number}
  - id: c
    title: C
    repeat_score: min
    when: "x > 2"
    questions:
      - {id: z, text: Z, help: h, type: number}
      - {id: w, text: W, type: calculated, formula: "x * 2"}
"""
    )
    assert found == [
        "set.yaml:7:17: repeat min (4) is above max (3)",
        "set.yaml:12:3: repeat_score is only used by repeated sections (add repeat: to 'c')",
        "set.yaml:13:10: condition: 'x' is in the repeated section 'a': only questions of that section can refer to it (each repeat to its own answers)",
        "set.yaml:16:52: formula: 'x' is in the repeated section 'a': only questions of that section can refer to it (each repeat to its own answers)",
    ]


def test_answer_files_give_repeats_as_a_list_of_mappings() -> None:
    qs = loaded(REFS)
    text = (
        "verticals: 2\n"
        "refs:\n"
        "  - {ref_company: Acme, ref_outcome: confirm}\n"
        "  - ref_company: Beta\n"
        "    ref_outcome: {value: mixed, source: verified, note: called the owner}\n"
    )
    answers = load_answers_text(text, "a.yaml", qs)
    assert {k: a.value for k, a in answers.items()} == {
        "verticals": 2,
        "refs[0].ref_company": "Acme",
        "refs[0].ref_outcome": "confirm",
        "refs[1].ref_company": "Beta",
        "refs[1].ref_outcome": "mixed",
    }
    assert answers["refs[1].ref_outcome"].source == "verified"


def test_answer_file_repeat_mistakes_are_located() -> None:
    qs = loaded(REFS)
    text = (
        "ref_company: Acme\n"
        "refs:\n"
        "  - {ref_company: A}\n"
        "  - {ref_company: B}\n"
        "  - {ref_company: C}\n"
        "  - {ref_company: D}\n"
        "basics: [1]\n"
        "verticals: [1]\n"
    )
    with pytest.raises(AnswersError) as info:
        load_answers_text(text, "a.yaml", qs)
    assert [str(p) for p in info.value.problems] == [
        "a.yaml:1:1: ref_company: is in the repeated section 'refs': give its answers as a "
        "list under refs: (one mapping per repeat)",
        "a.yaml:6:5: refs: 4 repeats given; refs is asked at most 3 times",
        "a.yaml:7:1: basics: is a section, not a question (only repeated sections take a list)",
        "a.yaml:8:12: verticals: expected a number, got ['1']",
    ]


def test_answer_file_item_mistakes_are_located() -> None:
    qs = loaded(REFS)
    text = (
        "refs:\n"
        "  - {ref_company: A, ref_outcome: great}\n"
        "  - {ref_compnay: B, ref_years: 80}\n"
        "  - just text\n"
    )
    with pytest.raises(AnswersError) as info:
        load_answers_text(text, "a.yaml", qs)
    assert [str(p) for p in info.value.problems] == [
        "a.yaml:2:35: refs[0].ref_outcome: 'great' is not an option; options: confirm, mixed, negative",
        "a.yaml:3:6: refs[1].ref_compnay: not a question of the section refs (did you mean 'ref_company'?)",
        "a.yaml:3:33: refs[1].ref_years: the answer breaks the constraint '. <= 50'",
        "a.yaml:4:5: refs[2]: expected a mapping of question id to answer",
    ]


# ------------------------------------------------------------------ earlier stages


def _folder(tmp_path: Path, later_body: str, *, pipeline: bool = True) -> Path:
    folder = tmp_path / "sets"
    folder.mkdir()
    (folder / "first.yaml").write_text(
        "id: first-date\ntitle: F\nversion: 1\nsections:\n"
        "  - id: s\n    title: S\n    questions:\n"
        "      - {id: competing_lines, text: C, help: h, type: number}\n"
        "      - {id: kind, text: K, help: h, type: choice, options: [{value: dealer}]}\n",
        "utf-8",
    )
    (folder / "second.yaml").write_text(
        "id: second\ntitle: S\nversion: 1\nsections:\n" + textwrap.dedent(later_body), "utf-8"
    )
    (folder / "third.yaml").write_text(
        "id: third\ntitle: T\nversion: 1\nsections:\n"
        "  - id: s\n    title: S\n    questions:\n"
        "      - {id: t, text: T, help: h, type: number}\n",
        "utf-8",
    )
    if pipeline:
        (folder / "pipeline.yaml").write_text(
            "stages:\n"
            "  - {id: a, title: A, questionnaire: first-date}\n"
            "  - {id: b, title: B, questionnaire: second}\n"
            "  - {id: c, title: C, questionnaire: third}\n",
            "utf-8",
        )
    return folder


SECOND = """\
  - id: s
    title: S
    when: "first-date.competing_lines < 5"
    questions:
      - id: share
        text: Share of mind?
        help: h
        type: calculated
        formula: "100 / (first-date.competing_lines + 1)"
        knockout: {when: "share < 10", reason: Too many competing lines}
"""


def test_a_set_may_read_earlier_stages_when_the_folder_is_validated(tmp_path: Path) -> None:
    catalog = load_catalog(_folder(tmp_path, SECOND))
    assert catalog.problems == []
    assert catalog.question_sets["second"].other_sets == {"first-date"}


def test_a_set_alone_is_only_warned_about_earlier_stages(tmp_path: Path) -> None:
    path = _folder(tmp_path, SECOND) / "second.yaml"
    qs, found = parse_question_set(path.read_text("utf-8"), "second.yaml")
    assert qs is not None
    assert [str(p) for p in found] == [
        "second.yaml:7:10: warning: condition: 'first-date.competing_lines' refers to the question set 'first-date', which cannot be checked when this file is validated alone (validate its folder, with pipeline.yaml)",
        "second.yaml:13:24: warning: formula: 'first-date.competing_lines' refers to the question set 'first-date', which cannot be checked when this file is validated alone (validate its folder, with pipeline.yaml)",
    ]


def test_wrong_names_of_other_stages_are_errors_in_the_folder(tmp_path: Path) -> None:
    body = """\
  - id: s
    title: S
    questions:
      - {id: a, text: A, help: h, type: text, when: "first-date.competing_line > 1"}
      - {id: b, text: B, help: h, type: text, when: "third.t > 1"}
      - {id: c, text: C, help: h, type: text, when: "frist-date.kind == 'dealer'"}
      - {id: d, text: D, help: h, type: text, when: "first-date.kind == 'broker'"}
      - {id: e, text: E, type: calculated, formula: "first-date.kind * 2"}
"""
    catalog = load_catalog(_folder(tmp_path, body))
    path = str(tmp_path / "sets" / "second.yaml")
    assert [str(p).replace(path, "second.yaml") for p in catalog.problems] == [
        "second.yaml:8:52: condition: 'competing_line' is not a question of first-date (did you mean 'competing_lines'?)",
        "second.yaml:9:52: condition: 'third.t': 'third' is not asked at a stage before this set's; names may refer only to earlier stages",
        "second.yaml:10:52: condition: unknown question set 'frist-date' (did you mean 'first-date'?)",
        "second.yaml:11:71: condition: 'broker' is not an option of 'kind' (options: 'dealer')",
        "second.yaml:12:52: formula: arithmetic needs numbers, but 'first-date.kind' (a choice)",
    ]
    assert "second" not in catalog.question_sets and "second" in catalog.broken


def test_a_set_outside_the_pipeline_has_no_earlier_stage(tmp_path: Path) -> None:
    folder = _folder(tmp_path, SECOND)
    (folder / "pipeline.yaml").write_text(
        "stages:\n  - {id: a, title: A, questionnaire: first-date}\n", "utf-8"
    )
    catalog = load_catalog(folder)
    assert any(
        "the pipeline does not ask this set, so no stage comes before it" in p.message
        for p in catalog.errors
    )


def test_the_review_set_reads_every_stage(tmp_path: Path) -> None:
    folder = _folder(tmp_path, SECOND)
    (folder / "third.yaml").write_text(
        "id: third\ntitle: T\nversion: 1\nsections:\n"
        "  - id: s\n    title: S\n    questions:\n"
        "      - {id: t, text: T, type: calculated, formula: 'second.share + first-date.competing_lines'}\n",
        "utf-8",
    )
    (folder / "pipeline.yaml").write_text(
        "stages:\n"
        "  - {id: a, title: A, questionnaire: first-date}\n"
        "  - {id: b, title: B, questionnaire: second}\n"
        "review: {questionnaire: third}\n",
        "utf-8",
    )
    assert load_catalog(folder).problems == []


def test_a_set_without_the_new_keys_keeps_its_content_hash() -> None:
    """Interviews store the hash of the set they were asked with: an upgrade must not make
    every interview look asked with another version."""
    from qualify.core.questionnaire import content_hash, load_question_set
    from qualify.core.questionnaire.catalog import canonical
    from qualify.core.questionnaire.model import QuestionSet

    mini = Path(__file__).resolve().parents[1] / "cli" / "fixtures" / "mini" / "mini-first.yaml"
    qs = load_question_set(mini)
    assert content_hash(qs) == "c2a8ac25fe07abd4b3228ead"  # as computed before the new keys
    assert "formula" not in canonical(qs)["sections"][0]["questions"][0]
    assert QuestionSet.model_validate(canonical(qs)) == qs
    repeated = loaded(REFS)
    assert canonical(repeated)["sections"][1]["repeat"] == {"min": 1, "max": 3}
    assert QuestionSet.model_validate(canonical(repeated)) == repeated


def test_a_gate_cannot_ask_to_verify_a_calculated_or_repeated_question(tmp_path: Path) -> None:
    folder = tmp_path / "sets"
    folder.mkdir()
    (folder / "s.yaml").write_text(
        "id: s\ntitle: S\nversion: 1\nsections:\n" + textwrap.dedent(REFS), "utf-8"
    )
    (folder / "t.yaml").write_text(
        "id: t\ntitle: T\nversion: 1\nsections:\n" + textwrap.dedent(BASICS), "utf-8"
    )
    (folder / "pipeline.yaml").write_text(
        "stages:\n"
        "  - {id: a, title: A, questionnaire: s, gate: {verified: [ref_outcome]}}\n"
        "  - {id: b, title: B, questionnaire: t, gate: {verified: [yearly]}}\n",
        "utf-8",
    )
    messages = [p.message for p in load_catalog(folder).errors]
    assert messages == [
        "'ref_outcome' is in the repeated section 'refs': mark it `verify: true` in s so "
        "every repeat's answer must be verified",
        "'yearly' is calculated: there is no answer to verify",
    ]

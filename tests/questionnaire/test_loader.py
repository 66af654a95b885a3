"""The loader reports every mistake at its exact place, and reads YAML the way people mean it."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from qualify.core.questionnaire import (
    QuestionSetError,
    content_hash,
    load_catalog,
    load_question_set,
    load_question_set_text,
    parse_question_set,
)

ROOT = Path(__file__).resolve().parents[2]


def problems_of(text: str) -> list[str]:
    qs, problems = parse_question_set(textwrap.dedent(text), "set.yaml")
    assert qs is None, "expected errors"
    return [str(p) for p in problems]


HEADER = """\
id: t
title: T
version: 1
sections:
  - id: s
    title: S
    questions:
"""


def one_set(questions: str) -> str:
    return HEADER + textwrap.indent(textwrap.dedent(questions), "      ")


def test_valid_set_loads_with_defaults() -> None:
    qs = load_question_set_text(
        one_set(
            """\
            - id: q
              text: Q?
              type: choice
              options: [{value: a, score: 2}, {value: b}]
            """
        )
    )
    assert qs.sections[0].weight == 1
    assert qs.questions["q"].max_points == 2
    assert qs.band_for(80) == "Strong fit" and qs.band_for(10) == "Weak fit"


def test_unknown_field_points_at_the_key_with_a_hint() -> None:
    out = problems_of(
        one_set(
            """\
            - id: q
              text: Q?
              type: text
              wieght: 2
            """
        )
    )
    assert out[0].startswith("set.yaml:11:9: unknown field 'wieght' (did you mean 'weight'?)")


def test_wrong_type_points_at_the_value() -> None:
    out = problems_of(
        one_set(
            """\
            - id: q
              text: Q?
              type: choice
              options:
                - {value: a, score: high}
            """
        )
    )
    assert out == ["set.yaml:12:31: score: expected a number, got 'high'"]


def test_every_problem_is_reported_not_just_the_first() -> None:
    out = problems_of(
        one_set(
            """\
            - id: q
              text: Q?
              type: dropdown
            - id: r
              type: text
              required: yes
            """
        )
    )
    assert len(out) == 3
    assert out[0].startswith("set.yaml:10:15: unknown question type 'dropdown'")
    assert out[1] == "set.yaml:11:9: missing required field 'text'"
    assert out[2] == "set.yaml:13:19: required: expected true or false, got 'yes'"


def test_yaml_12_booleans_no_stays_a_string() -> None:
    qs = load_question_set_text(
        one_set(
            """\
            - id: q
              text: Q?
              type: choice
              options: [{value: yes, score: 2}, {value: no}, {value: on}, {value: off}]
            """
        )
    )
    assert list(qs.questions["q"].option_map) == ["yes", "no", "on", "off"]


def test_duplicate_keys_are_errors_not_silently_collapsed() -> None:
    out = problems_of(
        one_set(
            """\
            - id: q
              text: Q?
              type: text
              text: Again?
            """
        )
    )
    assert out == ["set.yaml:11:9: duplicate key 'text' (first given on line 9)"]


def test_python_tags_are_refused() -> None:
    text = "id: !!python/object/apply:os.system [echo hi]\ntitle: T\nversion: 1\nsections: []\n"
    out = problems_of(text)
    assert out[0].startswith("set.yaml:1:5: the tag !!python/object/apply:os.system is not allowed")


def test_syntax_error_and_empty_file() -> None:
    [said] = problems_of("id: x\ntitle: [oops\n")
    assert said.startswith(
        "set.yaml:2:8: YAML syntax error: this [ is not closed, or a comma is missing (noticed at line 3"
    )
    assert problems_of("") == ["set.yaml:1:1: the file is empty"]
    assert problems_of("- just\n- a list\n") == [
        "set.yaml:1:1: expected a question set (a mapping of keys), got a list"
    ]


def test_a_quote_or_bracket_left_open_is_named_where_it_opens() -> None:
    """PyYAML notices an unclosed quote at the end of the file, an unclosed bracket where
    the next line does not fit: the message points at the quote or bracket to close."""
    quote = 'id: t\ntitle: "Commitment\nversion: 1\nsections: []\n'
    [said] = problems_of(quote)
    assert said.startswith(
        "set.yaml:2:8: YAML syntax error: this quote is never closed (noticed at line 5"
    )
    brace = HEADER + "      - {id: a, text: A, type: text\n      - {id: b, text: B, type: text}\n"
    [said] = problems_of(brace)
    assert said.startswith(
        "set.yaml:8:9: YAML syntax error: this { is not closed, or a comma is missing (noticed at line 9,"
    )
    # a list left open after a comma, in a mapping that is closed: the innermost bracket
    [said] = problems_of("id: t\ntitle: {a: [1, {b: 2},\n  c\n")
    assert said.startswith("set.yaml:2:12: YAML syntax error: this [ is not closed")
    [said] = problems_of("id: t\ntitle: T\nversion: 1\nsections: [\n")
    assert said.startswith("set.yaml:4:11: YAML syntax error: this [ is not closed")
    # an error on the bracket's own line is where PyYAML found it, as before
    [said] = problems_of("id: t\ntitle: [a, {b: c]\nversion: 1\nsections: []\n")
    assert said.startswith("set.yaml:2:") and "closed" not in said
    # an escape the quote does not allow is where it stands, not at the quote
    [said] = problems_of('id: t\ntitle: "one\n  bad \\q"\nversion: 1\nsections: []\n')
    assert said.startswith("set.yaml:3:") and "closed" not in said


def test_semantic_rules_each_at_their_place() -> None:
    out = problems_of(
        """\
        id: t
        title: T
        version: 1
        sections:
          - id: s
            title: S
            questions:
              - {id: a, text: A, type: choice, options: [{value: x}, {value: x}]}
              - {id: a, text: A2, type: multi}
              - {id: c, text: C, type: scale, min: 5, max: 1}
              - id: d
                text: D
                type: number
                score_bands: [{below: 5, score: 1}, {below: 2, score: 3}, {score: 4}]
              - {id: e, text: E, type: text, unit: people}
          - id: s
            title: Again
            questions: [{id: f, text: F, type: text}]
        """
    )
    assert out == [
        "set.yaml:8:70: duplicate option value 'x'",
        "set.yaml:9:14: duplicate question id 'a' (first used on line 8)",
        "set.yaml:9:33: multi question 'a' needs options",
        "set.yaml:10:52: scale max (1) must be greater than min (5)",
        "set.yaml:14:53: score bands must be in increasing order of 'below': 2 comes after 5",
        "set.yaml:15:38: 'unit' is only used by number and calculated questions, not text (e)",
        "set.yaml:16:9: duplicate section id 's'",
    ]


def test_conditions_checked_at_load_with_column_inside_the_text() -> None:
    out = problems_of(
        one_set(
            """\
            - id: kind
              text: Kind?
              type: choice
              options: [{value: dealer}, {value: distributor}]
            - id: reps
              text: Reps?
              type: number
              when: "kind == 'dealr'"
            - id: size
              text: Size?
              type: number
              when: later > 3 and reps == 'many'
            - id: later
              text: Later?
              type: number
              when: reps >
            """
        )
    )
    assert out == [
        "set.yaml:15:24: condition: 'dealr' is not an option of 'kind' "
        "(options: 'dealer', 'distributor')",
        "set.yaml:19:15: condition: 'later' is not asked before this point; "
        "conditions may only refer to earlier questions",
        "set.yaml:19:34: condition: number question 'reps' is compared with a string ('many')",
        "set.yaml:23:21: condition ends too early: a value is missing",
    ]


def test_knockout_may_test_its_own_question() -> None:
    qs = load_question_set_text(
        one_set(
            """\
            - id: shelf_space
              text: Shelf space?
              type: yes_no
              score: {yes: 2}
              knockout: {when: "shelf_space == false", reason: No room for us}
            """
        )
    )
    assert qs.questions["shelf_space"].knockout is not None


def test_question_set_error_carries_every_problem(tmp_path: Path) -> None:
    path = tmp_path / "x.yaml"
    path.write_text("id: x\ntitle: X\n", encoding="utf-8")
    with pytest.raises(QuestionSetError) as info:
        load_question_set(path)
    assert sorted(str(p) for p in info.value.problems) == [
        f"{path}:1:1: missing required field 'sections'",
        f"{path}:1:1: missing required field 'version'",
    ]


def test_bundled_catalog_is_valid_and_rich() -> None:
    catalog = load_catalog(ROOT / "questionnaires")
    assert catalog.errors == []
    assert catalog.pipeline is not None
    assert [s.id for s in catalog.pipeline.stages] == [
        "first-date",
        "getting-to-know",
        "going-steady",
        "engagement",
        "commitment",
    ]
    questions = [q for qs in catalog.question_sets.values() for q in qs.questions.values()]
    assert len(questions) >= 60
    assert all(q.help for q in questions)
    directions = {s.direction for qs in catalog.question_sets.values() for s in qs.sections}
    assert directions == {"they_fit_us", "we_fit_them"}


def test_pipeline_problems_are_placed(tmp_path: Path) -> None:
    (tmp_path / "a.yaml").write_text(
        one_set("- {id: q, text: Q, type: text}\n").replace("id: t\n", "id: a\n", 1),
        encoding="utf-8",
    )
    (tmp_path / "pipeline.yaml").write_text(
        "stages:\n"
        "  - {id: one, title: One, questionnaire: a}\n"
        "  - {id: one, title: Two, questionnaire: b}\n"
        "  - {id: three, title: Three, questionnaire: a, gate: {verified: [qq]}}\n",
        encoding="utf-8",
    )
    catalog = load_catalog(tmp_path)
    out = [str(p).replace(str(tmp_path) + "/", "") for p in catalog.errors]
    assert out == [
        "pipeline.yaml:3:10: duplicate stage 'one'",
        "pipeline.yaml:3:42: unknown question set 'b'; known: a",
        "pipeline.yaml:4:67: 'qq' is not a question of a (did you mean 'q'?)",
    ]
    assert catalog.pipeline is None
    assert set(catalog.question_sets) == {"a"}


def test_a_number_where_a_name_goes_is_told_at_the_key(tmp_path: Path) -> None:
    """YAML reads `12:` as a number: a field (`12: x`) is unknown, a section id
    (`min_section: {12: 40}`) is not text; each at the key, in our words."""
    (tmp_path / "a.yaml").write_text(
        one_set("- {id: q, text: Q, type: text}\n").replace("id: t\n", "id: a\n12: x\n", 1),
        encoding="utf-8",
    )
    (tmp_path / "b.yaml").write_text(
        one_set("- {id: q, text: Q, type: text}\n").replace("id: t\n", "id: b\n", 1),
        encoding="utf-8",
    )
    (tmp_path / "pipeline.yaml").write_text(
        "stages:\n  - {id: one, title: One, questionnaire: b, gate: {min_section: {12: 40}}}\n",
        encoding="utf-8",
    )
    catalog = load_catalog(tmp_path)
    out = [str(p).replace(str(tmp_path) + "/", "") for p in catalog.errors]
    assert out[0].startswith("a.yaml:2:1: unknown field '12'; allowed here: id, title")
    assert out[1] == "pipeline.yaml:2:66: min_section: expected text, got 12"
    assert "Keys should be strings" not in " ".join(out)


def test_a_stage_with_an_empty_set_per_kind_is_a_located_problem(tmp_path: Path) -> None:
    """`questionnaire: {}` (a per-kind mapping with no kind) once crashed the loader."""
    (tmp_path / "a.yaml").write_text(
        one_set("- {id: q, text: Q, type: text}\n").replace("id: t\n", "id: a\n", 1),
        encoding="utf-8",
    )
    (tmp_path / "pipeline.yaml").write_text(
        "stages:\n  - {id: one, title: One, questionnaire: {}}\n", encoding="utf-8"
    )
    catalog = load_catalog(tmp_path)
    out = [str(p).replace(str(tmp_path) + "/", "") for p in catalog.errors]
    assert out == ["pipeline.yaml:2:42: questionnaire: must not be empty"]
    assert catalog.pipeline is None
    for given, said in (
        ("5", "expected a set id or a mapping kind → set id, got 5"),
        ("Bad Id", "'Bad Id' is not a valid id (use lowercase letters, digits, - and _)"),
        ("{default: 5}", "default: 5 is not a valid id (use lowercase letters, digits, - and _)"),
    ):  # one message at the field, not one per member of the union
        (tmp_path / "pipeline.yaml").write_text(
            f"stages:\n  - {{id: one, title: One, questionnaire: {given}}}\n", encoding="utf-8"
        )
        out = [str(p).replace(str(tmp_path) + "/", "") for p in load_catalog(tmp_path).errors]
        assert out == [f"pipeline.yaml:2:42: questionnaire: {said}"]


def test_broken_set_is_left_out_but_others_load(tmp_path: Path) -> None:
    (tmp_path / "a.yaml").write_text(one_set("- {id: q, text: Q, type: text}\n"), "utf-8")
    (tmp_path / "b.yaml").write_text("id: b\ntitle: [\n", "utf-8")
    catalog = load_catalog(tmp_path)
    assert set(catalog.question_sets) == {"t"}
    assert any(p.path.endswith("b.yaml") for p in catalog.errors)
    assert "b" in catalog.broken


def test_content_hash_changes_with_scoring_not_with_layout() -> None:
    base = one_set("- {id: q, text: Q, type: yes_no, score: {yes: 1}}\n")
    relaid = one_set("- id: q\n  text: Q\n  type: yes_no\n  score:\n    yes: 1\n")
    rescored = one_set("- {id: q, text: Q, type: yes_no, score: {yes: 2}}\n")
    h = content_hash(load_question_set_text(base))
    assert h == content_hash(load_question_set_text(relaid))
    assert h != content_hash(load_question_set_text(rescored))


def test_schema_file_in_docs_is_current() -> None:
    import json

    from qualify.core.questionnaire.schema import json_schema

    on_disk = json.loads((ROOT / "docs" / "question-set.schema.json").read_text("utf-8"))
    assert on_disk == json_schema(), "run: qualify schema > docs/question-set.schema.json"


def test_negative_scores_are_refused() -> None:
    out = problems_of(
        one_set(
            """\
            - {id: a, text: A, type: choice, options: [{value: x, score: -2}]}
            - {id: b, text: B, type: yes_no, score: {yes: 1, no: -1}}
            """
        )
    )
    assert out == [
        "set.yaml:8:68: score -2: scores are 0 or more: give a bad answer 0, or make it a knock-out",
        "set.yaml:9:60: no: -1: scores are 0 or more: give a bad answer 0, or make it a knock-out",
    ]

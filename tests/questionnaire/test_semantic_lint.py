"""Semantic lint: warnings at file:line:col that do not stop a set unless --strict."""

from __future__ import annotations

import textwrap

from qualify.core.questionnaire import parse_question_set


def warnings_of(text: str) -> list[str]:
    qs, problems = parse_question_set(textwrap.dedent(text), "set.yaml")
    assert qs is not None, [str(p) for p in problems]
    assert all(p.severity == "warning" for p in problems)
    return [str(p) for p in problems]


def test_clean_set_has_no_warnings() -> None:
    assert (
        warnings_of(
            """\
            id: t
            title: T
            version: 1
            sections:
              - id: s
                title: S
                questions:
                  - {id: a, text: A, help: h, type: choice, options: [{value: x, score: 1}, {value: y}]}
            """
        )
        == []
    )


def test_each_warning_at_its_place() -> None:
    out = warnings_of(
        """\
        id: t
        title: T
        version: 1
        bands:
          - {min: 60, label: Good}
          - {min: 60, label: Fine}
        sections:
          - id: s
            title: S
            weight: 100
            questions:
              - {id: kind, text: K, help: h, type: choice, options: [{value: a, score: 2}, {value: b, score: 2}]}
              - id: never
                text: N
                help: h
                type: yes_no
                score: {yes: 1}
                when: "kind == 'a' and kind == 'b'"
              - id: reps
                text: R
                help: h
                type: number
                min: 0
                score_bands: [{below: 3, score: 0}, {score: 2}]
                knockout: {when: "reps < 0", reason: impossible}
              - {id: nohelp, text: X, type: text}
          - id: tiny
            title: Tiny
            weight: 1
            questions:
              - {id: t1, text: T1, help: h, type: yes_no, score: {yes: 1}}
        """
    )
    assert out == [
        "set.yaml:5:11: warning: bands leave a gap: scores below 60 get no band "
        "(add one with min: 0)",
        "set.yaml:6:11: warning: bands overlap: 'Fine' and 'Good' both start at 60",
        "set.yaml:12:52: warning: every option of 'kind' scores 2: any answer earns full points, "
        "so the question cannot tell prospects apart",
        "set.yaml:18:15: warning: question 'never' can never be shown: its condition is always false",
        "set.yaml:25:26: warning: the knock-out of 'reps' can never fire: its condition is always "
        "false",
        "set.yaml:26:14: warning: question 'nohelp' has no help text: tell the interviewer what "
        "to listen for",
        "set.yaml:29:13: warning: section 'tiny' carries 1.0% of the weight: it cannot move the "
        "overall score (raise its weight or set 0 on purpose)",
    ]


def test_reachable_conditions_do_not_warn() -> None:
    out = warnings_of(
        """\
        id: t
        title: T
        version: 1
        sections:
          - id: s
            title: S
            questions:
              - {id: v, text: V, help: h, type: multi, options: [{value: a, score: 1}, {value: b, score: 1}]}
              - {id: n, text: N, help: h, type: number, when: "'a' in v and 'b' in v"}
              - {id: m, text: M, help: h, type: scale, when: "n >= 10 and n < 11", knockout: {when: "m > 4", reason: r}}
        """
    )
    assert out == []


def test_a_band_label_used_twice_is_a_warning_not_a_crash() -> None:
    out = warnings_of(
        """\
        id: t
        title: T
        version: 1
        bands:
          - {min: 0, label: Low}
          - {min: 50, label: Low}
        sections:
          - id: s
            title: S
            questions:
              - {id: a, text: A, help: h, type: yes_no}
        """
    )
    assert out == ["set.yaml:6:22: warning: band label 'Low' is used twice"]

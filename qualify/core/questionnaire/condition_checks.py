"""Static checks of a condition against its question set: mistakes a reader would call a bug.

Unknown or later questions, option values that do not exist, comparisons of types
that can never match — all of them, each with its offset in the condition's text.
"""

from __future__ import annotations

import difflib
from collections.abc import Container, Mapping
from typing import TYPE_CHECKING, Any

from qualify.core.questionnaire.conditions import (
    BoolOp,
    Compare,
    Expr,
    ListLiteral,
    Literal,
    Name,
    Not,
)

if TYPE_CHECKING:
    from qualify.core.questionnaire.model import Question

_KIND_OF_TYPE = {
    "choice": "option",
    "multi": "options",
    "scale": "number",
    "number": "number",
    "yes_no": "bool",
    "text": "text",
}
_KIND_WORDS = {
    "option": "a choice",
    "options": "a multi-choice list",
    "number": "a number",
    "bool": "true/false",
    "text": "text",
    "string": "a string",
    "list": "a list",
}
_LITERAL_FOR = {"number": "number", "bool": "bool", "text": "string"}
"""The kind of literal a number, yes/no or text question is compared with."""

Problem = tuple[int, str]
"""(offset in the condition's text, message)."""


def _literal_kind(value: Any) -> str:
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, float | int):
        return "number"
    return "string"


def _literals(node: Expr) -> list[Literal]:
    if isinstance(node, Literal):
        return [node]
    if isinstance(node, ListLiteral):
        return list(node.items)
    return []


def check_condition(
    expr: Expr,
    questions: Mapping[str, Question],
    earlier: Container[str],
) -> list[Problem]:
    """Mistakes a reader would call a bug, as (offset, message), all of them.

    `questions` is every question of the set; `earlier` the ids asked before the
    place the condition belongs to (conditions may only look back).
    """
    checker = _Checker(questions, earlier)
    checker.walk(expr)
    return checker.problems


class _Checker:
    """Walks a condition once, collecting every problem."""

    def __init__(self, questions: Mapping[str, Question], earlier: Container[str]) -> None:
        self.questions = questions
        self.earlier = earlier
        self.problems: list[Problem] = []

    def report(self, offset: int, message: str) -> None:
        self.problems.append((offset, message))

    def walk(self, node: Expr) -> None:
        if isinstance(node, BoolOp):
            for operand in node.operands:
                self.walk(operand)
        elif isinstance(node, Not):
            self.walk(node.operand)
        elif isinstance(node, Compare):
            self.compare(node)
        elif isinstance(node, Name):
            q = self.question(node)
            if q is not None and q.type != "yes_no":
                self.report(
                    node.offset,
                    f"{q.id!r} is a {q.type} question: compare it with a value "
                    "(only yes/no questions stand alone)",
                )
        elif isinstance(node, ListLiteral):
            self.report(node.offset, "a list on its own is not a condition")

    def question(self, node: Name) -> Question | None:
        """The question a name stands for, if it exists and is asked earlier."""
        q = self.questions.get(node.id)
        if q is None:
            close = difflib.get_close_matches(node.id, list(self.questions), n=1)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            self.report(node.offset, f"unknown question {node.id!r}{hint}")
            return None
        if node.id not in self.earlier:
            self.report(
                node.offset,
                f"{node.id!r} is not asked before this point; "
                "conditions may only refer to earlier questions",
            )
            return None
        return q

    def operand(self, node: Expr) -> tuple[str, Question | None] | None:
        """(kind, question) of an operand; None when unknown (already reported)."""
        if isinstance(node, Name):
            q = self.question(node)
            return None if q is None else (_KIND_OF_TYPE[q.type], q)
        if isinstance(node, Literal):
            return _literal_kind(node.value), None
        if isinstance(node, ListLiteral):
            return "list", None
        self.walk(node)
        return "bool", None

    def option_values(self, q: Question, values: list[Literal]) -> None:
        for lit in values:
            if not isinstance(lit.value, str):
                self.report(
                    lit.offset,
                    f"{q.id!r} answers are option values (strings); "
                    f"{_fmt(lit.value)} can never match",
                )
            elif lit.value not in q.option_map:
                opts = ", ".join(repr(v) for v in q.option_map)
                self.report(
                    lit.offset, f"{lit.value!r} is not an option of {q.id!r} (options: {opts})"
                )

    def compare(self, node: Compare) -> None:
        left = self.operand(node.left)
        right = self.operand(node.right)
        if left is None or right is None:
            return
        if node.op in ("<", "<=", ">", ">="):
            self.ordering(node, left, right)
        elif node.op in ("in", "not in"):
            self.membership(node, left, right)
        else:
            self.equality(node, left, right)

    def ordering(
        self, node: Compare, left: tuple[str, Question | None], right: tuple[str, Question | None]
    ) -> None:
        for (kind, q), side in ((left, node.left), (right, node.right)):
            if kind != "number":
                what = (
                    f"{q.id!r} is {_KIND_WORDS[kind]}"
                    if q
                    else f"{_fmt_node(side)} is not a number"
                )
                self.report(node.offset, f"{node.op} compares numbers, but {what}")
                return

    def membership(
        self, node: Compare, left: tuple[str, Question | None], right: tuple[str, Question | None]
    ) -> None:
        """item in container: a list, a multi-choice question, or text."""
        (lk, lq), (rk, rq) = left, right
        if rk == "list":
            if lq is not None and lk in ("option", "options"):
                self.option_values(lq, _literals(node.right))
            elif lq is not None:
                for lit in _literals(node.right):
                    if _literal_kind(lit.value) != _LITERAL_FOR[lk]:
                        self.report(
                            lit.offset, f"{q_word(lq)} {lq.id!r} is compared with {_fmt(lit.value)}"
                        )
            return
        if rk == "options" and rq is not None:
            if lq is None:
                self.option_values(rq, _literals(node.left))
            elif lk not in ("option", "string", "text"):
                self.report(node.offset, f"{lq.id!r} can never be one of {rq.id!r}'s options")
            return
        if rk == "text" and rq is not None:
            if lk not in ("string", "text", "option"):
                self.report(node.offset, f"'in' on text {rq.id!r} needs a string")
            return
        self.report(
            node.offset, f"'{node.op}' needs a list or a multi-choice question on its right"
        )

    def equality(
        self, node: Compare, left: tuple[str, Question | None], right: tuple[str, Question | None]
    ) -> None:
        """== and !=, checked from whichever side is a question."""
        for (kind, q), (other_kind, other_q), other in (
            (left, right, node.right),
            (right, left, node.left),
        ):
            if q is None:
                continue
            if kind == "options":
                self.report(
                    node.offset,
                    f"{q.id!r} is a multi-choice question: test a value with 'value' in {q.id}",
                )
            elif kind == "option":
                if other_q is None:
                    if other_kind == "list":
                        self.report(node.offset, f"use {q.id} in [...] to test several options")
                    else:
                        self.option_values(q, _literals(other))
                elif other_kind not in ("option", "text"):
                    self.report(
                        node.offset,
                        f"{q.id!r} ({q.type}) is compared with {other_q.id!r} ({other_q.type})",
                    )
            elif other_q is None and other_kind != _LITERAL_FOR[kind]:
                self.report(
                    node.offset, f"{q_word(q)} {q.id!r} is compared with {_fmt_node(other)}"
                )
            elif (
                other_q is not None
                and other_kind != kind
                and {kind, other_kind} != {"text", "option"}
            ):
                self.report(
                    node.offset,
                    f"{q.id!r} ({q.type}) is compared with {other_q.id!r} ({other_q.type})",
                )
            return


def q_word(q: Question) -> str:
    return {
        "number": "number question",
        "scale": "scale question",
        "yes_no": "yes/no question",
        "text": "text question",
    }.get(q.type, "question")


def _fmt(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return f"{value:g}"
    return repr(value)


def _fmt_node(node: Expr) -> str:
    if isinstance(node, Literal):
        kind = _literal_kind(node.value)
        return f"{_KIND_WORDS[kind]} ({_fmt(node.value)})"
    if isinstance(node, ListLiteral):
        return "a list"
    if isinstance(node, Name):
        return repr(node.id)
    return "a condition"

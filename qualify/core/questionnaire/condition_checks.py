"""Static checks of a condition or formula against its question set: mistakes a reader
would call a bug.

Unknown or later questions, option values that do not exist, comparisons of types that
can never match, arithmetic on text, names of other stages' sets that do not exist or
come later — all of them, each with its offset in the expression's text.
"""

from __future__ import annotations

import difflib
from collections.abc import Collection, Container, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from qualify.core.questionnaire.expressions import (
    MAX_YEAR,
    MIN_YEAR,
    Arith,
    BoolOp,
    Call,
    Compare,
    Expr,
    ListLiteral,
    Literal,
    Name,
    Neg,
    Not,
    This,
    parse_date,
)

if TYPE_CHECKING:
    from qualify.core.questionnaire.model import Question, QuestionSet

_KIND_OF_TYPE = {
    "choice": "option",
    "multi": "options",
    "scale": "number",
    "number": "number",
    "calculated": "number",
    "date": "date",
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
    "date": "a date",
}
_LITERAL_FOR = {"number": "number", "bool": "bool", "text": "string", "date": "string"}
"""The kind of literal a number, yes/no, text or date question is compared with."""

ANY = "any"
"""The kind of a name that cannot be checked here (another set, validated alone)."""

DATE_FORMAT = f"write a date as 'YYYY-MM-DD', years {MIN_YEAR}–{MAX_YEAR}"

Problem = tuple[int, str, str]
"""(offset in the expression's text, message, severity)."""


@dataclass(frozen=True)
class Stages:
    """The other question sets, as the pipeline orders them (known only when the whole
    folder is validated)."""

    earlier: Mapping[str, QuestionSet] = field(default_factory=dict)
    """Sets asked at stages before this set's: qualified names may refer to them."""
    known: Collection[str] = ()
    """Every set id of the folder (to tell "later" from "unknown")."""
    placed: bool = True
    """False when the pipeline does not ask this set at all."""


@dataclass(frozen=True)
class Scope:
    """What the names of one expression may refer to."""

    questions: Mapping[str, Question]
    """Every question of the set."""
    earlier: Container[str]
    """Ids a plain name may refer to (conditions: asked before; formulas: any)."""
    set_id: str = ""
    this: Question | None = None
    """The question a constraint checks (what `.` stands for)."""
    repeat_of: Mapping[str, str] = field(default_factory=dict)
    """Question id → its repeated section's id."""
    repeat: str | None = None
    """The repeated section the expression belongs to, if any."""
    stages: Stages | None = None
    """The other sets; None when this file is validated alone."""


def check_condition(expr: Expr, scope: Scope) -> list[Problem]:
    """Every mistake of a condition, as (offset, message, severity)."""
    checker = _Checker(scope)
    checker.walk(expr)
    return checker.problems


def check_formula(expr: Expr, scope: Scope) -> list[Problem]:
    """Every mistake of a formula (it must compute a number)."""
    checker = _Checker(scope)
    kind = checker.kind(expr)
    if kind is not None and kind not in ("number", ANY):
        checker.report(expr_offset(expr), _not_a_number(expr, kind, checker))
    return checker.problems


def expr_offset(node: Expr) -> int:
    return node.offset


def _not_a_number(node: Expr, kind: str, checker: _Checker) -> str:
    if kind == "date":
        if isinstance(node, Name):
            return (
                f"a formula computes a number, but {node.key!r} is a date: use "
                f"days_since({node.key}) or days_between(a, b)"
            )
        return "a formula computes a number, but this is a date: use days_since() or days_between()"
    return f"a formula computes a number, but {_describe(node, kind)} is not one"


def _describe(node: Expr, kind: str) -> str:
    if isinstance(node, Name):
        return f"{node.key!r} ({_KIND_WORDS.get(kind, kind)})"
    if isinstance(node, Literal):
        return f"{_KIND_WORDS[_literal_kind(node.value)]} ({_fmt(node.value)})"
    return _KIND_WORDS.get(kind, kind)


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


Side = tuple[str, "Question | None"]


class _Checker:
    """Walks an expression once, collecting every problem."""

    def __init__(self, scope: Scope) -> None:
        self.scope = scope
        self.problems: list[Problem] = []

    def report(self, offset: int, message: str, severity: str = "error") -> None:
        self.problems.append((offset, message, severity))

    # -- conditions (true or false) ----------------------------------------------
    def walk(self, node: Expr) -> None:
        if isinstance(node, BoolOp):
            for operand in node.operands:
                self.walk(operand)
        elif isinstance(node, Not):
            self.walk(node.operand)
        elif isinstance(node, Compare):
            self.compare(node)
        elif isinstance(node, Name | This):
            found = self.name(node)
            if found is None:
                return
            kind, q = found
            if q is not None and kind not in ("bool", ANY):
                what = node.key if isinstance(node, Name) else "."
                self.report(
                    node.offset,
                    f"{what!r} is a {q.type} question: compare it with a value "
                    "(only yes/no questions stand alone)",
                )
        elif isinstance(node, ListLiteral):
            self.report(node.offset, "a list on its own is not a condition")
        elif isinstance(node, Arith | Neg | Call) and self.kind(node) is not None:
            self.report(node.offset, "a calculation on its own is not a condition: compare it")

    # -- names ---------------------------------------------------------------------
    def name(self, node: Name | This) -> Side | None:
        """(kind, question) a name stands for; None when it is wrong (reported)."""
        if isinstance(node, This):
            if self.scope.this is None:
                self.report(
                    node.offset, "'.' (the answer being checked) is only used in constraint:"
                )
                return None
            q = self.scope.this
            return _KIND_OF_TYPE[q.type], q
        if node.set_id is not None:
            return self.qualified(node)
        q = self.scope.questions.get(node.id)
        if q is None:
            close = difflib.get_close_matches(node.id, list(self.scope.questions), n=1)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            self.report(node.offset, f"unknown question {node.id!r}{hint}")
            return None
        if node.id not in self.scope.earlier:
            self.report(
                node.offset,
                f"{node.id!r} is not asked before this point; "
                "conditions may only refer to earlier questions",
            )
            return None
        inside = self.scope.repeat_of.get(node.id)
        if inside is not None and inside != self.scope.repeat:
            self.report(
                node.offset,
                f"{node.id!r} is in the repeated section {inside!r}: only questions of that "
                "section can refer to it (each repeat to its own answers)",
            )
            return None
        return _KIND_OF_TYPE[q.type], q

    def qualified(self, node: Name) -> Side | None:
        set_id = node.set_id or ""
        scope = self.scope
        if set_id == scope.set_id:
            self.report(
                node.offset, f"{set_id!r} is this set: write {node.id!r} without the set id"
            )
            return None
        if set_id in scope.questions:
            self.report(
                node.offset,
                f"{set_id!r} is a question, not a question set: a name with a '.' refers to a "
                "question of an earlier stage's set (such as first-date.x); there are no "
                "attributes",
            )
            return None
        stages = scope.stages
        if stages is None:
            self.report(
                node.offset,
                f"{node.key!r} refers to the question set {set_id!r}, which cannot be checked "
                "when this file is validated alone (validate its folder, with pipeline.yaml)",
                "warning",
            )
            return ANY, None
        if set_id not in stages.known:
            close = difflib.get_close_matches(set_id, list(stages.known), n=1)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            if "-" in set_id and not close:
                hint = " (to subtract, put spaces around '-')"
            self.report(node.offset, f"unknown question set {set_id!r}{hint}")
            return None
        other = stages.earlier.get(set_id)
        if other is None:
            why = (
                "the pipeline does not ask this set, so no stage comes before it"
                if not stages.placed
                else f"{set_id!r} is not asked at a stage before this set's"
            )
            self.report(node.offset, f"{node.key!r}: {why}; names may refer only to earlier stages")
            return None
        q = other.questions.get(node.id)
        if q is None:
            close = difflib.get_close_matches(node.id, list(other.questions), n=1)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            self.report(node.offset, f"{node.id!r} is not a question of {set_id}{hint}")
            return None
        section = other.section_of[node.id]
        if section.repeat is not None:
            self.report(
                node.offset,
                f"{node.key!r} is in the repeated section {section.id!r} of {set_id}: another "
                "set cannot refer to one repeat's answer",
            )
            return None
        return _KIND_OF_TYPE[q.type], q

    # -- values --------------------------------------------------------------------
    def kind(self, node: Expr) -> str | None:
        """The kind of value an operand has; None when it is wrong (reported)."""
        side = self.operand(node)
        return None if side is None else side[0]

    def operand(self, node: Expr) -> Side | None:
        if isinstance(node, Name | This):
            return self.name(node)
        if isinstance(node, Literal):
            return _literal_kind(node.value), None
        if isinstance(node, ListLiteral):
            return "list", None
        if isinstance(node, Arith):
            ok = all(self.number(side) for side in (node.left, node.right))
            return ("number", None) if ok else None
        if isinstance(node, Neg):
            return ("number", None) if self.number(node.operand) else None
        if isinstance(node, Call):
            return self.call(node)
        self.walk(node)
        return "bool", None

    def number(self, node: Expr) -> bool:
        """The operand is a number (reported when it is not)."""
        side = self.operand(node)
        if side is None:
            return False
        kind = side[0]
        if kind in ("number", ANY):
            return True
        if kind == "date":
            what = f"{node.key!r} is a date" if isinstance(node, Name) else "a date"
            key = node.key if isinstance(node, Name) else "a_date"
            self.report(
                node.offset,
                f"{what}: compute with it through days_since({key}) or days_between(a, b)",
            )
        else:
            self.report(node.offset, f"arithmetic needs numbers, but {_describe(node, kind)}")
        return False

    def date(self, node: Expr) -> bool:
        """The operand is a date: a date question, today() or a date literal."""
        side = self.operand(node)
        if side is None:
            return False
        kind = side[0]
        if kind in ("date", ANY):
            return True
        if isinstance(node, Literal) and isinstance(node.value, str):
            if parse_date(node.value) is not None:
                return True
            self.report(node.offset, f"{node.value!r} is not a date ({DATE_FORMAT})")
            return False
        self.report(node.offset, f"expected a date, but {_describe(node, kind)} is not one")
        return False

    def call(self, node: Call) -> Side | None:
        f = node.function
        if f == "today":
            return "date", None
        if f in ("days_since", "days_between"):
            ok = all([self.date(a) for a in node.args])
            return ("number", None) if ok else None
        ok = all([self.number(a) for a in node.args])
        if f == "round" and len(node.args) == 2:
            digits = node.args[1]
            if not (
                isinstance(digits, Literal)
                and isinstance(digits.value, float)
                and digits.value.is_integer()
                and -15 <= digits.value <= 15
            ):
                self.report(
                    digits.offset, "round(x, digits): digits is a whole number from -15 to 15"
                )
                ok = False
        return ("number", None) if ok else None

    # -- comparisons ---------------------------------------------------------------
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
        if left is None or right is None or ANY in (left[0], right[0]):
            return
        if node.op in ("<", "<=", ">", ">="):
            self.ordering(node, left, right)
        elif node.op in ("in", "not in"):
            self.membership(node, left, right)
        else:
            self.equality(node, left, right)

    def date_literal(self, node: Expr) -> bool:
        """A string literal that is a valid date (reported when it is a string but not)."""
        if isinstance(node, Literal) and isinstance(node.value, str):
            if parse_date(node.value) is None:
                self.report(node.offset, f"{node.value!r} is not a date ({DATE_FORMAT})")
            return True
        return False

    def ordering(self, node: Compare, left: Side, right: Side) -> None:
        kinds = (left[0], right[0])
        if "date" in kinds:
            for (kind, _q), side in ((left, node.left), (right, node.right)):
                if kind == "date" or self.date_literal(side):
                    continue
                self.report(
                    node.offset,
                    f"{node.op} compares a date with {_describe(side, kind)}: compare dates "
                    "with dates, or use days_since()",
                )
                return
            return
        for (kind, q), side in ((left, node.left), (right, node.right)):
            if kind != "number":
                what = (
                    f"{_name_of(side, q)!r} is {_KIND_WORDS[kind]}"
                    if q
                    else f"{_fmt_node(side)} is not a number"
                )
                self.report(node.offset, f"{node.op} compares numbers, but {what}")
                return

    def membership(self, node: Compare, left: Side, right: Side) -> None:
        """item in container: a list, a multi-choice question, or text."""
        (lk, lq), (rk, rq) = left, right
        if rk == "list":
            if lq is not None and lk in ("option", "options"):
                self.option_values(lq, _literals(node.right))
            elif lq is not None:
                for lit in _literals(node.right):
                    if lk == "date" and isinstance(lit.value, str):
                        self.date_literal(lit)
                    elif _literal_kind(lit.value) != _LITERAL_FOR.get(lk, lk):
                        self.report(
                            lit.offset,
                            f"{q_word(lq)} {_name_of(node.left, lq)!r} is compared with "
                            f"{_fmt(lit.value)}",
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

    def equality(self, node: Compare, left: Side, right: Side) -> None:
        """== and !=, checked from whichever side is a question (or a calculation)."""
        for (kind, q), (other_kind, other_q), mine, other in (
            (left, right, node.left, node.right),
            (right, left, node.right, node.left),
        ):
            if q is None:
                if isinstance(mine, Arith | Neg | Call) and other_q is None:
                    self.plain_equality(node, kind, other_kind, other)
                    return
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
            elif kind == "date" and other_q is None and other_kind != "date":
                if not self.date_literal(other):
                    self.report(
                        node.offset,
                        f"date question {_name_of(mine, q)!r} is compared with {_fmt_node(other)}",
                    )
            elif other_q is None and other_kind != _LITERAL_FOR[kind] and other_kind != kind:
                self.report(
                    node.offset,
                    f"{q_word(q)} {_name_of(mine, q)!r} is compared with {_fmt_node(other)}",
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

    def plain_equality(self, node: Compare, kind: str, other_kind: str, other: Expr) -> None:
        """A calculation compared with a value that is no question."""
        if kind == "date" and self.date_literal(other):
            return
        if other_kind != kind:
            self.report(
                node.offset, f"{_KIND_WORDS.get(kind, kind)} is compared with {_fmt_node(other)}"
            )


def _name_of(node: Expr, q: Question | None) -> str:
    if isinstance(node, Name):
        return node.key
    if isinstance(node, This):
        return "."
    return q.id if q is not None else "?"


def q_word(q: Question) -> str:
    return {
        "number": "number question",
        "calculated": "calculated question",
        "scale": "scale question",
        "yes_no": "yes/no question",
        "text": "text question",
        "date": "date question",
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
        return repr(node.key)
    if isinstance(node, This):
        return "'.'"
    if isinstance(node, Arith | Neg | Call):
        return "a calculation"
    return "a condition"

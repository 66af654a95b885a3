"""Static checks of a condition or formula against its question set: mistakes a reader
would call a bug.

Unknown or later questions, option values that do not exist, comparisons of types that
can never match, arithmetic on text, names of other stages' sets that do not exist or
come later — all of them, each with its offset in the expression's text.
"""

from __future__ import annotations

from collections.abc import Collection, Container, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from qualify.core.phrase import Phrase
from qualify.core.questionnaire.condition_words import (
    compared,
    compared_questions,
    describe,
    did_you_mean,
    fmt,
    fmt_node,
    kind_word,
    literal_kind,
    name_of,
    not_a_date,
    not_a_number,
)
from qualify.core.questionnaire.expressions import (
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
from qualify.core.suggest import closest

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
_LITERAL_FOR = {"number": "number", "bool": "bool", "text": "string", "date": "string"}
"""The kind of literal a number, yes/no, text or date question is compared with."""

ANY = "any"
"""The kind of a name that cannot be checked here (another set, validated alone)."""

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
    broken: Collection[str] = ()
    """Sets of :attr:`known` that would be read here but have errors (not checked)."""
    unchecked: bool = False
    """The folder's pipeline.yaml has errors: no set's place is known."""


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
        checker.report(expr_offset(expr), not_a_number(expr, kind))
    return checker.problems


def expr_offset(node: Expr) -> int:
    return node.offset


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
                    Phrase(
                        "{name} is a {type} question: compare it with a value (only yes/no "
                        "questions stand alone)",
                        name=repr(what),
                        type=q.type,
                    ),
                )
        elif isinstance(node, ListLiteral):
            self.report(node.offset, Phrase("a list on its own is not a condition"))
        elif isinstance(node, Arith | Neg | Call) and self.kind(node) is not None:
            said = Phrase("a calculation on its own is not a condition: compare it")
            self.report(node.offset, said)

    # -- names ---------------------------------------------------------------------
    def name(self, node: Name | This) -> Side | None:
        """(kind, question) a name stands for; None when it is wrong (reported)."""
        if isinstance(node, This):
            if self.scope.this is None:
                said = Phrase("'.' (the answer being checked) is only used in constraint:")
                self.report(node.offset, said)
                return None
            q = self.scope.this
            return _KIND_OF_TYPE[q.type], q
        if node.set_id is not None:
            return self.qualified(node)
        q = self.scope.questions.get(node.id)
        if q is None:
            close = closest(node.id, self.scope.questions)
            said = Phrase(
                "unknown question {name}{hint}", name=repr(node.id), hint=did_you_mean(close)
            )
            self.report(node.offset, said)
            return None
        if node.id not in self.scope.earlier:
            said = Phrase(
                "{name} is not asked before this point; conditions may only refer to earlier "
                "questions",
                name=repr(node.id),
            )
            self.report(node.offset, said)
            return None
        inside = self.scope.repeat_of.get(node.id)
        if inside is not None and inside != self.scope.repeat:
            said = Phrase(
                "{name} is in the repeated section {section}: only questions of that section "
                "can refer to it (each repeat to its own answers)",
                name=repr(node.id),
                section=repr(inside),
            )
            self.report(node.offset, said)
            return None
        return _KIND_OF_TYPE[q.type], q

    def qualified(self, node: Name) -> Side | None:
        set_id = node.set_id or ""
        scope = self.scope
        if set_id == scope.set_id:
            said = Phrase(
                "{set} is this set: write {name} without the set id",
                set=repr(set_id),
                name=repr(node.id),
            )
            self.report(node.offset, said)
            return None
        if set_id in scope.questions:
            said = Phrase(
                "{set} is a question, not a question set: a name with a '.' refers to a "
                "question of an earlier stage's set (such as first-date.x); there are no "
                "attributes",
                set=repr(set_id),
            )
            self.report(node.offset, said)
            return None
        stages = scope.stages
        name, named = repr(node.key), repr(set_id)
        if stages is None:
            unchecked = Phrase(
                "{name} refers to the question set {set}, which cannot be checked when this "
                "file is validated alone (validate its folder, with pipeline.yaml)",
                name=name,
                set=named,
            )
        elif stages.unchecked:
            unchecked = Phrase(
                "{name} refers to the question set {set}, which cannot be checked while "
                "pipeline.yaml has errors",
                name=name,
                set=named,
            )
        elif set_id in stages.broken:
            unchecked = Phrase(
                "{name} refers to the question set {set}, which has errors: it is checked "
                "once they are fixed",
                name=name,
                set=named,
            )
        else:
            unchecked = None
        if stages is None or unchecked is not None:  # read as anything until it can be
            self.report(node.offset, unchecked, "warning")
            return ANY, None
        if set_id not in stages.known:
            close = closest(set_id, stages.known)
            hint = did_you_mean(close)
            if "-" in set_id and not close:
                hint = Phrase(" (to subtract, put spaces around '-')")
            said = Phrase("unknown question set {set}{hint}", set=repr(set_id), hint=hint)
            self.report(node.offset, said)
            return None
        other = stages.earlier.get(set_id)
        if other is None:
            if not stages.placed:
                said = Phrase(
                    "{name}: the pipeline does not ask this set, so no stage comes before it; "
                    "names may refer only to earlier stages",
                    name=repr(node.key),
                )
            else:
                said = Phrase(
                    "{name}: {set} is not asked at a stage before this set's; names may refer "
                    "only to earlier stages",
                    name=repr(node.key),
                    set=repr(set_id),
                )
            self.report(node.offset, said)
            return None
        q = other.questions.get(node.id)
        if q is None:
            close = closest(node.id, other.questions)
            said = Phrase(
                "{question} is not a question of {set}{hint}",
                question=repr(node.id),
                set=set_id,
                hint=did_you_mean(close),
            )
            self.report(node.offset, said)
            return None
        section = other.section_of[node.id]
        if section.repeat is not None:
            said = Phrase(
                "{name} is in the repeated section {section} of {set}: another set cannot "
                "refer to one repeat's answer",
                name=repr(node.key),
                section=repr(section.id),
                set=set_id,
            )
            self.report(node.offset, said)
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
            return literal_kind(node.value), None
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
            if isinstance(node, Name):
                said = Phrase(
                    "{name} is a date: compute with it through days_since({key}) or "
                    "days_between(a, b)",
                    name=repr(node.key),
                    key=node.key,
                )
            else:
                said = Phrase(
                    "a date: compute with it through days_since(a_date) or days_between(a, b)"
                )
            self.report(node.offset, said)
        else:
            said = Phrase("arithmetic needs numbers, but {what}", what=describe(node, kind))
            self.report(node.offset, said)
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
            self.report(node.offset, not_a_date(node.value))
            return False
        said = Phrase("expected a date, but {what} is not one", what=describe(node, kind))
        self.report(node.offset, said)
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
                said = Phrase("round(x, digits): digits is a whole number from -15 to 15")
                self.report(digits.offset, said)
                ok = False
        return ("number", None) if ok else None

    # -- comparisons ---------------------------------------------------------------
    def option_values(self, q: Question, values: list[Literal]) -> None:
        for lit in values:
            if not isinstance(lit.value, str):
                said = Phrase(
                    "{question} answers are option values (strings); {value} can never match",
                    question=repr(q.id),
                    value=fmt(lit.value),
                )
                self.report(lit.offset, said)
            elif lit.value not in q.option_map:
                said = Phrase(
                    "{value} is not an option of {question} (options: {options})",
                    value=repr(lit.value),
                    question=repr(q.id),
                    options=", ".join(repr(v) for v in q.option_map),
                )
                self.report(lit.offset, said)

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
                self.report(node.offset, not_a_date(node.value))
            return True
        return False

    def ordering(self, node: Compare, left: Side, right: Side) -> None:
        kinds = (left[0], right[0])
        if "date" in kinds:
            for (kind, _q), side in ((left, node.left), (right, node.right)):
                if kind == "date" or self.date_literal(side):
                    continue
                said = Phrase(
                    "{op} compares a date with {what}: compare dates with dates, or use "
                    "days_since()",
                    op=node.op,
                    what=describe(side, kind),
                )
                self.report(node.offset, said)
                return
            return
        for (kind, q), side in ((left, node.left), (right, node.right)):
            if kind != "number":
                if q:
                    said = Phrase(
                        "{op} compares numbers, but {name} is {kind}",
                        op=node.op,
                        name=repr(name_of(side, q)),
                        kind=kind_word(kind),
                    )
                else:
                    said = Phrase(
                        "{op} compares numbers, but {what} is not a number",
                        op=node.op,
                        what=fmt_node(side),
                    )
                self.report(node.offset, said)
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
                    elif literal_kind(lit.value) != _LITERAL_FOR.get(lk, lk):
                        said = compared(lq, name_of(node.left, lq), fmt(lit.value))
                        self.report(lit.offset, said)
            return
        if rk == "options" and rq is not None:
            if lq is None:
                self.option_values(rq, _literals(node.left))
            elif lk not in ("option", "string", "text"):
                said = Phrase(
                    "{question} can never be one of {other}'s options",
                    question=repr(lq.id),
                    other=repr(rq.id),
                )
                self.report(node.offset, said)
            return
        if rk == "text" and rq is not None:
            if lk not in ("string", "text", "option"):
                said = Phrase("'in' on text {question} needs a string", question=repr(rq.id))
                self.report(node.offset, said)
            return
        said = Phrase("'{op}' needs a list or a multi-choice question on its right", op=node.op)
        self.report(node.offset, said)

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
                said = Phrase(
                    "{question} is a multi-choice question: test a value with 'value' in {id}",
                    question=repr(q.id),
                    id=q.id,
                )
                self.report(node.offset, said)
            elif kind == "option":
                if other_q is None:
                    if other_kind == "list":
                        said = Phrase("use {id} in [...] to test several options", id=q.id)
                        self.report(node.offset, said)
                    else:
                        self.option_values(q, _literals(other))
                elif other_kind not in ("option", "text"):
                    self.report(node.offset, compared_questions(q, other_q))
            elif kind == "date" and other_q is None and other_kind != "date":
                if not self.date_literal(other):
                    self.report(node.offset, compared(q, name_of(mine, q), fmt_node(other)))
            elif other_q is None and other_kind != _LITERAL_FOR[kind] and other_kind != kind:
                self.report(node.offset, compared(q, name_of(mine, q), fmt_node(other)))
            elif (
                other_q is not None
                and other_kind != kind
                and {kind, other_kind} != {"text", "option"}
            ):
                self.report(node.offset, compared_questions(q, other_q))
            return

    def plain_equality(self, node: Compare, kind: str, other_kind: str, other: Expr) -> None:
        """A calculation compared with a value that is no question."""
        if kind == "date" and self.date_literal(other):
            return
        if other_kind != kind:
            said = Phrase(
                "{kind} is compared with {other}", kind=kind_word(kind), other=fmt_node(other)
            )
            self.report(node.offset, said)

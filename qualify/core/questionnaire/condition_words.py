"""The words the condition checks use for what they found: kinds of values, operands,
questions. Each is a :class:`~qualify.core.phrase.Phrase` (or a name from the set, kept
as written), so a problem reads in the user's language."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from qualify.core.phrase import Phrase
from qualify.core.questionnaire.expressions import (
    MAX_YEAR,
    MIN_YEAR,
    Arith,
    Call,
    Expr,
    ListLiteral,
    Literal,
    Name,
    Neg,
    This,
)

if TYPE_CHECKING:
    from qualify.core.questionnaire.model import Question

KIND_WORDS: dict[str, Any] = {
    "option": Phrase("a choice"),
    "options": Phrase("a multi-choice list"),
    "number": Phrase("a number"),
    "bool": Phrase("true/false"),
    "text": Phrase("text"),
    "string": Phrase("a string"),
    "list": Phrase("a list"),
    "date": Phrase("a date"),
}

DATE_FORMAT = Phrase(
    "write a date as 'YYYY-MM-DD', years {first}–{last}", first=str(MIN_YEAR), last=str(MAX_YEAR)
)

_QUESTION_WORDS = {
    "number": Phrase("number question"),
    "calculated": Phrase("calculated question"),
    "scale": Phrase("scale question"),
    "yes_no": Phrase("yes/no question"),
    "text": Phrase("text question"),
    "date": Phrase("date question"),
}


def did_you_mean(close: list[str]) -> Any:
    """`` (did you mean 'x'?)`` for the first close match; nothing without one."""
    return Phrase(" (did you mean {name}?)", name=repr(close[0])) if close else ""


def literal_kind(value: Any) -> str:
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, float | int):
        return "number"
    return "string"


def kind_word(kind: str) -> Any:
    return KIND_WORDS.get(kind, kind)


def describe(node: Expr, kind: str) -> Any:
    """An operand and its kind: `'x' (a number)`, `a string ('y')`, `a date`."""
    if isinstance(node, Name):
        return Phrase("{name} ({kind})", name=repr(node.key), kind=kind_word(kind))
    if isinstance(node, Literal):
        value = fmt(node.value)
        return Phrase("{kind} ({value})", kind=KIND_WORDS[literal_kind(node.value)], value=value)
    return kind_word(kind)


def name_of(node: Expr, q: Question | None) -> str:
    if isinstance(node, Name):
        return node.key
    if isinstance(node, This):
        return "."
    return q.id if q is not None else "?"


def q_word(q: Question) -> Any:
    return _QUESTION_WORDS.get(q.type, Phrase("question"))


def fmt(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return f"{value:g}"
    return repr(value)


def fmt_node(node: Expr) -> Any:
    if isinstance(node, Literal):
        kind = literal_kind(node.value)
        return Phrase("{kind} ({value})", kind=KIND_WORDS[kind], value=fmt(node.value))
    if isinstance(node, ListLiteral):
        return Phrase("a list")
    if isinstance(node, Name):
        return repr(node.key)
    if isinstance(node, This):
        return "'.'"
    if isinstance(node, Arith | Neg | Call):
        return Phrase("a calculation")
    return Phrase("a condition")


def not_a_number(node: Expr, kind: str) -> Phrase:
    if kind == "date":
        if isinstance(node, Name):
            return Phrase(
                "a formula computes a number, but {name} is a date: use days_since({key}) or "
                "days_between(a, b)",
                name=repr(node.key),
                key=node.key,
            )
        return Phrase(
            "a formula computes a number, but this is a date: use days_since() or days_between()"
        )
    return Phrase("a formula computes a number, but {what} is not one", what=describe(node, kind))


def compared(q: Question, name: str, other: Any) -> Phrase:
    """`number question 'x' is compared with a string ('y')`."""
    return Phrase(
        "{question} {name} is compared with {other}",
        question=q_word(q),
        name=repr(name),
        other=other,
    )


def compared_questions(q: Question, other: Question) -> Phrase:
    return Phrase(
        "{question} ({type}) is compared with {other} ({other_type})",
        question=repr(q.id),
        type=q.type,
        other=repr(other.id),
        other_type=other.type,
    )


def not_a_date(value: str) -> Phrase:
    return Phrase("{value} is not a date ({format})", value=repr(value), format=DATE_FORMAT)

"""Evaluating conditions and formulas (see :mod:`qualify.core.questionnaire.expressions`
for the language and its parser): what a condition says about a set of answers, what a
formula computes from them. Pure and total: an unanswered input, a division by zero or
an overflow gives "false" or "unanswered", never an exception.

A tree is compiled once into nested Python closures (:func:`condition_function`,
:func:`formula_function`), each taking the answers and today's date: scoring a portfolio
evaluates the same few hundred conditions tens of thousands of times, and walking the
tree anew each time (an ``isinstance`` chain per node) was most of that work.
"""

from __future__ import annotations

import math
import operator
from collections.abc import Callable, Mapping
from datetime import date
from functools import lru_cache, partial
from typing import Any

from qualify.core.questionnaire.expressions import (
    MAX_VALUE,
    THIS,
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
    calls_today,
    is_number,
    parse_condition,
    parse_date,
    parse_formula,
)

__all__ = [
    "Condition",
    "Formula",
    "compiled_text",
    "compute",
    "condition_function",
    "evaluate",
    "formula_function",
]

# ----------------------------------------------------------------------- compile

_MISSING = object()

_Fn = Callable[[Mapping[str, Any], "date | None"], Any]
Condition = Callable[[Mapping[str, Any], "date | None"], bool]
"""A compiled condition: (answers, today) → holds."""
Formula = Callable[[Mapping[str, Any], "date | None"], "float | None"]
"""A compiled formula: (answers, today) → its value, or None (unanswered)."""


def _value(node: Expr) -> _Fn:
    """(answers, today) → the node's value: a string, number, bool, list, date or _MISSING."""
    if isinstance(node, Name | This):
        key = node.key if isinstance(node, Name) else THIS

        def name(answers: Mapping[str, Any], today: date | None) -> Any:
            value = answers.get(key)  # unanswered or hidden: absent or None
            return _MISSING if value is None else value

        return name
    if isinstance(node, Literal):
        constant = node.value
        return lambda answers, today: constant
    if isinstance(node, Arith):
        return _chain(node)
    if isinstance(node, Neg):
        return _neg(_value(node.operand))
    if isinstance(node, Call):
        return _call(node)
    if isinstance(node, ListLiteral):
        items = tuple(item.value for item in node.items)
        return lambda answers, today: list(items)
    return _truth(node)


def _chain(node: Arith) -> _Fn:
    """`a + b + c + …` parses as a chain leaning left: compiled into one loop, so a long
    flat formula never nests Python calls as deep as it is long."""
    chain: list[Arith] = []
    while isinstance(node, Arith):
        chain.append(node)
        node = node.left
    first = _value(node)
    links = tuple((link.op, _value(link.right)) for link in reversed(chain))

    def arith(answers: Mapping[str, Any], today: date | None) -> Any:
        result = first(answers, today)
        for op, right in links:
            result = _arith(op, result, right(answers, today))
            if result is _MISSING:
                return _MISSING
        return result

    return arith


def _neg(operand: _Fn) -> _Fn:
    def neg(answers: Mapping[str, Any], today: date | None) -> Any:
        a = operand(answers, today)
        return -float(a) if is_number(a) else _MISSING

    return neg


def _today(answers: Mapping[str, Any], today: date | None) -> Any:
    return _MISSING if today is None else today


def _call(node: Call) -> _Fn:
    f = node.function
    if f == "today":
        return _today
    if f == "round" and len(node.args) == 2 and isinstance(node.args[1], Literal):
        return _round_by(_value(node.args[0]), node.args[1].value)
    args = tuple(_value(a) for a in node.args)

    def call(answers: Mapping[str, Any], today: date | None) -> Any:
        values = [arg(answers, today) for arg in args]
        if any(value is _MISSING for value in values):
            return _MISSING
        return _apply(f, values, today)

    return call


def _round_by(value: _Fn, digits: Any) -> _Fn:
    """`round(x, 2)`: the places written (most formulas that round say them), read once;
    what :func:`_apply` says of `round`."""
    places = float(digits) if is_number(digits) else None

    def rounded(answers: Mapping[str, Any], today: date | None) -> Any:
        found = value(answers, today)
        if found is _MISSING or places is None or not is_number(found):
            return _MISSING
        return _round(float(found), places)

    return rounded


def _apply(f: str, args: list[Any], today: date | None) -> Any:
    """A function of answered arguments."""
    if f == "days_since":
        since = parse_date(args[0])
        if since is None or today is None:
            return _MISSING
        return float((today - since).days)
    if f == "days_between":
        start, end = parse_date(args[0]), parse_date(args[1])
        if start is None or end is None:
            return _MISSING
        return float((end - start).days)
    if not all(is_number(a) for a in args):
        return _MISSING
    numbers = [float(a) for a in args]
    if f == "min":
        return min(numbers)
    if f == "max":
        return max(numbers)
    return _round(numbers[0], numbers[1] if len(numbers) > 1 else 0.0)


def _truth(node: Expr) -> Condition:
    """(answers, today) → the node holds."""
    if isinstance(node, BoolOp):
        operands = tuple(_truth(o) for o in node.operands)
        if node.op == "and":

            def every(answers: Mapping[str, Any], today: date | None) -> bool:
                for operand in operands:  # noqa: SIM110 (no generator per evaluation)
                    if not operand(answers, today):
                        return False
                return True

            return every

        def some(answers: Mapping[str, Any], today: date | None) -> bool:
            for operand in operands:  # noqa: SIM110 (no generator per evaluation)
                if operand(answers, today):
                    return True
            return False

        return some
    if isinstance(node, Not):
        operand = _truth(node.operand)
        return lambda answers, today: not operand(answers, today)
    if isinstance(node, Compare):
        return _comparison(node)
    value = _value(node)

    def truth(answers: Mapping[str, Any], today: date | None) -> bool:
        found = value(answers, today)
        return False if found is _MISSING else bool(found)

    return truth


def _comparison(node: Compare) -> Condition:
    """Any comparison involving an unanswered operand is false; the operator's test is
    chosen once, and a literal right operand (`kind == 'dealer'`) read once."""
    test = _TESTS[node.op]
    left = _value(node.left)
    texts = _texts(node)
    if texts is not None:
        return _against_texts(node.op, left, test, texts)
    if isinstance(node.right, Literal):
        constant = node.right.value

        def against(answers: Mapping[str, Any], today: date | None) -> bool:
            a = left(answers, today)
            return False if a is _MISSING else test(a, constant)

        return against
    right = _value(node.right)

    def compare(answers: Mapping[str, Any], today: date | None) -> bool:
        a, b = left(answers, today), right(answers, today)
        return False if a is _MISSING or b is _MISSING else test(a, b)

    return compare


def _texts(node: Compare) -> str | list[str] | None:
    """The text (`kind == 'dealer'`) or texts (`kind in ['a', 'b']`) the right operand
    writes, where the operator then compares an answered text by equality alone (see
    :func:`_equal`); None for any other comparison."""
    right = node.right
    if node.op in ("==", "!=") and isinstance(right, Literal) and type(right.value) is str:
        return right.value
    if node.op in ("in", "not in") and isinstance(right, ListLiteral):
        values = [item.value for item in right.items]
        if all(type(v) is str for v in values):
            return values
    return None


def _against_texts(
    op: str, left: _Fn, test: Callable[[Any, Any], bool], texts: str | list[str]
) -> Condition:
    """A comparison with written texts: an answer that is a text (most are: a choice)
    is compared as :func:`_equal` compares two texts, without its tests of the other
    kinds; any other answer goes through the operator's test, as before."""
    single = isinstance(texts, str)
    written = (texts,) if single else tuple(texts)
    inside = op in ("==", "in")  # else != or not in

    def against(answers: Mapping[str, Any], today: date | None) -> bool:
        a = left(answers, today)
        if type(a) is str:
            return (a in written) is inside
        if a is _MISSING:
            return False
        return test(a, texts if single else list(written))

    return against


def _arith(op: str, a: Any, b: Any) -> Any:
    """a op b on numbers; _MISSING for a missing input, a division by zero or overflow."""
    if not (is_number(a) and is_number(b)):
        return _MISSING
    a, b = float(a), float(b)
    if op == "+":
        result = a + b
    elif op == "-":
        result = a - b
    elif op == "*":
        result = a * b
    else:
        if b == 0:
            return _MISSING
        result = a / b
    return result if math.isfinite(result) else _MISSING


def _round(value: float, digits: float) -> Any:
    """Half away from zero (2.5 → 3, as people round), to `digits` decimals (negative:
    tens, hundreds)."""
    if digits != int(digits) or not -15 <= digits <= 15:
        return _MISSING
    decimal, quantum = _quantum(int(digits))
    try:
        exact = decimal.Decimal(repr(value)).quantize(quantum, decimal.ROUND_HALF_UP)
    except decimal.InvalidOperation:
        return _MISSING
    return float(exact)


@lru_cache(maxsize=32)
def _quantum(digits: int) -> tuple[Any, Any]:
    """The decimal module (imported by the first formula that rounds, not at start) and
    the step `digits` decimals round to."""
    import decimal

    return decimal, decimal.Decimal(1).scaleb(-digits)


def _equal(a: Any, b: Any) -> bool | None:
    """None when the two values are of kinds that cannot be compared."""
    if is_number(a) and is_number(b):
        return float(a) == float(b)
    if isinstance(a, bool) and isinstance(b, bool):
        return a == b
    if isinstance(a, date) or isinstance(b, date):
        da, db = parse_date(a), parse_date(b)
        return None if da is None or db is None else da == db
    if isinstance(a, str) and isinstance(b, str):
        return a == b
    if isinstance(a, list) and isinstance(b, list):
        return set(map(str, a)) == set(map(str, b))
    return None


def _contains(container: Any, item: Any) -> bool | None:
    if isinstance(container, list):
        items = item if isinstance(item, list) else [item]
        return any(any(_equal(i, c) for c in container) for i in items)
    if isinstance(container, str) and isinstance(item, str):
        return item.lower() in container.lower()
    return None


def _ordered(a: Any, b: Any) -> tuple[Any, Any] | None:
    """Two numbers, or two dates (a date and ISO text compare as dates); else None."""
    if is_number(a) and is_number(b):
        return float(a), float(b)
    if isinstance(a, date | str) and isinstance(b, date | str):
        da, db = parse_date(a), parse_date(b)
        if da is not None and db is not None:
            return da, db
    return None


def _in_order(test: Callable[[Any, Any], bool], a: Any, b: Any) -> bool:
    """Two numbers, or two dates (see :func:`_ordered`), in this order; else false."""
    pair = _ordered(a, b)
    return pair is not None and test(*pair)


_TESTS: dict[str, Callable[[Any, Any], bool]] = {
    # _equal and _contains say None for kinds that cannot be compared: false both ways
    "==": lambda a, b: _equal(a, b) is True,
    "!=": lambda a, b: _equal(a, b) is False,
    "in": lambda a, b: _contains(b, a) is True,
    "not in": lambda a, b: _contains(b, a) is False,
    "<": partial(_in_order, operator.lt),
    "<=": partial(_in_order, operator.le),
    ">": partial(_in_order, operator.gt),
    ">=": partial(_in_order, operator.ge),
}
"""Operator → its test of two answered operands."""


_TREES: dict[tuple[int, Callable[[Expr], Any]], tuple[Expr, Any]] = {}
"""Compiled trees by tree object, the tree kept alive here, so its id is never reused while
its entry stands: a tree has no cheap, faithful key (`1.0 == True`), its identity is one."""


def _compiled(expr: Expr, make: Callable[[Expr], Any]) -> Any:
    """`make(expr)`, remembered for the tree (at most 4,096 trees: then afresh)."""
    key = (id(expr), make)
    found = _TREES.get(key)
    if found is not None:
        return found[1]
    if len(_TREES) >= 4096:
        _TREES.clear()
    made = make(expr)
    _TREES[key] = (expr, made)
    return made


def _formula(expr: Expr) -> Formula:
    if isinstance(expr, Literal):  # a rate written in the set (`formula: "85"`): worked out once
        fixed = _formula_of(_value(expr))({}, None)
        return lambda answers, today: fixed
    return _formula_of(_value(expr))


def _formula_of(number: _Fn) -> Formula:
    """A formula's value from its tree's: a finite number within ±MAX_VALUE, or None."""

    def formula(answers: Mapping[str, Any], today: date | None) -> float | None:
        result = number(answers, today)
        if not is_number(result) or not math.isfinite(result) or abs(result) > MAX_VALUE:
            return None
        result = float(result)
        return 0.0 if result == 0 else result  # no -0.0 in reports

    return formula


@lru_cache(maxsize=4096)
def _condition_text(text: str) -> Condition:
    expr = parse_condition(text)
    return _watching("condition", text, _truth(expr)) if calls_today(expr) else _truth(expr)


@lru_cache(maxsize=4096)
def _formula_text(text: str) -> Formula:
    expr = parse_formula(text)
    return _watching("formula", text, _formula(expr)) if calls_today(expr) else _formula(expr)


def _watching(kind: str, text: str, expression: _Fn) -> _Fn:
    """An expression that reads the day, which notes on a watched day what it read and
    gave instead of tying the result to that one day (see :mod:`qualify.core.days`).
    Imported here, by the first expression that reads the day: checking a set needs it
    for none."""
    from qualify.core.days import WatchedDay

    def watched(answers: Mapping[str, Any], today: date | None) -> Any:
        if isinstance(today, WatchedDay):
            return today.read_by(kind, text, expression, answers)
        return expression(answers, today)

    return watched


def compiled_text(kind: str, text: str) -> Condition | Formula:
    """A condition (`kind` ``condition``) or formula (``formula``) compiled from its text:
    how a watched day's recheck is worked out again on another day."""
    return _condition_text(text) if kind == "condition" else _formula_text(text)


def condition_function(condition: str | Expr) -> Condition:
    """The condition compiled (once per text or tree): (answers, today) → holds, as
    :func:`evaluate` says."""
    if isinstance(condition, str):
        return _condition_text(condition)
    return _compiled(condition, _truth)


def formula_function(formula: str | Expr) -> Formula:
    """The formula compiled (once per text or tree): (answers, today) → its value, as
    :func:`compute` says."""
    if isinstance(formula, str):
        return _formula_text(formula)
    return _compiled(formula, _formula)


def evaluate(
    condition: str | Expr, answers: Mapping[str, Any], *, today: date | None = None
) -> bool:
    """True when the condition holds for `answers` (visible, answered questions only).

    `answers` maps names (`x`, `first-date.x`, and `.` for a constraint's own answer) to
    values; `today` is the date `today()` stands for (None: unknown, so anything that
    needs it is unanswered).
    """
    return condition_function(condition)(answers, today)


def compute(
    formula: str | Expr, answers: Mapping[str, Any], *, today: date | None = None
) -> float | None:
    """A formula's value, or None (unanswered) when an input is missing, a division is by
    zero, or the result is not a finite number within ±MAX_VALUE."""
    return formula_function(formula)(answers, today)

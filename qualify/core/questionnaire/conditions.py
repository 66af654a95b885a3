"""Evaluating conditions and formulas (see :mod:`qualify.core.questionnaire.expressions`
for the language and its parser): what a condition says about a set of answers, what a
formula computes from them. Pure and total: an unanswered input, a division by zero or
an overflow gives "false" or "unanswered", never an exception.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from datetime import date
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
    is_number,
    parse_condition,
    parse_date,
    parse_formula,
)

# ----------------------------------------------------------------------- evaluate

_MISSING = object()


class _Eval:
    """One evaluation: the answers (visible, answered) and today's date (None: unknown)."""

    __slots__ = ("answers", "today")

    def __init__(self, answers: Mapping[str, Any], today: date | None) -> None:
        self.answers = answers
        self.today = today

    def value(self, node: Expr) -> Any:
        if isinstance(node, Name):
            value = self.answers.get(node.key)  # unanswered or hidden: absent or None
            return _MISSING if value is None else value
        if isinstance(node, Literal):
            return node.value
        if isinstance(node, This):
            value = self.answers.get(THIS)
            return _MISSING if value is None else value
        if isinstance(node, Arith | Neg | Call):
            return self.number(node)
        if isinstance(node, ListLiteral):
            return [item.value for item in node.items]
        return self.truth(node)

    def number(self, node: Expr) -> Any:
        """A number (float), a date (for today()), or _MISSING."""
        if isinstance(node, Arith):
            # `a + b + c + …` parses as a chain leaning left: walk it in a loop, so a long
            # flat formula never nests Python calls as deep as it is long
            chain: list[Arith] = []
            while isinstance(node, Arith):
                chain.append(node)
                node = node.left
            result = self.value(node)
            for link in reversed(chain):
                result = _arith(link.op, result, self.value(link.right))
                if result is _MISSING:
                    return _MISSING
            return result
        if isinstance(node, Neg):
            a = self.value(node.operand)
            return -float(a) if is_number(a) else _MISSING
        if isinstance(node, Call):
            return self.call(node)
        return self.value(node)

    def call(self, node: Call) -> Any:
        f = node.function
        if f == "today":
            return _MISSING if self.today is None else self.today
        args = [self.value(a) for a in node.args]
        if any(a is _MISSING for a in args):
            return _MISSING
        if f == "days_since":
            since = parse_date(args[0])
            if since is None or self.today is None:
                return _MISSING
            return float((self.today - since).days)
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

    def truth(self, node: Expr) -> bool:
        if isinstance(node, BoolOp):
            if node.op == "and":
                return all(self.truth(o) for o in node.operands)
            return any(self.truth(o) for o in node.operands)
        if isinstance(node, Not):
            return not self.truth(node.operand)
        if isinstance(node, Compare):
            return _compare(node.op, self.value(node.left), self.value(node.right))
        value = self.value(node)
        if value is _MISSING:
            return False
        return bool(value)


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
    from decimal import ROUND_HALF_UP, Decimal, InvalidOperation  # only formulas that round

    if digits != int(digits) or not -15 <= digits <= 15:
        return _MISSING
    try:
        exact = Decimal(repr(value)).quantize(Decimal(1).scaleb(-int(digits)), ROUND_HALF_UP)
    except InvalidOperation:
        return _MISSING
    return float(exact)


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


def _compare(op: str, a: Any, b: Any) -> bool:
    if a is _MISSING or b is _MISSING:
        return False
    if op in ("==", "!="):
        eq = _equal(a, b)
        if eq is None:
            return False
        return eq if op == "==" else not eq
    if op in ("in", "not in"):
        inside = _contains(b, a)
        if inside is None:
            return False
        return inside if op == "in" else not inside
    pair = _ordered(a, b)
    if pair is None:
        return False
    a, b = pair
    if op == "<":
        return a < b
    if op == "<=":
        return a <= b
    if op == ">":
        return a > b
    return a >= b


def evaluate(
    condition: str | Expr, answers: Mapping[str, Any], *, today: date | None = None
) -> bool:
    """True when the condition holds for `answers` (visible, answered questions only).

    `answers` maps names (`x`, `first-date.x`, and `.` for a constraint's own answer) to
    values; `today` is the date `today()` stands for (None: unknown, so anything that
    needs it is unanswered).
    """
    expr = parse_condition(condition) if isinstance(condition, str) else condition
    return _Eval(answers, today).truth(expr)


def compute(
    formula: str | Expr, answers: Mapping[str, Any], *, today: date | None = None
) -> float | None:
    """A formula's value, or None (unanswered) when an input is missing, a division is by
    zero, or the result is not a finite number within ±MAX_VALUE."""
    expr = parse_formula(formula) if isinstance(formula, str) else formula
    result = _Eval(answers, today).number(expr)
    if not is_number(result) or not math.isfinite(result) or abs(result) > MAX_VALUE:
        return None
    result = float(result)
    return 0.0 if result == 0 else result  # no -0.0 in reports

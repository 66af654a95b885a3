"""The safe condition language of `when` and `knockout.when`.

Question sets are written by area managers and shared between people, so a
condition is parsed into a small tree and evaluated by hand: no `eval`, no
attribute access, no calls. Grammar::

    expr       := or_expr
    or_expr    := and_expr ("or" and_expr)*
    and_expr   := not_expr ("and" not_expr)*
    not_expr   := "not" not_expr | comparison
    comparison := operand [op operand]      op: == != < <= > >= in, not in
    operand    := NAME | STRING | NUMBER | true | false | list | "(" expr ")"
    list       := "[" [literal ("," literal)*] "]"

Semantics: names are question ids and stand for their answers. Any
comparison involving an unanswered (or hidden) question is false. A bare
yes/no question is true when it was answered yes.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from qualify.core.questionnaire.model import Question

KEYWORDS = frozenset({"and", "or", "not", "in", "true", "false"})
COMPARISON_OPS = ("==", "!=", "<=", ">=", "<", ">", "in", "not in")


class ConditionError(Exception):
    """A condition that cannot be parsed; `offset` is the 0-based column inside the text."""

    def __init__(self, message: str, offset: int) -> None:
        super().__init__(message)
        self.message = message
        self.offset = offset


# --------------------------------------------------------------------------- tree


@dataclass(frozen=True, slots=True)
class Name:
    id: str
    offset: int


@dataclass(frozen=True, slots=True)
class Literal:
    value: str | float | bool
    offset: int


@dataclass(frozen=True, slots=True)
class ListLiteral:
    items: tuple[Literal, ...]
    offset: int


@dataclass(frozen=True, slots=True)
class Compare:
    op: str
    left: Operand
    right: Operand
    offset: int


@dataclass(frozen=True, slots=True)
class BoolOp:
    op: str  # "and" | "or"
    operands: tuple[Expr, ...]
    offset: int


@dataclass(frozen=True, slots=True)
class Not:
    operand: Expr
    offset: int


Expr = Name | Literal | ListLiteral | Compare | BoolOp | Not
Operand = Expr


def names(expr: Expr) -> list[Name]:
    """Every question the condition refers to, in order of appearance."""
    out: list[Name] = []

    def walk(node: Expr) -> None:
        if isinstance(node, Name):
            out.append(node)
        elif isinstance(node, Compare):
            walk(node.left)
            walk(node.right)
        elif isinstance(node, BoolOp):
            for operand in node.operands:
                walk(operand)
        elif isinstance(node, Not):
            walk(node.operand)

    walk(expr)
    return out


# ------------------------------------------------------------------------- tokens

_TOKEN = re.compile(
    r"""
    (?P<ws>\s+)
  | (?P<number>-?(?:\d+\.\d*|\.\d+|\d+)(?:[eE][+-]?\d+)?)
  | (?P<string>'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*")
  | (?P<name>[A-Za-z_][A-Za-z0-9_]*)
  | (?P<op>==|!=|<=|>=|<|>|\(|\)|\[|\]|,)
  | (?P<unterminated>['"])
    """,
    re.VERBOSE,
)


@dataclass(frozen=True, slots=True)
class _Token:
    kind: str  # number string name keyword op end
    text: str
    offset: int


def _tokenize(text: str) -> list[_Token]:
    tokens: list[_Token] = []
    pos = 0
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if m is None:
            ch = text[pos]
            hint = ""
            if ch == "=":
                hint = " (use == to compare)"
            elif ch == "&" or ch == "|":
                hint = " (use and / or)"
            elif ch == "!":
                hint = " (use not, or != to compare)"
            raise ConditionError(f"unexpected character {ch!r}{hint}", pos)
        kind = m.lastgroup or ""
        if kind == "unterminated":
            raise ConditionError("unterminated string", pos)
        if kind != "ws":
            value = m.group()
            if kind == "name" and value in KEYWORDS:
                kind = "keyword"
            tokens.append(_Token(kind, value, pos))
        pos = m.end()
    tokens.append(_Token("end", "", len(text)))
    return tokens


def _unquote(text: str) -> str:
    body = text[1:-1]
    return re.sub(r"\\(.)", r"\1", body)


# ------------------------------------------------------------------------- parser


class _Parser:
    def __init__(self, text: str) -> None:
        self.tokens = _tokenize(text)
        self.i = 0

    @property
    def tok(self) -> _Token:
        return self.tokens[self.i]

    def take(self) -> _Token:
        tok = self.tokens[self.i]
        self.i += 1
        return tok

    def at(self, kind: str, text: str | None = None) -> bool:
        tok = self.tok
        return tok.kind == kind and (text is None or tok.text == text)

    def expect(self, kind: str, text: str, what: str) -> _Token:
        if not self.at(kind, text):
            raise ConditionError(
                f"expected {what}, found {self.describe(self.tok)}", self.tok.offset
            )
        return self.take()

    @staticmethod
    def describe(tok: _Token) -> str:
        return "end of condition" if tok.kind == "end" else repr(tok.text)

    def parse(self) -> Expr:
        if self.at("end"):
            raise ConditionError("empty condition", 0)
        expr = self.or_expr()
        if not self.at("end"):
            tok = self.tok
            hint = ""
            if tok.kind in ("name", "string", "number"):
                hint = " (missing and / or / a comparison?)"
            raise ConditionError(f"unexpected {self.describe(tok)}{hint}", tok.offset)
        return expr

    def or_expr(self) -> Expr:
        first = self.tok.offset
        parts = [self.and_expr()]
        while self.at("keyword", "or"):
            self.take()
            parts.append(self.and_expr())
        return parts[0] if len(parts) == 1 else BoolOp("or", tuple(parts), first)

    def and_expr(self) -> Expr:
        first = self.tok.offset
        parts = [self.not_expr()]
        while self.at("keyword", "and"):
            self.take()
            parts.append(self.not_expr())
        return parts[0] if len(parts) == 1 else BoolOp("and", tuple(parts), first)

    def not_expr(self) -> Expr:
        if self.at("keyword", "not"):
            tok = self.take()
            return Not(self.not_expr(), tok.offset)
        return self.comparison()

    def comparison(self) -> Expr:
        left = self.operand()
        op_tok = self.tok
        op: str | None = None
        if op_tok.kind == "op" and op_tok.text in ("==", "!=", "<", "<=", ">", ">="):
            op = self.take().text
        elif self.at("keyword", "in"):
            self.take()
            op = "in"
        elif self.at("keyword", "not") and self.tokens[self.i + 1].text == "in":
            self.take()
            self.take()
            op = "not in"
        if op is None:
            return left
        right = self.operand()
        nxt = self.tok
        if nxt.kind == "op" and nxt.text in ("==", "!=", "<", "<=", ">", ">="):
            raise ConditionError("comparisons cannot be chained; join them with and", nxt.offset)
        return Compare(op, left, right, op_tok.offset)

    def operand(self) -> Expr:
        tok = self.tok
        if tok.kind == "name":
            self.take()
            return Name(tok.text, tok.offset)
        if tok.kind == "string":
            self.take()
            return Literal(_unquote(tok.text), tok.offset)
        if tok.kind == "number":
            self.take()
            return Literal(float(tok.text), tok.offset)
        if tok.kind == "keyword" and tok.text in ("true", "false"):
            self.take()
            return Literal(tok.text == "true", tok.offset)
        if self.at("op", "["):
            return self.list_literal()
        if self.at("op", "("):
            self.take()
            inner = self.or_expr()
            self.expect("op", ")", "')'")
            return inner
        if tok.kind == "end":
            raise ConditionError("condition ends too early: a value is missing", tok.offset)
        raise ConditionError(f"expected a question id or a value, found {tok.text!r}", tok.offset)

    def list_literal(self) -> ListLiteral:
        start = self.take()
        items: list[Literal] = []
        if not self.at("op", "]"):
            while True:
                tok = self.tok
                item = self.operand()
                if not isinstance(item, Literal):
                    raise ConditionError(
                        "lists may hold only strings, numbers, true or false", tok.offset
                    )
                items.append(item)
                if self.at("op", ","):
                    self.take()
                    continue
                break
        self.expect("op", "]", "',' or ']'")
        return ListLiteral(tuple(items), start.offset)


@lru_cache(maxsize=4096)
def parse_condition(text: str) -> Expr:
    """Parse once, evaluate many times (every key press re-evaluates visibility)."""
    return _Parser(text).parse()


# ----------------------------------------------------------------------- evaluate

_MISSING = object()


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _value(node: Expr, answers: Mapping[str, Any]) -> Any:
    if isinstance(node, Name):
        value = answers.get(node.id, _MISSING)
        return _MISSING if value is None else value
    if isinstance(node, Literal):
        return node.value
    if isinstance(node, ListLiteral):
        return [item.value for item in node.items]
    return _truth(node, answers)


def _equal(a: Any, b: Any) -> bool | None:
    """None when the two values are of kinds that cannot be compared."""
    if _is_number(a) and _is_number(b):
        return float(a) == float(b)
    if isinstance(a, bool) and isinstance(b, bool):
        return a == b
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
    if not (_is_number(a) and _is_number(b)):
        return False
    a, b = float(a), float(b)
    if op == "<":
        return a < b
    if op == "<=":
        return a <= b
    if op == ">":
        return a > b
    return a >= b


def _truth(node: Expr, answers: Mapping[str, Any]) -> bool:
    if isinstance(node, BoolOp):
        if node.op == "and":
            return all(_truth(o, answers) for o in node.operands)
        return any(_truth(o, answers) for o in node.operands)
    if isinstance(node, Not):
        return not _truth(node.operand, answers)
    if isinstance(node, Compare):
        return _compare(node.op, _value(node.left, answers), _value(node.right, answers))
    value = _value(node, answers)
    if value is _MISSING:
        return False
    return bool(value)


def evaluate(condition: str | Expr, answers: Mapping[str, Any]) -> bool:
    """True when the condition holds for `answers` (visible, answered questions only)."""
    expr = parse_condition(condition) if isinstance(condition, str) else condition
    return _truth(expr, answers)


# ---------------------------------------------------------------- static checks

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


def _literal_kind(value: Any) -> str:
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, float | int):
        return "number"
    return "string"


def check_condition(
    expr: Expr,
    questions: Mapping[str, Question],
    earlier: Sequence[str] | set[str],
) -> list[tuple[int, str]]:
    """Mistakes a reader would call a bug, as (offset, message), all of them.

    `questions` is every question of the set; `earlier` the ids asked before the
    place the condition belongs to (conditions may only look back).
    """
    problems: list[tuple[int, str]] = []
    earlier_set = set(earlier)

    def check_name(node: Name) -> Question | None:
        q = questions.get(node.id)
        if q is None:
            close = difflib.get_close_matches(node.id, list(questions), n=1)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            problems.append((node.offset, f"unknown question {node.id!r}{hint}"))
            return None
        if node.id not in earlier_set:
            problems.append(
                (
                    node.offset,
                    f"{node.id!r} is not asked before this point; "
                    "conditions may only refer to earlier questions",
                )
            )
            return None
        return q

    def operand_kind(node: Expr) -> tuple[str, Question | None] | None:
        """(kind, question) of an operand; None when unknown (already reported)."""
        if isinstance(node, Name):
            q = check_name(node)
            return None if q is None else (_KIND_OF_TYPE[q.type], q)
        if isinstance(node, Literal):
            return _literal_kind(node.value), None
        if isinstance(node, ListLiteral):
            return "list", None
        walk(node)
        return "bool", None

    def check_option_values(q: Question, values: list[Literal], offset: int) -> None:
        for lit in values:
            if not isinstance(lit.value, str):
                problems.append(
                    (
                        lit.offset,
                        f"{q.id!r} answers are option values (strings); "
                        f"{_fmt(lit.value)} can never match",
                    )
                )
            elif lit.value not in q.option_map:
                opts = ", ".join(repr(v) for v in q.option_map)
                problems.append(
                    (lit.offset, f"{lit.value!r} is not an option of {q.id!r} (options: {opts})")
                )

    def literals(node: Expr) -> list[Literal]:
        if isinstance(node, Literal):
            return [node]
        if isinstance(node, ListLiteral):
            return list(node.items)
        return []

    def check_compare(node: Compare) -> None:
        left = operand_kind(node.left)
        right = operand_kind(node.right)
        if left is None or right is None:
            return
        lk, lq = left
        rk, rq = right
        op = node.op
        if op in ("<", "<=", ">", ">="):
            for kind, q, side in ((lk, lq, node.left), (rk, rq, node.right)):
                if kind != "number":
                    what = (
                        f"{q.id!r} is {_KIND_WORDS[kind]}"
                        if q
                        else f"{_fmt_node(side)} is not a number"
                    )
                    problems.append((node.offset, f"{op} compares numbers, but {what}"))
                    return
            return
        if op in ("in", "not in"):
            # item in container
            if rk == "list":
                if lq is not None and lk in ("option", "options"):
                    check_option_values(lq, literals(node.right), node.offset)
                elif lq is not None:
                    want = {"number": "number", "bool": "bool", "text": "string"}[lk]
                    for lit in literals(node.right):
                        if _literal_kind(lit.value) != want:
                            problems.append(
                                (
                                    lit.offset,
                                    f"{q_word(lq)} {lq.id!r} is compared with {_fmt(lit.value)}",
                                )
                            )
                return
            if rk == "options" and rq is not None:
                if lq is None:
                    check_option_values(rq, literals(node.left), node.offset)
                elif lk not in ("option", "string", "text"):
                    problems.append(
                        (node.offset, f"{lq.id!r} can never be one of {rq.id!r}'s options")
                    )
                return
            if rk == "text":
                if lk not in ("string", "text", "option"):
                    problems.append((node.offset, f"'in' on text {rq.id!r} needs a string"))  # type: ignore[union-attr]
                return
            problems.append(
                (node.offset, f"'{op}' needs a list or a multi-choice question on its right")
            )
            return
        # == and !=
        for (kind, q), (other_kind, other_q), other in (
            ((lk, lq), (rk, rq), node.right),
            ((rk, rq), (lk, lq), node.left),
        ):
            if q is None:
                continue
            if kind == "options":
                problems.append(
                    (
                        node.offset,
                        f"{q.id!r} is a multi-choice question: test a value with 'value' in {q.id}",
                    )
                )
                return
            if kind == "option":
                if other_q is None:
                    if other_kind == "list":
                        problems.append(
                            (node.offset, f"use {q.id} in [...] to test several options")
                        )
                    else:
                        check_option_values(q, literals(other), node.offset)
                elif other_kind not in ("option", "text"):
                    problems.append(
                        (
                            node.offset,
                            f"{q.id!r} ({q.type}) is compared with {other_q.id!r} ({other_q.type})",
                        )
                    )
                return
            want = {"number": "number", "bool": "bool", "text": "string"}[kind]
            if other_q is None and other_kind != want:
                problems.append(
                    (node.offset, f"{q_word(q)} {q.id!r} is compared with {_fmt_node(other)}")
                )
                return
            if (
                other_q is not None
                and other_kind != kind
                and {kind, other_kind} != {"text", "option"}
            ):
                problems.append(
                    (
                        node.offset,
                        f"{q.id!r} ({q.type}) is compared with {other_q.id!r} ({other_q.type})",
                    )
                )
                return
            return

    def walk(node: Expr) -> None:
        if isinstance(node, BoolOp):
            for operand in node.operands:
                walk(operand)
        elif isinstance(node, Not):
            walk(node.operand)
        elif isinstance(node, Compare):
            check_compare(node)
        elif isinstance(node, Name):
            q = check_name(node)
            if q is not None and q.type != "yes_no":
                problems.append(
                    (
                        node.offset,
                        f"{q.id!r} is a {q.type} question: compare it with a value "
                        f"(only yes/no questions stand alone)",
                    )
                )
        elif isinstance(node, ListLiteral):
            problems.append((node.offset, "a list on its own is not a condition"))

    walk(expr)
    return problems


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

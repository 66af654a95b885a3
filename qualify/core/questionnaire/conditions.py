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

Static checks against a question set (unknown names, types that can never
match) are in :mod:`qualify.core.questionnaire.condition_checks`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

MAX_LENGTH = 2_000
"""Characters in one condition: a long one is a paragraph nobody can check by eye."""

MAX_DEPTH = 32
"""Nested parentheses, lists and `not`s in one condition."""

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
        if len(text) > MAX_LENGTH:
            raise ConditionError(
                f"the condition is {len(text):,} characters; at most {MAX_LENGTH:,} "
                "(split it over several questions or sections)",
                MAX_LENGTH,
            )
        self.tokens = _tokenize(text)
        self.i = 0
        self.depth = 0

    def deeper(self, offset: int) -> None:
        """One more level of nesting; a located error past MAX_DEPTH (never a RecursionError)."""
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise ConditionError(f"nested more than {MAX_DEPTH} levels deep", offset)

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
            self.deeper(tok.offset)
            inner = self.not_expr()
            self.depth -= 1
            return Not(inner, tok.offset)
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
            self.deeper(self.take().offset)
            inner = self.or_expr()
            self.expect("op", ")", "')'")
            self.depth -= 1
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

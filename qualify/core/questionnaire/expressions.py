"""The safe expression language of conditions (`when`, `knockout.when`, `required_when`,
`constraint`) and formulas (`formula` of a calculated question).

Question sets are written by area managers and shared between people, so an
expression is parsed into a small tree and evaluated by hand: no `eval`, no
attribute access, only the handful of functions listed in :data:`FUNCTIONS`. Grammar::

    expr       := or_expr
    or_expr    := and_expr ("or" and_expr)*
    and_expr   := not_expr ("and" not_expr)*
    not_expr   := "not" not_expr | comparison
    comparison := sum [op sum]          op: == != < <= > >= in, not in
    sum        := term (("+" | "-") term)*
    term       := unary (("*" | "/") unary)*
    unary      := "-" unary | atom
    atom       := NAME | SET "." NAME | "." | STRING | NUMBER | true | false
                | list | FUNCTION "(" [sum ("," sum)*] ")" | "(" expr ")"
    list       := "[" [literal ("," literal)*] "]"

A formula is a `sum` on its own (numbers only: no comparisons, no and/or/not).

Names: a question id of the same set; `SET.NAME` a question of an earlier stage's
set (`first-date.competing_lines`: a name joined to a `.` and a question id is always
a set id, hyphens included, so subtract with spaces: `a - b`); `.` the answer being
checked (constraints only).

Semantics: names stand for their answers. Any comparison involving an unanswered
(or hidden) question is false; arithmetic with an unanswered input, a division by
zero or a result beyond ±10¹⁵ is itself unanswered. A bare yes/no question is true
when it was answered yes. Dates are ISO text (`2015-03-01`); they compare as dates
with each other and with `today()`.

This module parses; :mod:`qualify.core.questionnaire.conditions` evaluates, and
:mod:`qualify.core.questionnaire.condition_checks` checks an expression against its
question set (unknown names, types that can never match).
"""

from __future__ import annotations

import math
import re
from datetime import date
from functools import lru_cache
from typing import Any

from qualify.core.phrase import Phrase
from qualify.core.questionnaire.tree import Arith as Arith
from qualify.core.questionnaire.tree import BoolOp as BoolOp
from qualify.core.questionnaire.tree import Call as Call
from qualify.core.questionnaire.tree import Compare as Compare
from qualify.core.questionnaire.tree import Expr as Expr
from qualify.core.questionnaire.tree import ListLiteral as ListLiteral
from qualify.core.questionnaire.tree import Literal as Literal
from qualify.core.questionnaire.tree import Name as Name
from qualify.core.questionnaire.tree import Neg as Neg
from qualify.core.questionnaire.tree import Node, _set
from qualify.core.questionnaire.tree import Not as Not
from qualify.core.questionnaire.tree import Operand as Operand
from qualify.core.questionnaire.tree import This as This
from qualify.core.questionnaire.tree import calls_today as calls_today
from qualify.core.questionnaire.tree import children as children
from qualify.core.questionnaire.tree import names as names
from qualify.core.questionnaire.tree import uses as uses

MAX_LENGTH = 2_000
"""Characters in one condition or formula: a long one is a paragraph nobody can check."""

MAX_DEPTH = 32
"""Nested parentheses, lists, calls, `not`s and minus signs in one expression."""

MAX_VALUE = 1e15
"""A computed value beyond ±MAX_VALUE is unanswered (an overflow), like an answer would
be refused."""

MIN_YEAR, MAX_YEAR = 1800, 2200
"""Dates (answers and literals) lie within these years."""

KEYWORDS = frozenset({"and", "or", "not", "in", "true", "false"})
COMPARISON_OPS = ("==", "!=", "<=", ">=", "<", ">", "in", "not in")

FUNCTIONS: dict[str, tuple[int, int]] = {
    "today": (0, 0),
    "days_since": (1, 1),
    "days_between": (2, 2),
    "min": (2, 20),
    "max": (2, 20),
    "round": (1, 2),
}
"""Function → (fewest, most) arguments."""

THIS = "."
"""The key of the answer being checked, in the values a constraint is evaluated with."""


class ConditionError(Exception):
    """An expression that cannot be parsed; `offset` is the 0-based column in its text."""

    def __init__(self, message: str, offset: int) -> None:
        super().__init__(message)
        self.message = message
        self.offset = offset


class FormulaError(ConditionError):
    """A formula that cannot be parsed; `offset` is the 0-based column in its text."""


# ------------------------------------------------------------------------- tokens

_TOKEN = re.compile(
    r"""
    (?P<ws>\s+)
  | (?P<qualified>(?=[a-z0-9_-]*[a-z])[a-z0-9][a-z0-9_-]*\.[A-Za-z_][A-Za-z0-9_]*)
  | (?P<number>(?:\d+\.\d*|\.\d+|\d+)(?:[eE][+-]?\d+)?)
  | (?P<string>'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*")
  | (?P<name>[A-Za-z_][A-Za-z0-9_]*)
  | (?P<this>\.(?![A-Za-z0-9_]))
  | (?P<op>==|!=|<=|>=|<|>|\(|\)|\[|\]|,|\+|-|\*|/)
  | (?P<unterminated>['"])
  | (?P<other>[\s\S])
    """,
    re.VERBOSE,
)
"""Every character starts a token (`other`: one no token starts with), so the matches
follow one another from the first character to the last."""


class _Token(Node):
    _fields = ("kind", "text", "offset")
    __slots__ = _fields
    kind: str  # number string name qualified this keyword op end
    text: str
    offset: int

    def __init__(self, kind: str, text: str, offset: int) -> None:
        _set(self, "kind", kind)
        _set(self, "text", text)
        _set(self, "offset", offset)


def _tokenize(text: str) -> list[_Token]:
    tokens: list[_Token] = []
    for m in _TOKEN.finditer(text):
        kind = m.lastgroup
        if kind == "ws":
            continue
        pos = m.start()
        if kind == "other":
            ch = text[pos]
            hint: Any = ""
            if ch == "=":
                hint = Phrase(" (use == to compare)")
            elif ch == "&" or ch == "|":
                hint = Phrase(" (use and / or)")
            elif ch == "!":
                hint = Phrase(" (use not, or != to compare)")
            elif ch == "$":
                hint = Phrase(" (write a question id on its own, without ${{...}})")
            said = Phrase("unexpected character {char}{hint}", char=repr(ch), hint=hint)
            raise ConditionError(said, pos)
        if kind == "unterminated":
            raise ConditionError(Phrase("unterminated string"), pos)
        value = m.group()
        if kind == "name" and value in KEYWORDS:
            kind = "keyword"
        tokens.append(_Token(kind or "", value, pos))
    tokens.append(_Token("end", "", len(text)))
    return tokens


def _unquote(text: str) -> str:
    body = text[1:-1]
    return re.sub(r"\\(.)", r"\1", body)


# ------------------------------------------------------------------------- parser

_COMPARE = ("==", "!=", "<", "<=", ">", ">=")


class _Parser:
    def __init__(self, text: str, formula: bool = False) -> None:
        self.formula = formula
        self.error = FormulaError if formula else ConditionError
        if len(text) > MAX_LENGTH:
            advice = (
                Phrase("split it over several calculated questions")
                if formula
                else Phrase("split it over several questions or sections")
            )
            said = Phrase(
                "the {what} is {n} characters; at most {most} ({advice})",
                what=self.what,
                n=f"{len(text):,}",
                most=f"{MAX_LENGTH:,}",
                advice=advice,
            )
            raise self.error(said, MAX_LENGTH)
        try:
            self.tokens = _tokenize(text)
        except ConditionError as exc:
            raise self.error(exc.message, exc.offset) from None
        self.i = 0
        self.depth = 0

    @property
    def what(self) -> Phrase:
        """The word for what is parsed, as messages say it (made when one is said)."""
        return Phrase("formula") if self.formula else Phrase("condition")

    def deeper(self, offset: int) -> None:
        """One more level of nesting; a located error past MAX_DEPTH (never a RecursionError)."""
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise self.error(
                Phrase("nested more than {depth} levels deep", depth=MAX_DEPTH), offset
            )

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
            found = self.describe(self.tok)
            said = Phrase("expected {what}, found {found}", what=what, found=found)
            raise self.error(said, self.tok.offset)
        return self.take()

    def describe(self, tok: _Token) -> Any:
        return Phrase("end of {what}", what=self.what) if tok.kind == "end" else repr(tok.text)

    # -- entry points ------------------------------------------------------------
    def parse(self) -> Expr:
        if self.at("end"):
            raise self.error(Phrase("empty {what}", what=self.what), 0)
        expr = self.sum() if self.formula else self.or_expr()
        if not self.at("end"):
            tok = self.tok
            if self.formula and (
                (tok.kind == "op" and tok.text in _COMPARE)
                or (tok.kind == "keyword" and tok.text in ("and", "or", "not", "in"))
            ):
                said = Phrase(
                    "a formula computes a number: {word} belongs in a condition",
                    word=repr(tok.text),
                )
                raise self.error(said, tok.offset)
            hint: Any = ""
            if tok.kind in ("name", "qualified", "string", "number"):
                hint = (
                    Phrase(" (missing an operator such as + or *?)")
                    if self.formula
                    else Phrase(" (missing and / or / a comparison?)")
                )
            said = Phrase("unexpected {found}{hint}", found=self.describe(tok), hint=hint)
            raise self.error(said, tok.offset)
        return expr

    # -- conditions --------------------------------------------------------------
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
        left = self.sum()
        op_tok = self.tok
        op: str | None = None
        if op_tok.kind == "op" and op_tok.text in _COMPARE:
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
        right = self.sum()
        nxt = self.tok
        if nxt.kind == "op" and nxt.text in _COMPARE:
            said = Phrase("comparisons cannot be chained; join them with and")
            raise self.error(said, nxt.offset)
        return Compare(op, left, right, op_tok.offset)

    # -- arithmetic --------------------------------------------------------------
    def sum(self) -> Expr:
        left = self.term()
        while self.tok.kind == "op" and self.tok.text in ("+", "-"):
            op = self.take()
            left = Arith(op.text, left, self.term(), op.offset)
        return left

    def term(self) -> Expr:
        left = self.unary()
        while self.tok.kind == "op" and self.tok.text in ("*", "/"):
            op = self.take()
            left = Arith(op.text, left, self.unary(), op.offset)
        return left

    def unary(self) -> Expr:
        if self.at("op", "-"):
            tok = self.take()
            self.deeper(tok.offset)
            inner = self.unary()
            self.depth -= 1
            if isinstance(inner, Literal) and is_number(inner.value):
                return Literal(-float(inner.value), tok.offset)  # -3 is a number
            return Neg(inner, tok.offset)
        if self.at("op", "+"):
            raise self.error(Phrase("a value is missing before '+'"), self.tok.offset)
        return self.atom()

    def atom(self) -> Expr:
        tok = self.tok
        if tok.kind == "name":
            self.take()
            if self.at("op", "("):
                return self.call(tok)
            return Name(tok.text, tok.offset)
        if tok.kind == "qualified":
            self.take()
            set_id, _, question = tok.text.partition(".")
            return Name(question, tok.offset, set_id)
        if tok.kind == "this":
            self.take()
            return This(tok.offset)
        if tok.kind == "string":
            self.take()
            return Literal(_unquote(tok.text), tok.offset)
        if tok.kind == "number":
            self.take()
            number = float(tok.text)
            if not math.isfinite(number) or abs(number) > MAX_VALUE:
                said = Phrase(
                    "{number} is too large: numbers lie within ±10¹⁵", number=tok.text[:20]
                )
                raise self.error(said, tok.offset)
            return Literal(number, tok.offset)
        if tok.kind == "keyword" and tok.text in ("true", "false"):
            if self.formula:
                said = Phrase("a formula computes a number: {word} is not one", word=tok.text)
                raise self.error(said, tok.offset)
            self.take()
            return Literal(tok.text == "true", tok.offset)
        if self.at("op", "["):
            if self.formula:
                said = Phrase("a formula computes a number: a list is not one")
                raise self.error(said, tok.offset)
            return self.list_literal()
        if self.at("op", "("):
            self.deeper(self.take().offset)
            inner = self.sum() if self.formula else self.or_expr()
            self.expect("op", ")", "')'")
            self.depth -= 1
            return inner
        if tok.kind == "end":
            said = Phrase("{what} ends too early: a value is missing", what=self.what)
            raise self.error(said, tok.offset)
        said = Phrase("expected a question id or a value, found {found}", found=repr(tok.text))
        raise self.error(said, tok.offset)

    def call(self, name: _Token) -> Call:
        if name.text not in FUNCTIONS:
            known = ", ".join(f"{f}()" for f in FUNCTIONS)
            said = Phrase(
                "unknown function {name}; functions: {known}", name=repr(name.text), known=known
            )
            raise self.error(said, name.offset)
        self.deeper(self.take().offset)
        args: list[Expr] = []
        if not self.at("op", ")"):
            while True:
                args.append(self.sum())
                if self.at("op", ","):
                    self.take()
                    continue
                break
        self.expect("op", ")", Phrase("',' or ')'"))
        self.depth -= 1
        fewest, most = FUNCTIONS[name.text]
        if not fewest <= len(args) <= most:
            if fewest != most:
                want = Phrase("{fewest} to {most} values", fewest=fewest, most=most)
            elif fewest == 1:
                want = Phrase("1 value")
            else:
                want = Phrase("{n} values", n=fewest) if fewest else Phrase("no value")
            said = Phrase(
                "{function}() takes {want}, got {n}", function=name.text, want=want, n=len(args)
            )
            raise self.error(said, name.offset)
        return Call(name.text, tuple(args), name.offset)

    def list_literal(self) -> ListLiteral:
        start = self.take()
        self.deeper(start.offset)
        items: list[Literal] = []
        if not self.at("op", "]"):
            while True:
                tok = self.tok
                item = self.unary()
                if not isinstance(item, Literal):
                    said = Phrase("lists may hold only strings, numbers, true or false")
                    raise self.error(said, tok.offset)
                items.append(item)
                if self.at("op", ","):
                    self.take()
                    continue
                break
        self.expect("op", "]", Phrase("',' or ']'"))
        self.depth -= 1
        return ListLiteral(tuple(items), start.offset)


@lru_cache(maxsize=4096)
def parse_condition(text: str) -> Expr:
    """Parse once, evaluate many times (every key press re-evaluates visibility)."""
    return _Parser(text).parse()


@lru_cache(maxsize=4096)
def parse_formula(text: str) -> Expr:
    """A formula's tree; FormulaError (a ConditionError) with its offset otherwise."""
    return _Parser(text, formula=True).parse()


_NUMBERS = (int, float)  # a tuple: isinstance tests it twice as fast as `int | float`


def is_number(value: Any) -> bool:
    return isinstance(value, _NUMBERS) and not isinstance(value, bool)


# ---------------------------------------------------------------------- dates

_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def parse_date(value: Any) -> date | None:
    """A date from a `date` or ISO text (`2015-03-01`) within MIN_YEAR..MAX_YEAR; else None."""
    if isinstance(value, date):
        return value if MIN_YEAR <= value.year <= MAX_YEAR else None
    if not isinstance(value, str) or not _ISO_DATE.match(value):
        return None
    try:
        parsed = date.fromisoformat(value)
    except ValueError:
        return None
    return parsed if MIN_YEAR <= parsed.year <= MAX_YEAR else None

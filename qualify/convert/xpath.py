"""XLSForm expressions (a subset of XPath with ``${name}`` references) translated into
qualify's expression language, or refused with the reason.

What translates: ``${name}`` (renamed to its question id), ``.`` (the answer being
checked), strings, numbers, ``= != < <= > >=``, ``+ - *``, ``div`` (``/``), ``and``,
``or``, ``not(…)``, ``selected(${q}, 'v')`` (``'v' in q``), ``today()``, ``round()``,
``min()`` and ``max()``, parentheses. Anything else (``if()``, ``concat()``,
``count-selected()``, ``mod``, paths…) is refused: the caller lists it as lost.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

__all__ = ["Untranslatable", "translate"]


class Untranslatable(ValueError):
    """An expression (or a part of it) qualify cannot express; the message says what."""


_TOKEN = re.compile(
    r"""
    (?P<ws>\s+)
  | (?P<ref>\$\{(?P<refname>[^}]*)\})
  | (?P<number>\d+(?:\.\d*)?|\.\d+)
  | (?P<string>'[^']*'|"[^"]*")
  | (?P<op>!=|<=|>=|=|<|>|\+|-|\*|\(|\)|,)
  | (?P<word>[A-Za-z_][A-Za-z0-9_:\-]*)
  | (?P<dot>\.)
  | (?P<other>.)
    """,
    re.VERBOSE,
)

_FUNCTIONS = {"today": 0, "round": (1, 2), "min": (1, 99), "max": (1, 99), "not": 1}


@dataclass(frozen=True)
class _Tok:
    kind: str
    text: str


def _tokens(text: str, names: Mapping[str, str]) -> list[_Tok]:
    out: list[_Tok] = []
    for m in _TOKEN.finditer(text):
        kind = m.lastgroup or ""
        if kind == "ws":
            continue
        if kind == "ref":
            name = m.group("refname")
            if name not in names:
                raise Untranslatable(f"${{{name}}} is not a question of this form")
            out.append(_Tok("name", names[name]))
        elif kind == "other":
            raise Untranslatable(f"unexpected {m.group()!r}")
        else:
            out.append(_Tok(kind, m.group()))
    out.append(_Tok("end", ""))
    return out


class _Parser:
    """Precedence as XPath: or < and < comparison < additive < multiplicative < unary."""

    def __init__(self, tokens: list[_Tok], single: frozenset[str]) -> None:
        self.t = tokens
        self.i = 0
        self.single = single

    def peek(self, text: str | None = None, kind: str | None = None) -> bool:
        tok = self.t[self.i]
        return (text is None or tok.text == text) and (kind is None or tok.kind == kind)

    def take(self) -> _Tok:
        tok = self.t[self.i]
        self.i += 1
        return tok

    def expect(self, text: str) -> None:
        if not self.peek(text):
            found = self.t[self.i].text or "the end"
            raise Untranslatable(f"expected {text!r}, found {found!r}")
        self.take()

    def parse(self) -> str:
        out = self.or_()
        if not self.peek(kind="end"):
            raise Untranslatable(f"unexpected {self.t[self.i].text!r}")
        return out

    def or_(self) -> str:
        parts = [self.and_()]
        while self.peek("or", "word"):
            self.take()
            parts.append(self.and_())
        return " or ".join(parts)

    def and_(self) -> str:
        parts = [self.compare()]
        while self.peek("and", "word"):
            self.take()
            parts.append(self.compare())
        return " and ".join(parts)

    def compare(self) -> str:
        left = self.additive()
        tok = self.t[self.i]
        if tok.kind == "op" and tok.text in ("=", "!=", "<", "<=", ">", ">="):
            self.take()
            right = self.additive()
            op = "==" if tok.text == "=" else tok.text
            return f"{left} {op} {right}"
        return left

    def additive(self) -> str:
        out = self.multiplicative()
        while self.peek("+") or self.peek("-"):
            op = self.take().text
            out = f"{out} {op} {self.multiplicative()}"
        return out

    def multiplicative(self) -> str:
        out = self.unary()
        while self.peek("*") or self.peek("div", "word") or self.peek("mod", "word"):
            op = self.take().text
            if op == "mod":
                raise Untranslatable("'mod' (a remainder) has no equivalent")
            out = f"{out} {'/' if op == 'div' else '*'} {self.unary()}"
        return out

    def unary(self) -> str:
        if self.peek("-"):
            self.take()
            return f"-{self.unary()}"
        return self.atom()

    def atom(self) -> str:
        tok = self.take()
        if tok.kind in ("name", "number"):
            return tok.text
        if tok.kind == "string":
            body = tok.text[1:-1]
            return "'" + body.replace("\\", "\\\\").replace("'", "\\'") + "'"
        if tok.kind == "dot":
            return "."
        if tok.text == "(":
            inner = self.or_()
            self.expect(")")
            return f"({inner})"
        if tok.kind == "word":
            if tok.text in ("true", "false") and self.peek("("):
                self.take()
                self.expect(")")
                return tok.text
            if not self.peek("("):
                raise Untranslatable(f"{tok.text!r} (a path or a bare word) has no equivalent")
            return self.call(tok.text)
        raise Untranslatable(f"unexpected {tok.text or 'end of expression'!r}")

    def call(self, name: str) -> str:
        self.expect("(")
        args: list[str] = []
        if not self.peek(")"):
            args.append(self.or_())
            while self.peek(","):
                self.take()
                args.append(self.or_())
        self.expect(")")
        if name == "selected":
            if len(args) != 2:
                raise Untranslatable("selected() takes a question and a value")
            if args[0] in self.single:  # a select_one holds one value: equality
                return f"{args[0]} == {args[1]}"
            return f"{args[1]} in {args[0]}"
        if name == "not":
            if len(args) != 1:
                raise Untranslatable("not() takes one condition")
            return f"not ({args[0]})"
        if name == "today" and not args:
            return "today()"
        if name in ("round", "min", "max") and args:
            if name == "round" and len(args) > 2:
                raise Untranslatable("round() takes a number and a number of digits")
            return f"{name}({', '.join(args)})"
        raise Untranslatable(f"the function {name}() has no equivalent")


def translate(expression: str, names: Mapping[str, str], single: Iterable[str] = ()) -> str:
    """The expression in qualify's language; Untranslatable with the reason otherwise.

    `names` maps XLSForm field names to the question ids they became; `single` lists the
    ids of select_one questions (``selected()`` on one of them is an equality).
    """
    text = expression.strip()
    if not text:
        raise Untranslatable("empty expression")
    return _Parser(_tokens(text, names), frozenset(single)).parse()

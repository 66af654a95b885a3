"""What a YAML syntax error says, and where: at the place to fix.

PyYAML notices a bracket or quote left open only where it reads on into what cannot
follow, often the end of the file (`title: [oops` in a two-line file was reported at
line 3, `options: [a,` at the line after the last). Those are named where they open.
Its own words stay (English, as PyYAML says them), with the usual cause where it is not
obvious.
"""

from __future__ import annotations

from typing import Any

from qualify.core.phrase import Phrase

_UNCLOSED = {"while parsing a flow sequence": "[", "while parsing a flow mapping": "{"}
"""PyYAML's context of a bracket it never saw closed → the bracket."""
_QUOTE = "while scanning a quoted scalar"
_FLOW_NODE = "while parsing a flow node"
"""A bracket's content ran into the end (`[a,`): PyYAML's marks both point at the end."""


def syntax_error(exc: Any, text: str) -> tuple[int, int, Phrase]:
    """Line, column and message of PyYAML's MarkedYAMLError `exc` on `text`."""
    problem, context = exc.problem_mark, exc.context_mark
    mark = problem or context
    line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
    what = exc.problem or exc.context or "cannot be read"
    bracket = _UNCLOSED.get(exc.context or "")
    opened = (context.line, context.column) if context is not None else None
    if exc.context == _FLOW_NODE and problem is not None:
        bracket, opened = _innermost_open(text) or (None, None)
    quote = exc.context == _QUOTE and what.startswith("found unexpected")  # the end, a ---
    if not ((bracket or quote) and problem and opened and opened[0] < problem.line):
        return line, col, explain(what)
    at = {"line": line, "col": col, "error": what}
    said = (
        Phrase(
            "YAML syntax error: this {bracket} is not closed, or a comma is missing (noticed "
            "at line {line}, column {col}: {error})",
            bracket=bracket,
            **at,
        )
        if bracket
        else Phrase(
            "YAML syntax error: this quote is never closed (noticed at line {line}, column "
            "{col}: {error})",
            **at,
        )
    )
    return opened[0] + 1, opened[1] + 1, said


def _innermost_open(text: str) -> tuple[str, tuple[int, int]] | None:
    """The bracket still open where the tokens of `text` end, and its place (0-based)."""
    import yaml

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)(text)
    starts = (yaml.FlowSequenceStartToken, yaml.FlowMappingStartToken)
    ends = (yaml.FlowSequenceEndToken, yaml.FlowMappingEndToken)
    stack: list[tuple[str, tuple[int, int]]] = []
    try:
        while (token := loader.get_token()) is not None:
            if isinstance(token, starts):
                bracket = "[" if isinstance(token, yaml.FlowSequenceStartToken) else "{"
                stack.append((bracket, (token.start_mark.line, token.start_mark.column)))
            elif isinstance(token, ends) and stack:
                stack.pop()
    except yaml.YAMLError:
        pass
    finally:
        loader.dispose()
    return stack[-1] if stack else None


def explain(what: str) -> Phrase:
    """PyYAML's words, with the usual cause where it is not obvious."""
    if what.startswith(
        (
            "mapping values are not allowed",
            "did not find expected key",
            "did not find expected '-' indicator",
            "expected <block end>",
        )
    ):
        return Phrase(
            "YAML syntax error: {error} (usually an indentation slip: check that this line "
            "lines up with the keys above it, or quote a value that contains ': ')",
            error=what,
        )
    return Phrase("YAML syntax error: {error}", error=what)


__all__ = ["explain", "syntax_error"]

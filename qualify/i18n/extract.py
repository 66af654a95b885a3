"""`pybabel extract` for the app's modules: what ``_("…")`` marks, plus the description
and the tooltip of every key binding (``Binding("f1", "help", "Help", tooltip="…")``),
which the app shows in the user's language (``qualify.tui.screens.base``) without a
marker at each of them. Named in ``babel.cfg``; never imported by qualify itself."""

from __future__ import annotations

import ast
import io
from collections.abc import Iterator, Mapping, Sequence
from typing import IO, Any

from babel.messages.extract import extract_python


def python_and_bindings(
    fileobj: IO[bytes],
    keywords: Mapping[str, Any],
    comment_tags: Sequence[str],
    options: dict[str, Any],
) -> Iterator[tuple[int, str | None, Any, list[str]]]:
    source = fileobj.read()
    yield from extract_python(io.BytesIO(source), keywords, comment_tags, options)
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", "")
        if name != "Binding":
            continue
        texts = [node.args[2]] if len(node.args) > 2 else []
        texts += [k.value for k in node.keywords if k.arg in ("description", "tooltip")]
        for text in texts:
            if isinstance(text, ast.Constant) and isinstance(text.value, str) and text.value:
                yield text.lineno, None, text.value, []

"""What a language code is: apart from the translated texts' models, so that checking
`--lang` or $QUALIFY_LANG costs a regular expression, not pydantic's import."""

from __future__ import annotations

import re

LANGUAGE_PATTERN = r"^[a-z]{2,3}([_-][A-Za-z0-9]{2,8})*$"
"""A language code as Babel and gettext know it: `en`, `de`, `de_CH`, `pt-BR`."""

_LANGUAGE = re.compile(LANGUAGE_PATTERN)


def is_language(code: object) -> bool:
    return isinstance(code, str) and _LANGUAGE.match(code) is not None


__all__ = ["LANGUAGE_PATTERN", "is_language"]

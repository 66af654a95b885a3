"""Human texts in several languages: a string, or a mapping language → text.

A question set lists its languages (`languages: [en, de]`, the first the default); any
human text in it (titles, descriptions, question `text` and `help`, option `label`s,
band labels, knock-out reasons, constraint messages, scale labels) is either a plain
string or a mapping such as ``{en: "Founded?", de: "Gegründet?"}``.

A translated text loads as a :class:`Text`: a ``str`` holding the text in the language
chosen (the default one when loaded) that keeps every translation beside it. Every
renderer reads it as the string it is; :func:`localize` gives the set with each text in
another language, and dumps (the set's canonical form, its snapshot, its content hash)
keep the whole mapping whatever the language chosen. Scoring never reads a text: answers
are stored and compared by option value, so a German interview scores as an English one.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Annotated, Any, TypeVar, get_args

from pydantic import BaseModel, PlainSerializer, PlainValidator, WithJsonSchema
from pydantic_core import PydanticCustomError

from qualify.core.questionnaire.language_codes import LANGUAGE_PATTERN, is_language

DEFAULT_LANGUAGE = "en"
"""The language of a set that lists none, and of qualify's own words by default."""


class Text(str):
    """A translated text: the string in the chosen language, every translation beside it."""

    translations: dict[str, str]

    def __new__(cls, value: str, translations: Mapping[str, str]) -> Text:
        self = super().__new__(cls, value)
        self.translations = dict(translations)
        return self

    def __reduce__(self) -> Any:
        return (Text, (str(self), self.translations))

    def __deepcopy__(self, memo: dict[int, Any]) -> Text:
        return self

    def __copy__(self) -> Text:
        return self

    def to(self, language: str | None, default: str) -> Text:
        """The same text in `language` (the default language's when it has no translation)."""
        return Text(resolve(self, language, default), self.translations)


def resolve(text: str | Mapping[str, str] | None, language: str | None, default: str) -> str:
    """The text in `language`; in `default` when it has no translation there (then in the
    first language it has). A plain string is the same in every language."""
    if text is None:
        return ""
    translations = text.translations if isinstance(text, Text) else text
    if isinstance(translations, Mapping):
        for lang in (language, _base(language), default):
            if lang and translations.get(lang):
                return translations[lang]
        return next(iter(translations.values()), "")
    return str(text)


def _base(language: str | None) -> str | None:
    """`de` for `de_CH` or `de-AT`: a regional language falls back to its base."""
    if not language:
        return None
    return re.split(r"[_-]", language, maxsplit=1)[0]


def _parse(empty_allowed: bool) -> Any:
    def parse(value: Any) -> str:
        if isinstance(value, str):
            if not value and not empty_allowed:
                raise PydanticCustomError("string_too_short", "must not be empty")
            return value
        if isinstance(value, Mapping):
            if not value:
                raise PydanticCustomError(
                    "text_mapping", "a mapping of languages needs at least one, e.g. {en: …}"
                )
            for lang, text in value.items():
                if not is_language(lang):
                    raise PydanticCustomError(
                        "text_language",
                        "{lang} is not a language code (use en, de, fr, de_CH…)",
                        {"lang": repr(lang)},
                    )
                if not isinstance(text, str) or not (text or empty_allowed):
                    raise PydanticCustomError(
                        "text_translation",
                        "the {lang} text must be non-empty text",
                        {"lang": lang},
                    )
            first = next(iter(value.values()))
            return Text(first, value)
        raise PydanticCustomError(
            "string_type", "expected text, or a mapping language → text ({en: …, de: …})"
        )

    return parse


def _dump(value: str) -> str | dict[str, str]:
    return dict(value.translations) if isinstance(value, Text) else str(value)


def _schema(min_length: int) -> dict[str, Any]:
    text: dict[str, Any] = {"type": "string"}
    if min_length:
        text["minLength"] = min_length
    return {
        "anyOf": [
            text,
            {
                "type": "object",
                "minProperties": 1,
                "propertyNames": {"pattern": LANGUAGE_PATTERN},
                "additionalProperties": text,
                "description": "The text per language, e.g. {en: …, de: …}; the languages "
                "are those the set lists in `languages:`.",
            },
        ]
    }


_PARSERS = (_parse(False), _parse(True))

HumanText = Annotated[
    str, PlainValidator(_PARSERS[0]), PlainSerializer(_dump), WithJsonSchema(_schema(1))
]
"""A non-empty human text: a string, or a mapping language → text."""

MaybeEmptyText = Annotated[
    str, PlainValidator(_PARSERS[1]), PlainSerializer(_dump), WithJsonSchema(_schema(0))
]
"""A human text that may be empty (help, descriptions)."""


# ---------------------------------------------------------------- whole models

M = TypeVar("M", bound=BaseModel)
Loc = tuple[str | int, ...]


def texts(model: BaseModel, loc: Loc = ()) -> Iterator[tuple[Loc, str]]:
    """Every human text of a model (a question set…) with its place, in file order:
    plain strings and translated texts (:class:`Text`) alike."""
    found: list[tuple[Loc, str]] = []
    _collect(model, loc, found)
    return iter(found)


def _collect(model: BaseModel, loc: Loc, found: list[tuple[Loc, str]]) -> None:
    """Into one list, visiting only the fields that may hold a text (a set of 500
    questions has some 13,000 fields, a few thousand of them texts or models)."""
    kind = type(model)
    fields = _text_fields(kind)
    for name in _holding(kind):
        value = getattr(model, name)
        if value is None:
            continue
        if name in fields:
            _texts_into(value, (*loc, name), found)
        else:
            _models_into(value, (*loc, name), found)


def _texts_into(value: Any, loc: Loc, found: list[tuple[Loc, str]]) -> None:
    if isinstance(value, str):
        found.append((loc, value))
    elif isinstance(value, dict):
        for key, item in value.items():
            _texts_into(item, (*loc, key), found)


def _models_into(value: Any, loc: Loc, found: list[tuple[Loc, str]]) -> None:
    if isinstance(value, BaseModel):
        _collect(value, loc, found)
    elif isinstance(value, list):
        for i, item in enumerate(value):
            _models_into(item, (*loc, i), found)
    elif isinstance(value, dict):
        for key, item in value.items():
            _models_into(item, (*loc, key), found)


_FIELDS: dict[type, frozenset[str]] = {}
_HOLDING: dict[type, tuple[str, ...]] = {}


def _holding(model: type[BaseModel]) -> tuple[str, ...]:
    """Names of the fields that may hold a text: texts, and models, lists or mappings of
    models that may hold one (the rest, numbers, ids and models of numbers such as
    score bands, are never walked)."""
    found = _HOLDING.get(model)
    if found is None:
        _HOLDING[model] = tuple(model.model_fields)  # a model inside itself: walked
        texts_here = _text_fields(model)
        found = tuple(
            name
            for name, info in model.model_fields.items()
            if name in texts_here or _holds_text(info.annotation)
        )
        _HOLDING[model] = found
    return found


def _holds_text(annotation: Any) -> bool:
    """A model that may hold a text, or a list, mapping or union of one."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return bool(_holding(annotation))
    return any(_holds_text(arg) for arg in get_args(annotation))


def _text_fields(model: type[BaseModel]) -> frozenset[str]:
    """Names of the model's fields that hold human texts (HumanText, in any wrapping)."""
    found = _FIELDS.get(model)
    if found is None:
        found = frozenset(
            name
            for name, info in model.model_fields.items()
            if _is_text(info.metadata) or _is_text_type(info.annotation)
        )
        _FIELDS[model] = found
    return found


def _is_text(metadata: Any) -> bool:
    return any(getattr(meta, "func", None) in _PARSERS for meta in metadata)


def _is_text_type(annotation: Any) -> bool:
    if _is_text(getattr(annotation, "__metadata__", ())):
        return True
    return any(_is_text_type(arg) for arg in get_args(annotation))


def translated(model: BaseModel) -> bool:
    """Whether any text of the model has translations."""
    return any(isinstance(text, Text) for _, text in texts(model))


def localize(model: M, language: str | None, default: str = DEFAULT_LANGUAGE) -> M:
    """The model with every translated text in `language` (in `default` where a text has
    no translation there); the same object when nothing changes. Its dump, and so its
    content hash, is the original's."""
    return _localize(model, language, default)


def _localize(value: Any, language: str | None, default: str) -> Any:
    if isinstance(value, Text):
        text = value.to(language, default)
        return value if text == value else text
    if isinstance(value, BaseModel):
        changed = {}
        for name in _holding(type(value)):
            old = getattr(value, name)
            if old is None or type(old) is str:  # most: absent, or in one language
                continue
            new = _localize(old, language, default)
            if new is not old:
                changed[name] = new
        if not changed:
            return value
        fields = {name: getattr(value, name) for name in type(value).model_fields}
        return type(value).model_construct(_fields_set=value.model_fields_set, **fields | changed)
    if isinstance(value, list):
        items = [_localize(item, language, default) for item in value]
        return value if all(a is b for a, b in zip(items, value, strict=True)) else items
    if isinstance(value, dict):
        mapped = {key: _localize(item, language, default) for key, item in value.items()}
        return value if all(mapped[k] is value[k] for k in value) else mapped
    return value

"""Pydantic's validation errors in the words of a question-set author, as phrases.

Pydantic writes its own English (``Input should be less than or equal to 20``); each
error type met in a question set or the pipeline becomes a
:class:`~qualify.core.phrase.Phrase` here, with the field's name, the value found and
the limit (pydantic's ``ctx``) as parameters, so the shell can say it in the user's
language. An error type not listed keeps pydantic's English sentence.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from qualify.core.phrase import Joined, Num, Phrase
from qualify.core.questionnaire import model as m
from qualify.core.questionnaire.condition_words import did_you_mean
from qualify.core.questionnaire.yamlsource import Path_
from qualify.core.suggest import closest

_FIELDS_OF: dict[type[BaseModel], dict[str, type[BaseModel]]] = {
    m.QuestionSet: {"sections": m.Section, "bands": m.Band},
    m.Section: {"questions": m.Question, "repeat": m.Repeat},
    m.Question: {
        "options": m.Option,
        "score_bands": m.ScoreBand,
        "score": m.YesNoScore,
        "knockout": m.Knockout,
        "red_flag": m.RedFlag,
    },
    m.Pipeline: {"stages": m.Stage, "review": m.ReviewStage},
    m.Stage: {"gate": m.Gate},
    m.Gate: {"require": m.GateCondition},
}


def _model_at(root: type[BaseModel], loc: Path_) -> type[BaseModel]:
    """The model class that owns the last field of `loc` (for did-you-mean hints)."""
    current = root
    for part in loc[:-1]:
        if isinstance(part, str):
            current = _FIELDS_OF.get(current, {}).get(part, current)
    return current


def describe(value: Any) -> Any:
    """A value found where another was expected: its kind, or itself (shortened)."""
    if isinstance(value, dict):
        return Phrase("a mapping")
    if isinstance(value, list):
        return Phrase("a list")
    if value is None:
        return Phrase("nothing")
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "…"


def _alternatives(expected: str) -> Any:
    """Pydantic's ``'a', 'b' or 'c'`` as a phrase, so the "or" is the reader's."""
    head, sep, last = expected.rpartition(" or ")
    if not sep:
        return expected
    return Phrase("{items} or {last}", items=Joined(head.split(", "), ", "), last=last)


def _limit(value: Any) -> Any:
    return Num(value, None) if isinstance(value, int | float) else value


_BOUNDS = {
    "greater_than_equal": "ge",
    "less_than_equal": "le",
    "greater_than": "gt",
    "less_than": "lt",
}


def _bound(kind: str, name: str, limit: Any, got: Any) -> Phrase:
    if kind == "greater_than_equal":
        return Phrase(
            "{name}: input should be greater than or equal to {limit}, got {got}",
            name=name,
            limit=limit,
            got=got,
        )
    if kind == "less_than_equal":
        return Phrase(
            "{name}: input should be less than or equal to {limit}, got {got}",
            name=name,
            limit=limit,
            got=got,
        )
    if kind == "greater_than":
        return Phrase(
            "{name}: input should be greater than {limit}, got {got}",
            name=name,
            limit=limit,
            got=got,
        )
    return Phrase(
        "{name}: input should be less than {limit}, got {got}", name=name, limit=limit, got=got
    )


def friendly(
    error: dict[str, Any], root: type[BaseModel], unnamed: str = "value"
) -> tuple[Path_, Any, bool]:
    """(location, message, point-at-key) for one pydantic error; `unnamed`: what the
    message calls a value with no field name (the record itself)."""
    loc: Path_ = tuple(p for p in error["loc"] if not (isinstance(p, str) and p == "[key]"))
    kind = error["type"]
    name = next((p for p in reversed(loc) if isinstance(p, str)), unnamed)
    value = error.get("input")
    ctx = error.get("ctx") or {}
    got = describe(value)
    if kind in ("extra_forbidden", "invalid_key"):
        # invalid_key: a key YAML read as a number (`12: x`), which no field is named
        if kind == "invalid_key":
            name = str(value)
        owner = _model_at(root, loc)
        close = closest(str(name), owner.model_fields)
        allowed = ", ".join(owner.model_fields)
        return (
            loc,
            Phrase(
                "unknown field {name}{hint}; allowed here: {allowed}",
                name=repr(name),
                hint=did_you_mean(close),
                allowed=allowed,
            ),
            True,
        )
    if kind == "missing":
        return loc[:-1], Phrase("missing required field {name}", name=repr(name)), False
    if kind == "literal_error":
        if name == "type":
            return (
                loc,
                Phrase(
                    "unknown question type {value}; use one of: {types}",
                    value=repr(value),
                    types=", ".join(m.QUESTION_TYPES),
                ),
                False,
            )
        expected = _alternatives(str(ctx.get("expected", "")))
        return (
            loc,
            Phrase(
                "{name}: {value} is not allowed; expected {expected}",
                name=name,
                value=got,
                expected=expected,
            ),
            False,
        )
    if kind in ("float_parsing", "float_type"):
        return loc, Phrase("{name}: expected a number, got {value}", name=name, value=got), False
    if kind == "text_mapping":  # texts.py: a translated text with no language
        return (
            loc,
            Phrase("{name}: a mapping of languages needs at least one, e.g. {{en: …}}", name=name),
            False,
        )
    if kind == "text_language":
        return (
            loc,
            Phrase(
                "{name}: {lang} is not a language code (use en, de, fr, de_CH…)",
                name=name,
                lang=ctx.get("lang", ""),
            ),
            False,
        )
    if kind == "text_translation":
        return (
            loc,
            Phrase(
                "{name}: the {lang} text must be non-empty text",
                name=name,
                lang=ctx.get("lang", ""),
            ),
            False,
        )
    if kind == "set_choice":  # model.Stage: a stage's question set, or one per kind
        return (
            loc,
            Phrase(
                "{name}: expected a set id or a mapping kind → set id, got {value}",
                name=name,
                value=got,
            ),
            False,
        )
    if kind == "set_id":
        return (
            loc,
            Phrase(
                "{name}: {value} is not a valid id (use lowercase letters, digits, - and _)",
                name=name,
                value=ctx.get("value", ""),
            ),
            False,
        )
    if kind == "set_for_kind":
        return (
            loc,
            Phrase(
                "{name}: {kind}: {value} is not a valid id (use lowercase letters, digits, - "
                "and _)",
                name=name,
                kind=ctx.get("kind", ""),
                value=ctx.get("value", ""),
            ),
            False,
        )
    if kind == "finite_number":  # .inf, .nan: never a weight, a score or a bound
        return (
            loc,
            Phrase("{name}: expected a finite number, got {value}", name=name, value=got),
            False,
        )
    if kind in ("int_parsing", "int_type", "int_from_float"):
        return (
            loc,
            Phrase("{name}: expected a whole number, got {value}", name=name, value=got),
            False,
        )
    if kind in ("bool_parsing", "bool_type"):
        return (
            loc,
            Phrase("{name}: expected true or false, got {value}", name=name, value=got),
            False,
        )
    if kind == "string_type":  # of a mapping's key (`min_section: {12: 40}`): at the key
        key = bool(error["loc"]) and error["loc"][-1] == "[key]"
        return loc, Phrase("{name}: expected text, got {value}", name=name, value=got), key
    if kind == "string_pattern_mismatch":
        if name in ("id", "questionnaire") and isinstance(value, str):
            if root is m.Pipeline or len(loc) == 1:
                said = Phrase(
                    "{name}: {value} is not a valid id (use lowercase letters, digits, - and _)",
                    name=name,
                    value=repr(value),
                )
            else:
                said = Phrase(
                    "{name}: {value} is not a valid id (use letters, digits and _, not "
                    "starting with a digit)",
                    name=name,
                    value=repr(value),
                )
            return loc, said, False
        return (
            loc,
            Phrase("{name}: {value} has the wrong form", name=name, value=repr(value)),
            False,
        )
    if kind == "list_type":
        return loc, Phrase("{name}: expected a list, got {value}", name=name, value=got), False
    if kind in ("dict_type", "model_type", "model_attributes_type"):
        return (
            loc,
            Phrase("{name}: expected a mapping of keys, got {value}", name=name, value=got),
            False,
        )
    if kind in ("too_short", "string_too_short"):
        return loc, Phrase("{name}: must not be empty", name=name), False
    if kind == "string_too_long" and "max_length" in ctx:
        n = ctx["max_length"]
        if n == 1:
            said = Phrase("{name}: too long (string should have at most 1 character)", name=name)
        else:
            said = Phrase(
                "{name}: too long (string should have at most {n} characters)",
                name=name,
                n=_limit(n),
            )
        return loc, said, False
    if kind == "too_long" and "max_length" in ctx:  # a list: languages
        return (
            loc,
            Phrase(
                "{name}: too many entries (at most {n}, got {got})",
                name=name,
                n=_limit(ctx["max_length"]),
                got=_limit(ctx.get("actual_length", len(value) if isinstance(value, list) else 0)),
            ),
            False,
        )
    if kind in _BOUNDS and _BOUNDS[kind] in ctx:
        return loc, _bound(kind, name, _limit(ctx[_BOUNDS[kind]]), got), False
    return loc, f"{name}: {error['msg']}", False  # a type not met so far: pydantic's English


def at_path(where: str, error: dict[str, Any], root: type[BaseModel]) -> Phrase:
    """One pydantic error of a record read from a file that is no question set (an
    export): ``where`` and the error's place as a JSON path, then the friendly message,
    the field's name said once (``prospects[0].interviews[0].answers.reps.state: 'bogus'
    is not allowed; expected …``)."""
    # the record itself wrong (not a mapping): named by `where`, not as "value"
    loc, message, _ = friendly(error, root, where or "value")

    def path(parts: Path_) -> str:
        text = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in parts)
        return where + text if where else text.removeprefix(".")

    if loc and isinstance(loc[-1], str) and str(message).startswith(f"{loc[-1]}: "):
        above = path(loc[:-1])
        return Joined((above, message), ".") if above else Joined((message,))
    if not loc and where and str(message).startswith(f"{where}: "):
        return Joined((message,))  # it names `where` itself
    place = path(loc)
    return Joined((place, message), ": ") if place else Joined((message,))

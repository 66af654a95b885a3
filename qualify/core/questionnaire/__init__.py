"""The question-set format, its loader and the safe condition language.

Pure: no I/O beyond reading the files it is given, and no Textual or TinyDB, so
`qualify validate` and `qualify score` start fast.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

_WHERE = {
    "answers": (
        "AnswerError",
        "AnswerInput",
        "AnswersError",
        "check_constraint",
        "constraint_context",
        "load_answers",
        "load_answers_bytes",
        "load_answers_text",
        "parse_cli_value",
        "validate_answer",
    ),
    "loader": (
        "Catalog",
        "QuestionSetError",
        "content_hash",
        "load_catalog",
        "load_pipeline",
        "load_question_set",
        "load_question_set_text",
        "parse_question_set",
    ),
    "model": ("Pipeline", "Question", "QuestionSet", "Section", "Stage"),
    "yamlsource": ("Problem",),
}
_MODULE = {name: module for module, names in _WHERE.items() for name in names}


def __getattr__(name: str) -> Any:
    """The names below, each imported from its module on first use: importing one module
    of the package (``texts`` for the app's words, ``model`` for a record) does not load
    the loader, the YAML reader and the condition language with it."""
    module = _MODULE.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(import_module(f"{__name__}.{module}"), name)
    globals()[name] = value
    return value


if TYPE_CHECKING:
    from qualify.core.questionnaire.answers import (
        AnswerError,
        AnswerInput,
        AnswersError,
        check_constraint,
        constraint_context,
        load_answers,
        load_answers_bytes,
        load_answers_text,
        parse_cli_value,
        validate_answer,
    )
    from qualify.core.questionnaire.loader import (
        Catalog,
        QuestionSetError,
        content_hash,
        load_catalog,
        load_pipeline,
        load_question_set,
        load_question_set_text,
        parse_question_set,
    )
    from qualify.core.questionnaire.model import Pipeline, Question, QuestionSet, Section, Stage
    from qualify.core.questionnaire.yamlsource import Problem

__all__ = [
    "AnswerError",
    "AnswerInput",
    "AnswersError",
    "Catalog",
    "Pipeline",
    "Problem",
    "Question",
    "QuestionSet",
    "QuestionSetError",
    "Section",
    "Stage",
    "check_constraint",
    "constraint_context",
    "content_hash",
    "load_answers",
    "load_answers_bytes",
    "load_answers_text",
    "load_catalog",
    "load_pipeline",
    "load_question_set",
    "load_question_set_text",
    "parse_cli_value",
    "parse_question_set",
    "validate_answer",
]

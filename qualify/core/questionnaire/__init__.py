"""The question-set format, its loader and the safe condition language.

Pure: no I/O beyond reading the files it is given, and no Textual or TinyDB, so
`qualify validate` and `qualify score` start fast.

The names below are imported from their modules when first asked for (PEP 562): using
sets from the cache (:mod:`qualify.setcache`) needs the models and the catalog, not the
loader's checks, so `qualify answer` never imports those.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

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
    from qualify.core.questionnaire.catalog import Catalog, content_hash
    from qualify.core.questionnaire.loader import (
        load_catalog,
        load_pipeline,
        load_question_set,
        load_question_set_text,
        parse_question_set,
    )
    from qualify.core.questionnaire.model import Pipeline, Question, QuestionSet, Section, Stage
    from qualify.core.questionnaire.yamlsource import Problem, QuestionSetError

_WHERE = {
    "AnswerError": "answers",
    "AnswerInput": "answers",
    "AnswersError": "answers",
    "check_constraint": "answers",
    "constraint_context": "answers",
    "load_answers": "answers",
    "load_answers_bytes": "answers",
    "load_answers_text": "answers",
    "parse_cli_value": "answers",
    "validate_answer": "answers",
    "Catalog": "catalog",
    "content_hash": "catalog",
    "QuestionSetError": "yamlsource",
    "load_catalog": "loader",
    "load_pipeline": "loader",
    "load_question_set": "loader",
    "load_question_set_text": "loader",
    "parse_question_set": "loader",
    "Pipeline": "model",
    "Question": "model",
    "QuestionSet": "model",
    "Section": "model",
    "Stage": "model",
    "Problem": "yamlsource",
}
"""Each name of the package → the module that defines it."""

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


def __getattr__(name: str) -> Any:
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(import_module(f"{__name__}.{module}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *_WHERE})

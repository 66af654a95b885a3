"""The question-set format, its loader and the safe condition language.

Pure: no I/O beyond reading the files it is given, and no Textual or TinyDB, so
`qualify validate` and `qualify score` start fast.
"""

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

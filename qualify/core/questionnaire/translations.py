"""Checks of a set's languages: every text in each language the set lists, and no other.

A language a text uses but the set does not list is an error (a typo such as `dee:`
would otherwise never be shown); a text without one of the listed languages is a
warning, at its place in the file, since the default language's text stands in for it
(a plain text without letters, such as a unit "%", is the same in every language).
"""

from __future__ import annotations

from pydantic import BaseModel

from qualify.core.phrase import Phrase
from qualify.core.questionnaire.model import Pipeline, QuestionSet
from qualify.core.questionnaire.texts import Text, texts
from qualify.core.questionnaire.yamlsource import Document


def check_translations(qs: QuestionSet | Pipeline, doc: Document) -> None:
    """Add the language problems of a set (or the pipeline) to `doc.problems`."""
    model: BaseModel = qs
    pipeline = isinstance(qs, Pipeline)
    languages = list(qs.languages or ())
    for i, language in enumerate(languages):
        if language in languages[:i]:
            doc.at(
                ("languages", i),
                Phrase("language {language} is listed twice", language=repr(language)),
            )
    listed = ", ".join(languages)
    for loc, text in texts(model):
        if isinstance(text, Text):
            for language in text.translations:
                if language in languages:
                    continue
                if not languages:
                    message = _no_languages(pipeline, ", ".join(text.translations))
                else:
                    message = _unlisted(pipeline, repr(language), listed)
                doc.at((*loc, language), message, key=True)
            missing = [lang for lang in languages if lang not in text.translations]
        elif any(ch.isalpha() for ch in text):
            missing = languages[1:]
        else:
            missing = []  # "%", "€", "1–5": no words, the same in every language
        if missing:
            doc.at(
                loc,
                _missing(pipeline, ", ".join(missing), listed, text_language(text, languages)),
                severity="warning",
            )


def _no_languages(pipeline: bool, found: str) -> Phrase:
    if pipeline:
        return Phrase(
            "a text in several languages needs the pipeline's languages: add "
            "`languages: [{found}]` (the default first)",
            found=found,
        )
    return Phrase(
        "a text in several languages needs the set's languages: add "
        "`languages: [{found}]` (the default first)",
        found=found,
    )


def _unlisted(pipeline: bool, language: str, listed: str) -> Phrase:
    if pipeline:
        return Phrase(
            "language {language} is not one of the pipeline's languages ({listed}); add it "
            "to `languages:` or correct it",
            language=language,
            listed=listed,
        )
    return Phrase(
        "language {language} is not one of the set's languages ({listed}); add it to "
        "`languages:` or correct it",
        language=language,
        listed=listed,
    )


def _missing(pipeline: bool, missing: str, listed: str, shown: str) -> Phrase:
    if pipeline:
        return Phrase(
            "missing translation: no {missing} text here (the pipeline's languages: "
            "{listed}); the {shown} text stands in",
            missing=missing,
            listed=listed,
            shown=shown,
        )
    return Phrase(
        "missing translation: no {missing} text here (the set's languages: {listed}); "
        "the {shown} text stands in",
        missing=missing,
        listed=listed,
        shown=shown,
    )


def text_language(text: str, languages: list[str]) -> str:
    """The language whose text is shown where a translation is missing."""
    if isinstance(text, Text):
        return next((lang for lang in languages if lang in text.translations), Phrase("first"))
    return languages[0] if languages else Phrase("default")

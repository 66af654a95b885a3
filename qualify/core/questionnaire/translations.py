"""Checks of a set's languages: every text in each language the set lists, and no other.

A language a text uses but the set does not list is an error (a typo such as `dee:`
would otherwise never be shown); a text without one of the listed languages is a
warning, at its place in the file, since the default language's text stands in for it.
"""

from __future__ import annotations

from pydantic import BaseModel

from qualify.core.questionnaire.model import Pipeline, QuestionSet
from qualify.core.questionnaire.texts import Text, texts
from qualify.core.questionnaire.yamlsource import Document


def check_translations(qs: QuestionSet | Pipeline, doc: Document) -> None:
    """Add the language problems of a set (or the pipeline) to `doc.problems`."""
    model: BaseModel = qs
    whose = "the pipeline's" if isinstance(qs, Pipeline) else "the set's"
    languages = list(qs.languages or ())
    for i, language in enumerate(languages):
        if language in languages[:i]:
            doc.at(("languages", i), f"language {language!r} is listed twice")
    listed = ", ".join(languages)
    for loc, text in texts(model):
        if isinstance(text, Text):
            for language in text.translations:
                if language in languages:
                    continue
                if not languages:
                    message = (
                        f"a text in several languages needs {whose} languages: add "
                        f"`languages: [{', '.join(text.translations)}]` (the default first)"
                    )
                else:
                    message = (
                        f"language {language!r} is not one of {whose} languages ({listed}); "
                        f"add it to `languages:` or correct it"
                    )
                doc.at((*loc, language), message, key=True)
            missing = [lang for lang in languages if lang not in text.translations]
        else:
            missing = languages[1:]
        if missing:
            doc.at(
                loc,
                f"missing translation: no {', '.join(missing)} text here ({whose} "
                f"languages: {listed}); the {text_language(text, languages)} text stands in",
                severity="warning",
            )


def text_language(text: str, languages: list[str]) -> str:
    """The language whose text is shown where a translation is missing."""
    if isinstance(text, Text):
        return next((lang for lang in languages if lang in text.translations), "first")
    return languages[0] if languages else "default"

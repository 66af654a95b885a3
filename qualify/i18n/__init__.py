"""qualify's own words in the user's language: a gettext catalog, and dates and numbers
formatted for the language (Babel).

The fixed words of reports and the app (headings, labels, hints) are marked with
:func:`_` and looked up in ``qualify/i18n/locale/<lang>/LC_MESSAGES/qualify.mo`` (English
and German ship; README "Languages" says how to add one). The texts of question sets
are not here: a set carries its own translations (``text: {en: …, de: …}``), resolved
by :func:`qualify.core.questionnaire.texts.localize`.

The language in use is a context variable set with :func:`use_language` around a
report or a screen, so nothing has to pass it through every call. English, the default,
formats exactly as :mod:`qualify.core.words` does.

Which language: the first given of ``--lang``, the prospect's own ``language``,
``$QUALIFY_LANG``, the config file's ``language:`` (:func:`choose_language`).
"""

from __future__ import annotations

import dataclasses
import gettext
import os
import re
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import date, datetime
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from qualify.core import words
from qualify.core.phrase import Phrase, render

if TYPE_CHECKING:
    from qualify.core.assess import Snapshots
    from qualify.core.questionnaire import Catalog, Pipeline, Problem, QuestionSet

DEFAULT_LANGUAGE = "en"
"""qualify's own language, the same as a question set's default
(:data:`qualify.core.questionnaire.texts.DEFAULT_LANGUAGE`; a test holds them equal):
said here, not imported, so that qualify's words do not load the question-set models
(pydantic) on the way to the app's first screen."""

LOCALE_DIR = Path(__file__).parent / "locale"
DOMAIN = "qualify"
CATALOGS: tuple[str, ...] = ("en", "de")
"""Languages qualify's own words are shipped in."""

ENV_VAR = "QUALIFY_LANG"

_language: ContextVar[str | None] = ContextVar("qualify_language", default=None)
_process = [DEFAULT_LANGUAGE]
"""The language of the whole process (the app's), where no block chose one: threads do
not inherit context variables, and the app's workers run in threads."""


def current() -> str:
    """The language in use (``en`` unless :func:`use_language` or :func:`set_language`
    says otherwise)."""
    return _language.get() or _process[0]


@contextmanager
def use_language(language: str | None) -> Iterator[str]:
    """Use `language` (None: the process's) for qualify's words and formats in the block."""
    token = _language.set(language)
    try:
        yield current()
    finally:
        _language.reset(token)


def set_language(language: str | None) -> None:
    """Use `language` from now on, in every thread (the app, for its whole run)."""
    _process[0] = language or DEFAULT_LANGUAGE


@cache
def translations(language: str) -> gettext.NullTranslations:
    """The compiled catalog of `language` (of its base language, `de` for `de_CH`);
    English words as they are when there is none."""
    return gettext.translation(
        DOMAIN, localedir=LOCALE_DIR, languages=[language, language[:2]], fallback=True
    )


def _(message: str) -> str:
    """`message` in the language in use."""
    return translations(current()).gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    return translations(current()).ngettext(singular, plural, n)


def counted(singular: str, plural: str, n: int) -> str:
    """`n` things in the language in use: counted("{n} item", "{n} items", 3)."""
    return ngettext(singular, plural, n).format(n=n)


def N_(message: str) -> str:
    """Marks `message` for the catalog where it is written; translated where it is shown."""
    return message


def english() -> bool:
    return current() == DEFAULT_LANGUAGE


def tr(text: Any) -> str:
    """A sentence of the core (a :class:`~qualify.core.phrase.Phrase`) in the language in
    use: its message id looked up in the catalog, its figures and dates formatted the
    language's way; a set's translated text in the language in use where it has it. Any
    other text comes back as it is."""
    if not isinstance(text, Phrase):
        translations = getattr(text, "translations", None)
        if isinstance(text, str) and isinstance(translations, Mapping) and not english():
            return _Formats().text(text, translations)
        return text
    if english():
        return str(text)
    return render(text, _, _Formats())


_SEVERITIES = {"warning": N_("warning"), "error": N_("error")}


def problem_text(problem: Problem, name: str | None = None) -> str:
    """A problem found in a file (a question set, the pipeline, an answer or config
    file) as ``file:line:col: message`` in the language in use, a warning tagged so
    (German ``Warnung:``); `name` stands for the path. ``str(problem)`` stays English."""
    return f"{name or problem.path}:{problem.line}:{problem.col}: {problem_message(problem)}"


def problem_message(problem: Problem) -> str:
    """What comes after a problem's place: its message, a warning's tag in front."""
    tag = "" if problem.severity == "error" else f"{severity_word(problem.severity)}: "
    return tag + tr(problem.message)


def severity_word(severity: str) -> str:
    """`warning` (German `Warnung`): the tag of a problem that is no error."""
    return _(_SEVERITIES[severity]) if severity in _SEVERITIES else severity


def error_text(exc: BaseException) -> str:
    """An error of the core in the language in use: every problem of a file it names
    (one ``file:line:col`` line each), else its message when that is a phrase, else
    its English text."""
    from qualify.core.questionnaire.yamlsource import Problem

    problems = getattr(exc, "problems", None)
    if problems and all(isinstance(p, Problem) for p in problems):
        return "\n".join(problem_text(p) for p in problems)
    problem = getattr(exc, "problem", None)
    if isinstance(problem, Problem):
        return problem_text(problem)
    message = exc.args[0] if len(exc.args) == 1 else None
    return tr(message) if isinstance(message, str) else str(exc)


class _Formats:
    """Figures and dates inside a phrase, as the language in use writes them."""

    def number(self, value: float, decimals: int | None, fixed: bool) -> str:
        from babel.numbers import format_decimal

        if decimals is None:
            pattern = "0.##########"
        else:
            pattern = "#,##0" + ("." + ("0" if fixed else "#") * decimals if decimals else "")
        return format_decimal(value, pattern, locale=_locale())

    def date(self, value: date | datetime) -> str:
        return fmt_date(value)

    def datetime(self, value: datetime) -> str:
        return fmt_datetime(value)

    def text(self, value: str, translations: Mapping[str, str]) -> str:
        language = current()
        for code in (language, re.split(r"[_-]", language, maxsplit=1)[0]):
            if translations.get(code):
                return translations[code]
        return str(value)  # not translated: as the set was read


# ---------------------------------------------------------------- formats


def _locale() -> str:
    return _known_locale(current())


@cache
def _known_locale(code: str) -> str:
    """The Babel locale that writes dates and numbers for `code`: itself, else its
    language (de_XX: de), else English. A set may speak a language Babel has no data for
    (`languages: [en, xx]`); its texts are shown, its figures written the English way."""
    from babel import Locale, UnknownLocaleError

    name = code.replace("-", "_")
    for candidate in (name, name.split("_", 1)[0]):
        try:
            Locale.parse(candidate)
        except (ValueError, UnknownLocaleError):
            continue
        return candidate
    return "en"


def _plain_figures() -> bool:
    """Figures and dates written qualify's English way (10,000; 11%; 2026-12-04): in
    English, and in a language Babel has no data for (its texts may still be shown)."""
    return english() or _locale() == "en"


def fmt_date(value: datetime | date | None) -> str:
    """A date as the language writes it (English: YYYY-MM-DD, as ever; German: 01.03.2015)."""
    if value is None or _plain_figures():
        return words.fmt_date(value)
    from babel.dates import format_date

    return format_date(value, "medium", locale=_locale())


def fmt_datetime(value: datetime | None) -> str:
    """A date and time to the minute, as the language writes it (English: YYYY-MM-DD
    HH:MM, as ever; German: 02.12.2026, 13:51)."""
    if value is None or _plain_figures():
        return words.fmt_datetime(value)
    from babel import Locale
    from babel.dates import format_date, format_time

    locale = Locale.parse(_locale())
    day = format_date(value, "medium", locale=locale)
    time = format_time(value, "short", tzinfo=value.tzinfo, locale=locale)
    return str(locale.datetime_formats["medium"]).replace("{1}", day).replace("{0}", time)


def fmt_num(value: float | None) -> str:
    """A weight or points figure without needless decimals (German: 2,5; 1.200)."""
    if value is None or _plain_figures():
        return words.fmt_num(value)
    from babel.numbers import format_decimal

    return format_decimal(value, "#,##0.###", locale=_locale())


def fmt_count(n: int) -> str:
    """A count with its thousands grouped (10,000; German: 10.000)."""
    if _plain_figures():
        return f"{n:,}"
    from babel.numbers import format_decimal

    return format_decimal(n, "#,##0", locale=_locale())


def fmt_score(score: float | None) -> str:
    """A score with one decimal (German: 72,5)."""
    if score is None or _plain_figures():
        return words.fmt_score(score)
    from babel.numbers import format_decimal

    return format_decimal(score, "0.0", locale=_locale())


def fmt_fixed(value: float, decimals: int) -> str:
    """A figure with exactly `decimals` decimals (a ratio: 0.80; German 0,80)."""
    return (
        _Formats().number(value, decimals, True)
        if not _plain_figures()
        else f"{value:.{decimals}f}"
    )


def fmt_signed(value: float, decimals: int) -> str:
    """A change with its sign and `decimals` decimals (+2.5, -1.0; German +2,5)."""
    if _plain_figures():
        return f"{value:+.{decimals}f}"
    return ("+" if value >= 0 else "") + fmt_fixed(value, decimals)


def fmt_size(size: int) -> str:
    """A file's size with the language's decimal separator (14.2 KB; German 14,2 KB)."""
    return tr(words.size_phrase(size))


def fmt_pct(value: float | None) -> str:
    if value is None or _plain_figures():
        return words.fmt_pct(value)
    from babel.numbers import format_percent

    return format_percent(value, "#,##0 %", locale=_locale())


def language_name(code: str) -> str:
    """A language's name in the language in use (de: "German"; in German "Deutsch")."""
    from babel import Locale, UnknownLocaleError

    try:
        return Locale.parse(code.replace("-", "_")).get_display_name(_locale()) or code
    except (ValueError, UnknownLocaleError):
        return code


# ---------------------------------------------------------------- choosing


class LanguageError(ValueError):
    """A language code that is not one (`--lang german`)."""


def checked(code: str | None, where: str) -> str | None:
    """`code` when it is a language code (en, de, de_CH); LanguageError naming `where`."""
    from qualify.core.questionnaire.language_codes import is_language

    if code is None or code == "":
        return None
    if not is_language(code):
        raise LanguageError(f"{where}: {code!r} is not a language code (use en, de, de_CH…)")
    return code


def config_language(path: Path | None = None) -> str | None:
    """`language:` of the config file (``qualify paths`` prints where it is); None when
    the file or the key is absent or unreadable (the app names what is wrong)."""
    from qualify.core.questionnaire.language_codes import is_language
    from qualify.paths import config_setting

    value = config_setting("language", path)
    return value if isinstance(value, str) and is_language(value) else None


def choose_language(
    option: str | None = None,
    prospect: str | None = None,
    *,
    environ: dict[str, str] | os._Environ[str] | None = None,
    config: Path | None = None,
) -> str | None:
    """The language to use: `--lang`, else the prospect's own language, else
    $QUALIFY_LANG, else the config file's `language:`; None when none is given (each set
    then speaks its default language, qualify English)."""
    environ = os.environ if environ is None else environ
    return (
        checked(option, "--lang")
        or (prospect or None)
        or checked(environ.get(ENV_VAR) or None, f"${ENV_VAR}")
        or config_language(config)
    )


# ---------------------------------------------------------------- question sets


def localized_sets(sets: Mapping[str, QuestionSet], language: str | None) -> dict[str, QuestionSet]:
    """Each set with its texts in `language` (its own default language where it lacks
    one); sets in one language come back as they are."""
    from qualify.core.questionnaire.texts import localize

    return {key: localize(qs, language, qs.language) for key, qs in sets.items()}


def catalog_languages(catalog: Catalog) -> tuple[str, ...]:
    """Every language the catalog's question sets and pipeline declare, in the order met
    (each set's default first): the languages a prospect's own language may be."""
    found: dict[str, None] = {}
    for item in (catalog.pipeline, *catalog.question_sets.values()):
        for code in getattr(item, "languages", None) or ():
            found.setdefault(code)
    return tuple(found)


def localized_catalog(catalog: Catalog, language: str | None) -> Catalog:
    """The catalog with every set's texts in `language` (the same catalog when None)."""
    if language is None:
        return catalog
    from qualify.core.questionnaire.texts import localize

    pipeline = catalog.pipeline
    if pipeline is not None:
        pipeline = localize(pipeline, language, pipeline.language)
    return dataclasses.replace(
        catalog, question_sets=localized_sets(catalog.question_sets, language), pipeline=pipeline
    )


def band_word(band: str | None) -> str | None:
    """A breakdown's band as said to the reader: a knock-out's ("Not a fit", qualify's
    word, not a set's) in the language in use; a set's band as scoring gave it (in the
    language its set was localized to)."""
    return _("Not a fit") if band == words.KNOCKED_OUT_BAND else band


def band_words(question_sets: Iterable[QuestionSet], language: str | None) -> dict[str, str]:
    """A band's label as the prospects list stores it (its set's first language) → its
    label in `language`, where the set translates it (the app's table, `prospect list`);
    the stored label stays as it is where the set does not. A knock-out's band is
    qualify's word, said in `language`."""
    from qualify.core.questionnaire.texts import resolve

    found: dict[str, str] = {}
    if not language:
        return found
    for qs in question_sets:
        for band in qs.effective_bands:
            stored = resolve(band.label, qs.language, qs.language)
            shown = resolve(band.label, language, qs.language)
            if shown != stored:
                found.setdefault(stored, shown)
    with use_language(language):
        knocked_out = band_word(words.KNOCKED_OUT_BAND)
    if knocked_out != words.KNOCKED_OUT_BAND:
        found.setdefault(words.KNOCKED_OUT_BAND, knocked_out or "")
    return found


def stage_title(pipeline: Pipeline | None, stage_id: str) -> str:
    """The title of a stage (the review too) in the language in use (the pipeline's own
    language where it has no translation); the id when the pipeline has no such stage."""
    if pipeline is None:
        return stage_id
    from qualify.core.questionnaire.texts import localize

    stages = [*pipeline.stages, *([pipeline.review] if pipeline.review is not None else [])]
    for stage in stages:
        if stage.id == stage_id:
            return str(localize(stage, current(), pipeline.language).title)
    return stage_id


def localized_snapshots(snapshots: Snapshots, language: str | None) -> Snapshots:
    if language is None:
        return snapshots
    return dataclasses.replace(snapshots, sets=localized_sets(snapshots.sets, language))

"""What every command shares: the global options resolved lazily, and one-line errors.

Nothing heavy is imported here: a command imports the store, the core or the reports
only when it runs, so `qualify validate` and `qualify score` start fast.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from datetime import datetime
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

import click

from qualify.core.errors import QualifyError
from qualify.core.safe_text import visible

if TYPE_CHECKING:
    from qualify.core.questionnaire import Catalog, QuestionSet
    from qualify.core.records import Prospect, ProspectRecords
    from qualify.store.base import Store
    from qualify.workflow.qualifier import Qualifier


class Env:
    """What the global options resolve to, computed only when a command asks."""

    def __init__(
        self,
        data_dir: str | None,
        questionnaires: str | None,
        store_url: str | None = None,
        lang: str | None = None,
    ) -> None:
        self.lang_option = language_option(lang, "--lang")
        """--lang: wins over every other choice of language."""
        self._data_dir_option = data_dir
        self._questionnaires_option = questionnaires
        self.store_url = store_url or None
        """A postgresql:// URL (--store or $QUALIFY_STORE), or None for the workspace."""
        self._store: Store | None = None
        self.prospect_language: str | None = None
        """The language of the prospect the command is about, once read (:meth:`read`):
        what goes wrong after that is said in it, as what goes right is."""

    @cached_property
    def data_dir(self) -> Path:
        from qualify import paths

        return paths.data_dir(self._data_dir_option)

    @cached_property
    def questionnaires(self) -> tuple[Path, str]:
        from qualify import paths

        return paths.questionnaires_dir(self._questionnaires_option, self.data_dir)

    @cached_property
    def user_language(self) -> str | None:
        """The user's standing choice: $QUALIFY_LANG, else the config file's `language:`
        (a prospect's own language wins over it, --lang over everything)."""
        from qualify.i18n import LanguageError, choose_language

        try:
            return choose_language()
        except LanguageError as exc:
            fail(str(exc), 2)

    def language_for(self, prospect_language: str | None = None) -> str | None:
        """The language to use: --lang, the prospect's own, $QUALIFY_LANG, the config."""
        return self.lang_option or prospect_language or self.user_language

    @property
    def words_language(self) -> str | None:
        """The language of qualify's messages for the whole command: --lang, else
        $QUALIFY_LANG or the config; a wrong $QUALIFY_LANG is named only by a command
        that needs the language (English messages until then)."""
        return words_language(self.lang_option)

    def read(self, prospect_id: str) -> ProspectRecords:
        """The records of the prospect the command is about (an id or a prefix), read
        once; from here on its errors too are said in the prospect's language."""
        records = self.qualifier.read(prospect_id)
        if self.prospect_language is None:  # (compare: the first one named)
            self.prospect_language = records.prospect.language or None
        return records

    def resolve(self, prospect_id: str) -> Prospect:
        """The prospect the command is about: :meth:`read`, its facts."""
        return self.read(prospect_id).prospect

    @contextmanager
    def about(self, prospect_language: str | None) -> Iterator[str | None]:
        """qualify's messages in the language of a command about one prospect (--lang,
        its own, $QUALIFY_LANG, the config); the sets' texts stay as they are."""
        from qualify.i18n import use_language

        with use_language(self.language_for(prospect_language)) as language:
            yield language

    @contextmanager
    def speaking(
        self, qualifier: Qualifier, prospect_language: str | None = None
    ) -> Iterator[str | None]:
        """Speak the prospect's language (--lang, its own, $QUALIFY_LANG, the config) in
        the block: qualify's words, dates and numbers, and the sets' texts of what
        `qualifier` shows (answers are kept by value in every language)."""
        from qualify.i18n import use_language

        language = self.language_for(prospect_language)
        qualifier.speak(language)
        with use_language(language):
            yield language

    @cached_property
    def catalog(self) -> Catalog:
        from qualify.setcache import load_catalog

        folder, source = self.questionnaires
        if not folder.is_dir():
            if source == "workspace":
                message = _(
                    "the workspace's questionnaires/ {folder}: question-set folder not found"
                )
            elif source == "bundled":
                message = _("bundled {folder}: question-set folder not found")
            else:
                message = source + " " + _("{folder}: question-set folder not found")
            fail(message.format(folder=folder), 2)
        return load_catalog(folder)

    @property
    def store(self) -> Store:
        if self._store is None:
            from qualify.store import open_store

            with loading():
                if self.store_url:
                    self._store = open_store(url=self.store_url)
                else:
                    self._store = open_store(self.data_dir)
        return self._store

    @cached_property
    def qualifier(self) -> Qualifier:
        from qualify.paths import workspace_user
        from qualify.workflow.qualifier import Qualifier

        # On a server, who answers is the database login (Qualifier takes it from the store).
        user = "" if self.store_url else workspace_user()
        return Qualifier(self.store, self.catalog, user=user)

    def close(self) -> None:
        if self._store is not None:
            self._store.close()
            self._store = None


@contextmanager
def loading() -> Iterator[None]:
    """A command loading what it keeps to its end (the store's modules, pydantic's
    validators): the cyclic collector rests meanwhile and never scans it again after,
    as for what the process's start built (:func:`qualify.cli.main.run`)."""
    import gc

    from qualify.core.collector import collector_paused

    with collector_paused():
        yield
    gc.freeze()


def say(text: object = "", *, err: bool = False, nl: bool = True) -> None:
    """Print our words; the user's text inside them (names, answers, reasons, question
    sets) has its control characters and escape sequences made visible, so nothing
    typed can clear the screen, retitle the window or hide itself."""
    click.echo(visible(text), err=err, nl=nl)


def cell(text: object) -> str:
    """A table cell or a one-line field: also line breaks made visible (⏎), so a name
    with a newline in it cannot forge a row."""
    return visible(text, one_line=True)


def _(message: str) -> str:
    """`message` in the language in use (qualify.i18n loads when a word is said)."""
    from qualify import i18n

    return i18n._(message)


def N_(message: str) -> str:
    """Marks `message` for the catalog where it is written; translated where it is shown."""
    return message


def tr(text: object) -> str:
    """A core sentence (a Phrase) in the language in use; other text as it is."""
    from qualify import i18n

    return i18n.tr(text)


def fail(message: str, code: int = 1) -> NoReturn:
    """One clear line on stderr and a non-zero exit: never a traceback. A Phrase is said
    in the language in use."""
    say(_("qualify: error: {message}").format(message=cell(tr(message))), err=True)
    sys.exit(code)


def warn(message: str) -> None:
    """`qualify: warning: …` on stderr, in the language in use."""
    say(_("qualify: warning: {message}").format(message=cell(tr(message))), err=True)


PROBLEMS_EXIT = 5
"""Done, with problems: something that could not be read was skipped (README, "Exit status")."""


def warn_skipped(ctx: click.Context, *, done: bool = True) -> int:
    """Print what the store skipped on the way (an unreadable prospect file…), one warning
    each, naming the file and the fix; returns how many."""
    env = ctx.find_object(Env)
    store = env._store if env is not None else None
    problems = store.unreadable() if store is not None else []
    for problem in problems:
        warn(problem)
    if problems and done:
        say(
            _(
                "qualify: done, with {n} problem(s): the rest was done "
                "(`qualify doctor` checks the whole workspace)"
            ).format(n=len(problems)),
            err=True,
        )
    return len(problems)


class QualifyGroup(click.Group):
    """Turns every user-facing error into one line; anything else is reported as a bug.

    A command that finished but had to skip something unreadable on the way ends with
    the warnings and status 5 (PROBLEMS_EXIT)."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            result = super().invoke(ctx)
            if warn_skipped(ctx):
                sys.exit(PROBLEMS_EXIT)
            return result
        except QualifyError as exc:
            warn_skipped(ctx, done=False)
            _fail_with(ctx, exc)
        except click.exceptions.NoArgsIsHelpError:
            raise  # the help asked for by giving nothing
        except click.UsageError as exc:
            _usage(ctx, exc)
        except (click.exceptions.Exit, click.ClickException, click.Abort, SystemExit):
            raise
        except KeyboardInterrupt:
            click.echo(_("qualify: interrupted"), err=True)
            sys.exit(130)
        except BrokenPipeError:
            # The reader went away (`qualify prospect list | head`): stop quietly.
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
            sys.exit(141)
        except OSError as exc:
            warn_skipped(ctx, done=False)
            name = getattr(exc, "filename", None)
            fail(f"{name}: {exc.strerror or exc}" if name else f"{exc.strerror or exc}")
        except Exception as exc:
            if os.environ.get("QUALIFY_DEBUG"):
                raise
            fail(
                _(
                    "internal error: {error} (please report it; QUALIFY_DEBUG=1 shows the "
                    "traceback)"
                ).format(error=f"{type(exc).__name__}: {exc}"),
                70,
            )

    def make_context(
        self,
        info_name: str | None,
        args: list[str],
        parent: click.Context | None = None,
        **extra: Any,
    ) -> click.Context:
        """The group's own options read: a mistake in them (`qualify --bogus`) is said
        in one line too, in the user's language (--lang is not read yet)."""
        try:
            return super().make_context(info_name, args, parent, **extra)
        except click.exceptions.NoArgsIsHelpError:
            raise
        except click.UsageError as exc:
            _usage(parent, exc)


def words_language(lang_option: str | None) -> str | None:
    """qualify's messages' language: `lang_option` (--lang), else $QUALIFY_LANG or the
    config; None (English) while a wrong $QUALIFY_LANG waits for a command that needs
    the language to name it."""
    from qualify.i18n import LanguageError, choose_language

    try:
        return lang_option or choose_language()
    except LanguageError:
        return None


def _usage(ctx: click.Context | None, exc: click.UsageError) -> NoReturn:
    """A command line used wrongly, in one line (:mod:`qualify.cli.usage`): in the
    command's language once the group has read it, else in the user's."""
    from qualify.cli.usage import fail_usage

    env = ctx.find_object(Env) if ctx is not None else None
    if env is not None:
        language = env.language_for(env.prospect_language)
    else:  # before the group's own code ran: its --lang, if read, else the user's
        given = ctx.find_root().params.get("lang") if ctx is not None else None
        try:
            checked = language_option(given, "--lang")
        except click.UsageError:  # a wrong --lang: said once the rest is right
            checked = None
        language = words_language(checked)
    command = None  # the command being read when the error came: its help says how
    if ctx is not None:
        command = " ".join(filter(None, (ctx.command_path, ctx.invoked_subcommand)))
    fail_usage(exc, language, command)


def _fail_with(ctx: click.Context, exc: QualifyError) -> NoReturn:
    """The error as one line in the command's language (--lang, the prospect's own once
    read, $QUALIFY_LANG, the config): a question set's or answer file's problems one
    `file:line:col` line each."""
    from qualify.i18n import error_text, use_language

    env = ctx.find_object(Env)
    language = env.language_for(env.prospect_language) if env is not None else None
    with use_language(language):
        fail(error_text(exc), exc.exit_code)


pass_env = click.make_pass_decorator(Env)


def read_answers(
    path: Path,
    option: str,
    question_set: QuestionSet,
    context: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """An answer file, or standard input for `-` (errors then name `<stdin>:line`).

    Constraints are checked against today's date and `context` (answers already given)."""
    from qualify.core.questionnaire import load_answers, load_answers_bytes
    from qualify.core.questionnaire.answers import ANSWER_LIMITS

    today = datetime.now().astimezone().date

    if str(path) == "-":
        data = sys.stdin.buffer.read(ANSWER_LIMITS.max_bytes + 1)
        return load_answers_bytes(data, "<stdin>", question_set, today=today(), context=context)
    must_exist(path, option)
    return load_answers(path, question_set, today=today(), context=context)


def language_option(code: str | None, option: str) -> str | None:
    """A language code given on the command line (`--lang de`); a usage error otherwise."""
    if not code:
        return None
    from qualify.core.questionnaire.language_codes import is_language

    if not is_language(code):
        fail(f"{option} {code}: " + _("not a language code (use en, de, de_CH…)"), 2)
    return code


def must_exist(path: Path, option: str) -> None:
    """A missing input file is a usage mistake: name the option that pointed at it.
    (A pipe, such as `<(command)`, is read like a file.)"""
    if path.is_dir():
        fail(f"{option} {path}: " + _("is a folder"), 2)
    if not path.exists():
        fail(f"{option} {path}: " + _("no such file"), 2)

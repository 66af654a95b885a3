"""The base of every error a user can act on.

The CLI prints these as one line and exits non-zero; the TUI shows them as a
notification. Anything else is a bug and is reported as one.
"""

from __future__ import annotations


class QualifyError(Exception):
    """A problem with the user's input or environment, explained in its message."""

    exit_code = 1

    @classmethod
    def located(cls, problem: object) -> QualifyError:
        """The error of one problem in a file (a
        :class:`~qualify.core.questionnaire.yamlsource.Problem`): English as
        ``str(problem)``; the shell says it at its ``file:line:col`` in the reader's
        language (``qualify.i18n.error_text`` reads ``.problem``)."""
        error = cls(str(problem))
        error.problem = problem  # type: ignore[attr-defined]
        return error

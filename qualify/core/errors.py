"""The base of every error a user can act on.

The CLI prints these as one line and exits non-zero; the TUI shows them as a
notification. Anything else is a bug and is reported as one.
"""


class QualifyError(Exception):
    """A problem with the user's input or environment, explained in its message."""

    exit_code = 1

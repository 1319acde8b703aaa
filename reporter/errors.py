"""Errors the user can fix, each with the exit code of spec section 6.

Raise these with a message key of the catalogue (:mod:`reporter.i18n`) and its params; the
CLI renders them as one plain line in the run's language, never a traceback.
"""

from __future__ import annotations

from typing import Any

EXIT_INPUT = 2
EXIT_OUTPUT = 3
# A bug in the reporter, not the user's input or output: EX_SOFTWARE of sysexits.h.
# The launchers keep 4 for "Python or the install failed".
EXIT_BUG = 70


def os_detail(error: BaseException) -> str:
    """What went wrong, for a one-line message: the system's words for an OSError
    ("Permission denied"), else the error's own text, else its type's name."""
    if isinstance(error, OSError) and error.strerror:
        return error.strerror
    return str(error) or type(error).__name__


class ReporterError(Exception):
    """A problem to tell the user in one line, with an exit code."""

    exit_code = EXIT_INPUT

    def __init__(self, key: str, /, **params: Any) -> None:
        super().__init__(key)
        self.key = key
        self.params = params

    def render(self, lang: str = "ja") -> str:
        from reporter.i18n import text

        return text(self.key, lang, **self.params)


class InputError(ReporterError):
    """The input or the command line is wrong: exit 2."""

    exit_code = EXIT_INPUT


class OutputError(ReporterError):
    """The output could not be written or sent: exit 3."""

    exit_code = EXIT_OUTPUT

"""Errors the user can fix, each with the exit code of spec section 6.

Raise these with a message key from :mod:`reporter.i18n` and its params; the
CLI renders them as one plain line in the run's language, never a traceback.
"""

from __future__ import annotations

from typing import Any

EXIT_OK = 0
EXIT_FINDINGS = 1
EXIT_INPUT = 2
EXIT_OUTPUT = 3


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

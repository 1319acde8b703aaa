"""The log file written beside the report when run from a launcher (``--log``).

Lines are collected during the run and written at the end, success or not, so
a failed scheduled run leaves a trace. Every line passes through the secret
masking, so no secret from the register reaches the log, and loses its control
characters and escape sequences, so that viewing the log in a terminal (``cat``,
``tail -f``) shows what was written and nothing else. The lines are appended
through :func:`reporter.files.append_text`: to a plain file only, never through
a symbolic link in the output folder to a file elsewhere.
"""

from __future__ import annotations

import contextlib
import sys
from datetime import datetime
from pathlib import Path

from reporter import i18n
from reporter.files import NotAPlainFile, append_text
from reporter.output.terminal import for_terminal, printable


class RunLog:
    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled
        self.lines: list[str] = []

    def add(self, text: str, masked: bool = False) -> None:
        """Log ``text``; ``masked`` when its register values are masked already (not its paths)."""
        if not self.enabled:
            return
        stamp = datetime.now().astimezone().isoformat(timespec="seconds")
        for line in str(text).splitlines() or [""]:
            self.lines.append(f"{stamp} {printable(line) if masked else for_terminal(line)}")

    def write(self, path: Path, lang: str = "ja") -> Path | None:
        """Append the collected lines to ``path``; a log that cannot be written is not fatal."""
        if not self.enabled or not self.lines:
            return None
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            append_text(path, "\n".join(self.lines) + "\n")
        except NotAPlainFile:
            with contextlib.suppress(Exception):
                line = i18n.text("log_not_a_plain_file", lang, path=str(path))
                print(for_terminal(line), file=sys.stderr)
            return None
        except OSError as error:
            with contextlib.suppress(Exception):
                print(for_terminal(f"log: {path}: {error.strerror}"), file=sys.stderr)
            return None
        return path

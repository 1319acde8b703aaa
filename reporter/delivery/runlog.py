"""The log file written beside the report when run from a launcher (``--log``).

Lines are collected during the run and written at the end, success or not, so
a failed scheduled run leaves a trace. Every line passes through the secret
masking, so no secret from the register reaches the log, and loses its control
characters and escape sequences, so that viewing the log in a terminal (``cat``,
``tail -f``) shows what was written and nothing else.
"""

from __future__ import annotations

import contextlib
import sys
from datetime import datetime
from pathlib import Path

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

    def write(self, path: Path) -> Path | None:
        """Append the collected lines to ``path``; a log that cannot be written is not fatal."""
        if not self.enabled or not self.lines:
            return None
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            with path.open("a", encoding="utf-8") as handle:
                handle.write("\n".join(self.lines) + "\n")
        except OSError as error:
            with contextlib.suppress(Exception):
                print(for_terminal(f"log: {path}: {error.strerror}"), file=sys.stderr)
            return None
        return path

"""What was sent, across runs: the reminders and the Chatwork tasks (standard library sqlite3).

The state file (``[remind] state``, default ``reminders.sqlite``; a relative
path is under the config's ``output_dir``, else the report folder) holds:

- ``reminders``: one row per (finding, threshold, channel) a channel
  accepted. A reminder is recorded only after its channel accepted it, in one
  transaction per post: a send that is refused or interrupted records nothing,
  so the next run sends it again. A kill between the service's answer and the
  commit sends that post twice (the next run repeats it); no reminder is ever
  lost. That is the choice: at least once, never silently dropped.
- ``chatwork_tasks``: one row per (finding, room) whose task Chatwork
  accepted, with the task ids it returned: a finding gets its task once.

A finding is known by the identity the calendar's UIDs come from
(:func:`reporter.comparison.finding_key`, hashed): the same finding is
the same key next month, whatever its row number.
"""

from __future__ import annotations

import hashlib
import sqlite3
from collections.abc import Iterable
from datetime import date, datetime
from pathlib import Path

from reporter.comparison import finding_key
from reporter.config import Config
from reporter.errors import OutputError, os_detail
from reporter.output.flat import Row

_SCHEMA = """
CREATE TABLE IF NOT EXISTS reminders (
    finding TEXT NOT NULL,
    threshold TEXT NOT NULL,
    channel TEXT NOT NULL,
    sent_on TEXT NOT NULL,
    PRIMARY KEY (finding, threshold, channel)
);
CREATE TABLE IF NOT EXISTS chatwork_tasks (
    finding TEXT NOT NULL,
    room_id INTEGER NOT NULL,
    task_ids TEXT NOT NULL,
    made_on TEXT NOT NULL,
    PRIMARY KEY (finding, room_id)
);
"""


def finding_id(row: Row) -> str:
    """A finding's stable key: the hash the calendar's event UIDs are made of."""
    key = finding_key(row.code, row.sheet, row.record_id, row.cell)
    return hashlib.sha256(key.encode()).hexdigest()[:32]


def state_path(config: Config, fallback_folder: Path) -> Path:
    """Where the state file is: ``[remind] state``, under output_dir when relative."""
    value = Path(config.remind.state)
    if value.is_absolute():
        return value
    output_dir = config.resolve(config.output_dir)
    folder = Path(output_dir) if output_dir else fallback_folder
    return folder / value


class State:
    """The state file, opened for one run."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self.db = sqlite3.connect(self.path, timeout=30)
            self.db.executescript(_SCHEMA)
        except (sqlite3.Error, OSError) as error:
            raise OutputError(
                "state_unusable", path=str(self.path), detail=_detail(error)
            ) from None

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> State:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- reminders ---

    def sent_reminders(self, channel: str) -> set[tuple[str, str]]:
        rows = self.db.execute(
            "SELECT finding, threshold FROM reminders WHERE channel = ?", (channel,)
        )
        return {(finding, threshold) for finding, threshold in rows}

    def record_reminders(
        self, channel: str, keys: Iterable[tuple[str, str]], sent_on: date
    ) -> None:
        """Record what ``channel`` accepted, in one transaction."""
        try:
            with self.db:
                self.db.executemany(
                    "INSERT OR IGNORE INTO reminders VALUES (?, ?, ?, ?)",
                    [
                        (finding, threshold, channel, sent_on.isoformat())
                        for finding, threshold in keys
                    ],
                )
        except sqlite3.Error as error:
            raise OutputError(
                "state_unusable", path=str(self.path), detail=_detail(error)
            ) from None

    # --- Chatwork tasks ---

    def has_task(self, finding: str, room_id: int) -> bool:
        row = self.db.execute(
            "SELECT 1 FROM chatwork_tasks WHERE finding = ? AND room_id = ?", (finding, room_id)
        ).fetchone()
        return row is not None

    def record_task(self, finding: str, room_id: int, task_ids: str) -> None:
        try:
            with self.db:
                self.db.execute(
                    "INSERT OR REPLACE INTO chatwork_tasks VALUES (?, ?, ?, ?)",
                    (finding, room_id, task_ids, datetime.now().isoformat(timespec="seconds")),
                )
        except sqlite3.Error as error:
            raise OutputError(
                "state_unusable", path=str(self.path), detail=_detail(error)
            ) from None


def _detail(error: BaseException) -> str:
    return os_detail(error) if isinstance(error, OSError) else str(error) or type(error).__name__

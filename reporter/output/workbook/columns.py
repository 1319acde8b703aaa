"""The columns of the findings tables: header, kind of value, where the value comes from."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from reporter import i18n
from reporter.comparison import Status
from reporter.i18n import pick
from reporter.output.flat import SEVERITY_LABEL, Row
from reporter.output.workbook.cells import safe
from reporter.register.schema import SHEET_BY_KEY

WRAP_CAP = 56  # widest a wrapped long-text column gets, in character widths


@dataclass(frozen=True)
class Column:
    header: str  # i18n key
    kind: str  # text | wrap | date | number | days | status
    value: Callable[[Row, str], Any]
    cap: int = 30
    minimum: int = 6


def sheet_label(key: str, lang: str) -> str:
    spec = SHEET_BY_KEY.get(key)
    if spec is None:
        return key
    return spec.ja if lang == "ja" else spec.en


def place(row: Row, lang: str) -> str:
    """Sheet!cell of a finding, or the workbook."""
    if not row.sheet and not row.sheet_name:
        return i18n.text("workbook", lang)
    name = safe(row.sheet_name) or sheet_label(row.sheet, lang)
    return f"{name}!{row.cell}" if row.cell else name


def severity_text(row: Row, lang: str) -> str:
    return pick(SEVERITY_LABEL[row.severity], lang)


def status_text(status: Status, lang: str) -> str:
    """新規 / 継続(3か月): what the Status column shows."""
    if status.new:
        return i18n.text("xl_status_new", lang)
    if status.months_open == 1:
        return i18n.text("xl_status_open_one", lang)
    return i18n.text("xl_status_open", lang, months=status.months_open)


SEVERITY = Column("xl_col_severity", "text", severity_text, cap=10, minimum=6)
CODE = Column("xl_col_code", "text", lambda r, lang: r.code, minimum=7)
TITLE = Column("xl_col_title", "wrap", lambda r, lang: r.title, cap=20)
RECORD = Column("xl_col_record", "wrap", lambda r, lang: safe(r.record_id), cap=12)
OWNER = Column("xl_col_owner", "wrap", lambda r, lang: safe(r.owner), cap=12)
DUE = Column("xl_col_due", "date", lambda r, lang: r.due, minimum=11)
DAYS = Column("xl_col_days", "days", lambda r, lang: r.days_overdue, minimum=10)
PLACE = Column("xl_col_place", "wrap", place, cap=14)
SHEET = Column(
    "xl_col_sheet",
    "text",
    lambda r, lang: safe(r.sheet_name) or sheet_label(r.sheet, lang),
    cap=20,
)
ROW = Column("xl_col_row", "number", lambda r, lang: r.row, minimum=5)
# The status depends on the previous report, not on the row: filled in by the
# findings sheet from the comparison.
STATUS = Column("xl_col_status", "status", lambda r, lang: "", cap=16, minimum=8)
CELL = Column("xl_col_cell", "text", lambda r, lang: r.cell, minimum=5)
MESSAGE = Column("xl_col_message", "wrap", lambda r, lang: safe(r.message), cap=WRAP_CAP)
ACTION = Column("xl_col_action", "wrap", lambda r, lang: safe(r.action), cap=WRAP_CAP)
EXCEPTED = Column(
    "xl_col_excepted", "wrap", lambda r, lang: safe(r.exception) if r.excepted else "", cap=24
)

FINDING_COLUMNS: tuple[Column, ...] = (
    SEVERITY,
    CODE,
    TITLE,
    RECORD,
    OWNER,
    DUE,
    DAYS,
    STATUS,
    PLACE,
    MESSAGE,
    ACTION,
    EXCEPTED,
)
# The register's maintainer fixes cells: sheet, row and cell get a column each.
PROBLEM_COLUMNS: tuple[Column, ...] = (
    SEVERITY,
    CODE,
    TITLE,
    SHEET,
    ROW,
    CELL,
    RECORD,
    OWNER,
    DUE,
    DAYS,
    STATUS,
    MESSAGE,
    ACTION,
    EXCEPTED,
)

"""Formats and the typed cell writers every cell of the report goes through.

No text is ever written with ``worksheet.write`` (which guesses formulas and
links): :meth:`Sheet.text` uses ``write_string`` and marks text starting with a
formula character with ``quote_prefix``, so that editing the cell in Excel keeps
it text. Register-derived text is passed through
:func:`reporter.masking.redact` once more (:func:`safe`), so a secret that
slipped into a field the engine does not mask (an owner, an exception reason) is
masked too.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from xlsxwriter.format import Format
from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import Worksheet

from reporter.masking import redact
from reporter.model import Severity
from reporter.output.flat import Row

# Light fills for table rows and strong colours for the chart, per severity.
ROW_FILL = {Severity.ERROR: "#F8D7DA", Severity.WARNING: "#FFF2CC", Severity.INFO: "#DDEBF7"}
CHART_FILL = {Severity.ERROR: "#C0392B", Severity.WARNING: "#F0A30A", Severity.INFO: "#2E75B6"}
SEVERITIES = (Severity.ERROR, Severity.WARNING, Severity.INFO)
HEADER_FILL = "#1F3864"
BORDER_COLOR = "#BFBFBF"
DATE_FORMAT = "yyyy-mm-dd"
# Days overdue stays a number (sortable, filterable); the format reads it out:
# positive = late, negative = days left, zero = due today.
DAYS_FORMAT = {
    "ja": '0"日超過";"あと"0"日";"当日"',
    "en": '0" days late";"in "0" days";"due today"',
}
# Meiryo UI ships with every Windows since Vista and is compact for Japanese;
# elsewhere the viewer substitutes a Japanese font. 11 pt, Excel's own size: at
# 10 pt LibreOffice (25.2, IPA Gothic) fits rows a little short of what it then
# prints, and the last line of a tall row is cut (tests/test_print_clipping.py).
FONT = {"font_name": "Meiryo UI", "font_size": 11}
HEADER_ROW_HEIGHT = 33.0  # a table's header row: two lines of 11 pt bold

# A text starting with one of these becomes a formula (or DDE call) when a user
# edits the cell in Excel; full-width forms included because Japanese Excel
# converts ＝ typed through the IME as well.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n", "＝", "＋", "－", "＠")

TITLE_ROW = 0
HEADER_ROW = 1  # findings and rules tables: a title line, then the header
FIRST_DATA_ROW = 2

SECTION_ROW_HEIGHT = 20.0  # a section title's row, 12 pt with a rule under it

# Row styles shared by the sheets.
GRID: dict[str, Any] = {"border": 1, "border_color": BORDER_COLOR}
LABEL: dict[str, Any] = {"bold": True, "font_color": "#404040"}
SECTION: dict[str, Any] = {
    "bold": True,
    "font_size": 12,
    "font_color": HEADER_FILL,
    "bottom": 2,
    "bottom_color": HEADER_FILL,
}


def needs_quote_prefix(text: str) -> bool:
    return text.startswith(FORMULA_STARTS)


def safe(text: str | None) -> str:
    """Register-derived text, with any secret-looking part masked once more."""
    return redact(text) if text else ""


def header_props() -> dict[str, Any]:
    return {
        "bold": True,
        "font_color": "#FFFFFF",
        "bg_color": HEADER_FILL,
        "border": 1,
        "border_color": BORDER_COLOR,
        "text_wrap": True,
        "valign": "vcenter",
    }


def severity_props(severity: Severity) -> dict[str, Any]:
    return {
        "bg_color": ROW_FILL[severity],
        "border": 1,
        "border_color": BORDER_COLOR,
        "valign": "top",
    }


def row_props(row: Row) -> dict[str, Any]:
    props = severity_props(row.severity)
    if row.excepted:
        # Still listed, but visibly set aside: the team accepted it.
        props["font_color"] = "#7F7F7F"
        props["italic"] = True
    return props


class Formats:
    """Formats by their properties, created once each (Excel caps the number of styles)."""

    def __init__(self, workbook: Workbook) -> None:
        self._workbook = workbook
        self._cache: dict[tuple[tuple[str, Any], ...], Format] = {}

    def get(self, **props: Any) -> Format:
        key = tuple(sorted(props.items()))
        found = self._cache.get(key)
        if found is None:
            found = self._workbook.add_format({**FONT, **props})
            self._cache[key] = found
        return found


class Sheet:
    """One worksheet and the typed writers every cell goes through."""

    def __init__(self, ws: Worksheet, formats: Formats, lang: str) -> None:
        self.ws = ws
        self.formats = formats
        self.lang = lang
        # Rows whose height is set or estimated (for page breaks); others take the default.
        self.heights: dict[int, float] = {}

    def set_height(self, row: int, height: float) -> None:
        self.heights[row] = height
        self.ws.set_row(row, height)

    def text(self, row: int, col: int, value: Any, **props: Any) -> None:
        """Write ``value`` as text, never as a formula or a link."""
        text = "" if value is None else str(value)
        if not text:
            self.blank(row, col, **props)
            return
        if needs_quote_prefix(text):
            props["quote_prefix"] = True
        self.ws.write_string(row, col, text, self.formats.get(**props))

    def number(self, row: int, col: int, value: float | None, **props: Any) -> None:
        if value is None:
            self.blank(row, col, **props)
        else:
            self.ws.write_number(row, col, value, self.formats.get(**props))

    def day(self, row: int, col: int, value: date | None, **props: Any) -> None:
        if value is None:
            self.blank(row, col, **props)
        else:
            self.ws.write_datetime(
                row, col, value, self.formats.get(num_format=DATE_FORMAT, **props)
            )

    def blank(self, row: int, col: int, **props: Any) -> None:
        # A blank with a format keeps the row's colour and borders across the table.
        if props:
            self.ws.write_blank(row, col, None, self.formats.get(**props))

    def section(self, row: int, title: str, columns: int) -> None:
        """A section title with a rule under it across ``columns`` columns."""
        for c in range(columns):
            self.blank(row, c, **SECTION)
        self.text(row, 0, title, **SECTION)
        # Written as fitted, like every height (Excel and LibreOffice 25.2 fit the row
        # to its 12 pt text themselves); a program that fits no row needs it too.
        self.set_height(row, SECTION_ROW_HEIGHT)

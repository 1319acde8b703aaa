"""The findings sheets: one Excel table per category, most urgent first."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date

from xlsxwriter.format import Format

from reporter import i18n
from reporter.comparison import Status
from reporter.model import Category, Severity
from reporter.output.flat import Row
from reporter.output.workbook.bulk import RowSheet
from reporter.output.workbook.cells import (
    DATE_FORMAT,
    DAYS_FORMAT,
    FIRST_DATA_ROW,
    HEADER_ROW,
    HEADER_ROW_HEIGHT,
    TITLE_ROW,
    Sheet,
    header_props,
    needs_quote_prefix,
    row_props,
)
from reporter.output.workbook.columns import (
    FINDING_COLUMNS,
    PROBLEM_COLUMNS,
    Column,
    status_text,
)
from reporter.output.workbook.sizing import row_height, widths


def _earliest_due_first(rows: list[Row]) -> list[Row]:
    # Most overdue first; excepted ones (accepted by the team) after the rest;
    # the engine's urgency order breaks ties (sorted() is stable).
    return sorted(rows, key=lambda r: (r.excepted, r.due is None, r.due or date.max))


def _as_is(rows: list[Row]) -> list[Row]:
    return rows  # already in the engine's urgency order


@dataclass(frozen=True)
class FindingSheet:
    name: str  # i18n key of the sheet name
    title: str  # i18n key of the line above the table
    table: str  # Excel table name (ASCII, unique in the workbook)
    categories: tuple[Category, ...]
    columns: tuple[Column, ...]
    order: Callable[[list[Row]], list[Row]]


FINDING_SHEETS: tuple[FindingSheet, ...] = (
    FindingSheet(
        "xl_sheet_renewals",
        "xl_title_renewals",
        "Renewals",
        (Category.RENEWAL,),
        FINDING_COLUMNS,
        _earliest_due_first,
    ),
    FindingSheet(
        "xl_sheet_revocations",
        "xl_title_revocations",
        "Revocations",
        (Category.REVOCATION,),
        FINDING_COLUMNS,
        _as_is,
    ),
    FindingSheet(
        "xl_sheet_followups",
        "xl_title_followups",
        "FollowUps",
        (Category.FOLLOW_UP,),
        FINDING_COLUMNS,
        _as_is,
    ),
    FindingSheet(
        "xl_sheet_problems",
        "xl_title_problems",
        "RegisterProblems",
        (Category.REGISTER, Category.SECURITY),
        PROBLEM_COLUMNS,
        _as_is,
    ),
)

# Columns whose values are written as they are: a day, or a number.
_TYPED_KINDS = frozenset({"date", "number", "days"})
# Per cell of a row style: (format of a value, of a blank, of text that needs a quote prefix).
_CellFormats = tuple[Format, Format, Format]


def _cell_formats(
    sheet: Sheet, columns: Sequence[Column], row: Row, new: bool
) -> list[_CellFormats]:
    """The formats of each cell of a findings row in ``row``'s style."""
    get = sheet.formats.get
    result = []
    for column in columns:
        props = row_props(row)
        if column.kind == "status" and new:
            props["bold"] = True  # new findings stand out: what changed is what a reader seeks
        if column.kind == "date":
            blank = get(**props)
            value = get(num_format=DATE_FORMAT, **props)
        elif column.kind == "days":
            blank = value = get(num_format=DAYS_FORMAT[sheet.lang], **props)
        else:
            if column.kind == "wrap":
                props["text_wrap"] = True
            blank = value = get(**props)
        result.append((value, blank, get(quote_prefix=True, **props)))
    return result


def write_findings(
    sheet: Sheet,
    spec: FindingSheet,
    rows: list[Row],
    as_of: date,
    statuses: dict[int, Status],
) -> None:
    """The title line, then the table of ``rows``; ``statuses`` by ``id(row)``."""
    ws = sheet.ws
    # Tens of thousands of rows: added whole (see bulk.py), below the title and header.
    assert isinstance(ws, RowSheet)
    lang = sheet.lang
    headers = [i18n.text(c.header, lang) for c in spec.columns]
    excepted = sum(1 for r in rows if r.excepted)
    count = i18n.text("xl_count", lang, count=len(rows), excepted=excepted, as_of=as_of.isoformat())
    # One unwrapped line: it reads across the empty cells to its right.
    sheet.text(TITLE_ROW, 0, f"{i18n.text(spec.title, lang)}  {count}", bold=True, font_size=12)
    ws.set_row(TITLE_ROW, 22)
    # The status column holds a few texts (新規, 継続(2か月)…): each is worded once.
    status_texts: dict[tuple[bool, int], str] = {}

    def status_of(row: Row) -> str:
        status = statuses[id(row)]
        key = (status.new, status.months_open)
        text = status_texts.get(key)
        if text is None:
            text = status_texts[key] = status_text(status, lang)
        return text

    values = [
        [
            status_of(row) if column.kind == "status" else column.value(row, lang)
            for column in spec.columns
        ]
        for row in rows
    ]
    column_widths = widths(spec.columns, headers, values)

    last_row = FIRST_DATA_ROW + max(len(rows), 1) - 1
    header_format = sheet.formats.get(**header_props())
    ws.add_table(
        HEADER_ROW,
        0,
        last_row,
        len(spec.columns) - 1,
        {
            "name": spec.table,
            "style": "Table Style Light 1",
            "banded_rows": False,
            "columns": [{"header": h, "header_format": header_format} for h in headers],
        },
    )
    ws.set_row(HEADER_ROW, HEADER_ROW_HEIGHT)
    wrapped = [c for c, column in enumerate(spec.columns) if column.kind == "wrap"]
    kinds = [column.kind for column in spec.columns]
    # A large register has tens of thousands of findings: the formats of each row
    # style are looked up once, and each row is added whole. Text that would start a
    # formula gets the quote-prefix format, as Sheet.text gives it.
    styles: dict[tuple[Severity, bool, bool], list[_CellFormats]] = {}
    for r, (row, row_values) in enumerate(zip(rows, values, strict=True), start=FIRST_DATA_ROW):
        new = statuses[id(row)].new
        style = (row.severity, row.excepted, new)
        cell_formats = styles.get(style)
        if cell_formats is None:
            cell_formats = styles[style] = _cell_formats(sheet, spec.columns, row, new)
        cells: list[tuple[object, Format]] = []
        for c, value in enumerate(row_values):
            value_format, blank_format, quoted_format = cell_formats[c]
            if value is None or value == "":
                cells.append((None, blank_format))
            elif kinds[c] in _TYPED_KINDS:
                cells.append((value, value_format))
            else:
                text = str(value)
                cells.append((text, quoted_format if needs_quote_prefix(text) else value_format))
        height = row_height([(row_values[c], column_widths[c]) for c in wrapped])
        ws.add_row(r, cells, height)
    if not rows:
        # xlsxwriter needs one data row in a table; it carries the "nothing found" note,
        # unwrapped so it reads across the empty cells beside it.
        sheet.text(FIRST_DATA_ROW, 0, i18n.text("xl_none", lang), italic=True)
    for c, w in enumerate(column_widths):
        wrap = spec.columns[c].kind == "wrap"
        ws.set_column(c, c, w, sheet.formats.get(text_wrap=True) if wrap else None)
    ws.freeze_panes(FIRST_DATA_ROW, 0)

"""The hidden sheet next month's report compares with (layout: :mod:`reporter.comparison`)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import date

from xlsxwriter.format import Format

from reporter.comparison import (
    CELL_LIMIT,
    FINDING_FIELDS,
    FORMAT_VERSION,
    JSON_HEADER,
    MAGIC,
    MESSAGE_LIMIT,
    TREND_FIELDS,
    Cell,
    Comparison,
    key_of,
)
from reporter.masking import redact
from reporter.output.flat import Row
from reporter.output.workbook.bulk import RowSheet
from reporter.output.workbook.cells import DATE_FORMAT, Sheet, needs_quote_prefix
from reporter.result import CheckResult


def history_cells(
    result: CheckResult, rows: Sequence[Row], comparison: Comparison, register_name: str
) -> list[list[Cell]]:
    """The hidden sheet as a grid of plain values (text, numbers, dates), row by row.

    ``rows`` are the report's rendered rows, one per finding in ``result``'s
    order; their texts are what the report shows, masked once more here.
    """
    grid: list[list[Cell]] = [
        [MAGIC, FORMAT_VERSION],
        ["as_of", result.as_of],
        ["register", register_name],  # a file name: shown as given, never masked
        ["findings", len(result.findings)],
        [JSON_HEADER, *FINDING_FIELDS],
    ]
    for finding, row, status in zip(result.findings, rows, comparison.statuses, strict=True):
        fields = [
            key_of(finding),
            finding.column,
            finding.code,
            finding.severity.value,
            finding.sheet,
            finding.cell,
            redact(finding.record_id),
            redact(row.owner),
            redact(row.title),
            redact(row.message)[:MESSAGE_LIMIT],
            status.first_seen.isoformat(),
            status.months_open,
            1 if finding.excepted else 0,
        ]
        grid.append([_json_row(fields)])
    points = [
        (point.as_of, category, severity, count)
        for point in comparison.trend
        for (category, severity), count in point.counts.items()
    ]
    grid.append(["trend", len(points)])
    grid.append(list(TREND_FIELDS))
    grid.extend(
        [day, category.value, severity.value, count] for day, category, severity, count in points
    )
    return grid


def _json_row(fields: list[str | int]) -> str:
    """A finding as one cell: a JSON array, its texts shortened when it would not fit.

    Only a register with ids or names thousands of characters long comes near the
    limit; such a finding may then not be matched next month, which is all it costs.
    """
    text = _encode(fields)
    limit = 2_000
    while len(text) > CELL_LIMIT and limit > 0:
        text = _encode([f[:limit] if isinstance(f, str) else f for f in fields])
        limit //= 2
    return text


# json.dumps(..., ensure_ascii=False) builds an encoder per call: one for every finding.
_encode = json.JSONEncoder(ensure_ascii=False).encode


def write_history(sheet: Sheet, grid: list[list[Cell]]) -> None:
    """Write the grid of :func:`history_cells`, typed, and hide the sheet.

    Plain hidden (not "very hidden"): whoever wonders what the report carries
    can unhide it in Excel; the protection only guards against a slip of the
    keyboard, which would spoil next month's comparison.
    """
    ws = sheet.ws
    assert isinstance(ws, RowSheet)
    # One row per finding, added whole (see bulk.py); the formats are looked up once.
    quoted = sheet.formats.get(quote_prefix=True)
    day = sheet.formats.get(num_format=DATE_FORMAT)
    for r, values in enumerate(grid):
        cells: list[tuple[object, Format | None]] = []
        for value in values:
            if isinstance(value, str):
                # Masked already by history_cells; masking the keys again here
                # could change them and break next month's matching.
                cells.append((value, quoted if needs_quote_prefix(value) else None))
            elif isinstance(value, date):
                cells.append((value, day))
            elif isinstance(value, int | float) and not isinstance(value, bool):
                cells.append((value, None))
            else:
                cells.append((None, None))
        ws.add_row(r, cells)
    ws.set_column(0, 0, 40)
    ws.set_column(1, len(FINDING_FIELDS), 14)
    ws.protect()
    ws.hide()

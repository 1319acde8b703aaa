"""The hidden sheet next month's report compares with (layout: :mod:`reporter.delivery.history`)."""

from __future__ import annotations

from datetime import date

from xlsxwriter.format import Format

from reporter.delivery import history
from reporter.output.workbook.bulk import BulkSheet
from reporter.output.workbook.cells import DATE_FORMAT, Sheet, needs_quote_prefix


def write_history(sheet: Sheet, grid: list[list[history.Cell]]) -> None:
    """Write the grid of :func:`reporter.delivery.history.history_cells`, typed, and hide the sheet.

    Plain hidden (not "very hidden"): whoever wonders what the report carries
    can unhide it in Excel; the protection only guards against a slip of the
    keyboard, which would spoil next month's comparison.
    """
    ws = sheet.ws
    assert isinstance(ws, BulkSheet)
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
    ws.set_column(1, len(history.FINDING_FIELDS), 14)
    ws.protect()
    ws.hide()

"""The hidden sheet next month's report compares with (layout: :mod:`reporter.delivery.history`)."""

from __future__ import annotations

from datetime import date

from reporter.delivery import history
from reporter.output.workbook.cells import DATE_FORMAT, Sheet, needs_quote_prefix


def write_history(sheet: Sheet, grid: list[list[history.Cell]]) -> None:
    """Write the grid of :func:`reporter.delivery.history.history_cells`, typed, and hide the sheet.

    Plain hidden (not "very hidden"): whoever wonders what the report carries
    can unhide it in Excel; the protection only guards against a slip of the
    keyboard, which would spoil next month's comparison.
    """
    ws = sheet.ws
    # One row per finding: written with the formats looked up once, since a
    # large register has tens of thousands of findings.
    quoted = sheet.formats.get(quote_prefix=True)
    day = sheet.formats.get(num_format=DATE_FORMAT)
    for r, values in enumerate(grid):
        for c, value in enumerate(values):
            if isinstance(value, str):
                # Masked already by history_cells; masking the keys again here
                # could change them and break next month's matching.
                if value:
                    ws.write_string(r, c, value, quoted if needs_quote_prefix(value) else None)
            elif isinstance(value, date):
                ws.write_datetime(r, c, value, day)
            elif isinstance(value, int | float):
                ws.write_number(r, c, value)
    ws.set_column(0, 0, 40)
    ws.set_column(1, len(history.FINDING_FIELDS), 14)
    ws.protect()
    ws.hide()

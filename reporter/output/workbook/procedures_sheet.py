"""The Procedures sheet: the full steps of every procedure the findings' actions name, once.

A finding's next step (次の対応) is one short instruction ending with a procedure's
id (「手順 R1」); this sheet holds that procedure's menu path, buttons, what
happens to the old key, what to record afterwards, its source and the date it
was checked (reporter/procedures.toml), one row each, in order of first use.
"""

from __future__ import annotations

from datetime import date

from reporter import i18n
from reporter.output.workbook.cells import (
    BORDER_COLOR,
    FIRST_DATA_ROW,
    HEADER_ROW,
    HEADER_ROW_HEIGHT,
    TITLE_ROW,
    Sheet,
    header_props,
)
from reporter.output.workbook.sizing import fit_row
from reporter.procedures import procedures_used
from reporter.result import CheckResult
from reporter.text_width import widest_line

# (header key, the dict's key, width, wrap): the steps get the room. A wide steps
# column wraps into fewer lines, and the page, one sheet wide, is scaled to fit it:
# the sheet prints on about half the pages a narrow one took.
_COLUMNS: tuple[tuple[str, str, float, bool], ...] = (
    ("procedures_col_id", "id", 9, False),
    ("procedures_col_platform", "platform", 9, True),
    ("procedures_col_screen", "screen", 20, True),
    ("procedures_col_steps", "steps", 96, True),
    ("procedures_col_source", "source", 44, True),
    ("procedures_col_checked", "checked", 11, False),
)


def write_procedures(sheet: Sheet, result: CheckResult) -> None:
    """One row per procedure the findings use (none: the sheet says so in its title row)."""
    ws = sheet.ws
    lang = sheet.lang
    used = procedures_used(result.findings, lang, result.settings.procedures)
    headers = [i18n.text(key, lang) for key, _, _, _ in _COLUMNS]
    sheet.text(TITLE_ROW, 0, i18n.text("xl_title_procedures", lang), bold=True, font_size=12)
    ws.set_row(TITLE_ROW, 22)
    header_format = sheet.formats.get(**header_props())
    ws.add_table(
        HEADER_ROW,
        0,
        FIRST_DATA_ROW + max(len(used), 1) - 1,
        len(headers) - 1,
        {
            "name": "Procedures",
            "style": "Table Style Light 1",
            "banded_rows": False,
            "columns": [{"header": h, "header_format": header_format} for h in headers],
        },
    )
    ws.set_row(HEADER_ROW, HEADER_ROW_HEIGHT)
    cell = {"border": 1, "border_color": BORDER_COLOR, "valign": "top"}
    for r, item in enumerate(used, start=FIRST_DATA_ROW):
        for c, (_, key, _, wrap) in enumerate(_COLUMNS):
            props = dict(cell, text_wrap=True) if wrap else dict(cell)
            if key == "checked":
                sheet.day(r, c, date.fromisoformat(item[key]), **props)
            else:
                sheet.text(r, c, item[key], **props)
        fit_row(ws, r, [(item[key], width) for _, key, width, wrap in _COLUMNS if wrap])
    for c, (_, _, width, _) in enumerate(_COLUMNS):
        header_width = widest_line(headers[c]) + 3
        ws.set_column(c, c, float(max(width, header_width)))
    ws.freeze_panes(FIRST_DATA_ROW, 0)

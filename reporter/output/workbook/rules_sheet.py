"""The Rules sheet: each rule, the platform values it uses and their sources."""

from __future__ import annotations

from datetime import date
from typing import Any

from reporter import i18n
from reporter.i18n import pick
from reporter.model import Severity
from reporter.output import catalogue
from reporter.output.flat import SEVERITY_LABEL
from reporter.output.workbook.cells import (
    BORDER_COLOR,
    FIRST_DATA_ROW,
    HEADER_ROW,
    ROW_FILL,
    TITLE_ROW,
    Sheet,
    header_props,
)
from reporter.output.workbook.sizing import fit_row, value_width
from reporter.result import CheckResult
from reporter.text_width import widest_line

# One row per rule and parameter in force, the rule's columns repeated, so that
# each value sits beside its own source and a filter on the code shows them all.
_RULE_COLUMNS: tuple[tuple[str, int, bool], ...] = (  # (header key, widest, wrap)
    ("xl_col_code", 8, False),
    ("xl_col_severity", 8, False),
    ("xl_col_title", 30, True),
    ("xl_col_reads", 24, True),
    ("xl_col_params", 34, True),
    ("xl_col_value", 44, True),
    ("xl_col_source", 40, True),
    ("xl_col_url", 50, True),
    ("xl_col_checked", 11, False),
)


def write_rules(sheet: Sheet, result: CheckResult) -> None:
    ws = sheet.ws
    lang = sheet.lang
    headers = [i18n.text(key, lang) for key, _, _ in _RULE_COLUMNS]
    table = _rule_rows(result, lang)

    sheet.text(TITLE_ROW, 0, i18n.text("xl_title_rules", lang), bold=True, font_size=12)
    ws.set_row(TITLE_ROW, 22)
    header_format = sheet.formats.get(**header_props())
    ws.add_table(
        HEADER_ROW,
        0,
        FIRST_DATA_ROW + max(len(table), 1) - 1,
        len(headers) - 1,
        {
            "name": "Rules",
            "style": "Table Style Light 1",
            "banded_rows": False,
            "columns": [{"header": h, "header_format": header_format} for h in headers],
        },
    )
    ws.set_row(HEADER_ROW, 30)
    widths = []
    for c, (_, cap, _) in enumerate(_RULE_COLUMNS):
        widest = max(
            [widest_line(headers[c]) + 3, *(value_width(v[c], "text") + 1 for _, v in table)]
        )
        widths.append(float(max(6, min(cap, widest))))
    cell = {"border": 1, "border_color": BORDER_COLOR, "valign": "top"}
    for r, (severity, values) in enumerate(table, start=FIRST_DATA_ROW):
        for c, value in enumerate(values):
            props = dict(cell)
            if c == 1:
                props["bg_color"] = ROW_FILL[severity]
            if _RULE_COLUMNS[c][2]:
                props["text_wrap"] = True
            if isinstance(value, date):
                sheet.day(r, c, value, **props)
            else:
                sheet.text(r, c, value, **props)
        wrapped = [(values[c], widths[c]) for c, col in enumerate(_RULE_COLUMNS) if col[2]]
        fit_row(ws, r, wrapped)
    for c, w in enumerate(widths):
        ws.set_column(c, c, w)
    ws.freeze_panes(FIRST_DATA_ROW, 0)


def _rule_rows(result: CheckResult, lang: str) -> list[tuple[Severity, list[Any]]]:
    table: list[tuple[Severity, list[Any]]] = []
    for entry in catalogue.entries(result.settings, lang):
        rule_cells = [
            entry.code,
            pick(SEVERITY_LABEL[Severity(entry.severity)], lang),
            entry.title,
            entry.sheets,
        ]
        parameters = entry.parameters or (None,)
        for p in parameters:
            if p is None:
                facts: list[Any] = ["", "", "", "", None]
            else:
                # The URL stays plain text: no cell of the report is a link (spec section 5).
                facts = [p.name, p.value, p.source_title, p.source_url, _iso_date(p.checked)]
            table.append((Severity(entry.severity), rule_cells + facts))
    return table


def _iso_date(text: str) -> date | None:
    """A checked date as a real date; a value from the config file has none ("None")."""
    try:
        return date.fromisoformat(text)
    except (TypeError, ValueError):
        return None

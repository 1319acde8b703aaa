"""The Rules sheet: each rule, the platform values it uses and their sources."""

from __future__ import annotations

import re
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
    HEADER_ROW_HEIGHT,
    ROW_FILL,
    TITLE_ROW,
    Sheet,
    header_props,
)
from reporter.output.workbook.sizing import fit_row, value_width
from reporter.result import CheckResult
from reporter.text_width import display_width, widest_line

# One row per rule: the values it uses in words (「楽天ライセンスキーの有効期間: 90日」), each
# on its own line, and beside them the sources of those values, line for line. The
# screens and steps of the actions (rules.toml's "where" texts) are procedures: they
# and their sources print once, in the Procedures sheet, not here with every rule.
_RULE_COLUMNS: tuple[tuple[str, int, bool], ...] = (  # (header key, widest, wrap)
    ("xl_col_code", 8, False),
    ("xl_col_severity", 8, False),
    ("xl_col_title", 36, True),
    ("xl_col_reads", 12, True),
    ("xl_col_value", 48, True),
    ("xl_col_source", 44, True),
    ("xl_col_checked", 11, False),
)
# Texts the actions are made of (where to click, what to gather before calling
# support): steps, not values; they print once, with the procedures.
_PROCEDURE_FACTS = ("where.", "support_evidence", "support_urgent_warning")


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
    ws.set_row(HEADER_ROW, HEADER_ROW_HEIGHT)
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
        values = [p for p in entry.parameters if not p.name.startswith(_PROCEDURE_FACTS)]
        checked = [d for d in (_iso_date(p.checked) for p in values) if d is not None]
        table.append(
            (
                Severity(entry.severity),
                [
                    entry.code,
                    pick(SEVERITY_LABEL[Severity(entry.severity)], lang),
                    entry.title,
                    entry.sheets,
                    "\n".join(value_in_words(p, lang) for p in values),
                    "\n".join(dict.fromkeys(_source(p) for p in values)),
                    min(checked, default=None),  # the oldest check: when to look again
                ],
            )
        )
    return table


def value_in_words(parameter: catalogue.Parameter, lang: str) -> str:
    """「楽天ライセンスキーの有効期間: 90日」: a value as a person reads it, never its key."""
    key = fact_label_key(parameter.name)
    return i18n.text(key or "xl_fact_unnamed", lang, value=parameter.value)


def fact_label_key(name: str) -> str | None:
    """The catalogue key that says fact ``name`` in words: its own, else its group's
    (every [changes.*] entry reads the same way); None when there is neither."""
    for key in (name, name.split(".", 1)[0]):
        candidate = "xl_fact_" + key.replace(".", "_")
        if candidate in i18n.TEXTS:
            return candidate
    return None


_SOURCE_WIDTH = 42  # half-width columns: one line of the 出典 column


def _source(parameter: catalogue.Parameter) -> str:
    """The first source's name, short: the full titles and URLs are in `reporter rules`
    and docs/rules.md. A value from the config file has none."""
    title = re.split(r"\s*/\s*|\s*[(（]", parameter.source_title or "-")[0].strip()
    if display_width(title) <= _SOURCE_WIDTH:
        return title
    while display_width(title) > _SOURCE_WIDTH - 2:
        title = title[:-1]
    return title + "…"


def _iso_date(text: str) -> date | None:
    """A checked date as a real date; a value from the config file has none ("None")."""
    try:
        return date.fromisoformat(text)
    except (TypeError, ValueError):
        return None

"""The Summary's two charts: actions by category and severity, and the trend."""

from __future__ import annotations

import math
from typing import Any

from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import Worksheet

from reporter import i18n
from reporter.output.workbook.cells import BORDER_COLOR, CHART_FILL, DATE_FORMAT, FONT, SEVERITIES

CHART_ROWS = 16  # the counts chart's height in default rows (20 px each)
TREND_CHART_ROWS = 13  # the trend chart's height in default rows
_CHART_COLUMN = 5  # both charts stand in column F, right of the tables


def insert_counts_chart(
    workbook: Workbook,
    ws: Worksheet,
    lang: str,
    table_rows: tuple[int, int, int],
    anchor_row: int,
    widest: int,
) -> None:
    """A stacked bar of actions by category and severity, read from the counts table.

    ``table_rows`` are the counts table's header, first and last category rows;
    ``widest`` the largest category total, which sets whole-number gridlines.
    """
    header_row, first_row, last_row = table_rows
    name = ws.get_name()
    chart = workbook.add_chart({"type": "bar", "subtype": "stacked"})
    for c, severity in enumerate(SEVERITIES, start=1):
        chart.add_series(
            {
                "name": [name, header_row, c],
                "categories": [name, first_row, 0, last_row, 0],
                "values": [name, first_row, c, last_row, c],
                "fill": {"color": CHART_FILL[severity]},
                "border": {"color": "#FFFFFF"},
                "gap": 60,
                # Zero segments get no label: "0;-0;;" has an empty zero section.
                "data_labels": {
                    "value": True,
                    "num_format": "0;-0;;",
                    "font": {"color": "#FFFFFF", "bold": True, **_chart_font()},
                },
            }
        )
    chart.set_title(
        {
            "name": i18n.text("xl_chart_title", lang),
            "name_font": {"size": 12, "bold": True, **_chart_font()},
        }
    )
    # Categories top-down in the table's order, the value axis at the bottom.
    chart.set_y_axis({"reverse": True, "crossing": "max", "num_font": _chart_font()})
    chart.set_x_axis(_value_axis(widest))
    _place(ws, chart, anchor_row, CHART_ROWS)


def insert_trend_chart(
    workbook: Workbook,
    ws: Worksheet,
    lang: str,
    table_rows: tuple[int, int],
    anchor_row: int,
    widest: int,
) -> None:
    """Stacked columns per report: the total and its make-up by severity, month by month."""
    header_row, last_row = table_rows
    name = ws.get_name()
    chart = workbook.add_chart({"type": "column", "subtype": "stacked"})
    for c, severity in enumerate(SEVERITIES, start=1):
        chart.add_series(
            {
                "name": [name, header_row, c],
                "categories": [name, header_row + 1, 0, last_row, 0],
                "values": [name, header_row + 1, c, last_row, c],
                "fill": {"color": CHART_FILL[severity]},
                "border": {"color": "#FFFFFF"},
                "gap": 80,
            }
        )
    chart.set_title(
        {
            "name": i18n.text("xl_trend_chart_title", lang),
            "name_font": {"size": 11, "bold": True, **_chart_font()},
        }
    )
    # A text axis: a date axis would space the reports by days and draw a slot
    # for every day between two monthly reports.
    chart.set_x_axis({"text_axis": True, "num_format": DATE_FORMAT, "num_font": _chart_font()})
    chart.set_y_axis(_value_axis(widest))
    _place(ws, chart, anchor_row, TREND_CHART_ROWS)


def _place(ws: Worksheet, chart: Any, anchor_row: int, rows: int) -> None:
    """Legend, frame and size every Summary chart shares; then the chart, beside the table."""
    chart.set_legend({"position": "bottom", "font": _chart_font()})
    chart.set_chartarea({"border": {"color": BORDER_COLOR}})
    chart.set_size({"width": 620, "height": rows * 20 - 10})
    ws.insert_chart(
        anchor_row, _CHART_COLUMN, chart, {"x_offset": 12, "y_offset": 0, "object_position": 2}
    )


def _value_axis(widest: int) -> dict[str, Any]:
    axis: dict[str, Any] = {
        "num_format": "0",
        # Whole numbers only: Excel would otherwise tick 0.5 for small counts.
        "major_unit": nice_step(widest),
        "major_gridlines": {"visible": True, "line": {"color": "#D9D9D9"}},
        "num_font": _chart_font(),
        "min": 0,
    }
    if not widest:
        axis["max"] = 5  # an empty chart still gets a sensible scale
    return axis


def _chart_font() -> dict[str, Any]:
    return {"name": FONT["font_name"]}


def nice_step(maximum: int) -> int:
    """A whole-number tick step giving about five gridlines, in 1-2-5 steps."""
    if maximum <= 5:
        return 1
    raw = maximum / 5
    power = 10 ** math.floor(math.log10(raw))
    for factor in (1, 2, 5, 10):
        if raw <= factor * power:
            return int(factor * power)
    return int(10 * power)

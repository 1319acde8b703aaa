"""Print set-up: A4 landscape, one page wide, the sheet's name and the date on every page.

The sheets print one page wide at whatever height they need (fit_to_pages(1, 0));
with no limit on the height, Excel and LibreOffice keep the manual page breaks,
which the Summary uses to keep each section's heading with its first rows
(:func:`section_breaks`), worked out from the estimated row heights.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from xlsxwriter.worksheet import Worksheet

from reporter import i18n


def footer(as_of: date, lang: str) -> str:
    # Header/footer text is ours only; '&' would start a control code, so none is used.
    return f"&L{i18n.text('xl_footer_as_of', lang)} {as_of.isoformat()}&R&P / &N"


def print_setup(ws: Worksheet, footer_text: str, repeat: tuple[int, int]) -> None:
    ws.set_paper(9)  # A4
    ws.set_landscape()
    ws.fit_to_pages(1, 0)  # one page wide, as many pages tall as needed
    ws.repeat_rows(*repeat)
    ws.set_margins(left=0.4, right=0.4, top=0.6, bottom=0.6)
    ws.set_header("&L&A")  # the sheet's name, top left of every page
    ws.set_footer(footer_text)


# --- keeping a section's heading with its first rows ----------------------------------

# A4 landscape in points, and the margins print_setup sets, in inches.
PAGE_WIDTH, PAGE_HEIGHT = 841.89, 595.28
SIDE_MARGIN, TOP_MARGIN = 0.4, 0.6
# Estimated heights are for Excel; a page is filled only this far before a section
# moves on, so that a small error in them does not leave a heading at the foot.
FILL = 0.95


@dataclass(frozen=True)
class Section:
    """Rows that print together: a heading and what must stay with it.

    ``first`` is the heading's row, ``keep_to`` the last row that must share its
    page (a table's header and first row, a whole small table, a chart beside
    it); ``own_page`` starts the section on a new page unless the page so far
    holds less than a third of a page (a short section is not left alone on one);
    ``forced`` always starts a new page there.
    """

    first: int
    keep_to: int
    own_page: bool = False
    # Always starts a page: a table's header written again where the table goes on.
    forced: bool = False


def page_height(column_widths: Sequence[float]) -> float:
    """How many points of rows one printed page holds, the columns fitted to its width."""
    # Excel's pixel width of a column w characters wide (the 8-pixel digits of 11 pt
    # Meiryo UI, 5 pixels of padding).
    sheet_width = sum(int(w * 8 + 0.5) + 5 for w in column_widths) * 0.75
    printable_width = PAGE_WIDTH - 2 * SIDE_MARGIN * 72
    scale = min(1.0, math.floor(100 * printable_width / sheet_width) / 100)
    return (PAGE_HEIGHT - 2 * TOP_MARGIN * 72) / scale


def section_breaks(heights: Sequence[float], sections: Sequence[Section], page: float) -> list[int]:
    """The rows to start a new page at, so that no heading is parted from its first rows.

    ``heights`` are the estimated heights of rows 0, 1, …; row 0 is repeated at
    the top of every page. The program breaks pages by itself where a row does
    not fit; a manual break is added before a section that would not fit whole
    (up to its ``keep_to`` row) on what is left of the page.
    """
    by_row = {section.first: section for section in sections}
    repeat = heights[0] if heights else 0.0
    used = repeat
    breaks: list[int] = []
    for row in range(1, len(heights)):
        section = by_row.get(row)
        if section is not None and section.forced and used > repeat:
            breaks.append(row)
            used = repeat
        elif section is not None and used > repeat:
            keep = sum(heights[row : section.keep_to + 1])
            if (section.own_page and used > page / 3) or used + keep > page * FILL:
                breaks.append(row)
                used = repeat
        if used + heights[row] > page and used > repeat:
            used = repeat  # the program starts a new page here by itself
        used += heights[row]
    return breaks

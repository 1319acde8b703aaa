"""Print set-up: A4 landscape, one page wide, the sheet's name and the date on every page."""

from __future__ import annotations

from datetime import date

from xlsxwriter.worksheet import Worksheet

from reporter import i18n

i18n.add({"xl_footer_as_of": {"ja": "基準日", "en": "As of"}})


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

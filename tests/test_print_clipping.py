"""The printed report: no line of text is cut by the border under its row.

A row too short for its text shows the last line struck through by the cell's
border (or its foot hidden under the next row). LibreOffice prints the sample's
report to PDF twice:

- as written: rows whose height is written as fitted, which LibreOffice 25.2
  refits to its own fonts on opening (reporter/output/workbook/sizing.py);
- with every written height marked as set by hand, which is how LibreOffice 7.4,
  and any program that fits no row, shows them.

pdfminer.six reads back each character's baseline and box and the borders
LibreOffice drew, and no border may run through a character's body: above its
baseline, through the lower part of what stands on it (:data:`BODY`). A border
in the descent under the baseline, which fonts such as Noto Sans CJK make deep,
only touches the text. Needs ``soffice`` (``make libreoffice``); without it the
test skips locally and fails on CI, as test_libreoffice.py does.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest
from pdfminer.high_level import extract_pages
from pdfminer.layout import LTChar, LTContainer, LTItem, LTLine, LTRect

from reporter.api import check
from reporter.output.workbook import write_workbook
from tests.test_libreoffice import convert_all
from tests.test_row_heights import rewrite_rows

SAMPLE = Path(__file__).resolve().parent.parent / "sample_data" / "register.xlsx"
# The part of a character above its baseline (as a share of its ascent) where a
# border would strike it through: from just above the baseline to the middle.
BODY = (0.1, 0.6)
_HEIGHT = re.compile(r'(\sht="[^"]*")')


@dataclass(frozen=True)
class Cut:
    page: int
    text: str
    border: float  # points from the page's foot


def _kept_heights(source: Path, target: Path) -> Path:
    """A copy of ``source`` whose written row heights are all marked as set by hand."""
    return rewrite_rows(source, target, _as_set_by_hand)


def _as_set_by_hand(tag: str) -> str:
    return _HEIGHT.sub(r'\1 customHeight="1"', tag)


def _walk(item: LTItem) -> list[LTItem]:
    found = [item]
    if isinstance(item, LTContainer):
        for child in item:
            found.extend(_walk(child))
    return found


def cuts(pdf: Path) -> list[Cut]:
    """Every character a horizontal border runs through, in the lower part of its body."""
    found = []
    for number, page in enumerate(extract_pages(pdf), start=1):
        items = _walk(page)
        borders = [
            (line.y0, line.x0, line.x1)
            for line in items
            if isinstance(line, LTLine | LTRect) and line.height < 1.0 and line.width > 1.0
        ]
        for char in items:
            if not isinstance(char, LTChar) or not char.get_text().strip():
                continue
            middle = (char.x0 + char.x1) / 2
            baseline = char.matrix[5]  # upright text: the glyph's origin
            ascent = char.y1 - baseline
            low, high = (baseline + share * ascent for share in BODY)
            for y, x0, x1 in borders:
                if x0 <= middle <= x1 and low < y < high:
                    found.append(Cut(number, char.get_text(), round(y, 1)))
    return found


@pytest.fixture(scope="module")
def printed(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("clipping")
    sources = []
    for lang in ("ja", "en"):
        report = folder / f"fitted-{lang}.xlsx"
        write_workbook(check(SAMPLE, as_of=date(2026, 11, 30)), report, lang, SAMPLE.name, "0" * 64)
        sources += [report, _kept_heights(report, folder / f"kept-{lang}.xlsx")]
    pdfs = convert_all(sources, "pdf", folder / "pdf", folder / "profile")
    return {pdf.stem: pdf for pdf in pdfs}


@pytest.mark.parametrize("variant", ["fitted-ja", "kept-ja", "fitted-en", "kept-en"])
def test_no_printed_line_is_cut_by_a_border(printed: dict[str, Path], variant: str) -> None:
    found = cuts(printed[variant])
    pages = sorted({cut.page for cut in found})
    sample = "".join(cut.text for cut in found[:40])
    assert not found, f"{len(found)} characters cut on pages {pages}: {sample}"

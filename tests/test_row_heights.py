"""Rows as LibreOffice shows the report: every line of wrapped text in view.

The report sizes each row for Excel with Meiryo UI (reporter/output/workbook/sizing.py).
LibreOffice opens it with substitute fonts that fit more on a line and take less
height per line, and (7.4, as found while writing this test) takes every row's
``ht`` as it is, ``customHeight`` or not, refitting no row on opening an xlsx. So
the one height written has to show every line in LibreOffice too: it is compared
with LibreOffice's own optimal height for the same cells, which it computes when
it opens an ods whose rows are marked optimal (a copy of the report without row
heights, saved as ods, then as xlsx).

Needs ``soffice`` (``make libreoffice``); without it the test skips locally and
fails on CI, as test_libreoffice.py does.
"""

from __future__ import annotations

import re
import zipfile
from datetime import date
from pathlib import Path

import openpyxl
import pytest

from reporter.api import check
from reporter.output.workbook import write_workbook
from reporter.output.workbook.cells import HEADER_ROW
from tests.test_libreoffice import convert

SAMPLE = Path(__file__).resolve().parent.parent / "sample_data" / "register.xlsx"
_ROW_TAG = re.compile(r"<row\b[^>]*>")
_SIZE = re.compile(r' (?:ht|customHeight)="[^"]*"')
# A height read back from LibreOffice: it keeps heights in twips (1/20 point).
ROUNDING = 0.1

Heights = dict[str, dict[int, float]]


def _rewrite_rows(source: Path, target: Path, rewrite: re.Pattern[str]) -> Path:
    """A copy of ``source`` with ``rewrite``'s matches taken out of every <row> tag."""
    with zipfile.ZipFile(source) as zin, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            if item.filename.startswith("xl/worksheets/sheet"):
                text = _ROW_TAG.sub(lambda tag: rewrite.sub("", tag.group(0)), data.decode())
                data = text.encode()
            zout.writestr(item, data)
    return target


def _heights(path: Path) -> Heights:
    """Each sheet's row heights in points, by 1-based row (None: no height set)."""
    workbook = openpyxl.load_workbook(path)
    return {
        ws.title: {r: ws.row_dimensions[r].height for r in range(1, ws.max_row + 1)}
        for ws in workbook.worksheets
    }


@pytest.fixture(scope="module")
def heights(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Heights]:
    """The sample report's heights as LibreOffice shows them and as it needs them."""
    folder = tmp_path_factory.mktemp("heights")
    profile = folder / "profile"
    report = folder / "report.xlsx"
    write_workbook(check(SAMPLE, as_of=date(2026, 11, 30)), report, "ja", SAMPLE.name, "0" * 64)
    bare = _rewrite_rows(report, folder / "bare.xlsx", _SIZE)
    shown = convert(report, "xlsx", folder / "shown", profile)
    needed = convert(
        convert(bare, "ods", folder / "ods", profile), "xlsx", folder / "needed", profile
    )
    return {
        "shown": _heights(shown),
        "needed": _heights(needed),
    }


def test_libreoffice_shows_every_line(heights: dict[str, Heights]) -> None:
    # The header row is left out: LibreOffice's optimal height gives the narrow
    # exclusion column's header a third line that its drawing does not use (the
    # printout shows it on two lines in the 30 pt row).
    for sheet, rows in heights["needed"].items():
        for r, needed in rows.items():
            shown = heights["shown"][sheet][r]
            if r == HEADER_ROW + 1 or needed is None or shown is None:
                continue
            assert shown >= needed - ROUNDING, f"{sheet} row {r}: {shown} pt, needs {needed} pt"

"""Row heights as LibreOffice shows them: every line of text in view, and the gaps.

The report sizes each row for Excel with Meiryo UI (reporter/output/workbook/sizing.py).
LibreOffice opens it with substitute fonts that fit more on a line and take less
height per line. What it shows is read back from a copy it saves as xlsx; what it
needs is its own optimal height for the same cells, which it computes when it opens
an ods whose rows are marked optimal: a copy of the report without row heights,
saved as ods, then as xlsx.

What LibreOffice 7.4 does, as these tests found: its xlsx import takes every row's
``ht`` as the row's height, with or without ``customHeight="1"``, and recomputes no
row (a row without ``ht`` keeps the default height, its wrapped text drawn over the
rows below, on screen and in print). ``customHeight`` only decides whether it keeps
the row as one of optimal height (so its ods says), which it would refit once a cell
in it changes, or an ods saved from it is opened again. So leaving ``customHeight``
out, which Excel would accept, changes nothing LibreOffice shows on opening the
report, and one height per row serves both programs.

Needs ``soffice`` (``make libreoffice``); without it the tests skip locally and
fail on CI, as test_libreoffice.py does.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import zipfile
from datetime import date
from pathlib import Path

import openpyxl
import pytest

from reporter.api import check
from reporter.output.workbook import write_workbook
from reporter.output.workbook.cells import HEADER_ROW
from reporter.output.workbook.sizing import LINE_HEIGHT

TIMEOUT = 300
SAMPLE = Path(__file__).resolve().parent.parent / "sample_data" / "register.xlsx"
_ROW_TAG = re.compile(r"<row\b[^>]*>")
_SIZE = re.compile(r' (?:ht|customHeight)="[^"]*"')
# A height read back from LibreOffice: it keeps heights in twips (1/20 point).
ROUNDING = 0.1

Heights = dict[str, dict[int, float]]


def _soffice() -> str:
    found = shutil.which("soffice") or shutil.which("libreoffice")
    if found is None:
        message = "LibreOffice (soffice) is not on PATH; run `make libreoffice`"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return found


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


def _convert(sources: list[Path], target: str, outdir: Path, profile: Path) -> list[Path]:
    outdir.mkdir()
    command = [
        _soffice(),
        f"-env:UserInstallation={profile.as_uri()}",
        "--headless",
        "--norestore",
        "--convert-to",
        target,
        "--outdir",
        str(outdir),
        *map(str, sources),
    ]
    done = subprocess.run(command, capture_output=True, text=True, timeout=TIMEOUT, check=False)
    produced = [outdir / f"{source.stem}.{target}" for source in sources]
    missing = [path.name for path in produced if not path.is_file()]
    assert not missing, f"soffice wrote no {missing}:\n{done.stdout}\n{done.stderr}"
    return produced


def _heights(path: Path) -> Heights:
    """Each sheet's row heights in points, by 1-based row (None: no height set)."""
    workbook = openpyxl.load_workbook(path)
    return {
        ws.title: {r: ws.row_dimensions[r].height for r in range(1, ws.max_row + 1)}
        for ws in workbook.worksheets
    }


@pytest.fixture(scope="module")
def heights(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Heights]:
    """The sample report's heights: as written, as LibreOffice shows them, as it needs them.

    "not custom" is LibreOffice showing a copy whose rows keep ``ht`` without
    ``customHeight``.
    """
    _soffice()
    folder = tmp_path_factory.mktemp("heights")
    profile = folder / "profile"
    report = folder / "report.xlsx"
    write_workbook(check(SAMPLE, as_of=date(2026, 11, 30)), report, "ja", SAMPLE.name, "0" * 64)
    not_custom = _rewrite_rows(report, folder / "not-custom.xlsx", re.compile(' customHeight="1"'))
    bare = _rewrite_rows(report, folder / "bare.xlsx", _SIZE)
    shown, shown_not_custom = _convert([report, not_custom], "xlsx", folder / "shown", profile)
    (bare_ods,) = _convert([bare], "ods", folder / "ods", profile)
    (needed,) = _convert([bare_ods], "xlsx", folder / "needed", profile)
    return {
        "written": _heights(report),
        "shown": _heights(shown),
        "not custom": _heights(shown_not_custom),
        "needed": _heights(needed),
    }


def test_libreoffice_shows_the_heights_written(heights: dict[str, Heights]) -> None:
    written = heights["written"]
    for name in ("shown", "not custom"):
        for sheet, rows in written.items():
            for r, height in rows.items():
                if height is None:
                    continue
                shown = heights[name][sheet][r]
                assert abs(shown - height) <= ROUNDING, (
                    f"{sheet} row {r}: written {height} pt, LibreOffice ({name}) shows {shown} pt."
                    " If it now refits rows not marked customHeight, writing ht without"
                    " customHeight would give LibreOffice its own heights (issue 20)."
                )


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


def _gaps(heights: dict[str, Heights]) -> list[tuple[float, str, int]]:
    gaps = []
    for sheet, rows in heights["needed"].items():
        for r, needed in rows.items():
            shown = heights["shown"][sheet][r]
            if needed is not None and shown is not None:
                gaps.append((shown - needed, sheet, r))
    return sorted(gaps, reverse=True)


@pytest.mark.xfail(
    strict=True,
    reason=(
        "open point of issue 20: one height per row serves both programs (see the module's"
        " docstring), and a row sized for Excel's Meiryo UI is taller than LibreOffice needs:"
        " 13.5 pt a line against 11.2, and more text on each line. On the sample, 66 of 267"
        " rows leave more than a line; the most, 73 pt (手順 row 10: 12 lines for Excel, 8"
        " for LibreOffice)"
    ),
)
def test_no_row_leaves_more_than_a_line_empty(heights: dict[str, Heights]) -> None:
    too_tall = [gap for gap in _gaps(heights) if gap[0] > LINE_HEIGHT + ROUNDING]
    assert not too_tall, f"{len(too_tall)} rows, the tallest gaps: {too_tall[:5]}"

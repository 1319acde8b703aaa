"""The report opens in LibreOffice Calc: it prints to PDF, and survives a save as .xlsx.

Excel is not available on a CI machine; LibreOffice is the second reader the
team uses, and a stricter one about table and style XML. Needs ``soffice`` on
PATH (``make libreoffice`` installs it); without it the tests skip locally and
fail on CI (the CI variable is set), so a missing LibreOffice is never silent there.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from datetime import datetime, timedelta
from pathlib import Path

import openpyxl
import pytest

from reporter.result import CheckResult
from tests.conftest import AS_OF, write_report
from tests.test_report import (  # noqa: F401  (fixtures)
    FIRST_DATA_ROW,
    HEADER_ROW,
    PAYLOADS,
    SHEETS,
    full_result,
    hostile_result,
    stand_in_rules,
)

TIMEOUT = 180


def _soffice() -> str:
    found = shutil.which("soffice") or shutil.which("libreoffice")
    if found is None:
        message = "LibreOffice (soffice) is not on PATH; run `make libreoffice`"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return found


def convert(source: Path, target: str, outdir: Path, profile: Path) -> Path:
    """Run one headless conversion with its own profile (no lock shared with other runs)."""
    return convert_all([source], target, outdir, profile)[0]


def convert_all(sources: list[Path], target: str, outdir: Path, profile: Path) -> list[Path]:
    """Convert several files in one LibreOffice start (each start takes seconds)."""
    outdir.mkdir(parents=True, exist_ok=True)
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
    timeout = TIMEOUT * len(sources)
    done = subprocess.run(command, capture_output=True, text=True, timeout=timeout, check=False)
    produced = [outdir / f"{source.stem}.{target.split(':')[0]}" for source in sources]
    missing = [path.name for path in produced if not path.is_file()]
    assert not missing, f"soffice wrote no {missing}:\n{done.stdout}\n{done.stderr}"
    return produced


@pytest.fixture
def report_file(full_result: CheckResult, tmp_path: Path) -> Path:  # noqa: F811
    return write_report(full_result, tmp_path / "out", "ja")


def test_report_prints_to_pdf(report_file: Path, tmp_path: Path) -> None:
    pdf = convert(report_file, "pdf", tmp_path / "pdf", tmp_path / "profile")
    data = pdf.read_bytes()
    assert data.startswith(b"%PDF")
    pages = len(re.findall(rb"/Type\s*/Page\b", data))
    assert pages >= len(SHEETS["ja"])  # at least one page per sheet


def test_report_survives_a_save_as_xlsx(report_file: Path, tmp_path: Path) -> None:
    saved = convert(
        report_file, "xlsx:Calc MS Excel 2007 XML", tmp_path / "saved", tmp_path / "profile"
    )
    wb = openpyxl.load_workbook(saved)
    assert [ws.title for ws in wb.worksheets if ws.sheet_state == "visible"] == SHEETS["ja"]
    # The history sheet survives Calc, still hidden, so next month can compare.
    assert wb.sheetnames == [*SHEETS["ja"], "_history"]
    assert wb["_history"].sheet_state == "hidden"
    for name in SHEETS["ja"][1:]:
        ws = wb[name]
        assert len(ws.tables) == 1, name
        (table,) = ws.tables.values()
        assert table.ref.startswith(f"A{HEADER_ROW}:"), name
        assert ws.print_title_rows == f"${HEADER_ROW}:${HEADER_ROW}", name
        assert ws.page_setup.orientation == "landscape", name
        assert int(ws.page_setup.paperSize) == 9, name
        # Frozen panes are not checked here: they are view settings, and headless
        # LibreOffice has no view, so --convert-to drops them from every file it
        # writes (unoconv/unoconv#245). They are checked in the original workbook
        # (test_report.py), and Calc shows them when a person opens the report.

    renewals = wb["更新期限"]
    assert renewals.cell(HEADER_ROW, 6).value == "期限"
    first_due = renewals.cell(FIRST_DATA_ROW, 6)
    assert isinstance(first_due.value, datetime)
    assert first_due.value.date() == AS_OF - timedelta(days=40)  # most overdue first
    # LibreOffice may escape the dashes (yyyy\-mm\-dd) or change the case.
    assert first_due.number_format.replace("\\", "").lower() == "yyyy-mm-dd"
    assert renewals.cell(FIRST_DATA_ROW, 4).value == "K-4"
    assert renewals.cell(FIRST_DATA_ROW, 7).value == 40  # days overdue, still a number

    summary = wb["概要"]
    values = [c.value for row in summary.iter_rows() for c in row]
    assert "台帳レポート(月次)" in values


def test_formula_like_text_stays_text_after_libreoffice(
    hostile_result: CheckResult,  # noqa: F811
    tmp_path: Path,
) -> None:
    source = write_report(hostile_result, tmp_path / "out", "en")
    saved = convert(source, "xlsx:Calc MS Excel 2007 XML", tmp_path / "saved", tmp_path / "profile")
    wb = openpyxl.load_workbook(saved)
    found = set()
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (ws.title, cell.coordinate, cell.value)
                if cell.value in PAYLOADS:
                    # Still text after Calc read and rewrote it. (Calc 7.4 does not
                    # write quotePrefix back out; the original report has it.)
                    assert cell.data_type == "s"
                    found.add(cell.value)
    assert found == set(PAYLOADS)

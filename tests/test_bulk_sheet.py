"""BulkSheet rows read the same as cells written through xlsxwriter's own writers.

The findings tables and the history sheet are written as whole rows of XML
(reporter/output/workbook/bulk.py). Whatever a reader of the report sees, its
values, types, formats and row heights, must be what xlsxwriter would have
written for the same cells: this test writes the same rows both ways and
compares them through openpyxl and calamine. A change in xlsxwriter's private
methods that BulkSheet relies on fails here.
"""

from __future__ import annotations

import subprocess
import sys
from datetime import date, datetime
from pathlib import Path
from typing import Any

import openpyxl
import pytest
import xlsxwriter
from python_calamine import CalamineWorkbook
from xlsxwriter.worksheet import Worksheet

from reporter.output.workbook import bulk
from reporter.output.workbook.bulk import BulkSheet, RowSheet, excel_serial, xml_text

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "sample_data" / "register.xlsx"

TEXTS = [
    "台帳の問題",
    "a & b < c > d",
    "quote \" and apostrophe '",
    "_x0041_ stays as typed",
    "bell\x07 and nul\x00 and tab\t and newline\nkept",
    "  leading and trailing spaces  ",
    "\u3000全角スペースで始まる",
    '=HYPERLINK("http://example.com")',
    "non-character \ufffe\uffff",
    "long " * 400,
]
DATES = [date(1900, 1, 15), date(1900, 3, 1), date(2026, 11, 30), datetime(2027, 2, 28, 13, 45)]
NUMBERS = [0, 7, -12, 3.5, 1234567890123, 0.1]


def _rows() -> list[list[Any]]:
    rows: list[list[Any]] = []
    for i, text in enumerate(TEXTS):
        rows.append([text, DATES[i % len(DATES)], NUMBERS[i % len(NUMBERS)], None, ""])
    return rows


def _write(
    path: Path,
    bulk: bool,
    options: dict[str, Any] | None = None,
    row_class: type[RowSheet] = BulkSheet,
) -> None:
    workbook = xlsxwriter.Workbook(
        str(path),
        {"strings_to_formulas": False, "strings_to_urls": False, **(options or {})},
    )
    ws = workbook.add_worksheet("S", row_class if bulk else None)
    fill = workbook.add_format({"bg_color": "#F8D7DA", "border": 1})
    day = workbook.add_format({"bg_color": "#F8D7DA", "num_format": "yyyy-mm-dd"})
    days = workbook.add_format({"num_format": '0"日超過";"あと"0"日";"当日"', "bold": True})
    quoted = workbook.add_format({"bg_color": "#F8D7DA", "quote_prefix": True})
    ws.write_string(0, 0, "title above the table")  # an ordinary row above the added ones
    ws.set_row(0, 22)
    # The table over the header (row 1, written by xlsxwriter) and the rows added below it.
    headers = [{"header": name} for name in ("text", "day", "days", "blank", "empty")]
    ws.add_table(1, 0, 1 + len(_rows()), 4, {"name": "Findings", "columns": headers})
    for r, (text, day_value, number, _none, empty) in enumerate(_rows(), start=2):
        text_format = quoted if text.startswith("=") else fill
        height = 30.0 + r if r % 2 else None
        if bulk:
            assert isinstance(ws, RowSheet)
            ws.add_row(
                r,
                [
                    (text, text_format),
                    (day_value, day),
                    (number, days),
                    (None, fill),  # a blank that keeps its fill
                    (empty, None),  # nothing at all
                ],
                height,
            )
        else:
            ws.write_string(r, 0, text, text_format)
            ws.write_datetime(r, 1, datetime.combine(day_value, datetime.min.time()), day)
            ws.write_number(r, 2, number, days)
            ws.write_blank(r, 3, None, fill)
            if height is not None:
                ws.set_row(r, height)
    workbook.close()


def _cells(path: Path) -> list[tuple[Any, ...]]:
    ws = openpyxl.load_workbook(path)["S"]
    seen = []
    for row in ws.iter_rows():
        for cell in row:
            seen.append(
                (
                    cell.coordinate,
                    cell.value,
                    cell.data_type,
                    cell.number_format,
                    cell.fill.fgColor.rgb,
                    cell.font.b,
                    cell.border.left.style,
                    cell.quotePrefix,
                )
            )
    heights = {r: d.height for r, d in ws.row_dimensions.items() if d.height is not None}
    seen.append(("heights", heights))
    seen.append(("dimension", ws.dimensions))
    tables = [(t.name, t.ref, t.autoFilter.ref, t.headerRowCount) for t in ws.tables.values()]
    seen.append(("tables", tables))
    return seen


@pytest.mark.parametrize("options", [{}, {"date_1904": True}], ids=["1900", "1904"])
def test_bulk_rows_read_as_xlsxwriters_own(tmp_path: Path, options: dict[str, Any]) -> None:
    stock, bulk = tmp_path / "stock.xlsx", tmp_path / "bulk.xlsx"
    _write(stock, bulk=False, options=options)
    _write(bulk, bulk=True, options=options)
    assert _cells(bulk) == _cells(stock)
    calamine_stock = CalamineWorkbook.from_path(str(stock)).get_sheet_by_name("S").to_python()
    calamine_bulk = CalamineWorkbook.from_path(str(bulk)).get_sheet_by_name("S").to_python()
    assert calamine_bulk == calamine_stock
    # The texts a reader sees, exactly as given (controls, spaces, escapes and all);
    # not the non-characters, which calamine leaves escaped whichever way they are written.
    texts = [row[0] for row in calamine_bulk[2:]]
    assert [t for t in texts if "non-character" not in t] == [
        t for t in TEXTS if "non-character" not in t
    ]


def test_no_text_becomes_a_formula(tmp_path: Path) -> None:
    path = tmp_path / "bulk.xlsx"
    _write(path, bulk=True)
    cell = openpyxl.load_workbook(path)["S"]["A10"]  # TEXTS[7], on row 2 + 7 (0-based)
    assert cell.value == TEXTS[7]
    assert cell.data_type == "s"
    assert cell.quotePrefix


def test_one_table_of_its_own(tmp_path: Path) -> None:
    workbook = xlsxwriter.Workbook(str(tmp_path / "x.xlsx"))
    ws = workbook.add_worksheet("S", BulkSheet)
    with pytest.raises(ValueError, match="formulas"):
        ws.add_table(0, 0, 9, 1, {"columns": [{"header": "a", "formula": "=1"}, {"header": "b"}]})
    ws.add_table(0, 0, 9, 1)
    with pytest.raises(ValueError, match="one table"):
        ws.add_table(20, 0, 29, 1)
    workbook.close()


def test_rows_must_go_down(tmp_path: Path) -> None:
    workbook = xlsxwriter.Workbook(str(tmp_path / "x.xlsx"))
    ws = workbook.add_worksheet("S", BulkSheet)
    assert isinstance(ws, BulkSheet)
    ws.add_row(5, [("a", None)])
    with pytest.raises(ValueError, match="not below"):
        ws.add_row(5, [("b", None)])
    with pytest.raises(TypeError, match="bool"):
        ws.add_row(6, [(True, None)])
    ws.write_string(7, 0, "written the ordinary way below the added rows")
    with pytest.raises(ValueError, match="ordinary way"):
        workbook.close()


def test_serials_and_escapes() -> None:
    assert excel_serial(date(1900, 1, 1)) == 1
    assert excel_serial(date(1900, 2, 28)) == 59
    assert excel_serial(date(1900, 3, 1)) == 61  # Excel's 29 February 1900 is 60
    assert excel_serial(date(2026, 11, 30)) == 46356
    assert excel_serial(date(1904, 1, 2), date_1904=True) == 1
    assert xml_text("plain 日本語") == "plain 日本語"
    assert xml_text("<&>") == "&lt;&amp;&gt;"


# --- an xlsxwriter without the private parts BulkSheet uses -----------------------------


def test_the_tested_xlsxwriter_has_every_part_bulk_sheet_uses() -> None:
    assert bulk.MISSING_PARTS == ()
    assert bulk.ROW_SHEET is BulkSheet


def test_a_missing_private_method_or_attribute_is_named(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delattr(Worksheet, "_write_rows")
    assert bulk.missing_parts() == ("Worksheet._write_rows",)
    made = Worksheet.__init__

    def without_row_info(self: Worksheet) -> None:
        made(self)
        del self.row_info

    monkeypatch.setattr(Worksheet, "__init__", without_row_info)
    assert bulk.missing_parts() == ("Worksheet._write_rows", "Worksheet.row_info")


@pytest.mark.parametrize("options", [{}, {"date_1904": True}], ids=["1900", "1904"])
def test_the_plain_rows_read_as_xlsxwriters_own(tmp_path: Path, options: dict[str, Any]) -> None:
    stock, plain = tmp_path / "stock.xlsx", tmp_path / "plain.xlsx"
    _write(stock, bulk=False, options=options)
    _write(plain, bulk=True, options=options, row_class=RowSheet)
    assert _cells(plain) == _cells(stock)


# Runs `reporter report` in a fresh interpreter with an xlsxwriter that renamed a private
# method BulkSheet calls (its own code calling the new name), as a later release might.
_WITHOUT_WRITE_ROWS = """
import sys
from xlsxwriter.worksheet import Worksheet
Worksheet._write_all_rows = Worksheet._write_rows
del Worksheet._write_rows
def _write_sheet_data(self):
    if self.dim_rowmin is None:
        self._xml_empty_tag("sheetData")
    else:
        self._xml_start_tag("sheetData")
        self._write_all_rows()
        self._xml_end_tag("sheetData")
Worksheet._write_sheet_data = _write_sheet_data
from reporter.cli import main
sys.argv = ["reporter", *sys.argv[1:]]
main()
"""


def _report(tmp_path: Path, name: str, script: list[str]) -> tuple[Path, Path]:
    out = tmp_path / name
    command = [*script, "report", str(SAMPLE), "--as-of", "2026-11-30", "--out", str(out)]
    done = subprocess.run(
        [*command, "--log", "--no-ics", "--lang", "en"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        encoding="utf-8",
        check=False,
    )
    assert done.returncode == 0, done.stderr
    (report,) = out.glob("*.xlsx")
    (log,) = out.glob("*.log")
    return report, log


def _sheets(path: Path) -> dict[str, list[list[Any]]]:
    workbook = CalamineWorkbook.from_path(str(path))
    return {name: workbook.get_sheet_by_name(name).to_python() for name in workbook.sheet_names}


def test_without_a_private_part_the_report_is_the_same_and_the_log_says_why(
    tmp_path: Path,
) -> None:
    fast, fast_log = _report(tmp_path, "fast", [sys.executable, "-m", "reporter"])
    plain, plain_log = _report(tmp_path, "plain", [sys.executable, "-c", _WITHOUT_WRITE_ROWS])
    assert _sheets(plain) == _sheets(fast)
    assert "_write_rows" not in fast_log.read_text(encoding="utf-8")
    (line,) = [
        line for line in plain_log.read_text(encoding="utf-8").splitlines() if "xlsxwriter" in line
    ]
    assert "Worksheet._write_rows" in line and xlsxwriter.__version__ in line
    assert "the same cells" in line

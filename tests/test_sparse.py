"""A cell cleared with a space at row 1,048,576 or in column XFD costs nothing."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import python_calamine

from reporter.register import sparse
from reporter.register.loader import load_register
from tests.conftest import HEADERS

KEYS = [
    ["K-1", "その他", "T-1", "2026/11/01", "", "", "佐藤"],
    ["K-2", "その他", "T-1", "2026/11/02", "", "", "鈴木"],
]


def _register(path: Path, stray: tuple[int, int, Any] | None, inline: bool = False) -> Path:
    """The キー sheet with two rows, and ``stray`` = (row, column, value) written far away."""
    import xlsxwriter

    # constant_memory writes strings inline; the default writes a shared-string table.
    workbook = xlsxwriter.Workbook(
        str(path), {"constant_memory": inline, "strings_to_numbers": False}
    )
    for name, headers in HEADERS.items():
        sheet = workbook.add_worksheet(name)
        sheet.write_row(0, 0, headers)
        if name == "キー":
            # Row by row, as constant_memory needs: a cell above the last row written is lost.
            cells = [(r, 0, row) for r, row in enumerate(KEYS, start=1)]
            for row, column, value in sorted([*cells, *([stray] if stray else [])]):
                if isinstance(value, list):
                    sheet.write_row(row, column, value)
                else:
                    sheet.write(row, column, value)
    workbook.close()
    return path


def _keys_shape(source: Any) -> tuple[int, int]:
    workbook = python_calamine.CalamineWorkbook.from_object(source)
    sheet = workbook.get_sheet_by_name("キー")
    return sheet.height, sheet.width


@pytest.mark.parametrize("inline", [False, True], ids=["shared strings", "inline strings"])
@pytest.mark.parametrize(
    "stray",
    [(1_048_575, 0, " "), (0, 16_383, " "), (1_048_575, 16_383, "\u3000"), (1_048_575, 3, "")],
    ids=["space at A1048576", "space at XFD1", "full-width space at XFD1048576", "empty"],
)
def test_blank_cells_far_away_do_not_widen_the_sheet(
    tmp_path: Path, stray: tuple[int, int, Any], inline: bool
) -> None:
    path = _register(tmp_path / "r.xlsx", stray, inline)
    plain = _register(tmp_path / "plain.xlsx", None, inline)
    before = path.read_bytes()
    compacted = sparse.compacted(path)
    if stray[2] != "":  # xlsxwriter writes no cell for "" without a format
        assert compacted is not None
        assert _keys_shape(compacted) == _keys_shape(str(plain))
    records = load_register(path).sheets["keys"].records
    assert [(r.row, r.record_id, r["owner"]) for r in records] == [
        (2, "K-1", "佐藤"),
        (3, "K-2", "鈴木"),
    ]
    assert path.read_bytes() == before  # compacted in memory; the register is not written


def test_a_value_far_away_is_still_read(tmp_path: Path) -> None:
    path = _register(tmp_path / "r.xlsx", (1_048_575, 0, "K-9"))
    before = path.read_bytes()
    records = load_register(path).sheets["keys"].records
    assert [(r.row, r.record_id) for r in records][-1] == (1_048_576, "K-9")
    assert path.read_bytes() == before


def test_an_ordinary_register_is_read_as_it_is(tmp_path: Path) -> None:
    assert sparse.compacted(_register(tmp_path / "r.xlsx", None)) is None
    assert sparse.compacted(tmp_path / "r.xlsx") is None


def test_formulas_and_errors_are_kept(tmp_path: Path) -> None:
    sheet_xml = (
        b'<worksheet><dimension ref="A1:XFD9"/><sheetData><row r="1">'
        b'<c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c>'
        b'<c r="C1" t="e"><v>#N/A</v></c><c r="D1"><f>TODAY()</f></c>'
        b'<c r="E1" s="3"/><c r="F1" t="inlineStr"><is><t xml:space="preserve">  </t></is></c>'
        b'<c r="G1"><v>0</v></c><c r="H1" t="b"><v>0</v></c>'
        b"</row></sheetData></worksheet>"
    )
    kept = sparse.drop_blank_cells(sheet_xml, frozenset({b"1"}))
    for ref in (b"A1", b"C1", b"D1", b"G1", b"H1"):
        assert b'r="' + ref + b'"' in kept
    for ref in (b"B1", b"E1", b"F1"):
        assert b'r="' + ref + b'"' not in kept

"""The loader finds sheets and headers the forgiving way and remembers every cell."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from reporter.errors import InputError
from reporter.register.loader import load_register
from tests.conftest import HEADERS, write_workbook

DATA = Path(__file__).parent / "data"


def _minimal(**overrides: list[list[object]]) -> dict[str, list[list[object]]]:
    sheets: dict[str, list[list[object]]] = {name: [headers] for name, headers in HEADERS.items()}
    sheets.update(overrides)
    return sheets


def _with_keys(path: Path, write_keys: Callable[[Any], None]) -> Path:
    """A register with every sheet's headers; ``write_keys`` fills the キー sheet (xlsxwriter)."""
    import xlsxwriter

    workbook = xlsxwriter.Workbook(str(path))
    for name, headers in HEADERS.items():
        sheet = workbook.add_worksheet(name)
        sheet.write_row(0, 0, headers)
        if name == "キー":
            write_keys(sheet)
    workbook.close()
    return path


def _one_key_with_an_error(sheet: Any) -> None:
    sheet.write_row(1, 0, ["K-1", "その他", "T-1"])
    sheet.write_formula(1, 3, "=VLOOKUP(A2,Z:Z,2,FALSE)", None, "#N/A")


def test_header_row_below_a_title_and_a_note(tmp_path: Path) -> None:
    keys = [
        ["キー台帳(2026年11月更新)"],
        ["※キーの値そのものは書かないこと"],
        [],
        ["キーID", "種類", "発行日", "担当者"],
        ["K-1", "楽天ライセンスキー", "2026/11/01", "佐藤"],
    ]
    register = load_register(write_workbook(tmp_path / "r.xlsx", _minimal(キー=keys)))
    sheet = register.sheets["keys"]
    assert sheet.header_row == 4
    (record,) = sheet.records
    assert record.row == 5
    assert record.cell("issued_on") == "C5"
    assert record["issued_on"] == date(2026, 11, 1)
    assert record["kind"] == "rakuten_license_key"


@pytest.mark.parametrize(
    ("sheet_name", "headers"),
    [
        ("Keys", ["key_id", "kind", "issued_on", "owner"]),
        ("keys", ["Key ID", "KIND", "Issued On", "Owner"]),
        ("キー", ["ｷｰID", "種類", "発行日(必須)", "担当者*"]),
        ("ＫＥＹＳ", ["キー・ID", "種_類", "発行日 (任意)", "担当者"]),
        ("キー一覧", ["キーID", "種類", "発行日", "担当者"]),
    ],
)
def test_sheet_and_header_spellings(tmp_path: Path, sheet_name: str, headers: list[str]) -> None:
    sheets = {k: v for k, v in _minimal().items() if k != "キー"}
    sheets[sheet_name] = [headers, ["K-1", "rakuten_license_key", "2026-11-01", "佐藤"]]
    register = load_register(write_workbook(tmp_path / "r.xlsx", sheets))
    record = register.sheets["keys"].records[0]
    assert record["owner"] == "佐藤"
    assert record["issued_on"] == date(2026, 11, 1)
    assert not register.sheets["keys"].unknown_columns


def test_column_order_is_free_and_unknown_columns_are_kept(tmp_path: Path) -> None:
    keys = [["担当者", "備考", "キーID", "種類"], ["佐藤", "メモ", "K-1", "その他"]]
    register = load_register(write_workbook(tmp_path / "r.xlsx", _minimal(キー=keys)))
    sheet = register.sheets["keys"]
    assert sheet.columns["key_id"] == 2
    assert sheet.unknown_columns == [(1, "備考")]
    assert sheet.records[0].extra == ((1, "メモ"),)


def test_blank_rows_are_skipped_and_row_numbers_kept(tmp_path: Path) -> None:
    keys = [
        ["キーID", "種類", "担当者"],
        ["K-1", "その他", "佐藤"],
        [None],
        ["  ", ""],
        ["K-2", "その他", "鈴木"],
    ]
    register = load_register(write_workbook(tmp_path / "r.xlsx", _minimal(キー=keys)))
    assert [r.row for r in register.sheets["keys"].records] == [2, 5]


def test_table_not_starting_in_column_a(tmp_path: Path) -> None:
    keys = [[None, None], [None, "キーID", "種類", "担当者"], [None, "K-1", "その他", "佐藤"]]
    register = load_register(write_workbook(tmp_path / "r.xlsx", _minimal(キー=keys)))
    record = register.sheets["keys"].records[0]
    assert record.cell("owner") == "D3"
    assert record["owner"] == "佐藤"


def test_hidden_sheets_are_read(tmp_path: Path) -> None:
    import xlsxwriter

    path = tmp_path / "hidden.xlsx"
    workbook = xlsxwriter.Workbook(str(path))
    for name, headers in HEADERS.items():
        sheet = workbook.add_worksheet(name)
        sheet.write_row(0, 0, headers)
    hidden = workbook.add_worksheet("除外")
    hidden.write_row(0, 0, ["コード", "対象ID", "理由", "承認者", "期限"])
    hidden.write_row(1, 0, ["RNW007", "K-1", "一人で管理", "田中", "2027-03-31"])
    hidden.hide()
    workbook.close()
    register = load_register(path)
    assert register.sheets["exceptions"].hidden
    assert register.sheets["exceptions"].records[0]["until"] == date(2027, 3, 31)


def test_dates_in_the_1904_date_system(tmp_path: Path) -> None:
    keys = [["キーID", "種類", "発行日", "担当者"], ["K-1", "その他", date(2026, 11, 22), "佐藤"]]
    path = write_workbook(tmp_path / "r.xlsx", _minimal(キー=keys), date_1904=True)
    register = load_register(path)
    assert register.date1904
    assert register.sheets["keys"].records[0]["issued_on"] == date(2026, 11, 22)


def test_error_cells_are_recorded(tmp_path: Path) -> None:
    path = _with_keys(tmp_path / "errors.xlsx", _one_key_with_an_error)
    record = load_register(path).sheets["keys"].records[0]
    problem = record.problem("issued_on")
    assert problem is not None and problem.kind == "error" and problem.raw == "#N/A"


@pytest.mark.parametrize(
    ("make", "key"),
    [
        (lambda d: d / "missing.xlsx", "register_missing"),
        (lambda d: d, "register_is_folder"),
        (lambda d: _write(d / "r.csv", b"a,b\n1,2\n"), "register_is_csv"),
        (lambda d: _write(d / "r.xlsx", b"hello, I am text"), "register_not_workbook"),
        (lambda d: _write(d / "r.xlsx", b""), "register_corrupt"),
        (lambda d: _truncated(d), "register_corrupt"),
        (lambda d: _encrypted(d), "register_encrypted"),
        (
            lambda d: write_workbook(d / "other.xlsx", {"Sheet1": [["a", "b"]]}),
            "register_no_sheets",
        ),
    ],
)
def test_bad_input_is_one_clear_error(tmp_path: Path, make, key: str) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(InputError) as caught:
        load_register(make(tmp_path))
    assert caught.value.key == key
    assert caught.value.exit_code == 2


def _write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


def _truncated(directory: Path) -> Path:
    full = write_workbook(directory / "full.xlsx", _minimal())
    data = full.read_bytes()
    return _write(directory / "truncated.xlsx", data[: len(data) // 2])


def _encrypted(directory: Path) -> Path:
    # The start of an OLE compound file holding an EncryptedPackage stream, as
    # Excel writes a password-protected .xlsx.
    header = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504
    return _write(
        directory / "locked.xlsx", header + "EncryptedPackage".encode("utf-16-le") + b"\x00" * 512
    )


@pytest.mark.parametrize("windows_before_pass", [1000, 0], ids=["by window", "by a pass"])
def test_error_cells_in_namespace_prefixed_xml(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, windows_before_pass: int
) -> None:
    """Some programs (the .NET Open XML SDK) write <x:c>, <x:f>: error cells are still found,
    whether the prefixed cells are told from the window before each marker or by one pass."""
    import re
    import zipfile

    import reporter.register.error_cells

    monkeypatch.setattr(reporter.register.error_cells, "_WINDOWS_BEFORE_PASS", windows_before_pass)

    source = _with_keys(tmp_path / "plain.xlsx", _one_key_with_an_error)
    prefixed = tmp_path / "prefixed.xlsx"
    with zipfile.ZipFile(source) as original, zipfile.ZipFile(prefixed, "w") as copy:
        for item in original.infolist():
            data = original.read(item.filename)
            if item.filename.startswith("xl/worksheets/sheet"):
                text = data.decode().replace("<worksheet xmlns=", "<x:worksheet xmlns:x=")
                text = re.sub(r"<(/?)(?!x:|\?)([a-zA-Z]+)", r"<\1x:\2", text)
                data = text.encode()
            copy.writestr(item, data)
    record = load_register(prefixed).sheets["keys"].records[0]
    problem = record.problem("issued_on")
    assert problem is not None and problem.raw == "#N/A"


def test_cells_cleared_with_a_space_are_blank(tmp_path: Path) -> None:
    keys = [
        ["キーID", "種類", "発行日", "状態", "担当者", "副担当"],
        ["K-1", "その他", " ", "  ", "佐藤", "　"],
    ]
    record = (
        load_register(write_workbook(tmp_path / "r.xlsx", _minimal(キー=keys)))
        .sheets["keys"]
        .records[0]
    )
    assert (
        record["issued_on"] is None and record["status"] is None and record["backup_owner"] is None
    )
    assert record.problems is None


def test_rows_across_chunk_boundaries_keep_their_cells(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import reporter.register.sheet_reader

    # Rows are parsed a chunk at a time: with chunks of 3, every row below sits
    # on a boundary somewhere, and the error cell is in the third chunk.
    monkeypatch.setattr(reporter.register.sheet_reader, "PROGRESS_EVERY", 3)

    def ten_keys(sheet: Any) -> None:
        for n in range(1, 11):
            if n == 4:
                continue  # a blank row
            sheet.write_row(n, 0, [f"K-{n}", "その他", "T-1", f"2026/11/{n:02d}", "佐藤"])
        sheet.write_formula(7, 3, "=VLOOKUP(A8,Z:Z,2,FALSE)", None, "#N/A")

    path = _with_keys(tmp_path / "chunks.xlsx", ten_keys)
    records = load_register(path).sheets["keys"].records
    assert [r.row for r in records] == [2, 3, 4, 6, 7, 8, 9, 10, 11]
    assert [r.record_id for r in records] == [f"K-{n}" for n in (1, 2, 3, 5, 6, 7, 8, 9, 10)]
    assert records[3]["issued_on"] == date(2026, 11, 5)
    by_row = {r.row: r for r in records}
    assert by_row[8]["issued_on"] is None
    problem = by_row[8].problem("issued_on")
    assert problem is not None and problem.kind == "error" and problem.raw == "#N/A"
    assert all(r.problem("issued_on") is None for r in records if r.row != 8)


def test_true_and_one_are_not_the_same_cell(tmp_path: Path) -> None:
    # Python holds True == 1 == 1.0: the loader's memo of repeated values must not
    # read a TRUE typed in a number column as the number 1, nor the 1 below it as TRUE.
    notices = [
        ["通知ID", "受信日", "種類", "書類期間(日)"],
        ["N-1", "2026/11/01", "出品キャンセル", True],
        ["N-2", "2026/11/01", "出品キャンセル", 1],
        ["N-3", "2026/11/01", "出品キャンセル", 1.0],
        ["N-4", "2026/11/01", "出品キャンセル", True],
    ]
    register = load_register(write_workbook(tmp_path / "r.xlsx", _minimal(通知=notices)))
    flag, one, one_float, flag_again = register.sheets["notices"].records
    for record in (flag, flag_again):
        assert record["invoice_window_days"] is None
        problem = record.problem("invoice_window_days")
        assert problem is not None and problem.kind == "int"
    assert one["invoice_window_days"] == one_float["invoice_window_days"] == 1
    assert one.problem("invoice_window_days") is None


def test_filled_down_formula_without_cached_values(tmp_path: Path) -> None:
    # Excel writes a filled-down formula once and the cells below as
    # <f t="shared" si="0"/>; a file saved without calculating has no <v> after them.
    import re
    import zipfile

    keys = [["キーID", "種類", "発行日", "担当者"]] + [
        [f"K-{n}", "その他", 0, "佐藤"] for n in range(1, 4)
    ]
    source = write_workbook(tmp_path / "plain.xlsx", _minimal(キー=keys))
    cells = {
        "C2": b'<c r="C2" t="str"><f>"2026/11/01"</f><v>2026/11/01</v></c>',
        "C3": b'<c r="C3"><f t="shared" ref="C3:C4" si="0">TODAY()</f></c>',
        "C4": b'<c r="C4"><f t="shared" si="0"/></c>',
    }
    keys_part = f"xl/worksheets/sheet{list(HEADERS).index('キー') + 1}.xml"
    path = tmp_path / "formulas.xlsx"
    with zipfile.ZipFile(source) as original, zipfile.ZipFile(path, "w") as copy:
        for item in original.infolist():
            data = original.read(item.filename)
            if item.filename == keys_part:
                for ref, xml in cells.items():
                    data, count = re.subn(rf'<c r="{ref}"[^>]*>.*?</c>'.encode(), xml, data)
                    assert count == 1, ref
            copy.writestr(item, data)
    records = load_register(path).sheets["keys"].records
    assert records[0]["issued_on"] == date(2026, 11, 1)
    for record in records[1:]:
        problem = record.problem("issued_on")
        assert problem is not None and problem.kind == "error", record


# --- OLE compound files (.xls): chains that loop or run past the file ----------------


def _ole_with(tmp_path: Path, change: Callable[[bytearray, int, list[int]], None]) -> Path:
    """The Excel 97 sample with one change to its compound file structure."""
    import struct

    data = bytearray((DATA / "sample-saved-as-excel97.xls").read_bytes())
    sector_bytes = 1 << struct.unpack_from("<H", data, 30)[0]
    fat_sectors = [n for n in struct.unpack_from("<109I", data, 76) if n < 0xFFFFFFFA]
    change(data, sector_bytes, fat_sectors)
    path = tmp_path / "changed.xls"
    path.write_bytes(bytes(data))
    return path


def _directory_loops(data: bytearray, sector_bytes: int, fat_sectors: list[int]) -> None:
    """The directory's first sector names itself as the next: a chain with no end."""
    import struct

    first = struct.unpack_from("<I", data, 48)[0]
    fat_offset = (fat_sectors[0] + 1) * sector_bytes
    struct.pack_into("<I", data, fat_offset + 4 * first, first)


def _stream_longer_than_the_file(data: bytearray, sector_bytes: int, _: list[int]) -> None:
    """The Workbook stream declares 4 GB."""
    import struct

    first = struct.unpack_from("<I", data, 48)[0]
    directory = (first + 1) * sector_bytes
    for entry in range(directory, directory + sector_bytes, 128):
        name = bytes(data[entry : entry + 64]).decode("utf-16-le").split("\x00")[0]
        if name == "Workbook":
            struct.pack_into("<I", data, entry + 120, 0xFFFFFFF0)
            return
    raise AssertionError("no Workbook stream in the first directory sector")


@pytest.mark.parametrize("change", [_directory_loops, _stream_longer_than_the_file])
def test_a_damaged_compound_file_is_refused_before_calamine_reads_it(
    tmp_path: Path, change: Callable[[bytearray, int, list[int]], None]
) -> None:
    with pytest.raises(InputError) as refused:
        load_register(_ole_with(tmp_path, change))
    assert refused.value.key == "register_corrupt"


def test_the_unchanged_compound_file_is_read(tmp_path: Path) -> None:
    register = load_register(_ole_with(tmp_path, lambda *_: None))
    assert register.sheets["keys"].records


def test_utf16_xml_is_unsupported_only_where_calamine_reads_it(tmp_path: Path) -> None:
    """A UTF-16 custom XML part (SharePoint writes one) does not stop the register being read."""
    import zipfile

    base = write_workbook(tmp_path / "base.xlsx", {name: [h] for name, h in HEADERS.items()})
    item = '<?xml version="1.0" encoding="UTF-16"?><b:Sources/>'.encode("utf-16")
    custom, sheet = tmp_path / "custom.xlsx", tmp_path / "sheet.xlsx"
    with (
        zipfile.ZipFile(base) as source,
        zipfile.ZipFile(custom, "w") as with_custom,
        zipfile.ZipFile(sheet, "w") as with_sheet,
    ):
        for info in source.infolist():
            data = source.read(info)
            with_custom.writestr(info.filename, data)
            if info.filename == "xl/workbook.xml":
                data = data.decode().replace('encoding="UTF-8"', 'encoding="UTF-16"')
                data = data.encode("utf-16")
            with_sheet.writestr(info.filename, data)
        with_custom.writestr("customXml/item1.xml", item)
    assert "keys" in load_register(custom).sheets
    with pytest.raises(InputError) as refused:
        load_register(sheet)
    assert refused.value.key == "register_unsupported"
    assert "UTF-16" in refused.value.render("en")


def test_an_abort_while_reading_an_xls_is_one_line(
    monkeypatch: pytest.MonkeyPatch, capfd: pytest.CaptureFixture[str]
) -> None:
    """Without the OLE guard, the looping .xls makes calamine abort: in the child, not here."""
    from reporter.register import read_probe, sniff

    monkeypatch.setattr(sniff, "check_compound_file", lambda path: None)
    monkeypatch.setattr(read_probe, "PROBE_MEMORY", 512 << 20)  # fail fast
    looping = Path(__file__).parent / "corpus" / "wild" / "phpspreadsheet-oleloop.xls"
    with pytest.raises(InputError) as refused:
        load_register(looping)
    assert refused.value.key in ("register_too_large_to_read", "register_corrupt")
    assert "memory allocation" not in capfd.readouterr().err  # the child's report is not shown

"""Write the corpus of broken and hostile registers that tests/test_corpus.py runs the CLI on.

Every file is made here, by script, so that a reader can see exactly what each
one holds; nothing opaque is committed. Run it by hand to look at the files:

    .venv/bin/python tests/corpus/make_corpus.py /tmp/corpus

The tests call :func:`build_corpus` once per session into a temporary folder.
Building takes a second or two: the zip bombs are assembled from one deflate
block repeated, never by compressing gigabytes.

Two files are copied rather than made, with how they were made documented in
tests/data/README.md: the password-protected workbook (encryption needs
msoffcrypto-tool) and the Excel 97 .xls (no Python library writes .xls).
LibreOffice cannot write .xlsb (it has an import filter only), so the .xlsb
here is written record by record from [MS-XLSB].
"""

from __future__ import annotations

import io
import shutil
import struct
import sys
import zipfile
import zlib
from collections.abc import Callable, Iterable, Sequence
from datetime import date, datetime, time
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape, quoteattr

ROOT = Path(__file__).resolve().parents[2]
if __name__ == "__main__":  # run as a script: make `tests` importable
    sys.path.insert(0, str(ROOT))

from tests.conftest import HEADERS, register_sheets, write_workbook  # noqa: E402

SAMPLE = ROOT / "sample_data" / "register.xlsx"
DATA = ROOT / "tests" / "data"

EXCEL_ROWS, EXCEL_COLUMNS = 1_048_576, 16_384  # the size of an Excel sheet
EXCEL_MAX_TEXT = 32_767  # the most characters one Excel cell holds

# The sheet part of the キー sheet in a workbook written by write_workbook from
# register_sheets(): ツール, キー, 権限, 通知 are sheet1..sheet4.
KEYS_PART = "xl/worksheets/sheet2.xml"

# Zip bombs. Deflate cannot do better than about 1,000:1, so a bomb that
# inflates to BOMB_BYTES is about BOMB_BYTES / 1,000 on disk.
BOMB_CHUNK_BYTES = 1 << 20  # XML per repeated deflate block
BOMB_BYTES = 5 << 29  # 2.5 GiB of sheet XML: over any sane total size
RATIO_BOMB_BYTES = 200 << 20  # 200 MiB: under the total limit, caught by its ratio
LYING_BOMB_BYTES = 200 << 20  # what the lying entry really inflates to

Builder = Callable[[Path], Path]
CASES: dict[str, Builder] = {}


def case(name: str) -> Callable[[Builder], Builder]:
    """Register a builder that writes the corpus file ``name`` into a folder."""

    def register(builder: Builder) -> Builder:
        CASES[name] = builder
        return builder

    return register


def build_corpus(folder: Path) -> dict[str, Path]:
    """Write every corpus file into ``folder``; return file name -> path."""
    folder.mkdir(parents=True, exist_ok=True)
    built: dict[str, Path] = {}
    for name, builder in CASES.items():
        path = builder(folder / name)
        assert path.name == name and path.is_file(), name
        built[name] = path
    return built


# --- registers with a few known findings --------------------------------------------


def small_register() -> dict[str, list[list[Any]]]:
    """A register with one row per sheet and two known findings (RNW001, RNW007 on K-1)."""
    return register_sheets(
        tools=[
            {"ツールID": "T-1", "ツール名": "価格改定くん", "用途": "価格改定", "状態": "利用中"}
        ],
        keys=[
            {
                "キーID": "K-1",
                "種類": "楽天ライセンスキー",
                "ツールID": "T-1",
                "発行日": date(2026, 1, 5),
                "担当者": "佐藤",
            }
        ],
        grants=[],
        notices=[],
    )


# --- truncated, renamed, not a workbook ----------------------------------------------


@case("truncated.xlsx")
def truncated(path: Path) -> Path:
    """A real register cut in half, as a copy interrupted by a network drop leaves it."""
    data = SAMPLE.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    return path


@case("csv-renamed.xlsx")
def csv_renamed(path: Path) -> Path:
    """A CSV export (UTF-8 with BOM, as Excel's "CSV UTF-8" writes) renamed to .xlsx."""
    lines = ["キーID,種類,発行日,担当者", "K-1,楽天ライセンスキー,2026/01/05,佐藤", ""]
    path.write_bytes("\ufeff".encode() + "\r\n".join(lines).encode())
    return path


@case("csv-shift-jis-renamed.xlsx")
def csv_shift_jis_renamed(path: Path) -> Path:
    """A CSV in Shift_JIS (Excel's plain "CSV" on Japanese Windows) renamed to .xlsx."""
    lines = ["ツールID,ツール名,用途,状態", "T-1,価格改定くん,価格改定,利用中", ""]
    path.write_bytes("\r\n".join(lines).encode("cp932"))
    return path


@case("html-renamed.xls")
def html_renamed(path: Path) -> Path:
    """A web page a shop system's "download as Excel" wrote, named .xls."""
    page = (
        '<html><head><meta charset="utf-8"></head><body><table>'
        "<tr><th>キーID</th><th>種類</th></tr><tr><td>K-1</td><td>その他</td></tr>"
        "</table></body></html>"
    )
    path.write_text(page, encoding="utf-8")
    return path


@case("unicode-text-renamed.xls")
def unicode_text_renamed(path: Path) -> Path:
    """Excel's "Unicode text" (UTF-16, tab-separated) named .xls."""
    path.write_bytes("キーID\t種類\r\nK-1\tその他\r\n".encode("utf-16"))
    return path


@case("docx-renamed.xlsx")
def docx_renamed(path: Path) -> Path:
    """A zip that is not a spreadsheet (the skeleton of a Word document) renamed to .xlsx."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as package:
        package.writestr("[Content_Types].xml", _CONTENT_TYPES_DOCX)
        package.writestr("word/document.xml", "<w:document/>")
    return path


@case("ods-renamed.xlsx")
def ods_renamed(path: Path) -> Path:
    """The sample register as .ods, renamed to .xlsx (the content decides, not the name)."""
    return sample_ods(path)


@case("xlsx-renamed.xls")
def xlsx_renamed(path: Path) -> Path:
    """The sample register (.xlsx) renamed to .xls."""
    shutil.copyfile(SAMPLE, path)
    return path


@case("garbage-sheet-xml.xlsx")
def garbage_sheet_xml(path: Path) -> Path:
    """A well-formed package whose キー sheet XML is not XML at all."""
    source = write_workbook(path.with_suffix(".tmp.xlsx"), small_register())
    _rewrite_zip(source, path, {KEYS_PART: b"\x00\x01garbage<<<>>>" * 100})
    source.unlink()
    return path


# --- bombs ---------------------------------------------------------------------------


def crc32_combine(crc1: int, crc2: int, length2: int) -> int:
    """CRC-32 of A+B from crc(A), crc(B) and len(B): zlib's crc32_combine, in GF(2)."""

    def times(matrix: list[int], vector: int) -> int:
        total, index = 0, 0
        while vector:
            if vector & 1:
                total ^= matrix[index]
            vector >>= 1
            index += 1
        return total

    def square(matrix: list[int]) -> list[int]:
        return [times(matrix, matrix[n]) for n in range(32)]

    if length2 <= 0:
        return crc1
    odd = [0xEDB88320] + [1 << n for n in range(31)]  # one zero bit
    even = square(odd)  # two zero bits
    odd = square(even)  # four zero bits
    while True:
        even = square(odd)
        if length2 & 1:
            crc1 = times(even, crc1)
        length2 >>= 1
        if not length2:
            break
        odd = square(even)
        if length2 & 1:
            crc1 = times(odd, crc1)
        length2 >>= 1
        if not length2:
            break
    return crc1 ^ crc2


def deflate_repeated(head: bytes, chunk: bytes, repeat: int, tail: bytes) -> tuple[bytes, int, int]:
    """Raw deflate of head + chunk * repeat + tail without compressing it all: (data, crc, size).

    After a full flush the compressor starts afresh, so the deflate blocks for
    ``chunk`` are the same bytes every time and can be repeated as they are.
    """
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    start = compressor.compress(head) + compressor.flush(zlib.Z_FULL_FLUSH)
    block = compressor.compress(chunk) + compressor.flush(zlib.Z_FULL_FLUSH)
    again = compressor.compress(chunk) + compressor.flush(zlib.Z_FULL_FLUSH)
    assert block == again, "deflate blocks differ after a full flush"
    end = compressor.compress(tail) + compressor.flush(zlib.Z_FINISH)
    crc = zlib.crc32(head)
    chunk_crc, power_length, remaining = zlib.crc32(chunk), len(chunk), repeat
    repeated_crc = 0
    while remaining:  # crc(chunk * repeat) by doubling
        if remaining & 1:
            repeated_crc = crc32_combine(repeated_crc, chunk_crc, power_length)
        chunk_crc = crc32_combine(chunk_crc, chunk_crc, power_length)
        power_length *= 2
        remaining >>= 1
    crc = crc32_combine(crc, repeated_crc, len(chunk) * repeat)
    crc = crc32_combine(crc, zlib.crc32(tail), len(tail))
    data = start + block * repeat + end
    return data, crc, len(head) + len(chunk) * repeat + len(tail)


def _bomb_sheet(total: int) -> tuple[bytes, int, int]:
    """Sheet XML of about ``total`` bytes: a row of inline text per MiB, padded with spaces."""
    head = (
        b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        b'<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>\xe3\x82\xad\xe3\x83\xbcID'
        b'</t></is></c><c r="B1" t="inlineStr"><is><t>owner</t></is></c></row>'
    )
    row = (
        b'<row><c t="inlineStr"><is><t>K-0</t></is></c><c t="inlineStr"><is><t>x</t></is></c></row>'
    )
    # One row, then spaces: deflate packs a run of one byte best (about 1,030:1).
    chunk = row + b" " * (BOMB_CHUNK_BYTES - len(row))
    tail = b"</sheetData></worksheet>"
    return deflate_repeated(head, chunk, max(1, total // len(chunk)), tail)


@case("zip-bomb.xlsx")
def zip_bomb(path: Path) -> Path:
    """A real register whose キー sheet XML inflates to 2.5 GiB (the file is about 2.5 MB)."""
    return _with_bomb(path, _bomb_sheet(BOMB_BYTES))


@case("zip-bomb-ratio.xlsx")
def zip_bomb_ratio(path: Path) -> Path:
    """A smaller bomb: 200 MiB of sheet XML from a few hundred KB, ratio about 1,000:1."""
    return _with_bomb(path, _bomb_sheet(RATIO_BOMB_BYTES))


@case("zip-bomb-lying-size.xlsx")
def zip_bomb_lying_size(path: Path) -> Path:
    """A bomb whose directory declares a modest size: the entry really inflates to 200 MiB."""
    data, crc, _real_size = _bomb_sheet(LYING_BOMB_BYTES)
    return _with_bomb(path, (data, crc, len(data) * 5))  # claims an ordinary 5:1 ratio


def _with_bomb(path: Path, bomb: tuple[bytes, int, int]) -> Path:
    source = write_workbook(path.with_suffix(".tmp.xlsx"), small_register())
    with zipfile.ZipFile(source) as original:
        members = [
            RawMember(item.filename, *_deflate(original.read(item.filename)))
            for item in original.infolist()
            if item.filename != KEYS_PART
        ]
    members.append(RawMember(KEYS_PART, *bomb))
    write_raw_zip(path, members)
    source.unlink()
    return path


_LAUGHS = "".join(f'<!ENTITY lol{n} "{f"&lol{n - 1};" * 10}">' for n in range(1, 10)).replace(
    "&lol0;", "lol"
)
ENTITY_BOMB_DOCTYPE = f"<!DOCTYPE lolz [<!ENTITY lol0 'lol'>{_LAUGHS}]>"
EXTERNAL_ENTITY_DOCTYPE = '<!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'


@case("entity-bomb.xlsx")
def entity_bomb(path: Path) -> Path:
    """Billion laughs: a DOCTYPE in sharedStrings.xml and the sheet XML, an id that expands it."""
    parts = {"xl/sharedStrings.xml", KEYS_PART}
    return _with_doctype(path, ENTITY_BOMB_DOCTYPE, "&lol9;", parts)


@case("external-entity.xlsx")
def external_entity(path: Path) -> Path:
    """An external entity (XXE) naming /etc/passwd in workbook.xml and sharedStrings.xml."""
    parts = {"xl/workbook.xml", "xl/sharedStrings.xml"}
    return _with_doctype(path, EXTERNAL_ENTITY_DOCTYPE, "&xxe;", parts)


def _with_doctype(path: Path, doctype: str, reference: str, parts: set[str]) -> Path:
    sheets = small_register()
    sheets["キー"][1][0] = "ENTITY-HERE"  # the id of K-1, in sharedStrings.xml
    sheets["キー"][0].append("ENTITY-HERE")  # and a header, in the sheet XML as well
    source = write_workbook(path.with_suffix(".tmp.xlsx"), sheets)

    def edit(name: str, data: bytes) -> bytes:
        if name not in parts:
            return data
        text = data.decode()
        declaration, _, body = text.partition("?>")
        text = f"{declaration}?>{doctype}{body}" if body else f"{doctype}{text}"
        return text.replace("ENTITY-HERE", reference).encode()

    _rewrite_zip(source, path, edit)
    source.unlink()
    return path


# --- password, other formats ---------------------------------------------------------


@case("password-protected.xlsx")
def password_protected(path: Path) -> Path:
    """The committed encrypted workbook (tests/data/README.md says how it was made)."""
    shutil.copyfile(DATA / "password-protected.xlsx", path)
    return path


@case("sample.xls")
def sample_xls(path: Path) -> Path:
    """The sample register saved as Excel 97 (tests/data/README.md)."""
    shutil.copyfile(DATA / "sample-saved-as-excel97.xls", path)
    return path


def _sample_cells() -> list[tuple[str, bool, list[list[Any]]]]:
    """Every sheet of the sample register as (name, hidden, rows) of calamine values."""
    import python_calamine

    workbook = python_calamine.CalamineWorkbook.from_path(str(SAMPLE))
    sheets = []
    for meta in workbook.sheets_metadata:
        sheet = workbook.get_sheet_by_name(meta.name)
        top, left = sheet.start or (0, 0)
        rows = [[None] * left + list(row) for row in sheet.iter_rows()]
        hidden = str(meta.visible).rsplit(".", 1)[-1] != "Visible"
        sheets.append((meta.name, hidden, [[]] * top + rows))
    workbook.close()
    return sheets


@case("sample.ods")
def sample_ods(path: Path) -> Path:
    """The sample register as OpenDocument, written as its XML (a zip, like .xlsx)."""
    tables = "".join(_ods_table(name, rows) for name, _hidden, rows in _sample_cells())
    content = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"'
        ' xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0"'
        ' xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
        f"<office:body><office:spreadsheet>{tables}</office:spreadsheet></office:body>"
        "</office:document-content>"
    )
    manifest = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"'
        ' manifest:version="1.2">'
        f'<manifest:file-entry manifest:full-path="/" manifest:media-type="{_ODS_MIME}"/>'
        '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
        "</manifest:manifest>"
    )
    with zipfile.ZipFile(path, "w") as package:
        # The mimetype comes first and stored, so that tools can sniff it.
        package.writestr("mimetype", _ODS_MIME, compress_type=zipfile.ZIP_STORED)
        package.writestr("content.xml", content, compress_type=zipfile.ZIP_DEFLATED)
        package.writestr("META-INF/manifest.xml", manifest, compress_type=zipfile.ZIP_DEFLATED)
    return path


_ODS_MIME = "application/vnd.oasis.opendocument.spreadsheet"


def _ods_table(name: str, rows: list[list[Any]]) -> str:
    body = []
    for row in rows:
        cells = "".join(_ods_cell(value) for value in row)
        body.append(f"<table:table-row>{cells or '<table:table-cell/>'}</table:table-row>")
    return f"<table:table table:name={quoteattr(name)}>{''.join(body)}</table:table>"


def _ods_cell(value: Any) -> str:
    if value is None or value == "":
        return "<table:table-cell/>"
    if isinstance(value, bool):
        flag = "true" if value else "false"
        kind = f'office:value-type="boolean" office:boolean-value="{flag}"'
    elif isinstance(value, (int, float)):
        kind = f'office:value-type="float" office:value="{value!r}"'
    elif isinstance(value, date):  # a datetime too: 2026-11-22T09:30:00
        kind = f'office:value-type="date" office:date-value="{value.isoformat()}"'
    elif isinstance(value, time):
        kind = f'office:value-type="time" office:time-value="PT{value.hour}H{value.minute}M{value.second}S"'
    else:
        kind = 'office:value-type="string"'
    return f"<table:table-cell {kind}><text:p>{escape(str(value))}</text:p></table:table-cell>"


@case("sample.xlsb")
def sample_xlsb(path: Path) -> Path:
    """The sample register as Excel binary (.xlsb), written record by record."""
    write_xlsb(path, _sample_cells())
    return path


@case("xlsb-short-records.xlsb")
def xlsb_short_records(path: Path) -> Path:
    """A damaged .xlsb: cell records shorter than their kind, a shared string past the table."""
    broken = [
        _record(0x0000, struct.pack("<IIHHBI", 1, 0, 300, 0, 0, 0)),  # row 2
        _record(0x0002, b"\x00"),  # BrtCellRk with 1 byte instead of 12
        _record(0x0007, struct.pack("<III", 1, 0, 999)),  # BrtCellIsst: no string 999
        _record(0x0005, b""),  # BrtCellReal with no body
    ]
    sheets = [(name, False, [headers]) for name, headers in HEADERS.items()]
    write_xlsb(path, sheets, extra_records={"キー": broken})
    return path


@case("xlsb-value-in-last-cell.xlsb")
def xlsb_value_in_last_cell(path: Path) -> Path:
    """An .xlsb register with a space in XFD1048576, the last cell of the sheet."""
    far_cell = [
        _record(0x0000, struct.pack("<IIHHBI", EXCEL_ROWS - 1, 0, 300, 0, 0, 0)),
        _xlsb_cell(EXCEL_COLUMNS - 1, " "),
    ]
    sheets = [(name, False, [headers]) for name, headers in HEADERS.items()]
    write_xlsb(path, sheets, extra_records={"キー": far_cell})
    return path


# --- empty, headers only, odd headers, wide --------------------------------------------


@case("empty-sheet.xlsx")
def empty_sheet(path: Path) -> Path:
    """A new, untouched workbook: one empty Sheet1."""
    return write_workbook(path, {"Sheet1": []})


@case("no-sheets.xlsx")
def no_sheets(path: Path) -> Path:
    """A package whose workbook lists no sheets at all (Excel never writes one; scripts do)."""
    source = write_workbook(path.with_suffix(".tmp.xlsx"), {"Sheet1": []})

    def edit(name: str, data: bytes) -> bytes | None:
        if name == "xl/workbook.xml":
            text = data.decode()
            start, end = text.index("<sheets>"), text.index("</sheets>") + len("</sheets>")
            return (text[:start] + "<sheets/>" + text[end:]).encode()
        if name.startswith("xl/worksheets/"):
            return None
        return data

    _rewrite_zip(source, path, edit)
    source.unlink()
    return path


@case("empty-register-sheets.xlsx")
def empty_register_sheets(path: Path) -> Path:
    """The four register sheets, named right, with nothing in them."""
    return write_workbook(path, {name: [] for name in HEADERS})


@case("headers-only.xlsx")
def headers_only(path: Path) -> Path:
    """The four register sheets with their headers and no data rows."""
    return write_workbook(path, {name: [headers] for name, headers in HEADERS.items()})


@case("merged-and-duplicate-headers.xlsx")
def merged_and_duplicate_headers(path: Path) -> Path:
    """キー: 'キーID' merged over A1:B1, and '担当者' twice; ツール: a merged title over the header."""
    import xlsxwriter

    workbook = xlsxwriter.Workbook(str(path), {"strings_to_numbers": False})
    merged = workbook.add_format({"align": "center"})
    for name, headers in HEADERS.items():
        sheet = workbook.add_worksheet(name)
        if name == "キー":
            sheet.merge_range(0, 0, 0, 1, "キーID", merged)
            sheet.write_row(0, 2, ["種類", "発行日", "担当者", "担当者", "副担当"])
            sheet.write_row(1, 0, ["K-1", None, "その他", "2026-11-01", "佐藤", "鈴木", "田中"])
            sheet.write_row(2, 0, ["K-2", "K-2b", "その他", "2026-11-02", "", "鈴木"])
        elif name == "ツール":
            sheet.merge_range(0, 0, 0, len(headers) - 1, "ツール一覧", merged)
            sheet.write_row(1, 0, headers)
            sheet.write_row(2, 0, ["T-1", "在庫くん", "在庫管理", "利用中"])
        else:
            sheet.write_row(0, 0, headers)
    workbook.close()
    return path


@case("16384-columns.xlsx")
def sixteen_thousand_columns(path: Path) -> Path:
    """キー uses all 16,384 columns: data rows filled to XFD, a note in XFD1 beside the headers."""
    import xlsxwriter

    workbook = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    for name, headers in HEADERS.items():
        sheet = workbook.add_worksheet(name)
        sheet.write_row(0, 0, headers)
        if name != "キー":
            continue
        sheet.write_string(0, EXCEL_COLUMNS - 1, "メモ")
        for row in (1, 2):
            values = [f"K-{row}", "その他", "", "2026-11-01", "", "", "佐藤", "鈴木"]
            filler = (f"v{row}-{n}" for n in range(len(values), EXCEL_COLUMNS))
            sheet.write_row(row, 0, [*values, *filler])
    workbook.close()
    return path


@case("space-in-last-cell.xlsx")
def space_in_last_cell(path: Path) -> Path:
    """A register with a single space typed in XFD1048576, the last cell of the sheet."""
    return _with_last_cell(path, " ")


@case("value-in-last-cell.xlsx")
def value_in_last_cell(path: Path) -> Path:
    """A register with a note typed in XFD1048576: 17 billion cells for calamine."""
    return _with_last_cell(path, "メモ")


def _with_last_cell(path: Path, text: str) -> Path:
    import xlsxwriter

    workbook = xlsxwriter.Workbook(str(path))
    for name, headers in HEADERS.items():
        sheet = workbook.add_worksheet(name)
        sheet.write_row(0, 0, headers)
        if name == "キー":
            sheet.write_row(1, 0, ["K-1", "その他", "", "2026-11-01", "", "", "佐藤", "鈴木"])
            sheet.write_string(EXCEL_ROWS - 1, EXCEL_COLUMNS - 1, text)
    workbook.close()
    return path


@case("formatted-to-last-cell.xlsx")
def formatted_to_last_cell(path: Path) -> Path:
    """The same register with XFD1048576 formatted but empty: the used range is the whole sheet."""
    import xlsxwriter

    workbook = xlsxwriter.Workbook(str(path))
    yellow = workbook.add_format({"bg_color": "yellow"})
    for name, headers in HEADERS.items():
        sheet = workbook.add_worksheet(name)
        sheet.write_row(0, 0, headers)
        if name == "キー":
            sheet.write_row(1, 0, ["K-1", "その他", "", "2026-11-01", "", "", "佐藤", "鈴木"])
            sheet.write_blank(EXCEL_ROWS - 1, EXCEL_COLUMNS - 1, None, yellow)
    workbook.close()
    return path


# --- formulas, error cells, long text, odd characters, impossible dates --------------


@case("formulas-uncached.xlsx")
def formulas_uncached(path: Path) -> Path:
    """Formulas saved with no cached value (openpyxl writes them so; Excel recalculates on open)."""
    import openpyxl

    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    for name, headers in HEADERS.items():
        workbook.create_sheet(name).append(headers)
    keys = workbook["キー"]
    keys.append(["K-1", "その他", "T-1", "=DATE(2026,11,1)", "=D2+90", None, "佐藤", "=G2"])
    keys.append(['="K-"&ROW()', "その他", "T-1", "2026-11-01", None, None, '=UPPER("a")'])
    workbook.save(path)
    return path


ERROR_VALUES = ("#N/A", "#REF!", "#DIV/0!", "#VALUE!", "#NAME?", "#NUM!", "#NULL!")


@case("error-cells.xlsx")
def error_cells(path: Path) -> Path:
    """キー: one error value in 発行日 per row, each a formula with its cached error."""
    import xlsxwriter

    workbook = xlsxwriter.Workbook(str(path))
    for name, headers in HEADERS.items():
        sheet = workbook.add_worksheet(name)
        sheet.write_row(0, 0, headers)
        if name != "キー":
            continue
        for n, error in enumerate(ERROR_VALUES, start=1):
            sheet.write_row(n, 0, [f"K-{n}", "その他", "T-1"])
            sheet.write_formula(n, 3, "=VLOOKUP(A2,Z:Z,2,FALSE)", None, error)
            sheet.write_row(n, 6, ["佐藤", "鈴木"])
    workbook.close()
    return path


LONG_ID = ("K" + "-長い" * EXCEL_MAX_TEXT)[:EXCEL_MAX_TEXT]
LONG_JAPANESE = ("価格改定" * EXCEL_MAX_TEXT)[:EXCEL_MAX_TEXT]


@case("long-text.xlsx")
def long_text(path: Path) -> Path:
    """Cells of 32,767 characters (Excel's maximum) in an id, a name, an enum and a date."""
    long_id, long_japanese = LONG_ID, LONG_JAPANESE
    sheets = register_sheets(
        tools=[
            {"ツールID": "T-1", "ツール名": long_japanese, "用途": long_japanese, "状態": "利用中"}
        ],
        keys=[
            {
                "キーID": long_id,
                "種類": "その他",
                "発行日": "2026/" + "1" * (EXCEL_MAX_TEXT - 5),
                "担当者": long_japanese,
                "備考": "🍣" * (EXCEL_MAX_TEXT // 2),  # a non-BMP character is 2 UTF-16 units
            }
        ],
    )
    return write_workbook(path, sheets)


# Characters XML 1.0 cannot hold directly travel as Excel's _xHHHH_ escapes;
# this one also carries a terminal colour sequence (ESC [31m).
CONTROL_ID = "K-\x01\x08\x1b[31m-\x7f"


@case("control-and-emoji.xlsx")
def control_and_emoji(path: Path) -> Path:
    """Ids and names with control characters (as _x0001_ escapes), emoji and non-BMP kanji."""
    sheets = register_sheets(
        tools=[
            {
                "ツールID": "T-👨‍👩‍👧",
                "ツール名": "🍣寿司ツール\t改",
                "用途": "出品",
                "状態": "利用中",
            }
        ],
        keys=[
            {
                "キーID": "K-🍣",
                "種類": "楽天ライセンスキー",
                "ツールID": "T-👨‍👩‍👧",
                "発行日": date(2026, 1, 5),
                "担当者": "𠮷田",
            },
            {
                "キーID": "K-𠮷野家",
                "種類": "その他",
                "発行日": "2026/11/01",
                "担当者": "ｻﾄｳ\u200b",
                "副担当": "鈴木",
            },
            {"キーID": CONTROL_ID, "種類": "その他", "担当者": "制御\x00文字\x1f", "副担当": "x"},
        ],
        notices=[
            {
                "通知ID": "N-\u202eevil",
                "受信日": date(2026, 11, 1),
                "種類": "その他",
                "状態": "完了",
            }
        ],
    )
    # xlsxwriter writes the control characters as Excel does: 制御_x0000_文字_x001F_.
    return write_workbook(path, sheets)


IMPOSSIBLE_DATES: tuple[Any, ...] = (
    "2026-02-30",
    "令和8年13月1日",
    "9999-12-32",
    "R8.2.30",
    "0000-01-01",
    "2026/00/10",
    "２０２６年２月３０日",
)


@case("impossible-dates.xlsx")
def impossible_dates(path: Path) -> Path:
    """Dates that are no day: Feb 30, month 13, serial -1, 9999-12-32 and beyond the calendar."""
    import xlsxwriter

    workbook = xlsxwriter.Workbook(str(path), {"strings_to_numbers": False})
    date_format = workbook.add_format({"num_format": "yyyy-mm-dd"})
    for name, headers in HEADERS.items():
        sheet = workbook.add_worksheet(name)
        sheet.write_row(0, 0, headers)
        if name != "キー":
            continue
        row = 1
        for text in IMPOSSIBLE_DATES:
            sheet.write_row(row, 0, [f"K-{row}", "その他", "T-1", text, None, None, "佐藤", "鈴木"])
            row += 1
        # Date-formatted numbers no calendar holds: before 1900, after 9999-12-31.
        for serial in (-1, 2_958_466, 1e300):
            sheet.write_row(row, 0, [f"K-{row}", "その他", "T-1"])
            sheet.write_number(row, 3, serial, date_format)
            sheet.write_row(row, 6, ["佐藤", "鈴木"])
            row += 1
    workbook.close()
    return path


@case("台帳 (コピー) 🍣.xlsx")
def non_ascii_name(path: Path) -> Path:
    """An ordinary small register under a Japanese name with an emoji and spaces."""
    return write_workbook(path, small_register())


@case("dimension-lies.xlsx")
def dimension_lies(path: Path) -> Path:
    """A register whose キー sheet declares A1:H2 but holds a value in XFD1048576.

    The declared used range passes every check on it; calamine allocates the
    range of the cells it finds (17 billion) and aborts the process.
    """
    write_workbook(path, small_register())
    far = b'<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>x</t></is></c></row>'
    return _replace_in_part(path, KEYS_PART, b"</sheetData>", far + b"</sheetData>")


def _replace_in_part(path: Path, part: str, old: bytes, new: bytes) -> Path:
    original = path.read_bytes()
    with zipfile.ZipFile(io.BytesIO(original)) as source, zipfile.ZipFile(path, "w") as target:
        for item in source.infolist():
            data = source.read(item)
            if item.filename == part:
                assert old in data, part
                data = data.replace(old, new, 1)
            target.writestr(item, data, compress_type=zipfile.ZIP_DEFLATED)
    return path


@case("ods-row-repeated-a-million-times.ods")
def ods_row_repeated(path: Path) -> Path:
    """A few hundred bytes of .ods whose one row of a register says it repeats 1,000,000 times.

    calamine writes out every repetition and the reader reads each row: a minute
    for a file this size.
    """
    row = "".join(_ods_cell(value) for value in ["K-1", "その他", "", "2026-11-01"])
    table = (
        f"<table:table table:name={quoteattr('キー')}>"
        f"<table:table-row>{''.join(_ods_cell(h) for h in HEADERS['キー'])}</table:table-row>"
        f'<table:table-row table:number-rows-repeated="1000000">{row}</table:table-row>'
        "</table:table>"
    )
    content = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"'
        ' xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0"'
        ' xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
        f"<office:body><office:spreadsheet>{table}</office:spreadsheet></office:body>"
        "</office:document-content>"
    )
    with zipfile.ZipFile(path, "w") as package:
        package.writestr("mimetype", _ODS_MIME, compress_type=zipfile.ZIP_STORED)
        package.writestr("content.xml", content, compress_type=zipfile.ZIP_DEFLATED)
    return path


@case("excel4-worksheet.xls")
def excel4_worksheet(path: Path) -> Path:
    """An Excel 4.0 worksheet: BIFF4 records, no OLE container ([MS-XLS] predecessors).

    BOF (0x0409: BIFF4, a worksheet), one LABEL record (0x0204) and EOF.
    """
    bof = struct.pack("<HHHHH", 0x0409, 6, 0, 0x0010, 0)
    text = "キーID".encode("cp932")
    label = struct.pack("<HHHHHH", 0x0204, 8 + len(text), 0, 0, 0, len(text)) + text
    path.write_bytes(bof + label + struct.pack("<HH", 0x000A, 0))
    return path


# --- writing zips and .xlsb by hand --------------------------------------------------


class RawMember:
    """A zip entry given as already compressed bytes, with the CRC and size it declares."""

    def __init__(self, name: str, data: bytes, crc: int, size: int, method: int = 8) -> None:
        self.name, self.data, self.crc, self.size, self.method = name, data, crc, size, method


def _deflate(data: bytes) -> tuple[bytes, int, int]:
    compressor = zlib.compressobj(6, zlib.DEFLATED, -15)
    return compressor.compress(data) + compressor.flush(), zlib.crc32(data), len(data)


def write_raw_zip(path: Path, members: Iterable[RawMember]) -> None:
    """Write a zip from pre-compressed entries (zipfile cannot take raw deflate data)."""
    dos_time, dos_date = 0, (2026 - 1980) << 9 | 11 << 5 | 30
    central = bytearray()
    with path.open("wb") as out:
        for member in members:
            name = member.name.encode()
            flags = 0x800  # names are UTF-8
            offset = out.tell()
            out.write(
                struct.pack(
                    "<IHHHHHIIIHH",
                    0x04034B50,
                    20,
                    flags,
                    member.method,
                    dos_time,
                    dos_date,
                    member.crc,
                    len(member.data),
                    member.size,
                    len(name),
                    0,
                )
            )
            out.write(name)
            out.write(member.data)
            central += struct.pack(
                "<IHHHHHHIIIHHHHHII",
                0x02014B50,
                20,
                20,
                flags,
                member.method,
                dos_time,
                dos_date,
                member.crc,
                len(member.data),
                member.size,
                len(name),
                0,
                0,
                0,
                0,
                0,
                offset,
            )
            central += name
        start = out.tell()
        count = central.count(b"PK\x01\x02")
        out.write(central)
        out.write(struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, count, count, len(central), start, 0))


def _rewrite_zip(
    source: Path,
    target: Path,
    edit: dict[str, bytes] | Callable[[str, bytes], bytes | None],
) -> None:
    """Copy a zip, replacing entries (a dict of name -> bytes, or name, data -> bytes / None)."""
    if isinstance(edit, dict):
        replacements = edit

        def edit(name: str, data: bytes) -> bytes | None:
            return replacements.get(name, data)

    with zipfile.ZipFile(source) as original, zipfile.ZipFile(target, "w") as copy:
        for item in original.infolist():
            data = edit(item.filename, original.read(item.filename))
            if data is not None:
                copy.writestr(item, data, compress_type=zipfile.ZIP_DEFLATED)


def _record(kind: int, body: bytes = b"") -> bytes:
    """One BIFF12 record: type and size as 7-bit varints, then the body ([MS-XLSB] 2.1.4)."""
    head = bytearray([kind]) if kind < 0x80 else bytearray([kind & 0x7F | 0x80, kind >> 7])
    size = len(body)
    while True:
        head.append(size & 0x7F | (0x80 if size >> 7 else 0))
        size >>= 7
        if not size:
            break
    return bytes(head) + body


def _wide(text: str) -> bytes:
    data = text.encode("utf-16-le")
    return struct.pack("<I", len(data) // 2) + data


# Cell formats of the styles part: 0 General, 1 a date (yyyy-mm-dd), 2 a date-time.
_XF_GENERAL, _XF_DATE, _XF_DATETIME = 0, 1, 2
_EXCEL_EPOCH = datetime(1899, 12, 30)


def _xlsb_cell(column: int, value: Any) -> bytes:
    def head(style: int = _XF_GENERAL) -> bytes:
        return struct.pack("<II", column, style)

    if value is None or value == "":
        return b""
    if isinstance(value, bool):
        return _record(0x0004, head() + bytes([value]))  # BrtCellBool
    if isinstance(value, (int, float)):
        return _record(0x0005, head() + struct.pack("<d", value))  # BrtCellReal
    if isinstance(value, datetime):
        serial = (value - _EXCEL_EPOCH).total_seconds() / 86400
        return _record(0x0005, head(_XF_DATETIME) + struct.pack("<d", serial))
    if isinstance(value, date):
        serial = (datetime.combine(value, time()) - _EXCEL_EPOCH).days
        return _record(0x0005, head(_XF_DATE) + struct.pack("<d", serial))
    if isinstance(value, time):
        serial = (value.hour * 3600 + value.minute * 60 + value.second) / 86400
        return _record(0x0005, head(_XF_DATETIME) + struct.pack("<d", serial))
    return _record(0x0006, head() + _wide(str(value)))  # BrtCellSt (inline string)


def _xlsb_sheet(rows: list[list[Any]], extra: Sequence[bytes] = ()) -> bytes:
    width = max((len(r) for r in rows), default=1)
    parts = [
        _record(0x0081),  # BrtBeginSheet
        _record(0x0094, struct.pack("<IIII", 0, max(len(rows) - 1, 0), 0, max(width - 1, 0))),
        _record(0x0091),  # BrtBeginSheetData
    ]
    for index, row in enumerate(rows):
        parts.append(_record(0x0000, struct.pack("<IIHHBI", index, 0, 300, 0, 0, 0)))  # BrtRowHdr
        parts.extend(_xlsb_cell(column, value) for column, value in enumerate(row))
    parts.extend(extra)
    parts += [_record(0x0092), _record(0x0082)]  # BrtEndSheetData, BrtEndSheet
    return b"".join(parts)


def write_xlsb(
    path: Path,
    sheets: Sequence[tuple[str, bool, list[list[Any]]]],
    extra_records: dict[str, Sequence[bytes]] | None = None,
) -> None:
    """Write an .xlsb of inline-string, number, boolean and date cells."""
    extra_records = extra_records or {}
    bundles = []
    rels = []
    for index, (name, hidden, _rows) in enumerate(sheets, start=1):
        bundles.append(
            _record(
                0x009C,  # BrtBundleSh: state, tab id, relationship id, name
                struct.pack("<II", 1 if hidden else 0, index) + _wide(f"rId{index}") + _wide(name),
            )
        )
        rels.append(
            f'<Relationship Id="rId{index}" Type="http://schemas.openxmlformats.org/'
            f'officeDocument/2006/relationships/worksheet" Target="worksheets/sheet{index}.bin"/>'
        )
    count = len(sheets)
    rels.append(
        f'<Relationship Id="rId{count + 1}" Type="http://schemas.openxmlformats.org/'
        'officeDocument/2006/relationships/styles" Target="styles.bin"/>'
    )
    workbook = b"".join(
        [
            _record(0x0083),  # BrtBeginBook
            _record(0x0099, struct.pack("<II", 0, 0) + _wide("")),  # BrtWbProp: 1900 dates
            _record(0x008F),  # BrtBeginBundleShs
            *bundles,
            _record(0x0090),  # BrtEndBundleShs
            _record(0x009D, struct.pack("<IIIdIH", 0, 1, 100, 0.001, 0, 0)),  # BrtCalcProp
            _record(0x0084),  # BrtEndBook
        ]
    )
    xf = [struct.pack("<HHHHHBBHBB", 0xFFFF, fmt, 0, 0, 0, 0, 0, 0, 0, 0) for fmt in (0, 14, 22)]
    styles = b"".join(
        [
            _record(0x0116),  # BrtBeginStyleSheet
            _record(0x0269, struct.pack("<I", len(xf))),  # BrtBeginCellXFs
            *(_record(0x002F, body) for body in xf),  # BrtXF: parent, number format, …
            _record(0x026A),  # BrtEndCellXFs
            _record(0x0117),  # BrtEndStyleSheet
        ]
    )
    overrides = "".join(
        f'<Override PartName="/xl/worksheets/sheet{n}.bin" ContentType="application/'
        'vnd.ms-excel.worksheet"/>'
        for n in range(1, count + 1)
    )
    content_types = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="bin" ContentType="application/vnd.ms-excel.sheet.binary.macroEnabled.main"/>'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Override PartName="/xl/styles.bin" ContentType="application/vnd.ms-excel.styles"/>'
        f"{overrides}</Types>"
    )
    package_rels = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        'relationships/officeDocument" Target="xl/workbook.bin"/></Relationships>'
    )
    workbook_rels = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        f"{''.join(rels)}</Relationships>"
    )
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as package:
        package.writestr("[Content_Types].xml", content_types)
        package.writestr("_rels/.rels", package_rels)
        package.writestr("xl/workbook.bin", workbook)
        package.writestr("xl/_rels/workbook.bin.rels", workbook_rels)
        package.writestr("xl/styles.bin", styles)
        for index, (name, _hidden, rows) in enumerate(sheets, start=1):
            sheet = _xlsb_sheet(rows, extra_records.get(name, ()))
            package.writestr(f"xl/worksheets/sheet{index}.bin", sheet)


_CONTENT_TYPES_DOCX = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Override PartName="/word/document.xml" ContentType="application/'
    'vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>'
)


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: make_corpus.py OUTPUT_FOLDER")
    for name, built in build_corpus(Path(sys.argv[1])).items():
        print(f"{built.stat().st_size:>12,}  {name}")

"""Look inside a zip package (.xlsx, .xlsm, .xlsb, .ods) before anything unzips it.

A register is a zip of XML (or, for .xlsb, binary) parts. A hostile or broken
one can declare parts that unzip to gigabytes from a few megabytes (a zip
bomb), hide XML entity declarations that expand to gigabytes or read local
files, or be some other zip (a Word document) under an Excel name. This module
reads only the zip's central directory and the first bytes of each XML part,
refuses what no real register looks like, and says what the package holds, so
that the loader can pick the reader by content rather than by file name. It
also refuses a sheet whose values spread over more cells than calamine can
hold, which would otherwise abort the process (see MAX_SHEET_CELLS).

The limits are checked on the sizes the directory declares. An entry that
inflates to more than it declares is stopped by the reader that unzips it:
calamine stops at the declared size, and Python's zipfile does when asked for
at most that many bytes (``handle.read(info.file_size)``).
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

from reporter.errors import InputError
from reporter.model import column_letter

# The largest register the reporter is built for (1,000,000 rows, see
# bench/README.md) unzips to about 600 MB of XML; over three times that is no
# register anyone keeps by hand, and reading it would take more memory than a PC has.
MAX_UNZIPPED_BYTES = 2 << 30
# Registers compress about 10:1 (the bench registers: 3-12:1). Apache POI
# refuses parts over 100:1 for the same reason; deflate's best is about 1,030:1,
# which only long runs of one byte reach: filler, not cells.
MAX_COMPRESSION_RATIO = 100
# Small parts (styles, a sheet of a few rows) may compress better than any
# sheet; they cannot hurt, so the ratio is checked only on larger parts.
RATIO_CHECKED_FROM_BYTES = 1 << 20
# A workbook with hundreds of sheets and pictures has about a thousand parts.
MAX_PARTS = 10_000
# Excel and LibreOffice write stored or deflated parts only.
ALLOWED_METHODS = frozenset({zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED})
# Bytes read from the start of each XML part: the declaration, any DOCTYPE and a
# worksheet's <dimension> come first.
XML_HEAD_BYTES = 4096
# calamine holds a sheet as one rectangle from its first to its last cell with a
# value, about 32 bytes a cell. A space typed in XFD1048576 makes that 17 billion
# cells: calamine cannot allocate them and aborts the process, with no message.
# 50 million cells (about 1.6 GB) is more than twice the 1,000,000-row register.
MAX_SHEET_CELLS = 50_000_000
SCAN_CHUNK_BYTES = 4 << 20  # sheet XML unzipped at a time when finding its used range
_DIMENSION = re.compile(
    rb"<(?:\w+:)?dimension\s+ref=\"([A-Z]{1,3})(\d{1,7})(?::([A-Z]{1,3})(\d{1,7}))?\""
)
# SheetML read as bytes (the loader's error-cell scan, reporter.register.sparse): a cell
# element (attributes, content), a cell's cached value, a formula.
CELL_XML = re.compile(rb"<(?:\w+:)?c\b([^>]*?)(?:/>|>(.*?)</(?:\w+:)?c>)", re.DOTALL)
VALUE_XML = re.compile(rb"<(?:\w+:)?v\b[^>]*>(.*?)</(?:\w+:)?v>", re.DOTALL)
FORMULA_XML = re.compile(rb"<(?:\w+:)?f\b")
# A cell with its reference; "/>" at the end means it holds no value (formatting only).
_CELL_REF = re.compile(rb"<(?:\w+:)?c\s[^>]*?\br=\"([A-Z]{1,3})(\d{1,7})\"[^>]*?(/?)>")
_WORKSHEET_PART = re.compile(r"xl/worksheets/[^/]+\.xml")
_BINARY_WORKSHEET_PART = re.compile(r"xl/worksheets/[^/]+\.bin")
# .xlsb records ([MS-XLSB] 2.4): a row header, and the cell records calamine
# reads a value from (0x01, a blank with a format, it skips).
_BRT_ROW_HDR, _BRT_BUNDLE_SH = 0x0000, 0x009C
_FIRST_VALUE_CELL = 0x0002  # to 0x000B
_CALAMINE_LAST_ROW = 0x0010_0000
XML_SUFFIXES = (".xml", ".rels")
UTF8_BOM = b"\xef\xbb\xbf"  # the XML of some generators starts with one
ODS_MIMETYPE = b"application/vnd.oasis.opendocument.spreadsheet"


# What calamine cannot read in a file that is not damaged: the {what} of "register_unsupported".
LAYOUT_ODS_WITHOUT_MIMETYPE = {
    "ja": "形式(mimetypeのないOpenDocument)",
    "en": "a layout (an OpenDocument package without its mimetype entry)",
}
LAYOUT_ODS_SPACING = {
    "ja": "形式(要素の間に空白や改行を入れたOpenDocument)",
    "en": "a layout (an OpenDocument file with spaces and line breaks between its elements)",
}
ENCODING_UTF16_XML = {"ja": "文字コード(UTF-16のXML)", "en": "a text encoding (XML in UTF-16)"}


def inspect_package(path: Path) -> str | None:
    """What the zip at ``path`` holds: "xlsx", "xlsb", "ods", or None for no workbook.

    Raises InputError when the package is damaged or looks hostile, is
    password-protected (.ods), or is laid out in a way calamine cannot read.
    """
    try:
        with zipfile.ZipFile(path) as package:
            members = package.infolist()
            _check_sizes(path, members)
            names = {m.filename for m in members}
            if _is_encrypted_opendocument(package, names):
                # Its parts are ciphertext: "not XML" would call it damaged.
                raise InputError("register_encrypted", path=str(path))
            _check_xml_heads(path, package, members)
            kind = _kind(package, names)
            if kind == "ods" and "mimetype" not in names:
                raise InputError(
                    "register_unsupported", path=str(path), what=LAYOUT_ODS_WITHOUT_MIMETYPE
                )
            return kind
    except InputError:
        raise
    except Exception:
        # The file opened and read, so whatever zipfile trips on is the content:
        # BadZipFile, zlib.error, EOFError, and on a mangled directory even
        # IndexError or an OSError from a seek before the start of the file.
        raise InputError("register_corrupt", path=str(path)) from None


def check_sheet_areas(source: Path | BinaryIO, path: Path) -> None:
    """Refuse a sheet whose values spread over more cells than calamine can hold.

    ``source`` is exactly what calamine will read: the register at ``path``, or
    a copy of it in memory with the blank cells far away dropped
    (:mod:`reporter.register.sparse`), which then no longer count. Call it after
    :func:`inspect_package` passed the package. A file object is left where it was.
    """
    start = None if isinstance(source, Path) else source.tell()
    try:
        with zipfile.ZipFile(source) as package:
            members = package.infolist()
            _check_sheet_areas(path, package, members)
            _check_binary_sheet_areas(path, package, members)
    except InputError:
        raise
    except Exception:  # as in inspect_package: the content is damaged
        raise InputError("register_corrupt", path=str(path)) from None
    finally:
        if start is not None and not isinstance(source, Path):
            source.seek(start)  # calamine reads it next, from the start


def _is_encrypted_opendocument(package: zipfile.ZipFile, names: set[str]) -> bool:
    """An OpenDocument saved with a password lists how each part is encrypted in its manifest."""
    if "META-INF/manifest.xml" not in names:
        return False
    return b"encryption-data" in _start_of(package, "META-INF/manifest.xml", 1 << 20)


_UTF16_STARTS = (b"\xff\xfe", b"\xfe\xff", b"<\x00", b"\x00<")  # with and without a BOM
# Parts calamine never opens: custom XML (SharePoint, data bindings) and document properties.
_NOT_READ_BY_CALAMINE = ("customxml/", "docprops/")


def _read_by_calamine(part: str) -> bool:
    return not part.replace("\\", "/").lower().startswith(_NOT_READ_BY_CALAMINE)


def _check_sizes(path: Path, members: list[zipfile.ZipInfo]) -> None:
    if len(members) > MAX_PARTS:
        raise InputError(
            "register_zip_too_many_parts",
            path=str(path),
            count=f"{len(members):,}",
            limit=MAX_PARTS,
        )
    total = 0
    for member in members:
        if member.compress_type not in ALLOWED_METHODS:
            raise InputError("register_zip_method", path=str(path), part=member.filename)
        total += member.file_size
        if member.file_size < RATIO_CHECKED_FROM_BYTES:
            continue
        ratio = member.file_size / max(member.compress_size, 1)
        if ratio > MAX_COMPRESSION_RATIO:
            raise InputError(
                "register_zip_ratio",
                path=str(path),
                part=member.filename,
                compressed=size_text(member.compress_size),
                size=size_text(member.file_size),
                ratio=f"{ratio:,.0f}",
            )
    if total > MAX_UNZIPPED_BYTES:
        raise InputError(
            "register_zip_too_large",
            path=str(path),
            size=size_text(total),
            limit=size_text(MAX_UNZIPPED_BYTES),
        )


def _check_xml_heads(path: Path, package: zipfile.ZipFile, members: list[zipfile.ZipInfo]) -> None:
    """Each XML part starts as XML and declares no DOCTYPE (entities are where XML bombs live).

    Safety does not rest on this: calamine expands no entity and the loader parses
    with defusedxml. It turns what would be "damaged file" into a message that says why.
    """
    for member in members:
        if member.is_dir() or not member.filename.lower().endswith(XML_SUFFIXES):
            continue
        with package.open(member) as handle:
            raw = handle.read(min(XML_HEAD_BYTES, member.file_size))
        head = _xml_text(raw)
        if not head:
            continue  # an empty part: calamine says whether it matters
        if raw.startswith(_UTF16_STARTS) and _read_by_calamine(member.filename):
            # Well-formed XML, but calamine reads UTF-8 only.
            raise InputError("register_unsupported", path=str(path), what=ENCODING_UTF16_XML)
        if raw.startswith(_UTF16_STARTS[2:]):
            continue  # UTF-16 without a byte order mark, in a part calamine never opens
        if not head.startswith("<"):
            raise InputError("register_part_not_xml", path=str(path), part=member.filename)
        if "<!DOCTYPE" in head or "<!ENTITY" in head:
            raise InputError("register_xml_doctype", path=str(path), part=member.filename)


def _check_sheet_areas(
    path: Path, package: zipfile.ZipFile, members: list[zipfile.ZipInfo]
) -> None:
    """No worksheet spreads its values over more cells than calamine can hold.

    Excel writes the used range as <dimension> at the top of the sheet. It counts
    formatted blank cells too, which calamine skips, so only a sheet whose
    dimension is over the limit is scanned for the range of its cells with values.
    """
    for member in members:
        if not is_worksheet(member.filename):
            continue
        declared = declared_cells(package, member)
        if declared is None or declared <= MAX_SHEET_CELLS:
            continue
        part = member.filename
        corners = _value_range(package, part)
        if corners is not None and _area(*corners) > MAX_SHEET_CELLS:
            (top, left), (bottom, right) = corners
            raise InputError(
                "register_sheet_too_large",
                path=str(path),
                sheet=_sheet_name(package, part),
                range=f"{column_letter(left - 1)}{top}:{column_letter(right - 1)}{bottom}",
                cells=f"{_area(*corners):,}",
                limit=f"{MAX_SHEET_CELLS:,}",
            )


# What a cell reference in sheet XML can hold without the sheet reaching MAX_SHEET_CELLS:
# columns A to Z and rows up to 999,999 cover 26 × 999,999 cells at most. A
# reference past either (a column of two letters, a row of seven digits) is rare
# in a register and is found by one regex with a literal start, which skips
# through the XML at about 600 MB/s.
_SAFE_COLUMNS, _SAFE_ROWS = 26, 999_999
_FAR_REF = re.compile(rb' r="(?:([A-Z]{2,3})(\d+)|[A-Z]?(\d{7,}))"')


def check_sheet_xml_area(path: Path, sheet: str, xml: bytes) -> None:
    """Refuse a sheet whose cells with values spread over more than MAX_SHEET_CELLS.

    Its <dimension> is not trusted here: a damaged or crafted sheet can declare
    A1:H2 and still hold a value in XFD1048576, which calamine would allocate the
    whole sheet for and abort. ``xml`` is the worksheet part, unzipped.
    """
    if _FAR_REF.search(xml) is None:
        return  # every reference within A1:Z999999 (nearly every register, at once)
    columns, rows = _SAFE_COLUMNS, _SAFE_ROWS
    for far in _FAR_REF.finditer(xml):
        letters, row, long_row = far.groups()
        if letters:
            columns = max(columns, column_number(letters))
            rows = max(rows, int(row))
        else:
            rows = max(rows, int(long_row))
    if columns * rows <= MAX_SHEET_CELLS:
        return  # e.g. a register of a million rows, none wider than Z
    corners = _value_range_in([xml])
    if corners is not None and _area(*corners) > MAX_SHEET_CELLS:
        (top, left), (bottom, right) = corners
        raise InputError(
            "register_sheet_too_large",
            path=str(path),
            sheet=sheet,
            range=f"{column_letter(left - 1)}{top}:{column_letter(right - 1)}{bottom}",
            cells=f"{_area(*corners):,}",
            limit=f"{MAX_SHEET_CELLS:,}",
        )


# OpenDocument (.ods) content: a row or cell may say it repeats N times, and
# calamine writes each repetition out. calamine matches these prefixed names
# literally, so a scan for them sees what calamine sees.
_ODS_TOKEN = re.compile(
    rb"<(/?)table:(table|table-row|table-cell|covered-table-cell)(?=[\s/>])([^>]*?)(/?)>"
)
_ODS_ROWS_REPEATED = re.compile(rb'table:number-rows-repeated="(\d+)"')
_ODS_COLUMNS_REPEATED = re.compile(rb'table:number-columns-repeated="(\d+)"')
_ODS_NAME = re.compile(rb'table:name="([^"]*)"')
_ODS_MAX_ROWS, _ODS_MAX_COLUMNS = 1_048_576, 16_384  # where calamine stops repeating
# A sheet may take this many cells per byte of content.xml before its repeats count
# as a bomb: a stored cell takes 30 bytes or more, and a run of identical rows in a
# register is a handful of rows, not a million.
ODS_CELLS_PER_BYTE = 20
ODS_REPEATS_CHECKED_FROM = 1_000_000  # cells; fewer cost calamine nothing worth refusing


def check_ods_repeats(path: Path, content: bytes) -> None:
    """Refuse an .ods sheet whose repeated rows and cells expand far beyond the file.

    calamine expands "this row 1,000,000 times" into every row, and the reader
    then reads each: a 600-byte file took a minute. The area is worked out as
    calamine does (from the first to the last row and column holding a value,
    with the empty rows between), without expanding anything.
    """
    if _ODS_ROWS_REPEATED.search(content) is None and not _has_long_column_repeat(content):
        return
    sheet = ""
    row = 0
    top = bottom = left = right = -1
    cells_in_row = 0
    row_repeats = 1
    row_has_value = False
    row_left = row_right = -1
    for token in _ODS_TOKEN.finditer(content):
        closing, name, attributes, empty = token.groups()
        if name == b"table":
            if closing:
                _refuse_ods_area(path, sheet, (top, left, bottom, right), len(content))
                top = bottom = left = right = -1
                row = 0
            else:
                found = _ODS_NAME.search(attributes)
                sheet = found.group(1).decode("utf-8", "replace") if found else ""
        elif name == b"table-row":
            if not closing:
                repeat = _ODS_ROWS_REPEATED.search(attributes)
                row_repeats = int(repeat.group(1)) if repeat else 1
                row_repeats = max(0, min(row_repeats, _ODS_MAX_ROWS - row))
                cells_in_row, row_has_value, row_left, row_right = 0, False, -1, -1
            if closing or empty:
                if row_has_value:
                    top = row if top < 0 else top
                    bottom = row + row_repeats - 1
                    left = row_left if left < 0 else min(left, row_left)
                    right = max(right, row_right)
                row += row_repeats
        elif not closing:  # a cell
            repeat = _ODS_COLUMNS_REPEATED.search(attributes)
            count = int(repeat.group(1)) if repeat else 1
            count = max(0, min(count, _ODS_MAX_COLUMNS - cells_in_row))
            if count and (not empty or b"office:value-type" in attributes):
                row_has_value = True
                row_left = cells_in_row if row_left < 0 else row_left
                row_right = cells_in_row + count - 1
            cells_in_row += count


def _has_long_column_repeat(content: bytes) -> bool:
    return any(int(m.group(1)) > 1_000 for m in _ODS_COLUMNS_REPEATED.finditer(content))


def _refuse_ods_area(
    path: Path, sheet: str, corners: tuple[int, int, int, int], content_bytes: int
) -> None:
    top, left, bottom, right = corners
    if top < 0:
        return  # no value in the sheet
    cells = (bottom - top + 1) * (right - left + 1)
    if cells <= ODS_REPEATS_CHECKED_FROM:
        return
    if cells <= MAX_SHEET_CELLS and cells <= content_bytes * ODS_CELLS_PER_BYTE:
        return
    raise InputError(
        "register_sheet_repeats",
        path=str(path),
        sheet=sheet,
        range=f"{column_letter(left)}{top + 1}:{column_letter(right)}{bottom + 1}",
        cells=f"{cells:,}",
    )


def is_worksheet(part: str) -> bool:
    """True for the XML part of a worksheet (xl/worksheets/sheet1.xml)."""
    return _WORKSHEET_PART.fullmatch(part) is not None


def declared_cells(package: zipfile.ZipFile, member: zipfile.ZipInfo) -> int | None:
    """The cells of a worksheet's used range as its <dimension> declares it, or None.

    Excel writes <dimension> first in the sheet: only the part's head is unzipped.
    """
    with package.open(member) as handle:
        declared = _DIMENSION.search(handle.read(min(XML_HEAD_BYTES, member.file_size)))
    return None if declared is None else _area(*_corners(declared))


def _check_binary_sheet_areas(
    path: Path, package: zipfile.ZipFile, members: list[zipfile.ZipInfo]
) -> None:
    """The same for .xlsb sheets, read record by record: their used range cannot be trusted.

    A damaged .xlsb (its parts pass the zip's checks) can put a cell in column
    3,000,000,000, which Excel never writes and calamine does not refuse. The
    records are few and compact (.xlsb is rare, and small for its rows), so every
    sheet is walked once: about 0.7 s for a million cells (calamine reads them in 0.4 s).
    """
    for member in members:
        if not _BINARY_WORKSHEET_PART.fullmatch(member.filename):
            continue
        with package.open(member) as handle:
            records = handle.read(member.file_size)  # never more than declared
        corners = _binary_value_range(records)
        if corners is not None and _area(*corners) > MAX_SHEET_CELLS:
            (top, left), (bottom, right) = corners
            raise InputError(
                "register_sheet_too_large",
                path=str(path),
                sheet=_binary_sheet_name(package, member.filename),
                range=f"{column_letter(left)}{top + 1}:{column_letter(right)}{bottom + 1}",
                cells=f"{_area(*corners):,}",
                limit=f"{MAX_SHEET_CELLS:,}",
            )


def _binary_value_range(records: bytes) -> tuple[tuple[int, int], tuple[int, int]] | None:
    """0-based (row, column) corners of the cells with a value in a sheet's records.

    A row header's body starts with the row, a cell's with its column. Read the
    way calamine reads them, up to the row it stops at. The loop is the hot path
    of an .xlsb: cell records have one-byte types and sizes, read inline.
    """
    top = left = 1 << 32
    bottom = right = -1
    row = 0
    position, end = 0, len(records)
    from_bytes = int.from_bytes
    while position < end - 1:
        kind, length = records[position], records[position + 1]
        if kind | length < 0x80:
            position += 2
        else:  # a two-byte type or a longer size: not a cell, take the general way
            kind, length, position = _record_head(records, position)
        if kind < 0x0C and length >= 4:
            where = from_bytes(records[position : position + 4], "little")
            if kind == _BRT_ROW_HDR:
                row = where
                if row > _CALAMINE_LAST_ROW:
                    break  # calamine stops reading the sheet here
            elif kind >= _FIRST_VALUE_CELL:  # comparisons, not min/max calls: twice as fast
                if where > right:
                    right = where
                if where < left:
                    left = where
                if row > bottom:
                    bottom = row
                if row < top:
                    top = row
        position += length
    return ((top, left), (bottom, right)) if bottom >= 0 else None


def _record_head(records: bytes, position: int) -> tuple[int, int, int]:
    """Type, size and the body's position of the record at ``position``.

    Type and size are 7-bit varints, the type of at most 2 bytes, the size of at
    most 4 ([MS-XLSB] 2.1.4).
    """
    end = len(records)
    kind = records[position]
    position += 1
    if kind & 0x80 and position < end:
        kind = (kind & 0x7F) | (records[position] & 0x7F) << 7
        position += 1
    length = shift = 0
    for _ in range(4):
        if position >= end:
            break
        byte = records[position]
        position += 1
        length |= (byte & 0x7F) << shift
        shift += 7
        if not byte & 0x80:
            break
    return kind, length, position


def _biff12_records(records: bytes) -> Iterator[tuple[int, bytes]]:
    """(type, body) of each record."""
    position = 0
    while position < len(records):
        kind, length, position = _record_head(records, position)
        yield kind, records[position : position + length]
        position += length


def _binary_sheet_name(package: zipfile.ZipFile, part: str) -> str:
    """The name the user sees for an .xlsb worksheet part (workbook.bin's BrtBundleSh records)."""
    from defusedxml import ElementTree

    try:
        workbook = _start_of(package, "xl/workbook.bin")
        rels = ElementTree.fromstring(_start_of(package, "xl/_rels/workbook.bin.rels"))
        targets = {rel.get("Id"): rel.get("Target", "").lstrip("/") for rel in rels}
        for kind, body in _biff12_records(workbook):
            if kind != _BRT_BUNDLE_SH:
                continue
            # state (4 bytes), tab id (4), relationship id and name: each a count and UTF-16.
            rel_length = int.from_bytes(body[8:12], "little")
            rel_id = body[12 : 12 + 2 * rel_length].decode("utf-16-le")
            name_at = 12 + 2 * rel_length
            name_length = int.from_bytes(body[name_at : name_at + 4], "little")
            name = body[name_at + 4 : name_at + 4 + 2 * name_length].decode("utf-16-le")
            if part in (targets.get(rel_id), f"xl/{targets.get(rel_id)}"):
                return name
    except Exception:  # damaged: the part name is still a clue
        return part
    return part


def _corners(match: re.Match[bytes]) -> tuple[tuple[int, int], tuple[int, int]]:
    first = (int(match[2]), column_number(match[1]))
    last = (int(match[4]), column_number(match[3])) if match[3] else first
    return first, last


def _area(first: tuple[int, int], last: tuple[int, int]) -> int:
    return (abs(last[0] - first[0]) + 1) * (abs(last[1] - first[1]) + 1)


def _value_range(
    package: zipfile.ZipFile, part: str
) -> tuple[tuple[int, int], tuple[int, int]] | None:
    """(row, column) of the top-left and bottom-right corners of the cells holding a value."""
    info = package.getinfo(part)
    with package.open(info) as handle:
        return _value_range_in(_chunks(handle, info.file_size))


def _chunks(handle: BinaryIO, size: int) -> Iterator[bytes]:
    """The part in pieces of SCAN_CHUNK_BYTES, never more than ``size`` (what it declares)."""
    remaining = size
    while remaining > 0:
        chunk = handle.read(min(SCAN_CHUNK_BYTES, remaining))
        if not chunk:
            break
        remaining -= len(chunk)
        yield chunk


def _value_range_in(chunks: Iterable[bytes]) -> tuple[tuple[int, int], tuple[int, int]] | None:
    top = left = 1 << 31
    bottom = right = 0
    rest = b""
    pieces = iter(chunks)
    chunk = next(pieces, None)
    while chunk is not None:
        following = next(pieces, None)
        text = rest + chunk
        cut = text.rfind(b"<") if following is not None else len(text)
        text, rest = text[:cut], text[cut:]  # a cell cut in two waits for the next chunk
        for cell in _CELL_REF.finditer(text):
            if cell[3]:
                continue  # <c r="XFD1" s="3"/>: formatting, no value
            row, column = int(cell[2]), column_number(cell[1])
            top, bottom = min(top, row), max(bottom, row)
            left, right = min(left, column), max(right, column)
        chunk = following
    return ((top, left), (bottom, right)) if bottom else None


def _sheet_name(package: zipfile.ZipFile, part: str) -> str:
    """The name the user sees for a worksheet part (the part name when it cannot be told)."""
    try:
        found = read_workbook_xml(package)
    except Exception:  # damaged: the part name is still a clue
        return part
    if found is not None:
        for name, member in found.sheet_parts.items():
            if part in (member, member.replace("\\", "/")):
                return name
    return part


@dataclass(frozen=True)
class WorkbookXml:
    """An .xlsx package's workbook part, parsed, and where each sheet's part is."""

    part: str  # e.g. "xl/workbook.xml"
    root: Any  # the parsed workbook.xml (defusedxml)
    sheet_parts: dict[str, str]  # sheet name -> its member's name in the zip


def read_workbook_xml(package: zipfile.ZipFile) -> WorkbookXml | None:
    """The workbook part and each sheet's part, wherever the package keeps them.

    None for a package without an XML workbook part (.xlsb, .ods). Raises what
    parsing raises (KeyError, SyntaxError, zipfile errors) for a damaged one.
    """
    from defusedxml import ElementTree

    names = member_names(package)
    workbook_name = workbook_part(package)
    if workbook_name is None or not workbook_name.endswith(".xml"):
        return None
    root = ElementTree.fromstring(read_part(package, names[workbook_name]))
    rels_name = part_relationships(workbook_name)
    rels = (
        ElementTree.fromstring(read_part(package, names[rels_name])) if rels_name in names else []
    )
    targets = {rel.get("Id"): rel.get("Target", "") for rel in rels}
    sheet_parts: dict[str, str] = {}
    for element in root.iter():
        if element.tag.rsplit("}", 1)[-1] != "sheet":
            continue
        rel_id = next((v for k, v in element.attrib.items() if k.endswith("}id")), None)
        target = resolve_target(workbook_name, targets.get(rel_id, ""))
        if target in names:
            sheet_parts[element.get("name", "")] = names[target]
    return WorkbookXml(workbook_name, root, sheet_parts)


def column_number(letters: bytes) -> int:
    """1 for A, 16384 for XFD."""
    number = 0
    for letter in letters:
        number = number * 26 + letter - 64
    return number


def _start_of(package: zipfile.ZipFile, name: str, limit: int = 4 << 20) -> bytes:
    """A part's first ``limit`` bytes: enough of a workbook part for its sheet names."""
    with package.open(name) as handle:
        return handle.read(limit)


def _xml_text(head: bytes) -> str:
    """The start of an XML part as text, in the encoding its byte order mark names."""
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return head.decode("utf-16", errors="replace").lstrip()
    return head.removeprefix(UTF8_BOM).decode("utf-8", errors="replace").lstrip()


def _kind(package: zipfile.ZipFile, names: set[str]) -> str | None:
    workbook = workbook_part(package)
    if workbook is not None:
        return "xlsb" if workbook.endswith(".bin") else "xlsx"
    if "content.xml" not in names:
        return None
    if "mimetype" in names:  # an OpenDocument text or drawing has content.xml too
        mimetype = _start_of(package, "mimetype", len(ODS_MIMETYPE) + 16)
        return "ods" if mimetype.strip().startswith(ODS_MIMETYPE) else None
    return "ods" if "META-INF/manifest.xml" in names else None


_OFFICE_DOCUMENT = "/officeDocument"  # the end of the package relationship's type


def member_names(package: zipfile.ZipFile) -> dict[str, str]:
    """Each part's name with "/" separators -> its name in the zip.

    Some programs write Windows separators ("xl\\workbook.xml"); Excel and
    calamine read those packages, so the reporter does too.
    """
    return {name.replace("\\", "/").lstrip("/"): name for name in package.namelist()}


def workbook_part(package: zipfile.ZipFile) -> str | None:
    """The workbook part of an Office Open XML package ("xl/workbook.xml"), or None.

    Excel writes it at xl/; other writers put it anywhere and name it in the
    package's relationships (_rels/.rels), as the standard allows.
    """
    names = member_names(package)
    for usual in ("xl/workbook.xml", "xl/workbook.bin"):
        if usual in names:
            return usual
    if "_rels/.rels" not in names:
        return None
    from defusedxml import ElementTree

    try:
        rels = ElementTree.fromstring(_start_of(package, names["_rels/.rels"]))
    except Exception:  # not XML: not a package the reporter can read
        return None
    for rel in rels:
        if rel.get("Type", "").endswith(_OFFICE_DOCUMENT):
            target = rel.get("Target", "").replace("\\", "/").lstrip("/")
            if target in names and target.endswith((".xml", ".bin")):
                return target
    return None


def part_relationships(part: str) -> str:
    """The relationships part of ``part``: xl/workbook.xml -> xl/_rels/workbook.xml.rels."""
    folder, _, name = part.rpartition("/")
    return f"{folder}/_rels/{name}.rels" if folder else f"_rels/{name}.rels"


def resolve_target(part: str, target: str) -> str:
    """A relationship's target, relative to the part that names it, as a part name."""
    import posixpath

    target = target.replace("\\", "/")
    if target.startswith("/"):
        return target.lstrip("/")
    folder = part.rpartition("/")[0]
    return posixpath.normpath(posixpath.join(folder, target)) if folder else target


def size_text(size: int) -> str:
    """Bytes the way people read them: 2.5 GB, 740 KB."""
    for unit, scale in (("GB", 1 << 30), ("MB", 1 << 20), ("KB", 1 << 10)):
        if size >= scale:
            return f"{size / scale:,.1f} {unit}".replace(".0 ", " ")
    return f"{size:,} B"


def read_part(package: zipfile.ZipFile, name: str | zipfile.ZipInfo) -> bytes:
    """A part of the package, never more than the size it declares.

    zipfile inflates a part whole before its checksum says it lied about its
    size: a small "1 MB" part could fill the memory first.
    """
    info = name if isinstance(name, zipfile.ZipInfo) else package.getinfo(name)
    with package.open(info) as stream:
        data = stream.read(info.file_size)
        if stream.read(1):
            raise zipfile.BadZipFile(f"{info.filename} is larger than it declares")
    return data

"""Refuse a sheet whose values spread over more cells than calamine can hold.

calamine holds a sheet as one rectangle from its first to its last cell with a
value. A value typed far away (XFD1048576) makes that rectangle billions of
cells: calamine cannot allocate them and aborts the process, with no message.
The checks here find each sheet's used range as cheaply as its format allows
(the declared <dimension>, then the cell references of an .xlsx sheet; the
records of an .xlsb sheet) and refuse it in one line before calamine reads it.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import BinaryIO

from reporter.errors import InputError
from reporter.model import column_letter
from reporter.register.ooxml import XML_HEAD_BYTES, column_number, is_worksheet, sheet_name
from reporter.register.xlsb import binary_sheet_name, binary_value_range

# calamine holds a sheet as one rectangle from its first to its last cell with a
# value, about 32 bytes a cell. A space typed in XFD1048576 makes that 17 billion
# cells: calamine cannot allocate them and aborts the process, with no message.
# 50 million cells (about 1.6 GB) is more than twice the 1,000,000-row register.
MAX_SHEET_CELLS = 50_000_000
SCAN_CHUNK_BYTES = 4 << 20  # sheet XML unzipped at a time when finding its used range
_DIMENSION = re.compile(
    rb"<(?:\w+:)?dimension\s+ref=\"([A-Z]{1,3})(\d{1,7})(?::([A-Z]{1,3})(\d{1,7}))?\""
)


# A cell with its reference; "/>" at the end means it holds no value (formatting only).
_CELL_REF = re.compile(rb"<(?:\w+:)?c\s[^>]*?\br=\"([A-Z]{1,3})(\d{1,7})\"[^>]*?(/?)>")


_BINARY_WORKSHEET_PART = re.compile(r"xl/worksheets/[^/]+\.bin")


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
                sheet=sheet_name(package, part),
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
        corners = binary_value_range(records)
        if corners is not None and _area(*corners) > MAX_SHEET_CELLS:
            (top, left), (bottom, right) = corners
            raise InputError(
                "register_sheet_too_large",
                path=str(path),
                sheet=binary_sheet_name(package, member.filename),
                range=f"{column_letter(left)}{top + 1}:{column_letter(right)}{bottom + 1}",
                cells=f"{_area(*corners):,}",
                limit=f"{MAX_SHEET_CELLS:,}",
            )


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

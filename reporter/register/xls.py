"""Excel 97-2003 workbooks (.xls): the BIFF records read here before calamine reads the file.

- A "password to open" (Excel's XOR obfuscation or RC4) puts a FILEPASS record
  right after the first BOF; every record after it is scrambled. calamine
  misreads the first one it needs (the code page) and would call the file an
  unsupported encoding: it is password-protected.
- calamine parses every sheet of an .xls when it opens the file, each as one
  rectangle from its first to its last cell with a value, before the reporter
  can tell which sheets are the register's. Four cells at the corners of a
  sheet (A1 to IV65536) take 540 MB; the sheets are measured first, from their
  DIMENSIONS records (and, where those say more, from their cell records), and
  a workbook whose sheets would take more than MAX_XLS_CELLS is refused,
  naming the widest sheet.
"""

from __future__ import annotations

import struct
from pathlib import Path

from reporter.errors import InputError
from reporter.model import column_letter

# calamine holds every sheet of an .xls at once, about 32 bytes a cell. An .xls
# holds 65,536 rows by 256 columns; a register of 65,536 rows and 20 columns is
# 1.3 million cells. 5 million (about 160 MB) is far more than any register
# sheet and keeps a run of the reporter well under 300 MB.
MAX_XLS_CELLS = 5_000_000
_BOF, _EOF, _FILE_PASS, _BOUND_SHEET = 0x0809, 0x000A, 0x002F, 0x0085
_RECORDS_BEFORE_FILE_PASS = 64
_DIMENSIONS = 0x0200
_RECORDS_BEFORE_DIMENSIONS = 256  # BOF, INDEX, CALCMODE… DEFCOLWIDTH, COLINFO per column
# The cell records that hold a value (BLANK and MULBLANK, formatting only, are not):
# NUMBER, LABEL, LABELSST, RK, FORMULA, BOOLERR, RSTRING, and MULRK with its last column.
_VALUE_CELLS = frozenset({0x0203, 0x0204, 0x00FD, 0x027E, 0x0006, 0x0406, 0x0205, 0x00D6})
_MULRK = 0x00BD
_BEFORE_DIMENSIONS_ONLY = _VALUE_CELLS | {_MULRK, _EOF}  # DIMENSIONS comes before any of these
_WORKSHEET = 0x00  # BOUNDSHEET's sheet type: a worksheet (not a chart, macro or VBA module)


def check_workbook_stream(path: Path, stream: bytes) -> None:
    """Refuse a password-protected .xls, or one whose sheets calamine cannot hold.

    ``stream`` is the file's Workbook (or Book) stream (reporter.register.ole_guard).
    """
    if has_file_pass(stream):
        raise InputError("register_encrypted", path=str(path))
    sheets = _worksheets(stream)
    declared = [_declared_cells(stream, offset) for _, offset in sheets]
    if None not in declared and sum(d for d in declared if d is not None) <= MAX_XLS_CELLS:
        return  # every sheet's DIMENSIONS says it is small: nearly every file, at once
    total = 0
    widest: tuple[int, str, tuple[int, int, int, int]] | None = None
    for name, offset in sheets:
        corners = _value_range(stream, offset)
        if corners is None:
            continue
        top, left, bottom, right = corners
        cells = (bottom - top + 1) * (right - left + 1)
        total += cells
        if widest is None or cells > widest[0]:
            widest = (cells, name, corners)
    if widest is not None and total > MAX_XLS_CELLS:
        cells, name, (top, left, bottom, right) = widest
        raise InputError(
            "register_sheet_too_large",
            path=str(path),
            sheet=name,
            range=f"{column_letter(left)}{top + 1}:{column_letter(right)}{bottom + 1}",
            cells=f"{cells:,}",
            limit=f"{MAX_XLS_CELLS:,}",
        )


def has_file_pass(stream: bytes) -> bool:
    """Whether the workbook globals hold a FILEPASS record: the file needs a password."""
    position = 0
    for _ in range(_RECORDS_BEFORE_FILE_PASS):
        if position + 4 > len(stream):
            return False
        kind, size = struct.unpack_from("<HH", stream, position)
        if kind == _FILE_PASS:
            return True
        if kind == _EOF:
            return False  # the end of the workbook globals
        position += 4 + size
    return False


def _worksheets(stream: bytes) -> list[tuple[str, int]]:
    """(name, offset of its BOF) of each worksheet, from the globals' BOUNDSHEET records."""
    sheets: list[tuple[str, int]] = []
    position = 0
    while position + 4 <= len(stream):
        kind, size = struct.unpack_from("<HH", stream, position)
        body = stream[position + 4 : position + 4 + size]
        if kind == _BOUND_SHEET and len(body) >= 8 and body[5] == _WORKSHEET:
            offset = struct.unpack_from("<I", body, 0)[0]
            sheets.append((_sheet_name(body[6:]), offset))
        elif kind == _EOF:
            break
        position += 4 + size
    return sheets


def _sheet_name(text: bytes) -> str:
    """A BOUNDSHEET's name: a length, then (BIFF8) a flag for 16-bit characters."""
    length = text[0]
    if len(text) >= 2 + length and text[1] in (0, 1):
        wide = text[1] == 1
        raw = text[2 : 2 + length * (2 if wide else 1)]
        return raw.decode("utf-16-le" if wide else "latin-1", errors="replace")
    return text[1 : 1 + length].decode("latin-1", errors="replace")  # BIFF5: 8-bit


def _declared_cells(stream: bytes, offset: int) -> int | None:
    """The cells of the used range the sheet's DIMENSIONS record declares, or None.

    Excel writes DIMENSIONS before the sheet's first row. It counts formatted
    blank cells too, so it is never smaller than the range of values when true;
    a file where it is too large (or missing) has its cells walked instead.
    """
    position = offset
    for _ in range(_RECORDS_BEFORE_DIMENSIONS):
        if position + 4 > len(stream):
            return None
        kind, size = struct.unpack_from("<HH", stream, position)
        if kind == _DIMENSIONS and size in (10, 14) and position + 4 + size <= len(stream):
            if size == 14:  # BIFF8: 32-bit rows
                first_row, end_row, first_column, end_column = struct.unpack_from(
                    "<IIHH", stream, position + 4
                )
            else:  # BIFF5: 16-bit rows
                first_row, end_row, first_column, end_column = struct.unpack_from(
                    "<HHHH", stream, position + 4
                )
            return max(0, end_row - first_row) * max(0, end_column - first_column)
        if kind in _BEFORE_DIMENSIONS_ONLY:
            return None
        position += 4 + size
    return None


def _value_range(stream: bytes, offset: int) -> tuple[int, int, int, int] | None:
    """0-based (top, left, bottom, right) of the cells with a value in the sheet at ``offset``."""
    top = left = 1 << 32
    bottom = right = -1
    position = offset
    end = len(stream)
    unpack = struct.unpack_from
    while position + 4 <= end:
        kind, size = unpack("<HH", stream, position)
        if kind == _EOF:
            break
        if size >= 4 and (kind in _VALUE_CELLS or kind == _MULRK):
            row, column = unpack("<HH", stream, position + 4)
            last = column
            if kind == _MULRK and size >= 6:
                last = unpack("<H", stream, position + 4 + size - 2)[0]
            top, bottom = min(top, row), max(bottom, row)
            left, right = min(left, column), max(right, last)
        position += 4 + size
    return (top, left, bottom, right) if bottom >= 0 else None

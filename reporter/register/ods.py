"""OpenDocument spreadsheets (.ods): what calamine cannot be left to find out by itself.

An .ods saved with a password, one whose repeated rows and cells expand to far
more than the file holds, and the layouts calamine does not read although the
file is not damaged (no mimetype entry, white space between elements).
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

from reporter.errors import InputError
from reporter.model import column_letter
from reporter.register.ooxml import member_names, read_part, start_of
from reporter.register.sheet_area import MAX_SHEET_CELLS

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


LAYOUT_ODS_OTHER = {
    "ja": "形式(LibreOfficeとは異なる書き方のOpenDocument)",
    "en": "a layout (an OpenDocument file written differently from LibreOffice's)",
}


def is_encrypted_opendocument(package: zipfile.ZipFile, names: set[str]) -> bool:
    """An OpenDocument saved with a password lists how each part is encrypted in its manifest."""
    if "META-INF/manifest.xml" not in names:
        return False
    return b"encryption-data" in start_of(package, "META-INF/manifest.xml", 1 << 20)


def is_well_formed_opendocument(path: Path) -> bool:
    """Whether the .ods's content.xml is well-formed XML (then it is not damaged)."""
    from defusedxml import ElementTree

    try:
        with zipfile.ZipFile(path) as package:
            ElementTree.fromstring(read_part(package, member_names(package)["content.xml"]))
    except Exception:
        return False
    return True


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

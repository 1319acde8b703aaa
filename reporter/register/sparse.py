"""Sheets whose used range is far larger than their contents, made small before reading.

A cell "cleared" by typing a space at row 1,048,576 or in column XFD makes the
sheet's used range a million rows (or 16,384 columns) wide; python-calamine
then builds that whole range in memory before a row reaches Python: seconds
and a gigabyte for a register of 50 rows. Cells that hold nothing (a format
only, an empty or all-space string) are blank to the loader anyway, so for such
sheets they are dropped from the XML, and calamine reads a copy of the package
in memory. The register on disk is never touched, and a workbook that does not
need it (nearly all) is read as it is.
"""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path
from typing import BinaryIO

from reporter.register.ooxml import CELL_XML, FORMULA_XML, VALUE_XML, is_worksheet, read_part
from reporter.register.sheet_area import declared_cells

# A sheet is compacted when its <dimension> holds more cells than this many per
# byte of its XML: a stored cell takes 20 bytes or more, so a dense range holds
# at most a few cells per byte even with many blanks between values.
CELLS_PER_BYTE = 0.4
MIN_RANGE_CELLS = 10_000  # smaller ranges cost calamine nothing worth saving
# Compacting unzips the whole package into memory: only for packages this size.
MAX_PACKAGE_BYTES = 512 * 1024 * 1024
_TYPE = re.compile(rb'\bt="(\w+)"')
_TAG = re.compile(rb"<[^>]*>")
_SHARED_STRING = re.compile(rb"<(?:\w+:)?si\b[^>]*?(?:/>|>(.*?)</(?:\w+:)?si>)", re.DOTALL)


def compacted(path: Path | BinaryIO) -> io.BytesIO | None:
    """An in-memory copy of the package with oversized sheets compacted, or None.

    None (read the file as it is) when the file is not an .xlsx/.xlsm package,
    when no sheet needs it, or when anything about the package is unexpected:
    this is an optimisation and never the reason a register cannot be read.
    """
    try:
        with zipfile.ZipFile(path) as package:
            return _compact(package)
    except (OSError, zipfile.BadZipFile, ValueError, KeyError, EOFError, RuntimeError):
        return None


def _compact(package: zipfile.ZipFile) -> io.BytesIO | None:
    members = package.infolist()
    if sum(m.file_size for m in members) > MAX_PACKAGE_BYTES:
        return None
    oversized = [m for m in members if is_worksheet(m.filename) and _is_oversized(package, m)]
    if not oversized:
        return None
    blank_strings = _blank_shared_strings(package)
    buffer = io.BytesIO()
    # Stored, not deflated: the copy lives in memory for one read.
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as copy:
        for member in members:
            data = read_part(package, member)
            if member in oversized:
                data = drop_blank_cells(data, blank_strings)
            copy.writestr(member.filename, data)
    buffer.seek(0)
    return buffer


def _is_oversized(package: zipfile.ZipFile, member: zipfile.ZipInfo) -> bool:
    cells = declared_cells(package, member)
    return (
        cells is not None and cells > MIN_RANGE_CELLS and cells > member.file_size * CELLS_PER_BYTE
    )


def _blank_shared_strings(package: zipfile.ZipFile) -> frozenset[bytes]:
    """The indexes (as written in a cell's <v>) of shared strings that are empty or spaces."""
    names = set(package.namelist())
    if "xl/sharedStrings.xml" not in names:
        return frozenset()
    table = read_part(package, "xl/sharedStrings.xml")
    return frozenset(
        str(index).encode()
        for index, match in enumerate(_SHARED_STRING.finditer(table))
        if _is_blank_text(match.group(1) or b"")
    )


def _is_blank_text(xml: bytes) -> bool:
    # Phonetic guides (<rPh>) are not part of the text a user sees.
    xml = re.sub(rb"<(?:\w+:)?rPh\b.*?</(?:\w+:)?rPh>", b"", xml, flags=re.DOTALL)
    return not _TAG.sub(b"", xml).decode("utf-8", "replace").strip()


def drop_blank_cells(sheet_xml: bytes, blank_strings: frozenset[bytes]) -> bytes:
    """``sheet_xml`` without the cells that hold no value: formats only, or blank text."""

    def keep_or_drop(cell: re.Match[bytes]) -> bytes:
        attributes, inner = cell.group(1), cell.group(2)
        if not inner:
            return b""  # <c r="B9" s="4"/>: a format, no value
        if FORMULA_XML.search(inner):
            return cell.group(0)  # a formula's cell is the loader's to judge
        kind = _TYPE.search(attributes)
        cell_type = kind.group(1) if kind else b"n"
        if cell_type == b"inlineStr":
            return b"" if _is_blank_text(inner) else cell.group(0)
        value = VALUE_XML.search(inner)
        if value is None:
            return b""
        if cell_type == b"s":
            return b"" if value.group(1).strip() in blank_strings else cell.group(0)
        if cell_type == b"str":
            return b"" if _is_blank_text(value.group(1)) else cell.group(0)
        return cell.group(0)

    return CELL_XML.sub(keep_or_drop, sheet_xml)

"""Binary workbooks (.xlsb): the records the reporter reads itself ([MS-XLSB] 2.1.4, 2.4).

A sheet's cells are walked for their used range (calamine trusts the one the
sheet declares), and workbook.bin's sheet records give the names users see.
"""

from __future__ import annotations

import zipfile
from collections.abc import Iterator

from reporter.register.ooxml import start_of

# .xlsb records ([MS-XLSB] 2.4): a row header, and the cell records calamine
# reads a value from (0x01, a blank with a format, it skips).
_BRT_ROW_HDR, _BRT_BUNDLE_SH = 0x0000, 0x009C
_FIRST_VALUE_CELL = 0x0002  # to 0x000B
_CALAMINE_LAST_ROW = 0x0010_0000


def binary_value_range(records: bytes) -> tuple[tuple[int, int], tuple[int, int]] | None:
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


def binary_sheet_name(package: zipfile.ZipFile, part: str) -> str:
    """The name the user sees for an .xlsb worksheet part (workbook.bin's BrtBundleSh records)."""
    from defusedxml import ElementTree

    try:
        workbook = start_of(package, "xl/workbook.bin")
        rels = ElementTree.fromstring(start_of(package, "xl/_rels/workbook.bin.rels"))
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

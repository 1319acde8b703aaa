"""Look inside an OLE compound file (.xls, and an encrypted .xlsx) before calamine reads it.

An .xls is a little file system ([MS-CFB]): a header, a sector allocation table
(FAT) and chains of sectors, each sector naming the next. calamine follows a
chain until it ends or until it has the length the directory declares, and
reads the directory's chain with no length at all. A chain that loops back on
itself (PhpSpreadsheet's oleloop.xls: 1 KB) then never ends: calamine's buffer
doubles until the process has no memory left and aborts, with no message and
no Python exception to catch. A stream that declares more bytes than the file
holds does the same when its chain loops.

This module walks every chain once, in Python, on the file's own bytes (a
register .xls is a few megabytes): no chain may loop, leave the table, or point
past the end of the file, and no stream may be longer than the file. What
fails is a damaged file, said in one line before calamine sees it.
"""

from __future__ import annotations

import struct
from collections.abc import Callable
from pathlib import Path

from reporter.errors import InputError

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
HEADER_BYTES = 512
# Special sector numbers ([MS-CFB] 2.1): anything from MAXREGSECT up ends or marks a chain.
MAX_REGULAR_SECTOR = 0xFFFF_FFFA
END_OF_CHAIN = 0xFFFF_FFFE
FREE_SECTOR = 0xFFFF_FFFF
DIRECTORY_ENTRY_BYTES = 128
MINI_STREAM_CUTOFF = 4096  # streams shorter than this live in the mini stream
_STREAM, _ROOT = 2, 5  # directory entry object types that hold data
_WORKBOOK_STREAMS = ("Workbook", "Book")  # BIFF8 (Excel 97-2003), BIFF5 (Excel 5.0/95)
_MINI_SECTOR_BYTES = 64
# Excel never writes an .xls over a few hundred megabytes; reading one whole into
# memory to walk its chains is what calamine does anyway.
MAX_OLE_BYTES = 1 << 30


def check_compound_file(path: Path) -> bytes | None:
    """Refuse an OLE compound file whose sector chains loop or reach past its end.

    Raises InputError("register_corrupt") for a damaged file. Call it only on a
    file that starts with the OLE signature. Returns the workbook stream (the
    records of an .xls), or None when the file has none.
    """
    size = path.stat().st_size
    if size > MAX_OLE_BYTES:
        raise InputError("register_corrupt", path=str(path))
    data = path.read_bytes()
    try:
        return _check(data)
    except _Damaged:
        raise InputError("register_corrupt", path=str(path)) from None


class _Damaged(Exception):
    """The compound file is not what [MS-CFB] allows."""


def _check(data: bytes) -> bytes | None:
    """Walk every chain; return the workbook stream (None when there is none)."""
    if len(data) < HEADER_BYTES or not data.startswith(OLE_MAGIC):
        raise _Damaged
    shift, mini_shift = struct.unpack_from("<HH", data, 30)
    if shift not in (9, 12) or mini_shift != 6:
        raise _Damaged  # calamine refuses these itself, with an error Python catches
    sector_bytes = 1 << shift
    # A last sector cut short is read as far as it goes (as calamine does).
    sector_count = max(0, -(-(len(data) - sector_bytes) // sector_bytes))

    def sector(number: int) -> bytes:
        if number >= sector_count:
            raise _Damaged  # past the end of the file
        start = (number + 1) * sector_bytes  # the header takes the place of sector -1
        return data[start : start + sector_bytes]

    # FAT sectors, first directory sector, transaction, mini cutoff, mini FAT start and count, DIFAT.
    (_, directory_start, _, _, mini_fat_start, mini_fat_sectors, difat_start) = struct.unpack_from(
        "<7I", data, 44
    )
    # The sectors of the FAT: 109 listed in the header, the rest in a chain of DIFAT sectors.
    fat_numbers = list(struct.unpack_from("<109I", data, 76))
    per_sector = sector_bytes // 4
    seen: set[int] = set()
    next_difat = difat_start
    while next_difat < MAX_REGULAR_SECTOR:
        if next_difat in seen:
            raise _Damaged  # the DIFAT chain loops
        seen.add(next_difat)
        entries = struct.unpack(f"<{per_sector}I", sector(next_difat))
        fat_numbers.extend(entries[:-1])
        next_difat = entries[-1]
    fat: list[int] = []
    for number in fat_numbers:
        if number < MAX_REGULAR_SECTOR:
            fat.extend(struct.unpack(f"<{per_sector}I", sector(number)))
    if not fat:
        raise _Damaged

    def chain_length(start: int, table: list[int], limit: int) -> int:
        """Sectors in the chain from ``start``; a loop or a step outside ``table`` is damage."""
        count = 0
        current = start
        while current != END_OF_CHAIN:
            if current >= len(table) or current >= limit:
                raise _Damaged
            count += 1
            if count > len(table):
                raise _Damaged  # longer than the table: it visits a sector twice
            current = table[current]
        return count

    directory_sectors = chain_length(directory_start, fat, sector_count)
    directory = b"".join(_chain_bytes(directory_start, fat, sector, directory_sectors))
    entries = [
        directory[i : i + DIRECTORY_ENTRY_BYTES]
        for i in range(0, len(directory), DIRECTORY_ENTRY_BYTES)
    ]
    if not entries:
        raise _Damaged
    if mini_fat_sectors:
        chain_length(mini_fat_start, fat, sector_count)
    # Streams under 4 KB live in the mini stream; calamine reads them up to their
    # declared length, so a loop there ends: only the regular chains can run away.
    for index, entry in enumerate(entries):
        if len(entry) < DIRECTORY_ENTRY_BYTES:
            break
        kind = entry[66]
        if kind not in (_STREAM, _ROOT):
            continue
        start = struct.unpack_from("<I", entry, 116)[0]
        length = (
            struct.unpack_from("<I", entry, 120)[0]
            if shift == 9
            else struct.unpack_from("<Q", entry, 120)[0]
        )
        if length > len(data):
            raise _Damaged  # a stream cannot hold more than the whole file
        if (index == 0 or kind == _ROOT or length >= MINI_STREAM_CUTOFF) and length:
            chain_length(start, fat, sector_count)  # the root's chain is the mini stream
    return _workbook_stream(entries, fat, sector, sector_bytes, mini_fat_start, mini_fat_sectors)


def _workbook_stream(
    entries: list[bytes],
    fat: list[int],
    sector: Callable[[int], bytes],
    sector_bytes: int,
    mini_fat_start: int,
    mini_fat_sectors: int,
) -> bytes | None:
    """The Workbook (BIFF8) or Book (BIFF5) stream, as long as its directory entry says.

    Called once every chain has been walked: a chain followed here ends. A
    stream under MINI_STREAM_CUTOFF lives in the mini stream, in 64-byte sectors
    chained by the mini FAT, inside the root entry's own chain.
    """
    for entry in entries:
        if len(entry) < DIRECTORY_ENTRY_BYTES or entry[66] != _STREAM:
            continue
        name_bytes = min(struct.unpack_from("<H", entry, 64)[0], 64)
        name = entry[:name_bytes].decode("utf-16-le", errors="replace").rstrip("\x00")
        if name not in _WORKBOOK_STREAMS:
            continue
        start, length = struct.unpack_from("<II", entry, 116)
        wanted = length
        if length >= MINI_STREAM_CUTOFF:
            return _stream(start, fat, sector, -(-wanted // sector_bytes))[:wanted]
        root_start, root_length = struct.unpack_from("<II", entries[0], 116)
        mini_stream = _stream(root_start, fat, sector, -(-root_length // sector_bytes))
        mini_fat_bytes = _stream(mini_fat_start, fat, sector, mini_fat_sectors)
        mini_fat = struct.unpack(f"<{len(mini_fat_bytes) // 4}I", mini_fat_bytes)
        blocks = []
        current = start
        for _ in range(-(-wanted // _MINI_SECTOR_BYTES)):
            if current >= len(mini_fat):
                break  # damaged; calamine says so when it reads the stream
            at = current * _MINI_SECTOR_BYTES
            blocks.append(mini_stream[at : at + _MINI_SECTOR_BYTES])
            current = mini_fat[current]
        return b"".join(blocks)[:wanted]
    return None


def _stream(start: int, fat: list[int], sector: Callable[[int], bytes], count: int) -> bytes:
    """Up to ``count`` sectors of the chain from ``start`` (a walked chain: it ends)."""
    blocks = []
    current = start
    for _ in range(count):
        if current >= MAX_REGULAR_SECTOR or current >= len(fat):
            break  # shorter than declared: calamine says what that means
        blocks.append(sector(current))
        current = fat[current]
    return b"".join(blocks)


def _chain_bytes(
    start: int, fat: list[int], sector: Callable[[int], bytes], count: int
) -> list[bytes]:
    blocks = []
    current = start
    for _ in range(count):
        blocks.append(sector(current))
        current = fat[current]
    return blocks

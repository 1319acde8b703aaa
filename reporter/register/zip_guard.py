"""Look inside a zip package (.xlsx, .xlsm, .xlsb, .ods) before anything unzips it.

A register is a zip of XML (or, for .xlsb, binary) parts. A hostile or broken
one can declare parts that unzip to gigabytes from a few megabytes (a zip
bomb), hide XML entity declarations that expand to gigabytes or read local
files, or be some other zip (a Word document) under an Excel name. This module
reads only the zip's central directory and the first bytes of each XML part,
refuses what no real register looks like, and says what the package holds, so
that the loader can pick the reader by content rather than by file name.

The limits are checked on the sizes the directory declares. An entry that
inflates to more than it declares is stopped by the reader that unzips it:
calamine stops at the declared size, and Python's zipfile does when asked for
at most that many bytes (``handle.read(info.file_size)``).
"""

from __future__ import annotations

import zipfile
from pathlib import Path

from reporter.errors import InputError
from reporter.register.ods import (
    LAYOUT_ODS_WITHOUT_MIMETYPE,
    ODS_MIMETYPE,
    is_encrypted_opendocument,
)
from reporter.register.ooxml import XML_HEAD_BYTES, start_of, workbook_part

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
# A ratio alone is no bomb: a sheet of long repeated texts compresses 100:1 or
# more (SheetJS's large_strings.xlsx: 460 KB to 54 MB, 121:1) and reads in a
# second. The ratio is checked only on a package that unzips to more than this,
# about what a register of 150,000 rows unzips to: a bomb is large and dense.
RATIO_CHECKED_FROM_TOTAL = 100 << 20
# A workbook with hundreds of sheets and pictures has about a thousand parts.
MAX_PARTS = 10_000
# Excel and LibreOffice write stored or deflated parts only.
ALLOWED_METHODS = frozenset({zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED})


XML_SUFFIXES = (".xml", ".rels")
UTF8_BOM = b"\xef\xbb\xbf"  # the XML of some generators starts with one


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
            if is_encrypted_opendocument(package, names):
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
    for member in members:
        if member.compress_type not in ALLOWED_METHODS:
            raise InputError("register_zip_method", path=str(path), part=member.filename)
    total = sum(member.file_size for member in members)
    for member in members:
        if total <= RATIO_CHECKED_FROM_TOTAL or member.file_size < RATIO_CHECKED_FROM_BYTES:
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
        mimetype = start_of(package, "mimetype", len(ODS_MIMETYPE) + 16)
        return "ods" if mimetype.strip().startswith(ODS_MIMETYPE) else None
    return "ods" if "META-INF/manifest.xml" in names else None


def size_text(size: int) -> str:
    """Bytes the way people read them: 2.5 GB, 740 KB."""
    for unit, scale in (("GB", 1 << 30), ("MB", 1 << 20), ("KB", 1 << 10)):
        if size >= scale:
            return f"{size / scale:,.1f} {unit}".replace(".0 ", " ")
    return f"{size:,} B"

"""What a file holds, told from its first bytes: which reader it needs, or why none will do.

The name is not trusted: an .ods saved as "台帳.xlsx", a CSV export or a web
page from a shop system's "download as Excel" all arrive under Excel names.
Each container is looked into by its guard (ole_guard, zip_guard) before any
reader opens it.
"""

from __future__ import annotations

import re
from pathlib import Path

from reporter.errors import InputError
from reporter.register.ole_guard import check_compound_file
from reporter.register.xls import check_workbook_stream
from reporter.register.zip_guard import inspect_package

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP_MAGIC = b"PK\x03\x04"


# The reader calamine picks by the file name, and the content that reader reads.
SUFFIX_CONTENT = {
    ".xlsx": "xlsx",
    ".xlsm": "xlsx",
    ".xlsb": "xlsb",
    ".xls": "xls",
    ".ods": "ods",
}


def sniff(path: Path) -> str:
    """Refuse what is not a readable workbook; return what it holds: xlsx, xlsb, xls or ods."""
    if not path.exists():
        raise InputError("register_missing", path=str(path))
    if path.is_dir():
        raise InputError("register_is_folder", path=str(path))
    try:
        with path.open("rb") as handle:
            start = handle.read(_SNIFF_BYTES)
    except OSError as error:
        raise InputError("register_unreadable", path=str(path), detail=error.strerror) from None
    suffix = path.suffix.lower()
    if suffix in {".csv", ".tsv", ".txt"}:
        raise InputError("register_is_csv", path=str(path))
    if start.startswith(_OLE_MAGIC):
        # An encrypted .xlsx is an OLE container with an EncryptedPackage stream.
        if "EncryptedPackage".encode("utf-16-le") in start:
            raise InputError("register_encrypted", path=str(path))
        stream = check_compound_file(path)  # a looping sector chain would make calamine abort
        if stream is not None:
            check_workbook_stream(path, stream)  # a password to open; sheets too wide to hold
        return "xls"
    if start.startswith(_ZIP_MAGIC):
        content = inspect_package(path)  # refuses zip bombs before calamine unzips anything
        if content is None:
            raise InputError("register_not_workbook", path=str(path))
        return content
    if suffix in SUFFIX_CONTENT and len(start) < 4:
        raise InputError("register_corrupt", path=str(path))
    if start[:2] in _OLD_EXCEL_BOF and start[3:4] == b"\x00" and 4 <= start[2] <= 16:
        # A worksheet of Excel 2.x to 4.0: a bare record stream, before Excel used OLE files.
        raise InputError("register_unsupported", path=str(path), what=_LAYOUT_OLD_EXCEL)
    # Text saved under an Excel name: a CSV export, or a web page that a shop
    # system's "download as Excel" wrote.
    if _looks_like_html(start):
        raise InputError("register_is_html", path=str(path))
    if _looks_like_csv(start):
        raise InputError("register_is_csv", path=str(path))
    raise InputError("register_not_workbook", path=str(path))


# The first record of an Excel 2.x, 3.0 and 4.0 file: BOF, type 0x0009, 0x0209 or 0x0409.
_OLD_EXCEL_BOF = (b"\x09\x00", b"\x09\x02", b"\x09\x04")
_LAYOUT_OLD_EXCEL = {
    "ja": "形式(Excel 4.0以前のファイル)",
    "en": "a layout (a file of Excel 4.0 or older)",
}
_SNIFF_BYTES = 1 << 16  # enough for an OLE directory's first sectors and a CSV's first lines
_HTML_START = re.compile(
    rb"^\s*(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html|table|meta)\b", re.I | re.S
)


def _looks_like_html(start: bytes) -> bool:
    return _HTML_START.match(start.removeprefix(b"\xef\xbb\xbf")) is not None


def _looks_like_csv(start: bytes) -> bool:
    """Text in an encoding Excel saves CSV in, whose first two lines hold commas or tabs."""
    import codecs

    for encoding in ("utf-16", "utf-8-sig", "cp932"):
        if encoding == "utf-16" and not start.startswith((b"\xff\xfe", b"\xfe\xff")):
            continue  # Excel's "Unicode text" is UTF-16 with a byte order mark
        try:
            # Incremental: the sample may end in the middle of a character.
            text = codecs.getincrementaldecoder(encoding)().decode(start, final=False)
        except UnicodeDecodeError:
            continue
        lines = [line for line in text.splitlines() if line.strip()][:2]
        printable = all(c.isprintable() or c in "\t\r\n" for c in text)
        return (
            printable
            and len(lines) == 2  # a header and a row: one line of text is just text
            and any(all(separator in line for line in lines) for separator in ",\t")
        )
    return False

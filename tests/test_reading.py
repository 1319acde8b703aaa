"""Reading the register: the hash of the bytes read, and files the reader only partly understands."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import openpyxl
import pytest

import reporter
from reporter import i18n
from reporter.errors import InputError
from reporter.register import loader
from reporter.register.loader import load_register
from tests.conftest import AS_OF, HEADERS, write_workbook
from tests.test_corpus import WILD, WILD_OUTCOMES, _message_pattern

# Each file of the second corpus ends as described within these (limits, not timings).
CAP_SECONDS = 60
CAP_MEMORY = 300 << 20  # address space of the whole run, the probe's child included


def _register(path: Path, key_id: str) -> Path:
    sheets: dict[str, list[list[Any]]] = {name: [headers] for name, headers in HEADERS.items()}
    sheets["キー"].append([key_id, "その他", None, None, None, "有効", "佐藤", "鈴木"])
    return write_workbook(path, sheets)


def _summary_sha256(report: Path) -> str:
    sheet = openpyxl.load_workbook(report)["概要"]
    for row in sheet.iter_rows():
        for cell in row:
            if cell.value == "SHA-256":
                return str(sheet.cell(cell.row, cell.column + 1).value)
    raise AssertionError("no SHA-256 on the Summary")


def test_the_summary_hash_is_of_the_register_read_not_the_file_at_report_time(
    tmp_path: Path,
) -> None:
    register = _register(tmp_path / "台帳.xlsx", "K-1")
    original = hashlib.sha256(register.read_bytes()).hexdigest()
    result = reporter.check(register, as_of=AS_OF)
    # Edited (or replaced by a sync) between check() and monthly_report().
    os.replace(_register(tmp_path / "edited.xlsx", "K-2-EDITED"), register)
    assert hashlib.sha256(register.read_bytes()).hexdigest() != original

    outcome = reporter.monthly_report(result, tmp_path / "out", calendar=False)

    assert _summary_sha256(outcome.path) == original
    assert result.register.sha256 == original


def test_a_register_replaced_while_it_is_read_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    register = _register(tmp_path / "台帳.xlsx", "K-1")
    other = _register(tmp_path / "other.xlsx", "K-2")
    read_workbook: Callable[..., Any] = loader._read_workbook

    def replaced_midway(*args: Any, **kwargs: Any) -> Any:
        read = read_workbook(*args, **kwargs)
        os.replace(other, register)  # a shared folder's sync lands during the read
        return read

    monkeypatch.setattr(loader, "_read_workbook", replaced_midway)
    with pytest.raises(InputError) as refused:
        load_register(register)
    assert refused.value.key == "register_changed_while_read"
    assert "台帳.xlsx" in refused.value.render("ja")


# --- the second corpus: files from other readers' test suites --------------------------

SECOND_CORPUS = [
    "poi-xor-encryption-abc.xls",
    "sheetjs-password_2002_40_xor.xls",
    "msoffcrypto-xor_password_123456789012345.xls",
    "sheetjs-BlankSheetTypes.xlsm",
    "poi-xlmmacro.xlsm",
    "exceldatareader-Test_git_issue_68_NullSheetPath.xlsm",
    "sheetjs-wtf_path.xlsb",
    "sheetjs-large_strings.xlsx",
    "poi-clusterfuzz-testcase-minimized-POIXSSFFuzzer-5937385319563264.xlsx",
    "poi-51535.xls",
]


def _check(register: Path, *options: str) -> subprocess.CompletedProcess[str]:
    """`reporter check` in a process of its own, under CAP_MEMORY and CAP_SECONDS."""

    def cap_memory() -> None:
        import resource

        resource.setrlimit(resource.RLIMIT_AS, (CAP_MEMORY, CAP_MEMORY))

    try:
        return subprocess.run(
            [
                sys.executable,
                "-m",
                "reporter",
                "check",
                str(register),
                "--as-of",
                "2026-11-30",
                *options,
            ],
            capture_output=True,
            encoding="utf-8",
            errors="replace",
            timeout=CAP_SECONDS,
            cwd=register.parent,
            preexec_fn=cap_memory if os.name == "posix" else None,
        )
    except subprocess.TimeoutExpired:
        pytest.fail(f"reporter check {register.name} ran past {CAP_SECONDS} s")


@pytest.mark.parametrize("name", SECOND_CORPUS)
def test_the_second_corpus_ends_as_described_in_300_mb(name: str, tmp_path: Path) -> None:
    register = tmp_path / name
    register.write_bytes((WILD / name).read_bytes())
    done = _check(register)
    output = done.stdout + done.stderr
    assert "Traceback" not in output and "MemoryError" not in output, output[-2000:]
    assert done.returncode == 2, output[-2000:]
    (line,) = [line for line in output.splitlines() if line.strip()]
    assert _message_pattern(WILD_OUTCOMES[name] or "register_no_sheets", register).fullmatch(line)


def _renamed(source: Path, target: Path, part: str, old: bytes, new: bytes) -> Path:
    """A copy of a package with the last ``old`` replaced by ``new`` in one part (a sheet's name).

    The last: an .xlsb's workbook.bin names the program that wrote it first ("SheetJS").
    """
    with zipfile.ZipFile(source) as package, zipfile.ZipFile(target, "w") as copy:
        for item in package.infolist():
            data = package.read(item)
            if item.filename == part:
                at = data.rindex(old)
                data = data[:at] + new + data[at + len(old) :]
            copy.writestr(item, data)
    return target


_ELEMENT = b'name="Sheet1"'
# file, its workbook part, a worksheet's name there and a register sheet's name, the sheets
# the reader leaves out.
_READ_WITH_A_NOTE = [
    ("sheetjs-BlankSheetTypes.xlsm", "xl/workbook.xml", _ELEMENT, ["Macro1", "Dialog1"]),
    ("poi-xlmmacro.xlsm", "xl/workbook.xml", _ELEMENT, ["Macro1"]),
    ("exceldatareader-Test_git_issue_68_NullSheetPath.xlsm", "xl/workbook.xml", _ELEMENT, [" "]),
    ("sheetjs-wtf_path.xlsb", "wtf/workbook.bin", "SheetJS".encode("utf-16-le"), []),
]


@pytest.mark.parametrize(("name", "part", "sheet", "left_out"), _READ_WITH_A_NOTE)
def test_a_sheet_the_reader_cannot_parse_is_left_out_with_a_note(
    name: str, part: str, sheet: bytes, left_out: list[str], tmp_path: Path
) -> None:
    """The register sheet of a valid workbook is read; each sheet left out is named once."""
    keys = 'name="キー"'.encode() if part.endswith(".xml") else "Keys-JS".encode("utf-16-le")
    register = _renamed(WILD / name, tmp_path / name, part, sheet, keys)
    done = _check(register, "--json")
    assert done.returncode in (0, 1), (done.stdout + done.stderr)[-2000:]
    assert "keys" in json.loads(done.stdout)["rows"]
    notes = [line for line in done.stderr.splitlines() if line.strip()]
    assert notes == [i18n.text("register_sheet_left_out", "ja", sheet=n) for n in left_out]


def test_a_left_out_sheet_is_named_in_english_too(tmp_path: Path) -> None:
    name = "poi-xlmmacro.xlsm"
    register = _renamed(WILD / name, tmp_path / name, "xl/workbook.xml", _ELEMENT, b'name="Keys"')
    result = reporter.check(register, as_of=AS_OF)
    assert result.register.left_out_sheets == ["Macro1"]
    assert "Macro1" in i18n.text("register_sheet_left_out", "en", sheet="Macro1")


def test_a_package_of_long_texts_is_no_zip_bomb(tmp_path: Path) -> None:
    """SheetJS's large_strings.xlsx: a sheet at 121:1, 54 MB unzipped in all, is read."""
    from tests.test_corpus import _first_sheet_renamed

    name = "sheetjs-large_strings.xlsx"
    register = load_register(_first_sheet_renamed(WILD / name, tmp_path / name, "キー"))
    assert "keys" in register.sheets
    assert register.loose_texts  # its texts were read, to be searched for secrets


def test_a_register_sheet_that_fails_its_checksum_is_a_damaged_file(tmp_path: Path) -> None:
    """A register sheet whose bytes do not match their checksum is not read as if whole."""
    damaged = _register(tmp_path / "台帳.xlsx", "K-1")
    part = "xl/worksheets/sheet2.xml"  # キー, the second sheet
    data = bytearray(damaged.read_bytes())
    with zipfile.ZipFile(damaged) as package:
        local_header = package.getinfo(part).header_offset
    data[local_header + 14] ^= 0xFF  # the CRC-32 in the part's local header…
    central = data.index(b"PK\x01\x02")  # the central directory's first entry
    while data[central + 46 : central + 46 + len(part)] != part.encode():
        central = data.index(b"PK\x01\x02", central + 4)
    data[central + 16] ^= 0xFF  # …and in the central directory: the bytes no longer match it
    damaged.write_bytes(bytes(data))
    with pytest.raises(InputError) as refused:
        load_register(damaged)
    assert refused.value.key == "register_corrupt"


def _xls_stream(cells: list[tuple[int, int]], dimensions: tuple[int, int]) -> bytes:
    """A BIFF8 workbook stream: the globals naming one worksheet, then its records."""
    import struct

    def record(kind: int, body: bytes) -> bytes:
        return struct.pack("<HH", kind, len(body)) + body

    name = b"\x04\x00Keys"  # length, 8-bit characters, the name
    globals_size = len(record(0x0809, bytes(16))) + len(record(0x0085, bytes(6) + name)) + 4
    stream = record(0x0809, bytes(16))
    stream += record(0x0085, struct.pack("<IBB", globals_size, 0, 0x00) + name)
    stream += record(0x000A, b"")
    rows, columns = dimensions
    sheet = record(0x0809, bytes(16)) + record(
        0x0200, struct.pack("<IIHHH", 0, rows, 0, columns, 0)
    )
    for row, column in cells:
        sheet += record(0x0203, struct.pack("<HHHd", row, column, 0, 1.0))
    return stream + sheet + record(0x000A, b"")


def test_an_xls_sheet_is_judged_by_its_values_not_its_formatted_range() -> None:
    from reporter.register.xls import check_workbook_stream

    # Formatted to the last row and column, but its values fit in A1:B2: read.
    check_workbook_stream(Path("台帳.xls"), _xls_stream([(0, 0), (1, 1)], (65_536, 256)))
    with pytest.raises(InputError) as refused:
        check_workbook_stream(Path("台帳.xls"), _xls_stream([(0, 0), (65_535, 255)], (65_536, 256)))
    assert refused.value.key == "register_sheet_too_large"
    assert "A1:IV65536" in refused.value.render("en") and "Keys" in refused.value.render("en")

"""Load a register workbook into a :class:`~reporter.model.Register`.

python-calamine reads every value (.xlsx, .xlsm, .xlsb, .xls, .ods). Calamine
shows an Excel error cell (#N/A, #REF!…) as an empty string, so for .xlsx and
.xlsm the sheet XML is scanned once more for error cells and formulas with no
cached value (DAT011). The workbook is only ever opened for reading.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Callable, Iterable, Iterator
from itertools import chain
from pathlib import Path, PurePosixPath
from typing import Any

from reporter import i18n
from reporter.errors import InputError
from reporter.model import Problem, Record, Register, SheetData
from reporter.schema import SHEETS, SheetSpec, column_lookup, normalize_token, sheet_lookup
from reporter.values import BadValue, display, is_blank, parser_for

HEADER_SEARCH_ROWS = 10  # spec: the header row is within the top 10 rows
EXCEL_SUFFIXES = {".xlsx", ".xlsm", ".xlsb", ".xls", ".ods"}
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP_MAGIC = b"PK\x03\x04"

i18n.add(
    {
        "register_missing": {
            "ja": "台帳ファイル {path} が見つかりません。ファイル名と場所を確認してください。",
            "en": "The register {path} does not exist. Check the file name and folder.",
        },
        "register_is_folder": {
            "ja": "{path} はフォルダーです。台帳のExcelファイル(.xlsx)を指定してください。",
            "en": "{path} is a folder. Give the register's Excel file (.xlsx) instead.",
        },
        "register_is_csv": {
            "ja": "{path} はCSVファイルです。Excelで開いて「Excel ブック (.xlsx)」として保存し、"
            "そのファイルを指定してください。",
            "en": "{path} is a CSV file. Open it in Excel, save it as an Excel workbook (.xlsx) "
            "and give that file.",
        },
        "register_not_workbook": {
            "ja": "{path} はExcelのブックではありません(対応形式: .xlsx .xlsm .xlsb .xls .ods)。"
            "台帳のファイルを指定してください。",
            "en": "{path} is not a spreadsheet workbook (.xlsx .xlsm .xlsb .xls .ods). "
            "Give the register's workbook.",
        },
        "register_encrypted": {
            "ja": "{path} はパスワードで保護されています。Excelでパスワードを解除して保存し直して"
            "から実行してください。",
            "en": "{path} is password-protected. Remove the password in Excel, save it, "
            "and run again.",
        },
        "register_corrupt": {
            "ja": "{path} を読めません(ファイルが壊れているか、途中までしか保存されていません)。"
            "Excelで開けるか確認し、保存し直してください。",
            "en": "Cannot read {path}: the file is damaged or incomplete. Check that Excel "
            "opens it, and save it again.",
        },
        "register_unreadable": {
            "ja": "{path} を開けません: {detail}。ファイルが他のプログラムで使用中でないか、"
            "読み取り権限があるか確認してください。",
            "en": "Cannot open {path}: {detail}. Check that no other program locks it and "
            "that you may read it.",
        },
        "register_no_sheets": {
            "ja": "{path} に台帳のシートが1つもありません(ツール・キー・権限・通知など)。"
            "台帳のファイルか確認するか、reporter init で新しい台帳を作ってください。",
            "en": "{path} has none of the register's sheets (Tools, Keys, Grants, Notices…). "
            "Check it is the register, or create one with reporter init.",
        },
    }
)


Progress = Callable[[str, int], None]  # (sheet name, data rows read so far)
PROGRESS_EVERY = 10_000


def load_register(path: str | Path, progress: Progress | None = None) -> Register:
    """Read the register at ``path``; every problem with the file itself is an InputError.

    ``progress`` is called every 10,000 rows of a sheet, for a long register.
    """
    path = Path(path)
    _check_file(path)
    import python_calamine

    try:
        workbook = python_calamine.CalamineWorkbook.from_path(str(path))
    except python_calamine.PasswordError:
        raise InputError("register_encrypted", path=str(path)) from None
    except (OSError, PermissionError) as error:
        raise InputError("register_unreadable", path=str(path), detail=error.strerror) from None
    except Exception:  # calamine raises several types for damaged files
        raise InputError("register_corrupt", path=str(path)) from None
    try:
        return _read_workbook(path, workbook, progress)
    except InputError:
        raise
    except Exception:
        raise InputError("register_corrupt", path=str(path)) from None
    finally:
        workbook.close()


def _check_file(path: Path) -> None:
    if not path.exists():
        raise InputError("register_missing", path=str(path))
    if path.is_dir():
        raise InputError("register_is_folder", path=str(path))
    try:
        with path.open("rb") as handle:
            head = handle.read(8)
            handle.seek(0)
            ole_body = handle.read(1 << 16) if head.startswith(_OLE_MAGIC) else b""
    except OSError as error:
        raise InputError("register_unreadable", path=str(path), detail=error.strerror) from None
    suffix = path.suffix.lower()
    if suffix in {".csv", ".tsv", ".txt"}:
        raise InputError("register_is_csv", path=str(path))
    if head.startswith(_OLE_MAGIC):
        # An encrypted .xlsx is an OLE container with an EncryptedPackage stream.
        if "EncryptedPackage".encode("utf-16-le") in ole_body:
            raise InputError("register_encrypted", path=str(path))
        return
    if head.startswith(_ZIP_MAGIC):
        return
    if suffix in EXCEL_SUFFIXES and len(head) < 4:
        raise InputError("register_corrupt", path=str(path))
    raise InputError("register_not_workbook", path=str(path))


def _read_workbook(path: Path, workbook: Any, progress: Progress | None) -> Register:
    xml_info = _XlsxInfo(path)
    found: dict[str, SheetData] = {}
    candidates = _match_sheets(workbook.sheets_metadata)
    for spec, metadata in candidates:
        if spec.key in found:
            continue
        sheet = workbook.get_sheet_by_name(metadata.name)
        hidden = str(metadata.visible).rsplit(".", 1)[-1] != "Visible"
        data = _read_sheet(spec, metadata.name, sheet, hidden, xml_info, progress)
        if data is not None:
            found[spec.key] = data
    if not found:
        raise InputError("register_no_sheets", path=str(path))
    ordered = {spec.key: found[spec.key] for spec in SHEETS if spec.key in found}
    missing = [spec.key for spec in SHEETS if spec.key not in found]
    return Register(
        path=str(path),
        sheets=ordered,
        missing_sheets=missing,
        sheet_names=list(workbook.sheet_names),
        date1904=xml_info.date1904,
    )


def _match_sheets(metadata: Iterable[Any]) -> list[tuple[SheetSpec, Any]]:
    """Pair workbook sheets with register sheets: exact names first, then names containing one.

    Teams rename sheets ("キー一覧", "Tools (2026)"); a name that contains
    exactly one register sheet's spelling is taken when no exact match exists.
    """
    lookup = sheet_lookup()
    worksheets = [m for m in metadata if str(m.typ).endswith("WorkSheet")]
    exact: list[tuple[SheetSpec, Any]] = []
    loose: list[tuple[SheetSpec, Any]] = []
    for meta in worksheets:
        token = normalize_token(meta.name)
        if token in lookup:
            exact.append((lookup[token], meta))
            continue
        hits = {
            spec.key: spec
            for spelling, spec in lookup.items()
            if len(spelling) >= 2 and spelling in token
        }
        if len(hits) == 1:
            loose.append((next(iter(hits.values())), meta))
    exact_keys = {spec.key for spec, _ in exact}
    return exact + [(spec, meta) for spec, meta in loose if spec.key not in exact_keys]


def _read_sheet(
    spec: SheetSpec,
    name: str,
    sheet: Any,
    hidden: bool,
    xml_info: _XlsxInfo,
    progress: Progress | None = None,
) -> SheetData | None:
    start = sheet.start
    column_offset = start[1] if start else 0
    rows = sheet.iter_rows()
    top: list[list[Any]] = []
    for row in rows:
        top.append(row)
        if len(top) >= HEADER_SEARCH_ROWS:
            break
    lookup = column_lookup(spec.key)
    header_index = None
    for index, row in enumerate(top):
        known = {
            lookup[t].key
            for t in (normalize_token(display(v)) for v in row if isinstance(v, str))
            if t in lookup
        }
        if len(known) >= 2:
            header_index = index
            break
    data = SheetData(
        key=spec.key,
        name=name,
        spec=spec,
        header_row=(header_index + 1) if header_index is not None else 0,
        columns={},
        hidden=hidden,
        value_index={c.key: i for i, c in enumerate(spec.columns)},
        column_offset=column_offset,
    )
    if header_index is None:
        # The sheet is there but its header row cannot be found: every required
        # column is missing (DAT002) and the rules that need it are skipped.
        data.missing_columns = [c.key for c in spec.columns if c.required]
        return data
    header = top[header_index]
    for index, cell in enumerate(header):
        text = display(cell) if not isinstance(cell, str) else cell.strip()
        if not text:
            continue
        absolute = index + column_offset
        data.headers[absolute] = text
        column = lookup.get(normalize_token(text))
        if column is None:
            data.unknown_columns.append((absolute, text))
        elif column.key in data.columns:
            data.duplicate_columns.append((absolute, text))
        else:
            data.columns[column.key] = absolute
    data.missing_columns = [c.key for c in spec.columns if c.required and c.key not in data.columns]

    error_cells = xml_info.error_cells(name)
    parsers = [
        (
            data.value_index[key],
            key,
            index - column_offset,
            parser_for(spec.column(key), xml_info.date1904),
        )
        for key, index in data.columns.items()
    ]
    width = len(spec.columns)
    first_data_row = header_index + 1
    records = data.records
    known_positions = set(data.columns.values())
    # Undefined columns are read up to a few past the last header: a note typed
    # beside the table is kept, a stray cell in column XFD does not widen every row.
    scanned_width = min(len(header), max(data.headers, default=column_offset) - column_offset + 4)
    extra_positions = [p for p in range(scanned_width) if p + column_offset not in known_positions]
    # The hot loop of a large register: one pass per row, one call per known cell.
    # A row with its id filled in is not blank: only rows without one need the full look.
    id_position = data.columns[spec.id_key] - column_offset if spec.id_key in data.columns else None
    for row_index, row in enumerate(chain(top[first_data_row:], rows), start=first_data_row):
        excel_row = row_index + 1
        row_errors = error_cells.get(excel_row) if error_cells else None
        if (
            row_errors is None
            and (id_position is None or id_position >= len(row) or is_blank(row[id_position]))
            and _row_is_blank(row)
        ):
            continue
        values: list[Any] = [None] * width
        problems: dict[str, Problem] | None = None
        row_length = len(row)
        for value_position, key, position, parse in parsers:
            if position >= row_length:
                continue
            raw = row[position]
            if raw == "" or raw is None:
                if row_errors is not None and (position + column_offset) in row_errors:
                    problems = problems or {}
                    problems[key] = Problem("error", row_errors[position + column_offset])
                continue
            try:
                value = parse(raw)
            except BadValue as bad:
                if raw.__class__ is str and raw.isspace():
                    continue  # a cell "cleared" with a space is blank
                problems = problems or {}
                problems[key] = Problem(bad.kind, display(raw), bad.suggestion)
                continue
            if value != "" and value != ():  # text of spaces only is blank too
                values[value_position] = value
        extra = None
        for position in extra_positions:
            text = row[position] if position < row_length else None
            if text.__class__ is str and text and not text.isspace():
                extra = (
                    (*extra, (position + column_offset, text))
                    if extra
                    else ((position + column_offset, text),)
                )
        record = Record(data, excel_row, values, extra, problems)
        if row_errors is not None:
            # Error cells in unknown columns still belong to the row.
            for absolute, error in row_errors.items():
                if absolute not in known_positions:
                    record.problems = record.problems or {}
                    record.problems[f"#{absolute}"] = Problem("error", error)
        records.append(record)
        if progress is not None and len(records) % PROGRESS_EVERY == 0:
            progress(name, len(records))
    return data


def _row_is_blank(row: list[Any]) -> bool:
    for value in row:
        if value == "" or value is None:
            continue
        if value.__class__ is str and value.isspace():
            continue
        return False
    return True


# --- what calamine cannot tell: the date system and error cells -------------------

_CELL = re.compile(rb"<(?:\w+:)?c\b([^>]*?)(?:/>|>(.*?)</(?:\w+:)?c>)", re.DOTALL)
_REF = re.compile(rb'\br="([A-Z]+)(\d+)"')
_ERROR_TYPE = re.compile(rb'\bt="e"')
_VALUE = re.compile(rb"<(?:\w+:)?v\b[^>]*>(.*?)</(?:\w+:)?v>", re.DOTALL)
_FORMULA = re.compile(rb"<(?:\w+:)?f\b")
_PREFIXED_FORMULA = re.compile(rb"<\w+:f\b")
_PREFIXED_CELL_START = re.compile(rb"<\w+:c\b")


class _XlsxInfo:
    """Facts read from an .xlsx/.xlsm package's XML: date system and error cells."""

    def __init__(self, path: Path) -> None:
        self.date1904 = False
        self._sheet_parts: dict[str, str] = {}
        self._path = path
        if not zipfile.is_zipfile(path):
            return
        try:
            with zipfile.ZipFile(path) as package:
                self._read_workbook_xml(package)
        except (zipfile.BadZipFile, KeyError, OSError, SyntaxError, ValueError):
            self._sheet_parts = {}

    def _read_workbook_xml(self, package: zipfile.ZipFile) -> None:
        from defusedxml import ElementTree

        names = set(package.namelist())
        if "xl/workbook.xml" not in names:
            return
        workbook = ElementTree.fromstring(package.read("xl/workbook.xml"))
        rels = ElementTree.fromstring(package.read("xl/_rels/workbook.xml.rels"))
        targets = {rel.get("Id"): rel.get("Target", "") for rel in rels}
        for element in workbook.iter():
            tag = element.tag.rsplit("}", 1)[-1]
            if tag == "workbookPr":
                self.date1904 = element.get("date1904", "0").lower() in ("1", "true")
            elif tag == "sheet":
                rel_id = next((v for k, v in element.attrib.items() if k.endswith("}id")), None)
                target = targets.get(rel_id, "")
                if target.startswith("/"):
                    part = target.lstrip("/")
                else:
                    part = str(PurePosixPath("xl") / target)
                self._sheet_parts[element.get("name", "")] = part

    def error_cells(self, sheet_name: str) -> dict[int, dict[int, str]]:
        """Excel row -> {0-based column -> error text} for error cells and uncached formulas."""
        part = self._sheet_parts.get(sheet_name)
        if not part:
            return {}
        try:
            with zipfile.ZipFile(self._path) as package:
                xml = package.read(part)
        except (KeyError, OSError, zipfile.BadZipFile):
            return {}
        errors: dict[int, dict[int, str]] = {}
        # Visit only the cells that hold an error or a formula, not every cell:
        # find each marker, then the <c> element around it.
        starts: set[int] = set()
        prefixed_cells = b":c " in xml and _PREFIXED_CELL_START.search(xml) is not None
        for position in _marker_positions(xml):
            start = xml.rfind(b"<c ", 0, position)
            if prefixed_cells:
                # The nearest <x:c before the marker (the last in the window).
                window = _PREFIXED_CELL_START.finditer(xml, max(0, position - 400), position)
                nearest = max((m.start() for m in window), default=-1)
                start = max(start, nearest)
            if start >= 0:
                starts.add(start)
        for start in sorted(starts):
            match = _CELL.match(xml, start)
            if match is None:
                continue
            attributes, inner = match.group(1), match.group(2) or b""
            is_error = bool(_ERROR_TYPE.search(attributes))
            uncached = not is_error and _FORMULA.search(inner) and not _VALUE.search(inner)
            if not (is_error or uncached):
                continue
            reference = _REF.search(attributes)
            if reference is None:
                continue
            column = _column_index(reference.group(1).decode())
            row = int(reference.group(2))
            if is_error:
                value = _VALUE.search(inner)
                text = value.group(1).decode(errors="replace") if value else "#ERROR"
            else:
                text = ""  # a formula whose result was never saved
            errors.setdefault(row, {})[column] = text
        return errors


def _marker_positions(xml: bytes) -> Iterator[int]:
    """Where an error type, or a formula with no cached value, may start.

    A regex over a 30 MB sheet is slow; bytes.find is not. A formula followed
    directly by its cached <v> is skipped here without further parsing.
    Namespace-prefixed XML (``<x:f>``, written by some programs) falls back to
    the regex.
    """
    position = xml.find(b't="e"')
    while position != -1:
        yield position
        position = xml.find(b't="e"', position + 1)
    for needle in (b"<f>", b"<f ", b"<f/>"):
        position = xml.find(needle)
        while position != -1:
            tag_end = xml.find(b">", position)
            if xml[tag_end - 1 : tag_end] == b"/":  # <f .../> (a shared formula's child)
                after = tag_end + 1
            else:
                after = xml.find(b"</f>", tag_end) + 4
            if not xml.startswith(b"<v", after):
                yield position
            position = xml.find(needle, position + 1)
    if b":f>" in xml or b":f " in xml:
        for match in _PREFIXED_FORMULA.finditer(xml):
            yield match.start()


def _column_index(letters: str) -> int:
    index = 0
    for letter in letters:
        index = index * 26 + (ord(letter) - 64)
    return index - 1

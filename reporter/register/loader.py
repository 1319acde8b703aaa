"""Load a register workbook into a :class:`~reporter.model.Register`.

python-calamine reads every value (.xlsx, .xlsm, .xlsb, .xls, .ods). Calamine
shows an Excel error cell (#N/A, #REF!…) as an empty string, so for .xlsx and
.xlsm the sheet XML is scanned once more for error cells and formulas with no
cached value (DAT011). The workbook is only ever opened for reading.
"""

from __future__ import annotations

import re
import zipfile
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from itertools import chain, islice
from operator import itemgetter
from pathlib import Path
from typing import Any, BinaryIO

from reporter.errors import InputError
from reporter.model import LooseText, Problem, Record, Register, SheetData
from reporter.register.guards import (
    CELL_XML,
    FORMULA_XML,
    LAYOUT_ODS_SPACING,
    VALUE_XML,
    check_ods_repeats,
    check_sheet_areas,
    check_sheet_xml_area,
    column_number,
    inspect_package,
    member_names,
    read_part,
    read_workbook_xml,
)
from reporter.register.loose_text import defined_names, ods_texts, package_texts, sheet_texts
from reporter.register.native_panic import panics_as_damaged_file
from reporter.register.ole_guard import check_compound_file
from reporter.register.read_probe import probe
from reporter.register.schema import (
    BOOL,
    DATE,
    ENUM,
    ID,
    INT,
    SHEETS,
    TEXT,
    SheetSpec,
    column_lookup,
    normalize_token,
    sheet_lookup,
)
from reporter.register.values import BadValue, display, parser_for

HEADER_SEARCH_ROWS = 10  # spec: the header row is within the top 10 rows
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP_MAGIC = b"PK\x03\x04"


Progress = Callable[[str, int], None]  # (sheet name, data rows read so far)
READ_AHEAD_BYTES = 600_000_000  # of sheet XML read but not yet parsed (see _read_workbook)
PROGRESS_EVERY = 10_000  # rows per progress line, and per chunk the loader parses at once
# Kinds whose values repeat down a column (dates, labels, flags): parsed once per distinct value.
_REPEATING_KINDS = frozenset({DATE, ENUM, BOOL, INT})
_INLINE_TEXT_KINDS = frozenset({ID, TEXT})
_MEMO_LIMIT = 50_000  # distinct values remembered per column and type, to bound memory


def load_register(path: str | Path, progress: Progress | None = None) -> Register:
    """Read the register at ``path``; every problem with the file itself is an InputError.

    ``progress`` is called every 10,000 rows of a sheet, for a long register.
    """
    path = Path(path)
    content = _check_file(path)
    import python_calamine

    with panics_as_damaged_file(path):
        try:
            workbook, source = _open_workbook(path, content)
        except InputError:
            raise
        except python_calamine.PasswordError:
            raise InputError("register_encrypted", path=str(path)) from None
        except OSError as error:
            if error.errno is None:  # calamine's "failed to fill whole buffer": a damaged file
                raise InputError("register_corrupt", path=str(path)) from None
            raise InputError("register_unreadable", path=str(path), detail=error.strerror) from None
        except Exception as error:  # calamine raises several types for damaged files
            raise _unreadable(path, content, error) from None
        try:
            return _read_workbook(path, workbook, progress, source, content)
        except InputError:
            raise
        except Exception as error:
            raise _unreadable(path, content, error) from None
        finally:
            workbook.close()


_CODEPAGE_NOT_FOUND = re.compile(r"Codepage ([0-9A-Fa-f]{1,4}) not found")


def _unreadable(path: Path, content: str, error: Exception) -> InputError:
    """Why calamine could not read the file: damaged, or written in a way it does not support.

    The user's fix differs: a damaged file needs the sender, an unsupported one
    only needs saving as .xlsx. calamine says which only in its error's text.
    """
    detail = str(error)
    codepage = _CODEPAGE_NOT_FOUND.search(detail)
    if content == "xls" and codepage is not None:
        number = int(codepage.group(1), 16)
        what = {
            "ja": f"文字コード(コードページ{number})",
            "en": f"a text encoding (code page {number})",
        }
        return InputError("register_unsupported", path=str(path), what=what)
    if content == "xlsx" and "Range is missing the expected" in detail:
        # A sheet's range written as whole columns or rows ("A:C"), which Excel never writes.
        return InputError("register_unsupported", path=str(path), what=_LAYOUT_WHOLE_RANGE)
    if content == "ods" and _is_well_formed_opendocument(path):
        what = LAYOUT_ODS_SPACING if "found 'Text" in detail else _LAYOUT_ODS_OTHER
        return InputError("register_unsupported", path=str(path), what=what)
    return InputError("register_corrupt", path=str(path))


_LAYOUT_WHOLE_RANGE = {
    "ja": "形式(「A:C」のように列や行だけで範囲を書いたシート)",
    "en": "a layout (a sheet range of whole columns or rows, such as A:C)",
}
_LAYOUT_ODS_OTHER = {
    "ja": "形式(LibreOfficeとは異なる書き方のOpenDocument)",
    "en": "a layout (an OpenDocument file written differently from LibreOffice's)",
}


def _is_well_formed_opendocument(path: Path) -> bool:
    """Whether the .ods's content.xml is well-formed XML (then it is not damaged)."""
    from defusedxml import ElementTree

    try:
        with zipfile.ZipFile(path) as package:
            ElementTree.fromstring(read_part(package, member_names(package)["content.xml"]))
    except Exception:
        return False
    return True


# The reader calamine picks by the file name, and the content that reader reads.
_SUFFIX_CONTENT = {
    ".xlsx": "xlsx",
    ".xlsm": "xlsx",
    ".xlsb": "xlsb",
    ".xls": "xls",
    ".ods": "ods",
}


def _open_workbook(path: Path, content: str) -> tuple[Any, Path | BinaryIO]:
    """The workbook opened by calamine, and what it read: the file, or a compacted copy."""
    import python_calamine

    from reporter.register import sparse

    # A sheet widened by blank cells far away is read from a compacted copy in memory.
    compacted = sparse.compacted(path) if content == "xlsx" else None
    if content == "ods":
        with zipfile.ZipFile(path) as package:
            names = member_names(package)
            if "content.xml" in names:
                check_ods_repeats(path, read_part(package, names["content.xml"]))
    if content in ("xlsx", "xlsb"):
        # calamine holds each sheet's whole used range: checked on what it will read.
        check_sheet_areas(compacted or path, path)
    by_name = _SUFFIX_CONTENT.get(path.suffix.lower()) == content
    # .xls, .xlsb and .ods are read once by a child process first, after the checks
    # above: an abort there is one line here.
    probe(path, content, by_name=by_name)
    if compacted is not None:
        workbook = python_calamine.CalamineWorkbook.from_filelike(compacted)
        compacted.seek(0)  # calamine holds its own copy: the sheet checks read this one
        return workbook, compacted
    if by_name:
        return python_calamine.CalamineWorkbook.from_path(str(path)), path
    # Renamed files (an .ods saved as "台帳.xlsx"): calamine picks its reader by
    # the name, so give it the bytes and let it pick by what they are.
    with path.open("rb") as handle:
        return python_calamine.CalamineWorkbook.from_filelike(handle), path


def _check_file(path: Path) -> str:
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
        check_compound_file(path)  # a looping sector chain would make calamine abort
        return "xls"
    if start.startswith(_ZIP_MAGIC):
        content = inspect_package(path)  # refuses zip bombs before calamine unzips anything
        if content is None:
            raise InputError("register_not_workbook", path=str(path))
        return content
    if suffix in _SUFFIX_CONTENT and len(start) < 4:
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


def _read_workbook(
    path: Path,
    workbook: Any,
    progress: Progress | None,
    source: Path | BinaryIO | None = None,
    content: str = "",
) -> Register:
    xml_info = _XlsxInfo(path if source is None else source, path)
    chosen: dict[str, tuple[SheetSpec, Any]] = {}
    for spec, metadata in _match_sheets(workbook.sheets_metadata):
        chosen.setdefault(spec.key, (spec, metadata))  # the first match of a sheet wins
    order = xml_info.reading_order(list(chosen.values()))

    found: dict[str, SheetData] = {}
    loose: list[LooseText] = []  # texts outside the tables, for SEC001
    # calamine parses a sheet without holding the GIL: sheets are read (and their
    # XML scanned for error cells) on other threads while this one turns the
    # sheets already read into records. Reading runs ahead by at most
    # READ_AHEAD_BYTES of sheet XML, so that a huge register is not all in memory twice.
    with (
        ThreadPoolExecutor(max_workers=1, thread_name_prefix="reporter-read") as reader,
        ThreadPoolExecutor(max_workers=1, thread_name_prefix="reporter-xml") as scanner,
    ):
        sheets: list[Future[Any] | None] = []
        # calamine reads a sheet only once its XML has been checked for cells far
        # apart (it would abort on them): the scanner checks each sheet first.
        checked: list[Future[None]] = [Future() for _ in order]
        errors = [
            scanner.submit(xml_info.error_cells, meta.name, checked[index])
            for index, (_, meta) in enumerate(order)
        ]

        def read_ahead(current: int) -> None:
            ahead = sum(xml_info.size(meta.name) for _, meta in order[current : len(sheets)])
            while len(sheets) < len(order) and (len(sheets) <= current or ahead < READ_AHEAD_BYTES):
                name = order[len(sheets)][1].name
                gate = checked[len(sheets)]
                sheets.append(reader.submit(_read_when_checked, workbook, name, gate))
                ahead += xml_info.size(name)

        for index, (spec, metadata) in enumerate(order):
            read_ahead(index)
            future = sheets[index]
            assert future is not None  # read_ahead submitted it
            sheet = future.result()
            hidden = str(metadata.visible).rsplit(".", 1)[-1] != "Visible"
            found[spec.key] = _read_sheet(
                spec,
                metadata.name,
                sheet,
                hidden,
                errors[index].result(),
                xml_info.date1904,
                progress,
                loose,
            )
            sheets[index] = None  # free calamine's copy of the sheet
            del sheet
    if not found:
        raise InputError("register_no_sheets", path=str(path))
    register_sheets = {meta.name for _, meta in order}
    loose.extend(_loose_texts(path, workbook, xml_info, register_sheets, content))
    ordered = {spec.key: found[spec.key] for spec in SHEETS if spec.key in found}
    missing = [spec.key for spec in SHEETS if spec.key not in found]
    return Register(
        path=str(path),
        sheets=ordered,
        missing_sheets=missing,
        sheet_names=list(workbook.sheet_names),
        date1904=xml_info.date1904,
        loose_texts=loose,
    )


def _loose_texts(
    path: Path, workbook: Any, xml_info: _XlsxInfo, register_sheets: set[str], content: str
) -> list[LooseText]:
    """What SEC001 reads beyond the register sheets: other sheets, comments, defined names."""
    texts: list[LooseText] = []
    for meta in workbook.sheets_metadata:
        if meta.name in register_sheets or not str(meta.typ).endswith("WorkSheet"):
            continue
        # A sheet the register does not need never stops the register being read:
        # one calamine cannot read, or whose cells spread too far to read, is not
        # searched for secrets (a panic still ends the read: calamine's state is unknown).
        try:
            xml_info.check_area(meta.name)  # calamine would abort on cells far apart
            sheet = workbook.get_sheet_by_name(meta.name)
            first_column = sheet.start[1] if sheet.start else 0
            texts.extend(sheet_texts(meta.name, sheet.iter_rows(), (0, first_column)))
        except Exception:
            continue
        del sheet
    if xml_info.workbook_part is not None:
        texts.extend(xml_info.defined_names)
        texts.extend(package_texts(xml_info.source, xml_info.sheet_parts))
    elif content == "ods":
        try:
            with zipfile.ZipFile(path) as package:
                names = member_names(package)
                texts.extend(ods_texts(package, names))
        except (KeyError, OSError, zipfile.BadZipFile):
            pass  # calamine has read the cells; the notes are a bonus
    return texts


def _read_when_checked(workbook: Any, name: str, checked: Future[None]) -> Any:
    checked.result()  # raises the check's InputError: the sheet is then never read
    return workbook.get_sheet_by_name(name)


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
    error_cells: dict[int, dict[int, str]],
    date1904: bool = False,
    progress: Progress | None = None,
    loose: list[LooseText] | None = None,
) -> SheetData:
    """One register sheet as records; ``loose`` receives the texts outside its table.

    Outside the table: the rows above the header (a title, a note), the cells
    right of the columns read (SEC001 reads them, see reporter.register.loose_text), and
    the whole sheet when it has no header row.
    """
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
        if loose is not None:
            loose.extend(sheet_texts(name, chain(top, rows), (0, column_offset)))
        return data
    if loose is not None and header_index:
        loose.extend(sheet_texts(name, top[:header_index], (0, column_offset)))
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

    readers = {
        key: _ColumnReader(spec.column(key), absolute - column_offset, date1904)
        for key, absolute in data.columns.items()
    }
    # Undefined columns are read up to a few past the last header: a note typed
    # beside the table is kept, a stray cell in column XFD does not widen every row.
    known_positions = {reader.position for reader in readers.values()}
    scanned_width = min(len(header), max(data.headers, default=column_offset) - column_offset + 4)
    extra_positions = [p for p in range(scanned_width) if p not in known_positions]
    chunk_rows = max(1, PROGRESS_EVERY)
    first_data_row = header_index + 1
    chunks = chain([top[first_data_row:]], iter(lambda: list(islice(rows, chunk_rows)), []))
    excel_row = first_data_row + 1
    for chunk in chunks:
        if not chunk:
            continue
        records_before = len(data.records)
        if loose is not None and len(chunk[0]) > scanned_width:
            # calamine's rows are as wide as the sheet's used range: wider than the
            # columns read only when something is typed far to the right.
            far = [row[scanned_width:] for row in chunk]
            where = (excel_row - 1, column_offset + scanned_width)
            loose.extend(sheet_texts(name, far, where))
        _read_chunk(data, chunk, excel_row, readers, extra_positions, error_cells, column_offset)
        excel_row += len(chunk)
        # One line each time the count of records passes a multiple of PROGRESS_EVERY.
        passed = len(data.records) // chunk_rows
        if progress is not None and passed > records_before // chunk_rows:
            progress(name, passed * chunk_rows)
    return data


_MISSING = object()


class _ColumnReader:
    """Reads one register column, a chunk of rows at a time.

    A cell's outcome is its parsed value, None (blank) or a :class:`Problem`.
    Dates, labels and flags repeat down a column, so their outcomes are memoized
    per type of raw value (True, 1 and 1.0 are equal keys, so never share a table).
    """

    __slots__ = (
        "inline",
        "known",
        "memo",
        "parse",
        "position",
        "problems",
        "shared_texts",
        "strip_any_text",
    )

    def __init__(self, column: Any, position: int, date1904: bool) -> None:
        self.position = position  # 0-based index into the rows calamine returns
        self.parse = parser_for(column, date1904)
        self.inline = column.kind in _INLINE_TEXT_KINDS
        self.strip_any_text = column.kind == TEXT  # ids other than ASCII need NFKC
        repeating = column.kind in _REPEATING_KINDS
        # Readable values, and apart the problems: those are rare, so a problem
        # is a miss of the main table and is looked up on the slow path.
        self.memo: defaultdict[type, dict[Any, Any]] | None = (
            defaultdict(dict) if repeating else None
        )
        self.problems: defaultdict[type, dict[Any, Problem]] = defaultdict(dict)
        # Texts that repeat down the column (owners, stores, tool ids) are kept once
        # each; decided on the first chunk, since a column of unique ids gains nothing.
        self.shared_texts: dict[str, str] | None = None
        self.known: dict[Any, Any] = {}  # ids and texts that needed the parser, by raw value

    def read(self, raws: list[Any]) -> tuple[list[Any], dict[int, Problem]]:
        """The values of a column's cells (None when blank or unreadable) and the problems."""
        memo, parse = self.memo, self.parse
        if memo is None:
            if self.inline:
                # Ids and free text are always readable (their parsers never raise).
                # ASCII text is only stripped, inline; the rest (Japanese store names
                # to normalize, tool ids typed as numbers) repeats, so it is memoized.
                strip_any = self.strip_any_text
                known, look_up = self.known.get, self._look_up
                values = [
                    (raw.strip() or None)
                    if raw.__class__ is str and (strip_any or raw.isascii())
                    else known(raw) or look_up(raw)
                    for raw in raws
                ]
                return self._share_texts(values), {}
            values = [_outcome(raw, parse) for raw in raws]
            unreadable = [i for i, value in enumerate(values) if value.__class__ is Problem]
            problems = {index: values[index] for index in unreadable}
            for index in unreadable:
                values[index] = None
            return values, problems
        values = [memo[raw.__class__].get(raw, _MISSING) for raw in raws]
        problems = {}
        for index in [i for i, value in enumerate(values) if value is _MISSING]:
            raw = raws[index]
            readable, unreadable = memo[raw.__class__], self.problems[raw.__class__]
            outcome = readable.get(raw, _MISSING)
            if outcome is _MISSING:
                outcome = unreadable.get(raw, _MISSING)
            if outcome is _MISSING:
                outcome = _outcome(raw, parse)
                table = unreadable if outcome.__class__ is Problem else readable
                if len(table) < _MEMO_LIMIT:
                    table[raw] = outcome
            if outcome.__class__ is Problem:
                problems[index] = outcome
                outcome = None
            values[index] = outcome
        return values, problems

    def _look_up(self, raw: Any) -> Any:
        """An id or text the parser must read, remembered (True == 1: flags are not)."""
        value = _outcome(raw, self.parse)
        if raw.__class__ is not bool and len(self.known) < _MEMO_LIMIT:
            self.known[raw] = value
        return value

    def _share_texts(self, values: list[Any]) -> list[Any]:
        """``values`` with repeated texts replaced by the first copy of each (less memory)."""
        shared = self.shared_texts
        if shared is None:
            texts = [value for value in values if value.__class__ is str]
            if len(texts) < _SHARING_SAMPLE:
                return values  # too few to tell (the rows read with the header): decide later
            if len(set(texts)) * 2 > len(texts):
                self.shared_texts = _NOT_SHARED
                return values
            shared = self.shared_texts = {}
        elif shared is _NOT_SHARED:
            return values
        # Past the memo limit only the texts already kept are shared (bounded memory).
        keep = shared.setdefault if len(shared) < _MEMO_LIMIT else shared.get
        return [keep(value, value) if value.__class__ is str else value for value in values]


_NOT_SHARED: dict[str, str] = {}  # a column whose texts are mostly unique
_SHARING_SAMPLE = 100  # texts seen before deciding whether a column's texts repeat


def _outcome(raw: Any, parse: Callable[[Any], Any]) -> Any:
    """One cell: its parsed value, None when blank, or the Problem that stops it being read."""
    if raw == "" or raw is None:
        return None
    try:
        value = parse(raw)
    except BadValue as bad:
        if raw.__class__ is str and raw.isspace():
            return None  # a cell "cleared" with a space is blank
        return Problem(bad.kind, display(raw), bad.suggestion)
    if value == "" or value == ():  # text of spaces only is blank too
        return None
    return value


def _read_chunk(
    data: SheetData,
    chunk: list[list[Any]],
    first_excel_row: int,
    readers: dict[str, _ColumnReader],
    extra_positions: list[int],
    error_cells: dict[int, dict[int, str]],
    column_offset: int,
) -> None:
    """Turn consecutive rows of a sheet into records, one column at a time."""
    count = len(chunk)
    width = min(map(len, chunk))
    if width < max(len(row) for row in chunk):
        width = max(len(row) for row in chunk)
        chunk = [row if len(row) == width else row + [""] * (width - len(row)) for row in chunk]
    # The column of each known key, in the sheet's column order; missing ones are all blank.
    blank_column = [None] * count
    problems: dict[int, dict[str, Problem]] = {}
    columns: list[list[Any]] = []
    for column in data.spec.columns:
        reader = readers.get(column.key)
        if reader is None or reader.position >= width:
            columns.append(blank_column)
            continue
        values, unreadable = reader.read(list(map(itemgetter(reader.position), chunk)))
        for index, problem in unreadable.items():
            problems.setdefault(index, {})[column.key] = problem
        columns.append(values)
    extras: dict[int, tuple[tuple[int, str], ...]] = {}
    for position in extra_positions:
        if position >= width:
            break
        absolute = position + column_offset
        texts = list(map(itemgetter(position), chunk))
        for index in [i for i, t in enumerate(texts) if t.__class__ is str and t.strip()]:
            extras[index] = (*extras.get(index, ()), (absolute, texts[index]))
    last_excel_row = first_excel_row + count - 1
    row_errors: dict[int, dict[int, str]] = {}
    if error_cells:
        row_errors = {
            row - first_excel_row: errors
            for row, errors in error_cells.items()
            if first_excel_row <= row <= last_excel_row
        }
        positions = {key: reader.position + column_offset for key, reader in readers.items()}
        known = set(positions.values())
        for index, errors in row_errors.items():
            row_problems = problems.get(index, {})
            for key, absolute in positions.items():
                if absolute in errors and columns[data.value_index[key]][index] is None:
                    row_problems.setdefault(key, Problem("error", errors[absolute]))
            # Error cells in unknown columns still belong to the row.
            for absolute, error in errors.items():
                if absolute not in known:
                    row_problems[f"#{absolute}"] = Problem("error", error)
            if row_problems:
                problems[index] = row_problems
    id_key = data.spec.id_key
    id_column = columns[data.value_index[id_key]] if id_key in readers else blank_column
    records = data.records
    for index, values in enumerate(zip(*columns, strict=True)):
        # A row with its id filled in is not blank: only rows without one need the full look.
        if (
            id_column[index] is None
            and index not in problems
            and index not in extras
            and index not in row_errors
            and _row_is_blank(chunk[index])
        ):
            continue
        records.append(
            Record(data, first_excel_row + index, values, extras.get(index), problems.get(index))
        )


def _row_is_blank(row: list[Any]) -> bool:
    for value in row:
        if value == "" or value is None:
            continue
        if value.__class__ is str and value.isspace():
            continue
        return False
    return True


# --- what calamine cannot tell: the date system and error cells -------------------

_REF = re.compile(rb'\br="([A-Z]+)(\d+)"')
_ERROR_TYPE = re.compile(rb'\bt="e"')
_PREFIXED_FORMULA = re.compile(rb"<\w+:f\b")
_EMPTY_VALUES = (b"<v/>", b"<v />", b"<v></v>")  # a formula's cached value left empty
_PREFIXED_CELL_START = re.compile(rb"<\w+:c\b")


class _XlsxInfo:
    """Facts read from an .xlsx/.xlsm package's XML: date system and error cells."""

    def __init__(self, source: Path | BinaryIO, path: Path | None = None) -> None:
        self.date1904 = False
        self._sheet_parts: dict[str, str] = {}
        self._part_sizes: dict[str, int] = {}  # sheet name -> bytes of its XML, unzipped
        self.workbook_part: str | None = None  # "xl/workbook.xml", where the package has it
        self.source = source  # what calamine reads: the file, or its compacted copy
        self.defined_names: list[LooseText] = []
        # The register, for messages.
        self._path = path if path is not None else Path(str(getattr(source, "name", source)))
        if not zipfile.is_zipfile(source):
            return
        try:
            with zipfile.ZipFile(source) as package:
                self._read_workbook_xml(package)
        except (zipfile.BadZipFile, KeyError, OSError, SyntaxError, ValueError):
            self._sheet_parts = {}

    def _read_workbook_xml(self, package: zipfile.ZipFile) -> None:
        found = read_workbook_xml(package)
        if found is None:
            return
        self.workbook_part = found.part
        self.defined_names = defined_names(found.root)
        for element in found.root.iter():
            if element.tag.rsplit("}", 1)[-1] == "workbookPr":
                self.date1904 = element.get("date1904", "0").lower() in ("1", "true")
        self._sheet_parts = dict(found.sheet_parts)
        self._part_sizes = {
            name: package.getinfo(member).file_size for name, member in found.sheet_parts.items()
        }

    def _sheet_xml(self, sheet_name: str) -> bytes | None:
        part = self._sheet_parts.get(sheet_name)
        if not part:
            return None
        try:
            with zipfile.ZipFile(self.source) as package:
                return read_part(package, part)
        except (KeyError, OSError, zipfile.BadZipFile):
            return None

    def check_area(self, sheet_name: str) -> None:
        """Raise InputError when the sheet's cells spread over more than calamine can hold."""
        xml = self._sheet_xml(sheet_name)
        if xml is not None:
            check_sheet_xml_area(self._path, sheet_name, xml)

    @property
    def sheet_parts(self) -> dict[str, str]:
        """Each sheet's name -> its worksheet part's name in the zip."""
        return dict(self._sheet_parts)

    def size(self, sheet_name: str) -> int:
        """Bytes of the sheet's XML, unzipped (0 when not known: not an .xlsx)."""
        return self._part_sizes.get(sheet_name, 0)

    def reading_order(self, sheets: list[tuple[SheetSpec, Any]]) -> list[tuple[SheetSpec, Any]]:
        """The order to read sheets in: the smallest first, then the largest down.

        Sheets are parsed while the next ones are read on another thread. The
        first read is a wait nothing overlaps, so it should be short; the
        large sheets follow so that parsing never waits for long.
        """
        if not self._part_sizes or len(sheets) < 2:
            return sheets
        ranked = sorted(sheets, key=lambda pair: -self.size(pair[1].name))
        return [ranked[-1], *ranked[:-1]]

    def error_cells(
        self, sheet_name: str, checked: Future[None] | None = None
    ) -> dict[int, dict[int, str]]:
        """Excel row -> {0-based column -> error text} for error cells and uncached formulas.

        First the sheet's cells are checked for spreading over more than calamine
        can hold; ``checked`` is then resolved (with the InputError when they do).
        """
        try:
            xml = self._sheet_xml(sheet_name)
            if xml is not None:
                check_sheet_xml_area(self._path, sheet_name, xml)
        except BaseException as error:
            if checked is not None:
                checked.set_exception(error)
            raise
        if checked is not None:
            checked.set_result(None)
        if xml is None:
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
            match = CELL_XML.match(xml, start)
            if match is None:
                continue
            attributes, inner = match.group(1), match.group(2) or b""
            is_error = bool(_ERROR_TYPE.search(attributes))
            cached = VALUE_XML.search(inner)
            uncached = (
                not is_error and FORMULA_XML.search(inner) and not (cached and cached.group(1))
            )
            if not (is_error or uncached):
                continue
            reference = _REF.search(attributes)
            if reference is None:
                continue
            column = column_number(reference.group(1)) - 1  # 0-based
            row = int(reference.group(2))
            if is_error:
                value = VALUE_XML.search(inner)
                text = value.group(1).decode(errors="replace") if value else "#ERROR"
            else:
                text = ""  # a formula whose result was never saved
            errors.setdefault(row, {})[column] = text
        return errors


def _marker_positions(xml: bytes) -> Iterator[int]:
    """Where an error type, or a formula with no cached value, may start.

    A regex over a 30 MB sheet is slow; bytes.find and bytes.count are not,
    but each is a pass over the whole sheet that holds the GIL while the
    other threads read and parse: as few passes as can tell are made.
    Formulas are walked only when counting shows that some lack the cached
    <v> that Excel writes right after them. Namespace-prefixed XML (``<x:f>``,
    written by some programs) falls back to the regex.
    """
    position = xml.find(b't="e"')
    while position != -1:
        yield position
        position = xml.find(b't="e"', position + 1)
    closed = xml.count(b"</f>")
    # Excel writes <f>…</f><v>…</v>; <v></v> (openpyxl) holds no value. Anything
    # else after a formula (<v/>, <v />, no <v>) is told apart by the walk below.
    if closed and closed != xml.count(b"</f><v>") - xml.count(b"</f><v></v>"):
        position = xml.find(b"</f>")
        while position != -1:
            after = position + 4
            if not xml.startswith(b"<v", after) or xml.startswith(_EMPTY_VALUES, after):
                yield position
            position = xml.find(b"</f>", after)
    # Self-closing formulas: the cells of a filled-down shared formula, <f t="shared" si="0"/>.
    # As many tags starting "<f" as "</f>": every formula is closed, none self-closing.
    if xml.count(b"<f") != closed:
        opened = xml.count(b"<f>") + xml.count(b"<f ") + xml.count(b"<f/>")
        empty_after_shared = sum(xml.count(b"/>" + v) for v in _EMPTY_VALUES)
        if opened - closed != xml.count(b"/><v") - empty_after_shared:
            for needle in (b"<f ", b"<f/>"):
                position = xml.find(needle)
                while position != -1:
                    tag_end = xml.find(b">", position)
                    after = tag_end + 1
                    if xml[tag_end - 1 : tag_end] == b"/" and (
                        not xml.startswith(b"<v", after) or xml.startswith(_EMPTY_VALUES, after)
                    ):
                        yield position
                    position = xml.find(needle, position + 1)
    if b":f" in xml and (b":f>" in xml or b":f " in xml):
        for match in _PREFIXED_FORMULA.finditer(xml):
            yield match.start()

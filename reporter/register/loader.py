"""Load a register workbook into a :class:`~reporter.model.Register`.

python-calamine reads every value (.xlsx, .xlsm, .xlsb, .xls, .ods). The file
is first sniffed and its container checked (reporter.register.sniff and the
guards it calls); the register sheets are then read on other threads while
this one turns the sheets already read into records
(reporter.register.sheet_reader), and the .xlsx sheet XML is scanned for what
calamine does not show (reporter.register.error_cells). The workbook is only
ever opened for reading.
"""

from __future__ import annotations

import zipfile
from collections.abc import Callable, Iterable
from concurrent.futures import Future, ThreadPoolExecutor
from io import BytesIO
from pathlib import Path
from typing import Any, BinaryIO

from reporter.errors import InputError
from reporter.model import LooseText, Register, SheetData
from reporter.register.fingerprint import check_unchanged, fingerprint
from reporter.register.loose_text import ods_texts, package_texts, sheet_texts
from reporter.register.native_panic import panics_as_damaged_file
from reporter.register.ods import check_ods_repeats
from reporter.register.ooxml import member_names, read_part
from reporter.register.read_errors import unreadable
from reporter.register.read_probe import probe
from reporter.register.repair import readable_copy
from reporter.register.schema import SHEETS, SheetSpec, normalize_token, sheet_lookup
from reporter.register.sheet_area import check_sheet_areas
from reporter.register.sheet_reader import Progress, read_sheet
from reporter.register.sniff import SUFFIX_CONTENT, sniff
from reporter.register.xlsx_info import XlsxInfo

READ_AHEAD_BYTES = 600_000_000  # of sheet XML read but not yet parsed (see _read_workbook)


# Called while the loader waits for calamine, with the register read so far (its
# ``pending`` sheets still being read); returns False when it has nothing left to do.
WhileReading = Callable[[Register], bool]


def load_register(
    path: str | Path,
    progress: Progress | None = None,
    while_reading: WhileReading | None = None,
) -> Register:
    """Read the register at ``path``; every problem with the file itself is an InputError.

    ``progress`` is called every 10,000 rows of a sheet, for a long register.
    ``while_reading`` is given the time this thread would otherwise wait for
    calamine (engine.RuleRun.run_one runs the rules whose sheets are read).
    """
    path = Path(path)
    content = sniff(path)
    # Hashed on a thread of its own while calamine reads the same file.
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="reporter-hash") as hasher:
        hashing = hasher.submit(fingerprint, path)
        register = _load(path, content, progress, while_reading)
        taken = hashing.result()
    check_unchanged(path, taken)  # else the hash could be of bytes other than those read
    register.sha256 = taken.sha256
    return register


def _load(
    path: Path, content: str, progress: Progress | None, while_reading: WhileReading | None
) -> Register:
    import python_calamine

    with panics_as_damaged_file(path):
        left_out: list[str] = []
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
            opened = _open_repaired(path, content)
            if opened is None:
                raise unreadable(path, content, error) from None
            workbook, source, left_out = opened
        try:
            register = _read_workbook(path, workbook, progress, source, content, while_reading)
            register.left_out_sheets = left_out
            return register
        except InputError:
            raise
        except Exception as error:
            raise unreadable(path, content, error) from None
        finally:
            workbook.close()


def _open_repaired(path: Path, content: str) -> tuple[Any, BinaryIO, list[str]] | None:
    """A valid package calamine refused, opened from a copy it can read (see repair), or None.

    Returns the workbook, the copy, and the names of the sheets left out.
    """
    if content not in ("xlsx", "xlsb"):
        return None
    repaired = readable_copy(path)
    if repaired is None:
        return None
    try:
        workbook, source = _open_workbook(path, content, repaired.package)
    except InputError:
        raise
    except Exception:  # the copy is no better: calamine's first verdict stands
        return None
    assert not isinstance(source, Path)
    return workbook, source, repaired.left_out


def _open_workbook(
    path: Path, content: str, copy: BytesIO | None = None
) -> tuple[Any, Path | BinaryIO]:
    """The workbook opened by calamine, and what it read: the file, or a copy in memory.

    ``copy`` is a repaired copy of the package (reporter.register.repair) to read instead.
    """
    import python_calamine

    from reporter.register import sparse

    source: Path | BinaryIO = path if copy is None else copy
    # A sheet widened by blank cells far away is read from a compacted copy in memory.
    compacted = sparse.compacted(source) if content == "xlsx" else None
    if compacted is None:
        compacted = copy
    if content == "ods":
        with zipfile.ZipFile(path) as package:
            names = member_names(package)
            if "content.xml" in names:
                check_ods_repeats(path, read_part(package, names["content.xml"]))
    if content in ("xlsx", "xlsb"):
        # calamine holds each sheet's whole used range: checked on what it will read.
        check_sheet_areas(compacted if compacted is not None else path, path)
    by_name = SUFFIX_CONTENT.get(path.suffix.lower()) == content
    # .xls, .xlsb and .ods are read once by a child process first, after the checks
    # above: an abort there is one line here.
    probe(path, content, by_name=by_name, copy=copy)
    if compacted is not None:
        compacted.seek(0)  # the checks above read the copy too
        workbook = python_calamine.CalamineWorkbook.from_filelike(compacted)
        compacted.seek(0)  # calamine holds its own copy: the sheet checks read this one
        return workbook, compacted
    if by_name:
        return python_calamine.CalamineWorkbook.from_path(str(path)), path
    # Renamed files (an .ods saved as "台帳.xlsx"): calamine picks its reader by
    # the name, so give it the bytes and let it pick by what they are.
    with path.open("rb") as handle:
        return python_calamine.CalamineWorkbook.from_filelike(handle), path


def _read_workbook(
    path: Path,
    workbook: Any,
    progress: Progress | None,
    source: Path | BinaryIO | None = None,
    content: str = "",
    while_reading: WhileReading | None = None,
) -> Register:
    xml_info = XlsxInfo(path if source is None else source, path)
    chosen: dict[str, tuple[SheetSpec, Any]] = {}
    for spec, metadata in _match_sheets(workbook.sheets_metadata):
        chosen.setdefault(spec.key, (spec, metadata))  # the first match of a sheet wins
    order = xml_info.reading_order(list(chosen.values()))

    found: dict[str, SheetData] = {}
    loose: list[LooseText] = []  # texts outside the tables, for SEC001
    # The register as read so far, for ``while_reading``; completed below.
    register = Register(
        path=str(path),
        sheets=found,
        missing_sheets=[],
        sheet_names=list(workbook.sheet_names),
        date1904=xml_info.date1904,
        pending=frozenset(chosen),
    )
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
            while while_reading is not None and not future.done() and while_reading(register):
                pass  # e.g. the rules on the sheets already read
            sheet = future.result()
            hidden = str(metadata.visible).rsplit(".", 1)[-1] != "Visible"
            found[spec.key] = read_sheet(
                spec,
                metadata.name,
                sheet,
                hidden,
                errors[index].result(),
                xml_info.date1904,
                progress,
                loose,
            )
            register.pending = register.pending - {spec.key}
            sheets[index] = None  # free calamine's copy of the sheet
            del sheet
    if not found:
        raise _no_register_sheets(path, xml_info.source)
    register_sheets = {meta.name for _, meta in order}
    loose.extend(_loose_texts(path, workbook, xml_info, register_sheets, content))
    register.sheets = {spec.key: found[spec.key] for spec in SHEETS if spec.key in found}
    register.missing_sheets = [spec.key for spec in SHEETS if spec.key not in found]
    register.loose_texts = loose
    return register


def _no_register_sheets(path: Path, source: Path | BinaryIO) -> InputError:
    """ "No register sheets", unless a part of the package is damaged: then the file is.

    calamine does not check a part's checksum; a damaged workbook can read as
    sheets of garbled cells. Checked only here, when the read has failed
    anyway: a register's own sheets are checked as their XML is scanned.
    """
    if zipfile.is_zipfile(source):
        try:
            with zipfile.ZipFile(source) as package:
                damaged = package.testzip()  # each part once, as far as it declares
        except Exception:
            damaged = "?"
        if damaged is not None:
            return InputError("register_corrupt", path=str(path))
    return InputError("register_no_sheets", path=str(path))


def _loose_texts(
    path: Path, workbook: Any, xml_info: XlsxInfo, register_sheets: set[str], content: str
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

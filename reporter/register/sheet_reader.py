"""One register sheet as records: its header row found, its columns read a chunk of rows at a time."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from itertools import chain, islice
from operator import itemgetter
from typing import Any

from reporter.model import LooseText, Problem, Record, SheetData
from reporter.register.loose_text import sheet_texts
from reporter.register.schema import (
    BOOL,
    DATE,
    ENUM,
    ID,
    INT,
    TEXT,
    SheetSpec,
    column_lookup,
    normalize_token,
)
from reporter.register.values import BadValue, display, parser_for

HEADER_SEARCH_ROWS = 10  # spec: the header row is within the top 10 rows


Progress = Callable[[str, int], None]  # (sheet name, data rows read so far)


PROGRESS_EVERY = 10_000  # rows per progress line, and per chunk the loader parses at once
# Kinds whose values repeat down a column (dates, labels, flags): parsed once per distinct value.
_REPEATING_KINDS = frozenset({DATE, ENUM, BOOL, INT})
_INLINE_TEXT_KINDS = frozenset({ID, TEXT})
_MEMO_LIMIT = 50_000  # distinct values remembered per column and type, to bound memory


def read_sheet(
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

"""A worksheet that takes its table body as whole rows of XML.

xlsxwriter keeps every cell as an object, then writes it through a general
routine and every text through the shared string table: about 10 µs a cell,
1.5 s of a 100k-row register's report for the findings tables and the history
sheet alone. Those rows are regular (a value and a format per cell), so
:class:`BulkSheet` turns each into its XML text when it is added, with the text
inline (``t="inlineStr"``, which Excel, LibreOffice, openpyxl and calamine all
read; see :data:`_EXCEL_ESCAPED` for the exception), and writes them after
xlsxwriter's own rows. Everything else on the sheet (the title, the table's
header, widths, the table, print set-up) goes through xlsxwriter as usual.

The sheet is made with ``workbook.add_worksheet(name, worksheet_class=BulkSheet)``,
the subclassing xlsxwriter documents. It also leans on private parts: it
overrides ``_write_sheet_data``, sets the range of the table it adds (see
:meth:`BulkSheet.add_table`), and uses ``_check_dimensions``, ``row_info``,
``_xml_start_tag`` / ``_xml_end_tag``, the shared string table's
``_get_shared_string_index`` and a format's ``_get_xf_index``, as they are in
xlsxwriter 3.3.1 (hence the pin in pyproject.toml; 3.2 names row heights
differently and does not round them to pixels). tests/test_bulk_sheet.py
writes the same cells both ways and compares what a reader sees, so a change in
any of them fails a test rather than a report.

An xlsxwriter that lacks one of those parts (installed by hand beside the pin)
gets :class:`RowSheet` instead: the same ``add_row``, through xlsxwriter's public
writers, slower but the same cells. :data:`MISSING_PARTS` names what was
missing, and the run log says so (``reporter report --log``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date, datetime
from typing import Any

import xlsxwriter
from xlsxwriter.format import Format
from xlsxwriter.sharedstrings import SharedStringTable
from xlsxwriter.utility import xl_col_to_name, xl_range
from xlsxwriter.worksheet import Worksheet

from reporter.output.workbook.sizing import FittedRowsSheet

_MARKUP = re.compile(r"[&<>]")
# Text Excel writes with its _xHHHH_ escapes: control characters, the two
# non-characters, and text that already looks like such an escape. openpyxl (so
# pandas) undoes those escapes in shared strings but not in inline ones, so such
# text, rare in a register, goes to the shared string table as xlsxwriter's own
# writers would put it.
_EXCEL_ESCAPED = re.compile(r"[\x00-\x08\x0b-\x1f\ufffe\uffff]|_x[0-9a-fA-F]{4}_")
# The characters of both patterns above: text without them, and without "_x", needs
# neither (most text; one search for a class of characters is quick).
_SPECIAL_CHARACTERS = re.compile(r"[&<>\x00-\x08\x0b-\x1f\ufffe\uffff]")
_1900_EPOCH = date(1899, 12, 30).toordinal()  # serial 1 is 1900-01-01; Excel counts 1900-02-29
_1904_EPOCH = date(1904, 1, 1).toordinal()
_MARCH_1900 = 61  # 1900-03-01, the first day on which Excel's count is right again


def xml_text(text: str) -> str:
    """``text`` (with nothing :data:`_EXCEL_ESCAPED` in it) as the content of an element."""
    if not _MARKUP.search(text):
        return text
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def excel_serial(day: date, date_1904: bool = False) -> int:
    """The Excel serial number of a day (its time of day, if any, is dropped)."""
    if date_1904:
        return day.toordinal() - _1904_EPOCH
    serial = day.toordinal() - _1900_EPOCH
    # Excel's 1900 calendar has a 29 February that never was: days before March are one less.
    return serial - 1 if serial < _MARCH_1900 else serial


class RowSheet(FittedRowsSheet):
    """A worksheet that takes a table's rows with :meth:`add_row`, through public writers.

    What the large tables are written with when :class:`BulkSheet` cannot be
    used: the same cells and formats, a cell at a time.
    """

    def add_row(
        self, row: int, cells: Iterable[tuple[Any, Format | None]], height: float | None = None
    ) -> None:
        """Write row ``row`` (0-based) from column A, as :meth:`BulkSheet.add_row` adds it."""
        for col, (value, cell_format) in enumerate(cells):
            kind = type(value)
            if kind is str and value:
                self.write_string(row, col, value, cell_format)
            elif value is None or kind is str:
                if cell_format is not None:
                    self.write_blank(row, col, None, cell_format)
            elif isinstance(value, date):
                # A day, as BulkSheet writes it: a datetime's time of day is dropped.
                day = value.date() if isinstance(value, datetime) else value
                self.write_datetime(row, col, day, cell_format)
            elif isinstance(value, int | float) and not isinstance(value, bool):
                self.write_number(row, col, value, cell_format)
            else:
                raise TypeError(f"cannot write {kind.__name__} to a cell")
        if height is not None:
            self.set_row(row, height)


class BulkSheet(RowSheet):
    """A worksheet whose rows from some row down are added whole with :meth:`add_row`.

    Rows written the ordinary way (``write_string``, ``set_row``…) must all lie
    above the first added row: XML rows go in order, and the added ones are
    written after xlsxwriter's.
    """

    def __init__(self) -> None:
        super().__init__()
        self._added_rows: list[str] = []
        self._first_added_row: int | None = None
        self._last_added_row = -1
        self._column_names: list[str] = []
        self._style_attributes: dict[int, str] = {}  # by id(format)

    def add_row(
        self, row: int, cells: Iterable[tuple[Any, Format | None]], height: float | None = None
    ) -> None:
        """Add row ``row`` (0-based, below every row added before) from column A.

        Each cell is (value, format): a ``str`` is text (an empty one a blank),
        an ``int`` or ``float`` a number, a ``date`` a day, ``None`` a blank. A
        blank is written only when it has a format (it keeps the row's colour
        and borders). ``height`` in points; None leaves the default height.
        """
        if row <= self._last_added_row:
            raise ValueError(f"row {row} is not below row {self._last_added_row}")
        names = self._column_names
        styles = self._style_attributes
        reference_row = str(row + 1)
        parts = []
        first_col = last_col = -1
        for col, (value, cell_format) in enumerate(cells):
            if col >= len(names):
                names.append(xl_col_to_name(col))
            style = "" if cell_format is None else styles.get(id(cell_format))
            if style is None:
                style = styles[id(cell_format)] = f' s="{cell_format._get_xf_index()}"'
            kind = type(value)
            ref = names[col] + reference_row
            if kind is str and value:
                special = "_x" in value or _SPECIAL_CHARACTERS.search(value) is not None
                if special and _EXCEL_ESCAPED.search(value):
                    index = self.str_table._get_shared_string_index(value)
                    parts.append(f'<c r="{ref}"{style} t="s"><v>{index}</v></c>')
                else:
                    text = xml_text(value) if special else value
                    space = (
                        ' xml:space="preserve"' if value[0].isspace() or value[-1].isspace() else ""
                    )
                    parts.append(
                        f'<c r="{ref}"{style} t="inlineStr"><is><t{space}>{text}</t></is></c>'
                    )
            elif value is None or kind is str:
                if not style:
                    continue
                parts.append(f'<c r="{ref}"{style}/>')
            elif isinstance(value, date):
                parts.append(
                    f'<c r="{ref}"{style}><v>{excel_serial(value, self.date_1904)}</v></c>'
                )
            elif isinstance(value, int | float) and not isinstance(value, bool):
                parts.append(f'<c r="{ref}"{style}><v>{value:.16G}</v></c>')
            else:
                raise TypeError(f"cannot write {kind.__name__} to a cell")
            if first_col < 0:
                first_col = col
            last_col = col
        if last_col < 0 and height is None:
            return
        for col in {max(first_col, 0), max(last_col, 0)}:
            if self._check_dimensions(row, col) == -1:
                raise ValueError(f"row {row} is outside the worksheet")
        size = ""
        if height is not None:
            # Whole pixels at 96 dpi, as Excel keeps a row's height (and xlsxwriter
            # writes it); fitted to the text, not set by hand (see FittedRowsSheet).
            points = 0.75 * int(height * 4.0 / 3.0 + 0.5)
            size = f' ht="{points:.16g}"'

        self._added_rows.append(f'<row r="{reference_row}"{size}>{"".join(parts)}</row>')
        if self._first_added_row is None:
            self._first_added_row = row
        self._last_added_row = row

    def add_table(  # type: ignore[override]
        self,
        first_row: int,
        first_col: int,
        last_row: int,
        last_col: int,
        options: dict[str, Any] | None = None,
    ) -> int:
        """xlsxwriter's add_table, without a dictionary entry for each of the table's cells.

        xlsxwriter records every cell of a table to refuse a later table or merge
        that overlaps it: 1.7 million entries, 0.7 s and 185 MB for the findings of
        a 1M-row register. A BulkSheet holds one table and no merged cells, so
        the table is added over its header and first row, then given its whole
        range. Only what the report uses is allowed: no data, formulas or totals.
        """
        options = options or {}
        columns = options.get("columns", [])
        if self.tables or self.merged_cells:
            raise ValueError("a BulkSheet holds one table and no merged cells")
        if "data" in options or options.get("total_row") or any("formula" in c for c in columns):
            raise ValueError("a BulkSheet table takes no data, formulas or totals")
        added = super().add_table(
            first_row, first_col, min(last_row, first_row + 1), last_col, options
        )
        if added == 0 and last_row > first_row + 1:
            if self._check_dimensions(last_row, last_col, True, True):
                return -1
            table = self.tables[-1]
            table["range"] = table["a_range"] = xl_range(first_row, first_col, last_row, last_col)
            if table.get("autofilter"):
                table["autofilter"] = table["a_range"]
        return added

    def _write_sheet_data(self) -> None:
        if self._first_added_row is None:
            super()._write_sheet_data()
            return
        ordinary_rows = [r for r, cells in self.table.items() if cells]
        ordinary_rows.extend(self.row_info)
        if ordinary_rows and max(ordinary_rows) >= self._first_added_row:
            raise ValueError(
                f"row {max(ordinary_rows)} was written the ordinary way below row "
                f"{self._first_added_row}, the first row added whole"
            )
        self._xml_start_tag("sheetData")
        if ordinary_rows:
            self._write_rows()
        self.fh.writelines(self._added_rows)
        self._xml_end_tag("sheetData")


# The private parts of xlsxwriter BulkSheet uses: methods of a class, and attributes
# a worksheet has once made (``fh`` and ``str_table`` are set by the workbook later).
_PRIVATE_METHODS = (
    (Worksheet, "_write_sheet_data"),
    (Worksheet, "_write_rows"),
    (Worksheet, "_check_dimensions"),
    (Worksheet, "_xml_start_tag"),
    (Worksheet, "_xml_end_tag"),
    (Format, "_get_xf_index"),
    (SharedStringTable, "_get_shared_string_index"),
)
_WORKSHEET_ATTRIBUTES = (
    "row_info",
    "table",
    "tables",
    "merged_cells",
    "date_1904",
    "fh",
    "str_table",
)


def missing_parts() -> tuple[str, ...]:
    """The private parts of xlsxwriter that BulkSheet needs and this xlsxwriter lacks."""
    missing = [
        f"{owner.__name__}.{name}"
        for owner, name in _PRIVATE_METHODS
        if not callable(getattr(owner, name, None))
    ]
    try:
        sheet = Worksheet()
    except Exception as error:  # an xlsxwriter whose worksheet needs arguments: no BulkSheet
        return (*missing, f"Worksheet() ({type(error).__name__})")
    missing += [f"Worksheet.{name}" for name in _WORKSHEET_ATTRIBUTES if not hasattr(sheet, name)]
    return tuple(missing)


MISSING_PARTS = missing_parts()  # checked once, at import
XLSXWRITER_VERSION = getattr(xlsxwriter, "__version__", "?")
# The worksheet class of the tables with a row per finding.
ROW_SHEET: type[RowSheet] = RowSheet if MISSING_PARTS else BulkSheet

"""The data the reporter works on: the loaded register and the findings about it.

The loader turns a workbook into a :class:`Register`; rules read it and return
:class:`Finding` objects; outputs (terminal, JSON, Excel, email) render findings.
Nothing here knows about Excel libraries or message wording.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import Any


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"

    @property
    def rank(self) -> int:
        """Higher is more severe; used for sorting and ``--fail-on``."""
        return _SEVERITY_RANK[self]


_SEVERITY_RANK = {Severity.ERROR: 3, Severity.WARNING: 2, Severity.INFO: 1}


class Category(StrEnum):
    RENEWAL = "renewal"
    REVOCATION = "revocation"
    FOLLOW_UP = "follow_up"
    REGISTER = "register"
    SECURITY = "security"


# The order every output lists categories in (the report's sheets, counts, email).
CATEGORY_ORDER = (
    Category.RENEWAL,
    Category.REVOCATION,
    Category.FOLLOW_UP,
    Category.REGISTER,
    Category.SECURITY,
)

CATEGORY_BY_PREFIX = {
    "RNW": Category.RENEWAL,
    "GRT": Category.REVOCATION,
    "INC": Category.FOLLOW_UP,
    "DAT": Category.REGISTER,
    "SEC": Category.SECURITY,
}


@dataclass(frozen=True, slots=True)
class Problem:
    """Why a cell's text could not be read as the column's kind of value.

    ``kind`` is one of ``date``, ``ambiguous_date``, ``enum``, ``bool``,
    ``int``, ``error`` (an Excel error value or a formula with no cached value).
    ``suggestion`` is the closest allowed value, where there is one.
    """

    kind: str
    raw: str
    suggestion: str | None = None


class Record:
    """One data row of a register sheet.

    Values are kept in a list aligned with the sheet's column keys so that a
    100k-row register stays small; ``record["expires_on"]`` reads a parsed
    value (``None`` when blank or unreadable).
    """

    __slots__ = ("extra", "problems", "row", "sheet", "values")

    def __init__(
        self,
        sheet: SheetData,
        row: int,
        values: Sequence[Any],
        extra: tuple[tuple[int, str], ...] | None = None,
        problems: dict[str, Problem] | None = None,
    ) -> None:
        self.sheet = sheet
        self.row = row  # the Excel row number, 1-based
        self.values = values
        # Text in the columns the register does not define, as (0-based column, text):
        # kept for SEC001 only, so the rest of the row as read can be freed.
        self.extra = extra
        self.problems = problems

    def __getitem__(self, key: str) -> Any:
        # Rules read millions of values on a large register: keep this path short.
        try:
            return self.values[self.sheet.value_index[key]]
        except KeyError:
            return None

    def get(self, key: str, default: Any = None) -> Any:
        value = self[key]
        return default if value is None else value

    def cell(self, key: str) -> str:
        """The A1 reference of this row's cell in column ``key`` ('' if no such column)."""
        letter = self.sheet.column_letter(key)
        return f"{letter}{self.row}" if letter else ""

    def problem(self, key: str) -> Problem | None:
        return None if self.problems is None else self.problems.get(key)

    @property
    def record_id(self) -> str:
        id_key = self.sheet.spec.id_key
        if id_key is None:
            return ""
        value = self[id_key]
        return "" if value is None else str(value)

    def __repr__(self) -> str:
        return f"Record({self.sheet.key}!{self.row} {self.record_id!r})"


@dataclass(slots=True)
class SheetData:
    """A register sheet as found in the workbook."""

    key: str  # canonical key, e.g. "keys"
    name: str  # the sheet's name in the workbook, e.g. "キー"
    spec: Any  # schema.SheetSpec (typed loosely to keep this module import-light)
    header_row: int  # Excel row number of the header row
    columns: dict[str, int]  # canonical column key -> 0-based column index
    unknown_columns: list[tuple[int, str]] = field(default_factory=list)
    duplicate_columns: list[tuple[int, str]] = field(default_factory=list)
    missing_columns: list[str] = field(default_factory=list)  # required, not found
    records: list[Record] = field(default_factory=list)
    headers: dict[int, str] = field(default_factory=dict)  # 0-based index -> header text
    hidden: bool = False
    value_index: dict[str, int] = field(default_factory=dict)  # key -> index in Record.values
    column_offset: int = 0  # 0-based column index of the first cell calamine returns

    def column_letter(self, key: str) -> str:
        index = self.columns.get(key)
        return "" if index is None else column_letter(index)

    def has_column(self, key: str) -> bool:
        return key in self.columns

    def __iter__(self) -> Iterator[Record]:
        return iter(self.records)

    def __len__(self) -> int:
        return len(self.records)


@dataclass(frozen=True, slots=True)
class LooseText:
    """Text outside the register's tables, read for SEC001 only.

    A cell of a sheet that is not a register sheet (メモ, a hidden sheet), a cell
    comment or note, or a defined name: a secret pasted there has leaked as
    surely as one in the キー sheet.
    """

    kind: str  # "cell", "comment" or "name"
    sheet_name: str  # the workbook's name of the sheet ('' for a workbook's defined name)
    cell: str  # A1 reference ('' for a defined name)
    text: str
    label: str = ""  # the header above or the label beside a cell; a defined name's name
    under_secret_label: bool = False  # that label says password, secret, token…


@dataclass(slots=True)
class Register:
    """The whole register: its sheets, keyed by canonical key."""

    path: str
    sheets: dict[str, SheetData]
    missing_sheets: list[str]  # canonical keys of register sheets not found
    sheet_names: list[str]  # every sheet of the workbook, in order
    date1904: bool = False
    # Texts outside the register sheets' tables that could hold a secret (SEC001).
    loose_texts: list[LooseText] = field(default_factory=list)
    # SHA-256 of the bytes read, taken while reading (reporter.register.fingerprint).
    sha256: str = ""
    # Sheets calamine cannot parse (an Excel 4.0 macro sheet…), left out of the read.
    left_out_sheets: list[str] = field(default_factory=list)
    # What several rules derive alike (the open notices, the active grants…), computed
    # once per run: see RuleContext.shared.
    derived: dict[Any, Any] = field(default_factory=dict, repr=False, compare=False)
    # Register sheets still being read: rules run on the sheets read so far while the
    # loader reads the rest (see engine.RuleRun), and must not take one of these as missing.
    pending: frozenset[str] = field(default=frozenset(), repr=False, compare=False)

    def sheet(self, key: str) -> SheetData | None:
        if key in self.pending:
            raise SheetPending(key)
        return self.sheets.get(key)

    def records(self, key: str) -> list[Record]:
        if key in self.pending:
            raise SheetPending(key)
        sheet = self.sheets.get(key)
        return [] if sheet is None else sheet.records


class SheetPending(Exception):
    """A rule asked for a register sheet that is still being read: it runs once that is read."""

    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key


@dataclass(frozen=True, slots=True)
class Finding:
    """One thing the reporter found: a rule code at a place, with message params.

    ``sheet`` is the canonical sheet key ('' for the workbook itself), ``row``
    the Excel row number, ``column`` the column letter. ``params`` fill the
    rule's message and action templates; no wording lives here. ``procedure``
    is the id of the procedure (the full steps) the action names.
    """

    code: str
    severity: Severity
    sheet: str = ""
    row: int | None = None
    column: str = ""
    record_id: str = ""
    due: date | None = None
    params: Mapping[str, Any] = field(default_factory=dict)
    owner: str = ""
    sheet_name: str = ""
    exception: str | None = None  # the reason of the exception that covers it
    # The id of the platform procedure its action names (reporter/procedures.toml), if any.
    procedure: str | None = None

    @property
    def category(self) -> Category:
        return CATEGORY_BY_PREFIX[self.code[:3]]

    @property
    def cell(self) -> str:
        if self.row is None or not self.column:
            return ""
        return f"{self.column}{self.row}"

    @property
    def excepted(self) -> bool:
        return self.exception is not None


def column_letter(index: int) -> str:
    """0-based column index to Excel letters: 0 -> A, 26 -> AA."""
    letters = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters

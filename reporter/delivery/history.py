"""Changes since last month: new, still open and resolved findings, and the trend.

Each report carries what the next month needs in a hidden sheet (``_history``):
the as-of date, the register's file name, one row per finding (its identity,
when it was first seen, how many months it has been open, masked text only) and
the counts of up to the last 12 reports. Next month's run finds that report in
the output folder (or takes ``--previous FILE``), reads the hidden sheet back
and compares. Nothing is kept outside the reports themselves: the folder of
monthly reports *is* the history, and deleting a report only shortens it.

This module owns the hidden sheet's layout (written as plain cells by
:mod:`reporter.output.workbook`, the only package that imports xlsxwriter) and
reads it back with python-calamine, which reads hidden sheets.

Identity of a finding from month to month: rows move (sorting, inserted rows),
record ids do not. A finding is keyed by code + sheet + record id, and only
when the row has no id by code + sheet + cell. Several findings of one code on
one record (two unreadable dates on one key) are told apart by their column,
but a finding whose column moved (a column inserted) still matches by its key.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from reporter.engine import CATEGORY_ORDER, CheckResult
from reporter.errors import InputError, os_detail
from reporter.masking import redact
from reporter.model import Category, Finding, Severity
from reporter.output.flat import Row, summarize

HISTORY_SHEET = "_history"
# 1: one cell per field of a finding. 2: the findings table holds one cell per
# finding, a JSON array of the fields (a tenth of the cells to write and read on a
# register with tens of thousands of findings). Both are read.
FORMAT_VERSION = 2
JSON_HEADER = "json"  # first header cell of a findings table stored as JSON rows
CELL_LIMIT = 32_767  # characters Excel keeps in a cell
MAGIC = "reporter-history"  # cell A1 of the hidden sheet: tells our reports from others
TREND_POINTS = 12  # reports kept in the trend, this one included
MESSAGE_LIMIT = 300  # characters of each message kept: a summary, not the report again
REPORT_GLOB = "register-report-*.xlsx"
_NAME_DATE = re.compile(r"^register-report-(\d{4}-\d{2}-\d{2})")
_ZIP_MAGIC = b"PK\x03\x04"

# The columns of the findings table in the hidden sheet, by name: the reader
# finds them by their header, so a later version may add columns.
FINDING_FIELDS = (
    "key",
    "column",
    "code",
    "severity",
    "sheet",
    "cell",
    "record_id",
    "owner",
    "title",
    "message",
    "first_seen",
    "months_open",
    "excepted",
)
TREND_FIELDS = ("as_of", "category", "severity", "count")

Cell = str | int | float | date | None


# --- what a report remembers ---------------------------------------------------


@dataclass(frozen=True)
class Entry:
    """One finding as a report stored it (text masked and in that report's language)."""

    key: str
    column: str
    code: str
    severity: Severity
    sheet: str
    cell: str
    record_id: str
    owner: str
    title: str
    message: str
    first_seen: date
    months_open: int
    excepted: bool


@dataclass(frozen=True)
class TrendPoint:
    """The counts of one report (excepted findings not counted), by category and severity."""

    as_of: date
    counts: Mapping[tuple[Category, Severity], int]

    def severity(self, severity: Severity) -> int:
        return sum(n for (_, s), n in self.counts.items() if s == severity)

    @property
    def total(self) -> int:
        return sum(self.counts.values())


@dataclass(frozen=True)
class Previous:
    """The previous report: where it is, its date, its findings and its trend."""

    path: Path
    as_of: date
    register_name: str
    entries: tuple[Entry, ...]
    trend: tuple[TrendPoint, ...]


@dataclass(frozen=True)
class Status:
    """A finding of this run compared with the previous report."""

    new: bool
    first_seen: date
    months_open: int  # calendar months from first seen to this as-of date, both counted


@dataclass(frozen=True)
class Comparison:
    """This run against the previous report (``previous`` None: the first report)."""

    as_of: date
    previous: Previous | None
    statuses: tuple[Status, ...]  # one per result.findings, in the same order
    resolved: tuple[Entry, ...]  # in the previous report, not in this one
    trend: tuple[TrendPoint, ...]  # oldest first, this run last
    new: int  # findings not excepted, like every count on the Summary
    still_open: int


# --- identity ------------------------------------------------------------------


def finding_key(code: str, sheet: str, record_id: str, cell: str) -> str:
    """The month-to-month identity of a finding (see the module docstring).

    The record id is masked as every output masks it, so the key never holds a
    secret and this month's key equals the stored one.
    """
    rid = redact(record_id).strip() if record_id else ""
    if rid:
        return f"{code}|{sheet}|id:{rid}"
    if cell:
        return f"{code}|{sheet}|cell:{cell}"
    return f"{code}|{sheet}"


def key_of(finding: Finding) -> str:
    # A sheet that is not a register sheet has no key: its name tells B3 of メモ from B3 of 旧.
    sheet = finding.sheet or (f"~{redact(finding.sheet_name)}" if finding.sheet_name else "")
    return finding_key(finding.code, sheet, finding.record_id, finding.cell)


def months_open(first_seen: date, as_of: date) -> int:
    """Calendar months from ``first_seen`` to ``as_of``, both counted; at least 1.

    October's finding still there in November has been open 2 months: it was
    in two monthly reports.
    """
    months = (as_of.year - first_seen.year) * 12 + (as_of.month - first_seen.month) + 1
    return max(1, months)


# --- comparing -----------------------------------------------------------------


def compare(result: CheckResult, previous: Previous | None) -> Comparison:
    """Mark each finding of ``result`` new or still open; list what was resolved."""
    as_of = result.as_of
    matches = _match(result.findings, previous.entries if previous else ())
    statuses = []
    for found in matches:
        if found is None:
            statuses.append(Status(new=True, first_seen=as_of, months_open=1))
        else:
            # A first_seen after this as-of date (an edited sheet) is not trusted.
            first = min(found.first_seen, as_of)
            statuses.append(
                Status(new=False, first_seen=first, months_open=months_open(first, as_of))
            )
    matched = {id(e) for e in matches if e is not None}
    resolved = tuple(e for e in (previous.entries if previous else ()) if id(e) not in matched)
    counted = [s for s, f in zip(statuses, result.findings, strict=True) if not f.excepted]
    return Comparison(
        as_of=as_of,
        previous=previous,
        statuses=tuple(statuses),
        resolved=resolved,
        trend=_trend(result, previous),
        new=sum(1 for s in counted if s.new),
        still_open=sum(1 for s in counted if not s.new),
    )


def _match(findings: Sequence[Finding], entries: Iterable[Entry]) -> list[Entry | None]:
    """The previous entry of each finding (None: new), each entry used at most once.

    First the same key and column, then the same key alone: a record with two
    findings of one code keeps each one's history, and a finding whose column
    letter changed (a column inserted) is still the same finding.
    """
    by_key: dict[str, list[Entry]] = defaultdict(list)
    for entry in entries:
        by_key[entry.key].append(entry)
    keys = [key_of(f) for f in findings]
    found: list[Entry | None] = [None] * len(findings)
    for i, finding in enumerate(findings):
        candidates = by_key.get(keys[i], [])
        for n, entry in enumerate(candidates):
            if entry.column == finding.column:
                found[i] = candidates.pop(n)
                break
    for i in range(len(findings)):
        candidates = by_key.get(keys[i], [])
        if found[i] is None and candidates:
            found[i] = candidates.pop(0)
    return found


def current_point(result: CheckResult) -> TrendPoint:
    summary = summarize(result)
    counts = {
        (category, severity): summary.by_category[category][severity]
        for category in CATEGORY_ORDER
        for severity in Severity
    }
    return TrendPoint(as_of=result.as_of, counts=counts)


def _trend(result: CheckResult, previous: Previous | None) -> tuple[TrendPoint, ...]:
    # Earlier points only: a report re-run for the same date replaces its own point.
    past = [p for p in (previous.trend if previous else ()) if p.as_of < result.as_of]
    by_date = {p.as_of: p for p in sorted(past, key=lambda p: p.as_of)}
    points = [*by_date.values(), current_point(result)]
    return tuple(points[-TREND_POINTS:])


# --- the hidden sheet, written -------------------------------------------------


def history_cells(
    result: CheckResult, rows: Sequence[Row], comparison: Comparison, register_name: str
) -> list[list[Cell]]:
    """The hidden sheet as a grid of plain values (text, numbers, dates), row by row.

    ``rows`` are the report's rendered rows, one per finding in ``result``'s
    order; their texts are what the report shows, masked once more here.
    """
    grid: list[list[Cell]] = [
        [MAGIC, FORMAT_VERSION],
        ["as_of", result.as_of],
        ["register", register_name],  # a file name: shown as given, never masked
        ["findings", len(result.findings)],
        [JSON_HEADER, *FINDING_FIELDS],
    ]
    for finding, row, status in zip(result.findings, rows, comparison.statuses, strict=True):
        fields = [
            key_of(finding),
            finding.column,
            finding.code,
            finding.severity.value,
            finding.sheet,
            finding.cell,
            redact(finding.record_id),
            redact(row.owner),
            redact(row.title),
            redact(row.message)[:MESSAGE_LIMIT],
            status.first_seen.isoformat(),
            status.months_open,
            1 if finding.excepted else 0,
        ]
        grid.append([_json_row(fields)])
    points = [
        (point.as_of, category, severity, count)
        for point in comparison.trend
        for (category, severity), count in point.counts.items()
    ]
    grid.append(["trend", len(points)])
    grid.append(list(TREND_FIELDS))
    grid.extend(
        [day, category.value, severity.value, count] for day, category, severity, count in points
    )
    return grid


def _json_row(fields: list[str | int]) -> str:
    """A finding as one cell: a JSON array, its texts shortened when it would not fit.

    Only a register with ids or names thousands of characters long comes near the
    limit; such a finding may then not be matched next month, which is all it costs.
    """
    text = _encode(fields)
    limit = 2_000
    while len(text) > CELL_LIMIT and limit > 0:
        text = _encode([f[:limit] if isinstance(f, str) else f for f in fields])
        limit //= 2
    return text


# json.dumps(..., ensure_ascii=False) builds an encoder per call: one for every finding.
_encode = json.JSONEncoder(ensure_ascii=False).encode


# --- the hidden sheet, read back -----------------------------------------------


class NotAReport(Exception):
    """The file is not one of our reports, or its hidden sheet is damaged."""


class NewerFormat(Exception):
    """The report was written by a newer reporter, in a format this one cannot read."""

    def __init__(self, version: int) -> None:
        super().__init__(version)
        self.version = version


def read_previous(path: Path) -> Previous:
    """Read the hidden sheet of the report at ``path``.

    Raises OSError when the file cannot be opened, NotAReport when it is not a
    report (or its hidden sheet is damaged), NewerFormat for a newer format.
    """
    with open(path, "rb") as handle:
        if handle.read(4) != _ZIP_MAGIC:
            raise NotAReport("not an .xlsx file")
    import python_calamine

    try:
        workbook = python_calamine.CalamineWorkbook.from_path(str(path))
    except Exception as error:  # calamine raises several types for damaged files
        raise NotAReport(str(error)) from None
    try:
        if HISTORY_SHEET not in workbook.sheet_names:
            raise NotAReport("no history sheet")
        grid = workbook.get_sheet_by_name(HISTORY_SHEET).to_python(skip_empty_area=False)
    except NotAReport:
        raise
    except Exception as error:
        raise NotAReport(str(error)) from None
    finally:
        workbook.close()
    try:
        return _parse(path, grid)
    except (NotAReport, NewerFormat):
        raise
    except Exception as error:  # any malformed cell: damaged, not ours to trust
        raise NotAReport(str(error)) from None


def _parse(path: Path, grid: list[list[Any]]) -> Previous:
    rows = iter(grid)
    head = next(rows, [])
    if len(head) < 2 or head[0] != MAGIC:
        raise NotAReport("no history marker")
    version = _int(head[1])
    if version > FORMAT_VERSION:
        raise NewerFormat(version)
    as_of = _date(_labelled(next(rows, []), "as_of"))
    register_name = str(_labelled(next(rows, []), "register") or "")
    entries = [_entry(record) for record in _table(rows, "findings", FINDING_FIELDS)]
    points: dict[date, dict[tuple[Category, Severity], int]] = defaultdict(dict)
    for record in _table(rows, "trend", TREND_FIELDS):
        try:
            group = (Category(record["category"]), Severity(record["severity"]))
        except ValueError:
            continue  # a category or severity this version does not know
        points[_date(record["as_of"])][group] = _int(record["count"])
    trend = tuple(TrendPoint(day, counts) for day, counts in sorted(points.items()))
    return Previous(
        path=path,
        as_of=as_of,
        register_name=register_name,
        entries=tuple(e for e in entries if e is not None),
        trend=trend,
    )


def _labelled(row: list[Any], label: str) -> Any:
    if len(row) < 2 or row[0] != label:
        raise NotAReport(f"no {label} row")
    return row[1]


def _table(rows: Iterable[list[Any]], label: str, fields: Sequence[str]) -> list[dict[str, Any]]:
    """The ``count`` records after a (label, count) row and a header row, as {field: value}."""
    rows = iter(rows)
    count = _int(_labelled(next(rows, []), label))
    header = [str(h) for h in next(rows, [])]
    stored_as_json = bool(header) and header[0] == JSON_HEADER
    if stored_as_json:
        header = header[1:]
    missing = [f for f in fields if f not in header]
    if missing:
        raise NotAReport(f"{label} lacks {missing}")
    index = {name: header.index(name) for name in fields}
    records = []
    for _ in range(count):
        row = next(rows, None)
        if row is None:
            raise NotAReport(f"{label} is cut short")
        if stored_as_json:
            row = json.loads(row[0]) if row and isinstance(row[0], str) else None
            if not isinstance(row, list):
                raise NotAReport(f"{label} has a row that is not a JSON array")
        records.append({name: row[i] if i < len(row) else "" for name, i in index.items()})
    return records


def _entry(record: dict[str, Any]) -> Entry | None:
    try:
        severity = Severity(record["severity"])
    except ValueError:
        return None  # not a severity this version knows: nothing sensible to show
    return Entry(
        # Identity fields as stored: masking them again could change them.
        key=_plain(record["key"]),
        column=_plain(record["column"]),
        code=_plain(record["code"]),
        severity=severity,
        sheet=_plain(record["sheet"]),
        cell=_plain(record["cell"]),
        record_id=_text(record["record_id"]),
        owner=_text(record["owner"]),
        title=_text(record["title"]),
        message=_text(record["message"]),
        first_seen=_date(record["first_seen"]),
        months_open=_int(record["months_open"]),
        excepted=bool(_int(record["excepted"] or 0)),
    )


def _plain(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value)


def _text(value: Any) -> str:
    # Text shown again in this month's report: masked again in case the sheet
    # was edited by hand.
    return redact(_plain(value))


def _int(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise NotAReport(f"not a number: {value!r}")
    return int(float(value))


def _date(value: Any) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            pass
    raise NotAReport(f"not a date: {value!r}")


# --- finding the previous report -------------------------------------------------


def find_previous(as_of: date, previous: Path | str | None, folder: Path) -> Previous | None:
    """The report to compare ``result`` with, or None when there is none.

    With ``previous`` (``--previous FILE``) that file, which must be a report:
    anything else is an InputError (exit 2), since the user asked for it.
    Otherwise the newest ``register-report-*.xlsx`` in ``folder`` (where this
    run's report goes) with
    an as-of date before this run's; files that are not reports, are damaged or
    cannot be opened are passed over, never an error: the folder is shared.
    """
    if previous is not None:
        return _given(as_of, Path(previous))
    return search_folder(folder, as_of)


def _given(as_of: date, path: Path) -> Previous:
    if not path.exists():
        raise InputError("history_previous_missing", path=str(path))
    if path.is_dir():
        raise InputError("history_previous_folder", path=str(path))
    try:
        found = read_previous(path)
    except OSError as error:
        raise InputError(
            "history_previous_unreadable", path=str(path), detail=os_detail(error)
        ) from None
    except NewerFormat as error:
        raise InputError(
            "history_previous_newer_format", path=str(path), version=error.version
        ) from None
    except NotAReport:
        raise InputError("history_previous_not_report", path=str(path)) from None
    # The same date is allowed: comparing a re-run with the morning's report.
    if found.as_of > as_of:
        raise InputError(
            "history_previous_not_earlier",
            previous=found.as_of.isoformat(),
            as_of=as_of.isoformat(),
        )
    return found


def search_folder(folder: Path, as_of: date) -> Previous | None:
    """The newest readable report in ``folder`` dated before ``as_of``, or None."""
    candidates: list[tuple[date, float, Path]] = []
    try:
        paths = list(folder.glob(REPORT_GLOB))
    except OSError:
        return None
    for path in paths:
        # The date in the name orders the files without opening them all;
        # the date stored inside decides.
        match = _NAME_DATE.match(path.name)
        if match is None:
            continue
        try:
            named = date.fromisoformat(match.group(1))
            modified = path.stat().st_mtime
        except (ValueError, OSError):
            continue
        if named < as_of and path.is_file():
            candidates.append((named, modified, path))
    for _, _, path in sorted(candidates, reverse=True):
        try:
            found = read_previous(path)
        except (OSError, NotAReport, NewerFormat):
            continue
        if found.as_of < as_of:
            return found
    return None

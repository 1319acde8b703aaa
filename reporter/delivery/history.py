"""Last month's report: finding it in the output folder, reading its hidden sheet back.

The hidden sheet's layout and the comparison itself are :mod:`reporter.comparison`'s;
this module reads a report with python-calamine (which reads hidden sheets) and
turns the sheet back into a :class:`~reporter.comparison.Previous`. A report that
is not ours, is damaged or comes from a newer reporter is told apart from a usable one.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from pathlib import Path
from typing import Any

from reporter.comparison import (
    FINDING_FIELDS,
    FORMAT_VERSION,
    HISTORY_SHEET,
    JSON_HEADER,
    MAGIC,
    TREND_FIELDS,
    Entry,
    Previous,
    TrendPoint,
)
from reporter.errors import InputError, os_detail
from reporter.masking import redact
from reporter.model import Category, Severity

REPORT_GLOB = "register-report-*.xlsx"
_NAME_DATE = re.compile(r"^register-report-(\d{4}-\d{2}-\d{2})")
_ZIP_MAGIC = b"PK\x03\x04"


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

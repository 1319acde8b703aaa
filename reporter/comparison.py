"""Changes since last month: new, still open and resolved findings, and the trend.

Each report carries what the next month needs in a hidden sheet (``_history``):
the as-of date, the register's file name, one row per finding (its identity,
when it was first seen, how many months it has been open, masked text only) and
the counts of up to the last 12 reports. Next month's run finds that report
(:mod:`reporter.delivery.history`), reads the hidden sheet back and compares
(here). Nothing is kept outside the reports themselves: the folder of monthly
reports *is* the history, and deleting a report only shortens it.

This module owns the comparison and the hidden sheet's layout, which the
workbook writes (:mod:`reporter.output.workbook.history_sheet`) and delivery
reads back; it reads and writes no file itself.

Identity of a finding from month to month: rows move (sorting, inserted rows),
record ids do not. A finding is keyed by code + sheet + record id, and only
when the row has no id by code + sheet + cell. Several findings of one code on
one record (two unreadable dates on one key) are told apart by their column,
but a finding whose column moved (a column inserted) still matches by its key.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from reporter.masking import redact
from reporter.model import CATEGORY_ORDER, Category, Finding, Severity
from reporter.result import CheckResult, summarize

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

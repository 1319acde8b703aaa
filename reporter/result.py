"""What a check returns: the findings, the rules that could not run, the rows reconciliation.

:func:`reporter.engine.run_checks` makes a :class:`CheckResult`; every output
(terminal, JSON, workbook, calendar, email) and the month-over-month comparison
read it. It holds data only: nothing here renders, and nothing here imports an
output (the findings as a DataFrame are :func:`reporter.output.frame.to_pandas`).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from reporter.model import CATEGORY_ORDER, Category, Finding, Register, Severity

if TYPE_CHECKING:
    from reporter.platform import Settings


# The --fail-on values: the least severe finding that fails the run, or never.
FAIL_ON_CHOICES = ("error", "warning", "info", "never")


@dataclass(frozen=True)
class SkippedRule:
    code: str
    reason: dict[str, str]  # {"ja": ..., "en": ...}


@dataclass(frozen=True)
class RowCount:
    """One sheet's rows: read = clean + with findings, each counted from the rows."""

    read: int
    with_findings: int
    clean: int


@dataclass
class CheckResult:
    register: Register
    as_of: date
    settings: Settings
    findings: list[Finding]
    skipped: list[SkippedRule]
    rows: dict[str, RowCount]

    @property
    def path(self) -> Path:
        return Path(self.register.path)

    def counting(self, fail_on: str) -> list[Finding]:
        """Findings at or above ``fail_on`` that no exception covers."""
        if fail_on == "never":
            return []
        threshold = Severity(fail_on).rank
        return [f for f in self.findings if not f.excepted and f.severity.rank >= threshold]

    def exit_code(self, fail_on: str) -> int:
        return 1 if self.counting(fail_on) else 0

    def release_rows(self) -> None:
        """Let go of the register's rows once the findings are made.

        Findings, row counts and sheet names are kept: everything a report, the
        summary and the email show. Writing a 1M-row register's report needs
        the memory the rows held.
        """
        for sheet in self.register.sheets.values():
            sheet.records = []
        self.register.derived.clear()

    def by_category(self, category: Category) -> list[Finding]:
        return [f for f in self.findings if f.category == category]


@dataclass(frozen=True)
class Summary:
    total: int
    by_severity: dict[Severity, int]  # findings not excepted
    by_category: dict[Category, dict[Severity, int]]
    excepted: int


def summarize(result: CheckResult) -> Summary:
    """The counts every output shows: findings not excepted, by severity and by category."""
    counted = [f for f in result.findings if not f.excepted]
    by_category = {category: {severity: 0 for severity in Severity} for category in CATEGORY_ORDER}
    for finding in counted:
        by_category[finding.category][finding.severity] += 1
    severities = Counter(f.severity for f in counted)
    return Summary(
        total=len(counted),
        by_severity={severity: severities.get(severity, 0) for severity in Severity},
        by_category=by_category,
        excepted=len(result.findings) - len(counted),
    )

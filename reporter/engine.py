"""Run every rule on a register and collect the result.

The result is a flat, sorted list of findings (with exceptions applied and
secrets redacted), the rules that could not run and why, and the rows
reconciliation per sheet. Outputs render it; nothing here formats text.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from reporter.masking import redact_value
from reporter.model import Category, Finding, Register, Severity
from reporter.register.schema import SHEET_BY_KEY, SHEETS, normalize_token
from reporter.rules import RULES, Rule
from reporter.rules.base import RuleContext

if TYPE_CHECKING:
    from reporter.platform import Settings

FAIL_ON_CHOICES = ("error", "warning", "info", "never")
CATEGORY_ORDER = (
    Category.RENEWAL,
    Category.REVOCATION,
    Category.FOLLOW_UP,
    Category.REGISTER,
    Category.SECURITY,
)
_SHEET_ORDER = {spec.key: i for i, spec in enumerate(SHEETS)}


@dataclass(frozen=True)
class SkippedRule:
    code: str
    reason: dict[str, str]  # {"ja": ..., "en": ...}


@dataclass(frozen=True)
class RowCount:
    read: int
    with_findings: int

    @property
    def clean(self) -> int:
        return self.read - self.with_findings


@dataclass
class CheckResult:
    register: Register
    as_of: date
    settings: Settings
    findings: list[Finding]
    skipped: list[SkippedRule]
    rows: dict[str, RowCount]
    # The findings rendered per language (output.flat.flatten): the workbook, the
    # terminal summary and the email all show them; rendered once each.
    rendered: dict[str, list[Any]] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )

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

    def to_pandas(self, lang: str = "ja") -> Any:
        """The findings as a pandas DataFrame, one row each, most urgent first.

        The columns are those of the JSON output (code, severity, category,
        sheet, row, cell, record_id, due, message, action, owner, …), with
        secrets masked as everywhere; ``due`` is a datetime column. Needs the
        pandas extra: ``pip install 'reporter[pandas]'``.
        """
        try:
            import pandas
        except ImportError:
            raise ImportError(
                "CheckResult.to_pandas needs pandas: pip install 'reporter[pandas]'"
            ) from None
        from reporter.output.json_output import FINDING_COLUMNS, to_json_data

        findings = to_json_data(self, lang, str(self.path))["findings"]
        frame = pandas.DataFrame(findings, columns=list(FINDING_COLUMNS))
        frame["due"] = pandas.to_datetime(frame["due"])
        return frame


def urgency_key(finding: Finding) -> tuple:
    """Most urgent first: severity, then the earliest due date, then the place."""
    return (
        finding.excepted,
        -finding.severity.rank,
        finding.due or date.max,
        CATEGORY_ORDER.index(finding.category),
        _SHEET_ORDER.get(finding.sheet, -1),
        finding.row or 0,
        finding.code,
    )


def run_checks(
    register: Register,
    as_of: date,
    settings: Settings,
    rules: tuple[Rule, ...] = RULES,
) -> CheckResult:
    findings: list[Finding] = []
    skipped: list[SkippedRule] = []
    late: list[Rule] = []
    for rule in rules:
        reason = skip_reason(rule, register)
        if reason is not None:
            skipped.append(SkippedRule(rule.code, reason))
            continue
        if rule.runs_after_exceptions:
            late.append(rule)
            continue
        findings.extend(rule.check(RuleContext(rule, register, as_of, settings)))
    findings, used_rows = apply_exceptions(findings, register, as_of)
    for rule in late:
        context = RuleContext(rule, register, as_of, settings, {"used_exception_rows": used_rows})
        findings.extend(rule.check(context))
    findings = [_redacted(f) for f in findings]
    findings.sort(key=urgency_key)
    return CheckResult(
        register=register,
        as_of=as_of,
        settings=settings,
        findings=findings,
        skipped=skipped,
        rows=count_rows(register, findings),
    )


def skip_reason(rule: Rule, register: Register) -> dict[str, str] | None:
    """Why ``rule`` cannot run on ``register`` (a sheet or column missing), or None."""
    for sheet_key in rule.sheets:
        sheet = register.sheet(sheet_key)
        spec = SHEET_BY_KEY[sheet_key]
        if sheet is None:
            return {
                "ja": f"シート「{spec.ja}」がありません",
                "en": f"the sheet {spec.en} is missing",
            }
        missing = [c for c in rule.columns.get(sheet_key, ()) if c not in sheet.columns]
        if missing:
            ja = "、".join(f"「{spec.column(c).ja}」" for c in missing)
            en = ", ".join(missing)
            return {
                "ja": f"シート「{sheet.name}」に列{ja}がありません",
                "en": f"the sheet {sheet.name} lacks the column(s) {en}",
            }
    return None


def apply_exceptions(
    findings: list[Finding], register: Register, as_of: date
) -> tuple[list[Finding], set[int]]:
    """Mark findings covered by an exception in force; return them and the rows of used exceptions.

    An exception covers a finding with its code and record id (``*`` for every
    row) until its end date, inclusive. One without an end date is refused.
    """
    in_force = []
    for record in register.records("exceptions"):
        code, target, until = record["code"], record["record_id"], record["until"]
        if code is None or target is None or until is None or until < as_of:
            continue
        in_force.append((normalize_token(code), target, record["reason"] or "", record.row))
    if not in_force:
        return findings, set()
    used: set[int] = set()
    marked: list[Finding] = []
    for finding in findings:
        code = normalize_token(finding.code)
        for exception_code, target, reason, row in in_force:
            if exception_code == code and target in ("*", finding.record_id):
                finding = dataclasses.replace(finding, exception=reason)
                used.add(row)
                break
        marked.append(finding)
    return marked, used


def _redacted(finding: Finding) -> Finding:
    """Mask anything secret-looking that a message param or id repeats from the register."""
    params = {name: redact_value(value) for name, value in finding.params.items()}
    record_id = redact_value(finding.record_id)
    if params == dict(finding.params) and record_id == finding.record_id:
        return finding
    return dataclasses.replace(finding, params=params, record_id=record_id)


def count_rows(register: Register, findings: list[Finding]) -> dict[str, RowCount]:
    """Rows read = rows clean + rows with findings, per sheet (findings on data rows only)."""
    flagged: dict[str, set[int]] = {key: set() for key in register.sheets}
    data_rows = {key: {r.row for r in sheet.records} for key, sheet in register.sheets.items()}
    for finding in findings:
        if finding.sheet in data_rows and finding.row in data_rows[finding.sheet]:
            flagged[finding.sheet].add(finding.row)
    return {
        key: RowCount(read=len(sheet.records), with_findings=len(flagged[key]))
        for key, sheet in register.sheets.items()
    }

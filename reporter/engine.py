"""Run every rule on a register and collect the result.

The result is a flat, sorted list of findings (with exceptions applied and
secrets redacted), the rules that could not run and why, and the rows
reconciliation per sheet. Outputs render it; nothing here formats text.
"""

from __future__ import annotations

import dataclasses
from datetime import date
from typing import TYPE_CHECKING, Any

from reporter.masking import redact_value
from reporter.model import CATEGORY_ORDER, Finding, Register, SheetPending
from reporter.register.schema import SHEET_BY_KEY, SHEETS, normalize_token
from reporter.result import CheckResult, RowCount, SkippedRule
from reporter.rules import RULES, Rule
from reporter.rules.base import RuleContext, exception_is_complete

if TYPE_CHECKING:
    from reporter.platform import Settings

_SHEET_ORDER = {spec.key: i for i, spec in enumerate(SHEETS)}


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
    """Every rule of ``rules`` on the whole ``register``."""
    return RuleRun(as_of, settings, rules).finish(register)


class RuleRun:
    """The rules of one check, run as the register's sheets are read.

    The loader calls :meth:`run_one` while it waits for calamine, with the sheets
    read so far; :meth:`finish` runs the others on the whole register. A rule runs
    early only when every sheet it declares has been read; one that then asks for
    a sheet still being read (SheetPending) runs once that sheet is read. The
    result is that of one pass over the whole register: each rule's findings keep
    their order, and the list is sorted at the end.

    Findings made once the exceptions sheet is read are matched to the exceptions
    and masked at once (settled); the others are in :meth:`finish`.
    """

    def __init__(self, as_of: date, settings: Settings, rules: tuple[Rule, ...] = RULES) -> None:
        self.as_of = as_of
        self.settings = settings
        self.rules = rules
        self._done: set[str] = set()  # the codes of the rules run
        # Findings matched to the exceptions and masked, with what DAT013 needs of them;
        # and those found while the exceptions sheet was still being read.
        self._settled: list[Finding] = []
        self._used_rows: set[int] = set()
        self._targets: set[tuple[str, str]] = set()
        self._unsettled: list[Finding] = []
        self._skipped: dict[str, SkippedRule] = {}
        self._waiting_for: dict[str, str] = {}  # rule code -> the pending sheet it asked for
        self._at_finish: set[str] = set()  # rules that failed early: run again by finish()
        self._sheets_done: dict[str, set[str]] = {}  # by_sheet rules: the sheets looked at

    def run_one(self, register: Register) -> bool:
        """Run one more rule that can run on the sheets read so far; False when none can.

        A ``by_sheet`` rule runs on one sheet read at a time; other rules on every sheet
        (``sheets=()``) and those run after the exceptions wait for :meth:`finish`.
        """
        for rule in self.rules:
            code = rule.code
            if rule.by_sheet:
                if self._run_on_a_sheet(rule, register):
                    return True
                continue
            if (
                not rule.sheets
                or rule.runs_after_exceptions
                or code in self._done
                or code in self._skipped
                or code in self._at_finish
                or self._waiting_for.get(code) in register.pending
                or not all(
                    key in register.sheets and key not in register.pending for key in rule.sheets
                )
            ):
                continue
            reason = skip_reason(rule, register)  # its sheets are read: the reason is final
            if reason is not None:
                self._skipped[code] = SkippedRule(code, reason)
                return True
            context = RuleContext(rule, register, self.as_of, self.settings)
            try:
                found = list(rule.check(context))
            except SheetPending as pending:
                self._waiting_for[code] = pending.key
                return True
            except Exception:
                # Raised again by finish(), where a failing rule is reported, not
                # here, where the loader would take it for a file it cannot read.
                self._at_finish.add(code)
                return True
            self._keep(found, register)
            self._done.add(code)
            return True
        return False

    def _run_on_a_sheet(self, rule: Rule, register: Register) -> bool:
        """Run a ``by_sheet`` rule on one more sheet read; False when there is none."""
        code = rule.code
        if rule.runs_after_exceptions or code in self._at_finish:
            return False
        done = self._sheets_done.setdefault(code, set())
        key = next(
            (k for k in register.sheets if k not in done and k not in register.pending), None
        )
        if key is None:
            return False
        extra = {"sheets": (key,), "whole_workbook": False}
        context = RuleContext(rule, register, self.as_of, self.settings, extra)
        try:
            found = list(rule.check(context))
        except Exception:
            self._at_finish.add(code)  # the sheet is looked at again, by finish()
            return True
        self._keep(found, register)
        done.add(key)
        return True

    def _keep(self, found: list[Finding], register: Register) -> None:
        """Keep findings made early: settled at once when the exceptions sheet is read."""
        if "exceptions" in register.pending:
            self._unsettled.extend(found)
            return
        self._settled.extend(self._settle(found, register))

    def _settle(self, found: list[Finding], register: Register) -> list[Finding]:
        """Findings matched to the exceptions in force and masked; DAT013's needs noted."""
        marked, used_rows = apply_exceptions(found, register, self.as_of)
        self._used_rows |= used_rows
        # The targets are the findings' own record ids, before masking.
        self._targets.update((normalize_token(f.code), f.record_id) for f in marked)
        return [_redacted(f) for f in marked]

    def finish(self, register: Register) -> CheckResult:
        """Run the rules not run yet on the whole register, and collect the result (once)."""
        findings: list[Finding] = self._unsettled
        skipped: list[SkippedRule] = []
        late: list[Rule] = []
        for rule in self.rules:
            code = rule.code
            if code in self._skipped:
                skipped.append(self._skipped[code])
                continue
            if code in self._done:
                continue
            reason = skip_reason(rule, register)
            if reason is not None:
                skipped.append(SkippedRule(code, reason))
                continue
            if rule.runs_after_exceptions:
                late.append(rule)
                continue
            extra: dict[str, Any] = {}
            if code in self._sheets_done:  # a by_sheet rule: the sheets it has not seen
                done = self._sheets_done[code]
                extra = {"sheets": tuple(k for k in register.sheets if k not in done)}
            context = RuleContext(rule, register, self.as_of, self.settings, extra)
            findings.extend(rule.check(context))
        as_of, settings = self.as_of, self.settings
        findings = self._settled + self._settle(findings, register)
        # What DAT013 needs: the exception rows used, and what the findings are (code,
        # record id), to tell an exception that targets nothing from one that is only
        # incomplete.
        for rule in late:
            extra = {"used_exception_rows": self._used_rows, "finding_targets": self._targets}
            context = RuleContext(rule, register, as_of, settings, extra)
            findings.extend(_redacted(f) for f in rule.check(context))
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
    row) until its end date, inclusive. Only a complete row counts (revision 3): code,
    record id, reason, approver and end date all given; a row or a sheet missing any of
    them excepts nothing (DAT002/DAT003 report it).
    """
    in_force = []
    for record in register.records("exceptions"):
        if not exception_is_complete(record) or record["until"] < as_of:
            continue
        code, target = record["code"], record["record_id"]
        in_force.append((normalize_token(code), target, record["reason"], record.row))
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
    """Per sheet, the data rows read, those a finding points at, and the others (clean).

    Each row is looked at once: a finding on no row (the workbook, a missing
    sheet), on the header row or on a row that was not read as data points at
    no data row; two findings on one row make one row with findings.
    """
    pointed: dict[str, set[int]] = {}
    for finding in findings:
        if finding.row is not None:
            pointed.setdefault(finding.sheet, set()).add(finding.row)
    counts = {}
    for key, sheet in register.sheets.items():
        rows = pointed.get(key, set())
        with_findings = clean = 0
        for record in sheet.records:
            if record.row in rows:
                with_findings += 1
            else:
                clean += 1
        counts[key] = RowCount(read=len(sheet.records), with_findings=with_findings, clean=clean)
    return counts

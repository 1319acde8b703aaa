"""The result as a flat table of rows plus a derived summary.

Every output (terminal, JSON, Excel, email) reads these rows rather than the
findings, so wording, masking and ordering are decided once.
"""

from __future__ import annotations

import weakref
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from reporter import i18n
from reporter.i18n import localize_params, pick, render
from reporter.model import Category, Finding, Severity
from reporter.register.schema import SHEET_BY_KEY
from reporter.result import CheckResult
from reporter.result import Summary as Summary  # the counts, also read from here
from reporter.result import summarize as summarize
from reporter.rules import RULE_BY_CODE

# How many actions the report's overview and the email list first ("do these first").
TOP_ACTIONS = 10

# Wording every output shares (terminal, report, email).

SEVERITY_LABEL: dict[Severity, dict[str, str]] = {
    Severity.ERROR: {"ja": "エラー", "en": "error"},
    Severity.WARNING: {"ja": "警告", "en": "warning"},
    Severity.INFO: {"ja": "情報", "en": "info"},
}
# The category names of the report's counts table, the terminal summary and the email.
CATEGORY_LABEL: dict[Category, dict[str, str]] = {
    Category.RENEWAL: {"ja": "更新期限", "en": "Renewals"},
    Category.REVOCATION: {"ja": "権限取消", "en": "Revocations"},
    Category.FOLLOW_UP: {"ja": "通知対応", "en": "Follow-ups"},
    Category.REGISTER: {"ja": "台帳の問題", "en": "Register problems"},
    Category.SECURITY: {"ja": "秘密の値", "en": "Secrets"},
}


@dataclass(frozen=True, slots=True)
class Row:
    """One finding, rendered in one language (a 1M-row register has 100k of them: slots)."""

    code: str
    severity: Severity
    category: Category
    sheet: str
    sheet_name: str
    row: int | None
    cell: str
    record_id: str
    owner: str
    due: date | None
    days_overdue: int | None  # > 0 when the due date has passed
    title: str
    message: str
    action: str
    excepted: bool
    exception: str | None


# The rows of each result still alive, by id(result) and language. The workbook, the
# terminal summary, the calendar and the email all show them: rendered once each. Kept
# here, not in the result, which holds data only; an entry goes when its result does.
_RENDERED: dict[int, dict[str, list[Row]]] = {}


def flatten(result: CheckResult, lang: str) -> list[Row]:
    """One row per finding, in the result's order (rendered once per language; do not modify)."""
    by_lang = _RENDERED.get(id(result))
    if by_lang is None:
        by_lang = _RENDERED[id(result)] = {}
        weakref.finalize(result, _RENDERED.pop, id(result), None)
    rows = by_lang.get(lang)
    if rows is None:
        rows = by_lang[lang] = [to_row(f, result.as_of, lang) for f in result.findings]
    return rows


def to_row(finding: Finding, as_of: date, lang: str) -> Row:
    rule = RULE_BY_CODE[finding.code]
    sheet_name = finding.sheet_name
    if not sheet_name and finding.sheet in SHEET_BY_KEY:
        spec = SHEET_BY_KEY[finding.sheet]
        sheet_name = spec.ja if lang == "ja" else spec.en
    days_overdue = (as_of - finding.due).days if finding.due is not None else None
    params = localize_params(finding, lang)  # once for the message, the action and the row
    return Row(
        code=finding.code,
        severity=finding.severity,
        category=finding.category,
        sheet=finding.sheet,
        sheet_name=sheet_name,
        row=finding.row,
        cell=finding.cell,
        record_id=finding.record_id,
        owner=finding.owner,
        due=finding.due,
        days_overdue=days_overdue,
        title=pick(rule.title, lang),
        message=render(pick(rule.message, lang), params),
        action=render(pick(rule.action, lang), params),
        excepted=finding.excepted,
        exception=finding.exception,
    )


def severity_counts(counts: Mapping[Severity, int], lang: str) -> str:
    """ "エラー 3件 / 警告 7件 / 情報 2件": the count line of the terminal, the report run and the email."""
    return i18n.text(
        "severity_counts",
        lang,
        error=counts[Severity.ERROR],
        warning=counts[Severity.WARNING],
        info=counts[Severity.INFO],
    )


def most_urgent(rows: list[Row], limit: int = TOP_ACTIONS) -> list[Row]:
    """The actions to take first: not excepted, errors and warnings, in urgency order."""
    actions = [r for r in rows if not r.excepted and r.severity != Severity.INFO]
    return actions[:limit]

"""The rows reconciliation: read, with findings and clean, each counted from the rows.

A row is clean when no finding points at it. The Summary shows read = clean +
with findings per sheet; these tests pin the numbers on registers where a
careless count would differ (a finding on no row, two findings on one row, a
finding on the header row or on another sheet's row with the same number).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date
from pathlib import Path

from reporter.engine import count_rows
from reporter.model import Finding, Severity
from reporter.output.json_output import to_json
from reporter.platform import load_settings
from reporter.register.loader import load_register
from reporter.result import CheckResult, RowCount
from tests.conftest import AS_OF

KEY = {"キーID": "K-1", "種類": "その他", "発行日": date(2026, 9, 1), "担当者": "佐藤"}


def _keys(count: int) -> list[dict[str, object]]:
    return [{**KEY, "キーID": f"K-{n}"} for n in range(1, count + 1)]


def test_each_kind_of_finding_counts_where_it_points(make_register: Callable[..., Path]) -> None:
    register = load_register(make_register(keys=_keys(4), tools=[{"ツールID": "T-1"}]))
    keys = register.sheets["keys"]
    rows = [record.row for record in keys.records]
    assert rows == [2, 3, 4, 5]
    findings = [
        Finding("DAT004", Severity.ERROR, sheet="keys", row=2, column="D"),
        Finding("DAT003", Severity.WARNING, sheet="keys", row=2, column="G"),  # same row
        Finding("DAT001", Severity.ERROR, sheet="keys", row=keys.header_row),  # the header
        Finding("DAT001", Severity.ERROR, sheet="keys"),  # the sheet, no row
        Finding("SEC001", Severity.ERROR, row=3),  # the workbook (another sheet's cell)
        Finding("DAT004", Severity.ERROR, sheet="tools", row=5),  # not a tools data row
        Finding("DAT004", Severity.ERROR, sheet="keys", row=99),  # below the table
        Finding("RNW001", Severity.ERROR, sheet="keys", row=5, exception="agreed"),
    ]
    counts = count_rows(register, findings)
    assert counts["keys"] == RowCount(read=4, with_findings=2, clean=2)
    assert counts["tools"] == RowCount(read=1, with_findings=0, clean=1)
    assert counts["grants"] == RowCount(read=0, with_findings=0, clean=0)


def test_a_register_with_no_findings_is_all_clean(make_register: Callable[..., Path]) -> None:
    register = load_register(make_register(keys=_keys(3)))
    assert count_rows(register, [])["keys"] == RowCount(read=3, with_findings=0, clean=3)


def test_the_json_rows_are_the_counts_of_a_real_check(make_register: Callable[..., Path]) -> None:
    # K-2 has two unreadable dates (two findings, one row); K-3 lacks its owner.
    keys = _keys(4)
    keys[1] |= {"発行日": "いつか", "有効期限": "そのうち"}
    keys[2] |= {"担当者": None}
    register = load_register(make_register(keys=keys))
    from reporter.engine import run_checks

    result: CheckResult = run_checks(register, AS_OF, load_settings())
    on_keys = [f for f in result.findings if f.sheet == "keys" and f.row is not None]
    assert len([f for f in on_keys if f.row == 3]) >= 2
    flagged = {f.row for f in on_keys}
    data = json.loads(to_json(result, "ja", "台帳.xlsx"))
    clean_rows = [r.row for r in register.sheets["keys"].records if r.row not in flagged]
    assert data["rows"]["keys"] == {
        "read": 4,
        "with_findings": len(flagged),
        "clean": len(clean_rows),
    }
    assert 3 in flagged and 4 in flagged

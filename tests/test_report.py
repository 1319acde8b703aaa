"""The report workbook, read back with openpyxl.

Findings of the renewal, revocation and follow-up categories are built by hand
with stand-in rules (codes RNW9xx, GRT9xx, INC9xx), so that these tests check
the report, not the rules, and do not change when a rule's wording does.
"""

from __future__ import annotations

import dataclasses
import hashlib
import os
import re
import zipfile
from collections.abc import Callable, Iterator
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from openpyxl.worksheet.worksheet import Worksheet

from reporter import files
from reporter.delivery import report_file
from reporter.delivery.report_file import summary_lines
from reporter.engine import count_rows, urgency_key
from reporter.errors import EXIT_OUTPUT, OutputError
from reporter.model import Finding, Severity
from reporter.output.flat import flatten, most_urgent
from reporter.output.workbook import sheet_names
from reporter.result import CheckResult, summarize
from reporter.rules import RULE_BY_CODE
from reporter.rules.base import Rule
from tests.conftest import AS_OF, write_report

SHEETS = {
    "ja": ["概要", "更新期限", "権限取消", "通知対応", "台帳の問題", "ルール一覧"],
    "en": ["Summary", "Renewals", "Revocations", "Follow-ups", "Register problems", "Rules"],
}
FINDING_HEADERS = {
    "ja": [
        "重大度",
        "コード",
        "内容",
        "対象ID",
        "担当者",
        "期限",
        "超過日数",
        "状況",
        "場所",
        "詳細",
        "次の対応",
        "除外(理由)",
    ],
    "en": [
        "Severity",
        "Code",
        "Title",
        "Record ID",
        "Owner",
        "Due",
        "Days overdue",
        "Status",
        "Sheet/cell",
        "Message",
        "Next action",
        "Excepted (reason)",
    ],
}
PROBLEM_HEADERS = {
    "ja": [
        "重大度",
        "コード",
        "内容",
        "シート",
        "行",
        "セル",
        "対象ID",
        "担当者",
        "期限",
        "超過日数",
        "状況",
        "詳細",
        "次の対応",
        "除外(理由)",
    ],
    "en": [
        "Severity",
        "Code",
        "Title",
        "Sheet",
        "Row",
        "Cell",
        "Record ID",
        "Owner",
        "Due",
        "Days overdue",
        "Status",
        "Message",
        "Next action",
        "Excepted (reason)",
    ],
}
HEADER_ROW = 2  # 1-based: a title line, then the table's header
FIRST_DATA_ROW = 3

KEY = {
    "キーID": "K-1",
    "種類": "その他",
    "発行日": date(2026, 10, 1),
    "担当者": "佐藤",
    "副担当": "鈴木",
}
FAKE_TOKEN = "Atzr|IwEBIFAKEsampleNOTaREALtoken0123456789abcdefXYZ"
PAYLOADS = [
    '=HYPERLINK("http://evil","x")',
    "+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(A1)",
    "http://example.com",
]


def _stand_in(code: str, severity: Severity, title: str) -> Rule:
    return Rule(
        code=code,
        severity=severity,
        sheets=(),
        columns={},
        title={"ja": title, "en": title},
        message={"ja": "{record_id} の{what}", "en": "{what} for {record_id}"},
        action={"ja": "{step}", "en": "{step}"},
        check=lambda ctx: iter(()),
    )


@pytest.fixture
def stand_in_rules(monkeypatch: pytest.MonkeyPatch) -> None:
    for code, severity, title in (
        ("RNW901", Severity.ERROR, "期限切れ"),
        ("RNW902", Severity.WARNING, "期限間近"),
        ("RNW903", Severity.INFO, "副担当なし"),
        ("GRT901", Severity.ERROR, "解約済みツールの権限"),
        ("INC901", Severity.ERROR, "返信期限切れ"),
    ):
        monkeypatch.setitem(RULE_BY_CODE, code, _stand_in(code, severity, title))


def finding(code: str, severity: Severity, row: int, record_id: str, **kw: Any) -> Finding:
    sheet = {"RNW": "keys", "GRT": "grants", "INC": "notices"}[code[:3]]
    step = kw.pop("step", "RMSでキーを再発行する")
    return Finding(
        code=code,
        severity=severity,
        sheet=sheet,
        row=row,
        column="D",
        record_id=record_id,
        params={"what": kw.pop("what", "キーの期限"), "step": step},
        owner=kw.pop("owner", "佐藤"),
        sheet_name={"keys": "キー", "grants": "権限", "notices": "通知"}[sheet],
        **kw,
    )


def with_findings(result: CheckResult, extra: list[Finding]) -> CheckResult:
    """``result`` plus hand-made findings, sorted and counted the way the engine does."""
    findings = sorted([*result.findings, *extra], key=urgency_key)
    return dataclasses.replace(
        result, findings=findings, rows=count_rows(result.register, findings)
    )


RENEWALS = [
    # (code, severity, row, id, due offset from as_of, excepted reason)
    ("RNW902", Severity.WARNING, 3, "K-2", 5, None),
    ("RNW901", Severity.ERROR, 4, "K-3", -3, None),
    ("RNW901", Severity.ERROR, 5, "K-4", -40, None),
    ("RNW903", Severity.INFO, 6, "K-5", None, None),
    ("RNW901", Severity.ERROR, 7, "K-6", -90, "更新手続き中(承認済み)"),
]


@pytest.fixture
def full_result(run_check: Callable[..., CheckResult], stand_in_rules: None) -> CheckResult:
    """A register with findings in every category: stand-ins plus the real DAT/SEC rules."""
    keys = [{**KEY, "キーID": f"K-{n}"} for n in range(1, 8)]
    keys.append({**KEY, "キーID": "K-8", "種類": "ふしぎなキー"})  # DAT005
    result = run_check(keys=keys)
    extra = [
        finding(
            code,
            severity,
            row,
            rid,
            due=AS_OF + timedelta(days=d) if d is not None else None,
            exception=reason,
        )
        for code, severity, row, rid, d, reason in RENEWALS
    ]
    extra.append(finding("GRT901", Severity.ERROR, 2, "G-1", what="権限", step="取り消す"))
    extra.append(
        finding(
            "INC901",
            Severity.ERROR,
            2,
            "N-1",
            due=AS_OF - timedelta(days=1),
            what="返信",
            step="返信する。大口出品: メール・電話・チャット。不足書類: 請求書",
        )
    )
    return with_findings(result, extra)


def write(result: CheckResult, folder: Path, lang: str = "ja") -> Path:
    return write_report(result, folder, lang)


def visible(wb: openpyxl.Workbook) -> list[Worksheet]:
    """The sheets a reader sees (the hidden history sheet is tested in test_history.py)."""
    return [ws for ws in wb.worksheets if ws.sheet_state == "visible"]


def cells(ws: Worksheet) -> Iterator[Any]:
    for row in ws.iter_rows():
        yield from row


def table_rows(ws: Worksheet) -> list[dict[str, Any]]:
    """The data rows of the sheet's table, as {header: value}."""
    (table,) = ws.tables.values()
    rows = list(ws[table.ref])
    headers = [c.value for c in rows[0]]
    return [dict(zip(headers, (c.value for c in row), strict=True)) for row in rows[1:]]


# --- sheets, tables, dates, order ------------------------------------------


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_sheets_have_the_names_of_the_language(
    full_result: CheckResult, tmp_path: Path, lang: str
) -> None:
    path = write(full_result, tmp_path, lang)
    wb = openpyxl.load_workbook(path)
    assert [ws.title for ws in visible(wb)] == SHEETS[lang] == sheet_names(lang)
    assert wb.sheetnames == [*SHEETS[lang], "_history"]  # the history, hidden, last


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_each_findings_sheet_is_a_table_with_frozen_header(
    full_result: CheckResult, tmp_path: Path, lang: str
) -> None:
    wb = openpyxl.load_workbook(write(full_result, tmp_path, lang))
    for name in SHEETS[lang][1:5]:
        ws = wb[name]
        assert len(ws.tables) == 1, name
        (table,) = ws.tables.values()
        assert table.ref.startswith(f"A{HEADER_ROW}:")
        assert table.autoFilter is not None  # the filter buttons
        assert table.headerRowCount in (None, 1)
        expected = PROBLEM_HEADERS[lang] if name == SHEETS[lang][4] else FINDING_HEADERS[lang]
        assert [c.name for c in table.tableColumns] == expected
        assert [c.value for c in ws[HEADER_ROW]][: len(expected)] == expected
        assert ws.freeze_panes == f"A{FIRST_DATA_ROW}"


def test_every_row_carries_owner_code_and_severity(
    full_result: CheckResult, tmp_path: Path
) -> None:
    wb = openpyxl.load_workbook(write(full_result, tmp_path))
    renewals = table_rows(wb["更新期限"])
    assert len(renewals) == len(RENEWALS)
    assert all(r["担当者"] == "佐藤" and r["コード"].startswith("RNW") for r in renewals)
    assert {r["重大度"] for r in renewals} == {"エラー", "警告", "情報"}
    (follow_up,) = table_rows(wb["通知対応"])
    assert "不足書類: 請求書" in follow_up["次の対応"]
    problems = table_rows(wb["台帳の問題"])
    dat005 = next(r for r in problems if r["コード"] == "DAT005")
    assert (dat005["シート"], dat005["行"], dat005["セル"]) == ("キー", 9, "B9")


def test_due_dates_are_real_dates_and_days_overdue_numbers(
    full_result: CheckResult, tmp_path: Path
) -> None:
    ws = openpyxl.load_workbook(write(full_result, tmp_path))["更新期限"]
    due_col, days_col = 6, 7
    seen = 0
    for row in ws.iter_rows(min_row=FIRST_DATA_ROW):
        due, days = row[due_col - 1], row[days_col - 1]
        if due.value is None:
            assert days.value is None  # blank when there is no due date
            continue
        seen += 1
        assert isinstance(due.value, datetime)
        assert due.is_date and due.number_format == "yyyy-mm-dd"
        assert days.data_type == "n"
        assert days.value == (AS_OF - due.value.date()).days
    assert seen == 4


def test_renewals_most_overdue_first_excepted_last(
    full_result: CheckResult, tmp_path: Path
) -> None:
    rows = table_rows(openpyxl.load_workbook(write(full_result, tmp_path))["更新期限"])
    assert [r["対象ID"] for r in rows] == ["K-4", "K-3", "K-2", "K-5", "K-6"]
    assert rows[-1]["除外(理由)"] == "更新手続き中(承認済み)"
    assert all(r["除外(理由)"] is None for r in rows[:-1])


def test_rows_are_coloured_by_severity(full_result: CheckResult, tmp_path: Path) -> None:
    ws = openpyxl.load_workbook(write(full_result, tmp_path))["更新期限"]
    fills = {}
    for row in ws.iter_rows(min_row=FIRST_DATA_ROW):
        fills.setdefault(row[0].value, set()).update(c.fill.fgColor.rgb for c in row)
    assert fills == {"エラー": {"FFF8D7DA"}, "警告": {"FFFFF2CC"}, "情報": {"FFDDEBF7"}}


def test_empty_category_sheet_keeps_its_table_and_says_nothing_was_found(
    full_result: CheckResult, tmp_path: Path
) -> None:
    kept = [f for f in full_result.findings if f.code[:3] not in ("GRT", "INC")]
    result = with_findings(dataclasses.replace(full_result, findings=[]), kept)
    wb = openpyxl.load_workbook(write(result, tmp_path, "en"))
    for name in ("Revocations", "Follow-ups"):
        ws = wb[name]
        (table,) = ws.tables.values()
        assert table.ref == f"A{HEADER_ROW}:L{FIRST_DATA_ROW}"  # header + the one note row
        assert [c.value for c in ws[HEADER_ROW]] == FINDING_HEADERS["en"]
        assert ws.cell(FIRST_DATA_ROW, 1).value == "Nothing found."
        assert "0 finding(s)" in ws.cell(1, 1).value
    assert len(table_rows(wb["Renewals"])) == len(RENEWALS)


@pytest.mark.usefixtures("stand_in_rules")
def test_empty_report_opens_with_every_table(
    run_check: Callable[..., CheckResult], tmp_path: Path
) -> None:
    result = run_check(keys=[KEY])
    empty = dataclasses.replace(result, findings=[], rows=count_rows(result.register, []))
    wb = openpyxl.load_workbook(write(empty, tmp_path, "ja"))
    for name in SHEETS["ja"][1:5]:
        ws = wb[name]
        assert len(ws.tables) == 1
        assert ws.cell(FIRST_DATA_ROW, 1).value == "該当する指摘はありません。"
    summary = wb["概要"]
    texts = [c.value for c in cells(summary) if isinstance(c.value, str)]
    assert "対応が必要なエラー・警告はありません。" in texts


def test_rules_sheet_lists_every_rule_with_its_values_in_words(
    full_result: CheckResult, tmp_path: Path
) -> None:
    from reporter import i18n
    from reporter.output.catalogue import entries
    from reporter.output.workbook.rules_sheet import fact_label_key

    ws = openpyxl.load_workbook(write(full_result, tmp_path, "en"))["Rules"]
    rows = table_rows(ws)
    assert list(rows[0]) == [
        "Code",
        "Severity",
        "Title",
        "Sheets read",
        "Values in force",
        "Source",
        "Checked",
    ]
    catalogue = entries(full_result.settings, "en")
    # One row per rule, in code order.
    assert [r["Code"] for r in rows] == [e.code for e in catalogue]
    by_code = {e.code: e for e in catalogue}
    for row in rows:
        entry = by_code[row["Code"]]
        assert row["Severity"] == entry.severity  # the English label is the code
        procedures = ("where.", "support_evidence", "support_urgent_warning")
        values = [p for p in entry.parameters if not p.name.startswith(procedures)]
        shown = (row["Values in force"] or "").splitlines()
        assert len(shown) == len(values), row
        for parameter, line in zip(values, shown, strict=True):
            assert parameter.name not in line  # words, never the internal key
            key = fact_label_key(parameter.name)
            assert key is not None, parameter.name
            template = i18n.TEXTS[key]["en"]
            if "{value}" in template:
                assert parameter.value in line, line
        if row["Checked"] is not None:  # a real date: the oldest check of the row's values
            assert row["Checked"].date().isoformat() == min(p.checked for p in values)
    assert not ws._hyperlinks


def test_the_rules_sheet_says_each_value_in_words_in_japanese(
    full_result: CheckResult, tmp_path: Path
) -> None:
    ws = openpyxl.load_workbook(write(full_result, tmp_path, "ja"))["ルール一覧"]
    text = "\n".join(str(c.value) for row in ws.iter_rows() for c in row if c.value)
    assert "楽天ライセンスキーの有効期間: 90日" in text
    for internal in ("validity_days.", "where.", "support_channels.", "_days"):
        assert internal not in text


def test_every_platform_value_has_words() -> None:
    from reporter.output.workbook.rules_sheet import fact_label_key
    from reporter.platform import load_settings

    unnamed = [
        f.name
        for f in load_settings().facts()
        if not f.name.startswith("where.") and fact_label_key(f.name) is None
    ]
    assert unnamed == []  # add a xl_fact_ text in reporter/messages/rules_sheet.toml


# --- print settings ------------------------------------------------------------


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_every_sheet_prints_a4_landscape_one_page_wide(
    full_result: CheckResult, tmp_path: Path, lang: str
) -> None:
    wb = openpyxl.load_workbook(write(full_result, tmp_path, lang))
    for ws in visible(wb):  # the hidden history sheet is never printed
        setup = ws.page_setup
        assert setup.orientation == "landscape", ws.title
        assert int(setup.paperSize) == 9  # A4
        assert ws.sheet_properties.pageSetUpPr.fitToPage
        assert int(setup.fitToWidth or 1) == 1  # 1 is the file format's default
        assert int(setup.fitToHeight) == 0  # as many pages tall as needed
        assert ws.print_title_rows == ("$1:$1" if ws.title == SHEETS[lang][0] else "$2:$2")
        footer = ws.oddFooter
        assert "2026-11-30" in footer.left.text
        assert footer.right.text == "&P / &N"


# --- summary -----------------------------------------------------------------


def _find(ws: Worksheet, value: Any) -> tuple[int, int]:
    for cell in cells(ws):
        if cell.value == value:
            return cell.row, cell.column
    raise AssertionError(f"{value!r} not on {ws.title}")


def test_summary_shows_date_register_and_sha256(full_result: CheckResult, tmp_path: Path) -> None:
    ws = openpyxl.load_workbook(write(full_result, tmp_path))["概要"]
    digest = hashlib.sha256(full_result.path.read_bytes()).hexdigest()
    row, col = _find(ws, "SHA-256")
    assert ws.cell(row, col + 1).value == digest
    row, col = _find(ws, "台帳ファイル")
    assert ws.cell(row, col + 1).value == full_result.path.name
    row, col = _find(ws, "基準日")
    as_of = ws.cell(row, col + 1)
    assert as_of.is_date and as_of.value.date() == AS_OF


def test_summary_counts_and_reconciliation_add_up(full_result: CheckResult, tmp_path: Path) -> None:
    ws = openpyxl.load_workbook(write(full_result, tmp_path, "en"))["Summary"]
    summary = summarize(full_result)
    row, col = _find(ws, "Category")
    assert [ws.cell(row, c).value for c in range(col, col + 5)] == [
        "Category",
        "error",
        "warning",
        "info",
        "Total",
    ]
    renewals = [ws.cell(row + 1, c).value for c in range(col, col + 5)]
    assert renewals == ["Renewals", 2, 1, 1, 4]  # the excepted one not counted
    total_row = row + 6
    assert ws.cell(total_row, col).value == "Total"
    assert ws.cell(total_row, col + 4).value == summary.total
    row, col = _find(ws, "Excepted findings")
    assert ws.cell(row, col + 1).value == summary.excepted == 1

    row, col = _find(ws, "Rows read")
    assert [ws.cell(row, c).value for c in range(col - 1, col + 3)] == [
        "Sheet",
        "Rows read",
        "Clean",
        "With findings",
    ]
    seen = {}
    r = row + 1
    while ws.cell(r, col - 1).value != "Total":
        name, read, clean, flagged = (ws.cell(r, c).value for c in range(col - 1, col + 3))
        assert read == clean + flagged, name
        seen[name] = (read, clean, flagged)
        r += 1
    expected = {
        full_result.register.sheets[key].name: (c.read, c.clean, c.with_findings)
        for key, c in full_result.rows.items()
    }
    assert seen == expected
    assert seen["キー"] == (8, 2, 6)  # K-1, K-7 clean; K-2..K-6 stand-ins; K-8 DAT005
    totals = [ws.cell(r, c).value for c in range(col, col + 3)]
    assert totals == [sum(v[i] for v in seen.values()) for i in range(3)]


def test_summary_lists_the_most_urgent_actions_first(
    full_result: CheckResult, tmp_path: Path
) -> None:
    ws = openpyxl.load_workbook(write(full_result, tmp_path, "en"))["Summary"]
    row, _ = _find(ws, "Most urgent actions (top 10)")
    header = [ws.cell(row + 1, c).value for c in range(1, 8)]
    # What, where, by when, who and what to do; the full message is on the finding's sheet.
    assert header == ["Severity", "Code", "Due", "Owner", "Sheet/cell", "Title", "Next action"]
    expected = most_urgent(flatten(full_result, "en"), 10)
    listed = [
        (ws.cell(r, 2).value, ws.cell(r, 5).value) for r in range(row + 2, row + 2 + len(expected))
    ]
    assert listed == [(e.code, f"{e.sheet_name}!{e.cell}") for e in expected]
    # The most overdue key comes first, and the excepted one is not listed.
    assert ws.cell(row + 2, 3).value.date() == AS_OF - timedelta(days=40)
    assert [ws.cell(r, 6).value for r in range(row + 2, row + 2 + len(expected))] == [
        e.title for e in expected
    ]
    excepted = {f"{r.sheet_name}!{r.cell}" for r in flatten(full_result, "en") if r.excepted}
    assert excepted and not excepted & {place for _, place in listed}


def test_summary_lists_skipped_rules_with_the_reason(
    run_check: Callable[..., CheckResult], tmp_path: Path
) -> None:
    from tests.conftest import HEADERS

    sheets = {name: [headers] for name, headers in HEADERS.items() if name != "通知"}
    result = run_check(sheets=sheets)
    ws = openpyxl.load_workbook(write(result, tmp_path, "en"))["Summary"]
    row, _ = _find(ws, "Rules not run")
    listed = {ws.cell(r, 1).value: ws.cell(r, 2).value for r in range(row + 2, row + 2 + 40)}
    for skipped in result.skipped:
        assert listed[skipped.code] == skipped.reason["en"]


def test_summary_chart_is_a_stacked_bar_beside_the_tables(
    full_result: CheckResult, tmp_path: Path
) -> None:
    path = write(full_result, tmp_path)
    with zipfile.ZipFile(path) as archive:
        chart = archive.read("xl/charts/chart1.xml").decode()
        drawing = archive.read("xl/drawings/drawing1.xml").decode()
    assert '<c:barDir val="bar"/>' in chart and '<c:grouping val="stacked"/>' in chart
    # Error red, warning amber, info blue, in that order.
    assert re.findall(r'<a:srgbClr val="(C0392B|F0A30A|2E75B6)"', chart)[:3] == [
        "C0392B",
        "F0A30A",
        "2E75B6",
    ]
    # Anchored right of the counts and reconciliation tables (columns A-E), and
    # ending above the rules-not-run and top-10 sections.
    start_col, start_row, end_row = (
        int(re.search(p, drawing, re.S).group(1))
        for p in (
            r"<xdr:from><xdr:col>(\d+)</xdr:col>",
            r"<xdr:from>.*?<xdr:row>(\d+)</xdr:row>",
            r"<xdr:to>.*?<xdr:row>(\d+)</xdr:row>",
        )
    )
    assert start_col >= 5
    ws = openpyxl.load_workbook(path)["概要"]
    skipped_row, _ = _find(ws, "実行できなかったルール")
    assert start_row >= 7 and end_row < skipped_row - 1  # 0-based rows in the drawing


# --- safe output -------------------------------------------------------------


@pytest.fixture
def hostile_result(run_check: Callable[..., CheckResult]) -> CheckResult:
    """Register cells typed to become formulas or links, and a secret in a memo and an owner."""
    keys = [
        {**KEY, "キーID": payload, "種類": payload, "メモ": f"{FAKE_TOKEN}{n}"}
        for n, payload in enumerate(PAYLOADS)
    ]
    keys.append({**KEY, "キーID": "K-9", "担当者": FAKE_TOKEN})
    return run_check(keys=keys)


def test_formula_like_register_text_stays_text(hostile_result: CheckResult, tmp_path: Path) -> None:
    path = write(hostile_result, tmp_path)
    wb = openpyxl.load_workbook(path)
    found: dict[str, list[Any]] = {p: [] for p in PAYLOADS}
    for ws in wb.worksheets:
        for cell in cells(ws):
            assert cell.data_type != "f", cell.coordinate
            assert cell.hyperlink is None
            if cell.value in found:
                found[cell.value].append(cell)
    for payload, hits in found.items():
        assert hits, f"{payload!r} should appear as a record id"
        for cell in hits:
            assert cell.data_type == "s"
            assert cell.quotePrefix is payload.startswith(("=", "+", "-", "@")), payload


def test_no_formula_or_hyperlink_anywhere_in_the_file(
    hostile_result: CheckResult, tmp_path: Path
) -> None:
    path = write(hostile_result, tmp_path)
    wb = openpyxl.load_workbook(path)
    assert all(not ws._hyperlinks for ws in wb.worksheets)
    with zipfile.ZipFile(path) as archive:
        for name in archive.namelist():
            data = archive.read(name).decode("utf-8", "replace")
            if name.startswith("xl/worksheets/sheet"):
                assert "<f>" not in data and "<f " not in data, name
                assert "<hyperlink" not in data, name
            if name.endswith(".rels"):
                assert "relationships/hyperlink" not in data, name


def test_no_secret_appears_unmasked(hostile_result: CheckResult, tmp_path: Path) -> None:
    assert any(f.code == "SEC001" for f in hostile_result.findings)
    secret_core = FAKE_TOKEN[5:25]  # any readable stretch of the token is a leak
    for lang in ("ja", "en"):
        path = write_report(hostile_result, tmp_path / lang, lang)
        wb = openpyxl.load_workbook(path)
        for ws in wb.worksheets:
            for cell in cells(ws):
                assert secret_core not in str(cell.value or ""), (ws.title, cell.coordinate)
        with zipfile.ZipFile(path) as archive:
            for name in archive.namelist():
                data = archive.read(name)
                assert secret_core.encode() not in data, name
                assert b"Atzr|IwEB" not in data, name
        joined = "\n".join(summary_lines(hostile_result, lang, path))
        assert secret_core not in joined


# --- writing the file --------------------------------------------------------


def test_default_name_carries_the_as_of_date(
    full_result: CheckResult, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    name = "register-report-2026-11-30.xlsx"
    # --out an existing folder
    assert write_report(full_result, tmp_path, "en") == tmp_path / name
    # --out a folder that does not exist yet, typed with a trailing separator
    new = tmp_path / "reports" / "2026"
    assert write_report(full_result, f"{new}{os.sep}", "ja") == new / name
    assert (new / name).is_file()
    # the config's output folder
    configured = tmp_path / "configured"
    assert write_report(full_result, None, "ja", output_dir=configured) == configured / name
    # nothing given: the current folder
    here = tmp_path / "here"
    here.mkdir()
    monkeypatch.chdir(here)
    assert write_report(full_result, None, "ja").resolve() == (here / name).resolve()
    # --out a file name
    chosen = tmp_path / "月次レポート.xlsx"
    assert write_report(full_result, chosen, "ja") == chosen
    assert [ws.title for ws in visible(openpyxl.load_workbook(chosen))] == SHEETS["ja"]


def test_report_is_readable_by_others_like_a_normal_file(
    full_result: CheckResult, tmp_path: Path
) -> None:
    if os.name != "posix":
        pytest.skip("file modes are POSIX")
    umask = os.umask(0o022)
    try:
        path = write_report(full_result, tmp_path, "ja")
    finally:
        os.umask(umask)
    assert path.stat().st_mode & 0o777 == 0o644


def test_failed_replace_keeps_the_old_report_and_leaves_no_temp_file(
    full_result: CheckResult, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "reports"
    folder.mkdir()
    target = folder / "register-report-2026-11-30.xlsx"
    target.write_bytes(b"last month's report")

    def locked(src: Any, dst: Any) -> None:
        raise PermissionError(13, "Permission denied", str(dst))  # Excel holds it open

    monkeypatch.setattr(files.os, "replace", locked)
    with pytest.raises(OutputError) as caught:
        write_report(full_result, folder, "ja")
    assert caught.value.key == "report_unwritable"
    assert caught.value.exit_code == EXIT_OUTPUT == 3
    assert target.read_bytes() == b"last month's report"
    assert [p.name for p in folder.iterdir()] == [target.name]
    message = caught.value.render("ja")
    assert "\n" not in message and "閉じて" in message
    assert "close it" in caught.value.render("en")


def test_failure_while_writing_leaves_no_temp_file(
    full_result: CheckResult, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def disk_full(*args: Any, **kwargs: Any) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(report_file, "write_workbook", disk_full)
    folder = tmp_path / "reports"
    with pytest.raises(OutputError) as caught:
        write_report(full_result, folder, "en")
    assert caught.value.exit_code == 3
    assert "No space left" in caught.value.render("en")
    assert list(folder.iterdir()) == []


def test_refuses_to_write_over_the_register(full_result: CheckResult, tmp_path: Path) -> None:
    register = full_result.path
    before = register.read_bytes()
    with pytest.raises(OutputError) as caught:
        write_report(full_result, register, "ja")
    assert caught.value.key == "report_is_register"
    assert caught.value.exit_code == 3
    # The same file by another spelling of its path.
    other = register.parent / "." / ".." / register.parent.name / register.name
    with pytest.raises(OutputError):
        write_report(full_result, other, "en")
    assert register.read_bytes() == before


def test_refuses_a_register_that_has_the_report_name(
    full_result: CheckResult, tmp_path: Path
) -> None:
    folder = tmp_path / "shared"
    folder.mkdir()
    register = folder / "register-report-2026-11-30.xlsx"
    register.write_bytes(full_result.path.read_bytes())
    moved = dataclasses.replace(
        full_result, register=dataclasses.replace(full_result.register, path=str(register))
    )
    with pytest.raises(OutputError) as caught:
        write_report(moved, None, "ja", output_dir=folder)
    assert caught.value.key == "report_is_register"
    assert register.read_bytes() == full_result.path.read_bytes()


def test_refuses_a_hard_link_to_the_register(full_result: CheckResult, tmp_path: Path) -> None:
    link = tmp_path / "link.xlsx"
    try:
        os.link(full_result.path, link)
    except OSError:
        pytest.skip("no hard links here")
    with pytest.raises(OutputError):
        write_report(full_result, link, "ja")


def test_unwritable_folder_is_exit_3(full_result: CheckResult, tmp_path: Path) -> None:
    folder = tmp_path / "readonly"
    folder.mkdir()
    folder.chmod(0o500)
    try:
        if os.access(folder, os.W_OK):
            pytest.skip("running as a user who can write anywhere (root)")
        with pytest.raises(OutputError) as caught:
            write_report(full_result, folder, "en")
        assert caught.value.exit_code == 3
        assert caught.value.key == "report_unwritable"
        assert str(folder) in caught.value.render("en")
        assert list(folder.iterdir()) == []
    finally:
        folder.chmod(0o700)


def test_folder_that_cannot_be_created_is_exit_3(full_result: CheckResult, tmp_path: Path) -> None:
    # Works as root too: a file stands where the folder should be.
    blocker = tmp_path / "reports"
    blocker.write_bytes(b"not a folder")
    with pytest.raises(OutputError) as caught:
        write_report(full_result, blocker / "2026", "ja")
    assert caught.value.exit_code == 3
    assert caught.value.key == "report_unwritable"
    assert blocker.read_bytes() == b"not a folder"


def test_permission_denied_on_a_new_report_suggests_another_folder(
    full_result: CheckResult, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def denied(*args: Any, **kwargs: Any) -> tuple[int, str]:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(files.tempfile, "mkstemp", denied)
    with pytest.raises(OutputError) as caught:
        write_report(full_result, tmp_path / "out", "en")
    assert caught.value.exit_code == 3
    assert "--out" in caught.value.render("en")
    assert "--out" in caught.value.render("ja")


def test_out_naming_an_existing_folder_ending_in_xlsx(
    full_result: CheckResult, tmp_path: Path
) -> None:
    folder = tmp_path / "odd.xlsx"
    folder.mkdir()
    assert write_report(full_result, folder, "ja") == folder / "register-report-2026-11-30.xlsx"


# --- terminal summary -------------------------------------------------------


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_summary_lines_say_where_how_many_and_what_first(
    full_result: CheckResult, tmp_path: Path, lang: str
) -> None:
    path = write_report(full_result, tmp_path, lang)
    lines = summary_lines(full_result, lang, path)
    assert str(path) in lines[0]
    text = "\n".join(lines)
    if lang == "ja":
        assert "更新期限: エラー 2件 / 警告 1件 / 情報 1件" in text
        assert "除外中(承認済み): 1件" in text
    else:
        assert "Renewals: 2 error(s), 1 warning(s), 1 info" in text
        assert "Excepted (accepted by the team): 1" in text
    top = [line for line in lines if re.match(r"\s+\d\. ", line)]
    expected = most_urgent(flatten(full_result, lang), 3)
    assert len(top) == 3
    for line, row in zip(top, expected, strict=True):
        assert row.code in line and row.action in line
    assert "K-4" in top[0]  # the most overdue renewal


def test_as_of_date_is_the_report_date_not_today(
    run_check: Callable[..., CheckResult], tmp_path: Path
) -> None:
    result = run_check(as_of=date(2025, 1, 31), keys=[KEY])
    path = write_report(result, tmp_path, "ja")
    assert path.name == "register-report-2025-01-31.xlsx"


def test_workbook_writer_reports_os_errors_as_oserror(
    full_result: CheckResult, tmp_path: Path
) -> None:
    from reporter.output.workbook import write_workbook

    with pytest.raises(FileNotFoundError):
        write_workbook(full_result, tmp_path / "missing" / "r.xlsx", "ja", "r.xlsx", "0" * 64)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("K-001", 5),
        ("キーK-1", 7),  # full-width kana count two, ASCII one
        ("ｷｰ", 2),  # half-width kana count one
        ("楽天🍣", 6),  # outside JIS: still two for the emoji
        ("𠮷野家", 6),
    ],
)
def test_column_widths_count_japanese_characters_double(text: str, expected: int) -> None:
    from reporter.text_width import display_width

    assert display_width(text) == expected


def test_the_report_is_written_from_the_findings_alone(tmp_path: Path) -> None:
    # `reporter report` lets go of the register's rows before writing (a 1M-row
    # register needs that memory): the workbook must come out the same.
    from reporter.api import check

    sample = Path(__file__).resolve().parent.parent / "sample_data" / "register.xlsx"
    result = check(sample, as_of=date(2026, 11, 30))
    with_rows = write_report(result, tmp_path / "with-rows.xlsx", "ja")
    result.release_rows()
    assert all(not sheet.records for sheet in result.register.sheets.values())
    without_rows = write_report(result, tmp_path / "without-rows.xlsx", "ja")

    def contents(path: Path) -> dict[str, list[Any]]:
        workbook = openpyxl.load_workbook(path)
        return {ws.title: [c.value for c in cells(ws)] for ws in workbook.worksheets}

    assert contents(with_rows) == contents(without_rows)
    assert (
        summary_lines(result, "ja", without_rows)[1:] == summary_lines(result, "ja", with_rows)[1:]
    )

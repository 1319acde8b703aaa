"""Changes since last month: the hidden history sheet, finding the previous report, comparing.

The story: the October report is written from a register; in November one
problem is fixed, another appears, and a row is inserted above the others (rows
move, ids do not). The November report, written into the same folder, finds
October's on its own and tells new, still open and resolved apart.
"""

from __future__ import annotations

import dataclasses
import json
import shutil
import zipfile
from collections.abc import Callable, Iterator
from datetime import date, datetime
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from openpyxl.worksheet.worksheet import Worksheet
from typer.testing import CliRunner

from reporter.api import check, monthly_report, report_target
from reporter.comparison import (
    FINDING_FIELDS,
    FORMAT_VERSION,
    HISTORY_SHEET,
    Comparison,
    Entry,
    Previous,
    TrendPoint,
    compare,
    finding_key,
    months_open,
)
from reporter.config import Config
from reporter.delivery.history import find_previous, read_previous
from reporter.delivery.report_file import summary_lines
from reporter.errors import EXIT_INPUT, InputError
from reporter.model import Category, Finding, Severity
from reporter.output.workbook import history_sheet
from reporter.result import CheckResult
from tests.test_report import FAKE_TOKEN, PAYLOADS, table_rows

OCT = date(2026, 10, 31)
NOV = date(2026, 11, 30)
SEP = date(2026, 9, 30)

KEY = {
    "キーID": "K-1",
    "種類": "その他",
    "発行日": date(2026, 9, 1),
    "担当者": "佐藤",
    "副担当": "鈴木",
}
CLEAN = KEY
EXPIRED = {**KEY, "キーID": "K-3", "有効期限": date(2026, 9, 20)}  # RNW001 in every month here
BAD_KIND = {**KEY, "キーID": "K-2", "種類": "ふしぎなキー"}  # DAT005, fixed in November
NEW_BAD = {**KEY, "キーID": "K-4", "種類": "へんなキー"}  # DAT005, new in November
INSERTED = {**KEY, "キーID": "K-0"}  # a row added above the others in November

OCTOBER_KEYS = [CLEAN, BAD_KIND, EXPIRED]
NOVEMBER_KEYS = [INSERTED, CLEAN, {**BAD_KIND, "種類": "その他"}, EXPIRED, NEW_BAD]


@pytest.fixture
def month(make_register: Callable[..., Path]) -> Callable[..., CheckResult]:
    """Check a register with these key rows as of ``as_of`` (a new register file each time)."""

    def run(as_of: date, keys: list[dict[str, Any]]) -> CheckResult:
        return check(make_register(keys=keys), as_of=as_of)

    return run


def write_month(
    result: CheckResult, folder: Path, lang: str = "ja", previous: Path | None = None
) -> Path:
    """What `reporter report --out folder [--previous FILE]` does."""
    return monthly_report(result, folder, lang=lang, previous=previous).path


def previous_for(
    result: CheckResult,
    previous: Path | None,
    out: Path | None,
    output_dir: Path | None,
) -> Previous | None:
    """The report `reporter report --out OUT [--previous FILE]` compares with."""
    config = Config(output_dir=str(output_dir)) if output_dir is not None else None
    folder = report_target(result.as_of, out, config).parent
    return find_previous(result.as_of, previous, folder)


def find(ws: Worksheet, value: Any) -> tuple[int, int]:
    for row in ws.iter_rows():
        for cell in row:
            if cell.value == value:
                return cell.row, cell.column
    raise AssertionError(f"{value!r} not on {ws.title}")


def right_of(ws: Worksheet, label: str) -> Any:
    row, col = find(ws, label)
    return ws.cell(row, col + 1).value


def cells(ws: Worksheet) -> Iterator[Any]:
    for row in ws.iter_rows():
        yield from row


def status_by_id(wb: openpyxl.Workbook, sheet: str) -> dict[str, str]:
    return {r["対象ID"]: r["状況"] for r in table_rows(wb[sheet])}


@pytest.fixture
def reports(month: Callable[..., CheckResult], tmp_path: Path) -> tuple[Path, Path]:
    """The October report, then the November one, written into the same folder."""
    folder = tmp_path / "reports"
    october = write_month(month(OCT, OCTOBER_KEYS), folder)
    november = write_month(month(NOV, NOVEMBER_KEYS), folder)
    return october, november


# --- the story ---------------------------------------------------------------------


def test_first_report_says_there_is_no_previous_one_and_all_is_new(
    reports: tuple[Path, Path],
) -> None:
    october, _ = reports
    wb = openpyxl.load_workbook(october)
    summary = wb["概要"]
    texts = [c.value for c in cells(summary)]
    # Said once, in the changes block: no "resolved" section to repeat it on a page of its own.
    assert texts.count("前回のレポートはありません(今回が最初)") == 1
    assert "解決済み(前回のレポートにあり、今回はない指摘)" not in texts
    assert right_of(summary, "継続") == 0
    assert right_of(summary, "解決済み") == 0
    assert right_of(summary, "新規") == 2
    assert set(status_by_id(wb, "更新期限").values()) == {"新規"}
    assert set(status_by_id(wb, "台帳の問題").values()) == {"新規"}


def test_november_marks_still_open_new_and_resolved(reports: tuple[Path, Path]) -> None:
    _, november = reports
    wb = openpyxl.load_workbook(november)
    # K-3 moved from row 4 to row 5, and is still the same finding.
    assert status_by_id(wb, "更新期限") == {"K-3": "継続(2か月)"}
    assert status_by_id(wb, "台帳の問題") == {"K-4": "新規"}

    summary = wb["概要"]
    previous_as_of = right_of(summary, "前回の基準日")
    assert isinstance(previous_as_of, datetime) and previous_as_of.date() == OCT
    assert right_of(summary, "前回のレポート") == "register-report-2026-10-31.xlsx"
    assert (right_of(summary, "新規"), right_of(summary, "継続")) == (1, 1)
    assert right_of(summary, "解決済み") == 1

    # The resolved list: the fixed K-2, with when it was first seen.
    row, _ = find(summary, "解決済み(前回のレポートにあり、今回はない指摘)")
    header = [summary.cell(row + 1, c).value for c in range(1, 8)]
    assert header == ["重大度", "コード", "初回検出", "担当者", "対象", "内容", "詳細"]
    resolved = [summary.cell(row + 2, c).value for c in range(1, 8)]
    assert resolved[1] == "DAT005" and resolved[4] == "K-2" and resolved[3] == "佐藤"
    assert resolved[2].date() == OCT
    assert summary.cell(row + 3, 2).value is None  # only one

    # The trend: two reports, oldest first, real dates, totals that add up.
    row, _ = find(summary, "件数の推移(直近2回・除外分を除く)")
    header = [summary.cell(row + 1, c).value for c in range(1, 6)]
    assert header == ["基準日", "エラー", "警告", "情報", "合計"]
    trend = [[summary.cell(r, c).value for c in range(1, 6)] for r in (row + 2, row + 3)]
    assert [t[0].date() for t in trend] == [OCT, NOV]
    assert all(t[1] + t[2] + t[3] == t[4] for t in trend)
    assert summary.cell(row + 4, 1).value is None


def test_the_trend_has_a_chart_of_its_own(reports: tuple[Path, Path]) -> None:
    _, november = reports
    with zipfile.ZipFile(november) as archive:
        charts = sorted(n for n in archive.namelist() if n.startswith("xl/charts/chart"))
        trend = archive.read(charts[-1]).decode()
    assert len(charts) == 2  # the counts bar, then the trend
    assert '<c:barDir val="col"/>' in trend and '<c:grouping val="stacked"/>' in trend


def test_november_history_carries_first_seen_and_two_trend_points(
    reports: tuple[Path, Path],
) -> None:
    _, november = reports
    previous = read_previous(november)
    assert previous.as_of == NOV
    by_id = {e.record_id: e for e in previous.entries}
    assert (by_id["K-3"].first_seen, by_id["K-3"].months_open) == (OCT, 2)
    assert (by_id["K-4"].first_seen, by_id["K-4"].months_open) == (NOV, 1)
    assert "K-2" not in by_id
    assert [p.as_of for p in previous.trend] == [OCT, NOV]


def test_summary_lines_say_what_changed(
    month: Callable[..., CheckResult], reports: tuple[Path, Path]
) -> None:
    october, november = reports
    result = month(NOV, NOVEMBER_KEYS)
    comparison = compare(result, read_previous(october))
    ja = "\n".join(summary_lines(result, "ja", november, comparison=comparison))
    assert "前回のレポート(基準日 2026-10-31)から: 新規 1件 / 継続 1件 / 解決 1件" in ja
    en = "\n".join(summary_lines(result, "en", november, comparison=compare(result, None)))
    assert "No previous report (this is the first one)" in en


def test_english_report_says_new_and_open(
    month: Callable[..., CheckResult], tmp_path: Path
) -> None:
    folder = tmp_path / "reports"
    write_month(month(OCT, OCTOBER_KEYS), folder, "en")
    wb = openpyxl.load_workbook(write_month(month(NOV, NOVEMBER_KEYS), folder, "en"))
    assert {r["Record ID"]: r["Status"] for r in table_rows(wb["Renewals"])} == {
        "K-3": "Open (2 months)"
    }
    assert {r["Record ID"]: r["Status"] for r in table_rows(wb["Register problems"])} == {
        "K-4": "New"
    }
    summary = wb["Summary"]
    assert right_of(summary, "Still open") == 1
    row, _ = find(summary, "Resolved (in the previous report, gone from this one)")
    assert summary.cell(row + 2, 5).value == "K-2"


# --- finding the previous report -----------------------------------------------------


def test_previous_file_overrides_the_folder_search(
    month: Callable[..., CheckResult], tmp_path: Path
) -> None:
    folder = tmp_path / "reports"
    september = write_month(month(SEP, OCTOBER_KEYS), tmp_path / "old")
    write_month(month(OCT, OCTOBER_KEYS), folder)
    november = month(NOV, NOVEMBER_KEYS)
    assert previous_for(november, None, folder, None).as_of == OCT  # the folder's newest
    chosen = previous_for(november, september, folder, None)
    assert chosen is not None and (chosen.as_of, chosen.path) == (SEP, september)

    wb = openpyxl.load_workbook(write_month(november, folder, previous=september))
    assert right_of(wb["概要"], "前回の基準日").date() == SEP
    # September's K-3 is still open in November: three monthly reports.
    assert status_by_id(wb, "更新期限") == {"K-3": "継続(3か月)"}


def test_folder_search_uses_the_folder_the_report_goes_to(
    month: Callable[..., CheckResult], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "reports"
    write_month(month(OCT, OCTOBER_KEYS), folder)
    november = month(NOV, NOVEMBER_KEYS)
    # --out a file in that folder, the config's output folder, the current folder.
    assert previous_for(november, None, folder / "月次.xlsx", None).as_of == OCT
    assert previous_for(november, None, None, folder).as_of == OCT
    monkeypatch.chdir(folder)
    assert previous_for(november, None, None, None).as_of == OCT
    assert previous_for(november, None, tmp_path / "elsewhere", None) is None


def test_corrupt_foreign_and_later_files_in_the_folder_are_passed_over(
    month: Callable[..., CheckResult], tmp_path: Path
) -> None:
    folder = tmp_path / "reports"
    october_result = month(OCT, OCTOBER_KEYS)
    write_month(october_result, folder)
    (folder / "register-report-2026-11-20.xlsx").write_bytes(b"PK\x03\x04 not really a zip")
    (folder / "register-report-2026-11-21.xlsx").write_bytes(b"")
    # A real workbook, but not a report: the register itself under a report's name.
    shutil.copy(october_result.path, folder / "register-report-2026-11-22.xlsx")
    # A report dated after this run, and one of the same date: neither is "previous".
    later = write_month(dataclasses.replace(october_result, as_of=date(2026, 12, 31)), folder)
    assert later.name == "register-report-2026-12-31.xlsx"
    write_month(month(NOV, OCTOBER_KEYS), folder)
    found = previous_for(month(NOV, NOVEMBER_KEYS), None, folder, None)
    assert found is not None and found.as_of == OCT


def test_no_report_in_the_folder_is_no_previous(
    month: Callable[..., CheckResult], tmp_path: Path
) -> None:
    result = month(NOV, NOVEMBER_KEYS)
    assert previous_for(result, None, tmp_path / "missing", None) is None
    (tmp_path / "register-report-2026-10-31.xlsx").write_text("not a workbook")
    assert previous_for(result, None, tmp_path, None) is None


@pytest.mark.parametrize(
    ("make", "key"),
    [
        (lambda folder: folder / "nothing-here.xlsx", "history_previous_missing"),
        (lambda folder: folder, "history_previous_folder"),
        (lambda folder: _write(folder / "notes.xlsx", b"hello"), "history_previous_not_report"),
    ],
)
def test_previous_that_is_not_a_report_is_exit_2(
    month: Callable[..., CheckResult], tmp_path: Path, make: Callable[[Path], Path], key: str
) -> None:
    result = month(NOV, NOVEMBER_KEYS)
    with pytest.raises(InputError) as caught:
        previous_for(result, make(tmp_path), tmp_path / "reports", None)
    assert caught.value.key == key
    assert caught.value.exit_code == EXIT_INPUT == 2
    for lang in ("ja", "en"):
        message = caught.value.render(lang)
        assert "\n" not in message and "{" not in message
        assert "--previous" in message


def test_previous_pointing_to_the_register_is_exit_2(
    month: Callable[..., CheckResult], tmp_path: Path
) -> None:
    result = month(NOV, NOVEMBER_KEYS)
    with pytest.raises(InputError) as caught:
        previous_for(result, result.path, tmp_path, None)
    assert caught.value.key == "history_previous_not_report"
    assert "reporter report" in caught.value.render("ja")


def test_previous_dated_after_this_run_is_exit_2(
    month: Callable[..., CheckResult], tmp_path: Path
) -> None:
    november = write_month(month(NOV, NOVEMBER_KEYS), tmp_path / "reports")
    with pytest.raises(InputError) as caught:
        previous_for(month(OCT, OCTOBER_KEYS), november, tmp_path, None)
    assert caught.value.key == "history_previous_not_earlier"
    assert "2026-11-30" in caught.value.render("en") and "2026-10-31" in caught.value.render("en")


def test_previous_from_a_newer_reporter_is_exit_2(
    month: Callable[..., CheckResult], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The report is written in a format 99, which this reader (format 2) does not know.
    monkeypatch.setattr(history_sheet, "FORMAT_VERSION", 99)
    october = write_month(month(OCT, OCTOBER_KEYS), tmp_path / "reports")
    result = month(NOV, NOVEMBER_KEYS)
    with pytest.raises(InputError) as caught:
        previous_for(result, october, tmp_path, None)
    assert caught.value.key == "history_previous_newer_format"
    assert previous_for(result, None, october.parent, None) is None  # passed over in a search


def _write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


# --- the hidden sheet ----------------------------------------------------------------


def test_history_sheet_is_hidden_and_holds_no_formula(reports: tuple[Path, Path]) -> None:
    _, november = reports
    wb = openpyxl.load_workbook(november)
    ws = wb[HISTORY_SHEET]
    assert ws.sheet_state == "hidden"
    assert wb.active.title == "概要"
    assert ws.protection.sheet  # guarded against a slip of the keyboard when unhidden
    kinds = {c.data_type for c in cells(ws) if c.value is not None}
    assert kinds <= {"s", "n", "d"}  # text, numbers and dates only
    assert ws["A1"].value == "reporter-history" and ws["B1"].value == FORMAT_VERSION
    first_seen = next(c for c in cells(ws) if c.is_date)
    assert first_seen.number_format == "yyyy-mm-dd"
    with zipfile.ZipFile(november) as archive:
        for name in archive.namelist():
            if name.startswith("xl/worksheets/sheet"):
                data = archive.read(name).decode()
                assert "<f>" not in data and "<f " not in data, name


def test_secrets_and_formula_text_stay_masked_and_matched_month_to_month(
    month: Callable[..., CheckResult], tmp_path: Path
) -> None:
    """Record ids that are secrets or formulas: masked/kept as text, and still the same finding."""
    keys = [{**KEY, "キーID": FAKE_TOKEN, "メモ": FAKE_TOKEN, "担当者": FAKE_TOKEN}]
    keys += [{**KEY, "キーID": p, "種類": p} for p in PAYLOADS]
    folder = tmp_path / "reports"
    write_month(month(OCT, keys), folder)
    november = write_month(month(NOV, keys), folder)
    secret_core = FAKE_TOKEN[5:25]
    with zipfile.ZipFile(november) as archive:
        for name in archive.namelist():
            assert secret_core.encode() not in archive.read(name), name
    wb = openpyxl.load_workbook(november)
    ws = wb[HISTORY_SHEET]
    texts = [c for c in cells(ws) if c.data_type == "s"]
    # One JSON array per finding: plain text to Excel, whatever its fields start with.
    fields = [f for c in texts if c.value.startswith("[") for f in json.loads(c.value)]
    assert any(isinstance(f, str) and f.startswith("****") for f in fields)  # masked id, owner
    assert set(PAYLOADS) <= set(fields)
    assert not any(c.value.startswith(("=", "+", "-", "@")) for c in texts)
    previous = read_previous(november)
    assert previous.entries and all(e.months_open == 2 for e in previous.entries)
    assert all(secret_core not in e.key for e in previous.entries)


def test_a_report_without_findings_still_carries_its_trend(
    month: Callable[..., CheckResult], tmp_path: Path
) -> None:
    folder = tmp_path / "reports"
    write_month(month(OCT, OCTOBER_KEYS), folder)
    november = write_month(month(NOV, [CLEAN]), folder)
    previous = read_previous(november)
    assert previous.entries == ()
    assert [p.as_of for p in previous.trend] == [OCT, NOV]
    assert previous.trend[-1].total == 0
    summary = openpyxl.load_workbook(november)["概要"]
    assert right_of(summary, "解決済み") == 2


# --- comparing, in small ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("first", "as_of", "months"),
    [
        (OCT, NOV, 2),
        (date(2026, 11, 1), NOV, 1),  # seen earlier the same month
        (date(2025, 12, 31), date(2026, 1, 31), 2),  # across the year
        (date(2025, 11, 30), NOV, 13),
        (NOV, OCT, 1),  # never below 1
    ],
)
def test_months_open_counts_calendar_months(first: date, as_of: date, months: int) -> None:
    assert months_open(first, as_of) == months


def _entry(code: str, record_id: str, column: str, first_seen: date = OCT) -> Entry:
    return Entry(
        key=finding_key(code, "keys", record_id, f"{column}2"),
        column=column,
        code=code,
        severity=Severity.ERROR,
        sheet="keys",
        cell=f"{column}2",
        record_id=record_id,
        owner="佐藤",
        title="t",
        message="m",
        first_seen=first_seen,
        months_open=1,
        excepted=False,
    )


def _previous(entries: list[Entry], trend: list[TrendPoint] | None = None) -> Previous:
    return Previous(Path("prev.xlsx"), OCT, "r.xlsx", tuple(entries), tuple(trend or ()))


def _result_with(result: CheckResult, findings: list[Finding]) -> CheckResult:
    return dataclasses.replace(result, findings=findings)


def test_two_findings_on_one_record_keep_their_own_history(
    month: Callable[..., CheckResult],
) -> None:
    result = month(NOV, [CLEAN])
    d, e = (Finding("DAT004", Severity.ERROR, "keys", 3, col, "K-1") for col in ("D", "E"))
    previous = _previous([_entry("DAT004", "K-1", "E", date(2026, 8, 31))])
    comparison = compare(_result_with(result, [d, e]), previous)
    assert [s.new for s in comparison.statuses] == [True, False]
    assert comparison.statuses[1].months_open == 4
    assert comparison.resolved == ()


def test_a_finding_whose_column_moved_is_still_the_same(
    month: Callable[..., CheckResult],
) -> None:
    result = month(NOV, [CLEAN])
    moved = Finding("DAT004", Severity.ERROR, "keys", 7, "F", "K-1")  # was E2, a column inserted
    comparison = compare(_result_with(result, [moved]), _previous([_entry("DAT004", "K-1", "E")]))
    assert not comparison.statuses[0].new
    assert (comparison.new, comparison.still_open) == (0, 1)


def test_findings_without_record_id_are_matched_by_cell(
    month: Callable[..., CheckResult],
) -> None:
    result = month(NOV, [CLEAN])
    same = Finding("DAT003", Severity.ERROR, "keys", 2, "A", "")
    other = Finding("DAT003", Severity.ERROR, "keys", 9, "A", "")
    comparison = compare(
        _result_with(result, [same, other]), _previous([_entry("DAT003", "", "A")])
    )
    assert [s.new for s in comparison.statuses] == [False, True]


def test_excepted_findings_are_not_counted_as_new_or_open(
    month: Callable[..., CheckResult],
) -> None:
    result = month(NOV, [CLEAN])
    excepted = Finding("RNW001", Severity.ERROR, "keys", 2, "E", "K-1", exception="承認済み")
    comparison = compare(_result_with(result, [excepted]), None)
    assert comparison.statuses[0].new
    assert (comparison.new, comparison.still_open) == (0, 0)


def test_trend_keeps_the_last_twelve_reports(month: Callable[..., CheckResult]) -> None:
    result = month(NOV, [CLEAN])
    counts = {(Category.RENEWAL, Severity.ERROR): 1}
    past = [
        TrendPoint(date(2025 + (m - 1) // 12, (m - 1) % 12 + 1, 1), counts) for m in range(1, 23)
    ]
    past.append(TrendPoint(NOV, {(Category.RENEWAL, Severity.ERROR): 99}))  # a same-date re-run
    comparison: Comparison = compare(result, _previous([], past))
    assert len(comparison.trend) == 12
    assert comparison.trend[-1].as_of == NOV and comparison.trend[-1].total == 0
    assert comparison.trend[0].as_of == date(2025, 12, 1)
    assert [p.as_of for p in comparison.trend] == sorted(p.as_of for p in comparison.trend)


# --- the command ---------------------------------------------------------------------


def test_cli_report_with_previous(
    month: Callable[..., CheckResult],
    make_register: Callable[..., Path],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from reporter.cli import app

    monkeypatch.chdir(tmp_path)  # no reporter.toml here
    september = write_month(month(SEP, OCTOBER_KEYS), tmp_path / "old")
    folder = tmp_path / "reports"
    write_month(month(OCT, OCTOBER_KEYS), folder)
    register = make_register(keys=NOVEMBER_KEYS)
    runner = CliRunner()
    args = ["report", str(register), "--as-of", "2026-11-30", "--out", str(folder)]

    done = runner.invoke(app, [*args, "--previous", str(september)])
    assert done.exit_code == 0, done.output
    wb = openpyxl.load_workbook(folder / "register-report-2026-11-30.xlsx")
    assert right_of(wb["概要"], "前回の基準日").date() == SEP

    done = runner.invoke(app, args)  # the folder's newest earlier report
    assert done.exit_code == 0, done.output
    wb = openpyxl.load_workbook(folder / "register-report-2026-11-30.xlsx")
    assert right_of(wb["概要"], "前回の基準日").date() == OCT

    done = runner.invoke(app, [*args, "--previous", str(register)])
    assert done.exit_code == 2
    assert "Traceback" not in done.output
    assert "--previous" in done.output


def test_a_report_of_the_first_format_is_still_read(tmp_path: Path) -> None:
    # Reports written before format 2 hold one cell per field of a finding; next
    # month's run must still compare with them.
    import xlsxwriter

    path = tmp_path / "register-report-2026-10-31.xlsx"
    workbook = xlsxwriter.Workbook(str(path))
    workbook.add_worksheet("概要")
    hidden = workbook.add_worksheet(HISTORY_SHEET)
    grid: list[list[object]] = [
        ["reporter-history", 1],
        ["as_of", "2026-10-31"],
        ["register", "register.xlsx"],
        ["findings", 1],
        list(FINDING_FIELDS),  # format 1's header: the fields, one per cell
        [
            "RNW001|keys|id:K-1",
            "E",
            "RNW001",
            "error",
            "keys",
            "E5",
            "K-1",
            "佐藤",
            "期限切れ",
            "K-1 は期限切れです",
            "2026-09-30",
            2,
            0,
        ],
        ["trend", 1],
        ["as_of", "category", "severity", "count"],
        ["2026-10-31", "renewal", "error", 1],
    ]
    for r, row in enumerate(grid):
        hidden.write_row(r, 0, row)
    workbook.close()
    previous = read_previous(path)
    assert previous.as_of == date(2026, 10, 31)
    (entry,) = previous.entries
    assert (entry.key, entry.record_id, entry.first_seen, entry.months_open) == (
        "RNW001|keys|id:K-1",
        "K-1",
        date(2026, 9, 30),
        2,
    )
    assert previous.trend[0].total == 1


def test_nothing_resolved_is_said_once_in_the_changes_block(
    month: Callable[..., CheckResult], tmp_path: Path
) -> None:
    # The same register a month later: nothing resolved. The count says so; no section
    # with a one-line note is left to print on a page of its own.
    write_month(month(OCT, OCTOBER_KEYS), tmp_path)
    november = openpyxl.load_workbook(write_month(month(NOV, OCTOBER_KEYS), tmp_path))
    summary = november["概要"]
    assert right_of(summary, "解決済み") == 0
    texts = {c.value for c in cells(summary)}
    assert "解決済み(前回のレポートにあり、今回はない指摘)" not in texts

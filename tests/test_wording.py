"""Messages that said the wrong thing, and exceptions that excepted too much (issue: a report
a busy person reads): each case as the team would meet it."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

from typer.testing import CliRunner

from reporter.cli import app
from reporter.output.flat import flatten
from reporter.result import CheckResult
from tests.conftest import register_sheets, write_workbook

RunCheck = Callable[..., CheckResult]
TOOL = {"ツールID": "T-1", "ツール名": "受注さん", "用途": "受注管理", "状態": "利用中"}
KEY = {"キーID": "K-1", "種類": "その他", "ツールID": "T-1", "有効期限": date(2027, 3, 31)}
EXCEPTION_HEADERS = ["コード", "対象ID", "理由", "承認者", "期限"]


def rows_of(result: CheckResult, code: str, lang: str = "ja") -> list[Any]:
    return [row for row in flatten(result, lang) if row.code == code]


def test_a_key_without_owner_or_backup_speaks_of_the_backup_alone(run_check: RunCheck) -> None:
    result = run_check(tools=[TOOL], keys=[KEY])
    (row,) = rows_of(result, "RNW007")
    assert "副担当がいません" in row.message
    assert "担当者は" not in row.message and "未記入" not in row.message
    (row_en,) = rows_of(result, "RNW007", "en")
    assert row_en.message.endswith("has no backup owner.")
    assert any(f.code == "DAT003" and f.record_id == "K-1" for f in result.findings)


def test_a_key_with_one_owner_names_them(run_check: RunCheck) -> None:
    result = run_check(tools=[TOOL], keys=[{**KEY, "担当者": "佐藤"}])
    (row,) = rows_of(result, "RNW007")
    assert "担当者は佐藤だけで、副担当がいません。" in row.message


def test_an_exception_without_an_approver_column_excepts_nothing(make_register: Any) -> None:
    from reporter.engine import run_checks
    from reporter.platform import load_settings
    from reporter.register.loader import load_register

    sheets = register_sheets(tools=[TOOL], keys=[{**KEY, "担当者": "佐藤"}])
    sheets["除外"] = [
        ["コード", "対象ID", "理由", "期限"],
        ["RNW007", "K-1", "一人の店", date(2027, 3, 31)],
    ]
    path = make_register(sheets)
    result = run_checks(load_register(path), date(2026, 11, 30), load_settings())
    (finding,) = [f for f in result.findings if f.code == "RNW007"]
    assert not finding.excepted
    assert any(f.code == "DAT002" and f.sheet == "exceptions" for f in result.findings)
    assert not any(f.code == "DAT013" for f in result.findings)


def test_a_complete_exception_still_excepts(run_check: RunCheck) -> None:
    exception = dict(
        zip(
            EXCEPTION_HEADERS, ["RNW007", "K-1", "一人の店", "田中", date(2027, 3, 31)], strict=True
        )
    )
    result = run_check(tools=[TOOL], keys=[{**KEY, "担当者": "佐藤"}], 除外=[exception])
    (finding,) = [f for f in result.findings if f.code == "RNW007"]
    assert finding.excepted and finding.exception == "一人の店"


def test_an_exception_that_matches_nothing_says_to_correct_the_code_or_id(
    run_check: RunCheck,
) -> None:
    exception = dict(
        zip(
            EXCEPTION_HEADERS, ["RNW007", "K-9", "一人の店", "田中", date(2027, 3, 31)], strict=True
        )
    )
    result = run_check(tools=[TOOL], keys=[{**KEY, "担当者": "佐藤"}], 除外=[exception])
    (row,) = rows_of(result, "DAT013")
    assert "コードと対象ID" in row.action and "直して" in row.action
    assert "期限を延ば" not in row.action


def test_a_lapsed_exception_says_to_extend_it(run_check: RunCheck) -> None:
    exception = dict(
        zip(
            EXCEPTION_HEADERS,
            ["RNW007", "K-1", "一人の店", "田中", date(2026, 10, 31)],
            strict=True,
        )
    )
    result = run_check(tools=[TOOL], keys=[{**KEY, "担当者": "佐藤"}], 除外=[exception])
    (row,) = rows_of(result, "DAT013")
    assert "期限を延ばして承認を取り直し" in row.action


def test_the_key_of_a_cancelled_tool_is_stopped_on_a_named_screen(run_check: RunCheck) -> None:
    cancelled = {**TOOL, "状態": "解約済", "解約日": date(2026, 6, 30)}
    key = {**KEY, "種類": "楽天ライセンスキー", "発行日": date(2026, 8, 20), "有効期限": None}
    result = run_check(tools=[cancelled], keys=[{**key, "担当者": "佐藤"}])
    (row,) = rows_of(result, "GRT007")
    assert row.action.startswith("RMS「WEB API アクセス許可設定」で")
    assert row.action.endswith("手順 R5")


def test_check_names_a_sheet_the_same_way_in_its_heading_and_its_rows_line(
    tmp_path: Path,
) -> None:
    """The workbook calls the grants sheet 'Grants': heading and rows line both say so."""
    sheets = register_sheets(
        tools=[{**TOOL, "状態": "解約済"}],
        grants=[
            {
                "付与ID": "G-1",
                "付与先": "受注さん",
                "付与先種別": "ツール",
                "ツールID": "T-1",
                "権限種別": "開発者権限",
            }
        ],
    )
    sheets["Grants"] = sheets.pop("権限")
    path = write_workbook(tmp_path / "r.xlsx", sheets)
    output = CliRunner().invoke(app, ["check", str(path), "--as-of", "2026-11-30"]).stdout
    assert "■ Grants (権限)" in output
    assert "行数: Grants (権限) 読んだ行 1" in output
    assert "■ 権限" not in output and "行数: 権限 " not in output

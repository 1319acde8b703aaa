"""DAT and SEC rules beyond their single cases: several problems at once, and what findings say.

Each rule's failing and passing rows are in tests/rule_cases/<CODE>.toml
(tests/test_rule_cases.py).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from reporter.output.flat import flatten
from reporter.result import CheckResult
from tests.conftest import HEADERS

TOOL = {"ツールID": "T-1", "ツール名": "受注さん", "用途": "受注管理", "状態": "利用中"}
KEY = {
    "キーID": "K-1",
    "種類": "その他",
    "ツールID": "T-1",
    "発行日": date(2026, 10, 1),
    "担当者": "佐藤",
    "副担当": "鈴木",
}
NOTICE = {
    "通知ID": "N-1",
    "受信日": date(2026, 11, 1),
    "種類": "出品キャンセル",
    "理由": "コンディション",
    "ASIN": "B0C1234XYZ",
    "方針": "取扱中止",
    "返信日": date(2026, 11, 2),
    "状態": "完了",
}


def test_every_problem_is_reported_in_one_run(run_check: Callable[..., CheckResult]) -> None:
    result = run_check(
        keys=[
            {**KEY, "担当者": None},
            {**KEY, "キーID": "K-2", "発行日": "来月"},
            {**KEY, "キーID": "K-3", "種類": "ライセンス"},
        ]
    )
    assert {("DAT003", "G2"), ("DAT004", "D3"), ("DAT005", "B4")} <= {
        (f.code, f.cell) for f in result.findings
    }


def test_findings_name_sheet_row_and_cell(run_check: Callable[..., CheckResult]) -> None:
    result = run_check(keys=[KEY, {**KEY, "キーID": "K-2", "発行日": "11/12/2026"}])
    (finding,) = [f for f in result.findings if f.code == "DAT004"]
    assert (finding.sheet, finding.sheet_name, finding.row, finding.cell, finding.record_id) == (
        "keys",
        "キー",
        3,
        "D3",
        "K-2",
    )


def test_dat005_and_dat012_say_the_closest_allowed_value(
    run_check: Callable[..., CheckResult],
) -> None:
    result = run_check(
        tools=[{**TOOL, "状態": "利用終了", "解約 日": None}], keys=[{**KEY, "有効期日": 1}]
    )
    messages = {row.code: row.message for row in flatten(result, "ja")}
    assert "解約済 (cancelled)" in messages["DAT005"] or "利用中 (active)" in messages["DAT005"]
    assert "有効期限" in messages["DAT012"]


def test_dat004_lists_the_accepted_date_forms(run_check: Callable[..., CheckResult]) -> None:
    result = run_check(keys=[{**KEY, "発行日": "11/12/2026"}])
    (row,) = [r for r in flatten(result, "en") if r.code == "DAT004"]
    assert "ambiguous" in row.message
    assert "2026/11/22" in row.action and "令和8年11月22日" in row.action


def test_dat006_names_every_duplicate_row(run_check: Callable[..., CheckResult]) -> None:
    result = run_check(keys=[KEY, {**KEY, "キーID": "K-2"}, {**KEY}])
    assert sorted(f.row for f in result.findings if f.code == "DAT006") == [2, 4]


def test_secrets_are_masked_in_every_message(run_check: Callable[..., CheckResult]) -> None:
    token = "Atzr|IwEBIA7Qk3mZp9XbT2vLr8sN4cYd6uHf0gJ1eWq"
    result = run_check(keys=[{**KEY, "備考": token, "種類": token}])
    assert "SEC001" in [f.code for f in result.findings]
    for lang in ("ja", "en"):
        for row in flatten(result, lang):
            assert token not in row.message + row.action
            assert "IwEBIA7Qk3" not in row.message + row.action


def test_blank_rows_are_never_problems(run_check: Callable[..., CheckResult]) -> None:
    result = run_check(tools=[TOOL], keys=[KEY, {}, {"キーID": "  "}, {**KEY, "キーID": "K-2"}])
    assert [f.code for f in result.findings] == []
    assert result.rows["keys"].read == 2


def test_sheet_without_a_header_row_names_the_sheet(run_check: Callable[..., CheckResult]) -> None:
    sheets = {name: [headers] for name, headers in HEADERS.items()}
    sheets["ツール"] = [["ツール一覧(作成中)"]]
    result = run_check(sheets=sheets)
    rows = [r for r in flatten(result, "ja") if r.code == "DAT002"]
    assert len(rows) == 4  # every required column of ツール
    assert all("シート「ツール」" in r.message and "10行" in r.message for r in rows)


def test_secret_typed_into_a_register_column_is_found(
    run_check: Callable[..., CheckResult],
) -> None:
    token = "AKIAQ3EGRT7WZX5YB2NM"
    result = run_check(
        tools=[TOOL], keys=[{**KEY, "種類": token}, {**KEY, "キーID": "K-2", "担当者": token}]
    )
    cells = {f.cell for f in result.findings if f.code == "SEC001"}
    assert cells == {"B2", "G3"}  # an enum column (unreadable value) and a text column


def _dat012(result: CheckResult, lang: str) -> dict[str, str]:
    return {
        r.cell: r.message + " / " + r.action for r in flatten(result, lang) if r.code == "DAT012"
    }


def test_dat012_suggests_a_close_header_in_the_run_language(
    run_check: Callable[..., CheckResult],
) -> None:
    sheets = {name: [headers] for name, headers in HEADERS.items()}
    sheets["キー"] = [[*HEADERS["キー"], "有効期日", "City"]]
    result = run_check(sheets=sheets)
    width = len(HEADERS["キー"])
    typo, city = (f"{letter}1" for letter in ("ABCDEFGHIJKL"[width], "ABCDEFGHIJKL"[width + 1]))
    japanese, english = _dat012(result, "ja"), _dat012(result, "en")
    assert "近い見出し: 有効期限" in japanese[typo]
    assert "Closest header: expires_on" in english[typo] and "有効期限" not in english[typo]
    # Nothing close to City: no far-fetched suggestion, in either language.
    assert "近い" not in japanese[city] and "Closest" not in english[city]
    assert "ツールID" not in english[city] + japanese[city]


def test_dat012_a_repeated_header_is_not_called_unknown(
    run_check: Callable[..., CheckResult],
) -> None:
    sheets = {name: [headers] for name, headers in HEADERS.items()}
    sheets["キー"] = [[*HEADERS["キー"], "担当者"]]
    result = run_check(sheets=sheets)
    (english,) = _dat012(result, "en").values()
    (japanese,) = _dat012(result, "ja").values()
    owner = "ABCDEFGHIJKL"[HEADERS["キー"].index("担当者")]
    assert (
        "not a register column" not in english
        and f"repeats the register column in {owner}" in english
    )
    assert "台帳の項目ではない" not in japanese and f"{owner}列と同じ項目" in japanese


def test_a_contract_without_tool_id_is_named_by_its_tool_name(
    run_check: Callable[..., CheckResult],
) -> None:
    tool = {
        "ツール名": "受注さん",
        "用途": "受注管理",
        "状態": "利用中",
        "契約更新日": "2026-12-05",
    }
    result = run_check(tools=[tool])  # as of 2026-11-30: notice due by the renewal day
    (renewal,) = [row for row in flatten(result, "ja") if row.code == "RNW008"]
    assert "受注さん" in renewal.message
    assert "ツール未記入" not in renewal.message
    assert any(f.code == "DAT003" and f.cell == "A2" for f in result.findings)

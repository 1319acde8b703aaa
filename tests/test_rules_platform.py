"""RNW, GRT and INC rules beyond their single cases: real registers through the loader and engine.

Each rule's failing and passing rows are in tests/rule_cases/<CODE>.toml
(tests/test_rule_cases.py). Here: the edges at several dates, windows from the
config and the rules file, exceptions, what the findings say, and the rules that
cannot run.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest

from reporter.engine import run_checks
from reporter.model import Finding
from reporter.output.catalogue import parameters_of
from reporter.output.flat import flatten
from reporter.platform import load_settings
from reporter.register.loader import load_register
from reporter.result import CheckResult
from reporter.rules import RULE_BY_CODE
from tests.conftest import AS_OF, codes

RunCheck = Callable[..., CheckResult]
SETTINGS = load_settings()

# --- clean rows: each test changes one or two cells ------------------------------------------

TOOL = {
    "ツールID": "T-1",
    "ツール名": "受注さん",
    "用途": "受注管理",
    "状態": "利用中",
    "担当者": "佐藤",
}
# Rakuten key issued 2026-11-01: expires 2027-01-30, well clear of the warning window.
KEY = {
    "キーID": "K-1",
    "種類": "楽天ライセンスキー",
    "ツールID": "T-1",
    "発行日": date(2026, 11, 1),
    "状態": "利用中",
    "担当者": "佐藤",
    "副担当": "鈴木",
}
# A key whose expiry date is exactly its 有効期限 (kind その他 has no validity period).
OTHER_KEY = {**KEY, "種類": "その他", "発行日": None}
GRANT = {
    "付与ID": "G-1",
    "付与先": "受注さん",
    "付与先種別": "ツール",
    "ツールID": "T-1",
    "権限種別": "開発者権限",
    "付与日": date(2026, 6, 1),
}
PERSON_GRANT = {
    "付与ID": "G-2",
    "付与先": "中村",
    "付与先種別": "外注",
    "権限種別": "ユーザー権限",
    "付与日": date(2026, 6, 1),
    "契約終了日": date(2027, 3, 31),
}
# Open, answered, not relisted.
NOTICE = {
    "通知ID": "N-1",
    "受信日": date(2026, 11, 20),
    "種類": "出品キャンセル",
    "理由": "コンディション",
    "ASIN": "B0C1234XYZ",
    "再出品の案内": "いいえ",
    "方針": "取扱中止",
    "返信日": date(2026, 11, 21),
    "状態": "対応中",
}
# Open, answered, decided relist with every document in order (authenticity).
RELIST = {
    **NOTICE,
    "通知ID": "N-2",
    "ASIN": "B0D4R8T2WN",
    "理由": "真贋",
    "再出品の案内": "はい",
    "方針": "再出品申請",
    "請求書発行日": date(2026, 9, 1),
    "書類期間(日)": None,
    "提出書類": "invoice.pdf、領収書.png",
    "仕入先連絡先": "株式会社サンプル卸 大阪府大阪市北区0-0-0 06-0000-1234 https://supplier.example",
    "原因と再発防止": None,
}
# Open, answered, decided relist with the cause explained (a reason other than authenticity).
RELIST_CONDITION = {
    **RELIST,
    "通知ID": "N-3",
    "理由": "コンディション",
    "請求書発行日": None,
    "仕入先連絡先": None,
    "提出書類": "改善報告.pdf",
    "原因と再発防止": "外箱の傷を見落とした。出荷前検品にチェックリストを追加",
}


def findings_of(result: CheckResult, code: str, record_id: str | None = None) -> list[Finding]:
    return [
        f
        for f in result.findings
        if f.code == code and (record_id is None or f.record_id == record_id)
    ]


# --- boundaries ----------------------------------------------------------------------------

# A Saturday, a month end, and a month end in a non-leap February.
AS_OF_DATES = [date(2026, 11, 28), date(2026, 11, 30), date(2027, 2, 28)]
WARNING_DAYS = SETTINGS.renewal_warning_days


@pytest.mark.parametrize("as_of", AS_OF_DATES, ids=str)
@pytest.mark.parametrize(
    ("offset", "expected"),
    [(-1, {"RNW001"}), (0, {"RNW002"}), (WARNING_DAYS, {"RNW002"}), (WARNING_DAYS + 1, set())],
    ids=["day-after-expiry", "expiry-day", "window-last-day", "outside-window"],
)
def test_expiry_edges(run_check: RunCheck, as_of: date, offset: int, expected: set[str]) -> None:
    key = {**OTHER_KEY, "有効期限": as_of + timedelta(days=offset)}
    result = run_check(as_of, keys=[key])
    assert {c for c in codes(result) if c in ("RNW001", "RNW002")} == expected


@pytest.mark.parametrize("as_of", AS_OF_DATES, ids=str)
@pytest.mark.parametrize(("offset", "expected"), [(-1, "RNW001"), (0, "RNW002")])
def test_expiry_from_issue_date_edges(
    run_check: RunCheck, as_of: date, offset: int, expected: str
) -> None:
    validity = SETTINGS.validity_days["rakuten_license_key"]
    issued = as_of - timedelta(days=validity) + timedelta(days=offset)
    result = run_check(as_of, keys=[{**KEY, "発行日": issued}])
    renewals = [f for f in result.findings if f.code in ("RNW001", "RNW002")]
    assert [f.code for f in renewals] == [expected]
    assert renewals[0].due == as_of + timedelta(days=offset)


@pytest.mark.parametrize("as_of", AS_OF_DATES, ids=str)
@pytest.mark.parametrize(
    ("days_before", "expected"),
    [(0, "INC002"), (SETTINGS.reply_days, "INC002"), (SETTINGS.reply_days + 1, "INC001")],
    ids=["received-today", "window-last-day", "window-over"],
)
def test_reply_window_edges(
    run_check: RunCheck, as_of: date, days_before: int, expected: str
) -> None:
    notice = {**NOTICE, "受信日": as_of - timedelta(days=days_before), "返信日": None}
    result = run_check(as_of, notices=[notice])
    reply_codes = [f for f in result.findings if f.code in ("INC001", "INC002")]
    assert [f.code for f in reply_codes] == [expected]
    assert reply_codes[0].due == notice["受信日"] + timedelta(days=SETTINGS.reply_days)


def test_expiry_uses_the_earlier_date(run_check: RunCheck) -> None:
    # issued + 90 = 2026-11-30; the register claims 2027-03-01. On 2026-12-01 the key is overdue.
    key = {**KEY, "発行日": date(2026, 9, 1), "有効期限": date(2027, 3, 1)}
    result = run_check(date(2026, 12, 1), keys=[key])
    assert sorted(c for c in codes(result) if c.startswith("RNW")) == ["RNW001", "RNW006"]
    (overdue,) = findings_of(result, "RNW001")
    assert overdue.due == date(2026, 11, 30)
    assert overdue.column == result.register.sheets["keys"].column_letter("issued_on")
    (too_long,) = findings_of(result, "RNW006")
    assert too_long.params["validity_end"] == date(2026, 11, 30)


def test_config_windows_replace_the_defaults(make_register: Callable[..., Path]) -> None:
    register = load_register(
        make_register(keys=[{**OTHER_KEY, "有効期限": AS_OF + timedelta(days=20)}])
    )
    default = run_checks(register, AS_OF, load_settings())
    wider = run_checks(register, AS_OF, load_settings(windows={"renewal_warning_days": 20}))
    assert "RNW002" not in codes(default)
    assert "RNW002" in codes(wider)


def test_reply_window_from_config(make_register: Callable[..., Path]) -> None:
    notice = {**NOTICE, "受信日": AS_OF - timedelta(days=5), "返信日": None}
    register = load_register(make_register(notices=[notice]))
    result = run_checks(register, AS_OF, load_settings(windows={"reply_days": 7}))
    (pending,) = findings_of(result, "INC002")
    assert pending.due == AS_OF + timedelta(days=2)


# --- exceptions ----------------------------------------------------------------------------


def exception(until: date, record_id: str = "K-1", code: str = "RNW001") -> dict[str, Any]:
    return {"コード": code, "対象ID": record_id, "理由": "移行中", "承認者": "佐藤", "期限": until}


EXPIRED_KEY = {**KEY, "発行日": date(2026, 8, 20)}


def test_exception_in_force_stops_the_error_counting(run_check: RunCheck) -> None:
    without = run_check(tools=[TOOL], keys=[EXPIRED_KEY])
    assert without.exit_code("error") == 1
    result = run_check(tools=[TOOL], keys=[EXPIRED_KEY], 除外=[exception(date(2027, 1, 31))])
    (finding,) = findings_of(result, "RNW001")
    assert finding.excepted and finding.exception == "移行中"
    assert result.exit_code("error") == 0
    assert "DAT013" not in codes(result)


def test_exception_ending_today_still_applies(run_check: RunCheck) -> None:
    result = run_check(tools=[TOOL], keys=[EXPIRED_KEY], 除外=[exception(AS_OF)])
    assert findings_of(result, "RNW001")[0].excepted
    assert result.exit_code("error") == 0


def test_wildcard_exception_covers_every_row(run_check: RunCheck) -> None:
    keys = [{**KEY, "副担当": None}, {**KEY, "キーID": "K-2", "副担当": None}]
    result = run_check(tools=[TOOL], keys=keys, 除外=[exception(date(2027, 1, 31), "*", "RNW007")])
    assert [f.excepted for f in findings_of(result, "RNW007")] == [True, True]


def test_lapsed_exception_counts_again(run_check: RunCheck) -> None:
    result = run_check(
        tools=[TOOL], keys=[EXPIRED_KEY], 除外=[exception(AS_OF - timedelta(days=1))]
    )
    (finding,) = findings_of(result, "RNW001")
    assert not finding.excepted
    assert result.exit_code("error") == 1
    (lapsed,) = findings_of(result, "DAT013")
    assert lapsed.due == AS_OF - timedelta(days=1)


# --- a clean register, and every finding's wording --------------------------------------------

STORES = [
    {"店舗名": "Amazon本店", "モール": "Amazon.co.jp", "出品プラン": "大口出品"},
    {"店舗名": "Amazonセカンド", "モール": "Amazon", "出品プラン": "小口"},
    {"店舗名": "楽天市場店", "モール": "楽天市場"},
    {"店舗名": "Yahoo!店", "モール": "Yahoo!ショッピング"},
]


def test_clean_register_has_no_findings_and_runs_every_platform_rule(run_check: RunCheck) -> None:
    result = run_check(
        店舗=STORES,
        tools=[{**TOOL, "モール": "楽天", "契約更新日": date(2027, 6, 30), "解約予告(日)": 30}, {**TOOL, "ツールID": "T-2", "ツール名": "旧ツール", "状態": "解約",
                                          "解約日": date(2026, 1, 31)}],
        keys=[
            {**KEY, "店舗名": "楽天市場店"},
            {**KEY, "キーID": "K-2", "店舗名": "Amazon本店", "種類": "SP-API認可", "発行日": date(2026, 6, 1)},
            {**KEY, "キーID": "K-3", "店舗名": "Amazon本店", "種類": "MWS", "状態": "停止", "副担当": None},
        ],
        grants=[
            {**GRANT, "店舗名": "楽天市場店"},
            {**GRANT, "付与ID": "G-3", "店舗名": "Amazon本店", "ツールID": "T-2", "付与日": date(2025, 6, 1),
             "取消日": date(2026, 1, 31)},
            {**PERSON_GRANT, "店舗名": "Amazon本店", "権限種別": "認定パートナー"},
        ],
        notices=[
            {**NOTICE, "店舗名": "Amazon本店"},
            {**RELIST, "店舗名": "Amazon本店"},
            {**RELIST_CONDITION, "店舗名": "Amazonセカンド"},
            {**NOTICE, "通知ID": "N-4", "店舗名": "Amazonセカンド", "ASIN": "B0Z9Y8X7W6", "状態": "完了",
             "返信日": None},
        ],
    )  # fmt: skip
    assert [(f.code, f.record_id) for f in result.findings] == []
    # Only DAT013 (no 除外 sheet, which is optional) may be skipped: every platform rule ran.
    assert [s.code for s in result.skipped] == ["DAT013"]
    assert result.exit_code("info") == 0


def register_with_every_platform_code() -> dict[str, Any]:
    """One register on which every RNW, GRT and INC rule fires at least once."""
    return {
        "店舗": STORES,
        "tools": [
            {**TOOL, "状態": "解約", "解約日": date(2026, 10, 1), "モール": "楽天"},
            {**TOOL, "ツールID": "T-2", "ツール名": "サヤトリ", "用途": "リサーチ", "モール": "Amazon",
             "契約更新日": date(2026, 12, 10), "解約予告(日)": 7},
            {**TOOL, "ツールID": "T-3", "ツール名": "在庫さん", "モール": "楽天", "契約更新日": date(2026, 10, 31)},
            {**TOOL, "ツールID": "T-4", "ツール名": "Amazon受注", "モール": "Amazon"},
        ],
        "keys": [
            {**KEY, "店舗名": "楽天市場店", "ツールID": "T-3", "発行日": date(2026, 8, 20), "副担当": None},
            {**KEY, "キーID": "K-2", "ツールID": "T-3", "発行日": date(2026, 9, 1), "有効期限": date(2027, 3, 1)},
            {**KEY, "キーID": "K-3", "ツールID": "T-3", "状態": "承認待ち", "発行日": None},
            {**KEY, "キーID": "K-4", "ツールID": "T-3", "状態": "利用中 更新あり"},
            {**KEY, "キーID": "K-5", "種類": "MWS", "店舗名": "Amazon本店", "ツールID": None},
            {**KEY, "キーID": "K-6", "店舗名": "楽天市場店"},
            {**KEY, "キーID": "K-7", "ツールID": "T-3", "状態": "有効期限切れ"},
        ],
        "grants": [
            {**GRANT, "店舗名": "楽天市場店"},
            {**GRANT, "付与ID": "G-2", "ツールID": "T-9"},
            {**GRANT, "付与ID": "G-3", "ツールID": "T-2", "付与先": "サヤトリ"},
            {**PERSON_GRANT, "付与ID": "G-4", "契約終了日": date(2026, 10, 31)},
            {**GRANT, "付与ID": "G-5", "権限種別": "MWS開発者権限", "ツールID": "T-2"},
            {**PERSON_GRANT, "付与ID": "G-6", "権限種別": "APIキー共有", "店舗名": "Yahoo!店"},
            {**PERSON_GRANT, "付与ID": "G-7", "契約終了日": None, "店舗名": "Amazon本店"},
            {**PERSON_GRANT, "付与ID": "G-8", "付与先種別": "社員", "店舗名": "Amazonセカンド"},
        ],
        "notices": [
            {**NOTICE, "店舗名": "Amazon本店", "受信日": date(2026, 11, 20), "返信日": None,
             "状態": None, "商品名": "ガラス保存容器"},
            {**NOTICE, "通知ID": "N-2", "店舗名": "Amazonセカンド", "ASIN": "B0R3U5W7XB",
             "受信日": date(2026, 11, 29), "返信日": None},
            {**RELIST, "通知ID": "N-3", "店舗名": "Amazon本店", "再出品の案内": None, "ASIN": "B0A1B2C3D4",
             "請求書発行日": None, "仕入先連絡先": None, "提出書類": "invoice.docx"},
            {**RELIST_CONDITION, "通知ID": "N-4", "店舗名": None, "ASIN": "B0A1B2C3D5",
             "原因と再発防止": None, "提出書類": None},
            {**NOTICE, "通知ID": "N-5", "店舗名": "Amazonセカンド", "ASIN": "B0N9R2T4UY",
             "再出品の案内": "はい", "方針": None},
            {**NOTICE, "通知ID": "N-6", "店舗名": "Amazonセカンド", "ASIN": "B0N9R2T4UY",
             "受信日": date(2026, 3, 1), "方針": "未定", "状態": "完了"},
            {"通知ID": "N-7", "受信日": date(2026, 11, 1), "種類": "キー期限", "店舗名": "楽天市場店",
             "状態": "未対応"},
            {**RELIST, "通知ID": "N-8", "ASIN": "B0A1B2C3D6", "提出書類": "見積書.pdf"},
        ],
    }  # fmt: skip


PLATFORM_CODES = sorted(c for c in RULE_BY_CODE if c[:3] in ("RNW", "GRT", "INC"))


def test_every_platform_rule_fires_on_the_full_register(run_check: RunCheck) -> None:
    result = run_check(**register_with_every_platform_code())
    assert len(PLATFORM_CODES) == 31
    assert sorted({c for c in codes(result) if c in PLATFORM_CODES}) == PLATFORM_CODES


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_every_message_and_action_renders(run_check: RunCheck, lang: str) -> None:
    result = run_check(**register_with_every_platform_code())
    rows = [row for row in flatten(result, lang) if row.code in PLATFORM_CODES]
    assert {row.code for row in rows} == set(PLATFORM_CODES)
    leftover = re.compile(r"\{[A-Za-z_]+\}")
    for row in rows:
        for text in (row.message, row.action):
            assert text.strip(), row.code
            assert not leftover.search(text), (row.code, text)
            assert "None" not in text, (row.code, text)
    if lang == "en":
        # English wording must not fall back to Japanese sentence endings.
        for row in rows:
            assert "です" not in row.message and "ください" not in row.action, (row.code, row)


# --- what the findings say ------------------------------------------------------------------


def rendered(result: CheckResult, code: str, lang: str = "ja") -> list[tuple[str, str]]:
    return [(r.message, r.action) for r in flatten(result, lang) if r.code == code]


def test_key_findings_name_the_kind_tool_date_and_place(run_check: RunCheck) -> None:
    result = run_check(tools=[TOOL], keys=[EXPIRED_KEY])
    ((message, action),) = rendered(result, "RNW001")
    assert "楽天ライセンスキー" in message and "受注さん" in message
    assert "2026-11-18" in message and "12日" in message and "12 日" not in message
    assert SETTINGS.where("rakuten_license_key")["ja"] in action
    ((message_en, action_en),) = rendered(result, "RNW001", "en")
    assert "12 days ago" in message_en
    assert SETTINGS.where("rakuten_license_key")["en"] in action_en


@pytest.mark.parametrize(
    ("store_platform", "tool_platform", "grant", "place"),
    [
        ("楽天市場", None, GRANT, "revoke_rakuten"),
        (None, "Yahoo", GRANT, "revoke_yahoo"),
        (None, None, GRANT, "revoke_amazon"),
        (
            "Amazon",
            None,
            {**PERSON_GRANT, "ツールID": "T-1", "付与ID": "G-1"},
            "revoke_user_amazon",
        ),
        (
            "楽天市場",
            None,
            {**PERSON_GRANT, "ツールID": "T-1", "付与ID": "G-1"},
            "revoke_user_rakuten",
        ),
        ("Yahoo", None, {**GRANT, "権限種別": "MWS開発者権限"}, "revoke_mws"),
    ],
)
def test_revocation_place_follows_the_platform(
    run_check: RunCheck,
    store_platform: str | None,
    tool_platform: str | None,
    grant: dict[str, Any],
    place: str,
) -> None:
    rows: dict[str, Any] = {
        "tools": [{**TOOL, "状態": "解約", "モール": tool_platform}],
        "grants": [{**grant, "店舗名": "店" if store_platform else None}],
    }
    if store_platform:
        rows["店舗"] = [{"店舗名": "店", "モール": store_platform, "出品プラン": "大口"}]
    result = run_check(**rows)
    ((_, action),) = rendered(result, "GRT001")
    assert SETTINGS.where(place)["ja"] in action


def test_follow_ups_name_support_channels_of_the_stores_plan(run_check: RunCheck) -> None:
    notice = {**NOTICE, "店舗名": "Amazonセカンド", "受信日": date(2026, 11, 1), "返信日": None}
    result = run_check(店舗=STORES, notices=[notice])
    ((_, action),) = rendered(result, "INC001")
    assert SETTINGS.support_channels("individual")["ja"] in action
    assert SETTINGS.support_channels("professional")["ja"] not in action
    assert SETTINGS.support_evidence["ja"] in action
    assert SETTINGS.where("reply_amazon")["ja"] in action


def test_unknown_plan_lists_every_plans_channels(run_check: RunCheck) -> None:
    notice = {**RELIST, "仕入先連絡先": None}
    result = run_check(notices=[notice])
    ((_, action),) = rendered(result, "INC005", "en")
    assert SETTINGS.support_channels(None)["en"] in action
    assert "name, phone number, address and web URL" in action


def test_documents_finding_names_the_bad_files_and_formats(run_check: RunCheck) -> None:
    result = run_check(notices=[{**RELIST, "提出書類": "invoice.pdf, invoice.docx, 写真.HEIC"}])
    ((message, action),) = rendered(result, "INC006")
    assert "invoice.docx" in message and "写真.HEIC" in message
    assert "invoice.pdf" not in message
    assert ", ".join(SETTINGS.document_formats) in message
    assert "invoice.docx" in action and SETTINGS.where("reply_amazon")["ja"] in action


def test_invoice_finding_uses_the_notices_window(run_check: RunCheck) -> None:
    notice = {
        **RELIST,
        "受信日": date(2026, 9, 14),
        "請求書発行日": date(2026, 1, 20),
        "書類期間(日)": 180,
    }
    result = run_check(notices=[notice])
    (finding,) = findings_of(result, "INC004")
    assert finding.params["earliest"] == date(2026, 3, 18)
    assert finding.params["window"] == 180


def test_repeat_finding_names_the_other_notices(run_check: RunCheck) -> None:
    notices = [NOTICE, {**NOTICE, "通知ID": "N-8"}, {**NOTICE, "通知ID": "N-9"}]
    result = run_check(notices=notices)
    by_id = {f.record_id: f for f in findings_of(result, "INC008")}
    assert set(by_id) == {"N-1", "N-8", "N-9"}
    assert list(by_id["N-8"].params["others"]) == ["N-1", "N-9"]


def test_blank_store_counts_as_one_store(run_check: RunCheck) -> None:
    notices = [{**NOTICE, "店舗名": None}, {**NOTICE, "通知ID": "N-9", "店舗名": None}]
    assert len(findings_of(run_check(notices=notices), "INC008")) == 2


# --- rules that cannot run say so -------------------------------------------------------------


def test_missing_columns_skip_the_rules_that_need_them(run_check: RunCheck) -> None:
    sheets = {
        "ツール": [["ツールID", "ツール名", "用途", "状態"]],
        "キー": [["キーID", "種類", "発行日", "状態", "担当者"]],  # no 副担当
        "権限": [["付与ID", "付与先", "付与先種別", "ツールID", "権限種別"]],  # no 契約終了日
        "通知": [["通知ID", "受信日", "種類", "理由", "ASIN", "方針", "返信日"]],  # no 提出書類 …
    }
    result = run_check(sheets=sheets)
    skipped = {s.code for s in result.skipped}
    assert {"RNW007", "GRT004", "INC004", "INC005", "INC006", "INC007", "INC003"} <= skipped
    assert not {"RNW001", "RNW002", "GRT001", "INC001", "INC002", "INC008"} & skipped


def test_missing_tools_sheet_skips_the_tool_rules(run_check: RunCheck) -> None:
    sheets = {"キー": [list(KEY)], "権限": [list(GRANT)], "通知": [list(NOTICE)]}
    result = run_check(sheets=sheets)
    skipped = {s.code for s in result.skipped}
    assert {"GRT001", "GRT002", "GRT003"} <= skipped
    assert "GRT005" not in skipped


# --- the catalogue shows the platform values each rule uses -----------------------------------


@pytest.mark.parametrize("code", PLATFORM_CODES)
def test_declared_params_are_real_settings(code: str) -> None:
    rule = RULE_BY_CODE[code]
    fact_names = [fact.name for fact in SETTINGS.facts()]
    for param in rule.params:
        assert any(n == param or n.startswith(param + ".") for n in fact_names), (code, param)
    if code not in ("RNW007", "RNW009"):  # these use no platform value
        assert parameters_of(rule, SETTINGS), code


# --- platform numbers come from the rules file, never from the rule code -----------------------


def edited_rules_file(tmp_path: Path, **values: str) -> Path:
    """A copy of the packaged rules file with ``[section] value = ...`` replaced."""
    text = (Path(__file__).parents[1] / "reporter" / "rules.toml").read_text(encoding="utf-8")
    for section, value in values.items():
        table = "[" + section.replace("__", ".") + "]\nvalue = "
        start = text.index(table) + len(table)
        text = text[:start] + value + text[text.index("\n", start) :]
    path = tmp_path / "rules.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_rules_file_values_drive_the_rules(
    make_register: Callable[..., Path], tmp_path: Path
) -> None:
    rules_path = edited_rules_file(
        tmp_path,
        validity_days__rakuten_license_key="60",
        invoice_window_days="200",
        document_formats='["pdf", "docx"]',
    )
    settings = load_settings(rules_path)
    register = load_register(
        make_register(
            keys=[{**KEY, "発行日": date(2026, 9, 25)}],  # 60 days: expired 2026-11-24
            notices=[
                # 2026-11-20 - 200 days = 2026-05-04: an invoice of 2026-05-01 is too old.
                {**RELIST, "請求書発行日": date(2026, 5, 1), "提出書類": "invoice.docx, 写真.png"}
            ],
        )
    )
    result = run_checks(register, AS_OF, settings)
    (expired,) = findings_of(result, "RNW001")
    assert expired.due == date(2026, 11, 24)
    (invoice,) = findings_of(result, "INC004")
    assert invoice.params["earliest"] == date(2026, 5, 4)
    (documents,) = findings_of(result, "INC006")
    assert list(documents.params["invalid"]) == ["写真.png"]
    default = run_checks(register, AS_OF, SETTINGS)
    assert not findings_of(default, "RNW001") and not findings_of(default, "INC004")

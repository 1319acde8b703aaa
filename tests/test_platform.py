"""The platform rules file: the values in force, their sources, and a broken file stopping the run."""

from __future__ import annotations

import json
import tomllib
from collections.abc import Callable
from datetime import date
from importlib import resources
from pathlib import Path
from typing import Any

import pytest

from reporter.errors import InputError
from reporter.platform import CONFIG_SOURCE, load_settings


@pytest.fixture
def rules_data() -> dict[str, Any]:
    """The packaged rules file as data, for tests to change and write back."""
    text = resources.files("reporter").joinpath("rules.toml").read_text(encoding="utf-8")
    return tomllib.loads(text)


def _literal(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, list):
        return "[" + ", ".join(_literal(item) for item in value) + "]"
    # A JSON string is a valid TOML basic string.
    return json.dumps(value, ensure_ascii=False)


def _dump(data: dict[str, Any], prefix: str = "") -> str:
    """Just enough TOML writing for the rules file: tables of scalars and lists."""
    scalars = [
        f"{key} = {_literal(value)}" for key, value in data.items() if not isinstance(value, dict)
    ]
    out = ""
    if scalars:
        out += (f"[{prefix}]\n" if prefix else "") + "\n".join(scalars) + "\n\n"
    for key, value in data.items():
        if isinstance(value, dict):
            out += _dump(value, f"{prefix}.{key}" if prefix else key)
    return out


def _write(tmp_path: Path, data: dict[str, Any]) -> Path:
    path = tmp_path / "my-rules.toml"
    path.write_text(_dump(data), encoding="utf-8")
    return path


# --- the packaged file ---------------------------------------------------------------


def test_packaged_rules_hold_the_platform_periods_and_dates() -> None:
    settings = load_settings()
    assert settings.validity_days == {
        "rakuten_license_key": 90,
        "sp_api_authorization": 365,
        "lwa_client_secret": 180,
        "yahoo_public_key": 365,
        "yahoo_authorization": 28,
    }
    # MWS keys and "other" keys never expire by themselves.
    assert "mws_access_key" not in settings.validity_days
    assert "other" not in settings.validity_days
    assert settings.mws_shutdown == date(2024, 4, 1)
    assert settings.mws_credentials_deleted == date(2024, 4, 22)
    assert settings.renewal_warning_days == 14
    assert settings.reply_days == 3
    assert settings.invoice_window_days == 365
    assert settings.document_formats == ("pdf", "jpg", "jpeg", "png", "gif")


def test_support_channels_follow_the_selling_plan() -> None:
    settings = load_settings()
    professional = settings.support_channels("professional")
    assert all(word in professional["ja"] for word in ("メール", "チャット", "電話"))
    assert all(word in professional["en"] for word in ("email", "chat", "phone"))
    # Sources disagree on the phone hours: none are stated, the contact page shows them.
    assert not any(hours in professional["ja"] for hours in ("9:00", "18:00", "21:00"))
    # …and where to look is said once, in the support procedure (A13).
    assert "受付時間" not in professional["ja"]
    individual = settings.support_channels("individual")
    assert "メールのみ" in individual["ja"]
    assert "email only" in individual["en"]
    assert "phone" not in individual["en"]


@pytest.mark.parametrize("plan", [None, "", "unknown"])
def test_support_channels_for_an_unknown_plan_list_both_plans(plan: str | None) -> None:
    channels = load_settings().support_channels(plan)
    assert "大口出品" in channels["ja"] and "小口出品" in channels["ja"]
    assert "Professional" in channels["en"] and "Individual" in channels["en"]


def test_support_evidence_and_urgent_warning() -> None:
    settings = load_settings()
    evidence = settings.support_evidence
    for word in ("登録名義", "連絡先", "日時", "納品番号", "スクリーンショット", "メッセージ"):
        assert word in evidence["ja"]
    for word in ("registered name", "started", "shipment ID", "screenshots", "earlier messages"):
        assert word in evidence["en"]
    assert "緊急" in settings.support_urgent_warning["ja"]
    assert "urgent" in settings.support_urgent_warning["en"]


def test_every_procedure_has_steps_a_screen_and_a_source_in_both_languages() -> None:
    procedures = load_settings().procedures
    assert len(procedures) >= 20
    for procedure in procedures.values():
        for lang in ("ja", "en"):
            assert procedure.screen[lang].strip() and procedure.steps[lang], procedure.id
        assert procedure.url.startswith("https://"), procedure.id
        assert isinstance(procedure.checked, date), procedure.id


@pytest.mark.parametrize(
    ("procedure", "ja", "en"),
    [
        # RMS's unified screen reaches vendor apps and the shop's own key (third pass).
        (
            "R1",
            "WEB APIサービス > 2-1 アプリ一覧 > WEB API アクセス許可設定",
            "設定 > 基本 > API",
        ),
        ("R1", "「有効期限切れ」の行は「アクセス承認」", "アクセス承認"),
        ("R2", "アプリ登録者が「店舗様」", "新しいライセンスキーを発行"),
        ("R3", "アクセス承認", "approve access"),
        ("R4", "「アップデートする」", "does not change"),
        ("R5", "利用停止", "does not stop the old one"),
        ("A2", "365日ごとの再認可はありません", "Develop Apps"),
        ("A6", "自己認可", "Self-Authorizations"),
        ("A9", "2025-04-10", "2025-04-10"),
        ("A9", "7日で期限が切れます", "expires after 7 days"),
        ("A9", "灰色で選べません", "greyed out"),
        ("A1", "「アプリを管理」", "Manage Your Apps"),
        ("A1", "「有効期限の延長」(要確認)または「更新」(要確認)", "「更新」 (unconfirmed)"),
        ("A3", "すぐ使えなくなるものとして扱います", "treat the old secret as dead"),
        ("Y1", "暗号鍵管理", "Store Creator Pro"),
        ("Y2", "再認可", "re-authorize"),
        ("Y3", "権限管理", "delete the tokens"),
        ("Y3", "最大12時間", "within 12 hours"),
        ("A5", "アプリを管理", "Revoke"),
        ("A7", "ユーザー権限", "Current Authorizations"),
        ("A8", "ユーザー権限", "User Permissions"),
        ("A10", "アカウント健全性", "Account Health"),
        ("A11", "見積書・プロフォーマインボイス・注文書・発注書は請求書ではない", "not invoices"),
        ("A11", "仕入先と購入者(自店)の名称と住所", "the buyer's (your) names"),
        ("A13", "電話の受付時間はこのページに表示されます", "phone hours"),
    ],
)
def test_a_procedure_names_the_screen_and_the_steps(procedure: str, ja: str, en: str) -> None:
    steps = load_settings().procedure(procedure).as_dict
    assert ja in steps("ja")["steps"] + steps("ja")["screen"]
    assert en in steps("en")["steps"] + steps("en")["screen"]


def test_the_support_channels_are_said_once() -> None:
    """The contact page shows the phone hours: said in the procedure, not with each channel."""
    settings = load_settings()
    steps = settings.procedure("A13").steps["ja"]
    assert sum(step.count("受付時間") for step in steps) == 1
    assert "受付時間" not in settings.support_channels("professional")["ja"]


def test_an_unknown_procedure_is_a_programming_error() -> None:
    with pytest.raises(KeyError, match="R99"):
        load_settings().procedure("R99")


def test_every_fact_has_a_source_with_a_url_and_a_checked_date() -> None:
    facts = load_settings().facts()
    names = [fact.name for fact in facts]
    assert len(names) == len(set(names))
    for fact in facts:
        assert fact.value, fact.name
        assert fact.source_title, fact.name
        assert fact.source_url.startswith("https://"), fact.name
        assert isinstance(fact.checked, date), fact.name
    expected = {
        "validity_days.rakuten_license_key",
        "validity_days.sp_api_authorization",
        "validity_days.lwa_client_secret",
        "validity_days.yahoo_public_key",
        "validity_days.yahoo_authorization",
        "mws_shutdown",
        "mws_credentials_deleted",
        "renewal_warning_days",
        "reply_days",
        "invoice_window_days",
        "document_formats",
        "support_channels.professional",
        "support_channels.individual",
        "support_evidence",
        "amazon_partner_required_since",
        "amazon_partner_invitation_days",
        "yahoo_authorization_without_key_hours",
    }
    assert expected <= set(names)


def test_facts_show_the_values_and_their_sources() -> None:
    settings = load_settings()
    rakuten = settings.fact("validity_days.rakuten_license_key")
    assert rakuten.value == "90"
    assert "ネクストエンジン" in rakuten.source_title
    sp_api = settings.fact("validity_days.sp_api_authorization")
    assert sp_api.source_url == "https://developer-docs.amazon.com/sp-api/docs/renew-authorizations"
    assert settings.fact("mws_shutdown").value == "2024-04-01"
    assert settings.fact("document_formats").value == "pdf, jpg, jpeg, png, gif"
    support = settings.fact("support_channels.individual")
    assert support.display("ja") == "メールのみ"
    assert support.display("en") == "email only"
    with pytest.raises(KeyError):
        settings.fact("no_such_fact")


# --- the config's windows --------------------------------------------------------------


def test_config_windows_override_the_file_and_say_so() -> None:
    settings = load_settings(windows={"renewal_warning_days": 30, "reply_days": 1})
    assert settings.renewal_warning_days == 30
    assert settings.reply_days == 1
    fact = settings.fact("renewal_warning_days")
    assert fact.value == "30"
    assert fact.source_title == CONFIG_SOURCE
    # The platform facts are untouched.
    assert settings.validity_days["rakuten_license_key"] == 90


def test_a_window_not_in_the_config_keeps_the_file_value_and_source(tmp_path: Path) -> None:
    config = tmp_path / "reporter.toml"
    settings = load_settings(windows={"reply_days": 7}, config_path=config)
    assert settings.reply_days == 7
    assert str(config) in settings.fact("reply_days").source_title
    assert settings.renewal_warning_days == 14
    assert settings.fact("renewal_warning_days").source_url.startswith("https://")


def test_a_window_of_zero_days_is_allowed() -> None:
    assert load_settings(windows={"reply_days": 0}).reply_days == 0


# --- a rules file given with --rules ------------------------------------------------------


def test_a_changed_number_in_a_rules_file_is_used(
    tmp_path: Path, rules_data: dict[str, Any]
) -> None:
    entry = rules_data["validity_days"]["rakuten_license_key"]
    entry["value"] = 60
    entry["source"] = "楽天からのお知らせ(テスト)"
    entry["checked"] = date(2027, 1, 5)
    path = _write(tmp_path, rules_data)
    settings = load_settings(path)
    assert settings.validity_days["rakuten_license_key"] == 60
    fact = settings.fact("validity_days.rakuten_license_key")
    assert (fact.value, fact.source_title, fact.checked) == (
        "60",
        "楽天からのお知らせ(テスト)",
        date(2027, 1, 5),
    )
    assert settings.rules_path == str(path)
    # The next run without --rules reads the packaged file again.
    assert load_settings().validity_days["rakuten_license_key"] == 90


def test_config_windows_override_a_rules_file_too(
    tmp_path: Path, rules_data: dict[str, Any]
) -> None:
    rules_data["windows"]["reply_days"]["value"] = 5
    path = _write(tmp_path, rules_data)
    assert load_settings(path).reply_days == 5
    assert load_settings(path, windows={"reply_days": 2}).reply_days == 2


def test_document_formats_are_read_the_way_people_type_them(
    tmp_path: Path, rules_data: dict[str, Any]
) -> None:
    rules_data["document_formats"]["value"] = [".PDF", "Jpg", "pdf", " png "]
    settings = load_settings(_write(tmp_path, rules_data))
    assert settings.document_formats == ("pdf", "jpg", "png")


def test_a_quoted_date_is_read_as_a_date(tmp_path: Path, rules_data: dict[str, Any]) -> None:
    rules_data["mws_shutdown"]["value"] = "2024-04-01"
    assert load_settings(_write(tmp_path, rules_data)).mws_shutdown == date(2024, 4, 1)


def test_a_file_saved_with_a_byte_order_mark_is_read(
    tmp_path: Path, rules_data: dict[str, Any]
) -> None:
    path = tmp_path / "notepad.toml"
    path.write_text(_dump(rules_data), encoding="utf-8-sig")
    assert load_settings(path).reply_days == 3


# --- a broken rules file -----------------------------------------------------------------


def _parent(data: dict[str, Any], path: tuple[str, ...]) -> dict[str, Any]:
    for key in path[:-1]:
        data = data[key]
    return data


def _set(*path: str, value: Any) -> Callable[[dict[str, Any]], None]:
    def change(data: dict[str, Any]) -> None:
        _parent(data, path)[path[-1]] = value

    return change


def _delete(*path: str) -> Callable[[dict[str, Any]], None]:
    def change(data: dict[str, Any]) -> None:
        del _parent(data, path)[path[-1]]

    return change


def _add_validity(kind: str) -> Callable[[dict[str, Any]], None]:
    def change(data: dict[str, Any]) -> None:
        data["validity_days"][kind] = dict(data["validity_days"]["rakuten_license_key"])

    return change


BROKEN: list[tuple[str, Callable[[dict[str, Any]], None], str]] = [
    ("missing section", _delete("mws_shutdown"), "mws_shutdown"),
    (
        "missing key kind",
        _delete("validity_days", "lwa_client_secret"),
        "validity_days.lwa_client_secret",
    ),
    ("missing value", _delete("windows", "reply_days", "value"), "windows.reply_days.value"),
    (
        "missing source",
        _delete("amazon_partner_invitation_days", "url"),
        "amazon_partner_invitation_days.url",
    ),
    ("missing english text", _delete("support_evidence", "en"), "support_evidence.en"),
    (
        "number in quotes",
        _set("validity_days", "rakuten_license_key", "value", value="90"),
        "validity_days.rakuten_license_key.value",
    ),
    (
        "fraction of a day",
        _set("validity_days", "yahoo_authorization", "value", value=28.5),
        "validity_days.yahoo_authorization.value",
    ),
    (
        "negative window",
        _set("windows", "reply_days", "value", value=-1),
        "windows.reply_days.value",
    ),
    (
        "negative validity",
        _set("validity_days", "sp_api_authorization", "value", value=-365),
        "validity_days.sp_api_authorization.value",
    ),
    (
        "zero validity",
        _set("validity_days", "sp_api_authorization", "value", value=0),
        "validity_days.sp_api_authorization.value",
    ),
    ("unknown key kind", _add_validity("amazon_key"), "validity_days.amazon_key"),
    ("kind that never expires", _add_validity("mws_access_key"), "validity_days.mws_access_key"),
    ("unknown section", _set("invoice_window", value={"value": 365}), "invoice_window"),
    (
        "misspelt entry",
        _set("invoice_window_days", "vaule", value=365),
        "invoice_window_days.vaule",
    ),
    ("source without url", _delete("mws_shutdown", "url"), "mws_shutdown.url"),
    ("blank url", _set("mws_shutdown", "url", value=""), "mws_shutdown.url"),
    (
        "url without https",
        _set("mws_shutdown", "url", value="www.amazon.co.jp"),
        "mws_shutdown.url",
    ),
    (
        "date typed with slashes",
        _set("mws_shutdown", "value", value="2024/04/01"),
        "mws_shutdown.value",
    ),
    ("date as a number", _set("mws_shutdown", "value", value=20240401), "mws_shutdown.value"),
    ("no checked date", _delete("invoice_window_days", "checked"), "invoice_window_days.checked"),
    ("empty format list", _set("document_formats", "value", value=[]), "document_formats.value"),
    (
        "format list as text",
        _set("document_formats", "value", value="pdf"),
        "document_formats.value",
    ),
    (
        "section as a number",
        _set("support_channels", "individual", value=1),
        "support_channels.individual",
    ),
    ("blank text", _set("support_evidence", "ja", value="  "), "support_evidence.ja"),
]


def _assert_names(error: InputError, path: Path, *words: str) -> None:
    assert error.exit_code == 2
    for lang, intro in (("ja", "ルールファイル"), ("en", "rules file")):
        message = error.render(lang)
        assert "\n" not in message
        assert intro in message
        assert str(path) in message
        for word in words:
            assert word in message, (lang, message)


@pytest.mark.parametrize(
    ("change", "key"), [case[1:] for case in BROKEN], ids=[c[0] for c in BROKEN]
)
def test_a_broken_rules_file_stops_the_run_naming_the_file_and_the_key(
    tmp_path: Path,
    rules_data: dict[str, Any],
    change: Callable[[dict[str, Any]], None],
    key: str,
) -> None:
    change(rules_data)
    path = _write(tmp_path, rules_data)
    with pytest.raises(InputError) as info:
        load_settings(path)
    assert info.value.key == "rules_file_invalid"
    _assert_names(info.value, path, key)


def test_a_file_that_is_not_toml(tmp_path: Path) -> None:
    path = tmp_path / "rules.toml"
    path.write_text("[validity_days.rakuten_license_key\nvalue = 90\n", encoding="utf-8")
    with pytest.raises(InputError) as info:
        load_settings(path)
    assert info.value.key == "rules_file_invalid"
    _assert_names(info.value, path, "TOML", "line 1")


def test_a_file_saved_in_shift_jis(tmp_path: Path, rules_data: dict[str, Any]) -> None:
    path = tmp_path / "rules.toml"
    path.write_bytes(_dump(rules_data).replace("–", "-").encode("cp932"))
    with pytest.raises(InputError) as info:
        load_settings(path)
    _assert_names(info.value, path, "UTF-8")


def test_a_missing_rules_file(tmp_path: Path) -> None:
    path = tmp_path / "nowhere.toml"
    with pytest.raises(InputError) as info:
        load_settings(path)
    assert info.value.key == "rules_file_missing"
    _assert_names(info.value, path, "--rules")

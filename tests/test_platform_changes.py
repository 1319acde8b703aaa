"""Platform changes that stop a tool (RNW010), the words that mark a quotation (INC011),
and the Microsoft 365 password-SMTP warning: facts from the rules file, as users meet them."""

from __future__ import annotations

import json
from datetime import date
from importlib import resources
from pathlib import Path

import pytest
from typer.testing import CliRunner

from reporter import api
from reporter.cli import app
from reporter.config import EmailSettings
from reporter.delivery.email.microsoft365 import password_smtp_warning, warning_line
from reporter.platform import load_settings

runner = CliRunner()
PACKAGED = resources.files("reporter").joinpath("rules.toml").read_text(encoding="utf-8")
ORDERS_V0 = (
    "https://developer-docs.amazon.com/sp-api/changelog/new-introducing-the-orders-api-v2026-01-01"
)


# --- reporter rules --------------------------------------------------------------------------


def test_rules_json_lists_the_new_rules_and_the_orders_api_change_with_its_source() -> None:
    result = runner.invoke(app, ["rules", "--json", "--lang", "en"])
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    codes = {rule["code"] for rule in data["rules"]}
    assert {"RNW010", "INC011"} <= codes
    (change,) = (c for c in data["changes"] if c["id"] == "amazon-orders-v0")
    assert change["deadline"] == "2027-03-27"
    assert change["platforms"] == ["amazon_jp", "amazon_us"]
    assert change["purposes"] == ["order_management", "review_request", "inventory"]
    assert change["source_url"] == ORDERS_V0
    assert change["checked"] == "2026-12-04"
    assert "v2026-01-01" in change["what"]
    rnw010 = next(rule for rule in data["rules"] if rule["code"] == "RNW010")
    assert any(p["name"] == "changes.amazon-orders-v0" for p in rnw010["parameters"])
    inc011 = next(rule for rule in data["rules"] if rule["code"] == "INC011")
    (words,) = (p for p in inc011["parameters"] if p["name"] == "not_invoice_words")
    assert "見積" in words["value"] and words["source_url"].startswith("https://")


def test_rules_lists_the_change_with_its_deadline_and_whom_it_concerns() -> None:
    result = runner.invoke(app, ["rules"])
    assert result.exit_code == 0
    text = result.stdout.split("amazon-orders-v0  ", 1)[1]
    assert "2027-03-27" in text
    assert "受注管理" in text and "Amazon.co.jp" in text
    assert ORDERS_V0 in text


# --- changes are data ------------------------------------------------------------------------

RAKUTEN_CHANGE = """
[changes.rakuten-test-api]
platforms = ["rakuten"]
purposes = ["order_management"]
deadline = 2026-12-10
title_ja = "楽天 テストAPIの終了"
title_en = "the end of Rakuten's test API"
ja = "テスト用の変更です。"
en = "A change for the test."
source = "test"
url = "https://example.com/rakuten"
checked = 2026-12-04
"""


def test_a_change_added_to_the_rules_file_is_checked_like_the_first(
    tmp_path: Path, make_register
) -> None:
    rules = tmp_path / "rules.toml"
    rules.write_text(PACKAGED + RAKUTEN_CHANGE, encoding="utf-8")
    register = make_register(
        tools=[
            {
                "ツールID": "T-1",
                "ツール名": "受注さん",
                "用途": "受注管理",
                "状態": "利用中",
                "モール": "楽天市場",
            },
            {
                "ツールID": "T-2",
                "ツール名": "受注くん",
                "用途": "受注管理",
                "状態": "利用中",
                "モール": "楽天市場",
                "対応確認済み": "rakuten-test-api",
            },
        ]
    )
    result = api.check(register, as_of="2026-11-30", rules=rules)
    found = [(f.record_id, f.due, f.severity.value) for f in result.findings if f.code == "RNW010"]
    # Due 2026-12-10, within the 14-day window: an error; T-2 has confirmed it.
    assert found == [("T-1", date(2026, 12, 10), "error")]


@pytest.mark.parametrize(
    ("change", "named"),
    [
        (
            RAKUTEN_CHANGE.replace('["rakuten"]', '["rakuten_jp"]'),
            "changes.rakuten-test-api.platforms",
        ),
        (RAKUTEN_CHANGE.replace("rakuten-test-api", "amazonordersv0"), "changes.amazonordersv0"),
        (
            RAKUTEN_CHANGE.replace("deadline = 2026-12-10\n", ""),
            "changes.rakuten-test-api.deadline",
        ),
        (RAKUTEN_CHANGE.replace("rakuten-test-api", "Rakuten-Test"), "changes.Rakuten-Test"),
    ],
    ids=["unknown platform", "same id as another", "no deadline", "id with capitals"],
)
def test_a_wrong_change_in_the_rules_file_is_one_line_naming_it(
    tmp_path: Path, change: str, named: str
) -> None:
    rules = tmp_path / "rules.toml"
    rules.write_text(PACKAGED + change, encoding="utf-8")
    result = runner.invoke(app, ["rules", "--rules", str(rules)])
    assert result.exit_code == 2
    assert named in result.output
    assert "Traceback" not in result.output


# --- Microsoft 365 ---------------------------------------------------------------------------

OFFICE365 = EmailSettings(smtp_host="smtp.office365.com", method="smtp")


def test_password_smtp_through_microsoft_365_warns_before_the_switch_off() -> None:
    rules = load_settings()
    line = warning_line(OFFICE365, date(2026, 12, 4), rules, "ja")
    assert line is not None and "\n" not in line
    assert "2026年12月末" in line and "既定で無効" in line and 'method = "graph"' in line
    english = warning_line(OFFICE365, date(2026, 12, 4), rules, "en")
    assert english is not None
    assert "the end of December 2026" in english and "turn it back on" in english


def test_after_the_switch_off_the_warning_names_the_way_out() -> None:
    rules = load_settings()
    before = warning_line(OFFICE365, date(2026, 12, 30), rules, "en")
    after = warning_line(OFFICE365, date(2027, 1, 5), rules, "en")
    assert before != after
    assert after is not None and "since the end of December 2026" in after
    assert 'method = "graph"' in after


@pytest.mark.parametrize(
    "settings",
    [
        EmailSettings(smtp_host="smtp.example.com", method="smtp"),
        EmailSettings(smtp_host="smtp.office365.com", method="graph"),
        EmailSettings(smtp_host="smtp.office365.com", method="smtp-oauth"),
        EmailSettings(),
    ],
    ids=["other host", "graph", "smtp-oauth", "no email"],
)
def test_no_warning_unless_password_smtp_goes_to_microsoft_365(settings: EmailSettings) -> None:
    assert password_smtp_warning(settings, date(2026, 12, 4), load_settings()) is None


def test_the_host_is_matched_as_people_type_it() -> None:
    typed = EmailSettings(smtp_host=" SMTP.Office365.com. ", method="smtp")
    assert password_smtp_warning(typed, date(2026, 12, 4), load_settings()) is not None


def test_report_email_warns_in_one_line_and_still_sends(
    tmp_path: Path, make_register, monkeypatch: pytest.MonkeyPatch
) -> None:
    sent: list[object] = []
    monkeypatch.setattr(
        "reporter.delivery.email.send_messages", lambda messages, *a, **k: sent.extend(messages)
    )
    config = tmp_path / "reporter.toml"
    config.write_text(
        '[email]\nsmtp_host = "smtp.office365.com"\nusername = "reporter@example.com"\n'
        'from = "reporter@example.com"\nto = ["team@example.com"]\n',
        encoding="utf-8",
    )
    register = make_register()
    out = str(tmp_path / "out")
    command = ["report", str(register), "--as-of", "2026-12-04", "--config", str(config)]
    result = runner.invoke(app, [*command, "--out", out, "--email", "--no-ics"])
    assert result.exit_code == 0, result.output
    warnings = [line for line in result.stderr.splitlines() if "Microsoft 365" in line]
    assert len(warnings) == 1 and "2026年12月末" in warnings[0]
    assert "Microsoft 365" not in result.stdout
    assert len(sent) == 1


def test_a_tool_without_a_platform_is_told_which_store_concerns_it(make_register) -> None:
    from reporter.output.flat import flatten

    register = make_register(
        stores=[
            {"店舗名": "Amazon本店", "モール": "Amazon.co.jp", "出品プラン": "大口出品"},
            {"店舗名": "楽天市場店", "モール": "楽天市場"},
        ],
        tools=[{"ツールID": "T-1", "ツール名": "受注さん", "用途": "受注管理", "状態": "利用中"}],
        keys=[
            {"キーID": "K-1", "種類": "SP-API認可", "ツールID": "T-1", "店舗名": "Amazon本店"},
            {
                "キーID": "K-2",
                "種類": "楽天ライセンスキー",
                "ツールID": "T-1",
                "店舗名": "楽天市場店",
            },
        ],
    )
    result = api.check(register, as_of="2026-11-30")
    (row,) = (r for r in flatten(result, "ja") if r.code == "RNW010")
    assert "Amazon本店" in row.message and "楽天市場店" not in row.message
    assert "2027-03-27" in row.action and "amazon-orders-v0" in row.action
    assert len(row.action) <= 150

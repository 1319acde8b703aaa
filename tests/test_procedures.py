"""Short actions that name a procedure, and the full steps written once (spec section 5, rev. 3).

Measured on the sample register at its as-of date and on a second, denser register
built here, so that the limits hold in proportion on registers the wording was not
tuned on: the longest action, the mean action, sentences repeated across cells, and
the size of `reporter check`'s output.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from reporter.cli import app
from reporter.output.flat import flatten
from reporter.platform import load_settings
from reporter.procedures import procedures_used
from reporter.result import CheckResult
from tests.conftest import register_sheets, write_report, write_workbook

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "sample_data" / "register.xlsx"
SAMPLE_AS_OF = "2026-11-30"
# Characters, as the spec counts them in Japanese; English says the same in about 1.7 times
# as many letters, so its limits are scaled alike.
ACTION_LIMITS = {"ja": (150, 90), "en": (255, 155)}
CHECK_MAX_BYTES = 20 * 1024
SENTENCE = re.compile(r"[^。.!?]+[。.!?]?")


def dense_register(tmp_path: Path) -> Path:
    """A register with many findings per row and per notice: every kind of key expired,
    grants to cancelled tools, and four authenticity relists missing everything."""
    tools = [
        {"ツールID": f"T-{n}", "ツール名": name, "用途": "受注管理", "状態": state}
        for n, (name, state) in enumerate(
            [("受注さん", "利用中"), ("在庫くん", "解約済"), ("リサーチ", "利用中")], start=1
        )
    ]
    kinds = ["楽天ライセンスキー", "SP-API認可", "LWAクライアントシークレット", "Yahoo公開鍵"]
    keys = [
        {
            "キーID": f"K-{n}",
            "種類": kinds[n % len(kinds)],
            "ツールID": "T-2" if n % 5 == 0 else "T-1",
            "発行日": date(2025, 10, n),
            "状態": "利用中",
            "担当者": "佐藤" if n % 3 else None,
        }
        for n in range(1, 13)
    ]
    grants = [
        {
            "付与ID": f"G-{n}",
            "付与先": f"外注{n}",
            "付与先種別": "外注" if n % 2 else "ツール",
            "ツールID": "T-2",
            "権限種別": ["開発者権限", "APIキー共有", "ユーザー権限"][n % 3],
            "付与日": date(2025, 1, 1),
            "契約終了日": date(2026, 6, 30) if n % 2 else None,
        }
        for n in range(1, 9)
    ]
    notices = [
        {
            "通知ID": f"N-{n}",
            "受信日": date(2026, 11, 20 + n),
            "種類": "出品キャンセル",
            "理由": "真贋" if n % 2 else "商品違い",
            "ASIN": f"B0TEST000{n}",
            "再出品の案内": "はい",
            "方針": "再出品申請",
            "提出書類": "見積書.docx",
        }
        for n in range(1, 7)
    ]
    sheets = register_sheets(tools=tools, keys=keys, grants=grants, notices=notices)
    return write_workbook(tmp_path / "dense.xlsx", sheets)


def checked(path: Path, lang: str, as_of: str = SAMPLE_AS_OF) -> dict[str, Any]:
    result = CliRunner().invoke(
        app, ["check", str(path), "--json", "--as-of", as_of, "--lang", lang]
    )
    assert result.exit_code in (0, 1), result.output
    return json.loads(result.stdout)


REGISTERS: dict[str, Callable[[Path], Path]] = {"sample": lambda _: SAMPLE, "dense": dense_register}


@pytest.fixture(params=list(REGISTERS))
def register(request: pytest.FixtureRequest, tmp_path: Path) -> Path:
    return REGISTERS[request.param](tmp_path)


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_every_action_is_short(register: Path, lang: str) -> None:
    findings = checked(register, lang)["findings"]
    actions = [f["action"] for f in findings]
    assert len(actions) > 20
    most, mean = ACTION_LIMITS[lang]
    longest = max(actions, key=len)
    assert len(longest) <= most, longest
    assert sum(map(len, actions)) / len(actions) <= mean


def test_no_long_sentence_repeats_across_cells(register: Path) -> None:
    """No sentence of 60+ characters in 3 or more cells: a repeated procedure is a procedure."""
    cells: dict[str, set[tuple[int, str]]] = defaultdict(set)
    for number, finding in enumerate(checked(register, "ja")["findings"]):
        for field in ("message", "action"):
            for sentence in SENTENCE.findall(finding[field]):
                if len(sentence.strip()) >= 60:
                    cells[sentence.strip()].add((number, field))
    repeated = [sentence for sentence, where in cells.items() if len(where) >= 3]
    assert repeated == []


def test_check_prints_at_most_20_kb_and_the_procedures_once(register: Path) -> None:
    result = CliRunner().invoke(app, ["check", str(register), "--as-of", SAMPLE_AS_OF])
    assert len(result.stdout.encode("utf-8")) <= CHECK_MAX_BYTES
    used = checked(register, "ja")["procedures"]
    tail = result.stdout.split("■ 手順")[1]
    for procedure in used:
        assert result.stdout.count(f"  {procedure['id']}  ") == 1, procedure["id"]
        assert f"  {procedure['id']}  " in tail


def test_the_owner_is_named_once_per_finding(register: Path) -> None:
    for finding in checked(register, "ja")["findings"]:
        assert "担当:" not in finding["action"] and "(担当" not in finding["action"]


def test_json_names_each_findings_procedure_and_lists_those_used() -> None:
    data = checked(SAMPLE, "ja")
    ids = [f["procedure"] for f in data["findings"]]
    assert None in ids and "R1" in ids
    listed = [p["id"] for p in data["procedures"]]
    assert len(listed) == len(set(listed))
    for finding in data["findings"]:
        if finding["procedure"]:
            assert finding["procedure"] in listed
            assert finding["action"].endswith(f"手順 {finding['procedure']}")
    for procedure in data["procedures"]:
        assert set(procedure) == {"id", "platform", "screen", "steps", "source", "checked"}
        assert procedure["steps"].startswith("【") and "\n1. " in procedure["steps"]
        assert "https://" in procedure["source"]
    # The seller-support procedure comes with the appeals that refer to it.
    assert "A13" in listed


def test_procedures_used_follows_first_use_and_the_language(tmp_path: Path) -> None:
    settings = load_settings()

    class Named:
        def __init__(self, procedure: str | None) -> None:
            self.procedure = procedure

    used = procedures_used([Named("R1"), Named(None), Named("A10"), Named("R1")], "en")
    assert [p["id"] for p in used] == ["R1", "A10", "A13"]
    assert used[0]["platform"] == "Rakuten" and used[0]["checked"] == "2026-12-04"
    assert used[0] == settings.procedure("R1").as_dict("en")


def test_an_unconfirmed_label_is_marked_where_it_is_shown() -> None:
    steps = load_settings().procedure("A1").as_dict("ja")["steps"]
    assert "「有効期限の延長」(要確認)" in steps
    assert "「アプリを管理」(要確認)" not in steps


def test_no_order_form_or_quotation_is_accepted_as_an_invoice(register: Path) -> None:
    for finding in checked(register, "ja")["findings"]:
        text = finding["message"] + finding["action"]
        assert "請求書・領収書・注文書" not in text and "・注文書(" not in text


def test_the_report_has_a_procedures_sheet_after_the_findings(tmp_path: Path) -> None:
    from reporter.api import check

    result: CheckResult = check(SAMPLE, as_of=SAMPLE_AS_OF)
    path = write_report(result, tmp_path)
    book = load_workbook(path)
    names = book.sheetnames
    assert names.index("手順") == names.index("台帳の問題") + 1
    sheet = book["手順"]
    header = [cell.value for cell in sheet[2]]
    assert header == ["手順ID", "モール", "画面", "手順", "出典", "確認日"]
    ids = [row[0].value for row in sheet.iter_rows(min_row=3) if row[0].value]
    assert ids == [p["id"] for p in procedures_used(result.findings, "ja")]
    assert sheet.print_title_rows == "$2:$2"
    actions = [row.action for row in flatten(result, "ja")]
    assert not any("1. " in action for action in actions)

"""Write a synthetic register of a given size for the benchmark.

    python bench/make_register.py 100000                  # -> bench/data/register-100000.xlsx
    python bench/make_register.py 100000 OUT.xlsx --force
    python bench/make_register.py 50 --pathological rows     # formatted down to row 1,048,576
    python bench/make_register.py 50 --pathological columns  # formatted across to column XFD
    python bench/make_register.py 50 --pathological rows-value  # ... and a value down there

SIZE is the number of data rows in total across ツール, キー, 権限 and 通知 (4%, 28%,
28%, 40%: notices pile up, tools do not); a small 店舗, 除外 and 商品マスタ sheet come
with it. The rows mix value forms the way sample_data/register.xlsx does (real
dates, text dates in every accepted form, era dates, full-width digits, Japanese
labels, synonyms and English codes, ids typed as numbers or text, VLOOKUP
formulas with cached values) and about 10% of them carry a finding at
--as-of 2026-11-30 (expired keys, unreadable dates, unknown enum values, grants
to cancelled tools, unanswered notices...). Ids are unique, so DAT006 never fires.

Deterministic: a fixed seed per size and a fixed creation time, so the same
command writes the same file. xlsxwriter's ``constant_memory`` mode flushes each
row as it is written, so 1M rows are generated in a few tens of MB; it writes
inline strings instead of a shared string table (calamine reads both).

Pathological variants (50 data rows each), on every data sheet: ``rows`` formats
whole columns (``<col>`` styles) and leaves formatted blank cells at row
1,048,576, so the sheet's used range (its <dimension>, openpyxl's max_row) runs
to the bottom; ``columns`` formats every column to XFD and leaves a formatted
blank in column XFD of the header row. Calamine drops cells that carry only a
format, so these two cost a calamine reader nothing. ``rows-value`` and
``columns-value`` also hold one cell with a single space down there, which people
type to "clear" a cell: that cell does stretch the range calamine builds (1M
rows, or 16,384 columns, of mostly empty cells), and is the harder case.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import zipfile
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import xlsxwriter

HERE = Path(__file__).resolve().parent
DATA_DIR = HERE / "data"

# Bump when the generated content changes, so that cached files are regenerated.
GENERATOR_VERSION = "2"
SEED = 20261130
AS_OF = date(2026, 11, 30)  # the date the benchmark checks at (--as-of)
CREATED = datetime(2026, 11, 22, 9, 0, 0)
FINDING_RATE = 0.10  # of rows given a finding; pairs (INC008) and knock-ons offset the misses
PATHOLOGICAL = ("rows", "columns", "rows-value", "columns-value")
LAST_ROW = 1_048_575  # 0-based: Excel's row 1,048,576
LAST_COL = 16_383  # 0-based: Excel's column XFD
PROPERTY = "bench_register"  # custom document property naming what the file holds

OPTIONS = {
    "constant_memory": True,
    "strings_to_formulas": False,
    "strings_to_urls": False,
    "strings_to_numbers": False,
}


@dataclass(frozen=True)
class Formula:
    """A formula with the value Excel cached for it; ``{row}`` is the cell's 1-based row."""

    text: str
    cached: str


@dataclass
class Stats:
    """What was written: data rows per sheet and the findings injected, by code."""

    rows: dict[str, int] = field(default_factory=dict)
    injected: Counter[str] = field(default_factory=Counter)

    @property
    def total(self) -> int:
        return sum(self.rows[k] for k in ("tools", "keys", "grants", "notices"))


# --- vocabulary ----------------------------------------------------------------------------

OWNERS = ("佐藤", "鈴木", "高橋", "田中", "伊藤", "渡辺", "山本", "中村", "小林", "加藤")
STORES = (
    # name, platform as typed, plan as typed
    ("Amazon本店", "Amazon.co.jp", "大口出品"),
    ("Amazonセカンド", "amazon_jp", "小口"),
    ("Amazon US店", "Amazon.com", "大口"),
    ("楽天市場店", "楽天市場", None),
    ("楽天アウトレット", "楽天", None),
    ("Yahoo!店", "Yahoo!ショッピング", None),
    ("Yahoo!セカンド", "ヤフー", None),
    ("自社EC", "その他", None),
)
AMAZON_STORES = ("Amazon本店", "Amazonセカンド", "Amazon US店")
RAKUTEN_STORES = ("楽天市場店", "楽天アウトレット")
YAHOO_STORES = ("Yahoo!店", "Yahoo!セカンド")
ALL_STORES = tuple(s[0] for s in STORES)

# Enum values as teams type them: label, synonym or English code.
PURPOSES = {
    "repricing": ("価格改定", "repricing"),
    "review_request": ("評価依頼メール", "評価依頼", "review_request"),
    "inventory": ("在庫管理", "在庫連携", "inventory"),
    "order_management": ("受注管理", "order_management"),
    "listing": ("出品", "listing"),
    "other": ("その他",),
}
RESEARCH = ("リサーチ", "価格差リサーチ", "price_research")
TOOL_ACTIVE = ("利用中", "利用中", "利用中", "active")
TOOL_TRIAL = ("試用中", "トライアル", "trial")
TOOL_CANCELLED = ("解約", "解約済", "cancelled")
PLATFORMS = ("Amazon", "Amazon.co.jp", "楽天", "楽天市場", "Yahoo", "ヤフー", None, None)
VENDORS = ("ネオプライス合同会社", "メールラボ株式会社", "シンクワークス株式会社", "社内", None)

KEY_KINDS = {
    # code: (labels as typed, validity days or None, stores)
    "rakuten_license_key": (
        ("楽天ライセンスキー", "ライセンスキー", "rakuten_license_key"),
        90,
        RAKUTEN_STORES,
    ),
    "sp_api_authorization": (("SP-API認可", "sp_api_authorization"), 365, AMAZON_STORES),
    "lwa_client_secret": (("LWAクライアントシークレット",), 180, AMAZON_STORES),
    "yahoo_public_key": (("Yahoo公開鍵", "公開鍵"), 365, YAHOO_STORES),
    "yahoo_authorization": (("Yahoo認可",), 28, YAHOO_STORES),
    "other": (("その他",), None, ALL_STORES),
}
KEY_KIND_WEIGHTS = (35, 30, 10, 10, 5, 10)
KEY_IN_USE = ("利用中", "利用中", "利用中", "利用中", "in_use", None)
KEY_RETIRED = ("停止", "廃止", "retired")
WARNING_DAYS = 14  # RNW002's default window
REPLY_DAYS = 3  # INC001/INC002's default window

GRANT_DEVELOPER = ("開発者権限", "アプリ認可", "developer")
GRANT_USER = ("ユーザー権限", "user")
GRANTEE_TOOL = ("ツール", "tool")
GRANTEE_STAFF = ("社員", "スタッフ", "staff")
GRANTEE_CONTRACTOR = ("外注", "外注さん", "contractor")
CONTRACT_WORK = ("出品作業", "データ入力", "画像作成", "商品撮影", "カスタマー対応")

REASONS = {
    "wrong_item": ("商品違い", "カタログと異なる商品", "誤った商品", "wrong_item"),
    "condition": ("コンディション", "condition"),
    "authenticity": ("真贋", "偽物", "authenticity"),
}
SUPPLIERS = (
    "株式会社サンプル卸 大阪府大阪市北区0-0-0 06-0000-1234 https://supplier.example",
    "東京サンプル商事 東京都台東区0-0-0 03-0000-5678 https://tokyo-sample.example",
)
CAUSES = (
    "商品説明のコンディション表記を修正",
    "出荷前検品にチェックリストを追加",
    "梱包材を変更し、出荷前に写真で記録",
)
PRODUCT_WORDS = ("ステンレス", "珪藻土", "LED", "シリコン", "折りたたみ", "本革", "木製", "USB")
PRODUCT_THINGS = ("ボトル", "バスマット", "デスクライト", "スプーン", "収納ボックス", "財布")
PRODUCTS = {
    f"ML-{1001 + i}": f"{PRODUCT_WORDS[i % 8]}{PRODUCT_THINGS[i % 6]} {i % 5 + 1}個組"
    for i in range(200)
}
SKUS = tuple(PRODUCTS)

_FULL_WIDTH = str.maketrans("0123456789", "０１２３４５６７８９")
_ASIN_CHARS = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"


# --- value forms -----------------------------------------------------------------------------


def _era(d: date) -> tuple[str, str, int]:
    """(letter, kanji, era year) of the Japanese era of ``d`` (Reiwa or Heisei)."""
    if d >= date(2019, 5, 1):
        return "R", "令和", d.year - 2018
    return "H", "平成", d.year - 1988


# How a date is typed, with how often (the sample register's mix, roughly).
DATE_FORMS: tuple[tuple[Callable[[date], Any], int], ...] = (
    (lambda d: d, 45),  # a real Excel date
    (lambda d: datetime(d.year, d.month, d.day, 9, 30), 3),  # a date-time
    (lambda d: f"{d.year}/{d.month}/{d.day}", 20),
    (lambda d: d.isoformat(), 8),
    (lambda d: f"{d.year}年{d.month}月{d.day}日", 8),
    (lambda d: d.strftime("%Y%m%d"), 3),
    (lambda d: f"{d.year}.{d.month}.{d.day}", 2),
    (lambda d: f"{_era(d)[0]}{_era(d)[2]}.{d.month}.{d.day}", 5),
    (lambda d: f"{_era(d)[1]}{_era(d)[2]}年{d.month}月{d.day}日", 3),
    (lambda d: f"{d.year}/{d.month:02d}/{d.day:02d}".translate(_FULL_WIDTH), 3),
)
_DATE_FUNCS = tuple(f for f, _ in DATE_FORMS)
_DATE_WEIGHTS = tuple(w for _, w in DATE_FORMS)


class Gen:
    """The random choices, from one seeded generator, so a size always gives the same file."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)

    def pick(self, options: tuple[Any, ...] | list[Any]) -> Any:
        return options[int(self.rng.random() * len(options))]

    def chance(self, p: float) -> bool:
        return self.rng.random() < p

    def days(self, low: int, high: int) -> int:
        return self.rng.randint(low, high)

    def date_value(self, d: date) -> Any:
        return self.rng.choices(_DATE_FUNCS, _DATE_WEIGHTS)[0](d)

    def ago(self, low: int, high: int) -> date:
        """A date ``low``..``high`` days before AS_OF."""
        return AS_OF - timedelta(days=self.days(low, high))

    def tool_ref(self, tool_id: int) -> Any:
        # Tool ids are compared as text: 1001, "1001" and 1001.0 are one id.
        return tool_id if self.chance(0.6) else str(tool_id)


def split_size(size: int) -> dict[str, int]:
    """Data rows per sheet; at least 5 tools so every kind of tool exists."""
    tools = max(5, round(size * 0.04))
    keys = round(size * 0.28)
    grants = round(size * 0.28)
    notices = size - tools - keys - grants
    if notices < 1:
        raise ValueError(f"size {size} is too small (at least 10 rows)")
    return {"tools": tools, "keys": keys, "grants": grants, "notices": notices}


# --- sheets ------------------------------------------------------------------------------------


@dataclass
class SheetPlan:
    name: str
    header: list[str]
    widths: tuple[float, ...]
    title: str | None = None
    note: str | None = None


TOOL_SHEET = SheetPlan(
    "ツール",
    [
        "ツールID",
        "ツール名",
        "提供元",
        "モール",
        "用途",
        "状態",
        "解約日",
        "契約更新日",
        "解約予告(日)",
        "担当者",
        "備考",
    ],
    (9, 22, 22, 16, 14, 10, 14, 14, 12, 10, 30),
    title="ツール台帳(ベンチマーク用)",
    note="※解約したツールも行は消さずに、状態を「解約」にして解約日を入れてください。",
)
KEY_SHEET = SheetPlan(
    "キー",
    [
        "キーID",
        "種類",
        "店舗名",
        "ツールID",
        "発行日",
        "有効期限",
        "状態",
        "担当者",
        "副担当",
        "メモ",
    ],
    (10, 24, 15, 9, 14, 12, 14, 10, 10, 30),
    title="APIキー・ライセンスキー管理表",
    note="※キーの値そのものは書かないこと。",
)
GRANT_SHEET = SheetPlan(
    "権限",
    [
        "付与ID",
        "店舗名",
        "付与先",
        "付与先種別",
        "ツールID",
        "権限種別",
        "付与日",
        "取消日",
        "契約終了日",
        "担当者",
        "備考",
    ],
    (10, 15, 24, 12, 9, 14, 12, 12, 14, 10, 24),
)
NOTICE_SHEET = SheetPlan(
    "通知",
    [
        "通知ID",
        "受信日",
        "店舗名",
        "種類",
        "理由",
        "ASIN",
        "SKU",
        "商品名",
        "再出品の案内",
        "方針",
        "返信日",
        "請求書発行日",
        "書類期間（日）",
        "提出書類",
        "仕入先連絡先",
        "原因と再発防止",
        "状態",
        "担当者",
    ],
    (10, 14, 15, 14, 16, 12, 9, 28, 10, 12, 12, 12, 10, 26, 30, 34, 9, 10),
    title="通知・出品キャンセル対応表",
    note="※「要ご対応:出品キャンセルのご連絡」は受信から3日以内に返信。",
)
STORE_SHEET = SheetPlan(
    "店舗",
    ["店舗名", "モール", "出品プラン", "登録名義", "連絡先", "担当者"],
    (16, 18, 10, 18, 26, 10),
)
EXCEPTION_SHEET = SheetPlan(
    "除外", ["コード", "対象ID", "理由", "承認者", "期限"], (9, 12, 50, 9, 12)
)
PRODUCT_SHEET = SheetPlan("商品マスタ", ["SKU", "商品名"], (10, 30))


class Writer:
    """Writes one sheet row by row (constant_memory: rows must come in order)."""

    def __init__(
        self,
        workbook: Any,
        plan: SheetPlan,
        formats: dict[str, Any],
        pathological: str | None = None,
    ) -> None:
        self.ws = workbook.add_worksheet(plan.name)
        self.formats = formats
        self.width = len(plan.header)
        self.row = 0
        variant = pathological or ""
        self.to_bottom = variant.startswith("rows")
        self.typed_space = variant.endswith("-value")
        if variant.startswith("columns"):
            # Whole-sheet formatting, as when someone selects every column and colours it.
            self.ws.set_column(0, LAST_COL, 10, formats["fill"])
        for col, width in enumerate(plan.widths):
            fmt = formats["fill"] if pathological else None
            self.ws.set_column(col, col, width, fmt)
        if plan.title:
            self.ws.write_string(0, 0, plan.title, formats["title"])
            if plan.note:
                self.ws.write_string(1, 0, plan.note, formats["note"])
            self.row = 2
        for col, text in enumerate(plan.header):
            self.ws.write_string(self.row, col, text, formats["header"])
        if variant.startswith("columns"):
            if self.typed_space:
                self.ws.write_string(self.row, LAST_COL, " ", formats["fill"])
            else:
                self.ws.write_blank(self.row, LAST_COL, None, formats["fill"])
        self.ws.freeze_panes(self.row + 1, 1)
        self.header_row = self.row

    def write(self, values: list[Any] | None) -> None:
        """Write the next row; None leaves a blank row, as teams do between blocks."""
        self.row += 1
        if values is None:
            return
        ws, row, formats = self.ws, self.row, self.formats
        for col, value in enumerate(values):
            if value is None:
                continue
            kind = type(value)
            if kind is str:
                ws.write_string(row, col, value)
            elif kind is date:
                ws.write_datetime(row, col, value, formats["date"])
            elif kind is datetime:
                ws.write_datetime(row, col, value, formats["datetime"])
            elif kind is int or kind is float:
                ws.write_number(row, col, value)
            elif kind is Formula:
                ws.write_formula(row, col, value.text.format(row=row + 1), None, value.cached)
            else:
                raise TypeError(f"cannot write {value!r}")

    def close(self) -> None:
        if self.to_bottom:
            # Formatted blanks at the bottom of the sheet (and, for -value, a typed space).
            for col in range(self.width):
                self.ws.write_blank(LAST_ROW, col, None, self.formats["fill"])
            if self.typed_space:
                self.ws.write_string(LAST_ROW, 0, " ")


# --- rows --------------------------------------------------------------------------------------


@dataclass
class Tools:
    """Tool ids by what a key or grant may point at."""

    good: list[int] = field(default_factory=list)  # active or on trial, not research
    research: list[int] = field(default_factory=list)  # active, purpose price_research
    cancelled: list[int] = field(default_factory=list)  # status cancelled


def tool_rows(g: Gen, count: int, stats: Stats, tools: Tools) -> Iterator[list[Any] | None]:
    for i in range(count):
        tool_id = 1001 + i
        name = f"ツール{tool_id}"
        purpose: str | None = g.pick(g.pick(list(PURPOSES.values())))
        status = g.pick(TOOL_ACTIVE)
        cancelled_on: Any = None
        kind = i % 10
        bucket: list[int] | None = tools.good
        if kind == 0:
            status = g.pick(TOOL_CANCELLED)
            cancelled_on = g.date_value(g.ago(30, 900))
            bucket = tools.cancelled
        elif kind == 1:
            purpose = g.pick(RESEARCH)
            bucket = tools.research
        elif kind == 2:
            status = g.pick(TOOL_TRIAL)
        elif g.chance(FINDING_RATE / 0.7):  # 70% of tools can carry one: ~FINDING_RATE
            code = g.pick(_TOOL_CODES)
            stats.injected[code] += 1
            bucket = None
            if code == "DAT005":
                purpose = "配送"  # not an allowed purpose
            elif code == "DAT004":
                status = g.pick(TOOL_CANCELLED)
                cancelled_on = "2024年3月末"  # not a date
            else:
                name = None  # ツール名 blank
        if bucket is not None:
            bucket.append(tool_id)
        yield [
            g.tool_ref(tool_id),
            name,
            g.pick(VENDORS),
            g.pick(PLATFORMS),
            purpose,
            status,
            cancelled_on,
            # Every third tool is on a contract renewing well after the run's date: no finding.
            CONTRACT_RENEWS_ON if i % 3 == 0 else None,
            30 if i % 3 == 0 else None,
            g.pick(OWNERS),
            "価格差を調べるだけ" if bucket is tools.research else None,
        ]


_TOOL_CODES = ("DAT005", "DAT004", "DAT003")
CONTRACT_RENEWS_ON = date(2027, 9, 30)
_KEY_CODES = (
    "RNW001",
    "RNW001",
    "RNW002",
    "RNW003",
    "RNW004",
    "RNW005",
    "RNW006",
    "RNW007",
    "RNW007",
    "DAT003",
    "DAT004",
    "DAT005",
    "DAT007",
    "DAT008",
    "DAT009",
    "SEC001",
)


def key_rows(
    g: Gen, count: int, width: int, stats: Stats, tools: Tools, flagged: dict[str, str]
) -> Iterator[list[Any] | None]:
    kinds = list(KEY_KINDS)
    for i in range(count):
        if i and i % 997 == 0:
            yield None  # a blank row in the middle of the table
        key_id = f"K-{i + 1:0{width}d}"
        kind = g.rng.choices(kinds, KEY_KIND_WEIGHTS)[0]
        labels, validity, stores = KEY_KINDS[kind]
        kind_text: str = g.pick(labels)
        store = g.pick(stores)
        tool: Any = g.tool_ref(g.pick(tools.good))
        owner: str | None = g.pick(OWNERS)
        backup: str | None = g.pick(OWNERS)
        memo: str | None = "設定>API" if g.chance(0.05) else None
        status: str | None
        issued: Any = None
        expires: Any = None
        if g.chance(0.15):
            status = g.pick(KEY_RETIRED)
            issued = g.date_value(g.ago(400, 2000))
        else:
            status = g.pick(KEY_IN_USE)
            if validity is None:
                expires = g.date_value(AS_OF + timedelta(days=g.days(WARNING_DAYS + 1, 400)))
                if g.chance(0.5):
                    issued = g.date_value(g.ago(0, 300))
            else:
                # Expires at least a day after the warning window: no RNW001/RNW002.
                issued = g.date_value(g.ago(0, validity - WARNING_DAYS - 1))
        if g.chance(FINDING_RATE):
            code = g.pick(_KEY_CODES)
            stats.injected[code] += 1
            flagged.setdefault(code, key_id)
            status = g.pick(KEY_IN_USE) if code != "RNW004" else "利用中 更新あり"
            validity = validity or 365
            if kind_text in KEY_KINDS["other"][0] and code.startswith("RNW00") and code != "RNW005":
                kind, kind_text, validity = "sp_api_authorization", "SP-API認可", 365
                store = g.pick(AMAZON_STORES)
            expires = None
            issued = g.date_value(g.ago(0, validity - WARNING_DAYS - 1))
            if code == "RNW001":
                issued = g.date_value(g.ago(validity + 1, validity + 200))
            elif code == "RNW002":
                issued = g.date_value(g.ago(validity - WARNING_DAYS, validity))
            elif code == "RNW003":
                status, issued = "承認待ち", None
            elif code == "RNW005":
                kind_text, issued = g.pick(("MWSアクセスキー", "MWS")), "2020/3/18"
            elif code == "RNW006":
                start = g.ago(0, validity - WARNING_DAYS - 1)
                issued = g.date_value(start)
                expires = g.date_value(start + timedelta(days=validity + g.days(30, 200)))
            elif code == "RNW007":
                backup = None
            elif code == "DAT003":
                owner = None
            elif code == "DAT004":
                issued = g.pick(("11/12/2026", "2026年3月末", "2026/13/1"))
            elif code == "DAT005":
                kind_text = g.pick(("APIキー", "楽天キー", "SP認可"))
            elif code == "DAT007":
                tool = 99999
            elif code == "DAT008":
                issued = g.date_value(AS_OF + timedelta(days=g.days(1, 30)))
            elif code == "DAT009":
                start = g.ago(0, 60)
                issued = g.date_value(start)
                expires = g.date_value(start - timedelta(days=g.days(1, 30)))
            elif code == "SEC001":
                memo = "Atzr|IwEBI" + "FAKEbenchNOTaREALtoken" + f"{g.rng.getrandbits(128):032x}"
        yield [key_id, kind_text, store, tool, issued, expires, status, owner, backup, memo]


_GRANT_CODES = (
    "GRT001",
    "GRT001",
    "GRT002",
    "GRT003",
    "GRT004",
    "GRT004",
    "GRT005",
    "GRT006",
    "DAT005",
    "DAT008",
    "DAT009",
)


def grant_rows(
    g: Gen, count: int, width: int, stats: Stats, tools: Tools
) -> Iterator[list[Any] | None]:
    for i in range(count):
        grant_id = f"G-{i + 1:0{width}d}"
        store = g.pick(ALL_STORES)
        owner = g.pick(OWNERS)
        granted = g.ago(10, 1500)
        revoked: Any = None
        ends: Any = None
        notes: str | None = None
        tool: Any = None
        roll = g.rng.random()
        if roll < 0.55:
            tool_id = g.pick(tools.good)
            grantee, grantee_type = f"ツール{tool_id}", g.pick(GRANTEE_TOOL)
            tool, kind = g.tool_ref(tool_id), g.pick(GRANT_DEVELOPER)
        elif roll < 0.70:
            # Revoked in time, often to a tool since cancelled: the clean-up done right.
            tool_id = g.pick(tools.cancelled or tools.good)
            grantee, grantee_type = f"ツール{tool_id}", g.pick(GRANTEE_TOOL)
            tool, kind = g.tool_ref(tool_id), g.pick(GRANT_DEVELOPER)
            revoked = granted + timedelta(days=g.days(1, (AS_OF - granted).days))
        elif roll < 0.85:
            grantee, grantee_type = g.pick(OWNERS), g.pick(GRANTEE_STAFF)
            kind = g.pick(GRANT_USER)
        else:
            grantee = f"{g.pick(OWNERS)} (外注・{g.pick(CONTRACT_WORK)})"
            grantee_type, kind = g.pick(GRANTEE_CONTRACTOR), g.pick(GRANT_USER)
            ends = AS_OF + timedelta(days=g.days(1, 365))
        if g.chance(FINDING_RATE):
            code = g.pick(_GRANT_CODES)
            stats.injected[code] += 1
            if code.startswith("GRT"):
                revoked = None  # every GRT code is about an active grant
            if code == "GRT001":
                tool_id = g.pick(tools.cancelled)
                grantee, grantee_type = f"ツール{tool_id}", g.pick(GRANTEE_TOOL)
                tool, kind, ends = g.tool_ref(tool_id), g.pick(GRANT_DEVELOPER), None
            elif code == "GRT002":
                grantee, grantee_type = "不明なツール", g.pick(GRANTEE_TOOL)
                tool, kind, ends = None, g.pick(GRANT_DEVELOPER), None  # also DAT003
            elif code == "GRT003":
                tool_id = g.pick(tools.research)
                grantee, grantee_type = f"ツール{tool_id}", g.pick(GRANTEE_TOOL)
                tool, kind, ends = g.tool_ref(tool_id), g.pick(GRANT_DEVELOPER), None
            elif code == "GRT004":
                grantee = f"{g.pick(OWNERS)} (外注・{g.pick(CONTRACT_WORK)})"
                grantee_type, kind, tool = g.pick(GRANTEE_CONTRACTOR), g.pick(GRANT_USER), None
                ends = granted + timedelta(days=g.days(1, (AS_OF - granted).days))
            elif code == "GRT005":
                tool_id = g.pick(tools.good)
                grantee, grantee_type = f"ツール{tool_id}", g.pick(GRANTEE_TOOL)
                tool, kind, ends = g.tool_ref(tool_id), "MWS開発者権限", None
                granted = date(2019, 6, 1)
            elif code == "GRT006":
                grantee = f"{g.pick(OWNERS)} (外注・データ入力)"
                grantee_type, kind, tool = g.pick(GRANTEE_CONTRACTOR), "APIキー共有", None
                ends = AS_OF + timedelta(days=g.days(30, 200))
            elif code == "DAT005":
                grantee_type = "業者"  # not an allowed grantee type
            elif code == "DAT008":
                granted = AS_OF + timedelta(days=g.days(1, 30))
                notes = f"{granted.month}/{granted.day}から本契約"
            elif code == "DAT009":
                revoked = granted - timedelta(days=g.days(1, 365))
        yield [
            grant_id,
            store,
            grantee,
            grantee_type,
            tool,
            kind,
            g.date_value(granted),
            None if revoked is None else g.date_value(revoked),
            None if ends is None else g.date_value(ends),
            owner,
            notes,
        ]


_NOTICE_CODES = (
    "INC001",
    "INC001",
    "INC002",
    "INC003",
    "INC004",
    "INC005",
    "INC006",
    "INC007",
    "INC008",
    "INC009",
    "DAT004",
    "DAT010",
    "DAT011",
)


def _asin(n: int) -> str:
    """A unique 10-character ASIN for notice ``n``: B0 + 8 base-36 digits."""
    digits = []
    for _ in range(8):
        n, r = divmod(n, 36)
        digits.append(_ASIN_CHARS[r])
    return "B0" + "".join(reversed(digits))


def _lookup(sku: str) -> Formula:
    """商品名 by VLOOKUP on 商品マスタ; an unknown SKU caches #N/A, as Excel would."""
    return Formula("=VLOOKUP(G{row},'商品マスタ'!$A:$B,2,FALSE)", PRODUCTS.get(sku, "#N/A"))


def notice_rows(g: Gen, count: int, width: int, stats: Stats) -> Iterator[list[Any] | None]:
    recent: list[tuple[str, str]] = []  # (store, asin) of recent clean notices, for INC008
    for i in range(count):
        if i and i % 1009 == 0:
            yield None
        notice_id = f"N-{i + 1:0{width}d}"
        received = g.ago(5, 730)
        store = g.pick(ALL_STORES[:7])
        owner = g.pick(OWNERS)
        row: list[Any] = [notice_id, received, store] + [None] * 14 + [owner]
        roll = g.rng.random()
        if roll < 0.15:
            row[3] = g.pick(("キー期限", "その他", "other"))
            row[16] = g.pick(("完了", "対応済", "closed"))
        else:
            reason = g.pick(list(REASONS))
            asin = _asin(i * 7919 + 1)
            sku = g.pick(SKUS) if g.chance(0.7) else None
            row[3] = g.pick(("出品キャンセル", "出品キャンセル", "listing_cancelled"))
            row[4] = g.pick(REASONS[reason])
            row[5] = asin
            row[6] = sku
            row[7] = _lookup(sku) if sku else f"{g.pick(PRODUCT_WORDS)}{g.pick(PRODUCT_THINGS)}"
            row[10] = received + timedelta(days=g.days(0, REPLY_DAYS))
            if roll < 0.80:
                row[8] = g.pick(("いいえ", "×", "no", None))
                row[9] = g.pick(("取扱中止", "discontinue"))
                row[16] = g.pick(("完了", "完了", "closed"))
            else:
                # Relisting, fully documented; still open on some rows.
                row[8], row[9] = g.pick(("はい", "○", "yes")), g.pick(("再出品申請", "relist"))
                row[16] = g.pick(("完了", "対応中", "in_progress"))
                row[13] = g.pick(("改善報告.pdf", "invoice.pdf、supplier.jpg", "検品写真.png"))
                if reason == "authenticity":
                    row[11] = received - timedelta(days=g.days(10, 300))
                    row[14] = g.pick(SUPPLIERS)
                else:
                    row[15] = g.pick(CAUSES)
            if len(recent) < 64:
                recent.append((store, asin))
            else:
                recent[i % 64] = (store, asin)
        if g.chance(FINDING_RATE):
            code = g.pick(_NOTICE_CODES)
            if code == "INC008" and not recent:
                code = "INC001"
            stats.injected[code] += 1
            _notice_finding(g, code, row, received, recent, i)
        for col in (1, 10, 11):
            if isinstance(row[col], date):
                row[col] = g.date_value(row[col])
        yield row


def _notice_finding(
    g: Gen, code: str, row: list[Any], received: date, recent: list[tuple[str, str]], i: int
) -> None:
    """Turn ``row`` into a notice carrying ``code`` (besides any knock-on codes)."""
    if code == "DAT004":
        row[10] = "11/12/2026"  # day-first or month-first: ambiguous
        return
    if code == "DAT011":
        row[6], row[7] = "ML-0999", _lookup("ML-0999")  # not in 商品マスタ: cached #N/A
        return
    # Every INC code is about an open listing cancellation: start from a clean, open,
    # fully documented relisting and break one thing. Far above the clean ASINs' range.
    row[3], row[4] = "出品キャンセル", g.pick(REASONS["condition"])
    row[5] = row[5] or _asin(2 * 10**12 + i)
    row[16] = g.pick(("未対応", "対応中", None))
    row[8], row[9] = g.pick(("はい", "○")), g.pick(("再出品申請", "relist"))
    row[10] = received + timedelta(days=1)
    row[11], row[13], row[14], row[15] = None, "改善報告.pdf", None, g.pick(CAUSES)
    if code == "DAT010":
        row[5] = row[5][:9]  # one character short
        row[8], row[9], row[16] = "いいえ", "取扱中止", "完了"
    elif code == "INC001":
        row[1] = g.ago(REPLY_DAYS + 1, 30)
        row[8], row[9], row[10] = g.pick(("いいえ", None)), None, None
    elif code == "INC002":
        row[1] = g.ago(0, REPLY_DAYS - 1)
        row[8], row[9], row[10] = "いいえ", None, None
    elif code == "INC003":
        row[8] = g.pick((None, "いいえ"))
    elif code in ("INC004", "INC005"):
        row[4] = g.pick(REASONS["authenticity"])
        row[15] = None
        row[11] = received - timedelta(days=g.days(10, 200))
        row[14] = g.pick(SUPPLIERS)
        if code == "INC004":
            row[11] = received - timedelta(days=g.days(400, 800))  # older than 365 days
        else:
            row[14] = None
    elif code == "INC006":
        row[13] = g.pick(("invoice.docx", "報告書.xlsx"))
    elif code == "INC007":
        row[4], row[15] = g.pick(REASONS["wrong_item"]), None
    elif code == "INC008":
        # The same ASIN in the same store as a recent notice.
        row[2], row[5] = g.pick(recent)
        row[8], row[9], row[16] = g.pick(("いいえ", None)), "取扱中止", "完了"
    elif code == "INC009":
        row[1] = received = g.ago(REPLY_DAYS + 2, 60)
        row[9], row[10] = g.pick((None, "未定")), received + timedelta(days=1)


def store_rows() -> Iterator[list[Any]]:
    for i, (name, platform, plan) in enumerate(STORES):
        yield [name, platform, plan, "株式会社モノラボ", f"shop{i}@monolab.example", OWNERS[i]]


def exception_rows(flagged: dict[str, str]) -> Iterator[list[Any]]:
    # In force, on a finding that exists: listed as excepted, not counted.
    if "RNW007" in flagged:
        yield ["RNW007", flagged["RNW007"], "副担当は来期に決める", "佐藤", "2027/3/31"]
    # Lapsed: DAT013, and the finding counts again.
    if "RNW001" in flagged:
        yield ["RNW001", flagged["RNW001"], "更新手続き中", "鈴木", date(2026, 10, 31)]
    # Matches no finding: DAT013.
    yield ["INC001", "N-0", "電話で対応済み", "鈴木", date(2026, 12, 31)]
    yield ["DAT012", "*", "メモ・備考の列は社内用", "佐藤", "2027/12/31"]


# --- the workbook ------------------------------------------------------------------------------


def make_register(
    size: int, out: Path | str, *, pathological: str | None = None, seed: int = SEED
) -> Stats:
    """Write a register of ``size`` data rows to ``out``; return what was written."""
    if pathological not in (None, *PATHOLOGICAL):
        raise ValueError(f"pathological must be one of {PATHOLOGICAL}, not {pathological!r}")
    counts = split_size(size)
    g = Gen(seed * 10_000_019 + size)
    width = max(5, len(str(size)))
    stats = Stats(rows=dict(counts))
    tools = Tools()
    flagged: dict[str, str] = {}

    workbook = xlsxwriter.Workbook(str(out), OPTIONS)
    workbook.set_properties(
        {"title": "台帳(ベンチマーク用)", "author": "bench", "created": CREATED}
    )
    workbook.set_custom_property(PROPERTY, _tag(size, pathological))
    formats = {
        "title": workbook.add_format({"bold": True, "font_size": 14}),
        "note": workbook.add_format({"italic": True, "font_color": "#7F7F7F"}),
        "header": workbook.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1}),
        "date": workbook.add_format({"num_format": "yyyy/mm/dd"}),
        "datetime": workbook.add_format({"num_format": "yyyy/mm/dd hh:mm"}),
        "fill": workbook.add_format({"bg_color": "#FFF2CC", "border": 1}),
    }
    # Sheets in the order a team keeps them; each is written top to bottom.
    sheets = [
        (STORE_SHEET, None, store_rows()),
        (TOOL_SHEET, pathological, tool_rows(g, counts["tools"], stats, tools)),
        (KEY_SHEET, pathological, key_rows(g, counts["keys"], width, stats, tools, flagged)),
        (GRANT_SHEET, pathological, grant_rows(g, counts["grants"], width, stats, tools)),
        (NOTICE_SHEET, pathological, notice_rows(g, counts["notices"], width, stats)),
    ]
    for plan, variant, rows in sheets:
        writer = Writer(workbook, plan, formats, variant)
        for values in rows:
            writer.write(values)
        writer.close()
    # After the keys, so that the exceptions can name keys that have findings.
    writer = Writer(workbook, EXCEPTION_SHEET, formats)
    exceptions = list(exception_rows(flagged))
    for values in exceptions:
        writer.write(values)
    stats.rows["stores"] = len(STORES)
    stats.rows["exceptions"] = len(exceptions)
    writer = Writer(workbook, PRODUCT_SHEET, formats)
    for sku, name in PRODUCTS.items():
        writer.write([sku, name])
    workbook.close()
    return stats


def _tag(size: int, pathological: str | None) -> str:
    return f"v{GENERATOR_VERSION} size={size} variant={pathological or 'normal'}"


def default_path(size: int, pathological: str | None = None, data_dir: Path = DATA_DIR) -> Path:
    suffix = f"-{pathological}" if pathological else ""
    return data_dir / f"register-{size}{suffix}.xlsx"


def holds(path: Path, size: int, pathological: str | None = None) -> bool:
    """True when ``path`` is a register this generator wrote with these settings."""
    try:
        with zipfile.ZipFile(path) as package:
            custom = package.read("docProps/custom.xml").decode("utf-8")
    except (OSError, KeyError, zipfile.BadZipFile):
        return False
    return f">{_tag(size, pathological)}<" in custom


def ensure_register(
    size: int,
    out: Path | None = None,
    *,
    pathological: str | None = None,
    force: bool = False,
) -> Path:
    """The register of ``size`` rows at ``out`` (default bench/data/), generated when needed.

    An existing file is reused when it holds the same size and variant from this
    generator version. Written to a temporary name first, so an interrupted 1M-row
    run never leaves a truncated file that a later run would reuse.
    """
    path = out or default_path(size, pathological)
    if not force and path.exists() and holds(path, size, pathological):
        return path
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f".{path.name}.partial")
    make_register(size, partial, pathological=pathological)
    os.replace(partial, path)
    return path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("size", type=int, help="data rows in total (tools+keys+grants+notices)")
    parser.add_argument("out", type=Path, nargs="?", help="default: bench/data/register-SIZE.xlsx")
    parser.add_argument("--pathological", choices=PATHOLOGICAL, help="a pathological variant")
    parser.add_argument("--force", action="store_true", help="regenerate even if present")
    args = parser.parse_args(argv)
    path = ensure_register(args.size, args.out, pathological=args.pathological, force=args.force)
    print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())

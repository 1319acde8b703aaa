"""Write the sample registers next to this file.

    python sample_data/make_sample.py

writes ``register.xlsx`` (a small seller's register, filled in by hand the way
a real team does it, with one or more rows for every rule code of
docs/rules.md except DAT001) and ``register-missing-sheet.xlsx``
(a small, otherwise clean register without the 通知 sheet, for DAT001).
``expected_codes.txt`` says which rows should trigger which code.

Deterministic: fixed dates, a fixed random seed for the fake secrets and a
fixed creation time, so running it twice gives the same files. The "secrets"
are random-looking fakes; none of them is or was ever valid.
"""

from __future__ import annotations

import random
import string
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

import xlsxwriter

HERE = Path(__file__).resolve().parent
MAIN = HERE / "register.xlsx"
MISSING_SHEET = HERE / "register-missing-sheet.xlsx"

# Text stays text: no formulas, links or numbers made from strings, unless written as Formula.
OPTIONS = {"strings_to_formulas": False, "strings_to_urls": False, "strings_to_numbers": False}
CREATED = datetime(2026, 11, 22, 9, 0, 0)

# --- fake secrets (SEC001): random-looking, from a fixed seed ----------------------------------

_rng = random.Random(20261123)


def _fake(alphabet: str, length: int) -> str:
    return "".join(_rng.choice(alphabet) for _ in range(length))


# An LWA refresh token looks like "Atzr|IwEBI..."; this one says it is fake.
FAKE_LWA_REFRESH_TOKEN = (
    "Atzr|IwEBI" + "FAKEsampleNOTaREALtoken" + _fake(string.ascii_letters + string.digits, 40)
)
# An AWS access key id: AKIA + 16 upper-case letters/digits (not AWS's documented example).
FAKE_AWS_ACCESS_KEY_ID = "AKIA" + _fake(string.ascii_uppercase + string.digits, 16)
FAKE_PASSWORD = "monolab2026!"


# --- cell values -------------------------------------------------------------------------------

BLANK_ROW = None  # a row left entirely empty in the middle of a table


@dataclass(frozen=True)
class Formula:
    """A formula with the value Excel cached for it; ``{row}`` is the cell's 1-based row."""

    text: str
    cached: str


# 商品マスタ: SKU -> product name. The notices sheet looks product names up here.
PRODUCTS = {
    "ML-1001": "ステンレス保温ボトル 500ml",
    "ML-1002": "珪藻土バスマット L",
    "ML-1003": "LEDデスクライト 調光式",
    "ML-1004": "シリコン調理スプーン 3本組",
    "ML-1005": "折りたたみ収納ボックス 2個組",
    "ML-1006": "ワイヤレスイヤホン 充電ケース",
    "ML-1007": "本革ラウンド財布 ネイビー",
    "ML-1008": "卓上加湿器 USB",
    "ML-1009": "木製カッティングボード",
    "ML-1010": "防水スマホポーチ",
    "ML-1011": "ステンレスマグカップ 350ml",
    "ML-1012": "レザーキーケース",
    "ML-1013": "ガラスキャニスター 3個組",
    "ML-1014": "スマホスタンド 折りたたみ",
    "ML-1015": "USB充電式ハンディファン",
}


def lookup(sku: str) -> Formula:
    """商品名 by VLOOKUP on 商品マスタ; an unknown SKU caches #N/A, as Excel would (DAT011)."""
    return Formula("=VLOOKUP(G{row},'商品マスタ'!$A:$B,2,FALSE)", PRODUCTS.get(sku, "#N/A"))


# --- sheets ------------------------------------------------------------------------------------


@dataclass
class Sheet:
    name: str
    header: list[str]
    rows: list[list[Any] | None]
    title: str | None = None  # A1, with the header row then at row 3
    note: str | None = None  # A2
    hidden: bool = False
    hidden_ids: tuple[str, ...] = ()  # rows to hide, by the value in their first cell
    widths: dict[int, float] = field(default_factory=dict)


# Rows are kept one per line, so that they read like the sheet itself (hence fmt: off).
# fmt: off
STORES = Sheet(
    "店舗",
    # パスワード holds a password (SEC001, and DAT012: not a known header).
    ["店舗名", "モール", "出品プラン", "登録名義", "連絡先", "担当者", "パスワード"],
    [
        ["Amazon本店", "Amazon.co.jp", "大口出品", "株式会社モノラボ", "shop@monolab.example", "鈴木", FAKE_PASSWORD],
        ["楽天市場店", "楽天市場", None, "株式会社モノラボ", "rakuten@monolab.example", "佐藤", None],
        ["Yahoo!店", "Yahoo!ショッピング", None, "株式会社モノラボ", "yahoo@monolab.example", "渡辺", None],
        ["Amazonセカンド", "amazon_jp", "小口", "株式会社モノラボ", "03-0000-4321", "高橋", None],
    ],
    widths={0: 16, 1: 18, 2: 10, 3: 18, 4: 26, 6: 14},
)

TOOLS = Sheet(
    "ツール",
    # Tool ids are typed as numbers on this sheet (ids compare as text: 101 == "101").
    # 契約更新日 / 解約予告（日）: auto-renewing contracts and the notice needed to leave them.
    # 対応確認済み: the platform changes (reporter rules) each vendor has confirmed (RNW010).
    ["ツールID", "ツール名", "提供元", "モール", "用途", "状態", "解約日", "契約更新日", "解約予告（日）", "担当者", "備考", "対応確認済み"],
    [
        # Platform blank, but its key K-013 and grant G-023 are on Amazon本店: Orders API v0 not yet confirmed (RNW010).
        [101, "ネクストエンジン", None, None, "受注管理", "利用中", None, "2027/4/1", 30, "佐藤", "楽天・Yahoo・Amazonの受注を一元管理"],
        # Renews 2026-12-31 with 30 days' notice: notice by 2026-12-01 (RNW008).
        [102, "ネオプライサー", "ネオプライス合同会社", "Amazon", "価格改定", "利用中", None, date(2026, 12, 31), 30, "鈴木", "2026/10から楽天の価格改定も"],
        # Renewal date 2026-10-01 has passed and nobody updated it (RNW009).
        # The vendor confirmed it reads orders through Orders API v2026-01-01 (no RNW010).
        [103, "ヒョウカメール", "メールラボ株式会社", "Amazon.co.jp", "評価依頼メール", "active", None, "2026/10/1", 30, "高橋", None, "amazon-orders-v0"],
        # 対応確認済み mistyped (DAT005): it confirms nothing, so RNW010 still asks (its key K-017 is on Amazon本店).
        [104, "ストックシンク", "シンクワークス株式会社", None, "在庫連携", "利用中", None, None, None, "田中", "楽天とAmazonの在庫を同期", "amazon-order-v0"],
        [105, "サヤトリ・リサーチ", "サーチラボ", "Amazon", "リサーチ", "利用中", None, None, None, "伊藤", "価格差を調べるだけ"],
        [106, "出品らくらく", "らくらくソフト株式会社", "Yahoo!ショッピング", "出品", "試用中", None, None, None, "渡辺", "12月末までトライアル"],
        [107, "評価依頼くん(旧)", "メールワン株式会社", "Amazon", "評価依頼", "解約", "2025年3月31日", None, None, "高橋", "ヒョウカメールに乗り換え"],
        # Cancelled: its renewal date is no longer a deadline.
        [108, "プライスボット(旧)", "ボットワークス", "amazon_jp", "repricing", "cancelled", "2026/6/30", "2026/12/1", 30, "鈴木", None],
        [109, "在庫アラート", "アラート工房", "楽天", "在庫管理", "解約済", "R8.9.15", None, None, "佐藤", None],
        [110, "楽天レビューお願い", "メールラボ株式会社", "楽天市場", "評価依頼メール", "利用中", None, None, None, "山本", None],
        [111, "Yahoo出品アシスト", "アシストソフト", "ヤフー", "listing", "active", None, None, None, "渡辺", None],
        # 解約日 "2024年3月末" is not a date (DAT004); the status says cancelled anyway.
        [112, "MWS在庫連携(旧)", "ストアブリッジ", "Amazon", "inventory", "解約", "2024年3月末", None, None, "鈴木", "MWS終了で解約"],
        [113, "自社SP-APIスクリプト", "社内", "Amazon", "その他", "利用中", None, None, None, "伊藤", "出品データ取得用(自社開発)"],
        # 用途 "配送" is not an allowed purpose (DAT005).
        [114, "送料計算ツール", "ハコブ", None, "配送", "試用中", None, None, None, "田中", None],
        # Still 利用中 but cancelled on 2026-11-15: a grant to it is GRT001.
        [115, "ストックシンクLite", "シンクワークス株式会社", "Yahoo", "在庫管理", "利用中", date(2026, 11, 15), None, None, "田中", "Yahoo店の在庫連携。11/15で解約"],
    ],
    title="ツール台帳 2026年11月更新",
    note="※解約したツールも行は消さずに、状態を「解約」にして解約日を入れてください。",
    widths={0: 9, 1: 22, 2: 22, 3: 18, 4: 14, 6: 14, 7: 14, 8: 12, 10: 34, 11: 18},
)

KEYS = Sheet(
    "キー",
    ["キーID", "種類", "店舗名", "ツールID", "発行日", "有効期限", "状態", "担当者", "副担当", "メモ"],
    [
        # Expires on the earlier of 2026-11-30 (issued + 90 d) and 2027-03-01: RNW006, RNW002.
        ["K-001", "楽天ライセンスキー", "楽天市場店", "104", "2026/9/1", "2027/3/1", "利用中", "佐藤", "鈴木", "有効期限は半年と思って記入"],
        ["K-002", "ライセンスキー", "楽天市場店", 110, None, None, "承認待ち", "山本", "佐藤", "RMSで承認が必要"],
        # The classic: issued 2026-08-20, lapsed 2026-11-18, order import stopped (RNW001).
        ["K-003", "楽天ライセンスキー", "楽天市場店", 101, date(2026, 8, 20), None, "利用中", "佐藤", "鈴木", "ネクストエンジン 設定>基本>API"],
        ["K-004", "rakuten_license_key", "楽天市場店", "102", "2026年10月15日", date(2027, 1, 13), "利用中 更新あり", "鈴木", "佐藤", "楽天ペイ受注APIの追加申請あり"],
        ["K-005", "Yahoo公開鍵", "Yahoo!店", 111, date(2026, 2, 1), None, "利用中", "渡辺", None, None],
        ["K-006", "LWAクライアントシークレット", "Amazon本店", 113, "2026-07-01", None, "in_use", "伊藤", None, FAKE_LWA_REFRESH_TOKEN],
        ["K-007", "SP-API認可", "Amazon本店", 102, datetime(2025, 12, 5, 14, 20), None, "利用中", "鈴木", "高橋", "アプリとサービス>アプリの管理"],
        BLANK_ROW,
        ["K-008", "sp_api_authorization", "Amazonセカンド", 103, "2026年6月1日", None, "利用中", "高橋", None, None],
        ["K-009", "楽天ライセンスキー", "楽天市場店", 101, "2026/5/1", None, "停止", "佐藤", None, "K-003に切り替え済み"],
        # The same id twice (DAT006): a second public key was added by copying the row.
        ["K-010", "公開鍵", "Yahoo!店", 111, "令和8年4月1日", None, "利用中", "渡辺", "山本", None],
        ["K-010", "Yahoo公開鍵", "Yahoo!店", 111, "2026.10.01", None, "利用中", "渡辺", "山本", "新しい公開鍵"],
        ["K-011", "MWSアクセスキー", "Amazon本店", 112, "H31.4.26", None, "廃止", "鈴木", None, None],
        ["K-012", "MWS", "Amazon本店", 102, "2020/3/18", None, "利用中", "鈴木", "高橋", "開発者登録フォーム提出済み"],
        ["K-013", "SP-API認可", "Amazon本店", 101, "2025/12/15", None, "利用中", "佐藤", "鈴木", None],
        ["K-014", "Yahoo認可", "Yahoo!店", 111, "R8.11.20", None, "利用中", "渡辺", "山本", "28日ごとに再認可"],
        # Owner blank (DAT003); the date uses full-width digits.
        ["K-015", "SP-API認可", "Amazon本店", 103, "２０２６/０３/１０", None, "利用中", None, "高橋", None],
        # No issued_on, but expires_on is given and the status is blank (= in use): fine.
        ["K-016", "その他", "Amazon本店", None, None, "2027/5/31", None, "伊藤", "田中", "広告APIの期限"],
        ["K-017", "SP-API認可", "Amazon本店", 104, "2026/5/20", None, "利用中", "田中", "鈴木", None],
        ["K-018", "SP-API認可", "Amazonセカンド", 102, "2026/3/15", None, "利用中", "鈴木", "高橋", None],
        ["K-019", "SP-API認可", "Amazon本店", 107, "2024/2/10", None, "停止", "高橋", None, "評価依頼くん解約時に停止"],
        ["K-020", "Yahoo認可", "Yahoo!店", 106, "2026/11/19", None, "利用中", "渡辺", "山本", "トライアル用"],
        ["K-021", "LWAクライアントシークレット", "Amazon本店", 113, "2026/1/2", None, "廃止", "伊藤", None, "K-006に更新"],
        ["K-022", "Yahoo認可", "Yahoo!店", 115, "2026/10/20", None, "停止", "田中", None, "ストックシンクLite解約"],
        # Tool 109 was cancelled on 2026-09-15 but its key was never stopped (GRT007, not RNW001).
        ["K-023", "楽天ライセンスキー", "楽天市場店", 109, "2026/7/1", None, "利用中", "佐藤", "鈴木", None],
        # The private app the team authorized for itself: no 365-day re-authorization.
        ["K-024", "自社アプリ認可", "Amazon本店", 113, "2025/6/1", None, "利用中", "伊藤", "田中", "セラーセントラル>アプリを開発で自己認可"],
        # RMS shows 有効期限切れ on the product row (RNW001).
        ["K-025", "楽天ライセンスキー", "楽天市場店", 104, "2026/8/10", None, "有効期限切れ", "田中", "佐藤", "RMSで期限切れ表示"],
    ],
    title="APIキー・ライセンスキー管理表(2026年11月更新)",
    note="※キーの値そのものは書かないこと。楽天のライセンスキーは90日ごと、期限の1週間前までに更新。",
    widths={0: 8, 1: 26, 2: 15, 3: 9, 4: 16, 5: 12, 6: 15, 9: 34},
)

GRANTS = Sheet(
    "Grants",
    # English headers in mixed spellings; all of them normalize to the canonical keys.
    ["grant_id", "Store", "Grantee", "grantee type", "Tool ID", "grant_kind", "Granted on", "revoked_on", "Engagement ends on", "Owner", "notes"],
    [
        ["G-001", "Amazon本店", "ネオプライサー", "tool", 102, "developer", date(2025, 12, 5), None, None, "鈴木", None],
        ["G-002", "Amazonセカンド", "ヒョウカメール", "ツール", 103, "アプリ認可", "2026/6/1", None, None, "高橋", None],
        ["G-003", "Amazon本店", "評価依頼くん(旧)", "tool", 107, "developer", "2024/2/10", None, None, "高橋", None],
        ["G-004", "Amazon本店", "プライスボット(旧)", "tool", 108, "developer", "2023/5/1", "2026/7/1", None, "鈴木", None],
        ["G-005", "Amazon本店", "サヤトリ・リサーチ", "tool", 105, "開発者権限", "2026/4/10", None, None, "伊藤", None],
        ["G-006", "Amazon本店", "中村 (外注・出品作業)", "contractor", None, "user", "2025/9/1", None, "2026/10/31", "佐藤", None],
        ["G-007", "Amazon本店", "小林 (外注・データ入力)", "外注さん", None, "APIキー共有", "2026/8/1", None, "2027/1/31", "鈴木", FAKE_AWS_ACCESS_KEY_ID],
        ["G-008", "Amazon本店", "ネオプライサー", "tool", 102, "MWS開発者権限", "2019/6/1", None, None, "鈴木", "SP-API移行前の認可"],
        ["G-009", "Amazonセカンド", "在庫連携(旧)", "tool", 999, "developer", "2026/2/1", None, None, "高橋", None],
        ["G-010", "楽天市場店", "楽天レビューお願い", "tool", None, "developer", "2026/11/1", None, None, "山本", None],
        # granted_on "2026/12/1": the planned start typed in, after as_of (DAT008).
        ["G-011", "Yahoo!店", "出品らくらく", "tool", 106, "developer", "2026/12/1", None, None, "渡辺", "12/1から本契約"],
        ["G-012", "Yahoo!店", "ストックシンクLite", "tool", 115, "developer", "2026/3/1", None, None, "田中", None],
        ["G-013", "Amazon本店", "加藤 (退職)", "staff", None, "user", "2024/4/1", None, "2026/9/30", "佐藤", None],
        # revoked_on before granted_on (DAT009); revoked in the past, so not active.
        ["G-014", "Amazon本店", "山田 (外注・画像作成)", "contractor", None, "user", "2026/1/10", "2025/1/10", None, "佐藤", None],
        ["G-015", "Amazon本店", "MWS在庫連携(旧)", "tool", 112, "mws_developer", "2019/6/1", "2024/4/1", None, "鈴木", None],
        ["G-016", "楽天市場店", "ネクストエンジン", "tool", 101, "アプリ認可", "2024/1/15", None, None, "佐藤", None],
        ["G-017", "楽天市場店", "ストックシンク", "tool", 104, "developer", "2025/8/1", None, None, "田中", None],
        ["G-018", "Amazon本店", "高橋", "staff", None, "user", "2023/4/1", None, None, "佐藤", None],
        ["G-019", "Amazon本店", "松本 (外注・商品撮影)", "contractor", None, "認定パートナー", "2026/10/1", None, "2027/3/31", "佐藤", "ソリューションプロバイダーポータル経由"],
        ["G-020", "Amazon本店", "ストックシンク", "tool", 104, "developer", "2026/5/20", None, None, "田中", None],
        ["G-021", "Amazonセカンド", "ネオプライサー", "tool", 102, "developer", "2026/3/15", None, None, "鈴木", None],
        ["G-022", "Amazon本店", "ヒョウカメール", "tool", 103, "アプリ認可", "2026/3/10", None, None, "高橋", None],
        ["G-023", "Amazon本店", "ネクストエンジン", "tool", 101, "developer", "2025/12/15", None, None, "佐藤", None],
        ["G-024", "Amazon本店", "佐藤", "社員", None, "user", "2022/4/1", None, None, "佐藤", None],
        ["G-025", "Amazon本店", "鈴木", "スタッフ", None, "ユーザー権限", "2022/4/1", None, None, "佐藤", None],
        ["G-026", "Yahoo!店", "Yahoo出品アシスト", "tool", 111, "developer", "2026/4/1", None, None, "渡辺", None],
        # Revoked on 2026-12-31, after as_of: still active, and the engagement has not ended.
        ["G-027", "Amazon本店", "井上 (外注・カスタマー対応)", "contractor", None, "user", "2026/7/1", "2026/12/31", "2026/12/31", "佐藤", "12/31で終了予定"],
        # An authorized partner with no end date recorded (GRT008).
        ["G-028", "Amazon本店", "株式会社ささげ代行", "外注", None, "承認済みパートナー", "2026/9/1", None, None, "鈴木", "商品ページ制作"],
        # A user on the Individual-plan store: someone shares the owner's login (GRT009).
        ["G-029", "Amazonセカンド", "森 (アルバイト)", "staff", None, "user", "2026/5/1", None, None, "高橋", None],
    ],
    hidden_ids=("G-015",),
    widths={0: 9, 1: 15, 2: 24, 3: 13, 5: 16, 6: 12, 7: 12, 8: 18, 10: 24},
)

NOTICE_HEADER = [
    "通知ID", "受信日", "店舗名", "種類", "理由", "ASIN", "SKU", "商品名", "再出品の案内", "方針",
    "返信日", "請求書発行日", "書類期間（日）", "提出書類", "仕入先連絡先", "原因と再発防止", "状態",
    "担当者",
]
SUPPLIER_OSAKA = "株式会社サンプル卸 大阪府大阪市北区0-0-0 06-0000-1234 https://supplier.example"
SUPPLIER_TOKYO = "東京サンプル商事 東京都台東区0-0-0 03-0000-5678 https://tokyo-sample.example"

NOTICES = Sheet(
    "通知",
    NOTICE_HEADER,
    [
        ["N-001", "2026/1/15", "Amazon本店", "出品キャンセル", "コンディション", "B0A1B2C3D4", "ML-1011", lookup("ML-1011"), "いいえ", "取扱中止", "2026/1/16", None, None, None, None, None, "完了", "佐藤"],
        # N-002 and N-012: the same ASIN in the same store twice, both discontinued (INC008 warning).
        ["N-002", "2026/2/1", "Amazonセカンド", "出品キャンセル", "誤った商品", "B0M8Q1S3TX", None, "シリコン調理スプーン(色違い)", "いいえ", "取扱中止", "2026/2/2", None, None, None, None, None, "完了", "高橋"],
        ["N-003", "2026/2/20", "楽天市場店", "その他", None, None, None, None, None, None, None, None, None, None, None, None, "完了", "佐藤"],
        # ASIN one character short (DAT010).
        ["N-004", "2026/3/15", "Amazon本店", "出品キャンセル", "コンディション", "B0CXYZ123", None, "アロマディフューザー", "いいえ", "取扱中止", "2026/3/16", None, None, None, None, None, "完了", "佐藤"],
        # N-005 and N-021: the same ASIN in the same store twice, the newest decided relist (INC008 error).
        ["N-005", "2026/4/10", "Amazon本店", "出品キャンセル", "condition", "B0L7P9R2SW", "ML-1004", lookup("ML-1004"), "はい", "再出品申請", "2026/4/11", None, None, "改善報告.pdf", None, "商品説明のコンディション表記を修正", "完了", "鈴木"],
        ["N-006", "2026/4/22", "Yahoo!店", "キー期限", None, None, None, None, None, None, None, None, None, None, None, None, "完了", "渡辺"],
        # SKU not in 商品マスタ: the VLOOKUP's cached value is #N/A (DAT011).
        ["N-007", "2026/5/20", "Amazon本店", "出品キャンセル", "商品違い", "B0S4V6X8YC", "ML-0999", lookup("ML-0999"), "いいえ", "取扱中止", "2026/5/21", None, None, None, None, None, "完了", "伊藤"],
        ["N-008", "2026/6/3", "Amazon本店", "出品キャンセル", "商品違い", "B0C7K2M9QX", "ML-1001", lookup("ML-1001"), "いいえ", "取扱中止", "2026/6/4", None, None, None, None, None, "完了", "高橋"],
        ["N-009", "2026/6/25", "Amazon本店", "出品キャンセル", "真贋", "B0T5W7Y9ZD", "ML-1012", lookup("ML-1012"), "いいえ", "取扱中止", "2026/6/26", None, None, None, None, None, "完了", "鈴木"],
        ["N-010", "2026-07-12", "Amazon本店", "listing_cancelled", "真贋", "B0D4R8T2WN", "ML-1007", lookup("ML-1007"), "○", "再出品申請", "2026-07-13", "2026/3/2", None, "invoice_0302.pdf、supplier_info.jpg", SUPPLIER_OSAKA, None, "完了", "鈴木"],
        ["N-011", "2026/8/5", "Amazonセカンド", "出品キャンセル", "コンディション", "B0U6X8Z1AE", "ML-1013", lookup("ML-1013"), "はい", "再出品申請", "2026/8/6", None, None, "改善報告.pdf\n検品写真.jpg", None, "中古品の付属品の記載漏れ。出品前チェック表を作成", "完了", "高橋"],
        ["N-012", "2026/8/20", "Amazonセカンド", "出品キャンセル", "wrong_item", "B0M8Q1S3TX", None, "シリコン調理スプーン(色違い)", "×", "取扱中止", "2026/8/21", None, None, None, None, None, "完了", "高橋"],
        # Same ASIN as N-008 but another store: not a repeat.
        ["N-013", "2026/9/2", "Amazonセカンド", "出品キャンセル", "商品違い", "B0C7K2M9QX", "ML-1001", lookup("ML-1001"), "いいえ", "取扱中止", "2026/9/3", None, None, None, None, None, "完了", "高橋"],
        BLANK_ROW,
        # Authenticity, relist: the notice allows invoices from 180 days before; this one is older.
        ["N-014", "令和8年9月14日", "Amazon本店", "出品キャンセル", "偽物", "B0F2H6J8LP", "ML-1006", lookup("ML-1006"), "はい", "再出品申請", "2026/9/15", "2026/1/20", 180, "請求書.pdf", SUPPLIER_TOKYO, None, "対応中", "鈴木"],
        ["N-015", "2026/9/28", "Amazon本店", "出品キャンセル", "カタログと異なる商品", "B0V7Y9A2BF", "ML-1014", lookup("ML-1014"), "いいえ", "取扱中止", "2026/9/29", None, None, None, None, None, "完了", "伊藤"],
        # Authenticity, relist, no supplier contact.
        ["N-016", "２０２６/１０/０５", "Amazon本店", "出品キャンセル", "authenticity", "B0G3K5M7NR", "ML-1003", lookup("ML-1003"), "yes", "relist", "2026/10/6", "2026/8/1", None, "invoice.pdf\n領収書.png", None, None, "in_progress", "伊藤"],
        # Authenticity, relist, a Word document.
        ["N-017", "20261020", "Amazon本店", "出品キャンセル", "真贋", "B0H4L6N8PS", "ML-1008", lookup("ML-1008"), "○", "再出品申請", "2026/10/21", "2026/9/1", None, "invoice.docx", SUPPLIER_OSAKA, None, "対応中", "鈴木"],
        # Relisting not offered (blank), but decided relist.
        ["N-018", date(2026, 10, 28), "Amazonセカンド", "出品キャンセル", "コンディション", "B0K6N8Q1RV", "ML-1002", lookup("ML-1002"), None, "再出品申請", date(2026, 10, 29), None, None, "検品手順書.pdf", None, "外箱の傷を見落とした。出荷前検品にチェックリストを追加", "対応中", "高橋"],
        # replied_on "11/12/2026" is day-first or month-first: ambiguous (DAT004).
        ["N-019", "2026/10/30", "楽天市場店", "その他", None, None, None, None, None, None, "11/12/2026", None, None, None, None, None, "完了", "佐藤"],
        # Wrong item, relist, no cause and prevention.
        ["N-020", "2026.11.2", "Amazon本店", "出品キャンセル", "カタログと異なる商品", "B0J5M7P9QT", "ML-1005", lookup("ML-1005"), "はい", "再出品申請", "2026/11/3", None, None, "改善報告書.pdf", None, None, "対応中", "高橋"],
        ["N-021", datetime(2026, 11, 5, 9, 42), "Amazon本店", "出品キャンセル", "コンディション", "B0L7P9R2SW", "ML-1004", lookup("ML-1004"), "はい", "再出品申請", "2026/11/6", None, None, "改善報告_2.pdf", None, "梱包材を変更し、出荷前に写真で記録", "対応中", "鈴木"],
        # Relisting offered, replied, but no decision past the reply window.
        ["N-022", "2026/11/9", "Amazonセカンド", "出品キャンセル", "コンディション", "B0N9R2T4UY", "ML-1009", lookup("ML-1009"), "はい", None, "2026/11/10", None, None, None, None, None, "対応中", "高橋"],
        # Rakuten's expiry e-mail for K-003, a week before it lapsed; nobody acted on it.
        ["N-023", "2026/11/11", "楽天市場店", "キー期限", None, None, None, None, None, None, None, None, None, None, None, None, "未対応", "佐藤"],
        ["N-024", "2026/11/12", "Amazon本店", "出品キャンセル", "商品違い", "B0W8Z1B3CG", "ML-1015", lookup("ML-1015"), "いいえ", "取扱中止", "2026/11/13", None, None, None, None, None, "完了", "伊藤"],
        # No reply, window (3 days) passed.
        ["N-025", "2026/11/16", "Amazon本店", "出品キャンセル", "商品違い", "B0P1S3U5VZ", "ML-1010", lookup("ML-1010"), "いいえ", None, None, None, None, None, None, None, "未対応", "伊藤"],
        # No reply yet: within the window on 2026-11-23, past it on 2026-11-30.
        ["N-026", "2026年11月22日", "Amazon本店", "出品キャンセル", "偽物", "B0Q2T4V6WA", None, "本革ラウンド財布 ブラック", None, None, None, None, None, None, None, None, None, "鈴木"],
        # Received 2026-11-28: in the future on 2026-11-23, within the window on 2026-11-30.
        ["N-027", date(2026, 11, 28), "Amazonセカンド", "出品キャンセル", "コンディション", "B0R3U5W7XB", None, "ガラス保存容器 5点セット", None, None, None, None, None, None, None, None, "未対応", "高橋"],
        # Authenticity, relist, everything in order except that the "invoice" is a quotation (INC011).
        ["N-028", "2026/11/20", "Amazon本店", "出品キャンセル", "真贋", "B0X9A2C4DH", None, "ステンレス水筒 500ml", "はい", "再出品申請", "2026/11/21", "2026/10/15", None, "見積書_1015.pdf、supplier_info.jpg", SUPPLIER_OSAKA, None, "対応中", "鈴木"],
    ],
    title="通知・出品キャンセル対応表",
    note="※「要ご対応:出品キャンセルのご連絡」は受信から3日以内に返信。再出品の案内がなければ取扱中止。",
    widths={0: 8, 1: 16, 2: 15, 3: 14, 4: 18, 5: 12, 7: 28, 10: 12, 11: 12, 13: 26, 14: 30, 15: 34},
)

EXCEPTIONS = Sheet(
    "除外",
    # The 承認者 column was never added: a required column is missing (DAT002).
    ["コード", "対象ID", "理由", "期限"],
    [
        # Valid: RNW007 on K-006 is still listed, marked excepted.
        ["RNW007", "K-006", "自社スクリプトの鍵は伊藤のみが扱う。2027年3月の体制見直しまで(佐藤承認)", "2027/3/31"],
        # Lapsed on 2026-10-31 (DAT013); RNW007 on K-005 counts again.
        ["RNW007", "K-005", "副担当が決まるまで", "2026/10/31"],
        # N-008 is closed: this matches no finding (DAT013).
        ["INC001", "N-008", "電話で対応済み", date(2026, 12, 31)],
    ],
    hidden=True,
    widths={0: 9, 1: 9, 2: 56, 3: 12},
)

PRODUCT_MASTER = Sheet(
    "商品マスタ",
    ["SKU", "商品名"],
    [[sku, name] for sku, name in PRODUCTS.items()],
    widths={0: 10, 1: 30},
)

# register-missing-sheet.xlsx: clean, but without the 通知 (notices) sheet: DAT001 only.
SMALL = [
    Sheet(
        "店舗",
        ["店舗名", "モール", "出品プラン", "担当者"],
        [["Amazon本店", "Amazon.co.jp", "大口出品", "鈴木"], ["楽天市場店", "楽天市場", None, "佐藤"]],
    ),
    Sheet(
        "ツール",
        ["ツールID", "ツール名", "用途", "状態", "担当者"],
        [["T-01", "ネクストエンジン", "受注管理", "利用中", "佐藤"], ["T-02", "ネオプライサー", "価格改定", "利用中", "鈴木"]],
    ),
    Sheet(
        "キー",
        ["キーID", "種類", "店舗名", "ツールID", "発行日", "状態", "担当者", "副担当"],
        [
            ["K-001", "楽天ライセンスキー", "楽天市場店", "T-01", "2026/10/20", "利用中", "佐藤", "鈴木"],
            ["K-002", "SP-API認可", "Amazon本店", "T-02", date(2026, 6, 1), "利用中", "鈴木", "高橋"],
        ],
    ),
    Sheet(
        "権限",
        ["付与ID", "店舗名", "付与先", "付与先種別", "ツールID", "権限種別", "付与日", "取消日", "担当者"],
        [
            ["G-001", "Amazon本店", "ネオプライサー", "ツール", "T-02", "開発者権限", "2026/6/1", None, "鈴木"],
            ["G-002", "Amazon本店", "高橋", "社員", None, "ユーザー権限", "2023/4/1", None, "佐藤"],
        ],
    ),
]


# fmt: on
# --- writing -----------------------------------------------------------------------------------


def write_workbook(path: Path, sheets: list[Sheet]) -> None:
    workbook = xlsxwriter.Workbook(str(path), OPTIONS)
    workbook.set_properties(
        {"title": "台帳(サンプル)", "author": "モノラボ EC担当", "created": CREATED}
    )
    formats = {
        "title": workbook.add_format({"bold": True, "font_size": 14}),
        "note": workbook.add_format({"italic": True, "font_color": "#7F7F7F"}),
        "header": workbook.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1}),
        "date": workbook.add_format({"num_format": "yyyy/mm/dd"}),
        "datetime": workbook.add_format({"num_format": "yyyy/mm/dd hh:mm"}),
        "text": workbook.add_format({"text_wrap": True, "valign": "top"}),
    }
    for sheet in sheets:
        write_sheet(workbook, sheet, formats)
    workbook.close()


def write_sheet(workbook: Any, sheet: Sheet, formats: dict[str, Any]) -> None:
    ws = workbook.add_worksheet(sheet.name)
    row = 0
    if sheet.title:
        ws.write_string(0, 0, sheet.title, formats["title"])
        if sheet.note:
            ws.write_string(1, 0, sheet.note, formats["note"])
        row = 2
    for col, header in enumerate(sheet.header):
        ws.write_string(row, col, header, formats["header"])
    ws.freeze_panes(row + 1, 1)
    for values in sheet.rows:
        row += 1
        if values is BLANK_ROW:
            continue
        if values[0] in sheet.hidden_ids:
            ws.set_row(row, None, None, {"hidden": True})
        for col, value in enumerate(values):
            write_cell(ws, row, col, value, formats)
    for col in range(len(sheet.header)):
        ws.set_column(col, col, sheet.widths.get(col, 10))
    if sheet.hidden:
        ws.hide()


def write_cell(ws: Any, row: int, col: int, value: Any, formats: dict[str, Any]) -> None:
    if value is None:
        return
    if isinstance(value, Formula):
        ws.write_formula(row, col, value.text.format(row=row + 1), None, value.cached)
    elif isinstance(value, datetime):
        ws.write_datetime(row, col, value, formats["datetime"])
    elif isinstance(value, date):
        ws.write_datetime(row, col, value, formats["date"])
    elif isinstance(value, bool):
        ws.write_boolean(row, col, value)
    elif isinstance(value, (int, float)):
        ws.write_number(row, col, value)
    elif "\n" in value:
        ws.write_string(row, col, value, formats["text"])
    else:
        ws.write_string(row, col, value)


def main() -> None:
    write_workbook(MAIN, [STORES, TOOLS, KEYS, GRANTS, NOTICES, PRODUCT_MASTER, EXCEPTIONS])
    write_workbook(MISSING_SHEET, SMALL)
    print(f"wrote {MAIN}")
    print(f"wrote {MISSING_SHEET}")


if __name__ == "__main__":
    main()

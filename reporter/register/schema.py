"""The register's sheets and columns, as the contract (docs/register.md) defines them.

This is data, read by the loader, the register rules and ``reporter init``;
tests/test_contract_docs.py checks docs/register.md against it. To accept a new
spelling, add an alias here; never rename a key.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import cache

# Value kinds a column can hold.
TEXT = "text"
ID = "id"
DATE = "date"
BOOL = "bool"
ENUM = "enum"
INT = "int"
FILES = "files"
IDS = "ids"  # a list of ids, separated like file names (revision 3: confirmed_changes)


@dataclass(frozen=True)
class EnumSpec:
    """Allowed values: canonical code -> (Japanese label, *synonyms)."""

    name: str
    values: dict[str, tuple[str, ...]]

    def label(self, code: str, lang: str = "ja") -> str:
        labels = self.values.get(code, ())
        return labels[0] if lang == "ja" and labels else code

    @property
    def lookup(self) -> dict[str, str]:
        return _enum_lookup(self)

    def __hash__(self) -> int:
        return hash(self.name)


@cache
def _enum_lookup(spec: EnumSpec) -> dict[str, str]:
    table: dict[str, str] = {}
    for code, labels in spec.values.items():
        for spelling in (code, *labels):
            table[normalize_token(spelling)] = code
    return table


@dataclass(frozen=True)
class ColumnSpec:
    key: str
    ja: str
    kind: str = TEXT
    required: bool = False
    enum: EnumSpec | None = None
    aliases: tuple[str, ...] = ()
    note_ja: str = ""  # shown in the blank register's instructions sheet
    note_en: str = ""

    @property
    def spellings(self) -> tuple[str, ...]:
        return (self.key, self.ja, *self.aliases)

    def __hash__(self) -> int:
        return hash((self.key, self.ja))


@dataclass(frozen=True)
class SheetSpec:
    key: str
    ja: str
    en: str
    columns: tuple[ColumnSpec, ...]
    required: bool = True
    id_key: str | None = None
    aliases: tuple[str, ...] = ()
    note_ja: str = ""
    note_en: str = ""
    column_by_key: dict[str, ColumnSpec] = field(default_factory=dict, compare=False, hash=False)

    def __post_init__(self) -> None:
        self.column_by_key.update({c.key: c for c in self.columns})

    @property
    def spellings(self) -> tuple[str, ...]:
        return (self.key, self.ja, self.en, *self.aliases)

    def column(self, key: str) -> ColumnSpec:
        return self.column_by_key[key]

    def __hash__(self) -> int:
        return hash(self.key)


PLATFORM = EnumSpec(
    "platform",
    {
        "amazon_jp": ("Amazon.co.jp", "Amazon", "アマゾン", "amazon jp", "amazon.jp"),
        "amazon_us": ("Amazon.com", "amazon us", "Amazon US"),
        "rakuten": ("楽天", "楽天市場", "Rakuten Ichiba", "楽天ichiba"),
        "yahoo": (
            "Yahoo",
            "Yahoo!ショッピング",
            "Yahooショッピング",
            "ヤフー",
            "ヤフーショッピング",
        ),
        "other": ("その他",),
    },
)
PLAN = EnumSpec(
    "plan",
    {
        "professional": ("大口", "大口出品", "pro"),
        "individual": ("小口", "小口出品"),
    },
)
PURPOSE = EnumSpec(
    "purpose",
    {
        "repricing": ("価格改定",),
        "review_request": ("評価依頼", "評価依頼メール"),
        "inventory": ("在庫管理", "在庫連携"),
        "order_management": ("受注管理",),
        "price_research": ("価格差リサーチ", "リサーチ"),
        "listing": ("出品",),
        "other": ("その他",),
    },
)
TOOL_STATUS = EnumSpec(
    "tool_status",
    {
        "active": ("利用中",),
        "trial": ("試用中", "トライアル"),
        "cancelled": ("解約済", "解約", "canceled"),
    },
)
KEY_KIND = EnumSpec(
    "key_kind",
    {
        "rakuten_license_key": ("楽天ライセンスキー", "ライセンスキー"),
        "sp_api_authorization": ("SP-API認可",),
        "lwa_client_secret": ("LWAクライアントシークレット",),
        "mws_access_key": ("MWSアクセスキー", "MWS"),
        "yahoo_public_key": ("Yahoo公開鍵", "公開鍵"),
        "yahoo_authorization": ("Yahoo認可",),
        # Revision 2: a private app the team authorized for itself; no validity period.
        "sp_api_self_authorization": ("SP-API自己認可", "自社アプリ認可"),
        "other": ("その他",),
    },
)
KEY_STATUS = EnumSpec(
    "key_status",
    {
        "in_use": ("利用中",),
        "awaiting_approval": ("承認待ち",),
        "update_requested": ("利用中 更新あり", "更新あり", "利用中(更新あり)"),
        # Revision 2: RMS shows 有効期限切れ on a product row whose key has lapsed.
        "expired": ("有効期限切れ", "期限切れ"),
        "retired": ("停止", "廃止"),
    },
)
GRANTEE_TYPE = EnumSpec(
    "grantee_type",
    {
        "tool": ("ツール",),
        "contractor": ("外注", "外注さん"),
        "staff": ("社員", "スタッフ"),
    },
)
GRANT_KIND = EnumSpec(
    "grant_kind",
    {
        "developer": ("開発者権限", "アプリ認可"),
        "mws_developer": ("MWS開発者権限",),
        "user": ("ユーザー権限",),
        # Revision 2: Amazon's authorized partners (Solution Provider Portal).
        "partner": ("認定パートナー", "承認済みパートナー"),
        "api_key_shared": ("APIキー共有",),
    },
)
NOTICE_KIND = EnumSpec(
    "notice_kind",
    {
        "listing_cancelled": ("出品キャンセル",),
        "key_expiry": ("キー期限",),
        "other": ("その他",),
    },
)
NOTICE_REASON = EnumSpec(
    "notice_reason",
    {
        "wrong_item": ("商品違い", "カタログと異なる商品", "誤った商品"),
        "condition": ("コンディション",),
        "authenticity": ("真贋", "偽物"),
        "other": ("その他",),
    },
)
DECISION = EnumSpec(
    "decision",
    {
        "discontinue": ("取扱中止",),
        "relist": ("再出品申請", "再出品"),
        "undecided": ("未定",),
    },
)
NOTICE_STATUS = EnumSpec(
    "notice_status",
    {
        "open": ("未対応",),
        "in_progress": ("対応中",),
        "closed": ("完了", "対応済"),
    },
)

C = ColumnSpec

SHEETS: tuple[SheetSpec, ...] = (
    SheetSpec(
        "stores",
        "店舗",
        "Stores",
        required=False,
        id_key="store",
        note_ja="出店しているモールの店舗。Amazonは出品プランも記入します。",
        note_en="The stores you run; for Amazon, the selling plan too.",
        columns=(
            C("store", "店舗名", ID, required=True, aliases=("store name", "shop")),
            C("platform", "モール", ENUM, required=True, enum=PLATFORM, aliases=("mall",)),
            C("plan", "出品プラン", ENUM, enum=PLAN, aliases=("selling plan", "プラン")),
            C("registered_name", "登録名義", aliases=("registered name",)),
            C("contact", "連絡先"),
            C("owner", "担当者", aliases=("担当",)),
        ),
    ),
    SheetSpec(
        "tools",
        "ツール",
        "Tools",
        id_key="tool_id",
        note_ja="利用中・試用中・解約済みの外部ツール。",
        note_en="Third-party tools in use, on trial or cancelled.",
        columns=(
            C("tool_id", "ツールID", ID, required=True, aliases=("tool id", "id")),
            C("tool_name", "ツール名", required=True, aliases=("name", "tool")),
            C("vendor", "提供元", aliases=("提供会社", "ベンダー")),
            C("platform", "モール", ENUM, enum=PLATFORM, aliases=("mall",)),
            C("purpose", "用途", ENUM, required=True, enum=PURPOSE),
            C("status", "状態", ENUM, required=True, enum=TOOL_STATUS, aliases=("ステータス",)),
            C("cancelled_on", "解約日", DATE, aliases=("cancelled", "canceled_on")),
            # Revision 2: auto-renewing contracts and the notice needed to leave them (RNW008).
            C("renews_on", "契約更新日", DATE, aliases=("renews", "renewal date", "更新日")),
            C("notice_days", "解約予告(日)", INT, aliases=("notice days", "解約予告")),
            C("owner", "担当者", aliases=("担当",)),
            # Revision 3: the platform changes (rules file, `changes`) the vendor has confirmed.
            C(
                "confirmed_changes",
                "対応確認済み",
                IDS,
                aliases=("confirmed changes", "対応確認", "対応済みの変更"),
                note_ja="提供元が対応済みと確認したプラットフォームの変更のID(reporter rules の一覧。例: amazon-orders-v0)",
                note_en="ids of the platform changes the vendor has confirmed the tool is ready for (listed by reporter rules; e.g. amazon-orders-v0)",
            ),
        ),
    ),
    SheetSpec(
        "keys",
        "キー",
        "Keys",
        id_key="key_id",
        aliases=("APIキー", "api keys"),
        note_ja="APIキー・ライセンスキー・アプリ認可。キーの値そのものは書かないでください。",
        note_en="API keys, license keys and app authorizations. Never write the key itself.",
        columns=(
            C("key_id", "キーID", ID, required=True, aliases=("key id", "id")),
            C("kind", "種類", ENUM, required=True, enum=KEY_KIND, aliases=("type",)),
            C("store", "店舗名", ID, aliases=("store name", "店舗")),
            C("tool_id", "ツールID", ID, aliases=("tool id",)),
            C("issued_on", "発行日", DATE, aliases=("issued",)),
            C("expires_on", "有効期限", DATE, aliases=("expires", "expiry", "expiry date")),
            C("status", "状態", ENUM, enum=KEY_STATUS, aliases=("ステータス",)),
            C("owner", "担当者", required=True, aliases=("担当",)),
            C("backup_owner", "副担当", aliases=("backup", "副担当者")),
        ),
    ),
    SheetSpec(
        "grants",
        "権限",
        "Grants",
        id_key="grant_id",
        aliases=("アクセス権限",),
        note_ja="ツールや外注先・スタッフに与えたアクセス権限。",
        note_en="Access given to tools, contractors and staff.",
        columns=(
            C("grant_id", "付与ID", ID, required=True, aliases=("grant id", "id")),
            C("store", "店舗名", ID, aliases=("store name", "店舗")),
            C("grantee", "付与先", required=True),
            C("grantee_type", "付与先種別", ENUM, required=True, enum=GRANTEE_TYPE),
            C("tool_id", "ツールID", ID, aliases=("tool id",)),
            C("grant_kind", "権限種別", ENUM, required=True, enum=GRANT_KIND),
            C("granted_on", "付与日", DATE, aliases=("granted",)),
            C("revoked_on", "取消日", DATE, aliases=("revoked",)),
            C("engagement_ends_on", "契約終了日", DATE, aliases=("engagement ends",)),
            C("owner", "担当者", aliases=("担当",)),
        ),
    ),
    SheetSpec(
        "notices",
        "通知",
        "Notices",
        id_key="notice_id",
        aliases=("通知・インシデント", "incidents"),
        note_ja="モールから届いた通知(出品キャンセルなど)と対応状況。",
        note_en="Notices from the platforms (listing cancellations and others) and their follow-up.",
        columns=(
            C("notice_id", "通知ID", ID, required=True, aliases=("notice id", "id")),
            C("received_on", "受信日", DATE, required=True, aliases=("received",)),
            C("store", "店舗名", ID, aliases=("store name", "店舗")),
            C("kind", "種類", ENUM, required=True, enum=NOTICE_KIND, aliases=("type",)),
            C("reason", "理由", ENUM, enum=NOTICE_REASON),
            C("asin", "ASIN"),
            C("sku", "SKU"),
            C("product_name", "商品名", aliases=("product",)),
            C("relist_offered", "再出品の案内", BOOL, aliases=("relist offered",)),
            C("decision", "方針", ENUM, enum=DECISION),
            C("replied_on", "返信日", DATE, aliases=("replied",)),
            C("invoice_issued_on", "請求書発行日", DATE, aliases=("invoice issued",)),
            C("invoice_window_days", "書類期間(日)", INT, aliases=("invoice window", "書類期間")),
            C("documents", "提出書類", FILES),
            C("supplier_contact", "仕入先連絡先", aliases=("supplier",)),
            C("cause_and_prevention", "原因と再発防止", aliases=("cause", "原因・再発防止")),
            C("status", "状態", ENUM, enum=NOTICE_STATUS, aliases=("ステータス",)),
            C("owner", "担当者", aliases=("担当",)),
        ),
    ),
    SheetSpec(
        "exceptions",
        "除外",
        "Exceptions",
        required=False,
        id_key=None,
        aliases=("例外",),
        note_ja="承知の上で受け入れた指摘。期限を過ぎると再び数えられます。",
        note_en="Findings the team has consciously accepted, until the end date.",
        columns=(
            C("code", "コード", required=True, aliases=("rule", "ルール")),
            C("record_id", "対象ID", ID, required=True, aliases=("record id", "id")),
            C("reason", "理由", required=True),
            C("approved_by", "承認者", required=True, aliases=("approver",)),
            C("until", "期限", DATE, required=True, aliases=("until date", "end date")),
        ),
    ),
)

SHEET_BY_KEY: dict[str, SheetSpec] = {s.key: s for s in SHEETS}

# Columns required only on some rows (spec section 2), with the condition in words.
# DAT003 checks them; the blank register's instructions show the same words.
CONDITIONAL_REQUIRED: dict[tuple[str, str], dict[str, str]] = {
    ("stores", "plan"): {"ja": "Amazonの店舗では必須", "en": "required for Amazon stores"},
    ("keys", "issued_on"): {
        "ja": "利用中のキーで有効期限が空欄なら必須",
        "en": "required for a key in use without an expiry date",
    },
    ("grants", "tool_id"): {
        "ja": "付与先種別がツールなら必須",
        "en": "required when the grantee is a tool",
    },
    ("notices", "reason"): {
        "ja": "出品キャンセルでは必須",
        "en": "required for a listing cancellation",
    },
    ("notices", "asin"): {
        "ja": "出品キャンセルでは必須",
        "en": "required for a listing cancellation",
    },
}

# Secrets: a value under a header with one of these words is a secret (SEC001).
SECRET_HEADER_WORDS = (
    "パスワード",
    "password",
    "passwd",
    "secret",
    "シークレット",
    "キー値",
    "token",
    "トークン",
    "秘密鍵",
    "secret key",
)

_TRAILING = re.compile(r"(\((任意|必須|optional|required)\)|\*|※)+$")
_TRAILING_ENDS = (")", "*", "※")


def normalize_token(text: str) -> str:
    """Normalize a header, sheet name or enum spelling the forgiving way.

    NFKC (full-width to half-width), case-insensitive, spaces, ``_``, ``-`` and
    ``・`` ignored, a trailing ``(任意)``, ``(必須)`` or ``*`` ignored.
    """
    text = unicodedata.normalize("NFKC", str(text)).casefold()
    # White space (str.split's is re's \s), "_", "-" and "・" dropped: at C speed, not a regex's.
    text = "".join(text.split()).replace("_", "").replace("-", "").replace("・", "")
    # Only a text ending in one of them can lose a suffix: the regex would try every
    # position of a long text (a memo cell of a megabyte) before finding none.
    while text.endswith(_TRAILING_ENDS):
        shorter = _TRAILING.sub("", text)
        if shorter == text:
            break
        text = shorter
    return text


@cache
def sheet_lookup() -> dict[str, SheetSpec]:
    return {normalize_token(s): spec for spec in SHEETS for s in spec.spellings}


@cache
def column_lookup(sheet_key: str) -> dict[str, ColumnSpec]:
    spec = SHEET_BY_KEY[sheet_key]
    return {normalize_token(s): col for col in spec.columns for s in col.spellings}

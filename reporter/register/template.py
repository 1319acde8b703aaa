"""``reporter init``: write a blank register workbook, built from :mod:`reporter.register.schema`.

The blank register has an instructions sheet first, then one sheet per
register sheet (optional ones included) with its headers, drop-down lists for
the columns that take fixed values, date and text formats, and no data. Since
everything comes from ``schema.SHEETS``, the blank register cannot drift from
the spec; ``reporter check`` on it finds nothing to report.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from reporter import i18n
from reporter.errors import InputError, OutputError
from reporter.files import write_atomically
from reporter.register.schema import (
    BOOL,
    CONDITIONAL_REQUIRED,
    DATE,
    ENUM,
    FILES,
    ID,
    IDS,
    INT,
    KEY_KIND,
    SHEETS,
    ColumnSpec,
    SheetSpec,
)
from reporter.text_width import display_width

LANGS = i18n.LANGS
FIRST_DATA_ROW = 2
LAST_DATA_ROW = 1000  # drop-down lists and formats cover rows 2..1000
DATE_FORMAT = "yyyy-mm-dd"
TEXT_FORMAT = "@"
# Excel refuses an inline drop-down list longer than this (in characters).
LIST_FORMULA_LIMIT = 255

INSTRUCTIONS_SHEET = {"ja": "説明", "en": "Instructions"}
BOOL_CHOICES = {"ja": ("はい", "いいえ"), "en": ("yes", "no")}

# Text columns that hold codes typed with digits: formatted as text too, so that
# an ASIN such as 0123456789 or a SKU such as 001 keeps its leading zeros.
CODE_TEXT_COLUMNS = {("notices", "asin"), ("notices", "sku")}


# One line per column for the instructions sheet, used where schema.py's
# ColumnSpec has no note of its own.
COLUMN_NOTES: dict[tuple[str, str], dict[str, str]] = {
    ("stores", "store"): {
        "ja": "店舗の名前。ほかのシートの「店舗名」にはこの名前をそのまま書きます。",
        "en": "The store's name; the other sheets refer to the store by exactly this name.",
    },
    ("stores", "platform"): {
        "ja": "この店舗が出店しているモール。",
        "en": "The marketplace this store sells on.",
    },
    ("stores", "plan"): {
        "ja": "Amazonの出品プラン。大口か小口かで、使えるサポート窓口が変わります。",
        "en": "Amazon selling plan; it decides which seller-support channels you can use.",
    },
    ("stores", "registered_name"): {
        "ja": "モールに登録している名義(サポートに問い合わせるときに伝えます)。",
        "en": "The name registered with the marketplace (you give it when contacting support).",
    },
    ("stores", "contact"): {
        "ja": "モールに登録している連絡先(メールアドレスや電話番号)。",
        "en": "The contact registered with the marketplace (email or phone).",
    },
    ("stores", "owner"): {
        "ja": "この店舗の担当者。",
        "en": "Who looks after this store.",
    },
    ("tools", "tool_id"): {
        "ja": "ツールごとに自分たちで決める番号や記号(例: T-001)。"
        "ほかのシートからこのIDで参照します。",
        "en": "Your own id for the tool (e.g. T-001); the other sheets refer to the tool by it.",
    },
    ("tools", "tool_name"): {
        "ja": "ツールの名前(例: ネクストエンジン)。",
        "en": "The tool's name (e.g. Next Engine).",
    },
    ("tools", "vendor"): {
        "ja": "ツールを提供している会社。",
        "en": "The company that provides the tool.",
    },
    ("tools", "platform"): {
        "ja": "このツールを使うモール。",
        "en": "The marketplace the tool is used with.",
    },
    ("tools", "purpose"): {
        "ja": "ツールの用途。価格差リサーチのツールは店舗のデータへのアクセスを必要としません。",
        "en": "What the tool does. Price-research tools need no access to your store's data.",
    },
    ("tools", "status"): {
        "ja": "今の契約の状態。使うのをやめたら行を消さずに「解約済」にします。",
        "en": "The contract's state now. When you stop using the tool, set cancelled "
        "(do not delete the row).",
    },
    ("tools", "cancelled_on"): {
        "ja": "解約した日。",
        "en": "The day the contract ended.",
    },
    ("tools", "renews_on"): {
        "ja": "契約が次に自動更新される日。過ぎたら次の更新日に書き換えます。",
        "en": "The day the contract next renews automatically; once it has passed, enter the "
        "next one.",
    },
    ("tools", "notice_days"): {
        "ja": "解約するとき、契約更新日の何日前までに申し出る必要があるか(契約書の解約予告)。空欄は0日。",
        "en": "How many days before the renewal date notice must be given to cancel (the "
        "contract's notice period); blank means 0.",
    },
    ("tools", "owner"): {
        "ja": "このツールの担当者。",
        "en": "Who looks after this tool.",
    },
    ("keys", "key_id"): {
        "ja": "キーごとに自分たちで決める番号や記号(例: K-001)。キーの値そのものではありません。",
        "en": "Your own id for the key (e.g. K-001), not the key's value.",
    },
    ("keys", "kind"): {
        "ja": "キーの種類。種類によって有効期間が決まります。",
        "en": "The kind of key; the kind sets how long it stays valid.",
    },
    ("keys", "store"): {
        "ja": "このキーを使う店舗(「店舗」シートの店舗名)。",
        "en": "The store the key belongs to (a store name from the Stores sheet).",
    },
    ("keys", "tool_id"): {
        "ja": "このキーを登録しているツール(「ツール」シートのツールID)。",
        "en": "The tool the key is registered in (a tool_id from the Tools sheet).",
    },
    ("keys", "issued_on"): {
        "ja": "キーを発行した日、またはアプリを認可した日。",
        "en": "The day the key was issued or the app was authorized.",
    },
    ("keys", "expires_on"): {
        "ja": "最後に使える日。空欄なら発行日と種類から計算します。",
        "en": "The last day the key works; when blank, it is worked out from the issue date "
        "and the kind.",
    },
    ("keys", "status"): {
        "ja": "キーの状態。空欄は「利用中」とみなします。使わなくなったら「停止」にします。",
        "en": "The key's state; blank means in use. Set retired once it is no longer used.",
    },
    ("keys", "owner"): {
        "ja": "期限までにキーを更新する担当者。",
        "en": "Who renews the key before it expires.",
    },
    ("keys", "backup_owner"): {
        "ja": "担当者がいないときに代わりに更新する人。",
        "en": "Who renews the key when the owner is away.",
    },
    ("grants", "grant_id"): {
        "ja": "権限ごとに自分たちで決める番号や記号(例: G-001)。",
        "en": "Your own id for the grant (e.g. G-001).",
    },
    ("grants", "store"): {
        "ja": "権限を与えた店舗(「店舗」シートの店舗名)。",
        "en": "The store the access is to (a store name from the Stores sheet).",
    },
    ("grants", "grantee"): {
        "ja": "権限を与えた相手。ツールの名前か、人の名前。",
        "en": "Who has the access: a tool's name or a person's name.",
    },
    ("grants", "grantee_type"): {
        "ja": "相手がツールか、外注先か、社員・スタッフか。",
        "en": "Whether the grantee is a tool, a contractor or a staff member.",
    },
    ("grants", "tool_id"): {
        "ja": "相手がツールのとき、そのツールID(「ツール」シート)。",
        "en": "When the grantee is a tool, its tool_id from the Tools sheet.",
    },
    ("grants", "grant_kind"): {
        "ja": "与えた権限の種類。APIキーそのものを渡したときは「APIキー共有」。"
        "Amazonで外注先に与えるのは「認定パートナー」です(2025年4月10日から、外注先をユーザー権限で"
        "追加することはできません)。",
        "en": "The kind of access; choose api_key_shared when a key itself was handed over. On "
        "Amazon, a contractor is given partner access (since 2025-04-10 contractors may not be "
        "added as users).",
    },
    ("grants", "granted_on"): {
        "ja": "権限を与えた日。",
        "en": "The day the access was given.",
    },
    ("grants", "revoked_on"): {
        "ja": "権限を取り消した日。空欄は、まだ権限が残っているという意味です。",
        "en": "The day the access was revoked; blank means the access still stands.",
    },
    ("grants", "engagement_ends_on"): {
        "ja": "外注先・スタッフとの契約が終わる日(または終わった日)。外注先では必ず記入します。",
        "en": "The day the contractor's or staff member's engagement ends (or ended); always "
        "fill it in for a contractor.",
    },
    ("grants", "owner"): {
        "ja": "この権限を管理する担当者。",
        "en": "Who looks after this grant.",
    },
    ("notices", "notice_id"): {
        "ja": "通知ごとに自分たちで決める番号や記号(例: N-001)。",
        "en": "Your own id for the notice (e.g. N-001).",
    },
    ("notices", "received_on"): {
        "ja": "通知を受け取った日。",
        "en": "The day the notice arrived.",
    },
    ("notices", "store"): {
        "ja": "通知を受け取った店舗(「店舗」シートの店舗名)。",
        "en": "The store that received the notice (a store name from the Stores sheet).",
    },
    ("notices", "kind"): {
        "ja": "通知の種類。",
        "en": "The kind of notice.",
    },
    ("notices", "reason"): {
        "ja": "出品キャンセルの理由(通知に書かれているもの)。",
        "en": "Why the listing was cancelled, as the notice says.",
    },
    ("notices", "asin"): {
        "ja": "対象商品のASIN(英数字10文字)。",
        "en": "The product's ASIN (10 letters or digits).",
    },
    ("notices", "sku"): {
        "ja": "対象商品のSKU。",
        "en": "The product's SKU.",
    },
    ("notices", "product_name"): {
        "ja": "対象商品の名前。",
        "en": "The product's name.",
    },
    ("notices", "relist_offered"): {
        "ja": "通知に再出品の方法が書かれていたか。空欄は「いいえ」とみなします。",
        "en": "Whether the notice explains how to relist; blank means no.",
    },
    ("notices", "decision"): {
        "ja": "この商品をどうするか。空欄は「未定」とみなします。",
        "en": "What you will do with the product; blank means undecided.",
    },
    ("notices", "replied_on"): {
        "ja": "通知に返信した日。",
        "en": "The day you replied to the notice.",
    },
    ("notices", "invoice_issued_on"): {
        "ja": "再出品の申請で出す請求書・領収書・注文書の発行日(通知の受信日より前の日付)。",
        "en": "The issue date of the invoice, receipt or order form you send to relist (before "
        "the notice was received).",
    },
    ("notices", "invoice_window_days"): {
        "ja": "通知に書かれた、書類の発行日の期間(日数)。空欄なら今の規定の期間を使います。",
        "en": "The period the notice gives for the invoice date, in days; when blank, the "
        "current policy's period is used.",
    },
    ("notices", "documents"): {
        "ja": "提出する書類のファイル名(pdf・jpg・png・gif)。"
        "複数あるときは「,」「、」か改行で区切ります。",
        "en": "File names of the documents you send (pdf, jpg, png or gif), separated by commas "
        "or new lines.",
    },
    ("notices", "supplier_contact"): {
        "ja": "仕入先の名前・電話番号・住所・ウェブサイトのURL。",
        "en": "The supplier's name, phone, address and web URL.",
    },
    ("notices", "cause_and_prevention"): {
        "ja": "原因と、同じことが起きないようにした対策。",
        "en": "What caused the problem and what you changed so it does not happen again.",
    },
    ("notices", "status"): {
        "ja": "対応の状況。空欄は「未対応」とみなします。",
        "en": "Where the follow-up stands; blank means open.",
    },
    ("notices", "owner"): {
        "ja": "この通知に対応する担当者。",
        "en": "Who handles this notice.",
    },
    ("exceptions", "code"): {
        "ja": "受け入れる指摘のコード(例: RNW007)。",
        "en": "The code of the finding you accept (e.g. RNW007).",
    },
    ("exceptions", "record_id"): {
        "ja": "指摘が出ている行のID(キーID・付与IDなど)。すべての行が対象なら *。",
        "en": "The id of the row the finding is on (key_id, grant_id…), or * for every row.",
    },
    ("exceptions", "reason"): {
        "ja": "受け入れる理由。",
        "en": "Why you accept the finding.",
    },
    ("exceptions", "approved_by"): {
        "ja": "受け入れを承認した人。",
        "en": "Who approved it.",
    },
    ("exceptions", "until"): {
        "ja": "受け入れる期限。この日を過ぎると、また指摘として数えます。",
        "en": "Until when; after this day the finding counts again.",
    },
}

_WORDS: dict[str, dict[str, str]] = {
    "title": {"ja": "台帳の書き方", "en": "How to fill in the register"},
    "about": {"ja": "この台帳について", "en": "What this register is for"},
    "howto": {"ja": "書き方", "en": "How to fill it in"},
    "checks": {"ja": "レポーターが確認すること", "en": "What the reporter checks"},
    "sheet_heading": {
        "ja": "シート「{name}」({need}): {note}",
        "en": "Sheet {name} ({need}): {note}",
    },
    "sheet_required": {"ja": "必須のシート", "en": "required sheet"},
    "sheet_optional": {"ja": "任意のシート", "en": "optional sheet"},
    "col_name": {"ja": "列名", "en": "Column"},
    "col_required": {"ja": "必須", "en": "Required"},
    "col_values": {"ja": "入力できる値", "en": "Allowed values"},
    "col_note": {"ja": "説明", "en": "Explanation"},
    "yes": {"ja": "必須", "en": "yes"},
    "no": {"ja": "任意", "en": "no"},
    "v_text": {"ja": "自由に記入", "en": "free text"},
    "v_id": {
        "ja": "文字・数字(シートの中で重複しないこと)",
        "en": "letters/digits, unique in the sheet",
    },
    "v_ref": {"ja": "「{sheet}」シートの{column}", "en": "a {column} from the {sheet} sheet"},
    "v_date": {
        "ja": "日付(例: 2026-11-22、2026/11/22、令和8年11月22日)",
        "en": "date (e.g. 2026-11-22 or 2026/11/22)",
    },
    "v_bool": {"ja": "はい / いいえ(空欄は いいえ)", "en": "yes / no (blank = no)"},
    "v_int": {"ja": "整数(日数)", "en": "whole number (days)"},
    "v_files": {
        "ja": "ファイル名(.pdf .jpg .png .gif)、「,」「、」か改行で区切る",
        "en": "file names (.pdf .jpg .png .gif), separated by commas or new lines",
    },
    "v_ids": {
        "ja": "ID(例: amazon-orders-v0)、「,」「、」か改行で区切る",
        "en": "ids (e.g. amazon-orders-v0), separated by commas or new lines",
    },
    "list_error_title": {"ja": "一覧にない値です", "en": "Not in the list"},
    "list_error": {
        "ja": "一覧から選んでください。同じ意味の別の書き方なら、このまま「OK」で入力できます。",
        "en": "Choose from the list. A synonym is accepted too: press OK to keep it.",
    },
}

_VALUE_WORDS = {DATE: "v_date", BOOL: "v_bool", INT: "v_int", FILES: "v_files", IDS: "v_ids"}

_ABOUT = {
    "ja": (
        "この台帳は、お店で使っている外部ツール、APIキー・ライセンスキー・アプリの認可、"
        "ツールや外注先に渡したアクセス権限、モールから届いた通知を、1か所にまとめて管理するためのものです。",
        "毎月レポーターがこの台帳を読み、期限が迫っているキー、取り消すべき権限、"
        "まだ終わっていない通知への対応、台帳の書き間違いを一覧にします。",
    ),
    "en": (
        "This register keeps, in one place, the third-party tools the shop uses, its API keys, "
        "license keys and app authorizations, the access given to tools and contractors, and "
        "the notices received from the marketplaces.",
        "Every month the reporter reads it and lists keys close to expiry, access to revoke, "
        "notices still waiting for an answer, and mistakes in the register itself.",
    ),
}

_HOWTO = {
    "ja": (
        "1行に1件ずつ書きます(キー1つ、権限1つ、通知1通でそれぞれ1行)。",
        "1行目の見出しの名前は変えないでください。列の並べ替えはかまいません。"
        "色の濃い見出しは必ず書く列です。",
        "日付は 2026-11-22、2026/11/22、令和8年11月22日 のように書きます。"
        "11/12/2026 のように月と日の区別がつかない書き方は読めません。",
        "選択肢のある列は、セルを選ぶと出る▼の一覧から選びます。"
        "同じ意味の別の書き方(下の表のかっこ内)も使えます。",
        "ID(ツールID・キーIDなど)は自分たちで決める番号や記号です。同じシートの中で重ならないようにします。",
        "キー・パスワード・トークンの値そのものは、絶対にこの台帳に書かないでください。"
        "値はパスワード管理ツールに保管し、ここには「どのキーか」と期限・担当者だけを書きます。",
        "使わなくなったツール・キー・権限の行は消さずに、状態を「解約済」「停止」にするか、取消日を書きます。",
        "「店舗」と「除外」のシートは任意です。使わないときは空のままでかまいません。",
    ),
    "en": (
        "One row per item: one key, one grant, one notice per row.",
        "Do not rename the headers in row 1; you may reorder the columns. "
        "Darker headers are columns you must fill in.",
        "Write dates as 2026-11-22 or 2026/11/22. A date such as 11/12/2026, where day and "
        "month cannot be told apart, cannot be read.",
        "Columns with fixed values have a drop-down list (the ▼ on the cell). The Japanese "
        "labels and the synonyms in the tables below are accepted too.",
        "Ids (tool_id, key_id…) are numbers or codes you choose yourselves; keep them unique "
        "within a sheet.",
        "Never write the value of a key, password or token in this register. Keep it in a "
        "password manager; write here only which key it is, when it expires and who owns it.",
        "When a tool, key or grant is no longer used, keep its row: set its status to "
        "cancelled or retired, or fill in the revoked date.",
        "The Stores and Exceptions sheets are optional; leave them empty if you do not need them.",
    ),
}

_CHECKS = {
    "ja": (
        "期限が切れたキーと、もうすぐ期限が切れるキー。有効期限が空欄のときは、発行日から"
        "次の期間で計算します: {validity}。",
        "承認待ちや更新ありのまま止まっているキー、副担当のいないキー、解約したツールに登録されたままのキー。",
        "契約更新日が近く、解約するなら申し出の期限が迫っているツール。",
        "モールの変更(例: Amazon 注文API v0 の廃止)で止まるおそれがあるのに、提供元の対応を"
        "まだ確認していないツール。確認できたら「対応確認済み」に変更のIDを書きます。",
        "まだ使える状態になっているMWSのキーや権限(MWSはすでに終了しています)。",
        "解約したツールや、契約が終わった外注先・スタッフに残っている権限。契約終了日のない外注先の権限。",
        "外注先に渡しているAPIキー、Amazonで外注先に与えたユーザー権限(認定パートナーにする必要があります)、"
        "小口出品の店舗のユーザー権限。",
        "返信していない出品キャンセルの通知と、再出品の申請に足りない書類や記入"
        "(請求書、仕入先の連絡先、原因と再発防止など)。請求書のかわりに出した見積書や注文書。"
        "対応が終わっていないキー期限などの通知。",
        "台帳そのものの問題: 必須の列の空欄、読めない日付、一覧にない値、重なったID、"
        "ほかのシートにない店舗名やツールID、セルに書かれたキーやパスワードらしき値。",
    ),
    "en": (
        "Keys that have expired or will expire soon. When the expiry date is blank it is "
        "worked out from the issue date: {validity}.",
        "Keys left awaiting approval or with an update requested, keys with no backup owner, "
        "and keys still registered in a cancelled tool.",
        "Tools whose contract renews soon, when notice to cancel is due.",
        "Tools that a platform change (e.g. the removal of Amazon's Orders API v0) may stop, "
        "whose vendor has not yet confirmed they are ready; once confirmed, write the change's "
        "id in confirmed_changes.",
        "MWS keys and grants still marked active (MWS has been shut down).",
        "Access still held by cancelled tools or by contractors and staff whose engagement "
        "has ended.",
        "Access to contractors with no end date, API keys shared with contractors, Amazon user "
        "permissions given to contractors (they must be authorized partners) and user "
        "permissions on an Individual-plan store.",
        "Listing-cancellation notices not yet answered, and documents or details missing for "
        "relisting (invoice, supplier contact, cause and prevention…), quotations or order "
        "forms sent in place of an invoice, and other notices (key expiry…) left open.",
        "Problems in the register itself: required cells left blank, dates that cannot be "
        "read, values not in the list, duplicate ids, stores or tools not in their sheet, "
        "and what looks like a key or password typed into a cell.",
    ),
}

_INSTRUCTION_WIDTHS = (24, 22, 48, 70)  # columns A-D of the instructions sheet
_LINE_HEIGHT = 15  # points per line of 11-point text

_HEADER_FONT = Font(bold=True)
_REQUIRED_FILL = PatternFill("solid", start_color="F4B084")
_OPTIONAL_FILL = PatternFill("solid", start_color="DDEBF7")
_SECTION_FONT = Font(bold=True, size=12)
_TITLE_FONT = Font(bold=True, size=14)
_THIN = Side(style="thin", color="A6A6A6")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_HEADER_ALIGNMENT = Alignment(horizontal="center", vertical="center", wrap_text=True)
_TABLE_ALIGNMENT = Alignment(vertical="top", wrap_text=True)


def write_blank_register(
    path: str | Path,
    lang: str = "ja",
    *,
    overwrite: bool = False,
    validity_days: Mapping[str, int],
) -> None:
    """Write a blank register to ``path`` (an .xlsx file) in ``lang`` ("ja" or "en").

    An existing file is kept unless ``overwrite``; the file appears complete
    or not at all. ``validity_days`` (key kind -> days) is what the
    instructions sheet states: the platform rules in force
    (``reporter.platform.load_settings().validity_days``).
    """
    if lang not in LANGS:
        raise ValueError(f"lang must be one of {LANGS}, not {lang!r}")
    path = Path(path)
    if path.is_dir():
        raise InputError("init_is_folder", path=str(path))
    if path.suffix.lower() != ".xlsx":
        raise InputError("init_not_xlsx", path=str(path))
    if path.exists() and not overwrite:
        raise OutputError("init_exists", path=str(path))
    workbook = build_workbook(lang, validity_days)
    _save_atomically(workbook, path, overwrite)


def build_workbook(lang: str, validity_days: Mapping[str, int]) -> Workbook:
    """The blank register as an openpyxl workbook, not yet saved.

    ``validity_days`` (key kind -> days) are quoted by the instructions. The
    caller reads them from the rules in force: the register package reads
    workbooks and describes them, and knows nothing of the platform rules.
    """
    workbook = Workbook()
    instructions = workbook.active
    instructions.title = INSTRUCTIONS_SHEET[lang]
    _fill_instructions(instructions, lang, validity_days)
    for spec in SHEETS:
        _fill_register_sheet(workbook.create_sheet(sheet_name(spec, lang)), spec, lang)
    return workbook


def sheet_name(spec: SheetSpec, lang: str) -> str:
    """The name a blank register gives a sheet: Japanese, or the English name."""
    return spec.ja if lang == "ja" else spec.en


def header_text(column: ColumnSpec, lang: str) -> str:
    """The header a blank register uses: the Japanese name, or the canonical key in English."""
    return column.ja if lang == "ja" else column.key


def list_choices(column: ColumnSpec, lang: str) -> tuple[str, ...]:
    """The drop-down choices of an enum or boolean column; empty for other columns."""
    if column.kind == BOOL:
        return BOOL_CHOICES[lang]
    if column.kind == ENUM and column.enum is not None:
        return tuple(column.enum.label(code, lang) for code in column.enum.values)
    return ()


def column_note(sheet: SheetSpec, column: ColumnSpec, lang: str) -> str:
    """The one-line explanation of a column: schema.py's note, else this module's."""
    own = column.note_ja if lang == "ja" else column.note_en
    return own or COLUMN_NOTES.get((sheet.key, column.key), {}).get(lang, "")


# --- the register sheets -------------------------------------------------------------


def _fill_register_sheet(sheet: Worksheet, spec: SheetSpec, lang: str) -> None:
    for index, column in enumerate(spec.columns, start=1):
        letter = get_column_letter(index)
        cell = sheet.cell(row=1, column=index, value=header_text(column, lang))
        cell.font = _HEADER_FONT
        cell.fill = _REQUIRED_FILL if column.required else _OPTIONAL_FILL
        cell.alignment = _HEADER_ALIGNMENT
        cell.border = _BORDER
        sheet.column_dimensions[letter].width = _column_width(column, lang)
        data_range = f"{letter}{FIRST_DATA_ROW}:{letter}{LAST_DATA_ROW}"
        choices = list_choices(column, lang)
        if choices:
            sheet.add_data_validation(_list_validation(choices, data_range, lang))
        number_format = _number_format(spec, column)
        if number_format:
            for row in range(FIRST_DATA_ROW, LAST_DATA_ROW + 1):
                sheet.cell(row=row, column=index).number_format = number_format
    last = get_column_letter(len(spec.columns))
    sheet.freeze_panes = f"A{FIRST_DATA_ROW}"
    sheet.auto_filter.ref = f"A1:{last}1"
    sheet.row_dimensions[1].height = 30


def _number_format(spec: SheetSpec, column: ColumnSpec) -> str | None:
    if column.kind == DATE:
        return DATE_FORMAT
    if column.kind == ID or (spec.key, column.key) in CODE_TEXT_COLUMNS:
        return TEXT_FORMAT
    return None


def _list_validation(choices: tuple[str, ...], data_range: str, lang: str) -> DataValidation:
    for choice in choices:
        if "," in choice or '"' in choice:
            raise ValueError(f"drop-down choice {choice!r} cannot hold a comma or a quote")
    formula = '"' + ",".join(choices) + '"'
    if len(formula) - 2 > LIST_FORMULA_LIMIT:
        raise ValueError(f"drop-down list {formula} is longer than Excel allows")
    # An information-style message: the user may keep a synonym the list does not show.
    validation = DataValidation(
        type="list",
        formula1=formula,
        allow_blank=True,
        showErrorMessage=True,
        errorStyle="information",
        errorTitle=_WORDS["list_error_title"][lang],
        error=_WORDS["list_error"][lang],
    )
    validation.add(data_range)
    return validation


def _column_width(column: ColumnSpec, lang: str) -> float:
    texts = [header_text(column, lang), *list_choices(column, lang)]
    minimum = {DATE: 13, ID: 12, BOOL: 10, INT: 12, ENUM: 12, FILES: 28, IDS: 20}.get(
        column.kind, 18
    )
    return min(40, max(minimum, max(display_width(t) for t in texts) + 4))


# --- the instructions sheet ----------------------------------------------------------


def _fill_instructions(sheet: Worksheet, lang: str, validity_days: Mapping[str, int]) -> None:
    for letter, size in zip("ABCD", _INSTRUCTION_WIDTHS, strict=True):
        sheet.column_dimensions[letter].width = size
    sheet.sheet_properties.tabColor = "70AD47"
    row = 1
    sheet.cell(row=row, column=1, value=_WORDS["title"][lang]).font = _TITLE_FONT
    row += 2
    validity = _validity_text(lang, validity_days)
    sections = (
        ("about", _ABOUT[lang]),
        ("howto", _HOWTO[lang]),
        ("checks", tuple(line.format(validity=validity) for line in _CHECKS[lang])),
    )
    for word, lines in sections:
        sheet.cell(row=row, column=1, value=_WORDS[word][lang]).font = _SECTION_FONT
        row += 1
        for line in lines:
            _paragraph(sheet, row, f"・{line}" if lang == "ja" else f"- {line}")
            row += 1
        row += 1
    for spec in SHEETS:
        row = _sheet_table(sheet, spec, lang, row) + 1


def _paragraph(sheet: Worksheet, row: int, text: str) -> None:
    """A line of prose across the table's four columns, wrapped."""
    sheet.merge_cells(start_row=row, start_column=1, end_row=row, end_column=4)
    cell = sheet.cell(row=row, column=1, value=text)
    cell.alignment = _TABLE_ALIGNMENT
    _fit_height(sheet, row, [(text, sum(_INSTRUCTION_WIDTHS))])


def _fit_height(sheet: Worksheet, row: int, cells: list[tuple[str, float]]) -> None:
    """Set a row's height to show every (text, column width) pair in full when wrapped.

    Excel does not grow a row for wrapped text written by a program, so the
    height is worked out here from the display width of each line.
    """
    lines = max(
        sum(max(1, math.ceil(display_width(part) / (size - 2))) for part in text.split("\n"))
        for text, size in cells
    )
    sheet.row_dimensions[row].height = _LINE_HEIGHT * lines + 4


def _sheet_table(sheet: Worksheet, spec: SheetSpec, lang: str, row: int) -> int:
    """Write one register sheet's heading and column table; return the next free row."""
    need = _WORDS["sheet_required" if spec.required else "sheet_optional"][lang]
    heading = _WORDS["sheet_heading"][lang].format(
        name=sheet_name(spec, lang),
        need=need,
        note=spec.note_ja if lang == "ja" else spec.note_en,
    )
    sheet.cell(row=row, column=1, value=heading).font = _SECTION_FONT
    row += 1
    for index, word in enumerate(("col_name", "col_required", "col_values", "col_note"), start=1):
        cell = sheet.cell(row=row, column=index, value=_WORDS[word][lang])
        cell.font = _HEADER_FONT
        cell.fill = _OPTIONAL_FILL
        cell.border = _BORDER
    row += 1
    for column in spec.columns:
        if column.required:
            required = _WORDS["yes"][lang]
        elif (spec.key, column.key) in CONDITIONAL_REQUIRED:
            required = CONDITIONAL_REQUIRED[(spec.key, column.key)][lang]
        else:
            required = _WORDS["no"][lang]
        values = (
            header_text(column, lang),
            required,
            "\n".join(_allowed_values(spec, column, lang)),
            column_note(spec, column, lang),
        )
        for index, value in enumerate(values, start=1):
            cell = sheet.cell(row=row, column=index, value=value)
            cell.alignment = _TABLE_ALIGNMENT
            cell.border = _BORDER
            if column.required and index <= 2:
                cell.font = _HEADER_FONT
        _fit_height(sheet, row, list(zip(values, _INSTRUCTION_WIDTHS, strict=True)))
        row += 1
    return row


def _allowed_values(spec: SheetSpec, column: ColumnSpec, lang: str) -> Iterator[str]:
    """Lines for the "allowed values" cell: each enum value's spellings and code."""
    if column.kind == ENUM and column.enum is not None:
        for code, labels in column.enum.values.items():
            if lang == "ja":
                yield f"{'、'.join(labels)}({code})"
            else:
                yield f"{code} ({', '.join(labels)})"
        return
    if column.kind == ID:
        referenced = _referenced_sheet(spec, column)
        if referenced is not None:
            target = referenced.column(column.key)
            yield _WORDS["v_ref"][lang].format(
                sheet=sheet_name(referenced, lang),
                column=header_text(target, lang),
            )
        else:
            yield _WORDS["v_id" if column.key == spec.id_key else "v_text"][lang]
        return
    yield _WORDS[_VALUE_WORDS.get(column.kind, "v_text")][lang]


def _referenced_sheet(spec: SheetSpec, column: ColumnSpec) -> SheetSpec | None:
    """The sheet whose id an ID column refers to (keys.store -> stores), if it is not its own."""
    if column.key == spec.id_key:
        return None
    return next((other for other in SHEETS if other.id_key == column.key), None)


def _validity_text(lang: str, validity_days: Mapping[str, int]) -> str:
    unit = "日" if lang == "ja" else " days"
    separator = "、" if lang == "ja" else ", "
    return separator.join(
        f"{KEY_KIND.label(kind, lang)} {days}{unit}" for kind, days in validity_days.items()
    )


# --- writing the file ----------------------------------------------------------------


def _save_atomically(workbook: Workbook, path: Path, overwrite: bool) -> None:
    """Save to a temporary file beside ``path``, then move it into place."""
    try:
        write_atomically(
            path,
            workbook.save,
            prefix=f".{path.stem}.",
            overwrite=overwrite,
            make_folder=False,
        )
    except FileExistsError:  # created while we were writing
        raise OutputError("init_exists", path=str(path)) from None
    except OSError as error:
        raise OutputError(
            "init_unwritable", path=str(path), detail=error.strerror or str(error)
        ) from None

"""Grants to revoke (GRT): access that outlives the tool, the engagement or the platform.

A grant is active while its revoked_on is blank or after as_of. Where to revoke
is worked out from the grant's platform (the store's platform on the stores
sheet, else the tool's platform) and the grant kind; with neither known it is
Amazon's, where developer and MWS grants live. The texts come from
``settings.where(...)``.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from datetime import date

from reporter.i18n import Text
from reporter.model import Finding, Record, Register, Severity
from reporter.rules.base import RuleContext, rule
from reporter.rules.lookups import store_platform, store_record, tools_by_id
from reporter.rules.shared import (
    cancelled_tools,
    day_count,
    key_is_active,
    key_subject,
    owner_name,
    tool_label,
)

GRANT_KIND_NAMES: Mapping[str, Text] = {
    "developer": {"ja": "開発者権限(アプリ認可)", "en": "developer authorization"},
    "mws_developer": {"ja": "MWS開発者権限", "en": "MWS developer permission"},
    "user": {"ja": "ユーザー権限", "en": "user permission"},
    "partner": {"ja": "認定パートナーとしてのアクセス", "en": "authorized-partner access"},
    "api_key_shared": {"ja": "共有したAPIキー", "en": "shared API key"},
}
GRANTEE_TYPE_NAMES: Mapping[str, Text] = {
    "tool": {"ja": "ツール", "en": "tool"},
    "contractor": {"ja": "外注先", "en": "contractor"},
    "staff": {"ja": "スタッフ", "en": "staff member"},
}
PEOPLE = ("contractor", "staff")

# Every place a revocation can point to, declared so `reporter rules` lists their sources.
_REVOKE_PLACES = (
    "where.revoke_amazon",
    "where.revoke_mws",
    "where.revoke_user_amazon",
    "where.revoke_rakuten",
    "where.revoke_user_rakuten",
    "where.revoke_yahoo",
    "where.revoke_user_yahoo",
    "where.other",
)
# Where a shared key is made unusable. A Rakuten key is stopped (利用停止): issuing a new one
# does not stop the old key, which works until its own expiry (revision 2).
_ROTATE_PLACE_BY_PLATFORM = {
    "amazon_jp": "lwa_client_secret",
    "amazon_us": "lwa_client_secret",
    "rakuten": "stop_rakuten_key",
    "yahoo": "revoke_yahoo",
    "other": "other",
}
# Where a key of a cancelled tool is stopped, by key kind (GRT007).
_STOP_PLACE_BY_KIND = {
    "rakuten_license_key": "stop_rakuten_key",
    "sp_api_authorization": "revoke_amazon",
    "sp_api_self_authorization": "revoke_self_authorization",
    "lwa_client_secret": "revoke_self_authorization",
    "mws_access_key": "mws_access_key",
    "yahoo_public_key": "revoke_yahoo",
    "yahoo_authorization": "revoke_yahoo",
    "other": "other",
}
_STOP_PLACES = tuple(f"where.{place}" for place in dict.fromkeys(_STOP_PLACE_BY_KIND.values()))
AMAZON_PLATFORMS = ("amazon_jp", "amazon_us")
_ROTATE_PLACES = tuple(
    f"where.{place}" for place in dict.fromkeys(_ROTATE_PLACE_BY_PLATFORM.values())
)


# --- what a grant is ----------------------------------------------------------------------


def grant_is_active(grant: Record, as_of: date) -> bool:
    """Spec: active while revoked_on is blank or after as_of (a planned revocation counts
    only from its day)."""
    revoked_on: date | None = grant["revoked_on"]
    return revoked_on is None or revoked_on > as_of


def grant_platform(grant: Record, register: Register, tools: Mapping[str, Record]) -> str | None:
    """The store's platform, else the tool's platform, else None."""
    platform = store_platform(register, grant["store"])
    if platform is None and grant["tool_id"] in tools:
        platform = tools[grant["tool_id"]]["platform"]
    return platform


def revoke_place(grant: Record, platform: str | None) -> str:
    """The settings.where(...) place to revoke ``grant`` at."""
    kind = grant["grant_kind"]
    if kind == "mws_developer":
        return "revoke_mws"
    if kind == "api_key_shared":
        # A shared key cannot be taken back, only replaced: re-issue it where it was issued.
        return _ROTATE_PLACE_BY_PLATFORM.get(platform or "", "lwa_client_secret")
    person = kind in ("user", "partner") or (kind is None and grant["grantee_type"] in PEOPLE)
    if platform == "rakuten":
        return "revoke_user_rakuten" if person else "revoke_rakuten"
    if platform == "yahoo":
        return "revoke_user_yahoo" if person else "revoke_yahoo"
    if platform == "other":
        return "other"
    # Amazon, or not known: developer and MWS grants are Amazon's (the domain's default).
    return "revoke_user_amazon" if person else "revoke_amazon"


def grantee_label(grant: Record) -> Text:
    """'外注「中村」' / 'contractor 中村'."""
    name = grant["grantee"] or "?"
    kind = GRANTEE_TYPE_NAMES.get(grant["grantee_type"] or "")
    if kind is None:
        return {"ja": f"「{name}」", "en": f"'{name}'"}
    return {"ja": f"{kind['ja']}「{name}」", "en": f"{kind['en']} '{name}'"}


def grant_kind_name(grant: Record) -> Text:
    return dict(GRANT_KIND_NAMES.get(grant["grant_kind"] or "", {"ja": "権限", "en": "access"}))


def revoked_cell(grant: Record) -> str:
    """The cell to fill in once revoked: 取消日, else the grantee (when the column is missing)."""
    return "revoked_on" if grant.sheet.has_column("revoked_on") else "grantee"


def _active_grants(ctx: RuleContext) -> list[Record]:
    return ctx.shared(
        "active_grants",
        lambda: [grant for grant in ctx.records("grants") if grant_is_active(grant, ctx.as_of)],
    )


def _where(ctx: RuleContext, grant: Record, tools: Mapping[str, Record]) -> Text:
    return ctx.settings.where(revoke_place(grant, grant_platform(grant, ctx.register, tools)))


# --- rules ---------------------------------------------------------------------------------


@rule(
    "GRT001",
    Severity.ERROR,
    sheets=("grants", "tools"),
    columns={"grants": ("tool_id",), "tools": ("tool_id", "status")},
    params=_REVOKE_PLACES + _ROTATE_PLACES,
    why={
        "ja": "ツールを解約しても、提供元のアクセスは終わりません。権限を取り消すまで、提供元は店舗のデータを見られます。",
        "en": "Cancelling the contract does not end the vendor's access; only revoking the grant does.",
    },
    title={"ja": "解約したツールの権限が残っている", "en": "Grant to a cancelled tool"},
    message={
        "ja": "{tool}は{cancelled}。しかし、{grantee}への{grant_kind}はまだ取り消されていません。"
        "取り消すまでは、提供元が店舗のデータ(売上・在庫・価格・顧客)を閲覧できる状態です。",
        "en": "{tool} {cancelled}, but the {grant_kind} given to {grantee} has not been revoked. "
        "Until it is, the vendor can still see the store's data (sales, stock, prices, "
        "customers).",
    },
    action={
        "ja": "すぐに取り消してください。手順: {where}取り消したら{cell}に取消日を記入してください。",
        "en": "Revoke it now: {where} Then enter the revocation date in {cell}.",
    },
)
def grant_to_cancelled_tool(ctx: RuleContext) -> Iterator[Finding]:
    """An active grant to a tool that is cancelled (状態 解約, or 解約日 on or before as_of).

    Why: cancelling the contract does not end the vendor's access; the grant does.
    """
    tools = tools_by_id(ctx.register)
    cancelled_by_id = cancelled_tools(ctx)
    for grant in _active_grants(ctx):
        tool = cancelled_by_id.get(grant["tool_id"])
        if tool is None:
            continue
        cancelled_on: date | None = tool["cancelled_on"]
        if cancelled_on is None:
            cancelled = {
                "ja": "解約済みです(解約日は未記入)",
                "en": "is cancelled (no date recorded)",
            }
        elif tool["status"] == "cancelled":
            cancelled = {
                "ja": f"{cancelled_on.isoformat()}に解約済みです",
                "en": f"was cancelled on {cancelled_on.isoformat()}",
            }
        else:
            cancelled = {
                "ja": f"状態が利用中のままですが、解約日{cancelled_on.isoformat()}を過ぎています",
                "en": f"is still marked active but its cancellation date {cancelled_on.isoformat()} "
                "has passed",
            }
        yield ctx.finding(
            grant,
            revoked_cell(grant),
            due=cancelled_on,
            tool=tool_label(grant["tool_id"], tools),
            cancelled=cancelled,
            grantee=grantee_label(grant),
            grant_kind=grant_kind_name(grant),
            where=_where(ctx, grant, tools),
        )


@rule(
    "GRT002",
    Severity.WARNING,
    sheets=("grants", "tools"),
    columns={"grants": ("grantee_type",), "tools": ("tool_id",)},
    params=_REVOKE_PLACES + _ROTATE_PLACES,
    why={
        "ja": "どのツールの権限か分からないと、ツールを解約したときに取り消し漏れに気づけず(GRT001)、権限だけが残ります。",
        "en": "Without the tool, nobody notices when it is cancelled (GRT001), and the grant outlives it.",
    },
    title={"ja": "どのツールの権限か分からない", "en": "Grant to an unknown tool"},
    message={
        "ja": "{grantee}への{grant_kind}について、{problem}。どのツールの権限か分からないと、"
        "ツールを解約したときに取り消し漏れに気づけません。",
        "en": "The {grant_kind} given to {grantee}: {problem}. Without the tool, a revocation "
        "due when it is cancelled will be missed.",
    },
    action={
        "ja": "{cell}にツールシートのツールIDを記入してください(ツールがシートになければ行を追加してください)。"
        "もう使っていないツールなら、権限を取り消してください。手順: {where}",
        "en": "Enter the tool's id from the tools sheet in {cell} (add the tool there if it is "
        "missing). If the tool is no longer used, revoke the grant: {where}",
    },
)
def grant_to_unknown_tool(ctx: RuleContext) -> Iterator[Finding]:
    """An active grant to a tool (付与先種別 ツール) whose ツールID is blank or not in ツール.

    Why: GRT001 cannot see when that tool is cancelled, so the grant could outlive it.
    """
    tools = tools_by_id(ctx.register)
    for grant in _active_grants(ctx):
        if grant["grantee_type"] != "tool":
            continue
        tool_id = grant["tool_id"]
        if tool_id is None:
            problem = {"ja": "ツールIDが空欄です", "en": "the tool id is blank"}
        elif tool_id not in tools:
            problem = {
                "ja": f"ツールID {tool_id}がツールシートにありません",
                "en": f"the tool id {tool_id} is not on the tools sheet",
            }
        else:
            continue
        yield ctx.finding(
            grant,
            "tool_id",
            grantee=grantee_label(grant),
            grant_kind=grant_kind_name(grant),
            problem=problem,
            where=_where(ctx, grant, tools),
        )


@rule(
    "GRT003",
    Severity.WARNING,
    sheets=("grants", "tools"),
    columns={"grants": ("grant_kind", "tool_id"), "tools": ("tool_id", "purpose")},
    params=_REVOKE_PLACES,
    why={
        "ja": "価格差リサーチのツールが読むのは、公開されている市場データだけです。売上・在庫・顧客のデータへのアクセスは必要以上で、不要な権限はそれだけ情報漏えいの入口になります。",
        "en": "A price-research tool reads public market data only; access to sales, stock and customers is more than it needs, and every unneeded grant is a way for data to leak.",
    },
    title={"ja": "不要な開発者権限", "en": "Developer grant a tool does not need"},
    message={
        "ja": "{tool}の用途は価格差リサーチ(公開されている市場データだけを読むツール)ですが、"
        "{grantee}に店舗データへの{grant_kind}が与えられています。",
        "en": "{tool} is a price-research tool (it reads only public market data), yet "
        "{grantee} holds a {grant_kind} to the store's data.",
    },
    action={
        "ja": "店舗のデータが本当に必要か提供元に確認し、不要なら取り消してください。手順: {where}"
        "取り消したら{cell}に取消日を記入してください。",
        "en": "Ask the vendor whether the tool really needs the store's data; if not, revoke "
        "it: {where} Then enter the revocation date in {cell}.",
    },
)
def developer_grant_not_needed(ctx: RuleContext) -> Iterator[Finding]:
    """An active developer grant to a tool whose 用途 is 価格差リサーチ (price_research).

    Why: such a tool reads public market data only; access to sales, stock and customers
    is more than it needs, and every unneeded grant is a way for data to leak.
    """
    tools = tools_by_id(ctx.register)
    for grant in _active_grants(ctx):
        if grant["grant_kind"] != "developer":
            continue
        tool = tools.get(grant["tool_id"])  # None for no tool id: no tool has none
        if tool is None or tool["purpose"] != "price_research":
            continue
        yield ctx.finding(
            grant,
            revoked_cell(grant),
            tool=tool_label(grant["tool_id"], tools),
            grantee=grantee_label(grant),
            grant_kind=grant_kind_name(grant),
            where=_where(ctx, grant, tools),
        )


@rule(
    "GRT004",
    Severity.ERROR,
    sheets=("grants",),
    columns={"grants": ("grantee_type", "engagement_ends_on")},
    params=_REVOKE_PLACES + _ROTATE_PLACES,
    why={
        "ja": "契約が終わった外注先や退職した社員も、モールでアクセスを外すまで店舗のデータを見られます。",
        "en": "A former contractor or employee keeps seeing the store's data until the access is removed on the platform.",
    },
    title={"ja": "契約終了後も残るアクセス", "en": "Access after the engagement ended"},
    message={
        "ja": "{grantee}との契約は{ends_on}に終了しています({since}前)。しかし、"
        "{grant_kind}がまだ残っています。",
        "en": "The engagement of {grantee} ended on {ends_on} ({since} ago), but "
        "their {grant_kind} is still in place.",
    },
    action={
        "ja": "すぐにアクセスを外してください。手順: {where}外したら{cell}に取消日を記入してください。",
        "en": "Remove the access now: {where} Then enter the revocation date in {cell}.",
    },
)
def access_after_engagement(ctx: RuleContext) -> Iterator[Finding]:
    """An active grant to a contractor (外注) or staff member whose 契約終了日 is on or before as_of.

    Why: a former contractor or employee keeps seeing the store's data until the access
    is removed on the platform.
    """
    tools = tools_by_id(ctx.register)
    for grant in _active_grants(ctx):
        ends_on: date | None = grant["engagement_ends_on"]
        if grant["grantee_type"] not in PEOPLE or ends_on is None or ends_on > ctx.as_of:
            continue
        yield ctx.finding(
            grant,
            revoked_cell(grant),
            due=ends_on,
            grantee=grantee_label(grant),
            ends_on=ends_on,
            days_since=(ctx.as_of - ends_on).days,
            since=day_count((ctx.as_of - ends_on).days),
            grant_kind=grant_kind_name(grant),
            where=_where(ctx, grant, tools),
        )


@rule(
    "GRT005",
    Severity.ERROR,
    sheets=("grants",),
    columns={"grants": ("grant_kind",)},
    params=("mws_shutdown", "where.revoke_mws"),
    why={
        "ja": "MWSはすでに終了しています。残っている権限は誰も見ていない古いアクセスで、台帳もツールが実際に使っているものを表していません。",
        "en": "MWS is gone: a grant still standing is stale access nobody watches, and the register no longer says what the tool really uses.",
    },
    title={"ja": "MWS開発者権限が残っている", "en": "MWS developer grant still active"},
    message={
        "ja": "{grantee}へのMWS開発者権限が取り消されていません。MWSは{mws_shutdown}に終了しています。",
        "en": "The MWS developer permission given to {grantee} has not been revoked. MWS shut "
        "down on {mws_shutdown}.",
    },
    action={
        "ja": "取り消してください。手順: {where}取り消したら{cell}に取消日を記入してください。"
        "まだ必要な連携は、SP-APIのアプリ認可に切り替えてください。",
        "en": "Revoke it: {where} Then enter the revocation date in {cell}. Move any "
        "integration still needed to an SP-API app authorization.",
    },
)
def mws_grant_active(ctx: RuleContext) -> Iterator[Finding]:
    """An active grant of kind MWS開発者権限 (mws_developer).

    Why: MWS is gone (the rules file's mws_shutdown); a grant still standing is stale access
    nobody watches, and the register no longer says what the tool really uses.
    """
    for grant in _active_grants(ctx):
        if grant["grant_kind"] != "mws_developer":
            continue
        yield ctx.finding(
            grant,
            revoked_cell(grant),
            due=ctx.settings.mws_shutdown,
            grantee=grantee_label(grant),
            mws_shutdown=ctx.settings.mws_shutdown,
            where=ctx.settings.where("revoke_mws"),
        )


@rule(
    "GRT006",
    Severity.ERROR,
    sheets=("grants",),
    columns={"grants": ("grant_kind", "grantee_type")},
    params=_ROTATE_PLACES,
    why={
        "ja": "外注先(クラウドソーシングの依頼先など)に渡したキーは、漏えいの元になります。渡したキーは取り戻せず、使えなくするしかありません。新しいキーを発行しても、古いキーは有効期限まで使えます。",
        "en": "Keys handed to freelancers (e.g. through crowd-work sites) are how keys leak; a key cannot be taken back, only made unusable. Issuing a new key does not do that: the old one works until its own expiry.",
    },
    title={"ja": "外注先にAPIキーを共有している", "en": "API key shared with a contractor"},
    message={
        "ja": "{grantee}にAPIキーを共有しています。社外の人が持つキーは漏えいの元になり、"
        "顧客データの流出につながります。",
        "en": "An API key is shared with {grantee}. A key held outside the company is how keys "
        "leak and customer data escapes.",
    },
    action={
        "ja": "共有をやめ、共有したキーを使えない状態にしてください。手順: {where}"
        "作業にアクセスが必要なら、その人専用の権限を与えてください(Amazonでは認定パートナー)。"
        "済んだら{cell}に取消日を記入してください。",
        "en": "Stop sharing and make the shared key unusable: {where} If the work needs "
        "access, give the person access of their own (on Amazon, as an authorized partner). "
        "Then enter the revocation date in {cell}.",
    },
)
def key_shared_with_contractor(ctx: RuleContext) -> Iterator[Finding]:
    """An active grant of kind APIキー共有 (api_key_shared) to a contractor (外注).

    Why: keys handed to freelancers (crowd-work sites) are how keys leak; a key cannot be
    taken back, only made unusable. Issuing a new Rakuten key does not do that: the old one
    works until its own expiry, so the action points to stopping it (revision 2).
    """
    tools = tools_by_id(ctx.register)
    for grant in _active_grants(ctx):
        if grant["grant_kind"] != "api_key_shared" or grant["grantee_type"] != "contractor":
            continue
        yield ctx.finding(
            grant,
            revoked_cell(grant),
            grantee=grantee_label(grant),
            where=_where(ctx, grant, tools),
        )


@rule(
    "GRT007",
    Severity.ERROR,
    sheets=("keys", "tools"),
    columns={"keys": ("tool_id",), "tools": ("tool_id", "status")},
    params=_STOP_PLACES,
    why={
        "ja": "キーやアプリの承認は、ツールを解約しても自動では止まりません。有効なあいだは提供元がデータにアクセスできるため、更新ではなく停止が必要です。",
        "en": "A key or app approval outlives the contract: while it works the vendor keeps access, so it must be stopped, not renewed.",
    },
    title={
        "ja": "解約したツールのキーが止まっていない",
        "en": "Key of a cancelled tool not stopped",
    },
    message={
        "ja": "{tool}は{cancelled}。{subject}は、更新ではなく停止が必要です。"
        "止めるまでは、提供元がこのキーで店舗のデータにアクセスできる状態です。",
        "en": "{tool} {cancelled}. {subject} is not to be renewed but stopped; until it is, "
        "the vendor can still reach the store's data with it.",
    },
    action={
        "ja": "キー(アプリの承認・認可)を止めてください(担当: {owner})。手順: {where}"
        "止めたら{cell}の状態を「停止」にしてください。",
        "en": "Stop the key (reject or stop the app's access, revoke the authorization) "
        "(owner: {owner}). How: {where} Then set its status in {cell} to retired.",
    },
)
def key_of_cancelled_tool(ctx: RuleContext) -> Iterator[Finding]:
    """A key not retired, registered in (ツールID) a cancelled tool (状態 解約, or 解約日 on or
    before as_of).

    Why: a key or app approval outlives the contract; telling the team to renew it would
    be wrong (no RNW finding is raised for it), and while it works the vendor keeps access.
    """
    tools = tools_by_id(ctx.register)
    cancelled_by_id = cancelled_tools(ctx)
    for key in ctx.records("keys"):
        tool = cancelled_by_id.get(key["tool_id"])  # the cancelled tool the key is in
        if tool is None or not key_is_active(key):
            continue
        cancelled_on: date | None = tool["cancelled_on"]
        if cancelled_on is None:
            cancelled = {
                "ja": "解約済みです(解約日は未記入)",
                "en": "is cancelled (no date recorded)",
            }
        else:
            cancelled = {
                "ja": f"{cancelled_on.isoformat()}に解約されています",
                "en": f"was cancelled on {cancelled_on.isoformat()}",
            }
        place = _STOP_PLACE_BY_KIND.get(key["kind"] or "", "other")
        yield ctx.finding(
            key,
            "status" if key.sheet.has_column("status") else "tool_id",
            due=cancelled_on,
            subject=key_subject(key, tools),
            tool=tool_label(key["tool_id"], tools),
            cancelled=cancelled,
            where=ctx.settings.where(place),
            owner=owner_name(key),
        )


@rule(
    "GRT008",
    Severity.WARNING,
    sheets=("grants",),
    columns={"grants": ("grantee_type", "engagement_ends_on")},
    params=_REVOKE_PLACES,
    why={
        "ja": "契約終了日が書かれていないと、外注先の契約が終わってもアクセスを外す時期に誰も気づけません(GRT004で確認できません)。",
        "en": "Without an end date nobody notices when the contractor's access should end (GRT004 cannot see it).",
    },
    title={"ja": "外注先の契約終了日が未記入", "en": "Contractor grant without an end date"},
    message={
        "ja": "{grantee}への{grant_kind}に契約終了日が記入されていません。終了日がないと、"
        "契約が終わったときにアクセスを外す必要があることに誰も気づけません。",
        "en": "The {grant_kind} given to {grantee} has no engagement end date. Without it, "
        "nobody notices when the access should end.",
    },
    action={
        "ja": "外注先との契約の終了日を確認して{cell}に記入してください。もう契約が終わっているなら、"
        "アクセスを外してください。手順: {where}",
        "en": "Find the end date of the engagement and enter it in {cell}. If it has already "
        "ended, remove the access: {where}",
    },
)
def contractor_without_end_date(ctx: RuleContext) -> Iterator[Finding]:
    """An active grant to a contractor (外注) whose 契約終了日 is blank.

    Why: GRT004 can only see an ended engagement when its date is written down.
    """
    tools = tools_by_id(ctx.register)
    for grant in _active_grants(ctx):
        if grant["grantee_type"] != "contractor" or grant["engagement_ends_on"] is not None:
            continue
        yield ctx.finding(
            grant,
            "engagement_ends_on",
            grantee=grantee_label(grant),
            grant_kind=grant_kind_name(grant),
            where=_where(ctx, grant, tools),
        )


def _amazon_store(ctx: RuleContext, grant: Record) -> Record | None:
    """The grant's store on the stores sheet when it is an Amazon store, else None."""
    record = store_record(ctx.register, grant["store"])
    return record if record is not None and record["platform"] in AMAZON_PLATFORMS else None


@rule(
    "GRT009",
    Severity.WARNING,
    sheets=("grants", "stores"),
    columns={"grants": ("grant_kind", "store"), "stores": ("store", "platform", "plan")},
    params=("where.revoke_user_amazon", "where.support_amazon"),
    why={
        "ja": "Amazonのユーザー権限は大口出品の店舗でしか使えません。小口出品の店舗で「ユーザー権限」があるのは、出品者本人のログイン情報を共有している状態です。",
        "en": "Amazon offers user permissions to Professional sellers only; a user on an Individual store means someone signs in with the owner's login.",
    },
    title={"ja": "小口出品の店舗にユーザー権限", "en": "User grant on an Individual-plan store"},
    message={
        "ja": "{store}は小口出品ですが、{grantee}にユーザー権限が記録されています。"
        "ユーザー権限は大口出品でしか使えないため、実際にはアカウントの持ち主のログイン情報を共有しているおそれがあります。",
        "en": "{store} is on the Individual plan, yet {grantee} is recorded with a user "
        "permission. User permissions exist only on the Professional plan, so the owner's "
        "login is probably being shared.",
    },
    action={
        "ja": "ログイン情報の共有をやめ、パスワードを変更してください。その人に作業を任せるなら、"
        "大口出品に切り替えてから専用のアクセスを与えます。共有をやめたら、この行に取消日を記入してください。",
        "en": "Stop sharing the login and change the password. To let the person work on the "
        "account, switch to the Professional plan and give them access of their own. Once the "
        "sharing has stopped, enter the revocation date on this row.",
    },
)
def user_grant_on_individual_plan(ctx: RuleContext) -> Iterator[Finding]:
    """An active user grant (ユーザー権限) on an Amazon store whose 出品プラン is 小口.

    Why: Amazon offers user permissions to Professional (大口) sellers only; a "user" on an
    Individual store means someone signs in with the owner's login.
    """
    for grant in _active_grants(ctx):
        if grant["grant_kind"] != "user":
            continue
        store = _amazon_store(ctx, grant)
        if store is None or store["plan"] != "individual":
            continue
        yield ctx.finding(
            grant,
            "grant_kind",
            store=store["store"],
            grantee=grantee_label(grant),
        )


@rule(
    "GRT010",
    Severity.WARNING,
    sheets=("grants", "stores"),
    columns={"grants": ("grant_kind", "grantee_type", "store"), "stores": ("store", "platform")},
    params=("where.partner_amazon",),
    why={
        "ja": "2025年4月10日から、Amazonでは外部の委託先を「ユーザー権限」ではなく認定パートナーとして追加する必要があります。",
        "en": "Since 2025-04-10 Amazon requires outside contractors and service providers to be added as authorized partners, not as users.",
    },
    title={
        "ja": "外注先にAmazonのユーザー権限",
        "en": "Amazon user permission given to a contractor",
    },
    message={
        "ja": "{store}(Amazon)で、{grantee}にユーザー権限を与えています。2025年4月10日から、"
        "外注先は認定パートナーとして追加する決まりで、ユーザー権限のままでは規約に沿っていません。",
        "en": "At {store} (Amazon), {grantee} holds a user permission. Since 2025-04-10 "
        "outside contractors must be added as authorized partners, so a user permission is "
        "out of policy.",
    },
    action={
        "ja": "認定パートナーに切り替えてください。手順: {where}切り替えたら、この行の{cell}を"
        "「認定パートナー」にしてください。",
        "en": "Move them to authorized-partner access: {where} Then set {cell} on this row to "
        "partner.",
    },
)
def contractor_user_grant_on_amazon(ctx: RuleContext) -> Iterator[Finding]:
    """An active user grant (ユーザー権限) to a contractor (外注) on an Amazon store.

    Not raised when the store, or its platform, is unknown.
    Why: since 2025-04-10 Amazon requires outside contractors and service providers to be
    authorized partners (Solution Provider Portal), not secondary users.
    """
    for grant in _active_grants(ctx):
        if grant["grant_kind"] != "user" or grant["grantee_type"] != "contractor":
            continue
        store = _amazon_store(ctx, grant)
        if store is None:
            continue
        yield ctx.finding(
            grant,
            "grant_kind",
            store=store["store"],
            grantee=grantee_label(grant),
            where=ctx.settings.where("partner_amazon"),
        )

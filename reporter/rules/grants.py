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

from reporter.model import Finding, Record, Register, Severity
from reporter.rules.base import RuleContext, rule
from reporter.rules.renewals import Text, day_count, tool_label, tools_by_id

GRANT_KIND_NAMES: Mapping[str, Text] = {
    "developer": {"ja": "開発者権限(アプリ認可)", "en": "developer authorization"},
    "mws_developer": {"ja": "MWS開発者権限", "en": "MWS developer permission"},
    "user": {"ja": "ユーザー権限", "en": "user permission"},
    "api_key_shared": {"ja": "共有したAPIキー", "en": "shared API key"},
}
GRANTEE_TYPE_NAMES: Mapping[str, Text] = {
    "tool": {"ja": "ツール", "en": "tool"},
    "contractor": {"ja": "外注", "en": "contractor"},
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
# Where a shared key is re-issued so that the copy someone else holds stops working.
_ROTATE_PLACE_BY_PLATFORM = {
    "amazon_jp": "lwa_client_secret",
    "amazon_us": "lwa_client_secret",
    "rakuten": "rakuten_license_key",
    "yahoo": "yahoo_public_key",
    "other": "other",
}
_ROTATE_PLACES = tuple(
    f"where.{place}" for place in dict.fromkeys(_ROTATE_PLACE_BY_PLATFORM.values())
)


# --- what a grant is ----------------------------------------------------------------------


def grant_is_active(grant: Record, as_of: date) -> bool:
    """Spec: active while revoked_on is blank or after as_of (a planned revocation counts
    only from its day)."""
    revoked_on: date | None = grant["revoked_on"]
    return revoked_on is None or revoked_on > as_of


def tool_is_cancelled(tool: Record, as_of: date) -> bool:
    """Cancelled by status, or by a cancellation date that has come (the status is often
    left at 利用中 when the contract ends)."""
    cancelled_on: date | None = tool["cancelled_on"]
    return tool["status"] == "cancelled" or (cancelled_on is not None and cancelled_on <= as_of)


def store_platform(register: Register, store: str | None) -> str | None:
    """The platform of ``store`` on the stores sheet (None when unknown)."""
    if store is None:
        return None
    for record in register.records("stores"):
        if record["store"] == store:
            return record["platform"]
    return None


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
    person = kind == "user" or (kind is None and grant["grantee_type"] in PEOPLE)
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
        "ja": "{tool}は{cancelled}が、{grantee}への{grant_kind}が取り消されていません。"
        "取り消すまで、提供元は店舗のデータ(売上・在庫・価格・顧客)を見られます。",
        "en": "{tool} {cancelled}, but the {grant_kind} given to {grantee} has not been revoked. "
        "Until it is, the vendor can still see the store's data (sales, stock, prices, "
        "customers).",
    },
    action={
        "ja": "今すぐ取り消してください: {where} 取り消したら {cell} に取消日を記入してください。",
        "en": "Revoke it now: {where} Then enter the revocation date in {cell}.",
    },
)
def grant_to_cancelled_tool(ctx: RuleContext) -> Iterator[Finding]:
    """An active grant to a tool that is cancelled (状態 解約, or 解約日 on or before as_of).

    Why: cancelling the contract does not end the vendor's access; the grant does.
    """
    tools = tools_by_id(ctx.register)
    for grant in _active_grants(ctx):
        tool = tools.get(grant["tool_id"]) if grant["tool_id"] is not None else None
        if tool is None or not tool_is_cancelled(tool, ctx.as_of):
            continue
        cancelled_on: date | None = tool["cancelled_on"]
        if cancelled_on is None:
            cancelled = {
                "ja": "解約済みです(解約日は未記入)",
                "en": "is cancelled (no date recorded)",
            }
        elif tool["status"] == "cancelled":
            cancelled = {
                "ja": f"{cancelled_on.isoformat()} に解約済みです",
                "en": f"was cancelled on {cancelled_on.isoformat()}",
            }
        else:
            cancelled = {
                "ja": f"状態は利用中のままですが、解約日 {cancelled_on.isoformat()} を過ぎています",
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
        "ja": "{grantee}への{grant_kind}は、{problem}。どのツールの権限か分からないと、"
        "ツールを解約したときに取り消し漏れに気づけません。",
        "en": "The {grant_kind} given to {grantee}: {problem}. Without the tool, a revocation "
        "due when it is cancelled will be missed.",
    },
    action={
        "ja": "{cell} にツールシートのツールIDを記入してください(ツールがシートになければ行を追加)。"
        "もう使っていないツールなら取り消してください: {where}",
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
                "ja": f"ツールID {tool_id} がツールシートにありません",
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
        "ja": "店舗のデータが本当に必要か提供元に確認し、不要なら取り消してください: {where} "
        "取り消したら {cell} に取消日を記入してください。",
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
        tool = tools.get(grant["tool_id"]) if grant["tool_id"] is not None else None
        if grant["grant_kind"] != "developer" or tool is None:
            continue
        if tool["purpose"] != "price_research":
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
        "ja": "{grantee}の契約は {ends_on} に終了しています({since}前)が、"
        "{grant_kind}が残っています。",
        "en": "The engagement of {grantee} ended on {ends_on} ({since} ago), but "
        "their {grant_kind} is still in place.",
    },
    action={
        "ja": "今すぐアクセスを外してください: {where} 外したら {cell} に取消日を記入してください。",
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
        "ja": "{grantee}へのMWS開発者権限が取り消されていません。MWS は {mws_shutdown} に終了しています。",
        "en": "The MWS developer permission given to {grantee} has not been revoked. MWS shut "
        "down on {mws_shutdown}.",
    },
    action={
        "ja": "取り消してください: {where} 取り消したら {cell} に取消日を記入してください。"
        "まだ必要な連携は SP-API のアプリ認可に切り替えてください。",
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
        "ja": "外注先(クラウドソーシングの依頼先など)に渡したキーは、漏えいの元になります。渡したキーは取り戻せず、作り直すしかありません。",
        "en": "Keys handed to freelancers (e.g. through crowd-work sites) are how keys leak; a key cannot be taken back, only replaced.",
    },
    title={"ja": "外注にAPIキーを共有", "en": "API key shared with a contractor"},
    message={
        "ja": "{grantee}にAPIキーが共有されています。外部の人が持つキーは漏えいの元で、"
        "顧客データの流出につながります。",
        "en": "An API key is shared with {grantee}. A key held outside the company is how keys "
        "leak and customer data escapes.",
    },
    action={
        "ja": "共有をやめ、キーを再発行して共有したキーを使えなくしてください: {where} "
        "作業に必要なら、その人専用のユーザー権限を与えてください。済んだら {cell} に取消日を記入してください。",
        "en": "Stop sharing: re-issue the key so the shared copy stops working: {where} If the "
        "work needs access, give the person their own user permission. Then enter the "
        "revocation date in {cell}.",
    },
)
def key_shared_with_contractor(ctx: RuleContext) -> Iterator[Finding]:
    """An active grant of kind APIキー共有 (api_key_shared) to a contractor (外注).

    Why: keys handed to freelancers (crowd-work sites) are how keys leak; a key cannot be
    taken back, only replaced.
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

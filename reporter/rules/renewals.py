"""Renewals (RNW): keys and authorizations that have expired, expire soon or need approval.

A key's expiry date is the last day it works: ``expires_on`` when given, else
``issued_on`` + the validity of its kind from the rules file; when both are
given, the earlier one counts (docs/rules.md, RNW001). Every period and
every "where to act" text comes from :class:`~reporter.platform.Settings`.

No RNW finding is raised for a key registered in a cancelled tool (revision 2):
there is nothing to renew, and GRT007 asks for the key to be stopped instead.
A Rakuten license key with a tool_id is taken to be a key issued to that vendor's
app (the RMS screen システム開発企業からのAPIアクセス許可設定); one without a tool_id is
the shop's own RMS WEB SERVICE key (WEB APIサービス > 利用設定). The register has no
column telling the two apart, so the vendor-app text names the other screen too.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from datetime import date, timedelta
from typing import TYPE_CHECKING

from reporter.i18n import Text
from reporter.model import Finding, Record, Severity
from reporter.rules.base import RuleContext, rule
from reporter.rules.lookups import store_platform, tools_by_id
from reporter.rules.shared import (
    cancelled_tools,
    day_count,
    key_is_active,
    key_subject,
    kind_name,
    owner_name,
    tool_is_cancelled,
    tool_label,
)

if TYPE_CHECKING:
    from reporter.platform import PlatformChange, Settings


# What renewing means for each kind; the screen to do it on comes from settings.where(kind).
_RENEW_STEP: Mapping[str, Text] = {
    "rakuten_license_key": {
        "ja": "新しいライセンスキーを発行してツールに登録",
        "en": "issue a new license key and register it in the tool",
    },
    "sp_api_authorization": {"ja": "アプリを再認可", "en": "re-authorize the app"},
    "lwa_client_secret": {
        "ja": "クライアントシークレットを交換してツールに設定",
        "en": "rotate the client secret and put the new one in the tool",
    },
    "yahoo_public_key": {
        "ja": "新しい公開鍵を発行してツールに登録",
        "en": "issue a new public key and register it in the tool",
    },
    "yahoo_authorization": {"ja": "アプリを再認可", "en": "re-authorize the app"},
    "sp_api_self_authorization": {
        "ja": "アプリを認可し直して新しいリフレッシュトークンをツールに登録",
        "en": "authorize the app again and put the new refresh token in the tool",
    },
    "other": {"ja": "キーを更新", "en": "renew the key"},
}

# The where(...) places each rule may point to, declared so `reporter rules` lists their sources.
_RENEW_PLACES = (*(f"where.{kind}" for kind in _RENEW_STEP), "where.rakuten_own_key")


# --- what a key is -------------------------------------------------------------------------


def status_has_working_key(status: str | None) -> bool:
    """Active and not awaiting approval (see :func:`key_has_working_key`), by the status alone."""
    return status != "retired" and status != "awaiting_approval"


def key_in_use(key: Record) -> bool:
    """Spec: in use is status in_use (or blank) or update_requested."""
    return key["status"] in (None, "in_use", "update_requested")


def key_has_working_key(key: Record) -> bool:
    """Active and not awaiting approval: a key awaiting approval has not been issued yet,
    so it has nothing that can expire (RNW003 covers it instead)."""
    return status_has_working_key(key["status"])


def validity_end(key: Record, settings: Settings) -> date | None:
    """issued_on + the validity of the key's kind, or None (no issue date, or a kind that
    does not expire on a schedule: mws_access_key, other)."""
    return _validity_end(key["kind"], key["issued_on"], settings)


def _validity_end(kind: str | None, issued_on: date | None, settings: Settings) -> date | None:
    days = settings.validity_days.get(kind or "")
    if issued_on is None or days is None:
        return None
    return issued_on + timedelta(days=days)


def expiry_date(key: Record, settings: Settings) -> date | None:
    """The last day the key works: the earlier of expires_on and issued_on + validity.

    MWS keys have no expiry date: MWS itself is gone, which RNW005 reports.
    """
    return _expiry_date(key["kind"], key["issued_on"], key["expires_on"], settings)


def _expiry_date(
    kind: str | None, issued_on: date | None, expires_on: date | None, settings: Settings
) -> date | None:
    if kind == "mws_access_key":
        return None
    end = _validity_end(kind, issued_on, settings)
    if expires_on is None or end is None:
        return end if expires_on is None else expires_on
    return min(expires_on, end)


def working_key_expiries(ctx: RuleContext) -> list[tuple[Record, date]]:
    """(key, expiry date) of every issued, renewable key whose expiry is known, once a run."""

    def compute() -> list[tuple[Record, date]]:
        keys = renewable_keys(ctx)
        if not keys:
            return []
        # Read by position: this goes over every key of the register.
        index = keys[0].sheet.value_index
        status, kind = index["status"], index["kind"]
        issued_on, expires_on = index["issued_on"], index["expires_on"]
        settings = ctx.settings
        return [
            (key, expiry)
            for key in keys
            if status_has_working_key((values := key.values)[status])
            and (
                expiry := _expiry_date(
                    values[kind], values[issued_on], values[expires_on], settings
                )
            )
            is not None
        ]

    return ctx.shared("working_key_expiries", compute)


def renewable_keys(ctx: RuleContext) -> list[Record]:
    """The keys the RNW rules look at: every key but those registered in a cancelled tool."""

    def compute() -> list[Record]:
        cancelled = cancelled_tools(ctx)
        return [key for key in ctx.records("keys") if key["tool_id"] not in cancelled]

    return ctx.shared("renewable_keys", compute)


def expiry_basis(key: Record, settings: Settings) -> Text:
    """How the expiry date was worked out, so the reader can check it."""
    computed = validity_end(key, settings)
    expires_on: date | None = key["expires_on"]
    if computed is not None and (expires_on is None or computed <= expires_on):
        days = settings.validity_days[key["kind"]]
        issued = key["issued_on"].isoformat()
        return {
            "ja": f"発行日{issued}から{days}日",
            "en": f"issued {issued} + {days} days",
        }
    return {"ja": "有効期限の記入どおり", "en": "as entered in expires_on"}


def expiry_column(key: Record, settings: Settings) -> str:
    """The cell that decides the expiry date: expires_on when it counts, else issued_on."""
    computed = validity_end(key, settings)
    expires_on: date | None = key["expires_on"]
    if expires_on is not None and (computed is None or expires_on <= computed):
        return "expires_on"
    return "issued_on"


# --- where and how to renew ---------------------------------------------------------------


def renew_place(key: Record, settings: Settings) -> Text:
    """Where to renew: the key kind's place; a Rakuten key with no tool is the shop's own."""
    kind = key["kind"] if key["kind"] in _RENEW_STEP else "other"
    if kind == "rakuten_license_key" and key["tool_id"] is None:
        return settings.where("rakuten_own_key")
    return settings.where(kind)


def renew_step(key: Record) -> Text:
    return dict(_RENEW_STEP.get(key["kind"] or "", _RENEW_STEP["other"]))


# --- rules ---------------------------------------------------------------------------------


@rule(
    "RNW001",
    Severity.ERROR,
    sheets=("keys",),
    columns={"keys": ("kind",)},
    params=("validity_days", *_RENEW_PLACES),
    why={
        "ja": "有効期限を過ぎたキーはモール側で受け付けられなくなり、受注取込や在庫連携が止まります。ツールの故障と誤解されやすく、気づくのが遅れがちです。",
        "en": "The platform stops accepting a key the day after its expiry date: order import and stock sync stop, and the team tends to think the tool is broken.",
    },
    title={"ja": "キーの期限切れ", "en": "Key expired"},
    message={
        "ja": "{subject}は{state}。"
        "このキーを使う連携(受注取込・在庫連携など)はすでに止まっている可能性があります。",
        "en": "{subject} {state}. The integration using it (order import, stock sync…) has "
        "probably stopped.",
    },
    action={
        "ja": "すぐに{step}してください(担当: {owner})。手順: {where}"
        "更新したら、台帳の発行日・有効期限を新しい日付にし、状態を「利用中」にしてください。",
        "en": "Now, {step} (owner: {owner}). How: {where} Then enter the new issue and expiry "
        "dates in the register and set the status to in use.",
    },
)
def key_expired(ctx: RuleContext) -> Iterator[Finding]:
    """An active key whose expiry date is before as_of, or whose status is 有効期限切れ.

    Why: the platform stops accepting the key on the day after its expiry date;
    order import and stock sync stop, and the team thinks the tool broke. RMS itself
    shows 有効期限切れ on the product row (revision 2).
    Keys awaiting approval are skipped (no key has been issued yet: RNW003),
    as are MWS keys (RNW005), kinds without 有効期限 and no known validity, and keys
    registered in a cancelled tool (nothing to renew: GRT007).
    """
    tools = tools_by_id(ctx.register)
    overdue_keys = {
        id(key): expiry for key, expiry in working_key_expiries(ctx) if expiry < ctx.as_of
    }
    for key in renewable_keys(ctx):
        marked_expired = key["status"] == "expired"
        if id(key) not in overdue_keys and not marked_expired:
            continue
        if key["kind"] == "mws_access_key":
            continue  # MWS itself is gone: RNW005
        expiry = overdue_keys.get(id(key)) or expiry_date(key, ctx.settings)
        state = _expired_state(key, expiry, ctx, marked_expired)
        column = expiry_column(key, ctx.settings) if expiry is not None else "status"
        if marked_expired and expiry is None and not key.sheet.has_column("status"):
            column = "kind"
        yield ctx.finding(
            key,
            column,
            due=expiry,
            subject=key_subject(key, tools),
            state=state,
            expiry=expiry or "",
            days_overdue=(ctx.as_of - expiry).days if expiry is not None else "",
            step=renew_step(key),
            where=renew_place(key, ctx.settings),
            owner=owner_name(key),
        )


def _expired_state(
    key: Record, expiry: date | None, ctx: RuleContext, marked_expired: bool
) -> Text:
    """'有効期限2026-11-18(…)を12日過ぎています' and/or '状態が「有効期限切れ」です'."""
    marked = {"ja": "状態が「有効期限切れ」です", "en": "is marked expired"}
    if expiry is None:
        return marked
    basis = expiry_basis(key, ctx.settings)
    if expiry >= ctx.as_of:
        # Marked expired in the register although its date is still ahead: say both.
        return {
            "ja": f"状態が「有効期限切れ」です(台帳の有効期限は{expiry.isoformat()}、{basis['ja']})",
            "en": f"is marked expired (the register's expiry is {expiry.isoformat()}, "
            f"{basis['en']})",
        }
    overdue = day_count((ctx.as_of - expiry).days)
    return {
        "ja": f"有効期限{expiry.isoformat()}({basis['ja']})を{overdue['ja']}過ぎています",
        "en": f"expired on {expiry.isoformat()} ({basis['en']}), {overdue['en']} ago",
    }


@rule(
    "RNW002",
    Severity.WARNING,
    sheets=("keys",),
    columns={"keys": ("kind",)},
    params=("validity_days", "renewal_warning_days", *_RENEW_PLACES),
    why={
        "ja": "早めに更新しても損はありません(古いキーは期限まで使えます)が、更新が遅れると連携が止まります。",
        "en": "Renewing early loses nothing (the old key works until its expiry); renewing late stops the integration.",
    },
    title={"ja": "キーの期限が近い", "en": "Key expires soon"},
    message={
        "ja": "{subject}の有効期限は{expiry}({basis})です。{days_left_text}",
        "en": "{subject} expires on {expiry} ({basis}). {days_left_text}",
    },
    action={
        "ja": "{expiry}までに{step}してください(担当: {owner})。手順: {where}",
        "en": "By {expiry}, {step} (owner: {owner}). How: {where}",
    },
)
def key_expires_soon(ctx: RuleContext) -> Iterator[Finding]:
    """A key in use whose expiry date is within as_of … as_of + the warning window.

    Both ends are included: a key whose last working day is today is due, not overdue.
    Keys registered in a cancelled tool are left to GRT007; keys marked 有効期限切れ to RNW001.
    Why: renewing early loses nothing (the old key works until its expiry), renewing
    late stops the integration.
    """
    tools = tools_by_id(ctx.register)
    last_day = ctx.as_of + timedelta(days=ctx.settings.renewal_warning_days)
    for key, expiry in working_key_expiries(ctx):
        if not key_in_use(key) or not ctx.as_of <= expiry <= last_day:
            continue
        days_left = (expiry - ctx.as_of).days
        days_left_text = (
            {"ja": "今日が使える最後の日です。", "en": "Today is its last working day."}
            if days_left == 0
            else {"ja": f"あと{days_left}日です。", "en": f"{day_count(days_left)['en']} left."}
        )
        yield ctx.finding(
            key,
            expiry_column(key, ctx.settings),
            due=expiry,
            subject=key_subject(key, tools),
            expiry=expiry,
            basis=expiry_basis(key, ctx.settings),
            days_left=days_left,
            days_left_text=days_left_text,
            step=renew_step(key),
            where=renew_place(key, ctx.settings),
            owner=owner_name(key),
        )


def approval_place(key: Record) -> str:
    """Where a key awaiting approval is approved: RMS for Rakuten (the usual case, and the
    fallback); an SP-API or Yahoo app is authorized from its own screen."""
    if key["kind"] in ("sp_api_authorization", "yahoo_authorization", "yahoo_public_key"):
        return key["kind"]
    return "rakuten_approval"


@rule(
    "RNW003",
    Severity.WARNING,
    sheets=("keys",),
    columns={"keys": ("status",)},
    params=(
        "where.rakuten_approval",
        "where.sp_api_authorization",
        "where.yahoo_authorization",
        "where.yahoo_public_key",
    ),
    why={
        "ja": "ツールがアクセスを申請していますが、店舗が承認するまでキーは発行されず、期待している連携は動きません。",
        "en": "A tool has asked for access; until the shop approves, no key exists and the integration the team expects does not run.",
    },
    title={"ja": "承認待ちのキー", "en": "Key awaiting approval"},
    message={
        "ja": "{subject}は承認待ちです。承認するまでキーが発行されず、ツールはデータを取得できません。",
        "en": "{subject} is awaiting approval. Until it is approved no key is issued and the "
        "tool cannot reach the store's data.",
    },
    action={
        "ja": "ツールを使うなら承認してください(担当: {owner})。手順: {where}"
        "承認したら状態を「利用中」にし、発行日を記入してください。使わないなら状態を「停止」にしてください。",
        "en": "If the tool is to be used, approve it (owner: {owner}). How: {where} Then set the "
        "status to in_use and enter the issue date. If not, set the status to retired.",
    },
)
def key_awaiting_approval(ctx: RuleContext) -> Iterator[Finding]:
    """A key whose status is 承認待ち (awaiting_approval).

    Why: a tool asked for access in RMS; until the shop approves, no key exists and the
    integration the team expects does not run.
    """
    tools = tools_by_id(ctx.register)
    for key in renewable_keys(ctx):
        if key["status"] != "awaiting_approval":
            continue
        yield ctx.finding(
            key,
            "status",
            subject=key_subject(key, tools),
            where=ctx.settings.where(approval_place(key)),
            owner=owner_name(key),
        )


@rule(
    "RNW004",
    Severity.WARNING,
    sheets=("keys",),
    columns={"keys": ("status",)},
    params=("where.rakuten_update", "where.sp_api_authorization"),
    why={
        "ja": "ツールが追加のAPI(例: 楽天ペイ受注API)の利用を求めています。承認するまで、そのAPIを使う機能は動きません。キー自体は変わりません。",
        "en": "The tool asks for a further API (e.g. the Rakuten Pay order API); the features that need it do not work until the shop approves. The key itself does not change.",
    },
    title={"ja": "更新ありのキー", "en": "Key with an update request"},
    message={
        "ja": "{subject}は「利用中 更新あり」です。ツールが追加のAPIの利用を求めています"
        "(キー自体は変わりません)。",
        "en": "{subject} is in use with an update requested: the tool asks for more APIs "
        "(the key itself does not change).",
    },
    action={
        "ja": "追加のAPIを確認して承認してください(担当: {owner})。手順: {where}"
        "承認したら状態を「利用中」に戻してください。",
        "en": "Review and approve the added APIs (owner: {owner}). How: {where} Then set the "
        "status back to in_use.",
    },
)
def key_update_requested(ctx: RuleContext) -> Iterator[Finding]:
    """A key whose status is 利用中 更新あり (update_requested).

    Why: the tool wants a further API (e.g. the Rakuten Pay order API); features that need
    it do not work until the shop approves. The key does not change.
    """
    tools = tools_by_id(ctx.register)
    for key in renewable_keys(ctx):
        if key["status"] != "update_requested":
            continue
        # SP-API: adding a role means re-authorizing the app; elsewhere it is RMS's update.
        place = (
            "sp_api_authorization" if key["kind"] == "sp_api_authorization" else "rakuten_update"
        )
        yield ctx.finding(
            key,
            "status",
            subject=key_subject(key, tools),
            where=ctx.settings.where(place),
            owner=owner_name(key),
        )


@rule(
    "RNW005",
    Severity.ERROR,
    sheets=("keys",),
    columns={"keys": ("kind",)},
    params=("mws_shutdown", "where.mws_access_key"),
    why={
        "ja": "MWSはすでに終了しています。利用中のままのMWSキーは、頼りにしている連携が知らないうちに止まっているか、台帳が古いままであることを示しています。",
        "en": "MWS has been switched off: a key still marked in use means an integration the team relies on has silently stopped, or the register is out of date.",
    },
    title={"ja": "MWSキーが有効のまま", "en": "MWS key still active"},
    message={
        "ja": "{subject}が「{status}」のままです。MWSは{mws_shutdown}に終了しており、このキーは使えません。",
        "en": "{subject} is still marked {status}. MWS shut down on {mws_shutdown}; the key "
        "no longer works.",
    },
    action={
        "ja": "{where}(担当: {owner})",
        "en": "{where} (owner: {owner})",
    },
)
def mws_key_active(ctx: RuleContext) -> Iterator[Finding]:
    """An MWS access key whose status is not retired.

    Why: MWS was switched off (the rules file's mws_shutdown); a key still marked in use
    means an integration the team relies on is silently dead, or the register is stale.
    """
    tools = tools_by_id(ctx.register)
    for key in renewable_keys(ctx):
        if key["kind"] != "mws_access_key" or not key_is_active(key):
            continue
        status = key["status"] or "in_use"
        yield ctx.finding(
            key,
            "status" if key.sheet.has_column("status") else "kind",
            due=ctx.settings.mws_shutdown,
            subject=key_subject(key, tools),
            status=_STATUS_NAMES.get(status, {"ja": status, "en": status}),
            mws_shutdown=ctx.settings.mws_shutdown,
            where=ctx.settings.where("mws_access_key"),
            owner=owner_name(key),
        )


_STATUS_NAMES: Mapping[str, Text] = {
    "in_use": {"ja": "利用中", "en": "in use"},
    "awaiting_approval": {"ja": "承認待ち", "en": "awaiting approval"},
    "update_requested": {"ja": "利用中 更新あり", "en": "in use, update requested"},
}


@rule(
    "RNW006",
    Severity.WARNING,
    sheets=("keys",),
    columns={"keys": ("kind", "issued_on", "expires_on")},
    params=("validity_days",),
    why={
        "ja": "有効期限が推測で書かれていることがあります(例: 90日の楽天キーに「半年後」)。その日付を信じると、更新のお知らせが数か月遅れます。早いほうの日付(発行日+有効期間)で判断します。",
        "en": 'The expiry date was probably guessed (e.g. "half a year" for a 90-day Rakuten key); trusting it would report the renewal months too late. The earlier date (issue date + validity) is used.',
    },
    title={"ja": "有効期限が長すぎる", "en": "Expiry later than the platform allows"},
    message={
        "ja": "有効期限{expires_on}は、発行日{issued_on}から{validity}日後の{validity_end}"
        "より後になっています({kind}の有効期間は{validity}日です)。早いほうの{validity_end}を期限として扱います。",
        "en": "The expiry date {expires_on} is later than issued {issued_on} + {validity} days "
        "= {validity_end} (a {kind} is valid for {validity} days). The earlier date, "
        "{validity_end}, is used.",
    },
    action={
        "ja": "{cell}を{validity_end}に直すか、発行日が正しいか確認してください"
        "(モールの管理画面に表示されている期限を書き写すのが確実です)。",
        "en": "Change {cell} to {validity_end}, or check the issue date (copying the expiry "
        "shown in the platform's admin screen is safest).",
    },
)
def expiry_beyond_validity(ctx: RuleContext) -> Iterator[Finding]:
    """An active key whose 有効期限 is later than 発行日 + the platform's validity.

    Why: someone guessed the expiry (e.g. "half a year" for a 90-day Rakuten key); trusting
    it would report the renewal months too late. The earlier date is what RNW001/RNW002 use.
    Retired keys are not checked: their dates no longer drive any deadline.
    """
    for key in renewable_keys(ctx):
        expires_on: date | None = key["expires_on"]
        if expires_on is None or not key_is_active(key):
            continue
        computed = validity_end(key, ctx.settings)
        if computed is None or expires_on <= computed:
            continue
        yield ctx.finding(
            key,
            "expires_on",
            expires_on=expires_on,
            issued_on=key["issued_on"],
            validity=ctx.settings.validity_days[key["kind"]],
            validity_end=computed,
            kind=kind_name(key),
        )


@rule(
    "RNW007",
    Severity.INFO,
    sheets=("keys",),
    columns={"keys": ("backup_owner",)},
    why={
        "ja": "期限のお知らせメールは担当者1人に届きます。その人が休暇や異動で不在だと、キーの期限切れに誰も気づきません。",
        "en": "Expiry emails go to one person; when that person is away, the key lapses unnoticed.",
    },
    title={"ja": "副担当がいないキー", "en": "Key without a backup owner"},
    message={
        "ja": "{subject}の担当者は{owner}だけで、副担当がいません。",
        "en": "{subject} has one owner ({owner}) and no backup owner.",
    },
    action={
        "ja": "{cell}に副担当を記入し、期限のお知らせメールを副担当も受け取れるようにしてください。",
        "en": "Name a backup owner in {cell} and make sure they also receive the platform's "
        "expiry emails.",
    },
)
def key_without_backup(ctx: RuleContext) -> Iterator[Finding]:
    """An active key with 副担当 blank.

    Why: expiry emails go to one person; when that person is away, the key lapses unnoticed.
    """
    tools = tools_by_id(ctx.register)
    for key in renewable_keys(ctx):
        if key_is_active(key) and key["backup_owner"] is None:
            yield ctx.finding(
                key,
                "backup_owner",
                subject=key_subject(key, tools),
                owner=owner_name(key),
            )


# --- contracts (revision 2) ----------------------------------------------------------------


def live_tools_with_renewal(ctx: RuleContext) -> Iterator[tuple[Record, date]]:
    """(tool, renews_on) of every tool not cancelled whose renewal date is given."""
    for tool in ctx.records("tools"):
        renews_on: date | None = tool["renews_on"]
        if renews_on is not None and not tool_is_cancelled(tool, ctx.as_of):
            yield tool, renews_on


def tool_subject(tool: Record) -> Text:
    """'受注さん(ツールID T-1)' / 'the contract for 受注さん (tool id T-1)'.

    A row without a tool id (DAT003 reports it) is named by its tool name.
    """
    tool_id, name = tool["tool_id"], tool["tool_name"]
    if tool_id is None and name is not None:
        label: Text = {"ja": name, "en": name}
    else:
        label = tool_label(tool_id, {tool_id: tool} if tool_id else {})
    return {"ja": label["ja"], "en": f"The contract for {label['en']}"}


@rule(
    "RNW008",
    Severity.WARNING,
    sheets=("tools",),
    columns={"tools": ("renews_on",)},
    params=("renewal_warning_days",),
    why={
        "ja": "自動更新の契約では、更新日よりも解約予告の期限を逃すことが高くつきます。期限を過ぎると、もう1期間分の料金が発生します。",
        "en": "With auto-renewing contracts the costly miss is the notice deadline, not the renewal day: after it the team pays for another term.",
    },
    title={"ja": "契約の解約予告の期限が近い", "en": "Notice to cancel a contract due soon"},
    message={
        "ja": "{subject}の契約は{renews_on}に自動更新されます。解約する場合の申し出の期限は"
        "{deadline}({notice})で、{days_left_text}",
        "en": "{subject} renews on {renews_on}. Notice to cancel must be given by {deadline} "
        "({notice}); {days_left_text}",
    },
    action={
        "ja": "このツールを使い続けるか決めてください(担当: {owner})。解約するなら{deadline}までに"
        "提供元へ申し出て、解約後は状態を「解約済」にし解約日を記入してください。続けるなら、更新後に{cell}を"
        "次の契約更新日に書き換えてください。",
        "en": "Decide whether to keep the tool (owner: {owner}). To cancel, give the vendor "
        "notice by {deadline}, then set the status to cancelled and enter the cancellation "
        "date. To keep it, enter the next renewal date in {cell} once it has renewed.",
    },
)
def contract_notice_due(ctx: RuleContext) -> Iterator[Finding]:
    """A tool not cancelled whose notice deadline (契約更新日 − 解約予告(日)) falls within
    as_of … as_of + the warning window, both days included.

    Why: auto-renewing contracts are the costly miss: the day notice must be given comes
    well before the renewal day, and after it the team pays for another term.
    A blank 解約予告(日) counts as 0 days (notice by the renewal day itself).
    """
    last_day = ctx.as_of + timedelta(days=ctx.settings.renewal_warning_days)
    for tool, renews_on in live_tools_with_renewal(ctx):
        notice_days: int = tool["notice_days"] or 0
        deadline = renews_on - timedelta(days=notice_days)
        if not ctx.as_of <= deadline <= last_day:
            continue
        days_left = (deadline - ctx.as_of).days
        days_left_text = (
            {"ja": "今日が期限です。", "en": "that is today."}
            if days_left == 0
            else {"ja": f"あと{days_left}日です。", "en": f"{day_count(days_left)['en']} left."}
        )
        notice = (
            {"ja": f"契約更新日の{notice_days}日前", "en": f"{day_count(notice_days)['en']} ahead"}
            if notice_days
            else {
                "ja": "解約予告の日数は未記入のため0日",
                "en": "no notice period recorded: 0 days",
            }
        )
        yield ctx.finding(
            tool,
            "renews_on",
            due=deadline,
            subject=tool_subject(tool),
            renews_on=renews_on,
            deadline=deadline,
            notice=notice,
            days_left=days_left,
            days_left_text=days_left_text,
            owner=owner_name(tool),
        )


@rule(
    "RNW009",
    Severity.WARNING,
    sheets=("tools",),
    columns={"tools": ("renews_on",)},
    why={
        "ja": "更新日が過ぎたままだと次の解約予告の期限が分からず(RNW008で警告できません)、台帳が契約の実態に追いついていない状態です。",
        "en": "A passed renewal date hides the next notice deadline (RNW008 can no longer warn) and means the register fell behind the contract.",
    },
    title={"ja": "契約更新日が過ぎたまま", "en": "Contract renewal date has passed"},
    message={
        "ja": "{subject}の契約更新日({renews_on})が過ぎています。契約は更新されたか、終了しています"
        "(台帳が更新されていません)。",
        "en": "{subject} was due to renew on {renews_on}, which has passed: the contract has "
        "renewed or ended since the register was updated.",
    },
    action={
        "ja": "契約の状況を提供元の管理画面か契約書で確認し、続いているなら{cell}に次の契約更新日を、"
        "終わっているなら状態を「解約済」にして解約日を記入してください(担当: {owner})。",
        "en": "Check the contract in the vendor's admin screen or the agreement. If it goes on, "
        "enter the next renewal date in {cell}; if it has ended, set the status to cancelled "
        "and enter the cancellation date (owner: {owner}).",
    },
)
def contract_renewal_passed(ctx: RuleContext) -> Iterator[Finding]:
    """A tool not cancelled whose 契約更新日 is before as_of.

    Why: a passed renewal date hides the next notice deadline (RNW008 can no longer warn)
    and usually means the register fell behind the contract.
    """
    for tool, renews_on in live_tools_with_renewal(ctx):
        if renews_on >= ctx.as_of:
            continue
        yield ctx.finding(
            tool,
            "renews_on",
            due=renews_on,
            subject=tool_subject(tool),
            renews_on=renews_on,
            owner=owner_name(tool),
        )


# --- platform changes (revision 3) ---------------------------------------------------------


def tool_platforms(ctx: RuleContext, tool: Record) -> set[str]:
    """The tool's platform; when blank, the platforms of the stores its keys and grants name."""
    platform: str | None = tool["platform"]
    if platform is not None:
        return {platform}
    by_tool = ctx.shared("stores_by_tool", lambda: _stores_by_tool(ctx))
    found = (store_platform(ctx.register, store) for store in by_tool.get(tool["tool_id"], ()))
    return {platform for platform in found if platform is not None}


def _platform_basis(ctx: RuleContext, tool: Record, change: PlatformChange) -> Text:
    """Why a tool with no モール is concerned: the stores of its keys and grants, named."""
    if tool["platform"] is not None:
        return {"ja": "", "en": ""}
    by_tool = ctx.shared("stores_by_tool", lambda: _stores_by_tool(ctx))
    stores = sorted(
        store
        for store in by_tool.get(tool["tool_id"], ())
        if store_platform(ctx.register, store) in change.platforms
    )
    return {
        "ja": f"(モールは空欄ですが、キーか権限の店舗 {'、'.join(stores)} が対象です)",
        "en": f" (no platform recorded, but its keys or grants are on {', '.join(stores)})",
    }


def _stores_by_tool(ctx: RuleContext) -> dict[str, set[str]]:
    """tool_id -> the stores named by the keys and grants registered to that tool."""
    stores: dict[str, set[str]] = {}
    for sheet in ("keys", "grants"):
        records = ctx.records(sheet)
        if not records:
            continue
        # Read by position: this goes over every key and grant of the register.
        index = records[0].sheet.value_index
        tool_at, store_at = index.get("tool_id"), index.get("store")
        if tool_at is None or store_at is None:
            continue
        for record in records:
            tool_id, store = record.values[tool_at], record.values[store_at]
            if tool_id is not None and store is not None:
                stores.setdefault(tool_id, set()).add(store)
    return stores


def change_confirmed(tool: Record, change: PlatformChange, settings: Settings) -> bool:
    """The tool's 対応確認済み lists the change's id (spelt the forgiving way)."""
    confirmed: tuple[str, ...] = tool["confirmed_changes"] or ()
    return any(settings.change(name) is change for name in confirmed)


def _change_timing(change: PlatformChange, as_of: date) -> Text:
    days_left = (change.deadline - as_of).days
    deadline = change.deadline.isoformat()
    if days_left < 0:
        late = day_count(-days_left)
        return {
            "ja": f"期限の{deadline}を{late['ja']}過ぎています。提供元が対応していなければ、"
            "このツールはすでに止まっています。",
            "en": f"The deadline, {deadline}, passed {late['en']} ago: unless the vendor has "
            "moved, the tool has already stopped.",
        }
    if days_left == 0:
        return {"ja": f"期限は今日({deadline})です。", "en": f"The deadline is today, {deadline}."}
    return {
        "ja": f"期限は{deadline}で、あと{days_left}日です。",
        "en": f"The deadline is {deadline}, {day_count(days_left)['en']} away.",
    }


@rule(
    "RNW010",
    Severity.WARNING,
    sheets=("tools",),
    columns={"tools": ("purpose",)},
    params=("changes", "renewal_warning_days"),
    why={
        "ja": "モールがAPIを廃止すると、移行していないツールはその日から動かなくなります。セラーセントラルなどの管理画面では分からず、提供元に聞くしかありません。",
        "en": "When a platform removes an API, a tool that has not moved stops that day. The seller's admin screens do not show it: only the vendor can say.",
    },
    title={"ja": "モールの変更への対応が未確認", "en": "Platform change not confirmed"},
    message={
        "ja": "{subject}は、{change_title}で止まるおそれがあります{basis}。{what}{timing}"
        "提供元が対応済みか、まだ確認できていません。",
        "en": "{subject} may stop with {change_title}{basis}. {what} {timing} The vendor has not "
        "confirmed the tool is ready.",
    },
    action={
        "ja": "提供元に{change_title}({deadline}まで)に対応済みか問い合わせ、確認できたら{cell}に"
        "{change_id}と記入してください。",
        "en": "Ask the vendor if the tool is ready for {change_title} (due {deadline}); when "
        "they confirm, enter {change_id} in {cell}.",
    },
)
def platform_change_unconfirmed(ctx: RuleContext) -> Iterator[Finding]:
    """A tool that a platform change will stop, not yet confirmed ready by its vendor.

    The changes are the rules file's ``changes``; a tool counts when it is not cancelled and
    its 対応確認済み does not list the change's id. A change affects a tool when the tool's platform (when blank: the platform of any store
    that its keys or grants name) is one of the change's and its purpose is one of the
    change's. One finding per tool and change, due on the change's deadline; an error once
    the deadline is within the warning window, and it stays after the deadline until the
    change is confirmed or the tool cancelled.
    Why: when a platform removes an API, a tool that has not moved stops that day, and the
    seller cannot see it coming: only the vendor can say.
    """
    changes = ctx.settings.changes
    if not changes:
        return
    last_day = ctx.as_of + timedelta(days=ctx.settings.renewal_warning_days)
    for tool in ctx.records("tools"):
        purpose = tool["purpose"]
        if purpose is None or tool_is_cancelled(tool, ctx.as_of):
            continue
        wanted = [change for change in changes if purpose in change.purposes]
        if not wanted:
            continue
        platforms = tool_platforms(ctx, tool)
        column = "confirmed_changes" if tool.sheet.has_column("confirmed_changes") else "purpose"
        for change in wanted:
            if platforms.isdisjoint(change.platforms):
                continue
            if change_confirmed(tool, change, ctx.settings):
                continue
            label = tool_subject(tool)
            yield ctx.finding(
                tool,
                column,
                due=change.deadline,
                severity=Severity.ERROR if change.deadline <= last_day else Severity.WARNING,
                subject={"ja": label["ja"], "en": _tool_name_en(tool)},
                change_id=change.id,
                change_title=dict(change.title),
                what=dict(change.what),
                deadline=change.deadline,
                timing=_change_timing(change, ctx.as_of),
                basis=_platform_basis(ctx, tool, change),
                owner=owner_name(tool),
            )


def _tool_name_en(tool: Record) -> str:
    """'受注さん (tool id T-1)', for an English sentence that starts with the tool."""
    tool_id, name = tool["tool_id"], tool["tool_name"]
    if tool_id is None and name is not None:
        return str(name)
    return tool_label(tool_id, {tool_id: tool} if tool_id else {})["en"]

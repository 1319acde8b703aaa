"""Incident follow-ups (INC): listing-cancellation notices still waiting for an answer.

Amazon's 「要ご対応:出品キャンセルのご連絡」 cancels one listing and warns that
more complaints can close the account. These rules read the open notices of
kind listing_cancelled (INC008 reads closed ones too; INC010 reads open notices of
the other kinds) and say what is still to do, by when (received_on + the reply window), what is missing, and which
support channels the store's selling plan allows. Windows, formats and texts
come from :class:`~reporter.platform.Settings`.
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterator
from datetime import date, timedelta
from typing import TYPE_CHECKING

from reporter.i18n import Text
from reporter.model import Finding, Record, Register, Severity
from reporter.rules.base import RuleContext, rule
from reporter.rules.lookups import store_plan
from reporter.rules.shared import day_count

if TYPE_CHECKING:
    from reporter.platform import Settings

REASON_NAMES: dict[str, Text] = {
    "wrong_item": {"ja": "商品違い", "en": "wrong item"},
    "condition": {"ja": "コンディション", "en": "condition not as listed"},
    "authenticity": {"ja": "真贋(偽物の疑い)", "en": "suspected counterfeit"},
    "other": {"ja": "その他", "en": "other"},
}

# The Settings values every follow-up's action draws on, for `reporter rules`.
_REPLY_PARAMS = ("reply_days", "where.reply_amazon")
_SUPPORT_PARAMS = ("support_channels", "support_evidence", "where.support_amazon")


# --- what a notice is ---------------------------------------------------------------------


def notice_is_open(notice: Record) -> bool:
    """Spec: open while status is not closed (blank = open)."""
    return notice["status"] != "closed"


def is_listing_cancellation(notice: Record) -> bool:
    return notice["kind"] == "listing_cancelled"


def open_listing_cancellations(ctx: RuleContext) -> list[Record]:
    return ctx.shared(
        "open_listing_cancellations",
        lambda: [notice for notice in listing_cancellations(ctx) if notice_is_open(notice)],
    )


def listing_cancellations(ctx: RuleContext) -> list[Record]:
    return ctx.shared(
        "listing_cancellations",
        lambda: [notice for notice in ctx.records("notices") if is_listing_cancellation(notice)],
    )


def decision_of(notice: Record) -> str:
    """Spec: a blank decision is undecided."""
    return notice["decision"] or "undecided"


def reply_deadline(notice: Record, settings: Settings) -> date | None:
    """The last day to reply: received_on + the reply window (None without received_on)."""
    received_on: date | None = notice["received_on"]
    return None if received_on is None else received_on + timedelta(days=settings.reply_days)


def invoice_window(notice: Record, settings: Settings) -> tuple[int, Text]:
    """Days before received_on an invoice may be issued, and where that number came from.

    The notice's own window (書類期間(日)) wins: older notices said 6 months.
    """
    from_notice: int | None = notice["invoice_window_days"]
    if from_notice is not None:
        return from_notice, {"ja": "通知に記載の期間", "en": "the window the notice states"}
    return settings.invoice_window_days, {
        "ja": "通知の期間が台帳にないため現在の規定",
        "en": "the current policy, as the register records no window from the notice",
    }


def file_extension(file_name: str) -> str:
    """'請求書.PDF' -> 'pdf'; full-width letters and a trailing space are forgiven."""
    name = unicodedata.normalize("NFKC", file_name).strip().casefold()
    stem, dot, extension = name.rpartition(".")
    return extension if dot and stem else ""


def invalid_documents(notice: Record, settings: Settings) -> list[str]:
    """File names in 提出書類 whose extension is not an allowed document format."""
    documents: tuple[str, ...] = notice["documents"] or ()
    return [name for name in documents if file_extension(name) not in settings.document_formats]


# Between words of a file name: spaces, "_", "-", "." and the Japanese middle dot.
_WORD_BREAKS = re.compile(r"[\s_\-.・]+")
# A lower-case letter followed by a capital starts a new word: "SalesQuote" -> "Sales Quote".
_CAMEL_CASE = re.compile(r"(?<=[a-z])(?=[A-Z])")


def _words_of(text: str) -> str:
    """NFKC, camel case split, case folded, word breaks as single spaces, padded."""
    text = _CAMEL_CASE.sub(" ", unicodedata.normalize("NFKC", text))
    return " " + _WORD_BREAKS.sub(" ", text.casefold()).strip() + " "


def not_invoice_documents(notice: Record, settings: Settings) -> list[str]:
    """File names in 提出書類 that mark a quotation, a pro forma or an order (INC011).

    Matched after NFKC and case folding, with spaces, "_", "-" and "." as one word break:
    a Japanese word anywhere in the name (「お見積り」 holds 見積); an English word only from
    the start of a word ("quote" in quotes or SalesQuote, not in misquote), so that short
    words do not fire inside unrelated ones.
    """
    words = [_words_of(word).strip() for word in settings.not_invoice_words]
    found = []
    for name in notice["documents"] or ():
        text = _words_of(name)
        for word in words:
            if word.isascii():
                hit = re.search(r"(?<![a-z])" + re.escape(word), text) is not None
            else:
                hit = word in text
            if hit:
                found.append(name)
                break
    return found


def asin_key(asin: str) -> str:
    """ASINs compare without width, case or surrounding spaces: 'ｂ0c…' == 'B0C…'."""
    return unicodedata.normalize("NFKC", asin).strip().upper()


def notice_subject(notice: Record) -> Text:
    """'Amazon本店のASIN B0…(商品名)の出品キャンセル通知(2026-11-16受信)'."""
    asin = notice["asin"] or "?"
    product = notice["product_name"]
    store = notice["store"]
    received_on: date | None = notice["received_on"]
    received = received_on.isoformat() if received_on else "?"
    product_ja = f"({product})" if product else ""
    product_en = f" ({product})" if product else ""
    store_ja = f"{store}の" if store else ""
    store_en = f" at {store}" if store else ""
    return {
        "ja": f"{store_ja}ASIN {asin}{product_ja}の出品キャンセル通知({received}受信)",
        "en": f"The listing-cancellation notice for ASIN {asin}{product_en}{store_en}, "
        f"received {received}",
    }


def reason_name(notice: Record) -> Text:
    return dict(REASON_NAMES.get(notice["reason"] or "", {"ja": "未記入", "en": "not recorded"}))


def support_text(register: Register, settings: Settings, notice: Record) -> Text:
    """Which support channels the store's plan allows, and what to gather before asking."""
    plan = store_plan(register, notice["store"])
    channels = settings.support_channels(plan)
    where = settings.where("support_amazon")
    evidence = settings.support_evidence
    known_plan = settings.plans.get(plan) if plan is not None else None
    if known_plan is not None:
        store = notice["store"]
        allows_ja = f"{store}は{known_plan.label['ja']}なので、使える窓口は{channels['ja']}"
        allows_en = f"{store} is on the {known_plan.label['en']}, so it may use {channels['en']}"
    else:
        allows_ja = f"店舗の出品プランが台帳にないため、プラン別の窓口: {channels['ja']}"
        allows_en = (
            f"the register does not give the store's selling plan; by plan: {channels['en']}"
        )
    return {
        "ja": f"出品者サポートに相談する場合({where['ja']}): {allows_ja}。{evidence['ja']}",
        "en": f"To ask seller support ({where['en']}): {allows_en}. {evidence['en']}",
    }


def reply_advice(notice: Record) -> Text:
    """What the answer should say, by whether the notice offers relisting."""
    if not notice["relist_offered"]:
        return {
            "ja": "再出品の案内がない通知なので、お詫びとともにこのASINの販売をやめることを伝え、"
            "実際に販売を止めて、方針を「取扱中止」にしてください。",
            "en": "The notice does not offer relisting: answer with an apology, stop selling "
            "this ASIN and set the decision to discontinue.",
        }
    return {
        "ja": "再出品の案内がある通知です。取扱中止にする場合は、お詫びとともに販売を止めることを伝えます"
        "(再出品したASINに再び苦情が来るとアカウント停止のおそれがあるため、取扱中止のほうが安全です)。"
        "再出品する場合は、必要な書類や説明をそろえて申し立てます。",
        "en": "The notice offers relisting. To discontinue, answer with an apology and stop "
        "selling (the safer choice: another complaint on a relisted ASIN can get the account "
        "suspended). To relist, appeal with the documents or explanation required.",
    }


def documents_needed(notice: Record, settings: Settings) -> Text:
    """What a relisting application for this notice must contain."""
    formats = ", ".join(settings.document_formats)
    if notice["reason"] == "authenticity":
        window, _ = invoice_window(notice, settings)
        return {
            "ja": f"受信日の{window}日前から受信日までに発行された仕入れの請求書・領収書・注文書"
            f"(見積書・プロフォーマインボイスは不可、価格は隠してもかまいません)と、仕入先の連絡先"
            f"(名称・電話番号・住所・WebサイトのURL)を、{formats}のファイルで",
            "en": f"the supplier's invoice, receipt or order form issued within the {window} days "
            f"up to the notice (no quotes or pro formas; prices may be hidden) and the "
            f"supplier's contact details (name, phone, address, web URL), as {formats} files",
        }
    # Wrong-item and condition complaints ask for a written explanation, not for files.
    return {
        "ja": "原因の説明と、直すため・再発を防ぐために行ったことの説明(申し立ての本文に書きます)を",
        "en": "an explanation of the cause and of the steps taken to fix it and prevent it "
        "happening again (written in the appeal itself)",
    }


def _relist_notices(ctx: RuleContext) -> Iterator[Record]:
    for notice in open_listing_cancellations(ctx):
        if notice["decision"] == "relist":
            yield notice


# --- rules ---------------------------------------------------------------------------------


@rule(
    "INC001",
    Severity.ERROR,
    sheets=("notices",),
    columns={"notices": ("kind", "received_on", "replied_on")},
    params=_REPLY_PARAMS + _SUPPORT_PARAMS,
    why={
        "ja": "対応していない通知はアカウントの評価に響き、苦情が重なるとアカウントが停止されるおそれがあります。",
        "en": "An unanswered notice counts against the account; further complaints can get it closed.",
    },
    title={"ja": "通知に未対応(期限切れ)", "en": "Notice not answered in time"},
    message={
        "ja": "{subject}にまだ対応していません。対応期限の{due}(受信日から{reply_days}日)を"
        "{overdue}過ぎています。",
        "en": "{subject} has not been answered. The reply was due on {due} (received + "
        "{reply_days} days), {overdue} ago.",
    },
    action={
        "ja": "すぐに対応してください。手順: {where}{advice}対応したら{cell}に返信日を記入してください。{support}",
        "en": "Reply now: {where} {advice} Then enter the reply date in {cell}. {support}",
    },
)
def notice_reply_overdue(ctx: RuleContext) -> Iterator[Finding]:
    """An open listing cancellation with no 返信日 whose reply window has passed.

    Why: an unanswered notice counts against the account; further complaints can close it.
    """
    for notice in open_listing_cancellations(ctx):
        if notice["replied_on"] is not None:
            continue
        due = reply_deadline(notice, ctx.settings)
        if due is None or due >= ctx.as_of:
            continue
        yield ctx.finding(
            notice,
            "replied_on",
            due=due,
            subject=notice_subject(notice),
            reply_days=ctx.settings.reply_days,
            days_overdue=(ctx.as_of - due).days,
            overdue=day_count((ctx.as_of - due).days),
            where=ctx.settings.where("reply_amazon"),
            advice=reply_advice(notice),
            support=support_text(ctx.register, ctx.settings, notice),
        )


@rule(
    "INC002",
    Severity.WARNING,
    sheets=("notices",),
    columns={"notices": ("kind", "received_on", "replied_on")},
    params=_REPLY_PARAMS,
    why={
        "ja": "対応期限は短いため、期限を過ぎる(INC001)前にお知らせします。",
        "en": "The reply window is short; this is the reminder before it is missed (INC001).",
    },
    title={"ja": "通知に未対応(期限内)", "en": "Notice awaiting a reply"},
    message={
        "ja": "{subject}にまだ対応していません。対応期限は{due}(受信日から{reply_days}日)で、{days_left_text}",
        "en": "{subject} has not been answered yet. The reply is due on {due} (received + "
        "{reply_days} days); {days_left_text}",
    },
    action={
        "ja": "{due}までに対応してください。手順: {where}{advice}対応したら{cell}に返信日を記入してください。",
        "en": "Reply by {due}: {where} {advice} Then enter the reply date in {cell}.",
    },
)
def notice_reply_pending(ctx: RuleContext) -> Iterator[Finding]:
    """An open listing cancellation with no 返信日, still within the reply window.

    Both ends included: the last day of the window is still "within".
    Why: the window is short; this is the reminder before it becomes INC001.
    """
    for notice in open_listing_cancellations(ctx):
        due = reply_deadline(notice, ctx.settings)
        if notice["replied_on"] is not None or due is None or due < ctx.as_of:
            continue
        days_left = (due - ctx.as_of).days
        days_left_text = (
            {"ja": "今日が期限です。", "en": "that is today."}
            if days_left == 0
            else {"ja": f"あと{days_left}日です。", "en": f"{day_count(days_left)['en']} left."}
        )
        yield ctx.finding(
            notice,
            "replied_on",
            due=due,
            subject=notice_subject(notice),
            reply_days=ctx.settings.reply_days,
            days_left=days_left,
            days_left_text=days_left_text,
            where=ctx.settings.where("reply_amazon"),
            advice=reply_advice(notice),
        )


@rule(
    "INC003",
    Severity.ERROR,
    sheets=("notices",),
    columns={"notices": ("kind", "relist_offered", "decision")},
    params=_REPLY_PARAMS,
    why={
        "ja": "再出品の案内がない通知は、お詫びとそのASINの販売中止を求めています。それでも再出品すると、次の苦情はアカウント全体に及ぶおそれがあります。",
        "en": "A notice that does not offer relisting asks for an apology and an end to selling the ASIN; relisting anyway invites the next complaint, at account level.",
    },
    title={"ja": "案内のない再出品", "en": "Relisting not offered"},
    message={
        "ja": "{subject}には再出品の案内がありませんが、方針が「再出品申請」になっています。",
        "en": "{subject} does not offer relisting, yet the decision is to relist.",
    },
    action={
        "ja": "案内のない通知では再出品できません。お詫びとともに販売を止めることを伝えてこのASINの販売を止め、"
        "{cell}を「取扱中止」にしてください(対応期限は{due})。手順: {where}通知に再出品の案内があった場合は、"
        "「再出品の案内」を「はい」に直してください。",
        "en": "A notice without a relisting offer cannot be appealed by relisting: reply with an "
        "apology, stop selling the ASIN and set {cell} to discontinue (reply due {due}). How to "
        "reply: {where} If the notice does offer relisting, set 'relist offered' to yes.",
    },
)
def relist_not_offered(ctx: RuleContext) -> Iterator[Finding]:
    """An open listing cancellation decided relist although 再出品の案内 is no or blank.

    Why: the notice that does not mention relisting asks for an apology and an end to
    selling the ASIN; relisting it regardless invites the next, account-level, complaint.
    """
    for notice in _relist_notices(ctx):
        if notice["relist_offered"]:
            continue
        yield ctx.finding(
            notice,
            "decision",
            due=reply_deadline(notice, ctx.settings),
            subject=notice_subject(notice),
            where=ctx.settings.where("reply_amazon"),
        )


@rule(
    "INC004",
    Severity.ERROR,
    sheets=("notices",),
    columns={"notices": ("kind", "reason", "decision", "invoice_issued_on")},
    params=("invoice_window_days", "document_formats", *_REPLY_PARAMS, *_SUPPORT_PARAMS),
    why={
        "ja": "Amazonが認めるのは、通知の受信日より前の決められた期間内に発行され、その期間の販売数と合う請求書だけです。古い請求書、未記入、通知より後の日付の請求書(販売済みの分を裏付けられません)では、再出品の申請は通りません。",
        "en": "Amazon accepts only invoices issued within the window before the notice, matching the sales in that period; an older, missing or later-dated invoice (it cannot cover units already sold) gets the relisting application refused.",
    },
    title={"ja": "請求書の発行日が期間外・未記入", "en": "Invoice missing or outside its window"},
    message={
        "ja": "{subject}は真贋の苦情で、再出品を申請する方針です。しかし、{problem}"
        "認められるのは{earliest}から{received}までに発行された書類です(受信日の{window}日前から。{window_source})。",
        "en": "{subject} is an authenticity complaint decided relist, but {problem} Only "
        "documents issued from {earliest} to {received} are accepted ({window} days before the "
        "notice: {window_source}).",
    },
    action={
        "ja": "{earliest}から{received}までに発行され、その期間の販売数と合う仕入れの請求書・領収書・注文書"
        "(見積書・プロフォーマインボイスは不可、価格は隠してもかまいません)を{formats}のファイルで用意し、"
        "{cell}に発行日を記入して、対応期限の{due}までに申し立てで提出してください。手順: {where}"
        "そろわない場合は、取扱中止に切り替えてください。{support}",
        "en": "Get a supplier invoice, receipt or order form issued from {earliest} to "
        "{received} that matches the sales in that period (no quotes or pro formas; prices "
        "may be hidden) as {formats}, enter its date in {cell}, and submit it with the appeal "
        "by {due}: {where} If there is none, discontinue instead. {support}",
    },
)
def invoice_missing_or_old(ctx: RuleContext) -> Iterator[Finding]:
    """Authenticity, decided relist: 請求書発行日 blank, before received_on − the window, or
    after received_on (revision 2).

    The window is the notice's own (書類期間(日)) when recorded, else the rules file's.
    Why: Amazon accepts only invoices issued within the window before the notice, matching
    the sales in that period; an older one, a missing one, or one dated after the notice
    (it cannot cover the units already sold) gets the relisting application refused.
    """
    for notice in _relist_notices(ctx):
        received_on: date | None = notice["received_on"]
        if notice["reason"] != "authenticity" or received_on is None:
            continue
        window, window_source = invoice_window(notice, ctx.settings)
        earliest = received_on - timedelta(days=window)
        invoice_on: date | None = notice["invoice_issued_on"]
        if invoice_on is None:
            problem = {"ja": "請求書発行日が空欄です。", "en": "no invoice date is recorded."}
        elif invoice_on < earliest:
            problem = {
                "ja": f"請求書発行日の{invoice_on.isoformat()}は古すぎます。",
                "en": f"the invoice of {invoice_on.isoformat()} is too old.",
            }
        elif invoice_on > received_on:
            problem = {
                "ja": f"請求書発行日の{invoice_on.isoformat()}は通知の受信日より後です"
                "(通知より前に販売した分の仕入れを示せません)。",
                "en": f"the invoice of {invoice_on.isoformat()} is dated after the notice (it "
                "cannot cover the units already sold).",
            }
        else:
            continue
        yield ctx.finding(
            notice,
            "invoice_issued_on",
            due=reply_deadline(notice, ctx.settings),
            subject=notice_subject(notice),
            problem=problem,
            earliest=earliest,
            received=received_on,
            window=window,
            window_source=window_source,
            formats=", ".join(ctx.settings.document_formats),
            where=ctx.settings.where("reply_amazon"),
            support=support_text(ctx.register, ctx.settings, notice),
        )


@rule(
    "INC005",
    Severity.ERROR,
    sheets=("notices",),
    columns={"notices": ("kind", "reason", "decision", "supplier_contact")},
    params=_REPLY_PARAMS + _SUPPORT_PARAMS,
    why={
        "ja": "Amazonは仕入れ経路を確認します。仕入先の名称・電話番号・住所・WebサイトURLがない申請は認められません。",
        "en": "Amazon checks the supply chain; an application without the supplier's name, phone number, address and web URL is refused.",
    },
    title={"ja": "仕入先の連絡先がない", "en": "Supplier contact missing"},
    message={
        "ja": "{subject}は真贋の苦情で、再出品を申請する方針です。しかし、仕入先の連絡先が空欄です。",
        "en": "{subject} is an authenticity complaint decided relist, but the supplier's "
        "contact details are blank.",
    },
    action={
        "ja": "仕入先の名称・電話番号・住所・WebサイトのURLを{cell}に記入し、請求書と一緒に"
        "対応期限の{due}までに申し立てで提出してください。手順: {where}{support}",
        "en": "Enter the supplier's name, phone number, address and web URL in {cell}, and "
        "submit them with the invoice in the appeal by {due}: {where} {support}",
    },
)
def supplier_contact_missing(ctx: RuleContext) -> Iterator[Finding]:
    """Authenticity, decided relist, 仕入先連絡先 blank.

    Why: Amazon checks the supply chain; an application without the supplier's name,
    phone, address and web URL is refused.
    """
    for notice in _relist_notices(ctx):
        if notice["reason"] != "authenticity" or notice["supplier_contact"] is not None:
            continue
        yield ctx.finding(
            notice,
            "supplier_contact",
            due=reply_deadline(notice, ctx.settings),
            subject=notice_subject(notice),
            where=ctx.settings.where("reply_amazon"),
            support=support_text(ctx.register, ctx.settings, notice),
        )


@rule(
    "INC006",
    Severity.ERROR,
    sheets=("notices",),
    columns={"notices": ("kind", "decision", "documents")},
    params=("document_formats", "invoice_window_days", *_REPLY_PARAMS, *_SUPPORT_PARAMS),
    why={
        "ja": "Amazonが受け付けるファイル形式は決まっています。Wordファイルを送ったり書類を付けなかったりすると、申請は認められません。",
        "en": "Amazon accepts only certain file formats; a Word file, or no documents at all, gets the application refused.",
    },
    title={"ja": "提出書類がない・形式が違う", "en": "Documents missing or in the wrong format"},
    message={
        "ja": "{subject}は再出品を申請する方針です。しかし、{problem}",
        "en": "{subject} is decided relist, but {problem}",
    },
    action={
        "ja": "{needed}用意し({fix})、{cell}にファイル名を記入して、対応期限の{due}までに"
        "申し立てで提出してください。手順: {where}{support}",
        "en": "Prepare {needed} ({fix}), list the file names in {cell}, and submit them with "
        "the appeal by {due}: {where} {support}",
    },
)
def documents_missing_or_invalid(ctx: RuleContext) -> Iterator[Finding]:
    """Decided relist and a listed file not .pdf/.jpg/.jpeg/.png/.gif; or an authenticity
    complaint decided relist with 提出書類 blank.

    The allowed formats come from the rules file (document_formats), compared case-insensitively.
    Why: Amazon accepts only those formats; a Word file gets the application refused, and an
    authenticity appeal without the invoice has nothing to show. A wrong-item or condition
    relist needs a written explanation, not files (revision 2): that is INC007's business.
    """
    formats = ", ".join(ctx.settings.document_formats)
    for notice in _relist_notices(ctx):
        invalid = invalid_documents(notice, ctx.settings)
        if notice["documents"] is None and notice["reason"] != "authenticity":
            continue
        if notice["documents"] is None:
            problem = {"ja": "提出書類が空欄です。", "en": "no documents are listed."}
            fix = {"ja": "まだ提出していない書類", "en": "none are listed yet"}
        elif invalid:
            names = "、".join(invalid)
            problem = {
                "ja": f"提出書類のうち{names}は使えない形式です(使える形式: {formats})。",
                "en": f"{', '.join(invalid)} is not in an accepted format ({formats}).",
            }
            fix = {
                "ja": f"{names}はPDFなど使える形式で保存し直す",
                "en": f"save {', '.join(invalid)} again as PDF or another accepted format",
            }
        else:
            continue
        yield ctx.finding(
            notice,
            "documents",
            due=reply_deadline(notice, ctx.settings),
            subject=notice_subject(notice),
            problem=problem,
            invalid=invalid,
            needed=documents_needed(notice, ctx.settings),
            fix=fix,
            where=ctx.settings.where("reply_amazon"),
            support=support_text(ctx.register, ctx.settings, notice),
        )


@rule(
    "INC007",
    Severity.ERROR,
    sheets=("notices",),
    columns={"notices": ("kind", "reason", "decision", "cause_and_prevention")},
    params=_REPLY_PARAMS + _SUPPORT_PARAMS,
    why={
        "ja": "商品違いやコンディションの苦情では、原因と再発防止策の説明がなければ、Amazonは再出品を認めません。",
        "en": "For wrong-item and condition complaints, Amazon relists only on an explanation of the cause and of the steps taken to prevent it.",
    },
    title={"ja": "原因と再発防止策がない", "en": "Cause and prevention missing"},
    message={
        "ja": "{subject}は理由が「{reason}」で、再出品を申請する方針です。しかし、原因と再発防止策が空欄です。",
        "en": "{subject} ({reason}) is decided relist, but the cause and the steps taken to "
        "prevent it are blank.",
    },
    action={
        "ja": "何が原因だったか、直すために何をしたか、再発を防ぐために何を変えたか"
        "(例: 出荷前検品にチェックリストを追加)を{cell}に書き、対応期限の{due}までに"
        "申し立ての本文で伝えてください。手順: {where}{support}",
        "en": "Write in {cell} what caused it, what was done to fix it and what was changed to "
        "prevent it (e.g. a checklist added to the pre-shipment inspection), and give it in "
        "the appeal by {due}: {where} {support}",
    },
)
def cause_and_prevention_missing(ctx: RuleContext) -> Iterator[Finding]:
    """A reason other than authenticity, decided relist, 原因と再発防止 blank.

    A blank reason is DAT003's finding; without it the evidence needed is not known.
    Why: for wrong-item and condition complaints, Amazon relists only on an explanation of
    the cause and the prevention steps.
    """
    for notice in _relist_notices(ctx):
        reason = notice["reason"]
        if reason is None or reason == "authenticity":
            continue
        if notice["cause_and_prevention"] is not None:
            continue
        yield ctx.finding(
            notice,
            "cause_and_prevention",
            due=reply_deadline(notice, ctx.settings),
            subject=notice_subject(notice),
            reason=reason_name(notice),
            where=ctx.settings.where("reply_amazon"),
            support=support_text(ctx.register, ctx.settings, notice),
        )


@rule(
    "INC008",
    Severity.WARNING,
    sheets=("notices",),
    columns={"notices": ("kind", "asin")},
    why={
        "ja": "再出品したASINに再び苦情が来ると、アカウント停止のおそれがあります。取扱中止にしたASINに再び通知が来たときは、別のSKUやFBA在庫でまだ販売されています。",
        "en": "A relisted ASIN that draws another complaint can get the account suspended; a new notice for an ASIN the team decided to stop selling means another SKU or FBA stock still sells it.",
    },
    params=("where.reply_amazon",),
    title={"ja": "同じASINへの繰り返しの苦情", "en": "Repeat complaint on the same ASIN"},
    message={
        "ja": "{store}で、ASIN {asin}の出品キャンセル通知が{count}件あります(ほかの通知: {others})。{risk}",
        "en": "{store} has {count} listing-cancellation notices for ASIN {asin} (the others: "
        "{others}). {risk}",
    },
    action={
        "ja": "{advice}",
        "en": "{advice}",
    },
)
def repeat_complaint(ctx: RuleContext) -> Iterator[Finding]:
    """Two or more listing cancellations, open or closed, for the same ASIN in the same store.

    A blank store counts as one store. Warning; error on every notice of the group when the
    newest of them (latest 受信日; on a tie, the lower row of the sheet) is decided relist,
    or (revision 2) when any earlier one was decided 取扱中止: the stop was not carried out.
    Why: a relisted ASIN that draws another complaint can get the account suspended; a new
    complaint after "stop selling" means another SKU or FBA stock still sells it.
    """
    groups: dict[tuple[str, str], list[Record]] = defaultdict(list)
    cancellations = listing_cancellations(ctx)
    if cancellations:
        # Read by position: this goes over every listing cancellation of the register.
        index = cancellations[0].sheet.value_index
        asin_at, store_at = index["asin"], index["store"]
        for notice in cancellations:
            asin = notice.values[asin_at]
            if asin is not None:
                groups[(notice.values[store_at] or "", asin_key(asin))].append(notice)
    for (store, asin), notices in groups.items():
        if len(notices) < 2:
            continue
        order = sorted(notices, key=lambda n: (n["received_on"] or date.min, n.row))
        newest = order[-1]
        relisting = decision_of(newest) == "relist"
        stopped = next((n for n in order[:-1] if decision_of(n) == "discontinue"), None)
        if stopped is not None:
            risk, advice = _stop_not_carried_out(stopped, newest, ctx.settings)
        else:
            risk, advice = _repeat_wording(newest, relisting)
        urgent = relisting or stopped is not None
        store_label = (
            {"ja": store, "en": store} if store else {"ja": "店舗名未記入の通知", "en": "No store"}
        )
        for notice in notices:
            others = [n.record_id or f"row {n.row}" for n in notices if n is not notice]
            yield ctx.finding(
                notice,
                "asin",
                severity=Severity.ERROR if urgent else Severity.WARNING,
                store=store_label,
                asin=asin,
                count=len(notices),
                others=others,
                risk=risk,
                advice=advice,
            )


def _stop_not_carried_out(stopped: Record, newest: Record, settings: Settings) -> tuple[Text, Text]:
    """Wording when a notice arrived after an earlier one was decided 取扱中止."""
    where = settings.where("reply_amazon")
    stopped_id = stopped.record_id or f"row {stopped.row}"
    newest_id = newest.record_id or f"row {newest.row}"
    return (
        {
            "ja": f"{stopped_id}で取扱中止と決めた後に、{newest_id}が届いています。"
            "販売が止まっていません(別のSKUやFBA在庫でまだ販売されている可能性があります)。",
            "en": f"{newest_id} arrived after {stopped_id} was decided discontinue: the stop was "
            "not carried out (another SKU or FBA stock may still be selling it).",
        },
        {
            "ja": "すぐにこのASINのすべての出品(別のSKU・FBA在庫を含む)を確認して販売を止め、"
            f"{newest_id}にも対応してください。手順: {where['ja']}",
            "en": "Check every listing of this ASIN now (other SKUs and FBA stock included), stop "
            f"selling it, and answer {newest_id} too: {where['en']}",
        },
    )


def _repeat_wording(newest: Record, relisting: bool) -> tuple[Text, Text]:
    received_on: date | None = newest["received_on"]
    received = received_on.isoformat() if received_on else "?"
    newest_id = newest.record_id or f"row {newest.row}"
    if relisting:
        return (
            {
                "ja": f"最新の通知{newest_id}({received}受信)は再出品申請の方針です。"
                "再出品したASINに再び苦情が来るとアカウント停止のおそれがあります。",
                "en": f"The newest, {newest_id} (received {received}), is decided relist; "
                "another complaint on a relisted ASIN can get the account suspended.",
            },
            {
                "ja": f"{newest_id}の再出品はやめ、方針を「取扱中止」にしてこのASINの販売を止めることを"
                "検討してください。続ける場合は、仕入先と検品の手順を見直してからにしてください。",
                "en": f"Drop the relisting of {newest_id}: set the decision to discontinue and stop "
                "selling this ASIN. If you must go on, review the supplier and the inspection "
                "first.",
            },
        )
    return (
        {
            "ja": "同じ商品への苦情が繰り返されています。",
            "en": "Complaints about this product keep coming.",
        },
        {
            "ja": "このASINは再出品せず、販売をやめるか、仕入先と検品の手順を見直してください。",
            "en": "Do not relist this ASIN: stop selling it, or review the supplier and the "
            "inspection.",
        },
    )


@rule(
    "INC009",
    Severity.WARNING,
    sheets=("notices",),
    columns={"notices": ("kind", "received_on", "relist_offered", "decision")},
    params=(*_REPLY_PARAMS, "invoice_window_days", "document_formats", *_SUPPORT_PARAMS),
    why={
        "ja": "再出品の案内はいつまでも有効ではありません。方針が決まらないまま、そのASINが販売され続けている可能性もあります。",
        "en": "The offer to relist does not stay open for ever, and an undecided ASIN may still be on sale.",
    },
    title={"ja": "再出品するか未定のまま", "en": "Relisting undecided"},
    message={
        "ja": "{subject}には再出品の案内があります。しかし、方針が未定のまま対応期限の{due}を"
        "{overdue}過ぎています。",
        "en": "{subject} offers relisting, but no decision has been made and the reply window "
        "ended on {due}, {overdue} ago.",
    },
    action={
        "ja": "方針を決めて{cell}に記入してください。取扱中止にする場合は、お詫びとともに販売を止めることを伝えます"
        "(こちらのほうが安全です)。再出品する場合は、{needed}そろえて申し立てます。手順: {where}{support}",
        "en": "Decide and enter it in {cell}. To discontinue (the safer choice), answer with an "
        "apology and stop selling. To relist, appeal with {needed}: {where} {support}",
    },
)
def relist_undecided(ctx: RuleContext) -> Iterator[Finding]:
    """An open listing cancellation offering relisting, 方針 blank or 未定, reply window passed.

    Why: the offer to relist is not open forever, and an undecided ASIN may still be on sale.
    """
    for notice in open_listing_cancellations(ctx):
        due = reply_deadline(notice, ctx.settings)
        if not notice["relist_offered"] or decision_of(notice) != "undecided":
            continue
        if due is None or due >= ctx.as_of:
            continue
        yield ctx.finding(
            notice,
            "decision",
            due=due,
            subject=notice_subject(notice),
            days_overdue=(ctx.as_of - due).days,
            overdue=day_count((ctx.as_of - due).days),
            needed=documents_needed(notice, ctx.settings),
            where=ctx.settings.where("reply_amazon"),
            support=support_text(ctx.register, ctx.settings, notice),
        )


NOTICE_KIND_NAMES: dict[str, Text] = {
    "key_expiry": {"ja": "キーの期限", "en": "key expiry"},
    "other": {"ja": "その他", "en": "other"},
}


@rule(
    "INC010",
    Severity.WARNING,
    sheets=("notices",),
    columns={"notices": ("kind", "received_on")},
    params=("reply_days",),
    why={
        "ja": "記録したまま完了していない通知は、誰も対応していない可能性があります。キー期限の通知なら、対象のキーが切れて連携が止まるおそれがあります。",
        "en": "A notice logged but never closed is a follow-up nobody owns; for a key-expiry notice, the key it is about may lapse.",
    },
    title={"ja": "対応が終わっていない通知", "en": "Notice left open"},
    message={
        "ja": "{store}が{received}に受け取った{kind}の通知が、まだ完了になっていません"
        "(対応の目安は受信日から{reply_days}日の{due}で、{overdue}過ぎています)。",
        "en": "The {kind} notice {store_en}received on {received} is still open (it was to be "
        "handled within {reply_days} days, by {due}; {overdue} ago).",
    },
    action={
        "ja": "{advice}対応が済んだら{cell}を「完了」にしてください(担当: {owner})。",
        "en": "{advice}Once it is handled, set {cell} to closed (owner: {owner}).",
    },
)
def notice_left_open(ctx: RuleContext) -> Iterator[Finding]:
    """An open notice of kind キー期限 (key_expiry) or その他 (other) whose received_on + the
    reply window is before as_of.

    Why: an expiry email or another platform notice logged but never closed is a
    follow-up nobody owns; for a key-expiry notice the key it is about may lapse.
    """
    for notice in ctx.records("notices"):
        if notice["kind"] not in NOTICE_KIND_NAMES or not notice_is_open(notice):
            continue
        due = reply_deadline(notice, ctx.settings)
        if due is None or due >= ctx.as_of:
            continue
        if notice["kind"] == "key_expiry":
            advice = {
                "ja": "通知の対象のキーを更新するか、使っていなければ停止し、キーシートにも反映してください。",
                "en": "Renew the key the notice is about, or stop it if it is not used, and "
                "update the keys sheet. ",
            }
        else:
            advice = {
                "ja": "通知の内容を確認し、必要な対応をしてください。",
                "en": "Read the notice and do what it asks. ",
            }
        store = notice["store"]
        yield ctx.finding(
            notice,
            "status" if notice.sheet.has_column("status") else "received_on",
            due=due,
            store=store or "店舗",
            store_en=f"at {store} " if store else "",
            received=notice["received_on"],
            kind=NOTICE_KIND_NAMES[notice["kind"]],
            reply_days=ctx.settings.reply_days,
            overdue=day_count((ctx.as_of - due).days),
            advice=advice,
            owner=_owner(notice),
        )


def _owner(record: Record) -> Text:
    owner = record["owner"]
    return {"ja": owner, "en": owner} if owner else {"ja": "未記入", "en": "not recorded"}


@rule(
    "INC011",
    Severity.ERROR,
    sheets=("notices",),
    columns={"notices": ("kind", "reason", "decision", "documents")},
    params=("not_invoice_words", *_REPLY_PARAMS),
    why={
        "ja": "Amazonが認めるのは、取引が完了し商品が届いた仕入れの請求書か領収書だけです。見積書・プロフォーマ・注文書を出すと申し立ては通らず、やり直すあいだに時間を失います。",
        "en": "Amazon accepts only an invoice or receipt of a completed, fulfilled purchase; a quotation, pro forma or order form gets the appeal refused and costs the time to send it again.",
    },
    title={
        "ja": "請求書のかわりに見積書・注文書",
        "en": "Quotation or order form instead of an invoice",
    },
    message={
        "ja": "{subject}は真贋の苦情で、再出品を申請する方針です。しかし、提出書類の{names}は"
        "ファイル名から見積書・プロフォーマ・注文書と思われ、請求書として認められません。",
        "en": "{subject} is an authenticity complaint decided relist, but {names} looks like a "
        "quotation, pro forma or order form by its file name, which Amazon does not accept as "
        "an invoice.",
    },
    action={
        "ja": "仕入先から取引完了後の請求書か領収書をもらい、{cell}の書類を差し替えて、{by_when}"
        "アカウント健全性の申し立てで提出してください。",
        "en": "Get an invoice or receipt for the completed purchase from the supplier, replace "
        "the file in {cell}, and appeal in Account Health {by_when}.",
    },
)
def quotation_as_invoice(ctx: RuleContext) -> Iterator[Finding]:
    """Authenticity, decided relist, and a document named as a quotation, pro forma or order.

    The words are the rules file's not_invoice_words (見積, 注文書, 発注書, quotation, quote,
    proforma, pro forma, pro-forma, order form), matched as :func:`not_invoice_documents` says.

    Why: Amazon accepts only invoices or receipts of a completed, fulfilled purchase; a team
    that sends a 見積書 loses a week, and the listing. Due as for INC004 (the reply deadline).
    """
    for notice in _relist_notices(ctx):
        if notice["reason"] != "authenticity":
            continue
        names = not_invoice_documents(notice, ctx.settings)
        if not names:
            continue
        due = reply_deadline(notice, ctx.settings)
        yield ctx.finding(
            notice,
            "documents",
            due=due,
            subject=notice_subject(notice),
            names=names,
            by_when=(
                {"ja": f"{due.isoformat()}までに", "en": f"by {due.isoformat()}"}
                if due is not None
                else {"ja": "すぐに", "en": "now"}
            ),
        )

"""Incident follow-ups (INC): listing-cancellation notices still waiting for an answer.

Amazon's 「要ご対応:出品キャンセルのご連絡」 cancels one listing and warns that
more complaints can close the account. These rules read the open notices of
kind listing_cancelled (INC008 reads closed ones too; INC010 reads open notices of
the other kinds) and say what is still to do, by when (received_on + the reply
window), what is missing, and which support channels the store's selling plan
allows. Windows and formats come from :class:`~reporter.platform.Settings`; the
full steps of an answer or an appeal, and of asking seller support, are the
procedures A10-A13 (reporter/procedures.toml), said once.
"""

from __future__ import annotations

import functools
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

# The Settings values every follow-up draws on, for `reporter rules`.
_REPLY_PARAMS = ("reply_days",)
_SUPPORT_PARAMS = ("support_channels",)
# The procedures: answer a notice; appeal with invoices; appeal with cause and prevention;
# ask seller support (listed with each of the other three).
ANSWER, INVOICE_APPEAL, CAUSE_APPEAL, SUPPORT = "A10", "A11", "A12", "A13"


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
    english, japanese = _not_invoice_matcher(settings.not_invoice_words)
    found = []
    for name in notice["documents"] or ():
        text = _words_of(name)
        if any(word in text for word in japanese) or (english and english.search(text)):
            found.append(name)
    return found


# A notices sheet holds thousands of rows: the words are prepared once per rules file.
@functools.lru_cache(maxsize=8)
def _not_invoice_matcher(words: tuple[str, ...]) -> tuple[re.Pattern[str] | None, tuple[str, ...]]:
    """One pattern for the English words (each from a word's start), and the Japanese words."""
    prepared = [_words_of(word).strip() for word in words]
    english = [word for word in prepared if word.isascii()]
    pattern = (
        re.compile(r"(?<![a-z])(?:" + "|".join(map(re.escape, english)) + ")") if english else None
    )
    return pattern, tuple(word for word in prepared if not word.isascii())


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
    """One short sentence: the seller-support channels the store's plan allows.

    What to gather and where to ask are procedure A13's, said once.
    """
    plan = store_plan(register, notice["store"])
    known_plan = settings.plans.get(plan) if plan is not None else None
    if known_plan is None:
        return {
            "ja": f"相談窓口は出品プランで異なります(手順 {SUPPORT})。",
            "en": f"Seller support channels depend on the selling plan (procedure {SUPPORT}).",
        }
    store = notice["store"]
    channels = known_plan.channels
    return {
        "ja": f"相談窓口: {store}は{known_plan.label['ja']}で{channels['ja']}(手順 {SUPPORT})。",
        "en": f"Seller support: {store} is on the {known_plan.label['en']}: {channels['en']} "
        f"(procedure {SUPPORT}).",
    }


def answer_step(notice: Record) -> Text:
    """What the answer says, by whether the notice offers relisting."""
    if not notice["relist_offered"]:
        return {"ja": "お詫びと販売中止を伝え", "en": "apologise and say you stop selling it"}
    return {
        "ja": "再出品か取扱中止かを決めて回答し",
        "en": "answer with your decision (relist, or the safer discontinue)",
    }


def documents_procedure(notice: Record) -> str:
    """The appeal procedure a relisting of ``notice`` follows: invoices, or cause and prevention."""
    return INVOICE_APPEAL if notice["reason"] == "authenticity" else CAUSE_APPEAL


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
        "{overdue}過ぎています。{support}",
        "en": "{subject} has not been answered. The reply was due on {due} (received + "
        "{reply_days} days), {overdue} ago. {support}",
    },
    action={
        "ja": "すぐに{screen}で{answer}、{cell}に返信日を記入してください。{procedure}",
        "en": "Now, in {screen}: {answer}; then enter the reply date in {cell}. {procedure}",
    },
)
def notice_reply_overdue(ctx: RuleContext) -> Iterator[Finding]:
    """An open listing cancellation with no 返信日 whose reply window has passed."""
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
            answer=answer_step(notice),
            support=support_text(ctx.register, ctx.settings, notice),
            procedure=ANSWER,
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
        "ja": "{due}までに{screen}で{answer}、{cell}に返信日を記入してください。{procedure}",
        "en": "By {due}, in {screen}: {answer}; then enter the reply date in {cell}. {procedure}",
    },
)
def notice_reply_pending(ctx: RuleContext) -> Iterator[Finding]:
    """An open listing cancellation with no 返信日, still within the reply window.

    Both ends included: the last day of the window is still "within".
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
            answer=answer_step(notice),
            procedure=ANSWER,
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
        "ja": "{due}までに{screen}でお詫びと販売中止を伝えてASINの販売を止め、{cell}を「取扱中止」にしてください。{procedure}",
        "en": "By {due}, apologise in {screen}, stop selling the ASIN and set {cell} to "
        "discontinue. {procedure}",
    },
)
def relist_not_offered(ctx: RuleContext) -> Iterator[Finding]:
    """An open listing cancellation decided relist although 再出品の案内 is no or blank."""
    for notice in _relist_notices(ctx):
        if notice["relist_offered"]:
            continue
        yield ctx.finding(
            notice,
            "decision",
            due=reply_deadline(notice, ctx.settings),
            subject=notice_subject(notice),
            procedure=ANSWER,
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
        "ja": "{subject}: 真贋の苦情で再出品の方針ですが、{problem}"
        "認められるのは{earliest}から{received}までの請求書です({window}日。{window_source})。{support}",
        "en": "{subject}: an authenticity complaint decided relist, but {problem} Only invoices "
        "dated {earliest} to {received} count ({window} days: {window_source}). {support}",
    },
    action={
        "ja": "{earliest}〜{received}の仕入れの請求書(見積書・注文書は不可)を用意し、{cell}に発行日を記入して{due}までに申し立ててください。{procedure}",
        "en": "Get the supplier's invoice dated {earliest} to {received} (no quotes or order "
        "forms), enter its date in {cell} and appeal by {due}. {procedure}",
    },
)
def invoice_missing_or_old(ctx: RuleContext) -> Iterator[Finding]:
    """Authenticity, decided relist: 請求書発行日 blank, before received_on − the window, or
    after received_on (revision 2).

    The window is the notice's own (書類期間(日)) when recorded, else the rules file's.
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
            support=support_text(ctx.register, ctx.settings, notice),
            procedure=INVOICE_APPEAL,
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
        "ja": "{subject}: 真贋の苦情で再出品の方針ですが、仕入先の連絡先が空欄です。{support}",
        "en": "{subject}: an authenticity complaint decided relist, but the supplier's "
        "contact details are blank. {support}",
    },
    action={
        "ja": "仕入先の名称・電話番号・住所・URLを{cell}に記入し、請求書と一緒に{due}までに申し立ててください。{procedure}",
        "en": "Enter the supplier's name, phone, address and web URL in {cell} and send them "
        "with the invoice in the appeal by {due}. {procedure}",
    },
)
def supplier_contact_missing(ctx: RuleContext) -> Iterator[Finding]:
    """Authenticity, decided relist, 仕入先連絡先 blank."""
    for notice in _relist_notices(ctx):
        if notice["reason"] != "authenticity" or notice["supplier_contact"] is not None:
            continue
        yield ctx.finding(
            notice,
            "supplier_contact",
            due=reply_deadline(notice, ctx.settings),
            subject=notice_subject(notice),
            support=support_text(ctx.register, ctx.settings, notice),
            procedure=INVOICE_APPEAL,
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
        "ja": "{subject}: 再出品の方針ですが、{problem}{support}",
        "en": "{subject}: decided relist, but {problem} {support}",
    },
    action={
        "ja": "{fix}、{cell}にファイル名を記入して{due}までに申し立てで提出してください。{procedure}",
        "en": "{fix}, list the file names in {cell} and submit them with the appeal by {due}. "
        "{procedure}",
    },
)
def documents_missing_or_invalid(ctx: RuleContext) -> Iterator[Finding]:
    """Decided relist and a listed file not .pdf/.jpg/.jpeg/.png/.gif; or an authenticity
    complaint decided relist with 提出書類 blank.

    The allowed formats come from the rules file (document_formats), compared case-insensitively.
    A wrong-item or condition relist needs a written explanation, not files (revision 2):
    that is INC007's business.
    """
    formats = ", ".join(ctx.settings.document_formats)
    for notice in _relist_notices(ctx):
        invalid = invalid_documents(notice, ctx.settings)
        if notice["documents"] is None and notice["reason"] != "authenticity":
            continue
        if notice["documents"] is None:
            problem = {"ja": "提出書類が空欄です。", "en": "no documents are listed."}
            fix = {
                "ja": f"仕入れの請求書と仕入先の連絡先を{formats}で用意し",
                "en": f"Prepare the supplier's invoice and contact details as {formats}",
            }
        elif invalid:
            names = "、".join(invalid)
            problem = {
                "ja": f"提出書類のうち{names}は使えない形式です(使える形式: {formats})。",
                "en": f"{', '.join(invalid)} is not in an accepted format ({formats}).",
            }
            fix = {
                "ja": f"{names}をPDFなど使える形式で保存し直し",
                "en": f"Save {', '.join(invalid)} again as PDF or another accepted format",
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
            fix=fix,
            support=support_text(ctx.register, ctx.settings, notice),
            procedure=documents_procedure(notice),
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
        "ja": "{subject}: 理由「{reason}」で再出品の方針ですが、原因と再発防止策が空欄です。{support}",
        "en": "{subject} ({reason}): decided relist, but the cause and the steps taken to "
        "prevent it are blank. {support}",
    },
    action={
        "ja": "原因・直したこと・再発防止策を{cell}に書き、{due}までに{screen}の申し立ての本文で伝えてください。{procedure}",
        "en": "Write the cause, the fix and the prevention in {cell}, and give them in the "
        "appeal in {screen} by {due}. {procedure}",
    },
)
def cause_and_prevention_missing(ctx: RuleContext) -> Iterator[Finding]:
    """A reason other than authenticity, decided relist, 原因と再発防止 blank.

    A blank reason is DAT003's finding; without it the evidence needed is not known.
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
            support=support_text(ctx.register, ctx.settings, notice),
            procedure=CAUSE_APPEAL,
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
    title={"ja": "同じASINへの繰り返しの苦情", "en": "Repeat complaint on the same ASIN"},
    message={
        "ja": "{store}で、ASIN {asin}の出品キャンセル通知が{count}件あります(ほかの通知: {others})。{risk}",
        "en": "{store} has {count} listing-cancellation notices for ASIN {asin} (the others: "
        "{others}). {risk}",
    },
    action={
        "ja": "{advice}{procedure}",
        "en": "{advice}{procedure}",
    },
)
def repeat_complaint(ctx: RuleContext) -> Iterator[Finding]:
    """Two or more listing cancellations, open or closed, for the same ASIN in the same store.

    A blank store counts as one store. Warning; error on every notice of the group when the
    newest of them (latest 受信日; on a tie, the lower row of the sheet) is decided relist,
    or (revision 2) when any earlier one was decided 取扱中止: the stop was not carried out.
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
            risk, advice = _stop_not_carried_out(stopped, newest)
            procedure: str | None = ANSWER
        else:
            risk, advice = _repeat_wording(newest, relisting)
            procedure = None
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
                procedure=procedure,
            )


def _stop_not_carried_out(stopped: Record, newest: Record) -> tuple[Text, Text]:
    """Wording when a notice arrived after an earlier one was decided 取扱中止."""
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
            "ja": "すぐにこのASINの全出品(別のSKU・FBA在庫も)の販売を止め、"
            f"{newest_id}にも回答してください。",
            "en": "Stop every listing of this ASIN now (other SKUs and FBA stock too) and answer "
            f"{newest_id} as well. ",
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
                "ja": f"{newest_id}の再出品はやめて方針を「取扱中止」にし、販売を止めることを検討してください。",
                "en": f"Drop the relisting of {newest_id}: set the decision to discontinue and "
                "stop selling this ASIN.",
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
        "{overdue}過ぎています。{support}",
        "en": "{subject} offers relisting, but no decision has been made and the reply window "
        "ended on {due}, {overdue} ago. {support}",
    },
    action={
        "ja": "方針を決めて{cell}に記入し、{screen}で回答してください(取扱中止のほうが安全です)。{procedure}",
        "en": "Decide (discontinuing is safer), enter it in {cell} and answer in {screen}. "
        "{procedure}",
    },
)
def relist_undecided(ctx: RuleContext) -> Iterator[Finding]:
    """An open listing cancellation offering relisting, 方針 blank or 未定, reply window passed."""
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
            support=support_text(ctx.register, ctx.settings, notice),
            procedure=ANSWER,
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
        "ja": "{advice}済んだら{cell}を「完了」にしてください。",
        "en": "{advice}Once handled, set {cell} to closed.",
    },
)
def notice_left_open(ctx: RuleContext) -> Iterator[Finding]:
    """An open notice of kind キー期限 (key_expiry) or その他 (other) whose received_on + the
    reply window is before as_of.
    """
    for notice in ctx.records("notices"):
        if notice["kind"] not in NOTICE_KIND_NAMES or not notice_is_open(notice):
            continue
        due = reply_deadline(notice, ctx.settings)
        if due is None or due >= ctx.as_of:
            continue
        if notice["kind"] == "key_expiry":
            advice = {
                "ja": "対象のキーを更新するか、使っていなければ停止してキーシートに反映し、",
                "en": "Renew the key it is about (or stop it if unused) and update the keys "
                "sheet. ",
            }
        else:
            advice = {
                "ja": "通知の内容を確かめて必要な対応をし、",
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
        )


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
        "ja": "{subject}: 真贋の苦情で再出品の方針ですが、提出書類の{names}は"
        "ファイル名から見積書・プロフォーマ・注文書と思われ、請求書として認められません。",
        "en": "{subject}: an authenticity complaint decided relist, but {names} looks like a "
        "quotation, pro forma or order form by its file name, which Amazon does not accept as "
        "an invoice.",
    },
    action={
        "ja": "仕入先から取引完了後の請求書か領収書をもらって{cell}の書類を差し替え、{by_when}"
        "{screen}で申し立ててください。{procedure}",
        "en": "Get the supplier's invoice or receipt of the completed purchase, replace the file "
        "in {cell}, and appeal in {screen} {by_when}. {procedure}",
    },
)
def quotation_as_invoice(ctx: RuleContext) -> Iterator[Finding]:
    """Authenticity, decided relist, and a document named as a quotation, pro forma or order.

    The words are the rules file's not_invoice_words (見積, 注文書, 発注書, quotation, quote,
    proforma, pro forma, pro-forma, order form), matched as :func:`not_invoice_documents` says.
    Due as for INC004 (the reply deadline).
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
            procedure=INVOICE_APPEAL,
        )

"""What rules of several categories say alike: a key's kind and subject, a tool's label,
an owner, a day count, which tools are cancelled.

Renewals, revocations and follow-ups name keys and tools the same way; the
helpers live here so that no category module imports another.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from reporter.i18n import Text
from reporter.model import Record
from reporter.rules.base import RuleContext
from reporter.rules.lookups import tools_by_id

# Key kinds as people call them, for messages (the schema only has Japanese labels).
KEY_KIND_NAMES: Mapping[str, Text] = {
    "rakuten_license_key": {"ja": "楽天ライセンスキー", "en": "Rakuten license key"},
    "sp_api_authorization": {"ja": "SP-APIのアプリ認可", "en": "SP-API app authorization"},
    "lwa_client_secret": {"ja": "LWAクライアントシークレット", "en": "LWA client secret"},
    "mws_access_key": {"ja": "MWSアクセスキー", "en": "MWS access key"},
    "yahoo_public_key": {"ja": "Yahoo公開鍵", "en": "Yahoo public key"},
    "yahoo_authorization": {"ja": "Yahooのアプリ認可", "en": "Yahoo app authorization"},
    "sp_api_self_authorization": {
        "ja": "SP-APIの自己認可(自社の非公開アプリ)",
        "en": "SP-API self-authorization (private app)",
    },
    "other": {"ja": "キー", "en": "key"},
}


_UNKNOWN_KIND: Text = {"ja": "キー", "en": "key"}


def key_is_active(key: Record) -> bool:
    """Spec: an active key is one whose status is not retired (blank status = in use)."""
    return key["status"] != "retired"


def day_count(days: int) -> Text:
    """'12日' / '12 days', '1 day'."""
    return {"ja": f"{days}日", "en": f"{days} day" if days == 1 else f"{days} days"}


def kind_name(key: Record) -> Text:
    return dict(KEY_KIND_NAMES.get(key["kind"] or "", _UNKNOWN_KIND))


def tool_is_cancelled(tool: Record, as_of: date) -> bool:
    """Spec: cancelled by status, or by a cancellation date that has come (the status is
    often left at 利用中 when the contract ends)."""
    cancelled_on: date | None = tool["cancelled_on"]
    return tool["status"] == "cancelled" or (cancelled_on is not None and cancelled_on <= as_of)


def cancelled_tools(ctx: RuleContext) -> dict[str, Record]:
    """The cancelled tools (:func:`tool_is_cancelled`) by tool_id, worked out once a run."""
    return ctx.shared(
        "cancelled_tools",
        lambda: {
            tool_id: tool
            for tool_id, tool in tools_by_id(ctx.register).items()
            if tool_is_cancelled(tool, ctx.as_of)
        },
    )


def tool_label(tool_id: str | None, tools: Mapping[str, Record]) -> Text:
    """The tool's name as the team knows it, falling back to its id."""
    if tool_id is None:
        return {"ja": "ツール未記入", "en": "no tool recorded"}
    tool = tools.get(tool_id)
    name = tool["tool_name"] if tool is not None else None
    if name is None:
        return {"ja": f"ツールID {tool_id}", "en": f"tool id {tool_id}"}
    return {"ja": f"{name}(ツールID {tool_id})", "en": f"{name} (tool id {tool_id})"}


def key_subject(key: Record, tools: Mapping[str, Record]) -> Text:
    """'楽天市場店の楽天ライセンスキー(登録先: ネクストエンジン(ツールID 101))'."""
    kind = kind_name(key)
    tool = tool_label(key["tool_id"], tools)
    store = key["store"]
    store_ja = f"{store}の" if store else ""
    store_en = f" of {store}" if store else ""
    return {
        "ja": f"{store_ja}{kind['ja']}(登録先: {tool['ja']})",
        "en": f"The {kind['en']}{store_en} (registered in {tool['en']})",
    }


def owner_name(record: Record) -> Text:
    """The row's owner, for actions; a blank owner is itself DAT003 on keys."""
    owner = record["owner"]
    return {"ja": owner, "en": owner} if owner else {"ja": "未記入", "en": "not recorded"}

"""Teams: the post as an Adaptive Card, to a Workflows webhook.

The webhook is a Teams workflow made from the template that posts to a
channel when a webhook request is received (trigger "When a Teams webhook
request is received"); it takes one POST of ``{"type": "message",
"attachments": [{"contentType": "application/vnd.microsoft.card.adaptive",
"content": <card>}]}``. The card is version 1.4 (Teams' webhook cards go no
higher). Office 365 connector cards (MessageCard) are not used: Workflows take
Adaptive Cards only.

Card text is Markdown in Teams: register text has its Markdown characters
escaped, so that it never becomes a link or formatting.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from reporter import i18n
from reporter.config import Config
from reporter.delivery.channels import Delivered
from reporter.delivery.channels.http import Poster, host_of, secret
from reporter.delivery.channels.post import Post, kept, post_of
from reporter.delivery.digest import Digest

CARD_VERSION = "1.4"
CARD_SCHEMA = "http://adaptivecards.io/schemas/adaptive-card.json"
CARD_TYPE = "application/vnd.microsoft.card.adaptive"
# Markdown that Teams would act on anywhere in a TextBlock: emphasis, links, code.
_MARKDOWN = re.compile(r"([\\`*_\[\]])")
# ... and at the start of a line: a heading, a quote, a list item.
_LINE_START = re.compile(r"^([#>+-])", re.MULTILINE)

LABEL = "Teams"  # the channel's name in messages


def escape(text: str) -> str:
    """Plain text for a card: the Markdown characters that would format or link escaped."""
    return _LINE_START.sub(r"\\\1", _MARKDOWN.sub(r"\\\1", text))


def _text(text: str, **style: Any) -> dict[str, Any]:
    return {"type": "TextBlock", "text": escape(text), "wrap": True, **style}


def card(post: Post) -> dict[str, Any]:
    """The Adaptive Card (1.4) for ``post``."""
    body: list[dict[str, Any]] = [_text(post.title, size="Medium", weight="Bolder")]
    body += [_text(line, spacing="None", isSubtle=True) for line in post.intro]
    if post.counts:
        body.append(_text(post.counts[0], weight="Bolder", separator=True))
        body += [_text(line, spacing="None") for line in post.counts[1:]]
    body.append(_text(post.header, weight="Bolder", separator=True))
    for entry in post.entries:
        items = [_text(f"{entry.number}. {entry.heading}", weight="Bolder")]
        if entry.note:
            items.append(_text(entry.note, spacing="None", color="Attention"))
        items.append(_text(entry.details, spacing="None", isSubtle=True))
        items.append(_text(f"→ {entry.step}", spacing="None"))
        body.append({"type": "Container", "items": items, "spacing": "Small"})
    if post.more:
        body.append(_text(post.more, isSubtle=True))
    if post.supports:
        body.append(_text(post.supports_header, weight="Bolder", separator=True))
        body += [_text(f"・{line}", spacing="None") for line in post.supports]
    if post.procedures:
        body.append(_text(post.procedures_header, weight="Bolder", separator=True))
        for heading, steps in post.procedures:
            body.append(_text(heading, weight="Bolder", spacing="Small"))
            body += [_text(step, spacing="None") for step in steps]
    body += [
        _text(line, isSubtle=True, separator=index == 0) for index, line in enumerate(post.footer)
    ]
    return {
        "$schema": CARD_SCHEMA,
        "type": "AdaptiveCard",
        "version": CARD_VERSION,
        "body": body,
        "msteams": {"width": "Full"},
    }


def payload(post: Post) -> dict[str, Any]:
    """The webhook request: one message with the card as its one attachment."""
    return {
        "type": "message",
        "attachments": [{"contentType": CARD_TYPE, "contentUrl": None, "content": card(post)}],
    }


@dataclass
class TeamsChannel:
    name: str
    config: Config
    poster: Poster | None = None

    def deliver(self, digest: Digest) -> Delivered:
        settings = self.config.chat.teams
        url = secret(LABEL, settings.webhook_env)
        poster = self.poster or Poster(LABEL)
        poster.secrets.append(url)
        poster.kept = kept(digest)
        poster.post(url, json=payload(post_of(digest)))
        line = i18n.text("chat_posted", digest.lang, channel=LABEL, host=host_of(url))
        return Delivered(self.name, lines=(line,))


def make(config: Config, *, poster: Poster | None = None) -> TeamsChannel:
    return TeamsChannel("teams", config, poster)

"""Slack: the post as Block Kit blocks, to an incoming webhook.

One POST of ``{"text": ..., "blocks": [...]}`` (``text`` is what the
notification shows). Register text goes in ``plain_text`` objects, which Slack
shows as written: no mrkdwn, no link, no mention; the fallback ``text`` has
``&``, ``<`` and ``>`` escaped, as Slack asks. A header holds at most 150
characters and a section 3000, and a message at most 50 blocks: longer texts
are cut with an ellipsis.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from reporter import i18n
from reporter.config import Config
from reporter.delivery.channels import Delivered
from reporter.delivery.channels.http import Poster, host_of, secret
from reporter.delivery.channels.post import Entry, Post, kept, post_of
from reporter.delivery.digest import Digest

HEADER_LIMIT = 150
SECTION_LIMIT = 3000
BLOCK_LIMIT = 50
ENTRY_BLOCKS = 30  # the entries' share of the 50 blocks, before they share sections

LABEL = "Slack"  # the channel's name in messages


def escape(text: str) -> str:
    """Text for mrkdwn or a message's ``text``: Slack's three control characters escaped."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _plain(text: str, limit: int = SECTION_LIMIT) -> dict[str, Any]:
    return {"type": "plain_text", "text": _cut(text, limit), "emoji": False}


def _section(text: str) -> dict[str, Any]:
    return {"type": "section", "text": _plain(text)}


def _entry_text(entry: Entry) -> str:
    lines = [f"{entry.number}. {entry.heading}"]
    if entry.note:
        lines.append(entry.note)
    lines += [entry.details, f"→ {entry.step}"]
    return _cut("\n".join(lines), SECTION_LIMIT)


def _packed(texts: list[str]) -> list[str]:
    """One section per entry while they fit in the 50 blocks; else entries share sections
    (up to 3000 characters each), so that a long list of reminders loses none."""
    if len(texts) <= ENTRY_BLOCKS:
        return texts
    packed: list[str] = []
    for text in texts:
        if packed and len(packed[-1]) + 2 + len(text) <= SECTION_LIMIT:
            packed[-1] += "\n\n" + text
        else:
            packed.append(text)
    return packed


def blocks(post: Post) -> list[dict[str, Any]]:
    """The blocks of ``post``."""
    found: list[dict[str, Any]] = [{"type": "header", "text": _plain(post.title, HEADER_LIMIT)}]
    found.append({"type": "context", "elements": [_plain(line) for line in post.intro]})
    if post.counts:
        found.append(_section("\n".join(post.counts)))
    found.append({"type": "divider"})
    found.append(_section(post.header))
    for text in _packed([_entry_text(entry) for entry in post.entries]):
        found.append(_section(text))
    if post.more:
        found.append({"type": "context", "elements": [_plain(post.more)]})
    if post.supports:
        found.append(
            _section("\n".join([post.supports_header, *(f"・{s}" for s in post.supports)]))
        )
    for heading, steps in post.procedures:
        found.append(_section("\n".join([heading, *steps])))
    if post.footer:
        found.append({"type": "context", "elements": [_plain(line) for line in post.footer]})
    if len(found) > BLOCK_LIMIT:
        found = [*found[: BLOCK_LIMIT - 1], found[-1]]
    return found


def payload(post: Post) -> dict[str, Any]:
    """The webhook request: the fallback text and the blocks."""
    return {
        "text": escape(_cut(f"{post.title} {post.header}", SECTION_LIMIT)),
        "blocks": blocks(post),
    }


@dataclass
class SlackChannel:
    name: str
    config: Config
    poster: Poster | None = None

    def deliver(self, digest: Digest) -> Delivered:
        url = secret(LABEL, self.config.chat.slack.webhook_env)
        poster = self.poster or Poster(LABEL)
        poster.secrets.append(url)
        poster.kept = kept(digest)
        poster.post(url, json=payload(post_of(digest)))
        line = i18n.text("chat_posted", digest.lang, channel=LABEL, host=host_of(url))
        return Delivered(self.name, lines=(line,))


def make(config: Config, *, poster: Poster | None = None) -> SlackChannel:
    return SlackChannel("slack", config, poster)

"""Chatwork: the post as a room message in [info] markup, and one task per action.

- The message: ``POST {api_url}/rooms/{room_id}/messages`` with the form field
  ``body``, in Chatwork's ``[info][title]…[/title]…[/info]`` markup, the API
  token in the ``X-ChatWorkToken`` header.
- Tasks (``tasks = true``, the month's report only): one ``POST
  {api_url}/rooms/{room_id}/tasks`` per action (not excepted) with a due date
  whose owner has an account id in ``[chat.chatwork.members]``: ``body`` (the
  action, its place and record id), ``to_ids`` (the account id), ``limit``
  (the due date, end of day in Asia/Tokyo, as Unix seconds) and
  ``limit_type=date``. A task is made once per finding: the state file records
  each task Chatwork accepted, and a re-run or next month's run does not make
  it again. The actions whose owner has no account id are listed in the room
  message instead.
- Chatwork's rate limit (HTTP 429) is waited out for up to 60 s in all.

Register text cannot open a Chatwork tag: a ``[`` that would start one
(``[To:…]``, ``[info]``, ``[toall]``…) is written as a full-width ``［``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, time
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from reporter import i18n
from reporter.config import Config
from reporter.delivery.channels import Delivered
from reporter.delivery.channels.http import Poster, host_of, secret
from reporter.delivery.channels.post import Post, kept, post_of
from reporter.delivery.digest import Action, Digest, clean, place
from reporter.delivery.state import State, finding_id, state_path
from reporter.errors import InputError

TOKYO = ZoneInfo("Asia/Tokyo")
_TAG = re.compile(
    r"\[(?=/?(?:info|title|hr|code|qt|to|toall|rp|pname|picon|piconname|preview|download|task)\b)",
    re.IGNORECASE,
)

LABEL = "Chatwork"  # the channel's name in messages


def escape(text: str) -> str:
    """Text that cannot open a Chatwork tag."""
    return _TAG.sub("［", text)


def message_body(post: Post) -> str:
    """The room message: one [info] block with a [title], sections divided by [hr]."""
    e = escape
    lines = [*map(e, post.intro)]
    if post.counts:
        lines += ["", *map(e, post.counts)]
    lines += ["[hr]" + e(post.header)]
    for entry in post.entries:
        lines.append(f"{entry.number}. {e(entry.heading)}")
        if entry.note:
            lines.append(f"   {e(entry.note)}")
        lines += [f"   {e(entry.details)}", f"   → {e(entry.step)}"]
    if post.more:
        lines.append(e(post.more))
    if post.supports:
        lines += ["[hr]" + e(post.supports_header), *(f"・{e(s)}" for s in post.supports)]
    if post.procedures:
        lines.append("[hr]" + e(post.procedures_header))
        for heading, steps in post.procedures:
            lines += [e(heading), *(f"   {e(step)}" for step in steps)]
    if post.footer:
        lines += ["[hr]" + e(post.footer[0]), *map(e, post.footer[1:])]
    return f"[info][title]{e(post.title)}[/title]" + "\n".join(lines) + "[/info]"


def task_body(action: Action, lang: str) -> str:
    """A task's text: the rule, the action, its place and record id."""
    row = action.row
    heading = escape(f"{row.code} {clean(row.title)}")
    where = i18n.text("chatwork_task_place", lang, place=escape(place(row, lang)))
    return f"{heading}\n{escape(action.step)}\n{where}"


def end_of_day(due: Any) -> int:
    """The due date's last second in Asia/Tokyo, as Unix seconds (Chatwork's ``limit``)."""
    return int(datetime.combine(due, time(23, 59, 59), tzinfo=TOKYO).timestamp())


@dataclass
class ChatworkChannel:
    name: str
    config: Config
    poster: Poster | None = None

    @property
    def api(self) -> str:
        return self.config.chat.chatwork.api_url.rstrip("/")

    def deliver(self, digest: Digest) -> Delivered:
        settings = self.config.chat.chatwork
        if not settings.room_id:
            raise InputError("chatwork_no_room", config=str(self.config.path or "reporter.toml"))
        token = secret(LABEL, settings.token_env)
        poster = self.poster or Poster(LABEL)
        poster.secrets.append(token)
        poster.kept = kept(digest)
        headers = {"X-ChatWorkToken": token}
        members = dict(settings.members)
        making_tasks = settings.tasks and digest.kind == "report"
        extra: list[str] = []
        if making_tasks:
            unassigned = [
                a
                for a in digest.actions
                if a.row.due is not None and a.row.owner.strip() not in members
            ]
            if unassigned:
                extra.append(
                    i18n.text("chatwork_unassigned_header", digest.lang, count=len(unassigned))
                )
                extra += [
                    f"・{place(a.row, digest.lang)} {clean(a.row.owner) or i18n.text('chat_no_owner', digest.lang)}: {a.step}"
                    for a in unassigned
                ]
        url = f"{self.api}/rooms/{settings.room_id}/messages"
        body = message_body(post_of(digest, extra))
        poster.post(url, data={"body": body}, headers=headers, wait_out_429=True)
        lang = digest.lang
        lines = [i18n.text("chat_posted", lang, channel=LABEL, host=host_of(url))]
        if making_tasks:
            made = self._tasks(digest, members, poster, headers)
            lines.append(i18n.text("chatwork_tasks_made", lang, count=made))
        return Delivered(self.name, lines=tuple(lines))

    def _tasks(
        self, digest: Digest, members: dict[str, int], poster: Poster, headers: dict[str, str]
    ) -> int:
        """One task per action with a due date and an owner with an account id, once each."""
        settings = self.config.chat.chatwork
        fallback = digest.report_path.parent if digest.report_path is not None else Path.cwd()
        made = 0
        url = f"{self.api}/rooms/{settings.room_id}/tasks"
        with State(state_path(self.config, fallback)) as state:
            for action in digest.actions:
                account = members.get(action.row.owner.strip())
                if action.row.due is None or account is None or action.row.excepted:
                    continue
                key = finding_id(action.row)
                if state.has_task(key, settings.room_id):
                    continue
                form = {
                    "body": task_body(action, digest.lang),
                    "to_ids": str(account),
                    "limit": str(end_of_day(action.row.due)),
                    "limit_type": "date",
                }
                response = poster.post(url, data=form, headers=headers, wait_out_429=True)
                state.record_task(key, settings.room_id, _task_ids(response))
                made += 1
        return made


def _task_ids(response: Any) -> str:
    try:
        ids = response.json().get("task_ids", [])
    except (ValueError, AttributeError):
        ids = []
    return ",".join(str(i) for i in ids)


def make(config: Config, *, poster: Poster | None = None) -> ChatworkChannel:
    return ChatworkChannel("chatwork", config, poster)

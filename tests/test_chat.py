"""Chat: `report --chat` to Teams, Slack and Chatwork, Chatwork tasks, and `remind`.

``FakeChat`` below is NOT Teams, Slack or Chatwork: it is one small local HTTPS
server (a self-signed certificate made for this test run, trusted through
REQUESTS_CA_BUNDLE) that stands in for all three. It checks what the real
services check and this code depends on:

- Teams (a Workflows webhook): a JSON body ``{"type": "message", "attachments":
  [{"contentType": "application/vnd.microsoft.card.adaptive", "content": card}]}``
  whose card is an AdaptiveCard of version 1.4 or lower, with a ``$schema``
  and a body of known elements, each TextBlock with a text; answers 202.
- Slack (an incoming webhook): a JSON body with a non-empty ``text`` and at
  most 50 ``blocks`` of known types, a header at most 150 characters of
  plain_text, a section's text at most 3000; answers ``ok``, or 400
  ``invalid_blocks``.
- Chatwork (API v2): the token in ``X-ChatWorkToken`` (else 401), a form
  body (application/x-www-form-urlencoded); messages: one non-empty ``body``;
  tasks: ``body``, ``to_ids`` (comma-separated account ids), ``limit`` (Unix
  seconds), ``limit_type`` none/date/time; answers JSON.

Any shape it does not accept is recorded in ``problems`` and refused, so a
test that sends a wrong payload fails.
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, ClassVar
from urllib.parse import parse_qs
from zoneinfo import ZoneInfo

import pytest
from typer.testing import CliRunner

from reporter.cli import app
from tests.standins import Certificate, isolate, make_certificate

SAMPLE = Path(__file__).resolve().parent.parent / "sample_data" / "register.xlsx"
TOKEN = "cw0123456789abcdef0123456789abcd"  # a Chatwork API token's shape: 32 characters
TEAMS_PATH = "/teams/workflows/triggers/manual/paths/invoke?sig=TEAMS-SECRET-SIG"
SLACK_PATH = "/slack/services/T000/B000/SLACKSECRETXXXXXXXXXXXX"
ROOM = 4242
MEMBERS = {"佐藤": 1001, "鈴木": 1002}
_TEAMS_ELEMENTS = {"TextBlock", "Container", "FactSet", "ColumnSet", "Column", "Image"}
_SLACK_BLOCKS = {"header", "section", "context", "divider"}


@dataclass
class FakeChat:
    """The stand-in's record: what each service accepted, and every shape it refused."""

    base: str = ""
    teams: list[dict[str, Any]] = field(default_factory=list)
    slack: list[dict[str, Any]] = field(default_factory=list)
    messages: list[dict[str, list[str]]] = field(default_factory=list)
    tasks: list[dict[str, list[str]]] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    refuse: dict[str, int] = field(default_factory=dict)  # service -> HTTP status to answer
    refused: list[dict[str, Any]] = field(default_factory=list)  # well-formed posts refused
    rate_limited: int = 0  # Chatwork answers 429 this many times first
    on_accept: Any = None  # called after a post was accepted, before the answer goes out

    # --- the three services ---

    def handle(self, request: BaseHTTPRequestHandler, body: bytes) -> tuple[int, str, str]:
        path = request.path
        if path == TEAMS_PATH:
            return self._teams(request, body)
        if path == SLACK_PATH:
            return self._slack(request, body)
        match = re.fullmatch(r"/v2/rooms/(\d+)/(messages|tasks)", path)
        if match:
            return self._chatwork(request, body, int(match[1]), match[2])
        self.problems.append(f"unknown path {path}")
        return 404, "text/plain", "not found"

    def _refused(self, service: str) -> int | None:
        return self.refuse.get(service)

    def _accept(self, service: str, record: list[Any], payload: Any) -> None:
        """Record the post, then let a test act (a kill) before the answer goes out."""
        record.append(payload)
        if self.on_accept is not None:
            self.on_accept(service)

    def _teams(self, request: BaseHTTPRequestHandler, body: bytes) -> tuple[int, str, str]:
        problems = []
        if not request.headers.get("Content-Type", "").startswith("application/json"):
            problems.append("teams: not JSON")
        try:
            payload = json.loads(body)
        except ValueError:
            payload = {}
            problems.append("teams: body is not JSON")
        problems += [f"teams: {p}" for p in teams_problems(payload)]
        if problems:
            self.problems += problems
            return 400, "application/json", json.dumps({"error": problems})
        status = self._refused("teams")
        if status:
            return status, "application/json", json.dumps({"error": {"code": "Refused"}})
        self._accept("teams", self.teams, payload)
        return 202, "text/plain", ""

    def _slack(self, request: BaseHTTPRequestHandler, body: bytes) -> tuple[int, str, str]:
        try:
            payload = json.loads(body)
        except ValueError:
            payload = {}
        problems = [f"slack: {p}" for p in slack_problems(payload)]
        if problems:
            self.problems += problems
            return 400, "text/plain", "invalid_blocks"
        status = self._refused("slack")
        if status:
            self.refused.append(payload)
            return status, "text/plain", "no_service"
        self._accept("slack", self.slack, payload)
        return 200, "text/plain", "ok"

    def _chatwork(
        self, request: BaseHTTPRequestHandler, body: bytes, room: int, kind: str
    ) -> tuple[int, str, str]:
        if request.headers.get("X-ChatWorkToken") != TOKEN:
            return 401, "application/json", json.dumps({"errors": ["Invalid API Token"]})
        if request.headers.get("Content-Type", "") != "application/x-www-form-urlencoded":
            self.problems.append("chatwork: not a form")
            return 400, "application/json", json.dumps({"errors": ["not a form"]})
        form = parse_qs(body.decode("utf-8"), keep_blank_values=True, strict_parsing=True)
        problems = [f"chatwork: {p}" for p in chatwork_problems(form, kind)]
        if room != ROOM:
            problems.append(f"chatwork: room {room}")
        if problems:
            self.problems += problems
            return 400, "application/json", json.dumps({"errors": problems})
        if self.rate_limited:
            self.rate_limited -= 1
            return 429, "application/json", json.dumps({"errors": ["Rate limit exceeded"]})
        status = self._refused("chatwork")
        if status:
            return status, "application/json", json.dumps({"errors": ["Refused"]})
        if kind == "messages":
            self._accept("chatwork", self.messages, form)
            return 200, "application/json", json.dumps({"message_id": str(len(self.messages))})
        self._accept("chatwork", self.tasks, form)
        return 200, "application/json", json.dumps({"task_ids": [len(self.tasks)]})


def teams_problems(payload: Any) -> list[str]:
    """What a Workflows webhook posting an Adaptive Card would refuse."""
    if not isinstance(payload, dict) or payload.get("type") != "message":
        return ['the envelope is not {"type": "message", ...}']
    attachments = payload.get("attachments")
    if not isinstance(attachments, list) or len(attachments) != 1:
        return ["not exactly one attachment"]
    (attachment,) = attachments
    problems = []
    if attachment.get("contentType") != "application/vnd.microsoft.card.adaptive":
        problems.append("contentType")
    card = attachment.get("content")
    if not isinstance(card, dict) or card.get("type") != "AdaptiveCard":
        return [*problems, "content is not an AdaptiveCard"]
    version = str(card.get("version", ""))
    if not re.fullmatch(r"1\.[0-4]", version):
        problems.append(f"card version {version!r} (Teams takes 1.4 or lower)")
    if "adaptivecards.io/schemas/adaptive-card.json" not in str(card.get("$schema", "")):
        problems.append("$schema")

    def walk(elements: Any, where: str) -> None:
        if not isinstance(elements, list):
            problems.append(f"{where} is not a list")
            return
        for element in elements:
            kind = element.get("type") if isinstance(element, dict) else None
            if kind not in _TEAMS_ELEMENTS:
                problems.append(f"{where}: unknown element {kind!r}")
            elif kind == "TextBlock" and not isinstance(element.get("text"), str):
                problems.append(f"{where}: a TextBlock without text")
            elif kind == "Container":
                walk(element.get("items"), f"{where}/Container")

    walk(card.get("body"), "body")
    return problems


def slack_problems(payload: Any) -> list[str]:
    """What an incoming webhook would refuse (invalid_blocks, no_text)."""
    if not isinstance(payload, dict):
        return ["not an object"]
    problems = []
    if not isinstance(payload.get("text"), str) or not payload["text"].strip():
        problems.append("no text (the notification's fallback)")
    blocks = payload.get("blocks")
    if not isinstance(blocks, list) or not 1 <= len(blocks) <= 50:
        return [*problems, "blocks: 1 to 50"]
    for block in blocks:
        kind = block.get("type")
        if kind not in _SLACK_BLOCKS:
            problems.append(f"block type {kind!r}")
        text = block.get("text")
        if kind == "header" and (text.get("type") != "plain_text" or len(text["text"]) > 150):
            problems.append("header: plain_text of at most 150 characters")
        if kind == "section" and (
            text.get("type") not in ("plain_text", "mrkdwn") or not 1 <= len(text["text"]) <= 3000
        ):
            problems.append("section text: 1 to 3000 characters")
        if kind == "context":
            elements = block.get("elements", [])
            if not 1 <= len(elements) <= 10 or any(
                e.get("type") not in ("plain_text", "mrkdwn") for e in elements
            ):
                problems.append("context: 1 to 10 text elements")
    return problems


def chatwork_problems(form: dict[str, list[str]], kind: str) -> list[str]:
    problems = []
    for name, values in form.items():
        if len(values) != 1:
            problems.append(f"{name} given {len(values)} times")
    body = form.get("body", [""])[0]
    if not body.strip():
        problems.append("body is empty")
    if kind == "messages":
        return problems
    if not re.fullmatch(r"\d+(,\d+)*", form.get("to_ids", [""])[0]):
        problems.append("to_ids: comma-separated account ids")
    if not re.fullmatch(r"\d+", form.get("limit", [""])[0]):
        problems.append("limit: Unix seconds")
    if form.get("limit_type", ["date"])[0] not in ("none", "date", "time"):
        problems.append("limit_type")
    return problems


# --- the server and the config --------------------------------------------------------------------


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    isolate(
        monkeypatch, ("REPORTER_TEAMS_WEBHOOK", "REPORTER_SLACK_WEBHOOK", "REPORTER_CHATWORK_TOKEN")
    )


@pytest.fixture
def chat(certificate: Certificate, monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeChat]:
    fake = FakeChat()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length", "0"))
            status, content_type, text = fake.handle(self, self.rfile.read(length))
            data = text.encode()
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            if status == 429:
                self.send_header("Retry-After", "1")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.socket = certificate.server_context().wrap_socket(server.socket, server_side=True)
    fake.base = f"https://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(certificate.cert))  # trust this run's certificate
    monkeypatch.setenv("REPORTER_TEAMS_WEBHOOK", fake.base + TEAMS_PATH)
    monkeypatch.setenv("REPORTER_SLACK_WEBHOOK", fake.base + SLACK_PATH)
    monkeypatch.setenv("REPORTER_CHATWORK_TOKEN", TOKEN)
    try:
        yield fake
    finally:
        server.shutdown()
        server.server_close()


def write_config(
    folder: Path,
    fake: FakeChat,
    channels: tuple[str, ...] = ("teams", "slack", "chatwork"),
    *,
    tasks: bool = True,
    extra: str = "",
) -> Path:
    members = "\n".join(f'"{name}" = {account}' for name, account in MEMBERS.items())
    config = folder / "reporter.toml"
    config.write_text(
        f"register = '{SAMPLE}'\noutput_dir = 'reports'\n"
        f"[chat]\nchannels = {json.dumps(list(channels))}\n"
        f"[chat.chatwork]\nroom_id = {ROOM}\napi_url = '{fake.base}/v2'\n"
        f"tasks = {'true' if tasks else 'false'}\n[chat.chatwork.members]\n{members}\n" + extra,
        encoding="utf-8",
    )
    return config


def run(*args: str) -> Any:
    return CliRunner().invoke(app, list(args))


def secrets_in(text: str) -> list[str]:
    return [s for s in (TOKEN, "TEAMS-SECRET-SIG", "SLACKSECRET", TEAMS_PATH) if s in text]


# --- report --chat --------------------------------------------------------------------------------


def test_report_chat_posts_the_summary_to_each_channel(chat: FakeChat, tmp_path: Path) -> None:
    config = write_config(tmp_path, chat, tasks=False)
    result = run("report", "--config", str(config), "--as-of", "2026-11-30", "--chat")
    assert result.exit_code == 0, result.output
    assert chat.problems == []
    assert len(chat.teams) == len(chat.slack) == len(chat.messages) == 1
    report = tmp_path / "reports" / "register-report-2026-11-30.xlsx"
    assert report.exists()

    card = chat.teams[0]["attachments"][0]["content"]
    card_text = json.dumps(card, ensure_ascii=False)
    assert card["version"] == "1.4"
    assert "2026年11月 台帳レポート" in card_text and report.name in card_text
    # The 10 most urgent actions, each with its place, owner and due date.
    entries = [e for e in card["body"] if e["type"] == "Container"]
    assert len(entries) == 10
    assert all("担当" in json.dumps(e, ensure_ascii=False) for e in entries)

    slack = chat.slack[0]
    assert slack["blocks"][0]["type"] == "header"
    assert "2026年11月 台帳レポート" in slack["text"]

    (message,) = chat.messages
    body = message["body"][0]
    assert body.startswith("[info][title]") and body.endswith("[/info]")
    assert "[hr]" in body and report.name in body and str(report.parent) in body
    # The user is told where each post went, by host only: no webhook path, no token.
    assert "Teams" in result.output and "127.0.0.1" in result.output
    assert secrets_in(result.output) == []


def test_a_refused_channel_is_exit_3_naming_it_and_the_others_still_get_theirs(
    chat: FakeChat, tmp_path: Path
) -> None:
    chat.refuse["slack"] = 403
    config = write_config(tmp_path, chat, tasks=False)
    result = run("report", "--config", str(config), "--as-of", "2026-11-30", "--chat")
    assert result.exit_code == 3, result.output
    assert len(chat.teams) == 1 and len(chat.messages) == 1  # tried after Slack refused
    (line,) = [line for line in result.output.splitlines() if "slack" in line.lower()]
    assert "403" in line and "127.0.0.1" in line
    assert (tmp_path / "reports" / "register-report-2026-11-30.xlsx").exists()  # kept
    assert secrets_in(result.output) == []


def test_a_missing_webhook_is_exit_3_naming_the_variable_not_a_value(
    chat: FakeChat, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("REPORTER_TEAMS_WEBHOOK")
    config = write_config(tmp_path, chat, ("teams",))
    result = run("report", "--config", str(config), "--as-of", "2026-11-30", "--chat")
    assert result.exit_code == 3
    assert "REPORTER_TEAMS_WEBHOOK" in result.output


def test_a_wrong_chatwork_token_is_refused_by_the_stand_in(
    chat: FakeChat, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("REPORTER_CHATWORK_TOKEN", "0" * 32)
    config = write_config(tmp_path, chat, ("chatwork",))
    result = run("report", "--config", str(config), "--as-of", "2026-11-30", "--chat")
    assert result.exit_code == 3
    assert "401" in result.output and "0" * 32 not in result.output
    assert chat.messages == [] and chat.tasks == []


def test_http_is_refused_before_anything_is_sent(
    chat: FakeChat, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("REPORTER_SLACK_WEBHOOK", chat.base.replace("https", "http") + SLACK_PATH)
    config = write_config(tmp_path, chat, ("slack",))
    result = run("report", "--config", str(config), "--as-of", "2026-11-30", "--chat")
    assert result.exit_code == 3 and "https://" in result.output
    assert secrets_in(result.output) == []


def test_a_certificate_the_machine_does_not_trust_is_refused(
    chat: FakeChat, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    other = make_certificate(tmp_path / "other-ca")
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(other.cert))
    config = write_config(tmp_path, chat, ("teams",))
    result = run("report", "--config", str(config), "--as-of", "2026-11-30", "--chat")
    assert result.exit_code == 3 and "TLS" in result.output
    assert chat.teams == []


def test_ssl_cert_file_is_honoured_too(
    chat: FakeChat, certificate: Certificate, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("REQUESTS_CA_BUNDLE")
    monkeypatch.setenv("SSL_CERT_FILE", str(certificate.cert))
    config = write_config(tmp_path, chat, ("teams",))
    result = run("report", "--config", str(config), "--as-of", "2026-11-30", "--chat")
    assert result.exit_code == 0, result.output
    assert len(chat.teams) == 1


def test_chat_without_channels_is_exit_2_before_the_report(chat: FakeChat, tmp_path: Path) -> None:
    config = write_config(tmp_path, chat, ())
    result = run("report", "--config", str(config), "--as-of", "2026-11-30", "--chat")
    assert result.exit_code == 2 and "channels" in result.output


def test_a_webhook_url_in_the_config_file_is_refused(tmp_path: Path) -> None:
    config = tmp_path / "reporter.toml"
    config.write_text("[chat.teams]\nwebhook_url = 'https://example.invalid/x?sig=1'\n")
    result = run("check", str(SAMPLE), "--config", str(config))
    assert result.exit_code == 2
    assert "webhook_env" in result.output and "sig=1" not in result.output


# --- Chatwork tasks -------------------------------------------------------------------------------


def test_chatwork_makes_one_task_per_action_once_across_runs(
    chat: FakeChat, tmp_path: Path
) -> None:
    config = write_config(tmp_path, chat, ("chatwork",))
    first = run("report", "--config", str(config), "--as-of", "2026-11-30", "--chat")
    assert first.exit_code == 0, first.output
    assert chat.problems == []
    tasks = list(chat.tasks)
    assert tasks, "the sample has actions with a due date for 佐藤 and 鈴木"
    assert {t["to_ids"][0] for t in tasks} <= {str(a) for a in MEMBERS.values()}
    assert all(t["limit_type"] == ["date"] for t in tasks)
    # limit: the due date's last second in Tokyo.
    for task in tasks:
        end = datetime.fromtimestamp(int(task["limit"][0]), ZoneInfo("Asia/Tokyo"))
        assert (end.hour, end.minute, end.second) == (23, 59, 59)
        assert "場所: " in task["body"][0]
    # The owners without an account id are listed in the room's message instead.
    body = chat.messages[0]["body"][0]
    assert "アカウントIDがない" in body and "高橋" in body

    again = run("report", "--config", str(config), "--as-of", "2026-11-30", "--chat")
    assert again.exit_code == 0
    later = run("report", "--config", str(config), "--as-of", "2026-12-03", "--chat")
    assert later.exit_code == 0
    bodies = [t["body"][0] for t in chat.tasks]
    assert len(bodies) == len(set(bodies)), "a finding got a second task"
    assert chat.tasks[: len(tasks)] == tasks
    assert len(chat.messages) == 3  # the room message goes out every run


def test_chatwork_rate_limit_is_waited_out(chat: FakeChat, tmp_path: Path) -> None:
    chat.rate_limited = 1  # one 429 with Retry-After: 1, then accepted
    config = write_config(tmp_path, chat, ("chatwork",), tasks=False)
    result = run("report", "--config", str(config), "--as-of", "2026-11-30", "--chat")
    assert result.exit_code == 0, result.output
    assert len(chat.messages) == 1


def test_chatwork_rate_limit_longer_than_a_minute_is_exit_3() -> None:
    """The wait is counted, not slept: a 429 that keeps coming stops after 60 s in all."""
    from reporter.delivery.channels import http

    waits: list[float] = []

    class Answer:
        status_code = 429
        reason = "Too Many Requests"
        headers: ClassVar[dict[str, str]] = {"x-ratelimit-reset": "1000030"}
        text = ""

        def json(self) -> Any:
            return {"errors": ["Rate limit exceeded"]}

    class Session:
        trust_env = True

        def __enter__(self) -> Session:
            return self

        def __exit__(self, *exc: object) -> None:
            pass

        def mount(self, *args: Any) -> None:
            pass

        def post(self, *args: Any, **kwargs: Any) -> Answer:
            return Answer()

    import requests

    poster = http.Poster("chatwork", sleep=waits.append, clock=lambda: 1000000.0)
    original = requests.Session
    requests.Session = Session  # type: ignore[assignment,misc]
    try:
        with pytest.raises(Exception) as raised:
            poster.post("https://api.chatwork.invalid/v2/rooms/1/messages", wait_out_429=True)
    finally:
        requests.Session = original  # type: ignore[misc]
    assert waits == [30.0, 30.0]  # x-ratelimit-reset is 30 s away, twice; a third would pass 60
    assert "429" in raised.value.render("en")  # type: ignore[attr-defined]


# --- remind ---------------------------------------------------------------------------------------


def remind(config: Path, day: date, *extra: str) -> Any:
    return run("remind", "--config", str(config), "--as-of", day.isoformat(), *extra)


def reminders_in(post: dict[str, Any]) -> list[str]:
    """The reminders of a Slack post: one section per entry, "n. [重大度] CODE title ..."."""
    return [
        b["text"]["text"]
        for b in post["blocks"]
        if b["type"] == "section" and re.match(r"\d+\. \[", b["text"]["text"])
    ]


def entries_of(post: dict[str, Any]) -> set[tuple[str, str]]:
    """Each reminder of a Slack post as (rule and title, place): what stays the same next day."""
    found = set()
    for text in reminders_in(post):
        lines = text.split("\n")
        found.add((lines[0].split(" ", 1)[1], lines[2].split(" / ")[0]))
    return found


def test_a_month_of_daily_reminders_sends_each_threshold_once(
    chat: FakeChat, tmp_path: Path
) -> None:
    """30 daily runs on the sample: each (finding, threshold) once, nothing when nothing is due,
    and what a refused day had to send goes out the next day."""
    from reporter.config import load_config
    from reporter.delivery.state import State, state_path

    remind_table = "[remind]\ndays = [14, 7, 1, 0]\noverdue_every_days = 30\n"
    config = write_config(tmp_path, chat, ("slack",), extra=remind_table)
    state_file = state_path(load_config(config), tmp_path)
    start = date(2026, 11, 20)
    quiet_days: list[date] = []
    refused_on: date | None = None
    refused_post: dict[str, Any] = {}
    seen: set[tuple[str, str]] = set()
    for offset in range(30):
        day = start + timedelta(days=offset)
        posts_before = len(chat.slack)
        refusing = offset >= 10 and refused_on is None
        if refusing:
            chat.refuse["slack"] = 503  # the service is down from day 10 until a post is refused
        result = remind(config, day)
        chat.refuse.pop("slack", None)
        with State(state_file) as state:
            record = state.sent_reminders("slack")
        if refusing and result.exit_code == 3:
            assert "503" in result.output and "Slack" in result.output
            assert record == seen  # nothing recorded for a refused send
            refused_on, refused_post = day, chat.refused[-1]
            continue
        assert result.exit_code == 0, result.output
        assert chat.problems == []
        if len(chat.slack) == posts_before:
            assert "ありません" in result.output  # one line: nothing is due
            assert record == seen
            quiet_days.append(day)
            continue
        assert len(chat.slack) == posts_before + 1  # one message per channel per day
        new = record - seen
        assert new, "a post went out that recorded nothing"
        # Every reminder in today's post is a threshold newly reached: none is sent again.
        assert len(reminders_in(chat.slack[-1])) == len({finding for finding, _ in new})
        if refused_on is not None and day == refused_on + timedelta(days=1):
            # Keyed by place: a key due yesterday (RNW002) is expired today (RNW001).
            places = {place for _, place in entries_of(refused_post)}
            assert places <= {place for _, place in entries_of(chat.slack[-1])}
        seen = record
    assert refused_on is not None, "the month had a day with something to send after day 10"
    assert quiet_days, "some days of the month have nothing due"
    with State(state_file) as state:
        days = {row[0] for row in state.db.execute("SELECT DISTINCT sent_on FROM reminders")}
    assert refused_on.isoformat() not in days
    assert not {d.isoformat() for d in quiet_days} & days
    # A second run on the same day sends nothing new.
    posts = len(chat.slack)
    assert remind(config, start + timedelta(days=29)).exit_code == 0
    assert len(chat.slack) == posts


def test_remind_thresholds_follow_the_config() -> None:
    from reporter.config import RemindSettings
    from reporter.delivery.remind import thresholds_reached

    settings = RemindSettings(days=(30, 14, 7, 3, 1, 0), overdue_every_days=7)
    assert thresholds_reached(31, settings) == []
    assert thresholds_reached(30, settings) == ["d30"]
    assert thresholds_reached(5, settings) == ["d30", "d14", "d7"]
    assert thresholds_reached(0, settings)[-1] == "d0"
    assert thresholds_reached(-6, settings)[-1] == "d0"  # overdue, not yet a week
    assert thresholds_reached(-7, settings)[-1] == "o1"
    assert thresholds_reached(-15, settings)[-2:] == ["o1", "o2"]
    never = RemindSettings(days=(7,), overdue_every_days=0)
    assert thresholds_reached(-100, never) == ["d7"]


def test_remind_with_email_writes_one_message_per_run(chat: FakeChat, tmp_path: Path) -> None:
    """--email goes through the email channel; a refused SMTP server records nothing for email."""
    config = write_config(
        tmp_path,
        chat,
        ("teams",),
        extra="[email]\nsmtp_host = '127.0.0.1'\nsmtp_port = 9\nsecurity = 'none'\n"
        "from = 'r@example.com'\nto = ['team@example.com']\n",
    )
    result = remind(config, date(2026, 11, 30), "--email")
    assert result.exit_code == 3  # nothing listens on port 9
    assert len(chat.teams) == 1  # Teams still got today's reminders
    from reporter.config import load_config
    from reporter.delivery.state import State, state_path

    with State(state_path(load_config(config), tmp_path)) as state:
        assert state.sent_reminders("email") == set()
        assert state.sent_reminders("teams")


def test_remind_without_a_channel_is_exit_2(tmp_path: Path) -> None:
    config = tmp_path / "reporter.toml"
    config.write_text(f"register = '{SAMPLE}'\n", encoding="utf-8")
    result = remind(config, date(2026, 11, 30))
    assert result.exit_code == 2 and "channels" in result.output


def test_a_kill_between_send_and_record_never_loses_a_reminder(
    chat: FakeChat, tmp_path: Path, certificate: Certificate
) -> None:
    """The process is killed after the service accepted the post, before the record: the next
    run sends it again (twice in all, the chosen side), and records it."""
    from reporter.config import load_config
    from reporter.delivery.state import State, state_path

    config = write_config(tmp_path, chat, ("slack",))
    environment = {
        **os.environ,
        "REQUESTS_CA_BUNDLE": str(certificate.cert),
        "REPORTER_SLACK_WEBHOOK": chat.base + SLACK_PATH,
        "NO_PROXY": "127.0.0.1,localhost",
    }
    command = [sys.executable, "-m", "reporter", "remind", "--config", str(config)]
    command += ["--as-of", "2026-11-30"]
    child: list[subprocess.Popen[bytes]] = []

    def kill_the_run(service: str) -> None:
        child[0].send_signal(signal.SIGKILL)
        child[0].wait()

    chat.on_accept = kill_the_run
    child.append(subprocess.Popen(command, env=environment, cwd=tmp_path))
    assert child[0].wait(timeout=120) == -signal.SIGKILL
    assert len(chat.slack) == 1  # the service had it
    state_file = state_path(load_config(config), tmp_path)
    if state_file.exists():
        with State(state_file) as state:
            assert state.sent_reminders("slack") == set()  # killed before the record

    chat.on_accept = None
    again = subprocess.run(command, env=environment, cwd=tmp_path, capture_output=True, timeout=120)
    assert again.returncode == 0, again.stderr.decode()
    assert len(chat.slack) == 2
    assert reminders_in(chat.slack[0]) == reminders_in(chat.slack[1])
    with State(state_file) as state:
        assert state.sent_reminders("slack")


# --- schedule --remind ----------------------------------------------------------------------------


def test_schedule_remind_sets_up_a_daily_run(tmp_path: Path) -> None:
    config = tmp_path / "reporter.toml"
    config.write_text("[schedule]\ntime = '08:30'\n", encoding="utf-8")
    launcher = Path(__file__).resolve().parent.parent / "launchers" / "run_report.sh"
    result = run(
        "schedule", "--cron", "--remind", "--config", str(config), "--launcher", str(launcher)
    )
    assert result.exit_code == 0, result.output
    line = result.output.strip().splitlines()[-1]
    assert line.startswith("30 8 * * * ") and " --scheduled --remind --config " in line
    assert line.endswith(str(config.resolve()))  # the job runs with the config it was made from
    xml = tmp_path / "remind.xml"
    bat = launcher.with_suffix(".bat")
    windows = run(
        "schedule",
        "--windows",
        "--remind",
        "--config",
        str(config),
        "--launcher",
        str(bat),
        "--out",
        str(xml),
    )
    assert windows.exit_code == 0, windows.output
    text = xml.read_bytes().decode("utf-16")
    assert "<DaysInterval>1</DaysInterval>" in text and "--remind" in text
    assert "ScheduleByMonth" not in text


# --- register text in a post ----------------------------------------------------------------------

HOSTILE_OWNERS = ("[toall]", "<!channel>", "[x](https://evil.example/x)", "**太字**")


def test_register_text_cannot_mention_link_or_format_in_any_chat(
    run_check: Any,
) -> None:
    """An owner typed as a Chatwork [toall], a Slack <!channel> or a Markdown link stays text."""
    from reporter.delivery.channels import chatwork, slack, teams
    from reporter.delivery.channels.post import post_of
    from reporter.delivery.digest import build_digest

    keys = [
        {
            "キーID": f"K-{i}",
            "種類": "楽天ライセンスキー",
            "ツールID": "T-1",
            "発行日": date(2026, 8, 1 + i),
            "状態": "利用中",
            "担当者": owner,
            "副担当": "鈴木",
        }
        for i, owner in enumerate(HOSTILE_OWNERS)
    ]
    tool = {"ツールID": "T-1", "ツール名": "受注さん", "用途": "受注管理", "状態": "利用中"}
    result = run_check(date(2026, 11, 30), tools=[tool], keys=keys)
    post = post_of(build_digest(result, "ja"))
    assert len(post.entries) >= len(HOSTILE_OWNERS)

    body = chatwork.message_body(post)
    assert "[toall]" not in body and "［toall]" in body
    assert body.count("[info]") == 1 and body.count("[/info]") == 1

    blocks = slack.payload(post)["blocks"]
    assert all(b.get("text", {}).get("type", "plain_text") == "plain_text" for b in blocks)
    assert "<!channel>" not in slack.payload(post)["text"]

    card_text = json.dumps(teams.card(post), ensure_ascii=False)
    assert "[x](https" not in card_text and "\\\\[x\\\\](https" in card_text
    assert "**太字**" not in card_text


def test_a_service_that_does_not_answer_is_named_without_its_secret_path(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Nothing listens on the port: requests' error quotes the URL's path, which is the secret."""
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    monkeypatch.setenv("REPORTER_TEAMS_WEBHOOK", f"https://127.0.0.1:{port}{TEAMS_PATH}")
    config = tmp_path / "reporter.toml"
    config.write_text(
        f"register = '{SAMPLE}'\noutput_dir = 'reports'\n[chat]\nchannels = ['teams']\n",
        encoding="utf-8",
    )
    result = run("report", "--config", str(config), "--as-of", "2026-11-30", "--chat")
    assert result.exit_code == 3
    assert "Teams" in result.output and "127.0.0.1" in result.output
    assert secrets_in(result.output) == [] and "/teams/" not in result.output


# --- the channel interface ------------------------------------------------------------------------


def test_a_new_channel_is_one_module_and_a_refusal_does_not_stop_the_next(
    monkeypatch: pytest.MonkeyPatch, run_check: Any
) -> None:
    import types

    from reporter.config import Config
    from reporter.delivery import channels
    from reporter.delivery.digest import Digest, build_digest
    from reporter.errors import OutputError

    got: list[tuple[str, int]] = []

    def module(name: str, refuse: bool) -> types.ModuleType:
        fake = types.ModuleType(f"reporter.delivery.channels.{name}")

        class Fake:
            def __init__(self, config: Config) -> None:
                self.name, self.config = name, config

            def deliver(self, digest: Digest) -> channels.Delivered:
                if refuse:
                    raise channels.refused(name, "HTTP 500", "example.invalid")
                got.append((name, digest.action_count))
                return channels.Delivered(name, lines=(f"posted to {name}",))

        fake.make = lambda config, **options: Fake(config)  # type: ignore[attr-defined]
        return fake

    monkeypatch.setitem(sys.modules, "reporter.delivery.channels.down", module("down", True))
    monkeypatch.setitem(sys.modules, "reporter.delivery.channels.up", module("up", False))
    tool = {"ツールID": "T-1", "ツール名": "受注さん", "用途": "受注管理", "状態": "利用中"}
    key = {"キーID": "K-1", "種類": "楽天ライセンスキー", "ツールID": "T-1"}
    key |= {"発行日": date(2026, 8, 1), "状態": "利用中", "担当者": "佐藤"}
    digest = build_digest(run_check(date(2026, 11, 30), tools=[tool], keys=[key]), "ja")
    made = [channels.make(name, Config()) for name in ("down", "up")]
    outcome = channels.deliver_all(digest, made)
    assert got == [("up", digest.action_count)] and digest.action_count >= 1
    (refusal,) = outcome.refused
    assert isinstance(refusal, OutputError) and "down" in refusal.render("en")
    assert "HTTP 500" in refusal.render("ja")
    with pytest.raises(Exception, match="chat_unknown_channel"):
        channels.make("nowhere", Config())


def test_remind_by_email_sends_one_mail_of_todays_reminders_once(tmp_path: Path) -> None:
    """A local SMTP server (aiosmtpd) stands in for the mail server."""
    import email
    import email.policy

    from tests.test_email import start_server

    controller, server = start_server()
    try:
        config = tmp_path / "reporter.toml"
        config.write_text(
            f"register = '{SAMPLE}'\noutput_dir = 'reports'\n[email]\nsmtp_host = '127.0.0.1'\n"
            f"smtp_port = {server.port}\nsecurity = 'none'\nfrom = 'reporter@example.com'\n"
            "to = ['team@example.com']\n",
            encoding="utf-8",
        )
        first = remind(config, date(2026, 11, 30), "--email")
        assert first.exit_code == 0, first.output
        (envelope,) = server.handler.envelopes
        message = email.message_from_bytes(envelope.original_content, policy=email.policy.default)
        assert "台帳リマインダー 2026-11-30" in str(message["Subject"])
        assert list(message.iter_attachments()) == []  # a reminder is the list, not the report
        plain = message.get_body(("plain",)).get_content()  # type: ignore[union-attr]
        assert "期限を" in plain and "日過ぎています" in plain
        again = remind(config, date(2026, 11, 30), "--email")
        assert again.exit_code == 0 and "ありません" in again.output
        assert len(server.handler.envelopes) == 1
    finally:
        controller.stop()

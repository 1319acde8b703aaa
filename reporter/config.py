"""The config file (register-spec.md section 7): where the register is, where reports go.

Every key is optional; an unknown key or a wrong type is an error naming the
key and the file. Relative paths are relative to the config file's folder. A
shared-drive path such as ``\\\\server\\share\\台帳.xlsx`` is kept as written.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path, PureWindowsPath
from typing import Any

from reporter.errors import InputError

DEFAULT_NAME = "reporter.toml"
# [email] security: how the SMTP connection is encrypted.
SECURITY_CHOICES = ("starttls", "ssl", "none")
# [email] method: SMTP with a password; Microsoft Graph sendMail; SMTP with an Entra ID token.
METHOD_CHOICES = ("smtp", "graph", "smtp-oauth")
# Microsoft's sign-in and Graph; other values are for national clouds (and tests on localhost).
LOGIN_URL = "https://login.microsoftonline.com"
GRAPH_URL = "https://graph.microsoft.com"


_TYPE_NAMES = {
    str: {"ja": '文字列("...")', "en": "a string"},
    int: {"ja": "整数", "en": "a whole number"},
    list: {"ja": '文字列のリスト(["..."])', "en": "a list of strings"},
    bool: {"ja": "true か false", "en": "true or false"},
}


@dataclass(frozen=True)
class EmailSettings:
    smtp_host: str = ""
    smtp_port: int = 587
    security: str = "starttls"
    username: str = ""
    password_env: str = "REPORTER_SMTP_PASSWORD"
    sender: str = ""
    to: tuple[str, ...] = ()
    cc: tuple[str, ...] = ()
    subject_prefix: str = "[台帳レポート]"
    method: str = "smtp"
    # Microsoft Entra ID app-only sign-in (method "graph" / "smtp-oauth").
    tenant_id: str = ""
    client_id: str = ""
    client_secret_env: str = "REPORTER_CLIENT_SECRET"
    certificate: str = ""  # a .pem (key + certificate) or .pfx file, resolved against the config
    certificate_thumbprint: str = ""
    login_url: str = LOGIN_URL
    graph_url: str = GRAPH_URL
    # [email.owners]: 担当者 name -> address, in the file's order.
    owners: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class ScheduleSettings:
    """When the monthly run starts (``reporter schedule``): a day of the month and a local time."""

    day: int = 1
    time: str = "09:00"

    @property
    def hour(self) -> int:
        return int(self.time.split(":")[0])

    @property
    def minute(self) -> int:
        return int(self.time.split(":")[1])


# --- [chat] and [remind] (register-spec.md section 8) ---------------------------------------------

# The chat channels `[chat] channels` may name.
CHAT_CHOICES = ("teams", "slack", "chatwork")
CHATWORK_API_URL = "https://api.chatwork.com/v2"
# A *_env value names an environment variable: letters, digits and underscores.
_ENV_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
# A deadline further than ten years away is a typing mistake, not a reminder threshold.
_MAX_DAYS = 3650


@dataclass(frozen=True)
class TeamsSettings:
    webhook_env: str = "REPORTER_TEAMS_WEBHOOK"  # the variable holding the Workflows webhook URL


@dataclass(frozen=True)
class SlackSettings:
    webhook_env: str = "REPORTER_SLACK_WEBHOOK"  # the variable holding the incoming-webhook URL


@dataclass(frozen=True)
class ChatworkSettings:
    room_id: int = 0
    token_env: str = "REPORTER_CHATWORK_TOKEN"  # the variable holding the API token
    api_url: str = CHATWORK_API_URL
    tasks: bool = False  # one Chatwork task per action with a due date
    # [chat.chatwork.members]: 担当者 name -> Chatwork account id, in the file's order.
    members: tuple[tuple[str, int], ...] = ()


@dataclass(frozen=True)
class ChatSettings:
    channels: tuple[str, ...] = ()
    teams: TeamsSettings = field(default_factory=TeamsSettings)
    slack: SlackSettings = field(default_factory=SlackSettings)
    chatwork: ChatworkSettings = field(default_factory=ChatworkSettings)


@dataclass(frozen=True)
class RemindSettings:
    days: tuple[int, ...] = (30, 14, 7, 3, 1, 0)  # remind when a deadline is this many days away
    overdue_every_days: int = 7  # and every this many days while it is overdue (0: never)
    state: str = "reminders.sqlite"  # what was sent; a relative path is under output_dir


_CHAT = {"channels": list, "teams": dict, "slack": dict, "chatwork": dict}
_CHAT_TEAMS = {"webhook_env": str}
_CHAT_SLACK = {"webhook_env": str}
_CHAT_CHATWORK = {
    "room_id": int,
    "token_env": str,
    "api_url": str,
    "tasks": bool,
    "members": dict,
}
_REMIND = {"days": list, "overdue_every_days": int, "state": str}
# Keys that would put a secret in the file: refused with a line saying where it goes instead.
_CHAT_SECRETS = {
    "teams": ("webhook", "webhook_url", "url"),
    "slack": ("webhook", "webhook_url", "url"),
    "chatwork": ("token", "api_token"),
}


def _chat(path: Path, table: Any) -> ChatSettings:
    _check_table(path, table, _CHAT, "chat.")
    channels = table.get("channels", [])
    for name in channels:
        if name not in CHAT_CHOICES:
            raise InputError(
                "config_wrong_type",
                path=str(path),
                key="chat.channels",
                expected=" / ".join(CHAT_CHOICES),
                value=repr(name),
            )
    for channel, keys in _CHAT_SECRETS.items():
        sub = table.get(channel, {})
        for key in keys:
            if isinstance(sub, dict) and key in sub:
                raise InputError(
                    "config_chat_secret_in_file", path=str(path), key=f"chat.{channel}.{key}"
                )
    teams = table.get("teams", {})
    _check_table(path, teams, _CHAT_TEAMS, "chat.teams.")
    slack = table.get("slack", {})
    _check_table(path, slack, _CHAT_SLACK, "chat.slack.")
    chatwork = table.get("chatwork", {})
    _check_table(path, chatwork, _CHAT_CHATWORK, "chat.chatwork.")
    for key, value in (
        ("chat.teams.webhook_env", teams.get("webhook_env")),
        ("chat.slack.webhook_env", slack.get("webhook_env")),
        ("chat.chatwork.token_env", chatwork.get("token_env")),
    ):
        if value is not None and not _ENV_NAME.fullmatch(value):
            raise InputError(
                "config_wrong_type",
                path=str(path),
                key=key,
                expected={
                    "ja": "環境変数の名前(英数字と _)",
                    "en": "the name of an environment variable (letters, digits, _)",
                },
                value="…",
            )
    room_id = chatwork.get("room_id", 0)
    if room_id < 0:
        raise InputError(
            "config_wrong_type",
            path=str(path),
            key="chat.chatwork.room_id",
            expected={"ja": "ルームID(正の整数)", "en": "a room id (a positive whole number)"},
            value=room_id,
        )
    api_url = chatwork.get("api_url", CHATWORK_API_URL).strip()
    if not api_url.lower().startswith("https://"):
        raise InputError(
            "config_wrong_type",
            path=str(path),
            key="chat.chatwork.api_url",
            expected={"ja": "https:// で始まるURL", "en": "a URL starting with https://"},
            value=repr(api_url),
        )
    members = chatwork.get("members", {})
    for name, account in members.items():
        if not isinstance(account, int) or isinstance(account, bool) or account <= 0:
            raise InputError(
                "config_wrong_type",
                path=str(path),
                key=f"chat.chatwork.members.{name}",
                expected={
                    "ja": "Chatwork のアカウントID(正の整数)",
                    "en": "a Chatwork account id (a positive whole number)",
                },
                value=repr(account),
            )
    return ChatSettings(
        channels=tuple(dict.fromkeys(channels)),
        teams=TeamsSettings(webhook_env=teams.get("webhook_env", TeamsSettings.webhook_env)),
        slack=SlackSettings(webhook_env=slack.get("webhook_env", SlackSettings.webhook_env)),
        chatwork=ChatworkSettings(
            room_id=room_id,
            token_env=chatwork.get("token_env", ChatworkSettings.token_env),
            api_url=api_url,
            tasks=chatwork.get("tasks", False),
            members=tuple((name.strip(), account) for name, account in members.items()),
        ),
    )


def _remind(path: Path, table: Any) -> RemindSettings:
    _check_table(path, table, _REMIND, "remind.")
    days = table.get("days", list(RemindSettings.days))
    within = {
        "ja": f"0から{_MAX_DAYS}までの整数のリスト",
        "en": f"a list of whole numbers from 0 to {_MAX_DAYS}",
    }
    if not all(
        isinstance(d, int) and not isinstance(d, bool) and 0 <= d <= _MAX_DAYS for d in days
    ):
        raise InputError(
            "config_wrong_type",
            path=str(path),
            key="remind.days",
            expected=within,
            value=repr(days),
        )
    every = table.get("overdue_every_days", RemindSettings.overdue_every_days)
    if not 0 <= every <= _MAX_DAYS:
        raise InputError(
            "config_wrong_type",
            path=str(path),
            key="remind.overdue_every_days",
            expected={
                "ja": f"0から{_MAX_DAYS}までの整数",
                "en": f"a whole number from 0 to {_MAX_DAYS}",
            },
            value=every,
        )
    state = table.get("state", RemindSettings.state)
    if not state.strip() or any(ord(char) < 32 or ord(char) == 127 for char in state):
        raise InputError(
            "config_wrong_type",
            path=str(path),
            key="remind.state",
            expected={
                "ja": "ファイル名(制御文字なし)",
                "en": "a file name (no control characters)",
            },
            value="…",
        )
    return RemindSettings(
        days=tuple(sorted(set(days), reverse=True)), overdue_every_days=every, state=state
    )


@dataclass(frozen=True)
class Config:
    path: Path | None = None
    register: str | None = None
    output_dir: str | None = None
    lang: str | None = None
    windows: dict[str, int] = field(default_factory=dict)
    email: EmailSettings = field(default_factory=EmailSettings)
    schedule: ScheduleSettings = field(default_factory=ScheduleSettings)
    chat: ChatSettings = field(default_factory=ChatSettings)
    remind: RemindSettings = field(default_factory=RemindSettings)

    def resolve(self, value: str | None) -> str | None:
        """A path from the config, relative to the config file's folder."""
        if value is None or self.path is None:
            return value
        if _is_absolute(value):
            return value
        return str(self.path.parent / value)


def _is_absolute(value: str) -> bool:
    return (
        Path(value).is_absolute()
        or PureWindowsPath(value).is_absolute()
        or value.startswith(("\\\\", "//"))
    )


_TOP = {
    "register": str,
    "output_dir": str,
    "lang": str,
    "windows": dict,
    "email": dict,
    "schedule": dict,
    "chat": dict,
    "remind": dict,
}
_WINDOWS = {"renewal_warning_days": int, "reply_days": int}
_SCHEDULE = {"day": int, "time": str}
# Days 29-31 are missing from some months, and Task Scheduler, cron and launchd
# would skip those months: the run is monthly, so the day is one every month has.
_LAST_DAY = 28
_TIME = re.compile(r"([01]?[0-9]|2[0-3]):([0-5][0-9])")
_EMAIL = {
    "smtp_host": str,
    "smtp_port": int,
    "security": str,
    "username": str,
    "password_env": str,
    "from": str,
    "to": list,
    "cc": list,
    "subject_prefix": str,
    "method": str,
    "tenant_id": str,
    "client_id": str,
    "client_secret_env": str,
    "certificate": str,
    "certificate_thumbprint": str,
    "login_url": str,
    "graph_url": str,
    "owners": dict,
}
_CHOICES = {
    "lang": ("ja", "en"),
    "email.security": SECURITY_CHOICES,
    "email.method": METHOD_CHOICES,
}


def known_keys() -> list[str]:
    """Every key the config file can hold, dotted (``email.smtp_host``,
    ``chat.chatwork.room_id``); a table of names (``email.owners``) is one key."""
    nested = {
        "chat.teams": _CHAT_TEAMS,
        "chat.slack": _CHAT_SLACK,
        "chat.chatwork": _CHAT_CHATWORK,
    }
    tables = {
        "windows": _WINDOWS,
        "email": _EMAIL,
        "schedule": _SCHEDULE,
        "chat": _CHAT,
        "remind": _REMIND,
    }

    def walk(prefix: str, table: dict[str, type]) -> list[str]:
        keys = []
        for name in table:
            dotted = f"{prefix}.{name}"
            keys += walk(dotted, nested[dotted]) if dotted in nested else [dotted]
        return keys

    keys: list[str] = []
    for name in _TOP:
        keys += walk(name, tables[name]) if name in tables else [name]
    return keys


def load_config(path: str | Path | None, *, explicit: bool = True) -> Config:
    """Read the config at ``path``; with ``explicit=False`` a missing file means no config."""
    if path is None:
        candidate = Path.cwd() / DEFAULT_NAME
        if not candidate.is_file():
            return Config()
        path, explicit = candidate, False
    path = Path(path)
    if not path.is_file():
        if explicit:
            raise InputError("config_missing", path=str(path))
        return Config()
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8-sig"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError, OSError) as error:
        raise InputError("config_invalid", path=str(path), detail=str(error)) from None
    _check_table(path, data, _TOP, "")
    windows = data.get("windows", {})
    _check_table(path, windows, _WINDOWS, "windows.")
    for key, value in windows.items():
        if value < 0:
            raise InputError(
                "config_wrong_type",
                path=str(path),
                key=f"windows.{key}",
                expected={"ja": "0以上の整数", "en": "a whole number, 0 or more"},
                value=value,
            )
    email = data.get("email", {})
    if isinstance(email, dict) and "password" in email:
        raise InputError("config_password_in_file", path=str(path))
    if isinstance(email, dict) and "client_secret" in email:
        raise InputError("config_secret_in_file", path=str(path))
    _check_table(path, email, _EMAIL, "email.")
    owners = email.get("owners", {})
    for name, address in owners.items():
        if not isinstance(address, str):
            raise InputError(
                "config_wrong_type",
                path=str(path),
                key=f"email.owners.{name}",
                expected=_TYPE_NAMES[str],
                value=repr(address),
            )
    certificate = email.get("certificate", "")
    if certificate and not _is_absolute(certificate):
        certificate = str(path.resolve().parent / certificate)
    for key in ("to", "cc"):
        if not all(isinstance(item, str) for item in email.get(key, [])):
            raise InputError(
                "config_wrong_type",
                path=str(path),
                key=f"email.{key}",
                expected=_TYPE_NAMES[list],
                value=email[key],
            )
    schedule = _schedule(path, data.get("schedule", {}))
    return Config(
        path=path.resolve(),
        register=data.get("register"),
        output_dir=data.get("output_dir"),
        lang=data.get("lang"),
        windows=dict(windows),
        email=EmailSettings(
            smtp_host=email.get("smtp_host", ""),
            smtp_port=email.get("smtp_port", 587),
            security=email.get("security", "starttls"),
            username=email.get("username", ""),
            password_env=email.get("password_env", "REPORTER_SMTP_PASSWORD"),
            sender=email.get("from", ""),
            to=tuple(email.get("to", ())),
            cc=tuple(email.get("cc", ())),
            subject_prefix=email.get("subject_prefix", "[台帳レポート]"),
            method=email.get("method", "smtp"),
            tenant_id=email.get("tenant_id", "").strip(),
            client_id=email.get("client_id", "").strip(),
            client_secret_env=email.get("client_secret_env", "REPORTER_CLIENT_SECRET"),
            certificate=certificate,
            certificate_thumbprint=email.get("certificate_thumbprint", "").strip(),
            login_url=email.get("login_url", LOGIN_URL),
            graph_url=email.get("graph_url", GRAPH_URL),
            owners=tuple((name.strip(), address) for name, address in owners.items()),
        ),
        schedule=schedule,
        chat=_chat(path, data.get("chat", {})),
        remind=_remind(path, data.get("remind", {})),
    )


def _schedule(path: Path, table: Any) -> ScheduleSettings:
    _check_table(path, table, _SCHEDULE, "schedule.")
    day = table.get("day", 1)
    if not 1 <= day <= _LAST_DAY:
        raise InputError(
            "config_wrong_type",
            path=str(path),
            key="schedule.day",
            expected={
                "ja": f"1から{_LAST_DAY}までの整数",
                "en": f"a whole number from 1 to {_LAST_DAY}",
            },
            value=day,
        )
    time = table.get("time", "09:00").strip()
    match = _TIME.fullmatch(time)
    if match is None:
        raise InputError(
            "config_wrong_type",
            path=str(path),
            key="schedule.time",
            expected={
                "ja": '"09:00" のような24時間制の時刻',
                "en": 'a 24-hour time such as "09:00"',
            },
            value=repr(time),
        )
    return ScheduleSettings(day=day, time=f"{int(match[1]):02d}:{match[2]}")


def _check_table(path: Path, table: Any, schema: dict[str, type], prefix: str) -> None:
    if not isinstance(table, dict):
        raise InputError(
            "config_wrong_type",
            path=str(path),
            key=prefix.rstrip("."),
            expected={"ja": "表([...])", "en": "a table ([...])"},
            value=table,
        )
    for key, value in table.items():
        expected = schema.get(key)
        if expected is None:
            raise InputError(
                "config_unknown_key",
                path=str(path),
                key=prefix + key,
                allowed=", ".join(prefix + k for k in schema),
            )
        if not isinstance(value, expected) or (expected is int and isinstance(value, bool)):
            raise InputError(
                "config_wrong_type",
                path=str(path),
                key=prefix + key,
                expected=_TYPE_NAMES.get(expected, {"ja": "表", "en": "a table"}),
                value=repr(value),
            )
        choices = _CHOICES.get(prefix + key)
        if choices and value not in choices:
            raise InputError(
                "config_wrong_type",
                path=str(path),
                key=prefix + key,
                expected=" / ".join(choices),
                value=repr(value),
            )

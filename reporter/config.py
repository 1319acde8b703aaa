"""The config file (register-spec.md section 7): where the register is, where reports go.

Every key is optional; an unknown key, a wrong type or a value that cannot
work is an error naming the key and the file (exit 2), and a value that may
be a secret (the ``*_env`` keys) is never echoed. Relative paths are relative
to the config file's folder. A shared-drive path such as
``\\\\server\\share\\台帳.xlsx`` is kept as written.

Each key is declared once: a field of its table's settings dataclass, written
with :func:`setting` (its default, the values it allows, how it is checked).
Everything else is derived from those fields: the type a key takes (from the
field's type hint), its default, the unknown-key check, the validation,
:func:`load_config` and :func:`known_keys`.

Adding a table, e.g. ``[chat]`` with a sub-table ``[chat.teams]``:

1. Write a frozen dataclass per table whose fields are its keys, each
   ``name: <type> = setting(<default>, ...)``. The type hint is what the file
   holds: ``str``, ``int``, ``bool``, ``tuple[str, ...]`` (a list of text),
   ``tuple[int, ...]`` (a list of whole numbers), ``tuple[tuple[str, str], ...]``
   (a table of name = text, as ``[email.owners]``; ``tuple[str, int]`` for
   name = number). A sub-table is a field ``teams: TeamsSettings = table(TeamsSettings)``.
   ``check=`` validates and converts a value (see :func:`days`, :func:`env_name`,
   :func:`file_path`); ``secret=True`` keeps a value out of every message.
   Keys to refuse with their own message (a secret written in the file) go in
   the class's ``REFUSED`` mapping, key -> message key (given ``path`` and the
   dotted ``key``).
2. Add the table to :class:`Config`: ``chat: ChatSettings = table(ChatSettings)``.
3. List every key in templates/reporter.toml, with a comment in Japanese and
   English: tests/test_config.py compares the template with :func:`known_keys`.
"""

from __future__ import annotations

import dataclasses
import re
import sys
import tomllib
import types
import typing
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path, PureWindowsPath
from typing import Any, ClassVar

from reporter.errors import InputError
from reporter.limits import MAX_DAYS

DEFAULT_NAME = "reporter.toml"
# [email] security: how the SMTP connection is encrypted.
SECURITY_CHOICES = ("starttls", "ssl", "none")
# [email] method: SMTP with a password; Microsoft Graph sendMail; SMTP with an Entra ID token.
METHOD_CHOICES = ("smtp", "graph", "smtp-oauth")
# Microsoft's sign-in and Graph; other values are for national clouds (and tests on localhost).
LOGIN_URL = "https://login.microsoftonline.com"
GRAPH_URL = "https://graph.microsoft.com"
# Days 29-31 are missing from some months, and Task Scheduler, cron and launchd
# would skip those months: the run is monthly, so the day is one every month has.
_LAST_DAY = 28
_TIME = re.compile(r"([01]?[0-9]|2[0-3]):([0-5][0-9])")
# What a program can read from the environment on Windows, macOS and Linux alike.
_ENV_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
# No path, address or name in a config needs one; a pasted NUL or line break breaks paths,
# mail headers and the launcher's command line.
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")


@dataclass(frozen=True)
class Where:
    """The key being read and the config file it is in, for checks and their messages."""

    path: Path
    key: str  # dotted: "email.smtp_port"
    default: Any = None  # the key's default, for an example in a message

    def fail(self, message: str, **params: Any) -> InputError:
        return InputError(message, path=str(self.path), key=self.key, **params)


Check = Callable[[Any, Where], Any]


def setting(
    default: Any,
    *,
    key: str | None = None,
    choices: tuple[str, ...] = (),
    check: Check | None = None,
    secret: bool = False,
) -> Any:
    """A config key: a dataclass field with its default and how it is read.

    ``key`` is its name in the file when that differs from the field's (``from``
    is a Python keyword); ``choices`` the only values allowed (for a list, for
    each of its items); ``check`` a
    function (value, where) -> value that refuses a value with InputError or
    converts it; ``secret`` keeps the value out of messages.
    """
    metadata = {"key": key, "choices": choices, "check": check, "secret": secret}
    if isinstance(default, (dict, list)):
        raise TypeError("a table or list default is a tuple (frozen settings)")
    return field(default=default, metadata={"setting": metadata})


def table(settings: type, *, given_only: bool = False) -> Any:
    """A sub-table of settings (``[email]``, ``[email.owners]`` is a setting).

    ``given_only`` keeps only the keys the file gives, as a dict (``[windows]``:
    a window not given is the rules file's, not a default of this module).
    """
    factory: Callable[[], Any] = dict if given_only else settings
    return field(default_factory=factory, metadata={"table": settings, "given_only": given_only})


# --- checks ------------------------------------------------------------------


def days(value: int, where: Where) -> int:
    """A window of days: 0 to MAX_DAYS (ten years); dates plus more would leave the calendar."""
    return whole_number(0, MAX_DAYS)(value, where)


def whole_number(low: int, high: int) -> Check:
    def check(value: int, where: Where) -> int:
        if not low <= value <= high:
            raise where.fail("config_out_of_range", low=low, high=high, value=value)
        return value

    return check


def env_name(value: str, where: Where) -> str:
    """The name of an environment variable: what is written here is often the secret itself."""
    if not _ENV_NAME.fullmatch(value):
        example = where.default or "REPORTER_PASSWORD"
        raise where.fail("config_not_env_name", example=example)
    return value


def file_path(value: str, where: Where) -> str:
    """A file's path, resolved against the config file's folder."""
    if value and not _is_absolute(value):
        return str(where.path.resolve().parent / value)
    return value


def stripped(value: str, where: Where) -> str:
    return value.strip()


def owners(value: tuple[tuple[str, str], ...], where: Where) -> tuple[tuple[str, str], ...]:
    """Owner name -> address: an owner with no address would lose their actions silently."""
    for name, address in value:
        if not address.strip():
            raise InputError("config_owner_no_address", path=str(where.path), name=name)
    return tuple((name.strip(), address.strip()) for name, address in value)


def schedule_day(value: int, where: Where) -> int:
    if not 1 <= value <= _LAST_DAY:
        raise where.fail(
            "config_wrong_type",
            expected={
                "ja": f"1から{_LAST_DAY}までの整数",
                "en": f"a whole number from 1 to {_LAST_DAY}",
            },
            value=value,
        )
    return value


def schedule_time(value: str, where: Where) -> str:
    time = value.strip()
    match = _TIME.fullmatch(time)
    if match is None:
        raise where.fail(
            "config_wrong_type",
            expected={
                "ja": '"09:00" のような24時間制の時刻',
                "en": 'a 24-hour time such as "09:00"',
            },
            value=repr(time),
        )
    return f"{int(match[1]):02d}:{match[2]}"


# --- the tables ----------------------------------------------------------------


@dataclass(frozen=True)
class WindowSettings:
    """``[windows]``: the team's own windows; a key not given is the rules file's value."""

    renewal_warning_days: int | None = setting(None, check=days)
    reply_days: int | None = setting(None, check=days)


@dataclass(frozen=True)
class EmailSettings:
    """``[email]``: how the report is mailed (``report --email``) and to whom."""

    REFUSED: ClassVar[Mapping[str, str]] = {
        "password": "config_password_in_file",
        "client_secret": "config_secret_in_file",
    }

    smtp_host: str = setting("")
    smtp_port: int = setting(587, check=whole_number(1, 65535))
    security: str = setting("starttls", choices=SECURITY_CHOICES)
    username: str = setting("")
    password_env: str = setting("REPORTER_SMTP_PASSWORD", check=env_name, secret=True)
    sender: str = setting("", key="from")
    to: tuple[str, ...] = setting(())
    cc: tuple[str, ...] = setting(())
    subject_prefix: str = setting("[台帳レポート]")
    method: str = setting("smtp", choices=METHOD_CHOICES)
    # Microsoft Entra ID app-only sign-in (method "graph" / "smtp-oauth").
    tenant_id: str = setting("", check=stripped)
    client_id: str = setting("", check=stripped)
    client_secret_env: str = setting("REPORTER_CLIENT_SECRET", check=env_name, secret=True)
    # A .pem (key + certificate) or .pfx file, resolved against the config's folder.
    certificate: str = setting("", check=file_path)
    certificate_thumbprint: str = setting("", check=stripped)
    login_url: str = setting(LOGIN_URL)
    graph_url: str = setting(GRAPH_URL)
    # [email.owners]: 担当者 name -> address, in the file's order.
    owners: tuple[tuple[str, str], ...] = setting((), check=owners)


@dataclass(frozen=True)
class ScheduleSettings:
    """When the monthly run starts (``reporter schedule``): a day of the month and a local time."""

    day: int = setting(1, check=schedule_day)
    time: str = setting("09:00", check=schedule_time)

    @property
    def hour(self) -> int:
        return int(self.time.split(":")[0])

    @property
    def minute(self) -> int:
        return int(self.time.split(":")[1])


@dataclass(frozen=True)
class Config:
    """The whole file: its top-level keys and one field per table."""

    path: Path | None = None  # the file read; not a key
    register: str | None = setting(None)
    output_dir: str | None = setting(None)
    lang: str | None = setting(None, choices=("ja", "en"))
    windows: dict[str, int] = table(WindowSettings, given_only=True)
    email: EmailSettings = table(EmailSettings)
    schedule: ScheduleSettings = table(ScheduleSettings)

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


# --- what the declarations say -------------------------------------------------


@dataclass(frozen=True)
class _Key:
    name: str  # in the file
    attribute: str  # the dataclass field
    hint: Any  # str, int, bool, tuple[str, ...], ... or a settings class (a table)
    choices: tuple[str, ...] = ()
    check: Check | None = None
    secret: bool = False
    given_only: bool = False
    default: Any = None


@cache
def _keys(settings: type) -> tuple[_Key, ...]:
    keys = []
    for item in dataclasses.fields(settings):
        if "table" in item.metadata:
            keys.append(
                _Key(
                    item.name,
                    item.name,
                    item.metadata["table"],
                    given_only=item.metadata["given_only"],
                )
            )
        elif "setting" in item.metadata:
            meta = item.metadata["setting"]
            hint = _hint(settings, item)
            if typing.get_origin(hint) in (typing.Union, types.UnionType):  # str | None
                hint = next(arg for arg in typing.get_args(hint) if arg is not type(None))
            keys.append(
                _Key(
                    meta["key"] or item.name,
                    item.name,
                    hint,
                    meta["choices"],
                    meta["check"],
                    meta["secret"],
                    default=item.default,
                )
            )
    return tuple(keys)


def _hint(settings: type, item: dataclasses.Field[Any]) -> Any:
    """A setting's type hint, evaluated (``from __future__ import annotations`` keeps it as
    text) in its module, as typing.get_type_hints would, but for this field alone: a
    table's hint may name a class that module-level code cannot see."""
    if not isinstance(item.type, str):
        return item.type
    return eval(item.type, vars(sys.modules[settings.__module__]))


def known_keys() -> list[str]:
    """Every key the config file can hold, dotted (``email.smtp_host``, ``windows.reply_days``),
    in declaration order; a table of names (``email.owners``) is one key."""

    def walk(settings: type, prefix: str) -> list[str]:
        names: list[str] = []
        for key in _keys(settings):
            if dataclasses.is_dataclass(key.hint):
                names += walk(key.hint, f"{prefix}{key.name}.")  # type: ignore[arg-type]
            else:
                names.append(prefix + key.name)
        return names

    return walk(Config, "")


# --- reading -------------------------------------------------------------------

_TYPE_NAMES = {
    str: {"ja": '文字列("...")', "en": "a string"},
    int: {"ja": "整数", "en": "a whole number"},
    bool: {"ja": "true か false", "en": "true or false"},
    "list": {"ja": '文字列のリスト(["..."])', "en": "a list of strings"},
    "int list": {"ja": "整数のリスト([30, 14])", "en": "a list of whole numbers"},
    "table": {"ja": "表([...])", "en": "a table ([...])"},
}


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
    values = read_table(path, data, Config, "")
    return Config(path=path.resolve(), **values)


def read_table(path: Path, data: Any, settings: type, prefix: str) -> dict[str, Any]:
    """The fields of ``settings`` that ``data`` (a TOML table of the file ``path``) gives,
    read and checked, by attribute name; ``prefix`` is the table's dotted name and a dot
    (``"email."``), for messages. Sub-tables are read the same way."""
    if not isinstance(data, dict):
        raise Where(path, prefix.rstrip(".")).fail(
            "config_wrong_type", expected=_TYPE_NAMES["table"], value=repr(data)
        )
    keys = {key.name: key for key in _keys(settings)}
    refused: Mapping[str, str] = getattr(settings, "REFUSED", {})
    for name in data:
        if name in refused:
            raise InputError(refused[name], path=str(path), key=prefix + name)
        if name not in keys:
            raise InputError(
                "config_unknown_key",
                path=str(path),
                key=prefix + name,
                allowed=", ".join(prefix + k for k in keys),
            )
    values: dict[str, Any] = {}
    for name, value in data.items():
        key = keys[name]
        where = Where(path, prefix + name, key.default)
        if dataclasses.is_dataclass(key.hint):
            given = read_table(path, value, key.hint, f"{prefix}{name}.")  # type: ignore[arg-type]
            values[key.attribute] = given if key.given_only else key.hint(**given)
        else:
            values[key.attribute] = _read_value(value, key, where)
    return values


def _read_value(value: Any, key: _Key, where: Where) -> Any:
    hint = key.hint
    origin = typing.get_origin(hint)
    if origin is tuple:
        item_hint = typing.get_args(hint)[0]
        if typing.get_origin(item_hint) is tuple:  # a table of name = value
            value_hint = typing.get_args(item_hint)[1]
            if not isinstance(value, dict):
                raise _wrong_type(value, _TYPE_NAMES["table"], key, where)
            pairs = []
            for name, item in value.items():
                inner = Where(where.path, f"{where.key}.{name}")
                _text_is_clean(name, where)
                pairs.append((name, _scalar(item, value_hint, key, inner)))
            read: Any = tuple(pairs)
        else:
            expected = _TYPE_NAMES["int list" if item_hint is int else "list"]
            if not isinstance(value, list) or not all(_is_type(v, item_hint) for v in value):
                raise _wrong_type(value, expected, key, where)
            for item in value:
                _text_is_clean(item, where)
                _is_a_choice(item, key, where)
            read = tuple(value)
    else:
        read = _scalar(value, hint, key, where)
        _is_a_choice(read, key, where)
    return key.check(read, where) if key.check is not None else read


def _is_a_choice(value: Any, key: _Key, where: Where) -> None:
    """``choices`` limits a key's value, or each item of a list (``channels = ["teams"]``)."""
    if key.choices and value not in key.choices:
        raise where.fail("config_wrong_type", expected=" / ".join(key.choices), value=repr(value))


def _scalar(value: Any, hint: type, key: _Key, where: Where) -> Any:
    if not _is_type(value, hint):
        raise _wrong_type(value, _TYPE_NAMES[hint], key, where)
    _text_is_clean(value, where)
    return value


def _is_type(value: Any, hint: type) -> bool:
    # TOML's true is a bool, and Python's bool is an int: not a number of days.
    return isinstance(value, hint) and not (hint is int and isinstance(value, bool))


def _text_is_clean(value: Any, where: Where) -> None:
    if isinstance(value, str) and _CONTROL.search(value):
        raise where.fail("config_control_character")


def _wrong_type(value: Any, expected: Any, key: _Key, where: Where) -> InputError:
    if key.secret:
        return where.fail("config_wrong_type_hidden", expected=expected)
    return where.fail("config_wrong_type", expected=expected, value=repr(value))

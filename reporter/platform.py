"""The platform rules in force: periods, dates, formats and texts, each with its source.

Every platform fact the rules use lives in ``reporter/rules.toml`` (or the file
given with ``--rules``), beside its source, so that a non-developer can update a
number when a platform changes it. :func:`load_settings` reads that file, checks
it strictly (a wrong rules file must stop the run, not silently change a
deadline) and returns a :class:`Settings`.

Settings values:
  validity_days            key kind -> days a key stays valid (only the kinds that expire)
  mws_shutdown             the date MWS stopped working
  mws_credentials_deleted  the date MWS credentials were deleted
  renewal_warning_days     RNW002 window; the config's [windows] overrides it
  reply_days               INC001/INC002/INC009 window; the config's [windows] overrides it
  invoice_window_days      invoice must be issued within this many days before the notice
  document_formats         allowed document extensions, lower case, no dots
  support_evidence         {"ja", "en"}: what to gather before contacting Amazon support
  support_urgent_warning   {"ja", "en"}: do not overuse the "urgent" checkbox
  support_channels(plan)   {"ja", "en"}: the channels a selling plan allows
  amazon_partner_required_since  since when Amazon wants contractors as authorized partners
  amazon_partner_invitation_days days a partner invitation link stays valid
  yahoo_authorization_without_key_hours  hours a Yahoo authorization lasts without a public key
  procedures               id -> Procedure: the full steps the actions name (procedures.toml)
  facts() / fact(name)     every value in force with its source (for ``reporter rules``)
  changes                  platform changes that stop a tool by a deadline (RNW010), in file order
  change(id)               one of them by its id, as the register's 対応確認済み spells it
  not_invoice_words        words in a file name that mark a quotation or an order (INC011)
  microsoft365_smtp        when Microsoft 365 switches password SMTP off, and its hosts

Any entry may also hold ``unconfirmed = "..."``: what its source could not confirm (a
button label, say). It is kept with the fact so that ``reporter rules`` shows it.

The steps of each platform procedure (menu paths, buttons, what to record) live
beside this file in procedures.toml (see :mod:`reporter.procedures`); a step may
quote any value here as ``{name}``.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from importlib import resources
from pathlib import Path
from types import MappingProxyType
from typing import Any, NoReturn

from reporter import i18n
from reporter.errors import InputError
from reporter.i18n import Text
from reporter.limits import FIRST_DATE, LAST_DATE, MAX_DAYS, in_date_range, in_days_range
from reporter.procedures import Procedure, load_procedures, procedures_path_for, put_in_force
from reporter.register.schema import KEY_KIND, PLATFORM, PURPOSE, normalize_token

RULES_FILE = "rules.toml"
LANGS = i18n.LANGS

# Key kinds of the register (docs/register.md, keys sheet: the schema is their home).
KEY_KINDS = tuple(KEY_KIND.values)
# The kinds with a validity period in the rules file; the others expire only by 有効期限.
EXPIRING_KINDS = (
    "rakuten_license_key",
    "sp_api_authorization",
    "lwa_client_secret",
    "yahoo_public_key",
    "yahoo_authorization",
)
WINDOWS = ("renewal_warning_days", "reply_days")
PLANS = ("professional", "individual")
CONFIG_SOURCE = "設定ファイル / config"

_SOURCE_KEYS = ("source", "url", "checked")
# May be given in any entry: what the source could not confirm.
_OPTIONAL_KEYS = ("unconfirmed",)
_TEXT_KEYS = ("ja", "en", *_SOURCE_KEYS)
_VALUE_KEYS = ("value", *_SOURCE_KEYS)
# Sections of the rules file and what each holds; a table of tables is keyed by the
# names allowed inside it.
_TOP: dict[str, tuple[str, ...] | None] = {
    "validity_days": EXPIRING_KINDS,
    "mws_shutdown": None,
    "mws_credentials_deleted": None,
    "windows": WINDOWS,
    "invoice_window_days": None,
    "document_formats": None,
    "support_channels": PLANS,
    "support_evidence": None,
    "support_urgent_warning": None,
    "amazon_partner_required_since": None,
    "amazon_partner_invitation_days": None,
    "yahoo_authorization_without_key_hours": None,
    "changes": None,  # [changes.<id>]: any id
    "not_invoice_words": None,
    "microsoft365_smtp_password_off": None,
}
_CHANGE_KEYS = (
    "platforms",
    "purposes",
    "deadline",
    "title_ja",
    "title_en",
    "ja",
    "en",
    *_SOURCE_KEYS,
)


@dataclass(frozen=True)
class Fact:
    """One value in force, as ``reporter rules`` shows it, with where it comes from."""

    name: str  # e.g. "validity_days.rakuten_license_key"; a Settings attribute or below it
    value: str  # display text (Japanese for texts)
    source_title: str
    source_url: str  # blank only for a value taken from the config file
    checked: date | None  # None only for a value taken from the config file
    value_en: str = ""  # English display text; same as value for numbers and dates
    unconfirmed: str = ""  # what the source could not confirm, as the rules file says

    def display(self, lang: str = "ja") -> str:
        return self.value_en if lang == "en" and self.value_en else self.value


@dataclass(frozen=True)
class PlatformChange:
    """A platform change that stops a tool on ``deadline`` unless its vendor has moved (RNW010)."""

    id: str  # what the register's 対応確認済み (confirmed_changes) names
    platforms: tuple[str, ...]  # the register's platform codes
    purposes: tuple[str, ...]  # the register's tool purposes
    deadline: date
    title: Text  # a short name, {"ja", "en"}
    what: Text  # what changes, {"ja", "en"}
    source_title: str
    source_url: str
    checked: date
    unconfirmed: str = ""


@dataclass(frozen=True)
class Microsoft365Smtp:
    """When Microsoft 365 switches password SMTP off by default, and the hosts it applies to."""

    off_from: date
    hosts: tuple[str, ...]  # lower case


@dataclass(frozen=True)
class Plan:
    """An Amazon selling plan's name and the support channels it allows."""

    label: Text
    channels: Text


@dataclass(frozen=True)
class Settings:
    validity_days: Mapping[str, int]
    mws_shutdown: date
    mws_credentials_deleted: date
    renewal_warning_days: int
    reply_days: int
    invoice_window_days: int
    document_formats: tuple[str, ...]
    support_evidence: Text
    support_urgent_warning: Text
    plans: Mapping[str, Plan]
    amazon_partner_required_since: date
    amazon_partner_invitation_days: int
    yahoo_authorization_without_key_hours: int
    procedures: Mapping[str, Procedure]
    changes: tuple[PlatformChange, ...]
    not_invoice_words: tuple[str, ...]
    microsoft365_smtp: Microsoft365Smtp
    rules_path: str  # the file the values came from, for messages and the report
    _facts: tuple[Fact, ...] = field(repr=False)

    def support_channels(self, plan: str | None) -> dict[str, str]:
        """The channels ``plan`` allows; for an unknown plan, what each plan allows."""
        if plan in self.plans:
            return dict(self.plans[plan].channels)
        # The register does not say which plan: list both so the reader can pick.
        joiner = {"ja": " / ", "en": "; "}
        return {
            lang: joiner[lang].join(
                f"{p.label[lang]}: {p.channels[lang]}" for p in self.plans.values()
            )
            for lang in LANGS
        }

    def procedure(self, procedure_id: str) -> Procedure:
        """The procedure ``procedure_id`` (a rule naming one that is not there is a bug)."""
        try:
            return self.procedures[procedure_id]
        except KeyError:
            raise KeyError(f"unknown procedure {procedure_id!r}") from None

    def change(self, change_id: str) -> PlatformChange | None:
        """The change named ``change_id``, spelt the forgiving way of the register (section 1)."""
        wanted = normalize_token(change_id)
        return next((c for c in self.changes if normalize_token(c.id) == wanted), None)

    def facts(self) -> list[Fact]:
        return list(self._facts)

    def fact(self, name: str) -> Fact:
        for item in self._facts:
            if item.name == name:
                return item
        raise KeyError(f"unknown fact {name!r}")


def load_settings(
    rules_path: Path | str | None = None,
    windows: Mapping[str, int] | None = None,
    *,
    config_path: Path | str | None = None,
) -> Settings:
    """Read the rules file (the packaged one when ``rules_path`` is None).

    ``windows`` (the config's ``[windows]``) override the file's window values;
    ``config_path``, when given, is named as their source.
    """
    if rules_path is None:
        resource = resources.files("reporter").joinpath(RULES_FILE)
        shown = str(resource)
        try:
            raw = resource.read_bytes()
        except FileNotFoundError:
            raise InputError("rules_file_missing", path=shown) from None
    else:
        path = Path(rules_path)
        shown = str(path)
        if not path.is_file():
            raise InputError("rules_file_missing", path=shown)
        try:
            raw = path.read_bytes()
        except OSError as error:
            _fail(
                shown,
                f"ファイルを開けません({error.strerror})",
                f"it cannot be opened ({error.strerror})",
            )
    settings = _build(_Reader(shown, _parse(raw, shown)), windows or {}, config_path)
    values = {fact.name: {"ja": fact.value, "en": fact.display("en")} for fact in settings.facts()}
    procedures = load_procedures(procedures_path_for(rules_path), values)
    put_in_force(procedures)
    return replace(settings, procedures=MappingProxyType(procedures))


def _parse(raw: bytes, shown: str) -> dict[str, Any]:
    try:
        # utf-8-sig: Windows Notepad may save the file with a byte-order mark.
        content = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        _fail(shown, "文字コードが UTF-8 ではありません", "it is not saved as UTF-8")
    try:
        return tomllib.loads(content)
    except tomllib.TOMLDecodeError as error:
        _fail(shown, f"TOML の書き方が正しくありません({error})", f"it is not valid TOML ({error})")


# What to write when a source line is missing, for someone who did not write the file.
_MISSING_HINT = {
    "source": ("。出典の名前を書いてください", "; give the source's title"),
    "url": ("。出典のURLを書いてください", "; give the source's web address"),
    "checked": (
        "。出典を確認した日を書いてください(例: 2026-11-23)",
        "; give the date the source was checked (e.g. 2026-11-23)",
    ),
}


def _fail(shown: str, ja: str, en: str) -> NoReturn:
    raise InputError("rules_file_invalid", path=shown, detail={"ja": ja, "en": en})


class _Reader:
    """Checks the parsed file entry by entry, naming the key at fault in the error."""

    def __init__(self, shown: str, data: dict[str, Any]) -> None:
        self.shown = shown
        self.data = data

    def fail(self, ja: str, en: str) -> NoReturn:
        _fail(self.shown, ja, en)

    def table(self, parent: Mapping[str, Any], key: str, name: str) -> dict[str, Any]:
        if key not in parent:
            self.fail(f"「{name}」がありません", f"'{name}' is missing")
        value = parent[key]
        if not isinstance(value, dict):
            self.fail(
                f"「{name}」は [{name}] の表で書いてください",
                f"'{name}' must be a table ([{name}])",
            )
        return value

    def only(self, table: Mapping[str, Any], allowed: tuple[str, ...], prefix: str) -> None:
        for key in table:
            if key not in allowed:
                name = f"{prefix}{key}"
                self.fail(
                    f"「{name}」は使えない項目です。綴りを確認してください(使える項目: {', '.join(allowed)})",
                    f"'{name}' is not a known entry; check the spelling (known: {', '.join(allowed)})",
                )

    def entry(self, name: str, keys: tuple[str, ...]) -> dict[str, Any]:
        """The table at dotted ``name``, holding exactly ``keys``."""
        parent: Mapping[str, Any] = self.data
        parts = name.split(".")
        for depth, part in enumerate(parts):
            parent = self.table(parent, part, ".".join(parts[: depth + 1]))
        self.only(parent, (*keys, *_OPTIONAL_KEYS), f"{name}.")
        for key in keys:
            if key not in parent:
                ja, en = _MISSING_HINT.get(key, ("", ""))
                self.fail(f"「{name}.{key}」がありません{ja}", f"'{name}.{key}' is missing{en}")
        return dict(parent)

    def wrong(self, name: str, value: Any, ja: str, en: str) -> NoReturn:
        self.fail(
            f"「{name}」は{ja}で書いてください(今は {value!r})",
            f"'{name}' must be {en} (it is {value!r})",
        )

    def strings(self, value: Any, name: str, ja: str, en: str) -> list[str]:
        """``value`` as a non-empty list of strings, else the error naming ``name``,
        with ``ja`` / ``en`` saying what is expected."""
        if not isinstance(value, list) or not value or not all(isinstance(v, str) for v in value):
            self.wrong(name, value, ja, en)
        return value

    def whole(self, entry: Mapping[str, Any], name: str, minimum: int) -> int:
        value = entry["value"]
        if isinstance(value, bool) or not isinstance(value, int):
            self.wrong(
                f"{name}.value",
                value,
                "引用符なしの整数(例: 90)",
                "a whole number without quotes (e.g. 90)",
            )
        # Past MAX_DAYS a date plus the value would leave the calendar (reporter.limits).
        if not minimum <= value <= MAX_DAYS:
            self.fail(
                f"「{name}.value」は{minimum}から{MAX_DAYS}までの整数にしてください(今は {value})",
                f"'{name}.value' must be a whole number from {minimum} to {MAX_DAYS} (it is {value})",
            )
        return value

    def day(self, value: Any, name: str) -> date:
        # A quoted ISO date is accepted too: people type dates in quotes.
        if isinstance(value, str):
            try:
                value = date.fromisoformat(value.strip())
            except ValueError:
                self.wrong(name, value, "日付(例: 2024-04-01)", "a date (e.g. 2024-04-01)")
        if not isinstance(value, date) or hasattr(value, "hour"):
            self.wrong(name, value, "日付(例: 2024-04-01)", "a date (e.g. 2024-04-01)")
        if not in_date_range(value):
            first, last = FIRST_DATE.isoformat(), LAST_DATE.isoformat()
            self.fail(
                f"「{name}」は{first}から{last}までの日付にしてください(今は {value})",
                f"'{name}' must be a date from {first} to {last} (it is {value})",
            )
        return value

    def string(self, entry: Mapping[str, Any], key: str, name: str) -> str:
        value = entry[key]
        if not isinstance(value, str):
            self.wrong(
                f"{name}.{key}", value, '引用符で囲んだ文字列("...")', 'text in quotes ("...")'
            )
        if not value.strip():
            self.fail(f"「{name}.{key}」が空です", f"'{name}.{key}' is empty")
        return value.strip()

    def text(self, entry: Mapping[str, Any], name: str) -> dict[str, str]:
        return {lang: self.string(entry, lang, name) for lang in LANGS}

    def source(self, entry: Mapping[str, Any], name: str) -> tuple[str, str, date]:
        title = self.string(entry, "source", name)
        url = entry["url"]
        if not isinstance(url, str) or not url.strip():
            self.fail(
                f"「{name}.url」がありません。出典のURLを書いてください",
                f"'{name}.url' is missing; give the source's web address",
            )
        if not url.strip().startswith(("https://", "http://")):
            self.wrong(
                f"{name}.url", url, "https:// で始まるURL", "a web address starting with https://"
            )
        return title, url.strip(), self.day(entry["checked"], f"{name}.checked")

    def unconfirmed(self, entry: Mapping[str, Any], name: str) -> str:
        """The entry's note on what its source could not confirm; blank when there is none."""
        return self.string(entry, "unconfirmed", name) if "unconfirmed" in entry else ""


def _build(reader: _Reader, windows: Mapping[str, int], config_path: Path | str | None) -> Settings:
    reader.only(reader.data, tuple(_TOP), "")
    for section, inner in _TOP.items():
        table = reader.table(reader.data, section, section)
        if section == "validity_days":
            for kind in table:
                if kind in KEY_KINDS and kind not in EXPIRING_KINDS:
                    reader.fail(
                        f"「validity_days.{kind}」: この種類のキーに有効期間はありません。この表を消してください",
                        f"'validity_days.{kind}': this kind of key has no validity period; delete that table",
                    )
        if inner is not None:
            reader.only(table, inner, f"{section}.")
    facts: list[Fact] = []

    def value_fact(name: str, minimum: int, fact_name: str | None = None) -> int:
        entry = reader.entry(name, _VALUE_KEYS)
        value = reader.whole(entry, name, minimum)
        text = str(value)
        facts.append(
            Fact(
                fact_name or name,
                text,
                *reader.source(entry, name),
                value_en=text,
                unconfirmed=reader.unconfirmed(entry, name),
            )
        )
        return value

    def date_fact(name: str) -> date:
        entry = reader.entry(name, _VALUE_KEYS)
        value = reader.day(entry["value"], f"{name}.value")
        text = value.isoformat()
        facts.append(
            Fact(
                name,
                text,
                *reader.source(entry, name),
                value_en=text,
                unconfirmed=reader.unconfirmed(entry, name),
            )
        )
        return value

    def text_fact(name: str, extra: tuple[str, ...] = ()) -> tuple[dict[str, str], dict[str, Any]]:
        entry = reader.entry(name, (*extra, *_TEXT_KEYS))
        text = reader.text(entry, name)
        facts.append(
            Fact(
                name,
                text["ja"],
                *reader.source(entry, name),
                value_en=text["en"],
                unconfirmed=reader.unconfirmed(entry, name),
            )
        )
        return text, entry

    # A validity of 0 days would make every key overdue on its issue day: at least 1.
    validity = {kind: value_fact(f"validity_days.{kind}", 1) for kind in EXPIRING_KINDS}
    mws_shutdown = date_fact("mws_shutdown")
    mws_deleted = date_fact("mws_credentials_deleted")
    window_values = {name: value_fact(f"windows.{name}", 0, name) for name in WINDOWS}
    invoice_window = value_fact("invoice_window_days", 1)
    formats = _formats(reader, facts)
    plans = {}
    for plan in PLANS:
        name = f"support_channels.{plan}"
        channels, entry = text_fact(name, ("plan_ja", "plan_en"))
        label = {lang: reader.string(entry, f"plan_{lang}", name) for lang in LANGS}
        plans[plan] = Plan(label=MappingProxyType(label), channels=MappingProxyType(channels))
    evidence, _ = text_fact("support_evidence")
    urgent, _ = text_fact("support_urgent_warning")
    partner_since = date_fact("amazon_partner_required_since")
    invitation_days = value_fact("amazon_partner_invitation_days", 1)
    without_key_hours = value_fact("yahoo_authorization_without_key_hours", 1)
    changes = _changes(reader, facts)
    not_invoice_words = _words(reader, facts, "not_invoice_words")
    microsoft365 = _microsoft365_smtp(reader, facts)

    _apply_windows(window_values, windows, facts, config_path)
    return Settings(
        validity_days=MappingProxyType(validity),
        mws_shutdown=mws_shutdown,
        mws_credentials_deleted=mws_deleted,
        renewal_warning_days=window_values["renewal_warning_days"],
        reply_days=window_values["reply_days"],
        invoice_window_days=invoice_window,
        document_formats=formats,
        support_evidence=MappingProxyType(evidence),
        support_urgent_warning=MappingProxyType(urgent),
        plans=MappingProxyType(plans),
        amazon_partner_required_since=partner_since,
        amazon_partner_invitation_days=invitation_days,
        yahoo_authorization_without_key_hours=without_key_hours,
        procedures=MappingProxyType({}),  # read once the values are final (load_settings)
        rules_path=reader.shown,
        _facts=tuple(facts),
        changes=changes,
        not_invoice_words=not_invoice_words,
        microsoft365_smtp=microsoft365,
    )


_CHANGE_ID = re.compile(r"[a-z0-9]+(-[a-z0-9]+)*")


def _changes(reader: _Reader, facts: list[Fact]) -> tuple[PlatformChange, ...]:
    """The [changes.<id>] tables, in file order, each checked and kept as a fact."""
    changes: list[PlatformChange] = []
    for change_id in reader.data["changes"]:
        name = f"changes.{change_id}"
        if not _CHANGE_ID.fullmatch(change_id):
            reader.wrong(
                name,
                change_id,
                "英小文字・数字・ハイフンの名前(例: [changes.amazon-orders-v0])",
                "named with lower-case letters, digits and hyphens (e.g. [changes.amazon-orders-v0])",
            )
        if any(normalize_token(c.id) == normalize_token(change_id) for c in changes):
            reader.fail(
                f"「{name}」は、ほかの変更と同じ名前です(大文字・小文字、「-」の有無だけの違いは同じとみなします)",
                f"'{name}' is the same id as another change (case and hyphens are ignored)",
            )
        entry = reader.entry(name, _CHANGE_KEYS)
        title = {lang: reader.string(entry, f"title_{lang}", name) for lang in LANGS}
        what = reader.text(entry, name)
        source_title, url, checked = reader.source(entry, name)
        change = PlatformChange(
            id=change_id,
            platforms=_codes(reader, entry, "platforms", name, tuple(PLATFORM.values)),
            purposes=_codes(reader, entry, "purposes", name, tuple(PURPOSE.values)),
            deadline=reader.day(entry["deadline"], f"{name}.deadline"),
            title=MappingProxyType(title),
            what=MappingProxyType(what),
            source_title=source_title,
            source_url=url,
            checked=checked,
            unconfirmed=reader.unconfirmed(entry, name),
        )
        changes.append(change)
        deadline = change.deadline.isoformat()
        facts.append(
            Fact(
                name,
                f"{title['ja']}({deadline}まで): {what['ja']}",
                source_title,
                url,
                checked,
                value_en=f"{title['en']} (by {deadline}): {what['en']}",
                unconfirmed=change.unconfirmed,
            )
        )
    return tuple(changes)


def _codes(
    reader: _Reader, entry: Mapping[str, Any], key: str, name: str, allowed: tuple[str, ...]
) -> tuple[str, ...]:
    value = reader.strings(
        entry[key],
        f"{name}.{key}",
        f'文字列のリスト(例: ["{allowed[0]}"])',
        f'a list of codes (e.g. ["{allowed[0]}"])',
    )
    for code in value:
        if code not in allowed:
            reader.fail(
                f"「{name}.{key}」の {code!r} は使えません(使えるもの: {', '.join(allowed)})",
                f"'{name}.{key}' holds {code!r}, which is not one of {', '.join(allowed)}",
            )
    return tuple(dict.fromkeys(value))


def _words(reader: _Reader, facts: list[Fact], name: str) -> tuple[str, ...]:
    """A list of words (``value``) with its source, e.g. the words that mark a quotation."""
    entry = reader.entry(name, _VALUE_KEYS)
    value = reader.strings(
        entry["value"],
        f"{name}.value",
        '文字列のリスト(例: ["見積"])',
        'a list of words (e.g. ["quote"])',
    )
    words = tuple(dict.fromkeys(v.strip() for v in value))
    if "" in words:
        reader.fail(f"「{name}.value」に空の語があります", f"'{name}.value' holds an empty word")
    text = ", ".join(words)
    facts.append(
        Fact(
            name,
            text,
            *reader.source(entry, name),
            value_en=text,
            unconfirmed=reader.unconfirmed(entry, name),
        )
    )
    return words


def _microsoft365_smtp(reader: _Reader, facts: list[Fact]) -> Microsoft365Smtp:
    name = "microsoft365_smtp_password_off"
    entry = reader.entry(name, (*_VALUE_KEYS, "hosts"))
    off_from = reader.day(entry["value"], f"{name}.value")
    hosts = reader.strings(
        entry["hosts"],
        f"{name}.hosts",
        '文字列のリスト(例: ["smtp.office365.com"])',
        'a list of host names (e.g. ["smtp.office365.com"])',
    )
    text = off_from.isoformat()
    facts.append(
        Fact(
            name,
            text,
            *reader.source(entry, name),
            value_en=text,
            unconfirmed=reader.unconfirmed(entry, name),
        )
    )
    return Microsoft365Smtp(
        off_from=off_from,
        hosts=tuple(dict.fromkeys(h.strip().rstrip(".").lower() for h in hosts)),
    )


def _formats(reader: _Reader, facts: list[Fact]) -> tuple[str, ...]:
    name = "document_formats"
    entry = reader.entry(name, _VALUE_KEYS)
    value = reader.strings(
        entry["value"],
        f"{name}.value",
        '文字列のリスト(例: ["pdf", "jpg"])',
        'a list of extensions (e.g. ["pdf", "jpg"])',
    )
    # Compared with file names later: lower case, no leading dot, no duplicates.
    formats = tuple(dict.fromkeys(v.strip().lstrip(".").lower() for v in value))
    if "" in formats:
        reader.fail(
            f"「{name}.value」に空の形式があります", f"'{name}.value' holds an empty extension"
        )
    text = ", ".join(formats)
    facts.append(Fact(name, text, *reader.source(entry, name), value_en=text))
    return formats


def _apply_windows(
    values: dict[str, int],
    windows: Mapping[str, int],
    facts: list[Fact],
    config_path: Path | str | None,
) -> None:
    """Let the config's windows win, and say so in their facts."""
    title = f"{CONFIG_SOURCE}: {config_path}" if config_path else CONFIG_SOURCE
    for key, value in windows.items():
        # The config module has already checked these for the user; a bad one here is a bug.
        if key not in WINDOWS:
            raise ValueError(f"unknown window {key!r}; use one of {', '.join(WINDOWS)}")
        if isinstance(value, bool) or not isinstance(value, int):
            raise ValueError(f"window {key!r} must be a whole number, not {value!r}")
        if not in_days_range(value):  # a Config built in Python, not read from a file
            raise InputError("windows_out_of_range", key=key, maximum=MAX_DAYS, value=value)
        values[key] = value
        index = next(i for i, item in enumerate(facts) if item.name == key)
        facts[index] = Fact(key, str(value), title, "", None, value_en=str(value))

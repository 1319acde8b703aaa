"""Email the monthly report (register-spec.md sections 6 and 7): one message, the report attached.

:func:`build_message` writes the message: a subject with the month and the
number of actions, a plain-text body with an HTML alternative summarising the
month, and the report workbook attached. :func:`send_message` sends it with the
config's ``[email]`` settings; :func:`write_eml` writes the same message to an
.eml file instead (``--eml FILE``).

The SMTP password is never on the command line or in the config: it comes from
the environment variable named by ``password_env``, else the OS keyring
(:func:`resolve_password`). It is never put in a message, an error or a log
line. Register text in the body is masked with :func:`redact`, and escaped in
the HTML part; no link is ever made from it.

A failure to send is an :class:`OutputError` (exit 3) whose message says that
the report file, already written, was kept and where it is.
"""

from __future__ import annotations

import contextlib
import email.policy
import errno
import html
import os
import smtplib
import socket
import ssl
import stat
import tempfile
import unicodedata
from collections.abc import Mapping
from email.message import EmailMessage
from email.utils import formatdate, getaddresses, make_msgid, parseaddr
from pathlib import Path
from typing import Any

from reporter import i18n
from reporter.config import DEFAULT_NAME, EmailSettings
from reporter.engine import CATEGORY_ORDER, CheckResult
from reporter.errors import InputError, OutputError
from reporter.model import Category, Severity
from reporter.output import excel as _excel  # noqa: F401  (registers the xl_cat_* category names)
from reporter.output.flat import Row, flatten, most_urgent, summarize
from reporter.output.terminal import SEVERITY_LABEL
from reporter.rules.base import pick
from reporter.rules.security import redact

XLSX_TYPE = ("application", "vnd.openxmlformats-officedocument.spreadsheetml.sheet")
KEYRING_SERVICE = "reporter"
TOP_ACTIONS = 10
SECURITY_CHOICES = ("starttls", "ssl", "none")
_SEVERITIES = (Severity.ERROR, Severity.WARNING, Severity.INFO)
_MONTHS_EN = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
# The category names are the report workbook's own (defined in reporter.output.excel),
# so that the email and the attached report name each category the same way.
_CATEGORY_KEYS: dict[Category, str] = {c: f"xl_cat_{c}" for c in CATEGORY_ORDER}

i18n.add(
    {
        # --- errors: one plain line each, saying what to do -------------------------------
        "email_not_configured": {
            "ja": "メールの設定が足りません: 設定ファイル {config} の [email] に {keys} を書いてください。",
            "en": "Email is not set up: add {keys} to the [email] table of the config file {config}.",
        },
        "email_no_password": {
            "ja": "SMTPのパスワードが見つかりません(ユーザー {user})。環境変数 {var} に設定するか、"
            "「keyring set reporter {user}」でOSのキーチェーンに保存してから、もう一度実行してください。{kept}",
            "en": "No SMTP password found for {user}. Set the environment variable {var}, or store "
            "it in the OS keyring with 'keyring set reporter {user}', then run again.{kept}",
        },
        "email_failed": {
            "ja": "メールを送れませんでした({host}:{port}、{detail})。{hint}{kept}",
            "en": "Could not send the email ({host}:{port}, {detail}). {hint}{kept}",
        },
        "email_partly_refused": {
            "ja": "次の宛先にはメールを送れませんでした: {refused}。ほかの宛先には送りました。"
            "設定ファイルの [email] の to / cc のアドレスを確認してください。{kept}",
            "en": "The email was not accepted for {refused}; the other recipients got it. Check "
            "the to / cc addresses in the config's [email] table.{kept}",
        },
        "email_kept": {
            "ja": "レポートは {path} に保存されています。",
            "en": " The report was kept at {path}.",
        },
        "email_hint_connect": {
            "ja": "設定ファイルの smtp_host と smtp_port、ネットワーク(VPNやファイアウォール)を確認してください。",
            "en": "Check smtp_host and smtp_port in the config, and the network (VPN, firewall).",
        },
        "email_hint_tls": {
            "ja": "設定ファイルの security がサーバーに合っているか確認してください"
            "(587番は starttls、465番は ssl が普通です)。",
            "en": "Check that security in the config matches the server (port 587 is usually "
            "starttls, port 465 ssl).",
        },
        "email_hint_certificate": {
            "ja": "サーバーの証明書を確認できませんでした。smtp_host を証明書の名前"
            "(例: smtp.example.com)にしているか確認し、社内のサーバーなら管理者に相談してください。",
            "en": "The server's certificate could not be verified. Check that smtp_host is the "
            "name on the certificate (e.g. smtp.example.com); for an in-house server ask its admin.",
        },
        "email_hint_login": {
            "ja": "ユーザー名 {user} と、環境変数 {var} またはOSのキーチェーンのパスワードを確認してください。",
            "en": "Check the username {user} and the password in the environment variable {var} "
            "or the OS keyring.",
        },
        "email_hint_address": {
            "ja": "設定ファイルの [email] の from / to / cc のアドレスを確認してください。",
            "en": "Check the from / to / cc addresses in the config's [email] table.",
        },
        "email_hint_other": {
            "ja": "設定ファイルの [email] とメールサーバーの状態を確認して、もう一度実行してください。",
            "en": "Check the config's [email] table and the mail server, then run again.",
        },
        "email_detail_login": {
            "ja": "ログインが拒否されました: {reply}",
            "en": "login refused: {reply}",
        },
        "email_detail_login_not_ascii": {
            "ja": "ユーザー名かパスワードに、SMTPのログインで送れない文字(半角英数字と記号以外)があります",
            "en": "the username or password holds characters SMTP login cannot send "
            "(only ASCII letters, digits and symbols)",
        },
        "email_detail_refused": {
            "ja": "宛先が拒否されました: {reply}",
            "en": "recipients refused: {reply}",
        },
        "email_report_unreadable": {
            "ja": "メールに添付するレポートを読めませんでした: {path}({detail})。"
            "レポートがあるか確認して、もう一度実行してください。",
            "en": "Could not read the report to attach: {path} ({detail}). Check that the file "
            "is there and run again.",
        },
        "email_bad_setting": {
            "ja": "設定ファイル {config} の [email] の {key} をメールの見出しにできません"
            "({detail})。値を直してください。",
            "en": "{key} in the [email] table of the config file {config} cannot be used in an "
            "email header ({detail}). Fix the value.",
        },
        "email_not_address": {
            "ja": "メールアドレス(name@example.com の形)ではありません: {value}",
            "en": "not an email address like name@example.com: {value}",
        },
        "email_eml_unwritable": {
            "ja": "メールのファイルを書き込めませんでした: {path}({detail})。"
            "書き込めるフォルダーとファイル名を --eml で指定してください。",
            "en": "Could not write the email file {path} ({detail}). Give --eml a file in a "
            "folder you can write to.",
        },
        "email_config_default": {
            "ja": f"{DEFAULT_NAME}(または --config で指定したファイル)",
            "en": f"{DEFAULT_NAME} (or the file given with --config)",
        },
        # --- the message -------------------------------------------------------------------
        "email_subject": {
            "ja": "{prefix}{year}年{month}月 台帳レポート: 対応 {count}件",
            "en": "{prefix}Register report {month_name} {year}: {count} {actions}",
        },
        "email_title": {
            "ja": "台帳レポート {year}年{month}月",
            "en": "Register report, {month_name} {year}",
        },
        "email_as_of": {"ja": "基準日: {as_of}", "en": "As of: {as_of}"},
        "email_register": {"ja": "台帳: {name}", "en": "Register: {name}"},
        "email_report": {
            "ja": "レポート: {name}(このメールに添付)",
            "en": "Report: {name} (attached to this email)",
        },
        "email_counts_header": {
            "ja": "件数(除外分を除く)",
            "en": "Findings (excepted ones not counted)",
        },
        "email_counts_line": {
            "ja": "{category}: エラー {error}件 / 警告 {warning}件 / 情報 {info}件",
            "en": "{category}: {error} error(s), {warning} warning(s), {info} info",
        },
        "email_col_category": {"ja": "区分", "en": "Category"},
        "email_total": {"ja": "合計", "en": "Total"},
        "email_excepted": {
            "ja": "除外中(承認済み): {count}件",
            "en": "Excepted (accepted by the team): {count}",
        },
        "email_top_header": {
            "ja": "最優先の対応(エラーと警告 {count}件のうち上位 {shown}件)",
            "en": "Do these first (the top {shown} of {count} errors and warnings)",
        },
        "email_top_more": {
            "ja": "ほか {count}件は添付のレポートを見てください。",
            "en": "{count} more in the attached report.",
        },
        "email_col_severity": {"ja": "重大度", "en": "Severity"},
        "email_col_code": {"ja": "コード", "en": "Code"},
        "email_col_place": {"ja": "場所", "en": "Place"},
        "email_col_owner": {"ja": "担当", "en": "Owner"},
        "email_col_due": {"ja": "期限", "en": "Due"},
        "email_col_action": {"ja": "次の対応", "en": "Next action"},
        "email_overdue": {"ja": "({days}日超過)", "en": " ({days} days overdue)"},
        "email_footer": {
            "ja": "詳しくは添付のレポートを見てください。このメールは reporter が自動で送っています。",
            "en": "See the attached report for every finding. This email was sent by reporter.",
        },
    }
)


# --- settings and password ----------------------------------------------------------------------


def missing_settings(settings: EmailSettings, *, sending: bool) -> list[str]:
    """The config keys (as written in the file) that must be set to write or to send the email.

    Writing a message (``--eml``) needs a sender and recipients; sending also
    needs the SMTP host.
    """
    missing = []
    if sending and not settings.smtp_host.strip():
        missing.append("smtp_host")
    if not settings.sender.strip():
        missing.append("from")
    if not any(address.strip() for address in (*settings.to, *settings.cc)):
        missing.append("to")
    return missing


def check_settings(
    settings: EmailSettings, config_path: Path | None = None, *, sending: bool
) -> None:
    """Raise ``InputError("email_not_configured")`` naming the missing keys and the config file."""
    missing = missing_settings(settings, sending=sending)
    if missing:
        raise InputError(
            "email_not_configured",
            keys=", ".join(missing),
            config=_config_name(config_path),
        )


def resolve_password(settings: EmailSettings) -> str | None:
    """The SMTP password: the variable named by ``password_env``, else the OS keyring, else None.

    The keyring is optional: when the package is missing or its backend fails,
    the password is simply not found there.
    """
    if settings.password_env:
        value = os.environ.get(settings.password_env)
        if value:
            return value
    if not settings.username:
        return None
    try:
        import keyring
    except ImportError:
        return None
    try:
        value = keyring.get_password(KEYRING_SERVICE, settings.username)
    except Exception:  # keyring.errors.KeyringError, or a backend (D-Bus, ...) failing its own way
        return None
    return value or None


# --- the message ----------------------------------------------------------------------------------


def action_count(result: CheckResult) -> int:
    """The number of actions in the subject: errors + warnings that no exception covers.

    Info findings are not actions, and excepted findings were accepted by the
    team; this is the same set as :func:`reporter.output.flat.most_urgent`.
    """
    by_severity = summarize(result).by_severity
    return by_severity[Severity.ERROR] + by_severity[Severity.WARNING]


def subject(result: CheckResult, lang: str, settings: EmailSettings) -> str:
    prefix = _one_line(settings.subject_prefix)
    count = action_count(result)
    return i18n.text(
        "email_subject",
        lang,
        prefix=f"{prefix} " if prefix else "",
        year=result.as_of.year,
        month=result.as_of.month,
        month_name=_MONTHS_EN[result.as_of.month - 1],
        count=count,
        actions="action" if count == 1 else "actions",
    )


def build_message(
    result: CheckResult,
    report_path: Path,
    lang: str,
    settings: EmailSettings,
    *,
    config_path: Path | None = None,
    sending: bool = False,
) -> EmailMessage:
    """One message to ``settings.to`` (+ cc) from ``settings.sender``, the report attached.

    Raises InputError ``email_not_configured`` (exit 2) when the sender or the
    recipients are missing (and the SMTP host too with ``sending=True``, so that
    ``--email`` names every missing key at once), ``email_bad_setting`` when an address or the
    subject prefix cannot be a header, and OutputError ``email_report_unreadable``
    (exit 3) when the report cannot be read.
    """
    check_settings(settings, config_path, sending=sending)
    report_path = Path(report_path)
    try:
        attachment = report_path.read_bytes()
    except OSError as error:
        raise OutputError(
            "email_report_unreadable", path=str(report_path), detail=_os_detail(error)
        ) from None

    _check_addresses(settings, config_path)
    rows = flatten(result, lang)
    message = EmailMessage(policy=email.policy.default)
    headers = {
        "Subject": ("subject_prefix", subject(result, lang, settings)),
        "From": ("from", settings.sender.strip()),
        "To": ("to", ", ".join(a.strip() for a in settings.to if a.strip())),
        "Cc": ("cc", ", ".join(a.strip() for a in settings.cc if a.strip())),
    }
    for header, (key, value) in headers.items():
        if not value:
            continue
        try:
            message[header] = value
        except (ValueError, TypeError, IndexError) as error:
            raise InputError(
                "email_bad_setting",
                key=key,
                config=_config_name(config_path),
                detail=str(error) or type(error).__name__,
            ) from None
    message["Date"] = formatdate(localtime=True)
    message["Message-ID"] = make_msgid(domain=_domain_of(settings.sender))
    # RFC 3834: an automatic message; out-of-office replies should not answer it.
    message["Auto-Submitted"] = "auto-generated"

    text_body, html_body = _bodies(result, rows, lang, report_path.name)
    # base64 keeps the Japanese UTF-8 text safe through relays without 8BITMIME.
    message.set_content(text_body, charset="utf-8", cte="base64")
    message.add_alternative(html_body, subtype="html", charset="utf-8", cte="base64")
    maintype, subtype = XLSX_TYPE
    # EmailMessage encodes a non-ASCII file name with RFC 2231 (filename*=utf-8''...).
    message.add_attachment(
        attachment, maintype=maintype, subtype=subtype, filename=report_path.name
    )
    return message


def _bodies(result: CheckResult, rows: list[Row], lang: str, report_name: str) -> tuple[str, str]:
    def t(key: str, **params: Any) -> str:
        return i18n.text(key, lang, **params)

    summary = summarize(result)
    as_of = result.as_of
    title = t(
        "email_title", year=as_of.year, month=as_of.month, month_name=_MONTHS_EN[as_of.month - 1]
    )
    intro = [
        t("email_as_of", as_of=as_of.isoformat()),
        t("email_register", name=_clean(result.path.name, masked=False)),
        t("email_report", name=_clean(report_name, masked=False)),
    ]
    count_lines = []
    for category in CATEGORY_ORDER:
        counts = summary.by_category[category]
        count_lines.append(
            t(
                "email_counts_line",
                category=t(_CATEGORY_KEYS[category]),
                error=counts[Severity.ERROR],
                warning=counts[Severity.WARNING],
                info=counts[Severity.INFO],
            )
        )
    excepted = t("email_excepted", count=summary.excepted)
    total_actions = action_count(result)
    top = most_urgent(rows, TOP_ACTIONS)
    top_header = t("email_top_header", count=total_actions, shown=len(top))
    more = total_actions - len(top)

    # --- plain text ---
    text = [title, "", *intro, "", t("email_counts_header"), *(f"  {c}" for c in count_lines)]
    text += [f"  {excepted}", ""]
    if top:
        text.append(top_header)
        for n, row in enumerate(top, start=1):
            text.extend(_text_action(n, row, lang))
        if more > 0:
            text.append(f"  {t('email_top_more', count=more)}")
    else:
        text.append(t("no_actions"))
    text += ["", t("email_footer"), ""]

    # --- HTML: every text goes through html.escape; no link is made from register text ---
    e = html.escape
    cell = 'style="border:1px solid #999;padding:4px 8px;vertical-align:top"'
    head = 'style="border:1px solid #999;padding:4px 8px;background:#eee;text-align:left"'
    num = 'style="border:1px solid #999;padding:4px 8px;text-align:right"'
    severity_names = [pick(SEVERITY_LABEL[s], lang) for s in _SEVERITIES]
    parts = [
        "<!DOCTYPE html>",
        f'<html lang="{e(lang)}"><head><meta charset="utf-8"><title>{e(title)}</title></head>',
        "<body style=\"font-family:Meiryo,'Yu Gothic','Hiragino Sans',sans-serif;font-size:14px\">",
        f"<h2>{e(title)}</h2>",
        "<p>" + "<br>".join(e(line) for line in intro) + "</p>",
        f"<h3>{e(t('email_counts_header'))}</h3>",
        '<table style="border-collapse:collapse">',
        f"<tr><th {head}>{e(t('email_col_category'))}</th>"
        + "".join(f"<th {head}>{e(name)}</th>" for name in severity_names)
        + "</tr>",
    ]
    for category in CATEGORY_ORDER:
        counts = summary.by_category[category]
        parts.append(
            f"<tr><td {cell}>{e(t(_CATEGORY_KEYS[category]))}</td>"
            + "".join(f"<td {num}>{counts[s]}</td>" for s in _SEVERITIES)
            + "</tr>"
        )
    parts.append(
        f"<tr><th {head}>{e(t('email_total'))}</th>"
        + "".join(f"<th {num}>{summary.by_severity[s]}</th>" for s in _SEVERITIES)
        + "</tr></table>"
    )
    parts.append(f"<p>{e(excepted)}</p>")
    if top:
        parts.append(f"<h3>{e(top_header)}</h3>")
        parts.append('<table style="border-collapse:collapse">')
        columns = ("email_col_severity", "email_col_code", "email_col_place")
        columns += ("email_col_owner", "email_col_due", "email_col_action")
        parts.append(
            f"<tr><th {head}>#</th>"
            + "".join(f"<th {head}>{e(t(key))}</th>" for key in columns)
            + "</tr>"
        )
        for n, row in enumerate(top, start=1):
            values = (
                pick(SEVERITY_LABEL[row.severity], lang),
                row.code,
                _place(row, lang),
                _clean(row.owner),
                _due(row, lang),
                _clean(row.action),
            )
            parts.append(
                f"<tr><td {num}>{n}</td>"
                + "".join(f"<td {cell}>{e(value)}</td>" for value in values)
                + "</tr>"
            )
        parts.append("</table>")
        if more > 0:
            parts.append(f"<p>{e(t('email_top_more', count=more))}</p>")
    else:
        parts.append(f"<p>{e(t('email_top_none'))}</p>")
    parts += [f"<p>{e(t('email_footer'))}</p>", "</body></html>", ""]
    return "\n".join(text), "\n".join(parts)


def _text_action(n: int, row: Row, lang: str) -> list[str]:
    def t(key: str) -> str:
        return i18n.text(key, lang)

    details = [f"{t('email_col_place')}: {_place(row, lang)}"]
    if row.owner:
        details.append(f"{t('email_col_owner')}: {_clean(row.owner)}")
    if row.due is not None:
        details.append(f"{t('email_col_due')}: {_due(row, lang)}")
    separator = " / "
    return [
        f"  {n}. [{pick(SEVERITY_LABEL[row.severity], lang)}] {row.code} {_clean(row.title)}",
        f"     {separator.join(details)}",
        f"     → {t('email_col_action')}: {_clean(row.action)}",
    ]


def _place(row: Row, lang: str) -> str:
    """Sheet!cell and the record id, as in the report's 場所 column."""
    if not row.sheet and not row.sheet_name:
        place = i18n.text("workbook", lang)
    else:
        name = _clean(row.sheet_name) or row.sheet
        place = f"{name}!{row.cell}" if row.cell else name
    record_id = _clean(row.record_id)
    return f"{place} {record_id}" if record_id else place


def _due(row: Row, lang: str) -> str:
    if row.due is None:
        return ""
    text = row.due.isoformat()
    if row.days_overdue is not None and row.days_overdue > 0:
        text += i18n.text("email_overdue", lang, days=row.days_overdue)
    return text


def _clean(value: str | None, masked: bool = True) -> str:
    """Register text for one line of the email: secrets masked, control characters as spaces.

    A file name is not masked (``masked=False``): it only loses its control characters.
    """
    if not value:
        return ""
    shown = redact(str(value)) if masked else str(value)
    text = "".join(" " if unicodedata.category(char).startswith("C") else char for char in shown)
    return " ".join(text.split())


def _check_addresses(settings: EmailSettings, config_path: Path | None) -> None:
    """Each of from / to / cc must be one or more addresses of the form name@domain."""
    fields = [("from", settings.sender), *(("to", a) for a in settings.to)]
    fields += [("cc", a) for a in settings.cc]
    for key, value in fields:
        if not value.strip():
            continue
        addresses = [address for _, address in getaddresses([value])]
        good = bool(addresses) and all(_is_address(address) for address in addresses)
        if key == "from" and len(addresses) != 1:
            good = False
        if not good:
            raise InputError(
                "email_bad_setting",
                key=key,
                config=_config_name(config_path),
                detail=_localized("email_not_address", value=_one_line(value)),
            )


def _is_address(address: str) -> bool:
    local, at, domain = address.rpartition("@")
    return (
        bool(at and local and domain)
        and "@" not in local
        and not any(char.isspace() for char in address)
    )


def _one_line(value: str) -> str:
    return " ".join(value.split())


def _domain_of(sender: str) -> str:
    """The sender's domain for the Message-ID (no DNS lookup of this machine's name)."""
    domain = parseaddr(sender)[1].rpartition("@")[2].strip()
    try:
        domain.encode("ascii")
    except UnicodeEncodeError:
        domain = ""
    return domain or "reporter.invalid"


def _config_name(config_path: Path | None) -> str | Mapping[str, str]:
    if config_path is not None:
        return str(config_path)
    return {lang: i18n.text("email_config_default", lang) for lang in i18n.LANGS}


# --- sending --------------------------------------------------------------------------------------


def send_message(
    message: EmailMessage,
    settings: EmailSettings,
    *,
    password: str | None = None,
    timeout: float = 30,
    report_path: Path | None = None,
    config_path: Path | None = None,
) -> None:
    """Send ``message`` with the ``[email]`` settings.

    ``security``: ``starttls`` (plain SMTP, then STARTTLS with the default
    certificate checks), ``ssl`` (SMTP over TLS from the start) or ``none``
    (plain, for a local relay). Logs in only when ``username`` is set, with
    ``password`` or else :func:`resolve_password`.

    Raises InputError ``email_not_configured`` (exit 2) for missing settings,
    OutputError ``email_no_password`` when no password is found, and
    ``email_failed`` / ``email_partly_refused`` (exit 3) when the server cannot
    be reached or refuses; these say where ``report_path`` was kept.
    """
    check_settings(settings, config_path, sending=True)
    if settings.security not in SECURITY_CHOICES:
        raise InputError(
            "config_wrong_type",
            path=str(config_path) if config_path else DEFAULT_NAME,
            key="email.security",
            expected=" / ".join(SECURITY_CHOICES),
            value=repr(settings.security),
        )
    kept = _kept(report_path)
    if settings.username and not password:
        password = resolve_password(settings)
        if not password:
            raise OutputError(
                "email_no_password",
                var=settings.password_env or "password_env",
                user=settings.username,
                kept=kept,
            )
    sender = parseaddr(settings.sender)[1] or settings.sender.strip()
    recipients = [address for _, address in getaddresses([*settings.to, *settings.cc]) if address]
    host, port = settings.smtp_host.strip(), settings.smtp_port

    def failed(detail: str | Mapping[str, str], hint: str, **hint_params: Any) -> OutputError:
        if isinstance(detail, str):
            detail = {lang: detail for lang in i18n.LANGS}
        # A server reply should never echo the password; make sure of it.
        detail = {lang: _scrub(text, password) for lang, text in detail.items()}
        return OutputError(
            "email_failed",
            host=host,
            port=port,
            detail=detail,
            hint={lang: i18n.text(hint, lang, **hint_params) for lang in i18n.LANGS},
            kept=kept,
        )

    try:
        refused = _deliver(message, settings, host, port, sender, recipients, password, timeout)
    except _CredentialsNotAscii:
        raise failed(
            _localized("email_detail_login_not_ascii"),
            "email_hint_login",
            user=settings.username,
            var=settings.password_env or "password_env",
        ) from None
    except smtplib.SMTPAuthenticationError as error:
        raise failed(
            _localized("email_detail_login", reply=_reply(error)),
            "email_hint_login",
            user=settings.username,
            var=settings.password_env or "password_env",
        ) from None
    except smtplib.SMTPRecipientsRefused as error:
        raise failed(
            _localized("email_detail_refused", reply=_refused(error.recipients)),
            "email_hint_address",
        ) from None
    except smtplib.SMTPSenderRefused as error:
        raise failed(f"{error.sender}: {_reply(error)}", "email_hint_address") from None
    except smtplib.SMTPNotSupportedError as error:
        # STARTTLS or AUTH not offered: usually the wrong security for the port.
        raise failed(str(error), "email_hint_tls") from None
    except smtplib.SMTPResponseException as error:
        raise failed(_reply(error), "email_hint_other") from None
    except ssl.SSLCertVerificationError as error:
        raise failed(error.verify_message or str(error), "email_hint_certificate") from None
    except ssl.SSLError as error:
        raise failed(f"TLS: {error.reason or error}", "email_hint_tls") from None
    except (socket.gaierror, ConnectionError, TimeoutError) as error:
        raise failed(_os_detail(error), "email_hint_connect") from None
    except smtplib.SMTPServerDisconnected as error:
        # Often a TLS port spoken to in plain text (or the reverse).
        raise failed(str(error) or type(error).__name__, "email_hint_tls") from None
    except (smtplib.SMTPException, OSError, ValueError, OverflowError) as error:
        raise failed(
            _os_detail(error) if isinstance(error, OSError) else str(error) or type(error).__name__,
            "email_hint_connect"
            if isinstance(error, (OSError, OverflowError))
            else "email_hint_other",
        ) from None
    if refused:
        raise OutputError("email_partly_refused", refused=_refused(refused), kept=kept)


class _CredentialsNotAscii(Exception):
    """The username or password cannot be sent in an SMTP login (not ASCII)."""


def _deliver(
    message: EmailMessage,
    settings: EmailSettings,
    host: str,
    port: int,
    sender: str,
    recipients: list[str],
    password: str | None,
    timeout: float,
) -> dict[str, tuple[int, bytes]]:
    """Connect, secure, log in and send; return the refused recipients (when some were accepted)."""
    context = ssl.create_default_context()
    smtp: smtplib.SMTP
    if settings.security == "ssl":
        smtp = smtplib.SMTP_SSL(host, port, timeout=timeout, context=context)
    else:
        smtp = smtplib.SMTP(host, port, timeout=timeout)
    try:
        smtp.ehlo()
        if settings.security == "starttls":
            smtp.starttls(context=context)
            smtp.ehlo()
        if settings.username:
            try:
                smtp.login(settings.username, password or "")
            except UnicodeEncodeError:
                # smtplib sends the login as ASCII, and its error quotes the character
                # it could not send and where: a piece of the password.
                raise _CredentialsNotAscii from None
        refused = smtp.send_message(message, from_addr=sender, to_addrs=recipients)
    finally:
        try:
            smtp.quit()
        except (smtplib.SMTPException, OSError):
            smtp.close()
    return refused


def _scrub(text: str, password: str | None) -> str:
    return text.replace(password, "****") if password else text


def _kept(report_path: Path | None) -> str | Mapping[str, str]:
    if report_path is None:
        return ""
    return {lang: i18n.text("email_kept", lang, path=str(report_path)) for lang in i18n.LANGS}


def _localized(key: str, **params: Any) -> Mapping[str, str]:
    return {lang: i18n.text(key, lang, **params) for lang in i18n.LANGS}


def _reply(error: smtplib.SMTPResponseException) -> str:
    reply = error.smtp_error
    text = reply.decode("utf-8", "replace") if isinstance(reply, bytes) else str(reply)
    return f"{error.smtp_code} {' '.join(text.split())}".strip()


def _refused(recipients: Mapping[str, Any]) -> str:
    parts = []
    for address, reply in recipients.items():
        if isinstance(reply, tuple) and len(reply) == 2:
            code, text = reply
            text = text.decode("utf-8", "replace") if isinstance(text, bytes) else str(text)
            parts.append(f"{address} ({code} {' '.join(text.split())})")
        else:
            parts.append(address)
    return ", ".join(parts)


def _os_detail(error: BaseException) -> str:
    if isinstance(error, OSError) and error.strerror:
        return error.strerror
    return str(error) or type(error).__name__


# --- .eml -----------------------------------------------------------------------------------------


def write_eml(message: EmailMessage, path: Path) -> None:
    """Write ``message`` as an .eml file (CRLF line ends), replacing the file in one step.

    Raises OutputError ``email_eml_unwritable`` (exit 3) when it cannot be written.
    """
    path = Path(path)
    data = message.as_bytes(policy=email.policy.SMTP)
    temporary: Path | None = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        if path.is_dir():
            raise IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR), str(path))
        handle, name = tempfile.mkstemp(dir=path.parent, prefix=".reporter-", suffix=".eml")
        temporary = Path(name)
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
        # mkstemp makes the file private (0600); give it a normal file's permissions.
        os.chmod(temporary, _file_mode(path))
        os.replace(temporary, path)
        temporary = None
    except OSError as error:
        raise OutputError(
            "email_eml_unwritable", path=str(path), detail=_os_detail(error)
        ) from None
    finally:
        if temporary is not None:
            with contextlib.suppress(OSError):
                temporary.unlink()


def _file_mode(target: Path) -> int:
    try:
        return stat.S_IMODE(target.stat().st_mode)
    except OSError:
        pass
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


__all__ = [
    "action_count",
    "build_message",
    "check_settings",
    "missing_settings",
    "resolve_password",
    "send_message",
    "subject",
    "write_eml",
]

"""The report email's words and shape (register-spec.md sections 6 and 7).

:func:`build_message` writes the team's message: a subject with the month and
the number of actions, a plain-text body with an HTML alternative summarising
the month, and the report workbook attached. :func:`build_per_owner` writes
one message per owner address (their own actions) and a summary for the team
that says who was sent what.

Register text in a body is masked with :func:`redact`, made one line, and
escaped in the HTML part; no link is ever made from it. A rule's long
support-channel paragraph is said once per store below the list, not under
every action.
"""

from __future__ import annotations

import email.policy
import html
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from email.message import EmailMessage
from email.utils import formatdate, getaddresses, make_msgid, parseaddr
from pathlib import Path
from typing import Any

from reporter import i18n
from reporter.config import EmailSettings
from reporter.delivery.digest import (
    Action,
    Digest,
    Share,
    build_digest,
    clean,
    due_text,
    localized,
    names,
    place,
    procedure_line,
    procedure_steps,
    shares,
    supports,
)
from reporter.delivery.digest import actions as digest_actions
from reporter.errors import InputError, OutputError, os_detail
from reporter.model import CATEGORY_ORDER, Severity
from reporter.output.flat import (
    CATEGORY_LABEL,
    SEVERITY_LABEL,
    TOP_ACTIONS,
    Summary,
    severity_counts,
    summarize,
)
from reporter.procedures import procedures_used
from reporter.result import CheckResult
from reporter.rules.base import pick

XLSX_TYPE = ("application", "vnd.openxmlformats-officedocument.spreadsheetml.sheet")
CALENDAR_TYPE = ("text", "calendar")
_SEVERITIES = (Severity.ERROR, Severity.WARNING, Severity.INFO)


# --- settings -------------------------------------------------------------------------------------


def missing_settings(settings: EmailSettings, *, sending: bool) -> list[str]:
    """The config keys (as written in the file) that must be set to write or to send the email.

    Writing a message (``--eml``) needs a sender and recipients; sending also
    needs what the method signs in with: the SMTP host, or the Entra ID tenant
    and application.
    """
    missing = []
    if sending:
        if settings.method == "smtp" and not settings.smtp_host.strip():
            missing.append("smtp_host")
        if settings.method in ("graph", "smtp-oauth"):
            missing += [key for key in ("tenant_id", "client_id") if not getattr(settings, key)]
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
            config=config_name(config_path),
        )


# --- the actions ----------------------------------------------------------------------------------


def actions(result: CheckResult, lang: str) -> list[Action]:
    """Every action (error or warning no exception covers), most urgent first (see
    :func:`reporter.delivery.digest.actions`)."""
    return digest_actions(result, lang)


def action_count(result: CheckResult) -> int:
    """The number of actions in the subject: errors + warnings that no exception covers.

    Info findings are not actions, and excepted findings were accepted by the
    team; this is the same set as :func:`reporter.output.flat.most_urgent`.
    """
    by_severity = summarize(result).by_severity
    return by_severity[Severity.ERROR] + by_severity[Severity.WARNING]


# --- what a mail says, before it is text or HTML --------------------------------------------------


@dataclass(frozen=True)
class Counts:
    """The counts by category and severity, and how many findings are excepted."""

    summary: Summary


@dataclass(frozen=True)
class ActionList:
    """The first TOP_ACTIONS actions, then each support paragraph and each procedure once."""

    header: str
    listed: Sequence[Action]
    limit: int | None = TOP_ACTIONS  # None: every action (the reminders)

    @property
    def top(self) -> list[Action]:
        return list(self.listed if self.limit is None else self.listed[: self.limit])

    @property
    def more(self) -> int:
        return len(self.listed) - len(self.top)


@dataclass(frozen=True)
class SentTo:
    """Who was sent what: name, address, number of actions."""

    owner_mails: Sequence[Share]


Section = Counts | ActionList | SentTo


@dataclass(frozen=True)
class Document:
    """A mail's content: a title, the intro lines, its sections; rendered as text and as HTML."""

    lang: str
    title: str
    intro: Sequence[str]
    sections: Sequence[Section]
    footer: str = "email_footer"  # the key of the closing line


def build_message(
    result: CheckResult,
    report_path: Path,
    lang: str,
    settings: EmailSettings,
    *,
    config_path: Path | None = None,
    sending: bool = False,
    calendar_path: Path | None = None,
) -> EmailMessage:
    """One message to ``settings.to`` (+ cc) from ``settings.sender``, the report attached
    (and the deadlines calendar, when ``calendar_path`` is given).

    Raises InputError ``email_not_configured`` (exit 2) when the sender or the
    recipients are missing (and what sending needs too with ``sending=True``, so
    that ``--email`` names every missing key at once), ``email_bad_setting`` when
    an address or the subject prefix cannot be a header, and OutputError
    ``email_report_unreadable`` (exit 3) when the report cannot be read.
    """
    digest = build_digest(result, lang, report_path=report_path, calendar_path=calendar_path)
    return team_message(digest, settings, config_path=config_path, sending=sending)


def team_message(
    digest: Digest,
    settings: EmailSettings,
    *,
    config_path: Path | None = None,
    sending: bool = False,
) -> EmailMessage:
    """The team's message for ``digest`` (see :func:`build_message`)."""
    check_settings(settings, config_path, sending=sending)
    files = _attachments(digest)
    _check_addresses(settings, config_path)
    lang, count = digest.lang, digest.action_count
    if digest.kind == "remind":
        header = i18n.text("remind_header", lang, count=count)
        sections: list[Section] = [ActionList(header, digest.actions, limit=None)]
    else:
        header = i18n.text("email_top_header", lang, count=count, shown=min(count, TOP_ACTIONS))
        sections = [Counts(digest.summary), ActionList(header, digest.actions)]
    footer = "remind_email_footer" if digest.kind == "remind" else "email_footer"
    document = Document(lang, _title(digest, "email_title"), _intro(digest), sections, footer)
    return _message(
        settings,
        config_path,
        subject_of(digest, settings),
        to=settings.to,
        cc=settings.cc,
        document=document,
        files=files,
    )


def subject(result: CheckResult, lang: str, settings: EmailSettings) -> str:
    count = action_count(result)
    return i18n.text("email_subject", lang, **_month(result.as_of, settings, count))


def subject_of(digest: Digest, settings: EmailSettings) -> str:
    params = _month(digest.as_of, settings, digest.action_count)
    if digest.kind == "remind":
        title = i18n.text(
            "remind_title", digest.lang, as_of=digest.as_of.isoformat(), count=digest.action_count
        )
        return f"{params['prefix']}{title}"
    return i18n.text("email_subject", digest.lang, **params)


# --- one message per owner ------------------------------------------------------------------------


@dataclass
class PerOwner:
    """The messages of a --per-owner run: one per owner address, then the team's summary."""

    owner_mails: list[Share]
    owner_messages: list[EmailMessage]
    summary: EmailMessage

    @property
    def messages(self) -> list[EmailMessage]:
        """Owners first: the summary, sent last, says who was sent what."""
        return [*self.owner_messages, self.summary]


def split_by_owner(
    team: Sequence[Action], settings: EmailSettings
) -> tuple[list[Share], list[Action]]:
    """The owner mails (one per distinct address) and the actions left for the team's message.

    An address written for two names gets one mail with both names' actions. An
    owner whose address is also in to / cc gets no mail of their own: the
    team's message lists their actions (one run, one message per person).
    """
    return shares(team, settings.owners, team=(*settings.to, *settings.cc), normalize=_addr_spec)


def build_per_owner(
    result: CheckResult,
    report_path: Path,
    lang: str,
    settings: EmailSettings,
    *,
    config_path: Path | None = None,
    sending: bool = False,
    calendar_path: Path | None = None,
) -> PerOwner:
    """One message per owner address with only that owner's actions, and the team's summary.

    Owners with no action this month get no message. The summary goes to to /
    cc: the counts, the actions no owner message carries, and a table of who was
    sent what (name, address, number of actions). Raises like
    :func:`build_message`, and InputError ``email_per_owner_no_owners`` (exit 2)
    when the config has no ``[email.owners]``.
    """
    digest = build_digest(result, lang, report_path=report_path, calendar_path=calendar_path)
    return per_owner_messages(digest, settings, config_path=config_path, sending=sending)


def per_owner_messages(
    digest: Digest,
    settings: EmailSettings,
    *,
    config_path: Path | None = None,
    sending: bool = False,
) -> PerOwner:
    """The owners' messages and the team's summary for ``digest`` (see :func:`build_per_owner`)."""
    check_settings(settings, config_path, sending=sending)
    if not settings.owners:
        raise InputError("email_per_owner_no_owners", config=config_name(config_path))
    files = _attachments(digest)
    _check_addresses(settings, config_path)
    lang = digest.lang
    owner_mails, rest = split_by_owner(digest.actions, settings)
    intro = _intro(digest)
    owner_messages = []
    for mail in owner_mails:
        if mail.in_team_post or not mail.actions:
            continue
        who = names(mail.names, lang)
        params = _month(digest.as_of, settings, len(mail.actions))
        header = i18n.text("email_owner_header", lang, count=len(mail.actions))
        document = Document(
            lang,
            i18n.text("email_owner_title", lang, names=who, **params),
            [*intro, i18n.text("email_owner_intro", lang, names=who)],
            [ActionList(header, mail.actions)],
        )
        owner_messages.append(
            _message(
                settings,
                config_path,
                i18n.text("email_owner_subject", lang, names=who, **params),
                to=(mail.label,),
                cc=(),
                document=document,
                files=files,
                key="owners",
            )
        )
    header = i18n.text(
        "email_summary_rest_header", lang, count=len(rest), shown=min(len(rest), TOP_ACTIONS)
    )
    document = Document(
        lang,
        _title(digest, "email_title"),
        intro,
        [Counts(digest.summary), SentTo(owner_mails), ActionList(header, rest)],
    )
    summary = _message(
        settings,
        config_path,
        subject_of(digest, settings),
        to=settings.to,
        cc=settings.cc,
        document=document,
        files=files,
    )
    return PerOwner(owner_mails, owner_messages, summary)


# --- building a message ---------------------------------------------------------------------------


def _message(
    settings: EmailSettings,
    config_path: Path | None,
    subject_line: str,
    *,
    to: Iterable[str],
    cc: Iterable[str],
    document: Document,
    files: Sequence[Attachment],
    key: str = "to",
) -> EmailMessage:
    message = EmailMessage(policy=email.policy.default)
    headers = {
        "Subject": ("subject_prefix", subject_line),
        "From": ("from", settings.sender.strip()),
        "To": (key, ", ".join(a.strip() for a in to if a.strip())),
        "Cc": ("cc", ", ".join(a.strip() for a in cc if a.strip())),
    }
    for header, (setting, value) in headers.items():
        if not value:
            continue
        try:
            message[header] = value
        except (ValueError, TypeError, IndexError) as error:
            raise InputError(
                "email_bad_setting",
                key=setting,
                config=config_name(config_path),
                detail=str(error) or type(error).__name__,
            ) from None
    message["Date"] = formatdate(localtime=True)
    message["Message-ID"] = make_msgid(domain=_domain_of(settings.sender))
    # RFC 3834: an automatic message; out-of-office replies should not answer it.
    message["Auto-Submitted"] = "auto-generated"
    # base64 keeps the Japanese UTF-8 text safe through relays without 8BITMIME.
    message.set_content(render_text(document), charset="utf-8", cte="base64")
    message.add_alternative(render_html(document), subtype="html", charset="utf-8", cte="base64")
    # EmailMessage encodes a non-ASCII file name with RFC 2231 (filename*=utf-8''...).
    for file in files:
        message.add_attachment(
            file.data, maintype=file.maintype, subtype=file.subtype, filename=file.name
        )
    return message


@dataclass(frozen=True)
class Attachment:
    data: bytes
    maintype: str
    subtype: str
    name: str


def _attachments(digest: Digest) -> list[Attachment]:
    """The report (and the deadlines calendar), read once for every message."""
    if digest.report_path is None:
        return []
    report = digest.report_path
    files = [Attachment(_read_report(report), *XLSX_TYPE, report.name)]
    if digest.calendar_path is not None:
        calendar = digest.calendar_path
        files.append(Attachment(_read_report(calendar), *CALENDAR_TYPE, calendar.name))
    return files


def _read_report(report_path: Path) -> bytes:
    try:
        return Path(report_path).read_bytes()
    except OSError as error:
        raise OutputError(
            "email_report_unreadable", path=str(report_path), detail=os_detail(error)
        ) from None


def _month(as_of: date, settings: EmailSettings, count: int) -> dict[str, Any]:
    prefix = _one_line(settings.subject_prefix)
    return {
        "prefix": f"{prefix} " if prefix else "",
        "year": as_of.year,
        "month": as_of.month,
        "month_name": i18n.MONTHS_EN[as_of.month - 1],
        "count": count,
        "actions": "action" if count == 1 else "actions",
    }


def _title(digest: Digest, key: str) -> str:
    as_of = digest.as_of
    if digest.kind == "remind":
        count = digest.action_count
        return i18n.text("remind_title", digest.lang, as_of=as_of.isoformat(), count=count)
    return i18n.text(
        key,
        digest.lang,
        year=as_of.year,
        month=as_of.month,
        month_name=i18n.MONTHS_EN[as_of.month - 1],
    )


def _intro(digest: Digest) -> list[str]:
    lang = digest.lang
    lines = [
        i18n.text("email_as_of", lang, as_of=digest.as_of.isoformat()),
        i18n.text("email_register", lang, name=digest.register_name),
    ]
    if digest.report_path is not None:
        report_name = clean(digest.report_path.name, masked=False)
        lines.append(i18n.text("email_report", lang, name=report_name))
    return lines


# --- the plain-text body --------------------------------------------------------------------------


def render_text(document: Document) -> str:
    """The plain-text body: the same sections as the HTML part, as indented lines."""
    lang = document.lang
    lines = [document.title, "", *document.intro]
    for section in document.sections:
        lines += _TEXT_SECTIONS[type(section)](section, lang)
    lines += ["", i18n.text(document.footer, lang), ""]
    return "\n".join(lines)


def _counts_text(section: Counts, lang: str) -> list[str]:
    summary = section.summary
    lines = ["", i18n.text("email_counts_header", lang)]
    for category in CATEGORY_ORDER:
        line = i18n.text(
            "email_counts_line",
            lang,
            category=pick(CATEGORY_LABEL[category], lang),
            counts=severity_counts(summary.by_category[category], lang),
        )
        lines.append(f"  {line}")
    lines.append(f"  {i18n.text('email_excepted', lang, count=summary.excepted)}")
    return lines


def _actions_text(section: ActionList, lang: str) -> list[str]:
    def t(key: str, **params: Any) -> str:
        return i18n.text(key, lang, **params)

    top = section.top
    if not top:
        return ["", t("no_actions")]
    lines = ["", section.header]
    for n, action in enumerate(top, start=1):
        row = action.row
        details = [f"{t('email_col_place')}: {place(row, lang)}"]
        if row.owner:
            details.append(f"{t('email_col_owner')}: {clean(row.owner)}")
        if row.due is not None:
            details.append(f"{t('email_col_due')}: {due_text(row, lang)}")
        lines.append(
            f"  {n}. [{pick(SEVERITY_LABEL[row.severity], lang)}] {row.code} {clean(row.title)}"
        )
        if action.note:
            lines.append(f"     {action.note}")
        lines += [
            f"     {' / '.join(details)}",
            f"     → {t('email_col_action')}: {action.step}",
        ]
    if section.more > 0:
        lines.append(f"  {t('email_top_more', count=section.more)}")
    paragraphs = supports(top)
    if paragraphs:
        lines += ["", t("email_support_header"), *(f"  - {s}" for s in paragraphs)]
    procedures = procedures_used([a.finding for a in top if a.finding is not None], lang)
    if procedures:
        lines += ["", t("digest_procedures_header")]
        for procedure in procedures:
            lines.append(f"  {procedure_line(procedure)}")
            lines += [f"     {step}" for step in procedure_steps(procedure)]
    return lines


def _sent_text(section: SentTo, lang: str) -> list[str]:
    lines = ["", i18n.text("email_summary_sent_header", lang)]
    listed = [m for m in section.owner_mails if m.actions]
    if not listed:
        return [*lines, f"  {i18n.text('email_summary_sent_none', lang)}"]
    for name, address, count in _sent_rows(listed, lang):
        line = i18n.text("email_summary_sent_line", lang, names=name, address=address, count=count)
        lines.append(f"  {line}")
    return lines


def _sent_rows(listed: Sequence[Share], lang: str) -> list[tuple[str, str, str]]:
    rows = []
    for mail in listed:
        address = _one_line(mail.label)
        if mail.in_team_post:
            here = i18n.text("email_summary_here", lang)
            address += f"({here})" if lang == "ja" else f" ({here})"
        rows.append((names(mail.names, lang), address, str(len(mail.actions))))
    return rows


_TEXT_SECTIONS: dict[type, Callable[[Any, str], list[str]]] = {
    Counts: _counts_text,
    ActionList: _actions_text,
    SentTo: _sent_text,
}


# --- the HTML body --------------------------------------------------------------------------------

_CELL = 'style="border:1px solid #999;padding:4px 8px;vertical-align:top"'
_HEAD = 'style="border:1px solid #999;padding:4px 8px;background:#eee;text-align:left"'
_NUM = 'style="border:1px solid #999;padding:4px 8px;text-align:right"'


def render_html(document: Document) -> str:
    """The HTML alternative: every text through html.escape; no link is made from register text."""
    e, lang, title = html.escape, document.lang, document.title
    parts = [
        "<!DOCTYPE html>",
        f'<html lang="{e(lang)}"><head><meta charset="utf-8"><title>{e(title)}</title></head>',
        "<body style=\"font-family:Meiryo,'Yu Gothic','Hiragino Sans',sans-serif;font-size:14px\">",
        f"<h2>{e(title)}</h2>",
        "<p>" + "<br>".join(e(line) for line in document.intro) + "</p>",
    ]
    for section in document.sections:
        parts += _HTML_SECTIONS[type(section)](section, lang)
    parts += [f"<p>{e(i18n.text(document.footer, lang))}</p>", "</body></html>", ""]
    return "\n".join(parts)


def _html_table(header: Sequence[str], rows: Iterable[Sequence[tuple[str, bool]]]) -> list[str]:
    """An HTML table; each cell is (text, numeric); the last row may be a total."""
    e = html.escape
    parts = ['<table style="border-collapse:collapse">']
    parts.append("<tr>" + "".join(f"<th {_HEAD}>{e(h)}</th>" for h in header) + "</tr>")
    for row in rows:
        cells = "".join(
            f"<td {_NUM if numeric else _CELL}>{e(value)}</td>" for value, numeric in row
        )
        parts.append(f"<tr>{cells}</tr>")
    parts.append("</table>")
    return parts


def _counts_html(section: Counts, lang: str) -> list[str]:
    summary, e = section.summary, html.escape
    rows = [
        [(pick(CATEGORY_LABEL[c], lang), False)]
        + [(str(summary.by_category[c][s]), True) for s in _SEVERITIES]
        for c in CATEGORY_ORDER
    ]
    rows.append(
        [(i18n.text("email_total", lang), False)]
        + [(str(summary.by_severity[s]), True) for s in _SEVERITIES]
    )
    header = [i18n.text("email_col_category", lang)]
    header += [pick(SEVERITY_LABEL[s], lang) for s in _SEVERITIES]
    excepted = i18n.text("email_excepted", lang, count=summary.excepted)
    return [
        f"<h3>{e(i18n.text('email_counts_header', lang))}</h3>",
        *_html_table(header, rows),
        f"<p>{e(excepted)}</p>",
    ]


def _actions_html(section: ActionList, lang: str) -> list[str]:
    def t(key: str, **params: Any) -> str:
        return i18n.text(key, lang, **params)

    e, top = html.escape, section.top
    if not top:
        return [f"<p>{e(t('no_actions'))}</p>"]
    columns = ("email_col_severity", "email_col_code", "email_col_title", "email_col_place")
    columns += ("email_col_owner", "email_col_due", "email_col_action")
    parts = [f"<h3>{e(section.header)}</h3>"]
    parts += _html_table(
        ["#", *(t(key) for key in columns)],
        (
            [
                (str(n), True),
                (pick(SEVERITY_LABEL[a.row.severity], lang), False),
                (a.row.code, False),
                (clean(a.row.title), False),
                (place(a.row, lang), False),
                (clean(a.row.owner), False),
                (" ".join(filter(None, (due_text(a.row, lang), a.note))), False),
                (a.step, False),
            ]
            for n, a in enumerate(top, start=1)
        ),
    )
    if section.more > 0:
        parts.append(f"<p>{e(t('email_top_more', count=section.more))}</p>")
    paragraphs = supports(top)
    if paragraphs:
        parts.append(f"<h3>{e(t('email_support_header'))}</h3>")
        parts.append("<ul>" + "".join(f"<li>{e(s)}</li>" for s in paragraphs) + "</ul>")
    procedures = procedures_used([a.finding for a in top if a.finding is not None], lang)
    if procedures:
        parts.append(f"<h3>{e(t('digest_procedures_header'))}</h3>")
        for procedure in procedures:
            steps = "<br>".join(e(step) for step in procedure_steps(procedure))
            parts.append(f"<p><b>{e(procedure_line(procedure))}</b><br>{steps}</p>")
    return parts


def _sent_html(section: SentTo, lang: str) -> list[str]:
    e = html.escape
    parts = [f"<h3>{e(i18n.text('email_summary_sent_header', lang))}</h3>"]
    listed = [m for m in section.owner_mails if m.actions]
    if not listed:
        return [*parts, f"<p>{e(i18n.text('email_summary_sent_none', lang))}</p>"]
    rows = [
        [(name, False), (address, False), (count, True)]
        for name, address, count in _sent_rows(listed, lang)
    ]
    header = [i18n.text(key, lang) for key in ("email_col_owner", "email_col_address")]
    return parts + _html_table([*header, i18n.text("email_col_count", lang)], rows)


_HTML_SECTIONS: dict[type, Callable[[Any, str], list[str]]] = {
    Counts: _counts_html,
    ActionList: _actions_html,
    SentTo: _sent_html,
}


# --- addresses ------------------------------------------------------------------------------------


def _check_addresses(settings: EmailSettings, config_path: Path | None) -> None:
    """Each of from / to / cc / owners must be one or more addresses of the form name@domain."""
    fields = [("from", settings.sender), *(("to", a) for a in settings.to)]
    fields += [("cc", a) for a in settings.cc]
    fields += [(f"owners.{name}", a) for name, a in settings.owners]
    for key, value in fields:
        if not value.strip():
            continue
        addresses = [address for _, address in getaddresses([value])]
        good = bool(addresses) and all(_is_address(address) for address in addresses)
        if key == "from" or key.startswith("owners."):
            good = good and len(addresses) == 1
        if not good:
            raise InputError(
                "email_bad_setting",
                key=key,
                config=config_name(config_path),
                detail=localized("email_not_address", value=_one_line(value)),
            )


def _is_address(address: str) -> bool:
    local, at, domain = address.rpartition("@")
    return (
        bool(at and local and domain)
        and "@" not in local
        and not any(char.isspace() for char in address)
    )


def _addr_spec(value: str) -> str:
    """The bare address, lower case: two spellings of one mailbox are one person."""
    return (parseaddr(value)[1] or value).strip().lower()


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


def config_name(config_path: Path | None) -> str | Mapping[str, str]:
    """The config file for a message: its path, or the default name."""
    if config_path is not None:
        return str(config_path)
    return {lang: i18n.text("email_config_default", lang) for lang in i18n.LANGS}

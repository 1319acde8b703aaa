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
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.utils import formatdate, getaddresses, make_msgid, parseaddr
from pathlib import Path
from typing import Any

from reporter import i18n
from reporter.config import EmailSettings
from reporter.engine import CATEGORY_ORDER, CheckResult
from reporter.errors import InputError, OutputError, os_detail
from reporter.i18n import render
from reporter.masking import redact
from reporter.model import Severity
from reporter.output.flat import (
    CATEGORY_LABEL,
    SEVERITY_LABEL,
    TOP_ACTIONS,
    Row,
    flatten,
    severity_counts,
    summarize,
)
from reporter.rules import RULE_BY_CODE
from reporter.rules.base import localize_params, pick

XLSX_TYPE = ("application", "vnd.openxmlformats-officedocument.spreadsheetml.sheet")
CALENDAR_TYPE = ("text", "calendar")
# The rule parameter holding the support-channel paragraph (reporter.rules.incidents).
SUPPORT_PARAM = "support"
# Where a sentence ends: a Japanese full stop, or a full stop and a space (not in "e.g. ").
_SCENE_SETTER = 24  # characters: a first sentence this short does not say what to do
_SENTENCE_END = re.compile(r"。|(?<!e\.g)(?<!i\.e)\.\s")
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


@dataclass(frozen=True)
class Action:
    """One action for the email: its row, its next step in one sentence, any support paragraph."""

    row: Row
    step: str
    support: str


def actions(result: CheckResult, lang: str) -> list[Action]:
    """Every action (error or warning no exception covers), most urgent first.

    The same set and order as :func:`reporter.output.flat.most_urgent`. The
    support-channel paragraph some rules end their action with is kept apart,
    so that the email says it once per store.
    """
    picked = []
    for finding, row in zip(result.findings, flatten(result, lang), strict=True):
        if row.excepted or row.severity == Severity.INFO:
            continue
        support = ""
        step = row.action
        if SUPPORT_PARAM in finding.params:
            params = localize_params(finding, lang)
            support = _clean(str(params.get(SUPPORT_PARAM, "")))
            params[SUPPORT_PARAM] = ""
            step = render(pick(RULE_BY_CODE[finding.code].action, lang), params)
        picked.append(Action(row, first_sentence(_clean(step)), support))
    return picked


def first_sentence(text: str) -> str:
    """An action's first sentence: what to do. The steps that follow are in the report.

    A short first sentence only sets the scene ("MWS は終了しています。"), so the
    next one, which says what to do, comes with it.
    """
    end = 0
    for match in _SENTENCE_END.finditer(text):
        if match.end() >= len(text.rstrip()):
            break
        end = match.start() + 1
        if end > _SCENE_SETTER:
            return text[:end]
    return text[:end] if end > _SCENE_SETTER else text


def action_count(result: CheckResult) -> int:
    """The number of actions in the subject: errors + warnings that no exception covers.

    Info findings are not actions, and excepted findings were accepted by the
    team; this is the same set as :func:`reporter.output.flat.most_urgent`.
    """
    by_severity = summarize(result).by_severity
    return by_severity[Severity.ERROR] + by_severity[Severity.WARNING]


# --- the team's message ---------------------------------------------------------------------------


def subject(result: CheckResult, lang: str, settings: EmailSettings) -> str:
    count = action_count(result)
    return i18n.text("email_subject", lang, **_month(result, lang, settings, count))


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
    check_settings(settings, config_path, sending=sending)
    files = _attachments(report_path, calendar_path)
    _check_addresses(settings, config_path)
    team = actions(result, lang)
    body = _Body(lang, _title(result, lang, "email_title"), _intro(result, lang, report_path))
    body.counts(result)
    body.actions(
        i18n.text("email_top_header", lang, count=len(team), shown=min(len(team), TOP_ACTIONS)),
        team,
    )
    body.footer()
    return _message(
        settings,
        config_path,
        subject(result, lang, settings),
        to=settings.to,
        cc=settings.cc,
        body=body,
        files=files,
    )


# --- one message per owner ------------------------------------------------------------------------


@dataclass
class OwnerMail:
    """What one owner address gets: the names it stands for and their actions."""

    address: str  # as written in [email.owners]
    names: list[str] = field(default_factory=list)
    actions: list[Action] = field(default_factory=list)
    in_team_mail: bool = False  # the address is in to / cc: the team's message carries these


@dataclass
class PerOwner:
    """The messages of a --per-owner run: one per owner address, then the team's summary."""

    owner_mails: list[OwnerMail]
    owner_messages: list[EmailMessage]
    summary: EmailMessage

    @property
    def messages(self) -> list[EmailMessage]:
        """Owners first: the summary, sent last, says who was sent what."""
        return [*self.owner_messages, self.summary]


def split_by_owner(
    team: Sequence[Action], settings: EmailSettings
) -> tuple[list[OwnerMail], list[Action]]:
    """The owner mails (one per distinct address) and the actions left for the team's message.

    An address written for two names gets one mail with both names' actions. An
    owner whose address is also in to / cc gets no mail of their own: the
    team's message lists their actions (one run, one message per person).
    """
    team_addresses = {_addr_spec(a) for a in (*settings.to, *settings.cc) if a.strip()}
    by_address: dict[str, OwnerMail] = {}
    address_of: dict[str, OwnerMail] = {}
    for name, address in settings.owners:
        key = _addr_spec(address)
        mail = by_address.setdefault(
            key, OwnerMail(address=address.strip(), in_team_mail=key in team_addresses)
        )
        mail.names.append(name)
        address_of[name] = mail
    rest: list[Action] = []
    for action in team:
        mail = address_of.get(action.row.owner.strip())
        if mail is None or mail.in_team_mail:
            rest.append(action)
        if mail is not None:
            mail.actions.append(action)
    return list(by_address.values()), rest


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
    check_settings(settings, config_path, sending=sending)
    if not settings.owners:
        raise InputError("email_per_owner_no_owners", config=config_name(config_path))
    files = _attachments(report_path, calendar_path)
    _check_addresses(settings, config_path)
    report_path = Path(report_path)
    owner_mails, rest = split_by_owner(actions(result, lang), settings)
    intro = _intro(result, lang, report_path)
    owner_messages = []
    for mail in owner_mails:
        if mail.in_team_mail or not mail.actions:
            continue
        names = _names(mail.names, lang)
        params = _month(result, lang, settings, len(mail.actions))
        title = i18n.text("email_owner_title", lang, names=names, **params)
        body = _Body(lang, title, [*intro, i18n.text("email_owner_intro", lang, names=names)])
        body.actions(i18n.text("email_owner_header", lang, count=len(mail.actions)), mail.actions)
        body.footer()
        owner_messages.append(
            _message(
                settings,
                config_path,
                i18n.text("email_owner_subject", lang, names=names, **params),
                to=(mail.address,),
                cc=(),
                body=body,
                files=files,
                key="owners",
            )
        )
    body = _Body(lang, _title(result, lang, "email_title"), intro)
    body.counts(result)
    body.sent_to(owner_mails)
    header = i18n.text(
        "email_summary_rest_header", lang, count=len(rest), shown=min(len(rest), TOP_ACTIONS)
    )
    body.actions(header, rest)
    body.footer()
    summary = _message(
        settings,
        config_path,
        subject(result, lang, settings),
        to=settings.to,
        cc=settings.cc,
        body=body,
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
    body: _Body,
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
    text_body, html_body = body.finish()
    # base64 keeps the Japanese UTF-8 text safe through relays without 8BITMIME.
    message.set_content(text_body, charset="utf-8", cte="base64")
    message.add_alternative(html_body, subtype="html", charset="utf-8", cte="base64")
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


def _attachments(report_path: Path, calendar_path: Path | None) -> list[Attachment]:
    """The report (and the deadlines calendar), read once for every message."""
    files = [Attachment(_read_report(report_path), *XLSX_TYPE, Path(report_path).name)]
    if calendar_path is not None:
        calendar = Path(calendar_path)
        files.append(Attachment(_read_report(calendar), *CALENDAR_TYPE, calendar.name))
    return files


def _read_report(report_path: Path) -> bytes:
    try:
        return Path(report_path).read_bytes()
    except OSError as error:
        raise OutputError(
            "email_report_unreadable", path=str(report_path), detail=os_detail(error)
        ) from None


def _month(result: CheckResult, lang: str, settings: EmailSettings, count: int) -> dict[str, Any]:
    prefix = _one_line(settings.subject_prefix)
    return {
        "prefix": f"{prefix} " if prefix else "",
        "year": result.as_of.year,
        "month": result.as_of.month,
        "month_name": i18n.MONTHS_EN[result.as_of.month - 1],
        "count": count,
        "actions": "action" if count == 1 else "actions",
    }


def _title(result: CheckResult, lang: str, key: str) -> str:
    as_of = result.as_of
    return i18n.text(
        key, lang, year=as_of.year, month=as_of.month, month_name=i18n.MONTHS_EN[as_of.month - 1]
    )


def _intro(result: CheckResult, lang: str, report_path: Path) -> list[str]:
    return [
        i18n.text("email_as_of", lang, as_of=result.as_of.isoformat()),
        i18n.text("email_register", lang, name=_clean(result.path.name, masked=False)),
        i18n.text("email_report", lang, name=_clean(Path(report_path).name, masked=False)),
    ]


def _names(names: Sequence[str], lang: str) -> str:
    return ("・" if lang == "ja" else " and ").join(_clean(name) for name in names)


class _Body:
    """The plain-text body and its HTML alternative, written side by side.

    Every text goes through html.escape in the HTML part; no link is made from
    register text.
    """

    _CELL = 'style="border:1px solid #999;padding:4px 8px;vertical-align:top"'
    _HEAD = 'style="border:1px solid #999;padding:4px 8px;background:#eee;text-align:left"'
    _NUM = 'style="border:1px solid #999;padding:4px 8px;text-align:right"'

    def __init__(self, lang: str, title: str, intro: Sequence[str]) -> None:
        self.lang = lang
        e = html.escape
        self.text = [title, "", *intro]
        self.html = [
            "<!DOCTYPE html>",
            f'<html lang="{e(lang)}"><head><meta charset="utf-8"><title>{e(title)}</title></head>',
            "<body style=\"font-family:Meiryo,'Yu Gothic','Hiragino Sans',sans-serif;"
            'font-size:14px">',
            f"<h2>{e(title)}</h2>",
            "<p>" + "<br>".join(e(line) for line in intro) + "</p>",
        ]

    def t(self, key: str, **params: Any) -> str:
        return i18n.text(key, self.lang, **params)

    def _table(self, header: Sequence[str], rows: Iterable[Sequence[tuple[str, bool]]]) -> None:
        """An HTML table; each cell is (text, numeric); the last row may be a total."""
        e = html.escape
        self.html.append('<table style="border-collapse:collapse">')
        self.html.append(
            "<tr>" + "".join(f"<th {self._HEAD}>{e(h)}</th>" for h in header) + "</tr>"
        )
        for row in rows:
            cells = "".join(
                f"<td {self._NUM if numeric else self._CELL}>{e(value)}</td>"
                for value, numeric in row
            )
            self.html.append(f"<tr>{cells}</tr>")
        self.html.append("</table>")

    def counts(self, result: CheckResult) -> None:
        summary = summarize(result)
        t, e = self.t, html.escape
        self.text += ["", t("email_counts_header")]
        for category in CATEGORY_ORDER:
            line = t(
                "email_counts_line",
                category=pick(CATEGORY_LABEL[category], self.lang),
                counts=severity_counts(summary.by_category[category], self.lang),
            )
            self.text.append(f"  {line}")
        excepted = t("email_excepted", count=summary.excepted)
        self.text.append(f"  {excepted}")
        self.html.append(f"<h3>{e(t('email_counts_header'))}</h3>")
        rows = [
            [(pick(CATEGORY_LABEL[c], self.lang), False)]
            + [(str(summary.by_category[c][s]), True) for s in _SEVERITIES]
            for c in CATEGORY_ORDER
        ]
        rows.append(
            [(t("email_total"), False)] + [(str(summary.by_severity[s]), True) for s in _SEVERITIES]
        )
        header = [t("email_col_category")] + [
            pick(SEVERITY_LABEL[s], self.lang) for s in _SEVERITIES
        ]
        self._table(header, rows)
        self.html.append(f"<p>{e(excepted)}</p>")

    def actions(self, header: str, listed: Sequence[Action]) -> None:
        """The first TOP_ACTIONS actions, then each distinct support paragraph once."""
        t, e, lang = self.t, html.escape, self.lang
        top = list(listed[:TOP_ACTIONS])
        more = len(listed) - len(top)
        self.text.append("")
        if not top:
            self.text.append(t("no_actions"))
            self.html.append(f"<p>{e(t('no_actions'))}</p>")
            return
        self.text.append(header)
        self.html.append(f"<h3>{e(header)}</h3>")
        for n, action in enumerate(top, start=1):
            self.text.extend(_text_action(n, action, lang))
        columns = ("email_col_severity", "email_col_code", "email_col_place")
        columns += ("email_col_owner", "email_col_due", "email_col_action")
        self._table(
            ["#", *(t(key) for key in columns)],
            (
                [
                    (str(n), True),
                    (pick(SEVERITY_LABEL[a.row.severity], lang), False),
                    (a.row.code, False),
                    (_place(a.row, lang), False),
                    (_clean(a.row.owner), False),
                    (_due(a.row, lang), False),
                    (a.step, False),
                ]
                for n, a in enumerate(top, start=1)
            ),
        )
        if more > 0:
            self.text.append(f"  {t('email_top_more', count=more)}")
            self.html.append(f"<p>{e(t('email_top_more', count=more))}</p>")
        supports = list(dict.fromkeys(a.support for a in top if a.support))
        if supports:
            self.text += ["", t("email_support_header"), *(f"  - {s}" for s in supports)]
            self.html.append(f"<h3>{e(t('email_support_header'))}</h3>")
            self.html.append("<ul>" + "".join(f"<li>{e(s)}</li>" for s in supports) + "</ul>")

    def sent_to(self, owner_mails: Sequence[OwnerMail]) -> None:
        """Who was sent what: name, address, number of actions."""
        t, e = self.t, html.escape
        listed = [m for m in owner_mails if m.actions]
        self.text += ["", t("email_summary_sent_header")]
        self.html.append(f"<h3>{e(t('email_summary_sent_header'))}</h3>")
        if not listed:
            self.text.append(f"  {t('email_summary_sent_none')}")
            self.html.append(f"<p>{e(t('email_summary_sent_none'))}</p>")
            return
        rows = []
        for mail in listed:
            address = _one_line(mail.address)
            if mail.in_team_mail:
                here = t("email_summary_here")
                address += f"({here})" if self.lang == "ja" else f" ({here})"
            names = _names(mail.names, self.lang)
            count = str(len(mail.actions))
            self.text.append(
                "  " + t("email_summary_sent_line", names=names, address=address, count=count)
            )
            rows.append([(names, False), (address, False), (count, True)])
        self._table([t("email_col_owner"), t("email_col_address"), t("email_col_count")], rows)

    def footer(self) -> None:
        self.text += ["", self.t("email_footer"), ""]
        self.html += [f"<p>{html.escape(self.t('email_footer'))}</p>", "</body></html>", ""]

    def finish(self) -> tuple[str, str]:
        return "\n".join(self.text), "\n".join(self.html)


def _text_action(n: int, action: Action, lang: str) -> list[str]:
    def t(key: str) -> str:
        return i18n.text(key, lang)

    row = action.row
    details = [f"{t('email_col_place')}: {_place(row, lang)}"]
    if row.owner:
        details.append(f"{t('email_col_owner')}: {_clean(row.owner)}")
    if row.due is not None:
        details.append(f"{t('email_col_due')}: {_due(row, lang)}")
    separator = " / "
    return [
        f"  {n}. [{pick(SEVERITY_LABEL[row.severity], lang)}] {row.code} {_clean(row.title)}",
        f"     {separator.join(details)}",
        f"     → {t('email_col_action')}: {action.step}",
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


def localized(key: str, **params: Any) -> Mapping[str, str]:
    """A text in every language, for a param of another message."""
    return {lang: i18n.text(key, lang, **params) for lang in i18n.LANGS}

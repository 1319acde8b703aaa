"""Microsoft 365 and password SMTP: the warning a run gives before the mail stops.

Microsoft switches SMTP AUTH with a password off by default for existing Exchange
Online tenants from the end of December 2026; an administrator can turn it back
on for a while, and the final removal date is to be announced later (the rules
file's ``microsoft365_smtp_password_off``, with its source). A run that sends with
``[email] method = "smtp"`` through a Microsoft 365 host says so in one line,
before that date and after it, and names the way out: ``method = "graph"``.
"""

from __future__ import annotations

import calendar
from datetime import date
from typing import TYPE_CHECKING

from reporter import i18n

if TYPE_CHECKING:
    from reporter.config import EmailSettings
    from reporter.platform import Settings

BEFORE = "m365_smtp_password_off_soon"
AFTER = "m365_smtp_password_off"


def password_smtp_warning(email: EmailSettings, as_of: date, rules: Settings) -> str | None:
    """The message key to warn with, or None when the run does not send password SMTP
    through Microsoft 365 (another method, another host)."""
    facts = rules.microsoft365_smtp
    if email.method != "smtp":
        return None
    host = email.smtp_host.strip().rstrip(".").lower()
    if host not in facts.hosts:
        return None
    return BEFORE if as_of < facts.off_from else AFTER


def warning_line(email: EmailSettings, as_of: date, rules: Settings, lang: str) -> str | None:
    """:func:`password_smtp_warning` as the line to show, in ``lang``; None for no warning."""
    key = password_smtp_warning(email, as_of, rules)
    if key is None:
        return None
    when = _month_end_text(rules.microsoft365_smtp.off_from, lang)
    if key == BEFORE:
        return i18n.text("m365_smtp_password_off_soon", lang, when=when)
    return i18n.text("m365_smtp_password_off", lang, when=when)


def _month_end_text(day: date, lang: str) -> str:
    """'2026年12月末' / 'the end of December 2026' for a month's last day (Microsoft names a
    month, not a day), else the date itself."""
    if day.day != calendar.monthrange(day.year, day.month)[1]:
        return day.isoformat()
    if lang == "ja":
        return f"{day.year}年{day.month}月末"
    return f"the end of {calendar.month_name[day.month]} {day.year}"

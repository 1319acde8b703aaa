"""What a chat post says, before any service's markup: the same for Teams, Slack and Chatwork.

The summary post (``report --chat``): a title, the counts by category and
severity, the 10 most urgent actions (place, owner, due date, one-line
action), the support paragraphs and the procedures once after the list, and
the report's file name and folder. A reminder post (``remind``): a title and
the reminders due today, each with its days left or overdue.

Texts here are plain and unescaped; each channel escapes them for its markup.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from reporter import i18n
from reporter.delivery.digest import (
    Action,
    Digest,
    clean,
    due_text,
    localized,
    place,
    supports,
)
from reporter.model import CATEGORY_ORDER
from reporter.output.flat import CATEGORY_LABEL, SEVERITY_LABEL, severity_counts
from reporter.procedures import procedures_used
from reporter.rules.base import pick


@dataclass(frozen=True)
class Entry:
    """One listed action."""

    number: int
    heading: str  # "[エラー] RNW001 楽天ライセンスキーの期限切れ"
    details: str  # "キー!F7 K-003 / 担当: 佐藤 / 期限: 2026-11-01(29日超過)"
    step: str  # the one-line action
    note: str = ""  # a reminder's days left or overdue


@dataclass(frozen=True)
class Post:
    title: str
    intro: list[str]
    counts: list[str]
    header: str
    entries: list[Entry]
    more: str = ""
    supports: list[str] = field(default_factory=list)
    procedures: list[tuple[str, list[str]]] = field(default_factory=list)
    footer: list[str] = field(default_factory=list)
    supports_header: str = ""
    procedures_header: str = ""

    def plain(self) -> str:
        """The whole post as plain text (a notification's fallback, a log)."""
        lines = [self.title, *self.intro, *self.counts, self.header]
        for entry in self.entries:
            lines += [f"{entry.number}. {entry.heading}", f"   {entry.details}"]
            lines.append(f"   → {entry.step}")
        lines += [line for line in (self.more,) if line]
        return "\n".join(line for line in lines if line)


def post_of(digest: Digest, extra: list[str] | None = None) -> Post:
    """The post for ``digest``; ``extra`` lines go before the footer (Chatwork's unassigned)."""
    lang = digest.lang

    def t(key: str, **params: object) -> str:
        return i18n.text(key, lang, **params)

    as_of = digest.as_of
    month = {"year": as_of.year, "month": as_of.month}
    month["month_name"] = i18n.MONTHS_EN[as_of.month - 1]  # type: ignore[assignment]
    if digest.kind == "remind":
        title = t("remind_title", as_of=as_of.isoformat(), count=digest.action_count)
        counts: list[str] = []
        header = t("remind_header", count=digest.action_count)
    else:
        title = t("chat_title", count=digest.action_count, **month)
        summary = digest.summary
        counts = [t("email_counts_header")]
        for category in CATEGORY_ORDER:
            counts.append(
                t(
                    "email_counts_line",
                    category=pick(CATEGORY_LABEL[category], lang),
                    counts=severity_counts(summary.by_category[category], lang),
                )
            )
        counts.append(t("email_excepted", count=summary.excepted))
        shown = len(digest.top)
        header = t("email_top_header", count=digest.action_count, shown=shown)
    intro = [
        t("email_as_of", as_of=as_of.isoformat()),
        t("email_register", name=digest.register_name),
    ]
    top = list(digest.top)
    entries = [_entry(n, action, lang) for n, action in enumerate(top, start=1)]
    if not top:
        header = t("no_actions")
    more = t("chat_more", count=digest.more) if digest.more else ""
    footer = list(extra or [])
    if digest.report_path is not None:
        footer.append(
            t(
                "chat_report_file",
                name=clean(digest.report_path.name, masked=False),
                folder=clean(str(digest.report_path.parent), masked=False),
            )
        )
    from reporter.delivery.email.compose import procedure_line, procedure_steps

    procedures = [
        (procedure_line(p), procedure_steps(p))
        for p in procedures_used([a.finding for a in top if a.finding is not None], lang)
    ]
    return Post(
        title=title,
        intro=intro,
        counts=counts,
        header=header,
        entries=entries,
        more=more,
        supports=supports(top),
        procedures=procedures,
        footer=footer,
        supports_header=t("chat_support_header"),
        procedures_header=t("digest_procedures_header"),
    )


def _entry(number: int, action: Action, lang: str) -> Entry:
    row = action.row
    details = [place(row, lang)]
    owner = clean(row.owner)
    details.append(i18n.text("chat_owner", lang, owner=owner or i18n.text("chat_no_owner", lang)))
    if row.due is not None:
        details.append(i18n.text("chat_due", lang, due=due_text(row, lang)))
    heading = f"[{pick(SEVERITY_LABEL[row.severity], lang)}] {row.code} {clean(row.title)}"
    return Entry(number, heading, " / ".join(details), action.step, action.note)


def kept(digest: Digest) -> Any:
    """The end of a refusal's line: where the report, already written, was kept."""
    if digest.report_path is None:
        return ""
    return localized("email_kept", path=str(digest.report_path))

"""What every channel says about one run, before any channel's format.

A :class:`Digest` holds the counts, the actions to list (most urgent first,
each in one sentence), the procedures those actions use, and the files the run
wrote. :func:`shares` splits the actions by owner for a channel that reaches
people one by one (an email address, a Chatwork account), so that "who gets
what" is decided once. The email, the Teams card, the Slack post and the
Chatwork message are renderings of the same digest
(:mod:`reporter.delivery.channels`).

Register text is masked here, made one line, and never becomes a link: a
channel only has to escape it for its own markup.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from reporter import i18n
from reporter.masking import redact
from reporter.model import Finding, Severity
from reporter.output.flat import TOP_ACTIONS, Row, Summary, flatten, summarize
from reporter.procedures import procedures_used
from reporter.result import CheckResult
from reporter.rules.base import localize_params

# The rule parameter holding the support-channel paragraph (reporter.rules.incidents).
SUPPORT_PARAM = "support"
# Where a sentence ends: a Japanese full stop, or a full stop and a space (not in "e.g. ").


@dataclass(frozen=True)
class Action:
    """One action: its row, its next step in one sentence, and any support paragraph."""

    row: Row
    step: str
    support: str
    finding: Finding | None = None
    note: str = ""  # a reminder's "7 days left" / "3 days overdue"
    key: str = ""  # what a channel that records deliveries records (a reminder's key)


@dataclass(frozen=True)
class Digest:
    """One run, as every channel tells it."""

    lang: str
    as_of: date
    register_name: str
    summary: Summary
    actions: tuple[Action, ...]  # errors and warnings no exception covers, most urgent first
    procedures: tuple[dict[str, Any], ...] = ()  # the procedures the actions use, once each
    report_path: Path | None = None
    calendar_path: Path | None = None
    register_path: Path | None = None  # the register read (no output may land on it)
    # "report": the month's summary; "remind": only the reminders due today.
    kind: str = "report"

    @property
    def top(self) -> tuple[Action, ...]:
        """The actions a post lists: the first TOP_ACTIONS of a report (the rest are in
        the report); every reminder of a reminder run (one not shown would be lost)."""
        return self.actions if self.kind == "remind" else self.actions[:TOP_ACTIONS]

    @property
    def more(self) -> int:
        return len(self.actions) - len(self.top)

    @property
    def action_count(self) -> int:
        return len(self.actions)


def build_digest(
    result: CheckResult,
    lang: str,
    *,
    report_path: Path | None = None,
    calendar_path: Path | None = None,
) -> Digest:
    """The digest of ``result`` in ``lang``: counts, actions, procedures, files."""
    listed = actions(result, lang)
    return Digest(
        lang=lang,
        as_of=result.as_of,
        register_name=clean(result.path.name, masked=False),
        summary=summarize(result),
        actions=tuple(listed),
        procedures=tuple(
            procedures_used(
                [a.finding for a in listed if a.finding], lang, result.settings.procedures
            )
        ),
        report_path=Path(report_path) if report_path is not None else None,
        calendar_path=Path(calendar_path) if calendar_path is not None else None,
        register_path=Path(result.path),
    )


def actions(result: CheckResult, lang: str, *, with_info: bool = False) -> list[Action]:
    """Every action (error or warning no exception covers), most urgent first; with
    ``with_info``, the info findings too (a reminder is due for any finding with a due date).

    The same set and order as :func:`reporter.output.flat.most_urgent`. The
    support-channel paragraph some rules end their action with is the finding's
    own parameter: it is taken from there and cut out of the rendered action,
    so that a channel says it once per store.
    """
    picked = []
    for finding, row in zip(result.findings, flatten(result, lang), strict=True):
        if row.excepted or (row.severity == Severity.INFO and not with_info):
            continue
        support, step = "", row.action
        if SUPPORT_PARAM in finding.params:
            paragraph = str(localize_params(finding, lang).get(SUPPORT_PARAM, ""))
            if paragraph:
                step = step.replace(paragraph, "")
            support = clean(paragraph)
        # An action is one instruction ending with its procedure's id: said whole.
        picked.append(Action(row, clean(step).strip(), support, finding))
    return picked


def supports(listed: Sequence[Action]) -> list[str]:
    """Each distinct support paragraph of ``listed``, once, in order."""
    return list(dict.fromkeys(a.support for a in listed if a.support))


# --- who gets what --------------------------------------------------------------------------------


@dataclass
class Share:
    """The actions one recipient gets: a key (an address, an account id) and the names it stands for."""

    key: str
    label: str  # as written in the config (the address, the account id)
    names: list[str] = field(default_factory=list)
    actions: list[Action] = field(default_factory=list)
    in_team_post: bool = False  # the recipient also gets the team's post, which carries these


def shares(
    listed: Sequence[Action],
    owners: Sequence[tuple[str, str]],
    *,
    team: Sequence[str] = (),
    normalize: Any = None,
) -> tuple[list[Share], list[Action]]:
    """Split ``listed`` by owner: one share per distinct recipient, and the actions left over.

    ``owners`` maps the register's 担当者 to a recipient (in the config's
    order). A recipient written for two names gets one share with both names'
    actions. A recipient that is also in ``team`` gets no share of its own:
    the team's post lists their actions (one run, one message per person).
    The actions left over (no owner, an owner without a recipient, or in the
    team's post) are for the team's post.
    """

    def key_of(value: str) -> str:
        return normalize(value) if normalize is not None else value.strip()

    team_keys = {key_of(value) for value in team if value.strip()}
    by_key: dict[str, Share] = {}
    share_of: dict[str, Share] = {}
    for name, recipient in owners:
        key = key_of(recipient)
        share = by_key.setdefault(
            key, Share(key=key, label=recipient.strip(), in_team_post=key in team_keys)
        )
        share.names.append(name)
        share_of[name] = share
    rest: list[Action] = []
    for action in listed:
        share = share_of.get(action.row.owner.strip())
        if share is None or share.in_team_post:
            rest.append(action)
        if share is not None:
            share.actions.append(action)
    return list(by_key.values()), rest


# --- procedures -----------------------------------------------------------------------------------


def procedure_line(procedure: Mapping[str, Any]) -> str:
    """A procedure's heading: its id, platform and screen."""
    parts = [str(procedure.get(key, "") or "") for key in ("id", "platform", "screen")]
    return " ".join(clean(part, masked=False) for part in parts if part)


def procedure_steps(procedure: Mapping[str, Any]) -> list[str]:
    """A procedure's steps, one per line, then its source and the date it was checked."""
    steps = procedure.get("steps") or []
    if isinstance(steps, str):
        steps = [steps]
    lines = [clean(str(step), masked=False) for step in steps if str(step).strip()]
    source = " ".join(
        clean(str(procedure.get(key) or ""), masked=False) for key in ("source", "checked")
    ).strip()
    if source:
        lines.append(f"({source})")
    return lines


# --- wording shared by every channel --------------------------------------------------------------


def clean(value: str | None, masked: bool = True) -> str:
    """Register text for one line: secrets masked, control characters as spaces.

    A file name is not masked (``masked=False``): it only loses its control characters.
    """
    if not value:
        return ""
    shown = redact(str(value)) if masked else str(value)
    text = "".join(" " if unicodedata.category(char).startswith("C") else char for char in shown)
    return " ".join(text.split())


def place(row: Row, lang: str) -> str:
    """Sheet!cell and the record id, as in the report's 場所 column."""
    if not row.sheet and not row.sheet_name:
        where = i18n.text("workbook", lang)
    else:
        name = clean(row.sheet_name) or row.sheet
        where = f"{name}!{row.cell}" if row.cell else name
    record_id = clean(row.record_id)
    return f"{where} {record_id}" if record_id else where


def due_text(row: Row, lang: str) -> str:
    """The due date, and how many days overdue it is."""
    if row.due is None:
        return ""
    text = row.due.isoformat()
    if row.days_overdue is not None and row.days_overdue > 0:
        text += i18n.text("email_overdue", lang, days=row.days_overdue)
    return text


def names(listed: Sequence[str], lang: str) -> str:
    return ("・" if lang == "ja" else " and ").join(clean(name) for name in listed)


def localized(key: str, **params: Any) -> Mapping[str, str]:
    """A text in every language, for a param of another message."""
    return {lang: i18n.text(key, lang, **params) for lang in i18n.LANGS}

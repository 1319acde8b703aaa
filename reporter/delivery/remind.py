"""``reporter remind``: only what has come due since the last run, to each channel, once.

For every finding with a due date that no exception covers, a reminder is
due when its days left have reached a threshold of ``[remind] days`` not yet
sent for it (30, 14, 7, 3, 1 and 0 days before by default), and every
``overdue_every_days`` days while it is overdue (7, 14, 21… days after).
A day missed (the PC was off) is caught up: the next run sends the threshold
that was passed, once. When a finding is first seen with several thresholds
already passed (a key entered 5 days before its deadline), one reminder goes
out and those thresholds count as sent.

Each channel has its own record: a (finding, threshold) is recorded for a
channel only after that channel accepted the post (see
:mod:`reporter.delivery.state` for what a kill in between does). A channel
that refuses records nothing, and the next run sends it; the others are still
tried.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from reporter import i18n
from reporter.config import Config, RemindSettings
from reporter.delivery.channels import Channel, Delivered
from reporter.delivery.digest import Action, Digest, actions, build_digest
from reporter.delivery.state import State, finding_id
from reporter.errors import ReporterError
from reporter.result import CheckResult


@dataclass(frozen=True)
class Due:
    """One finding's reminder today: the action, and the thresholds it covers."""

    action: Action
    thresholds: tuple[str, ...]  # "d30", "d7", "o1" (7 days overdue), ...


@dataclass
class RemindOutcome:
    lines: list[str] = field(default_factory=list)
    refused: list[ReporterError] = field(default_factory=list)
    sent: int = 0  # reminders accepted, all channels together


def thresholds_reached(days_left: int, settings: RemindSettings) -> list[str]:
    """Every threshold a deadline ``days_left`` away has reached, in the order they come."""
    reached = [f"d{days}" for days in sorted(settings.days, reverse=True) if days_left <= days]
    every = settings.overdue_every_days
    if days_left < 0 and every > 0:
        reached += [f"o{k}" for k in range(1, -days_left // every + 1)]
    return reached


def note(days_left: int, lang: str) -> str:
    if days_left > 0:
        return i18n.text("remind_days_left", lang, days=days_left)
    if days_left == 0:
        return i18n.text("remind_due_today", lang)
    return i18n.text("remind_overdue", lang, days=-days_left)


def due_reminders(
    digest: Digest, settings: RemindSettings, sent: set[tuple[str, str]]
) -> list[Due]:
    """The reminders not yet sent on a channel whose record is ``sent``, most urgent first."""
    found = []
    candidates = [a for a in digest.actions if a.row.due is not None]
    for action in candidates:
        assert action.row.due is not None
        days_left = (action.row.due - digest.as_of).days
        key = finding_id(action.row)
        unsent = tuple(t for t in thresholds_reached(days_left, settings) if (key, t) not in sent)
        if unsent:
            shown = replace(action, note=note(days_left, digest.lang), key=key)
            found.append(Due(shown, unsent))
    return found


def send_reminders(
    result: CheckResult,
    config: Config,
    lang: str,
    channels: Sequence[Channel],
    state_file: Path,
) -> RemindOutcome:
    """Send each channel the reminders it has not had; record what each accepted."""
    # Every finding with a due date that no exception covers, info findings included.
    dated = tuple(a for a in actions(result, lang, with_info=True) if a.row.due is not None)
    base = replace(build_digest(result, lang), kind="remind", actions=dated)
    outcome = RemindOutcome()
    with State(state_file) as state:
        for channel in channels:
            due = due_reminders(base, config.remind, state.sent_reminders(channel.name))
            if not due:
                continue
            digest = replace(base, actions=tuple(d.action for d in due), procedures=())
            try:
                delivered: Delivered = channel.deliver(digest)
            except ReporterError as error:
                outcome.refused.append(error)
                continue
            # Recorded only now that the channel accepted the post.
            keys = [(d.action.key, t) for d in due for t in d.thresholds]
            state.record_reminders(channel.name, keys, result.as_of)
            outcome.lines += delivered.lines
            outcome.sent += len(due)
    if not outcome.sent and not outcome.refused:
        outcome.lines.append(i18n.text("remind_nothing_due", lang, as_of=result.as_of.isoformat()))
    return outcome

"""The deadlines of a report as a calendar file (RFC 5545) to import into Outlook or Google.

Beside ``register-report-YYYY-MM-DD.xlsx`` the run writes
``register-deadlines-YYYY-MM-DD.ics``: one all-day event on the due date of each
finding due on the as-of date or later (a key to renew, a notice to reply to, a
deadline to meet; what is due on the day of the run included). Findings the
team excepted are left out: they need no action. Each event reminds three
times (VALARM): seven days before, the day before and on the day, each at 09:00.

Each event's UID is derived from the finding's month-to-month identity
(:func:`reporter.comparison.finding_key`), not from its date, so importing next
month's file updates the event (a new due date moves it) instead of adding a
second one; SEQUENCE grows with the as-of date so that calendars take the newer
file as the newer version. Texts are masked as in every output, and the file is
written to a temporary name and moved into place.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from icalendar import vDate, vDatetime, vDuration, vText

from reporter import i18n
from reporter.comparison import finding_key
from reporter.errors import OutputError, os_detail
from reporter.files import write_atomically
from reporter.masking import redact
from reporter.output.flat import Row, flatten
from reporter.result import CheckResult

PRODID = "-//reporter//Register deadlines//EN"
TEMP_PREFIX = ".register-deadlines-"
TEMP_SUFFIX = ".tmp"
UID_DOMAIN = "register-report.reporter"
# The action's first clause names what to do; the rest (where to click) is in the description.
_SUMMARY_ACTION_CHARS = 60
_TRAILING_BRACKETS = re.compile(r"\s*[((][^()()]*[))]\s*$")
# RFC 5545 TEXT allows no control characters but tab; register text may hold any.
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_SEQUENCE_EPOCH = date(2000, 1, 1)
# A content line's octets before a fold (75 with the line break's leading space).
_FOLD_OCTETS = 74
_ESCAPE_STARTS = b"\\^"
# Reminders, as offsets from the all-day event's start (midnight of the due day):
# 09:00 seven days before, 09:00 the day before, 09:00 on the day. A calendar that
# keeps one reminder per event (Outlook) takes the first, the earliest warning.
REMINDERS: tuple[timedelta, ...] = (
    timedelta(days=-7, hours=9),
    timedelta(days=-1, hours=9),
    timedelta(hours=9),
)


def calendar_path(report: Path, as_of: date) -> Path:
    """Where the calendar file of ``report`` goes: beside it, named by the as-of date."""
    return report.with_name(f"register-deadlines-{as_of.isoformat()}.ics")


@dataclass(frozen=True)
class Deadline:
    """One event: a finding's due date and what to show for it."""

    uid: str
    due: date
    summary: str
    description: str


def deadlines(result: CheckResult, lang: str) -> list[Deadline]:
    """The events for the findings due on the as-of date or later, earliest first."""
    ahead = [
        row
        for row in flatten(result, lang)
        if row.due is not None and row.due >= result.as_of and not row.excepted
    ]
    ahead.sort(key=lambda row: row.due or date.max)
    return [_deadline(row, result.as_of, lang) for row in ahead]


def _deadline(row: Row, as_of: date, lang: str) -> Deadline:
    assert row.due is not None
    key = finding_key(row.code, row.sheet, row.record_id, row.cell)
    uid = f"{hashlib.sha256(key.encode()).hexdigest()[:32]}@{UID_DOMAIN}"
    action = _clean(row.action)
    summary = i18n.text(
        "ics_summary",
        lang,
        owner=_clean(row.owner) or i18n.text("ics_no_owner", lang),
        title=_clean(row.title),
        record=_clean(row.record_id),
        action=_first_clause(action),
    )
    place = f"{_clean(row.sheet_name)}!{row.cell}" if row.cell else _clean(row.sheet_name)
    place = f"{place or i18n.text('workbook', lang)} {_clean(row.record_id)}".strip()
    description = i18n.text(
        "ics_description",
        lang,
        message=_clean(row.message),
        action=action,
        place=place,
        code=row.code,
        as_of=as_of.isoformat(),
    )
    return Deadline(uid, row.due, re.sub(r"\s+", " ", summary).strip(), description)


def _clean(text: str | None) -> str:
    """Register-derived text with secrets masked and control characters removed."""
    return _CONTROL.sub("", redact(text)) if text else ""


def _first_clause(action: str) -> str:
    """The action up to its first full stop or colon outside brackets, shortened if long."""
    depth = 0
    end = len(action)
    for index, char in enumerate(action):
        if char in "(（「":
            depth += 1
        elif char in ")）」":
            depth = max(0, depth - 1)
        elif depth == 0 and (
            char in "。：" or (char in ":." and action[index + 1 : index + 2] in (" ", ""))
        ):
            end = index
            break
    # A closing "(担当: 鈴木)" repeats the owner the title starts with.
    clause = _TRAILING_BRACKETS.sub("", action[:end]).strip()
    if len(clause) > _SUMMARY_ACTION_CHARS:
        clause = clause[: _SUMMARY_ACTION_CHARS - 1] + "…"
    return clause


def to_ical(result: CheckResult, lang: str, stamp: datetime | None = None) -> bytes:
    """The calendar file's bytes; ``stamp`` (DTSTAMP) defaults to now.

    Written line by line rather than through icalendar's components: a large
    register has thousands of deadlines, each with three reminders, and the
    component tree took most of a second to build and serialize. icalendar's
    own value types still encode the dates, the timestamp and the reminders'
    offsets; the tests read the file back with icalendar.
    """
    stamp_line = _line("DTSTAMP", vDatetime((stamp or datetime.now(UTC)).astimezone(UTC)))
    sequence = _line("SEQUENCE", str((result.as_of - _SEQUENCE_EPOCH).days).encode())
    # The same three offsets for every event: encoded once.
    triggers = [_line("TRIGGER", vDuration(offset)) for offset in REMINDERS]
    lines = [
        b"BEGIN:VCALENDAR",
        b"VERSION:2.0",
        _line("PRODID", _text(PRODID)),
        b"CALSCALE:GREGORIAN",
        b"METHOD:PUBLISH",
        _line("X-WR-CALNAME", _text(i18n.text("ics_calendar_name", lang))),
    ]
    for deadline in deadlines(result, lang):
        summary = _text(deadline.summary)
        lines += (
            b"BEGIN:VEVENT",
            _line("SUMMARY", summary),
            _line("DTSTART;VALUE=DATE", vDate(deadline.due)),
            _line("DTEND;VALUE=DATE", vDate(deadline.due + timedelta(days=1))),
            stamp_line,
            _line("UID", _text(deadline.uid)),
            sequence,
            _line("DESCRIPTION", _text(deadline.description)),
            b"TRANSP:TRANSPARENT",  # a deadline, not a meeting: the day stays free
        )
        # Each reminder shows the event's title; DISPLAY alarms require a
        # DESCRIPTION (RFC 5545 3.6.6). A TRIGGER is relative to the start.
        reminder_text = _line("DESCRIPTION", summary)
        for trigger in triggers:
            lines += (b"BEGIN:VALARM", b"ACTION:DISPLAY", reminder_text, trigger, b"END:VALARM")
        lines.append(b"END:VEVENT")
    lines.append(b"END:VCALENDAR")
    return b"\r\n".join(lines) + b"\r\n"


def _text(value: str) -> bytes:
    """A TEXT value escaped as RFC 5545 3.3.11 says (icalendar's vText)."""
    return vText(value).to_ical()


def _line(name: str, value: bytes | vDate | vDatetime | vDuration) -> bytes:
    """One content line, folded at 75 octets (RFC 5545 3.1)."""
    encoded = value if isinstance(value, bytes) else value.to_ical()
    return _fold(name.encode() + b":" + encoded)


def _fold(line: bytes) -> bytes:
    """``line`` in pieces of at most 74 octets, never inside a UTF-8 character.

    As icalendar folds: a piece never ends on a backslash (or a caret) that
    starts an escape, which some calendars would misread across the fold.
    """
    if len(line) <= _FOLD_OCTETS:
        return line
    pieces = []
    start = 0
    while len(line) - start > _FOLD_OCTETS:
        end = start + _FOLD_OCTETS
        while line[end] & 0xC0 == 0x80:  # inside a character: fold before it
            end -= 1
        if line[end - 1] in _ESCAPE_STARTS and end - 1 > start:
            end -= 1
        pieces.append(line[start:end])
        start = end
    pieces.append(line[start:])
    return b"\r\n ".join(pieces)


def write_calendar(result: CheckResult, report: Path, lang: str, data: bytes | None = None) -> Path:
    """Write the calendar file beside ``report``; return its path (for the email to attach).

    ``data`` is :func:`to_ical`'s result when the caller has it already.
    Raises OutputError (exit 3) when it cannot be written; an older file of
    the same name is then left as it was.
    """
    target = calendar_path(report, result.as_of)
    if data is None:
        data = to_ical(result, lang)
    try:
        write_atomically(
            target,
            lambda temporary: temporary.write_bytes(data),
            prefix=TEMP_PREFIX,
            suffix=TEMP_SUFFIX,
            make_folder=False,  # beside the report, whose folder exists
        )
    except OSError as error:
        raise OutputError(
            "ics_unwritable",
            path=str(target),
            detail=os_detail(error),
        ) from None
    return target

"""The library API: what the ``reporter`` command does, callable from Python or a notebook.

    import reporter

    result = reporter.check("台帳.xlsx", as_of="2026-11-30")
    for finding in result.findings:        # most urgent first
        print(finding.code, finding.cell, finding.due)
    frame = reporter.to_pandas(result)     # with the pandas extra
    outcome = reporter.monthly_report(result, "reports/")
    print(outcome.path, outcome.comparison.new)

The command line (:mod:`reporter.cli`) only maps its options to these calls and
their outcomes to exit codes. Errors the user can fix are raised as
:class:`reporter.errors.InputError` (the input) or
:class:`reporter.errors.OutputError` (the output), each rendered as one line with
``error.render(lang)``.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from reporter.config import Config, EmailSettings, load_config
from reporter.errors import InputError, OutputError
from reporter.limits import FIRST_DATE, LAST_DATE, in_date_range
from reporter.platform import Settings, load_settings

if TYPE_CHECKING:
    from reporter.comparison import Comparison, Previous
    from reporter.result import CheckResult
    from reporter.rules.base import Rule

TOKYO = ZoneInfo("Asia/Tokyo")


Progress = Callable[[str, int], None]


def today_in_tokyo() -> date:
    """The default as-of date: today's date in Japan, wherever the machine is."""
    return datetime.now(TOKYO).date()


def as_of_date(value: date | str | None) -> date:
    """A run's as-of date from a date, a text such as ``2026-11-30``, or None (today in Tokyo).

    InputError when it cannot be read, or lies outside the dates the rules can
    compute with (:mod:`reporter.limits`: 1900-01-01 to 2999-12-31).
    """
    if value is None:
        return today_in_tokyo()
    if isinstance(value, date):
        day = value.date() if isinstance(value, datetime) else value
        if not in_date_range(day):
            raise _as_of_out_of_range(day.isoformat())
        return day
    from reporter.register.values import BadValue, parse_date

    try:
        return parse_date(str(value).strip())
    except BadValue as problem:
        if problem.kind == "date_range":
            raise _as_of_out_of_range(value) from None
        raise InputError("cli_bad_as_of", value=value) from None


def _as_of_out_of_range(value: object) -> InputError:
    return InputError(
        "as_of_out_of_range",
        value=value,
        first=FIRST_DATE.isoformat(),
        last=LAST_DATE.isoformat(),
    )


def language(lang: object) -> str:
    """``lang`` when it is one the product speaks (ja, en); else InputError."""
    from reporter.i18n import LANGS

    if lang not in LANGS:
        raise InputError("lang_unknown", value=lang)
    return str(lang)


def configuration(config: Config | str | Path | None) -> Config:
    """A loaded config: as given, read from a file, or the defaults (None)."""
    if isinstance(config, Config):
        return config
    if config is None:
        return Config()
    return load_config(config)


def platform_settings(
    rules: Settings | str | Path | None = None, config: Config | None = None
) -> Settings:
    """The platform rules in force: as given, the file ``rules``, or the built-in file;
    with the config's ``[windows]`` applied."""
    if isinstance(rules, Settings):
        return rules
    config = config or Config()
    return load_settings(rules, windows=config.windows, config_path=config.path)


def check(
    path: str | Path,
    *,
    as_of: date | str | None = None,
    config: Config | str | Path | None = None,
    rules: Settings | str | Path | None = None,
    only: tuple[Rule, ...] | None = None,
    progress: Progress | None = None,
) -> CheckResult:
    """Read the register at ``path`` and run every rule on it.

    ``as_of`` defaults to today in Asia/Tokyo; ``config`` is a :class:`Config`
    or a config file (its ``[windows]`` change the warning windows); ``rules``
    a platform rules file overriding the built-in one (or loaded
    :class:`Settings`); ``only`` a subset of :data:`reporter.rules.RULES`.
    The register is never written to.
    """
    from reporter.engine import run_checks
    from reporter.register.loader import load_register
    from reporter.rules import RULES

    loaded_config = configuration(config)
    settings = platform_settings(rules, loaded_config)
    register = load_register(path, progress)
    return run_checks(register, as_of_date(as_of), settings, RULES if only is None else only)


@dataclass(frozen=True)
class ReportOutcome:
    """What a monthly run produced: the report, the comparison, what was sent."""

    path: Path
    comparison: Comparison
    calendar: Path | None = None  # the deadlines calendar (.ics) beside the report
    # The recipients of each message sent, in the order sent.
    emailed: tuple[tuple[str, ...], ...] = ()
    # The .eml files written instead of sending (the first is the team's message).
    eml_files: tuple[Path, ...] = ()


def report_target(as_of: date, out: str | Path | None = None, config: Config | None = None) -> Path:
    """Where this run's report goes: ``out`` (a file or folder), else the config's
    output folder, else the current folder."""
    from reporter.delivery.report_file import report_path_for

    config = config or Config()
    output_dir = config.resolve(config.output_dir)
    return report_path_for(as_of, out, Path(output_dir) if output_dir else None)


def monthly_report(
    result: CheckResult,
    out: str | Path | None = None,
    *,
    lang: str = "ja",
    previous: str | Path | None = None,
    config: Config | str | Path | None = None,
    email: EmailSettings | bool = False,
    eml: str | Path | None = None,
    per_owner: bool = False,
    calendar: bool = True,
) -> ReportOutcome:
    """The monthly run: compare with last month, write the report, and deliver it.

    ``out`` is the report file or its folder (default: the config's output
    folder, else the current folder). Last month's report is ``previous`` or
    the newest earlier report in that folder. With ``email`` (True for the
    config's ``[email]``, or :class:`EmailSettings`) the report is sent; with
    ``eml`` the same message is written to that file instead. With ``calendar``
    the deadlines still ahead are written beside the report as an .ics file
    (:mod:`reporter.delivery.calendar`), which the email attaches too. ``per_owner``
    sends each owner of ``[email.owners]`` only their own actions, and the team a
    summary of who was sent what. The report, once written, is kept even when
    sending fails (OutputError, exit 3).
    """
    from reporter.comparison import compare
    from reporter.delivery import history
    from reporter.delivery.report_file import write_report
    from reporter.files import refuse_control_characters

    language(lang)
    refuse_control_characters("out", out)
    refuse_control_characters("eml", eml)
    loaded_config = configuration(config)
    target = report_target(result.as_of, out, loaded_config)
    # Found before writing: a re-run for the same date replaces that date's report.
    last_report: Previous | None = history.find_previous(result.as_of, previous, target.parent)
    from reporter.delivery.calendar import calendar_path, to_ical, write_calendar

    _refuse_outputs_over_files(
        result,
        target,
        calendar_path(target, result.as_of),
        calendar,
        Path(eml) if eml is not None else None,
        last_report.path if last_report is not None else None,
    )
    comparison = compare(result, last_report)
    from concurrent.futures import Future, ThreadPoolExecutor

    from reporter.output.flat import flatten

    flatten(result, lang)  # rendered once, here, for the report and the calendar alike
    # The calendar's events are built while the report is zipped: zlib holds no GIL,
    # and started any earlier the thread would only slow the writing of the cells.
    # Leaving the block waits for them; .result() raises what building them raised.
    calendar_data: list[Future[bytes]] = []
    with ThreadPoolExecutor(max_workers=1) as pool:

        def build_calendar() -> None:
            calendar_data.append(pool.submit(to_ical, result, lang))

        written = write_report(
            result, target, lang, comparison, before_close=build_calendar if calendar else None
        )
    calendar_file = None
    if calendar:
        data = calendar_data[0].result() if calendar_data else None
        calendar_file = write_calendar(result, written, lang, data)
    outcome = ReportOutcome(path=written, comparison=comparison, calendar=calendar_file)
    if eml is None and email is False:
        return outcome
    return _deliver(
        result,
        outcome,
        lang,
        email if isinstance(email, EmailSettings) else loaded_config.email,
        loaded_config.path,
        Path(eml) if eml is not None else None,
        per_owner=per_owner,
    )


def _deliver(
    result: CheckResult,
    outcome: ReportOutcome,
    lang: str,
    settings: EmailSettings,
    config_path: Path | None,
    eml: Path | None,
    *,
    per_owner: bool,
) -> ReportOutcome:
    """Send the report, or write the message(s) to .eml files; the report is kept either way."""
    from reporter.delivery import email

    written, sending = outcome.path, eml is None
    if per_owner:
        plan = email.build_per_owner(
            result,
            written,
            lang,
            settings,
            config_path=config_path,
            sending=sending,
            calendar_path=outcome.calendar,
        )
        # Sent: the owners first, so that the summary lists what went out. Written: the
        # summary takes the .eml name, the owners' messages -2, -3, ... beside it.
        messages = plan.messages if sending else [plan.summary, *plan.owner_messages]
    else:
        messages = [
            email.build_message(
                result,
                written,
                lang,
                settings,
                config_path=config_path,
                sending=sending,
                calendar_path=outcome.calendar,
            )
        ]
    if eml is not None:
        from reporter.files import refuse_overwrite

        paths = email.eml_paths(eml, len(messages))
        # FILE-2.eml, FILE-3.eml ... are named only now: checked before the first is written.
        taken = [("register", result.path), ("report", written), ("calendar", outcome.calendar)]
        for path in paths:
            refuse_overwrite(path, "eml", taken)
        for message, path in zip(messages, paths, strict=True):
            email.write_eml(message, path)
        return dataclasses.replace(outcome, eml_files=tuple(paths))
    email.send_messages(messages, settings, report_path=written, config_path=config_path)
    emailed = tuple(tuple(email.recipients_of(message)) for message in messages)
    return dataclasses.replace(outcome, emailed=emailed)


def _refuse_outputs_over_files(
    result: CheckResult,
    report: Path,
    calendar: Path,
    writes_calendar: bool,
    eml: Path | None,
    previous: Path | None,
) -> None:
    """Before anything is written: no output of this run may land on another of its files.

    The .eml and the calendar are new files of their own; the report may replace
    an earlier report of the same date (a re-run), never the register. The .eml
    never takes the calendar's name, even in a run that writes no calendar: it
    would replace an earlier run's.
    """
    from reporter.files import refuse_overwrite, same_file

    if eml is not None:
        if same_file(eml, result.path):
            raise OutputError("cli_eml_is_register", path=str(eml))
        if same_file(eml, report):
            raise OutputError("cli_eml_is_report", path=str(eml))
        refuse_overwrite(eml, "eml", [("calendar", calendar), ("previous", previous)])
    if writes_calendar:
        refuse_overwrite(calendar, "calendar", [("register", result.path), ("previous", previous)])


__all__ = [
    "ReportOutcome",
    "as_of_date",
    "check",
    "configuration",
    "language",
    "monthly_report",
    "platform_settings",
    "report_target",
    "today_in_tokyo",
]

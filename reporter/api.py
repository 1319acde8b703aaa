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
    from reporter.delivery.channels import Channel, Deliveries
    from reporter.engine import RuleRun
    from reporter.model import Register
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
    from reporter.register.loader import load_register

    loaded_config = configuration(config)
    settings = platform_settings(rules, loaded_config)
    # The rules on the sheets already read run while calamine reads the others.
    run = _RulesWhileReading(as_of_date(as_of), settings, only)
    register = load_register(path, progress, while_reading=run.run_one)
    return run.finish(register)


class _RulesWhileReading:
    """engine.RuleRun, made when the loader first waits for calamine.

    The rules and the masking patterns take tens of milliseconds to import: spent
    while calamine reads, not before it starts.
    """

    def __init__(self, as_of: date, settings: Settings, only: tuple[Rule, ...] | None) -> None:
        self._arguments = (as_of, settings, only)
        self._run: RuleRun | None = None

    def _rule_run(self) -> RuleRun:
        if self._run is None:
            from reporter.engine import RuleRun
            from reporter.rules import RULES

            as_of, settings, only = self._arguments
            self._run = RuleRun(as_of, settings, RULES if only is None else only)
        return self._run

    def run_one(self, register: Register) -> bool:
        return self._rule_run().run_one(register)

    def finish(self, register: Register) -> CheckResult:
        return self._rule_run().finish(register)


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
    # What each channel said it did, to tell the user.
    lines: tuple[str, ...] = ()


def report_target(as_of: date, out: str | Path | None = None, config: Config | None = None) -> Path:
    """Where this run's report goes: ``out`` (a file or folder), else the config's
    output folder, else the current folder."""
    from reporter.delivery.report_file import report_path_for

    config = config or Config()
    output_dir = config.resolve(config.output_dir)
    return report_path_for(as_of, out, Path(output_dir) if output_dir else None)


def write_monthly_report(
    result: CheckResult,
    out: str | Path | None = None,
    *,
    lang: str = "ja",
    previous: str | Path | None = None,
    config: Config | str | Path | None = None,
    eml: str | Path | None = None,
    calendar: bool = True,
) -> ReportOutcome:
    """Compare with last month and write the report (and the .ics); deliver nothing.

    ``eml``, when given, is only checked: it must not name the register or the report.
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
    return ReportOutcome(path=written, comparison=comparison, calendar=calendar_file)


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
    loaded_config = configuration(config)
    outcome = write_monthly_report(
        result, out, lang=lang, previous=previous, config=loaded_config, eml=eml, calendar=calendar
    )
    channels = report_channels(loaded_config, email=email, eml=eml, per_owner=per_owner)
    if not channels:
        return outcome
    outcome, deliveries = deliver(result, outcome, lang, channels)
    deliveries.raise_first()
    return outcome


def report_channels(
    config: Config,
    *,
    email: EmailSettings | bool = False,
    eml: str | Path | None = None,
    per_owner: bool = False,
    chat: bool = False,
) -> list[Channel]:
    """The channels a report goes to: email (or .eml) when asked, then ``[chat] channels``."""
    from reporter.delivery import channels

    chosen: list[Channel] = []
    if eml is not None or email is not False:
        settings = email if isinstance(email, EmailSettings) else config.email
        chosen.append(
            channels.make(
                "email",
                config,
                settings=settings,
                eml=Path(eml) if eml is not None else None,
                per_owner=per_owner,
            )
        )
    if chat:
        chosen += [channels.make(name, config) for name in chat_channel_names(config)]
    return chosen


def remind_channels(
    config: Config, *, email: bool = False, per_owner: bool = False
) -> list[Channel]:
    """The channels reminders go to: ``[chat] channels``, and email with ``email``.

    Raises InputError ``remind_no_channel`` (exit 2) when there is none.
    """
    from reporter.delivery import channels

    chosen = [channels.make(name, config) for name in config.chat.channels]
    if email:
        chosen.append(channels.make("email", config, per_owner=per_owner))
    if not chosen:
        raise InputError("remind_no_channel", config=str(config.path or "reporter.toml"))
    return chosen


def chat_channel_names(config: Config) -> list[str]:
    """``[chat] channels``, refused (exit 2) when empty: --chat without a channel sends nothing."""
    names = list(config.chat.channels)
    if not names:
        raise InputError("chat_no_channels", config=str(config.path or "reporter.toml"))
    return names


def deliver(
    result: CheckResult, outcome: ReportOutcome, lang: str, channels: list[Channel]
) -> tuple[ReportOutcome, Deliveries]:
    """Give the run's digest to each channel; a refusal does not stop the others.

    The report, already written, is kept whatever the channels answer. The
    refusals are in the returned :class:`Deliveries` (``raise_first()`` raises
    the first one).
    """
    from reporter.delivery.channels import deliver_all
    from reporter.delivery.digest import build_digest

    digest = build_digest(result, lang, report_path=outcome.path, calendar_path=outcome.calendar)
    deliveries = deliver_all(digest, channels)
    emailed = tuple(to for done in deliveries.delivered for to in done.emailed)
    files = tuple(path for done in deliveries.delivered for path in done.files)
    outcome = dataclasses.replace(
        outcome,
        emailed=outcome.emailed + emailed,
        eml_files=outcome.eml_files + files,
        lines=outcome.lines + tuple(line for done in deliveries.delivered for line in done.lines),
    )
    return outcome, deliveries


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

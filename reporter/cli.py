"""The ``reporter`` command: parse options, call the library, map outcomes to exit codes.

The commands call the library API (:mod:`reporter.api`); heavy modules (the
loader, xlsxwriter) are imported inside the commands so that ``reporter --help``
starts fast.
"""

from __future__ import annotations

import contextlib
import gc
import os
import re
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from functools import wraps
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer
from typer.core import TyperCommand, TyperGroup

from reporter import __version__, i18n
from reporter.errors import EXIT_BUG, InputError, OutputError, ReporterError


def help_language(argv: Sequence[str]) -> str:
    """The language of the help texts: ``--lang en`` (or ``--lang=en``) anywhere on the
    command line, else Japanese. Typer builds the help before it parses the options,
    so the command line is read here, once, when the module is imported."""
    for index, arg in enumerate(argv):
        if arg == "--lang" and index + 1 < len(argv):
            value = argv[index + 1]
        elif arg.startswith("--lang="):
            value = arg.partition("=")[2]
        else:
            continue
        if value in i18n.LANGS:
            return value
    return "ja"


_HELP_LANG = help_language(sys.argv[1:])


def _help(key: str) -> str:
    return i18n.text(key, _HELP_LANG)


class _TranslatedHelpOption:
    """Click's own ``--help`` line ("Show this message and exit."), in the help's language."""

    def get_help_option(self, ctx: typer.Context) -> Any:
        option = super().get_help_option(ctx)  # type: ignore[misc]
        if option is not None:
            option.help = _help("help_help")
        return option


class _Group(_TranslatedHelpOption, TyperGroup):
    pass


class _Command(_TranslatedHelpOption, TyperCommand):
    pass


app = typer.Typer(
    name="reporter",
    cls=_Group,
    help=_help("help_app"),
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)


def _print_version(value: bool) -> None:
    if value:
        typer.echo(f"reporter {__version__}")
        raise typer.Exit(0)


@app.callback(invoke_without_command=True)
def _main(
    ctx: typer.Context,
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_print_version, is_eager=True, help=_help("help_version")
        ),
    ] = False,
) -> None:
    # A bare `reporter` is a question, not a mistake: the usage, and exit 0.
    if ctx.invoked_subcommand is None:
        typer.echo(ctx.get_help())
        raise typer.Exit(0)


LangOption = Annotated[
    str | None, typer.Option("--lang", help=_help("help_lang"), show_default=False)
]
AsOfOption = Annotated[str | None, typer.Option("--as-of", help=_help("help_as_of"))]
ConfigOption = Annotated[Path | None, typer.Option("--config", help=_help("help_config"))]
RulesOption = Annotated[Path | None, typer.Option("--rules", help=_help("help_rules"))]
RegisterArgument = Annotated[Path | None, typer.Argument(help=_help("help_register"))]

F = TypeVar("F", bound=Callable[..., Any])


def _fix_stdout() -> None:
    # A redirected stdout on Windows uses the ANSI code page; Japanese and the
    # JSON output must survive it, so write UTF-8 when not on a console.
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is None:
            continue
        try:
            if not stream.isatty() and (stream.encoding or "").lower() not in ("utf-8", "utf8"):
                reconfigure(encoding="utf-8", errors="replace")
            else:
                reconfigure(errors="replace")
        except (ValueError, OSError):
            pass


def friendly_errors(command: F) -> F:
    """Turn every error into one plain line and its exit code; never a traceback.

    The line is in the run's language: --lang, else the config's, as decided by
    :func:`prepare` and kept with this invocation's context (``ctx.meta``).
    """

    @wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        _fix_stdout()
        option = kwargs.get("lang")
        context: typer.Context | None = kwargs.get("ctx")
        meta: dict[str, Any] = context.meta if context is not None else {}
        meta[_LANG_KEY] = option if option in i18n.LANGS else "ja"
        try:
            _refuse_control_characters(kwargs)
            return command(*args, **kwargs)
        except typer.Exit:
            raise
        except ReporterError as error:
            typer.echo(error_line(error, meta[_LANG_KEY]), err=True)
            raise typer.Exit(error.exit_code) from None
        except KeyboardInterrupt:
            raise typer.Exit(130) from None
        except Exception as error:
            if os.environ.get("REPORTER_DEBUG"):
                raise
            # The line holds the error's type and the log's path, nothing from the register:
            # printable, not masked (a path is never masked).
            typer.echo(_printable_lines(_bug_line(error, meta[_LANG_KEY])), err=True)
            raise typer.Exit(EXIT_BUG) from None

    return wrapper  # type: ignore[return-value]


# The options naming a file to write (init's PATH, --out, --eml). A file to read is taken
# as named, however odd its name: it exists, and every output shows it printable.
_OUTPUT_PATHS = {"path": "PATH", "out": "--out", "eml": "--eml"}


def _refuse_control_characters(options: dict[str, Any]) -> None:
    """A file to write whose name holds a control character (a line break, a tab, an
    escape) is a pasting mistake: one line, exit 2, before anything is written."""
    from reporter.files import refuse_control_characters

    for name, option in _OUTPUT_PATHS.items():
        refuse_control_characters(option, options.get(name))


def _bug_line(error: Exception, lang: str) -> str:
    """One line for a bug: what it was, and the log file that holds the traceback.

    The log is readable by the user alone (0600) and named at random, in the
    shared temporary folder: no one else can read it or guess its name to put
    a link there first.
    """
    import tempfile

    detail = type(error).__name__
    details = masked_traceback(error)
    try:
        handle, name = tempfile.mkstemp(prefix="reporter-error-", suffix=".log", text=True)
        with os.fdopen(handle, "w", encoding="utf-8") as log:
            log.write(f"reporter {__version__}\n{details}\n")
    except OSError as failure:
        reason = failure.strerror or type(failure).__name__
        return i18n.text("cli_bug_no_log", lang, detail=detail, reason=reason)
    return i18n.text("cli_bug", lang, detail=detail, log=name)


# A Python escape in a repr: "\\n", "\\x7f", "\\u200e".
_REPR_ESCAPE = re.compile(r"\\(?:x[0-9a-fA-F]{2}|u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8}|[nrtvfab0])")


def masked_traceback(error: BaseException) -> str:
    """The traceback of ``error`` and its chain, with register text cleaned and masked.

    The raw text is masked before any repr: the arguments of every exception in
    the chain are masked first (``KeyError('佐藤\\nAKIA…')`` would otherwise print
    as ``'佐藤\\nAKIA…'``, where the ``n`` hides the key from the pattern). A
    message that quotes a repr already is read with its escapes undone before it
    is masked. The frames (our file names and source lines) are kept as they are.
    """
    from reporter.masking import redact, redact_value
    from reporter.output.terminal import printable

    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        with contextlib.suppress(Exception):
            current.args = tuple(redact_value(arg) for arg in current.args)
        for name in ("filename", "filename2", "object"):
            value = getattr(current, name, None)
            if isinstance(value, str):
                with contextlib.suppress(Exception):
                    setattr(current, name, redact(value))
        current = current.__cause__ or current.__context__
    import traceback

    lines: list[str] = []
    in_frame = False
    for line in "".join(traceback.format_exception(error)[-40:]).splitlines():
        if line.startswith("  File "):
            in_frame = True
            lines.append(printable(line))
        elif in_frame and line.startswith("    "):
            lines.append(printable(line))  # a source line of the reporter, or its ^^^ marks
        else:
            in_frame = False
            lines.append(printable(redact(_REPR_ESCAPE.sub(_unescape, line))))
    return "\n".join(lines)


def _unescape(match: re.Match[str]) -> str:
    escape = match.group(0)
    if escape[1] in "xuU":
        return chr(int(escape[2:], 16))
    return {"n": "\n", "t": "\t", "0": "\0"}.get(escape[1], "\r")


# Params of error messages that name files: shown as given, never masked. A file
# name such as ToolRegisterFY2026Final.xlsx looks like a token to the secret
# check, and a path cut to ****inal.xlsx tells the user nothing.
_FILE_PARAMS = frozenset({"path", "config", "kept"})


def error_line(error: ReporterError, lang: str) -> str:
    """An error as one printable line: what it quotes from the register is masked, paths are not."""
    from reporter.masking import redact_value
    from reporter.output.terminal import printable

    params = {
        name: value if name in _FILE_PARAMS else redact_value(value)
        for name, value in error.params.items()
    }
    return printable(type(error)(error.key, **params).render(lang))


def _printable_lines(text: str) -> str:
    """Our lines for the terminal: a path they quote (the register's file name) may hold
    escape sequences, which the terminal would act on."""
    from reporter.output.terminal import printable

    return "\n".join(printable(line) for line in text.splitlines())


_LANG_KEY = "reporter.lang"


@dataclass
class Run:
    """What every command needs: the config, language, settings and as-of date."""

    config: Any
    lang: str
    settings: Any
    as_of: date


def prepare(
    ctx: typer.Context,
    lang: str | None,
    as_of: str | None,
    config_path: Path | None,
    rules_path: Path | None,
) -> Run:
    """The run's config, language, platform rules and date, from the common options."""
    from reporter import api
    from reporter.config import load_config

    if lang is not None and lang not in i18n.LANGS:
        raise InputError("cli_bad_lang", value=lang)
    config = load_config(config_path)
    chosen = lang or config.lang or "ja"
    ctx.meta[_LANG_KEY] = chosen  # errors from here on are told in this language
    settings = api.platform_settings(rules_path, config)
    return Run(config=config, lang=chosen, settings=settings, as_of=api.as_of_date(as_of))


def check_fail_on(value: str) -> str:
    from reporter.result import FAIL_ON_CHOICES

    if value not in FAIL_ON_CHOICES:
        raise InputError("cli_bad_fail_on", value=value)
    return value


def register_path(argument: Path | None, run: Run) -> Path:
    if argument is not None:
        return argument
    configured = run.config.resolve(run.config.register)
    if configured:
        return Path(configured)
    raise InputError("cli_no_register")


@app.command(cls=_Command, short_help=_help("help_check_short"), help=_help("help_check"))
@friendly_errors
def check(
    ctx: typer.Context,
    register: RegisterArgument = None,
    as_of: AsOfOption = None,
    lang: LangOption = None,
    json_output: Annotated[bool, typer.Option("--json", help=_help("help_json"))] = False,
    fail_on: Annotated[
        str, typer.Option("--fail-on", help=_help("help_fail_on_check"), show_default=False)
    ] = "error",
    config: ConfigOption = None,
    rules: RulesOption = None,
) -> None:
    """台帳を確認し、問題を一覧表示します。 / Check the register and list its problems."""
    run = prepare(ctx, lang, as_of, config, rules)
    fail_on = check_fail_on(fail_on)
    path = register_path(register, run)
    from reporter import api

    result = api.check(path, as_of=run.as_of, config=run.config, rules=run.settings)
    for note in _reading_notes(result.register, run.lang):
        typer.echo(note, err=True)  # on stderr: the --json output stays one document
    if json_output:
        from reporter.output.json_output import to_json

        typer.echo(to_json(result, run.lang, str(path)))
    else:
        from reporter.output.terminal import render

        typer.echo(render(result, run.lang, str(path)))
    raise typer.Exit(result.exit_code(fail_on))


def _reading_notes(register: Any, lang: str) -> list[str]:
    """One line per sheet the reader left out (reporter.register.repair)."""
    from reporter.output.terminal import printable

    return [
        i18n.text("register_sheet_left_out", lang, sheet=printable(name))
        for name in register.left_out_sheets
    ]


@app.command(cls=_Command, short_help=_help("help_report_short"), help=_help("help_report"))
@friendly_errors
def report(
    ctx: typer.Context,
    register: RegisterArgument = None,
    as_of: AsOfOption = None,
    out: Annotated[
        Path | None,
        typer.Option("--out", help=_help("help_out")),
    ] = None,
    lang: LangOption = None,
    fail_on: Annotated[
        str, typer.Option("--fail-on", help=_help("help_fail_on_report"), show_default=False)
    ] = "never",
    config: ConfigOption = None,
    rules: RulesOption = None,
    email: Annotated[bool, typer.Option("--email", help=_help("help_email"))] = False,
    eml: Annotated[Path | None, typer.Option("--eml", help=_help("help_eml"))] = None,
    per_owner: Annotated[
        bool,
        typer.Option("--per-owner", help=_help("help_per_owner")),
    ] = False,
    chat: Annotated[
        bool,
        typer.Option("--chat", help=_help("help_chat")),
    ] = False,
    previous: Annotated[
        Path | None,
        typer.Option("--previous", help=_help("help_previous")),
    ] = None,
    open_report: Annotated[bool, typer.Option("--open", help=_help("help_open"))] = False,
    log: Annotated[bool, typer.Option("--log", help=_help("help_log"))] = False,
    no_ics: Annotated[
        bool,
        typer.Option("--no-ics", help=_help("help_no_ics")),
    ] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help=_help("help_quiet"))] = False,
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help=_help("help_verbose"))] = False,
) -> None:
    """台帳を確認し、レポート(Excel)を書きます。 / Check the register and write the report."""
    from reporter import api
    from reporter.delivery.runlog import RunLog

    run_log = RunLog(log)
    log_path: Path | None = None
    try:
        run = prepare(ctx, lang, as_of, config, rules)
        fail_on = check_fail_on(fail_on)
        path = register_path(register, run)
        say = _Printer(quiet, verbose, run_log)
        # The log sits beside the report, even when the run fails before writing it.
        target = api.report_target(run.as_of, out, run.config)
        beside_report = target.with_suffix(".log")
        if log:
            _refuse_log_over_files(beside_report, path, target, eml, previous)
        log_path = beside_report
        say.detail(i18n.text("run_start", run.lang, path=str(path), as_of=run.as_of))
        if email and eml is None:
            say.warn(_microsoft365_warning(run))
        result = api.check(
            path,
            as_of=run.as_of,
            config=run.config,
            rules=run.settings,
            progress=say.progress(run.lang),
        )
        for note in _reading_notes(result.register, run.lang):
            say.info(note)
        result.release_rows()  # the report is written from the findings alone
        # Channels are made before the report is written: a config that names no chat channel,
        # or an unknown one, is refused before anything is written.
        channels = api.report_channels(
            run.config, email=email, eml=eml, per_owner=per_owner, chat=chat
        )
        outcome = api.write_monthly_report(
            result,
            out,
            lang=run.lang,
            previous=previous,
            config=run.config,
            eml=eml,
            calendar=not no_ics,
        )
        from reporter.delivery.report_file import summary_lines
        from reporter.output.workbook import bulk

        if bulk.MISSING_PARTS:  # an xlsxwriter other than the tested one: said in the log
            missing = ", ".join(bulk.MISSING_PARTS)
            version = bulk.XLSXWRITER_VERSION
            say.detail(i18n.text("xl_plain_rows", run.lang, version=version, missing=missing))
        # What was written is said first: a channel that then fails leaves it in place.
        for line in summary_lines(result, run.lang, outcome.path, comparison=outcome.comparison):
            say.info(line)
        if outcome.calendar is not None:
            say.info(i18n.text("ics_written", run.lang, path=str(outcome.calendar)))
        refusals = []
        if channels:
            outcome, deliveries = api.deliver(result, outcome, run.lang, channels)
            for line in outcome.lines:
                say.info(line)
            refusals = deliveries.refused
        for refusal in refusals:
            line = error_line(refusal, run.lang)
            run_log.add(line, masked=True)
            typer.echo(line, err=True)
        if refusals:
            raise typer.Exit(refusals[0].exit_code)
        if open_report:
            open_file(outcome.path, run.lang)
        code = result.exit_code(fail_on)
        say.detail(i18n.text("run_done", run.lang, code=code))
    except ReporterError as error:
        run_log.add(error_line(error, ctx.meta.get(_LANG_KEY, "ja")), masked=True)
        raise
    finally:
        if log_path is not None:
            run_log.write(log_path, ctx.meta.get(_LANG_KEY, "ja"))
    raise typer.Exit(code)


@app.command(cls=_Command, short_help=_help("help_remind_short"), help=_help("help_remind"))
@friendly_errors
def remind(
    ctx: typer.Context,
    register: RegisterArgument = None,
    as_of: AsOfOption = None,
    lang: LangOption = None,
    email: Annotated[bool, typer.Option("--email", help=_help("help_remind_email"))] = False,
    per_owner: Annotated[
        bool,
        typer.Option("--per-owner", help=_help("help_remind_per_owner")),
    ] = False,
    config: ConfigOption = None,
    rules: RulesOption = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help=_help("help_quiet"))] = False,
) -> None:
    """期限が近づいた対応だけを知らせます(毎日の実行用)。 / Send the reminders due today."""
    from reporter import api
    from reporter.delivery.remind import send_reminders
    from reporter.delivery.state import state_path

    run = prepare(ctx, lang, as_of, config, rules)
    path = register_path(register, run)
    say = _Printer(quiet, False, _NoLog())
    channels = api.remind_channels(run.config, email=email, per_owner=per_owner)
    if email:
        say.warn(_microsoft365_warning(run))
    result = api.check(path, as_of=run.as_of, config=run.config, rules=run.settings)
    result.release_rows()
    state_file = state_path(run.config, Path.cwd())
    outcome = send_reminders(result, run.config, run.lang, channels, state_file)
    for line in outcome.lines:
        say.info(line)
    if outcome.sent:
        say.info(i18n.text("remind_sent", run.lang, count=outcome.sent))
    for refusal in outcome.refused:
        typer.echo(error_line(refusal, run.lang), err=True)
    raise typer.Exit(outcome.refused[0].exit_code if outcome.refused else 0)


class _NoLog:
    def add(self, text: str, masked: bool = False) -> None:
        """remind keeps no log file: what it sent is in the state file."""


def _microsoft365_warning(run: Run) -> str | None:
    """The warning for password SMTP through Microsoft 365, when the run sends that way."""
    from reporter.delivery.email.microsoft365 import warning_line

    return warning_line(run.config.email, run.as_of, run.settings, run.lang)


def _refuse_log_over_files(
    log_path: Path, register: Path, report: Path, eml: Path | None, previous: Path | None
) -> None:
    """Checked before the run: the log is appended to, so it must be a file of its own."""
    from reporter.files import refuse_overwrite, same_file

    if same_file(log_path, register):
        raise OutputError("cli_log_is_register", path=str(log_path))
    refuse_overwrite(log_path, "log", [("report", report), ("eml", eml), ("previous", previous)])


def open_file(path: Path, lang: str) -> None:
    """Open the report with the program the OS uses for .xlsx; failing to open is not an error."""
    import subprocess

    try:
        if sys.platform == "win32":
            os.startfile(path)  # type: ignore[attr-defined]
        elif sys.platform == "darwin":
            subprocess.Popen(["open", str(path)])
        else:
            subprocess.Popen(
                ["xdg-open", str(path)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
            )
    except OSError:
        typer.echo(i18n.text("open_failed", lang, path=str(path)), err=True)


class _Printer:
    """Terminal feedback: --quiet prints only errors, --verbose adds detail; all goes to the log."""

    def __init__(self, quiet: bool, verbose: bool, run_log: Any) -> None:
        self.quiet = quiet
        self.verbose = verbose
        self.run_log = run_log

    def info(self, text: str) -> None:
        self.run_log.add(text)
        if not self.quiet:
            typer.echo(_printable_lines(text))

    def warn(self, text: str | None) -> None:
        """A warning that does not stop the run: one line on stderr (none with --quiet)."""
        if text is None:
            return
        self.run_log.add(text)
        if not self.quiet:
            typer.echo(_printable_lines(text), err=True)

    def detail(self, text: str) -> None:
        self.run_log.add(text)
        if self.verbose and not self.quiet:
            typer.echo(_printable_lines(text))

    def progress(self, lang: str) -> Callable[[str, int], None] | None:
        if self.quiet or not (self.verbose or sys.stderr.isatty()):
            return None

        from reporter.output.terminal import printable

        def show(sheet: str, rows: int) -> None:
            text = i18n.text("run_progress", lang, sheet=printable(sheet), rows=f"{rows:,}")
            typer.echo(text, err=True)

        return show


@app.command(cls=_Command, short_help=_help("help_init_short"), help=_help("help_init"))
@friendly_errors
def init(
    ctx: typer.Context,
    path: Annotated[Path, typer.Argument(help=_help("help_init_path"))],
    lang: LangOption = None,
    force: Annotated[bool, typer.Option("--force", help=_help("help_force"))] = False,
    config: ConfigOption = None,
    rules: RulesOption = None,
) -> None:
    """空の台帳を作ります。 / Write a blank register."""
    run = prepare(ctx, lang, None, config, rules)
    from reporter.register.template import write_blank_register

    # The instructions sheet quotes the validity periods in force.
    write_blank_register(path, run.lang, overwrite=force, validity_days=run.settings.validity_days)
    typer.echo(i18n.text("init_done", run.lang, path=str(path)))


@app.command(
    "rules",
    cls=_Command,
    short_help=_help("help_rules_command_short"),
    help=_help("help_rules_command"),
)
@friendly_errors
def rules_command(
    ctx: typer.Context,
    lang: LangOption = None,
    json_output: Annotated[bool, typer.Option("--json", help=_help("help_rules_json"))] = False,
    config: ConfigOption = None,
    rules: RulesOption = None,
) -> None:
    """ルールの一覧(コード・重大度・使う値と出典)。 / List the rule catalogue."""
    run = prepare(ctx, lang, None, config, rules)
    from reporter.output import catalogue

    if json_output:
        typer.echo(catalogue.to_json(run.settings, run.lang))
    else:
        typer.echo(catalogue.render(run.settings, run.lang))


@app.command(
    "schedule", cls=_Command, short_help=_help("help_schedule_short"), help=_help("help_schedule")
)
@friendly_errors
def schedule_command(
    ctx: typer.Context,
    windows: Annotated[
        bool, typer.Option("--windows", help=_help("help_schedule_windows"))
    ] = False,
    launchd: Annotated[
        bool, typer.Option("--launchd", help=_help("help_schedule_launchd"))
    ] = False,
    cron: Annotated[bool, typer.Option("--cron", help=_help("help_schedule_cron"))] = False,
    out: Annotated[
        Path | None,
        typer.Option("--out", help=_help("help_schedule_out")),
    ] = None,
    launcher: Annotated[
        Path | None,
        typer.Option("--launcher", help=_help("help_schedule_launcher")),
    ] = None,
    email: Annotated[
        bool | None,
        typer.Option(
            "--email/--no-email",
            help=_help("help_schedule_email"),
            show_default=False,
        ),
    ] = None,
    remind: Annotated[
        bool,
        typer.Option("--remind", help=_help("help_schedule_remind")),
    ] = False,
    lang: LangOption = None,
    config: ConfigOption = None,
) -> None:
    """毎月の自動実行を設定します。 / Set up the monthly run (Task Scheduler, launchd, cron)."""
    run = prepare(ctx, lang, None, config, None)
    chosen = [
        kind
        for kind, given in (("windows", windows), ("launchd", launchd), ("cron", cron))
        if given
    ]
    if len(chosen) > 1:
        raise InputError("cli_schedule_one_kind")
    from reporter.delivery.schedule import schedule

    kind = chosen[0] if chosen else None
    typer.echo(schedule(run.config, run.lang, kind, out, launcher, email=email, remind=remind))


def main() -> None:
    """The console script, tuned for large registers.

    The garbage collector is off, and the process does not free its
    objects one by one at the end (half a second at 100k rows, after the work
    is done and every file closed): it flushes its output and exits at once
    with the command's exit code.
    """
    # A large register allocates millions of long-lived objects (records, their
    # values, findings); the collector would walk them again and again (a fifth
    # of a report's time at 1M rows) to find cycles that this program does not
    # leave behind (measured: the peak memory is the same without it).
    gc.disable()
    try:
        app()
        code = 0
    except SystemExit as finished:
        code = _exit_code(finished.code)
    for stream in (sys.stdout, sys.stderr):
        # A closed pipe (| head) has nothing left to take.
        with contextlib.suppress(OSError, ValueError):
            stream.flush()
    os._exit(code)


def _exit_code(code: object) -> int:
    if code is None:
        return 0
    if isinstance(code, int):
        return code
    print(code, file=sys.stderr)  # what sys.exit("message") would print
    return 1

"""The monthly run, set up without typing: a Task Scheduler task, a launchd job or a cron line.

``reporter schedule`` writes what the computer's scheduler needs to start the
launcher (``launchers/run_report.bat``, ``.command`` or ``.sh``) with
``--scheduled`` on the day and at the time of the config's ``[schedule]``:

- Windows: a task file for ``schtasks /create /tn "台帳レポート" /xml FILE``
  (Task Scheduler schema 1.2, UTF-16 with a byte order mark, as schtasks expects);
- macOS: a launchd property list for ``~/Library/LaunchAgents``;
- Linux: a line for ``crontab -e``.

The task runs only while the user is logged on (InteractiveToken): the report
folder and the register are often on a network drive the user's logon opens,
and no password is stored with the task.
"""

from __future__ import annotations

import os
import plistlib
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from reporter import i18n
from reporter.config import Config, ScheduleSettings
from reporter.errors import InputError, OutputError, os_detail
from reporter.files import write_atomically

TASK_NAME = "台帳レポート"
TASK_FILE = "register-report-task.xml"
TASK_NAMESPACE = "http://schemas.microsoft.com/windows/2004/02/mit/task"
LAUNCHD_LABEL = "reporter.monthly-report"
LAUNCHERS = {"windows": "run_report.bat", "launchd": "run_report.command", "cron": "run_report.sh"}
FORMATS = tuple(LAUNCHERS)


def platform_format() -> str:
    """The scheduler of this computer: windows, launchd (macOS) or cron."""
    if sys.platform == "win32":
        return "windows"
    if sys.platform == "darwin":
        return "launchd"
    return "cron"


@dataclass(frozen=True)
class Job:
    """What to start and when: the launcher, its arguments, the day and time."""

    launcher: Path
    arguments: tuple[str, ...]
    when: ScheduleSettings

    @property
    def time(self) -> str:
        return self.when.time


# Control characters (C0, DEL, C1) and the Unicode line and paragraph separators: in
# a path they would split a crontab line or a task's command into two.
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")
# Addresses and hosts of the domains reserved for examples (RFC 2606), as the
# template ships them: mail to them can never be delivered.
_PLACEHOLDER = re.compile(r"(?:^|[@.])example\.(?:com|net|org)$|\.example$|\.invalid$", re.I)


def job_for(config: Config, launcher: Path, email: bool | None = None) -> Job:
    """The monthly job: ``launcher --scheduled --config FILE``, plus ``--email`` when asked.

    The config is passed by its absolute path, so that the scheduled run reads
    the file the job was made from (a launcher would otherwise read the
    reporter.toml beside itself). ``email`` None adds ``--email`` when the
    config can send; True insists (InputError while the [email] table is
    unfinished), False leaves it out.
    """
    arguments = ["--scheduled"]
    if config.path is not None:
        config_path = config.path.resolve()
        refuse_control_characters(config_path, "--config")
        arguments += ["--config", str(config_path)]
    if email is None:
        email = emails(config) and not placeholders(config)
    elif email:
        missing = unfinished_email(config)
        if missing:
            raise InputError(
                "schedule_email_unfinished", keys=", ".join(missing), config=config_label(config)
            )
    if email:
        arguments.append("--email")
    refuse_control_characters(launcher, "--launcher")
    return Job(launcher.resolve(), tuple(arguments), config.schedule)


def emails(config: Config) -> bool:
    return bool(config.email.smtp_host and config.email.to)


def placeholders(config: Config) -> list[str]:
    """The [email] keys that still hold the template's example values."""
    settings = config.email
    values = {
        "smtp_host": [settings.smtp_host],
        "from": [settings.sender],
        "to": list(settings.to),
        "cc": list(settings.cc),
        "username": [settings.username],
    }
    if settings.method != "smtp":
        del values["smtp_host"]  # Microsoft 365 sends through Graph or its own SMTP host
    return [
        f"email.{key}"
        for key, texts in values.items()
        if any(text and _PLACEHOLDER.search(text.strip()) for text in texts)
    ]


def unfinished_email(config: Config) -> list[str]:
    """What to fill in before the config can send: keys that are blank or still examples."""
    settings = config.email
    blank = []
    if settings.method == "smtp" and not settings.smtp_host:
        blank.append("email.smtp_host")
    if not settings.to:
        blank.append("email.to")
    return list(dict.fromkeys([*blank, *placeholders(config)]))


def config_label(config: Config) -> str:
    return str(config.path) if config.path is not None else "reporter.toml"


def refuse_control_characters(path: Path, option: str) -> None:
    """InputError (exit 2) for a path holding a control character (a newline above all)."""
    if _CONTROL.search(str(path)):
        raise InputError("schedule_control_character", option=option)


def find_launcher(kind: str, config: Config, given: Path | None) -> Path:
    """The launcher to start: ``given``, else beside the config, else under this checkout."""
    name = LAUNCHERS[kind]
    if given is not None:
        refuse_control_characters(given, "--launcher")
        candidates = [given]
    else:
        candidates = []
        if config.path is not None:
            candidates += [config.path.parent / name, config.path.parent / "launchers" / name]
        cwd = Path.cwd()
        candidates += [cwd / name, cwd / "launchers" / name]
        # An editable install: the package sits in the project folder beside launchers/.
        candidates.append(Path(__file__).resolve().parents[2] / "launchers" / name)
    for candidate in candidates:
        if candidate.is_file():
            return candidate.resolve()
    searched = ", ".join(dict.fromkeys(str(c.parent) for c in candidates))
    raise InputError("schedule_no_launcher", name=name, searched=searched)


# --- Windows Task Scheduler ------------------------------------------------------


def task_xml(job: Job, lang: str, start: date, user: str | None = None) -> bytes:
    """The task file for ``schtasks /create /xml``: UTF-16 with a byte order mark.

    ``start`` is the day the trigger becomes active (its StartBoundary); ``user``
    (DOMAIN\\name) is who runs it, left out to mean whoever registers the task.
    """
    ET.register_namespace("", TASK_NAMESPACE)

    def sub(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
        element = ET.SubElement(parent, f"{{{TASK_NAMESPACE}}}{tag}", attrs)
        if text is not None:
            element.text = text
        return element

    task = ET.Element(f"{{{TASK_NAMESPACE}}}Task", {"version": "1.2"})
    info = sub(task, "RegistrationInfo")
    sub(info, "Author", "reporter")
    sub(info, "Description", i18n.text("schedule_task_description", lang))
    sub(info, "URI", f"\\{TASK_NAME}")

    trigger = sub(sub(task, "Triggers"), "CalendarTrigger")
    # Enabled is left at its default (true): the schema's trigger base is a sequence,
    # and one element fewer leaves no order to get wrong.
    sub(trigger, "StartBoundary", f"{start.isoformat()}T{job.time}:00")
    by_month = sub(trigger, "ScheduleByMonth")
    sub(sub(by_month, "DaysOfMonth"), "Day", str(job.when.day))
    months = sub(by_month, "Months")
    for month in i18n.MONTHS_EN:
        sub(months, month)

    principal = sub(sub(task, "Principals"), "Principal", id="Author")
    if user:
        sub(principal, "UserId", user)
    sub(principal, "LogonType", "InteractiveToken")
    sub(principal, "RunLevel", "LeastPrivilege")

    settings = sub(task, "Settings")
    for tag, value in (
        ("MultipleInstancesPolicy", "IgnoreNew"),
        ("DisallowStartIfOnBatteries", "false"),
        ("StopIfGoingOnBatteries", "false"),
        ("AllowHardTerminate", "true"),
        # Run at the next logon when the computer was off at the time.
        ("StartWhenAvailable", "true"),
        ("RunOnlyIfNetworkAvailable", "false"),
        ("AllowStartOnDemand", "true"),
        ("Enabled", "true"),
        ("Hidden", "false"),
        ("RunOnlyIfIdle", "false"),
        ("WakeToRun", "false"),
        ("ExecutionTimeLimit", "PT2H"),
        ("Priority", "7"),
    ):
        sub(settings, tag, value)
    idle = sub(settings, "IdleSettings")
    sub(idle, "StopOnIdleEnd", "false")
    sub(idle, "RestartOnIdle", "false")

    exec_ = sub(sub(task, "Actions", Context="Author"), "Exec")
    sub(exec_, "Command", str(job.launcher))
    # Quoted as Windows splits a command line: a config path may hold spaces.
    sub(exec_, "Arguments", subprocess.list2cmdline(job.arguments))
    sub(exec_, "WorkingDirectory", str(job.launcher.parent))

    ET.indent(task, space="  ")
    text = ET.tostring(task, encoding="unicode")
    declaration = '<?xml version="1.0" encoding="UTF-16"?>\r\n'
    # Python's utf-16 codec writes the byte order mark schtasks looks for.
    return (declaration + text.replace("\n", "\r\n") + "\r\n").encode("utf-16")


def windows_user() -> str | None:
    """DOMAIN\\name of the user running this, on Windows; None elsewhere."""
    name = os.environ.get("USERNAME")
    if sys.platform != "win32" or not name:
        return None
    domain = os.environ.get("USERDOMAIN")
    return f"{domain}\\{name}" if domain else name


def write_task_file(data: bytes, target: Path) -> Path:
    """Write the task file through a temporary file; OutputError (exit 3) when it cannot."""
    try:
        write_atomically(target, lambda temporary: temporary.write_bytes(data), prefix=".task-")
    except OSError as error:
        raise OutputError(
            "schedule_unwritable",
            path=str(target),
            detail=os_detail(error),
        ) from None
    return target


# --- macOS launchd and cron --------------------------------------------------------


def launchd_plist(job: Job) -> bytes:
    """A launchd agent that starts the launcher monthly (StartCalendarInterval)."""
    return plistlib.dumps(
        {
            "Label": LAUNCHD_LABEL,
            "ProgramArguments": [str(job.launcher), *job.arguments],
            "WorkingDirectory": str(job.launcher.parent),
            "StartCalendarInterval": {
                "Day": job.when.day,
                "Hour": job.when.hour,
                "Minute": job.when.minute,
            },
            "RunAtLoad": False,
        }
    )


def launchd_path() -> Path:
    return Path("~/Library/LaunchAgents") / f"{LAUNCHD_LABEL}.plist"


def cron_line(job: Job) -> str:
    """minute hour day * * command: the launcher, quoted for the shell."""
    command = " ".join(_shell_quote(part) for part in (str(job.launcher), *job.arguments))
    return f"{job.when.minute} {job.when.hour} {job.when.day} * * {command}"


def _shell_quote(text: str) -> str:
    """``text`` as one word for the shell cron runs the line with.

    Plain words (the options) stay as they are; anything else is single-quoted. A
    control character never gets here (:func:`refuse_control_characters`): cron
    ends the entry at a newline whatever the quotes say.
    """
    if _CONTROL.search(text):
        raise ValueError("control character in a cron word")  # refused earlier, with a message
    if not (text and all(c.isascii() and (c.isalnum() or c in "-_./:=@+") for c in text)):
        text = "'" + text.replace("'", "'\\''") + "'"
    return text.replace("%", "\\%")  # cron turns a bare % into a line break


# --- the command -------------------------------------------------------------------


def schedule(
    config: Config,
    lang: str,
    kind: str | None = None,
    out: Path | None = None,
    launcher: Path | None = None,
    today: date | None = None,
    email: bool | None = None,
) -> str:
    """Set up the monthly run for ``kind`` (default: this computer's scheduler).

    Windows: writes the task file (``out``, default ./register-report-task.xml)
    and returns how to register it; launchd and cron: returns the text to save.
    ``email``: see :func:`job_for`.
    """
    kind = kind or platform_format()
    job = job_for(config, find_launcher(kind, config, launcher), email)
    notes = [] if "--email" in job.arguments else [_no_email_note(config, lang, email)]
    return entry(kind, job, lang, notes, out, today)


def _no_email_note(config: Config, lang: str, email: bool | None) -> str:
    if email is None and emails(config):
        # Set up, but with the template's example values: a run would fail every month.
        keys = ", ".join(placeholders(config))
        return i18n.text(
            "schedule_email_placeholders", lang, keys=keys, config=config_label(config)
        )
    return i18n.text("schedule_no_email", lang)


def entry(
    kind: str,
    job: Job,
    lang: str,
    notes: list[str],
    out: Path | None = None,
    today: date | None = None,
    name: str = TASK_NAME,
) -> str:
    """The scheduler's entry that starts ``job``, and what to tell the user about it.

    Windows: writes the task file and returns how to register it; launchd: the
    property list, the hints as XML comments; cron: the hints as comments, then
    the line. ``notes`` are shown with it (one line each).
    """
    when = {"day": job.when.day, "time": job.time}
    if kind == "windows":
        data = task_xml(job, lang, today or date.today(), windows_user())
        written = write_task_file(data, out or Path.cwd() / TASK_FILE)
        message = i18n.text("schedule_written", lang, path=str(written), name=name, **when)
        return "\n".join([message, *notes])
    if kind == "launchd":
        hint = i18n.text("schedule_launchd_hint", lang, path=str(launchd_path()), **when)
        body = launchd_plist(job).decode("utf-8").rstrip("\n")
        # The plist itself goes to stdout alone, so that `> file` saves it as is.
        return "\n".join([body, *(_xml_comment(line.lstrip("# ")) for line in [hint, *notes])])
    hint = i18n.text("schedule_cron_hint", lang, **when)
    return "\n".join([hint, *(f"# {note}" for note in notes), cron_line(job)])


def _xml_comment(text: str) -> str:
    # "--" may not appear inside an XML comment (an option such as --email would end it).
    return "<!-- " + text.replace("--", "-\u2060-") + " -->"

"""`reporter schedule`: the monthly run set up for Task Scheduler, launchd or cron."""

from __future__ import annotations

import plistlib
from datetime import date
from pathlib import Path

import pytest
from defusedxml import ElementTree
from typer.testing import CliRunner

from reporter.cli import app
from reporter.config import load_config
from reporter.delivery.schedule import (
    TASK_NAMESPACE,
    cron_line,
    job_for,
    launchd_plist,
    schedule,
    task_xml,
)

LAUNCHERS = Path(__file__).resolve().parent.parent / "launchers"
NS = {"t": TASK_NAMESPACE}
EMAIL = """
[email]
smtp_host = "smtp.example.com"
from = "reporter@example.com"
to = ["team@example.com"]
"""


def config_file(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "reporter.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_the_task_file_is_what_schtasks_reads(tmp_path: Path) -> None:
    config = load_config(config_file(tmp_path, '[schedule]\nday = 5\ntime = "7:30"\n' + EMAIL))
    launcher = LAUNCHERS / "run_report.bat"
    data = task_xml(job_for(config, launcher), "ja", date(2026, 12, 1))
    # UTF-16 with a byte order mark, and a declaration that says so.
    assert data[:2] in (b"\xff\xfe", b"\xfe\xff")
    assert data.decode("utf-16").startswith('<?xml version="1.0" encoding="UTF-16"?>')

    task = ElementTree.fromstring(data)
    assert task.tag == f"{{{TASK_NAMESPACE}}}Task"
    assert task.get("version") == "1.2"
    trigger = task.find("t:Triggers/t:CalendarTrigger", NS)
    assert trigger is not None
    assert trigger.findtext("t:StartBoundary", namespaces=NS) == "2026-12-01T07:30:00"
    by_month = trigger.find("t:ScheduleByMonth", NS)
    assert by_month is not None
    assert [d.text for d in by_month.findall("t:DaysOfMonth/t:Day", NS)] == ["5"]
    months = by_month.find("t:Months", NS)
    assert months is not None and len(months) == 12

    principal = task.find("t:Principals/t:Principal", NS)
    assert principal is not None
    assert principal.findtext("t:LogonType", namespaces=NS) == "InteractiveToken"
    actions = task.find("t:Actions", NS)
    assert actions is not None and actions.get("Context") == principal.get("id")
    command = actions.find("t:Exec", NS)
    assert command is not None
    assert command.findtext("t:Command", namespaces=NS) == str(launcher)
    assert command.findtext("t:Arguments", namespaces=NS) == "--scheduled --email"
    assert command.findtext("t:WorkingDirectory", namespaces=NS) == str(LAUNCHERS)
    settings = task.find("t:Settings", NS)
    assert settings is not None
    # Run at the next logon when the computer was off on the day.
    assert settings.findtext("t:StartWhenAvailable", namespaces=NS) == "true"


def test_no_email_settings_no_email_flag(tmp_path: Path) -> None:
    config = load_config(config_file(tmp_path, "[schedule]\nday = 1\n"))
    job = job_for(config, LAUNCHERS / "run_report.bat")
    assert job.arguments == ("--scheduled",)


def test_launchd_and_cron_start_the_shell_launcher_on_the_day(tmp_path: Path) -> None:
    config = load_config(config_file(tmp_path, '[schedule]\nday = 28\ntime = "18:05"\n' + EMAIL))
    plist = plistlib.loads(launchd_plist(job_for(config, LAUNCHERS / "run_report.command")))
    assert plist["StartCalendarInterval"] == {"Day": 28, "Hour": 18, "Minute": 5}
    assert plist["ProgramArguments"][1:] == ["--scheduled", "--email"]
    line = cron_line(job_for(config, LAUNCHERS / "run_report.sh"))
    assert line.split()[:5] == ["5", "18", "28", "*", "*"]
    assert line.endswith("run_report.sh --scheduled --email")


def test_the_command_writes_the_task_file_and_says_how_to_register_it(tmp_path: Path) -> None:
    config = config_file(tmp_path, EMAIL)
    out = tmp_path / "task.xml"
    done = CliRunner().invoke(
        app,
        ["schedule", "--windows", "--config", str(config), "--out", str(out)],
    )
    assert done.exit_code == 0, done.output
    assert ElementTree.fromstring(out.read_bytes()).get("version") == "1.2"
    assert f'schtasks /create /tn "台帳レポート" /xml "{out}"' in done.output
    assert "毎月1日 09:00" in done.output


def test_a_launcher_that_cannot_be_found_is_exit_2(tmp_path: Path) -> None:
    done = CliRunner().invoke(
        app, ["schedule", "--cron", "--launcher", str(tmp_path / "run_report.sh")]
    )
    assert done.exit_code == 2
    assert "--launcher" in done.output


def test_one_kind_at_a_time() -> None:
    done = CliRunner().invoke(app, ["schedule", "--windows", "--cron"])
    assert done.exit_code == 2


@pytest.mark.parametrize(
    ("table", "key"),
    [
        ("day = 31", "schedule.day"),  # not every month has it
        ("day = 0", "schedule.day"),
        ('time = "25:00"', "schedule.time"),
        ('time = "9時"', "schedule.time"),
        ("time = 900", "schedule.time"),
        ("hour = 9", "schedule.hour"),
    ],
)
def test_bad_schedule_settings_name_the_key(tmp_path: Path, table: str, key: str) -> None:
    from reporter.errors import InputError

    with pytest.raises(InputError) as caught:
        load_config(config_file(tmp_path, f"[schedule]\n{table}\n"))
    assert caught.value.params["key"] == key


def test_cron_text_from_the_command(tmp_path: Path) -> None:
    text = schedule(
        load_config(config_file(tmp_path, "[schedule]\nday = 2\n")),
        "en",
        "cron",
        launcher=LAUNCHERS / "run_report.sh",
    )
    assert text.splitlines()[-1].startswith("0 9 2 * * ")
    assert "Email is not set up" in text

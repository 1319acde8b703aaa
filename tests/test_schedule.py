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
# Filled in, as a team would: not the template's example.com placeholders.
EMAIL = """
[email]
smtp_host = "smtp.shop-team.jp"
from = "reporter@shop-team.jp"
to = ["team@shop-team.jp"]
"""
TEMPLATE = Path(__file__).resolve().parent.parent / "templates" / "reporter.toml"


def config_file(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "reporter.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_the_task_file_is_what_schtasks_reads(tmp_path: Path) -> None:
    path = config_file(tmp_path, '[schedule]\nday = 5\ntime = "7:30"\n' + EMAIL)
    config = load_config(path)
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
    arguments = f"--scheduled --config {path.resolve()} --email"
    assert command.findtext("t:Arguments", namespaces=NS) == arguments
    assert command.findtext("t:WorkingDirectory", namespaces=NS) == str(LAUNCHERS)
    settings = task.find("t:Settings", NS)
    assert settings is not None
    # Run at the next logon when the computer was off on the day.
    assert settings.findtext("t:StartWhenAvailable", namespaces=NS) == "true"


def test_no_email_settings_no_email_flag(tmp_path: Path) -> None:
    config = load_config(config_file(tmp_path, "[schedule]\nday = 1\n"))
    job = job_for(config, LAUNCHERS / "run_report.bat")
    assert "--email" not in job.arguments


def test_launchd_and_cron_start_the_shell_launcher_on_the_day(tmp_path: Path) -> None:
    path = config_file(tmp_path, '[schedule]\nday = 28\ntime = "18:05"\n' + EMAIL)
    config = load_config(path)
    plist = plistlib.loads(launchd_plist(job_for(config, LAUNCHERS / "run_report.command")))
    assert plist["StartCalendarInterval"] == {"Day": 28, "Hour": 18, "Minute": 5}
    assert plist["ProgramArguments"][1:] == ["--scheduled", "--config", str(path), "--email"]
    line = cron_line(job_for(config, LAUNCHERS / "run_report.sh"))
    assert line.split()[:5] == ["5", "18", "28", "*", "*"]
    assert line.endswith(f"run_report.sh --scheduled --config {path} --email")


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


def _cron_entries(text: str) -> list[str]:
    """The lines cron would run: every line that is not blank or a comment."""
    return [line for line in text.splitlines() if line.strip() and not line.startswith("#")]


def test_the_job_runs_with_the_config_it_was_made_from(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A folder with its own reporter.toml, the launcher elsewhere (beside another config).
    folder = tmp_path / "team folder"
    folder.mkdir()
    config_file(folder, EMAIL)
    monkeypatch.chdir(folder)
    done = CliRunner().invoke(
        app, ["schedule", "--cron", "--launcher", str(LAUNCHERS / "run_report.sh")]
    )
    assert done.exit_code == 0, done.output
    (line,) = _cron_entries(done.output)
    # The absolute path, quoted once for the shell (it holds a space).
    assert f"--config '{(folder / 'reporter.toml').resolve()}'" in line


def test_the_launchers_take_the_config_they_are_given() -> None:
    # The job passes --config; each launcher must use it, not the file beside itself.
    shell = (LAUNCHERS / "run_report.sh").read_text(encoding="utf-8")
    assert '"--config"' in shell
    batch = (LAUNCHERS / "run_report.bat").read_text(encoding="utf-8")
    assert 'if /i "%~1"=="--config"' in batch


def test_the_templates_placeholders_never_become_a_monthly_email(tmp_path: Path) -> None:
    config = config_file(tmp_path, TEMPLATE.read_text(encoding="utf-8"))
    launcher = str(LAUNCHERS / "run_report.sh")
    done = CliRunner().invoke(
        app, ["schedule", "--cron", "--config", str(config), "--launcher", launcher]
    )
    assert done.exit_code == 0, done.output
    (line,) = _cron_entries(done.output)
    assert "--email" not in line
    assert "email.smtp_host" in done.output and "email.to" in done.output
    # Asked for email outright: refused, with one line naming what to fill in.
    done = CliRunner().invoke(
        app,
        ["schedule", "--cron", "--email", "--config", str(config), "--launcher", launcher],
    )
    assert done.exit_code == 2
    lines = done.output.strip().splitlines()
    assert len(lines) == 1, lines
    assert "email.smtp_host" in lines[0] and str(config) in lines[0]
    # Filled in: --email is honoured.
    (tmp_path / "filled").mkdir()
    filled = config_file(tmp_path / "filled", EMAIL)
    done = CliRunner().invoke(
        app,
        ["schedule", "--cron", "--email", "--config", str(filled), "--launcher", launcher],
    )
    assert done.exit_code == 0, done.output
    assert _cron_entries(done.output)[0].endswith("--email")


@pytest.mark.parametrize("kind", ["--cron", "--launchd", "--windows"])
@pytest.mark.parametrize("control", ["\n* * * * * touch /tmp/owned", "\r", "\x1b[2J", "\u2028"])
def test_a_launcher_path_with_a_control_character_is_refused(
    tmp_path: Path, kind: str, control: str
) -> None:
    launcher = f"{LAUNCHERS / 'run_report.sh'}{control}"
    done = CliRunner().invoke(
        app, ["schedule", kind, "--launcher", launcher, "--out", str(tmp_path / "t.xml")]
    )
    assert done.exit_code == 2, done.output
    assert "touch" not in done.output
    assert "--launcher" in done.output
    assert not (tmp_path / "t.xml").exists()


def test_what_cron_runs_is_quoted(tmp_path: Path) -> None:
    import shlex

    odd = tmp_path / "it's 100% $(here)"
    odd.mkdir()
    launcher = odd / "run_report.sh"
    launcher.write_text("#!/bin/sh\n", encoding="utf-8")
    config = config_file(odd, "[schedule]\nday = 3\n")
    job = job_for(load_config(config), launcher)
    line = cron_line(job)
    command = line.split(" ", 5)[5]
    # cron turns \% back into % before the shell reads the line.
    words = shlex.split(command.replace("\\%", "%"))
    assert words == [str(launcher.resolve()), "--scheduled", "--config", str(config.resolve())]


def test_the_launchd_comments_stay_comments(tmp_path: Path) -> None:
    config = config_file(tmp_path, TEMPLATE.read_text(encoding="utf-8"))
    text = schedule(load_config(config), "en", "launchd", launcher=LAUNCHERS / "run_report.command")
    plist = plistlib.loads(text.encode("utf-8"))  # the comments do not break the XML
    assert plist["ProgramArguments"][1:3] == ["--scheduled", "--config"]


def test_the_task_quotes_a_config_path_with_spaces(tmp_path: Path) -> None:
    folder = tmp_path / "台帳 レポート"
    folder.mkdir()
    config = load_config(config_file(folder, EMAIL))
    task = ElementTree.fromstring(
        task_xml(job_for(config, LAUNCHERS / "run_report.bat"), "ja", date(2026, 12, 1))
    )
    arguments = task.findtext("t:Actions/t:Exec/t:Arguments", namespaces=NS)
    assert arguments == f'--scheduled --config "{(folder / "reporter.toml").resolve()}" --email'

"""Output integrity (issue 7, item 3): nothing is lost, whatever happens to a run.

A report is written to a temporary file and moved into place, so a run that is
killed, or that fails, never leaves a half-written report and never spoils last
month's; and nothing the command writes ever lands on the register.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from typer.testing import CliRunner, Result

import reporter.delivery.report_file
from reporter.cli import app
from reporter.delivery.report_file import STALE_TEMP_SECONDS, TEMP_PREFIX, remove_stale_temporaries
from reporter.errors import EXIT_BUG
from tests.conftest import AS_OF, HEADERS, write_workbook

runner = CliRunner()
ROOT = Path(__file__).resolve().parent.parent
AS_OF_TEXT = AS_OF.isoformat()
REPORT_NAME = f"register-report-{AS_OF_TEXT}.xlsx"
CALENDAR_NAME = f"register-deadlines-{AS_OF_TEXT}.ics"
HANG_GUARD = 300  # seconds: a run that never ends fails the test instead of hanging it


def invoke(*args: str) -> Result:
    return runner.invoke(app, [*args, "--as-of", AS_OF_TEXT])


def small_register(path: Path) -> Path:
    sheets = {name: [headers] for name, headers in HEADERS.items()}
    sheets["キー"] = [
        HEADERS["キー"],
        ["K-1", "その他", None, "11/12/2026", None, None, "佐藤", "x"],
    ]
    return write_workbook(path, sheets)


# --- a run killed while it writes ---------------------------------------------------------------


def big_register(folder: Path, rows: int) -> Path:
    path = folder / f"register-{rows}.xlsx"
    subprocess.run(
        [sys.executable, str(ROOT / "bench" / "make_register.py"), str(rows), str(path), "--force"],
        check=True,
        capture_output=True,
        timeout=HANG_GUARD,
    )
    return path


def temporaries(folder: Path) -> list[Path]:
    return sorted(p for p in folder.iterdir() if p.name.startswith(TEMP_PREFIX))


def report_command(register: Path, out: Path) -> list[str]:
    """The real command, in a process of its own: what a scheduled task runs."""
    command = [sys.executable, "-m", "reporter", "report", str(register)]
    command += ["--as-of", AS_OF_TEXT, "--out", str(out), "--quiet"]
    return command


def kill_while_writing(register: Path, out: Path) -> Path | None:
    """Run ``report`` and SIGKILL it once its temporary report exists; return that file.

    None when the run ended before the temporary file was seen (too fast to catch).
    """
    before = set(temporaries(out))
    env = {k: v for k, v in os.environ.items() if k != "REPORTER_DEBUG"}
    process = subprocess.Popen(
        report_command(register, out), cwd=out.parent, env=env, stderr=subprocess.PIPE
    )
    deadline = time.monotonic() + HANG_GUARD
    try:
        while process.poll() is None and time.monotonic() < deadline:
            started = [p for p in temporaries(out) if p not in before]
            if started:
                process.send_signal(signal.SIGKILL)
                process.wait(timeout=HANG_GUARD)
                return started[0]
            time.sleep(0.002)
        return None
    finally:
        if process.poll() is None:
            process.kill()
        process.wait(timeout=HANG_GUARD)
        if process.stderr is not None:
            process.stderr.close()


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="SIGKILL is POSIX")
def test_a_killed_run_leaves_no_report_and_the_next_run_is_not_confused(tmp_path: Path) -> None:
    out = tmp_path / "reports"
    out.mkdir()
    target = out / REPORT_NAME

    # 1. Killed with no report there yet: none appears, not even a half-written one.
    leftover = None
    for rows in (20_000, 60_000):  # a bigger register when the first is written too fast
        register = big_register(tmp_path, rows)
        leftover = kill_while_writing(register, out)
        if leftover is not None:
            break
    if leftover is None:
        pytest.fail(f"the run finished before it could be killed, even with {rows} rows")
    assert not target.exists()
    assert [p for p in out.iterdir() if p.suffix.lower() == ".xlsx"] == []
    # What is left is never taken for a report: not .xlsx, not register-report-*.
    assert leftover.exists()
    assert leftover.suffix != ".xlsx" and not leftover.name.startswith("register-report-")

    # 2. The next run writes a whole report beside the leftover.
    done = subprocess.run(
        report_command(register, out),
        cwd=tmp_path,
        capture_output=True,
        timeout=HANG_GUARD,
        check=False,
    )
    assert done.returncode == 0, done.stderr.decode("utf-8", "replace")
    workbook = openpyxl.load_workbook(target, read_only=True)
    assert "概要" in workbook.sheetnames
    workbook.close()
    # The young leftover may be another run's, still writing: left alone.
    assert leftover.exists()

    # 3. Killed over last month's report: that report stays as it was, byte for byte.
    previous = target.read_bytes()
    second = kill_while_writing(register, out)
    if second is None:
        pytest.fail("the second run finished before it could be killed")
    assert target.read_bytes() == previous

    # 4. Once a day old, the leftovers are removed; the report is not.
    assert remove_stale_temporaries(out) == []
    later = time.time() + STALE_TEMP_SECONDS + 60
    removed = remove_stale_temporaries(out, now=later)
    assert sorted(removed) == sorted([leftover, second])
    assert temporaries(out) == []
    assert target.read_bytes() == previous


def test_a_successful_run_removes_temporaries_a_day_old_only(tmp_path: Path) -> None:
    out = tmp_path / "reports"
    out.mkdir()
    day_old = time.time() - STALE_TEMP_SECONDS - 60
    stale = out / f"{TEMP_PREFIX}killed.tmp"
    stale_xlsx = out / f"{TEMP_PREFIX}older-version.xlsx"  # the name earlier versions used
    young = out / f"{TEMP_PREFIX}running.tmp"
    unrelated = out / "notes.tmp"
    for path in (stale, stale_xlsx, young, unrelated):
        path.write_bytes(b"PK\x03\x04 half a zip")
    for path in (stale, stale_xlsx, unrelated):
        os.utime(path, (day_old, day_old))
    register = small_register(tmp_path / "register.xlsx")
    result = invoke("report", str(register), "--out", str(out), "--quiet")
    assert result.exit_code == 0, result.output
    assert (out / REPORT_NAME).is_file()
    assert not stale.exists() and not stale_xlsx.exists()
    assert young.exists() and unrelated.exists()


# --- never over the register --------------------------------------------------------------------


@pytest.fixture
def named_like_the_report(tmp_path: Path) -> Path:
    """A register named as this run's report (or its log) would be, in the output folder."""
    folder = tmp_path / "shared"
    folder.mkdir()
    return folder


def _refusal_cases() -> list[Any]:
    # (case, register file name, extra arguments given the register and the folder, the
    # file the message must name)
    report = REPORT_NAME
    log = REPORT_NAME.replace(".xlsx", ".log")
    cases: list[tuple[str, str, Callable[[Path, Path], list[str]], str]] = [
        ("--out is the register", "register.xlsx", lambda r, f: ["--out", str(r)], "register.xlsx"),
        ("--out folder makes the register's path", report, lambda r, f: ["--out", str(f)], report),
        (
            "--eml is the register",
            "register.xlsx",
            lambda r, f: ["--out", str(f / "out"), "--eml", str(r)],
            "register.xlsx",
        ),
        (
            "--eml is the report",
            "register.xlsx",
            lambda r, f: ["--out", str(f), "--eml", str(f / report)],
            report,
        ),
        ("the log path is the register", log, lambda r, f: ["--out", str(f), "--log"], log),
        (
            "--eml is the calendar",
            "register.xlsx",
            lambda r, f: ["--out", str(f), "--eml", str(f / CALENDAR_NAME)],
            CALENDAR_NAME,
        ),
        (
            "--eml is the log",
            "register.xlsx",
            lambda r, f: ["--out", str(f), "--eml", str(f / log), "--log"],
            log,
        ),
    ]
    return [pytest.param(name, extra, named, id=case) for case, name, extra, named in cases]


@pytest.mark.parametrize(("register_name", "extra", "named"), _refusal_cases())
def test_nothing_is_written_over_the_register_or_another_output(
    named_like_the_report: Path,
    register_name: str,
    extra: Callable[[Path, Path], list[str]],
    named: str,
) -> None:
    folder = named_like_the_report
    register = small_register(folder / "tmp.xlsx").rename(folder / register_name)
    before = register.read_bytes()
    config = folder / "reporter.toml"  # --eml needs the [email] addresses
    config.write_text('[email]\nfrom = "a@example.com"\nto = ["b@example.com"]\n', "utf-8")
    result = invoke("report", str(register), "--config", str(config), *extra(register, folder))
    assert result.exit_code == 3, result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 1, result.output  # one clear line: what is wrong and what to do
    assert named in lines[0]
    assert "Traceback" not in result.output
    assert register.read_bytes() == before
    # Nothing else was written either: the run stopped before writing.
    assert sorted(p.name for p in folder.iterdir()) == sorted([register.name, config.name])


# --- last month's report survives a failed run --------------------------------------------------


@pytest.fixture
def last_month(tmp_path: Path) -> Path:
    """A report already at this run's target path (a re-run for the same date)."""
    out = tmp_path / "reports"
    out.mkdir()
    register = small_register(tmp_path / "register.xlsx")
    result = invoke("report", str(register), "--out", str(out), "--quiet")
    assert result.exit_code == 0, result.output
    return out / REPORT_NAME


def assert_untouched(report: Path, before: bytes) -> None:
    assert report.read_bytes() == before
    assert temporaries(report.parent) == []


def test_a_bad_register_keeps_the_existing_report(last_month: Path, tmp_path: Path) -> None:
    before = last_month.read_bytes()
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(b"this is not a workbook")
    result = invoke("report", str(bad), "--out", str(last_month.parent))
    assert result.exit_code == 2, result.output
    assert_untouched(last_month, before)


def test_an_unwritable_folder_keeps_the_existing_report(last_month: Path, tmp_path: Path) -> None:
    folder = last_month.parent
    folder.chmod(0o500)
    try:
        if os.access(folder, os.W_OK):
            pytest.skip("running as a user who can write anywhere (root)")
        before = last_month.read_bytes()
        register = small_register(tmp_path / "register2.xlsx")
        result = invoke("report", str(register), "--out", str(folder))
        assert result.exit_code == 3, result.output
        assert_untouched(last_month, before)
    finally:
        folder.chmod(0o700)


@pytest.mark.parametrize(
    ("failure", "exit_code"),
    # A bug is exit 70 (one line naming the log); a full disk is 3. Either way the run failed.
    [(OSError(28, "No space left on device"), 3), (RuntimeError("writer bug"), EXIT_BUG)],
    ids=["disk full", "unexpected error"],
)
def test_a_failure_inside_writing_keeps_the_existing_report(
    last_month: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    failure: Exception,
    exit_code: int,
) -> None:
    before = last_month.read_bytes()
    calls: list[Path] = []

    def half_written(result: Any, path: Path, *args: Any, **kwargs: Any) -> None:
        calls.append(path)
        Path(path).write_bytes(before[: len(before) // 2])  # half a zip, then the failure
        raise failure

    # Patched where write_report looks it up (it imports the name from output.workbook).
    monkeypatch.setattr(reporter.delivery.report_file, "write_workbook", half_written)
    monkeypatch.delenv("REPORTER_DEBUG", raising=False)
    register = small_register(tmp_path / "register2.xlsx")
    result = invoke("report", str(register), "--out", str(last_month.parent))
    assert calls, "the workbook writer was never called"
    assert result.exit_code == exit_code, result.output
    assert len(result.output.strip().splitlines()) == 1, result.output
    assert_untouched(last_month, before)

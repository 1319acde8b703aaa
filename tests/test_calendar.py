"""The deadlines calendar (.ics) written beside the report."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from icalendar import Calendar
from typer.testing import CliRunner

from reporter.cli import app
from reporter.delivery.calendar import calendar_path, write_calendar
from reporter.result import CheckResult
from tests.conftest import AS_OF, register_sheets, write_workbook

FAKE_TOKEN = "Atzr|IwEBIFAKEsampleNOTaREALtoken0123456789abcdefXYZ"
KEYS: list[dict[str, Any]] = [
    # Expiring in ten days: an event on 2026-12-10.
    {
        "キーID": "K-1",
        "種類": "その他",
        "発行日": date(2026, 1, 1),
        "有効期限": date(2026, 12, 10),
        "状態": "利用中",
        "担当者": "佐藤",
    },
    # Expired before the as-of date: no event (the report lists it as overdue).
    {
        "キーID": "K-2",
        "種類": "その他",
        "発行日": date(2025, 1, 1),
        "有効期限": date(2026, 11, 10),
        "状態": "利用中",
        "担当者": "鈴木",
    },
    # An owner cell holding a token: the event must not repeat it.
    {
        "キーID": "K-3",
        "種類": "その他",
        "発行日": date(2026, 1, 1),
        "有効期限": date(2026, 12, 12),
        "状態": "利用中",
        "担当者": FAKE_TOKEN,
    },
]


def events(path: Path) -> list[Any]:
    calendar = Calendar.from_ical(path.read_bytes())
    return [c for c in calendar.walk("VEVENT")]


@pytest.fixture
def result(run_check: Callable[..., CheckResult]) -> CheckResult:
    return run_check(keys=KEYS)


def test_one_all_day_event_per_deadline_still_ahead(result: CheckResult, tmp_path: Path) -> None:
    report = tmp_path / "register-report-2026-11-30.xlsx"
    path = write_calendar(result, report, "ja")
    assert path == tmp_path / "register-deadlines-2026-11-30.ics"
    found = events(path)
    assert [e.decoded("dtstart") for e in found] == [date(2026, 12, 10), date(2026, 12, 12)]
    assert [e.decoded("dtend") for e in found] == [date(2026, 12, 11), date(2026, 12, 13)]
    first = str(found[0]["summary"])
    # The owner, what it is about and what to do, in the report's language.
    assert (
        first
        == "佐藤: キーの期限が近い K-1 — 2026-12-10までにツールかモールの管理画面でキーを更新してください"
    )
    assert "K-1" in str(found[0]["description"])


def test_titles_follow_the_report_language(result: CheckResult, tmp_path: Path) -> None:
    path = write_calendar(result, tmp_path / "r.xlsx", "en")
    summary = str(events(path)[0]["summary"])
    # A long title is cut with an ellipsis; what to do and by when come first.
    assert summary.startswith("佐藤: Key expires soon K-1 — By 2026-12-10, renew the key in")
    assert "キー" not in summary


def test_secrets_are_masked(result: CheckResult, tmp_path: Path) -> None:
    path = write_calendar(result, tmp_path / "r.xlsx", "ja")
    text = path.read_bytes().decode("utf-8")
    unfolded = text.replace("\r\n ", "")
    assert FAKE_TOKEN not in unfolded
    assert "IwEBIFAKEsample" not in unfolded
    assert len(events(path)) == 2  # the masked owner's key still gets its event


def test_a_second_run_keeps_the_uids(run_check: Callable[..., CheckResult], tmp_path: Path) -> None:
    first = events(write_calendar(run_check(keys=KEYS), tmp_path / "r.xlsx", "ja"))
    # Next month's run on the same register: the same findings, the same events.
    again = events(
        write_calendar(run_check(keys=KEYS, as_of=date(2026, 12, 1)), tmp_path / "r.xlsx", "ja")
    )
    assert [str(e["uid"]) for e in first] == [str(e["uid"]) for e in again]
    assert len({str(e["uid"]) for e in first}) == len(first)
    # The later file is the newer version of each event.
    assert int(again[0]["sequence"]) > int(first[0]["sequence"])


def test_a_moved_due_date_updates_the_event(
    run_check: Callable[..., CheckResult], tmp_path: Path
) -> None:
    before = events(write_calendar(run_check(keys=KEYS[:1]), tmp_path / "r.xlsx", "ja"))
    moved = [{**KEYS[0], "有効期限": date(2026, 12, 14)}]
    (tmp_path / "b").mkdir()
    after = events(write_calendar(run_check(keys=moved), tmp_path / "b" / "r.xlsx", "ja"))
    assert after[0].decoded("dtstart") == date(2026, 12, 14)
    assert str(after[0]["uid"]) == str(before[0]["uid"])


def test_no_deadline_ahead_gives_an_empty_calendar(
    run_check: Callable[..., CheckResult], tmp_path: Path
) -> None:
    path = write_calendar(run_check(keys=KEYS[1:2]), tmp_path / "r.xlsx", "ja")
    assert events(path) == []
    assert Calendar.from_ical(path.read_bytes())["version"] == "2.0"


def test_an_unwritable_folder_is_exit_3_and_leaves_no_temporary(
    result: CheckResult, tmp_path: Path
) -> None:
    from reporter.errors import OutputError

    with pytest.raises(OutputError) as caught:
        write_calendar(result, tmp_path / "missing" / "r.xlsx", "ja")
    assert caught.value.exit_code == 3
    assert not (tmp_path / "missing").exists()


def test_report_command_writes_it_beside_the_report_unless_told_not_to(
    tmp_path: Path,
) -> None:
    register = write_workbook(tmp_path / "register.xlsx", register_sheets(keys=KEYS))
    runner = CliRunner()
    out = tmp_path / "out"
    done = runner.invoke(app, ["report", str(register), "--out", str(out), "--as-of", "2026-11-30"])
    assert done.exit_code == 0, done.output
    ics = calendar_path(out / "register-report-2026-11-30.xlsx", AS_OF)
    assert ics.is_file()
    assert "register-deadlines-2026-11-30.ics" in done.output
    assert sorted(p.name for p in out.iterdir()) == [ics.name, "register-report-2026-11-30.xlsx"]

    quiet = tmp_path / "quiet"
    done = runner.invoke(
        app, ["report", str(register), "--out", str(quiet), "--as-of", "2026-11-30", "--no-ics"]
    )
    assert done.exit_code == 0, done.output
    assert [p.name for p in quiet.iterdir()] == ["register-report-2026-11-30.xlsx"]


def test_a_deadline_on_the_day_of_the_run_is_in_the_calendar(
    run_check: Callable[..., CheckResult], tmp_path: Path
) -> None:
    # Due on the as-of date itself: the day a person most needs the reminder.
    today = [{**KEYS[0], "キーID": "K-9", "有効期限": AS_OF}]
    result = run_check(keys=today)
    due = [f.due for f in result.findings if f.record_id == "K-9"]
    assert AS_OF in due, due  # the register gives a finding due today
    found = events(write_calendar(result, tmp_path / "r.xlsx", "ja"))
    assert AS_OF in [e.decoded("dtstart") for e in found]


def test_every_event_reminds_a_week_before_the_day_before_and_on_the_day(
    result: CheckResult, tmp_path: Path
) -> None:
    from datetime import datetime, time

    found = events(write_calendar(result, tmp_path / "r.xlsx", "ja"))
    assert found
    for event in found:
        start = datetime.combine(event.decoded("dtstart"), time())
        alarms = event.walk("VALARM")
        fired = [start + alarm.decoded("trigger") for alarm in alarms]
        due = event.decoded("dtstart")
        assert [moment.date() for moment in fired] == [
            due - timedelta(days=7),
            due - timedelta(days=1),
            due,
        ]
        assert {moment.time() for moment in fired} == {time(9)}
        for alarm in alarms:
            assert str(alarm["action"]) == "DISPLAY"
            assert str(alarm["description"]) == str(event["summary"])


def test_a_blank_owner_reads_as_not_recorded(
    run_check: Callable[..., CheckResult], tmp_path: Path
) -> None:
    ownerless = [{**KEYS[0], "担当者": None}]
    path = write_calendar(run_check(keys=ownerless), tmp_path / "r.xlsx", "ja")
    summaries = [str(e["summary"]) for e in events(path)]
    assert summaries and all(s.startswith("担当者未記入: ") for s in summaries), summaries
    english = write_calendar(run_check(keys=ownerless), tmp_path / "e.xlsx", "en")
    assert all(str(e["summary"]).startswith("Owner not recorded: ") for e in events(english))


def test_long_lines_fold_within_75_octets_and_read_back_as_written(
    run_check: Callable[..., CheckResult], tmp_path: Path
) -> None:
    from reporter.delivery.calendar import deadlines

    # What a register cell may hold: TEXT's special characters, a Windows path
    # (backslashes), full-width text and a character of four octets, long enough to fold.
    owner = "営業部 佐藤, 鈴木; 共有 C:\\ツール\\台帳 🙂 " * 4
    result = run_check(keys=[{**KEYS[0], "担当者": owner}])
    path = write_calendar(result, tmp_path / "r.xlsx", "ja")
    data = path.read_bytes()
    lines = data.split(b"\r\n")
    assert lines[-1] == b"" and all(lines[:-1]), "CRLF after every line, none empty"
    assert max(len(line) for line in lines) <= 75
    for line in lines:
        line.decode("utf-8")  # no fold splits a character
    expected = deadlines(result, "ja")
    found = events(path)
    assert [str(e["summary"]) for e in found] == [d.summary for d in expected]
    assert [str(e["description"]) for e in found] == [d.description for d in expected]
    assert "C:\\ツール\\台帳" in expected[0].summary  # the text that folded is the owner's

"""The one safe path for every file the reporter writes (reporter/files.py).

Nothing is written through a symbolic link to a file elsewhere, and no output
of a run lands on another file of the same run (issue: a ``--log`` appended
through a link in the output folder, an ``--eml`` that replaced the calendar).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from reporter.cli import app
from reporter.errors import OutputError
from reporter.files import NotAPlainFile, append_text, refuse_overwrite, same_file
from tests.conftest import AS_OF, HEADERS, write_workbook

runner = CliRunner()
AS_OF_TEXT = AS_OF.isoformat()
REPORT_NAME = f"register-report-{AS_OF_TEXT}.xlsx"
LOG_NAME = f"register-report-{AS_OF_TEXT}.log"
CALENDAR_NAME = f"register-deadlines-{AS_OF_TEXT}.ics"
needs_symlinks = pytest.mark.skipif(
    sys.platform == "win32", reason="symbolic links need a privilege on Windows"
)


def invoke(*args: str) -> Result:
    return runner.invoke(app, [*args, "--as-of", AS_OF_TEXT])


def register(folder: Path) -> Path:
    sheets = {name: [headers] for name, headers in HEADERS.items()}
    sheets["キー"] = [
        HEADERS["キー"],
        ["K-1", "楽天ライセンスキー", None, "2026-09-15", None, None, "佐藤", "鈴木"],
    ]
    return write_workbook(folder / "register.xlsx", sheets)


# --- appending: the run log ---------------------------------------------------------------------


def test_append_text_creates_then_appends(tmp_path: Path) -> None:
    log = tmp_path / "run.log"
    append_text(log, "one\n")
    append_text(log, "二\n")
    assert log.read_text(encoding="utf-8") == "one\n二\n"


@needs_symlinks
def test_append_text_never_writes_through_a_symbolic_link(tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere.txt"
    elsewhere.write_text("keep me\n", encoding="utf-8")
    link = tmp_path / "run.log"
    link.symlink_to(elsewhere)
    with pytest.raises(NotAPlainFile):
        append_text(link, "appended\n")
    assert elsewhere.read_text(encoding="utf-8") == "keep me\n"
    dangling = tmp_path / "dangling.log"
    dangling.symlink_to(tmp_path / "would-be-created.txt")
    with pytest.raises(NotAPlainFile):
        append_text(dangling, "appended\n")
    assert not (tmp_path / "would-be-created.txt").exists()


def test_append_text_refuses_a_hard_link_to_another_file(tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere.txt"
    elsewhere.write_text("keep me\n", encoding="utf-8")
    link = tmp_path / "run.log"
    os.link(elsewhere, link)
    with pytest.raises(NotAPlainFile):
        append_text(link, "appended\n")
    assert elsewhere.read_text(encoding="utf-8") == "keep me\n"


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes here")
def test_append_text_does_not_wait_on_a_pipe(tmp_path: Path) -> None:
    pipe = tmp_path / "run.log"
    os.mkfifo(pipe)
    with pytest.raises(NotAPlainFile):
        append_text(pipe, "appended\n")  # no reader: refused at once, not blocked


@needs_symlinks
def test_the_log_is_not_appended_through_a_link_in_the_output_folder(tmp_path: Path) -> None:
    out = tmp_path / "reports"
    out.mkdir()
    target = tmp_path / "bashrc"
    target.write_text("# the user's own file\n", encoding="utf-8")
    (out / LOG_NAME).symlink_to(target)
    result = invoke("report", str(register(tmp_path)), "--out", str(out), "--log", "--quiet")
    assert result.exit_code == 0, result.output
    assert target.read_text(encoding="utf-8") == "# the user's own file\n"
    assert (out / REPORT_NAME).is_file()  # the report itself is written
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1 and LOG_NAME in lines[0], result.output
    assert "Traceback" not in result.output


def test_a_plain_log_is_appended_run_after_run(tmp_path: Path) -> None:
    out = tmp_path / "reports"
    path = register(tmp_path)
    texts = []
    for _ in range(2):
        result = invoke("report", str(path), "--out", str(out), "--log", "--quiet")
        assert result.exit_code == 0, result.output
        texts.append((out / LOG_NAME).read_text(encoding="utf-8"))
    assert texts[0].strip()
    assert texts[1].startswith(texts[0]) and len(texts[1]) > len(texts[0])


# --- one output over another --------------------------------------------------------------------


def test_the_eml_does_not_replace_last_runs_calendar(tmp_path: Path) -> None:
    out = tmp_path / "reports"
    path = register(tmp_path)
    first = invoke("report", str(path), "--out", str(out), "--quiet")
    assert first.exit_code == 0, first.output
    calendar = out / CALENDAR_NAME
    before = calendar.read_bytes()
    config = tmp_path / "reporter.toml"
    config.write_text('[email]\nfrom = "a@example.com"\nto = ["b@example.com"]\n', "utf-8")
    result = invoke(
        "report", str(path), "--out", str(out), "--config", str(config), "--eml", str(calendar)
    )
    assert result.exit_code == 3, result.output
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1 and CALENDAR_NAME in lines[0], result.output
    assert calendar.read_bytes() == before
    # With no calendar this run, last run's is still not replaced by the mail.
    args = ["--config", str(config), "--eml", str(calendar), "--no-ics"]
    result = invoke("report", str(path), "--out", str(out), *args)
    assert result.exit_code == 3, result.output
    assert calendar.read_bytes() == before


def test_the_eml_does_not_replace_the_previous_report(tmp_path: Path) -> None:
    out = tmp_path / "reports"
    path = register(tmp_path)
    first = runner.invoke(app, ["report", str(path), "--out", str(out), "--as-of", "2026-10-31"])
    assert first.exit_code == 0, first.output
    previous = out / "register-report-2026-10-31.xlsx"
    before = previous.read_bytes()
    config = tmp_path / "reporter.toml"
    config.write_text('[email]\nfrom = "a@example.com"\nto = ["b@example.com"]\n', "utf-8")
    result = invoke(
        "report", str(path), "--out", str(out), "--config", str(config), "--eml", str(previous)
    )
    assert result.exit_code == 3, result.output
    assert previous.read_bytes() == before
    assert not (out / REPORT_NAME).exists()  # refused before anything was written


def test_refuse_overwrite_sees_through_other_spellings(tmp_path: Path) -> None:
    report = tmp_path / "reports" / REPORT_NAME
    report.parent.mkdir()
    report.write_bytes(b"PK")
    spelt = tmp_path / "reports" / ".." / "reports" / REPORT_NAME
    assert same_file(spelt, report)
    with pytest.raises(OutputError) as caught:
        refuse_overwrite(spelt, "eml", [("calendar", None), ("report", report)])
    assert caught.value.exit_code == 3
    for lang in ("ja", "en"):
        assert str(spelt) in caught.value.render(lang)
    refuse_overwrite(tmp_path / "mail.eml", "eml", [("report", report), ("calendar", None)])


def test_same_file_is_false_for_a_path_with_a_nul(tmp_path: Path) -> None:
    assert not same_file(tmp_path / "a\x00b", tmp_path / "a")


@needs_symlinks
@pytest.mark.parametrize("name", [REPORT_NAME, CALENDAR_NAME])
def test_an_output_at_a_symbolic_link_replaces_the_link_not_what_it_points_to(
    tmp_path: Path, name: str
) -> None:
    out = tmp_path / "reports"
    out.mkdir()
    elsewhere = tmp_path / "elsewhere.bin"
    elsewhere.write_bytes(b"keep me")
    (out / name).symlink_to(elsewhere)
    result = invoke("report", str(register(tmp_path)), "--out", str(out), "--quiet")
    assert result.exit_code == 0, result.output
    assert elsewhere.read_bytes() == b"keep me"
    assert not (out / name).is_symlink() and (out / name).stat().st_size > 0

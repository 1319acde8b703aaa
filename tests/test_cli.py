"""The commands as a user runs them: exit codes, output, languages, JSON."""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest
from typer.testing import CliRunner

from reporter.cli import app
from tests.conftest import HEADERS, write_workbook

runner = CliRunner()

KEY = ["K-1", "楽天ライセンスキー", "T-1", date(2026, 8, 1), None, "利用中", "佐藤", "鈴木"]


@pytest.fixture
def clean_register(tmp_path: Path) -> Path:
    sheets = {name: [headers] for name, headers in HEADERS.items()}
    return write_workbook(tmp_path / "clean.xlsx", sheets)


@pytest.fixture
def broken_register(tmp_path: Path) -> Path:
    sheets = {name: [headers] for name, headers in HEADERS.items()}
    sheets["キー"] = [
        HEADERS["キー"],
        ["K-1", "その他", None, "11/12/2026", None, None, "佐藤", "鈴木"],
    ]
    return write_workbook(tmp_path / "broken.xlsx", sheets)


def test_check_clean_register_exits_0(clean_register: Path) -> None:
    result = runner.invoke(app, ["check", str(clean_register), "--as-of", "2026-11-30"])
    assert result.exit_code == 0, result.output
    assert "問題は見つかりませんでした" in result.output


def test_check_with_errors_exits_1_in_japanese(broken_register: Path) -> None:
    result = runner.invoke(app, ["check", str(broken_register), "--as-of", "2026-11-30"])
    assert result.exit_code == 1
    assert "DAT004" in result.output
    assert "D2" in result.output
    assert "日付" in result.output
    assert "Traceback" not in result.output


def test_check_in_english(broken_register: Path) -> None:
    result = runner.invoke(
        app, ["check", str(broken_register), "--as-of", "2026-11-30", "--lang", "en"]
    )
    assert result.exit_code == 1
    assert "ambiguous" in result.output
    assert "日付" not in result.output


@pytest.mark.parametrize(
    ("fail_on", "code"), [("never", 0), ("error", 1), ("warning", 1), ("info", 1)]
)
def test_fail_on(broken_register: Path, fail_on: str, code: int) -> None:
    result = runner.invoke(
        app, ["check", str(broken_register), "--as-of", "2026-11-30", "--fail-on", fail_on]
    )
    assert result.exit_code == code


def test_warnings_only_pass_at_fail_on_error(tmp_path: Path) -> None:
    sheets = {name: [headers] for name, headers in HEADERS.items()}
    sheets["キー"] = [
        HEADERS["キー"],
        ["K-1", "その他", None, date(2027, 1, 1), None, None, "佐藤", "鈴木"],
    ]
    path = write_workbook(tmp_path / "future.xlsx", sheets)  # DAT008 is a warning
    assert runner.invoke(app, ["check", str(path), "--as-of", "2026-11-30"]).exit_code == 0
    result = runner.invoke(
        app, ["check", str(path), "--as-of", "2026-11-30", "--fail-on", "warning"]
    )
    assert result.exit_code == 1


def test_json_output_follows_the_spec(broken_register: Path) -> None:
    result = runner.invoke(app, ["check", str(broken_register), "--as-of", "2026-11-30", "--json"])
    assert result.exit_code == 1
    data = json.loads(result.stdout)
    assert set(data) >= {"as_of", "register", "findings", "rows", "skipped_rules"}
    assert data["as_of"] == "2026-11-30"
    assert data["register"] == str(broken_register)
    finding = next(f for f in data["findings"] if f["code"] == "DAT004")
    assert finding["severity"] == "error"
    assert finding["category"] == "register"
    assert finding["sheet"] == "keys"
    assert finding["sheet_name"] == "キー"
    assert finding["row"] == 2
    assert finding["cell"] == "D2"
    assert finding["record_id"] == "K-1"
    assert set(finding) >= {"due", "message", "action"}
    assert data["rows"]["keys"]["read"] == 1
    assert data["rows"]["keys"]["with_findings"] == 1
    assert isinstance(data["skipped_rules"], list)


def test_json_message_follows_lang(broken_register: Path) -> None:
    result = runner.invoke(
        app, ["check", str(broken_register), "--as-of", "2026-11-30", "--json", "--lang", "en"]
    )
    finding = next(f for f in json.loads(result.stdout)["findings"] if f["code"] == "DAT004")
    assert "date" in finding["message"]


@pytest.mark.parametrize(
    ("make", "words"),
    [
        (lambda d: d / "nothing.xlsx", "見つかりません"),
        (lambda d: d, "フォルダー"),
        (lambda d: _write(d / "r.csv", b"a,b"), "CSV"),
        (lambda d: _write(d / "r.xlsx", b"not a workbook at all"), "ブックではありません"),
    ],
)
def test_bad_input_is_one_line_exit_2(
    tmp_path: Path, make: Callable[[Path], Path], words: str
) -> None:
    path = make(tmp_path)
    result = runner.invoke(app, ["check", str(path)])
    assert result.exit_code == 2
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1
    assert str(path) in lines[0] and words in lines[0]
    assert "Traceback" not in result.output


def test_bad_options_exit_2(clean_register: Path) -> None:
    assert (
        runner.invoke(app, ["check", str(clean_register), "--as-of", "11/30/2026"]).exit_code == 2
    )
    assert runner.invoke(app, ["check", str(clean_register), "--lang", "fr"]).exit_code == 2
    assert (
        runner.invoke(app, ["check", str(clean_register), "--fail-on", "sometimes"]).exit_code == 2
    )


def test_no_register_given_exit_2(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(app, ["check"])
    assert result.exit_code == 2
    assert "reporter.toml" in result.output


def test_register_bytes_unchanged(broken_register: Path) -> None:
    before = hashlib.sha256(broken_register.read_bytes()).hexdigest()
    mtime = broken_register.stat().st_mtime_ns
    runner.invoke(app, ["check", str(broken_register), "--json"])
    runner.invoke(app, ["check", str(broken_register)])
    assert hashlib.sha256(broken_register.read_bytes()).hexdigest() == before
    assert broken_register.stat().st_mtime_ns == mtime


def test_default_as_of_is_today_in_tokyo(
    clean_register: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import reporter.api

    monkeypatch.setattr(reporter.api, "today_in_tokyo", lambda: date(2031, 1, 2))
    data = json.loads(runner.invoke(app, ["check", str(clean_register), "--json"]).stdout)
    assert data["as_of"] == "2031-01-02"


def _write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


# --- rules -------------------------------------------------------------------


def test_rules_lists_every_rule_with_its_source() -> None:
    from reporter.rules import RULES

    result = runner.invoke(app, ["rules"])
    assert result.exit_code == 0
    for rule in RULES:
        assert rule.code in result.output
    assert "validity_days.rakuten_license_key = 90" in result.output
    assert "https://" in result.output


def test_rules_json_in_english() -> None:
    result = runner.invoke(app, ["rules", "--json", "--lang", "en"])
    data = json.loads(result.stdout)
    rnw001 = next(r for r in data["rules"] if r["code"] == "RNW001")
    assert rnw001["severity"] == "error"
    assert rnw001["title"].isascii()
    assert any(
        p["name"].startswith("validity_days.") and p["source_url"] for p in rnw001["parameters"]
    )


def test_broken_rules_file_exit_2(tmp_path: Path) -> None:
    broken = tmp_path / "rules.toml"
    broken.write_text("[validity_days\n", encoding="utf-8")
    result = runner.invoke(app, ["rules", "--rules", str(broken)])
    assert result.exit_code == 2
    assert str(broken) in result.output
    assert "Traceback" not in result.output


# --- init --------------------------------------------------------------------


def test_init_writes_a_blank_register_that_checks_clean(tmp_path: Path) -> None:
    path = tmp_path / "新しい台帳.xlsx"
    result = runner.invoke(app, ["init", str(path)])
    assert result.exit_code == 0, result.output
    assert path.exists()
    check = runner.invoke(app, ["check", str(path), "--fail-on", "info", "--json"])
    assert check.exit_code == 0, check.output
    assert json.loads(check.stdout)["findings"] == []


def test_init_refuses_to_overwrite(tmp_path: Path) -> None:
    path = tmp_path / "台帳.xlsx"
    path.write_bytes(b"keep me")
    result = runner.invoke(app, ["init", str(path)])
    assert result.exit_code == 3
    assert path.read_bytes() == b"keep me"
    assert "--force" in result.output


# --- report ------------------------------------------------------------------


def test_report_writes_the_workbook_and_a_summary(broken_register: Path, tmp_path: Path) -> None:
    out = tmp_path / "reports"
    result = runner.invoke(
        app, ["report", str(broken_register), "--as-of", "2026-11-30", "--out", str(out)]
    )
    assert result.exit_code == 0, result.output  # report's --fail-on defaults to never
    written = out / "register-report-2026-11-30.xlsx"
    assert written.exists()
    assert str(written) in result.output


def test_report_fail_on_error_exit_1(broken_register: Path, tmp_path: Path) -> None:
    args = ["report", str(broken_register), "--out", str(tmp_path), "--fail-on", "error"]
    assert runner.invoke(app, args).exit_code == 1


def test_report_quiet_prints_nothing_and_verbose_more(
    broken_register: Path, tmp_path: Path
) -> None:
    quiet = runner.invoke(app, ["report", str(broken_register), "--out", str(tmp_path), "--quiet"])
    assert quiet.exit_code == 0 and quiet.output.strip() == ""
    verbose = runner.invoke(
        app, ["report", str(broken_register), "--out", str(tmp_path), "--verbose"]
    )
    assert "確認しています" in verbose.output


def test_report_over_the_register_is_refused(broken_register: Path) -> None:
    before = broken_register.read_bytes()
    result = runner.invoke(app, ["report", str(broken_register), "--out", str(broken_register)])
    assert result.exit_code == 3
    assert broken_register.read_bytes() == before


def test_report_log_beside_the_report_masks_secrets(tmp_path: Path) -> None:
    token = "Atzr|IwEBIA7Qk3mZp9XbT2vLr8sN4cYd6uHf0gJ1eWq"
    sheets = {name: [headers] for name, headers in HEADERS.items()}
    sheets["キー"] = [
        HEADERS["キー"] + ["メモ"],
        ["K-1", "その他", None, None, None, None, "佐藤", "鈴木", token],
    ]
    path = write_workbook(tmp_path / "secret.xlsx", sheets)
    out = tmp_path / "out"
    result = runner.invoke(
        app, ["report", str(path), "--as-of", "2026-11-30", "--out", str(out), "--log"]
    )
    assert result.exit_code == 0, result.output
    log = (out / "register-report-2026-11-30.log").read_text(encoding="utf-8")
    assert "SEC001" in log or "秘密" in log
    assert token not in log and "IwEBIA7Qk3" not in log


def test_report_failure_is_logged(tmp_path: Path) -> None:
    out = tmp_path / "out"
    missing = tmp_path / "missing.xlsx"
    args = ["report", str(missing), "--as-of", "2026-11-30", "--out", str(out), "--log"]
    result = runner.invoke(app, args)
    assert result.exit_code == 2
    log = (out / "register-report-2026-11-30.log").read_text(encoding="utf-8")
    assert "missing.xlsx" in log and "見つかりません" in log


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_a_file_name_like_a_token_is_shown_whole(tmp_path: Path, lang: str) -> None:
    """Masking is for cell values: a long file name mixing letters and digits stays whole."""
    folder = tmp_path / "Registers2026Archive0042xyz"
    folder.mkdir()
    path = folder / "ToolRegisterFY2026Final.xlsx"
    path.write_bytes(b"not a workbook at all")
    out = tmp_path / "out"
    args = ["report", str(path), "--as-of", "2026-11-30", "--out", str(out), "--log"]
    result = runner.invoke(app, [*args, "--lang", lang])
    assert result.exit_code == 2
    assert str(path) in result.output and "****" not in result.output
    log = (out / "register-report-2026-11-30.log").read_text(encoding="utf-8")
    assert str(path) in log


def test_a_secret_quoted_in_an_error_is_still_masked() -> None:
    from reporter.cli import error_line
    from reporter.errors import InputError

    secret = "AKIAIOSFODNN7EXAMPLE"
    error = InputError(
        "register_sheet_too_large",
        path="/data/AKIAIOSFODNN7EXAMPLE.xlsx",
        sheet=secret,
        range="A1:XFD1048576",
        cells="1",
        limit="1",
    )
    line = error_line(error, "en")
    assert "/data/AKIAIOSFODNN7EXAMPLE.xlsx" in line  # the file name, as given
    assert f"sheet {secret}" not in line and "****MPLE" in line  # the sheet name, masked


def test_report_open_uses_the_os(
    broken_register: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import reporter.cli

    opened: list[Path] = []
    monkeypatch.setattr(reporter.cli, "open_file", lambda path, lang: opened.append(path))
    runner.invoke(
        app,
        ["report", str(broken_register), "--out", str(tmp_path), "--open", "--as-of", "2026-11-30"],
    )
    assert opened == [tmp_path / "register-report-2026-11-30.xlsx"]


def test_report_verbose_shows_progress_on_long_sheets(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import reporter.register.sheet_reader

    # A "long" sheet in a small test.
    monkeypatch.setattr(reporter.register.sheet_reader, "PROGRESS_EVERY", 2)
    sheets = {name: [headers] for name, headers in HEADERS.items()}
    sheets["キー"] = [HEADERS["キー"]] + [
        [f"K-{n}", "その他", None, None, None, None, "佐藤", "鈴木"] for n in range(5)
    ]
    path = write_workbook(tmp_path / "long.xlsx", sheets)
    result = runner.invoke(app, ["report", str(path), "--out", str(tmp_path), "--verbose"])
    assert "読み込み中: キー 4行" in result.output
    quiet = runner.invoke(app, ["report", str(path), "--out", str(tmp_path), "--quiet"])
    assert "読み込み中" not in quiet.output


@pytest.mark.parametrize(
    ("args", "exit_code"),
    [
        (["check", "sample_data/register.xlsx", "--as-of", "2026-11-30", "--json"], 1),
        (["check", "sample_data/register.xlsx", "--as-of", "2026-11-30", "--fail-on", "never"], 0),
        (["check", "no-such-register.xlsx"], 2),
    ],
)
def test_the_process_exits_with_the_command_code_and_all_its_output(
    args: list[str], exit_code: int
) -> None:
    # The console script skips the interpreter's teardown: the exit code and
    # every byte of output must still come out.
    import subprocess
    import sys

    root = Path(__file__).resolve().parent.parent
    done = subprocess.run(
        [sys.executable, "-m", "reporter", *args],
        cwd=root,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=120,
    )
    assert done.returncode == exit_code, done.stderr
    if "--json" in args:
        assert json.loads(done.stdout)["findings"]  # complete, parseable JSON
    elif exit_code == 0:
        # Complete down to the last line: the reconciliation of the last sheet.
        assert done.stdout.rstrip().splitlines()[-1].startswith("行数: 除外")
    else:
        assert done.stdout == ""
        assert done.stderr.count("\n") == 1 and "no-such-register.xlsx" in done.stderr


def test_rules_json_says_why_each_rule_matters_in_the_language_asked() -> None:
    from reporter.rules import RULES

    for lang, script in (("ja", "[ぁ-んァ-ン一-龥]"), ("en", "[A-Za-z]{3,}")):
        result = runner.invoke(app, ["rules", "--json", "--lang", lang])
        assert result.exit_code == 0, result.output
        rules = json.loads(result.stdout)["rules"]
        assert [rule["code"] for rule in rules] == [rule.code for rule in RULES]
        assert all(re.search(script, rule["why"]) for rule in rules), lang

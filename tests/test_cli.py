"""The commands as a user runs them: exit codes, output, languages, JSON."""

from __future__ import annotations

import hashlib
import json
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
    import reporter.engine

    monkeypatch.setattr(reporter.engine, "today_in_tokyo", lambda: date(2031, 1, 2))
    data = json.loads(runner.invoke(app, ["check", str(clean_register), "--json"]).stdout)
    assert data["as_of"] == "2031-01-02"


def _write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path

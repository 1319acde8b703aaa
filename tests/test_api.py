"""The library API: what a notebook calls, and the proof that the CLI only wraps it."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest
from typer.testing import CliRunner

import reporter
from reporter.cli import app
from reporter.errors import EXIT_BUG, InputError
from reporter.output.json_output import to_json_data
from tests.conftest import AS_OF

SAMPLE = Path(__file__).resolve().parents[1] / "sample_data" / "register.xlsx"
runner = CliRunner()


def test_cli_and_api_find_the_same_on_the_sample() -> None:
    cli = runner.invoke(app, ["check", str(SAMPLE), "--as-of", "2026-11-30", "--json"])
    assert cli.exit_code == 1, cli.output
    from_cli = json.loads(cli.stdout)

    result = reporter.check(SAMPLE, as_of="2026-11-30")
    from_api = to_json_data(result, "ja", str(SAMPLE))

    assert from_api["findings"] == from_cli["findings"]
    assert from_api["rows"] == from_cli["rows"]
    assert from_api["skipped_rules"] == from_cli["skipped_rules"]
    assert len(result.findings) > 50  # the sample raises every code


def test_cli_report_and_api_report_hold_the_same_findings(tmp_path: Path) -> None:
    cli = runner.invoke(
        app, ["report", str(SAMPLE), "--as-of", "2026-11-30", "--out", str(tmp_path / "cli")]
    )
    assert cli.exit_code == 0, cli.output
    outcome = reporter.monthly_report(
        reporter.check(SAMPLE, as_of=date(2026, 11, 30)), tmp_path / "api"
    )
    from reporter.delivery.history import read_previous

    by_cli = read_previous(tmp_path / "cli" / "register-report-2026-11-30.xlsx")
    by_api = read_previous(outcome.path)
    assert outcome.path == tmp_path / "api" / "register-report-2026-11-30.xlsx"
    assert sorted(e.key for e in by_cli.entries) == sorted(e.key for e in by_api.entries)
    assert outcome.comparison.previous is None  # the first report in that folder


def test_monthly_report_compares_with_last_month(tmp_path: Path) -> None:
    october = reporter.monthly_report(reporter.check(SAMPLE, as_of="2026-10-31"), tmp_path)
    november = reporter.monthly_report(reporter.check(SAMPLE, as_of="2026-11-30"), tmp_path)
    assert october.comparison.previous is None
    assert november.comparison.previous is not None
    assert november.comparison.previous.as_of == date(2026, 10, 31)
    assert november.comparison.still_open > 0


def test_check_defaults_and_bad_as_of(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(reporter.api, "today_in_tokyo", lambda: AS_OF)
    assert reporter.check(SAMPLE).as_of == AS_OF
    with pytest.raises(InputError) as raised:
        reporter.check(SAMPLE, as_of="11/12/2026")
    assert "11/12/2026" in raised.value.render("en")


def test_check_with_a_subset_of_rules() -> None:
    from reporter.rules import RULE_BY_CODE

    result = reporter.check(SAMPLE, as_of=AS_OF, only=(RULE_BY_CODE["RNW001"],))
    assert {f.code for f in result.findings} == {"RNW001"}


def test_findings_as_a_dataframe() -> None:
    result = reporter.check(SAMPLE, as_of=AS_OF)
    frame = reporter.to_pandas(result, "en")
    assert len(frame) == len(result.findings)
    assert list(frame["code"]) == [f.code for f in result.findings]
    overdue = frame[(frame["category"] == "renewal") & (frame["due"] < "2026-11-30")]
    assert len(overdue) > 0
    assert str(frame["due"].dtype).startswith("datetime64")
    # masked as in every other output
    assert not frame["message"].str.contains("Atzr\\|[A-Za-z0-9]{20}", regex=True).any()


def test_a_bug_is_one_line_naming_a_log(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, make_register: Callable[..., Path]
) -> None:
    clean_register = make_register()
    secret = "Atzr|IwEBIA1234567890abcdefghijklmnopqrstuvwxyz"

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError(f"cannot handle {secret}")

    monkeypatch.setattr(reporter.api, "check", broken)
    monkeypatch.setenv("TMPDIR", str(tmp_path))
    import tempfile

    monkeypatch.setattr(tempfile, "tempdir", None)
    result = runner.invoke(app, ["check", str(clean_register), "--lang", "en"])
    assert result.exit_code == EXIT_BUG != 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert "bug" in lines[0] and "Traceback" not in result.output
    logs = list(tmp_path.glob("reporter-error-*.log"))
    assert len(logs) == 1 and str(logs[0]) in lines[0]
    details = logs[0].read_text(encoding="utf-8")
    assert "RuntimeError" in details and "broken" in details
    assert secret not in details and secret not in result.output


def test_errors_follow_the_config_language_per_run(tmp_path: Path) -> None:
    config = tmp_path / "reporter.toml"
    config.write_text('lang = "en"\n', encoding="utf-8")
    missing = tmp_path / "missing.xlsx"
    english = runner.invoke(app, ["check", str(missing), "--config", str(config)])
    japanese = runner.invoke(app, ["check", str(missing)])
    assert english.exit_code == japanese.exit_code == 2
    assert re.search(r"[A-Za-z]{4,}", english.stderr) and not re.search(
        "[ぁ-んァ-ン]", english.stderr
    )
    assert re.search("[ぁ-んァ-ン]", japanese.stderr)

"""Registers saved by other programs and formats give the same findings."""

from __future__ import annotations

from collections import Counter
from datetime import date
from pathlib import Path

import pytest
from typer.testing import CliRunner

from reporter.api import check
from reporter.cli import app

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"
AS_OF = date(2026, 11, 30)


def _codes(path: Path) -> Counter[str]:
    return Counter(f.code for f in check(path, as_of=AS_OF).findings)


@pytest.mark.parametrize(
    ("name", "finds_error_cells"),
    [
        ("sample-saved-by-libreoffice.xlsx", True),
        # Calamine reads .ods and .xls error cells as blank: DAT011 is found in .xlsx/.xlsm only.
        ("sample-saved-by-libreoffice.ods", False),
        ("sample-saved-as-excel97.xls", False),
    ],
)
def test_same_findings_as_the_original(name: str, finds_error_cells: bool) -> None:
    original = _codes(ROOT / "sample_data" / "register.xlsx")
    if not finds_error_cells:
        del original["DAT011"]
    assert _codes(DATA / name) == original


def test_password_protected_workbook_is_one_clear_line() -> None:
    result = CliRunner().invoke(app, ["check", str(DATA / "password-protected.xlsx")])
    assert result.exit_code == 2
    assert result.output.strip().count("\n") == 0
    assert "パスワード" in result.output

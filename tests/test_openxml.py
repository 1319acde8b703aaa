"""The report validates against the Office Open XML schemas (the Open XML SDK's checks).

The findings sheets' XML is written by hand (reporter/output/workbook/bulk.py) for
speed; an element out of order or an attribute Excel does not know makes Excel
offer to "repair" the file and drop what it cannot read. openxml-audit runs the
Open XML SDK's schema and semantic validation in pure Python, without a network.
"""

from __future__ import annotations

import zipfile
from datetime import date
from pathlib import Path

import openxml_audit
import pytest

from reporter.api import check
from reporter.output.workbook import write_workbook
from reporter.result import CheckResult
from tests.test_report import (  # noqa: F401  (fixtures)
    full_result,
    hostile_result,
    stand_in_rules,
)

SAMPLE = Path(__file__).resolve().parent.parent / "sample_data" / "register.xlsx"


def _errors(path: Path) -> list[str]:
    result = openxml_audit.OpenXmlValidator().validate(str(path))
    return [f"{getattr(e, 'part_uri', '')} {e.description}" for e in result.errors]


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_the_sample_report_is_valid_open_xml(tmp_path: Path, lang: str) -> None:
    report = tmp_path / "report.xlsx"
    write_workbook(check(SAMPLE, as_of=date(2026, 11, 30)), report, lang, SAMPLE.name, "0" * 64)
    assert _errors(report) == []


def test_a_report_of_hostile_text_is_valid_open_xml(
    hostile_result: CheckResult,  # noqa: F811
    tmp_path: Path,
) -> None:
    report = tmp_path / "report.xlsx"
    write_workbook(hostile_result, report, "ja", "register.xlsx", "0" * 64)
    assert _errors(report) == []


def test_the_validator_sees_a_broken_sheet(full_result: CheckResult, tmp_path: Path) -> None:  # noqa: F811
    # The check above would pass with a validator that reads nothing.
    report = tmp_path / "report.xlsx"
    write_workbook(full_result, report, "ja", "register.xlsx", "0" * 64)
    broken = tmp_path / "broken.xlsx"
    with zipfile.ZipFile(report) as source, zipfile.ZipFile(broken, "w") as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet2.xml":
                data = data.replace(b"<sheetFormatPr", b"<bogus/><sheetFormatPr", 1)
            target.writestr(item, data)
    assert _errors(report) == []
    assert any("bogus" in error for error in _errors(broken))

"""Shared test helpers: write small registers the way a team would fill them in."""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Callable, Mapping, Sequence
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from reporter import i18n
from reporter.api import monthly_report
from reporter.config import Config
from reporter.engine import RuleRun, run_checks
from reporter.model import Register
from reporter.platform import load_settings
from reporter.register.loader import load_register
from reporter.result import CheckResult
from tests.standins import Certificate, make_certificate

AS_OF = date(2026, 11, 30)

# A message placeholder without its param fails the test that shows it (reporter.i18n):
# the user would otherwise read "{count}". Set for every process the tests start too.
os.environ[i18n.STRICT_ENV] = "1"
i18n.STRICT = True

# The smallest complete register: the four required sheets with their headers.
HEADERS: dict[str, list[str]] = {
    "ツール": ["ツールID", "ツール名", "用途", "状態", "解約日", "担当者"],
    "キー": ["キーID", "種類", "ツールID", "発行日", "有効期限", "状態", "担当者", "副担当"],
    "権限": [
        "付与ID",
        "付与先",
        "付与先種別",
        "ツールID",
        "権限種別",
        "付与日",
        "取消日",
        "契約終了日",
    ],
    "通知": ["通知ID", "受信日", "種類", "理由", "ASIN", "再出品の案内", "方針", "返信日", "状態"],
}


def write_workbook(
    path: Path, sheets: Mapping[str, Sequence[Sequence[Any]]], **options: Any
) -> Path:
    """Write ``sheets`` (name -> rows, header first) with xlsxwriter; dates get a date format.

    A cell given as {"formula": "=…", "result": "#N/A"} is a formula with that saved result.
    """
    import xlsxwriter

    workbook = xlsxwriter.Workbook(
        str(path),
        {
            "strings_to_numbers": False,
            "strings_to_formulas": False,
            "strings_to_urls": False,
            **options,
        },
    )
    date_format = workbook.add_format({"num_format": "yyyy-mm-dd"})
    for name, rows in sheets.items():
        sheet = workbook.add_worksheet(name)
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                if isinstance(value, date):
                    sheet.write_datetime(r, c, value, date_format)
                elif isinstance(value, Mapping) and "formula" in value:
                    sheet.write_formula(r, c, value["formula"], None, value.get("result", 0))
                elif value is not None:
                    sheet.write(r, c, value)
    workbook.close()
    return path


def register_sheets(**rows: Sequence[Mapping[str, Any]]) -> dict[str, list[list[Any]]]:
    """The four required sheets, with data rows given as {header: value} per sheet name."""
    names = {"tools": "ツール", "keys": "キー", "grants": "権限", "notices": "通知"}
    sheets: dict[str, list[list[Any]]] = {}
    for key, name in names.items():
        headers = list(HEADERS[name])
        for record in rows.get(key, ()):
            headers += [h for h in record if h not in headers]
        sheets[name] = [headers] + [
            [record.get(h) for h in headers] for record in rows.get(key, ())
        ]
    for key, records in rows.items():
        if key not in names:
            headers = list(dict.fromkeys(h for record in records for h in record))
            sheets[key] = [headers] + [[record.get(h) for h in headers] for record in records]
    return sheets


@pytest.fixture
def certificate(tmp_path: Path) -> Certificate:
    """A self-signed certificate for localhost, made for the test (tests/standins.py)."""
    return make_certificate(tmp_path / "tls")


@pytest.fixture
def make_register(tmp_path: Path) -> Callable[..., Path]:
    counter = iter(range(10_000))

    def make(sheets: Mapping[str, Sequence[Sequence[Any]]] | None = None, **rows: Any) -> Path:
        path = tmp_path / f"register-{next(counter)}.xlsx"
        return write_workbook(path, sheets if sheets is not None else register_sheets(**rows))

    return make


@pytest.fixture
def run_check(make_register: Callable[..., Path]) -> Callable[..., CheckResult]:
    def run(as_of: date = AS_OF, sheets: Any = None, **rows: Any) -> CheckResult:
        path = make_register(sheets, **rows)
        return run_checks(load_register(path), as_of, load_settings())

    return run


def write_report(
    result: CheckResult,
    out: Path | str | None = None,
    lang: str = "ja",
    *,
    output_dir: Path | None = None,
    previous: Path | None = None,
) -> Path:
    """What `reporter report --out OUT [--previous FILE]` writes, through the library API."""
    config = Config(output_dir=str(output_dir)) if output_dir is not None else None
    return monthly_report(result, out, lang=lang, previous=previous, config=config).path


def codes(result: CheckResult) -> list[str]:
    return [f.code for f in result.findings]


def check_outcome(result: CheckResult) -> tuple[Any, ...]:
    """What a check gives, to compare two ways of getting it."""
    return (
        [dataclasses.astuple(f) for f in result.findings],
        result.skipped,
        result.rows,
    )


def rules_as_sheets_arrive(
    path: Path, order: list[str], as_of: date = AS_OF
) -> tuple[CheckResult, int]:
    """Run the rules on ``path`` as the loader does (engine.RuleRun), the sheets arriving
    in ``order``.

    Returns the result and how many rules ran before the last sheet arrived.
    """
    whole = load_register(path)
    register = Register(
        path=whole.path,
        sheets={},
        missing_sheets=[],
        sheet_names=whole.sheet_names,
        date1904=whole.date1904,
        # Given from the start (the loader gives them last): what a rule reads beyond
        # the sheets must be read once, not once per sheet.
        loose_texts=whole.loose_texts,
        pending=frozenset(order),
    )
    run = RuleRun(as_of, load_settings())
    early = 0
    for key in order:
        while run.run_one(register):
            early += 1
        register.sheets[key] = whole.sheets[key]
        register.pending = register.pending - {key}
    register.sheets = whole.sheets
    register.missing_sheets = whole.missing_sheets
    register.loose_texts = whole.loose_texts
    return run.finish(register), early
